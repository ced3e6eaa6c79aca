/* test_forecast.c — known answers for the forecasters and the served
 * default: constants, trends, seasons, gaps, short histories, bad input. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/backtest.h"
#include "forecast/forecast.h"

#define ALL_METHODS(m) for (int m = 0; m < TL_FC_METHOD_COUNT; m++)

/* Fails with both values when |a - b| > tol. */
#define assert_near(a, b, tol)                                                \
    do {                                                                      \
        double a_ = (a), b_ = (b), t_ = (tol);                                \
        if (!(fabs(a_ - b_) <= t_))                                           \
            fail_msg("%s = %.6g, want %.6g +- %.3g", #a, a_, b_, t_);         \
    } while (0)

#define assert_lt(a, b)                                                       \
    do {                                                                      \
        double a_ = (a), b_ = (b);                                            \
        if (!(a_ < b_))                                                       \
            fail_msg("%s = %.6g, want < %s = %.6g", #a, a_, #b, b_);          \
    } while (0)

static tl_forecast next_ok(const double *y, size_t n, tl_forecast_method m)
{
    tl_forecast f;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_forecast_next(y, n, m, &f, &err);
    if (rc != 0)
        fail_msg("%s: rc %d: %s", tl_forecast_method_name(m), rc, err.msg);
    assert_true(f.lo80 >= 0);
    assert_true(f.lo80 <= f.mean && f.mean <= f.hi80);
    assert_true(f.p_above_median >= 0 && f.p_above_median <= 1);
    assert_non_null(f.method);
    return f;
}

static void test_names(void **state)
{
    (void)state;
    ALL_METHODS(m) {
        const char *name = tl_forecast_method_name((tl_forecast_method)m);
        assert_int_equal(tl_forecast_method_parse(name), m);
    }
    assert_int_equal(tl_forecast_method_parse("default"), TL_FC_DEFAULT);
    assert_int_equal(tl_forecast_method_parse("THETA"), TL_FC_THETA);
    assert_int_equal(tl_forecast_method_parse("ets-damped"), TL_FC_ETS_DAMPED);
    assert_int_equal(tl_forecast_method_parse("seasonal-naive"), TL_FC_SEASONAL_NAIVE);
    assert_int_equal(tl_forecast_method_parse("arima"), -1);
    assert_int_equal(tl_forecast_method_parse(NULL), -1);
    assert_string_equal(tl_forecast_method_name(TL_FC_METHOD_COUNT), "unknown");
}

static void test_constant(void **state)
{
    (void)state;
    double y[30];
    for (size_t t = 0; t < 30; t++)
        y[t] = 500;
    ALL_METHODS(m) {
        tl_forecast f = next_ok(y, 30, (tl_forecast_method)m);
        assert_near(f.mean, 500, 1e-6 * 500);
        assert_near(f.hi80 - f.lo80, 0, 1e-3 * 500); /* narrow */
        assert_near(f.trailing_median, 500, 0);
        assert_near(f.p_above_median, 0.5, 1e-9);
        assert_int_equal(f.n_known, 30);
    }
}

static void test_linear_trend(void **state)
{
    (void)state;
    double y[36];
    for (size_t t = 0; t < 36; t++)
        y[t] = 100 + 10.0 * (double)t; /* next: 460 */
    tl_forecast f = next_ok(y, 36, TL_FC_DEFAULT);
    assert_string_equal(f.method, "theta+ets");
    assert_true(f.mean > 452 && f.mean < 465);
    assert_true(f.p_above_median > 0.99); /* far above the trailing median */
    f = next_ok(y, 36, TL_FC_PROTOTYPE);
    assert_near(f.mean, 460, 1.0);
    f = next_ok(y, 36, TL_FC_ETS_DAMPED);
    assert_near(f.mean, 460, 2.0);

    double path[6];
    tl_err err;
    assert_int_equal(tl_forecast_path(y, 36, TL_FC_DEFAULT, 6, path, &err), 0);
    for (size_t i = 1; i < 6; i++)
        assert_lt(path[i - 1], path[i]); /* keeps rising */
    assert_near(path[0], next_ok(y, 36, TL_FC_DEFAULT).mean, 1e-9);
}

/* 1000 * (1 + 0.4 sin) with a gentle trend and a little deterministic noise:
 * the forecast must keep the peak and trough months in place. */
static void seasonal_series(double *y, size_t n)
{
    for (size_t t = 0; t < n; t++) {
        double season = 1.0 + 0.4 * sin(2.0 * M_PI * (double)t / 12.0);
        double noise = 1.0 + 0.02 * sin(7.3 * (double)t);
        y[t] = (1000.0 + 2.0 * (double)t) * season * noise;
    }
}

static void test_seasonal(void **state)
{
    (void)state;
    enum { N = 60, H = 12 };
    double all[N + H];
    seasonal_series(all, N + H);
    tl_forecast_method methods[] = {TL_FC_DEFAULT, TL_FC_THETA, TL_FC_ETS_DAMPED,
                                    TL_FC_SEASONAL_NAIVE};
    for (size_t k = 0; k < sizeof methods / sizeof *methods; k++) {
        double path[H];
        tl_err err;
        assert_int_equal(tl_forecast_path(all, N, methods[k], H, path, &err), 0);
        for (size_t i = 0; i < H; i++) {
            double rel = fabs(path[i] - all[N + i]) / all[N + i];
            if (rel > 0.06)
                fail_msg("%s step %zu: %.1f vs actual %.1f",
                         tl_forecast_method_name(methods[k]), i + 1, path[i], all[N + i]);
        }
    }
    /* Step 3 is the peak (t = 63, sin = 1), step 9 the trough. */
    double path[H];
    assert_int_equal(tl_forecast_path(all, N, TL_FC_DEFAULT, H, path, NULL), 0);
    assert_true(path[2] > 1.8 * path[8]);
}

static void test_nan_months(void **state)
{
    (void)state;
    double y[30];
    for (size_t t = 0; t < 30; t++)
        y[t] = 1000 + 50 * sin((double)t);
    double g[30];
    memcpy(g, y, sizeof g);
    g[0] = g[1] = NAN;           /* before the customer joined */
    g[10] = g[11] = g[12] = NAN; /* a gap */
    ALL_METHODS(m) {
        tl_forecast f = next_ok(g, 30, (tl_forecast_method)m);
        assert_int_equal(f.n_known, 25);
        assert_true(isfinite(f.mean) && f.mean > 800 && f.mean < 1200);
    }
    /* Two unknown months at the end: the forecast reaches 3 months past the
     * data, so the interval is wider than with the data up to date. */
    double tail[30];
    memcpy(tail, y, sizeof tail);
    tail[28] = tail[29] = NAN;
    tl_forecast up = next_ok(y, 28, TL_FC_DEFAULT);
    tl_forecast late = next_ok(tail, 30, TL_FC_DEFAULT);
    assert_true(late.hi80 - late.lo80 > 1.5 * (up.hi80 - up.lo80));
    assert_int_equal(late.n_known, 28);
}

static void test_short_history(void **state)
{
    (void)state;
    double one[] = {800};
    ALL_METHODS(m) {
        tl_forecast f = next_ok(one, 1, (tl_forecast_method)m);
        assert_near(f.mean, 800, 1e-9);
        assert_true(f.hi80 >= 1.5 * 800); /* wide: one month says little */
        assert_true(f.lo80 <= 0.5 * 800);
        assert_int_equal(f.n_known, 1);
    }
    double three[] = {700, 900, 800};
    tl_forecast f3 = next_ok(three, 3, TL_FC_DEFAULT);
    assert_near(f3.mean, 800, 1e-9);
    assert_string_equal(f3.method, "trimmed12");
    assert_true(f3.hi80 - f3.lo80 > 400);
    /* Longer histories narrow it. */
    double y[24];
    for (size_t t = 0; t < 24; t++)
        y[t] = 800 + ((t % 3) - 1.0) * 100;
    tl_forecast f24 = next_ok(y, 24, TL_FC_DEFAULT);
    assert_true(f24.hi80 - f24.lo80 < f3.hi80 - f3.lo80);
}

static void test_never_negative(void **state)
{
    (void)state;
    double y[26];
    for (size_t t = 0; t < 26; t++)
        y[t] = 1000 - 38.0 * (double)t; /* heading through zero */
    ALL_METHODS(m) {
        double path[18];
        tl_err err;
        assert_int_equal(tl_forecast_path(y, 26, (tl_forecast_method)m, 18, path, &err), 0);
        for (size_t i = 0; i < 18; i++)
            assert_true(path[i] >= 0);
        tl_forecast f = next_ok(y, 26, (tl_forecast_method)m);
        assert_true(f.mean >= 0 && f.lo80 >= 0);
        if (m != TL_FC_SEASONAL_NAIVE && m != TL_FC_MEAN12) /* trend followers */
            assert_true(f.p_above_median < 0.5); /* falling: below the median */
    }
    double zeros[14] = {0};
    ALL_METHODS(m) {
        tl_forecast f = next_ok(zeros, 14, (tl_forecast_method)m);
        assert_near(f.mean, 0, 0);
        assert_near(f.hi80, 0, 0);
    }
}

static void test_outlier(void **state)
{
    (void)state;
    double y[36];
    for (size_t t = 0; t < 36; t++)
        y[t] = 1000 + 30 * sin(1.7 * (double)t);
    y[20] = 60000; /* a house deposit */
    y[0] = 40;     /* the half month the account opened */
    tl_forecast f = next_ok(y, 36, TL_FC_DEFAULT);
    assert_near(f.mean, 1000, 100);
    f = next_ok(y, 24, TL_FC_DEFAULT); /* short: the median */
    assert_near(f.mean, 1000, 60);
}

static void test_bad_input(void **state)
{
    (void)state;
    tl_forecast f, sentinel;
    memset(&sentinel, 0x5a, sizeof sentinel);
    tl_err err;
    double y[3] = {NAN, NAN, NAN};

    f = sentinel;
    tl_err_clear(&err);
    assert_int_equal(tl_forecast_next(y, 0, TL_FC_DEFAULT, &f, &err), TL_EINPUT);
    assert_true(strlen(err.msg) > 0);
    assert_memory_equal(&f, &sentinel, sizeof f); /* untouched on failure */

    tl_err_clear(&err);
    assert_int_equal(tl_forecast_next(y, 3, TL_FC_THETA, &f, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "NAN"));
    assert_memory_equal(&f, &sentinel, sizeof f);

    assert_int_equal(tl_forecast_next(NULL, 3, TL_FC_DEFAULT, &f, NULL), TL_EINPUT);
    double inf[2] = {1, INFINITY};
    tl_err_clear(&err);
    assert_int_equal(tl_forecast_next(inf, 2, TL_FC_DEFAULT, &f, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "infinite"));
    double ok[2] = {1, 2}, out[2];
    assert_int_equal(tl_forecast_path(ok, 2, TL_FC_DEFAULT, 0, out, &err), TL_EINPUT);
    assert_int_equal(tl_forecast_next(ok, 2, (tl_forecast_method)99, &f, &err), TL_EINPUT);
}

/* Pseudo-random series of assorted shapes and lengths: every method returns
 * finite, non-negative forecasts (no blow-ups, no sanitizer reports). */
static void test_random_shapes(void **state)
{
    (void)state;
    unsigned s = 12345;
    for (int it = 0; it < 300; it++) {
        double y[80];
        size_t n = 1 + (size_t)(it % 80);
        for (size_t t = 0; t < n; t++) {
            s = s * 1103515245u + 12345u;
            double u = (double)(s >> 8) / 16777216.0;
            int kind = it % 5;
            y[t] = kind == 0 ? 1000 * u
                 : kind == 1 ? (u < 0.3 ? 0 : 500 * u)
                 : kind == 2 ? (u < 0.2 ? NAN : 100 + 5.0 * (double)t * u)
                 : kind == 3 ? 1e6 * u * u * u
                 : 50 - (double)t + 10 * u;
        }
        if (it % 5 == 2)
            y[n - 1] = 10;
        ALL_METHODS(m) {
            double path[18];
            tl_err err;
            int rc = tl_forecast_path(y, n, (tl_forecast_method)m, 18, path, &err);
            if (rc != 0)
                fail_msg("it %d n %zu method %d: %s", it, n, m, err.msg);
            for (size_t i = 0; i < 18; i++)
                assert_true(isfinite(path[i]) && path[i] >= 0);
            tl_forecast f = next_ok(y, n, (tl_forecast_method)m);
            assert_true(isfinite(f.hi80));
        }
    }
}

/* Keeps the first `keep` series of a loaded set (the set owns each series'
 * block through its train pointer). */
static void keep_first(tl_backtest *bt, size_t keep)
{
    for (size_t i = keep; i < bt->count; i++)
        free(bt->series[i].train);
    if (bt->count > keep)
        bt->count = keep;
}

static void test_backtest_m3_slice(void **state)
{
    (void)state;
    const char *dir = tu_shared_path("datasets/m3-monthly");
    if (!dir)
        skip();
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    tl_backtest bt;
    tl_backtest_init(&bt);
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_backtest_load_m3(&bt, path, &err);
    if (rc != 0)
        fail_msg("load: %s", err.msg);
    assert_int_equal(bt.count, 1428);
    keep_first(&bt, 100);
    tl_backtest_score def, proto;
    assert_int_equal(tl_backtest_run(&bt, TL_FC_DEFAULT, 18, &def, &err), 0);
    assert_int_equal(tl_backtest_run(&bt, TL_FC_PROTOTYPE, 18, &proto, &err), 0);
    assert_int_equal(def.n_series, 100);
    assert_int_equal(def.horizon, 18);
    print_message("M3 first 100: default sMAPE %.2f MASE %.3f, prototype %.2f %.3f\n",
                  def.smape, def.mase, proto.smape, proto.mase);
    assert_lt(def.smape, proto.smape);
    assert_lt(def.mase, proto.mase);
    tl_backtest_free(&bt);
}

static void test_backtest_berka(void **state)
{
    (void)state;
    const char *dir = tu_shared_path("datasets/berka-pkdd99");
    if (!dir)
        skip();
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    tl_backtest bt;
    tl_backtest_init(&bt);
    tl_err err;
    int rc = tl_backtest_load_berka(&bt, path, 13, 1, &err);
    if (rc != 0)
        fail_msg("load: %s", err.msg);
    assert_int_equal(bt.count, 194);
    tl_backtest_score def, proto, mean;
    assert_int_equal(tl_backtest_run(&bt, TL_FC_DEFAULT, 1, &def, &err), 0);
    assert_int_equal(tl_backtest_run(&bt, TL_FC_PROTOTYPE, 1, &proto, &err), 0);
    assert_int_equal(tl_backtest_run(&bt, TL_FC_MEAN12, 1, &mean, &err), 0);
    assert_near(mean.smape, 33.0, 0.05); /* the published plain-mean figure */
    assert_lt(def.smape, mean.smape);
    assert_lt(def.smape, proto.smape);
    tl_backtest_free(&bt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_linear_trend),
        cmocka_unit_test(test_seasonal),
        cmocka_unit_test(test_nan_months),
        cmocka_unit_test(test_short_history),
        cmocka_unit_test(test_never_negative),
        cmocka_unit_test(test_outlier),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_random_shapes),
        cmocka_unit_test(test_backtest_m3_slice),
        cmocka_unit_test(test_backtest_berka),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
