/* test_rollout.c — rollouts end to end: the statistics against published
 * and hand-worked values, the arm assignment, the store's rules and audit
 * entries, the engine serving each arm, the report's counts and window on
 * events written here, the replay's own tallies against the report, and
 * `tailor rollout`. Real store, real engine. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/lift.h"
#include "eval/rollout_report.h"
#include "eval/rollout_tally.h"
#include "govern/audit.h"
#include "govern/rollout_change.h"
#include "recommend/engine.h"
#include "recommend/learn.h"
#include "recommend/rollout.h"
#include "recommend/simulate.h"
#include "store/audit.h"
#include "store/customers.h"
#include "store/events.h"
#include "store/rollouts.h"

typedef struct fixture {
    char *dir, *bank;   /* a generated bank, imported once; tests copy it */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->bank = tu_join(f->dir, "bank.db");
    if (tu_generate_bank(f->dir, "300", "11"))
        return -1;
    tu_import_generated(f->dir, f->bank);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->bank);
    free(f->dir);
    free(f);
    return 0;
}

/* A fresh copy of the imported bank, as a path the caller frees. */
static char *bank_copy(const fixture *f, const char *name)
{
    char *path = tu_join(f->dir, name);
    size_t len;
    char *bytes = tu_read_file(f->bank, &len);
    assert_non_null(bytes);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(bytes, 1, len, out), len);
    fclose(out);
    free(bytes);
    return path;
}

static tl_store *open_store(const char *path)
{
    tl_store *st;
    tl_err err;
    if (tl_store_open(path, TL_STORE_CREATE, &st, &err))
        fail_msg("%s", err.msg);
    return st;
}

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.6f, want %.6f (±%g)", got, want, tol);
}

/* Wilson's intervals are Newcombe's (1998) single-proportion examples; the
 * differences are his two-proportion examples for method 10, the first
 * worked by hand: 56/70 has Wilson (0.6918, 0.8770), 48/80 (0.4904,
 * 0.7004), so 0.2 − √(0.1082² + 0.1004²) = 0.0524 and
 * 0.2 + √(0.0770² + 0.1096²) = 0.3339. */
static void test_statistics(void **state)
{
    (void)state;
    tl_interval w = tl_wilson(0, 10, TL_Z95);
    assert_near(w.lo, 0, 1e-12);
    assert_near(w.hi, 0.2775, 5e-5);
    w = tl_wilson(81, 263, TL_Z95);
    assert_near(w.lo, 0.2553, 5e-5);
    assert_near(w.hi, 0.3662, 5e-5);
    w = tl_wilson(10, 10, TL_Z95);
    assert_near(w.hi, 1, 1e-12);
    w = tl_wilson(0, 0, TL_Z95);
    assert_true(w.lo == 0 && w.hi == 1);

    static const struct {
        long long x1, n1, x2, n2;
        double lo, hi;
    } diffs[] = {{56, 70, 48, 80, 0.0524, 0.3339},
                 {9, 10, 3, 10, 0.1705, 0.8090},
                 {5, 56, 0, 29, -0.0381, 0.1926}};
    for (size_t i = 0; i < sizeof diffs / sizeof *diffs; i++) {
        tl_interval d = tl_newcombe_diff(diffs[i].x1, diffs[i].n1, diffs[i].x2, diffs[i].n2,
                                         TL_Z95);
        assert_near(d.lo, diffs[i].lo, 5e-5);
        assert_near(d.hi, diffs[i].hi, 5e-5);
    }
    /* Pooled z: p = 104/150, se = √(p(1−p)(1/70 + 1/80)) = 0.07547, z = 2.650. */
    assert_near(tl_two_prop_p(56, 70, 48, 80), 0.00805, 5e-5);
    assert_near(tl_two_prop_p(5, 50, 5, 50), 1, 1e-12);
    assert_near(tl_two_prop_p(0, 50, 0, 50), 1, 1e-12);
    /* (1.95996 + 0.84162) · √(0.1 · 0.9 · 2/1000) */
    assert_near(tl_min_detectable_diff(0.1, 1000, 1000), 0.037587, 1e-6);
    assert_true(isnan(tl_min_detectable_diff(0.1, 0, 1000)));
    /* 520 of 1000 against 0.5: z = 0.02 / 0.015811 = 1.2649. */
    assert_near(tl_split_p(520, 480, 0.5), 0.2059, 5e-5);
    assert_true(tl_split_p(700, 300, 0.5) < 1e-6);
    /* Ratio: (0.8/0.6) · exp(±1.96 · √(1/56 − 1/70 + 1/48 − 1/80)) − 1. */
    tl_interval r = tl_ratio_lift(56, 70, 48, 80, TL_Z95);
    double se = sqrt(1.0 / 56 - 1.0 / 70 + 1.0 / 48 - 1.0 / 80);
    assert_near(r.lo, 0.8 / 0.6 * exp(-TL_Z95 * se) - 1, 1e-12);
    assert_near(r.hi, 0.8 / 0.6 * exp(TL_Z95 * se) - 1, 1e-12);
    assert_true(r.lo > 0 && r.hi < 0.7);
    assert_true(isnan(tl_ratio_lift(5, 10, 0, 10, TL_Z95).lo));
    /* Means: {0, 1, 2} against {0, 0, 0, 1}: 1 − 0.25, variances 1/3 and 0.0625. */
    tl_mean_diff m = tl_mean_difference(3, 3, 5, 4, 1, 1, TL_Z95);
    assert_near(m.diff, 0.75, 1e-12);
    assert_near(m.ci.hi - m.diff, TL_Z95 * sqrt(1.0 / 3 + 0.0625), 1e-12);
}

