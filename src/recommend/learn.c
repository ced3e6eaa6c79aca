/* learn.c — the per-segment online logistic regression (learn.h). */
#include "recommend/learn.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

void tl_learn_params_default(tl_learn_params *p)
{
    p->prior_rate = 0.05;
    p->lr = 0.1;
    p->lr_halflife = 25;
    p->lr_min = 0.002;
    p->l2_global = 1e-4;
    p->l2_segment = 3e-3;
    p->click_weight = 0.25;
    p->max_lift = 3.0;
}

void tl_learn_segment(int age, const char *risk, char *buf, size_t size)
{
    const char *band = age < 0    ? "?"
                       : age < 30 ? "18-29"
                       : age < 45 ? "30-44"
                       : age < 60 ? "45-59"
                                  : "60+";
    const char *r = "?";
    if (risk && tl_strcaseeq(risk, "low"))
        r = "low";
    else if (risk && tl_strcaseeq(risk, "medium"))
        r = "medium";
    else if (risk && tl_strcaseeq(risk, "high"))
        r = "high";
    snprintf(buf, size, "age:%s|risk:%s", band, r);
}

/* prefix then value, cut as snprintf cuts: ranking names every
 * product's features, and snprintf was most of that. */
static void feature_name(char out[TL_LEARN_KEY_MAX], const char *prefix, const char *value)
{
    size_t n = tl_strlcpy(out, prefix, TL_LEARN_KEY_MAX);
    if (n < TL_LEARN_KEY_MAX - 1)
        tl_strlcpy(out + n, value, TL_LEARN_KEY_MAX - n);
}

void tl_learn_feature_names(const char *product_id, const char *category,
                            char names[TL_LEARN_NF][TL_LEARN_KEY_MAX])
{
    feature_name(names[TL_LEARN_BIAS], "bias", "");
    feature_name(names[TL_LEARN_SCORE], "score", "");
    feature_name(names[TL_LEARN_PRODUCT], "p:", product_id);
    feature_name(names[TL_LEARN_CATEGORY], "c:", category ? category : "");
}

void tl_learn_features(double engine_score, double x[TL_LEARN_NF])
{
    /* Clamped so a score of 0 or 1 does not become an infinite logit. */
    double s = engine_score < 0.02 ? 0.02 : engine_score > 0.98 ? 0.98 : engine_score;
    x[TL_LEARN_BIAS] = 1;
    x[TL_LEARN_SCORE] = log(s / (1 - s));
    x[TL_LEARN_PRODUCT] = 1;
    x[TL_LEARN_CATEGORY] = 1;
}

double tl_learn_sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

static double init_weight(const tl_learn_params *p, int layer, int f)
{
    if (layer != TL_LEARN_GLOBAL)
        return 0;
    if (f == TL_LEARN_BIAS)
        return log(p->prior_rate / (1 - p->prior_rate));
    return f == TL_LEARN_SCORE ? 1.0 : 0.0;
}

double tl_learn_logit(const tl_learn_params *p, const tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF],
                      const double x[TL_LEARN_NF])
{
    double z = 0;
    for (int l = 0; l < TL_LEARN_NL; l++)
        for (int f = 0; f < TL_LEARN_NF; f++)
            z += x[f] * (init_weight(p, l, f) + rows[l][f].w);
    return z;
}

void tl_learn_step(const tl_learn_params *p, tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF],
                   int has_segment, const double x[TL_LEARN_NF], tl_learn_signal sig)
{
    if (sig == TL_LEARN_NONE)
        return;
    double q = tl_learn_sigmoid(tl_learn_logit(p, rows, x));
    /* g is d(loss)/dz. A flip turns a showing already learned as y = 0
     * into y = 1: the difference of the two gradients is -1 (times the
     * click weight for a click), whatever q is; it is no new sample, so the
     * counts stay. */
    double g;
    int counts = 1;
    switch (sig) {
    case TL_LEARN_NEGATIVE: g = q; break;
    case TL_LEARN_POSITIVE: g = q - 1; break;
    case TL_LEARN_CLICK: g = p->click_weight * (q - 1); break;
    case TL_LEARN_FLIP: g = -1; counts = 0; break;
    case TL_LEARN_CLICK_FLIP: g = -p->click_weight; counts = 0; break;
    default: return;
    }
    for (int l = 0; l < (has_segment ? TL_LEARN_NL : 1); l++) {
        double l2 = l == TL_LEARN_GLOBAL ? p->l2_global : p->l2_segment;
        for (int f = 0; f < TL_LEARN_NF; f++) {
            tl_learn_row *r = &rows[l][f];
            double rate = p->lr / (1 + (double)r->n / p->lr_halflife);
            if (rate < p->lr_min)
                rate = p->lr_min;
            r->w -= rate * (g * x[f] + l2 * r->w);
            /* A runaway weight would only come from a pathological stream;
             * keep every weight finite and bounded. */
            if (!isfinite(r->w))
                r->w = 0;
            else if (r->w > 20)
                r->w = 20;
            else if (r->w < -20)
                r->w = -20;
            r->n += counts;
        }
    }
}

