/* person.c — drawing one synthetic customer: profile, life events, spending
 * habits and the products they hold (see model.h).
 *
 * The numbers are chosen to look like a US retail bank's book: ages 16-90
 * skewed to working age, log-normal incomes that rise to a peak in the
 * fifties and fall to a pension, balances that grow with income and age,
 * credit scores that grow with both. Holdings are drawn only from products
 * whose eligibility rule the customer meets, weighted by life stage. */
#include "synth/model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const cat_names[TL_CAT__N] = {
    "Groceries", "Dining", "Travel", "Fuel", "Shopping", "Utilities", "Rent", "Healthcare",
    "Education", "Entertainment", "Business", "Transport", "Home", "Insurance", "Loan Repayment",
};

const char *tl_model_cat_name(int cat)
{
    return cat >= 0 && cat < TL_CAT__N ? cat_names[cat] : "Other";
}

int tl_model_days_in_month(int month_index)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = month_index / 12, m = month_index % 12;
    if (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m];
}

void tl_world_init(tl_world *w, uint64_t seed, int months, int end_month, bool raw)
{
    memset(w, 0, sizeof *w);
    w->seed = seed;
    w->months = months;
    w->end = end_month;
    w->start = end_month - months + 1;
    w->raw = raw;
    w->products = tl_catalogue_list(&w->n_products);
    w->cities = tl_names_cities(&w->n_cities);
    if (w->n_cities > sizeof w->city_w / sizeof *w->city_w)
        w->n_cities = sizeof w->city_w / sizeof *w->city_w;
    for (uint32_t i = 0; i < w->n_cities; i++) {
        w->city_w[i] = w->cities[i].weight;
        w->city_total += w->city_w[i];
    }
}

static const char *pick(tl_rng *r, enum tl_names_kind kind)
{
    tl_strlist l = tl_names_list(kind);
    return l.items[tl_rng_below(r, l.n)];
}

/* Age: a bank's book, not the census — few teenagers, many in work. */
static int draw_age(tl_rng *r)
{
    static const float w[] = {2.0f, 12.0f, 20.0f, 18.0f, 16.0f, 15.0f, 11.0f, 6.0f};
    static const int lo[] = {16, 18, 25, 35, 45, 55, 65, 75};
    static const int hi[] = {17, 24, 34, 44, 54, 64, 74, 90};
    size_t b = tl_rng_weighted(r, w, 8, 100.0f);
    return tl_rng_range(r, lo[b], hi[b]);
}

static int draw_employment(tl_rng *r, int age)
{
    if (age < 18)
        return TL_EMP_STUDENT;
    double u = tl_rng_unit(r);
    if (age <= 22)
        return u < 0.60 ? TL_EMP_STUDENT : u < 0.90 ? TL_EMP_SALARIED : TL_EMP_UNEMPLOYED;
    if (age <= 26)
        return u < 0.18   ? TL_EMP_STUDENT
               : u < 0.84 ? TL_EMP_SALARIED
               : u < 0.89 ? TL_EMP_SELF_EMPLOYED
               : u < 0.92 ? TL_EMP_BUSINESS_OWNER
                          : TL_EMP_UNEMPLOYED;
    if (age >= 67)
        return u < 0.86   ? TL_EMP_RETIRED
               : u < 0.93 ? TL_EMP_SALARIED
               : u < 0.97 ? TL_EMP_SELF_EMPLOYED
                          : TL_EMP_BUSINESS_OWNER;
    /* Working age; retirement becomes likely from 58. */
    double retired = age >= 58 ? (age - 57) * 0.07 : 0.0;
    if (u < retired)
        return TL_EMP_RETIRED;
    u = tl_rng_unit(r);
    if (age <= 35 && u < 0.03)
        return TL_EMP_STUDENT;
    return u < 0.69   ? TL_EMP_SALARIED
           : u < 0.80 ? TL_EMP_SELF_EMPLOYED
           : u < 0.88 ? TL_EMP_BUSINESS_OWNER
           : u < 0.93 ? TL_EMP_UNEMPLOYED
                      : TL_EMP_HOMEMAKER;
}

