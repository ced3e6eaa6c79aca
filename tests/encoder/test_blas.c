/* test_blas.c — OpenBLAS loaded at run time (src/encoder/blas.c): nothing
 * maps it before the first product, loading it starts no OpenBLAS thread,
 * its sgemm (not the plain C stand-in) computes the products, equal to the
 * AVX2 and AVX-512 kernels' within float32 rounding, and the tailor binary
 * does not link it (nor libgfortran, libquadmath). The tests run in this order, in
 * one process: the first one sees the process before any BLAS use. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/blas.h"
#include "encoder/gemm.h"
#include "encoder/kern_avx2.h"
#include "encoder/kern_avx512.h"

/* Whether a mapped file's path contains `needle` (/proc/self/maps). */
static int mapped(const char *needle)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

/* Any BLAS library (not this test's own file, whose name has "blas"). */
static int blas_mapped(void)
{
    return mapped("/libopenblas") || mapped("/libblas") || mapped("/libcblas");
}

static size_t thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_loaded_on_first_use(void **state)
{
    (void)state;
    assert_false(blas_mapped());
    assert_false(mapped("libgfortran"));
    size_t threads = thread_count();

    tl_err err;
    tl_err_clear(&err);
    if (tl_blas_load(&err) != 0)
        fail_msg("OpenBLAS is a dependency (tools/install-deps.sh): %s", err.msg);
    const char *lib = tl_blas_library();
    assert_non_null(lib);
    assert_true(blas_mapped());
    print_message("loaded %s, core %s\n", lib, tl_blas_corename());
    assert_string_not_equal(tl_blas_corename(), "none");
    /* OPENBLAS_NUM_THREADS was unset (main): the module set it to 1 before
     * the library's constructor ran, so no worker thread was started. */
    assert_string_equal(getenv("OPENBLAS_NUM_THREADS"), "1");
    assert_int_equal(thread_count(), threads);
    /* A second load gives the first answer. */
    assert_int_equal(tl_blas_load(&err), 0);
    assert_string_equal(tl_blas_library(), lib);
}

static uint32_t seed = 7;

static float frand(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (float)(seed >> 8) / 8388608.0f - 1.0f;
}

static float *rand_floats(size_t n)
{
    float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = frand();
    return p;
}

/* tl_blas_sgemm in both layouts of B, with beta 0 (C must not be read: it
 * starts as NaN) and beta 0.5, against double precision. */
static void test_sgemm(void **state)
{
    (void)state;
    const size_t m = 37, n = 29, k = 300, lda = k + 3, ldb_t = k + 1, ldb = n + 2, ldc = n + 5;
    float *a = rand_floats(m * lda), *bt = rand_floats(n * ldb_t), *b = rand_floats(k * ldb);
    float *c = rand_floats(m * ldc), *c0 = malloc(m * ldc * sizeof *c0);
    assert_non_null(c0);
    memcpy(c0, c, m * ldc * sizeof *c0);
    for (int trans = 0; trans < 2; trans++)
        for (int with_beta = 0; with_beta < 2; with_beta++) {
            float beta = with_beta ? 0.5f : 0.0f;
            for (size_t i = 0; i < m * ldc; i++)
                c[i] = with_beta ? c0[i] : NAN;
            tl_blas_sgemm(trans, m, n, k, 0.75f, a, lda, trans ? bt : b, trans ? ldb_t : ldb,
                          beta, c, ldc);
            for (size_t i = 0; i < m; i++)
                for (size_t j = 0; j < n; j++) {
                    double x = 0;
                    for (size_t kk = 0; kk < k; kk++)
                        x += (double)a[i * lda + kk] *
                             (trans ? bt[j * ldb_t + kk] : b[kk * ldb + j]);
                    x = 0.75 * x + (with_beta ? 0.5 * c0[i * ldc + j] : 0.0);
                    if (!(fabs(x - c[i * ldc + j]) < 1e-5 * sqrt((double)k) * (1 + fabs(x))))
                        fail_msg("trans_b=%d beta=%g: C[%zu][%zu] = %.7g, expected %.7g", trans,
                                 (double)beta, i, j, (double)c[i * ldc + j], x);
                }
        }
    free(a);
    free(bt);
    free(b);
    free(c);
    free(c0);
}

/* The encoder's products (weights with an epilogue, attention's Q K^T and
 * P V) through the BLAS kernel against a hand-written one. */
static void check_agree(tl_kernel vec)
{
    const size_t m = 25, n = 70, k = 390;
    float *a = rand_floats(m * k), *w = rand_floats(n * k), *bias = rand_floats(n);
    float *out[2];
    const tl_kernel kern[2] = {TL_KERNEL_BLAS, vec};
    for (int i = 0; i < 2; i++) {
        float *mem = aligned_alloc(64, (tl_gemm_b_size(kern[i], k, n) * 4 + 63) / 64 * 64);
        float *work = rand_floats(16 + tl_gemm_b_size(kern[i], k, m));
        out[i] = rand_floats(m * n * 3);
        assert_non_null(mem);
        tl_gemm_b b;
        tl_gemm_b_pack_into(&b, kern[i], k, n, w, k, 1, mem);
        tl_gemm_epi e = {.scale = 1.0f, .bias = bias, .gelu = 1};
        tl_gemm_run(m, a, k, &b, 0, n, out[i], n, &e, work);
        /* scores = 0.125 · A A^T (m × m), then scores · A (m × k) */
        float *s = out[i] + m * n;
        tl_gemm_abt(kern[i], m, m, k, 0.125f, a, k, a, k, s, m, work);
        tl_gemm_ab(kern[i], m, n, m, s, m, w, n, s + m * m, n, work);
        free(mem);
        free(work);
    }
    size_t total = m * n + m * m + m * n;
    double worst = 0;
    for (size_t i = 0; i < total; i++) {
        double d = fabs((double)out[0][i] - out[1][i]) / (1 + fabs((double)out[1][i]));
        worst = d > worst ? d : worst;
    }
    print_message("openblas vs %s: max relative difference %.2e\n", tl_kernel_name(vec), worst);
    assert_true(worst < 1e-5);
    free(out[0]);
    free(out[1]);
    free(a);
    free(w);
    free(bias);
}

static void test_kernels_agree(void **state)
{
    (void)state;
    if (!tl_avx512_usable() && !tl_avx2_usable()) {
        skip();
        return;
    }
    if (tl_avx512_usable())
        check_agree(TL_KERNEL_AVX512);
    if (tl_avx2_usable())
        check_agree(TL_KERNEL_AVX2);
}

/* What the dynamic loader maps for the tailor binary (ldd: DT_NEEDED and
 * what those need in turn), as built, sanitizers or not. */
static void test_binary_links_no_blas(void **state)
{
    (void)state;
    const char *bin = getenv("TAILOR_BIN");
    assert_non_null(bin);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ldd '%s' 2>&1", bin);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[1024];
    int libc = 0;
    while (fgets(line, sizeof line, p)) {
        libc |= strstr(line, "libc.so") != NULL;
        if (strstr(line, "blas") || strstr(line, "gfortran") || strstr(line, "quadmath"))
            fail_msg("%s still links: %s", bin, line);
    }
    assert_int_equal(pclose(p), 0);
    assert_true(libc);   /* ldd did list the libraries */
}

int main(void)
{
    /* The default OpenBLAS would see on a clean machine. */
    unsetenv("OPENBLAS_NUM_THREADS");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_on_first_use),
        cmocka_unit_test(test_sgemm),
        cmocka_unit_test(test_kernels_agree),
        cmocka_unit_test(test_binary_links_no_blas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
