/* cmd_recommend.c — `tailor recommend`: one customer's recommendations. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "govern/audit.h"
#include "recommend/engine.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor recommend --db FILE [--k 3] [--json] [--explain] [--model DIR|builtin]\n"
            "                        [--channel NAME] CUSTOMER_ID\n\n"
            "Recommends the products that fit the customer: eligible, not already held, not\n"
            "held back by the contact policy (tailor policy: recent dismissals, rested\n"
            "offers, complaints, the channel's cap), ranked by how well they answer the\n"
            "customer's needs, with reasons and the evidence behind them. Each\n"
            "recommendation is written to the store's audit log (tailor serve: GET\n"
            "/api/v1/audit).\n\n"
            "  --db FILE       the store\n"
            "  --k N           how many products at most (1..20, default 3); fewer when\n"
            "                  nothing else scores above the minimum\n"
            "  --json          one JSON object: {customer_id, recommendations:[{product_id,\n"
            "                  name, category, score, reasons, evidence}], needs, ...}\n"
            "  --explain       also list every excluded product and the rule that excluded it\n"
            "  --model SPEC    sentence encoder: builtin (default) or a model folder\n"
            "  --channel NAME  where the offers will be shown: the contact policy's cap\n"
            "                  for that channel applies (none applies without it), and\n"
            "                  a customer who opted out of it gets no offers\n"
            "  --help          this text\n");
}

int tl_cmd_recommend(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},    {"k", required_argument, NULL, 'k'},
        {"json", no_argument, NULL, 'j'},        {"explain", no_argument, NULL, 'x'},
        {"model", required_argument, NULL, 'm'}, {"help", no_argument, NULL, 'h'},
        {"channel", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
    const char *db = NULL, *model = "builtin";
    tl_rec_opts o = {.k = 3, .personalise = 1, .social = 1};
    int json = 0, c;
    int64_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'k':
            if (!tl_parse_i64(optarg, &v) || v < 1 || v > 20) {
                fprintf(stderr, "tailor recommend: --k: expected 1..20, got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            o.k = (int)v;
            break;
        case 'j': json = 1; break;
        case 'x': o.explain = 1; break;
        case 'm': model = optarg; break;
        case 'c':
            if (!tl_contact_channel_valid(optarg)) {
                fprintf(stderr, "tailor recommend: --channel: expected " TL_CONTACT_CHANNEL_RULE
                                ", got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            o.channel = optarg;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind != argc - 1) {
        fprintf(stderr, "tailor recommend: %s\n",
                !db ? "--db FILE is required" : "give exactly one CUSTOMER_ID");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    tl_engine *eng = NULL;
    tl_rec_result r;
    int rc = tl_store_open(db, 0, &st, &err);
    if (!rc)
        rc = tl_engine_open(model, NULL, &eng, &err);
    /* Exclusions are always computed: the audit entry names them. */
    int explain = o.explain;
    o.explain = 1;
    if (!rc)
        rc = tl_engine_recommend(eng, st, argv[optind], &o, &r, &err);
    if (!rc) {
        tl_audit_origin origin = {.channel = "cli", .route = "tailor recommend"};
        rc = tl_audit_recommendation(st, argv[optind], eng, &r, &o, &origin, &err);
        if (rc)
            tl_rec_result_free(&r);
    }
    if (!rc && !explain) {
        free(r.excluded);
        r.excluded = NULL;
        r.n_excluded = 0;
    }
    if (rc) {
        fprintf(stderr, "tailor recommend: %s\n", err.msg);
        tl_engine_close(eng);
        tl_store_close(st);
        return TL_EXIT_FAIL;
    }
    if (json) {
        json_t *j = tl_rec_result_to_json(eng, &r);
        tl_cli_print_json(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(j);
    } else {
        printf("customer  %s\n%s\n%s\n\n", r.customer_id, r.profile_summary, r.product_offering);
        if (r.suppressed.code)
            printf("No offers: %s.\n", r.suppressed.reason);
        else if (!r.n_items)
            printf("No product scores above the minimum for this customer.\n");
        for (size_t i = 0; i < r.n_items; i++) {
            printf("%zu. %s (%s)  score %.3f\n", i + 1, r.items[i].name, r.items[i].category,
                   r.items[i].score);
            for (size_t k = 0; k < r.items[i].n_reasons; k++)
                printf("   - %s\n", r.items[i].reasons[k]);
        }
        if (r.excluded) {
            printf("\nexcluded:\n");
            for (size_t i = 0; i < r.n_excluded; i++)
                printf("   %s: %s (%s)\n", r.excluded[i].name, r.excluded[i].reason,
                       r.excluded[i].code);
        }
    }
    tl_rec_result_free(&r);
    tl_engine_close(eng);
    tl_store_close(st);
    return TL_EXIT_OK;
}
