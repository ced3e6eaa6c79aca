/* lift.c — intervals and tests for two groups' rates (lift.h). */
#include "eval/lift.h"

#include <math.h>

double tl_normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

tl_interval tl_wilson(long long x, long long n, double z)
{
    if (n <= 0)
        return (tl_interval){0, 1};
    double nn = (double)n, p = (double)x / nn, z2 = z * z;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z / (1 + z2 / nn) * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    tl_interval r = {centre - half, centre + half};
    /* Exact at the edges: rounding must not put 0 or 1 outside. */
    if (x == 0 || r.lo < 0)
        r.lo = 0;
    if (x == n || r.hi > 1)
        r.hi = 1;
    return r;
}

tl_interval tl_newcombe_diff(long long x1, long long n1, long long x2, long long n2, double z)
{
    if (n1 <= 0 || n2 <= 0)
        return (tl_interval){-1, 1};
    double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2, d = p1 - p2;
    tl_interval w1 = tl_wilson(x1, n1, z), w2 = tl_wilson(x2, n2, z);
    double below = sqrt((p1 - w1.lo) * (p1 - w1.lo) + (w2.hi - p2) * (w2.hi - p2));
    double above = sqrt((w1.hi - p1) * (w1.hi - p1) + (p2 - w2.lo) * (p2 - w2.lo));
    return (tl_interval){d - below, d + above};
}

tl_interval tl_ratio_lift(long long x1, long long n1, long long x2, long long n2, double z)
{
    if (x1 <= 0 || x2 <= 0 || n1 <= 0 || n2 <= 0)
        return (tl_interval){NAN, NAN};
    double ratio = ((double)x1 / (double)n1) / ((double)x2 / (double)n2);
    double se = sqrt(1.0 / (double)x1 - 1.0 / (double)n1 + 1.0 / (double)x2 - 1.0 / (double)n2);
    return (tl_interval){ratio * exp(-z * se) - 1, ratio * exp(z * se) - 1};
}

double tl_two_prop_p(long long x1, long long n1, long long x2, long long n2)
{
    if (n1 <= 0 || n2 <= 0)
        return 1;
    double p = (double)(x1 + x2) / (double)(n1 + n2);
    double se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
    if (!(se > 0))
        return 1;
    double z = fabs((double)x1 / (double)n1 - (double)x2 / (double)n2) / se;
    return 2 * (1 - tl_normal_cdf(z));
}

double tl_min_detectable_diff(double p2, long long n1, long long n2)
{
    if (n1 <= 0 || n2 <= 0)
        return NAN;
    const double z_power = 0.8416212335729143;   /* P(Z <= z) = 0.80 */
    double var = p2 * (1 - p2);
    if (var < 1e-4)   /* a control rate of 0 still leaves room to detect something */
        var = 1e-4;
    return (TL_Z95 + z_power) * sqrt(var * (1.0 / (double)n1 + 1.0 / (double)n2));
}

double tl_split_p(long long n1, long long n2, double share)
{
    long long n = n1 + n2;
    if (n <= 0 || !(share > 0 && share < 1))
        return 1;
    double se = sqrt(share * (1 - share) / (double)n);
    double z = fabs((double)n1 / (double)n - share) / se;
    return 2 * (1 - tl_normal_cdf(z));
}

/* A group's mean and the variance of that mean. */
static void mean_var(long long n, double sum, double sumsq, double *mean, double *var_of_mean)
{
    *mean = n > 0 ? sum / (double)n : 0;
    double var = n > 1 ? (sumsq - sum * *mean) / (double)(n - 1) : 0;
    *var_of_mean = n > 0 && var > 0 ? var / (double)n : 0;
}

tl_mean_diff tl_mean_difference(long long n1, double sum1, double sumsq1, long long n2,
                                double sum2, double sumsq2, double z)
{
    tl_mean_diff r;
    double v1, v2;
    mean_var(n1, sum1, sumsq1, &r.mean1, &v1);
    mean_var(n2, sum2, sumsq2, &r.mean2, &v2);
    r.diff = r.mean1 - r.mean2;
    double half = z * sqrt(v1 + v2);
    r.ci = (n1 > 0 && n2 > 0) ? (tl_interval){r.diff - half, r.diff + half}
                              : (tl_interval){NAN, NAN};
    return r;
}