/* The tally on its own: time keys sort as the times do, acceptances
 * before a customer's first showing do not count, and the table grows
 * past its first size without losing anyone. */
static void test_tally(void **state)
{
    (void)state;
    assert_true(tl_time_key("2026-11-25T14:03:07Z") == 20261125140307LL);
    assert_true(tl_time_key("2026-11-25") == 20261125000000LL);
    assert_true(tl_time_key("2026-11-25T09:59:59Z") < tl_time_key("2026-11-25T10:00:00Z"));
    tl_rollout_tally t = {0};
    char id[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "cust-%d", i);
        assert_int_equal(tl_rollout_tally_add(&t, id, "shown", "2026-11-25T10:00:00Z"), 0);
        if (i % 2 == 0)
            assert_int_equal(tl_rollout_tally_add(&t, id, "accepted", "2026-11-25T11:00:00Z"),
                             0);
        if (i % 5 == 0)   /* before the showing: not the rollout's */
            assert_int_equal(tl_rollout_tally_add(&t, id, "accepted", "2026-11-25T09:00:00Z"),
                             0);
    }
    assert_int_equal(tl_rollout_tally_add(&t, "cust-7", "shown", "2026-11-25T08:00:00Z"), 0);
    assert_int_equal(tl_rollout_tally_add(&t, "cust-7", "clicked", "2026-11-25T08:00:01Z"), 0);
    assert_int_equal(tl_rollout_tally_add(&t, "cust-7", "bought", "2026-11-25T08:00:01Z"), 0);
    tl_rollout_tally_finish(&t);
    assert_int_equal(t.n, 5000);
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof id, "cust-%d", i);
        tl_customer_tally *c = tl_rollout_tally_find(&t, id);
        assert_non_null(c);
        assert_string_equal(tl_customer_tally_id(&t, c), id);
        assert_int_equal(c->accepted, i % 2 == 0 ? 1 : 0);
        assert_true(c->first_accepted == (i % 2 == 0 ? 20261125110000LL : 0));
    }
    tl_customer_tally *c7 = tl_rollout_tally_find(&t, "cust-7");
    assert_true(c7->shown == 2 && c7->clicked == 1 && c7->first_shown == 20261125080000LL);
    assert_null(tl_rollout_tally_find(&t, "cust-5000"));
    tl_rollout_tally_free(&t);
}

