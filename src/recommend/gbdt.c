/* gbdt.c — histogram gradient-boosted trees (see gbdt.h). */
#include "recommend/gbdt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/propensity.h"

void tl_gbdt_params_default(tl_gbdt_params *p)
{
    p->max_trees = 800;
    p->max_depth = 12;
    p->max_leaves = 31; /* grown best-first (docs/propensity.md) */
    p->learning_rate = 0.1;
    p->l2 = 0.0; /* no leaf shrinkage: min_hess bounds the leaves (docs/propensity.md) */
    p->min_hess = 2.0;
    p->row_sample = 1.0;
    p->col_sample = 1.0;
    p->eval_every = 10;
    p->patience = 50;
    p->keep_all = 0;
    p->seed = 1;
}

static uint64_t rng_next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

void tl_gbdt_free(tl_gbdt *g)
{
    if (!g)
        return;
    for (size_t t = 0; t < g->n_trees; t++)
        free(g->trees[t].nodes);
    free(g->trees);
    memset(g, 0, sizeof *g);
}

static int in_set(const uint64_t *set, unsigned b)
{
    return (int)((set[b >> 6] >> (b & 63)) & 1);
}

static void set_add(uint64_t *set, unsigned b)
{
    set[b >> 6] |= 1ull << (b & 63);
}

double tl_gbdt_score(const tl_gbdt *g, const uint8_t *row)
{
    double s = g->base;
    for (size_t t = 0; t < g->n_trees; t++) {
        const tl_gbdt_node *nd = g->trees[t].nodes;
        size_t i = 0;
        while (nd[i].feat >= 0)
            i = (size_t)(in_set(nd[i].left_bins, row[nd[i].feat]) ? nd[i].left : nd[i].right);
        s += nd[i].value;
    }
    return s;
}

int tl_gbdt_validate(const tl_gbdt *g, tl_err *err)
{
    if (!isfinite(g->base))
        return tl_err_set(err, TL_EINPUT, "gbdt: base is not finite");
    for (size_t t = 0; t < g->n_trees; t++) {
        const tl_gbdt_tree *tr = &g->trees[t];
        if (tr->n_nodes == 0)
            return tl_err_set(err, TL_EINPUT, "gbdt: tree %zu is empty", t);
        for (size_t i = 0; i < tr->n_nodes; i++) {
            const tl_gbdt_node *nd = &tr->nodes[i];
            if (!isfinite(nd->value))
                return tl_err_set(err, TL_EINPUT, "gbdt: tree %zu node %zu: bad value", t, i);
            if (nd->feat < 0)
                continue;
            /* children after the parent: every walk ends */
            if ((size_t)nd->feat >= g->n_feat || nd->left <= (int32_t)i ||
                nd->right <= (int32_t)i || (size_t)nd->left >= tr->n_nodes ||
                (size_t)nd->right >= tr->n_nodes)
                return tl_err_set(err, TL_EINPUT, "gbdt: tree %zu node %zu: bad link", t, i);
        }
    }
    return 0;
}

typedef struct gh { double g, h; } gh;

/* A leaf that may still be split: its rows idx[lo..hi) and its best split. */
typedef struct leaf {
    int32_t node;
    size_t lo, hi;
    int depth;
    double G, H;                    /* gradient and hessian sums of its rows */
    gh *hist;                       /* F x TL_GBDT_BINS sums, owned; NULL when
                                       not kept (not splittable, or too many) */
    double gain;                    /* <= 0: not splittable */
    int feat;
    uint64_t mask[TL_GBDT_WORDS];
} leaf;

typedef struct grow_ctx {
    const uint8_t *bins;
    size_t F;
    const uint8_t *is_cat;
    const double *g, *h;
    size_t *idx;
    const uint8_t *use_feat;
    size_t n_hist;            /* histograms alive (bounded by MAX_HISTS) */
    const tl_gbdt_params *p;
    tl_gbdt_node *nodes;
    size_t n_nodes, cap;
} grow_ctx;

