/* method.c — point forecasters on a clean monthly series (see method.h).
 *
 * Everything here is O(n) per model evaluation and allocation-free, so the
 * backtest of 1,428 M3 series and the batch forecast of every customer stay
 * fast: the smoothing methods solve for their initial states in closed form
 * (the one-step predictions are linear in them) and only search over the
 * smoothing parameters. */
#include "forecast/method.h"

#include <math.h>
#include <string.h>

#define P TL_METHOD_PERIOD

/* ---- seasonality --------------------------------------------------------- */

/* The M3 / Theta test: seasonal when |r_12| exceeds 1.645 standard errors,
 * the standard error from Bartlett's formula with the lower-lag r_k. */
static int seasonal_test(const double *y, size_t n)
{
    if (n <= 2 * P)
        return 0;
    double mean = 0;
    for (size_t t = 0; t < n; t++)
        mean += y[t];
    mean /= (double)n;
    double denom = 0;
    for (size_t t = 0; t < n; t++)
        denom += (y[t] - mean) * (y[t] - mean);
    if (!(denom > 1e-12 * (mean * mean * (double)n + 1e-300)))
        return 0; /* constant: nothing to detect */
    double sum_sq = 0, r_m = 0;
    for (size_t k = 1; k <= P; k++) {
        double acc = 0;
        for (size_t t = k; t < n; t++)
            acc += (y[t] - mean) * (y[t - k] - mean);
        double r = acc / denom;
        if (k < P)
            sum_sq += r * r;
        else
            r_m = r;
    }
    double se = sqrt((1.0 + 2.0 * sum_sq) / (double)n);
    return fabs(r_m) / se > 1.6448536269514722;
}

void tl_method_season_init(tl_method_season *s, const double *y, size_t n,
                           double *adj)
{
    s->n = n;
    s->adj = adj;
    s->x = y;
    s->kind = 0;
    for (size_t j = 0; j < P; j++)
        s->index[j] = 1.0;
    if (!seasonal_test(y, n))
        return;

    int mult = 1;
    for (size_t t = 0; t < n; t++)
        if (!(y[t] > 0)) {
            mult = 0; /* ratios to a trend through zero mean nothing */
            break;
        }

    /* Classical decomposition: centred 2x12 moving average as the trend, the
     * figure is the mean detrended value per position. */
    double sum[P] = {0}, cnt[P] = {0};
    double window = 0; /* y[t-5..t+5] */
    for (size_t t = 1; t < 2 * (P / 2); t++)
        window += y[t];
    for (size_t t = P / 2; t + P / 2 < n; t++) {
        double trend = (window + 0.5 * (y[t - P / 2] + y[t + P / 2])) / P;
        size_t j = t % P;
        if (mult) {
            if (trend > 0) {
                sum[j] += y[t] / trend;
                cnt[j] += 1;
            }
        } else {
            sum[j] += y[t] - trend;
            cnt[j] += 1;
        }
        window += y[t + P / 2] - y[t - P / 2 + 1];
    }
    double avg = 0;
    for (size_t j = 0; j < P; j++) {
        if (cnt[j] == 0)
            return; /* cannot happen for n > 24; stay non-seasonal */
        s->index[j] = sum[j] / cnt[j];
        avg += s->index[j] / P;
    }
    for (size_t j = 0; j < P; j++) {
        if (mult) {
            s->index[j] /= avg;
            if (!(s->index[j] > 1e-4))
                mult = -1;
        } else {
            s->index[j] -= avg;
        }
    }
    if (mult < 0) { /* a near-zero index would blow the adjusted series up */
        for (size_t j = 0; j < P; j++)
            s->index[j] = 1.0;
        return;
    }
    s->kind = mult ? 1 : 2;
    for (size_t t = 0; t < n; t++)
        adj[t] = mult ? y[t] / s->index[t % P] : y[t] - s->index[t % P];
    s->x = adj;
}

