/* kern_avx512_vec.h — vector pieces shared by the AVX-512 kernels
 * (kern_avx512.c for float32, kern_bf16.c for bf16): GELU, the product
 * epilogue applied in registers, the prefetch of a tile's output rows and
 * the store of a finished tile. Private to src/encoder/; include only from
 * files whose functions carry an AVX-512 target attribute, on x86. */
#ifndef TL_ENCODER_KERN_AVX512_VEC_H
#define TL_ENCODER_KERN_AVX512_VEC_H

#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#include "encoder/erf_poly.h"
#include "encoder/gemm.h"

/* The baseline ISA of these helpers; callers' targets are supersets of it,
 * which is what lets them be inlined there. */
#define TL_VEC_TA __attribute__((target("avx512f,fma,avx2")))
#define TL_VEC_INLINE static inline __attribute__((always_inline))

#if defined(__clang__)
#define TL_VEC_UNROLL _Pragma("unroll")
#else
#define TL_VEC_UNROLL _Pragma("GCC unroll 16")
#endif

/* GELU with erf from Abramowitz & Stegun 7.1.28:
 *   erf(z) = 1 - 1 / (1 + a1 z + ... + a6 z^6)^16  for z >= 0, |error| <= 3e-7,
 * odd in z. No exp: a polynomial, four squarings and one reciprocal, which
 * is about half the work of the exp-based 7.1.26. */
TL_VEC_TA TL_VEC_INLINE __m512 v_gelu(__m512 x)
{
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
    __m512 az = _mm512_abs_ps(z);
    __m512 p = _mm512_set1_ps(TL_ERF_A6);
    p = _mm512_fmadd_ps(p, az, _mm512_set1_ps(TL_ERF_A5));
    p = _mm512_fmadd_ps(p, az, _mm512_set1_ps(TL_ERF_A4));
    p = _mm512_fmadd_ps(p, az, _mm512_set1_ps(TL_ERF_A3));
    p = _mm512_fmadd_ps(p, az, _mm512_set1_ps(TL_ERF_A2));
    p = _mm512_fmadd_ps(p, az, _mm512_set1_ps(TL_ERF_A1));
    p = _mm512_fmadd_ps(p, az, one);
    p = _mm512_mul_ps(p, p);   /* ^2 */
    p = _mm512_mul_ps(p, p);   /* ^4 */
    p = _mm512_mul_ps(p, p);   /* ^8 */
    p = _mm512_mul_ps(p, p);   /* ^16; may overflow to inf for large z: 1/inf = 0 */
    /* 1/p: 14-bit estimate and one Newton step (~28 bits). */
    __m512 r = _mm512_rcp14_ps(p);
    r = _mm512_mul_ps(r, _mm512_fnmadd_ps(p, r, _mm512_set1_ps(2.0f)));
    r = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(p, _mm512_set1_ps(INFINITY), _CMP_LT_OQ), r);
    __m512 erf_abs = _mm512_sub_ps(one, r);
    /* erf is odd: copy z's sign bit onto erf(|z|). */
    __m512i sign = _mm512_and_si512(_mm512_castps_si512(z), _mm512_set1_epi32((int)0x80000000u));
    __m512 erf = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(erf_abs), sign));
    return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), _mm512_add_ps(one, erf));
}

/* Mask of the first `cols` (0..16) lanes. */
TL_VEC_INLINE __mmask16 lanes(size_t cols)
{
    return cols >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << cols) - 1);
}

/* The epilogue's settings, copied out of tl_gemm_epi so the compiler need
 * not reload them after every store to C (a float store may alias them). */
typedef struct epi_vals {
    float scale;
    int scaled, gelu;
} epi_vals;

/* Applies the epilogue to one vector of C: `bias` and `add` point at this
 * vector's first column (or are NULL). */
TL_VEC_TA TL_VEC_INLINE __m512 epi_vec(__m512 x, epi_vals e, const float *bias, const float *add, __mmask16 m)
{
    if (e.scaled)
        x = _mm512_mul_ps(x, _mm512_set1_ps(e.scale));
    if (bias)
        x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, bias));
    if (add)
        x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, add));
    if (e.gelu)
        x = v_gelu(x);
    return x;
}

/* Writes rows [0, mr) of a tile of accumulators, two vectors (32 columns)
 * a row, to C: added to what C already holds when `accum`, through the
 * epilogue on the last k pass (`last`). Inlined into each kernel's tile
 * function, where mr and max_rows are constants, so the accumulators stay
 * in registers. bias and add point at the tile's first column and
 * top-left element, or are NULL. */
/* Asks for the tile's rows of C (32 floats each) and of the residual `add`
 * (NULL: none) ahead of the store, so they arrive while the k loop runs:
 * a large product's output is no longer in L2 by the time its tile is
 * stored, and waiting for those lines at the end of every tile cost 5-8% of
 * a 2048 x 384 x 1536 product on the development machine. */
TL_VEC_INLINE void tile_prefetch(int mr, int max_rows, const float *c, size_t ldc,
                                 const float *add, size_t ld_add)
{
    TL_VEC_UNROLL for (int i = 0; i < max_rows; i++) {
        if (i < mr) {
            const float *row = c + (size_t)i * ldc;
            __builtin_prefetch(row, 1, 3);
            __builtin_prefetch(row + 31, 1, 3);
            if (add) {
                __builtin_prefetch(add + (size_t)i * ld_add, 0, 3);
                __builtin_prefetch(add + (size_t)i * ld_add + 31, 0, 3);
            }
        }
    }
}

TL_VEC_TA TL_VEC_INLINE void tile_store(__m512 (*acc)[2], int mr, int max_rows, float *c,
                                        size_t ldc, int accum, int last, __mmask16 m0,
                                        __mmask16 m1, const tl_gemm_epi *epi, const float *bias,
                                        const float *add)
{
    const epi_vals ev = {epi->scale, epi->scale != 1.0f, epi->gelu};
    const float *bias1 = bias ? bias + 16 : NULL;
    const size_t ld_add = epi->ld_add;
    TL_VEC_UNROLL for (int i = 0; i < max_rows; i++) {
        if (i < mr) {
            float *row = c + (size_t)i * ldc;
            __m512 x0 = acc[i][0], x1 = acc[i][1];
            if (accum) {
                x0 = _mm512_add_ps(x0, _mm512_maskz_loadu_ps(m0, row));
                x1 = _mm512_add_ps(x1, _mm512_maskz_loadu_ps(m1, row + 16));
            }
            if (last) {
                const float *a = add ? add + (size_t)i * ld_add : NULL;
                x0 = epi_vec(x0, ev, bias, a, m0);
                x1 = epi_vec(x1, ev, bias1, a ? a + 16 : NULL, m1);
            }
            _mm512_mask_storeu_ps(row, m0, x0);
            _mm512_mask_storeu_ps(row + 16, m1, x1);
        }
    }
}

#endif
