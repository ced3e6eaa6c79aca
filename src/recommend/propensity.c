/* propensity.c — feature inference, logistic regression (Newton / IRLS),
 * the training pipeline (validation search, Platt calibration, refit,
 * stacking), prediction and metrics. See propensity.h and
 * docs/propensity.md. */
#include "recommend/propensity_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

/* ---- small helpers ---- */

static uint64_t rng_next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void shuffle(size_t *a, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rng_next(rng) % i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double sigmoid(double z)
{
    return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

static int is_missing(const char *s)
{
    return !*s || strcmp(s, "NA") == 0 || strcmp(s, "NaN") == 0 || strcmp(s, "nan") == 0 ||
           strcmp(s, "?") == 0 || strcmp(s, "null") == 0;
}

const char *tl_prop_kind_name(tl_prop_kind k)
{
    return k == TL_PROP_LOGREG ? "logreg" : k == TL_PROP_GBDT ? "gbdt" : "ensemble";
}

void tl_prop_opts_default(tl_prop_opts *o)
{
    memset(o, 0, sizeof *o);
    o->kind = TL_PROP_ENSEMBLE;
    o->seed = 1;
    o->time_ordered = 1;
    o->val_fraction = 0.2;
    o->gb_max_trees = 800;
    o->gb_depth = 0;
    o->gb_learning_rate = 0.1;
}

/* ---- metrics ---- */

typedef struct sy { double s; int y; } sy;

static int cmp_sy(const void *a, const void *b)
{
    double x = ((const sy *)a)->s, y = ((const sy *)b)->s;
    return x < y ? -1 : x > y;
}

double tl_prop_auc(const double *score, const int *y, size_t n)
{
    sy *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NAN;
    double npos = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].s = score[i];
        v[i].y = y[i] != 0;
        npos += v[i].y;
    }
    double nneg = (double)n - npos;
    if (npos == 0 || nneg == 0) {
        free(v);
        return 0.5;
    }
    qsort(v, n, sizeof *v, cmp_sy);
    double ranksum = 0; /* ranks of the positives, ties averaged */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double pos = 0;
        while (j < n && v[j].s == v[i].s)
            pos += v[j++].y;
        ranksum += pos * ((double)(i + 1) + (double)j) / 2.0;
        i = j;
    }
    free(v);
    return (ranksum - npos * (npos + 1) / 2.0) / (npos * nneg);
}

double tl_prop_logloss(const double *p, const int *y, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double q = fmin(fmax(p[i], 1e-15), 1 - 1e-15);
        s -= y[i] ? log(q) : log(1 - q);
    }
    return n ? s / (double)n : 0;
}

double tl_prop_brier(const double *p, const int *y, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (p[i] - (y[i] != 0)) * (p[i] - (y[i] != 0));
    return n ? s / (double)n : 0;
}

/* Splits positions 0..n-1: file order (last part to `b`) or stratified
 * random (each class shuffled and cut), both halves in ascending order. */
static int split_positions(const int *y, size_t n, int random, double frac, uint64_t seed,
                           size_t *a, size_t *na, size_t *b, size_t *nb)
{
    *na = *nb = 0;
    if (!random) {
        size_t cut = n - (size_t)llround(frac * (double)n);
        for (size_t i = 0; i < n; i++) {
            if (i < cut)
                a[(*na)++] = i;
            else
                b[(*nb)++] = i;
        }
        return 0;
    }
    size_t *cls = malloc((n ? n : 1) * sizeof *cls);
    if (!cls)
        return TL_ENOMEM;
    uint64_t rng = seed * 0x2545f4914f6cdd1dull + 7;
    for (int c = 0; c < 2; c++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((y[i] != 0) == c)
                cls[m++] = i;
        shuffle(cls, m, &rng);
        size_t k = (size_t)llround(frac * (double)m);
        for (size_t i = 0; i < m; i++) {
            if (i < k)
                b[(*nb)++] = cls[i];
            else
                a[(*na)++] = cls[i];
        }
    }
    free(cls);
    qsort(a, *na, sizeof *a, cmp_size);
    qsort(b, *nb, sizeof *b, cmp_size);
    return 0;
}

int tl_prop_split(const int *y, size_t n, int random, double test_fraction, uint64_t seed,
                  size_t **train, size_t *n_train, size_t **test, size_t *n_test, tl_err *err)
{
    if (!(test_fraction > 0 && test_fraction < 1))
        return tl_err_set(err, TL_EINPUT, "test fraction must be between 0 and 1");
    *train = malloc((n ? n : 1) * sizeof **train);
    *test = malloc((n ? n : 1) * sizeof **test);
    if (!*train || !*test ||
        split_positions(y, n, random, test_fraction, seed, *train, n_train, *test, n_test)) {
        free(*train);
        free(*test);
        *train = *test = NULL;
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    return 0;
}

/* ---- columns ---- */

void prop_col_free(prop_col *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->lr_edges);
    free(c->gb_edges);
    for (size_t i = 0; i < c->n_levels; i++)
        free(c->levels ? c->levels[i] : NULL);
    free(c->levels);
    memset(c, 0, sizeof *c);
}

size_t prop_lr_dim(const prop_col *cols, size_t n)
{
    size_t d = 1;
    for (size_t j = 0; j < n; j++)
        d += cols[j].is_cat ? cols[j].n_levels : cols[j].n_lr + 3;
    return d;
}

/* Edges between quantile bins of sorted values v[0..m): each bin holds about
 * m/bins values, a value never straddles two bins, and columns with few
 * distinct values get one bin per value. Edges are midpoints between
 * neighbouring distinct values. Returns the count; *out malloc'd (or NULL
 * when 0). */
