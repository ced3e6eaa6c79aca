/* forecast.c — the public forecaster: input cleaning (gaps, outliers,
 * trailing missing months), method dispatch, prediction interval and the
 * probability of beating the trailing median. The models live in method.c;
 * docs/forecast.md explains the choices and the backtest behind them. */
#include "forecast/forecast.h"
#include "forecast/method.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

/* Winsorising bound in robust standard deviations (1.4826 * MAD): wide
 * enough to leave ordinary months and seasonal peaks alone, tight enough to
 * tame a half-month opening balance or a one-off house purchase. */
#define WINSOR_K 4.0
/* Known months below which the default serves a robust level. */
#define SHORT_HISTORY 24
/* Prior coefficient of variation of a customer's month-to-month spending,
 * used while the history is too short to estimate its own (< 12 months). */
#define PRIOR_CV 0.5
/* Far beyond any bank's history (a century is 1,200 months); keeps the
 * scratch size arithmetic away from overflow. */
#define MAX_MONTHS 1000000

static const char *const method_names[TL_FC_METHOD_COUNT] = {
    [TL_FC_DEFAULT] = "combined",
    [TL_FC_PROTOTYPE] = "prototype",
    [TL_FC_SEASONAL_NAIVE] = "snaive",
    [TL_FC_MEAN12] = "mean12",
    [TL_FC_THETA] = "theta",
    [TL_FC_ETS_DAMPED] = "ets",
};

const char *tl_forecast_method_name(tl_forecast_method m)
{
    if ((int)m < 0 || m >= TL_FC_METHOD_COUNT)
        return "unknown";
    return method_names[m];
}

