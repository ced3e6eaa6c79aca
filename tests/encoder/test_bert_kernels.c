/* test_bert_kernels.c — the encoder's building blocks against plain
 * double-precision references: matrix products with every epilogue and odd
 * shape (every kernel the CPU runs: OpenBLAS, AVX2, AVX-512), the bf16
 * product against float32 and against its own bf16-rounded inputs, bf16
 * rounding, the choice of precision, LayerNorm, softmax, exp and GELU
 * accuracy (AVX2 and AVX-512), the thread pool and the arena. */
#include "testutil.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "encoder/blas.h"
#include "encoder/gemm.h"
#include "encoder/kern_avx2.h"
#include "encoder/kern_avx512.h"
#include "encoder/kern_bf16.h"
#include "encoder/pool.h"

static uint32_t seed = 1;

static float frand(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (float)(seed >> 8) / 8388608.0f - 1.0f;
}

static float *rand_floats(size_t n)
{
    float *p = aligned_alloc(64, ((n ? n : 1) * sizeof(float) + 63) / 64 * 64);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = frand();
    return p;
}

static double gelu_ref(double x)
{
    return 0.5 * x * (1 + erf(x / sqrt(2.0)));
}

static void check_gemm(tl_kernel kernel, size_t m, size_t n, size_t k, int bias, int add,
                       int gelu, float scale)
{
    size_t ldc = n + 3, lda = k + 1;
    float *a = rand_floats(m * lda), *w = rand_floats(n * k), *bv = rand_floats(n);
    float *ad = rand_floats(m * ldc), *c = rand_floats(m * ldc);
    float *mem = aligned_alloc(64, (tl_gemm_b_size(kernel, k, n) * 4 + 63) / 64 * 64);
    assert_non_null(mem);
    tl_gemm_b b;
    tl_gemm_b_pack_into(&b, kernel, k, n, w, k, 1, mem);
    tl_gemm_epi e = {.scale = scale, .bias = bias ? bv : NULL, .add = add ? ad : NULL,
                     .ld_add = ldc, .gelu = gelu};
    float work[64];
    /* Two column ranges, split on a panel boundary, as threads do. */
    size_t split = n > TL_GEMM_NR ? TL_GEMM_NR : n;
    tl_gemm_run(m, a, lda, &b, 0, split, c, ldc, &e, work);
    tl_gemm_run(m, a, lda, &b, split, n, c, ldc, &e, work);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double x = 0;
            for (size_t kk = 0; kk < k; kk++)
                x += (double)a[i * lda + kk] * w[j * k + kk];
            x *= scale;
            if (bias)
                x += bv[j];
            if (add)
                x += ad[i * ldc + j];
            if (gelu)
                x = gelu_ref(x);
            double got = c[i * ldc + j];
            if (fabs(got - x) > 2e-5 * (1 + fabs(x)) * sqrt((double)k + 1))
                fail_msg("%s gemm m=%zu n=%zu k=%zu bias=%d add=%d gelu=%d: C[%zu][%zu] = %.7g, "
                         "expected %.7g", tl_kernel_name(kernel), m, n, k, bias, add, gelu, i, j,
                         got, x);
        }
    free(a);
    free(w);
    free(bv);
    free(ad);
    free(c);
    free(mem);
}

static void gemm_shapes(tl_kernel kernel)
{
    static const size_t ms[] = {1, 5, 12, 13, 25, 97, 130};
    static const size_t ns[] = {1, 7, 32, 33, 70};
    static const size_t ks[] = {1, 8, 64, 390, 1600};   /* 1600: two k passes */
    for (size_t a = 0; a < sizeof ms / sizeof *ms; a++)
        for (size_t b = 0; b < sizeof ns / sizeof *ns; b++)
            for (size_t c = 0; c < sizeof ks / sizeof *ks; c++) {
                int mode = (int)((a + b + c) % 4);
                check_gemm(kernel, ms[a], ns[b], ks[c], mode & 1, mode >> 1, (a + c) % 3 == 0,
                           c % 2 ? 0.5f : 1.0f);
            }
}

static void test_gemm_blas(void **state)
{
    (void)state;
    gemm_shapes(TL_KERNEL_BLAS);
    /* ... computed by OpenBLAS, loaded on the first product, not by the
     * plain C loop that stands in where it cannot be loaded. */
    assert_non_null(tl_blas_library());
}

