/* test_eligibility.c — eligibility text into rules, and rules against
 * customers: every eligibility phrase of the prototype's catalogue (kept
 * here as literals, and checked against ../shared when present), the
 * synthetic catalogue's phrases, decisions that must never go wrong (an
 * 80-year-old and travel insurance for 18-75, a 19-year-old and a minimum
 * age of 25, a minor and a credit card, a 30-year-old and junior savings),
 * unknown facts as caveats, thresholds, JSON, and the Indian card
 * catalogue as a does-not-crash and coverage run. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/eligibility.h"

/* "min_age=25 income_tier=high credit_tier=excellent min_age=18@implied" */
static void signature(const tl_eligibility *e, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < e->n_rules; i++) {
        const tl_rule *r = &e->rules[i];
        char val[128] = "";
        switch (r->kind) {
        case TL_RULE_MIN_AGE: case TL_RULE_MAX_AGE: case TL_RULE_MINORS_ONLY:
        case TL_RULE_SENIORS_ONLY: case TL_RULE_MIN_CREDIT_SCORE:
            snprintf(val, sizeof val, "=%g", r->value);
            break;
        case TL_RULE_MIN_INCOME: case TL_RULE_MIN_BALANCE: case TL_RULE_MAX_INCOME:
        case TL_RULE_MAX_BALANCE:
            snprintf(val, sizeof val, "=%g%s%s", r->value, r->currency[0] ? ":" : "", r->currency);
            break;
        case TL_RULE_INCOME_TIER:
            snprintf(val, sizeof val, "=%s", tl_income_tier_name((int)r->value));
            break;
        case TL_RULE_CREDIT_TIER:
            snprintf(val, sizeof val, "=%s", tl_credit_tier_name((int)r->value));
            break;
        case TL_RULE_EMPLOYED:
            snprintf(val, sizeof val, "=%s", r->value == TL_JOB_SALARIED ? "salaried"
                                             : r->value == TL_JOB_SELF_EMPLOYED ? "self_employed"
                                                                                 : "any");
            break;
        case TL_RULE_OWNS_ASSET:
            snprintf(val, sizeof val, "=%s", r->value == TL_ASSET_GOLD ? "gold" : "property");
            break;
        case TL_RULE_REQUIRES_ACCOUNT:
            snprintf(val, sizeof val, "=%s", r->value == 1 ? "fd" : "account");
            break;
        case TL_RULE_OPEN_TO: {
            size_t n = 0;
            val[n++] = '=';
            for (unsigned g = 0; g < TL_GROUP_COUNT; g++)
                if ((unsigned)r->value & (1u << g))
                    n += (size_t)snprintf(val + n, sizeof val - n, "%s%s", n > 1 ? "+" : "",
                                          tl_group_name(1u << g));
            break;
        }
        default:
            break;
        }
        static const char *const src[] = {"", "@field", "@name", "@implied"};
        int w = snprintf(buf + o, size - o, "%s%s%s%s", o ? " " : "", tl_rule_code(r->kind), val,
                         r->source < 4 ? src[r->source] : "@?");
        if (w < 0 || (size_t)w >= size - o)
            return;
        o += (size_t)w;
    }
}

static void parse_ok(const char *text, const char *product_json, tl_eligibility *e)
{
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_eligibility_parse(text, product_json, e, &err);
    if (rc != 0)
        fail_msg("parse(%s): rc %d: %s", text ? text : "(null)", rc, err.msg);
    assert_true(e->n_rules <= TL_ELIG_MAX_RULES);
    assert_true(strlen(e->unparsed) < sizeof e->unparsed);
    for (size_t i = 0; i < e->n_rules; i++) {
        assert_true(e->rules[i].kind > TL_RULE_NONE && e->rules[i].kind < TL_RULE_KIND_COUNT);
        assert_true(strlen(e->rules[i].text) < sizeof e->rules[i].text);
        assert_true(e->rules[i].text[0] != '\0');
    }
}

#define assert_sig(text, json, want)                                                   \
    do {                                                                               \
        tl_eligibility e_;                                                             \
        char got_[1024];                                                               \
        parse_ok((text), (json), &e_);                                                 \
        signature(&e_, got_, sizeof got_);                                             \
        if (strcmp(got_, (want)) != 0)                                                 \
            fail_msg("%s\n  got  \"%s\"\n  want \"%s\"", (text) ? (text) : "(json)", got_, \
                     (want));                                                          \
    } while (0)

/* ---- the prototype's catalogue --------------------------------------------- */

/* Every product of seed-data/products.json: its eligibility text, the fields
 * the parser reads besides it, the rules it must give and what it must keep
 * as unparsed text. */
