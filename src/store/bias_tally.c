/* bias_tally.c — the offer, acceptance and score counts of the bias report
 * in one pass over the store (see bias.h for what is counted).
 *
 * Grouping the pairs in SQL joined millions of (customer, product) rows to
 * the customers by text ID four times over; here each source table is read
 * once, customers become small integers through one hash table, and
 * distinct pairs are kept in hash sets of 64-bit keys. Memory grows with
 * the number of distinct pairs (about 40 bytes each at most), all freed
 * before returning. */
#include "store/bias.h"
#include "store/store_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N_AGE 8   /* the age bands of group_label(), in that order */
static const char *const age_bands[N_AGE] = {"18-24", "25-34", "35-44", "45-54",
                                             "55-64", "65+",   "under 18", "Unknown"};

static uint64_t hash_str(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h ? h : 1;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* ---- strings to small integers ------------------------------------------- */

typedef struct names {
    uint64_t *hash;      /* 0 = empty slot */
    uint32_t *slot_id;
    char **name;         /* by id; owned copies */
    size_t n, cap;       /* cap: power of two */
} names;

static void names_free(names *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->name[i]);
    free(m->hash);
    free(m->slot_id);
    free(m->name);
    memset(m, 0, sizeof *m);
}

static int names_grow(names *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *h = calloc(cap, sizeof *h);
    uint32_t *id = calloc(cap, sizeof *id);
    char **nm = realloc(m->name, cap / 2 * sizeof *nm);
    if (!h || !id || !nm) {
        free(h);
        free(id);
        if (nm)
            m->name = nm;
        return TL_ENOMEM;
    }
    m->name = nm;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->hash[i])
            continue;
        size_t j = mix(m->hash[i]) & (cap - 1);
        while (h[j])
            j = (j + 1) & (cap - 1);
        h[j] = m->hash[i];
        id[j] = m->slot_id[i];
    }
    free(m->hash);
    free(m->slot_id);
    m->hash = h;
    m->slot_id = id;
    m->cap = cap;
    return TL_OK;
}

/* The id of s (n bytes), or -1; with `add`, a new id when absent (-2 when
 * out of memory). */
static long names_id(names *m, const char *s, size_t n, int add)
{
    if (m->cap) {
        uint64_t h = hash_str(s, n);
        for (size_t j = mix(h) & (m->cap - 1); m->hash[j]; j = (j + 1) & (m->cap - 1))
            if (m->hash[j] == h && strncmp(m->name[m->slot_id[j]], s, n) == 0 &&
                m->name[m->slot_id[j]][n] == '\0')
                return (long)m->slot_id[j];
    }
    if (!add)
        return -1;
    if ((m->n + 1) * 2 > m->cap && names_grow(m))
        return -2;
    char *copy = malloc(n + 1);
    if (!copy)
        return -2;
    memcpy(copy, s, n);
    copy[n] = '\0';
    uint64_t h = hash_str(s, n);
    size_t j = mix(h) & (m->cap - 1);
    while (m->hash[j])
        j = (j + 1) & (m->cap - 1);
    m->hash[j] = h;
    m->slot_id[j] = (uint32_t)m->n;
    m->name[m->n] = copy;
    return (long)m->n++;
}

/* ---- sets of 64-bit keys ---------------------------------------------------- */

typedef struct keyset {
    uint64_t *slot;   /* key + 1; 0 = empty */
    size_t n, cap;
} keyset;

/* Adds k; 1 when new, 0 when present, TL_ENOMEM. */
static int keyset_add(keyset *s, uint64_t k)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return TL_ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i]) {
                size_t j = mix(s->slot[i]) & (cap - 1);
                while (t[j])
                    j = (j + 1) & (cap - 1);
                t[j] = s->slot[i];
            }
        free(s->slot);
        s->slot = t;
        s->cap = cap;
    }
    uint64_t v = k + 1;
    size_t j = mix(v) & (s->cap - 1);
    for (; s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (s->slot[j] == v)
            return 0;
    s->slot[j] = v;
    s->n++;
    return 1;
}

/* ---- the tally ---------------------------------------------------------------- */

enum { OFFERED, ACCEPTED, SCORED, N_COUNTS };

typedef struct tally {
    tl_store *st;
    names customers, genders, products, categories;
    uint8_t *cust_gender, *cust_age;   /* by customer id */
    size_t cust_cap;
    int32_t *prod_cat;                 /* by product id; -1 without a category */
    /* distinct pairs: [count kind][0 product, 1 category] */
    keyset seen[N_COUNTS][2];
    /* counts[kind][level][dim] is a (keys × groups) matrix, and the sum of
     * scores beside the SCORED counts of the rows (not distinct customers). */
    long long *counts[N_COUNTS][2][2];
    double *score_sum[2][2];
    long long *score_rows[2][2];
    size_t n_keys[2], n_groups[2];
} tally;