/* The BLAS kernel's epilogue in AVX2 registers: GELU as accurate as the
 * AVX-512 kernel's over [-10, 10], and scale, bias, residual and the last
 * columns of a row that is not a multiple of 8 wide as plain C computes
 * them. */
static void test_avx2_epilogue(void **state)
{
    (void)state;
    if (!tl_avx2_usable())
        skip();
    enum { M = 3, N = 2001, LD = 2005 };
    float *c = rand_floats(M * LD), *bias = rand_floats(N), *add = rand_floats(M * LD);
    float *want = malloc(M * LD * sizeof *want);
    assert_non_null(want);
    for (size_t j = 0; j < N; j++)
        c[j] = -10.0f + 20.0f * (float)j / (N - 1);   /* row 0: the GELU grid */
    memcpy(want, c, M * LD * sizeof *want);
    tl_gemm_epi e = {.scale = 0.5f, .bias = bias, .add = add, .ld_add = LD, .gelu = 1};
    tl_avx2_epilogue(M, 0, N, c, LD, &e);
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double x = (double)want[i * LD + j] * 0.5 + bias[j] + add[i * LD + j];
            double g = gelu_ref(x), got = c[i * LD + j];
            if (fabs(got - g) > 4e-7 * (1 + fabs(x)))
                fail_msg("row %zu col %zu: gelu(%.7g) = %.9g, want %.9g", i, j, x, got, g);
        }
    /* Only the columns asked for, and no GELU when not asked. */
    memcpy(c, want, M * LD * sizeof *c);
    tl_gemm_epi plain = {.scale = 2.0f};
    tl_avx2_epilogue(M, 5, 11, c, LD, &plain);
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < LD; j++) {
            float w = j >= 5 && j < 16 ? want[i * LD + j] * 2.0f : want[i * LD + j];
            assert_true(c[i * LD + j] == w);
        }
    free(c);
    free(bias);
    free(add);
    free(want);
}

static void test_gemm_avx2(void **state)
{
    (void)state;
    if (!tl_avx2_usable()) {
        skip();
        return;
    }
    gemm_shapes(TL_KERNEL_AVX2);
    /* Column ranges that start mid-panel's half (16) or leave 1..15
     * columns of a tile: the masked loads and stores. */
    check_gemm(TL_KERNEL_AVX2, 7, 16, 33, 1, 1, 1, 1.0f);
    check_gemm(TL_KERNEL_AVX2, 11, 47, 5, 1, 0, 0, 0.25f);
}

static void test_gemm_avx512(void **state)
{
    (void)state;
    if (!tl_avx512_usable()) {
        skip();
        return;
    }
    gemm_shapes(TL_KERNEL_AVX512);
}

/* The bf16 product C = epi(A · B) against two references in double:
 * - the same products of the bf16-rounded inputs: a product of two bf16 is
 *   exact in float32, so only float32 summation separates the kernel from
 *   it, and the float32 kernel's tolerance applies (a wrong pair layout,
 *   rounding mode or missed k fails this);
 * - the float32 inputs: each operand's rounding is at most 2^-8 relative, so
 *   |error| <= (2 * 2^-8 + 2^-16) |scale| sum |a w| (times 1.13, GELU's
 *   steepest slope), plus float32 summation. */
