/* catalogue.h — the product catalogue as the engine ranks it: parsed
 * eligibility, fees, risk level, embeddings and need affinities. Private to
 * src/recommend/. Built from the store, then read-only and shared by
 * reference count. */
#ifndef TL_RECOMMEND_CATALOGUE_H
#define TL_RECOMMEND_CATALOGUE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>

#include "encoder/encoder.h"
#include "recommend/eligibility.h"
#include "recommend/needs.h"
#include "store/store.h"

typedef struct tl_cat_product {
    char *id, *name, *category;   /* owned */
    char *name_lower;             /* owned: name in ASCII lower case, for finding it in posts */
    json_t *doc;                  /* owned reference */
    tl_eligibility elig;
    double annual_fee;            /* highest annual fee in the text, 0 when none/unknown */
    int fee_known;
    int risk_level;               /* 0 not an investment, 1 low, 2 medium, 3 high */
    int is_credit;                /* cards with a credit line, loans */
    float *vec;                   /* points into the catalogue's matrix */
    float need_aff[TL_NEED_COUNT];/* cos(need, product) / best product for that need, 0..1 */
    double feedback;              /* multiplier from acceptance and dismissal rates */
    long long shown, accepted, dismissed;
} tl_cat_product;

typedef struct tl_catalogue {
    atomic_int refs;
    char stamp[96];
    size_t n, dim;
    tl_cat_product *products;
    float *matrix;                /* n * dim, owned */
} tl_catalogue;

/* Builds the catalogue from the store with `enc`; need_vecs are the
 * taxonomy's embeddings. Embeddings are read from the store's cache and
 * written back when computed (if the store is writable). feedback_weight
 * scales the acceptance-rate multiplier. One reference is returned. */
int tl_catalogue_build(tl_store *st, tl_encoder *enc, const float *need_vecs,
                       double feedback_weight, tl_catalogue **out, tl_err *err);

void tl_catalogue_ref(tl_catalogue *c);
void tl_catalogue_unref(tl_catalogue *c);   /* frees on the last reference; accepts NULL */

/* The text a product is embedded from (malloc'd, caller frees). */
char *tl_catalogue_product_text(const json_t *doc);

#endif
