/* backtest.c — loading evaluation series and scoring forecasters on them
 * (see backtest.h; docs/forecast.md has the figures). */
#include "forecast/backtest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/month.h"
#include "base/str.h"

#define ID_MAX 64
#define MAX_FIELDS 256

void tl_backtest_init(tl_backtest *bt)
{
    memset(bt, 0, sizeof *bt);
}

void tl_backtest_free(tl_backtest *bt)
{
    if (!bt)
        return;
    for (size_t i = 0; i < bt->count; i++)
        free(bt->series[i].train); /* test shares the allocation */
    free(bt->series);
    tl_backtest_init(bt);
}

int tl_backtest_add(tl_backtest *bt, const char *id, const double *train,
                    size_t n_train, const double *test, size_t n_test,
                    tl_err *err)
{
    if (n_train == 0 || n_test == 0)
        return tl_err_set(err, TL_EINPUT, "backtest: series '%s' needs training "
                          "and held-out months (%zu, %zu)", id, n_train, n_test);
    if (bt->count == bt->cap) {
        size_t cap = bt->cap ? 2 * bt->cap : 64;
        tl_backtest_series *p = realloc(bt->series, cap * sizeof *p);
        if (!p)
            return tl_err_set(err, TL_ENOMEM, "backtest: out of memory");
        bt->series = p;
        bt->cap = cap;
    }
    double *v = malloc((n_train + n_test) * sizeof *v);
    if (!v)
        return tl_err_set(err, TL_ENOMEM, "backtest: out of memory");
    memcpy(v, train, n_train * sizeof *v);
    memcpy(v + n_train, test, n_test * sizeof *v);
    tl_backtest_series *s = &bt->series[bt->count++];
    tl_strlcpy(s->id, id, sizeof s->id);
    s->train = v;
    s->test = v + n_train;
    s->n_train = n_train;
    s->n_test = n_test;
    return 0;
}

/* Drops the series added since the set held `count`: a failed load leaves
 * the set as it was. */
static void truncate_to(tl_backtest *bt, size_t count)
{
    while (bt->count > count)
        free(bt->series[--bt->count].train);
}

/* ---- CSV lines ----------------------------------------------------------- */

/* Splits one line in place into at most `max` fields (RFC 4180 quoting
 * within the line; no embedded newlines). Strips the line end. Returns the
 * field count, or -1 when there are more than `max`. */
static int split_csv(char *line, char **fields, int max)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    int nf = 0;
    char *p = line;
    for (;;) {
        if (nf == max)
            return -1;
        char *out = p;
        fields[nf++] = p;
        if (*p == '"') { /* quoted: "" is a quote, ends at a lone quote */
            char *r = p + 1;
            for (; *r; r++) {
                if (*r == '"') {
                    if (r[1] == '"') {
                        *out++ = '"';
                        r++;
                        continue;
                    }
                    r++;
                    break;
                }
                *out++ = *r;
            }
            p = r;
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                p++;
            out = p;
        }
        int more = *p == ',';
        *out = '\0';
        if (!more)
            break;
        p++;
    }
    return nf;
}

typedef struct csv_file {
    FILE *f;
    const char *path;
    char *line;
    size_t cap;
    size_t lineno;
} csv_file;

static int csv_open(csv_file *c, const char *path, tl_err *err)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->f = fopen(path, "r");
    if (!c->f)
        return tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
    return 0;
}

static void csv_close(csv_file *c)
{
    if (c->f)
        fclose(c->f);
    free(c->line);
    memset(c, 0, sizeof *c);
}

/* Reads the next non-blank line and splits it. Returns the field count, 0 at
 * end of file, or a negative TL_E* code. */
