/* blas.c — OpenBLAS's sgemm through dlopen, with a plain C loop where no
 * BLAS can be loaded. See blas.h for why the library is not linked. */
#include "encoder/blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CBLAS's enum values (CblasRowMajor, CblasNoTrans, CblasTrans), fixed by
 * the CBLAS interface: declaring them here spares the build cblas.h. */
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

/* cblas_sgemm as libopenblas0 and Debian's libblas3 export it: the enums
 * are passed as int, the sizes as 32-bit int (not the ILP64 builds). */
typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);
typedef void (*set_threads_fn)(int n);
typedef const char *(*corename_fn)(void);

/* Written once under `once`, read-only afterwards: every reader goes
 * through pthread_once first, which orders the writes before the reads. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;             /* NULL: no library */
static corename_fn corename;       /* optional: OpenBLAS only */
static char loaded_name[256];      /* "" when none loaded */
static char first_failure[256];   /* the first library's reason */
static char why[TL_ERR_MSG_MAX];   /* the message when none loaded */

/* Debian's names: libopenblas0-pthread's own soname, then the generic
 * CBLAS and BLAS sonames (ATLAS's libcblas.so.3; libblas.so.3 is whatever
 * the alternatives system points at, OpenBLAS or the reference BLAS, both
 * with cblas_sgemm). */
static const char *const sonames[] = {"libopenblas.so.0", "libcblas.so.3", "libblas.so.3"};

/* Opens `name` and finds cblas_sgemm; 0, or -1 with the reason in
 * first_failure (only the first is kept: it is the library most wanted). */
static int try_open(const char *name)
{
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        if (!first_failure[0])
            snprintf(first_failure, sizeof first_failure, "%s", e ? e : name);
        return -1;
    }
    /* dlsym returns void *; POSIX guarantees it converts to a function
     * pointer, which ISO C alone does not: go through memcpy. */
    void *sym = dlsym(h, "cblas_sgemm");
    if (!sym) {
        if (!first_failure[0])
            snprintf(first_failure, sizeof first_failure, "%.200s has no cblas_sgemm", name);
        dlclose(h);
        return -1;
    }
    memcpy(&sgemm, &sym, sizeof sgemm);
    /* Our pool is the only parallelism: one OpenBLAS thread, whatever
     * OPENBLAS_NUM_THREADS said (the environment only decides how many
     * threads its constructor starts). Absent from a generic CBLAS. */
    if ((sym = dlsym(h, "openblas_set_num_threads")) != NULL) {
        set_threads_fn set_threads;
        memcpy(&set_threads, &sym, sizeof set_threads);
        set_threads(1);
    }
    if ((sym = dlsym(h, "openblas_get_corename")) != NULL)
        memcpy(&corename, &sym, sizeof corename);
    snprintf(loaded_name, sizeof loaded_name, "%s", name);
    /* The handle is never closed: the library serves the whole process. */
    return 0;
}

static void load_once(void)
{
    /* OpenBLAS's constructor starts OPENBLAS_NUM_THREADS - 1 worker threads
     * (default: one per CPU) that spin before they sleep; with 1 it starts
     * none. Only when unset, so a deliberate setting still wins. setenv
     * races with a getenv in another thread; the first use is the loading
     * of a model folder (tl_bert_load), which every command does before it
     * starts threads of its own (the HTTP daemon, the encoder's pool). */
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    const char *asked = getenv("TAILOR_BLAS_LIBRARY");
    if (asked && *asked) {
        if (try_open(asked) != 0)
            snprintf(why, sizeof why, "TAILOR_BLAS_LIBRARY=%.200s cannot be loaded: %s", asked,
                     first_failure);
        return;
    }
    for (size_t i = 0; i < sizeof sonames / sizeof *sonames; i++)
        if (try_open(sonames[i]) == 0)
            return;
    snprintf(why, sizeof why, "no BLAS library can be loaded (tried libopenblas.so.0, "
             "libcblas.so.3, libblas.so.3; %s): install libopenblas0-pthread", first_failure);
}

int tl_blas_load(tl_err *err)
{
    pthread_once(&once, load_once);
    if (sgemm)
        return 0;
    return tl_err_set(err, TL_ENOTFOUND, "%s", why);
}

const char *tl_blas_library(void)
{
    pthread_once(&once, load_once);
    return loaded_name[0] ? loaded_name : NULL;
}

const char *tl_blas_corename(void)
{
    pthread_once(&once, load_once);
    if (!sgemm)
        return "none";
    const char *name = corename ? corename() : NULL;
    return name ? name : "unknown";
}

/* The product without a library: rows of C one at a time, accumulated in
 * float like sgemm. */
static void sgemm_c(int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                    size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc)
{
    for (size_t i = 0; i < m; i++) {
        const float *ar = a + i * lda;
        float *cr = c + i * ldc;
        for (size_t j = 0; j < n; j++)
            cr[j] = beta == 0.0f ? 0.0f : beta * cr[j];   /* never reads C when beta is 0 */
        if (trans_b) {
            for (size_t j = 0; j < n; j++) {
                const float *br = b + j * ldb;
                float s = 0.0f;
                for (size_t kk = 0; kk < k; kk++)
                    s += ar[kk] * br[kk];
                cr[j] += alpha * s;
            }
        } else {
            for (size_t kk = 0; kk < k; kk++) {
                const float *br = b + kk * ldb;
                float x = alpha * ar[kk];
                for (size_t j = 0; j < n; j++)
                    cr[j] += x * br[j];
            }
        }
    }
}

void tl_blas_sgemm(int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
                   size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc)
{
    pthread_once(&once, load_once);
    if (!sgemm) {
        sgemm_c(trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, trans_b ? CBLAS_TRANS : CBLAS_NO_TRANS, (int)m, (int)n,
          (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}
