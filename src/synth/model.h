/* model.h — the synthetic bank's internal model, shared by the generator's
 * modules (person.c, ledger.c, posts.c, synth.c). Not part of the public
 * interface: other modules use synth.h.
 *
 * A customer is a tl_person: drawn once from its own random stream, small,
 * fixed-size and allocation-free, so millions can be generated one after
 * another with the same stack slot. Everything else about the customer —
 * each month's spending, each month's transactions, the posts — is derived
 * from the person and from further streams keyed by (seed, customer index,
 * purpose), so the modes and files stay consistent with each other. */
#ifndef TL_SYNTH_MODEL_H
#define TL_SYNTH_MODEL_H

#include "synth/catalogue.h"
#include "synth/csvw.h"
#include "synth/names.h"
#include "synth/rng.h"

#include <stdbool.h>
#include <stdint.h>

/* Spending categories, as written in transactions.csv. */
enum tl_cat {
    TL_CAT_GROCERIES, TL_CAT_DINING, TL_CAT_TRAVEL, TL_CAT_FUEL, TL_CAT_SHOPPING,
    TL_CAT_UTILITIES, TL_CAT_RENT, TL_CAT_HEALTHCARE, TL_CAT_EDUCATION,
    TL_CAT_ENTERTAINMENT, TL_CAT_BUSINESS, TL_CAT_TRANSPORT, TL_CAT_HOME,
    TL_CAT_INSURANCE, TL_CAT_LOANS,
    TL_CAT__N
};

/* Static name of a category ("Groceries"). */
const char *tl_model_cat_name(int cat);

enum tl_gender { TL_GENDER_FEMALE, TL_GENDER_MALE, TL_GENDER_NONBINARY };

enum tl_employment {
    TL_EMP_STUDENT, TL_EMP_SALARIED, TL_EMP_SELF_EMPLOYED, TL_EMP_BUSINESS_OWNER,
    TL_EMP_UNEMPLOYED, TL_EMP_HOMEMAKER, TL_EMP_RETIRED,
    TL_EMP__N
};

/* Life events: they drive posts and spending spikes. An event's month may
 * lie up to a few months past the window ("our baby arrives in March"):
 * then it shows only in posts, which is what a recommender should catch. */
enum tl_event_kind {
    TL_EV_TRAVEL, TL_EV_NEW_JOB, TL_EV_BABY, TL_EV_FIRST_HOME, TL_EV_MOVE,
    TL_EV_RETIREMENT, TL_EV_CAR_TROUBLE, TL_EV_WEDDING, TL_EV_BUSINESS,
    TL_EV_EDUCATION, TL_EV_HEALTH,
    TL_EV__N
};

/* Interests: tilt spending categories and give posts something to say. */
enum tl_interest {
    TL_INT_DINING = 1u << 0, TL_INT_INVESTING = 1u << 1, TL_INT_SHOPPING = 1u << 2,
    TL_INT_FITNESS = 1u << 3, TL_INT_TECH = 1u << 4, TL_INT_SAVING = 1u << 5,
    TL_INT_CARS = 1u << 6, TL_INT_TRAVEL = 1u << 7, TL_INT_GAMING = 1u << 8,
    TL_INT_CASHBACK = 1u << 9,
};

#define TL_MAX_EVENTS 3
#define TL_MAX_HOLD 3
#define TL_MAX_FIXED 10
#define TL_MAX_TXN_MONTH 200

typedef struct tl_event {
    uint8_t kind;      /* enum tl_event_kind */
    int16_t offset;    /* month offset from the window's first month */
    uint16_t param;    /* destination, employer, retirement age, … */
} tl_event;

/* A debit that recurs every month: rent, utilities, subscriptions, EMIs. */
typedef struct tl_fixed {
    uint8_t cat;
    uint8_t day;
    uint8_t count;     /* transactions it is split into */
    float amount;      /* dollars per month before seasonal adjustment */
    const char *merchant; /* static */
    const char *mode;     /* static payment mode */
} tl_fixed;

