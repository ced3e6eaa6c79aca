/* validate.c — finding the JSON object in a reply, checking its shape and
 * its figures. Everything here treats the reply as hostile input. */
#include "llm/validate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 16
#define MAX_TEXT (1u << 20)

/* End (exclusive) of the balanced object starting at text[i] == '{', or 0. */
static size_t object_end(const char *text, size_t len, size_t i)
{
    int depth = 0, in_str = 0, esc = 0;
    for (size_t k = i; k < len; k++) {
        char ch = text[k];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (ch == '\\')
                esc = 1;
            else if (ch == '"')
                in_str = 0;
            continue;
        }
        if (ch == '"')
            in_str = 1;
        else if (ch == '{')
            depth++;
        else if (ch == '}' && --depth == 0)
            return k + 1;
    }
    return 0;
}

json_t *tl_llm_extract_json(const char *text, size_t len)
{
    if (!text || len > MAX_TEXT)
        return NULL;
    int tried = 0;
    for (size_t i = 0; i < len && tried < MAX_CANDIDATES; i++) {
        if (text[i] != '{')
            continue;
        tried++;
        size_t end = object_end(text, len, i);
        if (!end)
            continue;
        json_t *j = json_loadb(text + i, end - i, JSON_REJECT_DUPLICATES, NULL);
        if (json_is_object(j))
            return j;
        json_decref(j);
    }
    return NULL;
}

/* ---- figures ---- */

typedef struct figure {
    double value;
    int decimals;       /* digits written after the point */
    int percent;
    size_t start, len;  /* where in the text */
} figure;

/* The next number in text from *pos; 0 at the end. Digits glued to a
 * letter ("C1", "v4.9", "Llama3") are names, not figures. */
static int next_figure(const char *t, size_t n, size_t *pos, figure *f)
{
    size_t i = *pos;
    while (i < n) {
        unsigned char ch = (unsigned char)t[i];
        if (isdigit(ch) && !(i && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_'))) {
            if (i >= 2 && t[i - 1] == '.' && isdigit((unsigned char)t[i - 2])) {
                i++;
                continue;
            }
            break;
        }
        if (isalpha(ch) || ch == '_') {
            /* skip the whole word, digits included */
            while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.'))
                i++;
            continue;
        }
        i++;
    }
    if (i >= n)
        return 0;
    char digits[64];
    size_t d = 0, start = i;
    int decimals = 0;
    while (i < n) {
        if (isdigit((unsigned char)t[i])) {
            if (d < sizeof digits - 1)
                digits[d++] = t[i];
            i++;
        } else if (t[i] == ',' && i + 3 < n + 0 && isdigit((unsigned char)t[i + 1]) &&
                   isdigit((unsigned char)t[i + 2]) && isdigit((unsigned char)t[i + 3]) &&
                   !(i + 4 < n && isdigit((unsigned char)t[i + 4]))) {
            i++;   /* thousands separator */
        } else {
            break;
        }
    }
    if (i + 1 < n && t[i] == '.' && isdigit((unsigned char)t[i + 1])) {
        if (d < sizeof digits - 1)
            digits[d++] = '.';
        i++;
        while (i < n && isdigit((unsigned char)t[i])) {
            if (d < sizeof digits - 1) {
                digits[d++] = t[i];
                decimals++;
            }
            i++;
        }
    }
    digits[d] = '\0';
    size_t j = i;
    while (j < n && t[j] == ' ')
        j++;
    f->percent = j < n && t[j] == '%';
    f->value = strtod(digits, NULL);
    f->decimals = decimals > 12 ? 12 : decimals;
    f->start = start;
    f->len = i - start;
    *pos = i;
    return 1;
}

static int same_at(double fact, double x, int decimals)
{
    double scale = pow(10, decimals);
    double a = fact * scale, b = x * scale;
    if (!isfinite(a) || !isfinite(b))
        return fact == x;
    /* The fact rounded or cut to the digits written: within one unit of
     * the last digit (1200.5 may be written 1,200 or 1,201; 18 only 18). */
    return fabs(a - b) < 1 - 1e-6;
}

static int allowed(double x, int decimals, const double *facts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (same_at(facts[i], x, decimals))
            return 1;
        /* A share written as a percentage: 0.054 → 5.4 (%). */
        if (fabs(facts[i]) <= 1 && same_at(facts[i] * 100, x, decimals))
            return 1;
    }
    return 0;
}

int tl_llm_figures_check(const char *text, const char *facts, char *bad, size_t bad_size)
{
    size_t cap = 4096, n = 0;
    double *vals = malloc(cap * sizeof *vals);
    if (!vals)
        return -1;
    size_t pos = 0, flen = strlen(facts);
    figure f;
    while (n < cap && next_figure(facts, flen, &pos, &f))
        vals[n++] = f.value;
    int rc = 0;
    size_t tlen = strlen(text);
    pos = 0;
    while (next_figure(text, tlen, &pos, &f)) {
        if (!allowed(f.value, f.decimals, vals, n)) {
            if (bad && bad_size)
                snprintf(bad, bad_size, "%.*s%s", (int)(f.len < 40 ? f.len : 40),
                         text + f.start, f.percent ? "%" : "");
            rc = -1;
            break;
        }
    }
    free(vals);
    return rc;
}

/* ---- shapes ---- */

