/* kern_avx2_gemm.c — the AVX2 + FMA matrix product (kern_avx2.h).
 *
 * A 6 × 16 register-blocked micro-kernel: 12 ymm accumulators, two loads of
 * B and six broadcasts of A per k step, which keeps both FMA pipes of an
 * AVX2 core busy (the 16 ymm registers hold the tile, B's two vectors and
 * one broadcast). B is packed in the AVX-512 kernel's layout, panels of 32
 * columns (gemm.h's TL_GEMM_NR); a tile covers half a panel, so each k step
 * reads one 64-byte line of it. A is read in place. Bias, residual, scale
 * and GELU are applied in registers before the single store of C.
 * Attention keys are packed per pass with 8 × 8 register transposes. */
#include "encoder/kern_avx2.h"

#if defined(__x86_64__)
#include "encoder/kern_avx2_vec.h"
#include "encoder/kern_tiles.h"

#define TA TL_AVX2_TA
#define INLINE TL_AVX2_INLINE

#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

#define MR 6           /* rows per micro-tile */
#define NT 16          /* columns per micro-tile: half a packed panel */
#define KC 1536        /* k per pass: MiniLM's and BERT-base's products in one pass
                          (C written once); 384 measured 10-30% slower on the
                          1536-deep FFN output product */
#define MC 96          /* rows per block: each B slice is reused for 16 tiles */
#define PF_STEPS 64    /* B prefetch distance in k steps; 32 left a one-query pass
                          (weights streamed from memory) about 6% slower */

/* Asks for the tile's rows of C and of the residual `add` (NULL: none) at
 * the start of a tile, so they arrive while its k loop runs instead of
 * stalling the store at its end: 1024 x 384 x 384 with the residual added
 * went from 59-79 to 85-93 GFLOP/s on the development machine (peak ~100). */
INLINE void tile_prefetch(int mr, const float *c, size_t ldc, const float *add, size_t ld_add)
{
    UNROLL for (int i = 0; i < MR; i++) {
        if (i < mr) {
            __builtin_prefetch(c + (size_t)i * ldc, 1, 3);
            if (add)
                __builtin_prefetch(add + (size_t)i * ld_add, 0, 3);
        }
    }
}

/* One k step: B's two vectors at pb, one broadcast of A per row. */
#define TILE_STEP(full)                                                              \
    do {                                                                             \
        _mm_prefetch((const char *)(pb + PF_STEPS * ldb), _MM_HINT_T0);              \
        __m256 b0 = (full) ? _mm256_loadu_ps(pb) : _mm256_maskload_ps(pb, m0);       \
        __m256 b1 = (full) ? _mm256_loadu_ps(pb + 8) : _mm256_maskload_ps(pb + 8, m1); \
        UNROLL for (int i = 0; i < MR; i++) {                                        \
            if (i < mr) {                                                            \
                __m256 av = _mm256_broadcast_ss(a + (size_t)i * lda + k);            \
                acc[i][0] = _mm256_fmadd_ps(av, b0, acc[i][0]);                      \
                acc[i][1] = _mm256_fmadd_ps(av, b1, acc[i][1]);                      \
            }                                                                        \
        }                                                                            \
        pb += ldb;                                                                   \
    } while (0)

typedef struct tile_args {
    size_t kc;
    const float *a;      /* first row of the tile at this k pass */
    size_t lda;
    const float *pb;     /* B at this k pass and the tile's first column */
    size_t ldb;          /* floats between k steps: 32 packed, else B's row stride */
    float *c;            /* tile's top-left element */
    size_t ldc;
    int accum;           /* add to partial sums already in C */
    int last;            /* final k pass: apply the epilogue */
    long cols;           /* valid columns, 1..16 */
    const tl_gemm_epi *epi;
    const float *bias;   /* at the tile's first column, or NULL */
    const float *add;    /* at the tile's top-left element, or NULL */
} tile_args;

/* One mr × 16 tile over one k pass. `mr` and `full` (all 16 columns exist,
 * read and written unmasked) are constants in each instantiation below,
 * so the accumulators live in registers. */
TA INLINE void tile(const int mr, const int full, const tile_args *t)
{
    __m256 acc[MR][2];
    UNROLL for (int i = 0; i < MR; i++) {
        acc[i][0] = _mm256_setzero_ps();
        acc[i][1] = _mm256_setzero_ps();
    }
    const float *a = t->a;
    const float *pb = t->pb;
    const size_t lda = t->lda, ldb = t->ldb, kc = t->kc;
    const __m256i m0 = v8_lanes(t->cols), m1 = v8_lanes(t->cols - 8);
    const float *add = t->last ? t->add : NULL;
    tile_prefetch(mr, t->c, t->ldc, add, t->epi->ld_add);
    for (size_t k = 0; k < kc; k++)
        TILE_STEP(full);
    const tl_gemm_epi *e = t->epi;
    const __m256 scale = _mm256_set1_ps(e->scale);
    const int scaled = e->scale != 1.0f, gelu = e->gelu, last = t->last, accum = t->accum;
    const float *bias = t->bias;
    UNROLL for (int i = 0; i < MR; i++) {
        if (i < mr) {
            float *row = t->c + (size_t)i * t->ldc;
            __m256 x0 = acc[i][0], x1 = acc[i][1];
            if (accum) {
                x0 = _mm256_add_ps(x0, full ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, m0));
                x1 = _mm256_add_ps(x1, full ? _mm256_loadu_ps(row + 8)
                                            : _mm256_maskload_ps(row + 8, m1));
            }
            if (last) {
                const float *res = t->add ? t->add + (size_t)i * e->ld_add : NULL;
                x0 = v8_epi(x0, scaled, scale, bias, res, gelu, full, m0);
                x1 = v8_epi(x1, scaled, scale, bias ? bias + 8 : NULL, res ? res + 8 : NULL,
                            gelu, full, m1);
            }
            if (full) {
                _mm256_storeu_ps(row, x0);
                _mm256_storeu_ps(row + 8, x1);
            } else {
                _mm256_maskstore_ps(row, m0, x0);
                _mm256_maskstore_ps(row + 8, m1, x1);
            }
        }
    }
}