/* Monthly income in dollars. */
static double draw_income(tl_rng *r, int age, int emp)
{
    double median, sigma;
    switch (emp) {
    case TL_EMP_STUDENT:
        median = age < 18 ? 150 : 900;
        sigma = 0.6;
        break;
    case TL_EMP_UNEMPLOYED:
        median = 650;
        sigma = 0.5;
        break;
    case TL_EMP_HOMEMAKER:
        median = 400;
        sigma = 0.9;
        break;
    case TL_EMP_RETIRED:
        median = 2700;
        sigma = 0.55;
        break;
    default: {
        /* Earnings rise to a peak near 50, then flatten. */
        double a = age < 22 ? 22 : age > 62 ? 62 : age;
        double curve = 1.0 - 0.55 * pow((a - 50.0) / 28.0, 2.0);
        median = 5600 * curve;
        sigma = 0.5;
        if (emp == TL_EMP_SELF_EMPLOYED) {
            median *= 0.95;
            sigma = 0.75;
        } else if (emp == TL_EMP_BUSINESS_OWNER) {
            median *= 1.45;
            sigma = 0.85;
        }
    }
    }
    double v = median * tl_rng_lognormal(r, 0.0, sigma);
    return v > 250000 ? 250000 : v;
}

static void make_email(tl_person *p, tl_rng *r)
{
    char local[64];
    size_t n = 0;
    const char *parts[2] = {p->first, p->last};
    int style = (int)tl_rng_below(r, 4);
    for (int k = 0; k < 2; k++) {
        if (k == 1 && style != 3 && n < sizeof local - 1)
            local[n++] = style == 2 ? '_' : '.';
        const char *s = parts[k];
        if (k == 0 && style == 3) {
            /* Initial only: "jsmith". */
            if (n < sizeof local - 1)
                local[n++] = (char)(s[0] | 0x20);
            continue;
        }
        for (; *s && n < sizeof local - 1; s++) {
            char c = *s;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c | 0x20);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                local[n++] = c;
        }
    }
    local[n] = '\0';
    /* A number from the index keeps addresses unique: x -> (a*x + b) mod
     * 10^7 is a bijection (a coprime with 10), so it only looks random. */
    uint64_t block = p->index / 10000000u, x = p->index % 10000000u;
    uint64_t num = (x * 3141593u + 271828u) % 10000000u + block * 10000000u;
    snprintf(p->email, sizeof p->email, "%s%llu@%s", local, (unsigned long long)num,
             tl_rng_chance(r, 0.5) ? "example.org" : "example.com");
}

static void make_phone(tl_person *p, const tl_city *c, tl_rng *r)
{
    bool nanp = strncmp(c->phone_prefix, "+1-", 3) == 0;
    if (nanp)
        snprintf(p->phone, sizeof p->phone, "%s%02u", c->phone_prefix, tl_rng_below(r, 100));
    else
        snprintf(p->phone, sizeof p->phone, "%s%03u", c->phone_prefix, tl_rng_below(r, 1000));
}

static bool has_event(const tl_person *p, int kind)
{
    for (int i = 0; i < p->n_events; i++)
        if (p->events[i].kind == kind)
            return true;
    return false;
}

static void add_event(tl_person *p, tl_rng *r, const tl_world *w, int kind, bool upcoming_ok)
{
    if (p->n_events >= TL_MAX_EVENTS || has_event(p, kind))
        return;
    int lo = p->first_offset, hi = w->months - 1 + (upcoming_ok ? 4 : 0);
    tl_event *e = &p->events[p->n_events++];
    e->kind = (uint8_t)kind;
    e->offset = (int16_t)tl_rng_range(r, lo, hi);
    e->param = (uint16_t)tl_rng_below(r, 60000);
}

