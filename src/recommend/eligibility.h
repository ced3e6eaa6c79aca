/* eligibility.h — a product's eligibility text parsed into rules, and the
 * check of those rules against what the bank knows about a customer.
 *
 * The prototype ignored eligibility ("could offer a Platinum card to a
 * 19-year-old"). Here a product's free text ("Minimum age 25, High income
 * and excellent credit score"), a few related product fields (age_limit,
 * minimum_*_amount, income_requirement) and hints from its name and category
 * ("Junior", "Senior", "Business", "Salary Card", a credit_limit field)
 * become a small list of typed rules. Whatever cannot be parsed is kept as
 * text for the UI and is never a reason to reject anyone.
 *
 * Checking gives a verdict: ineligible with the first rule that excludes
 * the customer (a stable code plus a sentence such as "Minimum age 25;
 * customer is 19"), or eligible with caveats: rules that could not be
 * checked because a fact is unknown (age, income, credit standing) or
 * cannot be verified from bank data (owns gold, employer partnership).
 *
 * Everything lives in fixed-size structs: nothing is allocated except the
 * jansson objects the *_to_json functions return. Pure functions, no global
 * state; safe from any thread. See docs/eligibility.md. */
#ifndef TL_RECOMMEND_ELIGIBILITY_H
#define TL_RECOMMEND_ELIGIBILITY_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

#define TL_ELIG_MAX_RULES 16       /* rules kept per product; more go to `unparsed` */
#define TL_RULE_TEXT_MAX 96        /* bytes, with the NUL */
#define TL_ELIG_UNPARSED_MAX 256   /* bytes, with the NUL */
#define TL_ELIG_TEXT_MAX 4096      /* bytes of one text that are parsed; the rest is kept
                                      (truncated) in `unparsed` */
#define TL_ELIG_ADULT_AGE 18       /* implied minimum age of credit products */
#define TL_ELIG_SENIOR_AGE 60      /* "senior citizens" without a number */

typedef enum tl_rule_kind {
    TL_RULE_NONE = 0,
    TL_RULE_MIN_AGE,          /* value: years, inclusive */
    TL_RULE_MAX_AGE,          /* value: years, inclusive ("under 18" is 17) */
    TL_RULE_MINORS_ONLY,      /* value: the oldest age allowed (17) */
    TL_RULE_SENIORS_ONLY,     /* value: the youngest age allowed (60) */
    TL_RULE_INCOME_TIER,      /* value: tl_income_tier; thresholds in tl_eligibility_thresholds */
    TL_RULE_MIN_INCOME,       /* value: monthly amount (annual figures are divided by 12);
                                 currency in `currency` */
    TL_RULE_MIN_BALANCE,      /* value: amount the customer must hold (balance, deposit,
                                 investment); currency in `currency` */
    TL_RULE_CREDIT_TIER,      /* value: tl_credit_tier, the lowest accepted */
    TL_RULE_MIN_CREDIT_SCORE, /* value: score, e.g. 720 */
    TL_RULE_NO_CREDIT_CHECK,  /* informational: never excludes */
    TL_RULE_BUSINESS_ONLY,    /* businesses (companies, business owners) only */
    TL_RULE_EMPLOYED,         /* value: 0 salaried or self-employed, TL_JOB_SALARIED,
                                 TL_JOB_SELF_EMPLOYED */
    TL_RULE_EMPLOYER_PROVIDED,/* offered through an employer's salary account */
    TL_RULE_STUDENT_ONLY,
    TL_RULE_RESIDENT_ONLY,
    TL_RULE_NONRESIDENT_ONLY, /* NRIs / non-residents only */
    TL_RULE_OWNS_ASSET,       /* value: tl_asset; cannot be verified: always a caveat */
    TL_RULE_REQUIRES_ACCOUNT, /* value: 0 an account, 1 a fixed deposit; always a caveat */
    TL_RULE_OPEN_TO,          /* value: TL_GROUP_* mask of who may apply; informational */
    TL_RULE_MAX_INCOME,       /* value: monthly amount the income may not pass ("income
                                 below $30,000": 2,500); `below` when it must stay under */
    TL_RULE_MAX_BALANCE,      /* value: amount the balance may not pass; `below` likewise */
    TL_RULE_KIND_COUNT
} tl_rule_kind;

