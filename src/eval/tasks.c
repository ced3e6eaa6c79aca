/* tasks.c — the evaluations of tasks.h. */
#include "eval/tasks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "base/str.h"
#include "base/vec.h"
#include "encoder/blas.h"
#include "eval/metrics.h"
#include "text/sentiment.h"

const char *const tl_eval_label_columns[] = {"label", "category", "intent", "sentiment", NULL};
const char *const tl_eval_products_columns[] = {"products", "product_ids", "fits", NULL};

/* ---- classification reports ------------------------------------------- */

static json_t *classes_json(const char *task, const tl_eval_classes *c)
{
    size_t maj;
    double maj_acc = tl_eval_majority(c, &maj);
    json_t *classes = json_array(), *labels = json_array(), *matrix = json_array();
    for (size_t i = 0; i < c->n; i++) {
        tl_eval_class_score s;
        tl_eval_class_score_of(c, i, &s);
        json_array_append_new(classes,
                              json_pack("{s:s, s:f, s:f, s:f, s:I, s:I}", "name", c->names[i],
                                        "precision", s.precision, "recall", s.recall, "f1",
                                        s.f1, "support", (json_int_t)s.support, "predicted",
                                        (json_int_t)s.predicted));
        json_array_append_new(labels, json_string(c->names[i]));
        json_t *row = json_array();
        for (size_t j = 0; j < c->n; j++)
            json_array_append_new(row, json_integer((json_int_t)tl_eval_classes_count(c, i, j)));
        json_array_append_new(matrix, row);
    }
    return json_pack("{s:s, s:I, s:f, s:f, s:{s:s, s:f}, s:o, s:{s:o, s:o}, s:[]}", "task", task,
                     "cases", (json_int_t)c->total, "accuracy", tl_eval_accuracy(c), "macro_f1",
                     tl_eval_macro_f1(c), "majority", "class", c->n ? c->names[maj] : "",
                     "accuracy", maj_acc, "classes", classes, "confusion", "labels", labels,
                     "matrix", matrix, "errors");
}

static void add_error(json_t *report, size_t max_errors, const tl_eval_case *cs,
                      const char *predicted)
{
    json_t *errors = json_object_get(report, "errors");
    if (json_array_size(errors) < max_errors)
        json_array_append_new(errors, json_pack("{s:I, s:s, s:s, s:s}", "line",
                                                (json_int_t)cs->line, "text", cs->text,
                                                "truth", cs->label, "predicted", predicted));
}

/* ---- sentiment --------------------------------------------------------- */

/* The scorer's label for a label as written in a file, or NULL. */
static const char *sentiment_label(const char *s)
{
    static const struct {
        const char *written, *label;
    } names[] = {{"negative", "negative"}, {"neutral", "neutral"}, {"positive", "positive"},
                 {"-1", "negative"},       {"0", "neutral"},       {"1", "positive"},
                 {"+1", "positive"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (tl_strcaseeq(s, names[i].written))
            return names[i].label;
    return NULL;
}

int tl_eval_sentiment(const tl_eval_cases *cases, size_t max_errors, json_t **report,
                      tl_err *err)
{
    *report = NULL;
    tl_eval_classes c = {0};
    tl_sentiment *scored = malloc((cases->n ? cases->n : 1) * sizeof *scored);
    if (!scored)
        return tl_err_set(err, TL_ENOMEM, "out of memory for %zu cases", cases->n);
    int rc = TL_OK;
    /* Every label is checked before anything is scored: a typo on the last
     * line fails at once, with its place. */
    for (size_t i = 0; i < cases->n; i++)
        if (!sentiment_label(cases->v[i].label)) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%ld: field %s: \"%s\" is not a sentiment "
                                            "(negative, neutral, positive or -1, 0, 1)",
                            cases->name, cases->v[i].line, cases->label_col,
                            cases->v[i].label);
            goto done;
        }
    /* Classes in a fixed order, whatever the file's. */
    static const char *const order[] = {"negative", "neutral", "positive"};
    for (size_t i = 0; i < 3; i++)
        if (tl_eval_classes_declare(&c, order[i])) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
    for (size_t i = 0; i < cases->n; i++) {
        tl_sentiment_score_str(cases->v[i].text, &scored[i]);
        if (tl_eval_classes_add(&c, sentiment_label(cases->v[i].label), scored[i].label)) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
    }
    *report = classes_json("sentiment", &c);
    if (!*report) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cases->n; i++)
        if (strcmp(sentiment_label(cases->v[i].label), scored[i].label) != 0)
            add_error(*report, max_errors, &cases->v[i], scored[i].label);
