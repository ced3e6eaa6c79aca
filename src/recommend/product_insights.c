/* product_insights.c — facts about a product and suggestions from them. */
#include "recommend/product_insights.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/contact_policy.h"
#include "recommend/eligibility.h"
#include "store/events.h"
#include "store/holdings.h"
#include "store/products.h"
#include "text/sentiment.h"

typedef struct review_stats {
    int n, pos, neg, neu;
    double sum;
    int praise[TL_ASPECT_COUNT], complaints[TL_ASPECT_COUNT];
    char worst[TL_ASPECT_COUNT][160];   /* an example complaint per theme */
} review_stats;

static void count_review(review_stats *r, const char *text)
{
    tl_sentiment s;
    tl_sentiment_score_str(text, &s);
    r->n++;
    r->sum += s.score;
    if (s.polarity > 0)
        r->pos++;
    else if (s.polarity < 0)
        r->neg++;
    else
        r->neu++;
    for (int a = 0; a < TL_ASPECT_COUNT; a++) {
        if (s.aspects_pos & TL_ASPECT_BIT(a))
            r->praise[a]++;
        if (s.aspects_neg & TL_ASPECT_BIT(a)) {
            if (!r->complaints[a]++)
                snprintf(r->worst[a], sizeof r->worst[a], "%s", text);
        }
    }
}

static int add_review(void *ctx, const tl_review *rv)
{
    count_review(ctx, rv->text);
    return 0;
}

#define N_BANDS 6
static const char *const band_names[N_BANDS] = {"under 25", "25-34", "35-44",
                                                "45-59",    "60-74", "75+"};

static int band_of(int age)
{
    return age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : age < 60 ? 3 : age < 75 ? 4 : 5;
}

typedef struct holder_stats {
    int n, bands[N_BANDS], ages[4096], n_ages;
} holder_stats;

