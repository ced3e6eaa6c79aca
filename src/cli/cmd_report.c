/* cmd_report.c — `tailor report bias`: the fairness report. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "govern/bias.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor report bias --db FILE [--json] [--min-group N]\n\n"
            "Offer rates, acceptance rates and mean batch scores for each product and each\n"
            "category, by gender and by age band, with the disparate-impact ratio (lowest\n"
            "group rate / highest) and the four-fifths rule: ratios under 0.8 are flagged\n"
            "(rows marked \"!\"). Offers count customers shown, batch-scored, served or\n"
            "accepting a product; acceptances come from 'accepted' events; scores from the\n"
            "last `tailor score --all`.\n\n"
            "  --db FILE        the store\n"
            "  --json           the report as JSON (the shape of GET /api/v1/reports/bias)\n"
            "  --min-group N    groups whose denominator is under N are listed but left out\n"
            "                   of the ratios (default %d)\n"
            "  --help           this text\n",
            TL_BIAS_MIN_GROUP);
}

int tl_cmd_report(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "bias") != 0) {
        fprintf(stderr, "tailor report: %s\n",
                argc < 2 ? "name a report: bias" : "unknown report; the one report is bias");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"min-group", required_argument, NULL, 'm'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int json = 0, c;
    int64_t min_group = TL_BIAS_MIN_GROUP;
    optind = 1;
    argc--, argv++;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'm':
            if (!tl_parse_i64(optarg, &min_group) || min_group < 1 || min_group > 1000000) {
                fprintf(stderr, "tailor report: --min-group: expected 1..1000000, got \"%s\"\n",
                        optarg);
                return TL_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind != argc) {
        fprintf(stderr, "tailor report: %s\n",
                !db ? "--db FILE is required" : "unexpected argument");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    json_t *report = NULL;
    int rc = tl_store_open(db, TL_STORE_READONLY, &st, &err);
    if (!rc && !(rc = tl_store_read_begin(st, &err))) {
        rc = tl_bias_report(st, min_group, &report, &err);
        tl_store_read_end(st);
    }
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor report: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    if (json) {
        tl_cli_print_json(report, JSON_COMPACT | JSON_REAL_PRECISION(12));
    } else {
        tl_bias_print(report, stdout);
    }
    json_decref(report);
    return TL_EXIT_OK;
}