void tl_method_season_apply(const tl_method_season *s, double *means,
                            size_t h, double *fit)
{
    if (s->kind == 0)
        return;
    for (size_t i = 0; i < h; i++) {
        double f = s->index[(s->n + i) % P];
        means[i] = s->kind == 1 ? means[i] * f : means[i] + f;
    }
    if (!fit)
        return;
    for (size_t t = 0; t < s->n; t++) {
        double f = s->index[t % P];
        fit[t] = s->kind == 1 ? fit[t] * f : fit[t] + f;
    }
}

/* ---- small linear algebra ------------------------------------------------ */

/* Solves A x = b for a symmetric positive definite k x k A (row-major,
 * overwritten by its Cholesky factor). Returns 0, or -1 when A is not
 * positive definite. */
static int cholesky_solve(double *a, double *b, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        double d = a[j * k + j];
        for (size_t q = 0; q < j; q++)
            d -= a[j * k + q] * a[j * k + q];
        if (!(d > 0))
            return -1;
        d = sqrt(d);
        a[j * k + j] = d;
        for (size_t i = j + 1; i < k; i++) {
            double v = a[i * k + j];
            for (size_t q = 0; q < j; q++)
                v -= a[i * k + q] * a[j * k + q];
            a[i * k + j] = v / d;
        }
    }
    for (size_t i = 0; i < k; i++) { /* L z = b */
        double v = b[i];
        for (size_t q = 0; q < i; q++)
            v -= a[i * k + q] * b[q];
        b[i] = v / a[i * k + i];
    }
    for (size_t i = k; i-- > 0;) { /* L' x = z */
        double v = b[i];
        for (size_t q = i + 1; q < k; q++)
            v -= a[q * k + i] * b[q];
        b[i] = v / a[i * k + i];
    }
    return 0;
}

static void fill_nan(double *fit, size_t n)
{
    if (fit)
        for (size_t t = 0; t < n; t++)
            fit[t] = NAN;
}

static void fill_const(double *means, size_t h, double v)
{
    for (size_t i = 0; i < h; i++)
        means[i] = v;
}

/* ---- the prototype: AR(11) by OLS ----------------------------------------- */

#define AR_MAX_LAGS 11

size_t tl_method_prototype(const double *y, size_t n, size_t h,
                           double *means, double *fit, double *work)
{
    /* Standardised so the normal equations stay well conditioned whatever
     * the currency; the ridge below only matters for collinear lags. */
    double mu = 0, sd = 0;
    for (size_t t = 0; t < n; t++)
        mu += y[t];
    mu /= (double)n;
    for (size_t t = 0; t < n; t++)
        sd += (y[t] - mu) * (y[t] - mu);
    sd = sqrt(sd / (double)n);
    /* The full model wants at least two rows per coefficient (n >= 35);
     * shorter histories drop lags to keep rows >= 2 * lags + 1 (none at all
     * gives the mean) and lean on a ridge, else 13 rows for 12 coefficients
     * fit the noise exactly and the recursion explodes. */
    size_t p = AR_MAX_LAGS;
    int short_history = n < 3 * AR_MAX_LAGS + 2;
    if (short_history)
        p = n >= 2 ? (n - 1) / 3 : 0;
    if (p == 0 || !(sd > 1e-12 * (fabs(mu) + 1e-300))) {
        fill_const(means, h, mu);
        if (fit)
            for (size_t t = 0; t < n; t++)
                fit[t] = t == 0 ? NAN : mu;
        return 1;
    }

    size_t k = p + 1;
    double a[(AR_MAX_LAGS + 1) * (AR_MAX_LAGS + 1)];
    double b[AR_MAX_LAGS + 1];
    double coef[AR_MAX_LAGS + 1];
    double *z = work; /* standardised history, then the forecasts: n + h */
    for (size_t t = 0; t < n; t++)
        z[t] = (y[t] - mu) / sd;

    /* Per row, on standardised lags: 0.1 shrinks a short history's
     * coefficients towards the mean without erasing them. */
    double ridge = short_history ? 0.1 : 1e-9;
    for (int attempt = 0; attempt < 4; attempt++, ridge *= 100) {
        memset(a, 0, sizeof a);
        memset(b, 0, sizeof b);
        for (size_t t = p; t < n; t++) {
            double row[AR_MAX_LAGS + 1];
            row[0] = 1.0;
            for (size_t l = 1; l <= p; l++)
                row[l] = z[t - l];
            for (size_t i = 0; i < k; i++) {
                b[i] += row[i] * z[t];
                for (size_t j = 0; j <= i; j++)
                    a[i * k + j] += row[i] * row[j];
            }
        }
        double rows = (double)(n - p);
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < i; j++)
                a[j * k + i] = a[i * k + j];
        for (size_t i = 1; i < k; i++)
            a[i * k + i] += ridge * rows; /* never on the intercept */
        memcpy(coef, b, sizeof coef);
        if (cholesky_solve(a, coef, k) == 0)
            break;
        if (attempt == 3) { /* hopeless: the mean is the honest answer */
            fill_const(means, h, mu);
            fill_nan(fit, n);
            return 1;
        }
    }

    if (fit) {
        for (size_t t = 0; t < n; t++) {
            if (t < p) {
                fit[t] = NAN;
                continue;
            }
            double v = coef[0];
            for (size_t l = 1; l <= p; l++)
                v += coef[l] * z[t - l];
            fit[t] = mu + sd * v;
        }
    }
    for (size_t i = 0; i < h; i++) {
        size_t t = n + i;
        double v = coef[0];
        for (size_t l = 1; l <= p; l++)
            v += coef[l] * z[t - l];
        /* A fitted recursion may still be explosive; ten standard
         * deviations from the mean is past anything the history shows. */
        v = v > 10 ? 10 : v < -10 ? -10 : v;
        z[t] = v;
        means[i] = mu + sd * v;
    }
    return k;
}

