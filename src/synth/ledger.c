/* ledger.c — a customer's months: the plan of each month's spending, and
 * either its aggregate (monthly.csv) or its transactions (transactions.csv).
 *
 * Each month is first planned as a short list of groups — "variable
 * spending of $2,310.55 in 34 purchases", "rent $1,450.00 in 1", "a trip:
 * $3,120.00 in 4" — drawn from a stream keyed by (customer, month). The
 * monthly aggregate is the sum of the groups; the raw mode splits each
 * group into transactions with a second stream keyed the same way, in
 * whole cents, so the raw debits of a month add up to the aggregate
 * exactly and the monthly mode never pays for the split. Credits (salary,
 * pension, refunds) exist only in the raw mode: totals count debits. */
#include "synth/model.h"

#include <math.h>
#include <string.h>

enum { G_VARIABLE, G_FIXED, G_SPIKE };

typedef struct group {
    uint8_t kind;
    uint8_t cat;          /* unused for G_VARIABLE */
    uint8_t day;          /* G_FIXED only; 0 = any day */
    uint16_t count;
    int64_t cents;
    const char *merchant; /* NULL: pick per transaction */
    const char *mode;     /* NULL: pick per transaction */
} group;

#define MAX_GROUPS 40

typedef struct plan {
    int n;
    group g[MAX_GROUPS];
    int64_t total;
    uint32_t count;
} plan;

/* Spending by calendar month: January's hangover, summer travel, the
 * run-up to Christmas. */
static const double season[12] = {0.90, 0.92, 0.98, 1.00, 1.02, 1.06,
                                  1.10, 1.08, 0.98, 1.00, 1.10, 1.28};
/* Utilities: heating in winter, cooling in summer. */
static const double util_season[12] = {0.25, 0.2, 0.08, -0.05, -0.1, 0.05,
                                       0.15, 0.15, 0.0, -0.08, 0.05, 0.2};

static void add(plan *pl, int kind, int cat, int day, int count, double dollars,
                const char *merchant, const char *mode)
{
    if (pl->n >= MAX_GROUPS || dollars <= 0)
        return;
    if (count < 1)
        count = 1;
    int64_t cents = llround(dollars * 100);
    /* Every transaction is at least a dollar. */
    if (cents < 100 * (int64_t)count)
        cents = 100 * (int64_t)count;
    group *g = &pl->g[pl->n++];
    g->kind = (uint8_t)kind;
    g->cat = (uint8_t)cat;
    g->day = (uint8_t)day;
    g->count = (uint16_t)count;
    g->cents = cents;
    g->merchant = merchant;
    g->mode = mode;
    pl->total += cents;
    pl->count += (uint32_t)count;
}

static bool active(const tl_person *p, const tl_world *w, int m)
{
    return m >= p->first_offset && m < w->months && !((p->missing >> m) & 1u);
}

static int event_offset(const tl_person *p, int kind)
{
    for (int i = 0; i < p->n_events; i++)
        if (p->events[i].kind == kind)
            return p->events[i].offset;
    return -1000;
}

static void spike(plan *pl, tl_rng *r, int cat, int lo_count, int hi_count, double lo, double hi,
                  const char *merchant)
{
    add(pl, G_SPIKE, cat, 0, tl_rng_range(r, lo_count, hi_count), tl_rng_uniform(r, lo, hi),
        merchant, NULL);
}

