/* bias.h — the counts behind the bias report (src/govern/bias.c), grouped
 * by a protected attribute.
 *
 * Offered: distinct customers for whom the product was shown ('shown'
 * events), batch-scored (the `scored` table), served by the API or CLI
 * (audit entries of kind "recommendation") or accepted ('accepted' events:
 * an acceptance implies an offer). Accepted: distinct customers with an
 * 'accepted' event. Score: the `scored` table's scores. */
#ifndef TL_STORE_BIAS_H
#define TL_STORE_BIAS_H

#include "store/store.h"

typedef enum tl_bias_dim { TL_BIAS_GENDER, TL_BIAS_AGE_BAND } tl_bias_dim;
typedef enum tl_bias_level { TL_BIAS_PRODUCT, TL_BIAS_CATEGORY } tl_bias_level;

/* Customers per group of `dim`. Gender groups are the stored values
 * (trimmed; "Unknown" when empty); age bands are 18-24, 25-34, 35-44, 45-54,
 * 55-64, 65+, "under 18" and "Unknown". */
int tl_store_bias_groups(tl_store *st, tl_bias_dim dim,
                         int (*cb)(void *ctx, const char *group, long long customers),
                         void *ctx, tl_err *err);

typedef struct tl_bias_cell {
    const char *key;        /* product id or category */
    const char *group;
    long long offered;      /* distinct customers */
    long long accepted;     /* distinct customers */
    long long scored;       /* distinct customers with a batch score */
    double mean_score;      /* NAN when scored is 0 */
} tl_bias_cell;

/* One cell per (dimension, product or category, group) that has any
 * offer, acceptance or score, for both dimensions and both levels in one
 * pass (bias_tally.c); strings valid during the callback only, whose
 * non-zero return stops the walk and is returned. */
int tl_store_bias_cells_all(tl_store *st,
                            int (*cb)(void *ctx, tl_bias_dim dim, tl_bias_level level,
                                      const tl_bias_cell *c),
                            void *ctx, tl_err *err);

/* Every product: id, name, category and its stored record (JSON text), so
 * items with no offers at all are listed and eligibility can be read. */
int tl_store_bias_products(tl_store *st,
                           int (*cb)(void *ctx, const char *id, const char *name,
                                     const char *category, const char *doc),
                           void *ctx, tl_err *err);

#endif
