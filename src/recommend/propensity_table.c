/* propensity_table.c — tables of strings for the propensity model, and a
 * small CSV reader that auto-detects ',' or ';' (UCI and Berka files use
 * ';'). The shared reader in ingest/csv.h is comma-only and others depend on
 * its behaviour, so this module keeps its own, whole-file reader. */
#include "recommend/propensity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

#define CSV_MAX_BYTES ((size_t)1 << 31) /* 2 GiB: refuse larger inputs */
#define CSV_MAX_FIELDS 4096

void tl_prop_table_init(tl_prop_table *t)
{
    memset(t, 0, sizeof *t);
}

void tl_prop_table_free(tl_prop_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->names ? t->names[i] : NULL);
    free(t->names);
    free(t->off);
    free(t->pool);
    memset(t, 0, sizeof *t);
}

int tl_prop_table_set_header(tl_prop_table *t, const char *const *names, size_t n,
                             tl_err *err)
{
    if (t->n_cols || t->n_rows)
        return tl_err_set(err, TL_EINPUT, "table already has a header");
    if (n == 0)
        return tl_err_set(err, TL_EINPUT, "a table needs at least one column");
    t->names = calloc(n, sizeof *t->names);
    if (!t->names)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    t->n_cols = n;
    for (size_t i = 0; i < n; i++)
        if (!(t->names[i] = tl_strndup(names[i], strlen(names[i]))))
            return tl_err_set(err, TL_ENOMEM, "out of memory");
    return 0;
}

static int pool_put(tl_prop_table *t, const char *s, size_t len, size_t *at)
{
    if (t->pool_len + len + 1 > t->pool_cap) {
        size_t cap = t->pool_cap ? t->pool_cap : 4096;
        while (cap < t->pool_len + len + 1)
            cap *= 2;
        char *p = realloc(t->pool, cap);
        if (!p)
            return TL_ENOMEM;
        t->pool = p;
        t->pool_cap = cap;
    }
    *at = t->pool_len;
    memcpy(t->pool + t->pool_len, s, len);
    t->pool[t->pool_len + len] = '\0';
    t->pool_len += len + 1;
    return 0;
}

/* Appends one row from (pointer, length) pairs. */
static int add_row_n(tl_prop_table *t, const char *const *cells, const size_t *lens,
                     size_t n, tl_err *err)
{
    if (n != t->n_cols)
        return tl_err_set(err, TL_EINPUT, "row has %zu fields, the header has %zu", n,
                          t->n_cols);
    if ((t->n_rows + 1) * n > t->off_cap) {
        size_t cap = t->off_cap ? t->off_cap * 2 : 1024;
        while (cap < (t->n_rows + 1) * n)
            cap *= 2;
        size_t *o = realloc(t->off, cap * sizeof *o);
        if (!o)
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        t->off = o;
        t->off_cap = cap;
    }
    size_t *dst = t->off + t->n_rows * n;
    for (size_t i = 0; i < n; i++)
        if (pool_put(t, cells[i], lens ? lens[i] : strlen(cells[i]), &dst[i]))
            return tl_err_set(err, TL_ENOMEM, "out of memory");
    t->n_rows++;
    return 0;
}

int tl_prop_table_add_row(tl_prop_table *t, const char *const *cells, size_t n, tl_err *err)
{
    return add_row_n(t, cells, NULL, n, err);
}

int tl_prop_table_col(const tl_prop_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->names[i], name) == 0)
            return (int)i;
    return -1;
}

static int is_positive_default(const char *s)
{
    return tl_strcaseeq(s, "yes") || tl_strcaseeq(s, "true") || tl_strcaseeq(s, "1") ||
           tl_strcaseeq(s, "y");
}

int tl_prop_table_labels(const tl_prop_table *t, const char *target, const char *positive,
                         int *y, tl_err *err)
{
    int c = tl_prop_table_col(t, target);
    if (c < 0)
        return tl_err_set(err, TL_EINPUT, "no column \"%s\" in the table", target);
    for (size_t r = 0; r < t->n_rows; r++) {
        const char *v = tl_prop_table_cell(t, r, (size_t)c);
        y[r] = positive ? strcmp(v, positive) == 0 : is_positive_default(v);
    }
    return 0;
}

/* ---- CSV ---- */

/* The separator: whichever of ',' and ';' occurs more often outside quotes
 * on the first line (',' on a tie). */
static char detect_sep(const char *d, size_t len)
{
    size_t commas = 0, semis = 0;
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = d[i];
        if (ch == '"')
            q = !q;
        else if (!q && (ch == '\n' || ch == '\r'))
            break;
        else if (!q && ch == ',')
            commas++;
        else if (!q && ch == ';')
            semis++;
    }
    return semis > commas ? ';' : ',';
}

/* Parses `d[0..len)` into t. Fields are unescaped into a scratch buffer
 * (owned here, freed before returning); the table copies them. */
