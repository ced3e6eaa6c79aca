/* insights.h — the customer 360's figures: monthly series, trend,
 * volatility, where the money goes, income and spending estimates, balance
 * trajectory and the next-month forecast. */
#ifndef TL_PROFILE_INSIGHTS_H
#define TL_PROFILE_INSIGHTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/json_write.h"
#include "base/err.h"
#include "base/json_record.h"
#include "forecast/forecast.h"
#include "store/customers.h"
#include "store/store.h"

#define TL_INSIGHTS_TOP 5

typedef struct tl_share {
    char name[48];
    double total;     /* spending in the group; NAN when only the rank is known */
    long long count;
    double share;     /* of all spending, 0..1; NAN when unknown */
} tl_share;

typedef struct tl_insights {
    /* Monthly spending series, dense from first_month: months with no data
     * are NAN in totals and -1 in counts. Owned; freed by tl_insights_free. */
    int first_month;
    size_t n_months;
    double *totals;
    int64_t *counts;
    size_t n_known;                /* months with data */

    double avg_monthly_spend;      /* mean of the last 12 known months */
    double last_month_total;
    double trend_pct;              /* OLS slope over the last 12 months, % of mean per month */
    double volatility;             /* coefficient of variation of the last 12 known months */
    double income_estimate;        /* monthly; NAN if unknown */
    double savings_rate;           /* 1 - spend/income; NAN if unknown */

    tl_share categories[TL_INSIGHTS_TOP];
    size_t n_categories;
    tl_share payment_modes[TL_INSIGHTS_TOP];
    size_t n_payment_modes;

    /* Month-end balance, dense like totals, from raw transactions walked
     * back from the current balance; NULL when not computable. */
    double *balance;

    int has_forecast;
    tl_forecast forecast;          /* next month, served method */
    tl_forecast prototype;         /* the prototype's method, for comparison */
    int has_prototype;
} tl_insights;

/* Computes a customer's insights from the store. TL_ENOTFOUND when the
 * customer does not exist. On success the caller owns *out and frees it with
 * tl_insights_free. */
int tl_insights_compute(tl_store *st, const char *customer_id, tl_insights *out, tl_err *err);

/* The same for a customer already read, with its record read (may be
 * NULL), both still owned by the caller: a request that has them reads
 * them once. */
int tl_insights_compute_for(tl_store *st, const tl_customer *c, const tl_record *rec,
                            tl_insights *out, tl_err *err);

void tl_insights_free(tl_insights *in);   /* accepts NULL */

/* The insights as JSON (new reference, caller decrefs); NULL on OOM. */
json_t *tl_insights_to_json(const tl_insights *in);

/* JSON for a forecast (new reference). */
json_t *tl_forecast_to_json(const tl_forecast *f, int next_month);

/* The prototype's "prediction" object: {"predicted": x, "score": s} where
 * score is the probability that next month exceeds the trailing median (the
 * prototype's min-max rescale replaced by a quantity with a meaning), or JSON
 * null when no forecast is possible. New reference. */
json_t *tl_insights_prediction_json(const tl_insights *in);

/* A number as JSON: an integer when it has no fraction (the prototype's
 * files hold 20000, not 20000.0), else a real to 2 decimals; null when not
 * finite. As a new reference, or written into w. */
json_t *tl_json_number(double v);
void tl_jw_number(tl_jw *w, double v);

#endif