/* The spending a life event adds to month offset m. */
static void event_spending(const tl_person *p, const tl_event *e, int m, int cal, tl_rng *r,
                           plan *pl)
{
    int d = m - e->offset;
    double inc = (double)p->income_cents / 100.0;
    if (inc < 1500)
        inc = 1500;
    switch (e->kind) {
    case TL_EV_TRAVEL:
        if (d == -1 || d == -2) /* flights booked ahead */
            spike(pl, r, TL_CAT_TRAVEL, 1, 2, inc * 0.12, inc * 0.35, NULL);
        else if (d == 0) {
            spike(pl, r, TL_CAT_TRAVEL, 3, 5, 300 + inc * 0.25, 600 + inc * 0.7, NULL);
            spike(pl, r, TL_CAT_DINING, 2, 5, 120, 600, NULL);
        }
        break;
    case TL_EV_BABY:
        if (d >= -3 && d <= -1)
            spike(pl, r, TL_CAT_SHOPPING, 2, 3, 300, 1200, "Little Steps Kids");
        else if (d >= 0 && d <= 5) {
            spike(pl, r, TL_CAT_HEALTHCARE, 1, 2, 80, 420, NULL);
            spike(pl, r, TL_CAT_SHOPPING, 1, 3, 100, 380, "Little Steps Kids");
        }
        break;
    case TL_EV_FIRST_HOME:
        if (d == 0)
            spike(pl, r, TL_CAT_HOME, 2, 4, 2000, 9000, NULL);
        else if (d == 1)
            spike(pl, r, TL_CAT_HOME, 1, 3, 400, 2500, NULL);
        break;
    case TL_EV_MOVE:
        if (d == 0) {
            spike(pl, r, TL_CAT_HOME, 1, 2, 800, 3000, "MoveMates Removals");
            spike(pl, r, TL_CAT_UTILITIES, 1, 1, 90, 300, NULL);
        }
        break;
    case TL_EV_CAR_TROUBLE:
        if (d == 0)
            spike(pl, r, TL_CAT_TRANSPORT, 1, 2, 400, 2600, "AutoFix Garage");
        else if (d == -3)
            spike(pl, r, TL_CAT_TRANSPORT, 1, 1, 150, 650, "AutoFix Garage");
        break;
    case TL_EV_WEDDING:
        if (d >= -4 && d <= -1)
            spike(pl, r, TL_CAT_SHOPPING, 1, 3, 400, 2500, NULL);
        else if (d == 0)
            spike(pl, r, TL_CAT_DINING, 1, 2, 3000, 15000, NULL);
        else if (d == 1)
            spike(pl, r, TL_CAT_TRAVEL, 2, 4, 2000, 6000, NULL);
        break;
    case TL_EV_BUSINESS:
        if (d == 0)
            spike(pl, r, TL_CAT_BUSINESS, 2, 4, 3000, 12000, NULL);
        else if (d > 0)
            spike(pl, r, TL_CAT_BUSINESS, 2, 6, 400, 3500, NULL);
        break;
    case TL_EV_EDUCATION:
        if (d == 0 || (d > 0 && (cal == 0 || cal == 7)))
            spike(pl, r, TL_CAT_EDUCATION, 1, 1, 1500, 9000, "Fairview University");
        break;
    case TL_EV_HEALTH:
        if (d == 0)
            spike(pl, r, TL_CAT_HEALTHCARE, 1, 3, 800, 6000, NULL);
        else if (d == 1)
            spike(pl, r, TL_CAT_HEALTHCARE, 1, 1, 100, 600, NULL);
        break;
    default:
        break;
    }
}