static int quantile_edges(const double *v, size_t m, size_t bins, double **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t distinct = 0;
    for (size_t i = 0; i < m; i++)
        distinct += i == 0 || v[i] != v[i - 1];
    if (distinct < 2)
        return 0;
    double *e = malloc((bins > distinct ? distinct : bins) * sizeof *e);
    if (!e)
        return TL_ENOMEM;
    size_t ne = 0;
    double target = (double)m / (double)bins, acc = 0;
    for (size_t i = 0; i < m && ne + 1 < bins;) {
        size_t j = i;
        while (j < m && v[j] == v[i])
            j++;
        acc += (double)(j - i);
        if (j < m && (distinct <= bins || acc >= target)) {
            e[ne++] = v[i] + (v[j] - v[i]) / 2;
            acc = 0;
        }
        i = j;
    }
    *out = e;
    *n_out = ne;
    return 0;
}

/* String counts for level inference: open addressing over borrowed keys. */
typedef struct lvl { const char *key; size_t count, first; } lvl;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static int cmp_lvl(const void *a, const void *b)
{
    const lvl *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int infer_levels(const tl_prop_table *t, const size_t *rows, size_t n, size_t col,
                        prop_col *pc)
{
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    lvl *tab = calloc(cap, sizeof *tab);
    if (!tab)
        return TL_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = tl_prop_table_cell(t, rows[i], col);
        if (is_missing(s))
            continue;
        size_t h = (size_t)hash_str(s) & (cap - 1);
        while (tab[h].key && strcmp(tab[h].key, s) != 0)
            h = (h + 1) & (cap - 1);
        if (!tab[h].key) {
            tab[h].key = s;
            tab[h].first = i;
            used++;
        }
        tab[h].count++;
    }
    size_t m = 0;
    for (size_t i = 0; i < cap; i++)
        if (tab[i].key)
            tab[m++] = tab[i];
    qsort(tab, m, sizeof *tab, cmp_lvl);
    size_t k = m < PROP_MAX_LEVELS ? m : PROP_MAX_LEVELS;
    pc->levels = calloc(k ? k : 1, sizeof *pc->levels);
    if (!pc->levels) {
        free(tab);
        return TL_ENOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        if (!(pc->levels[i] = tl_strndup(tab[i].key, strlen(tab[i].key)))) {
            free(tab);
            return TL_ENOMEM;
        }
        pc->n_levels++;
    }
    (void)used;
    free(tab);
    return 0;
}

/* Infers the model's columns from the training rows. */
static int infer_columns(tl_prop_model *m, const tl_prop_table *t, const size_t *rows,
                         size_t n, const tl_prop_opts *o, int target_col, tl_err *err)
{
    double *vals = malloc((n ? n : 1) * sizeof *vals);
    m->cols = calloc(t->n_cols, sizeof *m->cols);
    if (!vals || !m->cols) {
        free(vals);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        if ((int)c == target_col)
            continue;
        int dropped = 0;
        for (size_t k = 0; k < o->n_drop; k++)
            dropped |= strcmp(o->drop[k], t->names[c]) == 0;
        if (dropped)
            continue;
        size_t nonmiss = 0, parsed = 0;
        for (size_t i = 0; i < n; i++) {
            const char *s = tl_prop_table_cell(t, rows[i], c);
            if (is_missing(s))
                continue;
            nonmiss++;
            double v;
            if (tl_parse_double(s, false, &v))
                vals[parsed++] = v;
        }
        prop_col *pc = &m->cols[m->n_cols];
        if (!(pc->name = tl_strndup(t->names[c], strlen(t->names[c]))))
            goto oom;
        m->n_cols++;
        if (nonmiss > 0 && (double)parsed >= 0.99 * (double)nonmiss) {
            double s = 0, ss = 0;
            for (size_t i = 0; i < parsed; i++)
                s += vals[i];
            pc->mean = s / (double)parsed;
            for (size_t i = 0; i < parsed; i++)
                ss += (vals[i] - pc->mean) * (vals[i] - pc->mean);
            pc->sd = sqrt(ss / (double)parsed);
            if (!(pc->sd > 1e-12))
                pc->sd = 1;
            qsort(vals, parsed, sizeof *vals, cmp_double);
            if (quantile_edges(vals, parsed, PROP_LR_BINS, &pc->lr_edges, &pc->n_lr) ||
                quantile_edges(vals, parsed, PROP_GB_EDGES + 1, &pc->gb_edges, &pc->n_gb))
                goto oom;
        } else {
            pc->is_cat = 1;
            if (infer_levels(t, rows, n, c, pc))
                goto oom;
        }
    }
    free(vals);
    return 0;
oom:
    free(vals);
    return tl_err_set(err, TL_ENOMEM, "out of memory");
}

/* Raw values of rows (n x n_cols, row-major, caller's array): numbers (NAN
 * when missing or unparseable) or level indices (-1 for other / missing). */
static int featurize(const tl_prop_model *m, const tl_prop_table *t, const size_t *rows,
                     size_t n, double *raw, tl_err *err)
{
    int *map = malloc((m->n_cols ? m->n_cols : 1) * sizeof *map);
    if (!map)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    for (size_t j = 0; j < m->n_cols; j++)
        if ((map[j] = tl_prop_table_col(t, m->cols[j].name)) < 0) {
            int rc = tl_err_set(err, TL_EINPUT, "the model needs column \"%s\"",
                                m->cols[j].name);
            free(map);
            return rc;
        }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m->n_cols; j++) {
            const prop_col *pc = &m->cols[j];
            const char *s = tl_prop_table_cell(t, rows[i], (size_t)map[j]);
            double v = NAN;
            if (pc->is_cat) {
                v = -1;
                for (size_t k = 0; k < pc->n_levels; k++)
                    if (strcmp(pc->levels[k], s) == 0) {
                        v = (double)k;
                        break;
                    }
            } else if (is_missing(s) || !tl_parse_double(s, false, &v)) {
                v = NAN;
            }
            raw[i * m->n_cols + j] = v;
        }
    }
    free(map);
    return 0;
}

