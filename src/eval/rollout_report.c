/* rollout_report.c — a rollout's figures and lift (rollout_report.h). */
#include "eval/rollout_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "eval/rollout_tally.h"
#include "recommend/learn.h"
#include "recommend/rollout.h"
#include "store/customers.h"

/* The day record for time key `key` (tl_time_key), inserted in date
 * order. */
static tl_rollout_day *day_slot(tl_rollout_report *r, int64_t key)
{
    int64_t ymd = key / 1000000;
    char day[16];
    snprintf(day, sizeof day, "%04d-%02d-%02d", (int)(ymd / 10000 % 10000),
             (int)(ymd / 100 % 100), (int)(ymd % 100));
    size_t lo = 0, hi = r->n_days;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(r->days[mid].day, day);
        if (c == 0)
            return &r->days[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (r->n_days == r->cap_days) {
        size_t cap = r->cap_days ? r->cap_days * 2 : 32;
        tl_rollout_day *nd = realloc(r->days, cap * sizeof *nd);
        if (!nd)
            return NULL;
        r->days = nd;
        r->cap_days = cap;
    }
    memmove(&r->days[lo + 1], &r->days[lo], (r->n_days - lo) * sizeof *r->days);
    r->n_days++;
    memset(&r->days[lo], 0, sizeof *r->days);
    tl_strlcpy(r->days[lo].day, day, sizeof r->days[lo].day);
    return &r->days[lo];
}

typedef struct tally_ctx {
    tl_rollout_tally t;
    int failed;   /* out of memory: the scan stopped */
} tally_ctx;

static int tally_event(void *ctx, const tl_window_event *e)
{
    tally_ctx *c = ctx;
    c->failed = tl_rollout_tally_add(&c->t, e->customer_id, e->kind, e->at) != 0;
    return c->failed;
}

/* Adds one customer's tally to its arm and to the days of its first
 * showing and first conversion. Customers never shown an offer in the
 * window are not the rollout's. */
static int add_customer(tl_rollout_report *r, const char *id, tl_customer_tally *c)
{
    if (!c->first_shown)
        return TL_OK;
    int a = tl_rollout_arm(&r->rollout, id) == TL_ARM_TREATMENT ? 0 : 1;
    long long accepted = c->accepted;
    c->arm = (uint8_t)a;
    tl_arm_stats *s = &r->arm[a];
    s->customers++;
    s->converted += accepted > 0;
    s->shown += c->shown;
    s->clicked += c->clicked;
    s->accepted += accepted;
    s->dismissed += c->dismissed;
    s->complained += c->complained;
    s->complainers += c->complained > 0;
    s->accepted_sq += (double)accepted * (double)accepted;
    tl_rollout_day *d = day_slot(r, c->first_shown);
    if (!d)
        return TL_ENOMEM;
    d->exposed[a]++;
    if (c->first_accepted) {
        if (!(d = day_slot(r, c->first_accepted)))
            return TL_ENOMEM;
        d->converted[a]++;
    }
    return TL_OK;
}

/* Counts customer c (already counted in its arm) in segment `key`. */
static void segment_add(tl_rollout_report *r, const char *key, tl_customer_tally *c)
{
    size_t i = 0;
    while (i < r->n_segments && strcmp(r->segments[i].key, key) < 0)
        i++;
    if (i == r->n_segments || strcmp(r->segments[i].key, key) != 0) {
        if (r->n_segments == TL_ROLLOUT_MAX_SEGMENTS)
            return;   /* cannot happen: 5 age bands x 4 risk profiles */
        memmove(&r->segments[i + 1], &r->segments[i],
                (r->n_segments - i) * sizeof *r->segments);
        r->n_segments++;
        memset(&r->segments[i], 0, sizeof r->segments[i]);
        tl_strlcpy(r->segments[i].key, key, sizeof r->segments[i].key);
    }
    r->segments[i].customers[c->arm]++;
    r->segments[i].converted[c->arm] += c->accepted > 0;
    c->segmented = 1;
}

typedef struct segment_ctx {
    tl_rollout_report *r;
    const tl_rollout_tally *t;
} segment_ctx;

static int segment_customer(void *ctx, const char *id, int age, const char *risk)
{
    segment_ctx *x = ctx;
    tl_customer_tally *c = tl_rollout_tally_find(x->t, id);
    if (c && c->first_shown) {
        char key[48];
        tl_learn_segment(age, risk, key, sizeof key);
        segment_add(x->r, key, c);
    }
    return 0;
}

static int pick_latest(void *ctx, const tl_rollout *ro)
{
    *(tl_rollout *)ctx = *ro;
    return 1;   /* newest first: the first is the one */
}

static int build(tl_store *st, const char *name, tl_rollout_report *out, tl_err *err)
{
    int rc;
    if (name) {
        rc = tl_store_rollout_get(st, name, &out->rollout, err);
    } else {
        out->rollout.id = -1;
        rc = tl_store_rollouts_each(st, pick_latest, &out->rollout, err);
        if (!rc && out->rollout.id < 0)
            rc = tl_err_set(err, TL_ENOTFOUND, "no rollout has been started");
    }
    if (rc)
        return rc;
    out->running = out->rollout.ended_at[0] == '\0';
    tally_ctx tc = {.failed = 0};
    rc = tl_store_events_in_window(st, out->rollout.started_at,
                                   out->running ? NULL : out->rollout.ended_at, tally_event, &tc,
                                   err);
    if (!rc && tc.failed)
        rc = TL_ENOMEM;
    if (!rc)
        tl_rollout_tally_finish(&tc.t);
    for (size_t i = 0; !rc && i < tc.t.n; i++)
        if (add_customer(out, tl_customer_tally_id(&tc.t, &tc.t.v[i]), &tc.t.v[i]))
            rc = TL_ENOMEM;
    if (!rc && tc.t.n) {
        /* Segments: one scan of the customers; whoever is not found there
         * (erased since, or never imported) is of unknown segment. */
        segment_ctx sx = {out, &tc.t};
        rc = tl_store_customers_each_segment(st, segment_customer, &sx, err);
        char unknown[48];
        tl_learn_segment(-1, NULL, unknown, sizeof unknown);
        for (size_t i = 0; !rc && i < tc.t.n; i++) {
            tl_customer_tally *c = &tc.t.v[i];
            if (c->first_shown && !c->segmented)
                segment_add(out, unknown, c);
        }
    }
    tl_rollout_tally_free(&tc.t);
    if (rc == TL_ENOMEM)
        tl_err_set(err, TL_ENOMEM, "out of memory tallying the rollout's events");
    if (rc) {
        tl_rollout_report_free(out);
        return rc;
    }
    const tl_arm_stats *t = &out->arm[0], *k = &out->arm[1];
    for (int a = 0; a < 2; a++) {
        const tl_arm_stats *s = &out->arm[a];
        out->rate[a] = s->customers ? (double)s->converted / (double)s->customers : 0;
        out->rate_ci[a] = tl_wilson(s->converted, s->customers, TL_Z95);
    }
    out->diff = out->rate[0] - out->rate[1];
    out->diff_ci = tl_newcombe_diff(t->converted, t->customers, k->converted, k->customers,
                                    TL_Z95);
    out->relative = out->rate[1] > 0 ? out->rate[0] / out->rate[1] - 1 : NAN;
    out->relative_ci = tl_ratio_lift(t->converted, t->customers, k->converted, k->customers,
                                     TL_Z95);
    out->p_value = tl_two_prop_p(t->converted, t->customers, k->converted, k->customers);
    out->min_detectable = tl_min_detectable_diff(out->rate[1], t->customers, k->customers);
    out->per_customer =
        tl_mean_difference(t->customers, (double)t->accepted, t->accepted_sq, k->customers,
                           (double)k->accepted, k->accepted_sq, TL_Z95);
    out->split_p = tl_split_p(t->customers, k->customers, out->rollout.share);
    return TL_OK;
}

int tl_rollout_report_build(tl_store *st, const char *name, tl_rollout_report *out,
                            tl_err *err)
{
    memset(out, 0, sizeof *out);
    /* A pass over every event of the window. */
    tl_store_scan_begin(st);
    int rc = build(st, name, out, err);
    tl_store_scan_end(st);
    return rc;
}

void tl_rollout_report_free(tl_rollout_report *r)
{
    free(r->days);
    r->days = NULL;
    r->n_days = r->cap_days = 0;
}

/* Below this p-value the arms' sizes are taken to disagree with the
 * design: strict, since the check runs on every look at the report. */
#define SPLIT_ALARM_P 0.001

const char *tl_rollout_verdict(const tl_rollout_report *r)
{
    if (!r->arm[0].customers || !r->arm[1].customers)
        return "not enough data: an arm has no customer shown an offer yet";
    if (r->split_p < SPLIT_ALARM_P)
        return "do not trust the lift yet: the arms did not split as designed, so showings "
               "may be recorded for one arm and not the other";
    if (r->p_value < 0.05)
        return r->diff > 0 ? "personalisation lifts conversion (significant at the 5% level)"
                           : "the control arm converts better (significant at the 5% level)";
    return "no significant difference yet: keep the rollout running, or accept that any "
           "lift is below the smallest detectable difference";
}

/* A number JSON can hold: NaN and infinities become null. */
static json_t *num(double v)
{
    return isfinite(v) ? json_real(round(v * 1e6) / 1e6) : json_null();
}

static json_t *interval(tl_interval i)
{
    return json_pack("[o, o]", num(i.lo), num(i.hi));
}

static json_t *arm_json(const tl_rollout_report *r, int a)
{
    const tl_arm_stats *s = &r->arm[a];
    return json_pack(
        "{s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:o}", "customers",
        (json_int_t)s->customers, "converted", (json_int_t)s->converted, "conversion",
        num(r->rate[a]), "conversion_ci", interval(r->rate_ci[a]), "shown", (json_int_t)s->shown,
        "clicked", (json_int_t)s->clicked, "accepted", (json_int_t)s->accepted, "dismissed",
        (json_int_t)s->dismissed, "offer_acceptance",
        num(s->shown ? (double)s->accepted / (double)s->shown : NAN), "acceptances_per_customer",
        num(a == 0 ? r->per_customer.mean1 : r->per_customer.mean2), "complained",
        (json_int_t)s->complained, "complainers", (json_int_t)s->complainers, "complaint_rate",
        num(s->customers ? (double)s->complainers / (double)s->customers : NAN));
}

/* The guardrail: do personalised customers complain more? Each arm's
 * share of customers who complained, the difference (treatment − control)
 * with its interval and test; for the JSON and the text alike. Only when
 * both arms have customers. */
typedef struct complaints_lift {
    double rate[2], diff, p;
    tl_interval ci;
} complaints_lift;

static bool complaints_compare(const tl_rollout_report *r, complaints_lift *out)
{
    const tl_arm_stats *t = &r->arm[0], *c = &r->arm[1];
    if (!t->customers || !c->customers)
        return false;
    out->rate[0] = (double)t->complainers / (double)t->customers;
    out->rate[1] = (double)c->complainers / (double)c->customers;
    out->diff = out->rate[0] - out->rate[1];
    out->ci = tl_newcombe_diff(t->complainers, t->customers, c->complainers, c->customers,
                               TL_Z95);
    out->p = tl_two_prop_p(t->complainers, t->customers, c->complainers, c->customers);
    return true;
}

static json_t *complaints_json(const tl_rollout_report *r)
{
    complaints_lift l;
    if (!complaints_compare(r, &l))
        return json_null();
    return json_pack("{s:o, s:o, s:o}", "difference", num(l.diff), "difference_ci",
                     interval(l.ci), "p_value", num(l.p));
}

static json_t *segment_arm_json(const tl_rollout_segment *g, int a)
{
    long long n = g->customers[a], x = g->converted[a];
    return json_pack("{s:I, s:I, s:o}", "customers", (json_int_t)n, "converted", (json_int_t)x,
                     "conversion", num(n ? (double)x / (double)n : NAN));
}

/* A segment's comparison, for the JSON and the text alike. */
typedef struct segment_lift {
    int both;             /* both arms have customers: diff and ci mean something */
    int tested;           /* both arms have TL_ROLLOUT_SEGMENT_MIN: p means something */
    double diff, p;       /* treatment − control conversion; NaN / 1 when not meaningful */
    tl_interval ci;
} segment_lift;

static segment_lift segment_compare(const tl_rollout_segment *g)
{
    segment_lift l = {.diff = NAN, .p = 1};
    l.both = g->customers[0] > 0 && g->customers[1] > 0;
    l.tested = g->customers[0] >= TL_ROLLOUT_SEGMENT_MIN &&
               g->customers[1] >= TL_ROLLOUT_SEGMENT_MIN;
    if (l.both)
        l.diff = (double)g->converted[0] / (double)g->customers[0] -
                 (double)g->converted[1] / (double)g->customers[1];
    l.ci = tl_newcombe_diff(g->converted[0], g->customers[0], g->converted[1], g->customers[1],
                            TL_Z95);
    if (l.tested)
        l.p = tl_two_prop_p(g->converted[0], g->customers[0], g->converted[1], g->customers[1]);
    return l;
}

static json_t *segments_json(const tl_rollout_report *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->n_segments; i++) {
        const tl_rollout_segment *g = &r->segments[i];
        segment_lift l = segment_compare(g);
        json_array_append_new(
            arr, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b}", "segment", g->key,
                           "treatment", segment_arm_json(g, 0), "control",
                           segment_arm_json(g, 1), "difference", num(l.diff), "difference_ci",
                           l.both ? interval(l.ci) : json_null(), "p_value",
                           l.tested ? num(l.p) : json_null(), "tested", l.tested));
    }
    return arr;
}

