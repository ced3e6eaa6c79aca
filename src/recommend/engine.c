/* engine.c — ranking products for one customer. */
#include "recommend/engine.h"
#include "recommend/catalogue.h"
#include "recommend/embed_cache.h"
#include "recommend/learn.h"
#include "recommend/rollout.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json_write.h"
#include "base/str.h"
#include "base/vec.h"
#include "encoder/encoder.h"
#include "store/consent.h"
#include "store/events.h"
#include "store/learned.h"
#include "store/optouts.h"
#include "store/products.h"
#include "store/rollouts.h"

struct tl_engine {
    tl_encoder *enc;
    int enc_thread_safe;        /* the built-in encoder is; a model folder's may not be */
    pthread_mutex_t enc_lock;
    float *need_vecs;           /* TL_NEED_COUNT * dim */
    tl_rank_weights w;
    pthread_mutex_t cat_lock;   /* guards `cat` swaps */
    tl_catalogue *cat;
    time_t cat_built;           /* when `cat` was built: feedback rates age */
    tl_learn_params lp;
    pthread_mutex_t learn_lock; /* guards `model` swaps */
    tl_learn_model *model;      /* snapshot of the learned weights, NULL until first use */
    time_t model_built;
    unsigned model_gen;         /* learn_gen when `model` was read */
    atomic_uint learn_gen;      /* bumped after each committed update */
    tl_embed_cache *posts;      /* posts' embeddings by text, for this encoder */
};

/* Posts whose embeddings are kept: 8 MB at the built-in encoder's 512
 * dimensions. */
#define TL_POST_CACHE_SLOTS 4096

/* Acceptance and dismissal rates are folded into the catalogue; rebuilding
 * it this often keeps them current (embeddings come from the store's cache,
 * so a rebuild costs milliseconds). */
#define TL_FEEDBACK_REFRESH_S 60

void tl_rank_weights_default(tl_rank_weights *w)
{
    w->need_match = 0.9;
    w->post_match = 0.8;
    w->affordability = 0.4;
    w->risk_fit = 0.5;
    w->feedback = 0.2;
    w->category_decay = 0.75;
    w->min_score = 0.2;
    w->learned = 1.0;
}

int tl_engine_open(const char *encoder_spec, const tl_rank_weights *w, tl_engine **out,
                   tl_err *err)
{
    tl_engine *e = calloc(1, sizeof *e);
    if (!e)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    if (w)
        e->w = *w;
    else
        tl_rank_weights_default(&e->w);
    int rc = tl_encoder_open(encoder_spec, &e->enc, err);
    if (rc)
        goto fail;
    e->enc_thread_safe = strncmp(tl_encoder_id(e->enc), "builtin", 7) == 0;
    pthread_mutex_init(&e->enc_lock, NULL);
    pthread_mutex_init(&e->cat_lock, NULL);
    pthread_mutex_init(&e->learn_lock, NULL);
    tl_learn_params_default(&e->lp);
    atomic_init(&e->learn_gen, 0);
    e->need_vecs = malloc(TL_NEED_COUNT * tl_encoder_dim(e->enc) * sizeof(float));
    if (!e->need_vecs) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto fail_locks;
    }
    if ((rc = tl_needs_embed_taxonomy(e->enc, e->need_vecs, err)) ||
        (rc = tl_embed_cache_new(TL_POST_CACHE_SLOTS, tl_encoder_dim(e->enc), &e->posts, err)))
        goto fail_locks;
    *out = e;
    return TL_OK;
fail_locks:
    pthread_mutex_destroy(&e->enc_lock);
    pthread_mutex_destroy(&e->cat_lock);
    pthread_mutex_destroy(&e->learn_lock);
    free(e->need_vecs);
    tl_embed_cache_free(e->posts);
    tl_encoder_close(e->enc);
fail:
    free(e);
    return rc;
}

void tl_engine_close(tl_engine *e)
{
    if (!e)
        return;
    tl_catalogue_unref(e->cat);
    tl_learn_model_unref(e->model);
    tl_embed_cache_free(e->posts);
    free(e->need_vecs);
    tl_encoder_close(e->enc);
    pthread_mutex_destroy(&e->enc_lock);
    pthread_mutex_destroy(&e->cat_lock);
    pthread_mutex_destroy(&e->learn_lock);
    free(e);
}

const char *tl_engine_encoder_id(const tl_engine *e)
{
    return tl_encoder_id(e->enc);
}

double tl_engine_learned_weight(const tl_engine *e)
{
    return e->w.learned;
}

static int embed(tl_engine *e, const char *const *texts, size_t n, float *out, tl_err *err)
{
    if (e->enc_thread_safe)
        return tl_encoder_embed(e->enc, texts, n, out, err);
    pthread_mutex_lock(&e->enc_lock);
    int rc = tl_encoder_embed(e->enc, texts, n, out, err);
    pthread_mutex_unlock(&e->enc_lock);
    return rc;
}

/* Embeds posts (n at most TL_VIEW_MAX_POSTS) into out, each from the
 * cache when seen before; the rest in one call to the encoder. */
static int embed_posts(tl_engine *e, const char *const *texts, size_t n, float *out, tl_err *err)
{
    size_t dim = tl_encoder_dim(e->enc), missing[TL_VIEW_MAX_POSTS], n_missing = 0;
    const char *miss_texts[TL_VIEW_MAX_POSTS];
    for (size_t i = 0; i < n; i++)
        if (!tl_embed_cache_get(e->posts, texts[i], out + i * dim)) {
            missing[n_missing] = i;
            miss_texts[n_missing++] = texts[i];
        }
    if (!n_missing)
        return TL_OK;
    float *fresh = malloc(n_missing * dim * sizeof *fresh);
    if (!fresh)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    int rc = embed(e, miss_texts, n_missing, fresh, err);
    for (size_t k = 0; !rc && k < n_missing; k++) {
        memcpy(out + missing[k] * dim, fresh + k * dim, dim * sizeof *fresh);
        tl_embed_cache_put(e->posts, miss_texts[k], fresh + k * dim);
    }
    free(fresh);
    return rc;
}

