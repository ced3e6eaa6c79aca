/* bulk.c — change-reporting upserts for imports (see bulk.h). */
#include "store/bulk.h"
#include "store/store_int.h"

long long tl_store_changes_total(tl_store *st)
{
    return (long long)sqlite3_total_changes64(st->db);
}

int tl_store_txn_put(tl_store *st, const tl_txn *t, bool *changed, tl_err *err)
{
    /* The WHERE makes an identical row a no-op: no page is dirtied and
     * sqlite3_changes() stays 0. */
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_BULK_TXN_PUT,
        "INSERT INTO transactions(customer_id, txn_id, day, month, amount, direction, currency,"
        " category, merchant, payment_mode) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
        "ON CONFLICT(customer_id, txn_id) DO UPDATE SET day=?3, month=?4, amount=?5, "
        "direction=?6, currency=?7, category=?8, merchant=?9, payment_mode=?10 "
        "WHERE day IS NOT ?3 OR month IS NOT ?4 OR amount IS NOT ?5 OR direction IS NOT ?6 "
        "OR currency IS NOT ?7 OR category IS NOT ?8 OR merchant IS NOT ?9 "
        "OR payment_mode IS NOT ?10",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, t->customer_id);
    tl__bind_text(s, 2, t->txn_id);
    tl__bind_text(s, 3, t->day);
    sqlite3_bind_int(s, 4, t->month);
    sqlite3_bind_double(s, 5, t->amount);
    sqlite3_bind_int(s, 6, t->direction);
    tl__bind_text(s, 7, t->currency);
    tl__bind_text(s, 8, t->category);
    tl__bind_text(s, 9, t->merchant);
    tl__bind_text(s, 10, t->payment_mode);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write transaction");
    if (changed)
        *changed = sqlite3_changes(st->db) > 0;
    return TL_OK;
}

int tl_store_txn_touch(tl_store *st, const char *customer_id, tl_err *err)
{
    /* Same temp table as transactions.c uses, created on first need. */
    if (!st->touched_ready) {
        if (sqlite3_exec(st->db, "CREATE TEMP TABLE IF NOT EXISTS touched(id TEXT PRIMARY KEY)",
                         NULL, NULL, NULL) != SQLITE_OK)
            return tl__store_fail(st, err, "create touched table");
        st->touched_ready = 1;
    }
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_BULK_TXN_TOUCH,
                                     "INSERT OR IGNORE INTO temp.touched(id) VALUES(?1)", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "mark customer for monthly totals");
    return TL_OK;
}

int tl_store_monthly_put(tl_store *st, const char *customer_id, const tl_month_total *row,
                         const char *source, bool *changed, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_BULK_MONTHLY_PUT,
        "INSERT INTO monthly(customer_id, month, total, count, source) VALUES(?1,?2,?3,?4,?5) "
        "ON CONFLICT(customer_id, month) DO UPDATE SET total=?3, count=?4, source=?5 "
        "WHERE total IS NOT ?3 OR count IS NOT ?4 OR source IS NOT ?5",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    sqlite3_bind_int(s, 2, row->month);
    sqlite3_bind_double(s, 3, row->total);
    sqlite3_bind_int64(s, 4, row->count);
    tl__bind_text(s, 5, source);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write monthly total");
    if (changed)
        *changed = sqlite3_changes(st->db) > 0;
    return TL_OK;
}