/* ---- benchmarks ----------------------------------------------------------- */

size_t tl_method_snaive(const double *y, size_t n, size_t h, double *means,
                        double *fit)
{
    for (size_t i = 0; i < h; i++)
        means[i] = n >= P ? y[n - P + i % P] : y[n - 1];
    if (fit)
        for (size_t t = 0; t < n; t++)
            fit[t] = t >= P ? y[t - P] : t >= 1 && n < P ? y[t - 1] : NAN;
    return 0;
}

size_t tl_method_mean(const double *y, size_t n, size_t h, double *means,
                      double *fit)
{
    size_t w = n < P ? n : P;
    double s = 0;
    for (size_t t = n - w; t < n; t++)
        s += y[t];
    fill_const(means, h, s / (double)w);
    if (fit) {
        double run = 0; /* sum of y[t-w'..t) with w' = min(t, 12) */
        for (size_t t = 0; t < n; t++) {
            fit[t] = t == 0 ? NAN : run / (double)(t < P ? t : P);
            run += y[t];
            if (t >= P)
                run -= y[t - P];
        }
    }
    return 1;
}

/* Interquartile mean of v[0..n), n <= 12: sorted (insertion sort on a
 * copy), floor(n/4) values dropped at each end, the rest averaged. */
static double trimmed12(const double *v, size_t n)
{
    double s[P];
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && s[j - 1] > v[i]; j--)
            s[j] = s[j - 1];
        s[j] = v[i];
    }
    size_t cut = n / 4;
    double sum = 0;
    for (size_t i = cut; i < n - cut; i++)
        sum += s[i];
    return sum / (double)(n - 2 * cut);
}

size_t tl_method_trimmed(const double *y, size_t n, size_t h, double *means,
                         double *fit)
{
    size_t w = n < P ? n : P;
    fill_const(means, h, trimmed12(y + n - w, w));
    if (fit)
        for (size_t t = 0; t < n; t++)
            fit[t] = t == 0 ? NAN : trimmed12(y + (t > P ? t - P : 0), t < P ? t : P);
    return 1;
}

/* ---- simple exponential smoothing ----------------------------------------- */

/* In-sample SSE of SES with smoothing `a` and the least-squares initial level
 * (the one-step predictions are g_t + (1-a)^t * l0, linear in l0). x is
 * centred by `c` to keep the sums small. */
