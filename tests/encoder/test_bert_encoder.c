/* test_bert_encoder.c — texts to embeddings through the tl_encoder
 * interface (WordPiece + forward pass) against the fixtures' expected
 * embeddings, pooling modes on a random model, `tailor embed`, and the bf16
 * precision (chosen only on request, with its own identity). */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/bert.h"
#include "encoder/encoder.h"
#include "encoder/kern_bf16.h"
#include "encoder/safetensors.h"

static double cosine(const float *a, const float *b, size_t n)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return ab / sqrt(aa * bb);
}

static json_t *load_expected(const char *name, char *dir, size_t cap)
{
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s", name);
    const char *d = tu_shared_path(rel);
    if (!d)
        return NULL;
    snprintf(dir, cap, "%s", d);
    char path[4096 + 32];
    snprintf(path, sizeof path, "%s/expected.json", dir);
    return json_load_file(path, 0, NULL);
}

static void check_texts(const char *name)
{
    char dir[4096];
    json_t *exp = load_expected(name, dir, sizeof dir);
    if (!exp) {
        skip();
        return;
    }
    tl_encoder *e;
    tl_err err;
    if (tl_encoder_open(dir, &e, &err) != 0)
        fail_msg("open %s: %s", dir, err.msg);
    json_t *cases = json_object_get(exp, "cases");
    size_t n = json_array_size(cases), dim = tl_encoder_dim(e);
    assert_int_equal(dim, json_array_size(json_object_get(json_array_get(cases, 0), "embedding")));
    assert_non_null(strstr(tl_encoder_id(e), "bert:"));
    const char **texts = calloc(n, sizeof *texts);
    float *out = malloc(n * dim * sizeof *out);
    assert_non_null(texts);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        texts[i] = json_string_value(json_object_get(json_array_get(cases, i), "text"));
    /* All together, then one at a time: the same vectors either way. */
    if (tl_encoder_embed(e, texts, n, out, &err) != 0)
        fail_msg("embed: %s", err.msg);
    double worst = 1;
    for (size_t i = 0; i < n; i++) {
        json_t *want = json_object_get(json_array_get(cases, i), "embedding");
        float w[1024];
        for (size_t k = 0; k < dim; k++)
            w[k] = (float)json_number_value(json_array_get(want, k));
        double cs = cosine(out + i * dim, w, dim);
        worst = fmin(worst, cs);
        if (cs < 0.99999)
            fail_msg("%s text %zu \"%.40s\": cosine %.8f", name, i, texts[i], cs);
        float one[1024];
        assert_int_equal(tl_encoder_embed(e, &texts[i], 1, one, &err), 0);
        for (size_t k = 0; k < dim; k++)
            assert_true(fabs(one[k] - out[i * dim + k]) < 1e-6);
    }
    printf("    %s from text: min cosine %.9f\n", name, worst);
    free(texts);
    free(out);
    tl_encoder_close(e);
    json_decref(exp);
}

static void test_tiny_texts(void **state)
{
    (void)state;
    check_texts("bert-tiny-random");
}

static void test_small_f16_texts(void **state)
{
    (void)state;
    check_texts("bert-small-random-f16");
}

/* Pooling modes against the hidden states, on a random BF16 model. */
static void test_pooling_modes(void **state)
{
    (void)state;
    tl_bert_config cfg = {.vocab = 300, .hidden = 24, .layers = 1, .heads = 3,
                          .intermediate = 40, .max_positions = 64, .type_vocab = 2,
                          .max_seq = 64, .pool_cls = true, .pool_max = true, .pool_mean = true,
                          .pool_mean_sqrt = true, .normalize = false};
    char *dir = tu_mkdtemp();
    tl_err err;
    assert_int_equal(tl_bert_write_random(dir, &cfg, TL_ST_BF16, "bert.", 3, &err), 0);
    tl_bert *m;
    tl_bert_options opt = {.threads = 2};
    if (tl_bert_load(dir, &opt, &m, &err) != 0)
        fail_msg("load: %s", err.msg);
    const tl_bert_config *c = tl_bert_get_config(m);
    assert_int_equal(c->dim, 4 * 24);
    assert_false(c->normalize);
    int32_t ids[9] = {101, 150, 151, 152, 102, 101, 200, 102, 101};
    size_t offs[4] = {0, 5, 8, 9};
    float emb[3 * 96], hid[9 * 24];
    assert_int_equal(tl_bert_forward(m, ids, offs, 3, emb, hid, &err), 0);
    for (size_t s = 0; s < 3; s++) {
        size_t len = offs[s + 1] - offs[s];
        const float *x = hid + offs[s] * 24, *e = emb + s * 96;
        for (size_t k = 0; k < 24; k++) {
            double sum = 0, mx = -INFINITY;
            for (size_t t = 0; t < len; t++) {
                sum += x[t * 24 + k];
                mx = fmax(mx, x[t * 24 + k]);
            }
            assert_true(e[k] == x[k]);                               /* CLS */
            assert_true(e[24 + k] == (float)mx);                     /* max */
            assert_true(fabs(e[48 + k] - sum / len) < 1e-6);         /* mean */
            assert_true(fabs(e[72 + k] - sum / sqrt((double)len)) < 1e-5);
        }
    }
    /* Bad input is an error, not a crash. */
    int32_t bad[2] = {101, 300};
    size_t boffs[2] = {0, 2};
    assert_int_equal(tl_bert_forward(m, bad, boffs, 1, emb, NULL, &err), TL_EINPUT);
    size_t eoffs[2] = {0, 0};
    assert_int_equal(tl_bert_forward(m, bad, eoffs, 1, emb, NULL, &err), TL_EINPUT);
    tl_bert_free(m);
    tu_rmtree(dir);
    free(dir);
}

