/* gemm.h — the matrix products and row operations of the encoder's forward
 * pass, each with hand-written AVX-512 and AVX2 versions and a portable one
 * (OpenBLAS for the products, loaded at run time by blas.h, and plain C
 * for the rest).
 *
 * C[m × n] = epilogue(A[m × k] · B[k × n]): A is row-major float32 with a
 * row stride; B is "packed" once into the layout the chosen kernel reads
 * (weights at load time, attention keys and values per pass). The kernel is
 * chosen once per process from the CPU (and TAILOR_ENCODER_KERNEL=blas|avx2|
 * avx512 to force one); all give the same results to float32 rounding. A third,
 * bf16 kernel (kern_bf16.h) serves only weight products (tl_gemm_b packed
 * with TL_KERNEL_AVX512_BF16) and only when bf16 precision is asked for:
 * see tl_weight_kernel_choose.
 *
 * All functions here are single-threaded and reentrant: the caller splits
 * work across threads (by rows, or by column panels with the n0/n1 range). */
#ifndef TL_ENCODER_GEMM_H
#define TL_ENCODER_GEMM_H

#include <stddef.h>

#include "base/err.h"
#include "encoder/precision.h"

typedef enum tl_kernel {
    TL_KERNEL_AUTO = 0,  /* pick from the CPU and TAILOR_ENCODER_KERNEL */
    TL_KERNEL_BLAS,      /* OpenBLAS sgemm and plain C: any CPU (without
                          * the library, plain C products: blas.h) */
    TL_KERNEL_AVX512,    /* hand-written AVX-512F kernels */
    TL_KERNEL_AVX512_BF16,   /* weight products in bf16 (AVX512-BF16); the
                              * other operations run as TL_KERNEL_AVX512 */
    TL_KERNEL_AVX2,      /* hand-written AVX2 + FMA kernels: x86 without AVX-512 */
} tl_kernel;

/* Columns per panel: n0/n1 column ranges passed to tl_gemm_run must start
 * on a multiple of this. */
#define TL_GEMM_NR 32

/* Resolves TL_KERNEL_AUTO (or a kernel the CPU lacks) to the one to use;
 * the answer for AUTO is computed once and cached. */
tl_kernel tl_kernel_resolve(tl_kernel want);
const char *tl_kernel_name(tl_kernel k);

/* The kernel of the weight products, given the float32 kernel `kernel`
 * (already resolved) and the precision asked for: `want`, or for
 * TL_PRECISION_DEFAULT the value of TAILOR_ENCODER_KERNEL (`env`, may be
 * NULL: "bf16" asks for bf16; "blas", "avx512", "fp32" or empty do not).
 * bf16 needs `cpu_bf16` (tl_bf16_usable()) and the AVX-512 kernel; asking
 * for it without them is an error (TL_EUSAGE) saying so, never a silent
 * fall back to float32, and so is an unknown `env` value. Pure: the caller
 * passes the CPU's answer, so tests can ask as if for another CPU. */
int tl_weight_kernel_choose(tl_precision want, const char *env, int cpu_bf16, tl_kernel kernel,
                            tl_kernel *out, tl_err *err);

/* A right-hand matrix in a kernel's layout. */
typedef struct tl_gemm_b {
    tl_kernel kernel;
    size_t k, n;
    float *data;   /* tl_gemm_b_size() floats, 64-byte aligned; borrowed (the
                    * model's weight block or a pass's arena) */
} tl_gemm_b;

/* Floats needed to pack a k × n matrix for `kernel`. */
size_t tl_gemm_b_size(tl_kernel kernel, size_t k, size_t n);

/* Packs B where B(kk, j) = src[j * ld_n + kk * ld_k]: a Linear weight
 * W[n × k] is (ld_n = k, ld_k = 1); a row-major k × n matrix is
 * (ld_n = 1, ld_k = n). `mem` holds tl_gemm_b_size() floats, 64-byte
 * aligned, and is borrowed (an arena). */
void tl_gemm_b_pack_into(tl_gemm_b *b, tl_kernel kernel, size_t k, size_t n, const float *src,
                         size_t ld_n, size_t ld_k, float *mem);

/* What happens to each C element after the product, in this order. */
typedef struct tl_gemm_epi {
    float scale;         /* multiplies A·B */
    const float *bias;   /* bias[col] added, or NULL */
    const float *add;    /* add[row * ld_add + col] added (a residual), or NULL */
    size_t ld_add;
    int gelu;            /* then x * (1 + erf(x / sqrt 2)) / 2 */
} tl_gemm_epi;

/* Floats of scratch tl_gemm_run needs (64-byte aligned, one per thread):
 * the bf16 kernel rounds blocks of A there. */
size_t tl_gemm_work_size(tl_kernel kernel);

/* Computes columns [n0, n1) of C = epi(A · B) for m rows; n0 is a multiple
 * of TL_GEMM_NR, n1 <= b->n. C may not alias A, B or add. */
void tl_gemm_run(size_t m, const float *a, size_t lda, const tl_gemm_b *b, size_t n0,
                 size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi, float *work);

/* C[m × n] = scale · A · B^T with A, B row-major (attention scores:
 * B = keys), and C[m × n] = A · B with B row-major k × n (attention
 * context: B = values). `work` as for tl_gemm_run plus tl_gemm_b_size(k, n)
 * floats for packing B. */
void tl_gemm_abt(tl_kernel kernel, size_t m, size_t n, size_t k, float scale, const float *a,
                 size_t lda, const float *b, size_t ldb, float *c, size_t ldc, float *work);
void tl_gemm_ab(tl_kernel kernel, size_t m, size_t n, size_t k, const float *a, size_t lda,
                const float *b, size_t ldb, float *c, size_t ldc, float *work);

/* Row operations, in place. LayerNorm over rows of n: (x - mean) /
 * sqrt(var + eps) * gamma + beta. Softmax over the first n entries of each
 * row. */
void tl_layernorm_rows(tl_kernel kernel, float *x, size_t rows, size_t n, size_t ld,
                       const float *gamma, const float *beta, float eps);
void tl_softmax_rows(tl_kernel kernel, float *x, size_t rows, size_t n, size_t ld);

#endif
