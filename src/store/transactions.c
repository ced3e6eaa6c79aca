/* transactions.c — raw transactions table. */
#include "store/transactions.h"
#include "store/store_int.h"

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

/* A growing list of totals by key. A customer has a few categories and
 * payment modes, so a key is found by a linear search. */
typedef struct group_list {
    tl_txn_group_total *items;
    size_t n, cap;
} group_list;

static int group_add(group_list *g, const char *key, double amount)
{
    if (!key)
        key = "Other";
    for (size_t i = 0; i < g->n; i++)
        if (g->items[i].key[0] == key[0] && strcmp(g->items[i].key, key) == 0) {
            g->items[i].total += amount;
            g->items[i].count++;
            return TL_OK;
        }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        tl_txn_group_total *p = realloc(g->items, cap * sizeof *p);
        if (!p)
            return TL_ENOMEM;
        g->items = p;
        g->cap = cap;
    }
    char *copy = strdup(key);
    if (!copy)
        return TL_ENOMEM;
    g->items[g->n++] = (tl_txn_group_total){copy, amount, 1};
    return TL_OK;
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

/* Adds one transaction's amount to its month, searching from the newest
 * month added (rows mostly come in date order). */
static int month_add(tl_txn_summary *s, size_t *cap, int month, double amount, int direction)
{
    size_t i = s->n_months;
    while (i > 0 && s->months[i - 1].month != month)
        i--;
    if (i == 0) {
        if (s->n_months == *cap) {
            size_t nc = *cap ? *cap * 2 : 32;
            tl_txn_month_flow *p = realloc(s->months, nc * sizeof *p);
            if (!p)
                return TL_ENOMEM;
            s->months = p;
            *cap = nc;
        }
        s->months[s->n_months++] = (tl_txn_month_flow){month, 0, 0};
        i = s->n_months;
    }
    tl_txn_month_flow *m = &s->months[i - 1];
    if (direction > 0)
        m->credits += amount;
    else if (direction < 0)
        m->debits += amount;
    return TL_OK;
}

int tl_store_txn_summary(tl_store *st, const char *customer_id, tl_txn_summary *out,
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
    group_list cats = {0}, modes = {0};
    size_t months_cap = 0;
    int step = SQLITE_DONE, rc = TL_OK;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int month = sqlite3_column_int(s, 0), direction = sqlite3_column_int(s, 2);
        double amount = sqlite3_column_double(s, 1);
        rc = month_add(out, &months_cap, month, amount, direction);
        if (!rc && direction < 0 &&
            !(rc = group_add(&cats, (const char *)sqlite3_column_text(s, 3), amount)))
            rc = group_add(&modes, (const char *)sqlite3_column_text(s, 4), amount);
    }
    if (rc)
        tl_err_set(err, rc, "out of memory summing transactions");
    else if (step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "sum transactions");
    tl__store_release(s, owned);
    out->categories = cats.items;
    out->n_categories = cats.n;
    out->payment_modes = modes.items;
    out->n_payment_modes = modes.n;
    if (rc)
        return rc;
    if (out->n_categories)
        qsort(out->categories, out->n_categories, sizeof *out->categories, by_total_desc);
    if (out->n_payment_modes)
        qsort(out->payment_modes, out->n_payment_modes, sizeof *out->payment_modes,
              by_count_desc);
    if (out->n_months)
        qsort(out->months, out->n_months, sizeof *out->months, by_month);
    return TL_OK;
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
