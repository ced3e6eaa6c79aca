/* test_builtin_eval.c — the built-in encoder on the evaluation set: the need
 * statements of tests/encoder/needs_eval.tsv against the products of
 * tests/encoder/eval_catalogue.json. Prints precision@1 and @3 (a fitting
 * product in the top 3) for the served encoder and for a plain bag of words,
 * and holds the encoder to floors a little below what it reaches, so that a
 * change to the lexicon or the weights that loses meaning fails here.
 * bench/bench_eval_builtin.c reports the same and more, with peers. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "encoder/builtin.h"
#include "encoder/encoder.h"

#define MAX_PRODUCTS 64
#define MAX_NEEDS 256

typedef struct evalset {
    size_t n_products, n_needs;
    char *id[MAX_PRODUCTS];       /* owned */
    char *text[MAX_PRODUCTS];     /* owned: what the engine embeds */
    char *need[MAX_NEEDS];        /* owned */
    char *fits[MAX_NEEDS];        /* owned: "id,id" */
    bool held[MAX_NEEDS];         /* written after the lexicon, never tuned on */
} evalset;

typedef struct score {
    double p1, p3;    /* over all statements */
    double p1_held, p3_held;
} score;

static char *product_text(json_t *p)
{
    static const char *const fields[] = {"name", "description", "features", "eligibility",
                                         "rewards", "additional_benefits", "category"};
    size_t cap = 8192, len = 0;
    char *s = calloc(1, cap);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = json_string_value(json_object_get(p, fields[i]));
        if (v)
            len += (size_t)snprintf(s + len, len < cap ? cap - len : 0, "%s. ", v);
    }
    assert_true(len < cap);
    return s;
}

static void load(evalset *s)
{
    const char *src = getenv("TAILOR_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/encoder/eval_catalogue.json", src ? src : ".");
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        fail_msg("%s:%d:%d: %s", path, je.line, je.column, je.text);
    assert_true(json_is_array(root));
    size_t i;
    json_t *p;
    json_array_foreach(root, i, p) {
        assert_true(s->n_products < MAX_PRODUCTS);
        const char *id = json_string_value(json_object_get(p, "product_id"));
        assert_non_null(id);
        s->id[s->n_products] = strdup(id);
        s->text[s->n_products++] = product_text(p);
    }
    json_decref(root);

    snprintf(path, sizeof path, "%s/tests/encoder/needs_eval.tsv", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            fail_msg("%s: no tab in \"%s\"", path, line);
        *tab = '\0';
        char *tab2 = strchr(tab + 1, '\t');
        if (tab2)
            *tab2 = '\0';
        assert_true(s->n_needs < MAX_NEEDS);
        s->held[s->n_needs] = tab2 && strcmp(tab2 + 1, "holdout") == 0;
        s->need[s->n_needs] = strdup(line);
        s->fits[s->n_needs++] = strdup(tab + 1);
    }
    free(line);
    fclose(f);
}

static void unload(evalset *s)
{
    for (size_t i = 0; i < s->n_products; i++) {
        free(s->id[i]);
        free(s->text[i]);
    }
    for (size_t i = 0; i < s->n_needs; i++) {
        free(s->need[i]);
        free(s->fits[i]);
    }
}

static bool fits(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; p && *p;) {
        const char *c = strchr(p, ',');
        size_t k = c ? (size_t)(c - p) : strlen(p);
        if (k == n && strncmp(p, id, n) == 0)
            return true;
        p = c ? c + 1 : NULL;
    }
    return false;
}