done:
    free(scored);
    tl_eval_classes_free(&c);
    return rc;
}

/* ---- intents ----------------------------------------------------------- */

#define EMBED_BATCH 256

/* Embeds every case's text into out[n * dim], L2-normalised so that a dot
 * product is the cosine whatever the model says about normalising. */
static int embed_cases(tl_encoder *enc, const tl_eval_cases *cs, float *out,
                       tl_progress *bar, uint64_t *done, tl_err *err)
{
    size_t dim = tl_encoder_dim(enc);
    const char *texts[EMBED_BATCH];
    for (size_t i0 = 0; i0 < cs->n; i0 += EMBED_BATCH) {
        size_t m = cs->n - i0 < EMBED_BATCH ? cs->n - i0 : EMBED_BATCH;
        for (size_t j = 0; j < m; j++)
            texts[j] = cs->v[i0 + j].text;
        int rc = tl_encoder_embed(enc, texts, m, out + i0 * dim, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < m; j++) {
            float *v = out + (i0 + j) * dim;
            double norm = sqrt((double)tl_vec_dot(v, v, dim));
            if (norm > 0)
                for (size_t d = 0; d < dim; d++)
                    v[d] = (float)(v[d] / norm);
        }
        *done += m;
        tl_progress_update(bar, *done);
    }
    return TL_OK;
}

int tl_eval_intents(tl_encoder *enc, const tl_eval_cases *train, const tl_eval_cases *test,
                    size_t max_errors, bool progress, json_t **report, tl_err *err)
{
    *report = NULL;
    size_t dim = tl_encoder_dim(enc), nt = train->n, nq = test->n;
    tl_eval_classes c = {0};
    int rc = TL_OK;
    float *tv = NULL, *qv = NULL, *sim = NULL;
    size_t *nearest = NULL;
    if (nt > SIZE_MAX / sizeof(float) / dim || nq > SIZE_MAX / sizeof(float) / dim ||
        nt > SIZE_MAX / sizeof(float) / EMBED_BATCH) {
        rc = tl_err_set(err, TL_ETOOBIG, "%zu training and %zu test cases", nt, nq);
        goto done;
    }
    tv = malloc(nt * dim * sizeof *tv);
    qv = malloc(nq * dim * sizeof *qv);
    sim = malloc(EMBED_BATCH * nt * sizeof *sim);
    nearest = malloc(nq * sizeof *nearest);
    if (!tv || !qv || !sim || !nearest) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory for %zu + %zu texts", nt, nq);
        goto done;
    }
    tl_progress bar;
    uint64_t done_n = 0;
    tl_progress_start(&bar, "embedding", nt + nq, progress);
    rc = embed_cases(enc, train, tv, &bar, &done_n, err);
    if (!rc)
        rc = embed_cases(enc, test, qv, &bar, &done_n, err);
    tl_progress_end(&bar, done_n);
    if (rc)
        goto done;
    /* Nearest training text of each test text, a block of queries at a
     * time; ties go to the earlier training text. */
    for (size_t q0 = 0; q0 < nq; q0 += EMBED_BATCH) {
        size_t m = nq - q0 < EMBED_BATCH ? nq - q0 : EMBED_BATCH;
        tl_blas_sgemm(1, m, nt, dim, 1.0f, qv + q0 * dim, dim, tv, dim, 0.0f, sim, nt);
        for (size_t q = 0; q < m; q++) {
            const float *row = sim + q * nt;
            size_t best = 0;
            for (size_t t = 1; t < nt; t++)
                if (row[t] > row[best])
                    best = t;
            nearest[q0 + q] = best;
        }
    }
    for (size_t q = 0; q < nq; q++)
        if (tl_eval_classes_add(&c, test->v[q].label, train->v[nearest[q]].label)) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
    *report = classes_json("intents", &c);
    if (!*report) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    json_object_set_new(*report, "encoder", json_string(tl_encoder_id(enc)));
    json_object_set_new(*report, "train_cases", json_integer((json_int_t)nt));
    for (size_t q = 0; q < nq; q++)
        if (strcmp(test->v[q].label, train->v[nearest[q]].label) != 0)
            add_error(*report, max_errors, &test->v[q], train->v[nearest[q]].label);
done:
    free(tv);
    free(qv);
    free(sim);
    free(nearest);
    tl_eval_classes_free(&c);
    return rc;
}

/* ---- matching ---------------------------------------------------------- */

/* Splits a case's product list in place into ids[] (at most `max`);
 * returns how many, or -1 past `max`. */