static double ses_sse(const double *x, size_t n, double c, double a,
                      double *l0_out, double *last_out)
{
    double g = 0, d = 1, srr = 0, sdr = 0, sdd = 0;
    for (size_t t = 0; t < n; t++) {
        double r = (x[t] - c) - g;
        srr += r * r;
        sdr += d * r;
        sdd += d * d;
        g = (1 - a) * g + a * (x[t] - c);
        d *= 1 - a;
    }
    double l0 = sdd > 0 ? sdr / sdd : 0;
    if (l0_out)
        *l0_out = l0 + c;
    if (last_out)
        *last_out = g + d * l0 + c; /* level after the last point */
    double sse = srr - l0 * sdr;
    return sse > 0 ? sse : 0;
}

/* alpha by a coarse grid, then golden section around the best grid point:
 * the SSE is smooth in alpha but not always unimodal. */
static double ses_alpha(const double *x, size_t n, double c)
{
    static const double lo = 1e-4, hi = 0.9999;
    enum { GRID = 20 };
    double best_a = lo, best = INFINITY;
    double step = (hi - lo) / GRID;
    for (int i = 0; i <= GRID; i++) {
        double a = lo + step * i;
        double f = ses_sse(x, n, c, a, NULL, NULL);
        if (f < best) {
            best = f;
            best_a = a;
        }
    }
    double l = fmax(lo, best_a - step), r = fmin(hi, best_a + step);
    const double g = 0.6180339887498949;
    double a1 = r - g * (r - l), a2 = l + g * (r - l);
    double f1 = ses_sse(x, n, c, a1, NULL, NULL);
    double f2 = ses_sse(x, n, c, a2, NULL, NULL);
    for (int it = 0; it < 24; it++) {
        if (f1 <= f2) {
            r = a2;
            a2 = a1;
            f2 = f1;
            a1 = r - g * (r - l);
            f1 = ses_sse(x, n, c, a1, NULL, NULL);
        } else {
            l = a1;
            a1 = a2;
            f1 = f2;
            a2 = l + g * (r - l);
            f2 = ses_sse(x, n, c, a2, NULL, NULL);
        }
    }
    double a = f1 <= f2 ? a1 : a2;
    double fa = fmin(f1, f2);
    return fa <= best ? a : best_a;
}

static double series_mean(const double *x, size_t n)
{
    double s = 0;
    for (size_t t = 0; t < n; t++)
        s += x[t];
    return s / (double)n;
}

/* One-step predictions of SES from level l0 (for the interval). */
static void ses_fit(const double *x, size_t n, double a, double l0,
                    double *fit)
{
    double l = l0;
    for (size_t t = 0; t < n; t++) {
        fit[t] = l;
        l += a * (x[t] - l);
    }
}

size_t tl_method_ses(const tl_method_season *s, size_t h, double *means,
                     double *fit, double *alpha_out)
{
    const double *x = s->x;
    size_t n = s->n;
    if (n == 1) {
        fill_const(means, h, x[0]);
        fill_nan(fit, n);
        if (alpha_out)
            *alpha_out = 1.0;
        return 1;
    }
    double c = series_mean(x, n);
    double a = ses_alpha(x, n, c);
    double l0, last;
    ses_sse(x, n, c, a, &l0, &last);
    fill_const(means, h, last);
    if (fit)
        ses_fit(x, n, a, l0, fit);
    if (alpha_out)
        *alpha_out = a;
    tl_method_season_apply(s, means, h, fit);
    return 2 + (s->kind ? P - 1 : 0);
}

/* ---- Theta ------------------------------------------------------------------ */

static double ols_slope(const double *x, size_t n)
{
    double tbar = (double)(n - 1) / 2.0, xbar = series_mean(x, n);
    double sxy = 0, sxx = 0;
    for (size_t t = 0; t < n; t++) {
        sxy += ((double)t - tbar) * (x[t] - xbar);
        sxx += ((double)t - tbar) * ((double)t - tbar);
    }
    return sxx > 0 ? sxy / sxx : 0;
}

