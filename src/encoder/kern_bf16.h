/* kern_bf16.h — the bf16 matrix product behind gemm.h (private to
 * src/encoder/), for the encoder's weight products when bf16 precision is
 * asked for (precision.h).
 *
 * B (a weight) is stored as bfloat16, rounded to nearest even once at load,
 * in panels of 32 columns whose k steps come in pairs, (B(2q, j),
 * B(2q+1, j)) side by side: the layout AVX512-BF16's dot-product
 * instruction reads. A (activations, float32) is rounded to bfloat16 a
 * block at a time into the caller's scratch; sums are float32 and the
 * epilogue (scale, bias, residual, GELU) runs in float32 as in the float32
 * kernel.
 *
 * The product code carries a target attribute, so the rest of the program
 * needs no special flags; call tl_bf16_gemm only when tl_bf16_usable(). The
 * packing and rounding helpers are plain C and run anywhere. */
#ifndef TL_ENCODER_KERN_BF16_H
#define TL_ENCODER_KERN_BF16_H

#include <stddef.h>
#include <stdint.h>

#include "encoder/gemm.h"

/* Nonzero when the CPU and OS run AVX512-BF16 (with AVX512F and BW). */
int tl_bf16_usable(void);

/* x rounded to the nearest bfloat16 (ties to even; NaN stays NaN), as
 * bits, and as the float it stands for. */
uint16_t tl_bf16_bits(float x);
float tl_bf16_round(float x);

/* Floats (4-byte slots, two bf16 each) a packed k × n matrix takes. */
size_t tl_bf16_b_size(size_t k, size_t n);

/* Packs B(kk, j) = src[j * ld_n + kk * ld_k] as bf16 pairs into `dst`
 * (tl_bf16_b_size floats, 64-byte aligned, borrowed); columns past n and
 * the odd k's partner are zero. */
void tl_bf16_pack(const float *src, size_t ld_n, size_t ld_k, size_t k, size_t n, float *dst);

/* Floats of scratch tl_bf16_gemm needs in `work` (64-byte aligned). */
size_t tl_bf16_work_size(void);

/* Columns [n0, n1) (n0 a multiple of TL_GEMM_NR) of C = epi(A · B) for m
 * rows, B packed by tl_bf16_pack with k rows and n columns. */
void tl_bf16_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n,
                  size_t n0, size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi,
                  float *work);

#endif
