/* forecast.h — next-month spending forecasts for one customer's monthly
 * series.
 *
 * Pure functions: no global state, safe to call from any thread. */
#ifndef TL_FORECAST_FORECAST_H
#define TL_FORECAST_FORECAST_H

#include <stddef.h>

#include "base/err.h"

typedef enum tl_forecast_method {
    TL_FC_DEFAULT = 0,     /* the method tailor serves (see docs/forecast.md):
                              "combined" = interquartile mean of the last 12
                              known months under 24 known months, else the
                              mean of Theta and damped ETS */
    TL_FC_PROTOTYPE,       /* linear regression on the previous 11 monthly totals
                              (fewer lags and a ridge under 35 months) */
    TL_FC_SEASONAL_NAIVE,  /* value 12 months back, else last value */
    TL_FC_MEAN12,          /* mean of the last 12 known months */
    TL_FC_THETA,           /* Theta with seasonal adjustment */
    TL_FC_ETS_DAMPED,      /* damped-trend exponential smoothing */
    TL_FC_METHOD_COUNT
} tl_forecast_method;

typedef struct tl_forecast {
    double mean;           /* expected total for the next month (>= 0) */
    double lo80, hi80;     /* 80% prediction interval (lo80 >= 0): the 10% and
                              90% points of a normal around `mean` whose sd is
                              the in-sample one-step residual sd, widened to
                              the Student-t quantile for its degrees of
                              freedom and by sqrt(1 + trailing unknown months);
                              pooled with a 50% CV prior under 12 months */
    double p_above_median; /* probability next month exceeds the trailing
                              12-month median of the known months, under
                              that same normal */
    double trailing_median;/* that median */
    size_t n_known;        /* months with data that the forecast used */
    const char *method;    /* static name of the model that produced `mean`,
                              e.g. "theta", or for the default "trimmed12" or
                              "theta+ets"; never freed */
} tl_forecast;

/* Static name of a method ("default" maps to the served method's name,
 * "combined"); "unknown" for a value outside the enum. */
const char *tl_forecast_method_name(tl_forecast_method m);

/* Parses a method name, ignoring case: the names above plus "default",
 * "seasonal-naive", "ets-damped" and "damped"; returns -1 if unknown. */
int tl_forecast_method_parse(const char *name);

/* Forecasts from `n` monthly totals, oldest first; months with no data are
 * NAN (they are neither zeros nor dropped silently: leading ones are
 * skipped, interior ones interpolated for fitting, trailing ones push the
 * forecast further out and widen the interval). Returns 0, or TL_EINPUT
 * when n is 0, no month is known, or a value is infinite (err says why),
 * TL_ETOOBIG past a million months, or TL_ENOMEM.
 * Short histories get a forecast with a wide interval, not an error.
 * Allocates only scratch memory it frees; `out` written only on success. */
int tl_forecast_next(const double *totals, size_t n, tl_forecast_method method,
                     tl_forecast *out, tl_err *err);

/* Forecasts h steps ahead (h >= 1) into means[0..h), the caller's array,
 * means[0] being the month after the last element: used by backtests.
 * Same input rules as tl_forecast_next; every mean is >= 0. */
int tl_forecast_path(const double *totals, size_t n, tl_forecast_method method,
                     size_t h, double *means, tl_err *err);

#endif