/* Number of edges below x: the bin of x. */
static size_t bin_of(const double *e, size_t ne, double x)
{
    size_t lo = 0, hi = ne;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The logreg's sparse row: indices and values, at most 1 + 2*n_cols. */
static size_t lr_row(const tl_prop_model *m, const double *raw, int32_t *ix, double *vx)
{
    size_t k = 0, base = 1;
    ix[k] = 0;
    vx[k++] = 1;
    for (size_t j = 0; j < m->n_cols; j++) {
        const prop_col *pc = &m->cols[j];
        double v = raw[j];
        if (pc->is_cat) {
            if (v >= 0) {
                ix[k] = (int32_t)(base + (size_t)v);
                vx[k++] = 1;
            }
            base += pc->n_levels;
            continue;
        }
        if (isnan(v)) {
            ix[k] = (int32_t)(base + pc->n_lr + 2);
            vx[k++] = 1;
        } else {
            double z = (v - pc->mean) / pc->sd;
            ix[k] = (int32_t)base;
            vx[k++] = fmin(fmax(z, -5), 5);
            ix[k] = (int32_t)(base + 1 + bin_of(pc->lr_edges, pc->n_lr, v));
            vx[k++] = 1;
        }
        base += pc->n_lr + 3;
    }
    return k;
}

static void gb_row(const tl_prop_model *m, const double *raw, uint8_t *out)
{
    for (size_t j = 0; j < m->n_cols; j++) {
        const prop_col *pc = &m->cols[j];
        double v = raw[j];
        if (pc->is_cat)
            out[j] = (uint8_t)(v >= 0 ? (size_t)v + 1 : 0);
        else
            out[j] = (uint8_t)(isnan(v) ? 0 : 1 + bin_of(pc->gb_edges, pc->n_gb, v));
    }
}

/* ---- logistic regression ---- */

typedef struct sparse {
    size_t n, stride;
    int32_t *ix;
    double *vx;
    uint16_t *nnz;
} sparse;

static void sparse_free(sparse *s)
{
    free(s->ix);
    free(s->vx);
    free(s->nnz);
    memset(s, 0, sizeof *s); /* freed twice is harmless: fit_logreg reuses it per fold */
}

static int sparse_build(const tl_prop_model *m, const double *raw, const size_t *pos,
                        size_t n, sparse *s)
{
    s->n = n;
    s->stride = 1 + 2 * m->n_cols;
    s->ix = malloc((n ? n : 1) * s->stride * sizeof *s->ix);
    s->vx = malloc((n ? n : 1) * s->stride * sizeof *s->vx);
    s->nnz = malloc((n ? n : 1) * sizeof *s->nnz);
    if (!s->ix || !s->vx || !s->nnz)
        return TL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        s->nnz[i] = (uint16_t)lr_row(m, raw + pos[i] * m->n_cols, s->ix + i * s->stride,
                                     s->vx + i * s->stride);
    return 0;
}

static double sparse_dot(const sparse *s, size_t i, const double *w)
{
    double z = 0;
    const int32_t *ix = s->ix + i * s->stride;
    const double *vx = s->vx + i * s->stride;
    for (size_t k = 0; k < s->nnz[i]; k++)
        z += w[ix[k]] * vx[k];
    return z;
}

/* Penalised negative log-likelihood (intercept not penalised). */
static double lr_loss(const sparse *s, const int *y, const double *w, size_t d, double lam)
{
    double l = 0;
    for (size_t i = 0; i < s->n; i++) {
        double z = sparse_dot(s, i, w);
        /* log(1 + e^z) - y z, stably */
        l += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - (y[i] ? z : 0);
    }
    for (size_t j = 1; j < d; j++)
        l += 0.5 * lam * w[j] * w[j];
    return l;
}

/* Solves A x = b in place (A d x d symmetric positive definite, destroyed;
 * b becomes x). Returns -1 when A is not positive definite. */
static int cholesky_solve(double *A, double *b, size_t d)
{
    for (size_t j = 0; j < d; j++) {
        double s = A[j * d + j];
        for (size_t k = 0; k < j; k++)
            s -= A[j * d + k] * A[j * d + k];
        if (!(s > 0))
            return -1;
        double l = sqrt(s);
        A[j * d + j] = l;
        for (size_t i = j + 1; i < d; i++) {
            double t = A[i * d + j];
            for (size_t k = 0; k < j; k++)
                t -= A[i * d + k] * A[j * d + k];
            A[i * d + j] = t / l;
        }
    }
    for (size_t i = 0; i < d; i++) {
        double t = b[i];
        for (size_t k = 0; k < i; k++)
            t -= A[i * d + k] * b[k];
        b[i] = t / A[i * d + i];
    }
    for (size_t i = d; i-- > 0;) {
        double t = b[i];
        for (size_t k = i + 1; k < d; k++)
            t -= A[k * d + i] * b[k];
        b[i] = t / A[i * d + i];
    }
    return 0;
}

static double prior_logit(const int *y, size_t n)
{
    double pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] != 0;
    double p = (pos + 0.5) / ((double)n + 1.0);
    return log(p / (1 - p));
}

/* Newton's method with step halving. w (d) is the caller's, overwritten;
 * with `warm` it starts from w (a solution for a nearby strength), else from
 * the prior. */
