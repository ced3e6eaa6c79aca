/* scored.h — recommendations computed in batch (`tailor score --all`),
 * kept per customer so campaigns and exports read them without recomputing. */
#ifndef TL_STORE_SCORED_H
#define TL_STORE_SCORED_H

#include <stddef.h>

#include "store/store.h"

typedef struct tl_scored_row {
    int rank;                 /* 1.. */
    const char *product_id;
    double score;
    const char *reasons;      /* JSON array text */
} tl_scored_row;

/* Replaces the customer's scored rows. */
int tl_store_scored_replace(tl_store *st, const char *customer_id, const tl_scored_row *rows,
                            size_t n, tl_err *err);

/* Visits every scored row, by customer then rank. */
int tl_store_scored_each(tl_store *st,
                         int (*cb)(void *ctx, const char *customer_id, const tl_scored_row *r,
                                   const char *scored_at),
                         void *ctx, tl_err *err);

/* Visits customer ids in insertion order, from `offset`, at most `limit`. */
int tl_store_customer_ids(tl_store *st, long long offset, long long limit,
                          int (*cb)(void *ctx, const char *id), void *ctx, tl_err *err);

#endif