/* A bounded, non-blank string member, copied. */
static char *text_member(json_t *o, const char *key, size_t max)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        return NULL;
    size_t len = strlen(s);
    if (len == 0 || len > max || json_string_length(json_object_get(o, key)) != len)
        return NULL;   /* empty, too long, or with an embedded NUL */
    int blank = 1;
    for (size_t i = 0; i < len && blank; i++)
        blank = isspace((unsigned char)s[i]) != 0;
    return blank ? NULL : strdup(s);
}

static int only_keys(json_t *o, const char *const *keys, size_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int known = 0;
        for (size_t i = 0; i < n; i++)
            known |= strcmp(k, keys[i]) == 0;
        if (!known)
            return 0;
    }
    return 1;
}

void tl_llm_rec_text_free(tl_llm_rec_text *t)
{
    if (!t)
        return;
    free(t->summary);
    for (size_t i = 0; t->reasons && i < t->n; i++)
        free(t->reasons[i]);
    free(t->reasons);
    memset(t, 0, sizeof *t);
}

static int reject(const char **why, const char *reason, char *detail, size_t size,
                  const char *msg)
{
    *why = reason;
    if (detail && size)
        snprintf(detail, size, "%s", msg);
    return -1;
}

int tl_llm_validate_recs(const char *reply, size_t len, const char *const *ids, size_t n_ids,
                         const char *facts, tl_llm_rec_text *out, const char **why,
                         char *detail, size_t detail_size)
{
    memset(out, 0, sizeof *out);
    json_t *j = tl_llm_extract_json(reply, len);
    if (!j)
        return reject(why, "malformed_json", detail, detail_size, "no JSON object in the reply");
    int rc = -1;
    static const char *const top[] = {"summary", "reasons"};
    static const char *const item_keys[] = {"product_id", "reason"};
    json_t *reasons = json_object_get(j, "reasons");
    if (!only_keys(j, top, 2) || !json_is_array(reasons) || json_array_size(reasons) != n_ids) {
        reject(why, "schema_mismatch", detail, detail_size,
               "expected exactly summary and one reason per product");
        goto done;
    }
    out->summary = text_member(j, "summary", TL_LLM_SUMMARY_MAX);
    out->reasons = calloc(n_ids ? n_ids : 1, sizeof *out->reasons);
    out->n = n_ids;
    if (!out->summary || !out->reasons) {
        reject(why, "schema_mismatch", detail, detail_size, "summary missing, empty or too long");
        goto done;
    }
    size_t i;
    json_t *item;
    json_array_foreach(reasons, i, item) {
        const char *pid = json_string_value(json_object_get(item, "product_id"));
        size_t slot = n_ids;
        for (size_t k = 0; pid && k < n_ids; k++)
            if (strcmp(ids[k], pid) == 0)
                slot = k;
        if (!json_is_object(item) || !only_keys(item, item_keys, 2) || slot == n_ids ||
            out->reasons[slot]) {
            reject(why, "schema_mismatch", detail, detail_size,
                   "a reason names an unknown or repeated product");
            goto done;
        }
        if (!(out->reasons[slot] = text_member(item, "reason", TL_LLM_REASON_MAX))) {
            reject(why, "schema_mismatch", detail, detail_size,
                   "a reason is missing, empty or too long");
            goto done;
        }
    }
    char bad[64];
    if (tl_llm_figures_check(out->summary, facts, bad, sizeof bad)) {
        *why = "invented_figure";
        snprintf(detail, detail_size, "summary has a figure not in the facts: %s", bad);
        goto done;
    }
    for (size_t k = 0; k < n_ids; k++)
        if (tl_llm_figures_check(out->reasons[k], facts, bad, sizeof bad)) {
            *why = "invented_figure";
            snprintf(detail, detail_size, "reason for product %.40s has a figure not in the "
                     "facts: %s", ids[k], bad);
            goto done;
        }
    rc = 0;
done:
    json_decref(j);
    if (rc)
        tl_llm_rec_text_free(out);
    return rc;
}

void tl_llm_suggestions_free(tl_llm_suggestions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->items[i]);
    memset(s, 0, sizeof *s);
}

int tl_llm_validate_suggestions(const char *reply, size_t len, const char *facts,
                                tl_llm_suggestions *out, const char **why, char *detail,
                                size_t detail_size)
{
    memset(out, 0, sizeof *out);
    json_t *j = tl_llm_extract_json(reply, len);
    if (!j)
        return reject(why, "malformed_json", detail, detail_size, "no JSON object in the reply");
    int rc = -1;
    static const char *const top[] = {"suggestions"};
    json_t *arr = json_object_get(j, "suggestions");
    size_t n = json_array_size(arr);
    if (!only_keys(j, top, 1) || !json_is_array(arr) || n < 1 || n > TL_LLM_SUGGESTIONS_MAX) {
        reject(why, "schema_mismatch", detail, detail_size,
               "expected {\"suggestions\": [1 to 6 strings]}");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *wrap = json_pack("{s:O}", "s", json_array_get(arr, i));
        char *s = wrap ? text_member(wrap, "s", TL_LLM_SUGGESTION_MAX) : NULL;
        json_decref(wrap);
        if (!s) {
            reject(why, "schema_mismatch", detail, detail_size,
                   "a suggestion is not a string, empty or too long");
            goto done;
        }
        out->items[out->n++] = s;
        char bad[64];
        if (tl_llm_figures_check(s, facts, bad, sizeof bad)) {
            *why = "invented_figure";
            snprintf(detail, detail_size, "suggestion %zu has a figure not in the facts: %s",
                     i + 1, bad);
            goto done;
        }
    }
    rc = 0;
done:
    json_decref(j);
    if (rc)
        tl_llm_suggestions_free(out);
    return rc;
}