/* Returns a reference to a catalogue matching the store's current one,
 * rebuilding it when the products changed. */
static int current_catalogue(tl_engine *e, tl_store *st, tl_catalogue **out, tl_err *err)
{
    char stamp[96];
    int rc = tl_store_products_stamp(st, stamp, sizeof stamp, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&e->cat_lock);
    if (e->cat && strcmp(e->cat->stamp, stamp) == 0 &&
        time(NULL) - e->cat_built < TL_FEEDBACK_REFRESH_S) {
        tl_catalogue_ref(e->cat);
        *out = e->cat;
        pthread_mutex_unlock(&e->cat_lock);
        return TL_OK;
    }
    /* Built under the lock: concurrent requests wait for one build rather
     * than all embedding the catalogue at once. */
    tl_catalogue *c;
    if (!e->enc_thread_safe)
        pthread_mutex_lock(&e->enc_lock);
    rc = tl_catalogue_build(st, e->enc, e->need_vecs, e->w.feedback, &c, err);
    if (!e->enc_thread_safe)
        pthread_mutex_unlock(&e->enc_lock);
    if (!rc) {
        tl_catalogue_unref(e->cat);
        e->cat = c;
        e->cat_built = time(NULL);
        tl_catalogue_ref(c);
        *out = c;
    }
    pthread_mutex_unlock(&e->cat_lock);
    return rc;
}

/* Weights written by other processes sharing the store are picked up at
 * least this often; this process's own updates at once (learn_gen). */
#define TL_LEARN_REFRESH_S 60

typedef struct model_load {
    tl_learn_model *m;
    int failed;
} model_load;

static int put_row(void *ctx, const char *segment, const char *feature, double w, long long n)
{
    model_load *l = ctx;
    l->failed = tl_learn_model_put(l->m, segment, feature, (tl_learn_row){w, n}) == TL_ENOMEM;
    return l->failed;
}

/* Returns a reference to a snapshot of the learned weights, re-read from
 * the store after an update or when it is old. */
static int current_model(tl_engine *e, tl_store *st, tl_learn_model **out, tl_err *err)
{
    unsigned gen = atomic_load(&e->learn_gen);
    pthread_mutex_lock(&e->learn_lock);
    if (e->model && e->model_gen == gen && time(NULL) - e->model_built < TL_LEARN_REFRESH_S) {
        tl_learn_model_ref(e->model);
        *out = e->model;
        pthread_mutex_unlock(&e->learn_lock);
        return TL_OK;
    }
    int rc = TL_OK;
    model_load l = {tl_learn_model_new(), 0};
    tl_learn_model *m = l.m;
    if (!m)
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
    if (!rc && (rc = tl_store_learned_each(st, put_row, &l, err)) == TL_OK && l.failed)
        rc = tl_err_set(err, TL_ENOMEM, "out of memory reading learned weights");
    if (rc) {
        tl_learn_model_unref(m);
    } else {
        tl_learn_model_unref(e->model);
        e->model = m;
        e->model_gen = gen;
        e->model_built = time(NULL);
        tl_learn_model_ref(m);
        *out = m;
    }
    pthread_mutex_unlock(&e->learn_lock);
    return rc;
}

void tl_engine_learned(tl_engine *e)
{
    atomic_fetch_add(&e->learn_gen, 1);
}

/* ---- scoring -------------------------------------------------------------- */

static void applicant_from_view(const tl_customer_view *v, tl_applicant *a)
{
    tl_applicant_init(a);
    a->age = v->customer.age;
    a->balance = v->customer.balance;
    a->monthly_income = v->insights.income_estimate;
    a->country = v->customer.country;
    a->currency = v->customer.currency;
    char buf[64];
    const char *vat = tl_view_field(v, "VATUserStatus", buf, sizeof buf);
    if (*vat)
        a->is_business = tl_strcaseeq(vat, "yes");
    const char *emp = tl_view_field(v, "employment", buf, sizeof buf);
    if (tl_strcaseeq(emp, "salaried") || tl_strcaseeq(emp, "employed"))
        a->employment = TL_JOB_SALARIED;
    else if (tl_strcaseeq(emp, "self-employed") || tl_strcaseeq(emp, "business owner")) {
        a->employment = TL_JOB_SELF_EMPLOYED;
        a->is_business = 1;
    } else if (tl_strcaseeq(emp, "student")) {
        a->is_student = 1;
        a->employment = TL_JOB_NONE;
    } else if (tl_strcaseeq(emp, "retired") || tl_strcaseeq(emp, "unemployed"))
        a->employment = TL_JOB_NONE;
    double score;
    const char *cs = tl_view_field(v, "credit_score", buf, sizeof buf);
    if (*cs && tl_parse_double(cs, false, &score)) {
        a->credit_score = (int)score;
        a->credit_tier = score >= 740   ? TL_CREDIT_EXCELLENT
                         : score >= 670 ? TL_CREDIT_GOOD
                         : score >= 580 ? TL_CREDIT_FAIR
                                        : TL_CREDIT_POOR;
    }
    const char *res = tl_view_field(v, "resident", buf, sizeof buf);
    if (*res)
        a->is_resident = tl_strcaseeq(res, "yes") || tl_strcaseeq(res, "true") ||
                         tl_strcaseeq(res, "1");
}

/* Does the post name the product (its full name, case-insensitive)? */
static int post_names(const char *post, const char *name)
{
    return *name && strcasestr(post, name) != NULL;
}

