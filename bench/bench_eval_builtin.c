/* bench_eval_builtin.c — how well the built-in encoder matches meaning, next
 * to peers measured in the same run:
 *   - needs -> products: tests/encoder/needs_eval.tsv against
 *     tests/encoder/eval_catalogue.json; p@1 (the top product fits), hit@3
 *     (a fitting product in the top 3; what the tests call p@3), strict
 *     precision@3 (fitting products among the top 3, over 3) and MRR;
 *   - BANKING77 intents: 1-nearest-neighbour accuracy, train as the index,
 *     test as the queries (cosine);
 *   - the three named examples on the prototype's products.json.
 * Peers: the encoder without each of its parts, a plain bag of words (no
 * lexicon, no WordNet), and a classic TF-IDF fitted on the collection
 * searched (bench/builtin_peer.h).
 *
 *   bench_eval_builtin [-v] [--served-only] [--set WEIGHT=VALUE]...
 *                      [--catalogue FILE] [--needs FILE]
 *                      [--banking77 DIR] [--seed-products FILE]
 *
 * Paths default to $TAILOR_SRC (else .)/tests/encoder/... and
 * $TAILOR_SRC/../shared/...; missing shared data is skipped with a note.
 * Exit 0, 1 on unreadable input. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "builtin_peer.h"
#include "encoder/blas.h"
#include "encoder/builtin.h"
#include "encoder/encoder.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- inputs ---- */

typedef struct strs {
    char **v;  /* owned strings */
    size_t n, cap;
} strs;

static int strs_push(strs *s, char *owned)
{
    if (!owned)
        return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            free(owned);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = owned;
    return 0;
}

static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* What the engine embeds for a product: name, description, features,
 * eligibility, rewards, extra benefits and category, as sentences. */
static char *product_text(json_t *p)
{
    static const char *const fields[] = {"name", "description", "features", "eligibility",
                                         "rewards", "additional_benefits", "category"};
    tl_buf b;
    tl_buf_init(&b, 1 << 16);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = json_string_value(json_object_get(p, fields[i]));
        if (v && *v && (tl_buf_puts(&b, v) || tl_buf_puts(&b, ". "))) {
            tl_buf_free(&b);
            return NULL;
        }
    }
    return tl_buf_steal(&b, NULL);
}

/* Reads a products.json (an array of objects); ids and texts in order. */
static int load_catalogue(const char *path, strs *ids, strs *names, strs *texts)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root || !json_is_array(root)) {
        fprintf(stderr, "bench_eval_builtin: %s:%d:%d: %s\n", path, je.line, je.column,
                root ? "not an array" : je.text);
        json_decref(root);
        return -1;
    }
    size_t i;
    json_t *p;
    json_array_foreach(root, i, p) {
        const char *id = json_string_value(json_object_get(p, "product_id"));
        const char *name = json_string_value(json_object_get(p, "name"));
        if (strs_push(ids, strdup(id ? id : "")) || strs_push(names, strdup(name ? name : "")) ||
            strs_push(texts, product_text(p))) {
            json_decref(root);
            return -1;
        }
    }
    json_decref(root);
    return 0;
}

/* needs_eval.tsv: "statement<TAB>id,id[<TAB>holdout]"; '#' starts a
 * comment line. held[i] is 1 for a held-out statement. */
static int load_needs(const char *path, strs *needs, strs *fits, unsigned char *held,
                      size_t max)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_eval_builtin: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "bench_eval_builtin: %s: a line without a tab\n", path);
            rc = -1;
            break;
        }
        *tab = '\0';
        char *tab2 = strchr(tab + 1, '\t');
        if (tab2)
            *tab2 = '\0';
        if (needs->n >= max || strs_push(needs, strdup(line)) ||
            strs_push(fits, strdup(tab + 1))) {
            rc = -1;
            break;
        }
        held[needs->n - 1] = tab2 && strcmp(tab2 + 1, "holdout") == 0;
    }
    free(line);
    fclose(f);
    return rc;
}

/* Reads a CSV of two columns (text, label) with a header row; RFC 4180
 * quoting, where a quoted field may span lines; CRLF or LF. */
