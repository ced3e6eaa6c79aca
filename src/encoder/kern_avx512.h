/* kern_avx512.h — AVX-512F kernels behind gemm.h (private to src/encoder/).
 *
 * Compiled with per-function target attributes, so the rest of the program
 * needs no special flags; call them only when tl_kernel_resolve() picked
 * TL_KERNEL_AVX512, i.e. the CPU and the OS support AVX-512F. */
#ifndef TL_ENCODER_KERN_AVX512_H
#define TL_ENCODER_KERN_AVX512_H

#include <stddef.h>

#include "encoder/gemm.h"

/* Nonzero when the CPU and OS run AVX-512F code. */
int tl_avx512_usable(void);

/* Columns [n0, n1) of C = epi(A · B), B packed in panels of 32 columns
 * (tl_gemm_b_pack_into with TL_KERNEL_AVX512) of total width n. */
void tl_avx512_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n,
                    size_t n0, size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi);

/* Packs B(kk, j) = src[j * ld + kk] (n rows of k: a Linear weight, or
 * attention keys) into panels of 32 columns, zero-padded, with 16 × 16
 * register transposes. `dst` is 64-byte aligned. */
void tl_avx512_pack_rows(const float *src, size_t ld, size_t n, size_t k, float *dst);

/* C[m × n] = epi(A · B) with B row-major k × n, row stride ldb, used in
 * place (no packing): attention's values. */
void tl_avx512_gemm_rm(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                       size_t n, float *c, size_t ldc, const tl_gemm_epi *epi);

void tl_avx512_layernorm(float *x, size_t rows, size_t n, size_t ld, const float *gamma,
                         const float *beta, float eps);
void tl_avx512_softmax(float *x, size_t rows, size_t n, size_t ld);

/* x = x * (1 + erf(x / sqrt 2)) / 2 over n floats (tests compare it with
 * erff). */
void tl_avx512_gelu(float *x, size_t n);

/* out[i] = exp(x[i]) (tests compare it with expf). */
void tl_avx512_exp(const float *x, float *out, size_t n);

#endif
