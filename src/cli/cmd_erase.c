/* cmd_erase.c — `tailor erase`: the right to erasure from the command line. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govern/erase.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor erase --db FILE [--json] CUSTOMER_ID [CUSTOMER_ID...]\n\n"
            "Erases customers: every row they own (profile, transactions, monthly totals,\n"
            "posts, holdings, events, consent, channel opt-outs, batch scores) is deleted,\n"
            "and their audit entries keep only a pseudonym (\"erased:\" and a keyed hash of\n"
            "the ID). All IDs are erased in one transaction: if any is unknown nothing\n"
            "changes (exit 1).\n"
            "Each erasure is itself audited, under the pseudonym, with the rows removed.\n\n"
            "  --db FILE   the store\n"
            "  --json      print [{subject, rows:{table: n}}] instead of a summary\n"
            "  --help      this text\n");
}

int tl_cmd_erase(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind >= argc) {
        fprintf(stderr, "tailor erase: %s\n",
                !db ? "--db FILE is required" : "give at least one CUSTOMER_ID");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    json_t *report = NULL;
    int rc = tl_store_open(db, 0, &st, &err);
    if (!rc)
        rc = tl_govern_erase(st, (const char *const *)(argv + optind), (size_t)(argc - optind),
                             "cli", &report, &err);
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor erase: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    if (json) {
        tl_cli_print_json(report, JSON_COMPACT);
    } else {
        size_t i;
        json_t *e;
        json_array_foreach(report, i, e) {
            long long total = 0;
            const char *t;
            json_t *n;
            json_object_foreach(json_object_get(e, "rows"), t, n)
                if (strcmp(t, "audit"))
                    total += json_integer_value(n);
            printf("erased %s: %lld rows deleted, %lld audit entries pseudonymised\n",
                   json_string_value(json_object_get(e, "subject")), total,
                   (long long)json_integer_value(
                       json_object_get(json_object_get(e, "rows"), "audit")));
        }
    }
    json_decref(report);
    return TL_EXIT_OK;
}
