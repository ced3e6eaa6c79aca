/* test_blas_missing.c — a process where no BLAS can be loaded
 * (TAILOR_BLAS_LIBRARY names a library that does not exist): loading says
 * which library and why; the BLAS kernel's products still compute (plain
 * C); a model asked to use the openblas kernel is refused with that
 * message, by the library and by `tailor embed`; and on a CPU with AVX2 or
 * AVX-512 a model folder encodes as usual, OpenBLAS never needed. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/bert.h"
#include "encoder/blas.h"
#include "encoder/gemm.h"
#include "encoder/kern_avx2.h"
#include "encoder/kern_avx512.h"

#define MISSING "libtailor-test-no-such-blas.so.9"

static void test_load_names_the_library(void **state)
{
    (void)state;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_blas_load(&err), TL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "TAILOR_BLAS_LIBRARY=" MISSING " cannot be loaded"));
    assert_null(tl_blas_library());
    assert_string_equal(tl_blas_corename(), "none");
}

static uint32_t seed = 3;

static float *rand_floats(size_t n)
{
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)(seed >> 8) / 8388608.0f - 1.0f;
    }
    return p;
}

/* The BLAS kernel's three products, now plain C, against double. */
static void test_products_without_library(void **state)
{
    (void)state;
    const tl_kernel kern = TL_KERNEL_BLAS;
    const size_t m = 13, n = 45, k = 70;
    float *a = rand_floats(m * k), *w = rand_floats(n * k), *bias = rand_floats(n);
    float *c = rand_floats(m * n), *s = rand_floats(m * m), *o = rand_floats(m * n);
    float *mem = aligned_alloc(64, (tl_gemm_b_size(kern, k, n) * 4 + 63) / 64 * 64);
    float work[16];
    assert_non_null(mem);
    tl_gemm_b b;
    tl_gemm_b_pack_into(&b, kern, k, n, w, k, 1, mem);
    tl_gemm_epi e = {.scale = 0.5f, .bias = bias};
    tl_gemm_run(m, a, k, &b, 0, n, c, n, &e, work);
    tl_gemm_abt(kern, m, m, k, 0.25f, a, k, a, k, s, m, work);
    tl_gemm_ab(kern, m, n, m, s, m, w, n, o, n, work);
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            double x = 0, y = 0;
            for (size_t kk = 0; kk < k; kk++)
                x += (double)a[i * k + kk] * w[j * k + kk];
            for (size_t kk = 0; kk < m; kk++)
                y += (double)s[i * m + kk] * w[kk * n + j];
            assert_true(fabs(0.5 * x + bias[j] - c[i * n + j]) < 1e-4);
            assert_true(fabs(y - o[i * n + j]) < 1e-3 * (1 + fabs(y)));
        }
        for (size_t j = 0; j < m; j++) {
            double x = 0;
            for (size_t kk = 0; kk < k; kk++)
                x += (double)a[i * k + kk] * a[j * k + kk];
            assert_true(fabs(0.25 * x - s[i * m + j]) < 1e-4);
        }
    }
    free(a);
    free(w);
    free(bias);
    free(c);
    free(s);
    free(o);
    free(mem);
}

static void test_openblas_kernel_refused(void **state)
{
    (void)state;
    const char *dir = tu_shared_path("fixtures/bert-tiny-random");
    if (!dir) {
        skip();
        return;
    }
    tl_bert_options opt = {.threads = 1, .kernel = TL_KERNEL_BLAS};
    tl_bert *m = NULL;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_bert_load(dir, &opt, &m, &err), TL_ENOTFOUND);
    assert_null(m);
    assert_non_null(strstr(err.msg, "openblas kernel asked for (the caller)"));
    assert_non_null(strstr(err.msg, MISSING));

    /* The same through the binary, asked for by the environment. */
    char *out = NULL, *errs = NULL;
    setenv("TAILOR_ENCODER_KERNEL", "blas", 1);
    int rc = tu_run_tailor(&out, &errs, "hello\n", "embed", "--model", dir, NULL);
    unsetenv("TAILOR_ENCODER_KERNEL");
    assert_int_equal(rc, 1);
    assert_string_equal(out, "");
    if (!strstr(errs, "openblas kernel asked for (TAILOR_ENCODER_KERNEL=blas)") ||
        !strstr(errs, MISSING))
        fail_msg("stderr: %s", errs);
    free(out);
    free(errs);
}

/* The default kernel on this CPU needs no BLAS at all. */
static void test_vector_kernels_need_no_library(void **state)
{
    (void)state;
    const char *dir = tu_shared_path("fixtures/bert-tiny-random");
    if (!dir || (!tl_avx512_usable() && !tl_avx2_usable())) {
        skip();
        return;
    }
    char *out = NULL, *errs = NULL;
    int rc = tu_run_tailor(&out, &errs, "hello\n", "embed", "--model", dir, NULL);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, errs);
    assert_true(out[0] == '[' && strchr(out, '\n') == out + strlen(out) - 1);
    /* Not even the warning that products fall back to plain C. */
    assert_null(strstr(errs, "plain C"));
    free(out);
    free(errs);
}

int main(void)
{
    /* Before anything loads: the library this process (and the tailor
     * processes it starts) will try instead of OpenBLAS. */
    setenv("TAILOR_BLAS_LIBRARY", MISSING, 1);
    unsetenv("TAILOR_ENCODER_KERNEL");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_names_the_library),
        cmocka_unit_test(test_products_without_library),
        cmocka_unit_test(test_openblas_kernel_refused),
        cmocka_unit_test(test_vector_kernels_need_no_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
