/* bias.c — building the bias report from grouped counts. */
#include "govern/bias.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recommend/eligibility.h"
#include "store/bias.h"
#include "store/meta.h"

static const char *const dim_names[] = {"gender", "age_band"};
static const char *const std_bands[] = {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"};

typedef struct build {
    json_t *groups[2];     /* dim → array of names */
    json_t *sizes[2];      /* dim → {group: customers} */
    json_t *items;         /* the report's array */
    json_t *index;         /* "p:<id>" / "c:<cat>" → item (borrowed) */
    tl_bias_dim dim;       /* while groups are counted */
} build;

static int add_group(void *ctx, const char *group, long long customers)
{
    build *b = ctx;
    json_object_set_new(b->sizes[b->dim], group, json_integer(customers));
    if (b->dim == TL_BIAS_GENDER)
        json_array_append_new(b->groups[b->dim], json_string(group));
    return 0;
}

/* The age bands in their natural order, then "under 18" and "Unknown" when
 * any customer falls there. */
static void order_bands(build *b)
{
    json_t *arr = b->groups[TL_BIAS_AGE_BAND];
    for (size_t i = 0; i < 6; i++)
        json_array_append_new(arr, json_string(std_bands[i]));
    if (json_object_get(b->sizes[TL_BIAS_AGE_BAND], "under 18"))
        json_array_append_new(arr, json_string("under 18"));
    if (json_object_get(b->sizes[TL_BIAS_AGE_BAND], "Unknown"))
        json_array_append_new(arr, json_string("Unknown"));
}

static json_t *new_by(build *b)
{
    json_t *by = json_object();
    for (int d = 0; d < 2; d++) {
        json_t *groups = json_array();
        size_t i;
        json_t *g;
        json_array_foreach(b->groups[d], i, g) {
            json_t *n = json_object_get(b->sizes[d], json_string_value(g));
            json_array_append_new(
                groups, json_pack("{s:O, s:I, s:I, s:I, s:I}", "group", g, "customers",
                                  (json_int_t)(n ? json_integer_value(n) : 0), "offered",
                                  (json_int_t)0, "accepted", (json_int_t)0, "scored",
                                  (json_int_t)0));
        }
        json_object_set_new(by, dim_names[d], json_pack("{s:o}", "groups", groups));
    }
    return by;
}

static void add_item(build *b, const char *level, const char *id, const char *name,
                     const char *category)
{
    char key[512];
    snprintf(key, sizeof key, "%c:%s", level[0], id);
    if (json_object_get(b->index, key))
        return;
    json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:o}", "level", level, "id", id, "name",
                             name, "category", category, "by", new_by(b));
    json_object_set(b->index, key, item);
    json_array_append_new(b->items, item);
}

/* Whether the product's eligibility rules themselves depend on age beyond
 * being an adult: an age gap in its offers is then expected, and the report
 * says so beside the ratio. */
static int restricts_age(const char *doc)
{
    tl_eligibility *el = malloc(sizeof *el);
    int yes = 0;
    if (el && tl_eligibility_parse(NULL, doc, el, NULL) == TL_OK)
        for (size_t i = 0; i < el->n_rules; i++) {
            const tl_rule *r = &el->rules[i];
            yes |= (r->kind == TL_RULE_MIN_AGE && r->value > 18) || r->kind == TL_RULE_MAX_AGE ||
                   r->kind == TL_RULE_MINORS_ONLY || r->kind == TL_RULE_SENIORS_ONLY;
        }
    free(el);
    return yes;
}

static int add_product(void *ctx, const char *id, const char *name, const char *category,
                       const char *doc)
{
    build *b = ctx;
    add_item(b, "product", id, name ? name : id, category ? category : "");
    json_t *item = json_array_get(b->items, json_array_size(b->items) - 1);
    json_object_set_new(json_object_get(json_object_get(item, "by"), "age_band"),
                        "eligibility_restricts_age", json_boolean(doc && restricts_age(doc)));
    return 0;
}