static int csv_next(csv_file *c, char **fields, int max, tl_err *err)
{
    for (;;) {
        errno = 0;
        ssize_t got = getline(&c->line, &c->cap, c->f);
        if (got < 0) {
            if (errno == ENOMEM)
                return tl_err_set(err, TL_ENOMEM, "%s: out of memory", c->path);
            if (ferror(c->f))
                return tl_err_set(err, TL_EIO, "%s: read error", c->path);
            return 0;
        }
        c->lineno++;
        if (strspn(c->line, " \t\r\n") == (size_t)got)
            continue;
        int nf = split_csv(c->line, fields, max);
        if (nf < 0)
            return tl_err_set(err, TL_EINPUT, "%s:%zu: more than %d fields",
                              c->path, c->lineno, max);
        return nf;
    }
}

/* Parses a value field; empty means no data (NAN). */
static int parse_value(const csv_file *c, const char *field, int col,
                       double *out, tl_err *err)
{
    if (*field == '\0') {
        *out = NAN;
        return 0;
    }
    if (!tl_parse_double(field, false, out))
        return tl_err_set(err, TL_EINPUT, "%s:%zu:%d: not a number: '%.40s'",
                          c->path, c->lineno, col + 1, field);
    return 0;
}

/* ---- M3 ---------------------------------------------------------------- */

typedef struct m3_row {
    char id[ID_MAX + 1];
    double *v;
    size_t n;
} m3_row;

static int cmp_m3_row(const void *a, const void *b)
{
    return strcmp(((const m3_row *)a)->id, ((const m3_row *)b)->id);
}

static void m3_rows_free(m3_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].v);
    free(rows);
}

/* Reads one M3 file: `skip` descriptive columns after the id, the count of
 * values in column `ncol` (or -1: the rest of the row). */
static int m3_read(const char *path, int skip, int ncol, m3_row **rows_out,
                   size_t *count_out, tl_err *err)
{
    csv_file c;
    int rc = csv_open(&c, path, err);
    if (rc)
        return rc;
    char *fields[MAX_FIELDS];
    m3_row *rows = NULL;
    size_t count = 0, cap = 0;
    int nf = csv_next(&c, fields, MAX_FIELDS, err); /* header */
    if (nf <= 0) {
        rc = nf < 0 ? nf : tl_err_set(err, TL_EINPUT, "%s: empty file", path);
        goto fail_read;
    }
    while ((nf = csv_next(&c, fields, MAX_FIELDS, err)) > 0) {
        if (nf < 1 + skip + 1) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%zu: %d fields, want at least %d",
                            path, c.lineno, nf, skip + 2);
            goto fail_read;
        }
        size_t nv = (size_t)(nf - 1 - skip);
        if (ncol >= 0) {
            int64_t want;
            if (!tl_parse_i64(fields[ncol], &want) || want < 1 ||
                (size_t)want > nv) {
                rc = tl_err_set(err, TL_EINPUT, "%s:%zu:%d: bad value count '%.20s'"
                                " (%zu values on the row)", path, c.lineno,
                                ncol + 1, fields[ncol], nv);
                goto fail_read;
            }
            nv = (size_t)want;
        }
        if (strlen(fields[0]) > ID_MAX || fields[0][0] == '\0') {
            rc = tl_err_set(err, TL_EINPUT, "%s:%zu:1: id empty or longer than %d",
                            path, c.lineno, ID_MAX);
            goto fail_read;
        }
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            m3_row *p = realloc(rows, ncap * sizeof *p);
            if (!p) {
                rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory", path);
                goto fail_read;
            }
            rows = p;
            cap = ncap;
        }
        m3_row *r = &rows[count];
        r->v = malloc(nv * sizeof *r->v);
        if (!r->v) {
            rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory", path);
            goto fail_read;
        }
        count++;
        tl_strlcpy(r->id, fields[0], sizeof r->id);
        r->n = nv;
        for (size_t i = 0; i < nv; i++) {
            int col = 1 + skip + (int)i;
            rc = parse_value(&c, fields[col], col, &r->v[i], err);
            if (rc)
                goto fail_read;
        }
    }
    if (nf < 0) {
        rc = nf;
        goto fail_read;
    }
    csv_close(&c);
    *rows_out = rows;
    *count_out = count;
    return 0;

