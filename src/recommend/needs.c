/* needs.c — the needs taxonomy and the deterministic analyst. */
#include "recommend/needs.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/vec.h"
#include "text/keyword_set.h"

/* Descriptions use the words product texts use, so that matching needs to
 * products works with any encoder. Keywords are lower-case stems matched at
 * word starts in posts. */
static const tl_need_def defs[TL_NEED_COUNT] = {
    [TL_NEED_TRAVEL] = {"travel", "Travel",
                        "travel abroad, trips, holidays and flights: travel insurance, travel "
                        "rewards card, airport lounge access, air miles",
                        "travel,trip,holiday,vacation,flight,abroad,airport,tour,hotel"},
    [TL_NEED_FOREIGN_CURRENCY] = {"foreign_currency", "Foreign currency",
                                  "spending and saving in foreign currencies, international "
                                  "payments and transfers, low foreign exchange fees",
                                  "currency,forex,exchange rate,international,overseas,euro"},
    [TL_NEED_DINING] = {"dining", "Dining and lifestyle rewards",
                        "dining, restaurants, food delivery and entertainment rewards card",
                        "dining,restaurant,food,dinner,lunch,cafe,movie,lifestyle"},
    [TL_NEED_CASHBACK] = {"cashback", "Cashback on everyday spending",
                          "cashback and reward points on everyday shopping and groceries",
                          "cashback,cash back,reward,points,shopping,grocer,discount,offer"},
    [TL_NEED_HOME] = {"home", "Buying a home",
                      "buying a first home: home loan, mortgage, down payment savings",
                      "house,home,mortgage,apartment,flat,property,rent,move"},
    [TL_NEED_VEHICLE] = {"vehicle", "A vehicle",
                         "buying or replacing a car or vehicle: car loan, auto finance, car "
                         "insurance",
                         "car,vehicle,auto,bike,motor,drive,garage,broke down"},
    [TL_NEED_EDUCATION] = {"education", "Education",
                           "paying for education, university tuition and courses: education loan",
                           "education,study,college,university,tuition,course,degree,school"},
    [TL_NEED_CHILDREN] = {"children", "Children and family",
                          "saving for children and family: junior savings account, child "
                          "education fund, family protection",
                          "baby,child,kid,son,daughter,family,pregnan,parent"},
    [TL_NEED_RETIREMENT] = {"retirement", "Retirement income",
                            "planning for retirement income: pension, retirement savings "
                            "account, senior citizens savings scheme",
                            "retire,pension,old age,senior,stop working"},
    [TL_NEED_PROTECTION] = {"protection", "Protecting the family",
                            "protecting family and income: life insurance, term cover",
                            "insur,protect,cover,life,accident,secure,safety"},
    [TL_NEED_HEALTH] = {"health", "Health",
                        "health and medical costs: health insurance, hospital cover",
                        "health,medical,hospital,doctor,surgery,illness,treatment"},
    [TL_NEED_GROWTH] = {"growth", "Growing savings by investing",
                        "investing for long-term growth: mutual funds, stocks, investment plan",
                        "invest,stock,share,fund,market,portfolio,growth,returns"},
    [TL_NEED_WEALTH] = {"wealth", "Wealth management",
                        "managing substantial wealth: wealth management, private banking, "
                        "dedicated relationship manager",
                        "wealth,estate,private bank,advisor,adviser,inheritance"},
    [TL_NEED_BUSINESS] = {"business", "Business spending",
                          "business spending and cash flow: business card, business loan, "
                          "merchant services, VAT",
                          "business,company,startup,shop,client,invoice,vat,entrepreneur"},
    [TL_NEED_URGENT_CASH] = {"urgent_cash", "Urgent cash",
                             "urgent need for cash: personal loan, overdraft, quick disbursal",
                             "urgent,emergency,short of,loan,borrow,bills,debt,overdraft"},
    [TL_NEED_CREDIT_BUILDING] = {"credit_building", "Building credit",
                                 "building a credit history: first credit card, starter card, "
                                 "no credit check, prepaid card",
                                 "credit score,credit history,first card,student"},
    [TL_NEED_PAYROLL] = {"payroll", "Salary account",
                         "receiving salary: salary account, payroll card",
                         "salary,payroll,paycheck,new job,employer,wage"},
    [TL_NEED_SAVINGS] = {"savings", "Safe savings",
                         "saving safely with interest: savings account, fixed deposit, high "
                         "yield savings",
                         "save,saving,deposit,interest,emergency fund,rainy day"},
};

