/* test_reports.c — what the dashboard reads beyond the original API, over
 * real loopback connections on the seed data: the overview report, the
 * activity (account status) segment of the customer list, the sentiment
 * of each post in the customer 360, and the product match's text limit. */
#include "testutil.h"
#include "httptest.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/server.h"
#include "text/sentiment.h"

typedef tu_served fixture;

/* Performs one request and returns the parsed JSON body (caller decrefs);
 * *status gets the HTTP status. */
static json_t *call(fixture *f, const char *method, const char *path, const char *body,
                    long *status)
{
    json_t *j;
    *status = tu_http_call(&f->http, method, path, body, &j);
    if (!j)
        fail_msg("%s %s: empty body", method, path);
    return j;
}

static json_t *get_ok(fixture *f, const char *path)
{
    return tu_http_get_ok(&f->http, path);
}

static long long int_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return (long long)json_integer_value(v);
}

/* Posts an event on `channel` (NULL: none named). */
static void post_event_on(fixture *f, const char *customer, const char *kind,
                          const char *product, const char *key, const char *channel)
{
    char path[256], body[512], on[64] = "";
    snprintf(path, sizeof path, "/api/v1/customers/%s/events", customer);
    if (channel)
        snprintf(on, sizeof on, "\"channel\":\"%s\",", channel);
    snprintf(body, sizeof body,
             "{\"kind\":\"%s\",\"product_id\":\"%s\",%s\"idempotency_key\":\"%s\"}", kind,
             product, on, key);
    long st;
    json_t *j = call(f, "POST", path, body, &st);
    if (st != 200 && st != 201)
        fail_msg("POST %s %s: %ld", path, body, st);
    json_decref(j);
}

static void post_event(fixture *f, const char *customer, const char *kind, const char *product,
                       const char *key)
{
    post_event_on(f, customer, kind, product, key, "test");
}

/* The "offers" figures of a product's insights (new reference). */
static json_t *offers_of(fixture *f, const char *product)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/products/%s/insights", product);
    json_t *j = get_ok(f, path);
    json_t *o = json_incref(json_object_get(j, "offers"));
    json_decref(j);
    if (!json_is_object(o))
        fail_msg("%s: no offers object", path);
    return o;
}