/* A longer batch (several chunks, both thread modes) equals one text at a
 * time. */
static void test_batch_equals_single(void **state)
{
    (void)state;
    tl_bert_config cfg = {.vocab = 500, .hidden = 32, .layers = 2, .heads = 4,
                          .intermediate = 64, .max_positions = 128, .type_vocab = 2,
                          .max_seq = 128, .pool_mean = true, .normalize = true};
    char *dir = tu_mkdtemp();
    tl_err err;
    assert_int_equal(tl_bert_write_random(dir, &cfg, TL_ST_F32, "", 11, &err), 0);
    enum { N = 300 };
    size_t offs[N + 1];
    int32_t *ids = malloc(N * 128 * sizeof *ids);
    assert_non_null(ids);
    offs[0] = 0;
    uint32_t r = 5;
    for (size_t s = 0; s < N; s++) {
        r = r * 1103515245u + 12345u;
        size_t len = 2 + (r >> 16) % (s % 7 == 0 ? 126 : 30);
        for (size_t t = 0; t < len; t++) {
            r = r * 1103515245u + 12345u;
            ids[offs[s] + t] = t == 0 ? 101 : t + 1 == len ? 102 : (int32_t)(104 + (r >> 16) % 396);
        }
        offs[s + 1] = offs[s] + len;
    }
    float *all = malloc(N * 32 * sizeof *all), one[32];
    assert_non_null(all);
    for (size_t threads = 1; threads <= 3; threads += 2) {
        tl_bert *m;
        tl_bert_options opt = {.threads = threads};
        assert_int_equal(tl_bert_load(dir, &opt, &m, &err), 0);
        assert_int_equal(tl_bert_forward(m, ids, offs, N, all, NULL, &err), 0);
        for (size_t s = 0; s < N; s += 7) {
            size_t o[2] = {0, offs[s + 1] - offs[s]};
            assert_int_equal(tl_bert_forward(m, ids + offs[s], o, 1, one, NULL, &err), 0);
            for (size_t k = 0; k < 32; k++)
                if (fabs(one[k] - all[s * 32 + k]) > 1e-6)
                    fail_msg("%zu threads, sequence %zu: %g alone, %g in the batch", threads, s,
                             (double)one[k], (double)all[s * 32 + k]);
        }
        tl_bert_free(m);
    }
    free(ids);
    free(all);
    tu_rmtree(dir);
    free(dir);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_cli_embed(void **state)
{
    (void)state;
    char dir[4096];
    json_t *exp = load_expected("bert-tiny-random", dir, sizeof dir);
    if (!exp || !getenv("TAILOR_BIN")) {
        json_decref(exp);
        skip();
        return;
    }
    json_t *cases = json_object_get(exp, "cases");
    const char *t1 = json_string_value(json_object_get(json_array_get(cases, 1), "text"));
    const char *t4 = json_string_value(json_object_get(json_array_get(cases, 4), "text"));
    char input[1024];
    /* Three texts: the middle one empty; the last without a newline. */
    snprintf(input, sizeof input, "%s\n\r\n%s", t1, t4);
    char *out = NULL, *errs = NULL;
    int rc = tu_run_tailor(&out, &errs, input, "embed", "--model", dir, "--threads", "2", NULL);
    if (rc != 0)
        fail_msg("tailor embed exited %d: %s", rc, errs);
    assert_int_equal(count_lines(out), 3);
    const size_t want_case[3] = {1, 8, 4};   /* case 8 is the empty text */
    char *line = out;
    for (int i = 0; i < 3; i++) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        json_error_t je;
        json_t *arr = json_loads(line, 0, &je);
        assert_non_null(arr);
        assert_int_equal(json_array_size(arr), 32);
        json_t *want = json_object_get(json_array_get(cases, want_case[i]), "embedding");
        float a[32], b[32];
        for (size_t k = 0; k < 32; k++) {
            a[k] = (float)json_number_value(json_array_get(arr, k));
            b[k] = (float)json_number_value(json_array_get(want, k));
        }
        assert_true(cosine(a, b, 32) > 0.99999);
        json_decref(arr);
        line = nl + 1;
    }
    free(out);
    free(errs);

    /* No input, no output. */
    rc = tu_run_tailor(&out, &errs, "", "embed", "--model", dir, NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "");
    free(out);
    free(errs);

    rc = tu_run_tailor(&out, &errs, NULL, "embed", "--help", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "usage: tailor embed"));
    free(out);
    free(errs);
    rc = tu_run_tailor(&out, &errs, "x\n", "embed", "--bogus", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(errs);
    rc = tu_run_tailor(&out, &errs, "x\n", "embed", "--batch", "0", NULL);
    assert_int_equal(rc, 2);
    free(out);
    free(errs);
    rc = tu_run_tailor(&out, &errs, "x\n", "embed", "--model", "/nonexistent-model", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(errs, "/nonexistent-model"));
    assert_int_equal(count_lines(errs), 1);
    free(out);
    free(errs);
    json_decref(exp);
}

