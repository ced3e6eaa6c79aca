/* gemm.c — kernel choice, packing, dispatch to the AVX-512 and AVX2
 * kernels, and the portable (OpenBLAS + plain C) versions of the encoder's
 * matrix products and row operations. OpenBLAS is loaded on the first
 * portable product (blas.h). */
#include "encoder/gemm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "encoder/blas.h"
#include "encoder/kern_avx2.h"
#include "encoder/kern_avx512.h"
#include "encoder/kern_bf16.h"

static tl_kernel auto_kernel(void)
{
    static _Atomic int cached;   /* 0 = not yet known; racing writers agree */
    if (cached)
        return (tl_kernel)cached;
    tl_kernel k = tl_avx512_usable() ? TL_KERNEL_AVX512
                  : tl_avx2_usable() ? TL_KERNEL_AVX2
                                     : TL_KERNEL_BLAS;
    const char *env = getenv("TAILOR_ENCODER_KERNEL");
    if (env && strcmp(env, "blas") == 0)
        k = TL_KERNEL_BLAS;
    else if (env && strcmp(env, "avx2") == 0 && tl_avx2_usable())
        k = TL_KERNEL_AVX2;
    cached = (int)k;
    return k;
}

tl_kernel tl_kernel_resolve(tl_kernel want)
{
    if (want == TL_KERNEL_BLAS)
        return TL_KERNEL_BLAS;
    if (want == TL_KERNEL_AVX512 && tl_avx512_usable())
        return TL_KERNEL_AVX512;
    if (want == TL_KERNEL_AVX512_BF16 && tl_bf16_usable())
        return TL_KERNEL_AVX512_BF16;
    if (want == TL_KERNEL_AVX2 && tl_avx2_usable())
        return TL_KERNEL_AVX2;
    return auto_kernel();
}

int tl_weight_kernel_choose(tl_precision want, const char *env, int cpu_bf16, tl_kernel kernel,
                            tl_kernel *out, tl_err *err)
{
    *out = kernel == TL_KERNEL_AVX512_BF16 ? TL_KERNEL_AVX512 : kernel;
    const char *asked = "the caller";
    if (want == TL_PRECISION_DEFAULT) {
        want = TL_PRECISION_FP32;
        if (env && strcmp(env, "bf16") == 0) {
            want = TL_PRECISION_BF16;
            asked = "TAILOR_ENCODER_KERNEL=bf16";
        } else if (env && *env && strcmp(env, "blas") != 0 && strcmp(env, "avx512") != 0 &&
                   strcmp(env, "avx2") != 0 && strcmp(env, "fp32") != 0) {
            return tl_err_set(err, TL_EUSAGE, "encoder: TAILOR_ENCODER_KERNEL=\"%.40s\" is not "
                              "one of blas, avx2, avx512, fp32, bf16", env);
        }
    }
    if (want != TL_PRECISION_BF16)
        return 0;
    if (!cpu_bf16)
        return tl_err_set(err, TL_EUSAGE, "encoder: bf16 precision asked for (%s) but this CPU "
                          "lacks AVX512-BF16; use fp32 (the default)", asked);
    if (*out != TL_KERNEL_AVX512)
        return tl_err_set(err, TL_EUSAGE, "encoder: bf16 precision asked for (%s) needs the "
                          "avx512 kernel, not %s", asked, tl_kernel_name(*out));
    *out = TL_KERNEL_AVX512_BF16;
    return 0;
}

const char *tl_kernel_name(tl_kernel k)
{
    switch (k) {
    case TL_KERNEL_BLAS: return "openblas";
    case TL_KERNEL_AVX512: return "avx512";
    case TL_KERNEL_AVX512_BF16: return "avx512-bf16";
    case TL_KERNEL_AVX2: return "avx2";
    default: return "auto";
    }
}

/* The float32 kernel doing what `k` does outside weight products. */
static tl_kernel fp32_kernel(tl_kernel k)
{
    return k == TL_KERNEL_AVX512_BF16 ? TL_KERNEL_AVX512 : k;
}