static void test_overview(void **state)
{
    fixture *f = *state;
    json_t *customers = get_ok(f, "/api/v1/customers?limit=2");
    json_t *products = get_ok(f, "/api/v1/products");
    json_t *before = get_ok(f, "/api/v1/reports/overview");
    assert_int_equal(int_at(before, "customers"), int_at(customers, "total"));
    assert_int_equal(int_at(before, "products"), int_at(products, "total"));
    assert_true(int_at(before, "holdings") > 0);
    assert_int_equal(int_at(before, "days"), 90);
    json_t *ev0 = json_object_get(before, "events");

    /* Feedback through the API moves the figures: three offers shown, one
     * accepted, one dismissed; a repeated idempotency key counts once. */
    json_t *item = json_array_get(json_object_get(customers, "items"), 0);
    const char *cid = json_string_value(json_object_get(item, "customer_id"));
    json_t *p0 = json_array_get(json_object_get(products, "items"), 0);
    json_t *p1 = json_array_get(json_object_get(products, "items"), 1);
    const char *a = json_string_value(json_object_get(p0, "product_id"));
    const char *b = json_string_value(json_object_get(p1, "product_id"));
    json_t *ia0 = offers_of(f, a), *ib0 = offers_of(f, b);
    post_event(f, cid, "shown", a, "r-shown-1");
    post_event(f, cid, "shown", b, "r-shown-2");
    post_event(f, cid, "shown", b, "r-shown-3");
    post_event(f, cid, "shown", b, "r-shown-3");
    post_event(f, cid, "accepted", a, "r-acc-1");
    post_event(f, cid, "dismissed", b, "r-dis-1");
    /* A complaint about a product, by another customer (it holds back
     * their offers, which the other tests here do not read). */
    const char *other = json_string_value(
        json_object_get(json_array_get(json_object_get(customers, "items"), 1), "customer_id"));
    post_event(f, other ? other : cid, "complained", a, "r-complaint-1");

    json_t *after = get_ok(f, "/api/v1/reports/overview?days=7");
    json_t *ev1 = json_object_get(after, "events");
    long long shown = int_at(ev1, "shown"), accepted = int_at(ev1, "accepted");
    assert_int_equal(shown - int_at(ev0, "shown"), 3);
    assert_int_equal(accepted - int_at(ev0, "accepted"), 1);
    assert_int_equal(int_at(ev1, "dismissed") - int_at(ev0, "dismissed"), 1);
    assert_int_equal(int_at(ev1, "complained") - int_at(ev0, "complained"), 1);
    assert_int_equal(int_at(after, "recommendations_served"), shown);
    assert_true(fabs(json_real_value(json_object_get(after, "acceptance_rate")) -
                     (double)accepted / (double)shown) < 1e-9);
    /* Each product's insights count its own events. */
    json_t *ia1 = offers_of(f, a), *ib1 = offers_of(f, b);
    assert_int_equal(int_at(ia1, "shown") - int_at(ia0, "shown"), 1);
    assert_int_equal(int_at(ia1, "accepted") - int_at(ia0, "accepted"), 1);
    assert_int_equal(int_at(ia1, "dismissed") - int_at(ia0, "dismissed"), 0);
    assert_int_equal(int_at(ib1, "shown") - int_at(ib0, "shown"), 2);
    assert_int_equal(int_at(ib1, "accepted") - int_at(ib0, "accepted"), 0);
    assert_int_equal(int_at(ib1, "dismissed") - int_at(ib0, "dismissed"), 1);
    json_decref(ia0);
    json_decref(ib0);
    json_decref(ia1);
    json_decref(ib1);
    /* The accepted offer became a holding. */
    assert_int_equal(int_at(after, "holdings") - int_at(before, "holdings"), 1);

    /* Today is the last day of the series, with today's events. */
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    json_t *days = json_object_get(after, "by_day");
    assert_true(json_array_size(days) >= 1);
    json_t *last = json_array_get(days, json_array_size(days) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "day")), today);
    assert_true(int_at(last, "shown") >= 3);
    double rate = json_real_value(json_object_get(last, "acceptance_rate"));
    assert_true(fabs(rate - (double)int_at(last, "accepted") / (double)int_at(last, "shown")) < 1e-9);

    long st;
    json_t *bad = call(f, "GET", "/api/v1/reports/overview?days=0", NULL, &st);
    assert_int_equal(st, 400);
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(bad, "error"), "message")), "days"));
    json_decref(bad);
    bad = call(f, "GET", "/api/v1/reports/overview?days=x", NULL, &st);
    assert_int_equal(st, 400);
    json_decref(bad);
    json_decref(customers);
    json_decref(products);
    json_decref(before);
    json_decref(after);
}

/* The overview's entry for `channel` (NULL: events naming none); fails
 * when missing. Borrowed from the report. */
static json_t *channel_entry(json_t *report, const char *channel)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(report, "by_channel"), i, c) {
        json_t *name = json_object_get(c, "channel");
        if (channel ? json_is_string(name) && strcmp(json_string_value(name), channel) == 0
                    : json_is_null(name))
            return c;
    }
    fail_msg("no by_channel entry for %s", channel ? channel : "(none)");
    return NULL;
}

/* Feedback per channel, staff screens marked as the contact policy says,
 * adding up to the totals. */