const tl_need_def *tl_need_def_get(tl_need_id id)
{
    return (unsigned)id < TL_NEED_COUNT ? &defs[id] : NULL;
}

int tl_needs_embed_taxonomy(tl_encoder *enc, float *vecs, tl_err *err)
{
    const char *texts[TL_NEED_COUNT];
    for (int i = 0; i < TL_NEED_COUNT; i++)
        texts[i] = defs[i].description;
    return tl_encoder_embed(enc, texts, TL_NEED_COUNT, vecs, err);
}

/* Adds evidence to a need: strengths combine as independent signals,
 * 1 - (1-a)(1-b), so many weak signals never exceed one. */
static void raise(tl_needs *n, tl_need_id id, double w, int kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void raise(tl_needs *n, tl_need_id id, double w, int kind, const char *fmt, ...)
{
    if (w <= 0)
        return;
    if (w > 0.95)
        w = 0.95;
    tl_need *need = &n->needs[id];
    need->strength = 1.0 - (1.0 - need->strength) * (1.0 - w);
    tl_evidence *ev;
    if (need->n_evidence < TL_NEED_MAX_EVIDENCE) {
        ev = &need->evidence[need->n_evidence++];
    } else {
        /* Keep the strongest pieces of evidence. */
        size_t weakest = 0;
        for (size_t i = 1; i < need->n_evidence; i++)
            if (need->evidence[i].weight < need->evidence[weakest].weight)
                weakest = i;
        if (need->evidence[weakest].weight >= w)
            return;
        ev = &need->evidence[weakest];
    }
    ev->kind = kind;
    ev->weight = w;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->text, sizeof ev->text, fmt, ap);
    va_end(ap);
}

/* Every need's keywords in one set, built on first use and kept for the
 * life of the process (the definitions are static too). */
static tl_keyword_set *need_keywords;
static pthread_once_t need_keywords_once = PTHREAD_ONCE_INIT;

static void need_keywords_build(void)
{
    const char *lists[TL_NEED_COUNT];
    for (int k = 0; k < TL_NEED_COUNT; k++)
        lists[k] = defs[k].keywords;
    need_keywords = tl_keyword_set_build(lists, TL_NEED_COUNT);
}

/* hits[k] = how many of need k's keywords occur at a word start in the
 * lower-cased post; all zero when the set could not be built. */
static void keyword_hits(const char *lower, size_t len, int hits[TL_NEED_COUNT])
{
    pthread_once(&need_keywords_once, need_keywords_build);
    if (need_keywords)
        tl_keyword_set_count(need_keywords, lower, len, hits);
    else
        memset(hits, 0, TL_NEED_COUNT * sizeof *hits);
}

static int has_category(const tl_customer_view *v, const char *name)
{
    for (size_t i = 0; i < v->insights.n_categories; i++)
        if (tl_strcaseeq(v->insights.categories[i].name, name))
            return 1;
    return 0;
}

static int holds_category(const tl_customer_view *v, const char *word)
{
    for (size_t i = 0; i < v->n_holdings; i++)
        if (strcasestr(v->holdings[i].name, word) || strcasestr(v->holdings[i].category, word))
            return 1;
    return 0;
}

static double field_number(const tl_customer_view *v, const char *key)
{
    char buf[64];
    double x;
    const char *t = tl_view_field(v, key, buf, sizeof buf);
    return tl_parse_double(t, true, &x) ? x : NAN;
}

static int field_yes(const tl_customer_view *v, const char *key)
{
    char buf[16];
    return tl_strcaseeq(tl_view_field(v, key, buf, sizeof buf), "yes");
}