static const struct seed_case {
    const char *id, *eligibility, *fields, *want, *unparsed;
} SEED[] = {
    {"1", "Minimum age 18, Basic income requirements",
     "{\"name\":\"Visa Classic\",\"category\":\"Plastic Card\",\"credit_limit\":\"$500 - $5,000\"}",
     "min_age=18 income_tier=basic", ""},
    {"2", "Minimum age 21, Moderate income and credit score",
     "{\"name\":\"Visa Gold\",\"category\":\"Plastic Card\",\"credit_limit\":\"$5,000 - $25,000\"}",
     "min_age=21 income_tier=moderate credit_tier=fair", ""},
    {"3", "Minimum age 25, High income and excellent credit score",
     "{\"name\":\"Visa Platinum\",\"category\":\"Plastic Card\",\"credit_limit\":\"$10,000+\"}",
     "min_age=25 income_tier=high credit_tier=excellent", ""},
    {"4", "Minimum age 18, Basic income requirements",
     "{\"name\":\"MasterCard Standard\",\"category\":\"Plastic Card\",\"credit_limit\":\"$500 - $4,000\"}",
     "min_age=18 income_tier=basic", ""},
    {"5", "Minimum age 21, Moderate income and credit score",
     "{\"name\":\"MasterCard Gold\",\"category\":\"Plastic Card\",\"credit_limit\":\"$4,000 - $20,000\"}",
     "min_age=21 income_tier=moderate credit_tier=fair", ""},
    {"6", "Minimum age 25, High income and excellent credit score",
     "{\"name\":\"MasterCard Platinum\",\"category\":\"Plastic Card\",\"credit_limit\":\"$8,000+\"}",
     "min_age=25 income_tier=high credit_tier=excellent", ""},
    {"7", "Good to excellent credit score",
     "{\"name\":\"American Express\",\"category\":\"Plastic Card\",\"credit_limit\":\"Varies based on spending and creditworthiness\"}",
     "credit_tier=good min_age=18@implied", ""},
    {"8", "Fair to good credit score",
     "{\"name\":\"Discover\",\"category\":\"Plastic Card\",\"credit_limit\":\"$500 - $15,000+\"}",
     "credit_tier=fair min_age=18@implied", ""},
    {"9", "Varies by issuing bank",
     "{\"name\":\"UnionPay\",\"category\":\"Plastic Card\",\"credit_limit\":\"Varies by issuing bank\"}",
     "min_age=18@implied", "Varies by issuing bank"},
    {"10", "Requires a bank account with a participating bank",
     "{\"name\":\"Maestro\",\"category\":\"Plastic Card\"}",
     "requires_account=account", ""},
    {"11", "Requires a bank account with a participating bank",
     "{\"name\":\"Visa Electron\",\"category\":\"Plastic Card\"}",
     "requires_account=account", ""},
    {"12", "Varies by issuing bank",
     "{\"name\":\"JCB\",\"category\":\"Plastic Card\",\"credit_limit\":\"Varies by issuing bank and cardholder's creditworthiness\"}",
     "min_age=18@implied", "Varies by issuing bank"},
    {"13", "Generally requires a good to excellent credit score and history",
     "{\"name\":\"Diners Club\",\"category\":\"Plastic Card\",\"credit_limit\":\"Varies based on individual assessment\"}",
     "credit_tier=good min_age=18@implied", ""},
    {"14", "Generally available to anyone, no credit check required",
     "{\"name\":\"Prepaid Card\",\"category\":\"Plastic Card\"}",
     "no_credit_check", ""},
    {"15", "Registered business with a good credit history",
     "{\"name\":\"Business Card\",\"category\":\"Plastic Card\",\"credit_limit\":\"Varies based on business creditworthiness\"}",
     "business_only credit_tier=good min_age=18@implied", ""},
    {"16", "Typically provided by employers as part of salary account",
     "{\"name\":\"Salary Card\",\"category\":\"Plastic Card\"}",
     "employer_provided", ""},
    {"17", "Resident individuals, NRIs, HUFs, Companies",
     "{\"name\":\"Fixed Deposit\",\"category\":\"Deposit\",\"minimum_deposit_amount\":\"$100 - $1,000\"}",
     "open_to=individual+business+huf+nri+resident min_balance=100:USD@field", ""},
    {"18", "Individuals, Minors (with guardian), HUFs",
     "{\"name\":\"Savings Account\",\"category\":\"Deposit\",\"minimum_balance_requirement\":\"$0 - $500 (depending on the type of account)\"}",
     "open_to=individual+minor+huf", ""},
    {"19", "Individuals, Minors (with guardian)",
     "{\"name\":\"Recurring Deposit\",\"category\":\"Deposit\"}",
     "open_to=individual+minor", ""},
    {"20", "Individuals, NRIs, HUFs, Companies",
     "{\"name\":\"Term Deposit\",\"category\":\"Deposit\",\"minimum_deposit_amount\":\"$500 - $5,000\"}",
     "open_to=individual+business+huf+nri min_balance=500:USD@field", ""},
    {"21", "Individuals",
     "{\"name\":\"High Yield Savings\",\"category\":\"Deposit\",\"minimum_balance_requirement\":\"$0 - $1,000\"}",
     "open_to=individual", ""},
    {"22", "Minors, operated by a parent or guardian",
     "{\"name\":\"Junior Savings Account\",\"category\":\"Deposit\",\"age_limit\":\"Typically available until the child reaches a certain age (e.g., 18)\",\"minimum_balance_requirement\":\"$0 - $100\"}",
     "minors_only=17 max_age=17@field", ""},
    {"23", "Individuals meeting specific age and employment criteria",
     "{\"name\":\"Retirement Savings Account\",\"category\":\"Deposit\"}",
     "open_to=individual", "Individuals meeting specific age and employment criteria"},
    {"24", "Individuals, Businesses",
     "{\"name\":\"Foreign Currency Deposit\",\"category\":\"Deposit\",\"minimum_deposit_amount\":\"Varies by currency and bank\"}",
     "open_to=individual+business", ""},
    {"25", "Individuals above a certain age (e.g., 60 years)",
     "{\"name\":\"Senior Citizens Savings Scheme\",\"category\":\"Deposit\"}",
     "open_to=individual min_age=60", ""},
    {"26", "Salaried or self-employed individuals with stable income and good credit score",
     "{\"name\":\"Home Loan\",\"category\":\"Loan\"}",
     "employed=any open_to=individual income_tier=basic credit_tier=good min_age=18@implied", ""},
    {"27", "Salaried or self-employed individuals with a good credit score",
     "{\"name\":\"Personal Loan\",\"category\":\"Loan\"}",
     "employed=any open_to=individual credit_tier=good min_age=18@implied", ""},
    {"28", "Salaried or self-employed individuals with stable income and good credit score",
     "{\"name\":\"Car Loan\",\"category\":\"Loan\"}",
     "employed=any open_to=individual income_tier=basic credit_tier=good min_age=18@implied", ""},
    {"29", "Students pursuing higher education in recognized institutions",
     "{\"name\":\"Education Loan\",\"category\":\"Loan\"}",
     "student_only", ""},
    {"30", "Anyone owning gold ornaments",
     "{\"name\":\"Gold Loan\",\"category\":\"Loan\"}",
     "owns_asset=gold min_age=18@implied", ""},
    {"31", "Owners of residential, commercial, or industrial properties",
     "{\"name\":\"Loan Against Property\",\"category\":\"Loan\"}",
     "owns_asset=property min_age=18@implied", ""},
    {"32", "Available for individuals aged 18 - 75 years",
     "{\"name\":\"Travel Insurance\",\"category\":\"Insurance\"}",
     "open_to=individual min_age=18 max_age=75", ""},
    {"33", "Available for individuals and families",
     "{\"name\":\"Health Insurance\",\"category\":\"Insurance\"}",
     "open_to=individual+family", ""},
    {"34", "Individuals aged 18 - 65 years (varies by plan)",
     "{\"name\":\"Life Insurance\",\"category\":\"Insurance\"}",
     "open_to=individual min_age=18 max_age=65", "varies by plan"},
    {"35", "Individuals, NRIs, Institutions",
     "{\"name\":\"Mutual Fund\",\"category\":\"Investment\"}",
     "open_to=individual+nri+institution", ""},
    {"36", "High-net-worth individuals and families",
     "{\"name\":\"Wealth Management\",\"category\":\"Investment\",\"minimum_investment_amount\":\"Typically high, e.g., $100,000 or more\"}",
     "income_tier=hnw open_to=individual+family min_balance=100000:USD@field", ""},
};
#define N_SEED (sizeof SEED / sizeof SEED[0])

