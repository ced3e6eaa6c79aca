/* kern_avx2.c — the BLAS kernel's epilogue in AVX2 + FMA (kern_avx2.h).
 *
 * On a CPU without AVX-512 the products are OpenBLAS's, and the epilogue
 * ran in plain C: a scalar erff per element of the FFN's 1536-wide
 * intermediate, 10% of a pass, and the bias and residual loops another
 * 10% (perf, one thread, batch 32 x 64, on a 2-core AVX2 EPYC). */
#include "encoder/kern_avx2.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>

#include "encoder/erf_poly.h"

#define TA __attribute__((target("avx2,fma")))

bool tl_avx2_usable(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* GELU, x * (1 + erf(x / sqrt 2)) / 2, with erf(z) = 1 - 1 / (1 + a1 z +
 * ... + a6 z^6)^16 for z >= 0, odd in z. */
TA static inline __m256 gelu8(__m256 x)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f));
    __m256 az = _mm256_andnot_ps(sign_bit, z);
    __m256 p = _mm256_set1_ps(TL_ERF_A6);
    p = _mm256_fmadd_ps(p, az, _mm256_set1_ps(TL_ERF_A5));
    p = _mm256_fmadd_ps(p, az, _mm256_set1_ps(TL_ERF_A4));
    p = _mm256_fmadd_ps(p, az, _mm256_set1_ps(TL_ERF_A3));
    p = _mm256_fmadd_ps(p, az, _mm256_set1_ps(TL_ERF_A2));
    p = _mm256_fmadd_ps(p, az, _mm256_set1_ps(TL_ERF_A1));
    p = _mm256_fmadd_ps(p, az, one);
    p = _mm256_mul_ps(p, p);   /* ^2 */
    p = _mm256_mul_ps(p, p);   /* ^4 */
    p = _mm256_mul_ps(p, p);   /* ^8 */
    p = _mm256_mul_ps(p, p);   /* ^16; inf for large z, and 1/inf = 0 */
    __m256 erf_abs = _mm256_sub_ps(one, _mm256_div_ps(one, p));
    __m256 erf = _mm256_or_ps(erf_abs, _mm256_and_ps(sign_bit, z));
    return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), _mm256_add_ps(one, erf));
}

/* The epilogue of 8 values at row[j] (bias and residual at the same
 * columns, either NULL). */
TA static inline __m256 epi8(__m256 x, const float *bias, const float *add, __m256 scale,
                             int gelu)
{
    x = _mm256_mul_ps(x, scale);
    if (bias)
        x = _mm256_add_ps(x, _mm256_loadu_ps(bias));
    if (add)
        x = _mm256_add_ps(x, _mm256_loadu_ps(add));
    return gelu ? gelu8(x) : x;
}

TA void tl_avx2_epilogue(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                         const tl_gemm_epi *e)
{
    const __m256 scale = _mm256_set1_ps(e->scale);
    for (size_t i = 0; i < m; i++) {
        float *row = c + i * ldc + col0;
        const float *bias = e->bias ? e->bias + col0 : NULL;
        const float *add = e->add ? e->add + i * e->ld_add + col0 : NULL;
        size_t j = 0;
        for (; j + 8 <= cols; j += 8)
            _mm256_storeu_ps(row + j, epi8(_mm256_loadu_ps(row + j), bias ? bias + j : NULL,
                                           add ? add + j : NULL, scale, e->gelu));
        if (j < cols) {
            /* The last columns through a buffer of 8: the same arithmetic. */
            float x[8] = {0}, b[8] = {0}, a[8] = {0};
            size_t rest = cols - j;
            for (size_t t = 0; t < rest; t++) {
                x[t] = row[j + t];
                b[t] = bias ? bias[j + t] : 0.0f;
                a[t] = add ? add[j + t] : 0.0f;
            }
            _mm256_storeu_ps(x, epi8(_mm256_loadu_ps(x), bias ? b : NULL, add ? a : NULL,
                                     scale, e->gelu));
            for (size_t t = 0; t < rest; t++)
                row[j + t] = x[t];
        }
    }
}

#else

bool tl_avx2_usable(void)
{
    return false;
}

void tl_avx2_epilogue(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                      const tl_gemm_epi *e)
{
    (void)m, (void)col0, (void)cols, (void)c, (void)ldc, (void)e;
}

#endif