static void draw_events(tl_person *p, tl_rng *r, const tl_world *w)
{
    int a = p->age;
    double inc = (double)p->income_cents / 100.0;
    if (a >= 18 && tl_rng_chance(r, 0.22 + (inc > 6000 ? 0.15 : 0) + (p->interests & TL_INT_TRAVEL ? 0.25 : 0)))
        add_event(p, r, w, TL_EV_TRAVEL, true);
    if (a >= 55 && a <= 66 && p->employment != TL_EMP_RETIRED && tl_rng_chance(r, 0.45))
        add_event(p, r, w, TL_EV_RETIREMENT, true);
    if (a >= 24 && a <= 42 && tl_rng_chance(r, 0.09))
        add_event(p, r, w, TL_EV_BABY, true);
    if (a >= 25 && a <= 50 && !p->homeowner && p->resident && tl_rng_chance(r, 0.09))
        add_event(p, r, w, TL_EV_FIRST_HOME, true);
    if (a >= 20 && a <= 70 && tl_rng_chance(r, 0.04))
        add_event(p, r, w, TL_EV_MOVE, false);
    if (p->car && tl_rng_chance(r, 0.07))
        add_event(p, r, w, TL_EV_CAR_TROUBLE, false);
    if (a >= 22 && a <= 40 && tl_rng_chance(r, 0.05))
        add_event(p, r, w, TL_EV_WEDDING, true);
    if (a >= 20 && a <= 60 && p->employment != TL_EMP_RETIRED && tl_rng_chance(r, 0.08))
        add_event(p, r, w, TL_EV_NEW_JOB, false);
    if (a >= 22 && a <= 55 && p->employment != TL_EMP_BUSINESS_OWNER && tl_rng_chance(r, 0.03))
        add_event(p, r, w, TL_EV_BUSINESS, false);
    if (((p->employment == TL_EMP_STUDENT && a >= 18) || (p->kids && a >= 40 && a <= 58)) &&
        tl_rng_chance(r, 0.12))
        add_event(p, r, w, TL_EV_EDUCATION, true);
    if (a >= 30 && tl_rng_chance(r, 0.025 + a * 0.0004))
        add_event(p, r, w, TL_EV_HEALTH, false);
}

static unsigned draw_interests(tl_rng *r, int age, double inc)
{
    unsigned m = 0;
    if (tl_rng_chance(r, age < 40 ? 0.35 : 0.2))
        m |= TL_INT_DINING;
    if (tl_rng_chance(r, age >= 25 && inc > 4000 ? 0.3 : 0.1))
        m |= TL_INT_INVESTING;
    if (tl_rng_chance(r, 0.2))
        m |= TL_INT_SHOPPING;
    if (tl_rng_chance(r, age < 50 ? 0.25 : 0.12))
        m |= TL_INT_FITNESS;
    if (tl_rng_chance(r, age < 45 ? 0.2 : 0.07))
        m |= TL_INT_TECH;
    if (tl_rng_chance(r, 0.2))
        m |= TL_INT_SAVING;
    if (tl_rng_chance(r, 0.1))
        m |= TL_INT_CARS;
    if (tl_rng_chance(r, inc > 5000 ? 0.3 : 0.15))
        m |= TL_INT_TRAVEL;
    if (tl_rng_chance(r, age < 35 ? 0.2 : 0.04))
        m |= TL_INT_GAMING;
    if (tl_rng_chance(r, 0.15))
        m |= TL_INT_CASHBACK;
    return m;
}

