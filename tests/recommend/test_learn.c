/* test_learn.c — the online acceptance model on synthetic streams: it
 * converges to known acceptance rates, keeps segments apart, starts
 * neutral, and its weight snapshot finds what was put in. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "recommend/learn.h"

/* A small deterministic generator (splitmix64), so runs repeat. */
static uint64_t rng_state;
static double uniform(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* Weights of one segment and the global layer for two products, kept as
 * the store would keep them. */
typedef struct world {
    tl_learn_row global[2][TL_LEARN_NF];   /* per product: bias, score, product, category */
    tl_learn_row seg[2][2][TL_LEARN_NF];   /* [segment][product] */
} world;

/* Copies the rows of (segment, product) out of the world and back: bias
 * and score are shared by all products, the category is shared too (both
 * products are in one category). */
static void load(const world *w, int s, int p, tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF])
{
    rows[0][TL_LEARN_BIAS] = w->global[0][TL_LEARN_BIAS];
    rows[0][TL_LEARN_SCORE] = w->global[0][TL_LEARN_SCORE];
    rows[0][TL_LEARN_CATEGORY] = w->global[0][TL_LEARN_CATEGORY];
    rows[0][TL_LEARN_PRODUCT] = w->global[p][TL_LEARN_PRODUCT];
    rows[1][TL_LEARN_BIAS] = w->seg[s][0][TL_LEARN_BIAS];
    rows[1][TL_LEARN_SCORE] = w->seg[s][0][TL_LEARN_SCORE];
    rows[1][TL_LEARN_CATEGORY] = w->seg[s][0][TL_LEARN_CATEGORY];
    rows[1][TL_LEARN_PRODUCT] = w->seg[s][p][TL_LEARN_PRODUCT];
}

static void save(world *w, int s, int p, tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF])
{
    w->global[0][TL_LEARN_BIAS] = rows[0][TL_LEARN_BIAS];
    w->global[0][TL_LEARN_SCORE] = rows[0][TL_LEARN_SCORE];
    w->global[0][TL_LEARN_CATEGORY] = rows[0][TL_LEARN_CATEGORY];
    w->global[p][TL_LEARN_PRODUCT] = rows[0][TL_LEARN_PRODUCT];
    w->seg[s][0][TL_LEARN_BIAS] = rows[1][TL_LEARN_BIAS];
    w->seg[s][0][TL_LEARN_SCORE] = rows[1][TL_LEARN_SCORE];
    w->seg[s][0][TL_LEARN_CATEGORY] = rows[1][TL_LEARN_CATEGORY];
    w->seg[s][p][TL_LEARN_PRODUCT] = rows[1][TL_LEARN_PRODUCT];
}

static double p_accept(const tl_learn_params *lp, const world *w, int s, int p, double score)
{
    tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
    load(w, s, p, rows);
    double x[TL_LEARN_NF];
    tl_learn_features(score, x);
    return tl_learn_sigmoid(tl_learn_logit(lp, rows, x));
}

/* One showing of product p to a customer of segment s, as the engine
 * learns it: a negative at once, flipped when the customer accepts. */
static void show(const tl_learn_params *lp, world *w, int s, int p, double score, double truth)
{
    tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
    double x[TL_LEARN_NF];
    tl_learn_features(score, x);
    load(w, s, p, rows);
    tl_learn_step(lp, rows, 1, x, TL_LEARN_NEGATIVE);
    save(w, s, p, rows);
    if (uniform() < truth) {
        load(w, s, p, rows);
        tl_learn_step(lp, rows, 1, x, TL_LEARN_FLIP);
        save(w, s, p, rows);
    }
}

