/* cmd_backtest.c — `tailor backtest`: scores the forecasters on held-out
 * months of M3, Berka or a generic long CSV and prints one row per method. */
#include "cli/commands.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "forecast/backtest.h"
#include "forecast/forecast.h"

static void backtest_usage(FILE *f)
{
    fprintf(f,
        "usage: tailor backtest (--m3 DIR | --berka DIR | --csv FILE) [OPTIONS]\n\n"
        "Forecasts held-out months with each method and prints sMAPE and MASE.\n\n"
        "  --m3 DIR          M3 monthly: DIR/m3_monthly_train.csv and\n"
        "                    DIR/m3_monthly_test.csv (1,428 series, h = 1..18)\n"
        "  --berka DIR       Berka accounts: DIR/trans_monthly_1993-01_1994-02.csv,\n"
        "                    turnover = credit + debit per account and month\n"
        "  --csv FILE        long CSV with columns customer_id,month,total\n"
        "  --horizon N       months scored per series (default 18 for --m3, else 1;\n"
        "                    for --berka/--csv also the months held out)\n"
        "  --methods LIST    comma-separated, from: default prototype snaive mean12\n"
        "                    theta ets (default: all)\n"
        "  --min-months N    --berka/--csv: keep series with at least N known\n"
        "                    months, held-out ones included (default 13)\n"
        "  --train-months N  use only each series' last N training months (to see\n"
        "                    how methods fare on short histories)\n"
        "  -h, --help        this text\n\n"
        "sMAPE is the M3 definition, mean over series of the mean over steps of\n"
        "200|F-A|/(|F|+|A|). MASE scales each series' mean absolute error by its\n"
        "in-sample mean |y_t - y_{t-12}| (lag 1 below 24 training months).\n"
        "cover80 is the share of first held-out months inside the 80%% interval.\n"
        "Exit codes: 0 success, 1 bad input or failure, 2 usage.\n");
}