size_t tl_gemm_b_size(tl_kernel kernel, size_t k, size_t n)
{
    if (kernel == TL_KERNEL_AVX512_BF16)
        return tl_bf16_b_size(k, n);
    if (kernel == TL_KERNEL_AVX512 || kernel == TL_KERNEL_AVX2)
        return ((n + TL_GEMM_NR - 1) / TL_GEMM_NR) * TL_GEMM_NR * (k ? k : 1);
    return n * k > 0 ? n * k : 1;
}

void tl_gemm_b_pack_into(tl_gemm_b *b, tl_kernel kernel, size_t k, size_t n, const float *src,
                         size_t ld_n, size_t ld_k, float *mem)
{
    b->kernel = kernel;
    b->k = k;
    b->n = n;
    b->data = mem;
    if (kernel == TL_KERNEL_AVX512_BF16) {
        tl_bf16_pack(src, ld_n, ld_k, k, n, mem);
    } else if (kernel == TL_KERNEL_AVX512 && ld_k == 1) {
        tl_avx512_pack_rows(src, ld_n, n, k, mem);
    } else if (kernel == TL_KERNEL_AVX2 && ld_k == 1) {
        tl_avx2_pack_rows(src, ld_n, n, k, mem);
    } else if (kernel == TL_KERNEL_AVX512 || kernel == TL_KERNEL_AVX2) {
        /* Panels of 32 columns, each [k][32]; columns past n are zero so
         * the kernel may read whole panels. */
        size_t panels = (n + TL_GEMM_NR - 1) / TL_GEMM_NR;
        for (size_t p = 0; p < panels; p++) {
            float *dst = mem + p * k * TL_GEMM_NR;
            size_t j0 = p * TL_GEMM_NR;
            size_t cols = n - j0 < TL_GEMM_NR ? n - j0 : TL_GEMM_NR;
            for (size_t kk = 0; kk < k; kk++) {
                float *d = dst + kk * TL_GEMM_NR;
                const float *s = src + j0 * ld_n + kk * ld_k;
                size_t j = 0;
                if (ld_n == 1)
                    memcpy(d, s, cols * sizeof *d), j = cols;
                for (; j < cols; j++)
                    d[j] = s[j * ld_n];
                for (; j < TL_GEMM_NR; j++)
                    d[j] = 0.0f;
            }
        }
    } else {
        /* Row-major n × k (a Linear weight's own layout) for sgemm's "B^T". */
        for (size_t j = 0; j < n; j++)
            for (size_t kk = 0; kk < k; kk++)
                mem[j * k + kk] = src[j * ld_n + kk * ld_k];
    }
}

size_t tl_gemm_work_size(tl_kernel kernel)
{
    /* The float32 paths read A in place; the bf16 one rounds it a block at
     * a time. */
    return kernel == TL_KERNEL_AVX512_BF16 ? tl_bf16_work_size() : 16;
}

static float gelu_ref(float x)
{
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
}

/* The epilogue over an m × cols block of C, for the BLAS path: in AVX2
 * registers where the CPU has them (kern_avx2.h), else in plain C. */
static void epi_block(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                      const tl_gemm_epi *e)
{
    if (tl_avx2_usable()) {
        tl_avx2_epilogue(m, col0, cols, c, ldc, e);
        return;
    }
    for (size_t i = 0; i < m; i++) {
        float *row = c + i * ldc + col0;
        const float *add = e->add ? e->add + i * e->ld_add + col0 : NULL;
        for (size_t j = 0; j < cols; j++) {
            float x = row[j] * e->scale;
            if (e->bias)
                x += e->bias[col0 + j];
            if (add)
                x += add[j];
            if (e->gelu)
                x = gelu_ref(x);
            row[j] = x;
        }
    }
}