typedef struct cand {
    size_t idx;
    double score, relevance, afford, risk;
    double base;         /* relevance × affordability × risk, before feedback and learning */
    double p_accept;     /* the segment model's acceptance probability */
    double lift;         /* learned product and category preference, log-odds */
    int need;            /* best need index into needs->needs, -1 none */
    int post;            /* best post, -1 none */
    double need_part, post_part;
    tl_verdict verdict;
} cand;

static int by_score(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static double affordability(const tl_cat_product *p, const tl_customer_view *v, double *ratio)
{
    *ratio = NAN;
    double monthly = v->insights.income_estimate;
    if (isnan(monthly) || monthly <= 0)
        monthly = v->insights.avg_monthly_spend;
    double a = 1.0;
    if (p->fee_known && p->annual_fee > 0 && !isnan(monthly) && monthly > 0) {
        *ratio = p->annual_fee / (12.0 * monthly);
        if (*ratio > 0.005)
            a = fmax(0.0, 1.0 - (*ratio - 0.005) / 0.045);
    }
    if (p->is_credit && !isnan(v->insights.savings_rate) && v->insights.savings_rate < -0.1)
        a = fmin(a, 0.5);
    return a;
}

static double risk_fit(const tl_cat_product *p, const char *profile)
{
    if (!p->risk_level || !profile)
        return 1.0;
    if (tl_strcaseeq(profile, "low"))
        return p->risk_level >= 3 ? 0.2 : p->risk_level == 2 ? 0.7 : 1.0;
    if (tl_strcaseeq(profile, "medium"))
        return p->risk_level >= 3 ? 0.8 : 1.0;
    if (tl_strcaseeq(profile, "high"))
        return p->risk_level == 1 ? 0.8 : 1.0;
    return 1.0;
}

/* Evidence entries, written straight as JSON text (a jansson tree per
 * item was 6% of batch scoring); each does nothing when w is NULL (no
 * evidence asked for). An entry with a number that is not finite is left
 * out, as jansson's json_pack left it out before. */
/* Opens an entry {"type": type, ...}; false (nothing written) without a
 * writer. The caller writes its members and closes it with '}'. */
static bool ev_open(tl_jw *w, const char *type)
{
    if (!w)
        return false;
    tl_jw_object(w);
    tl_jw_key_str(w, "type", type);
    return true;
}

static void ev_text(tl_jw *w, const char *type, const char *text)
{
    if (!ev_open(w, type))
        return;
    tl_jw_key_str(w, "text", text);
    tl_jw_end(w, '}');
}

static void ev_need(tl_jw *w, const char *key, double strength)
{
    if (!isfinite(strength) || !ev_open(w, "need"))
        return;
    tl_jw_key_str(w, "need", key);
    tl_jw_key_real(w, "strength", strength);
    tl_jw_end(w, '}');
}

static void ev_rule(tl_jw *w, const char *code, const char *description, int checked)
{
    if (!ev_open(w, "rule"))
        return;
    tl_jw_key_str(w, "code", code);
    tl_jw_key_str(w, "description", description);
    tl_jw_key_bool(w, "checked", checked);
    tl_jw_end(w, '}');
}

static void ev_affordability(tl_jw *w, double annual_fee, double share_of_monthly)
{
    if (!isfinite(annual_fee) || !isfinite(share_of_monthly) || !ev_open(w, "affordability"))
        return;
    tl_jw_key_real(w, "annual_fee", annual_fee);
    tl_jw_key_real(w, "share_of_monthly", share_of_monthly);
    tl_jw_end(w, '}');
}

static void ev_risk_fit(tl_jw *w, const char *risk_profile, int product_risk)
{
    if (!ev_open(w, "risk_fit"))
        return;
    tl_jw_key_str(w, "risk_profile", risk_profile);
    tl_jw_key_int(w, "product_risk", product_risk);
    tl_jw_end(w, '}');
}

static void add_reason(tl_rec_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_reason(tl_rec_item *it, const char *fmt, ...)
{
    if (it->n_reasons >= TL_REC_MAX_REASONS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->reasons[it->n_reasons++], sizeof it->reasons[0], fmt, ap);
    va_end(ap);
}

/* Reasons in plain language, and (with `evidence`) the evidence behind
 * each. */
static void explain(const tl_cat_product *p, const cand *c, const tl_customer_view *v,
                    const tl_needs *needs, double fee_ratio, int evidence, tl_rec_item *it)
{
    tl_buf text;
    tl_jw jw, *w = evidence ? &jw : NULL;
    tl_buf_init(&text, (size_t)1 << 20);
    tl_jw_init(&jw, &text);
    if (w)
        tl_jw_array(w);
    if (c->need >= 0 && c->need_part >= c->post_part) {
        const tl_need *n = &needs->needs[c->need];
        const tl_need_def *d = tl_need_def_get(n->id);
        it->need = d->key;
        const tl_evidence *top = n->n_evidence ? &n->evidence[0] : NULL;
        if (top && top->kind == TL_EV_POST)
            add_reason(it, "Fits your interest in %s: you wrote \"%.120s\"", d->label, top->text);
        else if (top)
            add_reason(it, "Fits your likely need for %s (%.120s)", d->label, top->text);
        ev_need(w, d->key, round(n->strength * 1000) / 1000);
        for (size_t i = 0; i < n->n_evidence; i++) {
            static const char *const kinds[] = {"post", "figure", "field", "holding"};
            ev_text(w, kinds[n->evidence[i].kind], n->evidence[i].text);
        }
    }
    if (c->post >= 0 && c->post_part > 0.3) {
        const char *post = v->posts[c->post].text;
        if (c->post_part > c->need_part || !it->n_reasons)
            add_reason(it, "Matches what you wrote: \"%.140s\"", post);
        ev_text(w, "post", post);
    }
    /* Eligibility: what was checked, and what could not be. */
    const tl_verdict *vd = &c->verdict;
    char desc[128];
    for (size_t i = 0; i < p->elig.n_rules; i++) {
        const tl_rule *r = &p->elig.rules[i];
        int caveat = 0;
        for (size_t k = 0; k < vd->n_caveats; k++)
            caveat |= vd->caveats[k] == r;
        if (w) {
            tl_rule_describe(r, desc, sizeof desc);
            ev_rule(w, tl_rule_code(r->kind), desc, !caveat);
        }
    }
    if (p->elig.n_rules && v->customer.age >= 0 && vd->n_caveats < p->elig.n_rules) {
        const tl_rule *shown = NULL;
        for (size_t i = 0; i < p->elig.n_rules && !shown; i++)
            if (p->elig.rules[i].kind == TL_RULE_MIN_AGE || p->elig.rules[i].kind == TL_RULE_MAX_AGE)
                shown = &p->elig.rules[i];
        if (shown) {
            tl_rule_describe(shown, desc, sizeof desc);
            add_reason(it, "You meet the eligibility rules (%s; you are %d)", desc,
                       v->customer.age);
        }
    }
    if (p->fee_known && p->annual_fee == 0)
        add_reason(it, "No annual fee");
    else if (!isnan(fee_ratio))
        add_reason(it, "Annual fee up to %.0f, about %.1f%% of a month's income or spending",
                   p->annual_fee, 100 * fee_ratio * 12);
    if (!isnan(fee_ratio))
        ev_affordability(w, p->annual_fee, round(fee_ratio * 12 * 1000) / 1000);
    if (p->risk_level && v->customer.risk_profile) {
        add_reason(it, "Suits your %s risk profile", v->customer.risk_profile);
        ev_risk_fit(w, v->customer.risk_profile, p->risk_level);
    }
    if (!it->n_reasons)
        add_reason(it, "A widely used %s that suits your profile", p->category);
    if (w)
        tl_jw_end(w, ']');
    if (w && !jw.rc)
        it->evidence = text.data; /* the item owns it now */
    else
        tl_buf_free(&text);
}

typedef struct contact_feed {
    tl_contact *c;
    tl_err *err;
} contact_feed;

/* Feeds the customer's recent events to the contact policy; a failure
 * (negative) stops the visit and is returned by it. */
static int feed_contact(void *ctx, const char *product_id, const char *kind,
                        const char *channel, const char *at)
{
    contact_feed *f = ctx;
    return tl_contact_feed(f->c, product_id, kind, channel, at, f->err);
}

/* Reads the policy and the customer's events inside its longest window.
 * A customer with more events than that in the window is judged on the
 * newest TL_CONTACT_EVENTS_MAX. */
#define TL_CONTACT_EVENTS_MAX 5000
static int contact_open(tl_store *st, const char *customer_id, const char *channel,
                        tl_contact_policy *p, tl_contact *c, tl_err *err)
{
    int rc = tl_contact_policy_load(st, p, err);
    if (rc)
        return rc;
    time_t now = time(NULL);
    tl_contact_init(c, p, channel, now);
    if (channel) {
        /* The channel's own opt-out, else one from every channel. */
        bool out, every;
        char since[32];
        if ((rc = tl_store_optout_find(st, customer_id, channel, &out, &every, since,
                                       sizeof since, err)))
            return rc;
        if (out)
            tl_contact_opted_out(c, every ? TL_CONTACT_EVERY_CHANNEL : channel, since);
    }
    int days = tl_contact_horizon_days(p, channel);
    char since[TL_ISOTIME_LEN + 1];
    if (!days || !tl_isotime_format(now - (time_t)days * 86400, since))
        return TL_OK;
    contact_feed f = {c, err};
    return tl_store_events_recent(st, customer_id, since, TL_CONTACT_EVENTS_MAX, feed_contact,
                                  &f, err);
}

/* Records why p is not offered when the result lists exclusions; `score`
 * (NAN for none) is the figure a threshold exclusion turned on, kept for
 * the audit. The list has room for every product of the catalogue. */
static void exclude(tl_rec_result *r, const tl_cat_product *p, const char *code,
                    const char *reason, double score)
{
    if (!r->excluded)
        return;
    tl_rec_exclusion *x = &r->excluded[r->n_excluded++];
    x->product_id = p->id;
    x->name = p->name;
    x->code = code;
    tl_strlcpy(x->reason, reason, sizeof x->reason);
    x->score = isnan(score) ? NAN : round(score * 1000) / 1000;
}

/* Products the customer's posts name, with how the post feels about them.
 * Every post is matched against every product: both sides in lower case
 * (the catalogue keeps its names so), then strstr. */
static json_t *post_sentiment(const tl_catalogue *cat, const tl_customer_view *v)
{
    json_t *arr = json_array();
    char *lower[TL_VIEW_MAX_POSTS] = {0};
    size_t lower_len[TL_VIEW_MAX_POSTS];
    for (size_t k = 0; k < v->n_posts; k++) {
        if (!(lower[k] = tl_ascii_lower_dup(v->posts[k].text)))
            goto done;
        lower_len[k] = strlen(lower[k]);
    }
    for (size_t i = 0; i < cat->n; i++) {
        const tl_cat_product *p = &cat->products[i];
        size_t name_len = strlen(p->name_lower);
        for (size_t k = 0; k < v->n_posts; k++) {
            if (!name_len || !tl_str_find(lower[k], lower_len[k], p->name_lower, name_len))
                continue;
            const tl_sentiment *s = &v->posts[k].sentiment;
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:f, s:s}", "product_id", p->id, "name", p->name,
                               "sentiment", s->label, "score", round(s->score * 1000) / 1000,
                               "post", v->posts[k].text));
            break;
        }
    }