static int lr_newton_from(const sparse *s, const int *y, size_t d, double lam, double *w,
                          int warm)
{
    int rc = 0;
    double *H = malloc(d * d * sizeof *H), *g = malloc(d * sizeof *g),
           *wn = malloc(d * sizeof *wn);
    if (!H || !g || !wn) {
        rc = TL_ENOMEM;
        goto cleanup;
    }
    if (!warm) {
        memset(w, 0, d * sizeof *w);
        w[0] = prior_logit(y, s->n);
    }
    double loss = lr_loss(s, y, w, d, lam);
    for (int it = 0; it < 50; it++) {
        memset(H, 0, d * d * sizeof *H);
        for (size_t j = 0; j < d; j++)
            g[j] = j ? lam * w[j] : 0;
        for (size_t i = 0; i < s->n; i++) {
            double p = sigmoid(sparse_dot(s, i, w));
            double r = p - (y[i] != 0), h = fmax(p * (1 - p), 1e-10);
            const int32_t *ix = s->ix + i * s->stride;
            const double *vx = s->vx + i * s->stride;
            size_t nz = s->nnz[i];
            /* the lower triangle only (a row's indices ascend; the
             * Cholesky solve reads no more) */
            for (size_t a = 0; a < nz; a++) {
                g[ix[a]] += r * vx[a];
                double ha = h * vx[a];
                double *Hrow = H + (size_t)ix[a] * d;
                for (size_t b = 0; b <= a; b++)
                    Hrow[ix[b]] += ha * vx[b];
            }
        }
        for (size_t j = 0; j < d; j++)
            H[j * d + j] += j ? lam : 1e-8;
        /* rows with no data leave zero diagonals only when lam = 0 */
        for (size_t j = 0; j < d; j++)
            if (H[j * d + j] <= 0)
                H[j * d + j] = 1e-8;
        if (cholesky_solve(H, g, d)) {
            rc = TL_EINTERNAL;
            goto cleanup;
        }
        double t = 1, nl = loss, maxstep = 0;
        for (int half = 0; half < 30; half++, t *= 0.5) {
            for (size_t j = 0; j < d; j++)
                wn[j] = w[j] - t * g[j];
            nl = lr_loss(s, y, wn, d, lam);
            if (nl <= loss + 1e-12)
                break;
        }
        if (!(nl <= loss + 1e-12))
            break;
        for (size_t j = 0; j < d; j++) {
            maxstep = fmax(maxstep, fabs(wn[j] - w[j]));
            w[j] = wn[j];
        }
        double drop = loss - nl;
        loss = nl;
        if (maxstep < 1e-6 || drop < 1e-9 * (1 + fabs(loss)))
            break;
    }
cleanup:
    free(H);
    free(g);
    free(wn);
    return rc;
}

static int lr_newton(const sparse *s, const int *y, size_t d, double lam, double *w)
{
    return lr_newton_from(s, y, d, lam, w, 0);
}

/* The peer baseline: full-batch gradient descent on the mean loss with a
 * fixed step 1/L (L bounds the curvature), a fixed 400 iterations. */
static int lr_gd(const sparse *s, const int *y, size_t d, double lam, double *w)
{
    double *g = malloc(d * sizeof *g);
    if (!g)
        return TL_ENOMEM;
    memset(w, 0, d * sizeof *w);
    w[0] = prior_logit(y, s->n);
    double maxnorm = 0, n = (double)(s->n ? s->n : 1);
    for (size_t i = 0; i < s->n; i++) {
        double q = 0;
        for (size_t k = 0; k < s->nnz[i]; k++)
            q += s->vx[i * s->stride + k] * s->vx[i * s->stride + k];
        maxnorm = fmax(maxnorm, q);
    }
    double step = 1.0 / (0.25 * maxnorm + lam / n);
    for (int it = 0; it < 400; it++) {
        for (size_t j = 0; j < d; j++)
            g[j] = j ? lam * w[j] / n : 0;
        for (size_t i = 0; i < s->n; i++) {
            double r = (sigmoid(sparse_dot(s, i, w)) - (y[i] != 0)) / n;
            for (size_t k = 0; k < s->nnz[i]; k++)
                g[s->ix[i * s->stride + k]] += r * s->vx[i * s->stride + k];
        }
        for (size_t j = 0; j < d; j++)
            w[j] -= step * g[j];
    }
    free(g);
    return 0;
}

/* Penalised log-loss of the small model below. */
static double small_loss(const double *X, size_t n, size_t k, const int *y, double ridge,
                         const double *w)
{
    double l = 0;
    for (size_t i = 0; i < n; i++) {
        double z = 0;
        for (size_t j = 0; j < k; j++)
            z += w[j] * X[i * k + j];
        l += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - (y[i] ? z : 0);
    }
    for (size_t j = 1; j < k; j++)
        l += 0.5 * ridge * w[j] * w[j];
    return l;
}

/* A small dense logistic regression (Platt scaling, stacking): X is n x k
 * row-major with column 0 all ones; ridge on the other columns. Newton with
 * step halving, from the prior (w = intercept only), so it cannot oscillate. */
static int small_logit(const double *X, size_t n, size_t k, const int *y, double ridge,
                       double *w)
{
    double H[16], g[4], wn[4];
    if (k > 4)
        return TL_EINTERNAL;
    memset(w, 0, k * sizeof *w);
    w[0] = prior_logit(y, n);
    double loss = small_loss(X, n, k, y, ridge, w);
    for (int it = 0; it < 100; it++) {
        memset(H, 0, sizeof H);
        memset(g, 0, sizeof g);
        for (size_t i = 0; i < n; i++) {
            const double *x = X + i * k;
            double z = 0;
            for (size_t j = 0; j < k; j++)
                z += w[j] * x[j];
            double p = sigmoid(z), r = p - (y[i] != 0), h = fmax(p * (1 - p), 1e-10);
            for (size_t a = 0; a < k; a++) {
                g[a] += r * x[a];
                for (size_t b = 0; b < k; b++)
                    H[a * k + b] += h * x[a] * x[b];
            }
        }
        for (size_t j = 0; j < k; j++) {
            H[j * k + j] += j ? ridge : 1e-9;
            g[j] += j ? ridge * w[j] : 0;
        }
        if (cholesky_solve(H, g, k))
            return TL_EINTERNAL;
        double t = 1, nl = loss;
        for (int half = 0; half < 40; half++, t *= 0.5) {
            for (size_t j = 0; j < k; j++)
                wn[j] = w[j] - t * g[j];
            nl = small_loss(X, n, k, y, ridge, wn);
            if (nl <= loss)
                break;
        }
        if (!(nl <= loss))
            break;
        double mx = 0;
        for (size_t j = 0; j < k; j++) {
            mx = fmax(mx, fabs(wn[j] - w[j]));
            w[j] = wn[j];
        }
        loss = nl;
        if (mx < 1e-9)
            break;
    }
    for (size_t j = 0; j < k; j++)
        if (!isfinite(w[j]))
            return TL_EINTERNAL;
    return 0;
}