static int load_banking77(const char *path, strs *texts, strs *labels)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    tl_buf all;
    tl_buf_init(&all, 64u << 20);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (tl_buf_append(&all, chunk, k) != 0)
            break;
    fclose(f);
    if (!all.data) {
        tl_buf_free(&all);
        return -1;
    }
    const char *p = all.data, *end = all.data + all.len;
    int rc = 0;
    size_t row = 0;
    while (p < end && rc == 0) {
        tl_buf field[2];
        int nf = 0;
        for (;;) { /* one record */
            tl_buf *b = &field[nf];
            tl_buf_init(b, 1 << 16);
            tl_buf_puts(b, "");
            if (p < end && *p == '"') {
                for (p++; p < end; p++) {
                    if (*p == '"' && p + 1 < end && p[1] == '"')
                        tl_buf_putc(b, *p++);
                    else if (*p == '"')
                        break;
                    else
                        tl_buf_putc(b, *p == '\r' || *p == '\n' ? ' ' : *p);
                }
                p++; /* the closing quote */
            }
            while (p < end && *p != ',' && *p != '\n' && *p != '\r')
                tl_buf_putc(b, *p++);
            nf++;
            if (p < end && *p == ',' && nf < 2) {
                p++;
                continue;
            }
            while (p < end && (*p == '\r' || *p == '\n'))
                p++;
            break;
        }
        if (nf == 2 && row++ > 0) {
            if (strs_push(texts, tl_buf_steal(&field[0], NULL)) ||
                strs_push(labels, tl_buf_steal(&field[1], NULL)))
                rc = -1;
        } else if (nf != 2) {
            fprintf(stderr, "bench_eval_builtin: %s: record %zu has %d fields\n", path, row, nf);
            rc = -1;
        }
        for (int i = 0; i < nf; i++)
            tl_buf_free(&field[i]);
    }
    tl_buf_free(&all);
    return rc;
}

/* ---- scoring ---- */

typedef struct scores {
    double p1, hit3, prec3, mrr;
} scores;

/* Whether product id `id` is in the comma-separated list `fits`. */
static int fits_has(const char *fits, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = fits; p && *p;) {
        const char *c = strchr(p, ',');
        size_t k = c ? (size_t)(c - p) : strlen(p);
        if (k == n && strncmp(p, id, n) == 0)
            return 1;
        p = c ? c + 1 : NULL;
    }
    return 0;
}

/* Ranks products by score (descending, ties by index) into order[]. */
static void rank(const float *score, size_t n, size_t *order)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) { /* insertion sort: n is ~40 */
        size_t v = order[i], j = i;
        while (j > 0 && score[order[j - 1]] < score[v]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

/* Scores the statements whose held[] equals `which` (-1: all). */
static scores score_needs(const float *sim, const strs *needs, const strs *fits,
                          const unsigned char *held, int which, const strs *ids,
                          const strs *names, int verbose, const char *label)
{
    scores s = {0};
    size_t np = ids->n, counted = 0;
    size_t *order = malloc(np * sizeof *order);
    if (!order)
        return s;
    for (size_t q = 0; q < needs->n; q++) {
        if (which >= 0 && held[q] != which)
            continue;
        counted++;
        rank(sim + q * np, np, order);
        int hit1 = fits_has(fits->v[q], ids->v[order[0]]);
        int in3 = 0;
        for (size_t k = 0; k < 3 && k < np; k++)
            in3 += fits_has(fits->v[q], ids->v[order[k]]);
        size_t r = 0;
        while (r < np && !fits_has(fits->v[q], ids->v[order[r]]))
            r++;
        s.p1 += hit1;
        s.hit3 += in3 > 0;
        s.prec3 += in3 / 3.0;
        s.mrr += r < np ? 1.0 / (double)(r + 1) : 0;
        if (verbose && !hit1)
            printf("  [%s] miss: %-60.60s -> %s, %s, %s (want %s)\n", label, needs->v[q],
                   names->v[order[0]], names->v[order[1]], names->v[order[2]], fits->v[q]);
    }
    free(order);
    double n = counted ? (double)counted : 1.0;
    s.p1 /= n;
    s.hit3 /= n;
    s.prec3 /= n;
    s.mrr /= n;
    return s;
}

/* ---- encoders under test ---- */

typedef struct config {
    const char *name;
    int peer;          /* 1: the classic TF-IDF peer, not an encoder */
    int lexicon, wordnet, bigrams;
    const char *wordnet_dir;
} config;

static const config configs[] = {
    {"builtin (served)", 0, 1, 1, 1, NULL},
    {"builtin - WordNet synsets", 0, 1, 0, 1, NULL},
    {"builtin - lexicon", 0, 0, 1, 1, NULL},
    {"builtin - bigrams", 0, 1, 1, 0, NULL},
    {"builtin, no WordNet files", 0, 1, 1, 1, "none"},
    {"bag of words (peer)", 0, 0, 0, 0, "none"},
    {"TF-IDF fitted (peer)", 1, 0, 0, 0, NULL},
};

/* Weights for the encoders under test: the served ones unless --set
 * changed some (for tuning; the served ones live in builtin.c). */
static tl_builtin_weights weights;

static int set_weight(const char *kv)
{
    static const struct {
        const char *name;
        size_t off;
        int is_int;
    } fields[] = {
#define F(x) {#x, offsetof(tl_builtin_weights, x), 0}
#define N(x) {#x, offsetof(tl_builtin_weights, x), 1}
        F(common), F(number), F(idf_max), F(idf_slope), F(idf_min), F(idf_plain), F(bigram),
        F(concept), F(anchor), F(synset), F(sense_decay), F(hyper), F(hyper_decay), N(senses),
        N(hyper_depth),
#undef F
#undef N
    };
    const char *eq = strchr(kv, '=');
    if (!eq)
        return -1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strlen(fields[i].name) != (size_t)(eq - kv) ||
            strncmp(fields[i].name, kv, (size_t)(eq - kv)) != 0)
            continue;
        char *end;
        double v = strtod(eq + 1, &end);
        if (*end || end == eq + 1)
            return -1;
        char *base = (char *)&weights + fields[i].off;
        if (fields[i].is_int) {
            int iv = (int)v;
            memcpy(base, &iv, sizeof iv);
        } else {
            float fv = (float)v;
            memcpy(base, &fv, sizeof fv);
        }
        return 0;
    }
    return -1;
}