static void check_gemm_bf16(size_t m, size_t n, size_t k, int bias, int add, int gelu,
                            float scale)
{
    const tl_kernel kern = TL_KERNEL_AVX512_BF16;
    size_t ldc = n + 3, lda = k + 1;
    float *a = rand_floats(m * lda), *w = rand_floats(n * k), *bv = rand_floats(n);
    float *ad = rand_floats(m * ldc), *c = rand_floats(m * ldc);
    float *mem = aligned_alloc(64, (tl_gemm_b_size(kern, k, n) * 4 + 63) / 64 * 64);
    float *work = aligned_alloc(64, (tl_gemm_work_size(kern) * 4 + 63) / 64 * 64);
    assert_non_null(mem);
    assert_non_null(work);
    tl_gemm_b b;
    tl_gemm_b_pack_into(&b, kern, k, n, w, k, 1, mem);
    tl_gemm_epi e = {.scale = scale, .bias = bias ? bv : NULL, .add = add ? ad : NULL,
                     .ld_add = ldc, .gelu = gelu};
    size_t split = n > TL_GEMM_NR ? TL_GEMM_NR : n;
    tl_gemm_run(m, a, lda, &b, 0, split, c, ldc, &e, work);
    tl_gemm_run(m, a, lda, &b, split, n, c, ldc, &e, work);
    const double u = 1.0 / 256;   /* unit roundoff of an 8-bit significand */
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double x = 0, xr = 0, mag = 0;
            for (size_t kk = 0; kk < k; kk++) {
                double av = a[i * lda + kk], wv = w[j * k + kk];
                x += av * wv;
                xr += (double)tl_bf16_round(a[i * lda + kk]) * tl_bf16_round(w[j * k + kk]);
                mag += fabs(av * wv);
            }
            double extra = 0;
            if (bias)
                extra += bv[j];
            if (add)
                extra += ad[i * ldc + j];
            x = x * scale + extra;
            xr = xr * scale + extra;
            if (gelu) {
                x = gelu_ref(x);
                xr = gelu_ref(xr);
            }
            double got = c[i * ldc + j];
            double sum_tol = 2e-5 * (1 + fabs(xr)) * sqrt((double)k + 1);
            if (fabs(got - xr) > sum_tol)
                fail_msg("bf16 gemm m=%zu n=%zu k=%zu bias=%d add=%d gelu=%d: C[%zu][%zu] = "
                         "%.7g, bf16-rounded reference %.7g", m, n, k, bias, add, gelu, i, j, got,
                         xr);
            double tol = (2 * u + u * u) * fabs(scale) * mag * 1.13 + sum_tol;
            if (fabs(got - x) > tol)
                fail_msg("bf16 gemm m=%zu n=%zu k=%zu: C[%zu][%zu] = %.7g, float32 reference "
                         "%.7g (bound %.3g)", m, n, k, i, j, got, x, tol);
        }
    free(a);
    free(w);
    free(bv);
    free(ad);
    free(c);
    free(mem);
    free(work);
}

static void test_gemm_bf16(void **state)
{
    (void)state;
    if (!tl_bf16_usable()) {
        printf("    skipped: this CPU lacks AVX512-BF16\n");
        skip();
        return;
    }
    static const size_t ms[] = {1, 5, 12, 13, 25, 97, 130};
    static const size_t ns[] = {1, 7, 32, 33, 70};
    /* odd k (a half pair), 1600 and 1601: two k passes */
    static const size_t ks[] = {1, 7, 64, 390, 1600, 1601};
    for (size_t a = 0; a < sizeof ms / sizeof *ms; a++)
        for (size_t b = 0; b < sizeof ns / sizeof *ns; b++)
            for (size_t c = 0; c < sizeof ks / sizeof *ks; c++) {
                int mode = (int)((a + b + c) % 4);
                check_gemm_bf16(ms[a], ns[b], ks[c], mode & 1, mode >> 1, (a + c) % 3 == 0,
                                c % 2 ? 0.5f : 1.0f);
            }
    /* k = 0: the epilogue alone. */
    check_gemm_bf16(5, 33, 0, 1, 1, 0, 1.0f);
}