fail_read:
    m3_rows_free(rows, count);
    csv_close(&c);
    return rc;
}

int tl_backtest_load_m3(tl_backtest *bt, const char *dir, tl_err *err)
{
    char train_path[4096], test_path[4096];
    snprintf(train_path, sizeof train_path, "%s/m3_monthly_train.csv", dir);
    snprintf(test_path, sizeof test_path, "%s/m3_monthly_test.csv", dir);
    m3_row *train = NULL, *test = NULL;
    size_t n_train = 0, n_test = 0, count0 = bt->count;
    int rc = m3_read(train_path, 4, 4, &train, &n_train, err);
    if (rc)
        return rc;
    rc = m3_read(test_path, 2, 2, &test, &n_test, err);
    if (rc)
        goto fail_test;
    /* Pair by id; the series keep the training file's order. */
    qsort(test, n_test, sizeof *test, cmp_m3_row);
    for (size_t i = 0; i < n_train; i++) {
        m3_row *t = bsearch(&train[i], test, n_test, sizeof *test, cmp_m3_row);
        if (!t) {
            rc = tl_err_set(err, TL_EINPUT, "%s: series %s has no test row",
                            test_path, train[i].id);
            goto fail_pair;
        }
        rc = tl_backtest_add(bt, train[i].id, train[i].v, train[i].n, t->v, t->n, err);
        if (rc)
            goto fail_pair;
    }
    snprintf(bt->name, sizeof bt->name, "M3 monthly");
    m3_rows_free(test, n_test);
    m3_rows_free(train, n_train);
    return 0;

fail_pair:
    truncate_to(bt, count0);
    m3_rows_free(test, n_test);
fail_test:
    m3_rows_free(train, n_train);
    return rc;
}

/* ---- long files: one row per (id, month) ------------------------------------ */

typedef struct long_row {
    char id[ID_MAX + 1];
    int month;
    size_t line;
    double value;
} long_row;

static int cmp_long_row(const void *a, const void *b)
{
    const long_row *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return (x->month > y->month) - (x->month < y->month);
}

/* Which columns hold what; value is the sum of the value columns. */
typedef struct long_spec {
    const char *id_col;
    const char *month_col;
    const char *value_cols[2];
} long_spec;

static int find_col(char **fields, int nf, const char *name)
{
    for (int i = 0; i < nf; i++)
        if (tl_strcaseeq(tl_strtrim(fields[i]), name))
            return i;
    return -1;
}

