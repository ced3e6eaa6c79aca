/* vec.c — see vec.h. */
#include "base/vec.h"

#define LANES 16

/* The sum itself, compiled into each of the versions below. */
static inline __attribute__((always_inline)) float dot_lanes(const float *a, const float *b,
                                                            size_t n)
{
    float part[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t j = 0; j < LANES; j++)
            part[j] += a[i + j] * b[i + j];
    for (size_t j = 0; i < n; i++, j++)
        part[j] += a[i] * b[i];
    /* Pairwise: 16 → 8 → 4 → 2 → 1. */
    for (size_t w = LANES / 2; w > 0; w /= 2)
        for (size_t j = 0; j < w; j++)
            part[j] += part[j + w];
    return part[0];
}

#if defined(__x86_64__)
/* On AVX2 CPUs the 16 lanes are two AVX registers instead of four SSE
 * ones. The sums are the same operations in the same order (AVX2 brings
 * no fused multiply-add), so both versions give the same bits. */
__attribute__((target("avx2"))) static float dot_avx2(const float *a, const float *b, size_t n)
{
    return dot_lanes(a, b, n);
}
#endif

float tl_vec_dot(const float *a, const float *b, size_t n)
{
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2"))
        return dot_avx2(a, b, n);
#endif
    return dot_lanes(a, b, n);
}
