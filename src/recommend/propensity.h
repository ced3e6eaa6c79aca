/* propensity.h — a propensity model trained from offer outcomes: the
 * probability that a customer with these attributes says yes to an offer.
 *
 * Input is a table of strings (a CSV, or rows added one by one), one column
 * the outcome. Columns are typed by inference on the training rows: a column
 * is numeric when at least 99% of its non-missing cells parse as numbers
 * (the rest then count as missing), else categorical (the 63 most frequent
 * levels; rarer and unseen levels share an "other" level). Empty, "NA",
 * "NaN", "?" and "null" are missing.
 *
 * Two learners over those features, and a blend of both:
 *   logreg — L2-regularised logistic regression on one-hot categoricals,
 *            standardised numerics and quantile-binned numerics (one-hot),
 *            fitted by Newton's method (IRLS);
 *   gbdt   — histogram gradient-boosted trees on log-loss (gbdt.h);
 *   ensemble — a logistic stack of the two scores.
 * Hyper-parameters (the L2 strength and bin resolution of the logreg, the
 * number of trees) are chosen on validation parts of the training rows only
 * (the last 20% in the given order, or 5 stratified random folds, each row
 * validated once), the calibration (Platt scaling) and the stack are fitted
 * on the validation scores, and the final learners are refitted on all
 * training rows with the chosen settings. See docs/propensity.md.
 *
 * What a predicted probability means: among past customers like this one
 * (same period and population as the validation rows), this fraction said
 * yes. It is calibrated on the validation rows; when the population drifts
 * (a later campaign, another base rate) the ranking holds better than the
 * level.
 *
 * Everything is deterministic for a given seed. No global state; a model
 * may be used from several threads at once for prediction. */
#ifndef TL_RECOMMEND_PROPENSITY_H
#define TL_RECOMMEND_PROPENSITY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* ---- tables of strings ---- */

typedef struct tl_prop_table {
    size_t n_cols, n_rows;
    char **names;        /* owned; n_cols column names */
    size_t *off;         /* owned; n_rows*n_cols offsets into pool */
    size_t off_cap;
    char *pool;          /* owned; NUL-terminated cell texts */
    size_t pool_len, pool_cap;
} tl_prop_table;

void tl_prop_table_init(tl_prop_table *t);
void tl_prop_table_free(tl_prop_table *t); /* accepts NULL and zeroed tables */

/* Sets the column names (copied). Only on an empty table. */
int tl_prop_table_set_header(tl_prop_table *t, const char *const *names, size_t n,
                             tl_err *err);

/* Appends one row of n cells (copied); n must equal the column count. */
int tl_prop_table_add_row(tl_prop_table *t, const char *const *cells, size_t n,
                          tl_err *err);

/* Reads a CSV whose first record is the header. The separator (',' or ';')
 * is the one that occurs more often, outside quotes, in the header line.
 * RFC 4180 quoting (doubled quotes, quoted separators and line breaks), LF or
 * CRLF, a UTF-8 BOM, blank lines skipped. A record with a different number
 * of fields than the header, an unterminated quote or a NUL byte is an error
 * "FILE:LINE: ..." (LINE the physical line where the record starts). */
int tl_prop_table_read_csv(tl_prop_table *t, const char *path, tl_err *err);
int tl_prop_table_read_csv_mem(tl_prop_table *t, const char *name, const char *data,
                               size_t len, tl_err *err);

/* Column index of `name`, or -1. */
int tl_prop_table_col(const tl_prop_table *t, const char *name);

/* Cell text; owned by the table, valid until the next add or free. */
static inline const char *tl_prop_table_cell(const tl_prop_table *t, size_t row, size_t col)
{
    return t->pool + t->off[row * t->n_cols + col];
}

/* Labels of all rows: y[r] = 1 when the `target` cell equals `positive`
 * (when positive is NULL: yes, true, 1 or y, ignoring case). Errors when
 * the target column is missing. `y` has n_rows entries (caller's). */
int tl_prop_table_labels(const tl_prop_table *t, const char *target, const char *positive,
                         int *y, tl_err *err);

