/* kern_avx2.h — the product epilogue in AVX2 + FMA registers, for the BLAS
 * kernel on CPUs without AVX-512. Private to src/encoder/. */
#ifndef TL_ENCODER_KERN_AVX2_H
#define TL_ENCODER_KERN_AVX2_H

#include <stdbool.h>
#include <stddef.h>

#include "encoder/gemm.h"

/* True on x86 CPUs with AVX2 and FMA (checked once by the compiler's CPU
 * probe); false elsewhere. */
bool tl_avx2_usable(void);

/* c[i][col0 + j] = epilogue(c[i][col0 + j]) for i < m, j < cols: scale,
 * bias, residual and GELU as tl_gemm_epi says. GELU's erf is Abramowitz &
 * Stegun 7.1.28, as in the AVX-512 kernel (|error| <= 3e-7). Call only when
 * tl_avx2_usable(). */
void tl_avx2_epilogue(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                      const tl_gemm_epi *e);

#endif