static void make_plan(const tl_person *p, const tl_world *w, int m, plan *pl)
{
    tl_rng r;
    tl_rng_seed(&r, w->seed, p->index, TL_STREAM_MONTH + (uint64_t)m);
    pl->n = 0;
    pl->total = 0;
    pl->count = 0;
    int cal = (w->start + m) % 12;

    double mult = 1.0 + p->season_amp * (season[cal] - 1.0);
    double growth = exp(m * log1p(p->trend));
    int job = event_offset(p, TL_EV_NEW_JOB);
    double raise = job >= 0 && m >= job ? p->raise : 1.0;
    double v = p->spend_base * mult * growth * raise * tl_rng_lognormal(&r, 0.0, 0.12);
    double lam = p->count_base * sqrt(v / p->spend_base);
    /* At most 120 purchases: with fixed debits, event spikes and credits a
     * month stays under TL_MAX_TXN_MONTH, so the raw split never drops a
     * transaction the aggregate counted. */
    int n = tl_rng_poisson(&r, lam);
    if (n < 1)
        n = 1;
    if (n > 120)
        n = 120;
    add(pl, G_VARIABLE, 0, 0, n, v, NULL, NULL);

    for (int i = 0; i < p->n_fixed; i++) {
        const tl_fixed *f = &p->fixed[i];
        double amt = f->amount;
        if (f->cat == TL_CAT_UTILITIES)
            amt *= (1.0 + util_season[cal]) * tl_rng_lognormal(&r, 0.0, 0.07);
        add(pl, G_FIXED, f->cat, f->day, f->count, amt, f->merchant, f->mode);
    }
    for (int i = 0; i < p->n_events; i++)
        event_spending(p, &p->events[i], m, cal, &r, pl);

    /* Outliers: the odd big purchase or bill. */
    if (tl_rng_chance(&r, 0.012)) {
        static const uint8_t cats[] = {TL_CAT_SHOPPING, TL_CAT_HEALTHCARE, TL_CAT_TRAVEL,
                                       TL_CAT_HOME};
        int cat = cats[tl_rng_below(&r, 4)];
        add(pl, G_SPIKE, cat, 0, 1, p->spend_base * tl_rng_uniform(&r, 1.5, 5.0),
            cat == TL_CAT_SHOPPING ? "TechHaven Electronics" : NULL, NULL);
    }
}

uint32_t tl_ledger_write_monthly(const tl_person *p, const tl_world *w, tl_csvw *out)
{
    uint32_t rows = 0;
    plan pl;
    for (int m = 0; m < w->months; m++) {
        if (!active(p, w, m))
            continue;
        make_plan(p, w, m, &pl);
        tl_csvw_plain(out, p->id);
        tl_csvw_month(out, w->start + m);
        tl_csvw_cents(out, pl.total);
        tl_csvw_int(out, pl.count);
        tl_csvw_end(out);
        rows++;
    }
    return rows;
}

/* ------------------------------------------------------------------ raw */

typedef struct txn {
    uint8_t day;
    bool credit;
    int64_t cents;
    const char *category;
    const char *merchant;
    const char *mode;
} txn;

/* Typical ticket size per category: sets how a month's variable budget
 * divides among its purchases. */
static const float typical[TL_CAT__N] = {
    [TL_CAT_GROCERIES] = 65, [TL_CAT_DINING] = 38, [TL_CAT_TRAVEL] = 240, [TL_CAT_FUEL] = 48,
    [TL_CAT_SHOPPING] = 75, [TL_CAT_UTILITIES] = 90, [TL_CAT_RENT] = 1200,
    [TL_CAT_HEALTHCARE] = 85, [TL_CAT_EDUCATION] = 150, [TL_CAT_ENTERTAINMENT] = 28,
    [TL_CAT_BUSINESS] = 260, [TL_CAT_TRANSPORT] = 18, [TL_CAT_HOME] = 120,
    [TL_CAT_INSURANCE] = 100, [TL_CAT_LOANS] = 400,
};

static const char *merchant_for(const tl_person *p, tl_rng *r, int cat)
{
    tl_strlist l = tl_names_merchants(cat);
    if (tl_rng_chance(r, 0.65)) {
        /* A favourite: fixed per (customer, category). */
        uint64_t x = p->taste ^ ((uint64_t)cat * 0x9e3779b97f4a7c15ULL);
        return l.items[tl_rng_splitmix(&x) % l.n];
    }
    return l.items[tl_rng_below(r, l.n)];
}

