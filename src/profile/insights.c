/* insights.c — customer 360 figures computed from the store. */
#include "profile/insights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/month.h"
#include "base/str.h"
#include "store/customers.h"
#include "store/monthly.h"
#include "store/transactions.h"

void tl_insights_free(tl_insights *in)
{
    if (!in)
        return;
    free(in->totals);
    free(in->counts);
    free(in->balance);
    memset(in, 0, sizeof *in);
}

/* The one rule of tl_json_number and tl_jw_number: 0 for null, 1 for the
 * integer *i, 2 for the real *r. */
static int number_form(double v, long long *i, double *r)
{
    if (isnan(v) || isinf(v))
        return 0;
    if (fabs(v) < 9e15 && v == floor(v)) {
        *i = (long long)v;
        return 1;
    }
    *r = round(v * 100.0) / 100.0;
    return 2;
}

json_t *tl_json_number(double v)
{
    long long i = 0;
    double r = 0;
    switch (number_form(v, &i, &r)) {
    case 1:
        return json_integer((json_int_t)i);
    case 2:
        return json_real(r);
    default:
        return json_null();
    }
}

void tl_jw_number(tl_jw *w, double v)
{
    long long i = 0;
    double r = 0;
    switch (number_form(v, &i, &r)) {
    case 1:
        tl_jw_int(w, i);
        break;
    case 2:
        tl_jw_real(w, r);
        break;
    default:
        tl_jw_null(w);
    }
}

/* Statistics over the last (up to) 12 known months. */
static void summarise(tl_insights *in)
{
    double xs[12], ys[12];
    size_t k = 0;
    for (size_t i = in->n_months; i-- > 0 && k < 12;) {
        if (isnan(in->totals[i]))
            continue;
        xs[k] = (double)i;
        ys[k] = in->totals[i];
        k++;
    }
    in->avg_monthly_spend = NAN;
    in->trend_pct = NAN;
    in->volatility = NAN;
    in->last_month_total = NAN;
    if (k == 0)
        return;
    for (size_t i = in->n_months; i-- > 0;)
        if (!isnan(in->totals[i])) {
            in->last_month_total = in->totals[i];
            break;
        }
    double mx = 0, my = 0;
    for (size_t i = 0; i < k; i++) {
        mx += xs[i];
        my += ys[i];
    }
    mx /= (double)k;
    my /= (double)k;
    in->avg_monthly_spend = my;
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = 0; i < k; i++) {
        sxx += (xs[i] - mx) * (xs[i] - mx);
        sxy += (xs[i] - mx) * (ys[i] - my);
        syy += (ys[i] - my) * (ys[i] - my);
    }
    if (k >= 3 && sxx > 0 && my > 0)
        in->trend_pct = 100.0 * (sxy / sxx) / my;
    if (k >= 2 && my > 0)
        in->volatility = sqrt(syy / (double)(k - 1)) / my;
}

typedef struct share_ctx {
    tl_share *dst;
    size_t *n;
    double sum;
} share_ctx;

static int add_share(void *ctx, const char *key, double total, long long count)
{
    share_ctx *c = ctx;
    tl_share *s = &c->dst[(*c->n)++];
    tl_strlcpy(s->name, key, sizeof s->name);
    s->total = total;
    s->count = count;
    c->sum += total;
    return *c->n >= TL_INSIGHTS_TOP;
}

/* Falls back to the profile's ranked lists (the prototype's
 * FrequentlyUsed* arrays) when there are no raw transactions. */
typedef struct shares_ctx {
    tl_share *dst;
    size_t *n;
} shares_ctx;

static int add_listed_share(void *ctx, const char *name)
{
    shares_ctx *c = ctx;
    if (*c->n >= TL_INSIGHTS_TOP)
        return 1;
    tl_share *s = &c->dst[(*c->n)++];
    tl_strlcpy(s->name, name, sizeof s->name);
    s->total = NAN;
    s->count = 0;
    s->share = NAN;
    return 0;
}

static void shares_from_record(const tl_record *rec, const char *key, tl_share *dst, size_t *n)
{
    shares_ctx c = {dst, n};
    tl_record_strings(rec, key, add_listed_share, &c);
}

typedef struct flow_ctx {
    tl_insights *in;
    double *credits, *debits;   /* dense like totals */
    double credit_sum;
    size_t credit_months;
} flow_ctx;