done:
    for (size_t k = 0; k < v->n_posts; k++)
        free(lower[k]);
    return arr;
}

/* What one request knows about a customer: the view, the catalogue, the
 * posts' embeddings and similarities, and the needs. Shared by ranking and
 * by learning from an event, so both score a product the same way. */
typedef struct rank_ctx {
    tl_customer_view v;
    int have_view;
    tl_catalogue *cat;          /* one reference */
    float *post_vecs;           /* posts x dim, NULL without posts */
    float *post_sims;           /* posts x products */
    float post_best[TL_VIEW_MAX_POSTS];
    int personalise, social;
    tl_arm arm;                 /* the customer's arm of the running rollout */
    char rollout[TL_ROLLOUT_NAME_MAX];   /* its name, "" when none runs */
    tl_needs *needs;            /* borrowed from the caller */
} rank_ctx;

static void ctx_close(rank_ctx *c)
{
    free(c->post_sims);
    free(c->post_vecs);
    tl_catalogue_unref(c->cat);
    if (c->have_view)
        tl_view_free(&c->v);
    memset(c, 0, sizeof *c);
}

/* `cat` is a catalogue reference the context takes over (released by
 * ctx_close, or here on failure); NULL: the engine's current one. */
static int ctx_open(tl_engine *e, tl_store *st, const char *customer_id, const tl_rec_opts *o,
                    tl_catalogue *cat, tl_needs *needs, rank_ctx *c, tl_err *err)
{
    memset(c, 0, sizeof *c);
    c->cat = cat;
    c->needs = needs;
    memset(needs, 0, sizeof *needs);
    /* The customer's consent is enforced here, for every caller: without
     * personalisation no profile analysis, without social data no posts
     * are even read. */
    tl_consent consent;
    int rc = tl_store_consent_get(st, customer_id, &consent, err);
    if (rc)
        goto fail;
    /* A running rollout holds its control arm to what a customer without
     * consent to personalisation gets, so the two arms differ in
     * personalisation alone. */
    tl_rollout ro;
    bool rolling;
    if ((rc = tl_store_rollout_active(st, &ro, &rolling, err)))
        goto fail;
    c->arm = tl_rollout_arm(rolling ? &ro : NULL, customer_id);
    if (rolling)
        tl_strlcpy(c->rollout, ro.name, sizeof c->rollout);
    c->personalise = (!o || o->personalise) && consent.personalisation &&
                     c->arm != TL_ARM_CONTROL;
    c->social = (!o || o->social) && consent.social_data && c->personalise;
    if ((rc = tl_view_load(st, customer_id, c->social, &c->v, err)))
        goto fail;
    c->have_view = 1;
    if (!c->cat && (rc = current_catalogue(e, st, &c->cat, err)))
        goto fail;
    size_t dim = c->cat->dim;
    if (c->personalise && c->v.n_posts) {
        const char *texts[TL_VIEW_MAX_POSTS];
        for (size_t i = 0; i < c->v.n_posts; i++)
            texts[i] = c->v.posts[i].text;
        c->post_vecs = malloc(c->v.n_posts * dim * sizeof(float));
        if (!c->post_vecs) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto fail;
        }
        if ((rc = embed_posts(e, texts, c->v.n_posts, c->post_vecs, err)))
            goto fail;
    }
    if (c->personalise)
        tl_needs_analyse(&c->v, e->need_vecs, c->post_vecs, dim, needs);
    /* Post-to-product similarities, computed once, and each post's best,
     * so a match is judged relative to what the post is closest to. */
    if (c->post_vecs && c->cat->n) {
        c->post_sims = malloc(c->v.n_posts * c->cat->n * sizeof *c->post_sims);
        if (!c->post_sims) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t q = 0; q < c->v.n_posts; q++)
            for (size_t i = 0; i < c->cat->n; i++) {
                float s = tl_vec_dot(c->post_vecs + q * dim, c->cat->products[i].vec, dim);
                c->post_sims[q * c->cat->n + i] = s;
                if (s > c->post_best[q])
                    c->post_best[q] = s;
            }
    }
    return TL_OK;
