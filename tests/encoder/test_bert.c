/* test_bert.c — the forward pass against Hugging Face transformers' outputs
 * for the random-weight fixtures (../shared/fixtures/bert-*), with every
 * float32 kernel the CPU runs (OpenBLAS, AVX2, AVX-512), one to three
 * threads, each text alone and all of them in one batch; and the optional
 * bf16 weight products (cosine >= 0.999 to the float32 reference), skipped
 * on CPUs without AVX512-BF16. Token ids come from expected.json, so this
 * does not depend on the tokenizer. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/bert.h"
#include "encoder/gemm.h"
#include "encoder/kern_bf16.h"

#define HIDDEN_TOL 1e-4
#define COSINE_MIN 0.99999

/* bf16 products: what the product spec allows (cosine to float32), and a
 * bound on hidden states loose enough for bf16 rounding (2^-8 relative per
 * operand) yet far below what a wrong layout or a missed k would give on
 * these fixtures' LayerNorm-scaled hidden states (values of order 1). */
#define BF16_COSINE_MIN 0.999
#define BF16_HIDDEN_TOL 0.1

typedef struct fixture_case {
    int32_t *ids;
    size_t n;
    float *first, *last, *emb;
} fixture_case;

typedef struct fixture {
    fixture_case cases[16];
    size_t ncases;
    float *batch_emb[16];   /* padded_batch.embeddings */
    size_t hidden, dim;
} fixture;

static float *floats(json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    float *v = malloc((*n ? *n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < *n; i++)
        v[i] = (float)json_number_value(json_array_get(arr, i));
    return v;
}

static int load_fixture(const char *name, fixture *fx)
{
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s/expected.json", name);
    const char *path = tu_shared_path(rel);
    if (!path)
        return -1;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return -1;
    memset(fx, 0, sizeof *fx);
    json_t *cases = json_object_get(root, "cases");
    assert_true(json_array_size(cases) <= 16);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        fixture_case *fc = &fx->cases[i];
        json_t *ids = json_object_get(c, "input_ids");
        fc->n = json_array_size(ids);
        fc->ids = malloc(fc->n * sizeof *fc->ids);
        assert_non_null(fc->ids);
        for (size_t k = 0; k < fc->n; k++)
            fc->ids[k] = (int32_t)json_integer_value(json_array_get(ids, k));
        fc->first = floats(json_object_get(c, "last_hidden_state_first_token"), &fx->hidden);
        fc->last = floats(json_object_get(c, "last_hidden_state_last_token"), &fx->hidden);
        fc->emb = floats(json_object_get(c, "embedding"), &fx->dim);
    }
    fx->ncases = json_array_size(cases);
    json_t *pb = json_object_get(json_object_get(root, "padded_batch"), "embeddings");
    assert_int_equal(json_array_size(pb), fx->ncases);
    json_array_foreach(pb, i, c) {
        size_t d;
        fx->batch_emb[i] = floats(c, &d);
        assert_int_equal(d, fx->dim);
    }
    json_decref(root);
    return 0;
}

static void free_fixture(fixture *fx)
{
    for (size_t i = 0; i < fx->ncases; i++) {
        free(fx->cases[i].ids);
        free(fx->cases[i].first);
        free(fx->cases[i].last);
        free(fx->cases[i].emb);
        free(fx->batch_emb[i]);
    }
}

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

static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        m = d > m ? d : m;
    }
    return m;
}

/* Runs one fixture with one kernel, precision and thread count: each case
 * alone (hidden states and embedding), then all cases as one batch. */
