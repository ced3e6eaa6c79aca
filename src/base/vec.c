/* vec.c — see vec.h. */
#include "base/vec.h"

#define LANES 16

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