static void test_converges_to_known_rates(void **state)
{
    (void)state;
    tl_learn_params lp;
    tl_learn_params_default(&lp);
    world w;
    memset(&w, 0, sizeof w);
    rng_state = 42;
    /* 5,000 showings in one segment; product 0 is accepted 30% of the
     * time, product 1 10%, whatever the engine's score says. */
    for (int i = 0; i < 5000; i++) {
        int p = uniform() < 0.5;
        show(&lp, &w, 0, p, 0.3 + 0.4 * uniform(), p ? 0.1 : 0.3);
    }
    double a = p_accept(&lp, &w, 0, 0, 0.5), b = p_accept(&lp, &w, 0, 1, 0.5);
    printf("p_accept after 5000 showings: %.4f (truth 0.30), %.4f (truth 0.10)\n", a, b);
    assert_true(fabs(a - 0.30) < 0.05);
    assert_true(fabs(b - 0.10) < 0.04);
    /* Calibration over the score range: the truth does not depend on the
     * score, so the learned score weight must have shrunk towards 0. */
    double lo = p_accept(&lp, &w, 0, 0, 0.3), hi = p_accept(&lp, &w, 0, 0, 0.7);
    assert_true(fabs(hi - lo) < 0.12);
}

static void test_positive_without_showing(void **state)
{
    (void)state;
    tl_learn_params lp;
    tl_learn_params_default(&lp);
    world w;
    memset(&w, 0, sizeof w);
    rng_state = 7;
    /* Outcomes reported without showings: positives and negatives as
     * samples of their own converge to the same rate. */
    for (int i = 0; i < 4000; i++) {
        tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
        double x[TL_LEARN_NF];
        tl_learn_features(0.5, x);
        load(&w, 0, 0, rows);
        tl_learn_step(&lp, rows, 1, x, uniform() < 0.2 ? TL_LEARN_POSITIVE : TL_LEARN_NEGATIVE);
        save(&w, 0, 0, rows);
    }
    double a = p_accept(&lp, &w, 0, 0, 0.5);
    printf("p_accept from bare outcomes: %.4f (truth 0.20)\n", a);
    assert_true(fabs(a - 0.20) < 0.04);
}

static void test_segments_apart_and_neutral_start(void **state)
{
    (void)state;
    tl_learn_params lp;
    tl_learn_params_default(&lp);
    world w;
    memset(&w, 0, sizeof w);
    /* A fresh model: p_accept is the prior (at a score of 0.5) and the
     * ranking term is exactly zero. */
    tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
    load(&w, 0, 0, rows);
    assert_true(tl_learn_lift(&lp, rows) == 0.0);
    assert_true(fabs(p_accept(&lp, &w, 0, 0, 0.5) - lp.prior_rate) < 1e-9);
    /* Segment 0 loves product 0 (40%), segment 1 does not (2%). */
    rng_state = 9;
    for (int i = 0; i < 3000; i++) {
        int s = uniform() < 0.5;
        show(&lp, &w, s, 0, 0.5, s ? 0.02 : 0.40);
        show(&lp, &w, s, 1, 0.5, 0.05);
    }
    double s0 = p_accept(&lp, &w, 0, 0, 0.5), s1 = p_accept(&lp, &w, 1, 0, 0.5);
    printf("product 0: segment 0 %.4f (truth 0.40), segment 1 %.4f (truth 0.02)\n", s0, s1);
    assert_true(fabs(s0 - 0.40) < 0.06);
    assert_true(fabs(s1 - 0.02) < 0.03);
    tl_learn_row r0[TL_LEARN_NL][TL_LEARN_NF], r1[TL_LEARN_NL][TL_LEARN_NF];
    load(&w, 0, 0, r0);
    load(&w, 1, 0, r1);
    assert_true(tl_learn_lift(&lp, r0) > tl_learn_lift(&lp, r1));
    /* Bounded whatever the stream. */
    assert_true(fabs(tl_learn_lift(&lp, r0)) <= lp.max_lift);
    /* Without a segment only the global layer moves. */
    memset(&w, 0, sizeof w);
    load(&w, 0, 0, rows);
    double x[TL_LEARN_NF];
    tl_learn_features(0.5, x);
    tl_learn_step(&lp, rows, 0, x, TL_LEARN_POSITIVE);
    assert_true(rows[0][TL_LEARN_PRODUCT].w > 0);
    assert_true(rows[1][TL_LEARN_PRODUCT].w == 0 && rows[1][TL_LEARN_PRODUCT].n == 0);
    /* A dismissal after a showing teaches nothing more. */
    tl_learn_row before[TL_LEARN_NL][TL_LEARN_NF];
    memcpy(before, rows, sizeof rows);
    tl_learn_step(&lp, rows, 1, x, TL_LEARN_NONE);
    assert_memory_equal(before, rows, sizeof rows);
}

