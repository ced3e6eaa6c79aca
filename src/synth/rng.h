/* rng.h — the synthetic bank's random numbers: xoshiro256** seeded through
 * splitmix64.
 *
 * Every stream is derived from (seed, a, b) alone — e.g. (seed, customer
 * index, purpose) — so one customer's data never depends on how many draws
 * another customer made, on the output mode, or on the order of generation.
 * Header-only so the hot draws inline; no global state, thread-safe per
 * stream. */
#ifndef TL_SYNTH_RNG_H
#define TL_SYNTH_RNG_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tl_rng {
    uint64_t s[4];
} tl_rng;

static inline uint64_t tl_rng_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Seeds `r` from the user's seed and two stream coordinates. */
static inline void tl_rng_seed(tl_rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = seed;
    uint64_t h = tl_rng_splitmix(&x);
    x = h ^ (a * 0xd1b54a32d192ed03ULL);
    h = tl_rng_splitmix(&x);
    x = h ^ (b * 0xabc98388fb8fac03ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = tl_rng_splitmix(&x);
}

static inline uint64_t tl_rng_rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

static inline uint64_t tl_rng_next(tl_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = tl_rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = tl_rng_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
static inline double tl_rng_unit(tl_rng *r)
{
    return (double)(tl_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0 (Lemire's multiply; the tiny bias is
 * irrelevant for synthetic data and keeps the draw count fixed). */
static inline uint32_t tl_rng_below(tl_rng *r, uint32_t n)
{
    return (uint32_t)(((tl_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform integer in [lo, hi], lo <= hi. */
static inline int tl_rng_range(tl_rng *r, int lo, int hi)
{
    return lo + (int)tl_rng_below(r, (uint32_t)(hi - lo + 1));
}

static inline double tl_rng_uniform(tl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * tl_rng_unit(r);
}

static inline bool tl_rng_chance(tl_rng *r, double p)
{
    return tl_rng_unit(r) < p;
}

/* Standard normal (Box–Muller, one value per call so the draw count per
 * call is fixed at two). */
static inline double tl_rng_normal(tl_rng *r)
{
    double u = 1.0 - tl_rng_unit(r); /* (0, 1]: log is finite */
    double v = tl_rng_unit(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* exp(N(mu, sigma)). */
static inline double tl_rng_lognormal(tl_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * tl_rng_normal(r));
}

/* Poisson(lambda): multiplication method for small lambda, a rounded normal
 * approximation above 30 (good enough for transaction counts). */
static inline int tl_rng_poisson(tl_rng *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda < 30) {
        double limit = exp(-lambda), p = 1.0;
        int k = -1;
        do {
            k++;
            p *= tl_rng_unit(r);
        } while (p > limit);
        return k;
    }
    double x = lambda + sqrt(lambda) * tl_rng_normal(r) + 0.5;
    return x < 0 ? 0 : (int)x;
}

/* Index drawn with probability w[i] / sum(w); `total` is sum(w) > 0. */
static inline size_t tl_rng_weighted(tl_rng *r, const float *w, size_t n, float total)
{
    float x = (float)tl_rng_unit(r) * total;
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    /* Rounding left x just past the end: the last non-zero weight. */
    for (size_t i = n; i-- > 0;)
        if (w[i] > 0)
            return i;
    return 0;
}

#endif
