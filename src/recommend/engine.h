/* engine.h — recommendations for one customer: needs, eligibility, held
 * products, semantic match, affordability, risk fit and feedback, ranked
 * with category diversity, each with reasons and the evidence behind them.
 *
 * One engine serves many threads: the catalogue (products, parsed
 * eligibility, embeddings) is read-only once built and rebuilt under a
 * write lock when the store's catalogue changes. */
#ifndef TL_RECOMMEND_ENGINE_H
#define TL_RECOMMEND_ENGINE_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "base/json_write.h"
#include "recommend/contact_policy.h"
#include "recommend/eligibility.h"
#include "recommend/learn.h"
#include "recommend/needs.h"
#include "recommend/rollout.h"
#include "store/store.h"

/* How the score is put together (docs/recommend.md). */
typedef struct tl_rank_weights {
    double need_match;      /* weight of the best need-to-product match */
    double post_match;      /* weight of the best post-to-product match */
    double affordability;   /* share of the score that affordability can take away */
    double risk_fit;        /* share that a risk-profile mismatch can take away */
    double feedback;        /* how far acceptance rates can move a product (+/-) */
    double category_decay;  /* each earlier pick of the same category multiplies by this */
    double min_score;       /* nothing below this is recommended */
    double learned;         /* how far the segment's learned preference (log-odds, clipped to
                               ±3) moves the score's log-odds; 0 keeps learning out of the
                               ranking (p_accept is still given) */
} tl_rank_weights;

void tl_rank_weights_default(tl_rank_weights *w);

/* Names the ranking method (weights, penalties, thresholds) in audit
 * entries; change it whenever ranking changes what it returns. */
#define TL_RANKING_VERSION "rank-2"   /* rank-2: products embedded with their eligibility text */

typedef struct tl_engine tl_engine;

/* Opens an engine with the encoder `encoder_spec` ("builtin" or a model
 * folder); the catalogue is loaded from the store on first use. Owned by the
 * caller; tl_engine_close frees it. */
int tl_engine_open(const char *encoder_spec, const tl_rank_weights *w, tl_engine **out,
                   tl_err *err);
void tl_engine_close(tl_engine *e);   /* accepts NULL */

const char *tl_engine_encoder_id(const tl_engine *e);

/* How much learned preferences move scores (tl_rank_weights.learned). */
double tl_engine_learned_weight(const tl_engine *e);

typedef struct tl_rec_opts {
    int k;                  /* 1..20, default 3 */
    int explain;            /* also list excluded products and why */
    int personalise;        /* 0: no profile analysis (the customer's stored consent
                               can only narrow this, never widen it) */
    int social;             /* 0: posts are not read (likewise) */
    const char *channel;    /* where the offers will be shown (borrowed): the contact
                               policy's caps for it apply; NULL: none apply */
    int no_evidence;        /* 1: items carry no evidence (batch scoring keeps the
                               reasons only) */
} tl_rec_opts;

#define TL_REC_MAX_REASONS 4
#define TL_REC_MAX_EVIDENCE 6

typedef struct tl_rec_item {
    const char *product_id, *name, *category;   /* borrowed from the engine's catalogue */
    double score;           /* 0..1 */
    double match;           /* semantic relevance 0..1 */
    double p_accept;        /* probability of acceptance if shown, from the segment model */
    double learned_lift;    /* the learned preference that moved the score, log-odds */
    const char *need;       /* key of the need it answers, or NULL */
    char reasons[TL_REC_MAX_REASONS][200];
    size_t n_reasons;
    char *evidence;         /* the evidence as compact JSON text, an array (malloc'd,
                               owned); NULL under no_evidence or out of memory */
} tl_rec_item;

/* A product not offered, and why. */
typedef struct tl_rec_exclusion {
    const char *product_id, *name;   /* borrowed from the result's pinned catalogue */
    const char *code;                /* the rule's code, static */
    char reason[200];
    double score;                    /* the score a below_threshold exclusion turned on,
                                        to 3 decimals; NAN for every other rule */
} tl_rec_exclusion;

typedef struct tl_rec_result {
    char customer_id[72];
    tl_needs needs;
    char profile_summary[512];
    char product_offering[640];
    tl_rec_item items[20];
    size_t n_items;
    tl_rec_exclusion *excluded;   /* with explain: the products not offered, n_excluded
                                     of them, owned; NULL without explain */
    size_t n_excluded;
    json_t *post_sentiment; /* products the posts speak of, owned */
    void *catalogue;        /* pinned catalogue: items borrow from it */
    char segment[64];       /* learning segment, "" when personalisation is off */
    long long segment_events, global_events;   /* samples behind the segment's and the
                                                  global model */
    tl_arm arm;             /* arm of the running rollout, TL_ARM_NONE when none runs */
    char rollout[TL_ROLLOUT_NAME_MAX];   /* that rollout's name, "" when none runs */
    tl_contact_block suppressed;   /* code NULL, unless the contact policy holds back every
                                      offer (a complaint, a channel's cap) */
} tl_rec_result;