size_t tl_method_theta(const tl_method_season *s, size_t h, double *means,
                       double *fit)
{
    const double *x = s->x;
    size_t n = s->n;
    if (n == 1) {
        fill_const(means, h, x[0]);
        fill_nan(fit, n);
        return 1;
    }
    double c = series_mean(x, n);
    double a = ses_alpha(x, n, c);
    double l0, last;
    ses_sse(x, n, c, a, &l0, &last);
    /* The theta=2 line extrapolated by SES plus the theta=0 line (the OLS
     * trend) averaged: SES with drift b/2, the drift's start shifted by the
     * SES lag (1 - (1-a)^n) / a. */
    double drift = ols_slope(x, n) / 2.0;
    double lag = (1.0 - pow(1.0 - a, (double)n)) / a;
    for (size_t i = 0; i < h; i++)
        means[i] = last + drift * ((double)i + lag);
    if (fit)
        ses_fit(x, n, a, l0, fit);
    tl_method_season_apply(s, means, h, fit);
    return 3 + (s->kind ? P - 1 : 0);
}

/* ---- damped trend ----------------------------------------------------------- */

typedef struct damped_eval {
    double sse, l0, b0, l_last, b_last;
} damped_eval;

/* ETS(A,Ad,N) in-sample SSE for given (a, b, phi) with least-squares initial
 * level and trend: the recursion is linear in (l0, b0), so three runs (data
 * from zero states, unit level, unit trend) give the 2x2 normal equations. */
static damped_eval damped_sse(const double *x, size_t n, double c, double a,
                              double b, double phi)
{
    double lg = 0, bg = 0, lc = 1, bc = 0, ld = 0, bd = 1;
    double srr = 0, scc = 0, sdd = 0, scd = 0, scr = 0, sdr = 0;
    for (size_t t = 0; t < n; t++) {
        double fg = lg + phi * bg, fc = lc + phi * bc, fd = ld + phi * bd;
        double r = (x[t] - c) - fg;
        srr += r * r;
        scc += fc * fc;
        sdd += fd * fd;
        scd += fc * fd;
        scr += fc * r;
        sdr += fd * r;
        lg = fg + a * r;
        bg = phi * bg + b * r;
        lc = fc - a * fc;
        bc = phi * bc - b * fc;
        ld = fd - a * fd;
        bd = phi * bd - b * fd;
    }
    damped_eval e;
    double ridge = 1e-10 * (scc + sdd) + 1e-300;
    double m11 = scc + ridge, m22 = sdd + ridge, det = m11 * m22 - scd * scd;
    if (det > 0) {
        e.l0 = (m22 * scr - scd * sdr) / det;
        e.b0 = (m11 * sdr - scd * scr) / det;
    } else {
        e.l0 = m11 > 0 ? scr / m11 : 0;
        e.b0 = 0;
    }
    e.sse = srr - e.l0 * scr - e.b0 * sdr;
    if (!(e.sse > 0))
        e.sse = e.sse == e.sse ? 0 : INFINITY;
    e.l_last = lg + e.l0 * lc + e.b0 * ld + c;
    e.b_last = bg + e.l0 * bc + e.b0 * bd;
    e.l0 += c;
    return e;
}

static double logistic(double u)
{
    return 1.0 / (1.0 + exp(-u));
}

/* The unconstrained search space: alpha in (1e-4, 0.9999), beta in
 * (1e-4, alpha), phi in [0.8, 0.98] — the usual admissible ranges. */
static void damped_params(const double u[3], double *a, double *b, double *phi)
{
    *a = 1e-4 + (0.9999 - 1e-4) * logistic(u[0]);
    *b = 1e-4 + (*a - 1e-4) * logistic(u[1]);
    *phi = 0.8 + 0.18 * logistic(u[2]);
}

static double damped_objective(const double *x, size_t n, double c,
                               const double u[3])
{
    double a, b, phi;
    damped_params(u, &a, &b, &phi);
    return damped_sse(x, n, c, a, b, phi).sse;
}

