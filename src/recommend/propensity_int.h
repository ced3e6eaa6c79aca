/* propensity_int.h — the model's layout, shared by propensity.c (training,
 * prediction) and propensity_io.c (JSON files). Internal to src/recommend. */
#ifndef TL_RECOMMEND_PROPENSITY_INT_H
#define TL_RECOMMEND_PROPENSITY_INT_H

#include "recommend/gbdt.h"
#include "recommend/propensity.h"

#define PROP_MAX_LEVELS 63  /* categorical levels kept; the rest are "other" */
#define PROP_LR_BINS 32     /* quantile bins per numeric for the logreg, at most */
#define PROP_LR_BINS_COARSE 10 /* the coarser choice (and all of version 1) */
#define PROP_GB_EDGES 254   /* bin 0 missing, 1..255 values: TL_GBDT_BINS in all */
#define PROP_GB_EDGES_V1 62 /* model files of version 1: 64 bins */
#define PROP_FOLDS 5        /* validation folds for a random split */

/* One input column. Everything owned by the column. */
typedef struct prop_col {
    char *name;
    int is_cat;
    double mean, sd;            /* numeric: for standardising */
    double *lr_edges;           /* numeric: n_lr ascending edges, n_lr+1 logreg bins */
    size_t n_lr;
    double *gb_edges;           /* numeric: n_gb ascending edges (<= PROP_GB_EDGES) */
    size_t n_gb;
    char **levels;              /* categorical: n_levels (<= PROP_MAX_LEVELS) */
    size_t n_levels;
} prop_col;

struct tl_prop_model {
    tl_prop_kind kind;
    char *target;               /* owned */
    char *positive;             /* owned; NULL = yes/true/1/y */
    prop_col *cols;             /* owned, n_cols */
    size_t n_cols;
    int has_lr;
    double *lr_w;               /* owned, lr_dim (index 0 the intercept) */
    size_t lr_dim;
    double lr_lambda;
    double lr_platt[2];         /* p = sigmoid(a*z + b) */
    int has_gb;
    tl_gbdt gb;
    double gb_platt[2];
    double stack[3];            /* ensemble: sigmoid(c0 + c1*z_lr + c2*z_gb) */
    size_t n_fit, n_val;       /* rows of one fold: fitted / validated */
    size_t n_folds;             /* validation folds (1: the last rows) */
    double val_auc[3];          /* logreg, gbdt, ensemble; NAN if absent */
};

/* Logreg weights implied by the columns (intercept included). */
size_t prop_lr_dim(const prop_col *cols, size_t n);
void prop_col_free(prop_col *c);

#endif
