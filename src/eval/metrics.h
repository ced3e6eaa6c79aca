/* metrics.h — the scores of an offline evaluation (`tailor eval`):
 *
 * - a classifier's confusion matrix, from which accuracy, each class's
 *   precision, recall and F1, the macro-averaged F1 and the accuracy of
 *   always answering the most frequent class (the baseline a scorer has to
 *   beat) are computed;
 * - a ranker's precision@1, hit rate in the top k and mean reciprocal rank.
 *
 * Pure arithmetic, no I/O. Definitions follow the usual ones (those of
 * scikit-learn's classification_report): a class's precision is 0 when it
 * was never predicted, its recall 0 when it never occurs, and the macro
 * average runs over every class seen, as the truth or as a prediction. */
#ifndef TL_EVAL_METRICS_H
#define TL_EVAL_METRICS_H

#include <stddef.h>

typedef struct tl_eval_classes {
    size_t n;            /* classes seen so far */
    char **names;        /* owned, in order of first appearance (truth before prediction) */
    size_t *confusion;   /* owned, cap × cap, [truth][prediction] */
    size_t cap;
    size_t total, correct;
} tl_eval_classes;

/* Makes `name` a class (with no cases yet) unless it is one, so reports
 * list classes in an order of the caller's choosing. 0 or TL_ENOMEM. */
int tl_eval_classes_declare(tl_eval_classes *c, const char *name);

/* Counts one case. 0, or TL_ENOMEM (nothing counted). Start from a zeroed
 * struct. */
int tl_eval_classes_add(tl_eval_classes *c, const char *truth, const char *predicted);
void tl_eval_classes_free(tl_eval_classes *c);   /* accepts a zeroed or freed struct */

/* Index of the class named `name`, or -1. */
int tl_eval_classes_find(const tl_eval_classes *c, const char *name);

/* Cases of class `truth` predicted as `predicted` (indices). */
size_t tl_eval_classes_count(const tl_eval_classes *c, size_t truth, size_t predicted);

typedef struct tl_eval_class_score {
    double precision, recall, f1;
    size_t support;      /* cases whose truth is the class */
    size_t predicted;    /* cases predicted as the class */
} tl_eval_class_score;

void tl_eval_class_score_of(const tl_eval_classes *c, size_t i, tl_eval_class_score *out);
double tl_eval_accuracy(const tl_eval_classes *c);   /* 0 without cases */
double tl_eval_macro_f1(const tl_eval_classes *c);   /* 0 without classes */

/* Accuracy of always answering the most frequent true class, which goes
 * into *cls (the first such class on a tie; 0 without cases). */
double tl_eval_majority(const tl_eval_classes *c, size_t *cls);

typedef struct tl_eval_ranks {
    size_t k;            /* the "top k" of hit@k; set before the first case */
    size_t n;            /* cases */
    size_t at1, atk;     /* cases whose first fitting answer came first / in the top k */
    double rr;           /* sum of 1 / rank of the first fitting answer (0 when none) */
} tl_eval_ranks;

/* Counts one case whose first fitting answer came at `rank` (1-based; 0:
 * none of the answers fit). */
void tl_eval_ranks_add(tl_eval_ranks *r, size_t rank);

#endif
