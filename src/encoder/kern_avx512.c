/* kern_avx512.c — AVX-512F matrix product, LayerNorm, softmax and GELU.
 *
 * The product is a 12 × 32 register-blocked micro-kernel: 24 zmm
 * accumulators, two zmm of B per k step and one broadcast of A, which keeps
 * both FMA pipes busy on AVX-512 cores (about 90% of one core's FMA peak on
 * the development machine, against ~40% for OpenBLAS with the Haswell
 * kernels this workplace pins). B is packed in panels of 32 columns at load
 * time; A is read in place (row-major activations), which measured as fast
 * as packing it and saves the copy.
 *
 * exp and erf are evaluated with polynomials written here (Cody-Waite range
 * reduction for exp; Abramowitz & Stegun 7.1.28 for erf, |error| < 3e-7),
 * well inside the encoder's 1e-4 tolerance on hidden states. */
#include "encoder/kern_avx512.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>
#include <math.h>

#include "encoder/exp_poly.h"
#include "encoder/kern_avx512_vec.h"
#include "encoder/kern_tiles.h"

#define TA __attribute__((target("avx512f,fma,avx2")))
#define INLINE static inline __attribute__((always_inline))

#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

#define MR 12          /* rows per micro-tile */
#define NR 32          /* columns per micro-tile (= TL_GEMM_NR) */
#define KC 1536        /* k per pass: MiniLM's and BERT-base's products in one pass
                          (C written once); measured 2% faster end to end than 384 */
#define MC 96          /* rows per block: each B panel slice is reused for 8 tiles */
#define PF_STEPS 64    /* B prefetch distance in k steps (8 KB for a packed panel) */
#define TAIL_STEPS 32  /* k steps before a tile's end that its output rows are fetched again */

int tl_avx512_usable(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}

/* --- vector math --------------------------------------------------------- */

TA INLINE __m512 v_exp(__m512 x)
{
    x = _mm512_min_ps(x, _mm512_set1_ps(TL_EXP_MAX));
    x = _mm512_max_ps(x, _mm512_set1_ps(-103.9720840454f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(TL_EXP_LOG2E)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    /* r = x - n ln2 in two steps so r keeps full precision. */
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(TL_EXP_LN2_HI), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(TL_EXP_LN2_LO), r);
    /* Taylor series of e^r on |r| <= ln2/2 to degree 7: error < 1e-8. */
    __m512 p = _mm512_set1_ps(TL_EXP_C7);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C5));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(TL_EXP_C0));
    return _mm512_scalef_ps(p, n);
}