static void test_assignment(void **state)
{
    (void)state;
    tl_rollout pilot = {.share = 0.1}, wide = {.share = 0.3}, other = {.share = 0.1};
    snprintf(pilot.salt, sizeof pilot.salt, "s1");
    snprintf(wide.salt, sizeof wide.salt, "s1");
    snprintf(other.salt, sizeof other.salt, "s2");
    const int n = 20000;
    int treated = 0, moved = 0;
    for (int i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "cust-%06d", i);
        double u = tl_rollout_position("s1", id);
        assert_true(u >= 0 && u < 1);
        tl_arm a = tl_rollout_arm(&pilot, id);
        assert_int_equal(a, tl_rollout_arm(&pilot, id));   /* the same every time */
        treated += a == TL_ARM_TREATMENT;
        /* Widening keeps every treated customer treated. */
        if (a == TL_ARM_TREATMENT)
            assert_int_equal(tl_rollout_arm(&wide, id), TL_ARM_TREATMENT);
        moved += a != tl_rollout_arm(&other, id);
    }
    /* 10% within 3 standard deviations (√(0.09/20000) = 0.0021). */
    assert_true(fabs((double)treated / n - 0.1) < 0.0064);
    /* Another salt reshuffles: independent arms differ for 2 · 0.1 · 0.9 = 18%. */
    assert_true(moved > n / 10 && moved < n / 4);
    assert_int_equal(tl_rollout_arm(NULL, "cust-1"), TL_ARM_NONE);
    assert_string_equal(tl_arm_name(TL_ARM_CONTROL), "control");
}

static int noop_row(void *ctx, const tl_audit_row *r)
{
    (void)ctx;
    (void)r;
    return 0;
}

static int count_audit(tl_store *st, const char *kind)
{
    tl_audit_query q = {.kind = kind, .limit = 1};
    long long total = -1;
    tl_err err;
    if (tl_store_audit_query(st, &q, noop_row, NULL, &total, &err))
        fail_msg("%s", err.msg);
    return (int)total;
}

static void test_store_rules(void **state)
{
    fixture *f = *state;
    char *db = bank_copy(f, "rules.db");
    tl_store *st = open_store(db);
    tl_rollout r, r2;
    tl_err err;
    bool found = true;
    assert_int_equal(tl_store_rollout_active(st, &r, &found, &err), 0);
    assert_false(found);
    /* Refused before anything is written. */
    const double bad_shares[] = {0, 1, -0.1, 1.5, NAN};
    for (size_t i = 0; i < sizeof bad_shares / sizeof *bad_shares; i++) {
        assert_int_equal(tl_rollout_change_start(st, "p", bad_shares[i], NULL, "test", "t", &r,
                                                 &err),
                         TL_EINPUT);
        assert_non_null(strstr(err.msg, "share"));
    }
    assert_int_equal(tl_rollout_change_start(st, "a b", 0.5, NULL, "test", "t", &r, &err),
                     TL_EINPUT);
    assert_non_null(strstr(err.msg, "\"a b\""));
    assert_int_equal(tl_rollout_change_start(st, "", 0.5, NULL, "test", "t", &r, &err),
                     TL_EINPUT);
    char long_name[80];
    memset(long_name, 'x', 64);
    long_name[64] = '\0';
    assert_int_equal(tl_rollout_change_start(st, long_name, 0.5, NULL, "test", "t", &r, &err),
                     TL_EINPUT);
    assert_int_equal(tl_rollout_change_start(st, "p", 0.5, "bad salt", "test", "t", &r, &err),
                     TL_EINPUT);
    assert_int_equal(tl_rollout_change_stop(st, "test", "t", &r, &err), TL_ENOTFOUND);
    assert_int_equal(count_audit(st, "rollout"), 0);

    assert_int_equal(tl_rollout_change_start(st, "pilot-1", 0.1, NULL, "test", "t", &r, &err),
                     0);
    assert_string_equal(r.name, "pilot-1");
    assert_true(r.share == 0.1 && r.ended_at[0] == '\0' && strlen(r.salt) == 32);
    assert_int_equal(tl_store_rollout_active(st, &r2, &found, &err), 0);
    assert_true(found && r2.id == r.id);
    assert_int_equal(tl_rollout_change_start(st, "pilot-2", 0.2, NULL, "test", "t", &r2, &err),
                     TL_ECONFLICT);
    assert_non_null(strstr(err.msg, "'pilot-1' is running"));
    assert_int_equal(tl_rollout_change_stop(st, "test", "t", &r2, &err), 0);
    assert_string_equal(r2.name, "pilot-1");
    assert_true(r2.ended_at[0] != '\0' && strcmp(r2.ended_at, r2.started_at) >= 0);
    /* A name is used once; the next stage inherits the salt. */
    assert_int_equal(tl_rollout_change_start(st, "pilot-1", 0.2, NULL, "test", "t", &r2, &err),
                     TL_ECONFLICT);
    assert_non_null(strstr(err.msg, "ran before"));
    assert_int_equal(tl_rollout_change_start(st, "pilot-2", 0.5, NULL, "test", "t", &r2, &err),
                     0);
    assert_string_equal(r2.salt, r.salt);
    assert_int_equal(tl_rollout_change_stop(st, "test", "t", &r2, &err), 0);
    tl_rollout r3;
    assert_int_equal(tl_rollout_change_start(st, "reshuffled", 0.5, "fresh", "test", "t", &r3,
                                             &err),
                     0);
    assert_string_equal(r3.salt, "fresh");
    assert_int_equal(tl_store_rollout_get(st, "nope", &r3, &err), TL_ENOTFOUND);
    /* Every start and stop is audited: 3 starts, 2 stops. */
    assert_int_equal(count_audit(st, "rollout"), 5);
    tl_store_close(st);
    free(db);
}