double tl_learn_lift(const tl_learn_params *p, const tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF])
{
    double l = 0;
    for (int k = 0; k < TL_LEARN_NL; k++)
        l += rows[k][TL_LEARN_PRODUCT].w + rows[k][TL_LEARN_CATEGORY].w;
    return l > p->max_lift ? p->max_lift : l < -p->max_lift ? -p->max_lift : l;
}

/* ---- snapshot: an open-addressing map "segment\x1ffeature" → row -------- */

typedef struct slot {
    char *key;             /* owned; NULL for an empty slot */
    tl_learn_row row;
} slot;

struct tl_learn_model {
    atomic_int refs;
    slot *slots;
    size_t cap, n;         /* cap is a power of two */
};

static uint64_t hash_key(const char *seg, const char *feat)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *s = seg; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h = (h ^ 0x1f) * 1099511628211ull;
    for (const char *s = feat; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int key_is(const char *key, const char *seg, const char *feat)
{
    size_t ls = strlen(seg);
    return strncmp(key, seg, ls) == 0 && key[ls] == 0x1f && strcmp(key + ls + 1, feat) == 0;
}

tl_learn_model *tl_learn_model_new(void)
{
    tl_learn_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    atomic_init(&m->refs, 1);
    m->cap = 256;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

static slot *find(const tl_learn_model *m, const char *seg, const char *feat)
{
    size_t i = hash_key(seg, feat) & (m->cap - 1);
    while (m->slots[i].key && !key_is(m->slots[i].key, seg, feat))
        i = (i + 1) & (m->cap - 1);
    return &m->slots[i];
}

static int grow(tl_learn_model *m)
{
    slot *old = m->slots;
    size_t oc = m->cap;
    slot *ns = calloc(oc * 2, sizeof *ns);
    if (!ns)
        return TL_ENOMEM;
    m->slots = ns;
    m->cap = oc * 2;
    for (size_t i = 0; i < oc; i++) {
        if (!old[i].key)
            continue;
        /* Re-hash from the stored key: split it at the separator. */
        char *sep = strchr(old[i].key, 0x1f);
        *sep = '\0';
        slot *s = find(m, old[i].key, sep + 1);
        *sep = 0x1f;
        *s = old[i];
    }
    free(old);
    return TL_OK;
}

int tl_learn_model_put(tl_learn_model *m, const char *segment, const char *feature,
                       tl_learn_row row)
{
    if (strchr(segment, 0x1f) || strchr(feature, 0x1f))
        return TL_EINPUT;
    if ((m->n + 1) * 2 > m->cap && grow(m))
        return TL_ENOMEM;
    slot *s = find(m, segment, feature);
    if (!s->key) {
        size_t ls = strlen(segment), lf = strlen(feature);
        s->key = malloc(ls + lf + 2);
        if (!s->key)
            return TL_ENOMEM;
        memcpy(s->key, segment, ls);
        s->key[ls] = 0x1f;
        memcpy(s->key + ls + 1, feature, lf + 1);
        m->n++;
    }
    s->row = row;
    return TL_OK;
}

void tl_learn_model_ref(tl_learn_model *m)
{
    atomic_fetch_add(&m->refs, 1);
}

void tl_learn_model_unref(tl_learn_model *m)
{
    if (!m || atomic_fetch_sub(&m->refs, 1) != 1)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    free(m);
}

void tl_learn_model_rows(const tl_learn_model *m, const char *segment, const char *product_id,
                         const char *category, tl_learn_row rows[TL_LEARN_NL][TL_LEARN_NF])
{
    char names[TL_LEARN_NF][TL_LEARN_KEY_MAX];
    tl_learn_feature_names(product_id, category, names);
    memset(rows, 0, sizeof(tl_learn_row) * TL_LEARN_NL * TL_LEARN_NF);
    for (int l = 0; l < TL_LEARN_NL; l++) {
        const char *seg = l == TL_LEARN_GLOBAL ? TL_LEARN_GLOBAL_SEGMENT : segment;
        if (!seg || !m)
            continue;
        for (int f = 0; f < TL_LEARN_NF; f++) {
            const slot *s = find(m, seg, names[f]);
            if (s->key)
                rows[l][f] = s->row;
        }
    }
}