/* Rounding to bf16: nearest, ties to even, specials kept. */
static void test_bf16_rounding(void **state)
{
    (void)state;
    static const struct {
        uint32_t in;
        uint16_t out;
    } cases[] = {
        {0x3f800000u, 0x3f80},   /* 1 */
        {0x3f808000u, 0x3f80},   /* 1 + 2^-8: a tie, to even (down) */
        {0x3f818000u, 0x3f82},   /* a tie, to even (up) */
        {0x3f808001u, 0x3f81},   /* just above the tie */
        {0xbfc00000u, 0xbfc0},   /* -1.5 */
        {0x7f7fffffu, 0x7f80},   /* FLT_MAX rounds to infinity */
        {0x7f800000u, 0x7f80},   /* infinity */
        {0xff800000u, 0xff80},   /* -infinity */
        {0x00000000u, 0x0000},
        {0x80000000u, 0x8000},   /* -0 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        float f;
        memcpy(&f, &cases[i].in, sizeof f);
        if (tl_bf16_bits(f) != cases[i].out)
            fail_msg("bf16 of 0x%08x: 0x%04x, expected 0x%04x", (unsigned)cases[i].in,
                     (unsigned)tl_bf16_bits(f), (unsigned)cases[i].out);
    }
    assert_true(isnan(tl_bf16_round(NAN)));
    assert_true(tl_bf16_round(3.0f) == 3.0f);
    assert_true(fabsf(tl_bf16_round(0.1f) - 0.1f) <= 0.1f / 256);
}

/* bf16 is taken only when asked for, and refused (not replaced) where it
 * cannot run. */
static void test_precision_choice(void **state)
{
    (void)state;
    tl_kernel k;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, NULL, 1, TL_KERNEL_AVX512,
                                             &k, &err), 0);
    assert_int_equal(k, TL_KERNEL_AVX512);   /* never the default */
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, "avx512", 1,
                                             TL_KERNEL_AVX512, &k, &err), 0);
    assert_int_equal(k, TL_KERNEL_AVX512);
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, "blas", 1, TL_KERNEL_BLAS,
                                             &k, &err), 0);
    assert_int_equal(k, TL_KERNEL_BLAS);
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, "bf16", 1, TL_KERNEL_AVX512,
                                             &k, &err), 0);
    assert_int_equal(k, TL_KERNEL_AVX512_BF16);
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_BF16, NULL, 1, TL_KERNEL_AVX512, &k,
                                             &err), 0);
    assert_int_equal(k, TL_KERNEL_AVX512_BF16);
    /* An explicit fp32 wins over the environment. */
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_FP32, "bf16", 1, TL_KERNEL_AVX512,
                                             &k, &err), 0);
    assert_int_equal(k, TL_KERNEL_AVX512);

    /* A CPU without AVX512-BF16: an error saying so and who asked. */
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, "bf16", 0, TL_KERNEL_AVX512,
                                             &k, &err), TL_EUSAGE);
    assert_non_null(strstr(err.msg, "lacks AVX512-BF16"));
    assert_non_null(strstr(err.msg, "TAILOR_ENCODER_KERNEL=bf16"));
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_BF16, NULL, 0, TL_KERNEL_AVX512, &k,
                                             &err), TL_EUSAGE);
    assert_non_null(strstr(err.msg, "lacks AVX512-BF16"));
    /* bf16 with the OpenBLAS kernel forced. */
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_BF16, NULL, 1, TL_KERNEL_BLAS, &k,
                                             &err), TL_EUSAGE);
    assert_non_null(strstr(err.msg, "openblas"));
    /* An unknown value is refused by name. */
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, "bf-16", 1, TL_KERNEL_AVX512,
                                             &k, &err), TL_EUSAGE);
    assert_non_null(strstr(err.msg, "\"bf-16\""));
    /* "avx2" names a float32 kernel: float32 weights, with bf16 refused. */
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_DEFAULT, "avx2", 1, TL_KERNEL_AVX2,
                                             &k, &err), 0);
    assert_int_equal(k, TL_KERNEL_AVX2);
    assert_int_equal(tl_weight_kernel_choose(TL_PRECISION_BF16, NULL, 1, TL_KERNEL_AVX2, &k,
                                             &err), TL_EUSAGE);
    assert_non_null(strstr(err.msg, "avx2"));

    tl_precision p = TL_PRECISION_DEFAULT;
    assert_int_equal(tl_precision_parse("bf16", &p), 0);
    assert_int_equal(p, TL_PRECISION_BF16);
    assert_int_equal(tl_precision_parse("fp32", &p), 0);
    assert_int_equal(p, TL_PRECISION_FP32);
    assert_int_equal(tl_precision_parse("fp16", &p), -1);
    assert_int_equal(tl_precision_parse(NULL, &p), -1);
    assert_string_equal(tl_precision_name(TL_PRECISION_BF16), "bf16");
}

/* Attention-style products: scores = scale · Q K^T, context = P V. */
static void test_gemm_attention(void **state)
{
    (void)state;
    tl_kernel kernels[3] = {TL_KERNEL_BLAS, TL_KERNEL_AVX512, TL_KERNEL_AVX2};
    for (int ki = 0; ki < 3; ki++) {
        tl_kernel kern = kernels[ki];
        if (tl_kernel_resolve(kern) != kern)   /* the CPU lacks it */
            continue;
        size_t L = 37, d = 20, ld = 3 * d;
        float *q = rand_floats(L * ld), *s = rand_floats(L * 48), *o = rand_floats(L * d);
        float *work = rand_floats(16 + tl_gemm_b_size(kern, d, L) + tl_gemm_b_size(kern, L, d) +
                                  64);
        tl_gemm_abt(kern, L, L, d, 0.25f, q, ld, q + d, ld, s, 48, work);
        for (size_t i = 0; i < L; i++)
            for (size_t j = 0; j < L; j++) {
                double x = 0;
                for (size_t kk = 0; kk < d; kk++)
                    x += (double)q[i * ld + kk] * q[j * ld + d + kk];
                assert_true(fabs(x * 0.25 - s[i * 48 + j]) < 1e-5);
            }
        tl_gemm_ab(kern, L, d, L, s, 48, q + 2 * d, ld, o, d, work);
        for (size_t i = 0; i < L; i++)
            for (size_t j = 0; j < d; j++) {
                double x = 0;
                for (size_t kk = 0; kk < L; kk++)
                    x += (double)s[i * 48 + kk] * q[kk * ld + 2 * d + j];
                assert_true(fabs(x - o[i * d + j]) < 1e-4);
            }
        free(q);
        free(s);
        free(o);
        free(work);
    }
}