static void test_seed_table(void **state)
{
    (void)state;
    assert_int_equal(N_SEED, 36);
    for (size_t i = 0; i < N_SEED; i++) {
        const struct seed_case *s = &SEED[i];
        assert_sig(s->eligibility, s->fields, s->want);
        tl_eligibility e;
        parse_ok(s->eligibility, s->fields, &e);
        if (strcmp(e.unparsed, s->unparsed) != 0)
            fail_msg("%s: unparsed \"%s\", want \"%s\"", s->id, e.unparsed, s->unparsed);
    }
}

/* The same expectations on the real file, whole product records. */
static void test_seed_file(void **state)
{
    (void)state;
    const char *path = tu_shared_path("seed-data/products.json");
    if (!path)
        skip();
    json_error_t jerr;
    json_t *products = json_load_file(path, 0, &jerr);
    if (!products)
        fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
    assert_true(json_is_array(products));
    assert_int_equal(json_array_size(products), N_SEED);
    size_t i;
    json_t *p;
    json_array_foreach(products, i, p) {
        const char *id = json_string_value(json_object_get(p, "product_id"));
        const struct seed_case *s = NULL;
        for (size_t k = 0; k < N_SEED; k++)
            if (id && strcmp(SEED[k].id, id) == 0)
                s = &SEED[k];
        if (!s)
            fail_msg("product %s not in the table", id ? id : "(no id)");
        assert_string_equal(json_string_value(json_object_get(p, "eligibility")), s->eligibility);
        char *doc = json_dumps(p, 0);
        assert_non_null(doc);
        tl_eligibility e;
        char got[1024];
        parse_ok(NULL, doc, &e);  /* eligibility taken from the record */
        signature(&e, got, sizeof got);
        if (strcmp(got, s->want) != 0)
            fail_msg("product %s: got \"%s\", want \"%s\"", id, got, s->want);
        assert_string_equal(e.unparsed, s->unparsed);
        /* The parsed json_t entry point agrees. */
        tl_eligibility e2;
        assert_int_equal(tl_eligibility_parse_product(NULL, p, &e2, NULL), 0);
        assert_memory_equal(&e, &e2, sizeof e);
        free(doc);
    }
    json_decref(products);
}

/* ---- phrases ------------------------------------------------------------------ */

