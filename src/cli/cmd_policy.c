/* cmd_policy.c — `tailor policy show|set`: the contact policy, how often a
 * customer may be offered products. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "govern/policy_change.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor policy show --db FILE [--json]\n"
            "       tailor policy set --db FILE [--dismissal-days N] [--fatigue N/D|off]\n"
            "                         [--complaint-days N] [--cap CHANNEL=N/D]... [--no-caps]\n"
            "                         [--staff-channels LIST|none] [--file POLICY.json] [--reset]\n\n"
            "The contact policy holds offers back, in every recommendation path (the API,\n"
            "the dashboard, `tailor recommend`, `tailor score`):\n"
            "  dismissal  a dismissed product stays hidden from that customer for N days\n"
            "  fatigue    a product shown N times in D days with no click or acceptance\n"
            "             after those showings is rested until the oldest leaves the window\n"
            "  complaint  no offers at all for N days after a \"complained\" event\n"
            "  caps       at most N offers (\"shown\" events) on a channel in D days; a\n"
            "             request that names the channel (?channel=mobile, --channel) gets\n"
            "             nothing more until then. CHANNEL \"*\" counts every channel.\n"
            "Showings on a staff channel are what the bank's staff saw, not contacts with\n"
            "the customer: they count towards neither fatigue nor any cap.\n"
            "Defaults: dismissal 180 days, complaint 90 days, no fatigue rule, no caps;\n"
            "\"dashboard\" (what the dashboard records) is a staff channel.\n\n"
            "  --db FILE              the store\n"
            "  --dismissal-days N     1..3650, 0 switches the rule off\n"
            "  --fatigue N/D          e.g. 3/30; off switches the rule off\n"
            "  --complaint-days N     1..3650, 0 switches the rule off\n"
            "  --cap CHANNEL=N/D      e.g. mobile=3/7; repeat for more channels; the caps\n"
            "                         given replace all caps in force\n"
            "  --no-caps              remove every cap\n"
            "  --staff-channels LIST  comma-separated staff channels, e.g. dashboard,branch;\n"
            "                         none: every showing counts\n"
            "  --file POLICY.json     a policy document, as GET /api/v1/contact-policy shows\n"
            "                         it; the options above apply after it\n"
            "  --reset                start from the defaults instead of the policy in force\n"
            "  --json                 the policy as one JSON object\n"
            "  --help                 this text\n\n"
            "Every change is audited (kind \"contact_policy\", with the policy before and\n"
            "after); setting what is already in force writes nothing.\n");
}

typedef struct policy_args {
    const char *db, *file;
    int json, reset;
    json_t *changes;   /* owned */
} policy_args;

static int bad_value(const char *opt, const char *value, const char *expected)
{
    fprintf(stderr, "tailor policy set: %s: expected %s, got \"%s\"\n", opt, expected, value);
    return -1;
}

/* Adds one --cap CHANNEL=N/D to the caps the options replace. */
static int add_cap(policy_args *a, const char *value)
{
    size_t channel_len;
    long long n, d;
    if (!tl_contact_cap_parse(value, &channel_len, &n, &d))
        return bad_value("--cap", value, "CHANNEL=OFFERS/DAYS such as mobile=3/7");
    json_t *caps = json_object_get(a->changes, "caps");
    if (!caps) {
        caps = json_array();
        json_object_set_new(a->changes, "caps", caps);
    }
    json_array_append_new(caps, json_pack("{s:s%, s:I, s:I}", "channel", value, channel_len,
                                          "offers", (json_int_t)n, "days", (json_int_t)d));
    return 0;
}

/* --staff-channels: a comma-separated list, or "none"; the names are
 * checked with the rest of the document. */
static void set_staff(policy_args *a, const char *value)
{
    json_t *list = json_array();
    if (strcmp(value, "none") != 0) {
        const char *s = value;
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t n = comma ? (size_t)(comma - s) : strlen(s);
            json_array_append_new(list, json_stringn(s, n));
            if (!comma)
                break;
            s = comma + 1;
        }
    }
    json_object_set_new(a->changes, "staff_channels", list);
}

/* Parses the options after the action; returns -1 after printing usage, 1
 * after --help. */