static void test_few_events_move_little(void **state)
{
    (void)state;
    tl_learn_params lp;
    tl_learn_params_default(&lp);
    tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
    memset(rows, 0, sizeof rows);
    double x[TL_LEARN_NF];
    tl_learn_features(0.4, x);
    /* One acceptance moves the learned lift by at most lr per weight (four
     * weights: product and category in two layers); three unanswered by
     * any showing stay near one unit of log-odds (a score of 0.3 becomes
     * at most about 0.55), so a handful of events cannot flip a ranking. */
    tl_learn_step(&lp, rows, 1, x, TL_LEARN_POSITIVE);
    double one = tl_learn_lift(&lp, rows);
    tl_learn_step(&lp, rows, 1, x, TL_LEARN_POSITIVE);
    tl_learn_step(&lp, rows, 1, x, TL_LEARN_POSITIVE);
    double three = tl_learn_lift(&lp, rows);
    printf("lift after one acceptance %.3f, after three %.3f\n", one, three);
    assert_true(one > 0 && one <= 4 * lp.lr + 1e-12);
    assert_true(three > one && three < 1.2);
}

static void test_segment_key(void **state)
{
    (void)state;
    char b[64];
    tl_learn_segment(34, "Medium", b, sizeof b);
    assert_string_equal(b, "age:30-44|risk:medium");
    tl_learn_segment(-1, NULL, b, sizeof b);
    assert_string_equal(b, "age:?|risk:?");
    tl_learn_segment(61, "HIGH", b, sizeof b);
    assert_string_equal(b, "age:60+|risk:high");
    tl_learn_segment(18, "adventurous", b, sizeof b);
    assert_string_equal(b, "age:18-29|risk:?");
}

static void test_model_snapshot(void **state)
{
    (void)state;
    tl_learn_model *m = tl_learn_model_new();
    assert_non_null(m);
    /* Enough rows to make the table grow several times. */
    char feat[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(feat, sizeof feat, "p:%d", i);
        assert_int_equal(tl_learn_model_put(m, "age:30-44|risk:low", feat, (tl_learn_row){i, i}),
                         0);
    }
    assert_int_equal(tl_learn_model_put(m, "*", "p:7", (tl_learn_row){-1.5, 3}), 0);
    assert_int_equal(tl_learn_model_put(m, "*", "c:Loans", (tl_learn_row){0.25, 4}), 0);
    assert_int_equal(tl_learn_model_put(m, "bad\x1fkey", "p:1", (tl_learn_row){1, 1}), TL_EINPUT);
    tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
    tl_learn_model_rows(m, "age:30-44|risk:low", "7", "Loans", rows);
    assert_true(rows[TL_LEARN_SEGMENT][TL_LEARN_PRODUCT].w == 7.0);
    assert_true(rows[TL_LEARN_GLOBAL][TL_LEARN_PRODUCT].w == -1.5);
    assert_true(rows[TL_LEARN_GLOBAL][TL_LEARN_CATEGORY].w == 0.25);
    assert_true(rows[TL_LEARN_SEGMENT][TL_LEARN_CATEGORY].w == 0.0);
    tl_learn_params lp;
    tl_learn_params_default(&lp);
    assert_true(tl_learn_lift(&lp, rows) == lp.max_lift);   /* 5.75, clipped */
    /* Without a segment only the global layer is read. */
    tl_learn_model_rows(m, NULL, "7", "Loans", rows);
    assert_true(rows[TL_LEARN_SEGMENT][TL_LEARN_PRODUCT].w == 0.0);
    tl_learn_model_ref(m);
    tl_learn_model_unref(m);
    tl_learn_model_unref(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_converges_to_known_rates),
        cmocka_unit_test(test_positive_without_showing),
        cmocka_unit_test(test_segments_apart_and_neutral_start),
        cmocka_unit_test(test_few_events_move_little),
        cmocka_unit_test(test_segment_key),
        cmocka_unit_test(test_model_snapshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