static void check_model_prec(const char *name, tl_kernel kernel, tl_precision prec,
                             size_t threads)
{
    const double hidden_tol = prec == TL_PRECISION_BF16 ? BF16_HIDDEN_TOL : HIDDEN_TOL;
    const double cosine_min = prec == TL_PRECISION_BF16 ? BF16_COSINE_MIN : COSINE_MIN;
    fixture fx;
    if (load_fixture(name, &fx) != 0) {
        skip();
        return;
    }
    char rel[256];
    snprintf(rel, sizeof rel, "fixtures/%s", name);
    tl_bert_options opt = {.threads = threads, .kernel = kernel, .precision = prec};
    tl_bert *m = NULL;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_bert_load(tu_shared_path(rel), &opt, &m, &err);
    if (rc)
        fail_msg("load %s: %s", name, err.msg);
    const tl_bert_config *c = tl_bert_get_config(m);
    assert_int_equal(c->hidden, fx.hidden);
    assert_int_equal(c->dim, fx.dim);
    assert_int_equal(tl_bert_precision(m), prec == TL_PRECISION_BF16 ? TL_PRECISION_BF16
                                                                       : TL_PRECISION_FP32);

    double worst_h = 0, worst_cos = 1;
    for (size_t i = 0; i < fx.ncases; i++) {
        fixture_case *fc = &fx.cases[i];
        size_t offs[2] = {0, fc->n};
        float *emb = malloc(c->dim * sizeof *emb);
        float *hid = malloc(fc->n * c->hidden * sizeof *hid);
        assert_non_null(emb);
        assert_non_null(hid);
        rc = tl_bert_forward(m, fc->ids, offs, 1, emb, hid, &err);
        if (rc)
            fail_msg("forward %s case %zu: %s", name, i, err.msg);
        double d1 = max_abs_diff(hid, fc->first, c->hidden);
        double d2 = max_abs_diff(hid + (fc->n - 1) * c->hidden, fc->last, c->hidden);
        double cs = cosine(emb, fc->emb, c->dim);
        worst_h = fmax(worst_h, fmax(d1, d2));
        worst_cos = fmin(worst_cos, cs);
        if (d1 > hidden_tol || d2 > hidden_tol || cs < cosine_min)
            fail_msg("%s [%s, %zu threads] case %zu (%zu tokens): hidden diff %.3g / %.3g, "
                     "cosine %.8f", name, tl_kernel_name(tl_bert_weight_kernel(m)), threads, i,
                     fc->n, d1, d2, cs);
        free(emb);
        free(hid);
    }

    /* All cases in one batch (the fixture's padded batch). */
    size_t total = 0;
    size_t offs[17];
    offs[0] = 0;
    for (size_t i = 0; i < fx.ncases; i++)
        offs[i + 1] = offs[i] + fx.cases[i].n;
    total = offs[fx.ncases];
    int32_t *ids = malloc(total * sizeof *ids);
    float *emb = malloc(fx.ncases * c->dim * sizeof *emb);
    float *hid = malloc(total * c->hidden * sizeof *hid);
    assert_non_null(ids);
    assert_non_null(emb);
    assert_non_null(hid);
    for (size_t i = 0; i < fx.ncases; i++)
        memcpy(ids + offs[i], fx.cases[i].ids, fx.cases[i].n * sizeof *ids);
    rc = tl_bert_forward(m, ids, offs, fx.ncases, emb, hid, &err);
    if (rc)
        fail_msg("batch forward %s: %s", name, err.msg);
    for (size_t i = 0; i < fx.ncases; i++) {
        double cs = cosine(emb + i * c->dim, fx.batch_emb[i], c->dim);
        double d1 = max_abs_diff(hid + offs[i] * c->hidden, fx.cases[i].first, c->hidden);
        double d2 = max_abs_diff(hid + (offs[i + 1] - 1) * c->hidden, fx.cases[i].last,
                                 c->hidden);
        worst_h = fmax(worst_h, fmax(d1, d2));
        worst_cos = fmin(worst_cos, cs);
        if (cs < cosine_min || d1 > hidden_tol || d2 > hidden_tol)
            fail_msg("%s batch [%s, %zu threads] case %zu: cosine %.8f, hidden diff %.3g / %.3g",
                     name, tl_kernel_name(tl_bert_weight_kernel(m)), threads, i, cs, d1, d2);
    }
    printf("    %s [%s, %zu threads]: max |hidden diff| %.3g, min cosine %.9f\n", name,
           tl_kernel_name(tl_bert_weight_kernel(m)), threads, worst_h, worst_cos);
    free(ids);
    free(emb);
    free(hid);
    tl_bert_free(m);
    free_fixture(&fx);
}

static void check_model(const char *name, tl_kernel kernel, size_t threads)
{
    check_model_prec(name, kernel, TL_PRECISION_FP32, threads);
}

static int bf16_or_skip(void)
{
    if (tl_bf16_usable())
        return 1;
    printf("    skipped: this CPU lacks AVX512-BF16, so the bf16 path cannot run here\n");
    skip();
    return 0;
}

static void test_tiny_bf16(void **state)
{
    (void)state;
    if (!bf16_or_skip())
        return;
    check_model_prec("bert-tiny-random", TL_KERNEL_AUTO, TL_PRECISION_BF16, 1);
    check_model_prec("bert-tiny-random", TL_KERNEL_AUTO, TL_PRECISION_BF16, 2);
}

static void test_small_f16_bf16(void **state)
{
    (void)state;
    if (!bf16_or_skip())
        return;
    check_model_prec("bert-small-random-f16", TL_KERNEL_AUTO, TL_PRECISION_BF16, 1);
    check_model_prec("bert-small-random-f16", TL_KERNEL_AUTO, TL_PRECISION_BF16, 2);
    check_model_prec("bert-small-random-f16", TL_KERNEL_AUTO, TL_PRECISION_BF16, 3);
}

/* The fixture through `kernel` on 1..max_threads threads; skipped where
 * the CPU cannot run that kernel (tl_kernel_resolve falls back). */
static void check_kernel(const char *name, tl_kernel kernel, size_t max_threads)
{
    if (tl_kernel_resolve(kernel) != kernel) {
        skip();
        return;
    }
    for (size_t threads = 1; threads <= max_threads; threads++)
        check_model(name, kernel, threads);
}

static void test_tiny_blas(void **state)
{
    (void)state;
    check_kernel("bert-tiny-random", TL_KERNEL_BLAS, 2);
}

static void test_tiny_avx512(void **state)
{
    (void)state;
    check_kernel("bert-tiny-random", TL_KERNEL_AVX512, 2);
}

static void test_tiny_avx2(void **state)
{
    (void)state;
    check_kernel("bert-tiny-random", TL_KERNEL_AVX2, 2);
}

static void test_small_f16_blas(void **state)
{
    (void)state;
    check_kernel("bert-small-random-f16", TL_KERNEL_BLAS, 2);
}

static void test_small_f16_avx512(void **state)
{
    (void)state;
    check_kernel("bert-small-random-f16", TL_KERNEL_AVX512, 3);
}

static void test_small_f16_avx2(void **state)
{
    (void)state;
    check_kernel("bert-small-random-f16", TL_KERNEL_AVX2, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_blas),
        cmocka_unit_test(test_tiny_avx512),
        cmocka_unit_test(test_tiny_avx2),
        cmocka_unit_test(test_small_f16_blas),
        cmocka_unit_test(test_small_f16_avx512),
        cmocka_unit_test(test_small_f16_avx2),
        cmocka_unit_test(test_tiny_bf16),
        cmocka_unit_test(test_small_f16_bf16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