int tl_prop_table_read_csv_mem(tl_prop_table *t, const char *name, const char *d,
                               size_t len, tl_err *err)
{
    int rc = 0;
    char *scratch = NULL;
    size_t *starts = NULL, *lens = NULL;
    const char **cells = NULL;
    if (t->n_cols || t->n_rows)
        return tl_err_set(err, TL_EINPUT, "%s: table is not empty", name);
    if (len >= 3 && (unsigned char)d[0] == 0xEF && (unsigned char)d[1] == 0xBB &&
        (unsigned char)d[2] == 0xBF) {
        d += 3;
        len -= 3;
    }
    char sep = detect_sep(d, len);
    scratch = malloc(len + 1);
    starts = malloc(CSV_MAX_FIELDS * sizeof *starts);
    lens = malloc(CSV_MAX_FIELDS * sizeof *lens);
    cells = malloc(CSV_MAX_FIELDS * sizeof *cells);
    if (!scratch || !starts || !lens || !cells) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto cleanup;
    }
    size_t i = 0;
    long line = 1;
    int have_header = 0;
    while (i < len) {
        /* skip blank lines */
        if (d[i] == '\n' || d[i] == '\r') {
            if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
                i++;
            i++;
            line++;
            continue;
        }
        long row_line = line;
        size_t nf = 0, sl = 0;
        for (;;) { /* one field per pass */
            if (nf == CSV_MAX_FIELDS) {
                rc = tl_err_set(err, TL_EINPUT, "%s:%ld: more than %d fields", name, row_line,
                                CSV_MAX_FIELDS);
                goto cleanup;
            }
            starts[nf] = sl;
            if (i < len && d[i] == '"') {
                i++;
                for (;;) {
                    if (i >= len) {
                        rc = tl_err_set(err, TL_EINPUT, "%s:%ld: unterminated quoted field",
                                        name, row_line);
                        goto cleanup;
                    }
                    if (d[i] == '"') {
                        if (i + 1 < len && d[i + 1] == '"') {
                            scratch[sl++] = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (d[i] == '\0') {
                        rc = tl_err_set(err, TL_EINPUT, "%s:%ld: NUL byte", name, line);
                        goto cleanup;
                    }
                    if (d[i] == '\n')
                        line++;
                    scratch[sl++] = d[i++];
                }
                if (i < len && d[i] != sep && d[i] != '\n' && d[i] != '\r') {
                    rc = tl_err_set(err, TL_EINPUT, "%s:%ld: text after a closing quote",
                                    name, row_line);
                    goto cleanup;
                }
            } else {
                while (i < len && d[i] != sep && d[i] != '\n' && d[i] != '\r') {
                    if (d[i] == '\0') {
                        rc = tl_err_set(err, TL_EINPUT, "%s:%ld: NUL byte", name, line);
                        goto cleanup;
                    }
                    scratch[sl++] = d[i++];
                }
            }
            lens[nf] = sl - starts[nf];
            nf++;
            if (i < len && d[i] == sep) {
                i++;
                continue;
            }
            break; /* end of line or input */
        }
        if (i < len && d[i] == '\r')
            i++;
        if (i < len && d[i] == '\n')
            i++;
        line++;
        for (size_t k = 0; k < nf; k++)
            cells[k] = scratch + starts[k];
        if (!have_header) {
            /* names need NULs: copy each into the table one by one */
            t->names = calloc(nf, sizeof *t->names);
            if (!t->names) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory");
                goto cleanup;
            }
            t->n_cols = nf;
            for (size_t k = 0; k < nf; k++)
                if (!(t->names[k] = tl_strndup(cells[k], lens[k]))) {
                    rc = tl_err_set(err, TL_ENOMEM, "out of memory");
                    goto cleanup;
                }
            have_header = 1;
        } else if (nf != t->n_cols) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%ld: %zu fields, the header has %zu", name,
                            row_line, nf, t->n_cols);
            goto cleanup;
        } else if ((rc = add_row_n(t, cells, lens, nf, err)) != 0) {
            tl_err_prefix(err, "%s:%ld", name, row_line);
            goto cleanup;
        }
    }
    if (!have_header)
        rc = tl_err_set(err, TL_EINPUT, "%s: empty file (no header)", name);
cleanup:
    free(scratch);
    free(starts);
    free(lens);
    free(cells);
    if (rc)
        tl_prop_table_free(t);
    return rc;
}

int tl_prop_table_read_csv(tl_prop_table *t, const char *path, tl_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len + 65536 > cap) {
            size_t ncap = cap ? cap * 2 : 1 << 20;
            if (ncap > CSV_MAX_BYTES) {
                rc = tl_err_set(err, TL_ETOOBIG, "%s: larger than 2 GiB", path);
                goto cleanup;
            }
            char *p = realloc(data, ncap);
            if (!p) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory");
                goto cleanup;
            }
            data = p;
            cap = ncap;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                rc = tl_err_set(err, TL_EIO, "%s: read error", path);
            break;
        }
    }
    if (!rc)
        rc = tl_prop_table_read_csv_mem(t, path, data ? data : "", len, err);
cleanup:
    free(data);
    fclose(f);
    return rc;
}
