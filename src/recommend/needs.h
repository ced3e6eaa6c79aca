/* needs.h — what a customer needs, with the evidence that raised it.
 *
 * A deterministic analyst: figures of the customer 360 (age, balance,
 * income and spending, trend, international activity, categories, risk
 * profile, holdings) and the customer's posts (matched to each need's
 * description with the sentence encoder, and to its key words) raise scored
 * needs, each with the post, figure or field behind it. No LLM decides. */
#ifndef TL_RECOMMEND_NEEDS_H
#define TL_RECOMMEND_NEEDS_H

#include <stddef.h>

#include "base/err.h"
#include "encoder/encoder.h"
#include "recommend/view.h"

typedef enum tl_need_id {
    TL_NEED_TRAVEL, TL_NEED_FOREIGN_CURRENCY, TL_NEED_DINING, TL_NEED_CASHBACK,
    TL_NEED_HOME, TL_NEED_VEHICLE, TL_NEED_EDUCATION, TL_NEED_CHILDREN,
    TL_NEED_RETIREMENT, TL_NEED_PROTECTION, TL_NEED_HEALTH, TL_NEED_GROWTH,
    TL_NEED_WEALTH, TL_NEED_BUSINESS, TL_NEED_URGENT_CASH, TL_NEED_CREDIT_BUILDING,
    TL_NEED_PAYROLL, TL_NEED_SAVINGS, TL_NEED_COUNT
} tl_need_id;

typedef struct tl_need_def {
    const char *key;         /* "travel" */
    const char *label;       /* "Travel" */
    const char *description; /* what the need is, in words products use: embedded */
    const char *keywords;    /* comma-separated stems matched in posts */
} tl_need_def;

/* The taxonomy (static). */
const tl_need_def *tl_need_def_get(tl_need_id id);

enum tl_evidence_kind { TL_EV_POST, TL_EV_FIGURE, TL_EV_FIELD, TL_EV_HOLDING };

typedef struct tl_evidence {
    int kind;               /* enum tl_evidence_kind */
    char text[200];         /* the post, or "International transactions: 416" */
    double weight;          /* what it added to the need's strength */
} tl_evidence;

#define TL_NEED_MAX_EVIDENCE 4

typedef struct tl_need {
    tl_need_id id;
    double strength;        /* 0..1 */
    tl_evidence evidence[TL_NEED_MAX_EVIDENCE];
    size_t n_evidence;
} tl_need;

typedef struct tl_needs {
    tl_need needs[TL_NEED_COUNT];   /* sorted, strongest first */
    size_t n;                       /* needs with strength > 0 */
} tl_needs;

/* The need descriptions embedded once per encoder: vecs[TL_NEED_COUNT *
 * dim], owned by the caller. */
int tl_needs_embed_taxonomy(tl_encoder *enc, float *vecs, tl_err *err);

/* Analyses the view. post_vecs holds the embedding of each view post
 * (n_posts * dim; may be NULL when there are no posts). */
void tl_needs_analyse(const tl_customer_view *v, const float *need_vecs, const float *post_vecs,
                      size_t dim, tl_needs *out);

/* The prototype's two texts: a one-paragraph profile summary and the
 * financial needs and product preferences, written from the facts. */
void tl_needs_summarise(const tl_customer_view *v, const tl_needs *n, char *profile,
                        size_t profile_size, char *offering, size_t offering_size);

#endif