static int platt_fit(const double *z, const int *y, size_t n, double ab[2])
{
    double *X = malloc((n ? n : 1) * 2 * sizeof *X), w[2];
    if (!X)
        return TL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        X[2 * i] = 1;
        X[2 * i + 1] = z[i];
    }
    int rc = small_logit(X, n, 2, y, 1e-3, w);
    free(X);
    if (rc) { /* degenerate scores: identity */
        ab[0] = 1;
        ab[1] = 0;
        return 0;
    }
    ab[0] = w[1];
    ab[1] = w[0];
    return 0;
}

/* ---- training ---- */

void tl_prop_model_free(tl_prop_model *m)
{
    if (!m)
        return;
    free(m->target);
    free(m->positive);
    for (size_t j = 0; j < m->n_cols; j++)
        prop_col_free(&m->cols[j]);
    free(m->cols);
    free(m->lr_w);
    tl_gbdt_free(&m->gb);
    free(m);
}

/* Everything the training steps share. Arrays owned here, freed at the end
 * of tl_prop_train. */
typedef struct fold {
    size_t *fit, *val;  /* positions into rows, ascending */
    size_t nf, nv;
    int *yf, *yv;
} fold;

typedef struct train_ctx {
    tl_prop_model *m;
    const tl_prop_opts *o;
    size_t n;
    double *raw;        /* n x n_cols */
    int *y;             /* n */
    fold folds[PROP_FOLDS];
    size_t n_folds;     /* 1 in time order (validation = the last rows), else PROP_FOLDS */
    size_t *oof;        /* positions with out-of-fold scores (every fold's validation rows) */
    size_t n_oof;
    int *yo;            /* labels of oof[] */
    double *zl, *zg;    /* n, by position: out-of-fold scores (set at oof[] only) */
} train_ctx;

static void folds_free(train_ctx *c)
{
    for (size_t k = 0; k < PROP_FOLDS; k++) {
        free(c->folds[k].fit);
        free(c->folds[k].val);
        free(c->folds[k].yf);
        free(c->folds[k].yv);
    }
    free(c->oof);
    free(c->yo);
}

/* Validation folds of the training positions: in time order one fold, the
 * last `vf` of the rows (the honest analogue of a later period); else
 * PROP_FOLDS stratified random folds, each class shuffled and dealt round
 * the folds, so every row is validated once by a model that did not see it. */
static int make_folds(train_ctx *c, double vf)
{
    size_t n = c->n;
    c->n_folds = c->o->time_ordered ? 1 : PROP_FOLDS;
    for (size_t k = 0; k < c->n_folds; k++) {
        fold *f = &c->folds[k];
        f->fit = malloc(n * sizeof *f->fit);
        f->val = malloc(n * sizeof *f->val);
        f->yf = malloc(n * sizeof *f->yf);
        f->yv = malloc(n * sizeof *f->yv);
        if (!f->fit || !f->val || !f->yf || !f->yv)
            return TL_ENOMEM;
    }
    c->oof = malloc(n * sizeof *c->oof);
    c->yo = malloc(n * sizeof *c->yo);
    if (!c->oof || !c->yo)
        return TL_ENOMEM;
    if (c->n_folds == 1) {
        fold *f = &c->folds[0];
        if (split_positions(c->y, n, 0, vf, 0, f->fit, &f->nf, f->val, &f->nv))
            return TL_ENOMEM;
    } else {
        size_t *which = malloc(n * sizeof *which), *cls = malloc(n * sizeof *cls);
        if (!which || !cls) {
            free(which);
            free(cls);
            return TL_ENOMEM;
        }
        uint64_t rng = (c->o->seed + 17) * 0x2545f4914f6cdd1dull + 7;
        for (int y = 0; y < 2; y++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if ((c->y[i] != 0) == y)
                    cls[m++] = i;
            shuffle(cls, m, &rng);
            for (size_t i = 0; i < m; i++)
                which[cls[i]] = i % PROP_FOLDS;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < PROP_FOLDS; k++) {
                fold *f = &c->folds[k];
                if (which[i] == k)
                    f->val[f->nv++] = i;
                else
                    f->fit[f->nf++] = i;
            }
        free(which);
        free(cls);
    }
    for (size_t k = 0; k < c->n_folds; k++) {
        fold *f = &c->folds[k];
        for (size_t i = 0; i < f->nf; i++)
            f->yf[i] = c->y[f->fit[i]];
        for (size_t i = 0; i < f->nv; i++) {
            f->yv[i] = c->y[f->val[i]];
            c->oof[c->n_oof++] = f->val[i];
        }
    }
    qsort(c->oof, c->n_oof, sizeof *c->oof, cmp_size);
    for (size_t i = 0; i < c->n_oof; i++)
        c->yo[i] = c->y[c->oof[i]];
    return 0;
}

/* Mean over the folds of the AUC of z (by position) on each fold's
 * validation rows; `scratch` holds n doubles. */
static double folds_auc(const train_ctx *c, const double *z, double *scratch)
{
    double s = 0;
    for (size_t k = 0; k < c->n_folds; k++) {
        const fold *f = &c->folds[k];
        for (size_t i = 0; i < f->nv; i++)
            scratch[i] = z[f->val[i]];
        s += tl_prop_auc(scratch, f->yv, f->nv);
    }
    return s / (double)c->n_folds;
}

