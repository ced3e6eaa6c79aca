/* products.h — the product catalogue (typed id, name, category plus the
 * whole record as JSON) and product reviews. */
#ifndef TL_STORE_PRODUCTS_H
#define TL_STORE_PRODUCTS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

typedef struct tl_product {
    const char *id, *name, *category;
    const char *doc;   /* JSON object text */
} tl_product;

int tl_store_product_upsert(tl_store *st, const tl_product *p, bool *changed, tl_err *err);

/* Copies the product's doc into *doc (malloc'd, caller frees);
 * TL_ENOTFOUND when absent. */
int tl_store_product_get_doc(tl_store *st, const char *id, char **doc, tl_err *err);

int tl_store_product_exists(tl_store *st, const char *id, bool *exists, tl_err *err);

/* Finds a product id by exact name, ignoring case: *id malloc'd or NULL. */
int tl_store_product_find_by_name(tl_store *st, const char *name, char **id, tl_err *err);

/* Visits every product in insertion order; fields valid during the call. */
int tl_store_products_each(tl_store *st, int (*cb)(void *ctx, const tl_product *p), void *ctx,
                           tl_err *err);

/* A stamp that changes whenever the catalogue does (the product count and
 * a version every real product write increments), so caches of the
 * catalogue know when to rebuild. Written into buf. */
int tl_store_products_stamp(tl_store *st, char *buf, size_t size, tl_err *err);

typedef struct tl_review {
    const char *product_id;
    const char *text;
    double rating;     /* 1..5, NAN if none */
} tl_review;

int tl_store_review_upsert(tl_store *st, const tl_review *r, tl_err *err);
int tl_store_reviews_each(tl_store *st, const char *product_id,
                          int (*cb)(void *ctx, const tl_review *r), void *ctx, tl_err *err);

#endif