int tl_forecast_method_parse(const char *name)
{
    if (!name)
        return -1;
    for (int m = 0; m < TL_FC_METHOD_COUNT; m++)
        if (tl_strcaseeq(name, method_names[m]))
            return m;
    static const struct {
        const char *alias;
        tl_forecast_method m;
    } aliases[] = {
        {"default", TL_FC_DEFAULT},
        {"comb", TL_FC_DEFAULT},
        {"ar11", TL_FC_PROTOTYPE},
        {"seasonal-naive", TL_FC_SEASONAL_NAIVE},
        {"seasonal_naive", TL_FC_SEASONAL_NAIVE},
        {"mean", TL_FC_MEAN12},
        {"ets-damped", TL_FC_ETS_DAMPED},
        {"ets_damped", TL_FC_ETS_DAMPED},
        {"damped", TL_FC_ETS_DAMPED},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (tl_strcaseeq(name, aliases[i].alias))
            return (int)aliases[i].m;
    return -1;
}

/* ---- small statistics helpers ---------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n), n >= 1; sorts v in place. */
static double median_inplace(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Two-sided 80% Student-t quantile (the 0.9 quantile) for df residual
 * degrees of freedom: a table to 30, then 1.2816 + 0.852/df (within 0.001
 * of the exact value, tending to the normal's 1.2816). */
static double t90(double df)
{
    static const double q[] = {0,     3.078, 1.886, 1.638, 1.533, 1.476,
                               1.440, 1.415, 1.397, 1.383, 1.372, 1.363,
                               1.356, 1.350, 1.345, 1.341, 1.337, 1.333,
                               1.330, 1.328, 1.325, 1.323, 1.321, 1.319,
                               1.318, 1.316, 1.315, 1.314, 1.313, 1.311,
                               1.310};
    if (df < 1)
        df = 1;
    if (df >= 30)
        return 1.2816 + (1.310 - 1.2816) * 30.0 / df;
    size_t i = (size_t)df;
    double frac = df - (double)i;
    return q[i] + frac * (q[i + 1] - q[i]);
}

/* ---- one forecast run -------------------------------------------------------- */

/* What a run leaves besides the point forecasts. */
typedef struct fc_stats {
    size_t n_known;
    size_t gap;       /* unknown months after the last known one */
    double sigma1;    /* one-step predictive sd before any t widening */
    double df;        /* residual degrees of freedom behind sigma1 */
    double median12;  /* median of the last 12 known months */
    const char *name;
} fc_stats;

/* The scratch of one run: one allocation, freed at the end of the run. */
typedef struct fc_scratch {
    double *block;
    double *y;      /* gaps interpolated: n */
    double *w;      /* y winsorised for fitting: n */
    double *known;  /* known values only, compacted: n_known */
    double *fit;    /* one-step in-sample predictions: n */
    double *fit2;   /* the second component's, in a combination: n */
    double *adj;    /* seasonally adjusted series: n */
    double *tmp;    /* sort scratch: n */
    double *path;   /* the run's forecasts: H */
    double *m2;     /* the second component's forecasts: H */
    double *work;   /* TL_METHOD_WORK(n, H) */
} fc_scratch;

static int scratch_alloc(fc_scratch *s, size_t n, size_t big_h)
{
    size_t total = 7 * n + 2 * big_h + TL_METHOD_WORK(n, big_h);
    s->block = malloc(total * sizeof(double));
    if (!s->block)
        return TL_ENOMEM;
    double *p = s->block;
    s->y = p, p += n;
    s->w = p, p += n;
    s->known = p, p += n;
    s->fit = p, p += n;
    s->fit2 = p, p += n;
    s->adj = p, p += n;
    s->tmp = p, p += n;
    s->path = p, p += big_h;
    s->m2 = p, p += big_h;
    s->work = p;
    return 0;
}

/* Replaces values outside median +- WINSOR_K robust sd by the bound. The
 * bound comes from the known months only; a constant majority (MAD 0)
 * leaves the series alone rather than flattening every other month. */
static void winsorise(double *w, const double *y, size_t n,
                      const double *known, size_t n_known, double *tmp)
{
    memcpy(w, y, n * sizeof *w);
    if (n_known < 5)
        return;
    memcpy(tmp, known, n_known * sizeof *tmp);
    double med = median_inplace(tmp, n_known);
    for (size_t i = 0; i < n_known; i++)
        tmp[i] = fabs(known[i] - med);
    double mad = median_inplace(tmp, n_known);
    if (!(mad > 0))
        return;
    double lo = med - WINSOR_K * 1.4826 * mad, hi = med + WINSOR_K * 1.4826 * mad;
    for (size_t t = 0; t < n; t++)
        w[t] = w[t] < lo ? lo : w[t] > hi ? hi : w[t];
}

/* Point forecasts of steps 1..big_h after the last known month into means,
 * one-step predictions into s->fit; returns the parameter count. */
static size_t point_forecast(tl_forecast_method m, fc_scratch *s, size_t n,
                             size_t n_known, size_t big_h, double *means,
                             const char **served)
{
    tl_method_season season;
    switch (m) {
    case TL_FC_PROTOTYPE:
        /* The baseline as the prototype fitted it: raw values, no cleaning. */
        return tl_method_prototype(s->y, n, big_h, means, s->fit, s->work);
    case TL_FC_SEASONAL_NAIVE:
        return tl_method_snaive(s->y, n, big_h, means, s->fit);
    case TL_FC_MEAN12: {
        /* Over known months only: a gap is not a month of average spending. */
        size_t k = tl_method_mean(s->known, n_known, big_h, means, NULL);
        tl_method_mean(s->y, n, 1, s->m2, s->fit);
        return k;
    }
    case TL_FC_THETA:
        tl_method_season_init(&season, s->w, n, s->adj);
        return tl_method_theta(&season, big_h, means, s->fit);
    case TL_FC_ETS_DAMPED:
        tl_method_season_init(&season, s->w, n, s->adj);
        return tl_method_damped(&season, big_h, means, s->fit);
    case TL_FC_DEFAULT:
    default:
        break;
    }
    /* The served method. Under two years of history nothing beyond a level
     * can be fitted reliably (the seasonality test needs more than 24
     * months, and trend or smoothing parameters fitted to 12 noisy months
     * chase the last spike): serve the interquartile mean of the last 12
     * known months, robust to the spike and the half opening month.
     * With two years or more, the equal-weight mean of Theta and damped
     * ETS, which backtests best on M3. docs/forecast.md has the figures. */
    if (n_known < SHORT_HISTORY) {
        *served = "trimmed12";
        size_t k = tl_method_trimmed(s->known, n_known, big_h, means, NULL);
        tl_method_trimmed(s->y, n, 1, s->m2, s->fit);
        return k;
    }
    *served = "theta+ets";
    tl_method_season_init(&season, s->w, n, s->adj);
    size_t k1 = tl_method_theta(&season, big_h, means, s->fit);
    size_t k2 = tl_method_damped(&season, big_h, s->m2, s->fit2);
    for (size_t i = 0; i < big_h; i++)
        means[i] = 0.5 * (means[i] + s->m2[i]);
    for (size_t t = 0; t < n; t++)
        s->fit[t] = 0.5 * (s->fit[t] + s->fit2[t]);
    return k1 > k2 ? k1 : k2;
}

/* Cleans the input, runs the method for steps 1..gap+h after the last known
 * month and keeps the last h in means[0..h). On success fills *st. */
static int forecast_run(const double *totals, size_t n_in,
                        tl_forecast_method method, size_t h, double *means,
                        fc_stats *st, tl_err *err)
{
    if ((int)method < 0 || method >= TL_FC_METHOD_COUNT)
        return tl_err_set(err, TL_EINPUT, "forecast: unknown method %d",
                          (int)method);
    if (n_in == 0 || !totals)
        return tl_err_set(err, TL_EINPUT, "forecast: empty series (no months)");
    if (h == 0)
        return tl_err_set(err, TL_EINPUT, "forecast: horizon must be >= 1");
    if (n_in > MAX_MONTHS || h > MAX_MONTHS)
        return tl_err_set(err, TL_ETOOBIG, "forecast: %zu months, %zu ahead: more "
                          "than %d", n_in, h, MAX_MONTHS);
    size_t first = n_in, last = 0, n_known = 0;
    for (size_t t = 0; t < n_in; t++) {
        double v = totals[t];
        if (isnan(v))
            continue;
        if (!isfinite(v))
            return tl_err_set(err, TL_EINPUT,
                              "forecast: month %zu of %zu is infinite", t + 1, n_in);
        if (first == n_in)
            first = t;
        last = t;
        n_known++;
    }
    if (n_known == 0)
        return tl_err_set(err, TL_EINPUT,
                          "forecast: no known month among %zu (all NAN)", n_in);

    size_t n = last - first + 1, gap = n_in - 1 - last, big_h = gap + h;
    fc_scratch s;
    if (scratch_alloc(&s, n, big_h) != 0)
        return tl_err_set(err, TL_ENOMEM, "forecast: out of memory for %zu months",
                          n_in);

    /* Interior gaps: straight line between the known neighbours. */
    const double *src = totals + first;
    size_t k = 0, prev = 0;
    for (size_t t = 0; t < n; t++) {
        if (isnan(src[t]))
            continue;
        s.known[k++] = src[t];
        for (size_t u = prev + 1; u < t; u++)
            s.y[u] = src[prev] + (src[t] - src[prev]) * (double)(u - prev) /
                                     (double)(t - prev);
        s.y[t] = src[t];
        prev = t;
    }
    winsorise(s.w, s.y, n, s.known, n_known, s.tmp);

    double *path = s.path;
    const char *served = method_names[method];
    size_t params = point_forecast(method, &s, n, n_known, big_h, path, &served);

    /* A model that blew up numerically must not reach a customer: fall back
     * to the mean of the last known months. */
    int bad = 0;
    for (size_t i = 0; i < big_h; i++)
        if (!isfinite(path[i]))
            bad = 1;
    if (bad) {
        served = "mean12";
        params = tl_method_mean(s.known, n_known, big_h, path, NULL);
        tl_method_mean(s.y, n, 1, s.m2, s.fit);
    }
    for (size_t i = 0; i < h; i++) {
        double v = path[gap + i];
        means[i] = v > 0 ? v : 0; /* spending is never negative */
    }

    /* One-step residuals at known months (interpolated ones would flatter
     * the fit), measured against the series as observed, outliers included:
     * the interval is for what the customer will actually do. */
    double sse = 0, level = 0;
    size_t nres = 0;
    for (size_t t = 0; t < n; t++) {
        if (isnan(src[t]) || !isfinite(s.fit[t]))
            continue;
        double r = src[t] - s.fit[t];
        sse += r * r;
        nres++;
    }
    for (size_t i = 0; i < n_known; i++)
        level += fabs(s.known[i]) / (double)n_known;
    /* Residual variance over the degrees of freedom left after the fitted
     * parameters; with none left, over the residual count. */
    double dof = nres > params ? (double)(nres - params) : 0.0;
    double v0 = sse / (dof > 0 ? dof : nres > 0 ? (double)nres : 1.0);
    /* Below a year of history, pool with the prior CV as if it were worth
     * (12 - n_known) / 2 residuals, so one month gives a wide interval
     * rather than none; with no residual degrees of freedom at all the
     * prior alone decides. */
    double k0 = n_known < 12 ? (12.0 - (double)n_known) / 2.0 : 0.0;
    if (dof == 0 && k0 < 1)
        k0 = 1;
    double prior = PRIOR_CV * level;
    double var = (v0 * dof + k0 * prior * prior) / (dof + k0);

    memcpy(s.tmp, s.known + (n_known > 12 ? n_known - 12 : 0),
           (n_known < 12 ? n_known : 12) * sizeof(double));
    st->median12 = median_inplace(s.tmp, n_known < 12 ? n_known : 12);
    st->n_known = n_known;
    st->gap = gap;
    st->sigma1 = sqrt(var);
    st->df = dof;
    st->name = served;
    free(s.block);
    return 0;
}

int tl_forecast_path(const double *totals, size_t n, tl_forecast_method method,
                     size_t h, double *means, tl_err *err)
{
    if (!means)
        return tl_err_set(err, TL_EINPUT, "forecast: no output buffer");
    fc_stats st;
    return forecast_run(totals, n, method, h, means, &st, err);
}

int tl_forecast_next(const double *totals, size_t n, tl_forecast_method method,
                     tl_forecast *out, tl_err *err)
{
    if (!out)
        return tl_err_set(err, TL_EINPUT, "forecast: no output record");
    double mean;
    fc_stats st;
    int rc = forecast_run(totals, n, method, 1, &mean, &st, err);
    if (rc != 0)
        return rc;
    /* One predictive normal: sd widened so its 10/90% points equal the
     * Student-t interval, and again by sqrt(steps) when recent months are
     * missing (the forecast then reaches further past the data). */
    double z = 1.2815515655446004;
    double sd = st.sigma1 * t90(st.df) / z * sqrt((double)(st.gap + 1));
    out->mean = mean;
    out->lo80 = mean - z * sd > 0 ? mean - z * sd : 0;
    out->hi80 = mean + z * sd;
    out->trailing_median = st.median12;
    if (sd > 0)
        out->p_above_median = 0.5 * erfc((st.median12 - mean) / (sd * sqrt(2.0)));
    else
        out->p_above_median = mean > st.median12 ? 1.0 : mean < st.median12 ? 0.0 : 0.5;
    out->n_known = st.n_known;
    out->method = st.name;
    return 0;
}