static void tally_free(tally *t)
{
    names_free(&t->customers);
    names_free(&t->genders);
    names_free(&t->products);
    names_free(&t->categories);
    free(t->cust_gender);
    free(t->cust_age);
    free(t->prod_cat);
    for (int k = 0; k < N_COUNTS; k++)
        for (int l = 0; l < 2; l++) {
            free(t->seen[k][l].slot);
            for (int d = 0; d < 2; d++)
                free(t->counts[k][l][d]);
        }
    for (int l = 0; l < 2; l++)
        for (int d = 0; d < 2; d++) {
            free(t->score_sum[l][d]);
            free(t->score_rows[l][d]);
        }
}

static int age_band(sqlite3_stmt *s, int col)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return 7;
    long long a = sqlite3_column_int64(s, col);
    return a < 18 ? 6 : a < 25 ? 0 : a < 35 ? 1 : a < 45 ? 2 : a < 55 ? 3 : a < 65 ? 4 : 5;
}

/* Customers with their groups, products with their categories. */
static int load_people_and_products(tally *t, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(t->st->db, "SELECT id, trim(gender), age FROM customers", -1, &s,
                           NULL) != SQLITE_OK)
        return tl__store_fail(t->st, err, "bias: read customers");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        const char *g = (const char *)sqlite3_column_text(s, 1);
        if (!g || !*g)
            g = "Unknown";
        long ci = names_id(&t->customers, id, strlen(id), 1);
        long gi = names_id(&t->genders, g, strlen(g), 1);
        if (ci < 0 || gi < 0 || gi > 255) {
            rc = gi > 255 ? tl_err_set(err, TL_EINPUT, "bias: more than 256 genders")
                          : tl_err_set(err, TL_ENOMEM, "out of memory counting customers");
            break;
        }
        if ((size_t)ci >= t->cust_cap) {
            size_t cap = t->cust_cap ? t->cust_cap * 2 : 4096;
            uint8_t *gp = realloc(t->cust_gender, cap), *ap = gp ? realloc(t->cust_age, cap) : NULL;
            if (gp)
                t->cust_gender = gp;
            if (!ap) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory counting customers");
                break;
            }
            t->cust_age = ap;
            t->cust_cap = cap;
        }
        t->cust_gender[ci] = (uint8_t)gi;
        t->cust_age[ci] = (uint8_t)age_band(s, 2);
    }
    if (!rc && step != SQLITE_DONE)
        rc = tl__store_fail(t->st, err, "bias: read customers");
    sqlite3_finalize(s);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(t->st->db, "SELECT id, category FROM products", -1, &s, NULL) !=
        SQLITE_OK)
        return tl__store_fail(t->st, err, "bias: read products");
    size_t cap = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        const char *cat = (const char *)sqlite3_column_text(s, 1);
        long pi = names_id(&t->products, id, strlen(id), 1);
        long k = cat ? names_id(&t->categories, cat, strlen(cat), 1) : -1;
        if (pi < 0 || k < -1) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory counting products");
            break;
        }
        if ((size_t)pi >= cap) {
            cap = cap ? cap * 2 : 64;
            int32_t *pc = realloc(t->prod_cat, cap * sizeof *pc);
            if (!pc) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory counting products");
                break;
            }
            t->prod_cat = pc;
        }
        t->prod_cat[pi] = (int32_t)k;
    }
    if (!rc && step != SQLITE_DONE)
        rc = tl__store_fail(t->st, err, "bias: read products");
    sqlite3_finalize(s);
    return rc;
}

static int alloc_matrices(tally *t, tl_err *err)
{
    t->n_keys[TL_BIAS_PRODUCT] = t->products.n;
    t->n_keys[TL_BIAS_CATEGORY] = t->categories.n;
    t->n_groups[TL_BIAS_GENDER] = t->genders.n;
    t->n_groups[TL_BIAS_AGE_BAND] = N_AGE;
    for (int l = 0; l < 2; l++)
        for (int d = 0; d < 2; d++) {
            size_t cells = (t->n_keys[l] ? t->n_keys[l] : 1) * (t->n_groups[d] ? t->n_groups[d] : 1);
            for (int k = 0; k < N_COUNTS; k++)
                if (!(t->counts[k][l][d] = calloc(cells, sizeof(long long))))
                    return tl_err_set(err, TL_ENOMEM, "out of memory counting offers");
            if (!(t->score_sum[l][d] = calloc(cells, sizeof(double))) ||
                !(t->score_rows[l][d] = calloc(cells, sizeof(long long))))
                return tl_err_set(err, TL_ENOMEM, "out of memory counting offers");
        }
    return TL_OK;
}