TA void tl_avx512_gelu(float *x, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(x + i, v_gelu(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(x + i, m, v_gelu(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

TA void tl_avx512_exp(const float *x, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i, v_exp(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(out + i, m, v_exp(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

/* --- matrix product ------------------------------------------------------- */

/* lanes(), epi_vals, epi_vec and tile_store come from kern_avx512_vec.h. */
typedef struct tile_args {
    size_t kc;
    const float *a;      /* first row of the tile at this k pass */
    size_t lda;
    const float *pb;     /* B at this k pass and panel: 32 floats per k step */
    size_t ldb;          /* floats between k steps: 32 packed, else B's row stride */
    float *c;            /* tile's top-left element */
    size_t ldc;
    int accum;           /* add to partial sums already in C */
    int last;            /* final k pass: apply the epilogue */
    __mmask16 m0, m1;    /* valid columns in each half */
    const tl_gemm_epi *epi;
    const float *bias;   /* at the tile's first column, or NULL */
    const float *add;    /* at the tile's top-left element, or NULL */
} tile_args;

/* One step of a tile: B's two vectors at pb, one broadcast of A per row.
 * `full`: both halves of B are whole columns, read unmasked (measured 1-2%
 * faster than masked loads); else the masks say which columns exist. */
#define TILE_STEP(full)                                                           \
    do {                                                                          \
        _mm_prefetch((const char *)(pb + PF_STEPS * ldb), _MM_HINT_T0);           \
        _mm_prefetch((const char *)(pb + PF_STEPS * ldb + 16), _MM_HINT_T0);      \
        __m512 b0 = (full) ? _mm512_loadu_ps(pb) : _mm512_maskz_loadu_ps(m0, pb); \
        __m512 b1 = (full) ? _mm512_loadu_ps(pb + 16)                             \
                           : _mm512_maskz_loadu_ps(m1, pb + 16);                  \
        UNROLL for (int i = 0; i < MR; i++) {                                     \
            if (i < mr) {                                                         \
                __m512 av = _mm512_set1_ps(a[(size_t)i * lda + k]);               \
                acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);                   \
                acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);                   \
            }                                                                     \
        }                                                                         \
        pb += ldb;                                                                \
    } while (0)

/* One MR × 32 (or mr × 32) tile over one k pass. `mr` and `full` are
 * compile-time constants in each instantiation below, so the accumulators
 * live in registers. */
TA INLINE void tile(const int mr, const int full, const tile_args *t)
{
    __m512 acc[MR][2];
    UNROLL for (int i = 0; i < MR; i++) {
        acc[i][0] = _mm512_setzero_ps();
        acc[i][1] = _mm512_setzero_ps();
    }
    const float *a = t->a;
    const float *pb = t->pb;
    const size_t lda = t->lda, ldb = t->ldb, kc = t->kc;
    const __mmask16 m0 = t->m0, m1 = t->m1;
    const float *add = t->last ? t->add : NULL;
    /* B's steps PF_STEPS ahead, both cache lines: the hardware prefetcher
     * alone leaves a one-query pass (weights streamed from memory, each used
     * by only a few rows) waiting on DRAM; this halves its latency on the
     * development machine. The rows of C and of the residual the store
     * needs are asked for twice: at the start, so they come from memory
     * while the tile runs, and TAIL_STEPS before the end, because B
     * streaming through L1 has evicted them by then (1-4% on the model's
     * products). */
    tile_prefetch(mr, MR, t->c, t->ldc, add, t->epi->ld_add);
    size_t k = 0;
    if (kc > 2 * TAIL_STEPS) {
        for (; k < kc - TAIL_STEPS; k++)
            TILE_STEP(full);
        tile_prefetch(mr, MR, t->c, t->ldc, add, t->epi->ld_add);
    }
    for (; k < kc; k++)
        TILE_STEP(full);
    tile_store(acc, mr, MR, t->c, t->ldc, t->accum, t->last, m0, m1, t->epi, t->bias,
               t->add);
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
TILE_FN(7) TILE_FN(8) TILE_FN(9) TILE_FN(10) TILE_FN(11) TILE_FN(12)

typedef void (*tile_fn)(const tile_args *);
static const tile_fn tiles_masked[MR + 1] = {
    NULL, tile_1, tile_2, tile_3, tile_4, tile_5, tile_6,
    tile_7, tile_8, tile_9, tile_10, tile_11, tile_12,
};
static const tile_fn tiles_full[MR + 1] = {
    NULL, tile_full_1, tile_full_2, tile_full_3, tile_full_4, tile_full_5, tile_full_6,
    tile_full_7, tile_full_8, tile_full_9, tile_full_10, tile_full_11, tile_full_12,
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
    t.ldb = ldb ? ldb : NR;
    /* k passes outermost: each pass's slice of every B panel is reused for
     * MC rows while it sits in L1; C holds partial sums between passes. */
    for (size_t pc = 0; pc < k || pc == 0; pc += KC) {
        size_t kc = k - pc < KC ? k - pc : KC;
        t.kc = kc;
        t.accum = pc > 0;
        t.last = pc + kc >= k;
        for (size_t ic = 0; ic < m; ic += MC) {
            size_t mc = m - ic < MC ? m - ic : MC;
            for (size_t col = n0; col < n1; col += NR) {
                size_t cols = n1 - col < NR ? n1 - col : NR;
                t.m0 = lanes(cols);
                t.m1 = lanes(cols > 16 ? cols - 16 : 0);
                const tile_fn *tiles = cols == NR ? tiles_full : tiles_masked;
                t.pb = ldb ? b + pc * ldb + col : b + (col / NR) * k * NR + pc * NR;
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

void tl_avx512_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n,
                    size_t n0, size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi)
{
    (void)n;
    gemm_loops(m, k, a, lda, pb, 0, n0, n1, c, ldc, epi);
}

void tl_avx512_gemm_rm(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                       size_t n, float *c, size_t ldc, const tl_gemm_epi *epi)
{
    gemm_loops(m, k, a, lda, b, ldb ? ldb : 1, 0, n, c, ldc, epi);
}

/* --- packing ------------------------------------------------------------- */

/* Transposes the 16 × 16 block in r[] (rows in, columns out) in registers. */
TA INLINE void transpose16(__m512 r[16])
{
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
    }
}

TA void tl_avx512_pack_rows(const float *src, size_t ld, size_t n, size_t k, float *dst)
{
    size_t panels = (n + NR - 1) / NR;
    for (size_t p = 0; p < panels; p++) {
        float *d = dst + p * k * NR;
        for (size_t half = 0; half < 2; half++) {
            size_t j0 = p * NR + half * 16;
            size_t rows = j0 < n ? (n - j0 < 16 ? n - j0 : 16) : 0;
            for (size_t k0 = 0; k0 < k; k0 += 16) {
                size_t cols = k - k0 < 16 ? k - k0 : 16;
                __mmask16 m = lanes(cols);
                __m512 r[16];
                UNROLL for (size_t i = 0; i < 16; i++)
                    r[i] = i < rows ? _mm512_maskz_loadu_ps(m, src + (j0 + i) * ld + k0)
                                    : _mm512_setzero_ps();
                transpose16(r);
                /* r[c] now holds column k0 + c of the 16 rows. */
                for (size_t c = 0; c < cols; c++)
                    _mm512_store_ps(d + (k0 + c) * NR + half * 16, r[c]);
            }
        }
    }
}

/* --- row operations ------------------------------------------------------- */

TA void tl_avx512_layernorm(float *x, size_t rows, size_t n, size_t ld, const float *gamma,
                            const float *beta, float eps)
{
    size_t nv = n / 16;
    __mmask16 mt = lanes(n - nv * 16);
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        __m512 s = _mm512_setzero_ps();
        for (size_t j = 0; j < nv; j++)
            s = _mm512_add_ps(s, _mm512_loadu_ps(row + 16 * j));
        if (mt)
            s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(mt, row + 16 * nv));
        float mean = _mm512_reduce_add_ps(s) / (float)n;
        __m512 vm = _mm512_set1_ps(mean);
        __m512 q = _mm512_setzero_ps();
        for (size_t j = 0; j < nv; j++) {
            __m512 d = _mm512_sub_ps(_mm512_loadu_ps(row + 16 * j), vm);
            q = _mm512_fmadd_ps(d, d, q);
        }
        if (mt) {
            __m512 d = _mm512_maskz_sub_ps(mt, _mm512_maskz_loadu_ps(mt, row + 16 * nv), vm);
            q = _mm512_fmadd_ps(d, d, q);
        }
        float var = _mm512_reduce_add_ps(q) / (float)n;
        __m512 inv = _mm512_set1_ps(1.0f / sqrtf(var + eps));
        for (size_t j = 0; j < nv; j++) {
            __m512 d = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(row + 16 * j), vm), inv);
            d = _mm512_fmadd_ps(d, _mm512_loadu_ps(gamma + 16 * j), _mm512_loadu_ps(beta + 16 * j));
            _mm512_storeu_ps(row + 16 * j, d);
        }
        if (mt) {
            size_t o = 16 * nv;
            __m512 d = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(mt, row + o), vm), inv);
            d = _mm512_fmadd_ps(d, _mm512_maskz_loadu_ps(mt, gamma + o),
                                _mm512_maskz_loadu_ps(mt, beta + o));
            _mm512_mask_storeu_ps(row + o, mt, d);
        }
    }
}

TA void tl_avx512_softmax(float *x, size_t rows, size_t n, size_t ld)
{
    size_t nv = n / 16;
    __mmask16 mt = lanes(n - nv * 16);
    const __m512 ninf = _mm512_set1_ps(-INFINITY);
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        __m512 mx = ninf;
        for (size_t j = 0; j < nv; j++)
            mx = _mm512_max_ps(mx, _mm512_loadu_ps(row + 16 * j));
        if (mt)
            mx = _mm512_max_ps(mx, _mm512_mask_loadu_ps(ninf, mt, row + 16 * nv));
        __m512 vmax = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
        __m512 s = _mm512_setzero_ps();
        for (size_t j = 0; j < nv; j++) {
            __m512 e = v_exp(_mm512_sub_ps(_mm512_loadu_ps(row + 16 * j), vmax));
            s = _mm512_add_ps(s, e);
            _mm512_storeu_ps(row + 16 * j, e);
        }
        if (mt) {
            __m512 e = v_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(mt, row + 16 * nv), vmax));
            e = _mm512_maskz_mov_ps(mt, e);
            s = _mm512_add_ps(s, e);
            _mm512_mask_storeu_ps(row + 16 * nv, mt, e);
        }
        __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(s));
        for (size_t j = 0; j < nv; j++)
            _mm512_storeu_ps(row + 16 * j, _mm512_mul_ps(_mm512_loadu_ps(row + 16 * j), inv));
        if (mt)
            _mm512_mask_storeu_ps(row + 16 * nv, mt,
                                  _mm512_mul_ps(_mm512_maskz_loadu_ps(mt, row + 16 * nv), inv));
    }
}

#else /* not x86: the AVX-512 kernels are never chosen. */

int tl_avx512_usable(void)
{
    return 0;
}

void tl_avx512_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n,
                    size_t n0, size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi)
{
}

void tl_avx512_layernorm(float *x, size_t rows, size_t n, size_t ld, const float *gamma,
                         const float *beta, float eps)
{
}

void tl_avx512_softmax(float *x, size_t rows, size_t n, size_t ld)
{
}

void tl_avx512_gelu(float *x, size_t n)
{
}

void tl_avx512_exp(const float *x, float *out, size_t n)
{
}

void tl_avx512_pack_rows(const float *src, size_t ld, size_t n, size_t k, float *dst)
{
}

void tl_avx512_gemm_rm(size_t m, size_t k, const float *a, size_t lda, const float *b, size_t ldb,
                       size_t n, float *c, size_t ldc, const tl_gemm_epi *epi)
{
}

#endif