static score evaluate(tl_encoder *e, const evalset *s)
{
    size_t dim = tl_encoder_dim(e);
    float *pv = malloc(s->n_products * dim * sizeof *pv);
    float *nv = malloc(s->n_needs * dim * sizeof *nv);
    assert_non_null(pv);
    assert_non_null(nv);
    tl_err err;
    if (tl_encoder_embed(e, (const char *const *)s->text, s->n_products, pv, &err) != 0 ||
        tl_encoder_embed(e, (const char *const *)s->need, s->n_needs, nv, &err) != 0)
        fail_msg("embed: %s", err.msg);
    score r = {0};
    size_t held = 0;
    for (size_t q = 0; q < s->n_needs; q++) {
        /* the three best products, ties to the earlier one */
        size_t top[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
        float best[3] = {-2, -2, -2};
        for (size_t i = 0; i < s->n_products; i++) {
            float d = 0;
            for (size_t k = 0; k < dim; k++)
                d += nv[q * dim + k] * pv[i * dim + k];
            for (size_t k = 0; k < 3; k++) {
                if (d > best[k]) {
                    for (size_t j = 2; j > k; j--) {
                        best[j] = best[j - 1];
                        top[j] = top[j - 1];
                    }
                    best[k] = d;
                    top[k] = i;
                    break;
                }
            }
        }
        bool hit1 = fits(s->fits[q], s->id[top[0]]), hit3 = hit1;
        for (size_t k = 1; k < 3; k++)
            hit3 |= top[k] != SIZE_MAX && fits(s->fits[q], s->id[top[k]]);
        r.p1 += hit1;
        r.p3 += hit3;
        if (s->held[q]) {
            held++;
            r.p1_held += hit1;
            r.p3_held += hit3;
        }
    }
    r.p1 /= (double)s->n_needs;
    r.p3 /= (double)s->n_needs;
    r.p1_held /= held ? (double)held : 1.0;
    r.p3_held /= held ? (double)held : 1.0;
    free(pv);
    free(nv);
    return r;
}

static void test_needs_to_products(void **state)
{
    (void)state;
    static evalset s; /* large; zeroed */
    load(&s);
    assert_true(s.n_needs >= 60);
    assert_true(s.n_products >= 30);

    tl_encoder *served = NULL, *bow = NULL;
    tl_err err;
    if (tl_builtin_encoder_open(&served, &err) != 0)
        fail_msg("open: %s", err.msg);
    tl_builtin_opts o;
    tl_builtin_opts_default(&o);
    o.lexicon = o.wordnet = o.bigrams = false;
    o.wordnet_dir = "none";
    if (tl_builtin_encoder_open_opts(&o, &bow, &err) != 0)
        fail_msg("open bag of words: %s", err.msg);

    score a = evaluate(served, &s), b = evaluate(bow, &s);
    print_message("%zu needs, %zu products (%s)\n", s.n_needs, s.n_products,
                  tl_encoder_id(served));
    print_message("built-in encoder: p@1 %.3f  p@3 %.3f  (held out: p@1 %.3f  p@3 %.3f)\n",
                  a.p1, a.p3, a.p1_held, a.p3_held);
    print_message("bag of words:     p@1 %.3f  p@3 %.3f  (held out: p@1 %.3f  p@3 %.3f)\n",
                  b.p1, b.p3, b.p1_held, b.p3_held);
    /* Reached (with WordNet / without): p@1 0.80 / 0.78, p@3 0.93 / 0.93,
     * held out p@1 0.71 / 0.71, p@3 0.88 / 0.91; bag of words p@1 0.39. */
    if (a.p1 < 0.75 || a.p3 < 0.88)
        fail_msg("p@1 %.3f (floor 0.75), p@3 %.3f (floor 0.88)", a.p1, a.p3);
    if (a.p1_held < 0.62 || a.p3_held < 0.82)
        fail_msg("held out: p@1 %.3f (floor 0.62), p@3 %.3f (floor 0.82)", a.p1_held,
                 a.p3_held);
    if (a.p1 < b.p1 + 0.25)
        fail_msg("the lexicon and WordNet add too little: p@1 %.3f vs %.3f", a.p1, b.p1);
    tl_encoder_close(served);
    tl_encoder_close(bow);
    unload(&s);
}

int main(void)
{
    tl_log_set_level(TL_LOG_ERROR); /* the bag of words warns about WordNet */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_to_products),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
