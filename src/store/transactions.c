/* transactions.c — raw transactions table. */
#include "store/transactions.h"
#include "store/store_int.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
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

/* Appends a new group with a copy of key to items[0..*n) (room *cap). */
static int group_push(tl_txn_group_total **items, size_t *n, size_t *cap, const char *key,
                      double total, long long count)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        tl_txn_group_total *p = realloc(*items, nc * sizeof *p);
        if (!p)
            return TL_ENOMEM;
        *items = p;
        *cap = nc;
    }
    char *copy = strdup(key);
    if (!copy)
        return TL_ENOMEM;
    (*items)[(*n)++] = (tl_txn_group_total){copy, total, count};
    return TL_OK;
}

/* Adds amount to key's group. A customer has a few categories and payment
 * modes, so a key is found by a linear search. */
static int group_add(tl_txn_group_total **items, size_t *n, size_t *cap, const char *key,
                     double amount)
{
    if (!key)
        key = "Other";
    for (size_t i = 0; i < *n; i++) {
        tl_txn_group_total *g = &(*items)[i];
        if (g->key[0] == key[0] && strcmp(g->key, key) == 0) {
            g->total += amount;
            g->count++;
            return TL_OK;
        }
    }
    return group_push(items, n, cap, key, amount, 1);
}

/* Ties go in reverse key order: what the store's SQL ordering gave before
 * these sums were made in one pass, so answers did not change. */
static int by_total_desc(const void *a, const void *b)
{
    const tl_txn_group_total *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    return strcmp(y->key, x->key);
}

static int by_count_desc(const void *a, const void *b)
{
    const tl_txn_group_total *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(y->key, x->key);
}

static int by_month(const void *a, const void *b)
{
    const tl_txn_month_flow *x = a, *y = b;
    return (x->month > y->month) - (x->month < y->month);
}

/* Appends a month. */
static int month_push(tl_txn_summary *s, const tl_txn_month_flow *m)
{
    if (s->n_months == s->cap_months) {
        size_t nc = s->cap_months ? s->cap_months * 2 : 32;
        tl_txn_month_flow *p = realloc(s->months, nc * sizeof *p);
        if (!p)
            return TL_ENOMEM;
        s->months = p;
        s->cap_months = nc;
    }
    s->months[s->n_months++] = *m;
    return TL_OK;
}

/* Adds one transaction's amount to its month. A customer has a few dozen
 * months: a linear search, from the month added last. */
static int month_add(tl_txn_summary *s, int month, double amount, int direction)
{
    size_t i = s->n_months;
    while (i > 0 && s->months[i - 1].month != month)
        i--;
    if (i == 0) {
        tl_txn_month_flow fresh = {month, 0, 0, 0};
        int rc = month_push(s, &fresh);
        if (rc)
            return rc;
        i = s->n_months;
    }
    tl_txn_month_flow *m = &s->months[i - 1];
    m->count++;
    if (direction > 0)
        m->credits += amount;
    else if (direction < 0)
        m->debits += amount;
    return TL_OK;
}

int tl_txn_summary_add(tl_txn_summary *s, int month, double amount, int direction,
                       const char *category, const char *payment_mode)
{
    int rc = month_add(s, month, amount, direction);
    if (!rc && direction < 0 &&
        !(rc = group_add(&s->categories, &s->n_categories, &s->cap_categories, category,
                         amount)))
        rc = group_add(&s->payment_modes, &s->n_payment_modes, &s->cap_payment_modes,
                       payment_mode, amount);
    return rc;
}

void tl_txn_summary_order(tl_txn_summary *out)
{
    if (out->n_categories)
        qsort(out->categories, out->n_categories, sizeof *out->categories, by_total_desc);
    if (out->n_payment_modes)
        qsort(out->payment_modes, out->n_payment_modes, sizeof *out->payment_modes,
              by_count_desc);
    if (out->n_months)
        qsort(out->months, out->n_months, sizeof *out->months, by_month);
}

/* The summary computed from the customer's transactions. */
static int summary_scan(tl_store *st, const char *customer_id, tl_txn_summary *out,
                        tl_err *err)
{
    memset(out, 0, sizeof *out);
    int owned;
    sqlite3_stmt *s = tl__store_cached(st,
                                       "SELECT month, amount, direction, category, payment_mode"
                                       " FROM transactions" TXN_OF_CUSTOMER " ORDER BY id",
                                       &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step = SQLITE_DONE, rc = TL_OK;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int direction = sqlite3_column_int(s, 2);
        /* Category and payment mode are read for debits only. */
        rc = tl_txn_summary_add(out, sqlite3_column_int(s, 0), sqlite3_column_double(s, 1),
                                direction,
                                direction < 0 ? (const char *)sqlite3_column_text(s, 3) : NULL,
                                direction < 0 ? (const char *)sqlite3_column_text(s, 4) : NULL);
    }
    if (rc)
        tl_err_set(err, rc, "out of memory summing transactions");
    else if (step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "sum transactions");
    tl__store_release(s, owned);
    if (rc)
        return rc;
    tl_txn_summary_order(out);
    return TL_OK;
}