static int add_flow(void *ctx, int month, double credits, double debits)
{
    flow_ctx *f = ctx;
    long idx = (long)month - f->in->first_month;
    if (idx < 0 || (size_t)idx >= f->in->n_months)
        return 0;
    f->credits[idx] = credits;
    f->debits[idx] = debits;
    if (credits > 0) {
        f->credit_sum += credits;
        f->credit_months++;
    }
    return 0;
}

/* Month-end balances walked back from today's balance, and the income
 * estimate from money in. Needs raw transactions. */
static int flows(const tl_txn_summary *sum, double balance_now, tl_insights *in, tl_err *err)
{
    if (in->n_months == 0)
        return TL_OK;
    flow_ctx f = {in, calloc(in->n_months, sizeof(double)), calloc(in->n_months, sizeof(double)),
                  0, 0};
    int rc = TL_OK;
    if (!f.credits || !f.debits) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < sum->n_months; i++)
        add_flow(&f, sum->months[i].month, sum->months[i].credits, sum->months[i].debits);
    if (f.credit_months)
        in->income_estimate = f.credit_sum / (double)f.credit_months;
    if (!isnan(balance_now) && f.credit_months) {
        in->balance = malloc(in->n_months * sizeof(double));
        if (!in->balance) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
        double b = balance_now;
        for (size_t i = in->n_months; i-- > 0;) {
            in->balance[i] = b;
            b -= f.credits[i] - f.debits[i];
        }
    }
done:
    free(f.credits);
    free(f.debits);
    return rc;
}

/* The top TL_INSIGHTS_TOP groups of a summary, in its order, with their
 * shares of what those groups spent. */
static void top_shares(const tl_txn_group_total *g, size_t n, tl_share *dst, size_t *n_out)
{
    share_ctx c = {dst, n_out, 0};
    for (size_t i = 0; i < n && !add_share(&c, g[i].key, g[i].total, g[i].count); i++)
        ;
    for (size_t i = 0; i < *n_out; i++)
        dst[i].share = c.sum > 0 ? dst[i].total / c.sum : NAN;
}

int tl_insights_compute_for(tl_store *st, const tl_customer *cust, const tl_record *rec,
                            tl_insights *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    out->income_estimate = NAN;
    out->savings_rate = NAN;
    const char *customer_id = cust->id;
    tl_month_total *rows = NULL;
    size_t n = 0;
    tl_txn_summary sum = {0};
    int rc;
    if ((rc = tl_store_monthly_get(st, customer_id, &rows, &n, err)))
        goto done;
    if (n) {
        out->first_month = rows[0].month;
        out->n_months = (size_t)(rows[n - 1].month - rows[0].month + 1);
        out->totals = malloc(out->n_months * sizeof *out->totals);
        out->counts = malloc(out->n_months * sizeof *out->counts);
        if (!out->totals || !out->counts) {
            rc = tl_err_set(err, TL_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < out->n_months; i++) {
            out->totals[i] = NAN;
            out->counts[i] = -1;
        }
        for (size_t i = 0; i < n; i++) {
            size_t k = (size_t)(rows[i].month - out->first_month);
            out->totals[k] = rows[i].total;
            out->counts[k] = rows[i].count;
        }
        out->n_known = n;
    }
    summarise(out);

    /* Categories, payment modes and monthly flows from one pass over the
     * customer's transactions. */
    if ((rc = tl_store_txn_summary(st, customer_id, &sum, err)))
        goto done;
    top_shares(sum.categories, sum.n_categories, out->categories, &out->n_categories);
    if (!out->n_categories)
        shares_from_record(rec, "FrequentlyUsedTransactionCategory", out->categories,
                           &out->n_categories);
    top_shares(sum.payment_modes, sum.n_payment_modes, out->payment_modes,
               &out->n_payment_modes);
    if (!out->n_payment_modes)
        shares_from_record(rec, "FrequentlyUsedPaymentMode", out->payment_modes,
                           &out->n_payment_modes);
    if ((rc = flows(&sum, cust->balance, out, err)))
        goto done;
    if (isnan(out->income_estimate) && !isnan(cust->income))
        out->income_estimate = cust->income;
    if (!isnan(out->income_estimate) && out->income_estimate > 0 && !isnan(out->avg_monthly_spend))
        out->savings_rate = 1.0 - out->avg_monthly_spend / out->income_estimate;

    if (out->n_known) {
        tl_err ferr;
        out->has_forecast = tl_forecast_next(out->totals, out->n_months, TL_FC_DEFAULT,
                                             &out->forecast, &ferr) == TL_OK;
        out->has_prototype = tl_forecast_next(out->totals, out->n_months, TL_FC_PROTOTYPE,
                                              &out->prototype, &ferr) == TL_OK;
    }
done:
    free(rows);
    tl_txn_summary_free(&sum);
    if (rc)
        tl_insights_free(out);
    return rc;
}

int tl_insights_compute(tl_store *st, const char *customer_id, tl_insights *out, tl_err *err)
{
    tl_customer c;
    int rc = tl_store_customer_get(st, customer_id, &c, err);
    if (rc)
        return rc;
    tl_record *rec;
    if (!(rc = tl_record_read(c.doc, &rec, err)))
        rc = tl_insights_compute_for(st, &c, rec, out, err);
    tl_record_free(rec);
    tl_customer_free(&c);
    return rc;
}

static json_t *shares_json(const tl_share *s, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:o, s:I, s:o}", "name", s[i].name, "total",
                                             tl_json_number(s[i].total), "count",
                                             (json_int_t)s[i].count, "share",
                                             isnan(s[i].share)
                                                 ? json_null()
                                                 : json_real(round(s[i].share * 1000) / 1000)));
    return arr;
}

