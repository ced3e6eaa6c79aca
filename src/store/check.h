/* check.h — is a store sound? SQLite's own checks of the file and of the
 * foreign keys, customer IDs an older tailor let in that are now reserved,
 * and the two things tailor derives from its tables and
 * keeps in step as it writes: the tally of events per day, channel and
 * kind (event_tally.h) and the customers' search index. Those two are kept
 * by tailor's own writes only: rows changed with another tool (sqlite3 by
 * hand, a restore of one table) leave them out of step, and a repair
 * rebuilds them from the tables. The audit log's chain has its own check
 * (govern/audit_verify.h). */
#ifndef TL_STORE_CHECK_H
#define TL_STORE_CHECK_H

#include <stdbool.h>

#include "base/err.h"
#include "base/progress.h"
#include "store/store.h"

typedef struct tl_store_check {
    bool full;                /* integrity_check (every index against its table) or
                                 quick_check (the pages and records only) */
    long long file_problems;  /* lines SQLite reported, 0 when "ok" */
    char file_first[256];     /* the first of them */
    long long orphans;        /* rows whose foreign key names a missing parent */
    char orphan_first[160];   /* "transactions: a row refers to a missing customers row" */
    long long reserved_ids;   /* customers whose ID begins as erasure's pseudonyms do
                                 (customers.h), written before such IDs were refused */
    char reserved_first[160];
    long long tally_off;      /* (day, channel, kind) whose tally differs from the events */
    char tally_first[160];    /* "2026-03-01 web shown: tally 4, events 5" */
    bool search_ok;           /* the search index matches the customers */
    long long summaries_off;  /* customers whose stored transaction summary differs from
                                 their transactions */
    char summaries_first[160];
    long long summaries_missing; /* customers with transactions but no stored summary
                                    (imported before it was kept): read slower, not
                                    wrong; a repair stores them */
} tl_store_check;

/* Runs every check on st (opened writable: the search index's check is a
 * command SQLite only takes there; it writes nothing and is rolled back).
 * Problems found are in *out, not an error; TL_EDB when a check cannot run.
 * `progress` (NULL: none) counts the TL_STORE_CHECK_PARTS parts done. */
#define TL_STORE_CHECK_PARTS 6
int tl_store_check_run(tl_store *st, bool full, tl_progress *progress, tl_store_check *out,
                       tl_err *err);

/* Nothing found. */
bool tl_store_check_ok(const tl_store_check *c);

/* Rebuilds the event tally, the search index and the transaction
 * summaries (missing ones too) from their tables, in one transaction (all
 * or nothing). Nothing else is changed: orphan rows and damage to the
 * file are a matter for a backup. */
int tl_store_repair_derived(tl_store *st, tl_err *err);

#endif
