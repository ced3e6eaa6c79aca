/* eligibility.c — rules checked against a customer; names, descriptions
 * and JSON. The parser is in eligibility_parse.c. */
#include "recommend/eligibility.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"

static const char *const CODES[TL_RULE_KIND_COUNT] = {
    [TL_RULE_NONE] = "none",
    [TL_RULE_MIN_AGE] = "min_age",
    [TL_RULE_MAX_AGE] = "max_age",
    [TL_RULE_MINORS_ONLY] = "minors_only",
    [TL_RULE_SENIORS_ONLY] = "seniors_only",
    [TL_RULE_INCOME_TIER] = "income_tier",
    [TL_RULE_MIN_INCOME] = "min_income",
    [TL_RULE_MIN_BALANCE] = "min_balance",
    [TL_RULE_CREDIT_TIER] = "credit_tier",
    [TL_RULE_MIN_CREDIT_SCORE] = "min_credit_score",
    [TL_RULE_NO_CREDIT_CHECK] = "no_credit_check",
    [TL_RULE_BUSINESS_ONLY] = "business_only",
    [TL_RULE_EMPLOYED] = "employed",
    [TL_RULE_EMPLOYER_PROVIDED] = "employer_provided",
    [TL_RULE_STUDENT_ONLY] = "student_only",
    [TL_RULE_RESIDENT_ONLY] = "resident_only",
    [TL_RULE_NONRESIDENT_ONLY] = "nonresident_only",
    [TL_RULE_OWNS_ASSET] = "owns_asset",
    [TL_RULE_REQUIRES_ACCOUNT] = "requires_account",
    [TL_RULE_OPEN_TO] = "open_to",
    [TL_RULE_MAX_INCOME] = "max_income",
    [TL_RULE_MAX_BALANCE] = "max_balance",
};

const char *tl_rule_code(int kind)
{
    return kind >= 0 && kind < TL_RULE_KIND_COUNT && CODES[kind] ? CODES[kind] : "unknown";
}

const char *tl_credit_tier_name(int tier)
{
    static const char *const n[] = {"poor", "fair", "good", "excellent"};
    return tier >= 0 && tier < 4 ? n[tier] : "unknown";
}

const char *tl_income_tier_name(int tier)
{
    static const char *const n[] = {"basic", "moderate", "high", "hnw"};
    return tier >= 0 && tier < TL_INCOME_TIER_COUNT ? n[tier] : "unknown";
}

const char *tl_group_name(unsigned bit)
{
    static const char *const n[TL_GROUP_COUNT] = {
        "individual", "business", "minor", "senior", "student", "family",
        "huf", "nri", "resident", "institution", "anyone"};
    if (bit == 0 || (bit & (bit - 1)))
        return NULL;
    unsigned i = (unsigned)__builtin_ctz(bit);
    return i < TL_GROUP_COUNT ? n[i] : NULL;
}

static const char *source_name(int s)
{
    static const char *const n[] = {"text", "field", "name", "implied"};
    return s >= 0 && s < 4 ? n[s] : "unknown";
}

void tl_applicant_init(tl_applicant *a)
{
    if (!a)
        return;
    memset(a, 0, sizeof *a);
    a->age = -1;
    a->monthly_income = NAN;
    a->balance = NAN;
    a->credit_tier = TL_CREDIT_UNKNOWN;
    a->credit_score = -1;
    a->is_business = -1;
    a->is_student = -1;
    a->employment = TL_JOB_UNKNOWN;
    a->is_resident = -1;
}

void tl_eligibility_thresholds_default(tl_eligibility_thresholds *t)
{
    if (!t)
        return;
    memset(t, 0, sizeof *t);
    t->income_monthly[TL_INCOME_BASIC] = 0;
    t->income_monthly[TL_INCOME_MODERATE] = 3000;
    t->income_monthly[TL_INCOME_HIGH] = 8000;
    t->hnw_balance = 250000;
    t->home_country = NULL;
}

