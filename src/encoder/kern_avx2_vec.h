/* kern_avx2_vec.h — vector pieces shared by the AVX2 + FMA kernels
 * (kern_avx2.c for the row operations and the BLAS kernel's epilogue,
 * kern_avx2_gemm.c for the product): lane masks, GELU, exp and the product
 * epilogue, eight floats at a time. Private to src/encoder/; include only
 * on x86 from functions carrying TL_AVX2_TA. */
#ifndef TL_ENCODER_KERN_AVX2_VEC_H
#define TL_ENCODER_KERN_AVX2_VEC_H

#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#include "encoder/erf_poly.h"
#include "encoder/exp_poly.h"

#define TL_AVX2_TA __attribute__((target("avx2,fma")))
#define TL_AVX2_INLINE static inline __attribute__((always_inline))

/* All-ones in the first `n` lanes (n may be <= 0 or > 8), for
 * _mm256_maskload_ps / _mm256_maskstore_ps, which leave the other lanes'
 * memory alone (no fault past the end of a row). */
TL_AVX2_TA TL_AVX2_INLINE __m256i v8_lanes(long n)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int c = n < 0 ? 0 : n > 8 ? 8 : (int)n;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(c), idx);
}

/* GELU, x * (1 + erf(x / sqrt 2)) / 2, with erf(z) = 1 - 1 / (1 + a1 z +
 * ... + a6 z^6)^16 for z >= 0 (erf_poly.h), odd in z. */
TL_AVX2_TA TL_AVX2_INLINE __m256 v8_gelu(__m256 x)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 sign_bit = _mm256_set1_ps(-0.0f);
    __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f));
    /* |z| capped at 10, where erf is 1 in float: p then stays finite
     * (p(10)^16 < 2e31), so 1/p needs no case for infinity. */
    __m256 az = _mm256_min_ps(_mm256_andnot_ps(sign_bit, z), _mm256_set1_ps(10.0f));
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
    p = _mm256_mul_ps(p, p);   /* ^16 */
    /* 1/p: a 12-bit estimate and one Newton step (about 23 bits), a
     * quarter of a division's cost. */
    __m256 r = _mm256_rcp_ps(p);
    r = _mm256_mul_ps(r, _mm256_fnmadd_ps(p, r, _mm256_set1_ps(2.0f)));
    __m256 erf_abs = _mm256_sub_ps(one, r);
    __m256 erf = _mm256_or_ps(erf_abs, _mm256_and_ps(sign_bit, z));
    return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), _mm256_add_ps(one, erf));
}

/* e^x: Cody-Waite reduction x = n ln2 + r, |r| <= ln2 / 2, Taylor series of
 * e^r to degree 7 (error < 1e-8), times 2^n built in the exponent bits.
 * Below -87.33 (where 2^n would leave the normal range) the answer is 0,
 * within 1.2e-38 of the truth. */
TL_AVX2_TA TL_AVX2_INLINE __m256 v8_exp(__m256 x)
{
    const __m256 lo = _mm256_set1_ps(-87.33654f);
    __m256 tiny = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(x, _mm256_set1_ps(TL_EXP_MAX));
    x = _mm256_max_ps(x, lo);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(TL_EXP_LOG2E)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(TL_EXP_LN2_HI), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(TL_EXP_LN2_LO), r);
    __m256 p = _mm256_set1_ps(TL_EXP_C7);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C5));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(TL_EXP_C0));
    /* n is in [-126, 128); 2^n as bits: (n + 127) << 23, and 2^128 as
     * 2^127 * 2 so the exponent never overflows. */
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i hi = _mm256_cmpgt_epi32(ni, _mm256_set1_epi32(127));
    ni = _mm256_sub_epi32(ni, _mm256_and_si256(hi, _mm256_set1_epi32(1)));
    __m256 pow2 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(ni, _mm256_set1_epi32(127)), 23));
    p = _mm256_mul_ps(p, pow2);
    p = _mm256_add_ps(p, _mm256_and_ps(_mm256_castsi256_ps(hi), p));
    return _mm256_andnot_ps(tiny, p);
}

/* Sum of the eight lanes. */
TL_AVX2_TA TL_AVX2_INLINE float v8_sum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

TL_AVX2_TA TL_AVX2_INLINE float v8_max(__m256 v)
{
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* The product epilogue of eight values of C: times `scale` when `scaled`,
 * plus bias and residual at the same columns (either NULL), then GELU.
 * `m`: the lanes that exist (bias and add are read only there). */
TL_AVX2_TA TL_AVX2_INLINE __m256 v8_epi(__m256 x, int scaled, __m256 scale, const float *bias,
                                        const float *add, int gelu, int full, __m256i m)
{
    if (scaled)
        x = _mm256_mul_ps(x, scale);
    if (bias)
        x = _mm256_add_ps(x, full ? _mm256_loadu_ps(bias) : _mm256_maskload_ps(bias, m));
    if (add)
        x = _mm256_add_ps(x, full ? _mm256_loadu_ps(add) : _mm256_maskload_ps(add, m));
    return gelu ? v8_gelu(x) : x;
}

#endif
