/* test_backtest.c — the backtest loaders (long CSV, M3 layout) and the
 * sMAPE / MASE arithmetic on hand-made series. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/backtest.h"

#define assert_near(a, b, tol)                                                \
    do {                                                                      \
        double a_ = (a), b_ = (b), t_ = (tol);                                \
        if (!(fabs(a_ - b_) <= t_))                                           \
            fail_msg("%s = %.6g, want %.6g +- %.3g", #a, a_, b_, t_);         \
    } while (0)

/* Customer A: 13 months of 100 then 150 held out. Customer B: 2023-02 ..
 * 2024-03 with 2023-06 missing (13 known). Customer C: too short. */
static char *write_long_csv(const char *dir)
{
    char *path = tu_join(dir, "monthly.csv");
    char text[4096];
    size_t len = 0;
    len += (size_t)snprintf(text + len, sizeof text - len, "month,customer_id,total\n");
    for (int m = 0; m < 14; m++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%04d-%02d,A,%d\n",
                                2023 + m / 12, m % 12 + 1, m == 13 ? 150 : 100);
    for (int m = 1; m < 15; m++)
        if (m != 5)
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%04d-%02d,\"B\",%d\n", 2023 + m / 12, m % 12 + 1,
                                    200 + 10 * m);
    len += (size_t)snprintf(text + len, sizeof text - len, "2023-01,C,5\n2023-02,C,6\n");
    tu_write_file(path, text);
    return path;
}

