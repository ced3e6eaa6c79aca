/* vec.c — see vec.h. */
#include "base/vec.h"

#define LANES 16

/* Built twice, for AVX2 and for any x86-64, chosen at load by the CPU:
 * the 16 lanes become two AVX registers instead of four SSE ones. The
 * sums are the same operations in the same order (AVX2 brings no fused
 * multiply-add), so both give the same bits. */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
float tl_vec_dot(const float *a, const float *b, size_t n)
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