static void gather(const double *z, const size_t *pos, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = z[pos[i]];
}

/* Sets every numeric column's logreg edges to `bins` quantile bins of its
 * training values (raw, NAN = missing); vals has n doubles of scratch. */
static int set_lr_bins(train_ctx *c, size_t bins, double *vals)
{
    tl_prop_model *m = c->m;
    for (size_t j = 0; j < m->n_cols; j++) {
        prop_col *pc = &m->cols[j];
        if (pc->is_cat)
            continue;
        size_t k = 0;
        for (size_t i = 0; i < c->n; i++)
            if (!isnan(c->raw[i * m->n_cols + j]))
                vals[k++] = c->raw[i * m->n_cols + j];
        qsort(vals, k, sizeof *vals, cmp_double);
        free(pc->lr_edges);
        if (quantile_edges(vals, k, bins, &pc->lr_edges, &pc->n_lr))
            return TL_ENOMEM;
    }
    return 0;
}

static int fit_logreg(train_ctx *c, tl_err *err)
{
    tl_prop_model *m = c->m;
    const tl_prop_opts *o = c->o;
    static const double grid_full[] = {0.3, 1, 3, 10, 30, 100, 300, 1000};
    static const double grid_fast[] = {30, 300};
    const double *grid = o->fast ? grid_fast : grid_full;
    size_t ng = o->fast ? 2 : sizeof grid_full / sizeof *grid_full;
    if (o->lr_lambda > 0) {
        grid = &o->lr_lambda;
        ng = 1;
    }
    /* resolutions of the numerics' one-hot bins: coarse bins suit a drifting
     * population, fine ones pick up narrow effects (a rate, a date) */
    static const size_t res[] = {PROP_LR_BINS_COARSE, PROP_LR_BINS};
    size_t nr = o->fast ? 1 : 2;
    sparse sf = {0}, sv = {0}, sa = {0};
    size_t dmax = 0;
    for (size_t ri = 0; ri < nr; ri++) {
        size_t dd = 1;
        for (size_t j = 0; j < m->n_cols; j++)
            dd += m->cols[j].is_cat ? m->cols[j].n_levels : res[ri] + 2;
        dmax = dd > dmax ? dd : dmax;
    }
    double *w = malloc(dmax * sizeof *w), *cand = malloc(ng * c->n * sizeof *cand),
           *tmp = malloc(c->n * sizeof *tmp);
    size_t *all = malloc(c->n * sizeof *all);
    int rc = 0;
    if (!w || !cand || !tmp || !all) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    double best_auc = -1;
    size_t best_res = res[0];
    for (size_t ri = 0; ri < nr; ri++) {
        if (set_lr_bins(c, res[ri], tmp)) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto cleanup;
        }
        size_t d = prop_lr_dim(m->cols, m->n_cols);
        /* every strength on every fold: out-of-fold scores per strength */
        for (size_t k = 0; k < c->n_folds; k++) {
            const fold *f = &c->folds[k];
            if (sparse_build(m, c->raw, f->fit, f->nf, &sf) ||
                sparse_build(m, c->raw, f->val, f->nv, &sv)) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory");
                goto cleanup;
            }
            /* strongest first, each fit starting from the previous one */
            for (size_t gi = ng; gi-- > 0;) {
                int r = o->lr_gd ? lr_gd(&sf, f->yf, d, grid[gi], w)
                                 : lr_newton_from(&sf, f->yf, d, grid[gi], w, gi + 1 < ng);
                if (r) {
                    rc = tl_err_set(err, r, "logistic regression failed to converge");
                    goto cleanup;
                }
                for (size_t i = 0; i < f->nv; i++)
                    cand[gi * c->n + f->val[i]] = sparse_dot(&sv, i, w);
            }
            sparse_free(&sf);
            sparse_free(&sv);
        }
        for (size_t gi = 0; gi < ng; gi++) {
            double auc = folds_auc(c, cand + gi * c->n, tmp);
            if (auc > best_auc) {
                best_auc = auc;
                best_res = res[ri];
                m->lr_lambda = grid[gi];
                memcpy(c->zl, cand + gi * c->n, c->n * sizeof *c->zl);
            }
        }
    }
    m->val_auc[0] = best_auc;
    gather(c->zl, c->oof, c->n_oof, tmp);
    platt_fit(tmp, c->yo, c->n_oof, m->lr_platt);
    /* refit on all training rows with the chosen bins and strength */
    if (set_lr_bins(c, best_res, tmp)) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t d = prop_lr_dim(m->cols, m->n_cols);
    for (size_t i = 0; i < c->n; i++)
        all[i] = i;
    if (sparse_build(m, c->raw, all, c->n, &sa)) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = o->lr_gd ? lr_gd(&sa, c->y, d, m->lr_lambda, w)
                  : lr_newton(&sa, c->y, d, m->lr_lambda, w);
    if (rc) {
        rc = tl_err_set(err, rc, "logistic regression failed to converge");
        goto cleanup;
    }
    m->lr_w = w;
    m->lr_dim = d;
    m->has_lr = 1;
    w = NULL;
cleanup:
    sparse_free(&sf);
    sparse_free(&sv);
    sparse_free(&sa);
    free(w);
    free(cand);
    free(tmp);
    free(all);
    return rc;
}

#define GB_CONFIGS 1 /* tree shapes compared on the folds */

