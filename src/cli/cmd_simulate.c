/* cmd_simulate.c — `tailor simulate`: does learning from feedback raise
 * acceptance? A synthetic bank is generated into a scratch directory and
 * imported twice; the same replay (recommend, draw acceptances from hidden
 * per-segment preferences, post the events) runs with the learned term in
 * the ranking and without it, and the acceptance rates are compared. */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"
#include "eval/rollout_report.h"
#include "govern/policy_change.h"
#include "ingest/import.h"
#include "ingest/table.h"
#include "recommend/simulate.h"
#include "store/store.h"
#include "synth/synth.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor simulate [--customers N] [--rounds N] [--last N] [--k N] [--seed S]\n"
            "                       [--weight W] [--rollout-share P] [--fatigue N]\n\n"
            "Generates a synthetic bank, hides a favourite and a runner-up product per\n"
            "customer segment (age band x risk profile), then replays: a random customer\n"
            "gets k offers, each is shown, accepted with the hidden probability, and the\n"
            "events are recorded as POST /api/v1/customers/{id}/events records them.\n"
            "Runs once with learning in the ranking and once without (weight 0), on two\n"
            "scratch stores, and prints the acceptance rates and p_accept's calibration.\n\n"
            "  --customers N   synthetic customers (default 400)\n"
            "  --rounds N      rounds per run (default 3000)\n"
            "  --last N        rounds at the end that are measured (default 1000)\n"
            "  --k N           offers per round, 1..20 (default 3)\n"
            "  --seed S        seed of the bank, the preferences and the draws (default 42)\n"
            "  --weight W      weight of the learned term when learning is on (default 1)\n"
            "  --rollout-share P\n"
            "                  instead: one replay with learning on, under a rollout that\n"
            "                  personalises a share P of the customers (0 < P < 1), then\n"
            "                  `tailor rollout report` on it: does the lift show, and how\n"
            "                  surely?\n"
            "  --fatigue N     the contact policy rests an offer shown N times with no\n"
            "                  response (docs/contact-policy.md) in every replay; compare\n"
            "                  with a run without it (same --seed)\n"
            "  --help          this text\n");
}

/* Imports the generated files present in dir into db. */
static int import_dir(const char *dir, const char *db, tl_err *err)
{
    static const struct {
        const char *file;
        tl_kind kind;
    } files[] = {
        {"customers.csv", TL_KIND_CUSTOMERS}, {"products.json", TL_KIND_PRODUCTS},
        {"reviews.csv", TL_KIND_REVIEWS},     {"holdings.csv", TL_KIND_HOLDINGS},
        {"monthly.csv", TL_KIND_MONTHLY},     {"posts.csv", TL_KIND_POSTS},
    };
    tl_source *sources[8];
    size_t n = 0;
    int rc = TL_OK;
    for (size_t i = 0; i < sizeof files / sizeof *files && !rc; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
        if (access(path, R_OK) != 0)
            continue;
        rc = strstr(path, ".json") ? tl_seed_source_open(files[i].kind, path, &sources[n], err)
                                   : tl_table_source_open(files[i].kind, path, &sources[n], err);
        if (!rc)
            n++;
    }
    if (rc) {
        for (size_t i = 0; i < n; i++)
            sources[i]->destroy(sources[i]);
        return rc;
    }
    return tl_import_run(db, sources, n, false, NULL, err);
}

static int parse_int(const char *opt, const char *v, int64_t lo, int64_t hi, int64_t *out)
{
    if (!tl_parse_i64(v, out) || *out < lo || *out > hi) {
        fprintf(stderr, "tailor simulate: --%s: expected %lld..%lld, got \"%s\"\n", opt,
                (long long)lo, (long long)hi, v);
        return -1;
    }
    return 0;
}

static void print_run(const char *label, const tl_sim_result *r, int last)
{
    printf("%-12s %7lld %8lld %8.4f   %7lld %8lld %8.4f   %8.4f %8.4f\n", label, r->shown,
           r->accepted, r->shown ? (double)r->accepted / (double)r->shown : 0.0, r->shown_last,
           r->accepted_last,
           r->shown_last ? (double)r->accepted_last / (double)r->shown_last : 0.0,
           r->p_accept_last, r->brier_last);
    (void)last;
}

static void remove_dir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "tailor simulate: could not remove %s\n", dir);
}

/* Sets the fatigue rule of the contact policy on a scratch store. */
static int set_fatigue(const char *db, int showings, tl_err *err)
{
    if (!showings)
        return TL_OK;
    tl_store *st = NULL;
    json_t *doc = json_pack("{s:{s:i, s:i}}", "fatigue", "showings", showings, "days", 30);
    int rc = tl_store_open(db, 0, &st, err);
    if (!rc)
        rc = tl_contact_policy_change(st, doc, false, "cli", "tailor simulate", NULL, NULL, err);
    tl_store_close(st);
    json_decref(doc);
    return rc;
}

/* One replay under a rollout, then its report. */
static int rollout_run(const char *dir, const char *db, const tl_sim_opts *so, tl_err *err)
{
    tl_sim_result res;
    tl_rollout_report rep = {0};
    tl_store *st = NULL;
    int rc = tl_simulate_run(db, so, &res, err);
    if (!rc && !(rc = tl_store_open(db, TL_STORE_READONLY, &st, err)))
        rc = tl_rollout_report_build(st, NULL, &rep, err);
    tl_store_close(st);
    remove_dir(dir);
    if (rc) {
        fprintf(stderr, "tailor simulate: %s\n", err->msg);
        return TL_EXIT_FAIL;
    }
    printf("synthetic bank: %lld customers in %lld segments, %lld products (seed %llu)\n"
           "hidden truth per segment: favourite %.2f, runner-up %.2f, others %.2f\n"
           "%d rounds of %d offers, learning weight %.2g\n\n",
           res.customers, res.segments, res.products, (unsigned long long)so->seed,
           so->favourite_rate, so->second_rate, so->base_rate, so->rounds, so->k,
           so->learned_weight);
    tl_rollout_report_print(stdout, &rep);
    tl_rollout_report_free(&rep);
    return TL_EXIT_OK;
}