/* "12,345" or "12.50": money for people, into buf. */
static const char *fmt_amount(double v, char *buf, size_t size)
{
    if (!isfinite(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "%g", v);
        return buf;
    }
    char raw[32];
    bool cents = fabs(v - round(v)) >= 0.005 && fabs(v) < 1000;
    snprintf(raw, sizeof raw, cents ? "%.2f" : "%.0f", cents ? v : round(v));
    const char *dot = strchr(raw, '.');
    size_t ilen = dot ? (size_t)(dot - raw) : strlen(raw);
    size_t start = raw[0] == '-' ? 1 : 0, o = 0;
    if (start && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = start; i < ilen && o + 1 < size; i++) {
        if (i > start && (ilen - i) % 3 == 0 && o + 1 < size)
            buf[o++] = ',';
        if (o + 1 < size)
            buf[o++] = raw[i];
    }
    for (const char *p = dot; p && *p && o + 1 < size; p++)
        buf[o++] = *p;
    buf[o] = '\0';
    return buf;
}

/* "USD 5,000" or "5,000" */
static const char *fmt_money(double v, const char *cur, char *buf, size_t size)
{
    char a[40];
    fmt_amount(v, a, sizeof a);
    if (cur && cur[0])
        snprintf(buf, size, "%s %s", cur, a);
    else
        snprintf(buf, size, "%s", a);
    return buf;
}

static void fmt_groups(unsigned mask, char *buf, size_t size)
{
    static const char *const plural[TL_GROUP_COUNT] = {
        "individuals", "businesses", "minors", "senior citizens", "students", "families",
        "HUFs", "NRIs", "residents", "institutions", "anyone"};
    size_t o = 0;
    buf[0] = '\0';
    for (unsigned g = 0; g < TL_GROUP_COUNT; g++) {
        if (!(mask & (1u << g)))
            continue;
        int w = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", plural[g]);
        if (w < 0 || (size_t)w >= size - o)
            break;
        o += (size_t)w;
    }
}

char *tl_rule_describe(const tl_rule *r, char *buf, size_t size)
{
    if (!buf || size == 0)
        return buf;
    buf[0] = '\0';
    if (!r)
        return buf;
    char m[64];
    int v = isfinite(r->value) && fabs(r->value) < 1e9 ? (int)r->value : 0;
    switch (r->kind) {
    case TL_RULE_MIN_AGE: snprintf(buf, size, "Minimum age %d", v); break;
    case TL_RULE_MAX_AGE: snprintf(buf, size, "Maximum age %d", v); break;
    case TL_RULE_MINORS_ONLY: snprintf(buf, size, "Minors only (under %d)", v + 1); break;
    case TL_RULE_SENIORS_ONLY: snprintf(buf, size, "Senior citizens only (%d+)", v); break;
    case TL_RULE_INCOME_TIER: {
        static const char *const d[] = {"Basic income", "Moderate income", "High income",
                                        "High-net-worth clients"};
        snprintf(buf, size, "%s", v >= 0 && v < TL_INCOME_TIER_COUNT ? d[v] : "Income tier");
        break;
    }
    case TL_RULE_MIN_INCOME:
        snprintf(buf, size, "Income of at least %s a month",
                 fmt_money(r->value, r->currency, m, sizeof m));
        break;
    case TL_RULE_MIN_BALANCE:
        snprintf(buf, size, "Balance of at least %s", fmt_money(r->value, r->currency, m, sizeof m));
        break;
    case TL_RULE_MAX_INCOME:
        snprintf(buf, size, "Income %s %s a month", r->below ? "below" : "of at most",
                 fmt_money(r->value, r->currency, m, sizeof m));
        break;
    case TL_RULE_MAX_BALANCE:
        snprintf(buf, size, "Balance %s %s", r->below ? "below" : "of at most",
                 fmt_money(r->value, r->currency, m, sizeof m));
        break;
    case TL_RULE_CREDIT_TIER:
        snprintf(buf, size, "%s credit%s",
                 v == TL_CREDIT_EXCELLENT ? "Excellent" : v == TL_CREDIT_GOOD ? "Good" : "Fair",
                 v == TL_CREDIT_EXCELLENT ? "" : " or better");
        break;
    case TL_RULE_MIN_CREDIT_SCORE: snprintf(buf, size, "Credit score of at least %d", v); break;
    case TL_RULE_NO_CREDIT_CHECK: snprintf(buf, size, "No credit check"); break;
    case TL_RULE_BUSINESS_ONLY: snprintf(buf, size, "Businesses only"); break;
    case TL_RULE_EMPLOYED:
        snprintf(buf, size, "%s",
                 v == TL_JOB_SALARIED        ? "Salaried employees"
                 : v == TL_JOB_SELF_EMPLOYED ? "Self-employed"
                                             : "Salaried or self-employed");
        break;
    case TL_RULE_EMPLOYER_PROVIDED:
        snprintf(buf, size, "Offered through an employer's salary account");
        break;
    case TL_RULE_STUDENT_ONLY: snprintf(buf, size, "Students only"); break;
    case TL_RULE_RESIDENT_ONLY: snprintf(buf, size, "Residents only"); break;
    case TL_RULE_NONRESIDENT_ONLY: snprintf(buf, size, "Non-residents (NRIs) only"); break;
    case TL_RULE_OWNS_ASSET:
        snprintf(buf, size, "Must own %s", v == TL_ASSET_GOLD ? "gold" : "property");
        break;
    case TL_RULE_REQUIRES_ACCOUNT:
        snprintf(buf, size, "%s", v == 1 ? "Requires a fixed deposit" : "Requires an account");
        break;
    case TL_RULE_OPEN_TO: {
        char g[128];
        fmt_groups(isfinite(r->value) && r->value >= 0 && r->value < 65536 ? (unsigned)r->value : 0,
                   g, sizeof g);
        snprintf(buf, size, "Open to %s", g);
        break;
    }
    default: snprintf(buf, size, "Unknown rule"); break;
    }
    return buf;
}