/* Recommends for the first n customers and checks each against its arm. */
typedef struct id_list {
    char ids[40][72];
    int n;
} id_list;

static int take_id(void *ctx, const tl_customer *c)
{
    id_list *l = ctx;
    if (l->n == 40)
        return 1;
    snprintf(l->ids[l->n++], sizeof l->ids[0], "%s", c->id);
    return 0;
}

static void test_engine_serves_arms(void **state)
{
    fixture *f = *state;
    char *db = bank_copy(f, "engine.db");
    tl_store *st = open_store(db);
    tl_engine *eng;
    tl_err err;
    tl_rank_weights w;
    tl_rank_weights_default(&w);
    assert_int_equal(tl_engine_open("builtin", &w, &eng, &err), 0);
    id_list ids = {.n = 0};
    tl_customer_query cq = {.age_min = -1, .age_max = -1, .sort = TL_CSORT_ID, .limit = 40};
    long long total;
    assert_int_equal(tl_store_customers_list(st, &cq, take_id, &ids, &total, &err), 0);
    assert_int_equal(ids.n, 40);
    tl_rollout ro;
    assert_int_equal(tl_rollout_change_start(st, "half", 0.5, "engine-test", "test", "t", &ro,
                                             &err),
                     0);
    int arms[3] = {0, 0, 0};
    tl_rec_opts o = {.k = 3, .personalise = 1, .social = 1, .explain = 1};
    for (int i = 0; i < ids.n; i++) {
        tl_rec_result r;
        if (tl_engine_recommend(eng, st, ids.ids[i], &o, &r, &err))
            fail_msg("%s", err.msg);
        tl_arm want = tl_rollout_arm(&ro, ids.ids[i]);
        assert_int_equal(r.arm, want);
        assert_string_equal(r.rollout, "half");
        arms[r.arm]++;
        /* Control: no profile analysis (no learning segment, no needs). */
        if (want == TL_ARM_CONTROL) {
            assert_string_equal(r.segment, "");
            assert_int_equal(r.needs.n, 0);
            assert_non_null(strstr(r.profile_summary, "control group of rollout half"));
        } else {
            assert_true(r.segment[0] != '\0');
        }
        json_t *doc = tl_rec_result_to_json(eng, &r);
        assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "rollout"),
                                                              "arm")),
                            tl_arm_name(want));
        json_decref(doc);
        tl_audit_origin origin = {.channel = "test", .route = "t"};
        tl_buf text;
        tl_buf_init(&text, 1u << 20);
        assert_int_equal(tl_audit_rec_write(&text, eng, &r, &o, &origin), 0);
        json_t *audit = json_loads(text.data, 0, NULL);
        tl_buf_free(&text);
        json_t *ra = json_object_get(audit, "rollout");
        assert_string_equal(json_string_value(json_object_get(ra, "name")), "half");
        assert_string_equal(json_string_value(json_object_get(ra, "arm")), tl_arm_name(want));
        json_decref(audit);
        tl_rec_result_free(&r);
    }
    assert_true(arms[TL_ARM_TREATMENT] > 5 && arms[TL_ARM_CONTROL] > 5);
    /* Stopped: everyone personalised again, no rollout in the answer. */
    assert_int_equal(tl_rollout_change_stop(st, "test", "t", &ro, &err), 0);
    tl_rec_result r;
    assert_int_equal(tl_engine_recommend(eng, st, ids.ids[0], &o, &r, &err), 0);
    assert_int_equal(r.arm, TL_ARM_NONE);
    assert_true(r.segment[0] != '\0');
    json_t *doc = tl_rec_result_to_json(eng, &r);
    assert_null(json_object_get(doc, "rollout"));
    json_decref(doc);
    tl_rec_result_free(&r);
    tl_engine_close(eng);
    tl_store_close(st);
    free(db);
}

