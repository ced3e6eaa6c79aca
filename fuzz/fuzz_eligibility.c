/* fuzz_eligibility.c — the eligibility parser and checker on arbitrary
 * text: must never crash, read out of bounds, leak, or produce a rule list
 * or text that breaks its own invariants (counts within bounds, strings
 * NUL-terminated and valid UTF-8 so JSON always builds).
 *
 * Input: eligibility text, optionally followed by a NUL byte and a product
 * JSON object (name, category, age_limit, minimum_* fields). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/eligibility.h"

static void check_verdict(const tl_eligibility *e, const tl_applicant *a,
                          const tl_eligibility_thresholds *t)
{
    tl_verdict v;
    tl_eligibility_check(e, a, t, &v);
    if (v.eligible != (v.failed == NULL) || v.n_caveats > TL_ELIG_MAX_RULES)
        abort();
    if (v.failed && (v.failed < e->rules || v.failed >= e->rules + e->n_rules || !v.code ||
                     !v.reason[0]))
        abort();
    json_t *j = tl_verdict_to_json(&v);
    if (!j)
        abort();
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t tlen = strlen(buf);
    const char *product = tlen < size ? buf + tlen + 1 : NULL;

    tl_eligibility e;
    tl_err err;
    int rc = tl_eligibility_parse(buf, product, &e, &err);
    if (rc != 0 && rc != TL_EINPUT)
        abort();
    if (e.n_rules > TL_ELIG_MAX_RULES || strnlen(e.unparsed, sizeof e.unparsed) >= sizeof e.unparsed)
        abort();
    for (size_t i = 0; i < e.n_rules; i++)
        if (e.rules[i].kind <= TL_RULE_NONE || e.rules[i].kind >= TL_RULE_KIND_COUNT ||
            strnlen(e.rules[i].text, sizeof e.rules[i].text) >= sizeof e.rules[i].text)
            abort();
    /* Kept texts must be valid UTF-8 whatever came in (jansson checks). */
    json_t *j = json_string(e.unparsed);
    if (!j)
        abort();
    json_decref(j);
    for (size_t i = 0; i < e.n_rules; i++) {
        if (!(j = json_string(e.rules[i].text)))
            abort();
        json_decref(j);
    }
    j = tl_eligibility_to_json(&e);
    if (!j)
        abort();
    json_decref(j);

    tl_applicant unknown, known;
    tl_applicant_init(&unknown);
    tl_applicant_init(&known);
    known.age = size % 100;
    known.monthly_income = (double)(size * 37 % 20000);
    known.balance = (double)(size * 911 % 400000);
    known.credit_tier = (int)(size % 4);
    known.credit_score = (int)(300 + size % 600);
    known.is_business = (int)(size & 1);
    known.is_student = (int)((size >> 1) & 1);
    known.employment = (int)(size % 3);
    known.country = "India";
    known.currency = "INR";
    tl_eligibility_thresholds t;
    tl_eligibility_thresholds_default(&t);
    t.home_country = "India";
    check_verdict(&e, &unknown, NULL);
    check_verdict(&e, &known, &t);
    for (size_t i = 0; i < e.n_rules; i++) {
        char d[160];
        tl_rule_describe(&e.rules[i], d, sizeof d);
        if (strnlen(d, sizeof d) >= sizeof d)
            abort();
    }
    free(buf);
    return 0;
}