static void test_phrases(void **state)
{
    (void)state;
    static const struct { const char *text, *want; } cases[] = {
        /* the brief's examples */
        {"Minimum age 25", "min_age=25"},
        {"aged 18 - 75 years", "min_age=18 max_age=75"},
        {"18-65", "min_age=18 max_age=65"},
        {"Individuals above a certain age (e.g., 60 years)", "open_to=individual min_age=60"},
        {"Typically available until the child reaches a certain age (e.g., 18)", "max_age=17"},
        {"Minors, operated by a parent or guardian", "minors_only=17"},
        {"Senior citizens only", "seniors_only=60"},
        {"Basic income requirements", "income_tier=basic"},
        {"Moderate income", "income_tier=moderate"},
        {"High income", "income_tier=high"},
        {"annual income above $60,000", "min_income=5000:USD"},
        {"High-net-worth individuals", "income_tier=hnw open_to=individual"},
        {"Fair to good credit score", "credit_tier=fair"},
        {"good to excellent credit", "credit_tier=good"},
        {"excellent credit score", "credit_tier=excellent"},
        {"no credit check required", "no_credit_check"},
        {"Registered business with a good credit history", "business_only credit_tier=good"},
        {"Businesses", "business_only"},
        {"Individuals, Businesses", "open_to=individual+business"},
        {"Typically provided by employers as part of salary account", "employer_provided"},
        {"Students pursuing higher education", "student_only"},
        {"Resident individuals", "resident_only open_to=individual+resident"},
        {"Residents only", "resident_only"},
        {"Resident individuals, NRIs", "open_to=individual+nri+resident"},
        {"NRIs only", "nonresident_only"},
        {"Anyone owning gold ornaments", "owns_asset=gold"},
        {"Owners of residential, commercial, or industrial properties", "owns_asset=property"},
        /* the synthetic catalogue's (src/synth/catalogue.c) */
        {"Minimum age 21, annual income above $35,000", "min_age=21 min_income=2916.67:USD"},
        {"Minimum age 25, annual income above $90,000, credit score 720 or higher",
         "min_age=25 min_income=7500:USD min_credit_score=720"},
        {"Students aged 18-25", "student_only min_age=18 max_age=25"},
        {"Business owners only, minimum age 21", "business_only min_age=21"},
        {"Minimum age 18, no credit history needed", "min_age=18 no_credit_check"},
        {"Under 18 only, with a parent or guardian's consent", "max_age=17"},
        {"Minimum age 18, minimum balance $10,000", "min_age=18 min_balance=10000:USD"},
        {"Minimum age 18, Residents only", "min_age=18 resident_only"},
        {"Age 60 and over", "min_age=60"},
        {"Salaried employees only, minimum age 18", "employed=salaried min_age=18"},
        {"Age 21-70, annual income above $45,000, credit score 680 or higher, Residents only",
         "min_age=21 max_age=70 min_income=3750:USD min_credit_score=680 resident_only"},
        {"Homeowners only, minimum age 25, credit score 680 or higher",
         "owns_asset=property min_age=25 min_credit_score=680"},
        /* Indian catalogue (income_requirement), '?' for a lost rupee sign */
        {"?20,000/month", "min_income=20000"},
        {"?1,00,000/month", "min_income=100000"},
        {"₹25,000 per month", "min_income=25000:INR"},
        {"Net monthly income ₹3 lakh", "min_income=300000:INR"},
        {"Income ₹6 LPA", "min_income=50000:INR"},
        {"?10,000 FD required", "min_balance=10000"},
        {"Fixed deposit required", "requires_account=fd"},
        {"Kotak 811 account needed", "requires_account=account"},
        {"NRI account req", "requires_account=account nonresident_only"},
        {"High-income customers only", "income_tier=high"},
        {"High Net Worth", "income_tier=hnw"},
        {"Government employees", "employed=salaried"},
        {"Salary account in Union Bank", "employer_provided"},
        {"CIBIL score of 750 or above", "min_credit_score=750"},
        /* other shapes */
        {"18+ only", "min_age=18"},
        {"Must be 21 years or older", "min_age=21"},
        {"Applicants must be between 21 and 60 years of age", "min_age=21 max_age=60"},
        {"Not older than 65 years", "max_age=65"},
        {"Up to 80 years", "max_age=80"},
        {"Age limit: 70", "max_age=70"},
        {"Self-employed professionals", "employed=self_employed"},
        {"Kids", "minors_only=17"},
        /* maximums */
        {"income below $30,000", "max_income=2500:USD"},
        {"Annual income under $24,000, minimum age 18", "max_income=2000:USD min_age=18"},
        {"Monthly salary up to ₹25,000", "max_income=25000:INR"},
        {"Balance below $1,000", "max_balance=1000:USD"},
        {"Maximum balance $5,000", "max_balance=5000:USD"},
        {"Minimum balance $500 - $5,000", "min_balance=500:USD"},
        /* not ages: units, experience, money */
        {"Minimum 2 years of work experience", ""},
        {"Minimum 12 months of employment", ""},
        {"Up to 8 complimentary lounge visits every year", ""},
        {"Spend ₹6 lakh annually for a fee waiver", ""},
        {"Excellent credit card rewards", ""},
        {"", ""},
        {"Varies by issuing bank", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_sig(cases[i].text, NULL, cases[i].want);
}

static void test_phrase_texts(void **state)
{
    (void)state;
    tl_eligibility e;
    parse_ok("Minimum age 25, High income and excellent credit score", NULL, &e);
    assert_int_equal(e.n_rules, 3);
    assert_string_equal(e.rules[0].text, "Minimum age 25");
    assert_string_equal(e.rules[1].text, "High income");
    assert_string_equal(e.rules[2].text, "excellent credit score");
    assert_string_equal(e.unparsed, "");

    parse_ok("Individuals aged 18 - 65 years (varies by plan)", NULL, &e);
    assert_string_equal(e.unparsed, "varies by plan");
    assert_string_equal(e.rules[1].text, "aged 18 - 65 years");

    parse_ok("Individuals above a certain age (e.g., 60 years)", NULL, &e);
    assert_string_equal(e.rules[1].text, "above a certain age (e.g., 60 years)");

    /* Unparsed text is kept, and several clauses are joined. */
    parse_ok("Minimum age 18, subject to approval, varies by region", NULL, &e);
    assert_int_equal(e.n_rules, 1);
    assert_string_equal(e.unparsed, "subject to approval; varies by region");

    /* Government employees: salaried, the "government" part only partly checkable. */
    parse_ok("Government employees", NULL, &e);
    assert_int_equal(e.rules[0].partial, 1);
}

/* Name and category hints, and the implied adult age of credit products. */
static void test_hints(void **state)
{
    (void)state;
    assert_sig("", "{\"name\":\"Junior Saver\",\"category\":\"Deposit\"}", "minors_only=17@name");
    assert_sig("", "{\"name\":\"Senior Citizens Deposit\",\"category\":\"Deposit\"}",
               "seniors_only=60@name");
    assert_sig("", "{\"name\":\"Business Card\",\"category\":\"Plastic Card\"}", "business_only@name");
    assert_sig("Individuals", "{\"name\":\"Business Savings\",\"category\":\"Deposit\"}",
               "open_to=individual");
    assert_sig("", "{\"name\":\"Salary Card\",\"category\":\"Plastic Card\"}",
               "employer_provided@name");
    assert_sig("", "{\"name\":\"Campus Card\",\"category\":\"Plastic Card\"}", "student_only@name");
    assert_sig("", "{\"name\":\"Rewards Credit Card\",\"category\":\"Cards\"}",
               "min_age=18@implied");
    assert_sig("", "{\"name\":\"Car Loan\",\"category\":\"Loan\"}", "min_age=18@implied");
    assert_sig("Minimum age 21", "{\"name\":\"Car Loan\",\"category\":\"Loan\"}", "min_age=21");
    /* A debit card is no credit product. */
    assert_sig("", "{\"name\":\"Maestro\",\"category\":\"Plastic Card\",\"spending_limit\":\"x\"}",
               "");
    /* An income requirement field, and amounts as numbers. */
    assert_sig("", "{\"name\":\"X\",\"income_requirement\":\"?25,000/month\"}",
               "min_income=25000@field");
    assert_sig("", "{\"name\":\"X\",\"minimum_deposit_amount\":2500}", "min_balance=2500@field");
    assert_sig("", "{\"name\":\"X\",\"minimum_balance_requirement\":\"$0 - $500\"}", "");
}

static void test_parse_errors(void **state)
{
    (void)state;
    tl_err err;
    tl_eligibility e;
    tl_err_clear(&err);
    assert_int_equal(tl_eligibility_parse("Minimum age 18", "{not json", &e, &err), TL_EINPUT);
    assert_int_equal(e.n_rules, 0);
    assert_non_null(strstr(err.msg, "eligibility"));
    assert_int_equal(tl_eligibility_parse("Minimum age 18", "[1,2]", &e, &err), TL_EINPUT);
    assert_int_equal(tl_eligibility_parse("Minimum age 18", NULL, NULL, &err), TL_EINPUT);
    /* NULL text and no product: nothing, not an error. */
    assert_int_equal(tl_eligibility_parse(NULL, NULL, &e, &err), 0);
    assert_int_equal(e.n_rules, 0);
    assert_string_equal(e.unparsed, "");
}

/* ---- decisions -------------------------------------------------------------- */

static const struct seed_case *seed(const char *id)
{
    for (size_t k = 0; k < N_SEED; k++)
        if (strcmp(SEED[k].id, id) == 0)
            return &SEED[k];
    fail_msg("no seed product %s", id);
    return NULL;
}

static void parse_seed(const char *id, tl_eligibility *e)
{
    const struct seed_case *s = seed(id);
    parse_ok(s->eligibility, s->fields, e);
}

static tl_applicant person(int age)
{
    tl_applicant a;
    tl_applicant_init(&a);
    a.age = age;
    return a;
}

static bool has_caveat(const tl_verdict *v, int kind)
{
    for (size_t i = 0; i < v->n_caveats; i++)
        if (v->caveats[i]->kind == kind)
            return true;
    return false;
}

#define assert_excluded(v, want_code, want_reason)                                    \
    do {                                                                              \
        if ((v).eligible)                                                             \
            fail_msg("eligible, want excluded by %s", (want_code));                   \
        assert_non_null((v).failed);                                                  \
        assert_string_equal((v).code, (want_code));                                   \
        if (want_reason)                                                              \
            assert_string_equal((v).reason, (const char *)(want_reason));             \
    } while (0)

static void test_travel_insurance_80(void **state)
{
    (void)state;
    tl_eligibility e;
    tl_verdict v;
    parse_seed("32", &e);  /* Travel Insurance, 18 - 75 */
    tl_applicant a = person(80);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "max_age", "Maximum age 75; customer is 80");
    /* Whatever else is known: never eligible at 80. */
    a.monthly_income = 1e6;
    a.balance = 1e7;
    a.credit_tier = TL_CREDIT_EXCELLENT;
    a.is_resident = 1;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_false(v.eligible);
    for (int age = 76; age <= 120; age++) {
        a.age = age;
        tl_eligibility_check(&e, &a, NULL, &v);
        assert_false(v.eligible);
    }
    for (int age = 0; age < 18; age++) {
        a.age = age;
        tl_eligibility_check(&e, &a, NULL, &v);
        assert_excluded(v, "min_age", NULL);
    }
    a.age = 75;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_int_equal(v.n_caveats, 0);
}

static void test_platinum_19(void **state)
{
    (void)state;
    tl_eligibility e;
    tl_verdict v;
    for (const char *id = "3"; id; id = strcmp(id, "3") == 0 ? "6" : NULL) {
        parse_seed(id, &e);  /* Visa / MasterCard Platinum */
        tl_applicant a = person(19);
        a.monthly_income = 50000;
        a.credit_tier = TL_CREDIT_EXCELLENT;
        tl_eligibility_check(&e, &a, NULL, &v);
        assert_excluded(v, "min_age", "Minimum age 25; customer is 19");
        assert_ptr_equal(v.failed, &e.rules[0]);
        a.age = 25;
        tl_eligibility_check(&e, &a, NULL, &v);
        assert_true(v.eligible);
        assert_string_equal(v.reason, "");
        assert_null(v.failed);
    }
}

static void test_minor_credit_cards(void **state)
{
    (void)state;
    /* Every seed product with a credit limit is a credit card. */
    static const char *const cards[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9",
                                        "12", "13", "15"};
    for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
        tl_eligibility e;
        tl_verdict v;
        parse_seed(cards[i], &e);
        for (int age = 0; age < 18; age++) {
            tl_applicant a = person(age);
            a.monthly_income = 1e6;
            a.credit_tier = TL_CREDIT_EXCELLENT;
            a.is_business = 1;
            tl_eligibility_check(&e, &a, NULL, &v);
            if (v.eligible)
                fail_msg("card %s offered to a %d-year-old", cards[i], age);
            assert_string_equal(v.code, "min_age");
        }
    }
}

