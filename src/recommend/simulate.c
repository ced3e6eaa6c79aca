/* simulate.c — the feedback replay (simulate.h). */
#include "recommend/simulate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "recommend/engine.h"
#include "recommend/feedback.h"
#include "recommend/learn.h"
#include "store/customers.h"
#include "store/products.h"
#include "store/rollouts.h"

void tl_sim_opts_default(tl_sim_opts *o)
{
    o->seed = 42;
    o->rounds = 3000;
    o->last = 1000;
    o->k = 3;
    o->favourite_rate = 0.30;
    o->second_rate = 0.15;
    o->base_rate = 0.03;
    o->learned_weight = 1.0;
    o->rollout_share = 0;
}

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return mix(h);
}

/* A uniform draw in [0, 1) from a counter-based stream. */
static double draw(uint64_t seed, uint64_t a, uint64_t b)
{
    return (double)(mix(mix(seed ^ mix(a)) ^ b) >> 11) / 9007199254740992.0;
}

typedef struct sim_customer {
    char id[72];
    char segment[64];
    int shown, accepted;   /* offers shown to and accepted by this customer */
} sim_customer;

/* A segment's hidden favourite and runner-up. */
typedef struct sim_segment {
    char key[64];
    char fav[2][72];
} sim_segment;

typedef struct sim_world {
    sim_customer *customers;
    size_t n, cap;
    char (*products)[72];
    size_t np, pcap;
    sim_segment segs[64];
    size_t nseg;
    int failed;
} sim_world;

static int add_customer(void *ctx, const tl_customer *c)
{
    sim_world *w = ctx;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        sim_customer *nc = realloc(w->customers, cap * sizeof *nc);
        if (!nc) {
            w->failed = 1;
            return 1;
        }
        w->customers = nc;
        w->cap = cap;
    }
    sim_customer *s = &w->customers[w->n++];
    memset(s, 0, sizeof *s);
    tl_strlcpy(s->id, c->id, sizeof s->id);
    tl_learn_segment(c->age, c->risk_profile, s->segment, sizeof s->segment);
    return 0;
}

static int add_product(void *ctx, const tl_product *p)
{
    sim_world *w = ctx;
    if (w->np == w->pcap) {
        size_t cap = w->pcap ? w->pcap * 2 : 64;
        char(*np)[72] = realloc(w->products, cap * sizeof *np);
        if (!np) {
            w->failed = 1;
            return 1;
        }
        w->products = np;
        w->pcap = cap;
    }
    tl_strlcpy(w->products[w->np++], p->id, sizeof w->products[0]);
    return 0;
}

/* The hidden truth: a segment's favourite and runner-up are drawn (by a
 * hash of seed, segment and product) among the products the fresh engine
 * offers its first customer in places 4 to 10 — plausible offers that the
 * engine alone does not put first. Everything else is accepted at the base
 * rate. Never shown to the engine. */
static int hide_preferences(const tl_sim_opts *o, sim_world *w, tl_engine *eng, tl_store *st,
                            tl_err *err)
{
    tl_rec_opts ro = {.k = 10, .personalise = 1, .social = 1};
    for (size_t i = 0; i < w->n; i++) {
        const char *seg = w->customers[i].segment;
        size_t s = 0;
        while (s < w->nseg && strcmp(w->segs[s].key, seg) != 0)
            s++;
        if (s < w->nseg || w->nseg == sizeof w->segs / sizeof *w->segs)
            continue;
        tl_rec_result res;
        int rc = tl_engine_recommend(eng, st, w->customers[i].id, &ro, &res, err);
        if (rc)
            return rc;
        size_t from = res.n_items > 5 ? 3 : 0;
        if (res.n_items > from + 1) {
            sim_segment *sg = &w->segs[w->nseg++];
            tl_strlcpy(sg->key, seg, sizeof sg->key);
            uint64_t best[2] = {UINT64_MAX, UINT64_MAX};
            for (size_t k = from; k < res.n_items; k++) {
                uint64_t h = hash_str(hash_str(o->seed, seg), res.items[k].product_id);
                int slot = h < best[0] ? 0 : h < best[1] ? 1 : 2;
                if (slot == 0) {
                    best[1] = best[0];
                    memcpy(sg->fav[1], sg->fav[0], sizeof sg->fav[1]);
                }
                if (slot < 2) {
                    best[slot] = h;
                    tl_strlcpy(sg->fav[slot], res.items[k].product_id, sizeof sg->fav[0]);
                }
            }
        }
        tl_rec_result_free(&res);
    }
    return TL_OK;
}