static json_t *find_group(json_t *groups, const char *group)
{
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
        if (strcmp(json_string_value(json_object_get(g, "group")), group) == 0)
            return g;
    return NULL;
}

static int add_cell(void *ctx, tl_bias_dim dim, tl_bias_level level, const tl_bias_cell *c)
{
    build *b = ctx;
    char key[512];
    snprintf(key, sizeof key, "%c:%s", level == TL_BIAS_PRODUCT ? 'p' : 'c', c->key);
    json_t *item = json_object_get(b->index, key);
    if (!item)
        return 0;
    json_t *groups = json_object_get(json_object_get(json_object_get(item, "by"),
                                                     dim_names[dim]), "groups");
    json_t *g = find_group(groups, c->group);
    if (!g)
        return 0;
    json_object_set_new(g, "offered", json_integer(c->offered));
    json_object_set_new(g, "accepted", json_integer(c->accepted));
    json_object_set_new(g, "scored", json_integer(c->scored));
    if (!isnan(c->mean_score))
        json_object_set_new(g, "mean_score", json_real(round(c->mean_score * 10000) / 10000));
    return 0;
}

static json_t *ratio_json(double r)
{
    return isnan(r) ? json_null() : json_real(round(r * 10000) / 10000);
}

/* A group's rate of kind k (0 offer, 1 acceptance, 2 mean score) from its
 * counts, unrounded, with its numerator and the denominator it rests on;
 * NAN when undefined. */
static double group_rate(json_t *g, int k, long long *num, long long *denom)
{
    long long cust = json_integer_value(json_object_get(g, "customers"));
    long long off = json_integer_value(json_object_get(g, "offered"));
    long long acc = json_integer_value(json_object_get(g, "accepted"));
    json_t *mean = json_object_get(g, "mean_score");
    if (k == 0) {
        *num = off;
        *denom = cust;
        return cust > 0 ? (double)off / (double)cust : NAN;
    }
    if (k == 1) {
        *num = acc;
        *denom = off;
        return off > 0 ? (double)acc / (double)off : NAN;
    }
    *denom = *num = json_integer_value(json_object_get(g, "scored"));
    return json_is_number(mean) ? json_number_value(mean) : NAN;
}

/* Groups listed but never compared: customers of unknown gender or age are
 * no group, and minors are barred from most products by law, not by the
 * model (the bands of the report start at 18). */
static int compared(const char *group)
{
    return strcmp(group, "Unknown") != 0 && strcmp(group, "under 18") != 0;
}

static double log_choose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/* Two-sided p-value that x1 of n1 and x2 of n2 come from one rate: the
 * two-proportion z-test, or Fisher's exact test when a cell's expected
 * count is under 5 (small groups, rare offers), where the z-test misleads.
 * The exact loop then runs over at most sqrt(5 N) tables. */
static double two_rate_p(long long x1, long long n1, long long x2, long long n2)
{
    double n = (double)(n1 + n2), succ = (double)(x1 + x2);
    if (n1 <= 0 || n2 <= 0 || succ <= 0 || succ >= n)
        return 1.0;
    double e_min = fmin(fmin((double)n1, (double)n2) * succ / n,
                        fmin((double)n1, (double)n2) * (n - succ) / n);
    if (e_min >= 5) {
        double pooled = succ / n;
        double se = sqrt(pooled * (1 - pooled) * (1.0 / (double)n1 + 1.0 / (double)n2));
        double d = fabs((double)x1 / (double)n1 - (double)x2 / (double)n2);
        return se > 0 ? erfc(d / se / sqrt(2.0)) : 1.0;
    }
    double base = log_choose(n, succ);
    double observed = log_choose((double)n1, (double)x1) +
                      log_choose((double)n2, succ - (double)x1) - base;
    long long lo = (long long)fmax(0, succ - (double)n2), hi = (long long)fmin((double)n1, succ);
    double p = 0;
    for (long long x = lo; x <= hi; x++) {
        double lp = log_choose((double)n1, (double)x) + log_choose((double)n2, succ - (double)x) -
                    base;
        if (lp <= observed + 1e-7)
            p += exp(lp);
    }
    return fmin(1.0, p);
}

