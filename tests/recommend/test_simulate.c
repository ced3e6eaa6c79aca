/* test_simulate.c — learning from feedback pays: on a synthetic bank with
 * hidden per-segment preferences, the replay accepts more offers with the
 * learned term in the ranking than without it, and p_accept stays close to
 * the observed acceptance rate. Real store, real engine, events recorded
 * the way the HTTP API records them. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/simulate.h"

typedef struct fixture {
    char *dir, *on, *off;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->on = tu_join(f->dir, "on.db");
    f->off = tu_join(f->dir, "off.db");
    if (tu_generate_bank(f->dir, "300", "11"))
        return -1;
    tu_import_generated(f->dir, f->on);
    tu_import_generated(f->dir, f->off);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->on);
    free(f->off);
    free(f->dir);
    free(f);
    return 0;
}

static double rate(long long a, long long n)
{
    return n ? (double)a / (double)n : 0;
}

static void test_learning_raises_acceptance(void **state)
{
    fixture *f = *state;
    tl_sim_opts o;
    tl_sim_opts_default(&o);
    o.seed = 11;
    o.rounds = 900;
    o.last = 300;
    o.favourite_rate = 0.5;
    o.second_rate = 0.25;
    tl_sim_result on, off;
    tl_err err;
    if (tl_simulate_run(f->on, &o, &on, &err))
        fail_msg("%s", err.msg);
    o.learned_weight = 0;
    if (tl_simulate_run(f->off, &o, &off, &err))
        fail_msg("%s", err.msg);
    double ron = rate(on.accepted_last, on.shown_last),
           roff = rate(off.accepted_last, off.shown_last);
    printf("customers %lld, segments %lld, products %lld; last %d rounds: learning on %.4f "
           "(%lld/%lld, mean p_accept %.4f), off %.4f (%lld/%lld, mean p_accept %.4f)\n",
           on.customers, on.segments, on.products, o.last, ron, on.accepted_last,
           on.shown_last, on.p_accept_last, roff, off.accepted_last, off.shown_last,
           off.p_accept_last);
    assert_true(on.shown_last > 0 && off.shown_last > 0);
    assert_true(ron > roff * 1.2);
    /* Calibrated: the mean predicted probability is near the observed rate
     * (within a third of it, or 2 points). */
    double tol_on = ron / 3 > 0.02 ? ron / 3 : 0.02;
    assert_true(on.p_accept_last > ron - tol_on && on.p_accept_last < ron + tol_on);
    assert_true(on.brier_last >= 0 && on.brier_last < 0.25);
}

static void test_cli(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "simulate", "--customers", "30", "--rounds", "20",
                           "--last", "10", "--seed", "3", NULL);
    if (rc)
        fail_msg("simulate: %s", err ? err : "");
    assert_non_null(strstr(out, "acceptance over the last 10 rounds:"));
    assert_non_null(strstr(out, "with learning"));
    free(out);
    free(err);
    rc = tu_run_tailor(NULL, NULL, NULL, "simulate", "--k", "0", NULL);
    assert_int_equal(rc, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_learning_raises_acceptance, setup, teardown),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
