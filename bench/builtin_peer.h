/* builtin_peer.h — the peer the built-in encoder is measured against: a
 * classic TF-IDF over the same words (same splitting, stop words and stems),
 * with the inverse document frequencies fitted on the collection searched,
 * sparse vectors and exact cosine. No lexicon, no WordNet: the difference
 * is what those add. Shared by bench_builtin.c and bench_eval_builtin.c;
 * static inline functions only, not part of tailor.
 *
 * Memory: peer_fit copies what it keeps; peer_free releases it. A peer_vec
 * owns its arrays; peer_vec_free releases them. */
#ifndef TL_BENCH_BUILTIN_PEER_H
#define TL_BENCH_BUILTIN_PEER_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/builtin.h"

typedef struct peer_vec {
    uint32_t *ids;  /* sorted term ids */
    float *w;       /* L2-normalised weights */
    size_t n;
} peer_vec;

typedef struct peer_tfidf {
    char **terms;    /* slot -> owned stem, NULL = empty */
    uint32_t *ids;   /* slot -> term id */
    size_t mask, n_terms;
    uint32_t *df;    /* term id -> documents containing it */
    float *idf;      /* term id -> ln((1 + N) / (1 + df)) + 1 */
    size_t cap_terms, n_docs;
} peer_tfidf;

static inline uint64_t peer_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h ^ (h >> 31);
}

/* Id of `stem`, added when `add` (returns UINT32_MAX when absent or out of
 * memory). */
static inline uint32_t peer_term(peer_tfidf *p, const char *stem, int add)
{
    if (!p->terms) {
        p->mask = (1u << 16) - 1;
        p->terms = calloc(p->mask + 1, sizeof *p->terms);
        p->ids = calloc(p->mask + 1, sizeof *p->ids);
        if (!p->terms || !p->ids)
            return UINT32_MAX;
    }
    size_t i = (size_t)peer_hash(stem) & p->mask;
    while (p->terms[i]) {
        if (strcmp(p->terms[i], stem) == 0)
            return p->ids[i];
        i = (i + 1) & p->mask;
    }
    if (!add || p->n_terms * 2 >= p->mask)
        return UINT32_MAX;
    if (p->n_terms == p->cap_terms) {
        size_t cap = p->cap_terms ? 2 * p->cap_terms : 1024;
        uint32_t *df = realloc(p->df, cap * sizeof *df);
        if (!df)
            return UINT32_MAX;
        p->df = df;
        p->cap_terms = cap;
    }
    p->terms[i] = strdup(stem);
    if (!p->terms[i])
        return UINT32_MAX;
    p->ids[i] = (uint32_t)p->n_terms;
    p->df[p->n_terms] = 0;
    return (uint32_t)p->n_terms++;
}

static inline int peer_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct term ids of a text (sorted) and their counts; fitting adds new
 * terms. Returns the number of distinct terms, or -1 on failure. */
static inline long peer_terms(peer_tfidf *p, const char *text, int add, uint32_t **ids_out,
                       float **tf_out)
{
    size_t len = strlen(text), cap = len / 2 + 1;
    if (cap > TL_BUILTIN_MAX_TOKENS)
        cap = TL_BUILTIN_MAX_TOKENS;
    tl_builtin_token *toks = malloc(cap * sizeof *toks);
    uint32_t *ids = malloc(cap * sizeof *ids);
    float *tf = malloc(cap * sizeof *tf);
    size_t n = 0, m = 0;
    if (!toks || !ids || !tf || tl_builtin_tokenize(text, toks, cap, &n, NULL) != 0) {
        free(toks);
        free(ids);
        free(tf);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (toks[i].kind == TL_BW_STOP)
            continue;
        uint32_t id = peer_term(p, toks[i].stem, add);
        if (id != UINT32_MAX)
            ids[m++] = id;
    }
    free(toks);
    qsort(ids, m, sizeof *ids, peer_cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (k && ids[k - 1] == ids[i]) {
            tf[k - 1] += 1;
        } else {
            ids[k] = ids[i];
            tf[k++] = 1;
        }
    }
    *ids_out = ids;
    *tf_out = tf;
    return (long)k;
}

/* Learns the vocabulary and document frequencies of docs[0..n). */
static inline int peer_fit(peer_tfidf *p, const char *const *docs, size_t n)
{
    memset(p, 0, sizeof *p);
    for (size_t d = 0; d < n; d++) {
        uint32_t *ids;
        float *tf;
        long k = peer_terms(p, docs[d], 1, &ids, &tf);
        if (k < 0)
            return -1;
        for (long i = 0; i < k; i++)
            p->df[ids[i]]++;
        free(ids);
        free(tf);
    }
    p->n_docs = n;
    p->idf = malloc((p->n_terms ? p->n_terms : 1) * sizeof *p->idf);
    if (!p->idf)
        return -1;
    for (size_t t = 0; t < p->n_terms; t++)
        p->idf[t] = logf((1.0f + (float)n) / (1.0f + (float)p->df[t])) + 1.0f;
    return 0;
}

/* Sublinear tf times idf, L2-normalised; unknown words are ignored. */
static inline int peer_vectorise(peer_tfidf *p, const char *text, peer_vec *v)
{
    float *tf;
    long k = peer_terms(p, text, 0, &v->ids, &tf);
    if (k < 0)
        return -1;
    double ss = 0;
    for (long i = 0; i < k; i++) {
        tf[i] = (1.0f + logf(tf[i])) * p->idf[v->ids[i]];
        ss += (double)tf[i] * tf[i];
    }
    for (long i = 0; i < k && ss > 0; i++)
        tf[i] = (float)(tf[i] / sqrt(ss));
    v->w = tf;
    v->n = (size_t)k;
    return 0;
}

static inline float peer_dot(const peer_vec *a, const peer_vec *b)
{
    float s = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->ids[i] == b->ids[j])
            s += a->w[i++] * b->w[j++];
        else if (a->ids[i] < b->ids[j])
            i++;
        else
            j++;
    }
    return s;
}

static inline void peer_vec_free(peer_vec *v)
{
    free(v->ids);
    free(v->w);
    v->ids = NULL;
    v->w = NULL;
}

static inline void peer_free(peer_tfidf *p)
{
    for (size_t i = 0; p->terms && i <= p->mask; i++)
        free(p->terms[i]);
    free(p->terms);
    free(p->ids);
    free(p->df);
    free(p->idf);
    memset(p, 0, sizeof *p);
}

#endif