static int open_config(const config *c, tl_encoder **e)
{
    tl_builtin_opts o;
    tl_builtin_opts_default(&o);
    o.weights = &weights;
    o.lexicon = c->lexicon;
    o.wordnet = c->wordnet;
    o.bigrams = c->bigrams;
    o.wordnet_dir = c->wordnet_dir;
    tl_err err;
    if (tl_builtin_encoder_open_opts(&o, e, &err) != 0) {
        fprintf(stderr, "bench_eval_builtin: %s: %s\n", c->name, err.msg);
        return -1;
    }
    return 0;
}

static float *embed_all(tl_encoder *e, const strs *t, double *seconds)
{
    size_t dim = tl_encoder_dim(e);
    float *v = malloc((t->n ? t->n : 1) * dim * sizeof *v);
    if (!v)
        return NULL;
    tl_err err;
    double t0 = now_seconds();
    if (tl_encoder_embed(e, (const char *const *)t->v, t->n, v, &err) != 0) {
        fprintf(stderr, "bench_eval_builtin: embed: %s\n", err.msg);
        free(v);
        return NULL;
    }
    if (seconds)
        *seconds = now_seconds() - t0;
    return v;
}

/* sim[q * nd + d] = cosine of query q and document d, for either kind. */
static float *similarities(const config *c, tl_encoder *e, const strs *queries,
                           const strs *docs)
{
    size_t nq = queries->n, nd = docs->n;
    float *sim = malloc((nq * nd > 0 ? nq * nd : 1) * sizeof *sim);
    if (!sim)
        return NULL;
    if (c->peer) {
        peer_tfidf p;
        peer_vec *dv = calloc(nd, sizeof *dv);
        if (!dv || peer_fit(&p, (const char *const *)docs->v, nd) != 0) {
            free(dv);
            free(sim);
            return NULL;
        }
        for (size_t d = 0; d < nd; d++)
            peer_vectorise(&p, docs->v[d], &dv[d]);
        for (size_t q = 0; q < nq; q++) {
            peer_vec qv = {0};
            peer_vectorise(&p, queries->v[q], &qv);
            for (size_t d = 0; d < nd; d++)
                sim[q * nd + d] = peer_dot(&qv, &dv[d]);
            peer_vec_free(&qv);
        }
        for (size_t d = 0; d < nd; d++)
            peer_vec_free(&dv[d]);
        free(dv);
        peer_free(&p);
        return sim;
    }
    float *qv = embed_all(e, queries, NULL), *dv = embed_all(e, docs, NULL);
    if (!qv || !dv) {
        free(qv);
        free(dv);
        free(sim);
        return NULL;
    }
    size_t dim = tl_encoder_dim(e);
    tl_blas_sgemm(1, nq, nd, dim, 1.0f, qv, dim, dv, dim, 0.0f, sim, nd);
    free(qv);
    free(dv);
    return sim;
}