static unsigned person_fit(const tl_person *p)
{
    double inc = (double)p->income_cents / 100.0, bal = (double)p->balance_cents / 100.0;
    unsigned f = TL_FIT_EVERYONE;
    if (p->age < 18)
        f = TL_FIT_MINOR;
    if (p->age >= 18 && p->age <= 30)
        f |= TL_FIT_YOUNG;
    if (p->employment == TL_EMP_STUDENT && p->age >= 18)
        f |= TL_FIT_STUDENT;
    if (p->kids)
        f |= TL_FIT_FAMILY;
    if (p->age >= 60)
        f |= TL_FIT_SENIOR;
    if (inc > 9000 || bal > 100000)
        f |= TL_FIT_AFFLUENT;
    if (p->interests & TL_INT_TRAVEL)
        f |= TL_FIT_TRAVEL;
    if (p->employment == TL_EMP_BUSINESS_OWNER || p->employment == TL_EMP_SELF_EMPLOYED)
        f |= TL_FIT_BUSINESS;
    if (p->homeowner)
        f |= TL_FIT_HOME;
    if (p->car)
        f |= TL_FIT_CAR;
    if (p->interests & TL_INT_DINING)
        f |= TL_FIT_DINING;
    if (p->risk == 0 || (p->interests & TL_INT_SAVING))
        f |= TL_FIT_SAVER;
    if (p->risk > 0 && p->age >= 22)
        f |= TL_FIT_INVESTOR;
    if (!p->resident)
        f |= TL_FIT_NONRESIDENT;
    return f;
}

static tl_elig_facts person_facts(const tl_person *p)
{
    tl_elig_facts f = {
        .age = p->age,
        .income_annual = (double)p->income_cents * 12 / 100.0,
        .balance = (double)p->balance_cents / 100.0,
        .credit = p->credit,
        .flags = 0,
    };
    if (p->employment == TL_EMP_BUSINESS_OWNER)
        f.flags |= TL_ELIG_BUSINESS;
    if (p->resident)
        f.flags |= TL_ELIG_RESIDENT;
    if (p->employment == TL_EMP_STUDENT)
        f.flags |= TL_ELIG_STUDENT;
    if (p->employment == TL_EMP_SALARIED)
        f.flags |= TL_ELIG_SALARIED;
    if (p->homeowner)
        f.flags |= TL_ELIG_HOMEOWNER;
    return f;
}

static bool is_card_kind(int k)
{
    return k == TL_KIND_CREDIT_CARD || k == TL_KIND_DEBIT_CARD || k == TL_KIND_PREPAID_CARD;
}

/* Draws 0-3 holdings among eligible products, weighted by life-stage fit. */
static void draw_holdings(tl_person *p, tl_rng *r, const tl_world *w)
{
    static const float count_w[4] = {0.22f, 0.38f, 0.27f, 0.13f};
    int want = (int)tl_rng_weighted(r, count_w, 4, 1.0f);
    if (p->status == 2 && want > 1)
        want = 1;
    tl_elig_facts facts = person_facts(p);
    float weight[64];
    uint32_t n = w->n_products < 64 ? w->n_products : 64;
    float total = 0;
    for (uint32_t i = 0; i < n; i++) {
        const tl_product *pr = &w->products[i];
        weight[i] = 0;
        if (!tl_catalogue_eligible(&pr->elig, &facts))
            continue;
        unsigned match = pr->fit & p->fit & ~(unsigned)TL_FIT_EVERYONE;
        double wt = pr->popularity * (match ? 4.0 + 2.0 * (__builtin_popcount(match) - 1)
                                    : (pr->fit & TL_FIT_EVERYONE) ? 1.0 : 0.25);
        weight[i] = (float)wt;
        total += weight[i];
    }
    int cards = 0;
    p->n_hold = 0;
    while (p->n_hold < want && total > 0) {
        size_t k = tl_rng_weighted(r, weight, n, total);
        total -= weight[k];
        weight[k] = 0;
        const tl_product *pr = &w->products[k];
        if (is_card_kind(pr->kind) && cards >= 2)
            continue;
        cards += is_card_kind(pr->kind);
        int h = p->n_hold++;
        p->hold[h] = (uint16_t)k;
        /* Opened after joining the bank and after reaching the minimum
         * age, within the last ten years. */
        int lo = p->since_month;
        if (pr->elig.min_age && w->end - (p->age - pr->elig.min_age) * 12 > lo)
            lo = w->end - (p->age - pr->elig.min_age) * 12;
        if (w->end - 120 > lo)
            lo = w->end - 120;
        if (lo > w->end)
            lo = w->end;
        p->hold_month[h] = tl_rng_range(r, lo, w->end);
        p->hold_day[h] = tl_rng_range(r, 1, 28);
        if (pr->kind == TL_KIND_CREDIT_CARD)
            p->credit_card = 1;
    }
}

