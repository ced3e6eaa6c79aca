/* kern_avx2.c — the row operations of the AVX2 kernel (LayerNorm, softmax,
 * exp, GELU) and the BLAS kernel's epilogue, in AVX2 + FMA (kern_avx2.h).
 *
 * On a CPU without AVX-512 these ran in plain C: a scalar erff per element
 * of the FFN's 1536-wide intermediate was 10% of a pass, the bias and
 * residual loops another 10%, and softmax, LayerNorm and expf about 8%
 * (perf, one thread, batch 32 x 64, on a 2-core AVX2 EPYC). */
#include "encoder/kern_avx2.h"

#if defined(__x86_64__)
#include "encoder/kern_avx2_vec.h"

#define TA TL_AVX2_TA

bool tl_avx2_usable(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

TA void tl_avx2_epilogue(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                         const tl_gemm_epi *e)
{
    const __m256 scale = _mm256_set1_ps(e->scale);
    const int scaled = e->scale != 1.0f, gelu = e->gelu;
    for (size_t i = 0; i < m; i++) {
        float *row = c + i * ldc + col0;
        const float *bias = e->bias ? e->bias + col0 : NULL;
        const float *add = e->add ? e->add + i * e->ld_add + col0 : NULL;
        for (size_t j = 0; j < cols; j += 8) {
            int full = j + 8 <= cols;
            __m256i mk = v8_lanes((long)(cols - j));
            __m256 x = full ? _mm256_loadu_ps(row + j) : _mm256_maskload_ps(row + j, mk);
            x = v8_epi(x, scaled, scale, bias ? bias + j : NULL, add ? add + j : NULL, gelu,
                       full, mk);
            if (full)
                _mm256_storeu_ps(row + j, x);
            else
                _mm256_maskstore_ps(row + j, mk, x);
        }
    }
}

TA void tl_avx2_layernorm(float *x, size_t rows, size_t n, size_t ld, const float *gamma,
                          const float *beta, float eps)
{
    const size_t nv = n / 8;
    const __m256i mt = v8_lanes((long)(n - nv * 8));
    const int tail = n % 8 != 0;
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        __m256 s = _mm256_setzero_ps();
        for (size_t j = 0; j < nv; j++)
            s = _mm256_add_ps(s, _mm256_loadu_ps(row + 8 * j));
        if (tail)
            s = _mm256_add_ps(s, _mm256_maskload_ps(row + 8 * nv, mt));
        const __m256 vm = _mm256_set1_ps(v8_sum(s) / (float)n);
        __m256 q = _mm256_setzero_ps();
        for (size_t j = 0; j < nv; j++) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(row + 8 * j), vm);
            q = _mm256_fmadd_ps(d, d, q);
        }
        if (tail) {
            __m256 d = _mm256_sub_ps(_mm256_maskload_ps(row + 8 * nv, mt), vm);
            d = _mm256_and_ps(d, _mm256_castsi256_ps(mt));
            q = _mm256_fmadd_ps(d, d, q);
        }
        const __m256 inv = _mm256_set1_ps(1.0f / sqrtf(v8_sum(q) / (float)n + eps));
        for (size_t j = 0; j < nv; j++) {
            __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(row + 8 * j), vm), inv);
            d = _mm256_fmadd_ps(d, _mm256_loadu_ps(gamma + 8 * j), _mm256_loadu_ps(beta + 8 * j));
            _mm256_storeu_ps(row + 8 * j, d);
        }
        if (tail) {
            size_t o = 8 * nv;
            __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(row + o, mt), vm), inv);
            d = _mm256_fmadd_ps(d, _mm256_maskload_ps(gamma + o, mt),
                                _mm256_maskload_ps(beta + o, mt));
            _mm256_maskstore_ps(row + o, mt, d);
        }
    }
}

TA void tl_avx2_softmax(float *x, size_t rows, size_t n, size_t ld)
{
    const size_t nv = n / 8;
    const __m256i mt = v8_lanes((long)(n - nv * 8));
    const int tail = n % 8 != 0;
    const __m256 ninf = _mm256_set1_ps(-INFINITY);
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        __m256 mx = ninf;
        for (size_t j = 0; j < nv; j++)
            mx = _mm256_max_ps(mx, _mm256_loadu_ps(row + 8 * j));
        if (tail)
            mx = _mm256_max_ps(mx, _mm256_blendv_ps(ninf, _mm256_maskload_ps(row + 8 * nv, mt),
                                                    _mm256_castsi256_ps(mt)));
        const __m256 vmax = _mm256_set1_ps(v8_max(mx));
        __m256 s = _mm256_setzero_ps();
        for (size_t j = 0; j < nv; j++) {
            __m256 e = v8_exp(_mm256_sub_ps(_mm256_loadu_ps(row + 8 * j), vmax));
            s = _mm256_add_ps(s, e);
            _mm256_storeu_ps(row + 8 * j, e);
        }
        if (tail) {
            __m256 e = v8_exp(_mm256_sub_ps(_mm256_maskload_ps(row + 8 * nv, mt), vmax));
            e = _mm256_and_ps(e, _mm256_castsi256_ps(mt));
            s = _mm256_add_ps(s, e);
            _mm256_maskstore_ps(row + 8 * nv, mt, e);
        }
        const __m256 inv = _mm256_set1_ps(1.0f / v8_sum(s));
        for (size_t j = 0; j < nv; j++)
            _mm256_storeu_ps(row + 8 * j, _mm256_mul_ps(_mm256_loadu_ps(row + 8 * j), inv));
        if (tail)
            _mm256_maskstore_ps(row + 8 * nv, mt,
                                _mm256_mul_ps(_mm256_maskload_ps(row + 8 * nv, mt), inv));
    }
}

TA void tl_avx2_exp(const float *x, float *out, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        __m256i m = v8_lanes((long)(n - i));
        _mm256_maskstore_ps(out + i, m, v8_exp(_mm256_maskload_ps(x + i, m)));
    }
}

TA void tl_avx2_gelu(float *x, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        __m256i m = v8_lanes((long)(n - i));
        _mm256_maskstore_ps(x + i, m, v8_gelu(_mm256_maskload_ps(x + i, m)));
    }
}

#else /* not x86-64: never chosen. */

bool tl_avx2_usable(void)
{
    return false;
}

void tl_avx2_epilogue(size_t m, size_t col0, size_t cols, float *c, size_t ldc,
                      const tl_gemm_epi *e)
{
    (void)m, (void)col0, (void)cols, (void)c, (void)ldc, (void)e;
}

void tl_avx2_layernorm(float *x, size_t rows, size_t n, size_t ld, const float *gamma,
                       const float *beta, float eps)
{
    (void)x, (void)rows, (void)n, (void)ld, (void)gamma, (void)beta, (void)eps;
}

void tl_avx2_softmax(float *x, size_t rows, size_t n, size_t ld)
{
    (void)x, (void)rows, (void)n, (void)ld;
}

void tl_avx2_exp(const float *x, float *out, size_t n)
{
    (void)x, (void)out, (void)n;
}

void tl_avx2_gelu(float *x, size_t n)
{
    (void)x, (void)n;
}

#endif