static void figures(const tl_customer_view *v, tl_needs *n)
{
    const tl_customer *c = &v->customer;
    const tl_insights *in = &v->insights;
    int age = c->age;
    double intl = field_number(v, "InternationalTransactionIndicator");
    if (!isnan(intl) && intl >= 50)
        raise(n, TL_NEED_TRAVEL, fmin(0.5, 0.15 + intl / 1000.0), TL_EV_FIGURE,
              "International transactions: %.0f", intl);
    if (!isnan(intl) && intl >= 150)
        raise(n, TL_NEED_FOREIGN_CURRENCY, fmin(0.45, intl / 800.0), TL_EV_FIGURE,
              "International transactions: %.0f", intl);
    if (has_category(v, "Travel"))
        raise(n, TL_NEED_TRAVEL, 0.35, TL_EV_FIGURE, "Travel is a top spending category");
    if (has_category(v, "Dining") || has_category(v, "Restaurants"))
        raise(n, TL_NEED_DINING, 0.4, TL_EV_FIGURE, "Dining is a top spending category");
    if (has_category(v, "Lifestyle") || has_category(v, "Entertainment"))
        raise(n, TL_NEED_DINING, 0.2, TL_EV_FIGURE, "Lifestyle spending is a top category");
    if (has_category(v, "Groceries") || has_category(v, "Shopping"))
        raise(n, TL_NEED_CASHBACK, 0.3, TL_EV_FIGURE,
              "Groceries and shopping are top spending categories");
    if (has_category(v, "Fuel") || has_category(v, "Automobile") || has_category(v, "Transport"))
        raise(n, TL_NEED_VEHICLE, 0.2, TL_EV_FIGURE, "Regular fuel and transport spending");
    if (has_category(v, "Education"))
        raise(n, TL_NEED_EDUCATION, 0.35, TL_EV_FIGURE, "Education is a top spending category");
    if (has_category(v, "Healthcare") || has_category(v, "Health"))
        raise(n, TL_NEED_HEALTH, 0.3, TL_EV_FIGURE, "Healthcare is a top spending category");
    if (has_category(v, "Business"))
        raise(n, TL_NEED_BUSINESS, 0.35, TL_EV_FIGURE, "Business is a top spending category");
    if (field_yes(v, "VATUserStatus"))
        raise(n, TL_NEED_BUSINESS, 0.4, TL_EV_FIELD, "Registered VAT user");
    if (!isnan(in->avg_monthly_spend) && in->avg_monthly_spend >= 3000)
        raise(n, TL_NEED_CASHBACK, fmin(0.35, in->avg_monthly_spend / 60000.0), TL_EV_FIGURE,
              "Average monthly spending: %.0f %s", in->avg_monthly_spend,
              c->currency ? c->currency : "");
    if (age >= 0) {
        if (age >= 45 && age < 75)
            raise(n, TL_NEED_RETIREMENT, fmin(0.55, 0.15 + (age - 45) / 40.0), TL_EV_FIELD,
                  "Age %d", age);
        if (age >= 55)
            raise(n, TL_NEED_HEALTH, 0.2, TL_EV_FIELD, "Age %d", age);
        if (age >= 16 && age <= 25) {
            raise(n, TL_NEED_CREDIT_BUILDING, 0.35, TL_EV_FIELD, "Age %d", age);
            raise(n, TL_NEED_EDUCATION, 0.15, TL_EV_FIELD, "Age %d", age);
        }
        if (age >= 28 && age <= 55 && !holds_category(v, "Insurance"))
            raise(n, TL_NEED_PROTECTION, 0.15, TL_EV_HOLDING, "No insurance held, age %d", age);
        if (age >= 25 && age <= 40 && !holds_category(v, "Home"))
            raise(n, TL_NEED_HOME, 0.1, TL_EV_FIELD, "Age %d, no home loan held", age);
    }
    if (!isnan(c->balance)) {
        if (c->balance >= 250000)
            raise(n, TL_NEED_WEALTH, 0.55, TL_EV_FIGURE, "Balance %.0f %s", c->balance,
                  c->currency ? c->currency : "");
        else if (c->balance >= 100000)
            raise(n, TL_NEED_WEALTH, 0.25, TL_EV_FIGURE, "Balance %.0f %s", c->balance,
                  c->currency ? c->currency : "");
        if (c->balance >= 20000)
            raise(n, TL_NEED_GROWTH, 0.15, TL_EV_FIGURE, "Balance %.0f %s available to invest",
                  c->balance, c->currency ? c->currency : "");
        if (!isnan(in->avg_monthly_spend) && in->avg_monthly_spend > 0 &&
            c->balance < in->avg_monthly_spend)
            raise(n, TL_NEED_URGENT_CASH, 0.3, TL_EV_FIGURE,
                  "Balance %.0f is below one month of spending (%.0f)", c->balance,
                  in->avg_monthly_spend);
    }
    if (c->risk_profile) {
        if (tl_strcaseeq(c->risk_profile, "High"))
            raise(n, TL_NEED_GROWTH, 0.4, TL_EV_FIELD, "Risk profile: High");
        else if (tl_strcaseeq(c->risk_profile, "Medium"))
            raise(n, TL_NEED_GROWTH, 0.2, TL_EV_FIELD, "Risk profile: Medium");
        else if (tl_strcaseeq(c->risk_profile, "Low"))
            raise(n, TL_NEED_SAVINGS, 0.3, TL_EV_FIELD, "Risk profile: Low");
    }
    if (!isnan(in->savings_rate) && in->savings_rate > 0.2)
        raise(n, TL_NEED_SAVINGS, 0.25, TL_EV_FIGURE, "Saves %.0f%% of income",
              100 * in->savings_rate);
    if (!isnan(in->savings_rate) && in->savings_rate < -0.05)
        raise(n, TL_NEED_URGENT_CASH, 0.25, TL_EV_FIGURE, "Spends more than income (%.0f%%)",
              100 * -in->savings_rate);
    if (!isnan(in->trend_pct) && in->trend_pct > 3)
        raise(n, TL_NEED_CASHBACK, 0.1, TL_EV_FIGURE, "Spending rising %.1f%% a month",
              in->trend_pct);
    char buf[32];
    if (tl_strcaseeq(tl_view_field(v, "DepositStatus", buf, sizeof buf), "No"))
        raise(n, TL_NEED_SAVINGS, 0.15, TL_EV_FIELD, "No deposit held");
    const char *emp = tl_view_field(v, "employment", buf, sizeof buf);
    if ((tl_strcaseeq(emp, "salaried") || tl_strcaseeq(emp, "employed")) &&
        !holds_category(v, "Salary") && !holds_category(v, "Payroll"))
        raise(n, TL_NEED_PAYROLL, 0.25, TL_EV_FIELD, "Salaried, no salary account held");
    if (tl_strcaseeq(emp, "self-employed") || tl_strcaseeq(emp, "business owner"))
        raise(n, TL_NEED_BUSINESS, 0.35, TL_EV_FIELD, "Employment: %s", emp);
    if (tl_strcaseeq(emp, "student"))
        raise(n, TL_NEED_EDUCATION, 0.35, TL_EV_FIELD, "Student");
}