static const char *mode_for(const tl_person *p, tl_rng *r, int cat)
{
    double u = tl_rng_unit(r);
    /* Tuition, suppliers, contractors and clinics are often paid by
     * transfer; shops and restaurants never are. */
    bool transfer_ok = cat == TL_CAT_EDUCATION || cat == TL_CAT_BUSINESS || cat == TL_CAT_HOME ||
                       cat == TL_CAT_HEALTHCARE;
    if (transfer_ok && u < 0.3)
        return "Bank Transfer";
    u = tl_rng_unit(r);
    if (p->age < 18)
        return u < 0.8 ? "Debit Card" : "Mobile Wallet";
    if (p->credit_card)
        return u < 0.58 ? "Credit Card" : u < 0.86 ? "Debit Card" : "Mobile Wallet";
    return u < 0.76 ? "Debit Card" : "Mobile Wallet";
}

/* Splits `cents` into `n` positive whole-cent amounts proportional to w[],
 * each at least a dollar; the parts add up to `cents` exactly. */
static void split_cents(int64_t cents, const double *w, int n, int64_t *out)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += w[i];
    int64_t spare = cents - 100 * (int64_t)n, used = 0;
    for (int i = 0; i < n; i++) {
        out[i] = 100 + (int64_t)((double)spare * (w[i] / sum));
        used += out[i];
    }
    /* Rounding down left a few cents over: the first purchase takes them. */
    out[0] += cents - used;
}

static void credit(txn *t, int *n, int day, int64_t cents, const char *cat, const char *merchant,
                   const char *mode)
{
    if (*n >= TL_MAX_TXN_MONTH || cents <= 0)
        return;
    txn *x = &t[(*n)++];
    x->day = (uint8_t)day;
    x->credit = true;
    x->cents = cents;
    x->category = cat;
    x->merchant = merchant;
    x->mode = mode;
}

static void add_credits(const tl_person *p, int m, int dim, tl_rng *r, txn *t, int *n)
{
    int64_t inc = p->income_cents;
    int job = event_offset(p, TL_EV_NEW_JOB);
    tl_strlist employers = tl_names_list(TL_NAMES_EMPLOYER);
    const char *employer = employers.items[p->employer % employers.n];
    if (job >= 0 && m >= job) {
        inc = llround((double)inc * p->raise);
        for (int i = 0; i < p->n_events; i++)
            if (p->events[i].kind == TL_EV_NEW_JOB)
                employer = employers.items[p->events[i].param % employers.n];
    }
    int payday = p->salary_day > dim ? dim : p->salary_day;
    switch (p->employment) {
    case TL_EMP_SALARIED:
        credit(t, n, payday, inc, "Salary", employer, "Direct Deposit");
        break;
    case TL_EMP_SELF_EMPLOYED:
    case TL_EMP_BUSINESS_OWNER: {
        int k = tl_rng_range(r, 1, 4);
        double w8[4];
        int64_t parts[4];
        for (int i = 0; i < k; i++)
            w8[i] = tl_rng_uniform(r, 0.3, 1.0);
        int64_t total = llround((double)inc * tl_rng_lognormal(r, 0.0, 0.35));
        if (total < 100 * k)
            total = 100 * k;
        split_cents(total, w8, k, parts);
        for (int i = 0; i < k; i++)
            credit(t, n, tl_rng_range(r, 1, dim), parts[i], "Business Income",
                   employers.items[tl_rng_below(r, employers.n)], "Bank Transfer");
        break;
    }
    case TL_EMP_RETIRED:
        credit(t, n, 3 > dim ? dim : 3, inc, "Pension", "Retirement Benefits Office", "Direct Deposit");
        break;
    case TL_EMP_UNEMPLOYED:
        credit(t, n, 10, inc, "Benefits", "State Employment Office", "Direct Deposit");
        break;
    default: /* students, minors, homemakers: family transfers */
        if (inc >= 100)
            credit(t, n, tl_rng_range(r, 1, dim), inc, "Transfer", "Family transfer", "Bank Transfer");
        break;
    }
    if (tl_rng_chance(r, 0.07)) {
        int64_t cents = llround(tl_rng_uniform(r, 8, 160) * 100);
        credit(t, n, tl_rng_range(r, 1, dim), cents, "Refund", merchant_for(p, r, TL_CAT_SHOPPING),
               p->credit_card ? "Credit Card" : "Debit Card");
    }
}

