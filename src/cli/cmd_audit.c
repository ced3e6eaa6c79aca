/* cmd_audit.c — `tailor audit verify`: is the audit log as it was written? */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "govern/audit_verify.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor audit verify --db FILE [--anchor HEAD] [--json]\n\n"
            "Checks the audit log's chain: each entry holds a SHA-256 of the entry before it\n"
            "and of its own time, subject, kind and content, so an entry changed, inserted\n"
            "or removed after it was written (with the database's append-only triggers\n"
            "dropped, or the file edited) no longer matches. Erasure, which replaces a\n"
            "customer's ID by a pseudonym, keeps the chain intact.\n\n"
            "Each check prints the head, the newest entry's hash. Keep it outside the store\n"
            "(a ticket, a signed e-mail, another system): a later check with --anchor HEAD\n"
            "proves that nothing up to that entry has been rewritten since, even by someone\n"
            "able to recompute the whole chain.\n\n"
            "  --db FILE      the store\n"
            "  --anchor HEAD  a head printed by an earlier check; it must still be found\n"
            "  --json         one JSON object: intact, entries, chained, unchained, broken,\n"
            "                 first_broken [{id, at, kind}], head, anchor {hash, found}\n"
            "  --help         this text\n\n"
            "Exit 0 when the chain is intact (and the anchor found), 1 when it is not.\n"
            "Entries written before the chain began (stores made by an older tailor) are\n"
            "counted, not checked.\n");
}

static void print_verdict(const char *db, const tl_audit_verdict *v)
{
    printf("audit log of %s: %lld entries", db, v->entries);
    if (v->first_chained)
        printf(", %lld chained from entry %lld", v->entries - v->unchained, v->first_chained);
    if (v->unchained)
        printf(" (%lld written before the chain began: not checked)", v->unchained);
    printf("\n");
    if (!v->broken) {
        printf("intact: every chained entry is as it was written\n");
    } else {
        printf("BROKEN: %lld %s the chain (changed, inserted or removed after being "
               "written):\n", v->broken,
               v->broken == 1 ? "entry no longer matches" : "entries no longer match");
        for (long long i = 0; i < v->broken && i < TL_AUDIT_BROKEN_KEPT; i++)
            printf("  entry %lld  %s  %s\n", v->breaks[i].id, v->breaks[i].at,
                   v->breaks[i].kind);
        if (v->broken > TL_AUDIT_BROKEN_KEPT)
            printf("  and %lld more\n", v->broken - TL_AUDIT_BROKEN_KEPT);
    }
    if (v->anchor)
        printf("anchor %s: %s\n", v->anchor,
               v->anchor_found ? "found, as written"
                               : "NOT FOUND: the entry it was taken from is gone or changed");
    if (v->head[0])
        printf("head: %s\n", v->head);
}

int tl_cmd_audit(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? TL_EXIT_USAGE : TL_EXIT_OK;
    }
    if (strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "tailor audit: unknown action \"%s\": expected verify\n", argv[1]);
        return TL_EXIT_USAGE;
    }
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                          {"anchor", required_argument, NULL, 'a'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *db = NULL, *anchor = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'a': anchor = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind < argc - 1) {
        fprintf(stderr, "tailor audit verify: %s\n",
                !db ? "--db FILE is required" : "unexpected argument");
        return TL_EXIT_USAGE;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    tl_audit_verdict v;
    int rc = tl_store_open(db, TL_STORE_READONLY, &st, &err);
    if (!rc)
        rc = tl_audit_verify(st, anchor, !json && isatty(STDERR_FILENO), &v, &err);
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor audit verify: %s\n", err.msg);
        return rc == TL_EINPUT ? TL_EXIT_USAGE : TL_EXIT_FAIL;
    }
    if (json) {
        json_t *doc = tl_audit_verdict_json(&v);
        tl_cli_print_json(doc, JSON_COMPACT);
        json_decref(doc);
    } else {
        print_verdict(db, &v);
    }
    return tl_audit_verdict_ok(&v) ? TL_EXIT_OK : TL_EXIT_FAIL;
}