static void test_junior_savings_30(void **state)
{
    (void)state;
    tl_eligibility e;
    tl_verdict v;
    parse_seed("22", &e);
    tl_applicant a = person(30);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "minors_only", "Minors only (under 18); customer is 30");
    a.age = 18;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_false(v.eligible);
    a.age = 9;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
}

/* tl_eligibility_decide reaches check's verdict, every field but the
 * sentence, on every seed product for applicants of every kind. */
static void test_decide_matches_check(void **state)
{
    (void)state;
    static const int credit[] = {TL_CREDIT_UNKNOWN, TL_CREDIT_POOR, TL_CREDIT_EXCELLENT};
    size_t excluded = 0;
    for (size_t k = 0; k < N_SEED; k++) {
        tl_eligibility e;
        parse_seed(SEED[k].id, &e);
        for (int age = -1; age <= 100; age += 7)
            for (int c = 0; c < 3; c++)
                for (int who = 0; who < 4; who++) {
                    tl_applicant a = person(age);
                    a.credit_tier = credit[c];
                    a.monthly_income = who == 0 ? NAN : who * 4000.0;
                    a.is_resident = who % 2;
                    a.is_business = who == 3;
                    tl_verdict full, quick;
                    tl_eligibility_check(&e, &a, NULL, &full);
                    tl_eligibility_decide(&e, &a, NULL, &quick);
                    assert_int_equal(quick.eligible, full.eligible);
                    assert_ptr_equal(quick.failed, full.failed);
                    assert_ptr_equal(quick.code, full.code);
                    assert_string_equal(quick.reason, "");
                    assert_int_equal(quick.n_caveats, full.n_caveats);
                    for (size_t i = 0; i < full.n_caveats; i++) {
                        assert_ptr_equal(quick.caveats[i], full.caveats[i]);
                        assert_ptr_equal(quick.caveat_notes[i], full.caveat_notes[i]);
                    }
                    assert_ptr_equal(quick.unchecked, full.unchecked);
                    excluded += !full.eligible;
                }
    }
    assert_true(excluded > 100);   /* the sentence was skipped, not absent */
}

