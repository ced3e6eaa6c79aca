/* kern_bf16.c — the bf16 matrix product (AVX512-BF16) and its packing.
 *
 * Same shape as the float32 kernel in kern_avx512.c: a 12 × 32
 * register-blocked micro-kernel, 24 zmm accumulators of float32, two zmm of
 * B per step and one broadcast of A. Each step here is one `vdpbf16ps`,
 * which multiplies bf16 pairs and adds both products to a float32 lane, so
 * it covers two k at once: twice the arithmetic per instruction and half
 * the weight bytes to stream of the float32 kernel.
 *
 * A is float32 in the caller's layout; each block of rows × k pass is
 * rounded to bf16 once (into `work`) and reused for every column panel. */
#include "encoder/kern_bf16.h"

#include <string.h>

uint16_t tl_bf16_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((u >> 16) | 0x40);   /* NaN: keep it a (quiet) NaN */
    u += 0x7fffu + ((u >> 16) & 1u);           /* round to nearest, ties to even */
    return (uint16_t)(u >> 16);
}

float tl_bf16_round(float x)
{
    uint32_t u = (uint32_t)tl_bf16_bits(x) << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

#define NR 32          /* columns per panel (= TL_GEMM_NR) */
#define STEP (2 * NR)  /* bf16 values per k pair of a panel: 128 bytes */

size_t tl_bf16_b_size(size_t k, size_t n)
{
    size_t pairs = (k + 1) / 2;
    return ((n + NR - 1) / NR) * (pairs ? pairs : 1) * NR;
}

void tl_bf16_pack(const float *src, size_t ld_n, size_t ld_k, size_t k, size_t n, float *dst)
{
    size_t pairs = (k + 1) / 2, panels = (n + NR - 1) / NR;
    uint16_t *d = (uint16_t *)dst;
    memset(d, 0, tl_bf16_b_size(k, n) * sizeof(float));
    /* Column by column, so a Linear weight (ld_k = 1) is read in order. */
    for (size_t p = 0; p < panels; p++) {
        uint16_t *panel = d + p * pairs * STEP;
        for (size_t c = 0; c < NR && p * NR + c < n; c++) {
            const float *s = src + (p * NR + c) * ld_n;
            for (size_t kk = 0; kk < k; kk++)
                panel[(kk / 2) * STEP + c * 2 + (kk & 1)] = tl_bf16_bits(s[kk * ld_k]);
        }
    }
}

#define MR 12          /* rows per micro-tile */
#define KC 1536        /* k per pass (even); as the float32 kernel */
#define MC 96          /* rows per block: its converted A is reused by every panel */
#define PF_STEPS 64    /* B prefetch distance in pair steps (8 KB) */

size_t tl_bf16_work_size(void)
{
    return (size_t)MC * KC / 2;   /* one block of A as bf16 */
}

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include "encoder/kern_avx512_vec.h"
#include "encoder/kern_tiles.h"

#define TB __attribute__((target("avx512f,avx512bw,avx512bf16,fma,avx2")))
#define INLINE static inline __attribute__((always_inline))

#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#else
#define UNROLL _Pragma("GCC unroll 16")
#endif

int tl_bf16_usable(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512bf16");
}

/* Rounds rows × kc of A (row stride lda) to bf16 into dst (row stride ldd,
 * even), with a zero after an odd kc so the last pair is whole. Uses the
 * same rounding as tl_bf16_bits (vcvtne2ps2bf16: nearest, ties to even). */
TB static void convert_a(size_t rows, size_t kc, const float *a, size_t lda, uint16_t *dst,
                         size_t ldd)
{
    for (size_t r = 0; r < rows; r++) {
        const float *s = a + r * lda;
        uint16_t *d = dst + r * ldd;
        for (size_t kk = 0; kk < kc; kk += 32) {
            size_t left = kc - kk;
            __m512 lo = _mm512_maskz_loadu_ps(lanes(left), s + kk);
            __m512 hi = _mm512_maskz_loadu_ps(lanes(left > 16 ? left - 16 : 0), s + kk + 16);
            __m512i v = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
            size_t cnt = left >= 32 ? 32 : (left + 1) & ~(size_t)1;
            __mmask32 sm = cnt >= 32 ? (__mmask32)0xffffffffu : (__mmask32)((1u << cnt) - 1);
            _mm512_mask_storeu_epi16(d + kk, sm, v);
        }
    }
}

typedef struct tile_args {
    size_t kp;           /* k pairs in this pass */
    const uint16_t *a;   /* converted A, the tile's first row */
    size_t lda;          /* bf16 values between rows of converted A */
    const uint16_t *pb;  /* B at this pass and panel: STEP values per pair */
    float *c;            /* tile's top-left element */
    size_t ldc;
    int accum;           /* add to partial sums already in C */
    int last;            /* final k pass: apply the epilogue */
    __mmask16 m0, m1;    /* valid columns in each half */
    const tl_gemm_epi *epi;
    const float *bias;   /* at the tile's first column, or NULL */
    const float *add;    /* at the tile's top-left element, or NULL */
} tile_args;

/* One mr × 32 tile over one k pass; `mr` is a constant in each
 * instantiation, so the accumulators stay in registers. */
TB INLINE void tile(const int mr, const tile_args *t)
{
    __m512 acc[MR][2];
    UNROLL for (int i = 0; i < MR; i++) {
        acc[i][0] = _mm512_setzero_ps();
        acc[i][1] = _mm512_setzero_ps();
    }
    const uint16_t *a = t->a;
    const uint16_t *pb = t->pb;
    const size_t lda = t->lda;
    tile_prefetch(mr, MR, t->c, t->ldc, t->last ? t->add : NULL, t->epi->ld_add);
    for (size_t q = 0; q < t->kp; q++) {
        /* As in the float32 kernel: a one-query pass streams the weights
         * from memory, and the hardware prefetcher alone falls behind. */
        _mm_prefetch((const char *)(pb + PF_STEPS * STEP), _MM_HINT_T0);
        _mm_prefetch((const char *)(pb + PF_STEPS * STEP + NR), _MM_HINT_T0);
        __m512bh b0 = (__m512bh)_mm512_loadu_si512(pb);
        __m512bh b1 = (__m512bh)_mm512_loadu_si512(pb + NR);
        UNROLL for (int i = 0; i < MR; i++) {
            if (i < mr) {
                int32_t pair;
                memcpy(&pair, a + (size_t)i * lda + 2 * q, sizeof pair);
                __m512bh av = (__m512bh)_mm512_set1_epi32(pair);
                acc[i][0] = _mm512_dpbf16_ps(acc[i][0], av, b0);
                acc[i][1] = _mm512_dpbf16_ps(acc[i][1], av, b1);
            }
        }
        pb += STEP;
    }
    tile_store(acc, mr, MR, t->c, t->ldc, t->accum, t->last, t->m0, t->m1, t->epi, t->bias,
               t->add);
}

#define TILE_FN(R)                                                          \
    TB __attribute__((noinline)) static void tile_##R(const tile_args *t) \
    {                                                                       \
        tile(R, t);                                                         \
    }
TILE_FN(1) TILE_FN(2) TILE_FN(3) TILE_FN(4) TILE_FN(5) TILE_FN(6)
TILE_FN(7) TILE_FN(8) TILE_FN(9) TILE_FN(10) TILE_FN(11) TILE_FN(12)

static void (*const tiles[MR + 1])(const tile_args *) = {
    NULL, tile_1, tile_2, tile_3, tile_4, tile_5, tile_6,
    tile_7, tile_8, tile_9, tile_10, tile_11, tile_12,
};

void tl_bf16_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n,
                  size_t n0, size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi,
                  float *work)
{
    (void)n;
    const size_t pairs = (k + 1) / 2;
    const uint16_t *b = (const uint16_t *)pb;
    uint16_t *abuf = (uint16_t *)work;   /* MC × KC bf16: tl_bf16_work_size() floats */
    tile_args t;
    t.ldc = ldc;
    t.epi = epi;
    /* k passes outermost, as in the float32 kernel; C holds partial sums
     * between passes (only for k > KC). */
    for (size_t pc = 0; pc < k || pc == 0; pc += KC) {
        size_t kc = k - pc < KC ? k - pc : KC;
        size_t ldd = (kc + 1) & ~(size_t)1;
        t.kp = ldd / 2;
        t.lda = ldd;
        t.accum = pc > 0;
        t.last = pc + kc >= k;
        for (size_t ic = 0; ic < m; ic += MC) {
            size_t mc = m - ic < MC ? m - ic : MC;
            convert_a(mc, kc, a + ic * lda + pc, lda, abuf, ldd);
            for (size_t col = n0; col < n1; col += NR) {
                size_t cols = n1 - col < NR ? n1 - col : NR;
                t.m0 = lanes(cols);
                t.m1 = lanes(cols > 16 ? cols - 16 : 0);
                t.pb = b + (col / NR) * pairs * STEP + (pc / 2) * STEP;
                t.bias = epi->bias ? epi->bias + col : NULL;
                for (size_t ir = 0; ir < mc;) {
                    size_t mr = tl_kern_tile_rows(mc - ir, MR);
                    size_t row = ic + ir;
                    t.a = abuf + ir * ldd;
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

#else /* not x86: never chosen. */

int tl_bf16_usable(void)
{
    return 0;
}

void tl_bf16_gemm(size_t m, size_t k, const float *a, size_t lda, const float *pb, size_t n,
                  size_t n0, size_t n1, float *c, size_t ldc, const tl_gemm_epi *epi,
                  float *work)
{
}

#endif