/* Where a rule came from. */
typedef enum tl_rule_source {
    TL_RULE_SRC_TEXT = 0,  /* the eligibility text */
    TL_RULE_SRC_FIELD,     /* another product field (age_limit, minimum_*_amount, ...) */
    TL_RULE_SRC_NAME,      /* the product's name or category ("Junior", "Business") */
    TL_RULE_SRC_IMPLIED,   /* product type (credit products need an adult) */
} tl_rule_source;

typedef enum tl_credit_tier {
    TL_CREDIT_UNKNOWN = -1,
    TL_CREDIT_POOR = 0,
    TL_CREDIT_FAIR,        /* also "moderate", "average" */
    TL_CREDIT_GOOD,
    TL_CREDIT_EXCELLENT,
} tl_credit_tier;

typedef enum tl_income_tier {
    TL_INCOME_BASIC = 0,
    TL_INCOME_MODERATE,
    TL_INCOME_HIGH,
    TL_INCOME_HNW,         /* high-net-worth: judged on balance, not income */
    TL_INCOME_TIER_COUNT
} tl_income_tier;

typedef enum tl_job {
    TL_JOB_UNKNOWN = -1,
    TL_JOB_NONE = 0,       /* not employed (also retired, homemaker) */
    TL_JOB_SALARIED,
    TL_JOB_SELF_EMPLOYED,  /* also business owners */
} tl_job;

typedef enum tl_asset { TL_ASSET_PROPERTY = 1, TL_ASSET_GOLD = 2 } tl_asset;

/* Who may apply (TL_RULE_OPEN_TO). */
enum tl_group {
    TL_GROUP_INDIVIDUAL = 1u << 0,
    TL_GROUP_BUSINESS = 1u << 1,
    TL_GROUP_MINOR = 1u << 2,
    TL_GROUP_SENIOR = 1u << 3,
    TL_GROUP_STUDENT = 1u << 4,
    TL_GROUP_FAMILY = 1u << 5,
    TL_GROUP_HUF = 1u << 6,         /* Hindu undivided families */
    TL_GROUP_NRI = 1u << 7,
    TL_GROUP_RESIDENT = 1u << 8,
    TL_GROUP_INSTITUTION = 1u << 9,
    TL_GROUP_ANYONE = 1u << 10,
};
#define TL_GROUP_COUNT 11

typedef struct tl_rule {
    int kind;                      /* tl_rule_kind */
    double value;                  /* meaning per kind, above */
    unsigned char source;          /* tl_rule_source */
    unsigned char below;           /* maximums: 1 when the bound itself is excluded
                                      ("below", "under", "less than"), 0 when it is
                                      allowed ("up to", "maximum", "within") */
    unsigned char partial;         /* 1: only part of the condition can be checked
                                      ("Government employees": employed, yes; by the
                                      government, unknown), so passing leaves a caveat */
    char currency[4];              /* ISO code for money rules when the text says
                                      ($ USD, ₹/Rs INR, € EUR, £ GBP); "" unknown */
    char text[TL_RULE_TEXT_MAX];   /* the phrase it came from, valid UTF-8, may be cut */
} tl_rule;

typedef struct tl_eligibility {
    tl_rule rules[TL_ELIG_MAX_RULES]; /* text order, then fields, name, implied */
    size_t n_rules;
    char unparsed[TL_ELIG_UNPARSED_MAX]; /* phrases not understood, "; "-separated,
                                            valid UTF-8; "" when all was understood */
} tl_eligibility;

/* Parses `text` (NULL: the product's "eligibility" field) and, when
 * `product_json` (a JSON object's text, may be NULL) is given, its related
 * fields and name/category hints. `out` is always initialised; on error it
 * holds no rules. Returns 0, or TL_EINPUT when out is NULL or product_json is
 * not a JSON object (err says why). Text never causes an error: what is not
 * understood goes to out->unparsed. Allocates nothing that outlives the call. */
int tl_eligibility_parse(const char *text, const char *product_json, tl_eligibility *out,
                         tl_err *err);

/* Same, with the product already parsed (borrowed; may be NULL). */
int tl_eligibility_parse_product(const char *text, const json_t *product, tl_eligibility *out,
                                 tl_err *err);

