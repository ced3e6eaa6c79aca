/* blas.h — the one BLAS routine tailor uses (single-precision matrix
 * product), from OpenBLAS loaded at run time on first use.
 *
 * tailor does not link a BLAS. Linked, OpenBLAS cost every process — also
 * `tailor --help` and imports that never encode anything — its constructor
 * (worker threads that spin in sched_yield at start-up) and its
 * libgfortran and libquadmath, although on AVX-512 CPUs the encoder never
 * calls it. Now the library is dlopen()ed the first time a product needs
 * it, held to one thread (the encoder's pool is the parallelism), and kept
 * for the life of the process. docs/encoder.md has the details. */
#ifndef TL_ENCODER_BLAS_H
#define TL_ENCODER_BLAS_H

#include <stddef.h>

#include "base/err.h"

/* Loads the library once per process (thread-safe; later calls give the
 * first answer): $TAILOR_BLAS_LIBRARY when set, else libopenblas.so.0,
 * libcblas.so.3, libblas.so.3, the first that loads and has cblas_sgemm.
 * Returns 0, or TL_ENOTFOUND with a message naming the libraries tried and
 * the loader's reason. */
int tl_blas_load(tl_err *err);

/* C[m × n] = alpha · A · op(B) + beta · C, all row-major with the given row
 * strides; A is m × k; op(B) is B^T with B n × k when trans_b, else B is
 * k × n. With beta 0, C is only written. Loads the library if not yet
 * done; where it cannot be loaded a plain C loop computes the same product
 * (to float32 rounding, many times slower), so no caller ever crashes for
 * want of it. Reentrant. */
void tl_blas_sgemm(int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                   size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc);

/* The loaded library's file name as tried ("libopenblas.so.0"), or NULL
 * when none loaded. Loads it if not yet done. Static string. */
const char *tl_blas_library(void);

/* OpenBLAS's name for the CPU core its kernels were chosen for
 * ("Haswell"), "unknown" for a BLAS without openblas_get_corename, "none"
 * when no library loaded. Loads it if not yet done. Static string. */
const char *tl_blas_corename(void);

#endif