/* A post raises the needs it is closest to (relative to its best match, so
 * the encoder's absolute similarity scale does not matter) and those whose
 * key words it uses. */
static void posts(const tl_customer_view *v, const float *need_vecs, const float *post_vecs,
                  size_t dim, tl_needs *n)
{
    for (size_t p = 0; p < v->n_posts; p++) {
        const char *text = v->posts[p].text;
        char lower[512];
        size_t len = tl_strlcpy(lower, text, sizeof lower);
        if (len >= sizeof lower)
            len = sizeof lower - 1;
        for (size_t i = 0; i < len; i++)
            lower[i] = (char)tolower((unsigned char)lower[i]);
        float sims[TL_NEED_COUNT], best = 0;
        for (int k = 0; k < TL_NEED_COUNT; k++) {
            sims[k] = post_vecs && need_vecs ? tl_vec_dot(post_vecs + p * dim, need_vecs + k * dim, dim)
                                             : 0.0f;
            if (sims[k] > best)
                best = sims[k];
        }
        int hits[TL_NEED_COUNT];
        keyword_hits(lower, len, hits);
        for (int k = 0; k < TL_NEED_COUNT; k++) {
            double w = 0;
            if (best > 0.05f && sims[k] >= 0.75f * best)
                w += 0.25 + 0.35 * (sims[k] / best);
            if (hits[k])
                w += 0.2 + 0.1 * (hits[k] - 1);
            if (w > 0)
                raise(n, (tl_need_id)k, fmin(0.8, w), TL_EV_POST, "%.190s", text);
        }
    }
}

