/* audit.c — the audit table. */
#include "store/audit.h"
#include "store/store_int.h"

int tl_store_audit_append(tl_store *st, const char *subject, const char *kind, const char *doc,
                          long long *id_out, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_AUDIT_APPEND,
        "INSERT INTO audit(at, subject, kind, doc) "
        "VALUES(strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?1, ?2, ?3)",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, subject);
    tl__bind_text(s, 2, kind);
    tl__bind_text(s, 3, doc);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "append audit entry");
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(st->db);
    sqlite3_reset(s);
    return TL_OK;
}

#define AUDIT_WHERE                                                                    \
    " WHERE (?1 IS NULL OR subject=?1) AND (?2 IS NULL OR kind=?2) AND "               \
    "(?3 IS NULL OR at >= ?3)"

static void bind_filter(sqlite3_stmt *s, const tl_audit_query *q)
{
    tl__bind_text(s, 1, q->subject);
    tl__bind_text(s, 2, q->kind);
    tl__bind_text(s, 3, q->since);
}

int tl_store_audit_query(tl_store *st, const tl_audit_query *q,
                         int (*cb)(void *ctx, const tl_audit_row *r), void *ctx,
                         long long *total, tl_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = TL_OK, step;
    if (total) {
        if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM audit" AUDIT_WHERE, -1, &s,
                               NULL) != SQLITE_OK)
            return tl__store_fail(st, err, "count audit entries");
        bind_filter(s, q);
        step = sqlite3_step(s);
        *total = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        if (step != SQLITE_ROW)
            return tl__store_fail(st, err, "count audit entries");
    }
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, at, subject, kind, doc FROM audit" AUDIT_WHERE
                           " ORDER BY id DESC LIMIT ?4 OFFSET ?5",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read audit entries");
    bind_filter(s, q);
    sqlite3_bind_int64(s, 4, q->limit);
    sqlite3_bind_int64(s, 5, q->offset);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_audit_row r = {sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                          (const char *)sqlite3_column_text(s, 2),
                          (const char *)sqlite3_column_text(s, 3),
                          (const char *)sqlite3_column_text(s, 4)};
        if (cb(ctx, &r))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read audit entries");
    sqlite3_finalize(s);
    return rc;
}