static void test_unknown_age_is_caveat(void **state)
{
    (void)state;
    tl_eligibility e;
    tl_verdict v;
    parse_seed("3", &e);
    tl_applicant a;
    tl_applicant_init(&a);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_int_equal(v.n_caveats, 3);
    assert_true(has_caveat(&v, TL_RULE_MIN_AGE));
    assert_true(has_caveat(&v, TL_RULE_INCOME_TIER));
    assert_true(has_caveat(&v, TL_RULE_CREDIT_TIER));
    assert_string_equal(v.caveat_notes[0], "age not known");
    /* NULL applicant: everything unknown. */
    tl_eligibility_check(&e, NULL, NULL, &v);
    assert_true(v.eligible);
    assert_int_equal(v.n_caveats, 3);
    /* Unparsed text never excludes; it is reported. */
    parse_seed("9", &e);  /* UnionPay: "Varies by issuing bank" */
    a = person(40);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_non_null(v.unchecked);
    assert_string_equal(v.unchecked, "Varies by issuing bank");
}

static void test_income_and_thresholds(void **state)
{
    (void)state;
    tl_eligibility e;
    tl_verdict v;
    parse_seed("3", &e);
    tl_applicant a = person(45);
    a.credit_tier = TL_CREDIT_EXCELLENT;
    a.monthly_income = 2000;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "income_tier",
                    "High income; needs at least 8,000 a month; customer's estimated income is 2,000");
    tl_eligibility_thresholds t;
    tl_eligibility_thresholds_default(&t);
    assert_true(t.income_monthly[TL_INCOME_BASIC] == 0);
    assert_true(t.income_monthly[TL_INCOME_MODERATE] == 3000);
    assert_true(t.income_monthly[TL_INCOME_HIGH] == 8000);
    assert_true(t.hnw_balance == 250000);
    t.income_monthly[TL_INCOME_HIGH] = 1500;  /* a bank with other numbers */
    tl_eligibility_check(&e, &a, &t, &v);
    assert_true(v.eligible);
    /* Credit below the tier. */
    a.monthly_income = 9000;
    a.credit_tier = TL_CREDIT_GOOD;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "credit_tier", "Excellent credit; customer's credit is good");
    /* Moderate tier (Visa Gold): 3,000 passes, 2,999 does not. */
    parse_seed("2", &e);
    a = person(30);
    a.credit_tier = TL_CREDIT_FAIR;
    a.monthly_income = 3000;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    a.monthly_income = 2999;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "income_tier", NULL);
    /* High-net-worth is about the balance. */
    parse_seed("36", &e);
    a = person(50);
    a.balance = 500000;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    a.balance = 10000;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "income_tier", NULL);
    /* Amounts: annual income above $60,000 is 5,000 a month. */
    parse_ok("annual income above $60,000", NULL, &e);
    a = person(30);
    a.monthly_income = 4999;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "min_income",
                    "Income of at least USD 5,000 a month; customer's estimated income is 4,999 a month");
    a.currency = "USD";
    a.monthly_income = 5000;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    /* Another currency cannot be compared: caveat. */
    a.currency = "EUR";
    a.monthly_income = 10;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_true(has_caveat(&v, TL_RULE_MIN_INCOME));
    assert_string_equal(v.caveat_notes[0], "amount in another currency");
    /* Maximums: "below" excludes the bound itself, "up to" allows it. */
    parse_ok("Annual income below $30,000", NULL, &e);
    a = person(30);
    a.monthly_income = 2499;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    a.monthly_income = 2500;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "max_income",
                    "Income below USD 2,500 a month; customer's estimated income is 2,500 a month");
    a.monthly_income = NAN;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_true(has_caveat(&v, TL_RULE_MAX_INCOME));
    assert_string_equal(v.caveat_notes[0], "income not known");
    parse_ok("Balance up to $5,000", NULL, &e);
    a = person(30);
    a.balance = 5000;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    a.balance = 5000.01;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "max_balance",
                    "Balance of at most USD 5,000; customer's balance is 5,000");
}