typedef struct ratio {
    double di;          /* lowest / highest; NAN when undefined */
    double p_value;     /* lowest group against highest (two_rate_p); NAN for scores */
} ratio;

/* Lowest over highest among the groups whose denominator reaches min_group.
 * Undefined when fewer than two groups qualify, the highest is 0, or the
 * qualifying groups have fewer than min_group events in all (a ratio of a
 * handful of offers says nothing). */
static ratio di(json_t *groups, int k, long long min_group)
{
    ratio r = {NAN, NAN};
    double lo = INFINITY, hi = -INFINITY;
    long long lo_x = 0, lo_n = 0, hi_x = 0, hi_n = 0, events = 0;
    int n = 0;
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        long long x, m;
        double v = group_rate(g, k, &x, &m);
        if (isnan(v) || m < min_group || !compared(json_string_value(json_object_get(g, "group"))))
            continue;
        events += x;
        if (v < lo) {
            lo = v, lo_x = x, lo_n = m;
        }
        if (v > hi) {
            hi = v, hi_x = x, hi_n = m;
        }
        n++;
    }
    if (n < 2 || hi <= 0 || events < min_group)
        return r;
    r.di = lo / hi;
    if (k < 2)
        r.p_value = two_rate_p(lo_x, lo_n, hi_x, hi_n);
    return r;
}

/* Rates per group, the three ratios, their flags (ratio under the
 * threshold) and which flags are also statistically significant (p < 0.05);
 * returns 1 when any ratio falls below the threshold. */
static int finish_dim(json_t *d, long long min_group)
{
    json_t *groups = json_object_get(d, "groups");
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        json_int_t cust = json_integer_value(json_object_get(g, "customers"));
        json_int_t off = json_integer_value(json_object_get(g, "offered"));
        json_int_t acc = json_integer_value(json_object_get(g, "accepted"));
        json_object_set_new(g, "offer_rate",
                            cust ? json_real(round((double)off / (double)cust * 10000) / 10000)
                                 : json_null());
        json_object_set_new(g, "acceptance_rate",
                            off ? json_real(round((double)acc / (double)off * 10000) / 10000)
                                : json_null());
        if (!json_object_get(g, "mean_score"))
            json_object_set_new(g, "mean_score", json_null());
    }
    static const char *const names[] = {"offer", "acceptance", "score"};
    ratio r[3] = {di(groups, 0, min_group), di(groups, 1, min_group), di(groups, 2, min_group)};
    json_object_set_new(d, "offer_di", ratio_json(r[0].di));
    json_object_set_new(d, "acceptance_di", ratio_json(r[1].di));
    json_object_set_new(d, "score_di", ratio_json(r[2].di));
    json_t *p_values = json_object();
    for (int k = 0; k < 2; k++)
        json_object_set_new(p_values, names[k],
                            isnan(r[k].p_value) ? json_null()
                                                : json_real(r[k].p_value));
    json_object_set_new(d, "p_values", p_values);
    json_t *flags = json_array(), *significant = json_array();
    for (int k = 0; k < 3; k++)
        if (!isnan(r[k].di) && r[k].di < TL_BIAS_THRESHOLD) {
            json_array_append_new(flags, json_string(names[k]));
            if (!isnan(r[k].p_value) && r[k].p_value < 0.05)
                json_array_append_new(significant, json_string(names[k]));
        }
    int flagged = json_array_size(flags) > 0;
    json_object_set_new(d, "flags", flags);
    json_object_set_new(d, "significant", significant);
    return flagged;
}