int tl_cmd_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"customers", required_argument, NULL, 'n'}, {"rounds", required_argument, NULL, 'r'},
        {"last", required_argument, NULL, 'l'},      {"k", required_argument, NULL, 'k'},
        {"seed", required_argument, NULL, 's'},      {"weight", required_argument, NULL, 'w'},
        {"rollout-share", required_argument, NULL, 'p'},
        {"fatigue", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    int fatigue = 0;
    tl_sim_opts so;
    tl_sim_opts_default(&so);
    tl_synth_opts sy;
    tl_synth_opts_default(&sy);
    sy.customers = 400;
    sy.months = 12;
    sy.raw_transactions = false;
    int c;
    int64_t v;
    double d;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_int("customers", optarg, 10, 100000, &v))
                return TL_EXIT_USAGE;
            sy.customers = (size_t)v;
            break;
        case 'r':
            if (parse_int("rounds", optarg, 1, 10000000, &v))
                return TL_EXIT_USAGE;
            so.rounds = (int)v;
            break;
        case 'l':
            if (parse_int("last", optarg, 1, 10000000, &v))
                return TL_EXIT_USAGE;
            so.last = (int)v;
            break;
        case 'k':
            if (parse_int("k", optarg, 1, 20, &v))
                return TL_EXIT_USAGE;
            so.k = (int)v;
            break;
        case 's':
            if (parse_int("seed", optarg, 0, INT64_MAX, &v))
                return TL_EXIT_USAGE;
            so.seed = sy.seed = (uint64_t)v;
            break;
        case 'w':
            if (!tl_parse_double(optarg, false, &d) || d < 0 || d > 10) {
                fprintf(stderr, "tailor simulate: --weight: expected 0..10, got \"%s\"\n",
                        optarg);
                return TL_EXIT_USAGE;
            }
            so.learned_weight = d;
            break;
        case 'p':
            if (!tl_parse_double(optarg, false, &d) || !(d > 0 && d < 1)) {
                fprintf(stderr,
                        "tailor simulate: --rollout-share: expected above 0 and below 1, got "
                        "\"%s\"\n",
                        optarg);
                return TL_EXIT_USAGE;
            }
            so.rollout_share = d;
            break;
        case 'f':
            if (parse_int("fatigue", optarg, 1, 1000, &v))
                return TL_EXIT_USAGE;
            fatigue = (int)v;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "tailor simulate: unexpected argument \"%s\"\n", argv[optind]);
        return TL_EXIT_USAGE;
    }
    if (so.last > so.rounds)
        so.last = so.rounds;
    char dir[] = "/tmp/tailor-simulate-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("tailor simulate: temporary directory");
        return TL_EXIT_FAIL;
    }
    tl_err err;
    tl_err_clear(&err);
    char on_db[4200], off_db[4200];
    snprintf(on_db, sizeof on_db, "%s/learning-on.db", dir);
    snprintf(off_db, sizeof off_db, "%s/learning-off.db", dir);
    tl_sim_result on, off;
    int rc = tl_synth_generate(&sy, dir, &err);
    if (!rc)
        rc = import_dir(dir, on_db, &err);
    if (!rc)
        rc = set_fatigue(on_db, fatigue, &err);
    if (!rc && so.rollout_share > 0)
        return rollout_run(dir, on_db, &so, &err);
    if (!rc)
        rc = import_dir(dir, off_db, &err);
    if (!rc)
        rc = set_fatigue(off_db, fatigue, &err);
    if (!rc)
        rc = tl_simulate_run(on_db, &so, &on, &err);
    double w = so.learned_weight;
    so.learned_weight = 0;
    if (!rc)
        rc = tl_simulate_run(off_db, &so, &off, &err);
    remove_dir(dir);
    if (rc) {
        fprintf(stderr, "tailor simulate: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    printf("synthetic bank: %lld customers in %lld segments, %lld products (seed %llu)\n"
           "hidden truth per segment: favourite %.2f, runner-up %.2f, others %.2f\n"
           "%d rounds of %d offers; measured over the last %d rounds\n",
           on.customers, on.segments, on.products, (unsigned long long)so.seed,
           so.favourite_rate, so.second_rate, so.base_rate, so.rounds, so.k, so.last);
    if (fatigue)
        printf("contact policy: an offer shown %d time%s with no response is rested\n", fatigue,
               fatigue == 1 ? "" : "s");
    printf("\n");
    printf("%-12s %7s %8s %8s   %7s %8s %8s   %8s %8s\n", "learning", "shown", "accepted",
           "rate", "shown", "accepted", "rate", "mean p", "Brier");
    printf("%-12s %7s %8s %8s   %7s %8s %8s   %8s %8s\n", "", "(all)", "", "", "(last)", "", "",
           "(last)", "(last)");
    char label[32];
    snprintf(label, sizeof label, "on (w=%.2g)", w);
    print_run(label, &on, so.last);
    print_run("off (w=0)", &off, so.last);
    double ron = on.shown_last ? (double)on.accepted_last / (double)on.shown_last : 0;
    double roff = off.shown_last ? (double)off.accepted_last / (double)off.shown_last : 0;
    printf("\nacceptance over the last %d rounds: %.4f with learning, %.4f without (x%.2f)\n",
           so.last, ron, roff, roff > 0 ? ron / roff : 0.0);
    return TL_EXIT_OK;
}
