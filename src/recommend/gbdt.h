/* gbdt.h — histogram gradient-boosted decision trees for binary log-loss,
 * used by the propensity model (propensity.h); internal to src/recommend.
 *
 * Features arrive pre-binned: every row is F bytes, each a bin < 256 (the
 * caller's binning: quantile bins for numerics, bin 0 = missing; level
 * index + 1 for categoricals, bin 0 = other). A split sends a row left when
 * its bin is in the node's 256-bit `left_bins` set, so numeric thresholds and
 * categorical subsets share one representation. A numeric split also
 * chooses the side of the missing bin (whichever gains more). Trees grow
 * best-first (the leaf with the largest gain splits next) up to max_leaves
 * leaves and max_depth levels, with L2 on leaf values, shrinkage, and
 * seeded row and column subsampling (deterministic for a seed). Memory per
 * tree: up to 64 histograms of F x 256 x 16 bytes (gbdt.c, MAX_HISTS). */
#ifndef TL_RECOMMEND_GBDT_H
#define TL_RECOMMEND_GBDT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define TL_GBDT_BINS 256
#define TL_GBDT_WORDS (TL_GBDT_BINS / 64) /* 64-bit words in a bin set */

typedef struct tl_gbdt_node {
    int32_t feat;        /* -1 for a leaf */
    int32_t left, right; /* child indices, always greater than this node's */
    uint64_t left_bins[TL_GBDT_WORDS]; /* bins that go left: bin b is bit b%64 of word b/64 */
    double value;        /* leaf output (log-odds, shrinkage applied) */
} tl_gbdt_node;

typedef struct tl_gbdt_tree {
    tl_gbdt_node *nodes; /* owned */
    size_t n_nodes;
} tl_gbdt_tree;

typedef struct tl_gbdt {
    double base;         /* initial log-odds */
    size_t n_feat;
    tl_gbdt_tree *trees; /* owned */
    size_t n_trees, cap;
} tl_gbdt;

typedef struct tl_gbdt_params {
    int max_trees;       /* upper bound; early stopping may keep fewer */
    int max_depth;
    int max_leaves;      /* leaves per tree, grown best-first (>= 2^max_depth:
                            every node splits down to max_depth) */
    double learning_rate;
    double l2;           /* on leaf values */
    double min_hess;     /* minimum hessian sum in a child */
    double row_sample;   /* fraction of rows per tree */
    double col_sample;   /* fraction of features per tree */
    int eval_every;      /* validation AUC every this many trees */
    int patience;        /* stop after this many trees without improvement */
    int keep_all;        /* 1: keep the trees grown after the best validation
                            AUC too (the caller picks its own prefix) */
    uint64_t seed;
} tl_gbdt_params;

void tl_gbdt_params_default(tl_gbdt_params *p);

/* Trains g (freed with tl_gbdt_free, also on failure) on n rows of F bins
 * with labels y; is_cat[f] marks categorical features. With validation rows
 * (nv > 0) it stops early on validation AUC and keeps the best prefix of
 * trees (or, with keep_all, every tree grown until it stopped). Returns 0, TL_EINPUT or TL_ENOMEM. */
int tl_gbdt_train(tl_gbdt *g, const uint8_t *bins, size_t n, size_t F, const int *y,
                  const uint8_t *is_cat, const uint8_t *vbins, size_t nv, const int *vy,
                  const tl_gbdt_params *p, tl_err *err);

/* Log-odds score of one row of F bins. */
double tl_gbdt_score(const tl_gbdt *g, const uint8_t *row);

/* Checks links, features and values (after loading a file). */
int tl_gbdt_validate(const tl_gbdt *g, tl_err *err);

void tl_gbdt_free(tl_gbdt *g); /* accepts NULL */

#endif