static int fit_gbdt(train_ctx *c, tl_err *err)
{
    tl_prop_model *m = c->m;
    const tl_prop_opts *o = c->o;
    size_t F = m->n_cols ? m->n_cols : 1, K = c->n_folds;
    uint8_t *bf = malloc(c->n * F), *bv = malloc(c->n * F), *ba = malloc(c->n * F),
            *is_cat = calloc(F, 1);
    double *vs = malloc(c->n * sizeof *vs), *tmp = malloc(c->n * sizeof *tmp);
    tl_gbdt probe[GB_CONFIGS][PROP_FOLDS];
    memset(probe, 0, sizeof probe);
    int rc = 0;
    if (!bf || !bv || !ba || !is_cat || !vs || !tmp) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t j = 0; j < m->n_cols; j++)
        is_cat[j] = (uint8_t)m->cols[j].is_cat;
    for (size_t i = 0; i < c->n; i++)
        gb_row(m, c->raw + i * m->n_cols, ba + i * F);
    tl_gbdt_params p;
    tl_gbdt_params_default(&p);
    p.seed = o->seed;
    p.learning_rate = o->gb_learning_rate > 0 ? o->gb_learning_rate : 0.1;
    p.max_trees = o->gb_max_trees > 0 ? o->gb_max_trees : 800;
    p.keep_all = 1;
    if (o->fast) {
        p.max_trees = p.max_trees < 200 ? p.max_trees : 200;
        p.learning_rate = fmax(p.learning_rate, 0.1);
        p.patience = 50;
    }
    /* tree shape: up to 31 leaves grown best-first (depth at most 12), or
     * with a given depth every node split down to that depth */
    int depths[GB_CONFIGS] = {12}, leaves[GB_CONFIGS] = {31};
    int nd = 1;
    if (o->gb_depth > 0) {
        depths[0] = o->gb_depth;
        leaves[0] = 1 << 30;
    }
    /* every shape on every fold, each fold's trees kept until its own
     * validation AUC stopped improving; then the shape and tree count with
     * the best mean validation AUC over the folds */
    double best_auc = -1;
    int best_c = 0;
    size_t best_t = 1;
    for (int ci = 0; ci < nd; ci++) {
        p.max_depth = depths[ci];
        p.max_leaves = leaves[ci];
        size_t T = SIZE_MAX;
        for (size_t k = 0; k < K; k++) {
            const fold *f = &c->folds[k];
            for (size_t i = 0; i < f->nf; i++)
                memcpy(bf + i * F, ba + f->fit[i] * F, F);
            for (size_t i = 0; i < f->nv; i++)
                memcpy(bv + i * F, ba + f->val[i] * F, F);
            if ((rc = tl_gbdt_train(&probe[ci][k], bf, f->nf, m->n_cols, f->yf, is_cat, bv,
                                    f->nv, f->yv, &p, err)) != 0)
                goto cleanup;
            T = probe[ci][k].n_trees < T ? probe[ci][k].n_trees : T;
            for (size_t i = 0; i < f->nv; i++)
                vs[f->val[i]] = probe[ci][k].base;
        }
        /* the mean curve, at the trainer's checkpoints, up to the shortest fold */
        for (size_t t = 1; t <= T; t++) {
            for (size_t k = 0; k < K; k++) {
                const fold *f = &c->folds[k];
                tl_gbdt one = {.n_feat = m->n_cols, .trees = &probe[ci][k].trees[t - 1],
                               .n_trees = 1};
                for (size_t i = 0; i < f->nv; i++)
                    vs[f->val[i]] += tl_gbdt_score(&one, ba + f->val[i] * F);
            }
            if (t % (size_t)p.eval_every != 0 && t != T)
                continue;
            double auc = folds_auc(c, vs, tmp);
            if (auc > best_auc + 1e-5) {
                best_auc = auc;
                best_c = ci;
                best_t = t;
            }
        }
    }
    /* out-of-fold scores of the chosen shape and count */
    for (size_t k = 0; k < K; k++) {
        const fold *f = &c->folds[k];
        tl_gbdt pre = probe[best_c][k];
        pre.n_trees = best_t;
        for (size_t i = 0; i < f->nv; i++)
            c->zg[f->val[i]] = tl_gbdt_score(&pre, ba + f->val[i] * F);
    }
    m->val_auc[1] = best_auc;
    gather(c->zg, c->oof, c->n_oof, tmp);
    platt_fit(tmp, c->yo, c->n_oof, m->gb_platt);
    p.max_depth = depths[best_c];
    p.max_leaves = leaves[best_c];
    p.max_trees = (int)best_t;
    p.keep_all = 0;
    if ((rc = tl_gbdt_train(&m->gb, ba, c->n, m->n_cols, c->y, is_cat, NULL, 0, NULL, &p,
                            err)) != 0)
        goto cleanup;
    m->has_gb = 1;
cleanup:
    for (int ci = 0; ci < GB_CONFIGS; ci++)
        for (size_t k = 0; k < PROP_FOLDS; k++)
            tl_gbdt_free(&probe[ci][k]);
    free(vs);
    free(tmp);
    free(bf);
    free(bv);
    free(ba);
    free(is_cat);
    return rc;
}

static int fit_stack(train_ctx *c, tl_err *err)
{
    tl_prop_model *m = c->m;
    size_t no = c->n_oof;
    double *X = malloc((no ? no : 1) * 3 * sizeof *X), *s = malloc(c->n * sizeof *s),
           *tmp = malloc(c->n * sizeof *tmp);
    if (!X || !s || !tmp) {
        free(X);
        free(s);
        free(tmp);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < no; i++) {
        X[3 * i] = 1;
        X[3 * i + 1] = c->zl[c->oof[i]];
        X[3 * i + 2] = c->zg[c->oof[i]];
    }
    if (small_logit(X, no, 3, c->yo, 1.0, m->stack) || m->stack[1] < 0 || m->stack[2] < 0) {
        /* a degenerate stack: the calibrated average of the two */
        m->stack[0] = 0.5 * (m->lr_platt[1] + m->gb_platt[1]);
        m->stack[1] = 0.5 * m->lr_platt[0];
        m->stack[2] = 0.5 * m->gb_platt[0];
    }
    for (size_t i = 0; i < no; i++)
        s[c->oof[i]] = m->stack[1] * c->zl[c->oof[i]] + m->stack[2] * c->zg[c->oof[i]];
    m->val_auc[2] = folds_auc(c, s, tmp);
    free(X);
    free(s);
    free(tmp);
    return 0;
}

