/* holdings.h — which products each customer holds. */
#ifndef TL_STORE_HOLDINGS_H
#define TL_STORE_HOLDINGS_H

#include "store/store.h"

typedef struct tl_holding {
    const char *customer_id, *product_id;
    const char *since;    /* "YYYY-MM-DD" or NULL */
    const char *source;   /* "imported", "profile" (derived), "accepted" (offer) */
    /* Read by tl_store_holdings_each only (ignored by the upsert): the
     * product's name and category, NULL when the product is unknown. */
    const char *product_name, *product_category;
} tl_holding;

int tl_store_holding_upsert(tl_store *st, const tl_holding *h, tl_err *err);

/* Visits a customer's holdings; fields valid during the callback only. */
int tl_store_holdings_each(tl_store *st, const char *customer_id,
                           int (*cb)(void *ctx, const tl_holding *h), void *ctx, tl_err *err);

/* Visits the customers who hold product_id: their age (-1 unknown), gender
 * (may be NULL) and balance (NAN unknown). */
int tl_store_holders_each(tl_store *st, const char *product_id,
                          int (*cb)(void *ctx, int age, const char *gender, double balance),
                          void *ctx, tl_err *err);

#endif