enum { R_PASS, R_FAIL, R_UNKNOWN };

/* The rule's value as an int; 0 when it is not a sane one (a struct filled
 * by hand), so the cast stays defined. */
static int rule_int(const tl_rule *r)
{
    return isfinite(r->value) && fabs(r->value) < 1e9 ? (int)r->value : 0;
}

/* Resident? Known, or derived from country vs the bank's home country. */
static int residency(const tl_applicant *a, const tl_eligibility_thresholds *t)
{
    if (a->is_resident == 0 || a->is_resident == 1)
        return a->is_resident;
    if (a->country && a->country[0] && t->home_country && t->home_country[0])
        return tl_strcaseeq(a->country, t->home_country) ? 1 : 0;
    return -1;
}

/* Amounts in another currency than the customer's cannot be compared. */
static bool currency_differs(const tl_rule *r, const tl_applicant *a)
{
    return r->currency[0] && a->currency && a->currency[0] && !tl_strcaseeq(r->currency, a->currency);
}

/* The customer's side of a failed rule's sentence, written only when the
 * caller asks for it (`why` not NULL): the arguments, amounts formatted
 * with snprintf among them, are not even evaluated otherwise. */
#define WHY(...)                              \
    do {                                      \
        if (why)                              \
            snprintf(why, size, __VA_ARGS__); \
    } while (0)

/* Checks one rule: R_PASS, R_FAIL (why, when not NULL: the customer's side
 * of the sentence) or R_UNKNOWN (*note: static text). */