static int long_load(tl_backtest *bt, const char *path, const long_spec *spec,
                     size_t min_months, size_t holdout, tl_err *err)
{
    if (holdout == 0)
        return tl_err_set(err, TL_EINPUT, "backtest: hold out at least one month");
    csv_file c;
    int rc = csv_open(&c, path, err);
    if (rc)
        return rc;
    char *fields[MAX_FIELDS];
    long_row *rows = NULL;
    double *values = NULL;
    size_t count = 0, cap = 0, count0 = bt->count;
    int nf = csv_next(&c, fields, MAX_FIELDS, err);
    if (nf <= 0) {
        rc = nf < 0 ? nf : tl_err_set(err, TL_EINPUT, "%s: empty file", path);
        goto done;
    }
    int id_i = find_col(fields, nf, spec->id_col);
    int month_i = find_col(fields, nf, spec->month_col);
    int val_i[2] = {-1, -1};
    for (int k = 0; k < 2 && spec->value_cols[k]; k++) {
        val_i[k] = find_col(fields, nf, spec->value_cols[k]);
        if (val_i[k] < 0) {
            rc = tl_err_set(err, TL_EINPUT, "%s:1: no '%s' column", path,
                            spec->value_cols[k]);
            goto done;
        }
    }
    if (id_i < 0 || month_i < 0) {
        rc = tl_err_set(err, TL_EINPUT, "%s:1: no '%s' column", path,
                        id_i < 0 ? spec->id_col : spec->month_col);
        goto done;
    }
    int need = id_i > month_i ? id_i : month_i;
    for (int k = 0; k < 2; k++)
        need = val_i[k] > need ? val_i[k] : need;

    while ((nf = csv_next(&c, fields, MAX_FIELDS, err)) > 0) {
        if (nf <= need) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%zu: %d fields, want %d", path,
                            c.lineno, nf, need + 1);
            goto done;
        }
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            long_row *p = realloc(rows, ncap * sizeof *p);
            if (!p) {
                rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            rows = p;
            cap = ncap;
        }
        long_row *r = &rows[count];
        const char *id = tl_strtrim(fields[id_i]);
        if (!*id || strlen(id) > ID_MAX) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%zu:%d: id empty or longer than %d",
                            path, c.lineno, id_i + 1, ID_MAX);
            goto done;
        }
        tl_strlcpy(r->id, id, sizeof r->id);
        if (!tl_month_parse(tl_strtrim(fields[month_i]), &r->month)) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%zu:%d: not a month: '%.20s'", path,
                            c.lineno, month_i + 1, fields[month_i]);
            goto done;
        }
        r->line = c.lineno;
        r->value = 0;
        for (int k = 0; k < 2 && val_i[k] >= 0; k++) {
            double v;
            rc = parse_value(&c, tl_strtrim(fields[val_i[k]]), val_i[k], &v, err);
            if (rc)
                goto done;
            r->value += v; /* NAN stays NAN: no data */
        }
        count++;
    }
    if (nf < 0) {
        rc = nf;
        goto done;
    }

    qsort(rows, count, sizeof *rows, cmp_long_row);
    for (size_t i = 0; i < count;) {
        size_t j = i + 1;
        while (j < count && strcmp(rows[j].id, rows[i].id) == 0) {
            if (rows[j].month == rows[j - 1].month) {
                size_t a = rows[j - 1].line, b = rows[j].line;
                rc = tl_err_set(err, TL_EINPUT, "%s:%zu: month repeated for '%s' "
                                "(also line %zu)", path, a > b ? a : b, rows[j].id,
                                a > b ? b : a);
                goto done;
            }
            j++;
        }
        size_t span = (size_t)(rows[j - 1].month - rows[i].month) + 1;
        size_t known = 0, train_known = 0;
        int cut = rows[j - 1].month - (int)holdout; /* last training month */
        for (size_t k = i; k < j; k++)
            if (!isnan(rows[k].value)) {
                known++;
                train_known += rows[k].month <= cut;
            }
        if (known >= min_months && span > holdout && train_known > 0) {
            double *v = realloc(values, span * sizeof *v);
            if (!v) {
                rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory", path);
                goto done;
            }
            values = v;
            for (size_t k = 0; k < span; k++)
                values[k] = NAN;
            for (size_t k = i; k < j; k++)
                values[rows[k].month - rows[i].month] = rows[k].value;
            rc = tl_backtest_add(bt, rows[i].id, values, span - holdout,
                                 values + span - holdout, holdout, err);
            if (rc)
                goto done;
        }
        i = j;
    }
    rc = 0;

done:
    if (rc)
        truncate_to(bt, count0);
    free(values);
    free(rows);
    csv_close(&c);
    return rc;
}

int tl_backtest_load_berka(tl_backtest *bt, const char *dir, size_t min_months,
                           size_t holdout, tl_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/trans_monthly_1993-01_1994-02.csv", dir);
    static const long_spec spec = {"account_id", "month", {"credit_sum", "debit_sum"}};
    int rc = long_load(bt, path, &spec, min_months, holdout, err);
    if (rc == 0)
        snprintf(bt->name, sizeof bt->name, "Berka account turnover");
    return rc;
}

int tl_backtest_load_csv(tl_backtest *bt, const char *path, size_t min_months,
                         size_t holdout, tl_err *err)
{
    static const long_spec spec = {"customer_id", "month", {"total", NULL}};
    int rc = long_load(bt, path, &spec, min_months, holdout, err);
    if (rc == 0) {
        const char *base = strrchr(path, '/');
        snprintf(bt->name, sizeof bt->name, "%.60s", base ? base + 1 : path);
    }
    return rc;
}