typedef struct tl_person {
    uint64_t index;
    char id[24];
    const char *first, *last;     /* static */
    char email[96], phone[32];
    uint8_t gender, employment, risk, status, contact;
    int age;
    uint32_t city;
    uint32_t employer;            /* index into the employer list */
    bool resident, homeowner, car, kids;
    int64_t income_cents;         /* monthly */
    int64_t balance_cents;
    int credit;                   /* 300..850; 0 when no score (minors) */
    int since_month, since_day;   /* customer since */
    int first_offset;             /* first month of the window with activity */
    uint32_t missing;             /* bit m set: no activity in month offset m */
    unsigned interests;           /* enum tl_interest */
    unsigned fit;                 /* enum tl_fit_tag describing the person */
    /* spending model */
    double spend_base;            /* variable spend per month, dollars */
    double count_base;            /* expected variable transactions a month */
    double trend;                 /* growth per month */
    double season_amp;            /* 0 = flat, 1 = typical */
    double raise;                 /* income factor after a new job */
    uint64_t taste;               /* picks favourite merchants */
    float cat_w[TL_CAT__N];       /* variable spending mix */
    uint8_t salary_day;
    uint8_t credit_card;          /* holds a credit card product */
    int n_fixed;
    tl_fixed fixed[TL_MAX_FIXED];
    int n_events;
    tl_event events[TL_MAX_EVENTS];
    int n_hold;
    uint16_t hold[TL_MAX_HOLD];   /* catalogue indices */
    int hold_month[TL_MAX_HOLD], hold_day[TL_MAX_HOLD];
} tl_person;

/* What every customer shares: options and the precomputed tables. */
typedef struct tl_world {
    uint64_t seed;
    int months;                   /* window length */
    int start, end;               /* month indices of the first and last month */
    bool raw;
    const tl_product *products;   /* static catalogue */
    uint32_t n_products;
    const tl_city *cities;
    uint32_t n_cities;
    float city_w[64];
    float city_total;
} tl_world;

/* Random stream purposes (the `b` of tl_rng_seed). */
enum {
    TL_STREAM_PROFILE = 1,
    TL_STREAM_POSTS = 2,
    TL_STREAM_REVIEWS = 3,
    TL_STREAM_MONTH = 100,        /* + month offset */
    TL_STREAM_SPLIT = 200,        /* + month offset */
};

/* Fills the world from options; never fails (options are checked first). */
void tl_world_init(tl_world *w, uint64_t seed, int months, int end_month, bool raw);

/* Draws customer `index` (0-based). Pure: the same world and index always
 * give the same person. */
void tl_person_make(tl_person *p, const tl_world *w, uint64_t index);

/* Writes the person's customers.csv row / holdings.csv rows. */
void tl_person_write(const tl_person *p, const tl_world *w, tl_csvw *out);
uint32_t tl_person_write_holdings(const tl_person *p, const tl_world *w, tl_csvw *out);

/* Column lists (header rows). */
#define TL_HDR_CUSTOMERS                                                              \
    "customer_id,first_name,last_name,gender,email,phone,age,city,country,balance,"  \
    "currency,income,risk_profile,account_status,preferred_contact,employment,"      \
    "credit_score,resident,homeowner,customer_since"
#define TL_HDR_HOLDINGS "customer_id,product_id,since"
#define TL_HDR_TRANSACTIONS "customer_id,txn_id,date,amount,direction,category,merchant,payment_mode"
#define TL_HDR_MONTHLY "customer_id,month,total,count"
#define TL_HDR_POSTS "customer_id,platform,topic,text,posted_at"
#define TL_HDR_REVIEWS "product_id,text,rating"

/* Writes the person's monthly.csv rows (aggregates) or transactions.csv
 * rows (raw); both come from the same monthly plan, so summing the raw
 * debits of a month gives exactly the aggregate row. Return rows written. */
uint32_t tl_ledger_write_monthly(const tl_person *p, const tl_world *w, tl_csvw *out);
uint32_t tl_ledger_write_raw(const tl_person *p, const tl_world *w, tl_csvw *out);

/* Writes the person's posts.csv rows; returns rows written (0..6). */
uint32_t tl_posts_write(const tl_person *p, const tl_world *w, tl_csvw *out);

/* Writes reviews.csv rows for every product, more for larger banks;
 * returns rows written. */
uint32_t tl_reviews_write(const tl_world *w, uint64_t customers, tl_csvw *out);

/* Days in a month index. */
int tl_model_days_in_month(int month_index);

#endif