fail:
    ctx_close(c);
    return rc;
}

/* The engine's own score of catalogue product i, before feedback and
 * learning: relevance × affordability × risk fit. Fills everything of `c`
 * except verdict. */
static void score_components(const tl_engine *e, const rank_ctx *x, size_t i, cand *c)
{
    const tl_cat_product *p = &x->cat->products[i];
    const tl_customer_view *v = &x->v;
    c->idx = i;
    c->need = -1;
    c->post = -1;
    c->need_part = c->post_part = 0;
    for (size_t n = 0; n < x->needs->n; n++) {
        double part = x->needs->needs[n].strength * p->need_aff[x->needs->needs[n].id];
        part *= part > 0 ? p->need_aff[x->needs->needs[n].id] : 0; /* favour close fits */
        if (part > c->need_part) {
            c->need_part = part;
            c->need = (int)n;
        }
    }
    for (size_t q = 0; x->post_vecs && q < v->n_posts; q++) {
        if (x->post_best[q] <= 0)
            continue;
        /* A complaint about this very product, or its kind, is no reason
         * to offer it. */
        if (v->posts[q].sentiment.polarity < 0 &&
            (post_names(v->posts[q].text, p->name) || post_names(v->posts[q].text, p->category)))
            continue;
        double rel = x->post_sims[q * x->cat->n + i] / x->post_best[q];
        rel = rel > 0 ? rel * rel : 0;
        if (rel > c->post_part) {
            c->post_part = rel;
            c->post = (int)q;
        }
    }
    c->need_part *= e->w.need_match;
    c->post_part *= e->w.post_match;
    if (x->personalise)
        c->relevance = 1.0 - (1.0 - c->need_part) * (1.0 - c->post_part);
    else
        c->relevance = 0.3 + 0.2 * (p->risk_level <= 1);
    double ratio;
    c->afford = affordability(p, v, &ratio);
    c->risk = risk_fit(p, v->customer.risk_profile);
    c->base = c->relevance * (1.0 - e->w.affordability * (1.0 - c->afford)) *
              (1.0 - e->w.risk_fit * (1.0 - c->risk));
    if (c->base > 1)
        c->base = 1;
}

