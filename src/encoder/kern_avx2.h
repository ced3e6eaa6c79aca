/* kern_avx2.h — AVX2 + FMA kernels behind gemm.h, for x86 CPUs without
 * AVX-512 (private to src/encoder/): the matrix product (kern_avx2_gemm.c),
 * the row operations and the BLAS kernel's epilogue (kern_avx2.c).
 *
 * Compiled with per-function target attributes, so the rest of the program
 * needs no special flags; call them only when tl_avx2_usable(). */
#ifndef TL_ENCODER_KERN_AVX2_H
#define TL_ENCODER_KERN_AVX2_H

#include <stdbool.h>
#include <stddef.h>

#include "encoder/gemm.h"

/* True on x86 CPUs with AVX2 and FMA (checked once by the compiler's CPU
 * probe); false elsewhere. */
bool tl_avx2_usable(void);

/* Columns [n0, n1) of C = epi(A · B), B packed in panels of TL_GEMM_NR
 * columns as for TL_KERNEL_AVX512 (tl_gemm_b_pack_into). */
void tl_avx2_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n0,
                  size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi);

/* Packs B(kk, j) = src[j * ld + kk] (n rows of k: attention keys) into
 * panels of TL_GEMM_NR columns, zero-padded, as tl_gemm_b_pack_into does;
 * `dst` is 32-byte aligned. */
void tl_avx2_pack_rows(const float *src, size_t ld, size_t n, size_t k, float *dst);

/* C[m × n] = epi(A · B) with B row-major k × n, row stride ldb, used in
 * place (no packing): attention's values. */
void tl_avx2_gemm_rm(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     size_t n, float *c, size_t ldc, const tl_gemm_epi *epi);

/* c[i][col0 + j] = epilogue(c[i][col0 + j]) for i < m, j < cols: scale,
 * bias, residual and GELU as tl_gemm_epi says (the BLAS kernel's, after
 * OpenBLAS's product). GELU's erf is Abramowitz & Stegun 7.1.28, as in the
 * AVX-512 kernel (|error| <= 3e-7). */
void tl_avx2_epilogue(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                      const tl_gemm_epi *e);

/* As gemm.h's tl_layernorm_rows and tl_softmax_rows. */
void tl_avx2_layernorm(float *x, size_t rows, size_t n, size_t ld, const float *gamma,
                       const float *beta, float eps);
void tl_avx2_softmax(float *x, size_t rows, size_t n, size_t ld);

/* out[i] = exp(x[i]); x = GELU(x) (tests compare them with expf, erf). */
void tl_avx2_exp(const float *x, float *out, size_t n);
void tl_avx2_gelu(float *x, size_t n);

#endif