static void now_iso(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int build_report(tl_store *st, long long min_group, json_t **out, tl_err *err)
{
    build b = {.items = json_array(), .index = json_object()};
    for (int d = 0; d < 2; d++) {
        b.groups[d] = json_array();
        b.sizes[d] = json_object();
    }
    int rc = TL_OK;
    for (int d = 0; d < 2 && !rc; d++) {
        b.dim = (tl_bias_dim)d;
        rc = tl_store_bias_groups(st, b.dim, add_group, &b, err);
    }
    if (rc)
        goto done;
    order_bands(&b);
    if ((rc = tl_store_bias_products(st, add_product, &b, err)))
        goto done;
    /* One item per category, after the products. */
    size_t n_products = json_array_size(b.items);
    for (size_t i = 0; i < n_products; i++) {
        const char *cat = json_string_value(json_object_get(json_array_get(b.items, i),
                                                            "category"));
        add_item(&b, "category", cat, cat, cat);
        /* A category's offers inherit the age rules of any of its products. */
        char key[512];
        snprintf(key, sizeof key, "c:%s", cat);
        json_t *age = json_object_get(json_object_get(json_object_get(b.index, key), "by"),
                                      "age_band");
        json_t *prod_age = json_object_get(json_object_get(json_array_get(b.items, i), "by"),
                                           "age_band");
        if (!json_is_true(json_object_get(age, "eligibility_restricts_age")))
            json_object_set(age, "eligibility_restricts_age",
                            json_object_get(prod_age, "eligibility_restricts_age"));
    }
    if (!rc)
        rc = tl_store_bias_cells_all(st, add_cell, &b, err);
    if (rc)
        goto done;
    long long flagged = 0, significant = 0, to_review = 0;
    size_t i;
    json_t *item;
    json_array_foreach(b.items, i, item) {
        int f = 0, sig = 0, review = 0;
        for (int d = 0; d < 2; d++) {
            json_t *dd = json_object_get(json_object_get(item, "by"), dim_names[d]);
            f |= finish_dim(dd, min_group);
            int s = json_array_size(json_object_get(dd, "significant")) > 0;
            sig |= s;
            /* An age gap on a product whose eligibility depends on age may
             * be the rule, not the model: not counted as one to review. */
            review |= s && !(d == TL_BIAS_AGE_BAND &&
                             json_is_true(json_object_get(dd, "eligibility_restricts_age")));
        }
        flagged += f;
        significant += sig;
        to_review += review;
    }
    char ts[32];
    now_iso(ts, sizeof ts);
    *out = json_pack(
        "{s:s, s:f, s:I, s:[s,s], s:{s:O, s:O}, s:{s:s, s:s}, s:O, s:{s:I, s:I, s:I, s:I}}",
        "generated_at", ts, "threshold", TL_BIAS_THRESHOLD, "min_group", (json_int_t)min_group,
        "dimensions", "gender", "age_band", "groups", "gender", b.groups[0], "age_band",
        b.groups[1], "sources", "offers",
        "distinct customers per product from 'shown' and 'accepted' events, batch scores "
        "(tailor score) and recommendations served by the API and CLI (audit log); "
        "acceptances from 'accepted' events",
        "scores", "mean batch score (tailor score) of the customers scored for the product",
        "items", b.items, "summary", "items", (json_int_t)json_array_size(b.items), "flagged",
        (json_int_t)flagged, "significant", (json_int_t)significant, "to_review",
        (json_int_t)to_review);
    if (!*out)
        rc = tl_err_set(err, TL_ENOMEM, "out of memory building the bias report");
done:
    for (int d = 0; d < 2; d++) {
        json_decref(b.groups[d]);
        json_decref(b.sizes[d]);
    }
    json_decref(b.items);
    json_decref(b.index);
    return rc;
}

int tl_bias_report(tl_store *st, long long min_group, json_t **out, tl_err *err)
{
    /* Passes over every offer event. */
    tl_store_scan_begin(st);
    int rc = build_report(st, min_group, out, err);
    tl_store_scan_end(st);
    return rc;
}

static void print_ratio(FILE *f, json_t *v)
{
    if (json_is_number(v))
        fprintf(f, " %6.3f", json_number_value(v));
    else
        fprintf(f, " %6s", "-");
}

void tl_bias_print(const json_t *report, FILE *f)
{
    json_t *items = json_object_get(report, "items");
    json_t *sum = json_object_get(report, "summary");
    fprintf(f, "bias report: %lld items, %lld flagged (%lld of them significant), %lld to "
               "review (significant, and not an age gap under an age rule)\n(four-fifths "
               "rule: ratio < %.2f; groups under %lld left out of ratios; * significant at "
               "p < 0.05; (age rule): the product's eligibility depends on age)\n\n",
            (long long)json_integer_value(json_object_get(sum, "items")),
            (long long)json_integer_value(json_object_get(sum, "flagged")),
            (long long)json_integer_value(json_object_get(sum, "significant")),
            (long long)json_integer_value(json_object_get(sum, "to_review")),
            json_number_value(json_object_get(report, "threshold")),
            (long long)json_integer_value(json_object_get(report, "min_group")));
    fprintf(f, "  %-9s %-28s %-9s %6s %6s %6s  flags\n", "level", "item", "by", "offer",
            "accept", "score");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        for (int d = 0; d < 2; d++) {
            json_t *dd = json_object_get(json_object_get(item, "by"), dim_names[d]);
            json_t *flags = json_object_get(dd, "flags");
            fprintf(f, "%c %-9s %-28.28s %-9s", json_array_size(flags) ? '!' : ' ',
                    json_string_value(json_object_get(item, "level")),
                    json_string_value(json_object_get(item, "name")), dim_names[d]);
            print_ratio(f, json_object_get(dd, "offer_di"));
            print_ratio(f, json_object_get(dd, "acceptance_di"));
            print_ratio(f, json_object_get(dd, "score_di"));
            fprintf(f, " ");
            size_t k, m;
            json_t *fl, *sg;
            json_array_foreach(flags, k, fl) {
                int sig = 0;
                json_array_foreach(json_object_get(dd, "significant"), m, sg)
                    sig |= strcmp(json_string_value(sg), json_string_value(fl)) == 0;
                fprintf(f, " %s%s", json_string_value(fl), sig ? "*" : "");
            }
            if (json_is_true(json_object_get(dd, "eligibility_restricts_age")))
                fprintf(f, "  (age rule)");
            fprintf(f, "\n");
        }
    }
}