static int eval_rule(const tl_rule *r, const tl_applicant *a, const tl_eligibility_thresholds *t,
                     char *why, size_t size, const char **note)
{
    char m[40], m2[40];
    *note = NULL;
    if (why)
        why[0] = '\0';
    switch (r->kind) {
    case TL_RULE_MIN_AGE:
    case TL_RULE_MAX_AGE:
    case TL_RULE_MINORS_ONLY:
    case TL_RULE_SENIORS_ONLY: {
        if (a->age < 0) {
            *note = "age not known";
            return R_UNKNOWN;
        }
        bool ok = r->kind == TL_RULE_MIN_AGE || r->kind == TL_RULE_SENIORS_ONLY
                      ? a->age >= r->value
                      : a->age <= r->value;
        WHY("customer is %d", a->age);
        return ok ? R_PASS : R_FAIL;
    }
    case TL_RULE_INCOME_TIER: {
        int tier = rule_int(r);
        if (tier == TL_INCOME_HNW) {
            if (!isfinite(a->balance)) {
                *note = "balance not known";
                return R_UNKNOWN;
            }
            WHY("needs a balance of at least %s; customer's is %s",
                fmt_amount(t->hnw_balance, m, sizeof m), fmt_amount(a->balance, m2, sizeof m2));
            return a->balance >= t->hnw_balance ? R_PASS : R_FAIL;
        }
        if (tier < 0 || tier >= TL_INCOME_HNW)
            return R_PASS;
        if (!isfinite(a->monthly_income)) {
            *note = "income not known";
            return R_UNKNOWN;
        }
        double need = t->income_monthly[tier];
        WHY("needs at least %s a month; customer's estimated income is %s",
            fmt_amount(need, m, sizeof m), fmt_amount(a->monthly_income, m2, sizeof m2));
        return a->monthly_income >= need ? R_PASS : R_FAIL;
    }
    case TL_RULE_MIN_INCOME:
    case TL_RULE_MIN_BALANCE:
    case TL_RULE_MAX_INCOME:
    case TL_RULE_MAX_BALANCE: {
        bool inc = r->kind == TL_RULE_MIN_INCOME || r->kind == TL_RULE_MAX_INCOME;
        bool at_least = r->kind == TL_RULE_MIN_INCOME || r->kind == TL_RULE_MIN_BALANCE;
        double have = inc ? a->monthly_income : a->balance;
        if (currency_differs(r, a)) {
            *note = "amount in another currency";
            return R_UNKNOWN;
        }
        if (!isfinite(have)) {
            *note = inc ? "income not known" : "balance not known";
            return R_UNKNOWN;
        }
        WHY(inc ? "customer's estimated income is %s a month" : "customer's balance is %s",
            fmt_amount(have, m, sizeof m));
        if (at_least)
            return have >= r->value ? R_PASS : R_FAIL;
        return have < r->value || (!r->below && have == r->value) ? R_PASS : R_FAIL;
    }
    case TL_RULE_CREDIT_TIER:
        if (a->credit_tier < TL_CREDIT_POOR || a->credit_tier > TL_CREDIT_EXCELLENT) {
            *note = "credit standing not known";
            return R_UNKNOWN;
        }
        WHY("customer's credit is %s", tl_credit_tier_name(a->credit_tier));
        return a->credit_tier >= r->value ? R_PASS : R_FAIL;
    case TL_RULE_MIN_CREDIT_SCORE:
        if (a->credit_score < 0) {
            *note = "credit score not known";
            return R_UNKNOWN;
        }
        WHY("customer's score is %d", a->credit_score);
        return a->credit_score >= r->value ? R_PASS : R_FAIL;
    case TL_RULE_BUSINESS_ONLY:
        if (a->is_business < 0) {
            *note = "not known whether the customer is a business";
            return R_UNKNOWN;
        }
        WHY("customer is not a business");
        return a->is_business ? R_PASS : R_FAIL;
    case TL_RULE_STUDENT_ONLY:
        if (a->is_student < 0) {
            *note = "not known whether the customer is a student";
            return R_UNKNOWN;
        }
        WHY("customer is not a student");
        return a->is_student ? R_PASS : R_FAIL;
    case TL_RULE_EMPLOYED:
    case TL_RULE_EMPLOYER_PROVIDED: {
        if (a->employment < TL_JOB_NONE || a->employment > TL_JOB_SELF_EMPLOYED) {
            *note = "employment not known";
            return R_UNKNOWN;
        }
        int need = r->kind == TL_RULE_EMPLOYER_PROVIDED ? TL_JOB_SALARIED : rule_int(r);
        bool ok = a->employment != TL_JOB_NONE && (need == 0 || a->employment == need);
        WHY("customer is %s", a->employment == TL_JOB_NONE       ? "not employed"
                              : a->employment == TL_JOB_SALARIED ? "salaried"
                                                                 : "self-employed");
        if (ok && (r->partial || r->kind == TL_RULE_EMPLOYER_PROVIDED)) {
            *note = r->kind == TL_RULE_EMPLOYER_PROVIDED ? "depends on the employer"
                                                          : "only partly verifiable";
            return R_UNKNOWN;
        }
        return ok ? R_PASS : R_FAIL;
    }
    case TL_RULE_RESIDENT_ONLY:
    case TL_RULE_NONRESIDENT_ONLY: {
        int res = residency(a, t);
        if (res < 0) {
            *note = "residency not known";
            return R_UNKNOWN;
        }
        bool want = r->kind == TL_RULE_RESIDENT_ONLY;
        WHY("customer is %s", res ? "resident" : "not resident");
        return (res == 1) == want ? R_PASS : R_FAIL;
    }
    case TL_RULE_OWNS_ASSET:
        *note = "cannot be verified from bank data";
        return R_UNKNOWN;
    case TL_RULE_REQUIRES_ACCOUNT:
        *note = "account holdings not checked";
        return R_UNKNOWN;
    case TL_RULE_NO_CREDIT_CHECK:
    case TL_RULE_OPEN_TO:
    default:
        return R_PASS;
    }
}