static void add_event(tl_store *st, const char *cust, const char *kind, const char *at)
{
    tl_event e = {cust, "P1", kind, "test", NULL, at};
    tl_err err;
    if (tl_store_event_add(st, &e, NULL, NULL, &err))
        fail_msg("%s", err.msg);
}

/* Customers c0000..c(n-1): every one shown an offer; in treatment every
 * t-th accepts, in control every c-th; the expected figures are counted
 * here as the events are written. */
static void write_population(tl_store *st, const tl_rollout *ro, int n, int t_every,
                             int c_every, long long customers[2], long long converted[2])
{
    int seen[2] = {0, 0};
    assert_int_equal(tl_store_begin(st, NULL), 0);
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%04d", i);
        int a = tl_rollout_arm(ro, id) == TL_ARM_TREATMENT ? 0 : 1;
        add_event(st, id, "shown", "2999-01-01T10:00:00Z");
        customers[a]++;
        if (seen[a]++ % (a == 0 ? t_every : c_every) == 0) {
            add_event(st, id, "accepted", "2999-01-02T10:00:00Z");
            converted[a]++;
        }
    }
    assert_int_equal(tl_store_commit(st, NULL), 0);
}

static void test_report_counts_and_window(void **state)
{
    fixture *f = *state;
    char *db = tu_join(f->dir, "report.db");
    tl_store *st = open_store(db);
    tl_err err;
    tl_rollout_report rep;
    assert_int_equal(tl_rollout_report_build(st, NULL, &rep, &err), TL_ENOTFOUND);
    tl_rollout ro;
    assert_int_equal(tl_rollout_change_start(st, "lift", 0.5, "report-test", "test", "t", &ro,
                                             &err),
                     0);
    /* Outside the window or not the rollout's: before the start; an
     * acceptance before the customer's first showing. */
    add_event(st, "old", "shown", "2000-01-01T00:00:00Z");
    add_event(st, "old", "accepted", "2000-01-02T00:00:00Z");
    add_event(st, "early", "accepted", "2999-01-01T09:00:00Z");
    add_event(st, "early", "shown", "2999-01-01T10:00:00Z");
    add_event(st, "early", "clicked", "2999-01-01T10:00:01Z");
    /* Complaints: two of an exposed customer count (one before their first
     * showing, in the window); one before the start and one of a customer
     * never shown an offer do not. */
    add_event(st, "early", "complained", "2999-01-01T08:00:00Z");
    add_event(st, "early", "complained", "2999-01-01T11:00:00Z");
    add_event(st, "old", "complained", "2000-01-03T00:00:00Z");
    add_event(st, "unexposed", "complained", "2999-01-01T11:00:00Z");
    long long customers[2] = {0, 0}, converted[2] = {0, 0};
    int early = tl_rollout_arm(&ro, "early") == TL_ARM_TREATMENT ? 0 : 1;
    customers[early]++;
    /* Treatment converts at 1 in 3, control at 1 in 10. */
    write_population(st, &ro, 3000, 3, 10, customers, converted);
    assert_int_equal(tl_rollout_report_build(st, NULL, &rep, &err), 0);
    assert_true(rep.running);
    for (int a = 0; a < 2; a++) {
        assert_int_equal(rep.arm[a].customers, customers[a]);
        assert_int_equal(rep.arm[a].converted, converted[a]);
        assert_int_equal(rep.arm[a].shown, customers[a]);
        assert_int_equal(rep.arm[a].accepted, converted[a]);
    }
    assert_int_equal(rep.arm[early].clicked, 1);
    assert_int_equal(rep.arm[early].complained, 2);
    assert_int_equal(rep.arm[early].complainers, 1);
    assert_int_equal(rep.arm[1 - early].complained, 0);
    /* None of these customers is in the store: one segment, unknown. */
    assert_int_equal(rep.n_segments, 1);
    assert_string_equal(rep.segments[0].key, "age:?|risk:?");
    assert_int_equal(rep.segments[0].customers[0], customers[0]);
    assert_true(rep.diff > 0.15 && rep.p_value < 1e-6 && rep.diff_ci.lo > 0);
    assert_non_null(strstr(tl_rollout_verdict(&rep), "lifts conversion"));
    /* Days: exposures on the 1st, conversions on the 2nd; cumulative. */
    assert_int_equal(rep.n_days, 2);
    json_t *doc = tl_rollout_report_json(&rep);
    json_t *last = json_array_get(json_object_get(doc, "daily"), 1);
    assert_string_equal(json_string_value(json_object_get(last, "day")), "2999-01-02");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(last, "treatment"),
                                                        "converted")),
                     converted[0]);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(doc, "arms"), "control"), "customers")),
                     customers[1]);
    assert_non_null(json_object_get(json_object_get(doc, "lift"), "relative_ci"));
    json_t *arm = json_object_get(json_object_get(doc, "arms"), early ? "control" : "treatment");
    assert_int_equal(json_integer_value(json_object_get(arm, "complainers")), 1);
    assert_true(fabs(json_real_value(json_object_get(arm, "complaint_rate")) -
                     1.0 / (double)customers[early]) < 1e-6);
    json_t *guard = json_object_get(doc, "complaints");
    assert_true(fabs(json_real_value(json_object_get(guard, "difference")) -
                     (early ? -1.0 : 1.0) / (double)customers[early]) < 1e-6);
    assert_true(json_real_value(json_object_get(guard, "p_value")) > 0.05);
    json_decref(doc);
    char *text = NULL;
    size_t text_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    tl_rollout_report_print(mem, &rep);
    fclose(mem);
    assert_non_null(strstr(text, "complaints (guardrail): "));
    free(text);
    tl_rollout_report_free(&rep);
    /* Stopped now: the window ends before the year 2999. */
    assert_int_equal(tl_rollout_change_stop(st, "test", "t", &ro, &err), 0);
    assert_int_equal(tl_rollout_report_build(st, "lift", &rep, &err), 0);
    assert_false(rep.running);
    assert_int_equal(rep.arm[0].customers + rep.arm[1].customers, 0);
    assert_non_null(strstr(tl_rollout_verdict(&rep), "not enough data"));
    tl_rollout_report_free(&rep);

    tl_store_close(st);
    free(db);

    /* Equal rates, on a store of their own: no significant difference. */
    db = tu_join(f->dir, "report-equal.db");
    st = open_store(db);
    assert_int_equal(tl_rollout_change_start(st, "same", 0.3, "report-test-2", "test", "t", &ro,
                                             &err),
                     0);
    long long c2[2] = {0, 0}, v2[2] = {0, 0};
    write_population(st, &ro, 2000, 5, 5, c2, v2);
    assert_int_equal(tl_rollout_report_build(st, "same", &rep, &err), 0);
    assert_true(rep.p_value > 0.5);
    assert_true(rep.diff_ci.lo < 0 && rep.diff_ci.hi > 0);
    assert_true(rep.split_p > 0.001);
    assert_non_null(strstr(tl_rollout_verdict(&rep), "no significant difference"));
    tl_rollout_report_free(&rep);
    tl_store_close(st);
    free(db);
}

