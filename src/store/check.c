/* check.c — a store's soundness, and rebuilding what tailor derives from
 * its tables (check.h). */
#include "store/check.h"
#include "store/store_int.h"
#include "store/transactions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tally as the events make it: what migration 14 first wrote, and
 * what a repair writes again. */
#define TALLY_OF_EVENTS                                                                   \
    "SELECT substr(at, 1, 10) AS day, coalesce(channel, '') AS channel, kind, count(*) AS n" \
    "  FROM events GROUP BY 1, 2, 3"

/* Every (day, channel, kind) where the tally as it stands (rows at zero
 * are what erasure leaves) and the events disagree, the first with both
 * counts, and how many. */
#define TALLY_DIFF                                                                        \
    "WITH e AS (" TALLY_OF_EVENTS "),"                                                    \
    "     t AS (SELECT day, channel, kind, n FROM event_tally WHERE n <> 0),"             \
    "     d AS (SELECT day, channel, kind FROM (SELECT * FROM t EXCEPT SELECT * FROM e)"  \
    "           UNION SELECT day, channel, kind FROM (SELECT * FROM e EXCEPT SELECT * FROM t))" \
    "SELECT d.day, d.channel, d.kind, coalesce(t.n, 0), coalesce(e.n, 0), count(*) OVER ()" \
    "  FROM d LEFT JOIN t USING (day, channel, kind) LEFT JOIN e USING (day, channel, kind)" \
    " ORDER BY 1, 2, 3 LIMIT 1"

static int check_file(tl_store *st, bool full, tl_store_check *out, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, full ? "PRAGMA integrity_check" : "PRAGMA quick_check", -1,
                           &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "check the file");
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(s, 0);
        if (!text || strcmp(text, "ok") == 0)
            continue;
        /* A row may hold several lines, under a "*** in database main ***"
         * heading: one problem a line. */
        for (const char *line = text; *line;) {
            size_t len = strcspn(line, "\n");
            if (len && strncmp(line, "***", 3) != 0 && out->file_problems++ == 0)
                snprintf(out->file_first, sizeof out->file_first, "%.*s", (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
    sqlite3_finalize(s);
    /* A file too damaged to read is itself the finding. */
    if (step != SQLITE_DONE && out->file_problems == 0) {
        out->file_problems = 1;
        snprintf(out->file_first, sizeof out->file_first, "%s", sqlite3_errmsg(st->db));
    }
    return TL_OK;
}

static int check_orphans(tl_store *st, tl_store_check *out, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "check the foreign keys");
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (out->orphans++ == 0)
            snprintf(out->orphan_first, sizeof out->orphan_first,
                     "%s: a row refers to a missing %s row", sqlite3_column_text(s, 0),
                     sqlite3_column_text(s, 2));
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? TL_OK : tl__store_fail(st, err, "check the foreign keys");
}

/* A range of the primary key: IDs from "erased:" up to, not including,
 * "erased;" (the next character). */
static int check_reserved(tl_store *st, tl_store_check *out, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT count(*), min(id) FROM customers "
                           "WHERE id >= 'erased:' AND id < 'erased;'",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "check the customer IDs");
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && (out->reserved_ids = sqlite3_column_int64(s, 0)))
        snprintf(out->reserved_first, sizeof out->reserved_first, "%s",
                 sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    return step == SQLITE_ROW ? TL_OK : tl__store_fail(st, err, "check the customer IDs");
}

static int check_tally(tl_store *st, tl_store_check *out, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, TALLY_DIFF, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "check the event tally");
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const char *channel = (const char *)sqlite3_column_text(s, 1);
        out->tally_off = sqlite3_column_int64(s, 5);
        snprintf(out->tally_first, sizeof out->tally_first, "%s %s %s: tally %lld, events %lld",
                 sqlite3_column_text(s, 0), channel && *channel ? channel : "(no channel)",
                 sqlite3_column_text(s, 2), (long long)sqlite3_column_int64(s, 3),
                 (long long)sqlite3_column_int64(s, 4));
    }
    sqlite3_finalize(s);
    return step == SQLITE_ROW || step == SQLITE_DONE
               ? TL_OK
               : tl__store_fail(st, err, "check the event tally");
}