/* The meta key the report is kept under, per minimum group size. */
static void kept_key(long long min_group, char *out, size_t size)
{
    snprintf(out, size, "report.bias.min_group.%lld", min_group);
}

/* Seconds since an ISO-8601 UTC stamp, or a huge age when unreadable. */
static double age_of(const char *iso)
{
    struct tm tm = {0};
    const char *end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (!end)
        return 1e18;
    return difftime(time(NULL), timegm(&tm));
}

int tl_bias_report_kept(tl_store *st, long long min_group, double max_age_s, int refresh,
                        json_t **out, tl_err *err)
{
    *out = NULL;
    char key[64];
    kept_key(min_group, key, sizeof key);
    int rc;
    if (!refresh) {
        char *text = NULL;
        if ((rc = tl_store_meta_get_text(st, key, &text, err)))
            return rc;
        json_t *kept = text ? json_loads(text, 0, NULL) : NULL;
        free(text);
        if (kept && age_of(json_string_value(json_object_get(kept, "generated_at"))) <= max_age_s) {
            json_object_set_new(kept, "cached", json_true());
            *out = kept;
            return TL_OK;
        }
        json_decref(kept);   /* stale or unreadable: built anew below */
    }
    json_t *report = NULL;
    if ((rc = tl_store_read_begin(st, err)))
        return rc;
    rc = tl_bias_report(st, min_group, &report, err);
    tl_store_read_end(st);
    if (rc)
        return rc;
    char *text = json_dumps(report, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (!text) {
        json_decref(report);
        return tl_err_set(err, TL_ENOMEM, "out of memory keeping the bias report");
    }
    rc = tl_store_meta_put(st, key, text, strlen(text), err);
    free(text);
    if (rc) {
        json_decref(report);
        return rc;
    }
    json_object_set_new(report, "cached", json_false());
    *out = report;
    return TL_OK;
}