/* tl_eligibility_check, and tl_eligibility_decide when `reason` is false. */
static void check_rules(const tl_eligibility *e, const tl_applicant *a,
                        const tl_eligibility_thresholds *t, tl_verdict *out, bool reason)
{
    if (!out)
        return;
    memset(out, 0, sizeof *out);
    out->eligible = 1;
    if (!e)
        return;
    tl_eligibility_thresholds defaults;
    if (!t) {
        tl_eligibility_thresholds_default(&defaults);
        t = &defaults;
    }
    tl_applicant unknown;
    if (!a) {
        tl_applicant_init(&unknown);
        a = &unknown;
    }
    size_t n = e->n_rules < TL_ELIG_MAX_RULES ? e->n_rules : TL_ELIG_MAX_RULES;
    for (size_t i = 0; i < n; i++) {
        const tl_rule *r = &e->rules[i];
        const char *note;
        /* Rules pass far more often than they fail: the sentence is
         * written only for the first failure, by asking again. */
        int res = eval_rule(r, a, t, NULL, 0, &note);
        if (res == R_FAIL && !out->failed) {
            out->eligible = 0;
            out->failed = r;
            out->code = tl_rule_code(r->kind);
            if (reason) {
                char d[80], why[112];
                eval_rule(r, a, t, why, sizeof why, &note);
                snprintf(out->reason, sizeof out->reason, "%s; %s",
                         tl_rule_describe(r, d, sizeof d), why);
            }
        } else if (res == R_UNKNOWN && out->n_caveats < TL_ELIG_MAX_RULES) {
            out->caveats[out->n_caveats] = r;
            out->caveat_notes[out->n_caveats] = note;
            out->n_caveats++;
        }
    }
    out->unchecked = e->unparsed[0] ? e->unparsed : NULL;
}

void tl_eligibility_check(const tl_eligibility *e, const tl_applicant *a,
                          const tl_eligibility_thresholds *t, tl_verdict *out)
{
    check_rules(e, a, t, out, true);
}

void tl_eligibility_decide(const tl_eligibility *e, const tl_applicant *a,
                           const tl_eligibility_thresholds *t, tl_verdict *out)
{
    check_rules(e, a, t, out, false);
}

/* ---- JSON ------------------------------------------------------------------- */

/* Sets key to a new value, which it steals; false when out of memory. */
static bool put(json_t *o, const char *key, json_t *v)
{
    return v && json_object_set_new(o, key, v) == 0;
}

static json_t *rule_value_json(const tl_rule *r)
{
    int v = isfinite(r->value) && fabs(r->value) < 1e9 ? (int)r->value : 0;
    switch (r->kind) {
    case TL_RULE_INCOME_TIER: return json_string(tl_income_tier_name(v));
    case TL_RULE_CREDIT_TIER: return json_string(tl_credit_tier_name(v));
    case TL_RULE_OWNS_ASSET: return json_string(v == TL_ASSET_GOLD ? "gold" : "property");
    case TL_RULE_REQUIRES_ACCOUNT: return json_string(v == 1 ? "fixed_deposit" : "account");
    case TL_RULE_EMPLOYED:
        return json_string(v == TL_JOB_SALARIED        ? "salaried"
                           : v == TL_JOB_SELF_EMPLOYED ? "self_employed"
                                                       : "any");
    case TL_RULE_OPEN_TO: {
        json_t *arr = json_array();
        for (unsigned g = 0; arr && g < TL_GROUP_COUNT; g++)
            if (((unsigned)v & (1u << g)) &&
                json_array_append_new(arr, json_string(tl_group_name(1u << g))) != 0) {
                json_decref(arr);
                return NULL;
            }
        return arr;
    }
    case TL_RULE_NO_CREDIT_CHECK:
    case TL_RULE_BUSINESS_ONLY:
    case TL_RULE_EMPLOYER_PROVIDED:
    case TL_RULE_STUDENT_ONLY:
    case TL_RULE_RESIDENT_ONLY:
    case TL_RULE_NONRESIDENT_ONLY:
        return json_true();
    default:
        return json_real(isfinite(r->value) ? r->value : 0);
    }
}