/* An independent recount per segment, from the customers and the events
 * of the window, for a bank of a few hundred customers. */
typedef struct recount {
    struct {
        char id[72], segment[48];
        char first_shown[32];
        int arm, accepted_after;
        char accepted_at[16][32];
        int n_accepted;
    } c[400];
    int n;
    const tl_rollout *ro;
} recount;

static int recount_customer(void *ctx, const tl_customer *c)
{
    recount *r = ctx;
    assert_true(r->n < 400);
    snprintf(r->c[r->n].id, sizeof r->c[0].id, "%s", c->id);
    tl_learn_segment(c->age, c->risk_profile, r->c[r->n].segment, sizeof r->c[0].segment);
    r->c[r->n].arm = tl_rollout_arm(r->ro, c->id) == TL_ARM_TREATMENT ? 0 : 1;
    r->n++;
    return 0;
}

static int recount_event(void *ctx, const tl_window_event *e)
{
    recount *r = ctx;
    for (int i = 0; i < r->n; i++) {
        if (strcmp(r->c[i].id, e->customer_id) != 0)
            continue;
        if (strcmp(e->kind, "shown") == 0 &&
            (!r->c[i].first_shown[0] || strcmp(e->at, r->c[i].first_shown) < 0))
            snprintf(r->c[i].first_shown, sizeof r->c[i].first_shown, "%s", e->at);
        if (strcmp(e->kind, "accepted") == 0 && r->c[i].n_accepted < 16)
            snprintf(r->c[i].accepted_at[r->c[i].n_accepted++], 32, "%s", e->at);
        return 0;
    }
    fail_msg("an event of unknown customer %s", e->customer_id);
    return 1;
}