void tl_gemm_run(size_t m, const float *a, size_t lda, const tl_gemm_b *b, size_t n0,
                 size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi, float *work)
{
    if (m == 0 || n1 <= n0)
        return;
    if (b->kernel == TL_KERNEL_AVX512_BF16) {
        tl_bf16_gemm(m, b->k, a, lda, b->data, b->n, n0, n1, c, ldc, epi, work);
        return;
    }
    if (b->kernel == TL_KERNEL_AVX512) {
        tl_avx512_gemm(m, b->k, a, lda, b->data, b->n, n0, n1, c, ldc, epi);
        return;
    }
    if (b->kernel == TL_KERNEL_AVX2) {
        tl_avx2_gemm(m, b->k, a, lda, b->data, n0, n1, c, ldc, epi);
        return;
    }
    size_t cols = n1 - n0;
    if (b->k == 0) {
        for (size_t i = 0; i < m; i++)
            memset(c + i * ldc + n0, 0, cols * sizeof *c);
    } else {
        tl_blas_sgemm(1, m, cols, b->k, 1.0f, a, lda, b->data + n0 * b->k, b->k, 0.0f, c + n0,
                      ldc);
    }
    epi_block(m, n0, cols, c, ldc, epi);
}

void tl_gemm_abt(tl_kernel kernel, size_t m, size_t n, size_t k, float scale, const float *a,
                 size_t lda, const float *b, size_t ldb, float *c, size_t ldc, float *work)
{
    kernel = fp32_kernel(kernel);
    if (m == 0 || n == 0)
        return;
    tl_gemm_epi e = {.scale = scale};
    if (kernel == TL_KERNEL_AVX512 || kernel == TL_KERNEL_AVX2) {
        tl_gemm_b pb;
        float *mem = work + tl_gemm_work_size(kernel);
        tl_gemm_b_pack_into(&pb, kernel, k, n, b, ldb, 1, mem);
        tl_gemm_run(m, a, lda, &pb, 0, n, c, ldc, &e, work);
        return;
    }
    tl_blas_sgemm(1, m, n, k, scale, a, lda, b, ldb, 0.0f, c, ldc);
}

void tl_gemm_ab(tl_kernel kernel, size_t m, size_t n, size_t k, const float *a, size_t lda,
                const float *b, size_t ldb, float *c, size_t ldc, float *work)
{
    kernel = fp32_kernel(kernel);
    if (m == 0 || n == 0)
        return;
    tl_gemm_epi e = {.scale = 1.0f};
    if (kernel == TL_KERNEL_AVX512) {
        /* B's rows are what the kernel reads per k step: no packing. */
        tl_avx512_gemm_rm(m, k, a, lda, b, ldb, n, c, ldc, &e);
        (void)work;
        return;
    }
    if (kernel == TL_KERNEL_AVX2) {
        tl_avx2_gemm_rm(m, k, a, lda, b, ldb, n, c, ldc, &e);
        return;
    }
    tl_blas_sgemm(0, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

void tl_layernorm_rows(tl_kernel kernel, float *x, size_t rows, size_t n, size_t ld,
                       const float *gamma, const float *beta, float eps)
{
    kernel = fp32_kernel(kernel);
    if (kernel == TL_KERNEL_AVX512) {
        tl_avx512_layernorm(x, rows, n, ld, gamma, beta, eps);
        return;
    }
    if (kernel == TL_KERNEL_AVX2) {
        tl_avx2_layernorm(x, rows, n, ld, gamma, beta, eps);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        float s = 0.0f;
        for (size_t j = 0; j < n; j++)
            s += row[j];
        float mean = s / (float)n;
        float q = 0.0f;
        for (size_t j = 0; j < n; j++)
            q += (row[j] - mean) * (row[j] - mean);
        float inv = 1.0f / sqrtf(q / (float)n + eps);
        for (size_t j = 0; j < n; j++)
            row[j] = (row[j] - mean) * inv * gamma[j] + beta[j];
    }
}

void tl_softmax_rows(tl_kernel kernel, float *x, size_t rows, size_t n, size_t ld)
{
    kernel = fp32_kernel(kernel);
    if (kernel == TL_KERNEL_AVX512) {
        tl_avx512_softmax(x, rows, n, ld);
        return;
    }
    if (kernel == TL_KERNEL_AVX2) {
        tl_avx2_softmax(x, rows, n, ld);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        float mx = -INFINITY;
        for (size_t j = 0; j < n; j++)
            mx = row[j] > mx ? row[j] : mx;
        float s = 0.0f;
        for (size_t j = 0; j < n; j++) {
            row[j] = expf(row[j] - mx);
            s += row[j];
        }
        float inv = 1.0f / s;
        for (size_t j = 0; j < n; j++)
            row[j] *= inv;
    }
}