static void add_fixed(tl_person *p, int cat, int day, int count, double amount,
                      const char *merchant, const char *mode)
{
    if (p->n_fixed >= TL_MAX_FIXED || amount < 1)
        return;
    tl_fixed *f = &p->fixed[p->n_fixed++];
    f->cat = (uint8_t)cat;
    f->day = (uint8_t)day;
    f->count = (uint8_t)count;
    f->amount = (float)amount;
    f->merchant = merchant;
    f->mode = mode;
}

static const char *pick_merchant(tl_rng *r, int cat)
{
    tl_strlist l = tl_names_merchants(cat);
    return l.items[tl_rng_below(r, l.n)];
}

/* Spending habits: fixed monthly debits, the variable budget and its mix. */
static void draw_spending(tl_person *p, tl_rng *r, const tl_world *w)
{
    double inc = (double)p->income_cents / 100.0;
    bool minor = p->age < 18;
    bool student = p->employment == TL_EMP_STUDENT;
    double avail = inc;
    if (avail < 300)
        avail = 300 + 200 * tl_rng_unit(r); /* allowances, savings, family */

    /* Rent: renters past their student years, and some students. */
    if (!minor && !p->homeowner && (!student || tl_rng_chance(r, 0.45))) {
        double rent = student ? tl_rng_uniform(r, 450, 1100) : inc * tl_rng_uniform(r, 0.22, 0.36);
        if (rent < 550 && !student)
            rent = tl_rng_uniform(r, 550, 800);
        if (rent > 7000)
            rent = 7000;
        add_fixed(p, TL_CAT_RENT, 1, 1, rent, pick_merchant(r, TL_CAT_RENT), "Bank Transfer");
    }
    if (!minor && (!student || tl_rng_chance(r, 0.4))) {
        double util = tl_rng_uniform(r, 110, 260) * (p->homeowner ? 1.5 : 1.0) * (p->kids ? 1.3 : 1.0);
        add_fixed(p, TL_CAT_UTILITIES, tl_rng_range(r, 8, 20), 2, util,
                  pick_merchant(r, TL_CAT_UTILITIES), "Direct Debit");
    }
    /* Subscriptions: streaming, music, the gym. */
    static const float subs[] = {9.99f, 15.49f, 11.99f, 6.99f, 14.99f, 4.99f, 39.99f};
    int nsub = (int)tl_rng_below(r, minor ? 2 : 4);
    for (int i = 0; i < nsub; i++)
        add_fixed(p, TL_CAT_ENTERTAINMENT, tl_rng_range(r, 1, 28), 1,
                  subs[tl_rng_below(r, sizeof subs / sizeof *subs)],
                  pick_merchant(r, TL_CAT_ENTERTAINMENT), p->credit_card ? "Credit Card" : "Debit Card");
    /* Repayments and premiums for what they hold. */
    double scale = sqrt(inc / 5000.0);
    scale = scale < 0.5 ? 0.5 : scale > 2.5 ? 2.5 : scale;
    for (int i = 0; i < p->n_hold; i++) {
        const tl_product *pr = &w->products[p->hold[i]];
        if (pr->monthly_cost <= 0)
            continue;
        int cat = pr->kind == TL_KIND_LOAN ? TL_CAT_LOANS : TL_CAT_INSURANCE;
        add_fixed(p, cat, 5, 1, pr->monthly_cost * scale * tl_rng_uniform(r, 0.7, 1.3),
                  pick_merchant(r, cat), "Direct Debit");
    }

    double fixed = 0;
    for (int i = 0; i < p->n_fixed; i++)
        fixed += p->fixed[i].amount;
    /* Variable spending: a share of what is left, never nothing. */
    double share = tl_rng_uniform(r, 0.45, 0.85);
    double left = avail - fixed * 0.8;
    double base = left * share;
    double floor_amt = minor ? 60 : 180;
    if (base < floor_amt)
        base = floor_amt + tl_rng_uniform(r, 0, 120);
    p->spend_base = base;
    double activity = tl_rng_uniform(r, 0.6, 1.4);
    double lam = (6.0 + 12.0 * log1p(base / 400.0)) * activity;
    p->count_base = lam < 4 ? 4 : lam > 90 ? 90 : lam;
    p->trend = tl_rng_normal(r) * 0.006 + 0.002;
    if (p->trend > 0.03)
        p->trend = 0.03;
    if (p->trend < -0.03)
        p->trend = -0.03;
    p->season_amp = tl_rng_uniform(r, 0.4, 1.5);
    p->raise = tl_rng_uniform(r, 1.08, 1.35);
    p->taste = tl_rng_next(r);
    p->salary_day = (uint8_t)(tl_rng_chance(r, 0.5) ? 1 : tl_rng_chance(r, 0.5) ? 15 : 28);

    /* The variable mix. */
    float *c = p->cat_w;
    for (int i = 0; i < TL_CAT__N; i++)
        c[i] = 0;
    c[TL_CAT_GROCERIES] = minor ? 0.3f : 1.0f + (p->kids ? 0.6f : 0);
    c[TL_CAT_DINING] = 0.5f + (p->age < 35 ? 0.35f : 0) + (p->interests & TL_INT_DINING ? 1.1f : 0);
    c[TL_CAT_TRAVEL] = 0.04f + (p->interests & TL_INT_TRAVEL ? 0.25f : 0) + (inc > 8000 ? 0.08f : 0);
    c[TL_CAT_FUEL] = p->car ? 0.45f + (p->interests & TL_INT_CARS ? 0.2f : 0) : 0;
    c[TL_CAT_SHOPPING] = 0.5f + (p->interests & TL_INT_SHOPPING ? 0.9f : 0) +
                         (p->interests & TL_INT_TECH ? 0.3f : 0) + (p->kids ? 0.3f : 0);
    c[TL_CAT_HEALTHCARE] = 0.06f + (float)p->age * 0.003f;
    c[TL_CAT_EDUCATION] = (student && !minor ? 0.25f : 0.01f) + (p->kids ? 0.12f : 0);
    c[TL_CAT_ENTERTAINMENT] = 0.3f + (p->age < 30 ? 0.3f : 0) + (p->interests & TL_INT_GAMING ? 0.4f : 0) +
                              (p->interests & TL_INT_FITNESS ? 0.2f : 0);
    c[TL_CAT_BUSINESS] = p->employment == TL_EMP_BUSINESS_OWNER ? 1.3f
                         : p->employment == TL_EMP_SELF_EMPLOYED ? 0.6f
                                                                  : 0;
    c[TL_CAT_TRANSPORT] = p->car ? 0.12f : 0.6f;
    c[TL_CAT_HOME] = p->homeowner ? 0.2f : 0.05f;
}

