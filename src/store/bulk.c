/* bulk.c — change-reporting upserts for imports (see bulk.h). */
#include "store/bulk.h"
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RANGE ((int64_t)1 << 32)   /* ids per owner key */

/* The cached statement `id`, prepared on first use. Unlike
 * tl__store_stmt it neither resets nor clears bindings: callers bind every
 * parameter and reset after each step, per row of a million-row import. */
static sqlite3_stmt *bulk_stmt(tl_store *st, enum tl__stmt_id id, const char *sql, tl_err *err)
{
    if (st->stmts[id])
        return st->stmts[id];
    return tl__store_stmt(st, id, sql, err);
}

int tl_store_bulk_cache(tl_store *st, uint64_t bytes, tl_err *err)
{
    uint64_t kib = bytes / 1024 * 2;
    if (kib < 65536)
        kib = 65536;
    if (kib > ((uint64_t)1 << 20))
        kib = (uint64_t)1 << 20;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%llu", (unsigned long long)kib);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "size the page cache");
    return TL_OK;
}

int tl_store_bulk_cache_append(tl_store *st, tl_err *err)
{
    if (sqlite3_exec(st->db, "PRAGMA cache_size=-16384", NULL, NULL, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "size the page cache");
    return TL_OK;
}

int tl_store_txn_ids_each(tl_store *st, int64_t key,
                          int (*cb)(void *ctx, const char *txn_id, size_t len), void *ctx,
                          tl_err *err)
{
    tl_store_txn_same_end(st);   /* one read at a time on the bulk statements */
    int owned;
    sqlite3_stmt *s = tl__store_cached(
        st, "SELECT txn_id FROM transactions WHERE id >= ?1 AND id < ?2 ORDER BY id", &owned, err);
    if (!s)
        return TL_EDB;
    sqlite3_bind_int64(s, 1, key * RANGE);
    sqlite3_bind_int64(s, 2, (key + 1) * RANGE);
    int step = SQLITE_DONE, rc = TL_OK;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW)
        rc = cb(ctx, (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    if (!rc && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read transactions");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_txn_max_id(tl_store *st, int64_t *id, tl_err *err)
{
    long long top;
    int rc = tl__store_scalar(st, "SELECT max(id) FROM transactions", &top, "look up transactions",
                              err);
    *id = rc ? 0 : (int64_t)top;
    return rc;
}

long long tl_store_changes_total(tl_store *st)
{
    return (long long)sqlite3_total_changes64(st->db);
}

int64_t tl_store_txn_home(int64_t key, const char *txn_id, size_t len)
{
    /* FNV-1a, then a finalising mix so that IDs differing only in their
     * last characters spread over the whole slot range. */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)txn_id[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return key * RANGE + (int64_t)(h & 0x7fffffffULL);
}

int tl_store_txn_owner(tl_store *st, const char *customer_id, int64_t *key, bool *fresh,
                       tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_BULK_OWNER_GET,
                                     "SELECT key FROM txn_owners WHERE customer_id=?1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *key = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        sqlite3_stmt *r = tl__store_stmt(
            st, TL_STMT_BULK_OWNER_ROWS,
            "SELECT 1 FROM transactions WHERE id >= ?1 AND id < ?2 LIMIT 1", err);
        if (!r)
            return TL_EDB;
        sqlite3_bind_int64(r, 1, *key * RANGE);
        sqlite3_bind_int64(r, 2, (*key + 1) * RANGE);
        step = sqlite3_step(r);
        sqlite3_reset(r);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return tl__store_fail(st, err, "look up transactions");
        *fresh = step == SQLITE_DONE;
        return TL_OK;
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "look up transaction owner");
    s = tl__store_stmt(st, TL_STMT_BULK_OWNER_ADD,
                       "INSERT INTO txn_owners(customer_id) VALUES(?1)", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "add transaction owner");
    *key = sqlite3_last_insert_rowid(st->db);
    /* Ids must stay positive 64-bit integers. */
    if (*key <= 0 || *key >= ((int64_t)1 << 31))
        return tl_err_set(err, TL_EDB, "%s: out of transaction owner keys", st->path);
    *fresh = true;
    return TL_OK;
}

/* Binds the transaction's columns as ?p+1..?p+10 (the id is ?p). */
static void bind_txn_at(sqlite3_stmt *s, int p, const tl_txn *t)
{
    tl__bind_textn(s, p + 1, t->customer_id, t->len.customer_id);
    tl__bind_textn(s, p + 2, t->txn_id, t->len.txn_id);
    tl__bind_textn(s, p + 3, t->day, 0);
    sqlite3_bind_int(s, p + 4, t->month);
    sqlite3_bind_double(s, p + 5, t->amount);
    sqlite3_bind_int(s, p + 6, t->direction);
    tl__bind_textn(s, p + 7, t->currency, t->len.currency);
    tl__bind_textn(s, p + 8, t->category, t->len.category);
    tl__bind_textn(s, p + 9, t->merchant, t->len.merchant);
    tl__bind_textn(s, p + 10, t->payment_mode, t->len.payment_mode);
}

/* Steps an INSERT of the transaction at `id`: 0 done, 1 slot taken. */
static int insert_at(tl_store *st, int64_t id, const tl_txn *t, tl_err *err)
{
    tl_store_txn_same_end(st);   /* no read in flight across a write */
    sqlite3_stmt *s = bulk_stmt(
        st, TL_STMT_BULK_TXN_INSERT,
        "INSERT INTO transactions(id, customer_id, txn_id, day, month, amount, direction,"
        " currency, category, merchant, payment_mode) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
        err);
    if (!s)
        return TL_EDB;
    sqlite3_bind_int64(s, 1, id);
    bind_txn_at(s, 1, t);
    int step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step == SQLITE_DONE)
        return 0;
    if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
        return 1;
    return tl__store_fail(st, err, "write transaction");
}

/* Probing never leaves the owner's range: homes use 31 of its 32 bits. */
static int next_slot(tl_store *st, int64_t *id, tl_err *err)
{
    if ((++*id & (RANGE - 1)) == 0)
        return tl_err_set(err, TL_EDB, "%s: a customer's transaction range is full", st->path);
    return TL_OK;
}

int tl_store_txn_insert_many(tl_store *st, const int64_t *ids, const tl_txn *t, tl_err *err)
{
    tl_store_txn_same_end(st);   /* no read in flight across a write */
    sqlite3_stmt *s = st->stmts[TL_STMT_BULK_TXN_INSERT_MANY];
    if (!s) {
        /* INSERT … VALUES (?,…),(?,…),… with TL_TXN_CHUNK rows. */
        char sql[64 + 11 * 5 * TL_TXN_CHUNK + 16];
        size_t k = (size_t)snprintf(sql, sizeof sql, "INSERT INTO transactions(id, customer_id,"
                                    " txn_id, day, month, amount, direction, currency, category,"
                                    " merchant, payment_mode) VALUES");
        for (int r = 0; r < TL_TXN_CHUNK; r++)
            k += (size_t)snprintf(sql + k, sizeof sql - k, "%s(?,?,?,?,?,?,?,?,?,?,?)",
                                  r ? "," : "");
        if (!(s = tl__store_stmt(st, TL_STMT_BULK_TXN_INSERT_MANY, sql, err)))
            return TL_EDB;
    }
    for (int r = 0; r < TL_TXN_CHUNK; r++) {
        int p = r * 11;
        const tl_txn *x = &t[r];
        sqlite3_bind_int64(s, p + 1, ids[r]);
        bind_txn_at(s, p + 1, x);
    }
    int step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step == SQLITE_DONE)
        return 0;
    if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
        return 1;   /* the statement is undone whole */
    return tl__store_fail(st, err, "write transactions");
}

