/* method.h — the point forecasters behind forecast.h (private to
 * src/forecast/; nothing outside the folder includes this).
 *
 * Every method works on a clean series: y[0..n), n >= 1, no NAN (forecast.c
 * interpolates gaps and winsorises before calling). Each writes h forecasts
 * into means[0..h) (step 1 first) and, when `fit` is not NULL, its in-sample
 * one-step-ahead predictions into fit[0..n) (NAN where it has none, e.g. the
 * first `p` points of an autoregression), from which forecast.c derives the
 * prediction interval. Each returns the number of parameters it estimated
 * (for the residual degrees of freedom), never negative.
 *
 * Nothing here allocates: callers pass `work`, at least
 * TL_METHOD_WORK(n, h) doubles, which the method may overwrite. */
#ifndef TL_FORECAST_METHOD_H
#define TL_FORECAST_METHOD_H

#include <stddef.h>

#define TL_METHOD_PERIOD 12
#define TL_METHOD_WORK(n, h) (2 * ((n) + (h)) + 4 * TL_METHOD_PERIOD)

/* The seasonal decomposition shared by the smoothing methods, computed once
 * per series so a combination of them pays for it once. */
typedef struct tl_method_season {
    int kind;                        /* 0 none, 1 multiplicative, 2 additive */
    double index[TL_METHOD_PERIOD];  /* seasonal figure by position t % 12
                                        (1 or 0 for every position when none) */
    const double *x;                 /* seasonally adjusted series, n values:
                                        y itself or `adj` */
    double *adj;                     /* caller-owned storage for x, n values */
    size_t n;
} tl_method_season;

/* Runs the M3 seasonality test (lag-12 autocorrelation beyond the 90% band,
 * needs n > 24 and a non-constant series) and, when it passes, a classical
 * multiplicative decomposition (additive when some value is <= 0). `adj`
 * must hold n doubles and outlive `s`. */
void tl_method_season_init(tl_method_season *s, const double *y, size_t n,
                           double *adj);

/* Puts the seasonal figure back onto forecasts of steps n+1..n+h, and onto
 * in-sample predictions of the adjusted series when fit is not NULL. */
void tl_method_season_apply(const tl_method_season *s, double *means,
                            size_t h, double *fit);

/* Autoregression on the previous 11 values with an intercept, by ordinary
 * least squares, iterated for multi-step; fewer lags (and a light ridge)
 * when the history is shorter than 24 months. The prototype's method. */
size_t tl_method_prototype(const double *y, size_t n, size_t h,
                           double *means, double *fit, double *work);

/* The value 12 months before each step, or the last value when n < 12. */
size_t tl_method_snaive(const double *y, size_t n, size_t h, double *means,
                        double *fit);

/* Mean of the last min(n, 12) values. */
size_t tl_method_mean(const double *y, size_t n, size_t h, double *means,
                      double *fit);

/* Interquartile mean of the last min(n, 12) values (the middle half, so 6
 * of 12): the robust level the default serves for histories too short to
 * fit anything (see forecast.c). */
size_t tl_method_trimmed(const double *y, size_t n, size_t h, double *means,
                         double *fit);

/* Simple exponential smoothing of s->x (alpha and initial level by least
 * squares); forecasts and fit are on the adjusted scale. Writes the chosen
 * alpha to *alpha_out when not NULL. */
size_t tl_method_ses(const tl_method_season *s, size_t h, double *means,
                     double *fit, double *alpha_out);

/* Classical Theta (Assimakopoulos & Nikolopoulos 2000, in the SES-with-drift
 * form of Hyndman & Billah 2003): SES plus half the OLS slope as drift.
 * Adjusted scale, like tl_method_ses. */
size_t tl_method_theta(const tl_method_season *s, size_t h, double *means,
                       double *fit);

/* Additive damped-trend exponential smoothing (ETS(A,Ad,N)); alpha, beta and
 * phi by Nelder–Mead on the in-sample SSE, initial states by least squares.
 * Adjusted scale. Falls back to SES when n < 6. */
size_t tl_method_damped(const tl_method_season *s, size_t h, double *means,
                        double *fit);

#endif