static int parse(const char *action, int argc, char **argv, policy_args *a)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"dismissal-days", required_argument, NULL, 'D'},
        {"fatigue", required_argument, NULL, 'f'},
        {"complaint-days", required_argument, NULL, 'c'},
        {"cap", required_argument, NULL, 'C'},
        {"no-caps", no_argument, NULL, 'n'},
        {"staff-channels", required_argument, NULL, 's'},
        {"file", required_argument, NULL, 'F'},
        {"reset", no_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, bad = 0;
    int64_t v;
    long long n, d;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->db = optarg; break;
        case 'D':
        case 'c':
            if (!tl_parse_i64(optarg, &v))
                bad = bad_value(c == 'D' ? "--dismissal-days" : "--complaint-days", optarg,
                                "a whole number of days");
            else
                json_object_set_new(a->changes, c == 'D' ? "dismissal_days" : "complaint_days",
                                    json_integer(v));
            break;
        case 'f':
            if (strcmp(optarg, "off") == 0)
                json_object_set_new(a->changes, "fatigue", json_null());
            else if (tl_contact_rate_parse(optarg, &n, &d))
                json_object_set_new(a->changes, "fatigue",
                                    json_pack("{s:I, s:I}", "showings", (json_int_t)n, "days",
                                              (json_int_t)d));
            else
                bad = bad_value("--fatigue", optarg, "SHOWINGS/DAYS such as 3/30, or off");
            break;
        case 'C': bad = add_cap(a, optarg); break;
        case 'n': json_object_set_new(a->changes, "caps", json_array()); break;
        case 's': set_staff(a, optarg); break;
        case 'F': a->file = optarg; break;
        case 'r': a->reset = 1; break;
        case 'j': a->json = 1; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (bad)
        return -1;
    if (optind < argc) {
        fprintf(stderr, "tailor policy %s: unexpected argument \"%s\"\n", action, argv[optind]);
        return -1;
    }
    if (!a->db) {
        fprintf(stderr, "tailor policy %s: --db FILE is required\n", action);
        return -1;
    }
    bool setting = json_object_size(a->changes) || a->file || a->reset;
    if (strcmp(action, "show") == 0 && setting) {
        fprintf(stderr, "tailor policy show: takes --db and --json only; use tailor policy set "
                        "to change the policy\n");
        return -1;
    }
    if (strcmp(action, "set") == 0 && !setting) {
        fprintf(stderr, "tailor policy set: nothing to set; give at least one rule option, "
                        "--file or --reset\n");
        return -1;
    }
    return 0;
}

static void print_policy(const tl_contact_policy *p)
{
    if (p->dismissal_days)
        printf("dismissal:  a dismissed product stays hidden for %d days\n", p->dismissal_days);
    else
        printf("dismissal:  off (a dismissed product may be offered again at once)\n");
    if (p->fatigue_showings)
        printf("fatigue:    a product shown %d times in %d days with no response is rested\n",
               p->fatigue_showings, p->fatigue_days);
    else
        printf("fatigue:    off\n");
    if (p->complaint_days)
        printf("complaint:  no offers for %d days after a complaint\n", p->complaint_days);
    else
        printf("complaint:  off\n");
    if (!p->n_caps)
        printf("caps:       none\n");
    for (size_t i = 0; i < p->n_caps; i++)
        printf("%s at most %d offers in %d days on %s\n", i ? "           " : "caps:      ",
               p->caps[i].offers, p->caps[i].days,
               strcmp(p->caps[i].channel, "*") == 0 ? "all channels together"
                                                     : p->caps[i].channel);
    printf("staff:      ");
    for (size_t i = 0; i < p->n_staff; i++)
        printf("%s%s", i ? ", " : "", p->staff[i]);
    printf(p->n_staff ? " (showings there are not contacts: not counted)\n"
                      : "none (every showing counts)\n");
}

/* The document of --file, with the options' changes laid over it. */
static int merged_changes(const policy_args *a, json_t **out, tl_err *err)
{
    if (!a->file) {
        *out = json_incref(a->changes);
        return TL_OK;
    }
    json_error_t je;
    json_t *doc = json_load_file(a->file, 0, &je);
    if (!doc)
        return tl_err_set(err, TL_EINPUT, "%s:%d:%d: %s", a->file, je.line, je.column, je.text);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return tl_err_set(err, TL_EINPUT, "%s: the policy must be a JSON object", a->file);
    }
    json_object_update(doc, a->changes);
    *out = doc;
    return TL_OK;
}

int tl_cmd_policy(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2) {
            fprintf(stderr, "tailor policy: expected show or set\n");
            usage(stderr);
            return TL_EXIT_USAGE;
        }
        usage(stdout);
        return TL_EXIT_OK;
    }
    const char *action = argv[1];
    if (strcmp(action, "show") != 0 && strcmp(action, "set") != 0) {
        fprintf(stderr, "tailor policy: unknown action \"%s\": expected show or set\n", action);
        return TL_EXIT_USAGE;
    }
    policy_args a = {.changes = json_object()};
    int p = parse(action, argc - 1, argv + 1, &a);
    if (p) {
        json_decref(a.changes);
        return p > 0 ? TL_EXIT_OK : TL_EXIT_USAGE;
    }
    int writes = strcmp(action, "set") == 0;
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    json_t *changes = NULL;
    tl_contact_policy policy;
    bool changed = false;
    int rc = merged_changes(&a, &changes, &err);
    if (!rc)
        rc = tl_store_open(a.db, writes ? 0 : TL_STORE_READONLY, &st, &err);
    if (!rc && writes)
        rc = tl_contact_policy_change(st, changes, a.reset, "cli", "tailor policy set", &policy,
                                      &changed, &err);
    else if (!rc)
        rc = tl_contact_policy_load(st, &policy, &err);
    if (!rc && a.json) {
        json_t *doc = tl_contact_policy_to_json(&policy);
        tl_cli_print_json(doc, JSON_COMPACT);
        json_decref(doc);
    } else if (!rc) {
        print_policy(&policy);
        if (writes)
            printf("%s\n", changed ? "(changed; audited)" : "(unchanged: nothing written)");
    }
    tl_store_close(st);
    json_decref(changes);
    json_decref(a.changes);
    if (rc) {
        fprintf(stderr, "tailor policy %s: %s\n", action, err.msg);
        return TL_EXIT_FAIL;
    }
    return TL_EXIT_OK;
}