static void check_segments(tl_store *st, const tl_rollout_report *rep)
{
    static recount r;
    memset(&r, 0, sizeof r);
    r.ro = &rep->rollout;
    tl_customer_query cq = {.age_min = -1, .age_max = -1, .sort = TL_CSORT_ID, .limit = 400};
    long long total;
    assert_int_equal(tl_store_customers_list(st, &cq, recount_customer, &r, &total, NULL), 0);
    assert_int_equal(tl_store_events_in_window(st, rep->rollout.started_at, NULL, recount_event,
                                               &r, NULL),
                     0);
    long long sums[2][2] = {{0, 0}, {0, 0}};
    for (size_t g = 0; g < rep->n_segments; g++) {
        const tl_rollout_segment *seg = &rep->segments[g];
        long long want[2][2] = {{0, 0}, {0, 0}};
        for (int i = 0; i < r.n; i++) {
            if (!r.c[i].first_shown[0] || strcmp(r.c[i].segment, seg->key) != 0)
                continue;
            int conv = 0;
            for (int k = 0; k < r.c[i].n_accepted; k++)
                conv |= strcmp(r.c[i].accepted_at[k], r.c[i].first_shown) >= 0;
            want[r.c[i].arm][0]++;
            want[r.c[i].arm][1] += conv;
        }
        for (int a = 0; a < 2; a++) {
            assert_int_equal(seg->customers[a], want[a][0]);
            assert_int_equal(seg->converted[a], want[a][1]);
            sums[a][0] += seg->customers[a];
            sums[a][1] += seg->converted[a];
        }
        if (g)
            assert_true(strcmp(rep->segments[g - 1].key, seg->key) < 0);
    }
    for (int a = 0; a < 2; a++) {
        assert_int_equal(sums[a][0], rep->arm[a].customers);
        assert_int_equal(sums[a][1], rep->arm[a].converted);
    }
    assert_true(rep->n_segments >= 4);
}

/* The replay counts each arm itself; the report, from the events and the
 * arms recomputed from the salt, must agree exactly, and so must its
 * segments with a recount from the customers and events. */
static void test_simulation_agrees(void **state)
{
    fixture *f = *state;
    char *db = bank_copy(f, "sim.db");
    tl_sim_opts o;
    tl_sim_opts_default(&o);
    o.seed = 5;
    o.rounds = 400;
    o.last = 100;
    o.rollout_share = 0.5;
    tl_sim_result res;
    tl_err err;
    if (tl_simulate_run(db, &o, &res, &err))
        fail_msg("%s", err.msg);
    tl_store *st = open_store(db);
    tl_rollout_report rep;
    assert_int_equal(tl_rollout_report_build(st, "simulation", &rep, &err), 0);
    printf("replay: treatment %lld customers, %lld converted, %lld/%lld offers; control %lld, "
           "%lld, %lld/%lld\n",
           res.arm_customers[0], res.arm_converted[0], res.arm_accepted[0], res.arm_shown[0],
           res.arm_customers[1], res.arm_converted[1], res.arm_accepted[1], res.arm_shown[1]);
    for (int a = 0; a < 2; a++) {
        assert_true(res.arm_customers[a] > 20);
        assert_int_equal(rep.arm[a].customers, res.arm_customers[a]);
        assert_int_equal(rep.arm[a].converted, res.arm_converted[a]);
        assert_int_equal(rep.arm[a].shown, res.arm_shown[a]);
        assert_int_equal(rep.arm[a].accepted, res.arm_accepted[a]);
    }
    check_segments(st, &rep);
    json_t *doc = tl_rollout_report_json(&rep);
    assert_int_equal(json_array_size(json_object_get(doc, "segments")), rep.n_segments);
    json_decref(doc);
    tl_rollout_report_free(&rep);
    tl_store_close(st);
    free(db);
}