/* The customer's segment for learning, or NULL when personalisation is
 * off (then only the global layer applies). */
static const char *ctx_segment(const rank_ctx *x, char *buf, size_t size)
{
    if (!x->personalise)
        return NULL;
    tl_learn_segment(x->v.customer.age, x->v.customer.risk_profile, buf, size);
    return buf;
}

static double clamp_prob(double p)
{
    return p < 1e-6 ? 1e-6 : p > 1 - 1e-6 ? 1 - 1e-6 : p;
}

int tl_engine_warm(tl_engine *e, tl_store *st, tl_err *err)
{
    tl_catalogue *cat;
    int rc = current_catalogue(e, st, &cat, err);
    if (!rc)
        tl_catalogue_unref(cat);
    return rc;
}

/* `cat`: the catalogue reference recommend_in takes over (see ctx_open). */
static int recommend_in(tl_engine *e, tl_store *st, const char *customer_id,
                        const tl_rec_opts *o, tl_catalogue *cat, tl_rec_result *out,
                        tl_err *err)
{
    memset(out, 0, sizeof *out);
    tl_strlcpy(out->customer_id, customer_id, sizeof out->customer_id);
    int k = o && o->k > 0 ? (o->k > 20 ? 20 : o->k) : 3;
    rank_ctx x;
    cand *cands = NULL;
    tl_learn_model *model = NULL;
    tl_contact_policy policy;
    tl_contact contact = {0};   /* freed at done: safe while zeroed */
    int rc = ctx_open(e, st, customer_id, o, cat, &out->needs, &x, err);
    if (rc)
        return rc;
    cat = x.cat;
    tl_catalogue_ref(cat);
    out->catalogue = cat;
    out->arm = x.arm;
    tl_strlcpy(out->rollout, x.rollout, sizeof out->rollout);
    const tl_customer_view *v = &x.v;
    if (x.personalise) {
        tl_needs_summarise(v, &out->needs, out->profile_summary, sizeof out->profile_summary,
                           out->product_offering, sizeof out->product_offering);
    } else if (x.arm == TL_ARM_CONTROL) {
        snprintf(out->profile_summary, sizeof out->profile_summary,
                 "In the control group of rollout %s: not personalised, so that the rollout "
                 "can measure what personalisation adds.", x.rollout);
        snprintf(out->product_offering, sizeof out->product_offering,
                 "Generally suitable products only; no profile analysis.");
    } else {
        snprintf(out->profile_summary, sizeof out->profile_summary,
                 "Personalisation is switched off for this customer.");
        snprintf(out->product_offering, sizeof out->product_offering,
                 "Generally suitable products only; no profile analysis.");
    }
    if ((rc = current_model(e, st, &model, err)))
        goto done;
    const char *segment = ctx_segment(&x, out->segment, sizeof out->segment);
    if (!segment)
        out->segment[0] = '\0';
    {
        /* How many samples stand behind the segment's and the global
         * estimates: the bias weights' counts. */
        tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
        tl_learn_model_rows(model, segment, "", "", rows);
        out->segment_events = segment ? rows[TL_LEARN_SEGMENT][TL_LEARN_BIAS].n : 0;
        out->global_events = rows[TL_LEARN_GLOBAL][TL_LEARN_BIAS].n;
    }
    /* The contact policy: dismissals, rested products, complaints and the
     * channel's cap count at once. */
    if ((rc = contact_open(st, customer_id, o ? o->channel : NULL, &policy, &contact, err)))
        goto done;
    tl_applicant app;
    applicant_from_view(v, &app);
    cands = calloc(cat->n ? cat->n : 1, sizeof *cands);
    if (o && o->explain)
        out->excluded = malloc((cat->n ? cat->n : 1) * sizeof *out->excluded);
    if (!cands || (o && o->explain && !out->excluded)) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    size_t nc = 0;
    int suppressed = tl_contact_customer_blocked(&contact, &out->suppressed);
    for (size_t i = 0; i < cat->n; i++) {
        const tl_cat_product *p = &cat->products[i];
        if (tl_view_holds(v, p->id)) {
            exclude(out, p, "held", "the customer already holds this product", NAN);
            continue;
        }
        tl_contact_block block;
        if (suppressed || tl_contact_product_blocked(&contact, p->id, &block)) {
            const tl_contact_block *b = suppressed ? &out->suppressed : &block;
            exclude(out, p, b->code, b->reason, NAN);
            continue;
        }
        cand *c = &cands[nc];
        /* Why a product is excluded is read only when the result lists
         * exclusions (the server always does, for the audit). */
        if (out->excluded)
            tl_eligibility_check(&p->elig, &app, NULL, &c->verdict);
        else
            tl_eligibility_decide(&p->elig, &app, NULL, &c->verdict);
        if (!c->verdict.eligible) {
            exclude(out, p, c->verdict.code, c->verdict.reason, NAN);
            continue;
        }
        score_components(e, &x, i, c);
        /* Learned: the segment's acceptance model gives p_accept, and its
         * product and category weights (log-odds) move the score. */
        tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
        tl_learn_model_rows(model, segment, p->id, p->category, rows);
        double fx[TL_LEARN_NF];
        tl_learn_features(c->base, fx);
        c->p_accept = tl_learn_sigmoid(tl_learn_logit(&e->lp, rows, fx));
        c->lift = tl_learn_lift(&e->lp, rows);
        c->score = c->base * p->feedback;
        if (c->score > 1)
            c->score = 1;
        if (c->lift != 0 && e->w.learned != 0) {
            double s = clamp_prob(c->score);
            c->score = tl_learn_sigmoid(log(s / (1 - s)) + e->w.learned * c->lift);
        }
        nc++;
    }
    qsort(cands, nc, sizeof *cands, by_score);
    /* Greedy picks with a penalty per earlier pick of the same category. */
    int picked[20];
    size_t np = 0;
    char used[64] = {0};
    for (size_t round = 0; round < (size_t)k && np < (size_t)k; round++) {
        double best = -1;
        size_t bi = 0;
        for (size_t i = 0; i < nc && i < 64; i++) {
            if (used[i])
                continue;
            double s = cands[i].score;
            for (size_t j = 0; j < np; j++)
                if (strcmp(cat->products[cands[picked[j]].idx].category,
                           cat->products[cands[i].idx].category) == 0)
                    s *= e->w.category_decay;
            if (s > best) {
                best = s;
                bi = i;
            }
        }
        if (best < e->w.min_score)
            break;
        used[bi] = 1;
        picked[np++] = (int)bi;
    }
    for (size_t j = 0; j < np; j++) {
        const cand *c = &cands[picked[j]];
        const tl_cat_product *p = &cat->products[c->idx];
        tl_rec_item *it = &out->items[out->n_items++];
        it->product_id = p->id;
        it->name = p->name;
        it->category = p->category;
        it->score = round(c->score * 1000) / 1000;
        it->match = c->relevance;
        it->p_accept = round(c->p_accept * 10000) / 10000;
        it->learned_lift = round(c->lift * 1000) / 1000;
        double ratio;
        affordability(p, v, &ratio);
        explain(p, c, v, &out->needs, ratio, !o->no_evidence, it);
    }
    if (out->excluded) {
        for (size_t i = 0; i < nc; i++)
            if (cands[i].score < e->w.min_score) {
                char reason[96];
                snprintf(reason, sizeof reason, "score %.3f is below the minimum %.2f",
                         cands[i].score, e->w.min_score);
                exclude(out, &cat->products[cands[i].idx], "below_threshold", reason,
                        cands[i].score);
            }
    }
    out->post_sentiment = post_sentiment(cat, v);
done:
    free(cands);
    tl_contact_free(&contact);
    tl_learn_model_unref(model);
    ctx_close(&x);
    if (rc) {
        tl_rec_result_free(out);
    }
    return rc;
}