static int parse_count(const char *flag, const char *s, size_t max, size_t *out)
{
    int64_t v;
    if (!s || !tl_parse_i64(s, &v) || v < 1 || (uint64_t)v > max) {
        fprintf(stderr, "tailor backtest: %s wants a whole number 1..%zu, got '%s'\n",
                flag, max, s ? s : "");
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

/* Parses "a,b,c" into methods[]; returns the count or -1 (message printed). */
static int parse_methods(const char *list, tl_forecast_method *methods, int max)
{
    char buf[256];
    if (tl_strlcpy(buf, list, sizeof buf) >= sizeof buf) {
        fprintf(stderr, "tailor backtest: --methods list too long\n");
        return -1;
    }
    int n = 0;
    char *p = buf;
    while (*p) {
        char *end = strchr(p, ',');
        if (end)
            *end = '\0';
        char *name = tl_strtrim(p);
        int m = tl_forecast_method_parse(name);
        if (m < 0) {
            fprintf(stderr, "tailor backtest: unknown method '%s' (try --help)\n", name);
            return -1;
        }
        if (n == max) {
            fprintf(stderr, "tailor backtest: at most %d methods\n", max);
            return -1;
        }
        methods[n++] = (tl_forecast_method)m;
        if (!end)
            break;
        p = end + 1;
    }
    if (n == 0)
        fprintf(stderr, "tailor backtest: --methods is empty\n");
    return n ? n : -1;
}

int tl_cmd_backtest(int argc, char **argv)
{
    const char *m3 = NULL, *berka = NULL, *csv = NULL, *methods_arg = NULL;
    size_t horizon = 0, min_months = 13, train_months = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            backtest_usage(stdout);
            return TL_EXIT_OK;
        }
        int takes = strcmp(a, "--m3") == 0 || strcmp(a, "--berka") == 0 ||
                    strcmp(a, "--csv") == 0 || strcmp(a, "--horizon") == 0 ||
                    strcmp(a, "--methods") == 0 || strcmp(a, "--min-months") == 0 ||
                    strcmp(a, "--train-months") == 0;
        if (!takes) {
            fprintf(stderr, "tailor backtest: unknown option '%s' (try --help)\n", a);
            return TL_EXIT_USAGE;
        }
        if (!next) {
            fprintf(stderr, "tailor backtest: %s needs a value\n", a);
            return TL_EXIT_USAGE;
        }
        i++;
        if (strcmp(a, "--m3") == 0)
            m3 = next;
        else if (strcmp(a, "--berka") == 0)
            berka = next;
        else if (strcmp(a, "--csv") == 0)
            csv = next;
        else if (strcmp(a, "--methods") == 0)
            methods_arg = next;
        else if (strcmp(a, "--horizon") == 0) {
            if (parse_count(a, next, 1000, &horizon))
                return TL_EXIT_USAGE;
        } else if (strcmp(a, "--train-months") == 0) {
            if (parse_count(a, next, 100000, &train_months))
                return TL_EXIT_USAGE;
        } else if (parse_count(a, next, 100000, &min_months)) {
            return TL_EXIT_USAGE;
        }
    }
    if ((m3 != NULL) + (berka != NULL) + (csv != NULL) != 1) {
        fprintf(stderr, "tailor backtest: give exactly one of --m3, --berka, --csv "
                        "(try --help)\n");
        return TL_EXIT_USAGE;
    }
    tl_forecast_method methods[TL_FC_METHOD_COUNT * 2];
    int n_methods = 0;
    if (methods_arg) {
        n_methods = parse_methods(methods_arg, methods, (int)(sizeof methods / sizeof *methods));
        if (n_methods < 0)
            return TL_EXIT_USAGE;
    } else {
        for (int m = 0; m < TL_FC_METHOD_COUNT; m++)
            methods[n_methods++] = (tl_forecast_method)m;
    }
    if (horizon == 0)
        horizon = m3 ? 18 : 1;

    tl_backtest bt;
    tl_backtest_init(&bt);
    tl_err err;
    tl_err_clear(&err);
    int rc;
    if (m3)
        rc = tl_backtest_load_m3(&bt, m3, &err);
    else if (berka)
        rc = tl_backtest_load_berka(&bt, berka, min_months, horizon, &err);
    else
        rc = tl_backtest_load_csv(&bt, csv, min_months, horizon, &err);
    if (rc == 0 && bt.count == 0)
        rc = tl_err_set(&err, TL_EINPUT, "no series qualifies (try --min-months)");
    if (rc) {
        fprintf(stderr, "tailor backtest: %s\n", err.msg);
        tl_backtest_free(&bt);
        return TL_EXIT_FAIL;
    }

    tl_backtest_trim(&bt, train_months);
    size_t max_test = 0; /* M3 holds 18 months: a longer horizon scores 18 */
    for (size_t i = 0; i < bt.count; i++)
        max_test = bt.series[i].n_test > max_test ? bt.series[i].n_test : max_test;
    horizon = horizon < max_test ? horizon : max_test;
    if (train_months)
        printf("%s: %zu series, horizon %zu, at most %zu training months\n", bt.name,
               bt.count, horizon, train_months);
    else
        printf("%s: %zu series, horizon %zu\n", bt.name, bt.count, horizon);
    printf("%-22s %8s %8s %8s %8s %10s\n", "method", "sMAPE", "MASE", "cover80",
           "series", "series/s");
    for (int i = 0; i < n_methods; i++) {
        tl_backtest_score sc;
        rc = tl_backtest_run(&bt, methods[i], horizon, &sc, &err);
        if (rc) {
            fprintf(stderr, "tailor backtest: %s\n", err.msg);
            tl_backtest_free(&bt);
            return TL_EXIT_FAIL;
        }
        char label[48];
        if (methods[i] == TL_FC_DEFAULT)
            snprintf(label, sizeof label, "default (%s)", sc.method);
        else
            snprintf(label, sizeof label, "%s", sc.method);
        printf("%-22s %8.2f %8.3f %8.2f %8zu %10.0f\n", label, sc.smape, sc.mase,
               sc.coverage80, sc.n_series,
               sc.seconds > 0 ? (double)bt.count / sc.seconds : 0.0);
        fflush(stdout);
    }
    tl_backtest_free(&bt);
    return TL_EXIT_OK;
}