json_t *tl_rollout_report_json(const tl_rollout_report *r)
{
    json_t *daily = json_array();
    long long cum_e[2] = {0, 0}, cum_c[2] = {0, 0};
    for (size_t i = 0; i < r->n_days; i++) {
        json_t *day = json_pack("{s:s}", "day", r->days[i].day);
        for (int a = 0; a < 2; a++) {
            cum_e[a] += r->days[i].exposed[a];
            cum_c[a] += r->days[i].converted[a];
            json_object_set_new(
                day, a == 0 ? "treatment" : "control",
                json_pack("{s:I, s:I, s:o}", "customers", (json_int_t)cum_e[a], "converted",
                          (json_int_t)cum_c[a],
                          "conversion", num(cum_e[a] ? (double)cum_c[a] / (double)cum_e[a] : NAN)));
        }
        json_array_append_new(daily, day);
    }
    long long n = r->arm[0].customers + r->arm[1].customers;
    json_t *doc = json_pack(
        "{s:o, s:{s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:s}, "
        "s:{s:o, s:o, s:o}, s:o}",
        "rollout", tl_rollout_json(&r->rollout), "arms", "treatment", arm_json(r, 0), "control",
        arm_json(r, 1), "lift", "difference", num(r->diff), "difference_ci",
        interval(r->diff_ci), "relative", num(r->relative), "relative_ci",
        interval(r->relative_ci), "p_value", num(r->p_value), "min_detectable_difference",
        num(r->min_detectable), "acceptances_per_customer", "difference",
        num(r->per_customer.diff), "difference_ci", interval(r->per_customer.ci), "verdict",
        tl_rollout_verdict(r), "split", "expected_treatment_share", num(r->rollout.share),
        "observed_treatment_share", num(n ? (double)r->arm[0].customers / (double)n : NAN),
        "p_value", num(r->split_p), "daily", daily);
    json_object_set_new(doc, "segments", segments_json(r));
    json_object_set_new(doc, "complaints", complaints_json(r));
    return doc;
}