/* FTS5's check of an external-content index against its table: the
 * statement is an INSERT, run in a transaction rolled back after. */
static int check_search(tl_store *st, tl_store_check *out, tl_err *err)
{
    int rc = tl_store_begin(st, err);
    if (rc)
        return rc;
    char *msg = NULL;
    int src = sqlite3_exec(st->db,
                           "INSERT INTO customers_search(customers_search, rank) "
                           "VALUES('integrity-check', 1)",
                           NULL, NULL, &msg);
    out->search_ok = src == SQLITE_OK;
    /* Out of step is SQLITE_CORRUPT_VTAB; anything else did not check. */
    if (src != SQLITE_OK && (src & 0xff) != SQLITE_CORRUPT)
        rc = tl_err_set(err, TL_EDB, "%s: check the search index: %s", tl_store_path(st),
                        msg ? msg : sqlite3_errstr(src));
    sqlite3_free(msg);
    tl_store_rollback(st);
    return rc;
}

/* Each stored transaction summary against a sum of the transactions. */
static int check_summaries(tl_store *st, tl_store_check *out, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, TL__TXN_SUMMARY_SUBJECTS, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "check the transaction summaries");
    int step, rc = TL_OK;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        int state;
        if ((rc = tl_store_txn_summary_compare(st, id, &state, err)))
            break;
        if (state == TL_SUMMARY_MISSING)
            out->summaries_missing++;
        if (state == TL_SUMMARY_DIFFERS && out->summaries_off++ == 0)
            snprintf(out->summaries_first, sizeof out->summaries_first,
                     "%.60s: stored summary differs from the transactions", id);
    }
    if (!rc && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "check the transaction summaries");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_check_run(tl_store *st, bool full, tl_progress *progress, tl_store_check *out,
                       tl_err *err)
{
    static int (*const after_file[])(tl_store *, tl_store_check *, tl_err *) = {
        check_orphans, check_reserved, check_tally, check_search, check_summaries};
    _Static_assert(sizeof after_file / sizeof *after_file + 1 == TL_STORE_CHECK_PARTS,
                   "the file's check and the others are the parts counted");
    memset(out, 0, sizeof *out);
    out->full = full;
    int rc = check_file(st, full, out, err);
    /* The other checks read what the file holds: meaningless, and perhaps
     * harmful, once SQLite found it damaged. */
    size_t parts = sizeof after_file / sizeof *after_file;
    for (size_t i = 0; !rc && !out->file_problems && i < parts; i++) {
        if (progress)
            tl_progress_update(progress, i + 1);
        rc = after_file[i](st, out, err);
    }
    if (progress)
        tl_progress_end(progress, TL_STORE_CHECK_PARTS);
    if (out->file_problems)
        out->search_ok = false;
    return rc;
}

bool tl_store_check_ok(const tl_store_check *c)
{
    return !c->file_problems && !c->orphans && !c->reserved_ids && !c->tally_off &&
           c->search_ok && !c->summaries_off;
}

int tl_store_repair_derived(tl_store *st, tl_err *err)
{
    int rc = tl_store_begin(st, err);
    if (rc)
        return rc;
    char *msg = NULL;
    if (sqlite3_exec(st->db,
                     "DELETE FROM event_tally;"
                     "INSERT INTO event_tally " TALLY_OF_EVENTS ";"
                     "INSERT INTO customers_search(customers_search) VALUES('rebuild');",
                     NULL, NULL, &msg) != SQLITE_OK) {
        rc = tl_err_set(err, TL_EDB, "%s: rebuild the event tally and the search index: %s",
                        tl_store_path(st), msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        tl_store_rollback(st);
        return rc;
    }
    /* Every customer's transaction summary, stored anew where it differs
     * or is missing; one left without transactions loses its rows. */
    if ((rc = tl__store_txn_summaries_rebuild(st, err))) {
        tl_store_rollback(st);
        return rc;
    }
    return tl_store_commit(st, err);
}