static void test_cli(void **state)
{
    fixture *f = *state;
    char *db = bank_copy(f, "cli.db");
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "start", "--db", db, "--share",
                                   "0.25", "--salt", "cli", "pilot", NULL),
                     0);
    assert_non_null(strstr(out, "pilot: 25% of customers personalised, running since"));
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "start", "--db", db, "--share",
                                   "0.5", "second", NULL),
                     1);
    assert_non_null(strstr(err, "tailor rollout start: rollout 'pilot' is running"));
    free(out);
    free(err);
    /* A served recommendation names the arm. */
    char id[72] = "";
    {
        tl_store *st = open_store(db);
        id_list ids = {.n = 0};
        tl_customer_query cq = {.age_min = -1, .age_max = -1, .sort = TL_CSORT_ID, .limit = 1};
        long long total;
        assert_int_equal(tl_store_customers_list(st, &cq, take_id, &ids, &total, NULL), 0);
        snprintf(id, sizeof id, "%s", ids.ids[0]);
        tl_store_close(st);
    }
    tl_rollout ro = {.share = 0.25};
    snprintf(ro.salt, sizeof ro.salt, "cli");
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "recommend", "--db", db, "--json", id, NULL),
                     0);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "rollout"), "arm")),
                        tl_arm_name(tl_rollout_arm(&ro, id)));
    json_decref(doc);
    free(out);
    free(err);
    /* Batch scoring follows the arms too, and says how many were in each. */
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "score", "--db", db, "--all", NULL), 0);
    assert_non_null(strstr(out, "rollout pilot: "));
    assert_non_null(strstr(out, "in the control group"));
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "status", "--db", db, "--json",
                                   NULL),
                     0);
    doc = json_loads(out, 0, NULL);
    assert_true(json_is_array(doc) && json_array_size(doc) == 1);
    assert_true(json_is_true(json_object_get(json_array_get(doc, 0), "running")));
    json_decref(doc);
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "report", "--db", db, NULL), 0);
    assert_non_null(strstr(out, "verdict: not enough data"));
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "stop", "--db", db, NULL), 0);
    assert_non_null(strstr(out, "ran from"));
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "report", "--db", db, "--json",
                                   "pilot", NULL),
                     0);
    doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    assert_false(json_is_true(json_object_get(json_object_get(doc, "rollout"), "running")));
    assert_non_null(json_object_get(json_object_get(doc, "arms"), "treatment"));
    json_decref(doc);
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "rollout", "report", "--db", db, "nope",
                                   NULL),
                     1);
    assert_non_null(strstr(err, "rollout 'nope' not found"));
    free(out);
    free(err);
    /* Usage. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "rollout", NULL), 2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "rollout", "launch", "--db", db, NULL), 2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "rollout", "start", "--db", db, "x", NULL),
                     2);
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "rollout", "start", "--db", db, "--share",
                                   "half", "x", NULL),
                     2);
    assert_non_null(strstr(err, "--share: expected a number"));
    free(err);
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "rollout", "start", "--db", db, "--share",
                                   "1", "x", NULL),
                     1);
    assert_non_null(strstr(err, "above 0 and below 1"));
    free(err);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "rollout", "--help", NULL), 0);
    assert_non_null(strstr(out, "tailor rollout start"));
    free(out);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statistics),
        cmocka_unit_test(test_tally),
        cmocka_unit_test(test_assignment),
        cmocka_unit_test(test_store_rules),
        cmocka_unit_test(test_engine_serves_arms),
        cmocka_unit_test(test_report_counts_and_window),
        cmocka_unit_test(test_simulation_agrees),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
