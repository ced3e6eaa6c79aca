/* monthly.c — monthly totals table. */
#include "store/monthly.h"
#include "store/store_int.h"

#include <math.h>
#include <stdlib.h>

int tl_store_monthly_replace(tl_store *st, const char *customer_id, const tl_month_total *rows,
                             size_t n, const char *source, tl_err *err)
{
    /* Delete months no longer present, then upsert the rest only where they
     * differ, so an identical re-import writes nothing. */
    tl_month_total *old = NULL;
    size_t nold = 0;
    int rc = tl_store_monthly_get(st, customer_id, &old, &nold, err);
    if (rc)
        return rc;
    sqlite3_stmt *del = tl__store_stmt(
        st, TL_STMT_MONTHLY_DELETE, "DELETE FROM monthly WHERE customer_id=?1 AND month=?2", err);
    if (!del) {
        free(old);
        return TL_EDB;
    }
    for (size_t i = 0; i < nold; i++) {
        size_t j = 0;
        while (j < n && rows[j].month != old[i].month)
            j++;
        if (j < n)
            continue;
        sqlite3_reset(del);
        tl__bind_text(del, 1, customer_id);
        sqlite3_bind_int(del, 2, old[i].month);
        if (sqlite3_step(del) != SQLITE_DONE) {
            free(old);
            return tl__store_fail(st, err, "delete monthly total");
        }
    }
    free(old);
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_MONTHLY_INSERT,
        "INSERT INTO monthly(customer_id, month, total, count, source) VALUES(?1,?2,?3,?4,?5) "
        "ON CONFLICT(customer_id, month) DO UPDATE SET total=?3, count=?4, source=?5 "
        "WHERE total IS NOT ?3 OR count IS NOT ?4 OR source IS NOT ?5",
        err);
    if (!s)
        return TL_EDB;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(s);
        tl__bind_text(s, 1, customer_id);
        sqlite3_bind_int(s, 2, rows[i].month);
        sqlite3_bind_double(s, 3, rows[i].total);
        sqlite3_bind_int64(s, 4, rows[i].count);
        tl__bind_text(s, 5, source);
        if (sqlite3_step(s) != SQLITE_DONE)
            return tl__store_fail(st, err, "write monthly total");
    }
    sqlite3_reset(s);
    return TL_OK;
}

void tl_month_totals_settle(tl_month_total *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double micros = rows[i].total * 1e6;
        if (fabs(micros) < 9007199254740992.0)   /* 2^53: whole numbers exact */
            rows[i].total = nearbyint(micros) / 1e6;
    }
}

int tl_store_monthly_get(tl_store *st, const char *customer_id, tl_month_total **rows,
                         size_t *n, tl_err *err)
{
    *rows = NULL;
    *n = 0;
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_MONTHLY_GET,
        "SELECT month, total, count FROM monthly WHERE customer_id=?1 ORDER BY month", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            tl_month_total *p = realloc(*rows, cap * sizeof *p);
            if (!p) {
                free(*rows);
                *rows = NULL;
                *n = 0;
                sqlite3_reset(s);
                return tl_err_set(err, TL_ENOMEM, "out of memory reading monthly totals");
            }
            *rows = p;
        }
        (*rows)[*n].month = sqlite3_column_int(s, 0);
        (*rows)[*n].total = sqlite3_column_double(s, 1);
        (*rows)[*n].count = sqlite3_column_int64(s, 2);
        (*n)++;
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE) {
        free(*rows);
        *rows = NULL;
        *n = 0;
        return tl__store_fail(st, err, "read monthly totals");
    }
    return TL_OK;
}
