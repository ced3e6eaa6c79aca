/* catalogue.c — building the ranked catalogue from the store. */
#include "recommend/catalogue.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/str.h"
#include "base/vec.h"
#include "store/embeddings.h"
#include "store/events.h"
#include "store/products.h"

char *tl_catalogue_product_text(const json_t *doc)
{
    /* Eligibility is part of what a product is for ("minimum age 60",
     * "for students"): without it, precision@1 on the evaluation set was
     * 0.748 instead of 0.804 (docs/eval.md). */
    static const char *const fields[] = {
        "name",     "category",           "description",        "features",
        "eligibility", "rewards",         "additional_benefits", "coverage",
        "investment_options", "services_offered", "end_use",
    };
    tl_buf b;
    tl_buf_init(&b, 64u << 10);
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const char *v = json_string_value(json_object_get(doc, fields[i]));
        if (v && *v) {
            if (b.len)
                tl_buf_puts(&b, ". ");
            tl_buf_puts(&b, v);
        }
    }
    return tl_buf_steal(&b, NULL);
}

/* The largest amount in a fee text ("$75 - $150" → 150); *known = 0 when the
 * text has no number ("Varies"). */
static double parse_fee(const char *t, int *known)
{
    *known = 0;
    if (!t)
        return 0;
    double best = 0;
    for (const char *p = t; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > t && (isdigit((unsigned char)p[-1]) || p[-1] == '.')))
            continue;
        char num[32];
        size_t n = 0;
        for (const char *q = p; *q && n < sizeof num - 1 && (isdigit((unsigned char)*q) || *q == ',' || *q == '.'); q++)
            if (*q != ',')
                num[n++] = *q;
        num[n] = '\0';
        double v;
        if (tl_parse_double(num, false, &v)) {
            /* A percentage is a rate, not a fee. */
            const char *after = p + strspn(p, "0123456789,.");
            while (*after == ' ')
                after++;
            if (*after == '%')
                continue;
            *known = 1;
            if (v > best)
                best = v;
        }
    }
    if (strcasestr(t, "free") || strcasestr(t, "no annual") || strcasestr(t, "none"))
        *known = 1;
    return best;
}

static int risk_level(const char *name, const char *category, const json_t *doc)
{
    if (!category)
        return 0;
    if (strcasestr(category, "invest") || json_object_get(doc, "market_risk")) {
        if (name && (strcasestr(name, "bond") || strcasestr(name, "gilt")))
            return 2;
        if (name && strcasestr(name, "wealth"))
            return 2;
        return 3;
    }
    if (strcasestr(category, "deposit") || strcasestr(category, "saving"))
        return 1;
    return 0;
}

typedef struct load_ctx {
    tl_catalogue *c;
    size_t cap;
    int failed;
} load_ctx;

static int add_product(void *ctx, const tl_product *p)
{
    load_ctx *l = ctx;
    tl_catalogue *c = l->c;
    if (c->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        tl_cat_product *np = realloc(c->products, cap * sizeof *np);
        if (!np) {
            l->failed = 1;
            return 1;
        }
        c->products = np;
        l->cap = cap;
    }
    tl_cat_product *cp = &c->products[c->n];
    memset(cp, 0, sizeof *cp);
    cp->id = strdup(p->id);
    cp->name = strdup(p->name);
    cp->name_lower = tl_ascii_lower_dup(p->name);
    cp->category = strdup(p->category);
    cp->doc = json_loads(p->doc, 0, NULL);
    if (!cp->id || !cp->name || !cp->name_lower || !cp->category || !cp->doc) {
        free(cp->id);
        free(cp->name);
        free(cp->name_lower);
        free(cp->category);
        json_decref(cp->doc);
        l->failed = 1;
        return 1;
    }
    c->n++;
    tl_eligibility_parse_product(NULL, cp->doc, &cp->elig, NULL);
    cp->annual_fee = parse_fee(json_string_value(json_object_get(cp->doc, "annual_fee")),
                               &cp->fee_known);
    cp->risk_level = risk_level(cp->name, cp->category, cp->doc);
    const char *card_type = json_string_value(json_object_get(cp->doc, "card_type"));
    cp->is_credit = strcasestr(cp->category, "loan") != NULL ||
                    (card_type ? strcasestr(card_type, "credit") != NULL
                               : json_object_get(cp->doc, "credit_limit") != NULL);
    cp->feedback = 1.0;
    return 0;
}

typedef struct fb_ctx {
    tl_catalogue *c;
} fb_ctx;