void tl_person_make(tl_person *p, const tl_world *w, uint64_t index)
{
    tl_rng r;
    tl_rng_seed(&r, w->seed, index, TL_STREAM_PROFILE);
    memset(p, 0, sizeof *p);
    p->index = index;
    snprintf(p->id, sizeof p->id, "C%07llu", (unsigned long long)index + 1);

    p->age = draw_age(&r);
    double g = tl_rng_unit(&r);
    p->gender = g < 0.505 ? TL_GENDER_FEMALE : g < 0.99 ? TL_GENDER_MALE : TL_GENDER_NONBINARY;
    p->first = pick(&r, p->gender == TL_GENDER_FEMALE ? TL_NAMES_FEMALE
                        : p->gender == TL_GENDER_MALE ? TL_NAMES_MALE
                                                      : TL_NAMES_UNISEX);
    if (p->gender != TL_GENDER_NONBINARY && tl_rng_chance(&r, 0.04))
        p->first = pick(&r, TL_NAMES_UNISEX);
    p->last = pick(&r, TL_NAMES_LAST);
    p->city = (uint32_t)tl_rng_weighted(&r, w->city_w, w->n_cities, w->city_total);
    const tl_city *city = &w->cities[p->city];
    p->resident = city->resident;
    p->employment = (uint8_t)draw_employment(&r, p->age);
    p->employer = tl_rng_below(&r, tl_names_list(TL_NAMES_EMPLOYER).n);

    double inc = draw_income(&r, p->age, p->employment);
    p->income_cents = llround(inc * 100);
    inc = (double)p->income_cents / 100.0;

    int a = p->age;
    p->kids = a >= 27 && a <= 62 && tl_rng_chance(&r, a >= 32 && a <= 52 ? 0.58 : 0.35);
    double own = a < 18 ? 0 : a < 25 ? 0.03 : a < 35 ? 0.3 : a < 45 ? 0.55 : a < 65 ? 0.7 : 0.78;
    if (inc > 8000)
        own += 0.12;
    if (!p->resident)
        own *= 0.4;
    p->homeowner = tl_rng_chance(&r, own);
    bool dense = strcmp(city->name, "New York") == 0 || strcmp(city->name, "San Francisco") == 0 ||
                 strcmp(city->name, "London") == 0 || strcmp(city->name, "Tokyo") == 0;
    p->car = a >= 18 && tl_rng_chance(&r, dense ? 0.4 : 0.78);

    /* Savings grow with income and age; a long right tail of wealth. */
    double months_saved = tl_rng_lognormal(&r, log(0.6 + (a - 15) / 11.0), 1.05);
    double bal = (inc < 800 ? 800 : inc) * months_saved;
    if (a < 18)
        bal = tl_rng_lognormal(&r, log(600), 0.9);
    if (bal > 25000000)
        bal = 25000000;
    p->balance_cents = llround(bal * 100);

    if (a >= 18) {
        double cs = 560 + (a - 18 < 40 ? a - 18 : 40) * 3.2 + 22 * log(inc / 1500.0 + 1) +
                    tl_rng_normal(&r) * 55;
        p->credit = cs < 300 ? 300 : cs > 850 ? 850 : (int)lround(cs);
    }
    double risk = tl_rng_normal(&r) + (a < 35 ? 0.55 : a >= 60 ? -0.8 : 0) + (inc > 9000 ? 0.3 : 0);
    p->risk = (uint8_t)(risk < -0.45 ? 0 : risk > 0.85 ? 2 : 1);
    double st = tl_rng_unit(&r);
    p->status = (uint8_t)(st < 0.94 ? 0 : st < 0.985 ? 1 : 2);
    double c = tl_rng_unit(&r);
    if (a < 30)
        p->contact = (uint8_t)(c < 0.35 ? 3 : c < 0.65 ? 1 : c < 0.95 ? 0 : 2);
    else if (a < 60)
        p->contact = (uint8_t)(c < 0.45 ? 0 : c < 0.7 ? 1 : c < 0.9 ? 3 : 2);
    else
        p->contact = (uint8_t)(c < 0.35 ? 2 : c < 0.7 ? 0 : c < 0.85 ? 4 : 1);

    make_email(p, &r);
    make_phone(p, city, &r);

    /* Tenure: most joined years ago; about 8% inside the window, so their
     * history is shorter (at least three months). */
    int max_tenure = (a - 15) * 12;
    int tenure;
    if (tl_rng_chance(&r, 0.08))
        tenure = tl_rng_range(&r, 2, w->months - 1);
    else
        tenure = (int)(tl_rng_lognormal(&r, log(80), 0.8));
    if (tenure > max_tenure)
        tenure = max_tenure;
    if (tenure < 2)
        tenure = 2;
    p->since_month = w->end - tenure;
    p->since_day = tl_rng_range(&r, 1, tl_model_days_in_month(p->since_month));
    p->first_offset = p->since_month > w->start ? p->since_month - w->start : 0;

    /* Gaps: a few customers have months with no data at all; dormant and
     * suspended accounts go quiet for their last months. */
    if (p->first_offset + 1 <= w->months - 2 && tl_rng_chance(&r, 0.03)) {
        int gaps = tl_rng_range(&r, 1, 2);
        for (int i = 0; i < gaps; i++) {
            int m = tl_rng_range(&r, p->first_offset + 1, w->months - 2);
            if (m > p->first_offset && m < w->months - 1)
                p->missing |= 1u << m;
        }
    }
    if (p->status != 0) {
        int quiet = p->status == 1 ? tl_rng_range(&r, 2, 5) : tl_rng_range(&r, 1, 3);
        for (int m = w->months - quiet; m < w->months; m++)
            if (m > p->first_offset)
                p->missing |= 1u << m;
    }

    p->interests = draw_interests(&r, a, inc);
    if (a < 18)
        p->interests &= TL_INT_GAMING | TL_INT_SHOPPING | TL_INT_FITNESS | TL_INT_TECH;
    p->fit = person_fit(p);
    draw_events(p, &r, w);
    draw_holdings(p, &r, w);
    draw_spending(p, &r, w);
}