static void test_rows(void **state)
{
    (void)state;
    static const size_t ns[] = {1, 15, 16, 17, 37, 384};
    tl_kernel kernels[3] = {TL_KERNEL_BLAS, TL_KERNEL_AVX512, TL_KERNEL_AVX2};
    for (int ki = 0; ki < 3; ki++) {
        if (tl_kernel_resolve(kernels[ki]) != kernels[ki])
            continue;
        for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
            size_t n = ns[t], rows = 3, ld = n + 5;
            float *x = rand_floats(rows * ld), *g = rand_floats(n), *b = rand_floats(n);
            float *y = malloc(rows * ld * sizeof *y);
            assert_non_null(y);
            for (size_t i = 0; i < rows * ld; i++)
                x[i] = x[i] * 4 + 1;
            memcpy(y, x, rows * ld * sizeof *y);
            tl_layernorm_rows(kernels[ki], y, rows, n, ld, g, b, 1e-5f);
            for (size_t r = 0; r < rows; r++) {
                double mean = 0, var = 0;
                for (size_t j = 0; j < n; j++)
                    mean += x[r * ld + j];
                mean /= (double)n;
                for (size_t j = 0; j < n; j++)
                    var += (x[r * ld + j] - mean) * (x[r * ld + j] - mean);
                var /= (double)n;
                for (size_t j = 0; j < n; j++) {
                    double want = (x[r * ld + j] - mean) / sqrt(var + 1e-5) * g[j] + b[j];
                    assert_true(fabs(want - y[r * ld + j]) < 1e-4);
                }
                /* Padding past n untouched. */
                assert_true(y[r * ld + n] == x[r * ld + n]);
            }
            memcpy(y, x, rows * ld * sizeof *y);
            tl_softmax_rows(kernels[ki], y, rows, n, ld);
            for (size_t r = 0; r < rows; r++) {
                double mx = -INFINITY, sum = 0;
                for (size_t j = 0; j < n; j++)
                    mx = fmax(mx, x[r * ld + j]);
                for (size_t j = 0; j < n; j++)
                    sum += exp(x[r * ld + j] - mx);
                for (size_t j = 0; j < n; j++)
                    assert_true(fabs(exp(x[r * ld + j] - mx) / sum - y[r * ld + j]) < 1e-6);
                assert_true(y[r * ld + n] == x[r * ld + n]);
            }
            free(x);
            free(g);
            free(b);
            free(y);
        }
    }
}

/* exp within a few float ulps over [-100, 88] (and 0, not garbage, where
 * the answer is below float's normal range), GELU within 1e-6 of erf's. */
static void check_vector_math(void (*vexp)(const float *, float *, size_t),
                              void (*vgelu)(float *, size_t))
{
    enum { N = 20001 };
    float *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    for (int i = 0; i < N; i++)
        x[i] = -100.0f + 188.0f * (float)i / (N - 1);
    vexp(x, y, N);
    double worst = 0;
    for (int i = 0; i < N; i++) {
        double want = exp((double)x[i]);
        if (want > 1e-37)
            worst = fmax(worst, fabs(y[i] - want) / want);
        else
            assert_true(y[i] >= 0.0f && y[i] < 1e-37f);
    }
    assert_true(worst < 4e-7);   /* a few float ulps */
    for (int i = 0; i < N; i++)
        x[i] = -12.0f + 24.0f * (float)i / (N - 1);
    memcpy(y, x, N * sizeof *y);
    vgelu(y, N);
    worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, fabs(y[i] - gelu_ref(x[i])));
    assert_true(worst < 1e-6);
    /* The top of exp's range, where x / ln 2 rounds to 128 (2^128 is past
     * the exponent field's reach), and an argument past it, clamped to
     * 88.376 (e^88.376 = 2.4e38): finite, not infinity or garbage. */
    const float ends[3] = {88.37f, 88.3762f, 1000.0f};
    vexp(ends, y, 3);
    for (int i = 0; i < 2; i++)
        assert_true(fabs(y[i] - exp((double)ends[i])) < 4e-7 * exp((double)ends[i]));
    assert_true(isfinite(y[2]) && y[2] > 2.4e38f);
    free(x);
    free(y);
}