/* The vector on one line of `tailor embed` output against a fixture case. */
static double line_cosine(const char *line, json_t *cases, size_t which, size_t dim)
{
    json_error_t je;
    json_t *arr = json_loads(line, JSON_DISABLE_EOF_CHECK, &je);
    assert_non_null(arr);
    assert_int_equal(json_array_size(arr), dim);
    json_t *want = json_object_get(json_array_get(cases, which), "embedding");
    float a[1024], b[1024];
    for (size_t k = 0; k < dim; k++) {
        a[k] = (float)json_number_value(json_array_get(arr, k));
        b[k] = (float)json_number_value(json_array_get(want, k));
    }
    json_decref(arr);
    return cosine(a, b, dim);
}

/* bf16 through the encoder interface: on request only (argument or
 * TAILOR_ENCODER_KERNEL=bf16), another identity than float32, and every
 * fixture text within cosine 0.999 of transformers' float32 vector. */
static void test_bf16_encoder(void **state)
{
    (void)state;
    static const char *const names[] = {"bert-tiny-random", "bert-small-random-f16"};
    for (size_t f = 0; f < 2; f++) {
        char dir[4096];
        json_t *exp = load_expected(names[f], dir, sizeof dir);
        if (!exp) {
            skip();
            return;
        }
        tl_encoder *e32 = NULL, *e16 = NULL;
        tl_err err;
        tl_err_clear(&err);
        unsetenv("TAILOR_ENCODER_KERNEL");
        assert_int_equal(tl_encoder_open(dir, &e32, &err), 0);
        assert_null(strstr(tl_encoder_id(e32), "bf16"));
        int rc = tl_bert_encoder_open_precision(dir, 2, TL_PRECISION_BF16, &e16, &err);
        if (!tl_bf16_usable()) {
            /* Refused, never replaced by float32. */
            assert_int_equal(rc, TL_EUSAGE);
            assert_non_null(strstr(err.msg, "AVX512-BF16"));
            printf("    skipped: this CPU lacks AVX512-BF16 (open refused: %s)\n", err.msg);
            tl_encoder_close(e32);
            json_decref(exp);
            skip();
            return;
        }
        if (rc)
            fail_msg("open %s in bf16: %s", dir, err.msg);
        const char *id32 = tl_encoder_id(e32), *id16 = tl_encoder_id(e16);
        assert_string_not_equal(id32, id16);
        size_t l32 = strlen(id32);
        assert_true(strlen(id16) == l32 + 5 && strcmp(id16 + l32, ":bf16") == 0);
        assert_memory_not_equal(id32, id16, l32);   /* the hash differs too */

        /* The environment asks the same way. */
        tl_encoder *env16 = NULL;
        setenv("TAILOR_ENCODER_KERNEL", "bf16", 1);
        rc = tl_encoder_open(dir, &env16, &err);
        unsetenv("TAILOR_ENCODER_KERNEL");
        if (rc)
            fail_msg("open %s with TAILOR_ENCODER_KERNEL=bf16: %s", dir, err.msg);
        assert_string_equal(tl_encoder_id(env16), id16);

        json_t *cases = json_object_get(exp, "cases");
        size_t n = json_array_size(cases), dim = tl_encoder_dim(e16);
        const char **texts = calloc(n, sizeof *texts);
        float *out = malloc(n * dim * sizeof *out), *again = malloc(n * dim * sizeof *again);
        assert_non_null(texts);
        assert_non_null(out);
        assert_non_null(again);
        for (size_t i = 0; i < n; i++)
            texts[i] = json_string_value(json_object_get(json_array_get(cases, i), "text"));
        assert_int_equal(tl_encoder_embed(e16, texts, n, out, &err), 0);
        assert_int_equal(tl_encoder_embed(env16, texts, n, again, &err), 0);
        double worst = 1;
        for (size_t i = 0; i < n; i++) {
            json_t *want = json_object_get(json_array_get(cases, i), "embedding");
            float w[1024];
            for (size_t k = 0; k < dim; k++)
                w[k] = (float)json_number_value(json_array_get(want, k));
            double cs = cosine(out + i * dim, w, dim);
            worst = fmin(worst, cs);
            if (cs < 0.999)
                fail_msg("%s bf16 text %zu \"%.40s\": cosine %.6f", names[f], i, texts[i], cs);
            /* Alone, as in the batch: the same vector. */
            float one[1024];
            assert_int_equal(tl_encoder_embed(e16, &texts[i], 1, one, &err), 0);
            for (size_t k = 0; k < dim; k++)
                assert_true(fabs(one[k] - out[i * dim + k]) < 1e-6);
        }
        assert_memory_equal(out, again, n * dim * sizeof *out);
        printf("    %s bf16 from text: min cosine %.6f\n", names[f], worst);
        free(texts);
        free(out);
        free(again);
        tl_encoder_close(env16);
        tl_encoder_close(e16);
        tl_encoder_close(e32);
        json_decref(exp);
    }
}

