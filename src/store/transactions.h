/* transactions.h — raw transactions: reading them back. Imports write them
 * through bulk.h (tl_store_txn_insert, tl_store_txn_upsert), which also
 * describes how they are keyed. */
#ifndef TL_STORE_TRANSACTIONS_H
#define TL_STORE_TRANSACTIONS_H

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

/* Spending (debits) of a customer grouped by category or payment mode,
 * largest first. */
typedef enum tl_txn_group { TL_TXN_BY_CATEGORY, TL_TXN_BY_PAYMENT_MODE } tl_txn_group;
int tl_store_txn_breakdown(tl_store *st, const char *customer_id, tl_txn_group by, int limit,
                           int (*cb)(void *ctx, const char *key, double total, long long count),
                           void *ctx, tl_err *err);

/* Money in and out per month for a customer, oldest first. */
int tl_store_txn_flows(tl_store *st, const char *customer_id,
                       int (*cb)(void *ctx, int month, double credits, double debits),
                       void *ctx, tl_err *err);

#endif