static const char *const gender_names[] = {"Female", "Male", "Non-binary"};
static const char *const emp_names[TL_EMP__N] = {
    "Student", "Salaried", "Self-employed", "Business owner", "Unemployed", "Homemaker", "Retired",
};
static const char *const risk_names[] = {"Low", "Medium", "High"};
static const char *const status_names[] = {"Active", "Dormant", "Suspended"};
static const char *const contact_names[] = {"Email", "SMS", "Phone", "App notification", "Mail"};

void tl_person_write(const tl_person *p, const tl_world *w, tl_csvw *out)
{
    const tl_city *city = &w->cities[p->city];
    tl_csvw_plain(out, p->id);
    tl_csvw_str(out, p->first);
    tl_csvw_str(out, p->last);
    tl_csvw_plain(out, gender_names[p->gender]);
    tl_csvw_str(out, p->email);
    tl_csvw_plain(out, p->phone);
    tl_csvw_int(out, p->age);
    tl_csvw_str(out, city->name);
    tl_csvw_str(out, city->country);
    tl_csvw_cents(out, p->balance_cents);
    tl_csvw_plain(out, "USD");
    tl_csvw_cents(out, p->income_cents);
    tl_csvw_plain(out, risk_names[p->risk]);
    tl_csvw_plain(out, status_names[p->status]);
    tl_csvw_plain(out, contact_names[p->contact]);
    tl_csvw_plain(out, emp_names[p->employment]);
    if (p->credit)
        tl_csvw_int(out, p->credit);
    else
        tl_csvw_empty(out);
    tl_csvw_plain(out, p->resident ? "Yes" : "No");
    tl_csvw_plain(out, p->homeowner ? "Yes" : "No");
    tl_csvw_date(out, p->since_month, p->since_day);
    tl_csvw_end(out);
}

uint32_t tl_person_write_holdings(const tl_person *p, const tl_world *w, tl_csvw *out)
{
    for (int i = 0; i < p->n_hold; i++) {
        tl_csvw_plain(out, p->id);
        tl_csvw_plain(out, w->products[p->hold[i]].id);
        tl_csvw_date(out, p->hold_month[i], p->hold_day[i]);
        tl_csvw_end(out);
    }
    return (uint32_t)p->n_hold;
}