/* ---- splits and metrics ---- */

/* Splits rows 0..n-1 into train and test: `random` = 0 keeps file order
 * (the last test_fraction are the test part), else a stratified random
 * split seeded by `seed`. Both arrays are malloc'd; the caller frees them. */
int tl_prop_split(const int *y, size_t n, int random, double test_fraction, uint64_t seed,
                  size_t **train, size_t *n_train, size_t **test, size_t *n_test,
                  tl_err *err);

/* ROC AUC of scores against 0/1 labels (ties count half); 0.5 when one
 * class is absent. Allocates scratch; returns NAN when out of memory. */
double tl_prop_auc(const double *score, const int *y, size_t n);
double tl_prop_logloss(const double *p, const int *y, size_t n);
double tl_prop_brier(const double *p, const int *y, size_t n);

/* ---- models ---- */

typedef enum { TL_PROP_LOGREG = 0, TL_PROP_GBDT = 1, TL_PROP_ENSEMBLE = 2 } tl_prop_kind;

typedef struct tl_prop_opts {
    tl_prop_kind kind;         /* default ensemble */
    const char *target;        /* outcome column (required) */
    const char *positive;      /* positive label; NULL: yes/true/1/y */
    const char *const *drop;   /* columns to ignore (borrowed) */
    size_t n_drop;
    uint64_t seed;             /* default 1 */
    int time_ordered;          /* validation = last val_fraction of the rows given,
                                  else 5 stratified random folds (default 1) */
    double val_fraction;       /* time order only; default 0.2 */
    double lr_lambda;          /* > 0: fixed L2 strength, no search (default 0: search) */
    int lr_gd;                 /* 1: fit the logreg by plain gradient descent (the peer
                                  baseline for timing), not Newton */
    int gb_max_trees;          /* default 800 */
    int gb_depth;              /* 0 (default): 31 leaves grown best-first; > 0: every
                                  node split down to this depth */
    double gb_learning_rate;   /* default 0.1 */
    int fast;                  /* smaller search and fewer trees (tests) */
} tl_prop_opts;

void tl_prop_opts_default(tl_prop_opts *o);

typedef struct tl_prop_model tl_prop_model;

/* What a trained model chose and how it did on its validation rows. */
typedef struct tl_prop_info {
    tl_prop_kind kind;
    size_t n_columns, n_numeric, n_categorical;
    size_t lr_dim;             /* logreg weights, 0 if none */
    double lr_lambda;
    size_t gb_trees;           /* 0 if none */
    size_t n_fit, n_val;       /* rows used to fit / validate (in one fold) */
    size_t n_folds;            /* validation folds: 1 (time order) or 5 (random) */
    double val_auc_lr, val_auc_gb, val_auc_ens; /* NAN where not trained */
} tl_prop_info;

/* Trains on table rows `rows[0..n)` (in that order; the order matters when
 * opts->time_ordered). *out is the caller's; free with tl_prop_model_free. */
int tl_prop_train(const tl_prop_table *t, const size_t *rows, size_t n,
                  const tl_prop_opts *opts, tl_prop_model **out, tl_err *err);

/* Calibrated probabilities for rows[0..n) of `t` (whose columns are matched
 * to the model's by name; a missing column is an error) into p[0..n). */
int tl_prop_predict(const tl_prop_model *m, const tl_prop_table *t, const size_t *rows,
                    size_t n, double *p, tl_err *err);

void tl_prop_model_info(const tl_prop_model *m, tl_prop_info *info);
const char *tl_prop_kind_name(tl_prop_kind k); /* static string */

/* JSON model files (format "tailor-propensity", version 1). Loading checks
 * every field, size and tree link: a corrupt file is TL_EINPUT with a
 * message, never a crash. */
int tl_prop_model_save(const tl_prop_model *m, const char *path, tl_err *err);
int tl_prop_model_load(const char *path, tl_prop_model **out, tl_err *err);
int tl_prop_model_load_mem(const char *data, size_t len, tl_prop_model **out, tl_err *err);
void tl_prop_model_free(tl_prop_model *m); /* accepts NULL */

#endif
