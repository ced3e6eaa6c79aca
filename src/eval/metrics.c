/* metrics.c — see metrics.h. */
#include "eval/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

int tl_eval_classes_find(const tl_eval_classes *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* The index of `name`, adding the class (and growing the matrix) when new;
 * -1 when out of memory. */
static int class_index(tl_eval_classes *c, const char *name)
{
    int i = tl_eval_classes_find(c, name);
    if (i >= 0)
        return i;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        char **names = realloc(c->names, cap * sizeof *names);
        if (!names)
            return -1;
        c->names = names;
        size_t *m = calloc(cap * cap, sizeof *m);
        if (!m)
            return -1;
        for (size_t r = 0; r < c->n; r++)
            memcpy(m + r * cap, c->confusion + r * c->cap, c->n * sizeof *m);
        free(c->confusion);
        c->confusion = m;
        c->cap = cap;
    }
    if (!(c->names[c->n] = strdup(name)))
        return -1;
    return (int)c->n++;
}

int tl_eval_classes_declare(tl_eval_classes *c, const char *name)
{
    return class_index(c, name) < 0 ? TL_ENOMEM : TL_OK;
}

int tl_eval_classes_add(tl_eval_classes *c, const char *truth, const char *predicted)
{
    int t = class_index(c, truth);
    int p = t < 0 ? -1 : class_index(c, predicted);
    if (p < 0)
        return TL_ENOMEM;
    c->confusion[(size_t)t * c->cap + (size_t)p]++;
    c->total++;
    c->correct += t == p;
    return TL_OK;
}

void tl_eval_classes_free(tl_eval_classes *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->names[i]);
    free(c->names);
    free(c->confusion);
    memset(c, 0, sizeof *c);
}

size_t tl_eval_classes_count(const tl_eval_classes *c, size_t truth, size_t predicted)
{
    return c->confusion[truth * c->cap + predicted];
}

void tl_eval_class_score_of(const tl_eval_classes *c, size_t i, tl_eval_class_score *out)
{
    size_t tp = tl_eval_classes_count(c, i, i), support = 0, predicted = 0;
    for (size_t j = 0; j < c->n; j++) {
        support += tl_eval_classes_count(c, i, j);
        predicted += tl_eval_classes_count(c, j, i);
    }
    out->support = support;
    out->predicted = predicted;
    out->precision = predicted ? (double)tp / (double)predicted : 0;
    out->recall = support ? (double)tp / (double)support : 0;
    double s = out->precision + out->recall;
    out->f1 = s > 0 ? 2 * out->precision * out->recall / s : 0;
}

double tl_eval_accuracy(const tl_eval_classes *c)
{
    return c->total ? (double)c->correct / (double)c->total : 0;
}

double tl_eval_macro_f1(const tl_eval_classes *c)
{
    if (!c->n)
        return 0;
    double sum = 0;
    for (size_t i = 0; i < c->n; i++) {
        tl_eval_class_score s;
        tl_eval_class_score_of(c, i, &s);
        sum += s.f1;
    }
    return sum / (double)c->n;
}

double tl_eval_majority(const tl_eval_classes *c, size_t *cls)
{
    size_t best = 0, best_n = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t n = 0;
        for (size_t j = 0; j < c->n; j++)
            n += tl_eval_classes_count(c, i, j);
        if (n > best_n) {
            best_n = n;
            best = i;
        }
    }
    *cls = best;
    return c->total ? (double)best_n / (double)c->total : 0;
}

void tl_eval_ranks_add(tl_eval_ranks *r, size_t rank)
{
    r->n++;
    if (rank == 0)
        return;
    r->at1 += rank == 1;
    r->atk += rank <= r->k;
    r->rr += 1.0 / (double)rank;
}
