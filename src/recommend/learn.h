/* learn.h — online logistic regression of offer acceptance, per customer
 * segment, learned from feedback events (docs/recommend.md, "Learning").
 *
 * The model for a customer of segment s shown product p:
 *
 *   p_accept = sigmoid( Σ_f x_f · (init_f + w[*][f] + w[s][f]) )
 *
 * over four features: "bias" (1), "score" (logit of the engine's own score),
 * "p:<product id>" (1) and "c:<category>" (1). w[*] is the global layer,
 * learned from every event; w[s] the segment's layer, learned from its
 * customers' events and held closer to zero, so a segment with few events
 * falls back on the global estimate. init is logit(prior rate) for the
 * global bias and 1 for the global score weight (a prior, not a
 * measurement), 0 elsewhere: weights are stored as offsets from init.
 *
 * This file is pure arithmetic: no SQL, no locks. Weights are stored by
 * store/learned.h; the engine keeps a read-only snapshot (tl_learn_model)
 * for ranking. */
#ifndef TL_RECOMMEND_LEARN_H
#define TL_RECOMMEND_LEARN_H

#include <stdatomic.h>
#include <stddef.h>

#include "base/err.h"

/* Tunables. */
typedef struct tl_learn_params {
    double prior_rate;   /* acceptance rate assumed before any event (0.05) */
    double lr;           /* base learning rate (0.1): one event moves a weight by at most
                            0.1 × its gradient, so a handful cannot flip a ranking */
    double lr_halflife;  /* a feature's rate is lr / (1 + n / lr_halflife) (25), */
    double lr_min;       /* but never below lr_min (0.002), so it keeps following drift */
    double l2_global;    /* L2 shrink towards init per update, global layer (1e-4) */
    double l2_segment;   /* the same for a segment's layer (3e-3): it stays near 0
                            until its own events agree */
    double click_weight; /* a click counts as this much of an acceptance (0.25) */
    double max_lift;     /* the ranking term is clipped to ±this, in log-odds (3) */
} tl_learn_params;

void tl_learn_params_default(tl_learn_params *p);

enum { TL_LEARN_BIAS, TL_LEARN_SCORE, TL_LEARN_PRODUCT, TL_LEARN_CATEGORY, TL_LEARN_NF };
enum { TL_LEARN_GLOBAL, TL_LEARN_SEGMENT, TL_LEARN_NL };

#define TL_LEARN_GLOBAL_SEGMENT "*"
#define TL_LEARN_KEY_MAX 160

/* One stored weight: the offset from its init, and how many samples
 * updated it (drives the learning-rate schedule and tells how much
 * evidence is behind it). */
typedef struct tl_learn_row {
    double w;
    long long n;
} tl_learn_row;

/* The customer's segment: age band × risk profile, e.g.
 * "age:30-44|risk:medium" (5 × 4 = 20 segments; "?" when unknown). `age`
 * < 0 is unknown; `risk` may be NULL. */
void tl_learn_segment(int age, const char *risk, char *buf, size_t size);

/* Feature names ("bias", "score", "p:ID", "c:CATEGORY") into names[f]. */
void tl_learn_feature_names(const char *product_id, const char *category,
                            char names[TL_LEARN_NF][TL_LEARN_KEY_MAX]);

/* Feature values for an engine score in 0..1. */
void tl_learn_features(double engine_score, double x[TL_LEARN_NF]);

/* What an event teaches. */
typedef enum tl_learn_signal {
    TL_LEARN_NEGATIVE,     /* shown (until told otherwise), or dismissed without a showing */
    TL_LEARN_POSITIVE,     /* accepted without an outstanding showing */
    TL_LEARN_FLIP,         /* accepted after a showing already counted as negative */
    TL_LEARN_CLICK,        /* clicked without an outstanding showing: weak positive */
    TL_LEARN_CLICK_FLIP,   /* clicked after a showing: a partial flip */
    TL_LEARN_NONE          /* dismissed after a showing: already a negative */
} tl_learn_signal;

/* Log-odds of acceptance for rows[layer][feature] and features x. */
double tl_learn_logit(const tl_learn_params *p, const tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF],
                      const double x[TL_LEARN_NF]);

/* One stochastic-gradient step of the regularised log-loss, in place.
 * Without a segment (consent withheld) pass has_segment = 0: only the
 * global layer learns. */
void tl_learn_step(const tl_learn_params *p, tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF],
                   int has_segment, const double x[TL_LEARN_NF], tl_learn_signal sig);

double tl_learn_sigmoid(double z);

/* ---- a read-only snapshot of all weights, for ranking ------------------- */

typedef struct tl_learn_model tl_learn_model;

/* An empty model (every weight at its init). One reference. */
tl_learn_model *tl_learn_model_new(void);
/* Adds a stored row; 0 ok, TL_ENOMEM. Only while building. */
int tl_learn_model_put(tl_learn_model *m, const char *segment, const char *feature,
                       tl_learn_row row);
void tl_learn_model_ref(tl_learn_model *m);
void tl_learn_model_unref(tl_learn_model *m);   /* accepts NULL */

/* The rows of (segment, product, category); a missing row is {0, 0}. A
 * NULL segment reads the global layer only. */
void tl_learn_model_rows(const tl_learn_model *m, const char *segment, const char *product_id,
                         const char *category, tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF]);

/* The learned preference for the product in log-odds: the product and
 * category weights of both layers, clipped to ±max_lift. 0 on a fresh
 * bank, so ranking is unchanged until feedback arrives. */
double tl_learn_lift(const tl_learn_params *p, const tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF]);

#endif
