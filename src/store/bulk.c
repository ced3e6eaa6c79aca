/* bulk.c — change-reporting upserts for imports (see bulk.h). */
#include "store/bulk.h"
#include "store/store_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* Month indexes a transaction can have: years 1900..2999 (base/month.h). */
#define MONTH_FIRST (1900 * 12)
#define MONTH_SPAN (1100 * 12)

typedef struct month_acc {
    double *sum;
    int64_t *count;
    int *used;        /* slots touched for the current customer */
    size_t nused;
} month_acc;

/* Writes one customer's accumulated months and clears them. */
static int flush_customer(tl_store *st, sqlite3_stmt *ins, const char *customer, month_acc *a,
                          tl_err *err)
{
    for (size_t i = 0; i < a->nused; i++) {
        int slot = a->used[i];
        sqlite3_reset(ins);
        tl__bind_text(ins, 1, customer);
        sqlite3_bind_int(ins, 2, slot + MONTH_FIRST);
        sqlite3_bind_double(ins, 3, a->sum[slot]);
        sqlite3_bind_int64(ins, 4, a->count[slot]);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return tl__store_fail(st, err, "write monthly total");
        a->sum[slot] = 0;
        a->count[slot] = 0;
    }
    a->nused = 0;
    return TL_OK;
}

int tl_store_monthly_rebuild_touched(tl_store *st, tl_err *err)
{
    if (!st->touched_ready)
        return TL_OK;   /* no transaction written on this connection */
    int rc = TL_OK;
    sqlite3_stmt *scan = NULL, *ins = NULL;
    char *customer = NULL;
    month_acc a = {calloc(MONTH_SPAN, sizeof(double)), calloc(MONTH_SPAN, sizeof(int64_t)),
                   malloc(MONTH_SPAN * sizeof(int)), 0};
    if (!a.sum || !a.count || !a.used) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory rebuilding monthly totals");
        goto cleanup;
    }
    if (sqlite3_exec(st->db, "DELETE FROM monthly WHERE customer_id IN (SELECT id FROM temp.touched)",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = tl__store_fail(st, err, "clear monthly totals");
        goto cleanup;
    }
    /* Touched customers in key order, each one's debits by primary key:
     * one seek per customer, rows grouped by customer. */
    if (sqlite3_prepare_v2(st->db,
                           "SELECT t.customer_id, t.month, t.amount FROM temp.touched AS c "
                           "JOIN transactions AS t ON t.customer_id = c.id "
                           "WHERE t.direction < 0 ORDER BY c.id",
                           -1, &scan, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db,
                           "INSERT INTO monthly(customer_id, month, total, count, source) "
                           "VALUES(?1,?2,?3,?4,'computed')",
                           -1, &ins, NULL) != SQLITE_OK) {
        rc = tl__store_fail(st, err, "rebuild monthly totals");
        goto cleanup;
    }
    int step;
    while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(scan, 0);
        if (!id)
            continue;
        if (!customer || strcmp(customer, id) != 0) {
            if (customer && (rc = flush_customer(st, ins, customer, &a, err)))
                goto cleanup;
            free(customer);
            if (!(customer = strdup(id))) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory rebuilding monthly totals");
                goto cleanup;
            }
        }
        int slot = sqlite3_column_int(scan, 1) - MONTH_FIRST;
        if (slot < 0 || slot >= MONTH_SPAN) {
            rc = tl_err_set(err, TL_EINTERNAL, "%s: transaction of customer %.64s has month "
                                               "index %d out of range", st->path, id,
                            slot + MONTH_FIRST);
            goto cleanup;
        }
        if (a.count[slot] == 0)
            a.used[a.nused++] = slot;
        a.sum[slot] += sqlite3_column_double(scan, 2);
        a.count[slot]++;
    }
    if (step != SQLITE_DONE) {
        rc = tl__store_fail(st, err, "rebuild monthly totals");
        goto cleanup;
    }
    if (customer && (rc = flush_customer(st, ins, customer, &a, err)))
        goto cleanup;
    if (sqlite3_exec(st->db, "DELETE FROM temp.touched", NULL, NULL, NULL) != SQLITE_OK)
        rc = tl__store_fail(st, err, "clear touched customers");
cleanup:
    sqlite3_finalize(scan);
    sqlite3_finalize(ins);
    free(customer);
    free(a.sum);
    free(a.count);
    free(a.used);
    return rc;
}
