/* scored.c — the scored table. */
#include "store/scored.h"
#include "store/store_int.h"

int tl_store_scored_replace(tl_store *st, const char *customer_id, const tl_scored_row *rows,
                            size_t n, tl_err *err)
{
    sqlite3_stmt *d = tl__store_stmt(st, TL_STMT_SCORED_DELETE,
                                     "DELETE FROM scored WHERE customer_id=?1", err);
    if (!d)
        return TL_EDB;
    tl__bind_text(d, 1, customer_id);
    if (sqlite3_step(d) != SQLITE_DONE)
        return tl__store_fail(st, err, "clear scored rows");
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_SCORED_INSERT,
        "INSERT INTO scored(customer_id, rank, product_id, score, reasons, scored_at) "
        "VALUES(?1,?2,?3,?4,?5,strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
        err);
    if (!s)
        return TL_EDB;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(s);
        tl__bind_text(s, 1, customer_id);
        sqlite3_bind_int(s, 2, rows[i].rank);
        tl__bind_text(s, 3, rows[i].product_id);
        sqlite3_bind_double(s, 4, rows[i].score);
        tl__bind_text(s, 5, rows[i].reasons);
        if (sqlite3_step(s) != SQLITE_DONE)
            return tl__store_fail(st, err, "write scored row");
    }
    sqlite3_reset(s);
    return TL_OK;
}

int tl_store_scored_each(tl_store *st,
                         int (*cb)(void *ctx, const char *customer_id, const tl_scored_row *r,
                                   const char *scored_at),
                         void *ctx, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT customer_id, rank, product_id, score, reasons, scored_at "
                           "FROM scored ORDER BY customer_id, rank",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read scored rows");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_scored_row r = {sqlite3_column_int(s, 1), (const char *)sqlite3_column_text(s, 2),
                           sqlite3_column_double(s, 3), (const char *)sqlite3_column_text(s, 4)};
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0), &r,
               (const char *)sqlite3_column_text(s, 5)))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read scored rows");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_customer_ids(tl_store *st, long long offset, long long limit,
                          int (*cb)(void *ctx, const char *id), void *ctx, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT id FROM customers ORDER BY rowid LIMIT ?1 OFFSET ?2",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "list customer ids");
    sqlite3_bind_int64(s, 1, limit);
    sqlite3_bind_int64(s, 2, offset);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list customer ids");
    sqlite3_finalize(s);
    return rc;
}