static int split_ids(char *list, char **ids, int max)
{
    int n = 0;
    for (char *p = list; *p;) {
        size_t len = strcspn(p, "|;,");
        char *next = p + len + (p[len] != '\0');
        p[len] = '\0';
        char *id = tl_strtrim(p);
        if (*id) {
            if (n == max)
                return -1;
            ids[n++] = id;
        }
        p = next;
    }
    return n;
}

/* A product by its ID, else by its name (any case): a file written by
 * people names products the way they know them. */
static int product_index(const tl_product_sims *s, const char *id)
{
    for (size_t i = 0; i < s->n_products; i++)
        if (strcmp(s->ids[i], id) == 0)
            return (int)i;
    for (size_t i = 0; i < s->n_products; i++)
        if (tl_strcaseeq(s->names[i], id))
            return (int)i;
    return -1;
}

#define MAX_FITS 32

int tl_eval_matching(tl_engine *eng, tl_store *st, const tl_eval_cases *cases, size_t k,
                     size_t max_errors, json_t **report, tl_err *err)
{
    *report = NULL;
    tl_product_sims s = {0};
    const char **texts = malloc((cases->n ? cases->n : 1) * sizeof *texts);
    size_t *order = NULL;
    int rc = TL_OK;
    if (!texts)
        return tl_err_set(err, TL_ENOMEM, "out of memory for %zu cases", cases->n);
    for (size_t i = 0; i < cases->n; i++)
        texts[i] = cases->v[i].text;
    if ((rc = tl_engine_product_sims(eng, st, texts, cases->n, &s, err)))
        goto done;
    if (s.n_products == 0) {
        rc = tl_err_set(err, TL_EINPUT, "the store has no products to match against");
        goto done;
    }
    order = malloc(s.n_products * sizeof *order);
    json_t *errors = json_array();
    *report = json_pack("{s:s, s:I, s:I, s:I, s:s, s:o}", "task", "matching", "cases",
                        (json_int_t)cases->n, "k", (json_int_t)k, "products",
                        (json_int_t)s.n_products, "encoder", tl_engine_encoder_id(eng),
                        "errors", errors);
    if (!order || !*report) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    tl_eval_ranks r = {.k = k};
    for (size_t i = 0; i < cases->n; i++) {
        const tl_eval_case *cs = &cases->v[i];
        char *list = strdup(cs->label), *ids[MAX_FITS];
        if (!list) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
        int nf = split_ids(list, ids, MAX_FITS);
        int fit[MAX_FITS];
        for (int f = 0; f < nf && !rc; f++)
            if ((fit[f] = product_index(&s, ids[f])) < 0)
                rc = tl_err_set(err, TL_EINPUT, "%s:%ld: field %s: unknown product \"%s\" "
                                                "(no ID or name in the store's catalogue of %zu)",
                                cases->name, cs->line, cases->label_col, ids[f],
                                s.n_products);
        if (!rc && nf <= 0)
            rc = tl_err_set(err, TL_EINPUT, nf < 0 ? "%s:%ld: field %s: more than 32 products"
                                                   : "%s:%ld: field %s: no product IDs",
                            cases->name, cs->line, cases->label_col);
        if (rc) {
            free(list);
            goto done;
        }
        tl_product_sims_best(&s, i, s.n_products, order);
        size_t rank = 0;
        for (size_t p = 0; p < s.n_products && !rank; p++)
            for (int f = 0; f < nf; f++)
                if (order[p] == (size_t)fit[f])
                    rank = p + 1;
        tl_eval_ranks_add(&r, rank);
        if (rank != 1 && json_array_size(errors) < max_errors) {
            json_t *fits = json_array(), *ranked = json_array();
            for (int f = 0; f < nf; f++)
                json_array_append_new(fits, json_string(ids[f]));
            for (size_t p = 0; p < k && p < s.n_products; p++)
                json_array_append_new(ranked, json_string(s.ids[order[p]]));
            json_array_append_new(errors, json_pack("{s:I, s:s, s:o, s:o, s:I}", "line",
                                                    (json_int_t)cs->line, "text", cs->text,
                                                    "fits", fits, "ranked", ranked, "rank",
                                                    (json_int_t)rank));
        }
        free(list);
    }
    json_object_set_new(*report, "precision_at_1", json_real((double)r.at1 / (double)r.n));
    json_object_set_new(*report, "hit_at_k", json_real((double)r.atk / (double)r.n));
    json_object_set_new(*report, "mrr", json_real(r.rr / (double)r.n));
done:
    if (rc) {
        json_decref(*report);
        *report = NULL;
    }
    free(order);
    free(texts);
    tl_product_sims_free(&s);
    return rc;
}
