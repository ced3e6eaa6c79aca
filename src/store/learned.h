/* learned.h — the learned_weights table: the online acceptance model's
 * weights per customer segment and feature (recommend/learn.h), written
 * through on every feedback event and read back when an engine starts. */
#ifndef TL_STORE_LEARNED_H
#define TL_STORE_LEARNED_H

#include "store/store.h"

/* Reads one weight; a missing row gives *w = 0, *n = 0. */
int tl_store_learned_get(tl_store *st, const char *segment, const char *feature, double *w,
                         long long *n, tl_err *err);

/* Inserts or replaces one weight. Call inside the caller's transaction. */
int tl_store_learned_put(tl_store *st, const char *segment, const char *feature, double w,
                         long long n, tl_err *err);

/* Visits every stored weight; a non-zero return from cb stops. */
int tl_store_learned_each(tl_store *st,
                          int (*cb)(void *ctx, const char *segment, const char *feature,
                                    double w, long long n),
                          void *ctx, tl_err *err);

/* For a customer and product: how many times it was shown, and how many
 * accepted or dismissed events it had (the event just written included),
 * so an outcome can be matched with a showing already learned from.
 * Showings on the channels of `skip_channels_json` (a JSON array of names,
 * or NULL for none) are not counted: nothing was learned from them. */
int tl_store_learned_showings(tl_store *st, const char *customer_id, const char *product_id,
                              const char *skip_channels_json, long long *shown,
                              long long *resolved, tl_err *err);

#endif