static void test_overview_by_channel(void **state)
{
    fixture *f = *state;
    json_t *customers = get_ok(f, "/api/v1/customers?limit=1");
    json_t *products = get_ok(f, "/api/v1/products");
    const char *cid = json_string_value(
        json_object_get(json_array_get(json_object_get(customers, "items"), 0), "customer_id"));
    const char *a = json_string_value(
        json_object_get(json_array_get(json_object_get(products, "items"), 2), "product_id"));
    const char *b = json_string_value(
        json_object_get(json_array_get(json_object_get(products, "items"), 3), "product_id"));
    json_t *offers_a0 = offers_of(f, a);
    post_event_on(f, cid, "shown", a, "c-dash-1", "dashboard");
    post_event_on(f, cid, "shown", b, "c-dash-2", "dashboard");
    post_event_on(f, cid, "accepted", a, "c-dash-3", "dashboard");
    post_event_on(f, cid, "shown", a, "c-mail-1", "email");
    post_event_on(f, cid, "clicked", a, "c-mail-2", "email");
    post_event_on(f, cid, "shown", b, "c-none-1", NULL);

    /* The product's insights tell its staff showings apart too. */
    json_t *offers_a1 = offers_of(f, a);
    assert_int_equal(int_at(offers_a1, "shown") - int_at(offers_a0, "shown"), 2);
    assert_int_equal(int_at(offers_a1, "staff_shown") - int_at(offers_a0, "staff_shown"), 1);
    json_decref(offers_a0);
    json_decref(offers_a1);

    json_t *r = get_ok(f, "/api/v1/reports/overview");
    json_t *dash = channel_entry(r, "dashboard"), *mail = channel_entry(r, "email");
    assert_true(json_is_true(json_object_get(dash, "staff")));
    assert_true(json_is_false(json_object_get(mail, "staff")));
    assert_true(json_is_false(json_object_get(channel_entry(r, NULL), "staff")));
    assert_true(int_at(dash, "shown") >= 2);
    assert_true(int_at(mail, "clicked") >= 1);
    assert_true(fabs(json_real_value(json_object_get(dash, "acceptance_rate")) -
                     (double)int_at(dash, "accepted") / (double)int_at(dash, "shown")) < 1e-9);
    /* The channels add up to the totals; staff_shown is the staff ones'. */
    long long sums[5] = {0}, staff = 0;
    static const char *const kinds[5] = {"shown", "clicked", "accepted", "dismissed",
                                         "complained"};
    size_t i;
    json_t *c, *prev = NULL;
    json_array_foreach(json_object_get(r, "by_channel"), i, c) {
        for (int k = 0; k < 5; k++)
            sums[k] += int_at(c, kinds[k]);
        if (json_is_true(json_object_get(c, "staff")))
            staff += int_at(c, "shown");
        if (prev)   /* most shown first */
            assert_true(int_at(prev, "shown") >= int_at(c, "shown"));
        prev = c;
    }
    json_t *ev = json_object_get(r, "events");
    for (int k = 0; k < 5; k++)
        assert_int_equal(sums[k], int_at(ev, kinds[k]));
    assert_int_equal(int_at(ev, "staff_shown"), staff);
    json_decref(r);

    /* The policy decides which channels are staff screens. */
    long st;
    json_t *put = call(f, "PUT", "/api/v1/contact-policy", "{\"staff_channels\":[\"email\"]}",
                       &st);
    assert_int_equal(st, 200);
    json_decref(put);
    r = get_ok(f, "/api/v1/reports/overview");
    assert_true(json_is_false(json_object_get(channel_entry(r, "dashboard"), "staff")));
    assert_true(json_is_true(json_object_get(channel_entry(r, "email"), "staff")));
    assert_int_equal(int_at(json_object_get(r, "events"), "staff_shown"),
                     int_at(channel_entry(r, "email"), "shown"));
    json_decref(r);
    put = call(f, "PUT", "/api/v1/contact-policy", "{\"staff_channels\":[\"dashboard\"]}", &st);
    assert_int_equal(st, 200);
    json_decref(put);
    json_decref(customers);
    json_decref(products);
}

static void test_activity_filter(void **state)
{
    fixture *f = *state;
    json_t *all = get_ok(f, "/api/v1/customers?limit=1");
    long long total = int_at(all, "total");
    long long sum = 0;
    const char *statuses[] = {"Active", "Dormant"};
    for (size_t i = 0; i < 2; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/customers?account_status=%s&limit=1000", statuses[i]);
        json_t *page = get_ok(f, path);
        long long n = int_at(page, "total");
        assert_true(n > 0 && n < total);
        json_t *items = json_object_get(page, "items");
        assert_int_equal((long long)json_array_size(items), n);
        size_t k;
        json_t *c;
        json_array_foreach(items, k, c)
            assert_string_equal(json_string_value(json_object_get(c, "account_status")), statuses[i]);
        sum += n;
        /* Case does not matter, and it combines with the other segments. */
        snprintf(path, sizeof path, "/api/v1/customers?account_status=%c%s&limit=1",
                 statuses[i][0] + 32, statuses[i] + 1);
        json_t *lower = get_ok(f, path);
        assert_int_equal(int_at(lower, "total"), n);
        json_decref(lower);
        snprintf(path, sizeof path,
                 "/api/v1/customers?account_status=%s&risk_profile=Low&limit=1000", statuses[i]);
        json_t *both = get_ok(f, path);
        assert_true(int_at(both, "total") <= n);
        json_array_foreach(json_object_get(both, "items"), k, c)
            assert_string_equal(json_string_value(json_object_get(c, "risk_profile")), "Low");
        json_decref(both);
        json_decref(page);
    }
    assert_int_equal(sum, total);   /* the seed has these two statuses only */
    json_t *none = get_ok(f, "/api/v1/customers?account_status=Closed");
    assert_int_equal(int_at(none, "total"), 0);
    json_decref(none);
    json_decref(all);
}

