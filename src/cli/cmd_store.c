/* cmd_store.c — `tailor store check` and `tailor store repair`: is a store
 * sound, and rebuilding what tailor derives from its tables. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/check.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor store check --db FILE [--full] [--json]\n"
            "       tailor store repair --db FILE\n\n"
            "check looks at a store six ways:\n"
            "  file          SQLite's check of the file's pages and records (quick_check;\n"
            "                with --full, integrity_check: every index against its table too)\n"
            "  foreign keys  rows that refer to a customer or product no longer there\n"
            "  customer IDs  IDs that begin with \"erased:\", reserved for erased customers'\n"
            "                audit entries (stores written before they were refused)\n"
            "  event tally   the counts per day, channel and kind the overview reads, against\n"
            "                the events themselves\n"
            "  search index  the customer search's index, against the customers\n"
            "  transaction   what each customer's transactions add up to (by category,\n"
            "  summaries     payment mode and month), stored by imports for ranking and\n"
            "                the 360, against the transactions; customers imported before\n"
            "                they were stored are counted as missing (read slower, not wrong)\n"
            "tailor keeps the last three in step as it writes. Rows changed with another tool\n"
            "(sqlite3 by hand, one table restored from a backup) leave them out of step:\n"
            "repair rebuilds them from their tables (missing summaries too), in one\n"
            "transaction, and checks again.\n"
            "It changes nothing else: rows without their parent, and a damaged file, are a\n"
            "matter for a backup (repair refuses to rebuild on a damaged file).\n"
            "The audit log's chain has its own check: tailor audit verify.\n\n"
            "  --db FILE  the store (opened as the server opens it: a store of an older\n"
            "             tailor is brought up to date first)\n"
            "  --full     check also every index against its table (slower)\n"
            "  --json     one JSON object: db, full, sound, file {problems, first},\n"
            "             foreign_keys {orphans, first}, reserved_ids {customers, first},\n"
            "             event_tally {out_of_step, first}, search_index {in_step},\n"
            "             txn_summaries {out_of_step, missing, first} (all but file null\n"
            "             for a damaged file)\n"
            "  --help     this text\n\n"
            "Exit 0 when the store is sound (after a repair: sound again), 1 when not.\n");
}

static void print_check(const char *db, const tl_store_check *c)
{
    printf("store %s (%s)\n", db, c->full ? "full check" : "quick check");
    if (c->file_problems)
        printf("  file:          DAMAGED, %lld %s from SQLite; the first: %s\n", c->file_problems,
               c->file_problems == 1 ? "report" : "reports", c->file_first);
    else
        printf("  file:          ok\n");
    if (c->file_problems) {
        printf("  (not checked further: restore the store from a backup)\n");
        return;
    }
    if (c->orphans)
        printf("  foreign keys:  %lld %s to a missing parent; the first: %s\n", c->orphans,
               c->orphans == 1 ? "row refers" : "rows refer", c->orphan_first);
    else
        printf("  foreign keys:  ok\n");
    if (c->reserved_ids)
        printf("  customer IDs:  %lld %s with \"erased:\", reserved for erased customers' "
               "audit entries (the first: %s): their entries cannot be told from an erased "
               "customer's, nor pseudonymised by erasure; give them other IDs at the source\n",
               c->reserved_ids, c->reserved_ids == 1 ? "begins" : "begin", c->reserved_first);
    else
        printf("  customer IDs:  ok\n");
    if (c->tally_off)
        printf("  event tally:   OUT OF STEP for %lld (day, channel, kind); the first: %s\n",
               c->tally_off, c->tally_first);
    else
        printf("  event tally:   ok\n");
    printf("  search index:  %s\n", c->search_ok ? "ok" : "OUT OF STEP with the customers");
    if (c->summaries_off)
        printf("  txn summaries: OUT OF STEP for %lld %s; the first: %s\n", c->summaries_off,
               c->summaries_off == 1 ? "customer" : "customers", c->summaries_first);
    else
        printf("  txn summaries: ok\n");
    if (c->summaries_missing)
        printf("  (%lld %s transactions but no stored summary: read slower until a repair "
               "or an import stores them)\n",
               c->summaries_missing, c->summaries_missing == 1 ? "customer has" : "customers have");
    if (c->tally_off || !c->search_ok || c->summaries_off || c->summaries_missing)
        printf("tailor store repair --db %s rebuilds what is out of step or missing\n", db);
}

/* The parts not checked (a damaged file stops the check) are null. */
static json_t *check_json(const char *db, const tl_store_check *c)
{
    bool checked = !c->file_problems;
    json_t *orphans = checked ? json_pack("{s:I, s:s?}", "orphans", (json_int_t)c->orphans,
                                          "first", c->orphans ? c->orphan_first : NULL)
                              : json_null();
    json_t *reserved = checked ? json_pack("{s:I, s:s?}", "customers",
                                           (json_int_t)c->reserved_ids, "first",
                                           c->reserved_ids ? c->reserved_first : NULL)
                               : json_null();
    json_t *tally = checked ? json_pack("{s:I, s:s?}", "out_of_step", (json_int_t)c->tally_off,
                                        "first", c->tally_off ? c->tally_first : NULL)
                            : json_null();
    json_t *search = checked ? json_pack("{s:b}", "in_step", c->search_ok) : json_null();
    json_t *summaries = checked ? json_pack("{s:I, s:I, s:s?}", "out_of_step",
                                            (json_int_t)c->summaries_off, "missing",
                                            (json_int_t)c->summaries_missing, "first",
                                            c->summaries_off ? c->summaries_first : NULL)
                                : json_null();
    return json_pack("{s:s, s:b, s:b, s:{s:I, s:s?}, s:o, s:o, s:o, s:o, s:o}", "db", db,
                     "full", c->full, "sound", tl_store_check_ok(c), "file", "problems",
                     (json_int_t)c->file_problems, "first",
                     c->file_problems ? c->file_first : NULL, "foreign_keys", orphans,
                     "reserved_ids", reserved, "event_tally", tally, "search_index", search,
                     "txn_summaries", summaries);
}

