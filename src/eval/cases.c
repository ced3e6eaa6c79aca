/* cases.c — reading labelled texts (cases.h) with the import's CSV reader. */
#include "eval/cases.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "ingest/csv.h"

/* Texts longer than this are an error, not a case: no need statement or
 * review is a megabyte, and it bounds what one record can hold. */
#define MAX_TEXT ((size_t)64 << 10)

void tl_eval_cases_free(tl_eval_cases *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].text);
        free(c->v[i].label);
    }
    free(c->v);
    free(c->name);
    memset(c, 0, sizeof *c);
}

static int push(tl_eval_cases *c, const char *text, const char *label, long line)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        tl_eval_case *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return TL_ENOMEM;
        c->v = v;
        c->cap = cap;
    }
    tl_eval_case *e = &c->v[c->n];
    e->text = strdup(text);
    e->label = strdup(label);
    e->line = line;
    if (!e->text || !e->label) {
        free(e->text);
        free(e->label);
        return TL_ENOMEM;
    }
    tl_strtrim(e->label);
    c->n++;
    return TL_OK;
}

/* True when s holds only ASCII blanks. */
static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

/* Finds the text and label columns in the header record. */
static int read_header(tl_csv *csv, const char *name, const char *const *label_names,
                       tl_eval_cases *out, size_t *text_col, size_t *label_col, tl_err *err)
{
    int rc = tl_csv_next(csv, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return tl_err_set(err, TL_EINPUT, "%s: empty file (expected a header naming a \"text\" "
                                          "and a \"%s\" column)", name, label_names[0]);
    size_t t = SIZE_MAX, l = SIZE_MAX;
    for (size_t i = 0; i < csv->nfields; i++)
        if (t == SIZE_MAX && tl_strcaseeq(tl_csv_field(csv, i), "text"))
            t = i;
    for (size_t k = 0; label_names[k] && l == SIZE_MAX; k++)
        for (size_t i = 0; i < csv->nfields && l == SIZE_MAX; i++)
            if (i != t && tl_strcaseeq(tl_csv_field(csv, i), label_names[k]))
                l = i;
    if (t == SIZE_MAX || l == SIZE_MAX) {
        char names[160] = "";
        size_t n = 0;
        for (size_t k = 0; label_names[k] && n < sizeof names; k++)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s\"%s\"", k ? " or " : "",
                                  label_names[k]);
        return tl_err_set(err, TL_EINPUT, "%s:%ld: the header has no %s column (it needs "
                                          "\"text\" and %s)", name, csv->row_line,
                          t == SIZE_MAX ? "\"text\"" : names, names);
    }
    tl_strlcpy(out->label_col, tl_csv_field(csv, l), sizeof out->label_col);
    *text_col = t;
    *label_col = l;
    return TL_OK;
}

static int read_all(tl_csv *csv, const char *name, const char *const *label_names,
                    tl_eval_cases *out, tl_err *err)
{
    size_t tc = 0, lc = 0;
    int rc = read_header(csv, name, label_names, out, &tc, &lc, err);
    if (rc)
        return rc;
    while ((rc = tl_csv_next(csv, err)) == 1) {
        long line = csv->row_line;
        size_t need = (tc > lc ? tc : lc) + 1;
        if (csv->nfields < need)
            return tl_err_set(err, TL_EINPUT, "%s:%ld: %zu field%s, the header has %s in "
                                              "field %zu", name, line, csv->nfields,
                              csv->nfields == 1 ? "" : "s", tc > lc ? "\"text\"" : "the label",
                              need);
        const char *text = tl_csv_field(csv, tc), *label = tl_csv_field(csv, lc);
        if (blank(text))
            return tl_err_set(err, TL_EINPUT, "%s:%ld: field text: empty text", name, line);
        if (tl_csv_field_len(csv, tc) > MAX_TEXT)
            return tl_err_set(err, TL_EINPUT, "%s:%ld: field text: %zu bytes, at most %zu",
                              name, line, tl_csv_field_len(csv, tc), MAX_TEXT);
        if (blank(label))
            return tl_err_set(err, TL_EINPUT, "%s:%ld: field %s: empty label", name, line,
                              out->label_col);
        if (out->n == TL_EVAL_MAX_CASES)
            return tl_err_set(err, TL_ETOOBIG, "%s:%ld: more than %d cases", name, line,
                              TL_EVAL_MAX_CASES);
        if (push(out, text, label, line))
            return tl_err_set(err, TL_ENOMEM, "%s: out of memory", name);
    }
    if (rc < 0)
        return rc;
    if (out->n == 0)
        return tl_err_set(err, TL_EINPUT, "%s: a header but no cases", name);
    return TL_OK;
}

static int read_with(tl_csv *csv, const char *name, const char *const *label_names,
                     tl_eval_cases *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    out->name = strdup(name);
    int rc = out->name ? read_all(csv, name, label_names, out, err)
                       : tl_err_set(err, TL_ENOMEM, "out of memory");
    tl_csv_close(csv);
    if (rc)
        tl_eval_cases_free(out);
    return rc;
}

int tl_eval_cases_read(const char *path, const char *const *label_names, tl_eval_cases *out,
                       tl_err *err)
{
    memset(out, 0, sizeof *out);
    tl_csv csv;
    int rc = tl_csv_open(&csv, path, NULL, err);
    if (rc)
        return rc;
    return read_with(&csv, path, label_names, out, err);
}

int tl_eval_cases_read_mem(const char *name, const char *data, size_t len,
                           const char *const *label_names, tl_eval_cases *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    tl_csv csv;
    int rc = tl_csv_open_mem(&csv, name, data, len, NULL, err);
    if (rc)
        return rc;
    return read_with(&csv, name, label_names, out, err);
}