/* `tailor embed --precision`. */
static void test_cli_precision(void **state)
{
    (void)state;
    char dir[4096];
    json_t *exp = load_expected("bert-small-random-f16", dir, sizeof dir);
    if (!exp || !getenv("TAILOR_BIN")) {
        json_decref(exp);
        skip();
        return;
    }
    char *out = NULL, *errs = NULL;
    int rc = tu_run_tailor(&out, &errs, "x\n", "embed", "--precision", "fp16", NULL);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(errs, "fp16"));
    free(out);
    free(errs);
    rc = tu_run_tailor(&out, &errs, "x\n", "embed", "--precision", "bf16", NULL);
    assert_int_equal(rc, 2);   /* the built-in encoder has no bf16 path */
    assert_non_null(strstr(errs, "built-in"));
    free(out);
    free(errs);

    json_t *cases = json_object_get(exp, "cases");
    const char *t0 = json_string_value(json_object_get(json_array_get(cases, 0), "text"));
    const char *t3 = json_string_value(json_object_get(json_array_get(cases, 3), "text"));
    char input[2048];
    snprintf(input, sizeof input, "%s\n%s\n", t0, t3);
    size_t dim = json_array_size(json_object_get(json_array_get(cases, 0), "embedding"));
    rc = tu_run_tailor(&out, &errs, input, "embed", "--model", dir, "--precision", "bf16", NULL);
    if (!tl_bf16_usable()) {
        assert_int_equal(rc, 1);
        assert_non_null(strstr(errs, "lacks AVX512-BF16"));
        printf("    skipped the bf16 run: this CPU lacks AVX512-BF16 (refused: %s)", errs);
    } else {
        if (rc != 0)
            fail_msg("tailor embed --precision bf16 exited %d: %s", rc, errs);
        assert_int_equal(count_lines(out), 2);
        char *second = strchr(out, '\n') + 1;
        double c0 = line_cosine(out, cases, 0, dim), c3 = line_cosine(second, cases, 3, dim);
        assert_true(c0 >= 0.999);
        assert_true(c3 >= 0.999);
        printf("    tailor embed --precision bf16: cosine %.6f, %.6f\n", c0, c3);
    }
    free(out);
    free(errs);
    /* Explicit fp32 is the reference, whatever the environment says. */
    setenv("TAILOR_ENCODER_KERNEL", "bf16", 1);
    rc = tu_run_tailor(&out, &errs, input, "embed", "--model", dir, "--precision", "fp32", NULL);
    unsetenv("TAILOR_ENCODER_KERNEL");
    if (rc != 0)
        fail_msg("tailor embed --precision fp32 exited %d: %s", rc, errs);
    assert_true(line_cosine(out, cases, 0, dim) > 0.99999);
    free(out);
    free(errs);
    json_decref(exp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_texts),          cmocka_unit_test(test_small_f16_texts),
        cmocka_unit_test(test_pooling_modes),       cmocka_unit_test(test_batch_equals_single),
        cmocka_unit_test(test_cli_embed),           cmocka_unit_test(test_bf16_encoder),
        cmocka_unit_test(test_cli_precision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