/* Rows of txn_summary (migration 15). */
enum { SUMMARY_CATEGORY, SUMMARY_PAYMENT_MODE, SUMMARY_MONTH };

/* The summary an import stored; *found false when it stored none. */
static int summary_read(tl_store *st, const char *customer_id, tl_txn_summary *out,
                        bool *found, tl_err *err)
{
    memset(out, 0, sizeof *out);
    *found = false;
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_TXN_SUMMARY_GET,
                                     "SELECT kind, key, month, debits, credits, count"
                                     " FROM txn_summary WHERE customer_id=?1",
                                     err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step = SQLITE_DONE, rc = TL_OK;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        *found = true;
        int kind = sqlite3_column_int(s, 0);
        const char *key = (const char *)sqlite3_column_text(s, 1);
        double debits = sqlite3_column_double(s, 3);
        long long count = sqlite3_column_int64(s, 5);
        if (kind == SUMMARY_CATEGORY) {
            rc = group_push(&out->categories, &out->n_categories, &out->cap_categories,
                            key ? key : "", debits, count);
        } else if (kind == SUMMARY_PAYMENT_MODE) {
            rc = group_push(&out->payment_modes, &out->n_payment_modes,
                            &out->cap_payment_modes, key ? key : "", debits, count);
        } else {
            tl_txn_month_flow m = {sqlite3_column_int(s, 2), sqlite3_column_double(s, 4),
                                   debits, count};
            rc = month_push(out, &m);
        }
    }
    if (rc)
        tl_err_set(err, rc, "out of memory reading transaction summaries");
    else if (step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read transaction summaries");
    sqlite3_reset(s);
    if (!rc)
        tl_txn_summary_order(out);
    return rc;
}

int tl_store_txn_summary(tl_store *st, const char *customer_id, tl_txn_summary *out,
                         tl_err *err)
{
    bool found;
    int rc = summary_read(st, customer_id, out, &found, err);
    if (rc || found)
        return rc;
    tl_txn_summary_free(out);
    return summary_scan(st, customer_id, out, err);
}

/* Sums of the same amounts added in another order (an import adds them
 * as it writes them, a scan in stored order) differ in their last bits
 * only: such sums are the same. */
static bool same_sum(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static bool groups_equal(const tl_txn_group_total *a, const tl_txn_group_total *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].key, b[i].key) != 0 || !same_sum(a[i].total, b[i].total) ||
            a[i].count != b[i].count)
            return false;
    return true;
}

static bool summaries_equal(const tl_txn_summary *a, const tl_txn_summary *b)
{
    if (a->n_categories != b->n_categories || a->n_payment_modes != b->n_payment_modes ||
        a->n_months != b->n_months)
        return false;
    for (size_t i = 0; i < a->n_months; i++)
        if (a->months[i].month != b->months[i].month ||
            !same_sum(a->months[i].credits, b->months[i].credits) ||
            !same_sum(a->months[i].debits, b->months[i].debits) ||
            a->months[i].count != b->months[i].count)
            return false;
    return groups_equal(a->categories, b->categories, a->n_categories) &&
           groups_equal(a->payment_modes, b->payment_modes, a->n_payment_modes);
}

static int summary_put(tl_store *st, sqlite3_stmt *put, const char *customer_id, int kind,
                       const char *key, int month, double debits, double credits,
                       long long count, tl_err *err)
{
    sqlite3_reset(put);
    tl__bind_text(put, 1, customer_id);
    sqlite3_bind_int(put, 2, kind);
    tl__bind_text(put, 3, key);
    sqlite3_bind_int(put, 4, month);
    sqlite3_bind_double(put, 5, debits);
    sqlite3_bind_double(put, 6, credits);
    sqlite3_bind_int64(put, 7, count);
    return sqlite3_step(put) == SQLITE_DONE ? TL_OK
                                             : tl__store_fail(st, err, "write transaction summary");
}