/* Counts customer ci with product pi under `kind` once per distinct pair,
 * at both levels; a score (scored rows only) is summed per row. */
static int count_pair(tally *t, int kind, long ci, long pi, double score)
{
    int grp[2] = {t->cust_gender[ci], t->cust_age[ci]};
    long key[2] = {pi, t->prod_cat[pi]};
    for (int l = 0; l < 2; l++) {
        if (key[l] < 0)
            continue;
        int fresh = keyset_add(&t->seen[kind][l], ((uint64_t)ci << 32) | (uint64_t)key[l]);
        if (fresh < 0)
            return fresh;
        for (int d = 0; d < 2; d++) {
            size_t cell = (size_t)key[l] * t->n_groups[d] + (size_t)grp[d];
            t->counts[kind][l][d][cell] += fresh;
            if (kind == SCORED) {
                t->score_sum[l][d][cell] += score;
                t->score_rows[l][d][cell]++;
            }
        }
    }
    return TL_OK;
}

/* Runs sql, whose rows are (customer id, product id, x), counting each
 * known pair under `kind`; with `offers_too`, also as an offer; with
 * `x_accepts`, also as an acceptance when x is non-zero (x is the score of
 * SCORED rows). */
static int count_rows(tally *t, const char *sql, int kind, int offers_too, int x_accepts,
                      tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(t->st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(t->st, err, "bias: count offers");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *cid = (const char *)sqlite3_column_text(s, 0);
        const char *pid = (const char *)sqlite3_column_text(s, 1);
        if (!cid || !pid)
            continue;
        long ci = names_id(&t->customers, cid, (size_t)sqlite3_column_bytes(s, 0), 0);
        long pi = names_id(&t->products, pid, (size_t)sqlite3_column_bytes(s, 1), 0);
        if (ci < 0 || pi < 0)
            continue;   /* erased customers, retired products */
        double x = sqlite3_column_double(s, 2);
        if ((rc = count_pair(t, kind, ci, pi, x)) ||
            (offers_too && (rc = count_pair(t, OFFERED, ci, pi, 0))) ||
            (x_accepts && x != 0 && (rc = count_pair(t, ACCEPTED, ci, pi, 0))))
            break;
    }
    if (rc)
        rc = tl_err_set(err, TL_ENOMEM, "out of memory counting offers");
    else if (step != SQLITE_DONE)
        rc = tl__store_fail(t->st, err, "bias: count offers");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_bias_cells_all(tl_store *st,
                            int (*cb)(void *ctx, tl_bias_dim dim, tl_bias_level level,
                                      const tl_bias_cell *c),
                            void *ctx, tl_err *err)
{
    tally t = {.st = st};
    int rc;
    if ((rc = load_people_and_products(&t, err)) || (rc = alloc_matrices(&t, err)))
        goto done;
    if ((rc = count_rows(&t,
                         "SELECT customer_id, product_id, kind='accepted' FROM events"
                         " WHERE kind IN ('shown','accepted') AND product_id IS NOT NULL",
                         OFFERED, 0, 1, err)) ||
        (rc = count_rows(&t, "SELECT customer_id, product_id, score FROM scored", SCORED, 1, 0,
                         err)) ||
        (rc = count_rows(&t,
                         "SELECT a.subject, json_extract(p.value, '$.product_id'), 0"
                         " FROM audit a, json_each(a.doc, '$.products') p"
                         " WHERE a.kind='recommendation' AND json_valid(a.doc)",
                         OFFERED, 0, 0, err)))
        goto done;
    for (int d = 0; d < 2 && !rc; d++)
        for (int l = 0; l < 2 && !rc; l++) {
            names *keys = l == TL_BIAS_PRODUCT ? &t.products : &t.categories;
            for (size_t k = 0; k < t.n_keys[l] && !rc; k++)
                for (size_t g = 0; g < t.n_groups[d] && !rc; g++) {
                    size_t cell = k * t.n_groups[d] + g;
                    long long rows = t.score_rows[l][d][cell];
                    tl_bias_cell c = {
                        keys->name[k],
                        d == TL_BIAS_GENDER ? t.genders.name[g] : age_bands[g],
                        t.counts[OFFERED][l][d][cell],
                        t.counts[ACCEPTED][l][d][cell],
                        t.counts[SCORED][l][d][cell],
                        rows ? t.score_sum[l][d][cell] / (double)rows : NAN};
                    if (c.offered || c.accepted || c.scored)
                        rc = cb(ctx, (tl_bias_dim)d, (tl_bias_level)l, &c);
                }
        }
done:
    tally_free(&t);
    return rc;
}