/* 1-NN accuracy: the label of the most similar training text. The index is
 * embedded once; queries go in blocks so the similarity matrix stays small.
 * Writes the embedding rate (texts/s, training side) into *rate. */
static double one_nn(const config *c, tl_encoder *e, const strs *train, const strs *train_y,
                     const strs *test, const strs *test_y, double *rate)
{
    size_t correct = 0, nd = train->n, block = 256;
    size_t *best = malloc(test->n * sizeof *best);
    if (!best)
        return -1;
    *rate = NAN;
    if (c->peer) {
        float *sim = similarities(c, e, test, train); /* 3080 x 10003 floats: 120 MB */
        if (!sim) {
            free(best);
            return -1;
        }
        for (size_t i = 0; i < test->n; i++) {
            best[i] = 0;
            for (size_t d = 1; d < nd; d++)
                if (sim[i * nd + d] > sim[i * nd + best[i]])
                    best[i] = d;
        }
        free(sim);
    } else {
        double secs;
        size_t dim = tl_encoder_dim(e);
        float *dv = embed_all(e, train, &secs), *qv = embed_all(e, test, NULL);
        float *sim = malloc(block * nd * sizeof *sim);
        if (!dv || !qv || !sim) {
            free(dv);
            free(qv);
            free(sim);
            free(best);
            return -1;
        }
        *rate = (double)nd / secs;
        for (size_t start = 0; start < test->n; start += block) {
            size_t nq = test->n - start < block ? test->n - start : block;
            tl_blas_sgemm(1, nq, nd, dim, 1.0f, qv + start * dim, dim, dv, dim, 0.0f, sim, nd);
            for (size_t i = 0; i < nq; i++) {
                size_t b = 0;
                for (size_t d = 1; d < nd; d++)
                    if (sim[i * nd + d] > sim[i * nd + b])
                        b = d;
                best[start + i] = b;
            }
        }
        free(dv);
        free(qv);
        free(sim);
    }
    for (size_t i = 0; i < test->n; i++)
        correct += strcmp(train_y->v[best[i]], test_y->v[i]) == 0;
    free(best);
    return (double)correct / (double)test->n;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The three sentences the design names, on the prototype's catalogue. */
static void named_examples(const char *seed_products)
{
    strs ids = {0}, names = {0}, texts = {0};
    if (!exists(seed_products) || load_catalogue(seed_products, &ids, &names, &texts) != 0) {
        printf("prototype catalogue: %s not found, skipped\n", seed_products);
        return;
    }
    static const char *const q[] = {"Planning my next trip to Asia", "I refuse to work past 60",
                                    "my car broke down again"};
    strs qs = {(char **)q, 3, 3};
    tl_encoder *e;
    if (open_config(&configs[0], &e) != 0)
        goto done;
    float *sim = similarities(&configs[0], e, &qs, &texts);
    size_t order[256];
    printf("prototype catalogue (%zu products), served encoder:\n", texts.n);
    for (size_t i = 0; sim && i < 3 && texts.n <= 256; i++) {
        rank(sim + i * texts.n, texts.n, order);
        printf("  %-32s -> %s (%.2f), %s (%.2f), %s (%.2f)\n", q[i], names.v[order[0]],
               (double)sim[i * texts.n + order[0]], names.v[order[1]],
               (double)sim[i * texts.n + order[1]], names.v[order[2]],
               (double)sim[i * texts.n + order[2]]);
    }
    free(sim);
    tl_encoder_close(e);
done:
    strs_free(&ids);
    strs_free(&names);
    strs_free(&texts);
}

int main(int argc, char **argv)
{
    const char *src = getenv("TAILOR_SRC");
    char catalogue[4096], needs_path[4096], b77[4096], seed[4096];
    snprintf(catalogue, sizeof catalogue, "%s/tests/encoder/eval_catalogue.json",
             src ? src : ".");
    snprintf(needs_path, sizeof needs_path, "%s/tests/encoder/needs_eval.tsv", src ? src : ".");
    snprintf(b77, sizeof b77, "%s/../shared/datasets/banking77", src ? src : ".");
    snprintf(seed, sizeof seed, "%s/../shared/seed-data/products.json", src ? src : ".");
    int verbose = 0, only_served = 0;
    tl_builtin_weights_default(&weights);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-v") == 0)
            verbose = 1;
        else if (strcmp(a, "--served-only") == 0)
            only_served = 1;
        else if (i + 1 < argc && strcmp(a, "--set") == 0 && set_weight(argv[i + 1]) == 0)
            i++;
        else if (i + 1 < argc && strcmp(a, "--catalogue") == 0)
            snprintf(catalogue, sizeof catalogue, "%s", argv[++i]);
        else if (i + 1 < argc && strcmp(a, "--needs") == 0)
            snprintf(needs_path, sizeof needs_path, "%s", argv[++i]);
        else if (i + 1 < argc && strcmp(a, "--banking77") == 0)
            snprintf(b77, sizeof b77, "%s", argv[++i]);
        else if (i + 1 < argc && strcmp(a, "--seed-products") == 0)
            snprintf(seed, sizeof seed, "%s", argv[++i]);
        else {
            fprintf(stderr, "usage: bench_eval_builtin [-v] [--served-only] "
                            "[--set WEIGHT=VALUE]... [--catalogue FILE] [--needs FILE] "
                            "[--banking77 DIR] [--seed-products FILE]\n");
            return 2;
        }
    }
    tl_log_set_level(TL_LOG_ERROR); /* one "no WordNet" warning per peer is noise here */

    strs ids = {0}, names = {0}, texts = {0}, needs = {0}, fits = {0};
    static unsigned char held[4096];
    strs tr = {0}, tr_y = {0}, te = {0}, te_y = {0};
    int rc = 1;
    if (load_catalogue(catalogue, &ids, &names, &texts) != 0 ||
        load_needs(needs_path, &needs, &fits, held, sizeof held) != 0)
        goto done;
    char p_train[4200], p_test[4200];
    snprintf(p_train, sizeof p_train, "%s/train.csv", b77);
    snprintf(p_test, sizeof p_test, "%s/test.csv", b77);
    int have_b77 = exists(p_train) && exists(p_test);
    if (have_b77 && (load_banking77(p_train, &tr, &tr_y) != 0 ||
                     load_banking77(p_test, &te, &te_y) != 0))
        goto done;

    size_t n_held = 0;
    for (size_t i = 0; i < needs.n; i++)
        n_held += held[i];
    printf("needs: %zu statements (%zu development, %zu held out) against %zu products (%s)\n",
           needs.n, needs.n - n_held, n_held, ids.n, catalogue);
    if (have_b77)
        printf("banking77: %zu training texts as the index, %zu test queries\n", tr.n, te.n);
    else
        printf("banking77: %s not found, skipped\n", b77);
    printf("%-28s %6s %6s %6s %6s | %6s %6s | %6s %6s | %9s %9s\n", "", "all", "", "", "",
           "dev", "", "held", "", "banking77", "");
    printf("%-28s %6s %6s %6s %6s | %6s %6s | %6s %6s | %9s %9s\n", "encoder", "p@1", "hit@3",
           "P@3", "MRR", "p@1", "hit@3", "p@1", "hit@3", "1-NN acc", "texts/s");
    for (size_t c = 0; c < (only_served ? 1 : sizeof configs / sizeof configs[0]); c++) {
        const config *cf = &configs[c];
        tl_encoder *e = NULL;
        if (!cf->peer && open_config(cf, &e) != 0)
            goto done;
        float *sim = similarities(cf, e, &needs, &texts);
        if (!sim) {
            tl_encoder_close(e);
            goto done;
        }
        scores s = score_needs(sim, &needs, &fits, held, -1, &ids, &names, verbose && c == 0,
                               cf->name);
        scores sd = score_needs(sim, &needs, &fits, held, 0, &ids, &names, 0, cf->name);
        scores sh = score_needs(sim, &needs, &fits, held, 1, &ids, &names, 0, cf->name);
        free(sim);
        double rate = NAN;
        double acc = have_b77 ? one_nn(cf, e, &tr, &tr_y, &te, &te_y, &rate) : NAN;
        printf("%-28s %6.3f %6.3f %6.3f %6.3f | %6.3f %6.3f | %6.3f %6.3f | %9.4f %9.0f\n",
               cf->name, s.p1, s.hit3, s.prec3, s.mrr, sd.p1, sd.hit3, sh.p1, sh.hit3, acc,
               rate);
        fflush(stdout);
        tl_encoder_close(e);
    }
    named_examples(seed);
    rc = 0;
done:
    strs_free(&ids);
    strs_free(&names);
    strs_free(&texts);
    strs_free(&needs);
    strs_free(&fits);
    strs_free(&tr);
    strs_free(&tr_y);
    strs_free(&te);
    strs_free(&te_y);
    return rc;
}
