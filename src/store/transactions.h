/* transactions.h — raw transactions: reading them back. Imports write them
 * through bulk.h (tl_store_txn_insert, tl_store_txn_upsert), which also
 * describes how they are keyed. */
#ifndef TL_STORE_TRANSACTIONS_H
#define TL_STORE_TRANSACTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef struct tl_txn {
    const char *customer_id;
    const char *txn_id;
    const char *day;          /* "YYYY-MM-DD" */
    int month;                /* month index of day */
    double amount;            /* > 0 */
    int direction;            /* -1 debit (spending), +1 credit */
    const char *currency, *category, *merchant, *payment_mode; /* may be NULL */
    /* The strings' lengths where the producer knows them (an import's
     * batch); 0 means "NUL-terminated, measure it" (right for "" too). */
    struct {
        uint32_t customer_id, txn_id, currency, category, merchant, payment_mode;
    } len;
} tl_txn;

/* Visits a customer's transactions, newest first, at most `limit`;
 * strings valid during the callback only. */
int tl_store_txns_each(tl_store *st, const char *customer_id, int limit,
                       int (*cb)(void *ctx, const tl_txn *t), void *ctx, tl_err *err);

/* What a customer's transactions add up to, read in one pass over them:
 * spending (debits) by category and by payment mode, money in and out per
 * month. */
typedef struct tl_txn_group_total {
    char *key;            /* the category or payment mode, "Other" for none; owned */
    double total;
    long long count;
} tl_txn_group_total;

typedef struct tl_txn_month_flow {
    int month;
    double credits, debits;
    long long count;      /* transactions in the month, either way */
} tl_txn_month_flow;

typedef struct tl_txn_summary {
    tl_txn_group_total *categories;     /* largest total first */
    size_t n_categories;
    tl_txn_group_total *payment_modes;  /* most used first; ties of either in reverse
                                           key order */
    size_t n_payment_modes;
    tl_txn_month_flow *months;          /* oldest first */
    size_t n_months;
    size_t cap_categories, cap_payment_modes, cap_months;   /* room allocated */
} tl_txn_summary;

/* Building a summary row by row (an import does for customers it writes
 * first): start from {0}, add each transaction, then order it. */
int tl_txn_summary_add(tl_txn_summary *s, int month, double amount, int direction,
                       const char *category, const char *payment_mode);   /* 0 or TL_ENOMEM */
void tl_txn_summary_order(tl_txn_summary *s);

/* Fills *out (free it with tl_txn_summary_free, also after an error):
 * from the summary an import stored (table txn_summary), else computed
 * from the transactions. Sums run in the order the rows are stored, as
 * SQL's sum() over them would, so both give the same numbers. */
int tl_store_txn_summary(tl_store *st, const char *customer_id, tl_txn_summary *out,
                         tl_err *err);

/* Stores s as the customer's summary (no rows when it is empty), writing
 * nothing when it is stored already; *changed tells whether it wrote. */
int tl_store_txn_summary_put(tl_store *st, const char *customer_id, const tl_txn_summary *s,
                             bool *changed, tl_err *err);

/* Whether the customer's stored summary is what their transactions add up
 * to: TL_SUMMARY_IN_STEP (also when neither has anything), _MISSING (none
 * stored: read slower, not wrong), _DIFFERS (changed by another tool). */
enum { TL_SUMMARY_IN_STEP, TL_SUMMARY_MISSING, TL_SUMMARY_DIFFERS };
int tl_store_txn_summary_compare(tl_store *st, const char *customer_id, int *state,
                                 tl_err *err);

/* Computes the customer's summary from their transactions and stores it
 * as tl_store_txn_summary_put does. Imports call it for every customer
 * whose stored transactions they changed. */
int tl_store_txn_summary_rebuild(tl_store *st, const char *customer_id, bool *changed,
                                 tl_err *err);
void tl_txn_summary_free(tl_txn_summary *s);   /* accepts NULL */

#endif