int tl_engine_recommend(tl_engine *e, tl_store *st, const char *customer_id,
                        const tl_rec_opts *o, tl_rec_result *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    /* The catalogue first, outside the snapshot below, since a rebuild
     * stores embeddings (as tl_engine_warm); the request then uses it. */
    tl_catalogue *cat;
    int rc = current_catalogue(e, st, &cat, err);
    if (rc)
        return rc;
    /* The request's dozen reads (consent, rollout, the customer, posts,
     * holdings, contact history, ...) share one snapshot: one lock instead
     * of one per statement (a recommendation for the seed's first customer
     * went from 168-180 to 140-151 microseconds), and one consistent
     * picture of the customer. A caller's own transaction is used as is. */
    bool snapshot = !tl_store_in_transaction(st);
    if (snapshot && (rc = tl_store_read_begin(st, err))) {
        tl_catalogue_unref(cat);
        return rc;
    }
    rc = recommend_in(e, st, customer_id, o, cat, out, err);
    if (snapshot)
        tl_store_read_end(st);
    return rc;
}

int tl_engine_learn_prepare(tl_engine *e, tl_store *st, const char *customer_id,
                            const char *product_id, tl_learn_sample *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    if (!product_id)
        return TL_OK;
    tl_needs needs;
    rank_ctx x;
    int rc = ctx_open(e, st, customer_id, NULL, NULL, &needs, &x, err);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < x.cat->n && strcmp(x.cat->products[i].id, product_id) != 0)
        i++;
    if (i < x.cat->n) {   /* a product not in the catalogue (yet) teaches nothing */
        const tl_cat_product *p = &x.cat->products[i];
        cand c;
        memset(&c, 0, sizeof c);
        score_components(e, &x, i, &c);
        out->has_segment = ctx_segment(&x, out->segment, sizeof out->segment) != NULL;
        tl_learn_feature_names(p->id, p->category, out->features);
        tl_learn_features(c.base, out->x);
        out->valid = 1;
    }
    ctx_close(&x);
    return TL_OK;
}

