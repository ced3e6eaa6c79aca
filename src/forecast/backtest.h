/* backtest.h — scoring the forecasters on held-out months: load a set of
 * series (M3 monthly, Berka account turnover, or a generic long CSV), hold
 * out the last months, forecast them with a method and score sMAPE and MASE.
 *
 * A tl_backtest owns every series it loads; tl_backtest_free releases them.
 * Loading and scoring are independent of any store; the data sets are for
 * evaluation only and the product never needs them. */
#ifndef TL_FORECAST_BACKTEST_H
#define TL_FORECAST_BACKTEST_H

#include <stddef.h>

#include "base/err.h"
#include "forecast/forecast.h"

typedef struct tl_backtest_series {
    char id[72];        /* series or customer id (at most 64 bytes) */
    double *train;      /* n_train months, oldest first; NAN = no data */
    double *test;       /* the n_test held-out months that follow; NAN = no data */
    size_t n_train, n_test;
} tl_backtest_series;

typedef struct tl_backtest {
    tl_backtest_series *series; /* owned, with their values */
    size_t count, cap;
    char name[64];              /* what was loaded, for the report */
} tl_backtest;

typedef struct tl_backtest_score {
    const char *method;     /* static name */
    size_t horizon;         /* steps scored per series (at most n_test) */
    size_t n_series;        /* series with at least one scored month */
    size_t n_mase;          /* series with a non-zero MASE scale */
    double smape;           /* M3 sMAPE: mean over series of the mean over
                               steps of 200|F-A|/(|F|+|A|) (0 when both 0) */
    double mase;            /* mean over series of mean |F-A| / scale, scale =
                               mean |y_t - y_{t-12}| over training (m = 1 when
                               training is shorter than 24 months) */
    double coverage80;      /* share of first held-out months inside the 80%
                               interval of tl_forecast_next */
    double seconds;         /* wall time of the forecasts */
} tl_backtest_score;

/* Empties a set; allocates nothing. */
void tl_backtest_init(tl_backtest *bt);

/* Frees every series; accepts NULL; leaves an empty set. */
void tl_backtest_free(tl_backtest *bt);

/* Appends a copy of train[0..n_train) and test[0..n_test). Returns 0,
 * TL_EINPUT (n_train or n_test 0) or TL_ENOMEM. */
int tl_backtest_add(tl_backtest *bt, const char *id, const double *train,
                    size_t n_train, const double *test, size_t n_test,
                    tl_err *err);

/* Reads DIR/m3_monthly_train.csv and DIR/m3_monthly_test.csv (rows
 * `id,category,start_year,start_month,n,y1..yn` and `id,category,h,y..`),
 * pairing rows by id. Returns 0, TL_EIO (missing file) or TL_EINPUT with
 * "file:line: what" in err. */
int tl_backtest_load_m3(tl_backtest *bt, const char *dir, tl_err *err);

/* Reads DIR/trans_monthly_1993-01_1994-02.csv (account_id, month,
 * credit_sum, debit_sum, ...): one series per account of monthly turnover
 * (credit + debit), missing months NAN, keeping accounts with at least
 * `min_months` months of data and holding out the last `holdout`. */
int tl_backtest_load_berka(tl_backtest *bt, const char *dir, size_t min_months,
                           size_t holdout, tl_err *err);

/* Reads a long CSV with a header naming customer_id, month and total
 * (any column order; months as tl_month_parse reads them, "2024-01"): one
 * series per customer from its first to its last month, gaps NAN, kept when
 * it has at least `min_months` known months; the last `holdout` months are
 * held out. Duplicate (customer, month) rows are rejected. */
int tl_backtest_load_csv(tl_backtest *bt, const char *path, size_t min_months,
                         size_t holdout, tl_err *err);

/* Keeps only the last `months` training months of every series (longer
 * ones are cut, shorter ones left alone): how a method fares on the short
 * histories most customers have. No allocation. */
void tl_backtest_trim(tl_backtest *bt, size_t months);

/* Forecasts every series' first min(horizon, n_test) held-out months with
 * `method` and scores them into *out. Returns 0, TL_EINPUT (empty set or a
 * series the forecaster rejects, with its id) or TL_ENOMEM. */
int tl_backtest_run(const tl_backtest *bt, tl_forecast_method method,
                    size_t horizon, tl_backtest_score *out, tl_err *err);

#endif