static void test_long_csv(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *path = write_long_csv(dir);
    tl_backtest bt;
    tl_backtest_init(&bt);
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_backtest_load_csv(&bt, path, 13, 1, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(bt.count, 2);
    tl_backtest_series *a = &bt.series[0], *b = &bt.series[1];
    assert_string_equal(a->id, "A");
    assert_string_equal(b->id, "B");
    assert_int_equal(a->n_train, 13);
    assert_int_equal(a->n_test, 1);
    assert_near(a->test[0], 150, 0);
    assert_int_equal(b->n_train, 13); /* 2023-02 .. 2024-02 */
    assert_true(isnan(b->train[4]));   /* 2023-06 */
    assert_near(b->train[5], 260, 0); /* 2023-07 */
    assert_near(b->test[0], 340, 0);

    /* A alone: mean12 says 100 against 150 -> sMAPE 200*50/250 = 40; its
     * training is constant, so no MASE scale. */
    tl_backtest only_a;
    tl_backtest_init(&only_a);
    assert_int_equal(tl_backtest_add(&only_a, a->id, a->train, a->n_train, a->test,
                                     a->n_test, &err), 0);
    tl_backtest_score sc;
    assert_int_equal(tl_backtest_run(&only_a, TL_FC_MEAN12, 1, &sc, &err), 0);
    assert_near(sc.smape, 40.0, 1e-9);
    assert_int_equal(sc.n_series, 1);
    assert_int_equal(sc.n_mase, 0);
    assert_true(isnan(sc.mase));
    assert_int_equal(tl_backtest_run(&bt, TL_FC_DEFAULT, 1, &sc, &err), 0);
    assert_int_equal(sc.n_series, 2);
    assert_int_equal(sc.n_mase, 1);

    /* Fewer required months keeps C too; two held out shortens training. */
    tl_backtest_free(&bt);
    assert_int_equal(tl_backtest_load_csv(&bt, path, 2, 1, &err), 0);
    assert_int_equal(bt.count, 3);
    tl_backtest_free(&bt);
    assert_int_equal(tl_backtest_load_csv(&bt, path, 13, 2, &err), 0);
    assert_int_equal(bt.series[0].n_train, 12);
    assert_int_equal(bt.series[0].n_test, 2);
    tl_backtest_trim(&bt, 6);
    assert_int_equal(bt.series[0].n_train, 6);
    assert_near(bt.series[0].test[1], 150, 0);

    tl_backtest_free(&bt);
    tl_backtest_free(&only_a);
    tl_backtest_free(NULL);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

static void test_csv_errors(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *path = tu_join(dir, "bad.csv");
    tl_backtest bt;
    tl_backtest_init(&bt);
    tl_err err;

    tu_write_file(path, "customer_id,month,total\nA,2024-01,5\nA,2024-02,x7\n");
    assert_int_equal(tl_backtest_load_csv(&bt, path, 1, 1, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.csv:3:3"));

    tu_write_file(path, "customer_id,month,total\nA,2024-01,5\nB,2024-01,5\nA,2024-01,6\n");
    assert_int_equal(tl_backtest_load_csv(&bt, path, 1, 1, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.csv:4"));
    assert_non_null(strstr(err.msg, "line 2"));

    tu_write_file(path, "customer_id,when,total\nA,2024-01,5\n");
    assert_int_equal(tl_backtest_load_csv(&bt, path, 1, 1, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "'month'"));

    tu_write_file(path, "customer_id,month,total\nA,someday,5\n");
    assert_int_equal(tl_backtest_load_csv(&bt, path, 1, 1, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "bad.csv:2:2"));
    assert_int_equal(bt.count, 0);

    char *missing = tu_join(dir, "nope.csv");
    assert_int_equal(tl_backtest_load_csv(&bt, missing, 1, 1, &err), TL_EIO);
    assert_int_equal(tl_backtest_load_m3(&bt, dir, &err), TL_EIO);
    assert_int_equal(tl_backtest_run(&bt, TL_FC_DEFAULT, 1, NULL, &err), TL_EINPUT);

    free(missing);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

static void test_m3_layout(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *train = tu_join(dir, "m3_monthly_train.csv");
    char *test = tu_join(dir, "m3_monthly_test.csv");
    /* Series in a different order in the two files; S2 is a straight line. */
    tu_write_file(train, "series,category,start_year,start_month,n,values...\n"
                         "S1,MICRO,1990,1,3,5,5,5\n"
                         "S2,MACRO,1990,1,4,10,20,30,40\n");
    tu_write_file(test, "series,category,h,values...\n"
                        "S2,MACRO,2,50,60\n"
                        "S1,MICRO,2,5,5\n");
    tl_backtest bt;
    tl_backtest_init(&bt);
    tl_err err;
    assert_int_equal(tl_backtest_load_m3(&bt, dir, &err), 0);
    assert_int_equal(bt.count, 2);
    assert_string_equal(bt.series[1].id, "S2");
    assert_int_equal(bt.series[1].n_train, 4);
    assert_near(bt.series[1].test[1], 60, 0);
    tl_backtest_score sc;
    assert_int_equal(tl_backtest_run(&bt, TL_FC_SEASONAL_NAIVE, 18, &sc, &err), 0);
    /* naive: S1 exact (0), S2 says 40 for 50 and 60: (22.22 + 40) / 2. */
    assert_int_equal(sc.horizon, 2);
    double s2 = (200.0 * 10 / 90 + 200.0 * 20 / 100) / 2;
    assert_near(sc.smape, s2 / 2, 1e-9);
    /* MASE (lag 1 scale 10): S2 mean error 15 -> 1.5; S1 has no scale. */
    assert_near(sc.mase, 1.5, 1e-9);
    assert_int_equal(sc.n_mase, 1);
    tl_backtest_free(&bt);

    tu_write_file(train, "series,category,start_year,start_month,n,values...\n"
                         "S1,MICRO,1990,1,5,5,5,5\n");
    assert_int_equal(tl_backtest_load_m3(&bt, dir, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "m3_monthly_train.csv:2"));
    tu_write_file(train, "series,category,start_year,start_month,n,values...\n"
                         "S3,MICRO,1990,1,3,5,5,5\n");
    assert_int_equal(tl_backtest_load_m3(&bt, dir, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "S3"));
    assert_int_equal(bt.count, 0);

    free(train);
    free(test);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_csv),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_m3_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