static int cmp_ratio(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Appends a leaf node for rows idx[lo..hi); -1 when out of memory. */
static int32_t add_leaf(grow_ctx *c, size_t lo, size_t hi)
{
    if (c->n_nodes == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        tl_gbdt_node *nn = realloc(c->nodes, cap * sizeof *nn);
        if (!nn)
            return -1;
        c->nodes = nn;
        c->cap = cap;
    }
    double G = 0, H = 0;
    for (size_t k = lo; k < hi; k++) {
        G += c->g[c->idx[k]];
        H += c->h[c->idx[k]];
    }
    int32_t id = (int32_t)c->n_nodes++;
    c->nodes[id] = (tl_gbdt_node){.feat = -1, .value = -c->p->learning_rate * G / (H + c->p->l2)};
    return id;
}

#define MAX_HISTS 64 /* histograms kept at once: 64 x F x 4 KiB at most */

static void sums(const grow_ctx *c, leaf *L)
{
    L->G = L->H = 0;
    for (size_t k = L->lo; k < L->hi; k++) {
        L->G += c->g[c->idx[k]];
        L->H += c->h[c->idx[k]];
    }
}

/* L->hist = the (gradient, hessian) sums of L's rows per feature and bin:
 * counted from the rows, or, given its parent's and its sibling's, their
 * difference (the parent's buffer is reused). Returns 0 or TL_ENOMEM. */
static int make_hist(grow_ctx *c, leaf *L, gh *parent, const gh *sibling)
{
    size_t F = c->F, cells = F * TL_GBDT_BINS;
    if (parent && sibling) {
        for (size_t k = 0; k < cells; k++) {
            parent[k].g -= sibling[k].g;
            parent[k].h -= sibling[k].h;
        }
        L->hist = parent;
        return 0;
    }
    if (!(L->hist = calloc(cells, sizeof *L->hist)))
        return TL_ENOMEM;
    c->n_hist++;
    for (size_t k = L->lo; k < L->hi; k++) {
        size_t r = c->idx[k];
        const uint8_t *row = c->bins + r * F;
        double gr = c->g[r], hr = c->h[r];
        for (size_t f = 0; f < F; f++) {
            if (!c->use_feat[f])
                continue;
            gh *e = &L->hist[f * TL_GBDT_BINS + row[f]];
            e->g += gr;
            e->h += hr;
        }
    }
    return 0;
}

static void drop_hist(grow_ctx *c, leaf *L)
{
    if (L->hist) {
        free(L->hist);
        c->n_hist--;
        L->hist = NULL;
    }
}

static int splittable(const grow_ctx *c, const leaf *L)
{
    return L->depth < c->p->max_depth && L->H >= 2 * c->p->min_hess;
}

/* The best split of leaf L from its histogram (gain, feature, left set);
 * gain 0 when none. */
static void best_split(grow_ctx *c, leaf *L)
{
    const tl_gbdt_params *p = c->p;
    L->gain = 0;
    double G = L->G, H = L->H;
    size_t F = c->F;
    double parent = G * G / (H + p->l2), best = 1e-9, empty = 1e-11 * H;
    int best_f = -1, best_k = 0, best_m = 0;
    double best_order[TL_GBDT_BINS]; /* bins of the best split, its first best_k go left */
    for (size_t f = 0; f < F; f++) {
        if (!c->use_feat[f])
            continue;
        const gh *hs = &L->hist[f * TL_GBDT_BINS];
        double order[TL_GBDT_BINS][2]; /* (sort key, bin) */
        int m = 0;
        for (int b = 0; b < TL_GBDT_BINS; b++) {
            if (hs[b].h <= empty) /* no rows (a difference may leave dust) */
                continue;
            order[m][0] = c->is_cat[f] ? hs[b].g / (hs[b].h + p->l2) : (double)b;
            order[m][1] = b;
            m++;
        }
        if (m < 2)
            continue;
        if (c->is_cat[f])
            qsort(order, (size_t)m, sizeof order[0], cmp_ratio);
        /* numeric with missing values: scan twice, missing (bin 0) first
         * (it goes left with the low values) and then last (it goes right) */
        int passes = !c->is_cat[f] && (int)order[0][1] == 0 ? 2 : 1;
        for (int pass = 0; pass < passes; pass++) {
            if (pass == 1) {
                memmove(order[0], order[1], (size_t)(m - 1) * sizeof order[0]);
                order[m - 1][0] = 0;
                order[m - 1][1] = 0;
            }
            double GL = 0, HL = 0;
            for (int k = 0; k < m - 1; k++) {
                int b = (int)order[k][1];
                GL += hs[b].g;
                HL += hs[b].h;
                double HR = H - HL, GR = G - GL;
                if (HL < p->min_hess || HR < p->min_hess)
                    continue;
                double gain = GL * GL / (HL + p->l2) + GR * GR / (HR + p->l2) - parent;
                if (gain > best) {
                    best = gain;
                    best_f = (int)f;
                    best_k = k + 1;
                    best_m = m;
                    for (int q = 0; q < m; q++)
                        best_order[q] = order[q][1];
                }
            }
        }
    }
    if (best_f < 0)
        return;
    memset(L->mask, 0, sizeof L->mask);
    if (c->is_cat[best_f]) {
        for (int q = 0; q < best_k; q++)
            set_add(L->mask, (unsigned)best_order[q]);
    } else {
        /* numeric: a threshold; bins up to the last left one go left, empty
         * ones included (values unseen here follow their neighbours), and
         * the missing bin goes where the scan put it: right only when the
         * scan put it last (when no row here was missing it goes left, as
         * the lowest value) */
        unsigned last = 0;
        int missing_left = 1;
        for (int q = 0; q < best_k; q++)
            last = (unsigned)best_order[q] > last ? (unsigned)best_order[q] : last;
        for (int q = best_k; q < best_m; q++)
            missing_left &= best_order[q] != 0;
        for (unsigned b = 1; b <= last; b++)
            set_add(L->mask, b);
        if (missing_left)
            set_add(L->mask, 0);
    }
    L->gain = best;
    L->feat = best_f;
}

/* Grows one tree over idx[0..n): best-first (the leaf whose split gains
 * most is split next) up to max_leaves leaves and max_depth levels; with
 * max_leaves >= 2^max_depth every splittable node is split, i.e. a
 * depth-limited tree. A split counts the smaller child's histogram from its
 * rows and takes the larger one's as the difference from the parent's.
 * Returns 0 or TL_ENOMEM (c->nodes then freed by the caller). */
static int grow_tree(grow_ctx *c, size_t n)
{
    const tl_gbdt_params *p = c->p;
    size_t max_leaves = p->max_leaves > 1 ? (size_t)p->max_leaves : 2;
    if (p->max_depth < 30 && max_leaves > ((size_t)1 << p->max_depth))
        max_leaves = (size_t)1 << p->max_depth;
    leaf *open = malloc(max_leaves * sizeof *open);
    if (!open)
        return TL_ENOMEM;
    int rc = 0;
    size_t n_open = 0, n_leaves = 1;
    leaf root = {.node = add_leaf(c, 0, n), .lo = 0, .hi = n, .depth = 0};
    if (root.node < 0)
        goto oom;
    sums(c, &root);
    if (splittable(c, &root)) {
        if (make_hist(c, &root, NULL, NULL))
            goto oom;
        best_split(c, &root);
        if (root.gain > 0)
            open[n_open++] = root;
        else
            drop_hist(c, &root);
    }
    while (n_open > 0 && n_leaves < max_leaves) {
        size_t bi = 0;
        for (size_t k = 1; k < n_open; k++)
            if (open[k].gain > open[bi].gain)
                bi = k;
        leaf L = open[bi];
        open[bi] = open[--n_open];
        /* partition idx[lo..hi): left bins first */
        size_t a = L.lo, b = L.hi;
        while (a < b) {
            if (in_set(L.mask, c->bins[c->idx[a] * c->F + (size_t)L.feat])) {
                a++;
            } else {
                size_t tmp = c->idx[a];
                c->idx[a] = c->idx[--b];
                c->idx[b] = tmp;
            }
        }
        leaf kid[2] = {{.lo = L.lo, .hi = a, .depth = L.depth + 1},
                       {.lo = a, .hi = L.hi, .depth = L.depth + 1}};
        for (int k = 0; k < 2; k++) {
            if ((kid[k].node = add_leaf(c, kid[k].lo, kid[k].hi)) < 0) {
                drop_hist(c, &L);
                goto oom;
            }
            sums(c, &kid[k]);
        }
        tl_gbdt_node *nd = &c->nodes[L.node];
        nd->feat = L.feat;
        nd->left = kid[0].node;
        nd->right = kid[1].node;
        memcpy(nd->left_bins, L.mask, sizeof L.mask);
        n_leaves++;
        if (n_leaves >= max_leaves || (!splittable(c, &kid[0]) && !splittable(c, &kid[1]))) {
            drop_hist(c, &L);
            continue;
        }
        /* the smaller child counted, the larger by difference */
        int small = kid[0].hi - kid[0].lo <= kid[1].hi - kid[1].lo ? 0 : 1;
        if (make_hist(c, &kid[small], NULL, NULL) ||
            make_hist(c, &kid[1 - small], L.hist, kid[small].hist)) {
            drop_hist(c, &L);
            drop_hist(c, &kid[small]);
            goto oom;
        }
        for (int k = 0; k < 2; k++) {
            if (splittable(c, &kid[k]))
                best_split(c, &kid[k]);
            if (kid[k].gain <= 0 || c->n_hist > MAX_HISTS)
                drop_hist(c, &kid[k]); /* split later, its children counted from rows */
            if (kid[k].gain > 0)
                open[n_open++] = kid[k];
        }
    }
    goto done;
oom:
    rc = TL_ENOMEM;
done:
    for (size_t k = 0; k < n_open; k++)
        drop_hist(c, &open[k]);
    free(open);
    return rc;
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

int tl_gbdt_train(tl_gbdt *g, const uint8_t *bins, size_t n, size_t F, const int *y,
                  const uint8_t *is_cat, const uint8_t *vbins, size_t nv, const int *vy,
                  const tl_gbdt_params *p, tl_err *err)
{
    int rc = 0;
    double *s = NULL, *gr = NULL, *hs = NULL, *vs = NULL;
    size_t *idx = NULL;
    uint8_t *use = NULL;
    uint64_t rng = p->seed ^ 0x5851f42d4c957f2dull;
    memset(g, 0, sizeof *g);
    g->n_feat = F;
    if (n == 0)
        return tl_err_set(err, TL_EINPUT, "gbdt: no training rows");
    double pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] != 0;
    double prior = (pos + 0.5) / ((double)n + 1.0);
    g->base = log(prior / (1 - prior));
    s = malloc(n * sizeof *s);
    gr = malloc(n * sizeof *gr);
    hs = malloc(n * sizeof *hs);
    idx = malloc(n * sizeof *idx);
    use = malloc(F ? F : 1);
    vs = malloc((nv ? nv : 1) * sizeof *vs);
    g->cap = (size_t)(p->max_trees > 0 ? p->max_trees : 1);
    g->trees = calloc(g->cap, sizeof *g->trees);
    if (!s || !gr || !hs || !idx || !use || !vs || !g->trees) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        s[i] = g->base;
    for (size_t i = 0; i < nv; i++)
        vs[i] = g->base;
    double best_auc = -1;
    size_t best_t = 0;
    for (int t = 0; t < p->max_trees; t++) {
        size_t ns = 0;
        for (size_t i = 0; i < n; i++) {
            double pr = sigmoid(s[i]);
            gr[i] = pr - (y[i] != 0);
            hs[i] = fmax(pr * (1 - pr), 1e-12);
            if (p->row_sample >= 1 || rng_unit(&rng) < p->row_sample)
                idx[ns++] = i;
        }
        size_t nu = 0;
        for (size_t f = 0; f < F; f++)
            nu += (use[f] = p->col_sample >= 1 || rng_unit(&rng) < p->col_sample);
        if (nu == 0 && F)
            use[rng_next(&rng) % F] = 1;
        grow_ctx c = {.bins = bins, .F = F, .is_cat = is_cat, .g = gr, .h = hs, .idx = idx,
                      .use_feat = use, .p = p};
        if (grow_tree(&c, ns)) {
            free(c.nodes);
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto cleanup;
        }
        g->trees[g->n_trees].nodes = c.nodes;
        g->trees[g->n_trees].n_nodes = c.n_nodes;
        g->n_trees++;
        /* add only the new tree's output */
        tl_gbdt one = {.base = 0, .n_feat = F, .trees = &g->trees[g->n_trees - 1], .n_trees = 1};
        for (size_t i = 0; i < n; i++)
            s[i] += tl_gbdt_score(&one, bins + i * F);
        if (nv == 0)
            continue;
        for (size_t i = 0; i < nv; i++)
            vs[i] += tl_gbdt_score(&one, vbins + i * F);
        if ((t + 1) % p->eval_every == 0 || t + 1 == p->max_trees) {
            double auc = tl_prop_auc(vs, vy, nv);
            if (auc > best_auc + 1e-5) {
                best_auc = auc;
                best_t = g->n_trees;
            } else if (g->n_trees - best_t >= (size_t)p->patience) {
                break;
            }
        }
    }
    if (nv > 0 && best_t > 0 && !p->keep_all) {
        while (g->n_trees > best_t)
            free(g->trees[--g->n_trees].nodes);
    }
cleanup:
    free(s);
    free(gr);
    free(hs);
    free(idx);
    free(use);
    free(vs);
    if (rc)
        tl_gbdt_free(g);
    return rc;
}