static json_t *rule_json(const tl_rule *r)
{
    json_t *o = json_object();
    char d[160];
    if (!o)
        return NULL;
    /* Texts are valid UTF-8 by construction (the parser cleans them); a
     * struct filled by hand may not be, hence json_stringn's NULL check. */
    const char *text = r->text;
    size_t tlen = strnlen(text, sizeof r->text);
    json_t *jt = json_stringn(text, tlen);
    if (!put(o, "code", json_string(tl_rule_code(r->kind))) ||
        !put(o, "value", rule_value_json(r)) ||
        !put(o, "description", json_string(tl_rule_describe(r, d, sizeof d))) ||
        !put(o, "text", jt ? jt : json_string("")) ||
        !put(o, "source", json_string(source_name(r->source)))) {
        json_decref(o);
        return NULL;
    }
    size_t clen = strnlen(r->currency, sizeof r->currency);
    if (clen && !put(o, "currency", json_stringn(r->currency, clen))) {
        /* not UTF-8: leave it out */
    }
    if (r->partial && !put(o, "partial", json_true())) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *str_or_null(const char *s, size_t cap)
{
    if (!s || !s[0])
        return json_null();
    json_t *j = json_stringn(s, strnlen(s, cap));
    return j ? j : json_null();
}

json_t *tl_eligibility_to_json(const tl_eligibility *e)
{
    json_t *o = json_object(), *rules = json_array();
    if (!o || !rules || !e)
        goto fail;
    size_t n = e->n_rules < TL_ELIG_MAX_RULES ? e->n_rules : TL_ELIG_MAX_RULES;
    for (size_t i = 0; i < n; i++)
        if (json_array_append_new(rules, rule_json(&e->rules[i])) != 0)
            goto fail;
    if (!put(o, "rules", rules)) {
        rules = NULL;
        goto fail;
    }
    rules = NULL;
    if (!put(o, "unparsed", str_or_null(e->unparsed, sizeof e->unparsed)))
        goto fail;
    return o;
fail:
    json_decref(rules);
    json_decref(o);
    return NULL;
}

json_t *tl_verdict_to_json(const tl_verdict *v)
{
    json_t *o = json_object(), *cav = json_array();
    if (!o || !cav || !v)
        goto fail;
    for (size_t i = 0; i < v->n_caveats && i < TL_ELIG_MAX_RULES; i++) {
        json_t *c = json_object();
        char d[160];
        if (!c || json_array_append_new(cav, c) != 0)
            goto fail;
        if (!put(c, "code", json_string(tl_rule_code(v->caveats[i]->kind))) ||
            !put(c, "description", json_string(tl_rule_describe(v->caveats[i], d, sizeof d))) ||
            !put(c, "note", str_or_null(v->caveat_notes[i], 128)))
            goto fail;
    }
    if (!put(o, "eligible", json_boolean(v->eligible)) ||
        !put(o, "rule", v->code ? json_string(v->code) : json_null()) ||
        !put(o, "reason", json_string(v->reason)))
        goto fail;
    if (!put(o, "caveats", cav)) {
        cav = NULL;
        goto fail;
    }
    cav = NULL;
    if (!put(o, "unchecked", str_or_null(v->unchecked, TL_ELIG_UNPARSED_MAX)))
        goto fail;
    return o;
fail:
    json_decref(cav);
    json_decref(o);
    return NULL;
}