static void test_holds_filter(void **state)
{
    fixture *f = *state;
    json_t *products = get_ok(f, "/api/v1/products");
    size_t i, with_holders = 0;
    json_t *p;
    json_array_foreach(json_object_get(products, "items"), i, p) {
        const char *pid = json_string_value(json_object_get(p, "product_id"));
        char path[256];
        snprintf(path, sizeof path, "/api/v1/products/%s/insights", pid);
        json_t *ins = get_ok(f, path);
        long long holders = int_at(json_object_get(ins, "holders"), "n");
        snprintf(path, sizeof path, "/api/v1/customers?holds=%s&limit=1000", pid);
        json_t *list = get_ok(f, path);
        assert_int_equal(int_at(list, "total"), holders);
        /* Each one listed holds it, by its own 360. */
        size_t k;
        json_t *c;
        json_array_foreach(json_object_get(list, "items"), k, c) {
            if (k >= 3)
                break;
            snprintf(path, sizeof path, "/api/v1/customers/%s",
                     json_string_value(json_object_get(c, "customer_id")));
            json_t *full = get_ok(f, path);
            size_t h;
            json_t *hold;
            bool found = false;
            json_array_foreach(json_object_get(full, "holdings"), h, hold)
                found |= strcmp(json_string_value(json_object_get(hold, "product_id")), pid) == 0;
            assert_true(found);
            json_decref(full);
        }
        with_holders += holders > 0;
        json_decref(list);
        json_decref(ins);
    }
    assert_true(with_holders > 0);
    json_t *none = get_ok(f, "/api/v1/customers?holds=no-such-product");
    assert_int_equal(int_at(none, "total"), 0);
    json_decref(none);
    json_decref(products);
}

static void test_post_sentiment(void **state)
{
    fixture *f = *state;
    json_t *c = get_ok(f, "/api/v1/customers/AlisonGaines78");
    json_t *posts = json_object_get(c, "posts");
    assert_true(json_array_size(posts) > 0);
    size_t i;
    json_t *p;
    json_array_foreach(posts, i, p) {
        json_t *s = json_object_get(p, "sentiment");
        assert_true(json_is_object(s));
        double score = json_number_value(json_object_get(s, "score"));
        assert_true(score >= -1 && score <= 1);
        /* The same scorer as the recommender's, on the same text. */
        tl_sentiment want;
        tl_sentiment_score_str(json_string_value(json_object_get(p, "text")), &want);
        assert_string_equal(json_string_value(json_object_get(s, "label")), want.label);
        assert_true(fabs(score - want.score) < 0.01);
        assert_true(json_is_array(json_object_get(s, "aspects")));
    }
    json_decref(c);
}

/* The match route's own limit on its text, under the server's default
 * body cap (1 MiB): 4,096 bytes pass, 4,097 are refused with the reason. */
static void test_match_text_limit(void **state)
{
    fixture *f = *state;
    char *body = malloc(4200);
    assert_non_null(body);
    for (int len = 4096; len <= 4097; len++) {
        memcpy(body, "{\"text\": \"", 10);
        memset(body + 10, 'a', (size_t)len);
        memcpy(body + 10 + len, "\"}", 3);
        long st;
        json_t *j = call(f, "POST", "/api/v1/products/match", body, &st);
        if (len == 4096) {
            assert_int_equal(st, 200);
            assert_int_equal(json_array_size(json_object_get(j, "matches")), 5);
        } else {
            assert_int_equal(st, 400);
            const char *msg =
                json_string_value(json_object_get(json_object_get(j, "error"), "message"));
            assert_non_null(strstr(msg, "at most 4096 bytes"));
        }
        json_decref(j);
    }
    free(body);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overview),
        cmocka_unit_test(test_overview_by_channel),
        cmocka_unit_test(test_activity_filter),
        cmocka_unit_test(test_holds_filter),
        cmocka_unit_test(test_post_sentiment),
        cmocka_unit_test(test_match_text_limit),
    };
    int rc;
    if (!tu_shared_dir()) {
        printf("skipping: ../shared/seed-data not present\n");
        rc = 0;
    } else {
        rc = cmocka_run_group_tests(tests, tu_served_setup, tu_served_teardown);
    }
    curl_global_cleanup();
    return rc;
}
