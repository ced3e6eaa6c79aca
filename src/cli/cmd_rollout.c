/* cmd_rollout.c — `tailor rollout start|stop|status|report`: personalise a
 * share of the customers, hold the rest out, and measure the lift. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "eval/rollout_report.h"
#include "govern/rollout_change.h"
#include "recommend/rollout.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor rollout start --db FILE --share P [--salt S] NAME\n"
            "       tailor rollout stop --db FILE\n"
            "       tailor rollout status --db FILE [--json]\n"
            "       tailor rollout report --db FILE [--json] [NAME]\n\n"
            "A rollout personalises a share P of the customers (the treatment arm); the\n"
            "others (the control arm, or hold-out) get the generally suitable offers that\n"
            "customers without consent to personalisation get. Every recommendation path\n"
            "(the API, the dashboard, `tailor recommend`, `tailor score`) follows it at once,\n"
            "and every served recommendation's audit entry names the arm. Which arm a\n"
            "customer is in follows from the salt and P alone, so a pilot widened under a\n"
            "new name with the same salt (the default) keeps everyone personalised so far.\n"
            "Start with a small P to pilot, or a P such as 0.95 to keep a 5%% hold-out.\n\n"
            "report compares the arms over the rollout's time from the feedback events: the\n"
            "share of customers shown an offer who accepted one (conversion), with 95%%\n"
            "intervals, the lift and its p-value, the smallest difference the group sizes\n"
            "detect, and a check that the arms split as designed. Post \"shown\" events for\n"
            "both arms, or the report cannot see who was offered what.\n\n"
            "  --db FILE   the store\n"
            "  --share P   share of customers personalised, above 0 and below 1 (start)\n"
            "  --salt S    letters, digits, . _ -: reshuffles who is in which arm (start;\n"
            "              default: the last rollout's salt, or a random one)\n"
            "  --json      one JSON object (status, report)\n"
            "  --help      this text\n\n"
            "Starting and stopping are audited (kind \"rollout\"). Only one rollout runs at a\n"
            "time; a stopped one keeps its report.\n");
}

typedef struct rollout_args {
    const char *db, *salt, *name;
    double share;
    int have_share, json;
} rollout_args;

/* Parses the options after the action; returns -1 after printing usage. */
static int parse(const char *action, int argc, char **argv, rollout_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"share", required_argument, NULL, 'p'},
        {"salt", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'p':
            if (!tl_parse_double(optarg, false, &a->share)) {
                fprintf(stderr, "tailor rollout %s: --share: expected a number, got \"%s\"\n",
                        action, optarg);
                return -1;
            }
            a->have_share = 1;
            break;
        case 's': a->salt = optarg; break;
        case 'j': a->json = 1; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc)
        a->name = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "tailor rollout %s: unexpected argument \"%s\"\n", action, argv[optind]);
        return -1;
    }
    if (!a->db) {
        fprintf(stderr, "tailor rollout %s: --db FILE is required\n", action);
        return -1;
    }
    return 0;
}

static void print_rollout(const tl_rollout *r)
{
    printf("%s: %.4g%% of customers personalised, %s %s%s%s (salt %s)\n", r->name,
           100 * r->share, r->ended_at[0] ? "ran from" : "running since", r->started_at,
           r->ended_at[0] ? " to " : "", r->ended_at, r->salt);
}

typedef struct status_list {
    json_t *arr;   /* --json: the rollouts (borrowed), else NULL: printed */
    size_t n;
} status_list;

/* Rollouts come newest first and none starts while one runs, so the first
 * says whether one is running. */
static int list_one(void *ctx, const tl_rollout *r)
{
    status_list *l = ctx;
    if (l->arr) {
        json_array_append_new(l->arr, tl_rollout_json(r));
    } else {
        if (l->n == 0)
            printf("%srollouts, newest first:\n",
                   r->ended_at[0] ? "no rollout is running: every customer is personalised as "
                                    "consent allows\n"
                                  : "");
        print_rollout(r);
    }
    l->n++;
    return 0;
}

static int status(tl_store *st, const rollout_args *a, tl_err *err)
{
    status_list l = {.arr = a->json ? json_array() : NULL};
    int rc = tl_store_rollouts_each(st, list_one, &l, err);
    if (!rc && l.arr)
        tl_cli_print_json(l.arr, JSON_COMPACT | JSON_REAL_PRECISION(12));
    else if (!rc && !l.n)
        printf("no rollout is running: every customer is personalised as consent allows\n"
               "rollouts, newest first:\n");
    json_decref(l.arr);
    return rc;
}

static int report(tl_store *st, const rollout_args *a, tl_err *err)
{
    tl_rollout_report r;
    /* One snapshot for the events and the customers, as the API reads. */
    int rc = tl_store_read_begin(st, err);
    if (rc)
        return rc;
    rc = tl_rollout_report_build(st, a->name, &r, err);
    tl_store_read_end(st);
    if (rc)
        return rc;
    if (a->json) {
        json_t *doc = tl_rollout_report_json(&r);
        tl_cli_print_json(doc, JSON_COMPACT | JSON_REAL_PRECISION(12));
        json_decref(doc);
    } else {
        tl_rollout_report_print(stdout, &r);
    }
    tl_rollout_report_free(&r);
    return TL_OK;
}

int tl_cmd_rollout(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2) {
            fprintf(stderr, "tailor rollout: expected start, stop, status or report\n");
            usage(stderr);
            return TL_EXIT_USAGE;
        }
        usage(stdout);
        return TL_EXIT_OK;
    }
    const char *action = argv[1];
    int writes = strcmp(action, "start") == 0 || strcmp(action, "stop") == 0;
    if (!writes && strcmp(action, "status") != 0 && strcmp(action, "report") != 0) {
        fprintf(stderr, "tailor rollout: unknown action \"%s\": expected start, stop, status "
                        "or report\n", action);
        return TL_EXIT_USAGE;
    }
    rollout_args a;
    int p = parse(action, argc - 1, argv + 1, &a);
    if (p)
        return p > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
    if (strcmp(action, "start") == 0 && (!a.name || !a.have_share)) {
        fprintf(stderr, "tailor rollout start: %s\n",
                !a.name ? "a NAME for the rollout is required" : "--share P is required");
        return TL_EXIT_USAGE;
    }
    if ((strcmp(action, "stop") == 0 || strcmp(action, "status") == 0) && a.name) {
        fprintf(stderr, "tailor rollout %s: unexpected argument \"%s\"\n", action, a.name);
        return TL_EXIT_USAGE;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    int rc = tl_store_open(a.db, writes ? 0 : TL_STORE_READONLY, &st, &err);
    tl_rollout r;
    char route[64];
    snprintf(route, sizeof route, "tailor rollout %s", action);
    if (!rc && strcmp(action, "start") == 0) {
        if (!(rc = tl_rollout_change_start(st, a.name, a.share, a.salt, "cli", route, &r, &err)))
            print_rollout(&r);
    } else if (!rc && strcmp(action, "stop") == 0) {
        if (!(rc = tl_rollout_change_stop(st, "cli", route, &r, &err)))
            print_rollout(&r);
    } else if (!rc && strcmp(action, "status") == 0) {
        rc = status(st, &a, &err);
    } else if (!rc) {
        rc = report(st, &a, &err);
    }
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor rollout %s: %s\n", action, err.msg);
        return TL_EXIT_FAIL;
    }
    return TL_EXIT_OK;
}