/* Nelder–Mead on 3 parameters; small and deterministic. */
static void nelder_mead3(const double *x, size_t n, double c, double u[3],
                         int max_evals)
{
    double s[4][3], f[4];
    for (int i = 0; i < 4; i++) {
        memcpy(s[i], u, sizeof s[i]);
        if (i > 0)
            s[i][i - 1] += 1.0;
        f[i] = damped_objective(x, n, c, s[i]);
    }
    int evals = 4;
    while (evals < max_evals) {
        /* order: best first */
        for (int i = 1; i < 4; i++)
            for (int j = i; j > 0 && f[j] < f[j - 1]; j--) {
                double tf = f[j];
                f[j] = f[j - 1];
                f[j - 1] = tf;
                double tv[3];
                memcpy(tv, s[j], sizeof tv);
                memcpy(s[j], s[j - 1], sizeof tv);
                memcpy(s[j - 1], tv, sizeof tv);
            }
        if (fabs(f[3] - f[0]) <= 1e-10 * (fabs(f[0]) + 1e-300))
            break;
        double cen[3] = {0, 0, 0};
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++)
                cen[k] += s[i][k] / 3.0;
        double xr[3], xe[3], xc[3];
        for (int k = 0; k < 3; k++)
            xr[k] = cen[k] + (cen[k] - s[3][k]);
        double fr = damped_objective(x, n, c, xr);
        evals++;
        if (fr < f[0]) {
            for (int k = 0; k < 3; k++)
                xe[k] = cen[k] + 2.0 * (cen[k] - s[3][k]);
            double fe = damped_objective(x, n, c, xe);
            evals++;
            if (fe < fr) {
                memcpy(s[3], xe, sizeof xe);
                f[3] = fe;
            } else {
                memcpy(s[3], xr, sizeof xr);
                f[3] = fr;
            }
            continue;
        }
        if (fr < f[2]) {
            memcpy(s[3], xr, sizeof xr);
            f[3] = fr;
            continue;
        }
        int outside = fr < f[3];
        for (int k = 0; k < 3; k++)
            xc[k] = outside ? cen[k] + 0.5 * (xr[k] - cen[k])
                            : cen[k] + 0.5 * (s[3][k] - cen[k]);
        double fc = damped_objective(x, n, c, xc);
        evals++;
        if (fc < (outside ? fr : f[3])) {
            memcpy(s[3], xc, sizeof xc);
            f[3] = fc;
            continue;
        }
        for (int i = 1; i < 4; i++) { /* shrink towards the best */
            for (int k = 0; k < 3; k++)
                s[i][k] = s[0][k] + 0.5 * (s[i][k] - s[0][k]);
            f[i] = damped_objective(x, n, c, s[i]);
        }
        evals += 3;
    }
    int best = 0;
    for (int i = 1; i < 4; i++)
        if (f[i] < f[best])
            best = i;
    memcpy(u, s[best], sizeof s[best]);
}

size_t tl_method_damped(const tl_method_season *s, size_t h, double *means,
                        double *fit)
{
    const double *x = s->x;
    size_t n = s->n;
    if (n < 6)
        return tl_method_ses(s, h, means, fit, NULL);
    double c = series_mean(x, n);
    /* Start where smoothed level, a little trend, strong damping. */
    double u[3] = {-0.85, -2.2, 0.0}; /* alpha ~0.3, beta ~0.03, phi ~0.89 */
    nelder_mead3(x, n, c, u, 240);
    double a, b, phi;
    damped_params(u, &a, &b, &phi);
    damped_eval e = damped_sse(x, n, c, a, b, phi);
    double damp = 0, pk = 1;
    for (size_t i = 0; i < h; i++) {
        pk *= phi;
        damp += pk;
        means[i] = e.l_last + damp * e.b_last;
    }
    if (fit) {
        double l = e.l0, tr = e.b0;
        for (size_t t = 0; t < n; t++) {
            double f = l + phi * tr;
            fit[t] = f;
            double r = x[t] - f;
            l = f + a * r;
            tr = phi * tr + b * r;
        }
    }
    tl_method_season_apply(s, means, h, fit);
    return 5 + (s->kind ? P - 1 : 0);
}
