/* bench_forecast.c — forecasting throughput: the served default against the
 * prototype's regression, on the same synthetic 24-month customer series.
 *
 *   bench_forecast [N]   (default N = 100000)
 *
 * Prints series per second for each method and their ratio; a time alone
 * says nothing without the baseline beside it. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/str.h"
#include "forecast/forecast.h"

#define MONTHS 24

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static double uniform(void) /* xorshift64*: deterministic across runs */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 0x2545f4914f6cdd1dull) >> 11) / 9007199254740992.0;
}

/* Customer-like months: a level between 200 and 5,000, a mild trend, a
 * December bump, log-normal-ish noise, an occasional big purchase and an
 * occasional month with no data. */
static void synth(double *y)
{
    double level = 200 + 4800 * uniform();
    double trend = (uniform() - 0.5) * 0.02;
    for (size_t t = 0; t < MONTHS; t++) {
        double season = t % 12 == 11 ? 1.3 : 1.0;
        double noise = exp(0.25 * (uniform() + uniform() + uniform() - 1.5));
        double v = level * (1 + trend * (double)t) * season * noise;
        if (uniform() < 0.02)
            v *= 6;
        y[t] = uniform() < 0.03 ? NAN : v;
    }
    y[MONTHS - 1] = level; /* the last month is always known */
}

static int run(const double *all, size_t n, tl_forecast_method m, double *seconds,
               double *checksum)
{
    tl_err err;
    double sum = 0, t0 = now_seconds();
    for (size_t i = 0; i < n; i++) {
        tl_forecast f;
        if (tl_forecast_next(all + i * MONTHS, MONTHS, m, &f, &err) != 0) {
            fprintf(stderr, "bench_forecast: series %zu: %s\n", i, err.msg);
            return -1;
        }
        sum += f.mean; /* keeps the work observable */
    }
    *seconds = now_seconds() - t0;
    *checksum = sum;
    return 0;
}

int main(int argc, char **argv)
{
    int64_t n = 100000;
    if (argc > 1 && (!tl_parse_i64(argv[1], &n) || n < 1 || n > 10000000)) {
        fprintf(stderr, "usage: bench_forecast [N]  (1..10000000 series)\n");
        return 2;
    }
    double *all = malloc((size_t)n * MONTHS * sizeof *all);
    if (!all) {
        fprintf(stderr, "bench_forecast: out of memory\n");
        return 1;
    }
    for (int64_t i = 0; i < n; i++)
        synth(all + i * MONTHS);

    double t_def, t_proto, c_def, c_proto;
    if (run(all, (size_t)n, TL_FC_DEFAULT, &t_def, &c_def) ||
        run(all, (size_t)n, TL_FC_PROTOTYPE, &t_proto, &c_proto)) {
        free(all);
        return 1;
    }
    double r_def = (double)n / t_def, r_proto = (double)n / t_proto;
    printf("bench_forecast: %lld synthetic series of %d months, one thread\n",
           (long long)n, MONTHS);
    printf("  default (%s)  %12.0f series/s  (mean forecast %.1f)\n",
           tl_forecast_method_name(TL_FC_DEFAULT), r_def, c_def / (double)n);
    printf("  prototype           %12.0f series/s  (mean forecast %.1f)\n", r_proto,
           c_proto / (double)n);
    printf("  ratio default/prototype throughput: %.3f (the default is %.1fx %s)\n",
           r_def / r_proto, r_def < r_proto ? r_proto / r_def : r_def / r_proto,
           r_def < r_proto ? "slower" : "faster");
    free(all);
    return 0;
}