/* Writes "T00042": the customer's running transaction number. */
static void write_txn_id(tl_csvw *out, uint32_t seq)
{
    char tmp[16], *end = tmp + sizeof tmp, *q = end;
    int digits = 0;
    do {
        *--q = (char)('0' + seq % 10);
        seq /= 10;
        digits++;
    } while (seq || digits < 5);
    *--q = 'T';
    tl_csvw_sep(out);
    tl_csvw_raw(out, q, (size_t)(end - q));
}

uint32_t tl_ledger_write_raw(const tl_person *p, const tl_world *w, tl_csvw *out)
{
    txn t[TL_MAX_TXN_MONTH];
    txn sorted[TL_MAX_TXN_MONTH];
    double wt[128];
    int64_t parts[128];
    uint8_t cats[128];
    uint32_t seq = 0;
    plan pl;
    float cw[TL_CAT__N];

    for (int m = 0; m < w->months; m++) {
        if (!active(p, w, m))
            continue;
        make_plan(p, w, m, &pl);
        int month = w->start + m, cal = month % 12, dim = tl_model_days_in_month(month);
        tl_rng r;
        tl_rng_seed(&r, w->seed, p->index, TL_STREAM_SPLIT + (uint64_t)m);

        /* This month's variable mix: December shopping, summer travel. */
        float ctotal = 0;
        for (int c = 0; c < TL_CAT__N; c++) {
            float v = p->cat_w[c];
            if (c == TL_CAT_SHOPPING && (cal == 11 || cal == 10))
                v *= cal == 11 ? 1.7f : 1.3f;
            if (c == TL_CAT_TRAVEL && cal >= 5 && cal <= 7)
                v *= 2.0f;
            cw[c] = v;
            ctotal += v;
        }

        int n = 0;
        for (int gi = 0; gi < pl.n; gi++) {
            const group *g = &pl.g[gi];
            int k = g->count > 128 ? 128 : g->count;
            for (int i = 0; i < k; i++) {
                int c = g->kind == G_VARIABLE ? (int)tl_rng_weighted(&r, cw, TL_CAT__N, ctotal) : g->cat;
                cats[i] = (uint8_t)c;
                wt[i] = typical[c] * tl_rng_lognormal(&r, 0.0, g->kind == G_VARIABLE ? 0.6 : 0.4);
            }
            split_cents(g->cents, wt, k, parts);
            for (int i = 0; i < k && n < TL_MAX_TXN_MONTH; i++) {
                txn *x = &t[n++];
                int c = cats[i];
                x->credit = false;
                x->cents = parts[i];
                x->category = tl_model_cat_name(c);
                x->day = (uint8_t)(g->day ? (g->day > dim ? dim : g->day) : tl_rng_range(&r, 1, dim));
                x->merchant = g->merchant ? g->merchant : merchant_for(p, &r, c);
                x->mode = g->mode ? g->mode : mode_for(p, &r, c);
            }
        }
        add_credits(p, m, dim, &r, t, &n);

        /* Date order within the month (stable counting sort by day). */
        int start[33] = {0};
        for (int i = 0; i < n; i++)
            start[t[i].day + 1]++;
        for (int d = 1; d < 33; d++)
            start[d] += start[d - 1];
        for (int i = 0; i < n; i++)
            sorted[start[t[i].day]++] = t[i];

        for (int i = 0; i < n; i++) {
            const txn *x = &sorted[i];
            tl_csvw_plain(out, p->id);
            write_txn_id(out, ++seq);
            tl_csvw_date(out, month, x->day);
            tl_csvw_cents(out, x->cents);
            tl_csvw_plain(out, x->credit ? "credit" : "debit");
            tl_csvw_plain(out, x->category);
            tl_csvw_str(out, x->merchant);
            tl_csvw_plain(out, x->mode);
            tl_csvw_end(out);
        }
    }
    return seq;
}
