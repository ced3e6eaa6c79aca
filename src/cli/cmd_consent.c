/* cmd_consent.c — `tailor consent defaults`: the consent that customers
 * without a record of their own get. */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "govern/consent_change.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor consent defaults --db FILE [--personalisation yes|no]\n"
            "                               [--social-data yes|no] [--llm yes|no]\n\n"
            "Shows or changes the consent that customers without a consent record of their\n"
            "own get (built in: personalisation and social data granted, LLM not). A change\n"
            "takes effect on the next request of a running server and is audited (kind\n"
            "\"consent_defaults\"). Customers with a record are not touched. Prints the\n"
            "defaults after the change; with no flags, prints them.\n\n"
            "  --db FILE                    the store\n"
            "  --personalisation yes|no     profile analysis for recommendations\n"
            "  --social-data yes|no         use of the customer's social-media posts\n"
            "  --llm yes|no                 use of the configured LLM\n"
            "  --help                       this text\n\n"
            "Values: yes/no, true/false, 1/0, granted/withdrawn.\n");
}

static int defaults(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                          {"personalisation", required_argument, NULL, 'p'},
                                          {"personalization", required_argument, NULL, 'p'},
                                          {"social-data", required_argument, NULL, 's'},
                                          {"llm", required_argument, NULL, 'l'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *db = NULL;
    tl_consent_patch p = TL_CONSENT_PATCH_KEEP;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int *slot = c == 'p' ? &p.personalisation : c == 's' ? &p.social_data
                  : c == 'l' ? &p.llm : NULL;
        if (c == 'd') {
            db = optarg;
        } else if (c == 'h') {
            usage(stdout);
            return TL_EXIT_OK;
        } else if (slot) {
            if (!tl_consent_parse_bool(optarg, slot)) {
                fprintf(stderr, "tailor consent defaults: --%s: expected yes or no, not \"%s\"\n",
                        c == 'p' ? "personalisation" : c == 's' ? "social-data" : "llm",
                        optarg);
                return TL_EXIT_USAGE;
            }
        } else {
            usage(stderr);
            return TL_EXIT_USAGE;
        }
    }
    if (!db || optind != argc) {
        fprintf(stderr, "tailor consent defaults: %s\n",
                !db ? "--db FILE is required" : "unexpected argument");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    bool change = p.personalisation >= 0 || p.social_data >= 0 || p.llm >= 0, changed = false;
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    tl_consent d;
    int rc = tl_store_open(db, change ? 0 : TL_STORE_READONLY, &st, &err);
    if (!rc && !change) {
        rc = tl_store_consent_defaults_get(st, &d, &err);
    } else if (!rc) {
        /* The defaults and their audit entry are written together. */
        if (!(rc = tl_store_begin(st, &err)) &&
            !(rc = tl_consent_defaults_change(st, &p, "cli", "tailor consent defaults", &d,
                                              &changed, &err)))
            rc = tl_store_commit(st, &err);
        if (rc)
            tl_store_rollback(st);
    }
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor consent defaults: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    printf("personalisation %s\nsocial_data     %s\nllm             %s\n",
           d.personalisation ? "yes" : "no", d.social_data ? "yes" : "no", d.llm ? "yes" : "no");
    if (change && !changed)
        fprintf(stderr, "tailor consent defaults: unchanged\n");
    return TL_EXIT_OK;
}

int tl_cmd_consent(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "defaults") == 0)
        return defaults(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    fprintf(stderr, "tailor consent: expected a subcommand: defaults\n");
    usage(stderr);
    return TL_EXIT_USAGE;
}