static int add_holder(void *ctx, int age, const char *gender, double balance)
{
    (void)gender, (void)balance;
    holder_stats *h = ctx;
    h->n++;
    if (age >= 0) {
        h->bands[band_of(age)]++;
        if (h->n_ages < 4096)
            h->ages[h->n_ages++] = age;
    }
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

typedef struct offer_stats {
    const char *id;
    tl_product_events ev;
} offer_stats;

static void suggest(json_t *arr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void suggest(json_t *arr, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_array_append_new(arr, json_string(text));
}

int tl_product_insights(tl_store *st, const char *product_id, json_t **out, tl_err *err)
{
    char *doc = NULL;
    int rc = tl_store_product_get_doc(st, product_id, &doc, err);
    if (rc)
        return rc;
    json_t *pj = json_loads(doc, 0, NULL);
    free(doc);
    if (!pj)
        return tl_err_set(err, TL_EINTERNAL, "product '%s': stored record is not JSON", product_id);
    review_stats r;
    memset(&r, 0, sizeof r);
    holder_stats *h = calloc(1, sizeof *h);
    offer_stats o = {product_id, {0}};
    /* Showings on staff screens are told apart; an unreadable stored policy
     * is no reason to withhold the figures, so its default then says. */
    tl_contact_policy policy;
    tl_contact_policy_load_or_default(st, &policy);
    char *staff = tl_contact_staff_json(&policy);
    if (!h || (policy.n_staff && !staff)) {
        free(h);
        free(staff);
        json_decref(pj);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    if ((rc = tl_store_reviews_each(st, product_id, add_review, &r, err)) ||
        (rc = tl_store_holders_each(st, product_id, add_holder, h, err)) ||
        (rc = tl_store_events_of_product(st, product_id, staff, &o.ev, err)))
        goto done;
    /* The product's own feedback text counts as one more review. */
    const char *feedback = json_string_value(json_object_get(pj, "customer_feedback"));
    if (feedback && r.n == 0)
        count_review(&r, feedback);

    tl_eligibility el;
    tl_eligibility_parse_product(NULL, pj, &el, NULL);
    int min_age = -1, max_age = -1;
    for (size_t i = 0; i < el.n_rules; i++) {
        if (el.rules[i].kind == TL_RULE_MIN_AGE || el.rules[i].kind == TL_RULE_SENIORS_ONLY)
            min_age = (int)el.rules[i].value;
        if (el.rules[i].kind == TL_RULE_MAX_AGE || el.rules[i].kind == TL_RULE_MINORS_ONLY)
            max_age = (int)el.rules[i].value;
    }

    json_t *themes = json_array();
    for (int a = 0; a < TL_ASPECT_COUNT; a++)
        if (r.praise[a] || r.complaints[a])
            json_array_append_new(themes, json_pack("{s:s, s:i, s:i}", "aspect",
                                                    tl_aspect_name(a), "praise", r.praise[a],
                                                    "complaints", r.complaints[a]));
    json_t *bands = json_object();
    for (int b = 0; b < N_BANDS; b++)
        json_object_set_new(bands, band_names[b], json_integer(h->bands[b]));
    int median = -1;
    if (h->n_ages) {
        qsort(h->ages, (size_t)h->n_ages, sizeof *h->ages, cmp_int);
        median = h->ages[h->n_ages / 2];
    }
    double acc_rate = o.ev.shown ? (double)o.ev.accepted / (double)o.ev.shown : NAN;
    double dis_rate = o.ev.shown ? (double)o.ev.dismissed / (double)o.ev.shown : NAN;

    json_t *sugg = json_array();
    const char *name = json_string_value(json_object_get(pj, "name"));
    for (int a = 0; a < TL_ASPECT_COUNT; a++) {
        if (r.complaints[a] < 1 || r.complaints[a] < r.praise[a])
            continue;
        static const char *const fixes[TL_ASPECT_COUNT] = {
            "Review the fees",  "Make the rewards more attractive", "Revisit the rate",
            "Improve service",  "Strengthen customer support",     "Fix the app experience",
            "Speed up processing", "Clarify the approval criteria", "Widen acceptance",
            "Review the limits", "Tighten security and dispute handling"};
        suggest(sugg, "%s: %d of %d reviews complain about %s (e.g. \"%.100s\").", fixes[a],
                r.complaints[a], r.n, tl_aspect_name(a), r.worst[a]);
    }
    if (r.n >= 3 && r.neg * 3 >= r.n)
        suggest(sugg, "Sentiment is weak: %d of %d reviews are negative (mean score %.2f).", r.neg,
                r.n, r.sum / r.n);
    for (int a = 0; a < TL_ASPECT_COUNT; a++)
        if (r.praise[a] >= 2 && r.praise[a] > r.complaints[a])
            suggest(sugg, "Lead marketing with %s: %d reviews praise it.", tl_aspect_name(a),
                    r.praise[a]);
    if (median >= 0 && min_age >= 0 && max_age >= 0 && (median < min_age || median > max_age))
        suggest(sugg, "Holders (median age %d) sit outside the targeted ages %d-%d: revisit the "
                      "targeting or the eligibility rules.", median, min_age, max_age);
    if (o.ev.shown >= 20 && acc_rate < 0.05)
        suggest(sugg, "Offers convert poorly: %lld accepted of %lld shown (%.1f%%); check who "
                      "it is offered to and the offer text.",
                o.ev.accepted, o.ev.shown, 100 * acc_rate);
    if (o.ev.shown >= 20 && dis_rate > 0.3)
        suggest(sugg, "%.0f%% of offers are dismissed: customers do not see the fit.",
                100 * dis_rate);
    if (h->n == 0)
        suggest(sugg, "No customer holds %s yet: consider an introductory offer for the "
                      "customers it fits best.", name ? name : "this product");
    if (json_array_size(sugg) == 0)
        suggest(sugg, "No problem stands out in reviews, holdings or offer outcomes; keep "
                      "monitoring.");

    *out = json_pack(
        "{s:s, s:s?, s:{s:i, s:i, s:i, s:i, s:o, s:o}, s:{s:i, s:o, s:o}, s:{s:o, s:o}, "
        "s:{s:I, s:I, s:I, s:I, s:o, s:o}, s:o}",
        "product_id", product_id, "name", name, "reviews", "n", r.n, "positive", r.pos,
        "negative", r.neg, "neutral", r.neu, "mean_score",
        r.n ? json_real(round(r.sum / r.n * 1000) / 1000) : json_null(), "themes", themes,
        "holders", "n", h->n, "median_age", median >= 0 ? json_integer(median) : json_null(),
        "age_bands", bands, "target", "min_age",
        min_age >= 0 ? json_integer(min_age) : json_null(), "max_age",
        max_age >= 0 ? json_integer(max_age) : json_null(), "offers", "shown",
        (json_int_t)o.ev.shown, "staff_shown", (json_int_t)o.ev.staff_shown, "accepted", (json_int_t)o.ev.accepted, "dismissed",
        (json_int_t)o.ev.dismissed, "acceptance_rate",
        isnan(acc_rate) ? json_null() : json_real(round(acc_rate * 1000) / 1000),
        "dismissal_rate", isnan(dis_rate) ? json_null() : json_real(round(dis_rate * 1000) / 1000),
        "suggestions", sugg);
    if (!*out)
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
done:
    free(h);
    free(staff);
    json_decref(pj);
    return rc;
}

json_t *tl_product_insights_prototype(const json_t *insights)
{
    json_t *arr = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(insights, "suggestions"), i, s)
        json_array_append_new(arr, json_pack("{s:O}", "Suggestion", s));
    return arr;
}