static void test_groups_and_conditions(void **state)
{
    (void)state;
    tl_eligibility e;
    tl_verdict v;
    tl_applicant a = person(40);
    /* Business card. */
    parse_seed("15", &e);
    a.is_business = 0;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "business_only", "Businesses only; customer is not a business");
    a.is_business = 1;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_true(has_caveat(&v, TL_RULE_CREDIT_TIER));
    /* Salary card: employer-provided. */
    parse_seed("16", &e);
    a = person(40);
    a.employment = TL_JOB_NONE;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "employer_provided", NULL);
    a.employment = TL_JOB_SELF_EMPLOYED;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_false(v.eligible);
    a.employment = TL_JOB_SALARIED;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_true(has_caveat(&v, TL_RULE_EMPLOYER_PROVIDED));
    /* Home loan: salaried or self-employed. */
    parse_seed("26", &e);
    a = person(40);
    a.employment = TL_JOB_NONE;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "employed", "Salaried or self-employed; customer is not employed");
    a.employment = TL_JOB_SELF_EMPLOYED;
    a.monthly_income = 4000;
    a.credit_tier = TL_CREDIT_GOOD;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_int_equal(v.n_caveats, 0);
    a.age = 17;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "min_age", NULL);
    /* Education loan: students only. */
    parse_seed("29", &e);
    a = person(22);
    a.is_student = 0;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "student_only", "Students only; customer is not a student");
    a.is_student = 1;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    /* Senior scheme: 60 and over. */
    parse_seed("25", &e);
    a = person(59);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "min_age", "Minimum age 60; customer is 59");
    a.age = 60;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    /* Gold loan: cannot be verified, a caveat. */
    parse_seed("30", &e);
    a = person(40);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_true(has_caveat(&v, TL_RULE_OWNS_ASSET));
    /* Prepaid: no credit check, open to a minor. */
    parse_seed("14", &e);
    a = person(15);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_int_equal(v.n_caveats, 0);
    /* Residency from the country and the bank's home country. */
    parse_ok("Minimum age 18, Residents only", NULL, &e);
    a = person(30);
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_true(v.eligible);
    assert_true(has_caveat(&v, TL_RULE_RESIDENT_ONLY));
    tl_eligibility_thresholds t;
    tl_eligibility_thresholds_default(&t);
    t.home_country = "United States";
    a.country = "united states";
    tl_eligibility_check(&e, &a, &t, &v);
    assert_true(v.eligible);
    assert_int_equal(v.n_caveats, 0);
    a.country = "India";
    tl_eligibility_check(&e, &a, &t, &v);
    assert_excluded(v, "resident_only", "Residents only; customer is not resident");
    a.is_resident = 1;  /* known directly: wins */
    tl_eligibility_check(&e, &a, &t, &v);
    assert_true(v.eligible);
    /* Credit score numbers. */
    parse_ok("credit score 720 or higher", NULL, &e);
    a = person(30);
    a.credit_score = 700;
    tl_eligibility_check(&e, &a, NULL, &v);
    assert_excluded(v, "min_credit_score", "Credit score of at least 720; customer's score is 700");
}

/* ---- JSON ---------------------------------------------------------------------- */

static void test_json(void **state)
{
    (void)state;
    tl_eligibility e;
    parse_seed("3", &e);
    json_t *j = tl_eligibility_to_json(&e);
    assert_non_null(j);
    json_t *rules = json_object_get(j, "rules");
    assert_int_equal(json_array_size(rules), 3);
    json_t *r0 = json_array_get(rules, 0);
    assert_string_equal(json_string_value(json_object_get(r0, "code")), "min_age");
    assert_true(json_number_value(json_object_get(r0, "value")) == 25);
    assert_string_equal(json_string_value(json_object_get(r0, "description")), "Minimum age 25");
    assert_string_equal(json_string_value(json_object_get(r0, "text")), "Minimum age 25");
    assert_string_equal(json_string_value(json_object_get(r0, "source")), "text");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rules, 1), "value")),
                        "high");
    assert_true(json_is_null(json_object_get(j, "unparsed")));
    json_decref(j);

    parse_seed("17", &e);
    j = tl_eligibility_to_json(&e);
    json_t *groups = json_object_get(json_array_get(json_object_get(j, "rules"), 0), "value");
    assert_int_equal(json_array_size(groups), 5);
    assert_string_equal(json_string_value(json_array_get(groups, 0)), "individual");
    json_decref(j);

    tl_verdict v;
    parse_seed("3", &e);
    tl_applicant a = person(19);
    tl_eligibility_check(&e, &a, NULL, &v);
    j = tl_verdict_to_json(&v);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "eligible")));
    assert_string_equal(json_string_value(json_object_get(j, "rule")), "min_age");
    assert_string_equal(json_string_value(json_object_get(j, "reason")),
                        "Minimum age 25; customer is 19");
    assert_int_equal(json_array_size(json_object_get(j, "caveats")), 2);
    json_t *c0 = json_array_get(json_object_get(j, "caveats"), 0);
    assert_string_equal(json_string_value(json_object_get(c0, "code")), "income_tier");
    assert_string_equal(json_string_value(json_object_get(c0, "note")), "income not known");
    json_decref(j);
}

/* ---- robustness ------------------------------------------------------------------ */

static void check_invariants(const char *text)
{
    tl_eligibility e;
    assert_int_equal(tl_eligibility_parse(text, NULL, &e, NULL), 0);
    assert_true(e.n_rules <= TL_ELIG_MAX_RULES);
    /* Kept texts are valid UTF-8 whatever the input (jansson checks). */
    json_t *j = json_string(e.unparsed);
    if (!j)
        fail_msg("unparsed is not UTF-8 for input \"%s\"", text);
    json_decref(j);
    for (size_t i = 0; i < e.n_rules; i++) {
        j = json_string(e.rules[i].text);
        if (!j)
            fail_msg("rule text is not UTF-8 for input \"%s\"", text);
        json_decref(j);
    }
    j = tl_eligibility_to_json(&e);
    assert_non_null(j);
    json_decref(j);
    tl_applicant a = person(30);
    tl_verdict v;
    tl_eligibility_check(&e, &a, NULL, &v);
    j = tl_verdict_to_json(&v);
    assert_non_null(j);
    json_decref(j);
}