int tl_engine_learn_apply(tl_engine *e, tl_store *st, const tl_learn_sample *sm,
                          const char *customer_id, const char *product_id, const char *kind,
                          const tl_contact_policy *staff, tl_err *err)
{
    if (!sm->valid || !product_id)
        return TL_OK;
    /* Which signal: an outcome after a showing already learned as a
     * negative flips or confirms it; without one it is a sample of its
     * own. */
    long long shown = 0, resolved = 0;
    char *skip = tl_contact_staff_json(staff);
    if (staff && staff->n_staff && !skip)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    int rc = tl_store_learned_showings(st, customer_id, product_id, skip, &shown, &resolved,
                                       err);
    free(skip);
    if (rc)
        return rc;
    int is_outcome = strcmp(kind, "accepted") == 0 || strcmp(kind, "dismissed") == 0;
    int outstanding = shown > resolved - is_outcome;   /* the event itself is counted */
    tl_learn_signal sig;
    if (strcmp(kind, "shown") == 0)
        sig = TL_LEARN_NEGATIVE;
    else if (strcmp(kind, "accepted") == 0)
        sig = outstanding ? TL_LEARN_FLIP : TL_LEARN_POSITIVE;
    else if (strcmp(kind, "clicked") == 0)
        sig = outstanding ? TL_LEARN_CLICK_FLIP : TL_LEARN_CLICK;
    else if (strcmp(kind, "dismissed") == 0)
        sig = outstanding ? TL_LEARN_NONE : TL_LEARN_NEGATIVE;
    else
        return TL_OK;
    if (sig == TL_LEARN_NONE)
        return TL_OK;
    /* Read, step and write inside the caller's transaction: the store is
     * the authority, so concurrent writers (threads or processes) are
     * serialised by its write lock and never lose an update. */
    tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF];
    memset(rows, 0, sizeof rows);
    int nl = sm->has_segment ? TL_LEARN_NL : 1;
    for (int l = 0; l < nl && !rc; l++)
        for (int f = 0; f < TL_LEARN_NF && !rc; f++)
            rc = tl_store_learned_get(st, l ? sm->segment : TL_LEARN_GLOBAL_SEGMENT,
                                      sm->features[f], &rows[l][f].w, &rows[l][f].n, err);
    if (rc)
        return rc;
    tl_learn_step(&e->lp, rows, sm->has_segment, sm->x, sig);
    for (int l = 0; l < nl && !rc; l++)
        for (int f = 0; f < TL_LEARN_NF && !rc; f++)
            rc = tl_store_learned_put(st, l ? sm->segment : TL_LEARN_GLOBAL_SEGMENT,
                                      sm->features[f], rows[l][f].w, rows[l][f].n, err);
    return rc;
}

void tl_rec_result_free(tl_rec_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_items; i++)
        free(r->items[i].evidence);
    free(r->excluded);
    json_decref(r->post_sentiment);
    tl_catalogue_unref(r->catalogue);
    memset(r, 0, sizeof *r);
}

void tl_product_sims_free(tl_product_sims *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->ids && i < s->n_products; i++) {
        free(s->ids[i]);
        free(s->names[i]);
        free(s->categories[i]);
    }
    free(s->ids);
    free(s->names);
    free(s->categories);
    free(s->sim);
    memset(s, 0, sizeof *s);
}

size_t tl_product_sims_best(const tl_product_sims *s, size_t t, size_t k, size_t *order)
{
    const float *sim = s->sim + t * s->n_products;
    size_t n = s->n_products < k ? s->n_products : k, used = 0;
    /* Insertion into the kept best, which stay sorted as the catalogue is
     * read; a product only displaces a strictly less similar one. */
    for (size_t i = 0; i < s->n_products && n > 0; i++) {
        if (used == n && !(sim[i] > sim[order[n - 1]]))
            continue;
        size_t j = used < n ? used++ : n - 1;
        while (j > 0 && sim[order[j - 1]] < sim[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    return n;
}

/* Texts embedded per encoder call: bounds the scratch of one call. */
#define SIMS_BATCH 256

int tl_engine_product_sims(tl_engine *e, tl_store *st, const char *const *texts, size_t n,
                           tl_product_sims *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    tl_catalogue *cat = NULL;
    int rc = current_catalogue(e, st, &cat, err);
    if (rc)
        return rc;
    size_t np = cat->n, dim = cat->dim;
    size_t cells = n && np ? n * np : 1;
    float *vecs = NULL;
    if (np && n > SIZE_MAX / sizeof(float) / np) {
        rc = tl_err_set(err, TL_ETOOBIG, "%zu texts by %zu products", n, np);
        goto done;
    }
    vecs = malloc(SIMS_BATCH * dim * sizeof *vecs);
    out->ids = calloc(np ? np : 1, sizeof *out->ids);
    out->names = calloc(np ? np : 1, sizeof *out->names);
    out->categories = calloc(np ? np : 1, sizeof *out->categories);
    out->sim = malloc(cells * sizeof *out->sim);
    if (!vecs || !out->ids || !out->names || !out->categories || !out->sim) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory for %zu texts", n);
        goto done;
    }
    out->n_products = np;
    out->n_texts = n;
    for (size_t i = 0; i < np; i++) {
        const tl_cat_product *p = &cat->products[i];
        out->ids[i] = strdup(p->id);
        out->names[i] = strdup(p->name);
        out->categories[i] = strdup(p->category);
        if (!out->ids[i] || !out->names[i] || !out->categories[i]) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
    }
    for (size_t t0 = 0; t0 < n; t0 += SIMS_BATCH) {
        size_t m = n - t0 < SIMS_BATCH ? n - t0 : SIMS_BATCH;
        if ((rc = embed(e, texts + t0, m, vecs, err)))
            goto done;
        for (size_t t = 0; t < m; t++)
            for (size_t i = 0; i < np; i++)
                out->sim[(t0 + t) * np + i] =
                    tl_vec_dot(vecs + t * dim, cat->products[i].vec, dim);
    }
done:
    free(vecs);
    tl_catalogue_unref(cat);
    if (rc)
        tl_product_sims_free(out);
    return rc;
}

json_t *tl_engine_product_rules(tl_engine *e, tl_store *st, const char *product_id, tl_err *err)
{
    tl_catalogue *cat;
    if (current_catalogue(e, st, &cat, err))
        return NULL;
    json_t *j = NULL;
    for (size_t i = 0; i < cat->n && !j; i++)
        if (strcmp(cat->products[i].id, product_id) == 0)
            j = tl_eligibility_to_json(&cat->products[i].elig);
    tl_catalogue_unref(cat);
    return j;
}