/* What the engine knows about a customer. Start from tl_applicant_init(),
 * which marks everything unknown, and fill what is known. */
typedef struct tl_applicant {
    int age;                 /* years; -1 unknown */
    double monthly_income;   /* estimate, in `currency`; NAN unknown */
    double balance;          /* current balance, in `currency`; NAN unknown */
    int credit_tier;         /* tl_credit_tier */
    int credit_score;        /* -1 unknown */
    int is_business;         /* 1 yes, 0 no, -1 unknown */
    int is_student;          /* 1 yes, 0 no, -1 unknown */
    int employment;          /* tl_job */
    int is_resident;         /* 1 yes, 0 no, -1 unknown (then derived from `country`
                                and the thresholds' home_country when both are set) */
    const char *country;     /* borrowed; NULL unknown */
    const char *currency;    /* borrowed ISO code; NULL: assumed the products' currency */
} tl_applicant;

void tl_applicant_init(tl_applicant *a);

/* The bank's policy numbers. Income tiers compare the monthly income
 * estimate; high-net-worth compares the balance. All amounts are in the
 * bank's currency. */
typedef struct tl_eligibility_thresholds {
    double income_monthly[TL_INCOME_TIER_COUNT - 1]; /* basic, moderate, high: minimum
                                                        monthly income (defaults 0,
                                                        3000, 8000) */
    double hnw_balance;        /* high-net-worth: minimum balance (default 250000) */
    const char *home_country;  /* borrowed; residency is derived from the customer's
                                  country when set (default NULL) */
} tl_eligibility_thresholds;

/* Writes the defaults above into t. */
void tl_eligibility_thresholds_default(tl_eligibility_thresholds *t);

typedef struct tl_verdict {
    int eligible;            /* 1 or 0 */
    const tl_rule *failed;   /* the first excluding rule (points into the checked
                                tl_eligibility, which must outlive the verdict);
                                NULL when eligible */
    const char *code;        /* tl_rule_code(failed->kind), static; NULL when eligible */
    char reason[160];        /* "Minimum age 25; customer is 19"; "" when eligible */
    size_t n_caveats;
    const tl_rule *caveats[TL_ELIG_MAX_RULES]; /* rules not checked (or only in part) */
    const char *caveat_notes[TL_ELIG_MAX_RULES]; /* static, e.g. "age not known" */
    const char *unchecked;   /* e->unparsed when not empty, else NULL */
} tl_verdict;

/* Checks every rule of `e` against `a`; `t` NULL means the defaults. A fact
 * that is unknown never excludes: its rule becomes a caveat. `out` borrows
 * from `e`. */
void tl_eligibility_check(const tl_eligibility *e, const tl_applicant *a,
                          const tl_eligibility_thresholds *t, tl_verdict *out);

/* The same verdict without the failed rule's sentence (out->reason stays
 * ""): for callers that only act on the decision, such as batch scoring,
 * where writing it for every excluded product took 3-4% of the samples. */
void tl_eligibility_decide(const tl_eligibility *e, const tl_applicant *a,
                           const tl_eligibility_thresholds *t, tl_verdict *out);

/* Stable snake_case code of a kind ("min_age"); "unknown" outside the enum. Static. */
const char *tl_rule_code(int kind);

/* Static names: "excellent", "high", "hnw", ...; "unknown" outside the enum. */
const char *tl_credit_tier_name(int tier);
const char *tl_income_tier_name(int tier);
/* "individual", "business", "minor", ..., for one TL_GROUP_* bit; NULL otherwise. */
const char *tl_group_name(unsigned bit);

/* Writes a one-line description of the rule ("Minimum age 25", "Excellent
 * credit") into buf (always NUL-terminated when size > 0); returns buf. */
char *tl_rule_describe(const tl_rule *r, char *buf, size_t size);

/* JSON for the API's explain=true and the product page:
 * {"rules":[{"code","value","description","text","source",...}], "unparsed"}.
 * New reference (caller json_decref()s), or NULL when out of memory. */
json_t *tl_eligibility_to_json(const tl_eligibility *e);

/* {"eligible", "rule", "reason", "caveats":[{"code","description","note"}],
 * "unchecked"}. New reference, or NULL when out of memory. */
json_t *tl_verdict_to_json(const tl_verdict *v);

#endif