int tl_cmd_store(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? TL_EXIT_USAGE : TL_EXIT_OK;
    }
    bool repair = strcmp(argv[1], "repair") == 0;
    if (!repair && strcmp(argv[1], "check") != 0) {
        fprintf(stderr, "tailor store: unknown action \"%s\": expected check or repair\n",
                argv[1]);
        return TL_EXIT_USAGE;
    }
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                          {"full", no_argument, NULL, 'f'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int full = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'f': full = 1; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    const char *bad = !db ? "--db FILE is required"
                      : optind < argc - 1 ? "unexpected argument"
                      : repair && (full || json) ? "repair takes --db FILE only"
                                                 : NULL;
    if (bad) {
        fprintf(stderr, "tailor store %s: %s\n", argv[1], bad);
        return TL_EXIT_USAGE;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    tl_store_check check;
    tl_progress bar;
    tl_progress_start(&bar, "checking", TL_STORE_CHECK_PARTS, !json);
    int rc = tl_store_open(db, 0, &st, &err);
    if (!rc)
        rc = tl_store_check_run(st, full, &bar, &check, &err);
    if (!rc && repair && check.file_problems)
        rc = tl_err_set(&err, TL_EDB,
                        "%s is damaged (SQLite: %s): restore it from a backup; nothing was "
                        "rebuilt",
                        db, check.file_first);
    if (!rc && repair &&
        (check.tally_off || !check.search_ok || check.summaries_off || check.summaries_missing)) {
        tl_progress_start(&bar, "checking again", TL_STORE_CHECK_PARTS, true);
        if (!(rc = tl_store_repair_derived(st, &err)))
            rc = tl_store_check_run(st, full, &bar, &check, &err);
        if (!rc)
            printf("rebuilt the event tally, the search index and the transaction summaries\n");
    }
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor store %s: %s\n", argv[1], err.msg);
        return TL_EXIT_FAIL;
    }
    if (json) {
        json_t *doc = check_json(db, &check);
        tl_cli_print_json(doc, JSON_COMPACT);
        json_decref(doc);
    } else {
        print_check(db, &check);
    }
    return tl_store_check_ok(&check) ? TL_EXIT_OK : TL_EXIT_FAIL;
}