static void print_arm(FILE *f, const tl_rollout_report *r, int a)
{
    const tl_arm_stats *s = &r->arm[a];
    fprintf(f, "%-10s %10lld %10lld %9.2f%%  %6.2f%% .. %6.2f%% %10lld %9lld %8.2f%%\n",
            a == 0 ? "treatment" : "control", s->customers, s->converted, 100 * r->rate[a],
            100 * r->rate_ci[a].lo, 100 * r->rate_ci[a].hi, s->shown, s->accepted,
            s->shown ? 100.0 * (double)s->accepted / (double)s->shown : 0.0);
}

void tl_rollout_report_print(FILE *f, const tl_rollout_report *r)
{
    const tl_rollout *ro = &r->rollout;
    fprintf(f, "rollout %s: %.4g%% of customers personalised, %s %s%s%s (salt %s)\n\n", ro->name,
            100 * ro->share, r->running ? "running since" : "ran from", ro->started_at,
            r->running ? "" : " to ", ro->ended_at, ro->salt);
    fprintf(f, "%-10s %10s %10s %10s  %-18s %10s %9s %9s\n", "arm", "customers", "converted",
            "conversion", "95% interval", "offers", "accepted", "per offer");
    print_arm(f, r, 0);
    print_arm(f, r, 1);
    fprintf(f, "\n");
    if (r->arm[0].customers && r->arm[1].customers) {
        fprintf(f, "conversion, treatment - control: %+.2f points (95%% interval %+.2f .. %+.2f), "
                   "p = %.4g\n",
                100 * r->diff, 100 * r->diff_ci.lo, 100 * r->diff_ci.hi, r->p_value);
        if (isfinite(r->relative))
            fprintf(f, "relative lift: %+.1f%%", 100 * r->relative);
        else
            fprintf(f, "relative lift: undefined (the control arm converted nobody)");
        if (isfinite(r->relative_ci.lo))
            fprintf(f, " (95%% interval %+.1f%% .. %+.1f%%)", 100 * r->relative_ci.lo,
                    100 * r->relative_ci.hi);
        fprintf(f, "\nacceptances per customer: %.3f against %.3f, difference %+.3f (95%% "
                   "interval %+.3f .. %+.3f)\n",
                r->per_customer.mean1, r->per_customer.mean2, r->per_customer.diff,
                r->per_customer.ci.lo, r->per_customer.ci.hi);
        fprintf(f, "smallest difference these groups detect (80%% power, 5%% level): %.2f "
                   "points\n",
                100 * r->min_detectable);
    }
    long long n = r->arm[0].customers + r->arm[1].customers;
    if (n)
        fprintf(f, "split: %.2f%% of exposed customers in treatment, %.4g%% designed (p = %.3g)\n",
                100.0 * (double)r->arm[0].customers / (double)n, 100 * ro->share, r->split_p);
    complaints_lift cl;
    if (complaints_compare(r, &cl))
        fprintf(f, "complaints (guardrail): %lld of %lld treatment customers (%.2f%%), %lld of "
                   "%lld control (%.2f%%); difference %+.2f points (95%% interval %+.2f .. "
                   "%+.2f), p = %.3g\n",
                r->arm[0].complainers, r->arm[0].customers, 100 * cl.rate[0],
                r->arm[1].complainers, r->arm[1].customers, 100 * cl.rate[1], 100 * cl.diff,
                100 * cl.ci.lo, 100 * cl.ci.hi, cl.p);
    fprintf(f, "\nverdict: %s\n", tl_rollout_verdict(r));
    if (!r->n_segments)
        return;
    fprintf(f, "\nby segment (age band x risk profile):\n%-24s %21s %21s %10s  %-17s %8s\n",
            "segment", "treatment", "control", "difference", "95% interval", "p");
    int tested = 0;
    for (size_t i = 0; i < r->n_segments; i++) {
        const tl_rollout_segment *g = &r->segments[i];
        segment_lift l = segment_compare(g);
        char arm[2][32];
        for (int a = 0; a < 2; a++)
            snprintf(arm[a], sizeof arm[a], "%lld/%lld %5.1f%%", g->converted[a],
                     g->customers[a],
                     g->customers[a] ? 100.0 * (double)g->converted[a] / (double)g->customers[a]
                                     : 0.0);
        fprintf(f, "%-24s %21s %21s", g->key, arm[0], arm[1]);
        if (l.both)
            fprintf(f, " %+9.1f  %+6.1f .. %+6.1f", 100 * l.diff, 100 * l.ci.lo, 100 * l.ci.hi);
        if (l.tested) {
            tested++;
            fprintf(f, " %8.3g", l.p);
        }
        fputc('\n', f);
    }
    fprintf(f, "(differences in points; p only where both arms have %d customers or more",
            TL_ROLLOUT_SEGMENT_MIN);
    if (tested > 1)
        fprintf(f, "; of %d segments tested at 5%%, about %.1f may differ by chance", tested,
                tested / 20.0);
    fprintf(f, ")\n");
}
