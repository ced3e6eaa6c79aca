/* audit.c — the audit table. */
#include "store/audit.h"
#include "store/store_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"

void tl_audit_link(const char *prev, long long id, const char *at, const char *subject_key,
                   const char *kind, const char *doc, char out[TL_SHA256_HEX_LEN + 1])
{
    /* Fields joined by newlines, none of which can hold one but the doc,
     * which comes last: the joined text reads back one way only. */
    tl_buf b;
    tl_buf_init(&b, (size_t)1 << 30);
    if (tl_buf_printf(&b, "tailor-audit-1\n%s\n%lld\n%s\n%s\n%s\n", prev, id, at, subject_key,
                      kind) ||
        tl_buf_puts(&b, doc))
        memset(out, 0, TL_SHA256_HEX_LEN + 1);   /* out of memory: matches no chain */
    else
        tl_sha256_hex(b.data, b.len, out);
    tl_buf_free(&b);
}

/* Now, UTC with milliseconds, as the table has always kept it. */
static void now_ms(char out[64])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000));
}

static int append_chained(tl_store *st, const char *subject, const char *subject_key,
                          const char *kind, const char *doc, long long *id_out, tl_err *err)
{
    sqlite3_stmt *last = tl__store_stmt(
        st, TL_STMT_AUDIT_LAST, "SELECT id, coalesce(chain,'') FROM audit ORDER BY id DESC LIMIT 1",
        err);
    if (!last)
        return TL_EDB;
    long long id = 1;
    char prev[TL_SHA256_HEX_LEN + 1] = "";
    int step = sqlite3_step(last);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(last, 0) + 1;
        const char *c = (const char *)sqlite3_column_text(last, 1);
        snprintf(prev, sizeof prev, "%s", c ? c : "");
    }
    sqlite3_reset(last);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return tl__store_fail(st, err, "read the last audit entry");
    char at[64], chain[TL_SHA256_HEX_LEN + 1];
    now_ms(at);
    tl_audit_link(prev, id, at, subject_key, kind, doc, chain);
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_AUDIT_APPEND,
        "INSERT INTO audit(id, at, subject, kind, doc, chain) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
        err);
    if (!s)
        return TL_EDB;
    sqlite3_bind_int64(s, 1, id);
    tl__bind_text(s, 2, at);
    tl__bind_text(s, 3, subject);
    tl__bind_text(s, 4, kind);
    tl__bind_text(s, 5, doc);
    tl__bind_text(s, 6, chain);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "append audit entry");
    sqlite3_reset(s);
    if (id_out)
        *id_out = id;
    return TL_OK;
}

int tl_store_audit_append(tl_store *st, const char *subject, const char *subject_key,
                          const char *kind, const char *doc, long long *id_out, tl_err *err)
{
    bool own = sqlite3_get_autocommit(st->db) != 0;
    int rc = own ? tl_store_begin(st, err) : TL_OK;
    if (rc)
        return rc;
    rc = append_chained(st, subject, subject_key, kind, doc, id_out, err);
    if (own && !rc)
        rc = tl_store_commit(st, err);
    if (own && rc)
        tl_store_rollback(st);
    return rc;
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

/* Steps s (id, at, subject, kind, doc[, chain]) through cb, then
 * finalizes it. */
static int each_row(tl_store *st, sqlite3_stmt *s, int (*cb)(void *ctx, const tl_audit_row *r),
                    void *ctx, tl_err *err)
{
    int rc = TL_OK, step;
    bool has_chain = sqlite3_column_count(s) > 5;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_audit_row r = {sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                          (const char *)sqlite3_column_text(s, 2),
                          (const char *)sqlite3_column_text(s, 3),
                          (const char *)sqlite3_column_text(s, 4),
                          has_chain ? (const char *)sqlite3_column_text(s, 5) : NULL};
        if (cb(ctx, &r))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read audit entries");
    sqlite3_finalize(s);
    return rc;
}

/* The number of entries matching q. */
static int count_entries(tl_store *st, const tl_audit_query *q, long long *n, tl_err *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM audit" AUDIT_WHERE, -1, &s, NULL) !=
        SQLITE_OK)
        return tl__store_fail(st, err, "count audit entries");
    bind_filter(s, q);
    int step = sqlite3_step(s);
    *n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return step == SQLITE_ROW ? TL_OK : tl__store_fail(st, err, "count audit entries");
}

int tl_store_audit_query(tl_store *st, const tl_audit_query *q,
                         int (*cb)(void *ctx, const tl_audit_row *r), void *ctx,
                         long long *total, tl_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = total ? count_entries(st, q, total, err) : TL_OK;
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT id, at, subject, kind, doc FROM audit" AUDIT_WHERE
                           " ORDER BY id DESC LIMIT ?4 OFFSET ?5",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read audit entries");
    bind_filter(s, q);
    sqlite3_bind_int64(s, 4, q->limit);
    sqlite3_bind_int64(s, 5, q->offset);
    return each_row(st, s, cb, ctx, err);
}

int tl_store_audit_each(tl_store *st, int (*cb)(void *ctx, const tl_audit_row *r), void *ctx,
                        long long *count, tl_err *err)
{
    sqlite3_stmt *s = NULL;
    const tl_audit_query all = {0};
    int rc = count ? count_entries(st, &all, count, err) : TL_OK;
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(st->db, "SELECT id, at, subject, kind, doc, chain FROM audit "
                           "ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read audit entries");
    return each_row(st, s, cb, ctx, err);
}