static double true_rate(const tl_sim_opts *o, const sim_world *w, const char *segment,
                        const char *product)
{
    for (size_t s = 0; s < w->nseg; s++)
        if (strcmp(w->segs[s].key, segment) == 0) {
            if (strcmp(w->segs[s].fav[0], product) == 0)
                return o->favourite_rate;
            if (strcmp(w->segs[s].fav[1], product) == 0)
                return o->second_rate;
        }
    return o->base_rate;
}

int tl_simulate_run(const char *db_path, const tl_sim_opts *o, tl_sim_result *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    sim_world w = {0};
    tl_store *st = NULL;
    tl_engine *eng = NULL;
    int rc = tl_store_open(db_path, 0, &st, err);
    if (rc)
        return rc;
    tl_rank_weights rw;
    tl_rank_weights_default(&rw);
    rw.learned = o->learned_weight;
    if ((rc = tl_engine_open("builtin", &rw, &eng, err)))
        goto done;
    tl_customer_query q = {.age_min = -1, .age_max = -1, .sort = TL_CSORT_ID, .limit = 1000};
    long long total = 0;
    do {
        if ((rc = tl_store_customers_list(st, &q, add_customer, &w, &total, err)))
            goto done;
        q.offset += q.limit;
    } while (q.offset < total && !w.failed);
    if (!w.failed && (rc = tl_store_products_each(st, add_product, &w, err)))
        goto done;
    if (w.failed) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    if (!w.n || !w.np) {
        rc = tl_err_set(err, TL_EINPUT, "%s: the store has no customers or no products",
                        db_path);
        goto done;
    }
    out->customers = (long long)w.n;
    out->products = (long long)w.np;
    for (size_t i = 0; i < w.n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(w.customers[i].segment, w.customers[j].segment) == 0;
        out->segments += !seen;
    }
    if ((rc = hide_preferences(o, &w, eng, st, err)))
        goto done;
    if (o->rollout_share > 0) {
        tl_rollout ro;
        if ((rc = tl_store_begin(st, err)))
            goto done;
        if ((rc = tl_store_rollout_start(st, "simulation", o->rollout_share, NULL, &ro, err)) ||
            (rc = tl_store_commit(st, err))) {
            tl_store_rollback(st);
            goto done;
        }
    }
    double p_sum = 0, brier = 0;
    tl_rec_opts ro = {.k = o->k, .personalise = 1, .social = 1};
    for (int r = 0; r < o->rounds; r++) {
        sim_customer *c = &w.customers[mix(o->seed ^ mix((uint64_t)r + 1)) % w.n];
        tl_rec_result res;
        if ((rc = tl_engine_recommend(eng, st, c->id, &ro, &res, err)))
            goto done;
        int measured = r >= o->rounds - o->last;
        for (size_t i = 0; i < res.n_items && !rc; i++) {
            const tl_rec_item *it = &res.items[i];
            char key[128];
            snprintf(key, sizeof key, "sim-%d-%zu-shown", r, i);
            tl_event ev = {c->id, it->product_id, "shown", "simulation", key, NULL};
            bool dup;
            if ((rc = tl_feedback_record(eng, st, &ev, &dup, err)))
                break;
            int accepted = draw(o->seed, (uint64_t)r, i) <
                           true_rate(o, &w, c->segment, it->product_id);
            if (accepted) {
                snprintf(key, sizeof key, "sim-%d-%zu-accepted", r, i);
                tl_event acc = {c->id, it->product_id, "accepted", "simulation", key, NULL};
                rc = tl_feedback_record(eng, st, &acc, &dup, err);
            }
            out->shown++;
            out->accepted += accepted;
            if (res.arm != TL_ARM_NONE) {
                int a = res.arm == TL_ARM_TREATMENT ? 0 : 1;
                out->arm_customers[a] += c->shown == 0;
                out->arm_converted[a] += accepted && c->accepted == 0;
                out->arm_shown[a]++;
                out->arm_accepted[a] += accepted;
            }
            c->shown++;
            c->accepted += accepted;
            if (measured) {
                out->shown_last++;
                out->accepted_last += accepted;
                p_sum += it->p_accept;
                brier += (it->p_accept - accepted) * (it->p_accept - accepted);
            }
        }
        tl_rec_result_free(&res);
        if (rc)
            goto done;
    }
    if (out->shown_last) {
        out->p_accept_last = p_sum / (double)out->shown_last;
        out->brier_last = brier / (double)out->shown_last;
    }
done:
    tl_engine_close(eng);
    tl_store_close(st);
    free(w.customers);
    free(w.products);
    return rc;
}
