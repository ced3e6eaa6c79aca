/* lift.h — comparing two groups' rates: intervals and tests for proving
 * (or not yet proving) that a treatment beats its control.
 *
 * Pure arithmetic, no I/O. Methods are the standard ones for two
 * independent binomial proportions:
 * - a rate's interval: Wilson's score interval;
 * - the difference of two rates: Newcombe's hybrid score interval (his
 *   method 10, built from the two Wilson intervals), which keeps its
 *   coverage with small counts and rates near 0 where the textbook Wald
 *   interval does not;
 * - the ratio of two rates: the log (Katz) interval;
 * - the test of "no difference": the pooled two-proportion z-test;
 * - the smallest difference these group sizes would detect: alpha 5%
 *   two-sided, power 80%. */
#ifndef TL_EVAL_LIFT_H
#define TL_EVAL_LIFT_H

typedef struct tl_interval {
    double lo, hi;
} tl_interval;

#define TL_Z95 1.959963984540054   /* the normal quantile of a two-sided 95% interval */

/* P(Z <= z) for a standard normal Z. */
double tl_normal_cdf(double z);

/* Wilson's interval for x successes in n trials at normal quantile z;
 * [0, 1] when n is 0. */
tl_interval tl_wilson(long long x, long long n, double z);

/* Newcombe's interval for x1/n1 − x2/n2; [-1, 1] when either n is 0. */
tl_interval tl_newcombe_diff(long long x1, long long n1, long long x2, long long n2, double z);

/* The interval of (x1/n1) / (x2/n2) − 1, the relative lift; NaN bounds
 * when it is undefined (a zero count or group). */
tl_interval tl_ratio_lift(long long x1, long long n1, long long x2, long long n2, double z);

/* Two-sided p-value of the pooled z-test of x1/n1 = x2/n2; 1 when a group
 * is empty or nobody (or everybody) succeeded. */
double tl_two_prop_p(long long x1, long long n1, long long x2, long long n2);

/* The difference of rates (around a control rate p2) that groups of n1 and
 * n2 would detect with 80% power at the 5% level; NaN when a group is
 * empty. */
double tl_min_detectable_diff(double p2, long long n1, long long n2);

/* Two-sided p-value that n1 of n1 + n2 units falling in group 1 is
 * consistent with group 1's intended share (the sample ratio check: a
 * split far from the design means the groups are not comparable). */
double tl_split_p(long long n1, long long n2, double share);

/* The mean difference of two groups' per-unit values from their counts,
 * sums and sums of squares, with Welch's normal interval. */
typedef struct tl_mean_diff {
    double mean1, mean2, diff;
    tl_interval ci;
} tl_mean_diff;

tl_mean_diff tl_mean_difference(long long n1, double sum1, double sumsq1, long long n2,
                                double sum2, double sumsq2, double z);

#endif
