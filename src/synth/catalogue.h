/* catalogue.h — the synthetic bank's product catalogue: about forty cards,
 * deposits, loans, insurance and investment products written for tailor.
 *
 * Each product carries the prototype's descriptive fields (written out to
 * products.json), a few hand-written reviews with ratings, short pro and
 * con phrases the review generator combines, and its eligibility twice:
 * as natural text ("Minimum age 25, annual income above $60,000") and as
 * the machine rule the generator obeys when it hands out holdings. The two
 * agree; tests/synth checks that by parsing the text.
 *
 * Everything is static and read-only; nothing is allocated. */
#ifndef TL_SYNTH_CATALOGUE_H
#define TL_SYNTH_CATALOGUE_H

#include "base/err.h"

#include <stdbool.h>
#include <stdint.h>

/* Requirements a customer must meet (beyond the age band). */
enum tl_elig_flag {
    TL_ELIG_BUSINESS = 1u << 0,  /* "Business owners only" */
    TL_ELIG_RESIDENT = 1u << 1,  /* "Residents only" */
    TL_ELIG_STUDENT = 1u << 2,   /* "Students aged …" / "students only" */
    TL_ELIG_SALARIED = 1u << 3,  /* "Salaried employees only" */
    TL_ELIG_HOMEOWNER = 1u << 4, /* "Homeowners only" */
};

typedef struct tl_elig {
    int min_age;              /* 0: none */
    int max_age;              /* inclusive; 0: none */
    double min_income_annual; /* "annual income above $N"; 0: none */
    double min_balance;       /* "minimum balance $N"; 0: none */
    int min_credit;           /* "credit score N or higher"; 0: none */
    unsigned flags;           /* enum tl_elig_flag */
} tl_elig;

/* Life-stage tags the holdings generator matches against a customer. */
enum tl_fit_tag {
    TL_FIT_EVERYONE = 1u << 0,
    TL_FIT_YOUNG = 1u << 1,    /* 18-30 */
    TL_FIT_STUDENT = 1u << 2,
    TL_FIT_FAMILY = 1u << 3,   /* has children */
    TL_FIT_SENIOR = 1u << 4,   /* 60+ */
    TL_FIT_AFFLUENT = 1u << 5, /* high income or balance */
    TL_FIT_TRAVEL = 1u << 6,
    TL_FIT_BUSINESS = 1u << 7,
    TL_FIT_HOME = 1u << 8,     /* homeowner */
    TL_FIT_CAR = 1u << 9,      /* drives */
    TL_FIT_DINING = 1u << 10,
    TL_FIT_SAVER = 1u << 11,   /* low risk, saves */
    TL_FIT_INVESTOR = 1u << 12,/* medium/high risk, invests */
    TL_FIT_MINOR = 1u << 13,
    TL_FIT_NONRESIDENT = 1u << 14,
};

enum tl_product_kind {
    TL_KIND_CREDIT_CARD, TL_KIND_DEBIT_CARD, TL_KIND_PREPAID_CARD,
    TL_KIND_DEPOSIT, TL_KIND_LOAN, TL_KIND_INSURANCE, TL_KIND_INVESTMENT,
};

typedef struct tl_review_seed {
    const char *text;
    int rating;               /* 1..5 */
} tl_review_seed;

#define TL_PRODUCT_REVIEWS 6
#define TL_PRODUCT_ASPECTS 4

typedef struct tl_product {
    const char *id;           /* stable, e.g. "CC-GOLD" */
    const char *name;
    const char *category;     /* "Plastic Card", "Deposit", "Loan", "Insurance", "Investment" */
    int kind;                 /* enum tl_product_kind */
    const char *description, *features, *eligibility, *rewards, *benefits;
    const char *annual_fee, *credit_limit, *interest_rate, *late_fee;
    const char *usage;        /* customer_usage's typical amount, free text */
    const char *uses[3];      /* customer_usage's common uses */
    const char *feedback;     /* customer_feedback */
    double satisfaction;      /* out of 5 */
    tl_review_seed reviews[TL_PRODUCT_REVIEWS]; /* text NULL ends the list */
    const char *pros[TL_PRODUCT_ASPECTS];       /* noun phrases: "cashback on dining" */
    const char *cons[TL_PRODUCT_ASPECTS];
    tl_elig elig;
    unsigned fit;             /* enum tl_fit_tag */
    double popularity;        /* relative take-up among eligible customers */
    double monthly_cost;      /* typical monthly EMI/premium in dollars; 0: none */
} tl_product;

/* The whole catalogue; `*n` receives the count. */
const tl_product *tl_catalogue_list(uint32_t *n);

/* Index of the product with that id, or -1. */
int tl_catalogue_find(const char *id);

/* A customer's facts, as eligibility needs them. */
typedef struct tl_elig_facts {
    int age;
    double income_annual;
    double balance;
    int credit;               /* 0: no score */
    unsigned flags;           /* enum tl_elig_flag the customer satisfies */
} tl_elig_facts;

/* True when the facts meet every requirement of `e`. */
bool tl_catalogue_eligible(const tl_elig *e, const tl_elig_facts *f);

/* Writes the catalogue as DIR/products.json (a JSON array in the
 * prototype's products.json shape, via a temporary file and rename).
 * Returns 0 or TL_EIO/TL_ENOMEM with err set. */
int tl_catalogue_write_json(const char *dir, tl_err *err);

#endif