static int by_strength(const void *a, const void *b)
{
    const tl_need *x = a, *y = b;
    if (x->strength != y->strength)
        return x->strength < y->strength ? 1 : -1;
    return (int)x->id - (int)y->id;
}

void tl_needs_analyse(const tl_customer_view *v, const float *need_vecs, const float *post_vecs,
                      size_t dim, tl_needs *out)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < TL_NEED_COUNT; k++)
        out->needs[k].id = (tl_need_id)k;
    figures(v, out);
    posts(v, need_vecs, post_vecs, dim, out);
    qsort(out->needs, TL_NEED_COUNT, sizeof *out->needs, by_strength);
    out->n = 0;
    while (out->n < TL_NEED_COUNT && out->needs[out->n].strength > 0)
        out->n++;
}

void tl_needs_summarise(const tl_customer_view *v, const tl_needs *n, char *profile,
                        size_t profile_size, char *offering, size_t offering_size)
{
    const tl_customer *c = &v->customer;
    const tl_insights *in = &v->insights;
    char age[32] = "", spend[96] = "", trend[64] = "", cats[160] = "";
    if (c->age >= 0)
        snprintf(age, sizeof age, "%d-year-old ", c->age);
    if (!isnan(in->avg_monthly_spend))
        snprintf(spend, sizeof spend, ", spends about %.0f %s a month",
                 in->avg_monthly_spend, c->currency ? c->currency : "");
    if (!isnan(in->trend_pct) && fabs(in->trend_pct) >= 1)
        snprintf(trend, sizeof trend, " (%s %.1f%% a month)",
                 in->trend_pct > 0 ? "rising" : "falling", fabs(in->trend_pct));
    size_t k = 0;
    for (size_t i = 0; i < in->n_categories && i < 3; i++)
        k += (size_t)snprintf(cats + k, sizeof cats - k, "%s%s", i ? ", " : "",
                              in->categories[i].name);
    /* No name, e-mail or phone: this text may leave the process. */
    snprintf(profile, profile_size,
             "A %scustomer%s%s with a balance of %.0f %s and a %s risk profile%s%s%s.", age,
             c->city && *c->city ? " from " : "", c->city && *c->city ? c->city : "",
             isnan(c->balance) ? 0.0 : c->balance, c->currency ? c->currency : "",
             c->risk_profile ? c->risk_profile : "unknown", spend, trend,
             k ? "; most spending goes to " : "");
    if (k) {
        size_t used = strlen(profile);
        if (used && profile[used - 1] == '.')
            profile[--used] = '\0';
        snprintf(profile + used, profile_size - used, "%s.", cats);
    }
    size_t o = 0;
    if (n->n == 0) {
        snprintf(offering, offering_size, "No strong financial need stands out yet.");
        return;
    }
    o += (size_t)snprintf(offering, offering_size, "Likely needs: ");
    for (size_t i = 0; i < n->n && i < 4 && o < offering_size; i++) {
        const tl_need *need = &n->needs[i];
        o += (size_t)snprintf(offering + o, offering_size - o, "%s%s (%s)", i ? "; " : "",
                              defs[need->id].label,
                              need->n_evidence ? need->evidence[0].text : "profile");
    }
    if (o < offering_size)
        snprintf(offering + o, offering_size - o, ".");
}