int tl_store_txn_insert(tl_store *st, int64_t home, const tl_txn *t, int64_t *id,
                        tl_err *err)
{
    for (*id = home;;) {
        int rc = insert_at(st, *id, t, err);
        if (rc <= 0)
            return rc;
        if ((rc = next_slot(st, id, err)))
            return rc;
    }
}

static bool text_is(sqlite3_stmt *s, int col, const char *v)
{
    const char *c = (const char *)sqlite3_column_text(s, col);
    if (!c || !v)
        return !c && !v;
    return strcmp(c, v) == 0;
}

/* True when the row `get` is on (columns as TL_STMT_BULK_TXN_GET's, from
 * `col`) holds exactly the transaction t; *same_id tells whether at least
 * its txn_id matches. */
static bool row_is(sqlite3_stmt *get, int col, const tl_txn *t, bool *same_id)
{
    *same_id = text_is(get, col, t->txn_id);
    return *same_id && text_is(get, col + 1, t->day) &&
           sqlite3_column_int(get, col + 2) == t->month &&
           sqlite3_column_double(get, col + 3) == t->amount &&
           sqlite3_column_int(get, col + 4) == t->direction &&
           text_is(get, col + 5, t->currency) && text_is(get, col + 6, t->category) &&
           text_is(get, col + 7, t->merchant) && text_is(get, col + 8, t->payment_mode) &&
           text_is(get, col + 9, t->customer_id);
}

/* Moves the scan to the first row with id >= home: steps forward when it
 * is a few rows short of it, else seeks anew. Returns SQLITE_ROW (a row
 * is current), SQLITE_DONE (none left) or an error code. */
#define SCAN_STEPS 16
static int scan_to(tl_store *st, int64_t home)
{
    sqlite3_stmt *s = st->stmts[TL_STMT_BULK_TXN_SCAN];
    if (st->scan_valid && st->scan_id <= home) {
        for (int i = 0; i < SCAN_STEPS && st->scan_id < home; i++) {
            int step = sqlite3_step(s);
            if (step != SQLITE_ROW) {
                st->scan_valid = 0;
                sqlite3_reset(s);
                return step;
            }
            st->scan_id = sqlite3_column_int64(s, 0);
        }
        if (st->scan_id >= home)
            return SQLITE_ROW;
    }
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, home);
    int step = sqlite3_step(s);
    st->scan_valid = step == SQLITE_ROW;
    if (step == SQLITE_ROW)
        st->scan_id = sqlite3_column_int64(s, 0);
    else
        sqlite3_reset(s);
    return step;
}

