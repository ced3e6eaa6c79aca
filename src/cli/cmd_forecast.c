/* cmd_forecast.c — `tailor forecast`: one customer's next-month spending. */
#include "cli/commands.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/month.h"
#include "profile/insights.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor forecast --db FILE [--json] [--method NAME] CUSTOMER_ID\n\n"
            "Forecasts the customer's total spending next month, with an 80%% prediction\n"
            "interval and the probability that it exceeds the median of the last 12 months.\n\n"
            "  --db FILE       the store\n"
            "  --json          one JSON object on stdout instead of text\n"
            "  --method NAME   default, prototype, seasonal-naive, mean12, theta, ets-damped\n"
            "                  (default: the method documented in docs/forecast.md)\n"
            "  --help          this text\n");
}

int tl_cmd_forecast(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"method", required_argument, NULL, 'm'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int json = 0, c, method = TL_FC_DEFAULT;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'm':
            if ((method = tl_forecast_method_parse(optarg)) < 0) {
                fprintf(stderr, "tailor forecast: --method: unknown method \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind != argc - 1) {
        fprintf(stderr, "tailor forecast: %s\n",
                !db ? "--db FILE is required" : "give exactly one CUSTOMER_ID");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    const char *id = argv[optind];
    tl_store *st;
    tl_err err;
    tl_err_clear(&err);
    if (tl_store_open(db, TL_STORE_READONLY, &st, &err)) {
        fprintf(stderr, "tailor forecast: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    tl_insights in;
    int rc = tl_insights_compute(st, id, &in, &err);
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor forecast: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    tl_forecast f;
    if (!in.n_known ||
        tl_forecast_next(in.totals, in.n_months, (tl_forecast_method)method, &f, &err)) {
        fprintf(stderr, "tailor forecast: customer '%s': %s\n", id,
                in.n_known ? err.msg : "no monthly spending on record");
        tl_insights_free(&in);
        return TL_EXIT_FAIL;
    }
    int next = in.first_month + (int)in.n_months;
    if (json) {
        json_t *o = json_pack("{s:s, s:o, s:I}", "customer_id", id, "forecast",
                              tl_forecast_to_json(&f, next), "history_months",
                              (json_int_t)in.n_known);
        char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(o);
        if (!text) {
            tl_insights_free(&in);
            fprintf(stderr, "tailor forecast: out of memory\n");
            return TL_EXIT_FAIL;
        }
        puts(text);
        free(text);
    } else {
        char label[16];
        tl_month_format_label(next, label, sizeof label);
        printf("customer      %s\n", id);
        printf("month         %s\n", label);
        printf("forecast      %.2f\n", f.mean);
        printf("80%% interval  %.2f .. %.2f\n", f.lo80, f.hi80);
        printf("P(> median)   %.3f  (trailing 12-month median %.2f)\n", f.p_above_median,
               f.trailing_median);
        printf("method        %s, %zu months of history\n", f.method, f.n_known);
    }
    tl_insights_free(&in);
    return TL_EXIT_OK;
}
