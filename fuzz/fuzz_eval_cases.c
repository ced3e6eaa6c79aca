/* fuzz_eval_cases.c — the labelled-text reader of `tailor eval`
 * (eval/cases.h) and what runs on what it accepts, over arbitrary bytes:
 * must never crash, leak or read out of bounds; every accepted case has a
 * non-blank text and label, lines only grow, and the sentiment report's
 * figures stay within their ranges and add up to the cases.
 *
 * Input: the CSV text. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/cases.h"
#include "eval/metrics.h"
#include "eval/tasks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_eval_cases c;
    tl_err err;
    if (tl_eval_cases_read_mem("fuzz.csv", (const char *)data, size, tl_eval_label_columns, &c,
                               &err) != 0) {
        if (c.n != 0 || c.v != NULL || err.msg[0] == '\0')
            abort();
        return 0;
    }
    if (c.n == 0)
        abort();
    for (size_t i = 0; i < c.n; i++) {
        if (blank(c.v[i].text) || blank(c.v[i].label) || c.v[i].line < 2 ||
            (i > 0 && c.v[i].line <= c.v[i - 1].line))
            abort();
    }
    /* Labels against themselves, shifted by one: every figure in range. */
    tl_eval_classes m = {0};
    for (size_t i = 0; i < c.n; i++)
        if (tl_eval_classes_add(&m, c.v[i].label, c.v[(i + 1) % c.n].label) != 0)
            abort();
    double acc = tl_eval_accuracy(&m), f1 = tl_eval_macro_f1(&m);
    size_t maj;
    double base = tl_eval_majority(&m, &maj);
    if (m.total != c.n || !(acc >= 0 && acc <= 1) || !(f1 >= 0 && f1 <= 1) ||
        !(base > 0 && base <= 1) || maj >= m.n)
        abort();
    tl_eval_classes_free(&m);

    json_t *rep = NULL;
    if (tl_eval_sentiment(&c, 3, &rep, &err) == 0) {
        json_int_t support = 0;
        size_t i;
        json_t *cl;
        json_array_foreach(json_object_get(rep, "classes"), i, cl)
            support += json_integer_value(json_object_get(cl, "support"));
        if (support != (json_int_t)c.n || json_array_size(json_object_get(rep, "errors")) > 3)
            abort();
    } else if (rep != NULL) {
        abort();
    }
    json_decref(rep);
    tl_eval_cases_free(&c);
    return 0;
}