int tl_store_txn_same(tl_store *st, int64_t home, const tl_txn *t, bool *same, tl_err *err)
{
    if (!bulk_stmt(st, TL_STMT_BULK_TXN_SCAN,
                   "SELECT id, txn_id, day, month, amount, direction, currency, category,"
                   " merchant, payment_mode, customer_id FROM transactions WHERE id >= ?1"
                   " ORDER BY id",
                   err))
        return TL_EDB;
    *same = false;
    int step = scan_to(st, home);
    if (step == SQLITE_DONE)
        return TL_OK;
    if (step != SQLITE_ROW)
        return tl__store_fail(st, err, "look up transactions");
    bool same_id;
    if (st->scan_id == home)
        *same = row_is(st->stmts[TL_STMT_BULK_TXN_SCAN], 1, t, &same_id);
    return TL_OK;
}

void tl_store_txn_same_end(tl_store *st)
{
    if (st->stmts[TL_STMT_BULK_TXN_SCAN])
        sqlite3_reset(st->stmts[TL_STMT_BULK_TXN_SCAN]);
    st->scan_valid = 0;
}

int tl_store_txn_upsert(tl_store *st, int64_t home, const tl_txn *t, bool *changed,
                        tl_err *err)
{
    sqlite3_stmt *get = bulk_stmt(
        st, TL_STMT_BULK_TXN_GET,
        "SELECT txn_id, day, month, amount, direction, currency, category, merchant,"
        " payment_mode, customer_id FROM transactions WHERE id=?1",
        err);
    if (!get)
        return TL_EDB;
    int64_t id = home;
    int rc;
    *changed = true;
    for (;;) {
        sqlite3_reset(get);
        sqlite3_bind_int64(get, 1, id);
        int step = sqlite3_step(get);
        if (step == SQLITE_DONE)
            break;   /* a free slot: the transaction is new */
        if (step != SQLITE_ROW) {
            rc = tl__store_fail(st, err, "look up transaction");
            sqlite3_reset(get);
            return rc;
        }
        bool same_id, same = row_is(get, 0, t, &same_id);
        if (!same_id) {
            if ((rc = next_slot(st, &id, err))) {
                sqlite3_reset(get);
                return rc;
            }
            continue;
        }
        sqlite3_reset(get);
        if (same) {
            *changed = false;
            return TL_OK;
        }
        tl_store_txn_same_end(st);
        sqlite3_stmt *up = bulk_stmt(
            st, TL_STMT_BULK_TXN_UPDATE,
            "UPDATE transactions SET customer_id=?2, txn_id=?3, day=?4, month=?5, amount=?6,"
            " direction=?7, currency=?8, category=?9, merchant=?10, payment_mode=?11"
            " WHERE id=?1",
            err);
        if (!up)
            return TL_EDB;
        sqlite3_bind_int64(up, 1, id);
        bind_txn_at(up, 1, t);
        step = sqlite3_step(up);
        sqlite3_reset(up);
        return step == SQLITE_DONE ? TL_OK : tl__store_fail(st, err, "update transaction");
    }
    sqlite3_reset(get);
    rc = insert_at(st, id, t, err);
    if (rc == 1)   /* cannot happen: the slot was free a moment ago */
        rc = tl_err_set(err, TL_EINTERNAL, "%s: transaction slot taken", st->path);
    return rc;
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

int tl_store_monthly_rebuild(tl_store *st, const char *customer_id, int64_t key, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT month, amount FROM transactions WHERE id >= ?1 AND id < ?2"
                           " AND direction < 0",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "rebuild monthly totals");
    sqlite3_bind_int64(s, 1, key * RANGE);
    sqlite3_bind_int64(s, 2, (key + 1) * RANGE);
    tl_month_total *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = TL_OK, step;
    /* A customer has few distinct months: a linear search is enough. */
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int month = sqlite3_column_int(s, 0);
        size_t i = 0;
        while (i < n && rows[i].month != month)
            i++;
        if (i == n) {
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                tl_month_total *p = realloc(rows, cap * sizeof *p);
                if (!p) {
                    rc = tl_err_set(err, TL_ENOMEM, "out of memory rebuilding monthly totals");
                    goto done;
                }
                rows = p;
            }
            rows[n++] = (tl_month_total){month, 0, 0};
        }
        rows[i].total += sqlite3_column_double(s, 1);
        rows[i].count++;
    }
    if (step != SQLITE_DONE) {
        rc = tl__store_fail(st, err, "rebuild monthly totals");
        goto done;
    }
    tl_month_totals_settle(rows, n);
    rc = tl_store_monthly_replace(st, customer_id, rows, n, "computed", err);
done:
    sqlite3_finalize(s);
    free(rows);
    return rc;
}