static void test_garbage(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "", " ", ",,,;;;...", "(((((", ")))", "$", "₹", "?", "-", "18-", "-18", "18 -",
        "above 1000000000000000000000000000000000000000000000000 years",
        "1e308", "\xff\xfe\xc3", "age \xe2\x82", "Minimum age 25\xc3", "99999999999999999999%",
        "under 0", "between 60 and 18 years", "Age 18-18",
        /* multipliers past int64 (a fuzzer find) */
        "999999999999999999999K lakh crore crore crore million income",
        /* invalid lead bytes, overlong forms and surrogates inside kept text */
        "Varies \xf5\x80\x80 by bank", "Varies \xf8\x88\x80\x80\x80 by bank",
        "Varies \xc0\xaf by bank", "Varies \xe0\x80\xaf by bank", "Varies \xed\xa0\x80 by bank",
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        check_invariants(odd[i]);
    /* Long text: past TL_ELIG_TEXT_MAX and past the token array; more
     * rules than fit. */
    size_t n = 20000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    const char *unit = "Minimum age 18, credit score 700 or higher, Residents only, ";
    for (size_t k = 0; k < n; k++)
        big[k] = unit[k % strlen(unit)];
    big[n] = '\0';
    check_invariants(big);
    tl_eligibility e;
    parse_ok(big, NULL, &e);
    assert_true(e.n_rules >= 3);
    assert_true(e.unparsed[0] != '\0');  /* the tail is kept, not enforced */
    for (size_t k = 0; k < n; k++)
        big[k] = "a1 -,(.)$?"[k % 10];
    check_invariants(big);
    free(big);
    /* Random bytes. */
    unsigned seed = 12345;
    char buf[300];
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(rand_r(&seed) % 299);
        for (size_t k = 0; k < len; k++) {
            static const char alpha[] = "abcdefghijklmnopqrstuvwxyz ageunderover18-6521,.;()$?+%/\xe2\x82\xb9";
            buf[k] = (rand_r(&seed) & 3) ? alpha[rand_r(&seed) % (sizeof alpha - 1)]
                                         : (char)(rand_r(&seed) % 255 + 1);
        }
        buf[len] = '\0';
        check_invariants(buf);
    }
}

/* ---- the Indian card catalogue ------------------------------------------------------ */

/* Reads one CSV record (RFC 4180 quotes) from *p into fields (pointers into
 * the mutated buffer); returns the count, 0 at the end. */
static size_t csv_record(char **p, char **fields, size_t max)
{
    char *s = *p;
    if (!*s)
        return 0;
    size_t n = 0;
    for (;;) {
        char *out = s, *start = s;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    break;
                if (*s == '"' && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *out++ = *s++;
                }
            }
            while (*s && *s != ',' && *s != '\n')
                s++;
        } else {
            while (*s && *s != ',' && *s != '\n' && *s != '\r')
                s++;
            out = s;
        }
        char sep = *s;
        if (*s == '\r')
            s++, sep = *s;
        *out = '\0';
        if (n < max)
            fields[n++] = start;
        if (sep == ',') {
            s++;
            continue;
        }
        if (sep == '\n')
            s++;
        break;
    }
    *p = s;
    return n;
}

static void test_india_catalogue(void **state)
{
    (void)state;
    const char *path = tu_shared_path("datasets/india-credit-card-catalog/kartikgawade_credit_cards_177.csv");
    if (!path)
        skip();
    char *text = tu_read_file(path, NULL);
    if (!text)
        skip();
    char *p = text, *f[32];
    size_t n = csv_record(&p, f, 32), col = SIZE_MAX;
    for (size_t k = 0; k < n; k++)
        if (strcmp(f[k], "income_requirement") == 0)
            col = k;
    assert_true(col != SIZE_MAX);
    size_t texts = 0, with_rule = 0, enforceable = 0;
    while ((n = csv_record(&p, f, 32)) > 0) {
        if (col >= n || !f[col][0])
            continue;
        tl_eligibility e;
        parse_ok(f[col], NULL, &e);
        check_invariants(f[col]);
        texts++;
        with_rule += e.n_rules > 0;
        bool can_exclude = false;
        for (size_t r = 0; r < e.n_rules; r++) {
            int k = e.rules[r].kind;
            can_exclude |= k != TL_RULE_OPEN_TO && k != TL_RULE_NO_CREDIT_CHECK &&
                           k != TL_RULE_OWNS_ASSET && k != TL_RULE_REQUIRES_ACCOUNT;
        }
        enforceable += can_exclude;
    }
    free(text);
    print_message("india catalogue: %zu income_requirement texts, %zu with a rule, %zu with a rule "
                  "that can exclude\n", texts, with_rule, enforceable);
    assert_int_equal(texts, 177);
    assert_true(with_rule >= 170);

    /* cards_311.csv has no eligibility column: every cell must parse
     * without trouble all the same. */
    path = tu_shared_path("datasets/india-credit-card-catalog/cards_311.csv");
    text = path ? tu_read_file(path, NULL) : NULL;
    if (!text)
        return;
    p = text;
    size_t cells = 0, rows = 0;
    csv_record(&p, f, 32);  /* header */
    while ((n = csv_record(&p, f, 32)) > 0) {
        rows++;
        for (size_t k = 0; k < n; k++, cells++)
            check_invariants(f[k]);
    }
    free(text);
    print_message("india catalogue: cards_311.csv %zu rows, %zu cells parsed\n", rows, cells);
    assert_true(rows >= 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_table),
        cmocka_unit_test(test_seed_file),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_phrase_texts),
        cmocka_unit_test(test_hints),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_travel_insurance_80),
        cmocka_unit_test(test_platinum_19),
        cmocka_unit_test(test_minor_credit_cards),
        cmocka_unit_test(test_junior_savings_30),
        cmocka_unit_test(test_unknown_age_is_caveat),
        cmocka_unit_test(test_decide_matches_check),
        cmocka_unit_test(test_income_and_thresholds),
        cmocka_unit_test(test_groups_and_conditions),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_india_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