int tl_prop_train(const tl_prop_table *t, const size_t *rows, size_t n,
                  const tl_prop_opts *o, tl_prop_model **out, tl_err *err)
{
    int rc = 0;
    train_ctx c = {.o = o, .n = n};
    int *yall = NULL;
    *out = NULL;
    if (!o->target)
        return tl_err_set(err, TL_EUSAGE, "no target column given");
    int tc = tl_prop_table_col(t, o->target);
    if (tc < 0)
        return tl_err_set(err, TL_EINPUT, "no column \"%s\" in the table", o->target);
    if (n < 10)
        return tl_err_set(err, TL_EINPUT, "too few training rows (%zu)", n);
    tl_prop_model *m = calloc(1, sizeof *m);
    c.m = m;
    yall = malloc(t->n_rows * sizeof *yall);
    c.y = malloc(n * sizeof *c.y);
    c.zl = calloc(n, sizeof *c.zl);
    c.zg = calloc(n, sizeof *c.zg);
    if (!m || !yall || !c.y || !c.zl || !c.zg) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    m->kind = o->kind;
    m->val_auc[0] = m->val_auc[1] = m->val_auc[2] = NAN;
    if (!(m->target = tl_strndup(o->target, strlen(o->target))) ||
        (o->positive && !(m->positive = tl_strndup(o->positive, strlen(o->positive))))) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = tl_prop_table_labels(t, o->target, o->positive, yall, err)) != 0)
        goto cleanup;
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i] >= t->n_rows) {
            rc = tl_err_set(err, TL_EINPUT, "row %zu out of range", rows[i]);
            goto cleanup;
        }
        npos += (size_t)(c.y[i] = yall[rows[i]]);
    }
    if (npos == 0 || npos == n) {
        rc = tl_err_set(err, TL_EINPUT,
                        "the target \"%s\" has only one class in the training rows%s",
                        o->target, o->positive ? "" : " (is --positive right?)");
        goto cleanup;
    }
    if ((rc = infer_columns(m, t, rows, n, o, tc, err)) != 0)
        goto cleanup;
    if (!(c.raw = malloc(n * (m->n_cols ? m->n_cols : 1) * sizeof *c.raw))) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = featurize(m, t, rows, n, c.raw, err)) != 0)
        goto cleanup;
    double vf = o->val_fraction > 0 && o->val_fraction < 1 ? o->val_fraction : 0.2;
    if (make_folds(&c, vf)) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    m->n_folds = c.n_folds;
    m->n_fit = c.folds[0].nf;
    m->n_val = c.folds[0].nv;
    if (o->kind != TL_PROP_GBDT && (rc = fit_logreg(&c, err)) != 0)
        goto cleanup;
    if (o->kind != TL_PROP_LOGREG && (rc = fit_gbdt(&c, err)) != 0)
        goto cleanup;
    if (o->kind == TL_PROP_ENSEMBLE && (rc = fit_stack(&c, err)) != 0)
        goto cleanup;
    *out = m;
    m = NULL;
cleanup:
    tl_prop_model_free(m);
    folds_free(&c);
    free(yall);
    free(c.y);
    free(c.zl);
    free(c.zg);
    free(c.raw);
    return rc;
}

/* ---- prediction ---- */

int tl_prop_predict(const tl_prop_model *m, const tl_prop_table *t, const size_t *rows,
                    size_t n, double *p, tl_err *err)
{
    size_t C = m->n_cols ? m->n_cols : 1;
    double *raw = malloc(C * sizeof *raw), *vx = malloc((1 + 2 * C) * sizeof *vx);
    int32_t *ix = malloc((1 + 2 * C) * sizeof *ix);
    uint8_t *bins = malloc(C);
    size_t one;
    int rc = 0;
    if (!raw || !vx || !ix || !bins) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        one = rows[i];
        if (one >= t->n_rows) {
            rc = tl_err_set(err, TL_EINPUT, "row %zu out of range", one);
            goto cleanup;
        }
        if ((rc = featurize(m, t, &one, 1, raw, err)) != 0)
            goto cleanup;
        double zl = 0, zg = 0;
        if (m->has_lr) {
            size_t k = lr_row(m, raw, ix, vx);
            for (size_t a = 0; a < k; a++)
                zl += m->lr_w[ix[a]] * vx[a];
        }
        if (m->has_gb) {
            gb_row(m, raw, bins);
            zg = tl_gbdt_score(&m->gb, bins);
        }
        double z = m->kind == TL_PROP_LOGREG ? m->lr_platt[0] * zl + m->lr_platt[1]
                   : m->kind == TL_PROP_GBDT ? m->gb_platt[0] * zg + m->gb_platt[1]
                                             : m->stack[0] + m->stack[1] * zl + m->stack[2] * zg;
        p[i] = sigmoid(z);
    }
cleanup:
    free(raw);
    free(vx);
    free(ix);
    free(bins);
    return rc;
}

void tl_prop_model_info(const tl_prop_model *m, tl_prop_info *info)
{
    memset(info, 0, sizeof *info);
    info->kind = m->kind;
    info->n_columns = m->n_cols;
    for (size_t j = 0; j < m->n_cols; j++) {
        info->n_categorical += m->cols[j].is_cat != 0;
        info->n_numeric += m->cols[j].is_cat == 0;
    }
    info->lr_dim = m->has_lr ? m->lr_dim : 0;
    info->lr_lambda = m->lr_lambda;
    info->gb_trees = m->has_gb ? m->gb.n_trees : 0;
    info->n_fit = m->n_fit;
    info->n_val = m->n_val;
    info->n_folds = m->n_folds;
    info->val_auc_lr = m->val_auc[0];
    info->val_auc_gb = m->val_auc[1];
    info->val_auc_ens = m->val_auc[2];
}