void tl_backtest_trim(tl_backtest *bt, size_t months)
{
    for (size_t i = 0; i < bt->count && months > 0; i++) {
        tl_backtest_series *s = &bt->series[i];
        if (s->n_train > months) {
            /* train and test share one block: slide the kept tail to its
             * start so free(train) still frees the block. */
            size_t cut = s->n_train - months;
            memmove(s->train, s->train + cut, (months + s->n_test) * sizeof *s->train);
            s->n_train = months;
            s->test = s->train + months;
        }
    }
}

/* ---- scoring -------------------------------------------------------------- */

/* MASE denominator: in-sample mean absolute seasonal difference (lag 12), or
 * lag 1 when training is shorter than two years; 0 when undefined. */
static double mase_scale(const double *y, size_t n)
{
    size_t m = n >= 24 ? 12 : 1;
    double s = 0;
    size_t k = 0;
    for (size_t t = m; t < n; t++) {
        if (isnan(y[t]) || isnan(y[t - m]))
            continue;
        s += fabs(y[t] - y[t - m]);
        k++;
    }
    return k ? s / (double)k : 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int tl_backtest_run(const tl_backtest *bt, tl_forecast_method method,
                    size_t horizon, tl_backtest_score *out, tl_err *err)
{
    if (!bt || bt->count == 0 || !out)
        return tl_err_set(err, TL_EINPUT, "backtest: no series loaded");
    if (horizon == 0)
        return tl_err_set(err, TL_EINPUT, "backtest: horizon must be >= 1");
    size_t max_test = 0;
    for (size_t i = 0; i < bt->count; i++)
        if (bt->series[i].n_test > max_test)
            max_test = bt->series[i].n_test;
    size_t h_max = horizon < max_test ? horizon : max_test;
    double *means = malloc(h_max * sizeof *means);
    if (!means)
        return tl_err_set(err, TL_ENOMEM, "backtest: out of memory");

    double smape_sum = 0, mase_sum = 0, covered = 0, cover_n = 0;
    size_t n_series = 0, n_mase = 0;
    double t0 = now_seconds();
    int rc = 0;
    for (size_t i = 0; i < bt->count; i++) {
        const tl_backtest_series *s = &bt->series[i];
        size_t h = h_max < s->n_test ? h_max : s->n_test;
        rc = tl_forecast_path(s->train, s->n_train, method, h, means, err);
        if (rc) {
            tl_err_prefix(err, "series %s", s->id);
            goto done;
        }
        tl_forecast next;
        rc = tl_forecast_next(s->train, s->n_train, method, &next, err);
        if (rc) {
            tl_err_prefix(err, "series %s", s->id);
            goto done;
        }
        if (!isnan(s->test[0])) {
            covered += s->test[0] >= next.lo80 && s->test[0] <= next.hi80;
            cover_n += 1;
        }
        double sm = 0, ae = 0;
        size_t k = 0;
        for (size_t j = 0; j < h; j++) {
            double a = s->test[j], f = means[j];
            if (isnan(a))
                continue;
            double den = fabs(f) + fabs(a);
            sm += den > 0 ? 200.0 * fabs(f - a) / den : 0.0;
            ae += fabs(f - a);
            k++;
        }
        if (k == 0)
            continue;
        smape_sum += sm / (double)k;
        n_series++;
        double scale = mase_scale(s->train, s->n_train);
        if (scale > 0) {
            mase_sum += ae / (double)k / scale;
            n_mase++;
        }
    }
    out->method = tl_forecast_method_name(method);
    out->horizon = h_max;
    out->n_series = n_series;
    out->n_mase = n_mase;
    out->smape = n_series ? smape_sum / (double)n_series : NAN;
    out->mase = n_mase ? mase_sum / (double)n_mase : NAN;
    out->coverage80 = cover_n > 0 ? covered / cover_n : NAN;
    out->seconds = now_seconds() - t0;

done:
    free(means);
    return rc;
}