json_t *tl_forecast_to_json(const tl_forecast *f, int next_month)
{
    char label[16];
    tl_month_format_iso(next_month, label, sizeof label);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "month", label, "method",
                     f->method, "mean", tl_json_number(round(f->mean * 100) / 100), "lo80",
                     tl_json_number(round(f->lo80 * 100) / 100), "hi80",
                     tl_json_number(round(f->hi80 * 100) / 100), "p_above_median",
                     json_real(round(f->p_above_median * 1000) / 1000), "trailing_median",
                     tl_json_number(f->trailing_median), "months_used", (json_int_t)f->n_known);
}

json_t *tl_insights_prediction_json(const tl_insights *in)
{
    if (!in->has_forecast)
        return json_null();
    return json_pack("{s:o, s:o}", "predicted",
                     json_real(round(in->forecast.mean * 100) / 100), "score",
                     json_real(round(in->forecast.p_above_median * 1000) / 1000));
}

json_t *tl_insights_to_json(const tl_insights *in)
{
    json_t *months = json_array();
    for (size_t i = 0; i < in->n_months; i++) {
        char label[16];
        tl_month_format_iso(in->first_month + (int)i, label, sizeof label);
        json_t *m = json_pack("{s:s, s:o, s:o}", "month", label, "total",
                              tl_json_number(in->totals[i]), "count",
                              in->counts[i] < 0 ? json_null() : json_integer(in->counts[i]));
        if (in->balance)
            json_object_set_new(m, "balance", tl_json_number(round(in->balance[i] * 100) / 100));
        json_array_append_new(months, m);
    }
    json_t *o = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "months", months, "avg_monthly_spend",
        tl_json_number(round(in->avg_monthly_spend * 100) / 100), "last_month_total",
        tl_json_number(in->last_month_total), "trend_pct_per_month",
        isnan(in->trend_pct) ? json_null() : json_real(round(in->trend_pct * 100) / 100),
        "volatility", isnan(in->volatility) ? json_null() : json_real(round(in->volatility * 1000) / 1000),
        "income_estimate", tl_json_number(round(in->income_estimate * 100) / 100),
        "savings_rate",
        isnan(in->savings_rate) ? json_null() : json_real(round(in->savings_rate * 1000) / 1000),
        "top_categories", shares_json(in->categories, in->n_categories), "top_payment_modes",
        shares_json(in->payment_modes, in->n_payment_modes));
    int next = in->first_month + (int)in->n_months;
    json_object_set_new(o, "forecast",
                        in->has_forecast ? tl_forecast_to_json(&in->forecast, next) : json_null());
    json_object_set_new(o, "forecast_prototype_method",
                        in->has_prototype ? tl_forecast_to_json(&in->prototype, next)
                                          : json_null());
    return o;
}
