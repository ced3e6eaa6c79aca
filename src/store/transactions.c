/* transactions.c — raw transactions table. */
#include "store/transactions.h"
#include "store/store_int.h"

#include <string.h>

/* The customer's (?1) rows: one id range, their owner key times 2^32
 * (bulk.h). Each subquery runs once, so this is a range scan. */
#define TXN_OF_CUSTOMER                                                                   \
    " WHERE id >= (SELECT key FROM txn_owners WHERE customer_id=?1) * 4294967296"          \
    " AND id < (SELECT key + 1 FROM txn_owners WHERE customer_id=?1) * 4294967296"

int tl_store_txns_each(tl_store *st, const char *customer_id, int limit,
                       int (*cb)(void *ctx, const tl_txn *t), void *ctx, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st,
                                       "SELECT customer_id, txn_id, day, month, amount, direction,"
                                       " currency, category, merchant, payment_mode FROM"
                                       " transactions" TXN_OF_CUSTOMER
                                       " ORDER BY day DESC, txn_id LIMIT ?2",
                                       &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    sqlite3_bind_int(s, 2, limit);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_txn t = {
            .customer_id = (const char *)sqlite3_column_text(s, 0),
            .txn_id = (const char *)sqlite3_column_text(s, 1),
            .day = (const char *)sqlite3_column_text(s, 2),
            .month = sqlite3_column_int(s, 3),
            .amount = sqlite3_column_double(s, 4),
            .direction = sqlite3_column_int(s, 5),
            .currency = (const char *)sqlite3_column_text(s, 6),
            .category = (const char *)sqlite3_column_text(s, 7),
            .merchant = (const char *)sqlite3_column_text(s, 8),
            .payment_mode = (const char *)sqlite3_column_text(s, 9),
        };
        if (cb(ctx, &t))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list transactions");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_txn_breakdown(tl_store *st, const char *customer_id, tl_txn_group by, int limit,
                           int (*cb)(void *ctx, const char *key, double total, long long count),
                           void *ctx, tl_err *err)
{
    const char *sql = by == TL_TXN_BY_CATEGORY
                          ? "SELECT coalesce(category,'Other'), sum(amount), count(*) FROM "
                            "transactions" TXN_OF_CUSTOMER " AND direction<0 GROUP BY 1 "
                            "ORDER BY 2 DESC LIMIT ?2"
                          : "SELECT coalesce(payment_mode,'Other'), sum(amount), count(*) FROM "
                            "transactions" TXN_OF_CUSTOMER " AND direction<0 GROUP BY 1 "
                            "ORDER BY 3 DESC LIMIT ?2";
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, sql, &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    sqlite3_bind_int(s, 2, limit);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_double(s, 1),
               sqlite3_column_int64(s, 2)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "group transactions");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_txn_flows(tl_store *st, const char *customer_id,
                       int (*cb)(void *ctx, int month, double credits, double debits),
                       void *ctx, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, "SELECT month, sum(CASE WHEN direction>0 THEN amount ELSE 0 END),"
                           " sum(CASE WHEN direction<0 THEN amount ELSE 0 END) FROM transactions"
                           TXN_OF_CUSTOMER " GROUP BY month ORDER BY month", &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, sqlite3_column_int(s, 0), sqlite3_column_double(s, 1),
               sqlite3_column_double(s, 2)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "sum transactions per month");
    tl__store_release(s, owned);
    return rc;
}