/* Brings the engine's catalogue up to date with st's products, building it
 * (and storing the product embeddings it computes) when they changed. A
 * caller about to hold a read snapshot around tl_engine_recommend calls
 * this first: a build inside one stores them by upgrading it to a write
 * transaction. */
int tl_engine_warm(tl_engine *e, tl_store *st, tl_err *err);

/* Recommends for one customer. TL_ENOTFOUND for an unknown customer. The
 * result is released with tl_rec_result_free. Its reads share one snapshot,
 * or the caller's transaction when st is in one. */
int tl_engine_recommend(tl_engine *e, tl_store *st, const char *customer_id,
                        const tl_rec_opts *o, tl_rec_result *out, tl_err *err);

void tl_rec_result_free(tl_rec_result *r);

/* Learning from one feedback event ("shown", "clicked", "accepted",
 * "dismissed") of a customer about a product, in two steps:
 *
 * - prepare, before the transaction: scores the product for the customer
 *   the way ranking does (reads the view, the catalogue, maybe embeds
 *   posts) and keeps the features; product NULL or not in the catalogue
 *   gives a sample with valid = 0, which teaches nothing;
 * - apply, inside the transaction that wrote the event and only when it
 *   was new (a repeated idempotency key teaches nothing): one online step
 *   of the segment's acceptance model, read from and written to the store.
 *
 * Then, after the commit, tl_engine_learned. feedback.h does all of it. */
typedef struct tl_learn_sample {
    int valid;
    int has_segment;                             /* 0: personalisation is off */
    char segment[64];
    char features[TL_LEARN_NF][TL_LEARN_KEY_MAX];
    double x[TL_LEARN_NF];
} tl_learn_sample;

int tl_engine_learn_prepare(tl_engine *e, tl_store *st, const char *customer_id,
                            const char *product_id, tl_learn_sample *out, tl_err *err);
/* `staff`: the contact policy whose staff channels' showings were not
 * learned from (feedback.c skips them), so they are no outstanding
 * showing either; NULL for none. */
int tl_engine_learn_apply(tl_engine *e, tl_store *st, const tl_learn_sample *sm,
                          const char *customer_id, const char *product_id, const char *kind,
                          const tl_contact_policy *staff, tl_err *err);

/* Tells the engine that learned weights changed in the store: the next
 * recommendation re-reads them. */
void tl_engine_learned(tl_engine *e);

/* The API's answer, {"customer_id", "recommendations":[{product_id,name,
 * category,score,p_accept,learned_lift,need,reasons,evidence}], "needs":[…],
 * "profile_summary", "product_offering", "encoder", "products_mentioned",
 * "learning":{segment,segment_events,global_events,weight,p_accept},
 * "suppressed":{code,reason,until}|null, ["rollout":{name,arm}],
 * ["excluded":[{product_id,name,code,reason[,score]}] when r lists them]}:
 * its members written into the object w has open (the caller may add its
 * own, then closes it). src/recommend/rec_json.c writes both shapes. */
void tl_rec_result_write_members(tl_jw *w, const tl_engine *e, const tl_rec_result *r);

/* The same answer as a tree (new reference; NULL when out of memory). */
json_t *tl_rec_result_to_json(const tl_engine *e, const tl_rec_result *r);

/* The prototype's /product_recommendations shape: {"profile", "recommended":
 * [{Product_Name, Product_Category, Similarity}], "products_sentiment": […],
 * "products": [{Product_Name, Reason}]}: its members into the open object
 * of w. */
void tl_rec_result_write_prototype_members(tl_jw *w, const tl_rec_result *r);

/* How close in meaning texts are to the products of the current catalogue,
 * as the engine's semantic match sees them: the cosine of each text's
 * embedding with each product's (the same product text and encoder the
 * ranking uses). For offline evaluation of the encoder on a bank's own
 * catalogue (`tailor eval matching`). */
typedef struct tl_product_sims {
    size_t n_texts, n_products;
    char **ids;     /* n_products product ids, owned */
    char **names;   /* their names, owned */
    char **categories;   /* their categories, owned */
    float *sim;     /* n_texts × n_products, row per text, owned */
} tl_product_sims;

int tl_engine_product_sims(tl_engine *e, tl_store *st, const char *const *texts, size_t n,
                           tl_product_sims *out, tl_err *err);
void tl_product_sims_free(tl_product_sims *s);   /* accepts a zeroed or freed struct */

/* The indices of text t's k most similar products (all of them when k is
 * n_products or more), best first, ties in catalogue order, into order[];
 * returns how many. */
size_t tl_product_sims_best(const tl_product_sims *s, size_t t, size_t k, size_t *order);

/* Parsed eligibility of a product of the current catalogue, as JSON (new
 * reference), or NULL when the product is unknown. */
json_t *tl_engine_product_rules(tl_engine *e, tl_store *st, const char *product_id, tl_err *err);

#endif
