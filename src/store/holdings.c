/* holdings.c — holdings table. */
#include "store/holdings.h"
#include "store/store_int.h"

#include <math.h>

int tl_store_holding_upsert(tl_store *st, const tl_holding *h, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_HOLDING_UPSERT,
        "INSERT INTO holdings(customer_id, product_id, since, source) VALUES(?1,?2,?3,?4) "
        "ON CONFLICT(customer_id, product_id) DO UPDATE SET since=?3, source=?4 "
        "WHERE since IS NOT ?3 OR source IS NOT ?4",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, h->customer_id);
    tl__bind_text(s, 2, h->product_id);
    tl__bind_text(s, 3, h->since);
    tl__bind_text(s, 4, h->source ? h->source : "imported");
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write holding");
    return TL_OK;
}

int tl_store_holdings_each(tl_store *st, const char *customer_id,
                           int (*cb)(void *ctx, const tl_holding *h), void *ctx, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_HOLDINGS_GET,
                                     "SELECT h.customer_id, h.product_id, h.since, h.source, "
                                     "p.name, p.category FROM holdings h LEFT JOIN products p "
                                     "ON p.id = h.product_id WHERE h.customer_id=?1 "
                                     "ORDER BY h.product_id",
                                     err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_holding h = {(const char *)sqlite3_column_text(s, 0),
                        (const char *)sqlite3_column_text(s, 1),
                        (const char *)sqlite3_column_text(s, 2),
                        (const char *)sqlite3_column_text(s, 3),
                        (const char *)sqlite3_column_text(s, 4),
                        (const char *)sqlite3_column_text(s, 5)};
        if (cb(ctx, &h))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read holdings");
    sqlite3_reset(s);
    return rc;
}

int tl_store_holders_each(tl_store *st, const char *product_id,
                          int (*cb)(void *ctx, int age, const char *gender, double balance),
                          void *ctx, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT c.age, c.gender, c.balance FROM holdings h JOIN customers c "
                           "ON c.id = h.customer_id WHERE h.product_id = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read holders");
    tl__bind_text(s, 1, product_id);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 0),
               (const char *)sqlite3_column_text(s, 1),
               sqlite3_column_type(s, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 2)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read holders");
    sqlite3_finalize(s);
    return rc;
}