#define TILE_FN(R)                                                               \
    TA __attribute__((noinline)) static void tile_##R(const tile_args *t)      \
    {                                                                            \
        tile(R, 0, t);                                                           \
    }                                                                            \
    TA __attribute__((noinline)) static void tile_full_##R(const tile_args *t) \
    {                                                                            \
        tile(R, 1, t);                                                           \
    }
TILE_FN(1) TILE_FN(2) TILE_FN(3) TILE_FN(4) TILE_FN(5) TILE_FN(6)

typedef void (*tile_fn)(const tile_args *);
static const tile_fn tiles_masked[MR + 1] = {
    NULL, tile_1, tile_2, tile_3, tile_4, tile_5, tile_6,
};
static const tile_fn tiles_full[MR + 1] = {
    NULL, tile_full_1, tile_full_2, tile_full_3, tile_full_4, tile_full_5, tile_full_6,
};

/* The blocked loops over tiles; B is packed panels (ldb 0) or row-major
 * with row stride ldb. */
static void gemm_loops(size_t m, size_t k, const float *a, size_t lda, const float *b,
                       size_t ldb, size_t n0, size_t n1, float *c, size_t ldc,
                       const tl_gemm_epi *epi)
{
    tile_args t;
    t.lda = lda;
    t.ldc = ldc;
    t.epi = epi;
    t.ldb = ldb ? ldb : TL_GEMM_NR;
    /* k passes outermost: each pass's slice of B is reused for MC rows
     * while it sits in L1; C holds partial sums between passes. */
    for (size_t pc = 0; pc < k || pc == 0; pc += KC) {
        size_t kc = k - pc < KC ? k - pc : KC;
        t.kc = kc;
        t.accum = pc > 0;
        t.last = pc + kc >= k;
        for (size_t ic = 0; ic < m; ic += MC) {
            size_t mc = m - ic < MC ? m - ic : MC;
            for (size_t col = n0; col < n1; col += NT) {
                t.cols = (long)(n1 - col < NT ? n1 - col : NT);
                const tile_fn *tiles = t.cols == NT ? tiles_full : tiles_masked;
                t.pb = ldb ? b + pc * ldb + col
                           : b + (col / TL_GEMM_NR) * k * TL_GEMM_NR + pc * TL_GEMM_NR +
                                 col % TL_GEMM_NR;
                t.bias = epi->bias ? epi->bias + col : NULL;
                for (size_t ir = 0; ir < mc;) {
                    size_t mr = tl_kern_tile_rows(mc - ir, MR);
                    size_t row = ic + ir;
                    t.a = a + row * lda + pc;
                    t.c = c + row * ldc + col;
                    t.add = epi->add ? epi->add + row * epi->ld_add + col : NULL;
                    tiles[mr](&t);
                    ir += mr;
                }
            }
        }
        if (k == 0)
            break;
    }
}

void tl_avx2_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n0,
                  size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi)
{
    gemm_loops(m, k, a, lda, pb, 0, n0, n1, c, ldc, epi);
}

void tl_avx2_gemm_rm(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     size_t n, float *c, size_t ldc, const tl_gemm_epi *epi)
{
    gemm_loops(m, k, a, lda, b, ldb ? ldb : 1, 0, n, c, ldc, epi);
}

/* --- packing ------------------------------------------------------------- */

/* Transposes the 8 × 8 block in r[] (rows in, columns out) in registers. */
TA INLINE void transpose8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

TA void tl_avx2_pack_rows(const float *src, size_t ld, size_t n, size_t k, float *dst)
{
    size_t panels = (n + TL_GEMM_NR - 1) / TL_GEMM_NR;
    for (size_t p = 0; p < panels; p++) {
        float *d = dst + p * k * TL_GEMM_NR;
        for (size_t part = 0; part < TL_GEMM_NR / 8; part++) {
            size_t j0 = p * TL_GEMM_NR + part * 8;
            size_t rows = j0 < n ? (n - j0 < 8 ? n - j0 : 8) : 0;
            for (size_t k0 = 0; k0 < k; k0 += 8) {
                size_t cols = k - k0 < 8 ? k - k0 : 8;
                __m256i m = v8_lanes((long)cols);
                __m256 r[8];
                UNROLL for (size_t i = 0; i < 8; i++)
                    r[i] = i < rows ? _mm256_maskload_ps(src + (j0 + i) * ld + k0, m)
                                    : _mm256_setzero_ps();
                transpose8(r);
                /* r[c] now holds column k0 + c of the 8 rows. */
                for (size_t c = 0; c < cols; c++)
                    _mm256_store_ps(d + (k0 + c) * TL_GEMM_NR + part * 8, r[c]);
            }
        }
    }
}

#else /* not x86-64: never chosen. */

void tl_avx2_pack_rows(const float *src, size_t ld, size_t n, size_t k, float *dst)
{
    (void)src, (void)ld, (void)n, (void)k, (void)dst;
}


void tl_avx2_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n0,
                  size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi)
{
    (void)m, (void)k, (void)a, (void)lda, (void)pb, (void)n0, (void)n1, (void)c, (void)ldc,
        (void)epi;
}

void tl_avx2_gemm_rm(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                     size_t n, float *c, size_t ldc, const tl_gemm_epi *epi)
{
    (void)m, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)n, (void)c, (void)ldc,
        (void)epi;
}

#endif