static void test_vector_math_avx512(void **state)
{
    (void)state;
    if (!tl_avx512_usable()) {
        skip();
        return;
    }
    check_vector_math(tl_avx512_exp, tl_avx512_gelu);
}

static void test_vector_math_avx2(void **state)
{
    (void)state;
    if (!tl_avx2_usable()) {
        skip();
        return;
    }
    check_vector_math(tl_avx2_exp, tl_avx2_gelu);
}

typedef struct pool_arg {
    atomic_int *hits;
    atomic_int bad_thread;
    size_t size;
} pool_arg;

static void pool_fn(void *arg, size_t task, size_t thread)
{
    pool_arg *p = arg;
    atomic_fetch_add(&p->hits[task], 1);
    if (thread >= p->size)
        atomic_store(&p->bad_thread, 1);
}

static void test_pool(void **state)
{
    (void)state;
    for (size_t size = 1; size <= 3; size++) {
        tl_pool *pool;
        tl_err err;
        assert_int_equal(tl_pool_create(size, &pool, &err), 0);
        assert_int_equal(tl_pool_size(pool), size);
        enum { TASKS = 257 };
        atomic_int hits[TASKS];
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < TASKS; i++)
                atomic_init(&hits[i], 0);
            pool_arg a = {.hits = hits, .size = size};
            atomic_init(&a.bad_thread, 0);
            size_t n = (size_t)(round % 2 ? TASKS : 1 + round % 5);
            tl_pool_run(pool, n, pool_fn, &a);
            for (size_t i = 0; i < n; i++)
                assert_int_equal(atomic_load(&hits[i]), 1);
            assert_int_equal(atomic_load(&a.bad_thread), 0);
        }
        tl_pool_free(pool);
    }
    tl_pool_free(NULL);
}

static void test_arena(void **state)
{
    (void)state;
    tl_arena a;
    tl_arena_init(&a, 4096, 1 << 20);
    for (int i = 0; i < 3; i++) {
        char *p = tl_arena_alloc(&a, 10, 1);
        float *f = tl_arena_floats(&a, 100);
        void *q = tl_arena_alloc(&a, 5000, 256);   /* past one block */
        assert_non_null(p);
        assert_non_null(f);
        assert_non_null(q);
        assert_int_equal((uintptr_t)f % 64, 0);
        assert_int_equal((uintptr_t)q % 256, 0);
        memset(p, 1, 10);
        memset(f, 2, 400);
        memset(q, 3, 5000);
        tl_arena_reset(&a);
    }
    /* After a reset the arena serves a pass of the same size from one block. */
    assert_non_null(tl_arena_alloc(&a, 9000, 64));   /* spills into a second block */
    tl_arena_reset(&a);                               /* ... so the blocks merge */
    void *p1 = tl_arena_alloc(&a, 9000, 64);
    assert_non_null(p1);
    tl_arena_reset(&a);
    assert_ptr_equal(tl_arena_alloc(&a, 9000, 64), p1);   /* same block reused */
    assert_null(tl_arena_alloc(&a, 2 << 20, 64));   /* over the cap */
    assert_null(tl_arena_alloc(&a, 16, 3));          /* not a power of two */
    assert_null(tl_arena_floats(&a, SIZE_MAX / 2));
    tl_arena_free(&a);
    tl_arena_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_blas),
        cmocka_unit_test(test_gemm_avx512),
        cmocka_unit_test(test_gemm_avx2),
        cmocka_unit_test(test_avx2_epilogue),
        cmocka_unit_test(test_gemm_attention),
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_vector_math_avx512),
        cmocka_unit_test(test_vector_math_avx2),
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_arena),         cmocka_unit_test(test_gemm_bf16),
        cmocka_unit_test(test_bf16_rounding), cmocka_unit_test(test_precision_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