static int add_feedback(void *ctx, const char *product_id, const tl_product_events *e)
{
    tl_catalogue *c = ((fb_ctx *)ctx)->c;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->products[i].id, product_id) == 0) {
            c->products[i].shown = e->shown;
            c->products[i].accepted = e->accepted;
            c->products[i].dismissed = e->dismissed;
            break;
        }
    return 0;
}

/* Acceptance and dismissal rates, smoothed towards the catalogue's mean
 * (ten pseudo-showings), become a multiplier in [1-w, 1+w]. */
static void feedback_multipliers(tl_catalogue *c, double w)
{
    long long shown = 0, acc = 0, dis = 0;
    for (size_t i = 0; i < c->n; i++) {
        shown += c->products[i].shown;
        acc += c->products[i].accepted;
        dis += c->products[i].dismissed;
    }
    if (shown < 10)
        return;
    double base_acc = (acc + 1.0) / (shown + 10.0), base_dis = (dis + 1.0) / (shown + 10.0);
    for (size_t i = 0; i < c->n; i++) {
        tl_cat_product *p = &c->products[i];
        double a = (p->accepted + 10.0 * base_acc) / (p->shown + 10.0);
        double d = (p->dismissed + 10.0 * base_dis) / (p->shown + 10.0);
        double lift = (a - base_acc) / base_acc - 0.5 * (d - base_dis) / base_dis;
        if (lift > 1)
            lift = 1;
        if (lift < -1)
            lift = -1;
        p->feedback = 1.0 + w * lift;
    }
}

int tl_catalogue_build(tl_store *st, tl_encoder *enc, const float *need_vecs,
                       double feedback_weight, tl_catalogue **out, tl_err *err)
{
    tl_catalogue *c = calloc(1, sizeof *c);
    if (!c)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    atomic_init(&c->refs, 1);
    c->dim = tl_encoder_dim(enc);
    int rc = tl_store_products_stamp(st, c->stamp, sizeof c->stamp, err);
    load_ctx l = {c, 0, 0};
    if (!rc)
        rc = tl_store_products_each(st, add_product, &l, err);
    if (!rc && l.failed)
        rc = tl_err_set(err, TL_ENOMEM, "out of memory loading the catalogue");
    if (rc)
        goto fail;
    c->matrix = calloc(c->n ? c->n * c->dim : 1, sizeof(float));
    if (!c->matrix) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    const char *model = tl_encoder_id(enc);
    for (size_t i = 0; i < c->n; i++) {
        tl_cat_product *p = &c->products[i];
        p->vec = c->matrix + i * c->dim;
        char *text = tl_catalogue_product_text(p->doc);
        if (!text) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto fail;
        }
        uint64_t h = tl_text_hash(text);
        int hit = 0;
        tl_store_embedding_get(st, "product", p->id, model, h, p->vec, c->dim, &hit, NULL);
        if (!hit) {
            const char *texts[1] = {text};
            rc = tl_encoder_embed(enc, texts, 1, p->vec, err);
            if (!rc && tl_store_embedding_put(st, "product", p->id, model, h, p->vec, c->dim,
                                              NULL) != TL_OK)
                tl_log_debug("embedding cache not written for product %s (read-only store)",
                             p->id);
        }
        free(text);
        if (rc)
            goto fail;
    }
    /* Affinity of each need to each product, relative to the best product
     * for that need, so the encoder's similarity scale does not matter. */
    for (int k = 0; k < TL_NEED_COUNT; k++) {
        float best = 0;
        const float *nv = need_vecs + (size_t)k * c->dim;
        for (size_t i = 0; i < c->n; i++) {
            float s = tl_vec_dot(nv, c->products[i].vec, c->dim);
            c->products[i].need_aff[k] = s;
            if (s > best)
                best = s;
        }
        for (size_t i = 0; i < c->n; i++) {
            float a = best > 0 ? c->products[i].need_aff[k] / best : 0;
            c->products[i].need_aff[k] = a < 0 ? 0 : a;
        }
    }
    fb_ctx fc = {c};
    if ((rc = tl_store_events_by_product(st, add_feedback, &fc, err)))
        goto fail;
    feedback_multipliers(c, feedback_weight);
    *out = c;
    return TL_OK;
fail:
    tl_catalogue_unref(c);
    return rc;
}

void tl_catalogue_ref(tl_catalogue *c)
{
    atomic_fetch_add(&c->refs, 1);
}

void tl_catalogue_unref(tl_catalogue *c)
{
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->products[i].id);
        free(c->products[i].name);
        free(c->products[i].name_lower);
        free(c->products[i].category);
        json_decref(c->products[i].doc);
    }
    free(c->products);
    free(c->matrix);
    free(c);
}