/* Replaces the stored summary with s. */
static int summary_write(tl_store *st, const char *customer_id, const tl_txn_summary *s,
                         tl_err *err)
{
    sqlite3_stmt *del = tl__store_stmt(st, TL_STMT_TXN_SUMMARY_DELETE,
                                       "DELETE FROM txn_summary WHERE customer_id=?1", err);
    if (!del)
        return TL_EDB;
    tl__bind_text(del, 1, customer_id);
    if (sqlite3_step(del) != SQLITE_DONE)
        return tl__store_fail(st, err, "replace transaction summary");
    sqlite3_stmt *put =
        tl__store_stmt(st, TL_STMT_TXN_SUMMARY_PUT,
                       "INSERT INTO txn_summary(customer_id, kind, key, month, debits, credits,"
                       " count) VALUES(?1,?2,?3,?4,?5,?6,?7)",
                       err);
    if (!put)
        return TL_EDB;
    int rc = TL_OK;
    for (size_t i = 0; i < s->n_categories && !rc; i++)
        rc = summary_put(st, put, customer_id, SUMMARY_CATEGORY, s->categories[i].key, 0,
                         s->categories[i].total, 0, s->categories[i].count, err);
    for (size_t i = 0; i < s->n_payment_modes && !rc; i++)
        rc = summary_put(st, put, customer_id, SUMMARY_PAYMENT_MODE, s->payment_modes[i].key, 0,
                         s->payment_modes[i].total, 0, s->payment_modes[i].count, err);
    for (size_t i = 0; i < s->n_months && !rc; i++)
        rc = summary_put(st, put, customer_id, SUMMARY_MONTH, "", s->months[i].month,
                         s->months[i].debits, s->months[i].credits, s->months[i].count, err);
    return rc;
}

int tl_store_txn_summary_put(tl_store *st, const char *customer_id, const tl_txn_summary *s,
                             bool *changed, tl_err *err)
{
    tl_txn_summary stored;
    bool found;
    *changed = false;
    int rc = summary_read(st, customer_id, &stored, &found, err);
    /* Unchanged, nothing is written: an identical re-import leaves the
     * file as it was. A customer without transactions has no rows. */
    if (!rc && (found ? !summaries_equal(s, &stored)
                      : s->n_categories + s->n_payment_modes + s->n_months > 0)) {
        rc = summary_write(st, customer_id, s, err);
        *changed = !rc;
    }
    tl_txn_summary_free(&stored);
    return rc;
}

int tl_store_txn_summary_compare(tl_store *st, const char *customer_id, int *state,
                                 tl_err *err)
{
    tl_txn_summary fresh, stored;
    bool found = false;
    *state = TL_SUMMARY_IN_STEP;
    int rc = summary_scan(st, customer_id, &fresh, err);
    if (!rc)
        rc = summary_read(st, customer_id, &stored, &found, err);
    else
        memset(&stored, 0, sizeof stored);
    bool empty = fresh.n_categories + fresh.n_payment_modes + fresh.n_months == 0;
    if (!rc && !found && !empty)
        *state = TL_SUMMARY_MISSING;
    else if (!rc && found && !summaries_equal(&fresh, &stored))
        *state = TL_SUMMARY_DIFFERS;
    tl_txn_summary_free(&fresh);
    tl_txn_summary_free(&stored);
    return rc;
}

int tl_store_txn_summary_rebuild(tl_store *st, const char *customer_id, bool *changed,
                                 tl_err *err)
{
    tl_txn_summary fresh;
    *changed = false;
    int rc = summary_scan(st, customer_id, &fresh, err);
    if (!rc)
        rc = tl_store_txn_summary_put(st, customer_id, &fresh, changed, err);
    tl_txn_summary_free(&fresh);
    return rc;
}

/* The IDs TL__TXN_SUMMARY_SUBJECTS lists, copied: *ids (n of them) and
 * each ID are the caller's to free, also after an error. Read before any
 * rebuild, which writes the table the list reads. */
static int summary_subjects(tl_store *st, char ***ids, size_t *n, tl_err *err)
{
    *ids = NULL;
    *n = 0;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, TL__TXN_SUMMARY_SUBJECTS, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "list the transaction summaries");
    size_t cap = 0;
    int step, rc = TL_OK;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            char **p = realloc(*ids, cap * sizeof *p);
            if (!p) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory listing customers");
                break;
            }
            *ids = p;
        }
        if (!((*ids)[*n] = strdup((const char *)sqlite3_column_text(s, 0))))
            rc = tl_err_set(err, TL_ENOMEM, "out of memory listing customers");
        else
            (*n)++;
    }
    if (!rc && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list the transaction summaries");
    sqlite3_finalize(s);
    return rc;
}

int tl__store_txn_summaries_rebuild(tl_store *st, tl_err *err)
{
    char **ids = NULL;
    size_t n = 0;
    int rc = summary_subjects(st, &ids, &n, err);
    for (size_t i = 0; i < n && !rc; i++) {
        bool changed;
        rc = tl_store_txn_summary_rebuild(st, ids[i], &changed, err);
    }
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    return rc;
}

void tl_txn_summary_free(tl_txn_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_categories; i++)
        free(s->categories[i].key);
    for (size_t i = 0; i < s->n_payment_modes; i++)
        free(s->payment_modes[i].key);
    free(s->categories);
    free(s->payment_modes);
    free(s->months);
    memset(s, 0, sizeof *s);
}
