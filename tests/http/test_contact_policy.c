/* test_contact_policy.c — the contact policy over real loopback connections
 * on the prototype's seed data: reading and changing it (every bad body a
 * 400 that names the field, nothing stored), its audit entries, and each
 * rule taking effect on the next recommendation after the events that
 * trigger it: fatigue and a click that lifts it, a channel's cap, a
 * complaint, and the policy switched off again; a customer's own opt-out of
 * a channel. */
#include "testutil.h"
#include "httptest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef tu_served fixture;

static json_t *call(fixture *f, const char *method, const char *path, const char *body,
                    long status)
{
    return tu_http_expect(&f->http, method, path, body, status);
}

/* The id of the n-th customer of the list. */
static char *customer(fixture *f, size_t n)
{
    json_t *j = call(f, "GET", "/api/v1/customers?limit=10", NULL, 200);
    const char *id = json_string_value(
        json_object_get(json_array_get(json_object_get(j, "items"), n), "customer_id"));
    assert_non_null(id);
    char *out = strdup(id);
    json_decref(j);
    return out;
}

static json_t *recommend(fixture *f, const char *id, const char *channel)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations?explain=true&k=5%s%s", id,
             channel ? "&channel=" : "", channel ? channel : "");
    return call(f, "GET", path, NULL, 200);
}

static void post_event(fixture *f, const char *id, const char *kind, const char *product,
                       const char *channel)
{
    char path[256], body[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/events", id);
    snprintf(body, sizeof body, "{\"kind\":\"%s\",\"product_id\":%s%s%s,\"channel\":\"%s\"}",
             kind, product ? "\"" : "", product ? product : "null", product ? "\"" : "", channel);
    json_decref(call(f, "POST", path, body, 201));
}

/* The code that excluded `product` in an explained answer, or NULL. */
static const char *excluded_code(json_t *rec, const char *product)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(rec, "excluded"), i, x)
        if (strcmp(json_string_value(json_object_get(x, "product_id")), product) == 0)
            return json_string_value(json_object_get(x, "code"));
    return NULL;
}

static int recommended(json_t *rec, const char *product)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(rec, "recommendations"), i, x)
        if (strcmp(json_string_value(json_object_get(x, "product_id")), product) == 0)
            return 1;
    return 0;
}

static size_t audit_count(fixture *f, const char *kind)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/audit?kind=%s", kind);
    json_t *j = call(f, "GET", path, NULL, 200);
    size_t n = (size_t)json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

static void test_policy_routes(void **state)
{
    fixture *f = *state;
    json_t *j = call(f, "GET", "/api/v1/contact-policy", NULL, 200);
    assert_true(json_equal(json_object_get(j, "policy"), json_object_get(j, "default")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "policy"),
                                                        "dismissal_days")), 180);
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_object_get(
                            j, "policy"), "staff_channels"), 0)), "dashboard");
    json_decref(j);
    static const struct {
        const char *body, *says;
    } bad[] = {
        {"{", "body:"},
        {"[]", "must be a JSON object"},
        {"{\"cooloff\":3}", "unknown field \"cooloff\""},
        {"{\"complaint_days\":-4}", "\"complaint_days\" is -4"},
        {"{\"fatigue\":{\"showings\":2}}", "\"fatigue.days\" is missing"},
        {"{\"caps\":[{\"channel\":\"dashboard\",\"offers\":2,\"days\":7}]}",
         "\"dashboard\" is a staff channel"},
        {"{\"staff_channels\":[\"branch office\"]}", "staff_channels[0] is \"branch office\""},
        {"{\"caps\":[{\"channel\":\"sms\",\"offers\":2,\"days\":7},{\"channel\":\"app\","
         "\"offers\":\"2\",\"days\":7}]}",
         "\"caps[1].offers\" is \"2\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = call(f, "PUT", "/api/v1/contact-policy", bad[i].body, 400);
        if (!tu_error_message(j) || !strstr(tu_error_message(j), bad[i].says))
            fail_msg("%s: %s", bad[i].body, tu_error_message(j));
        json_decref(j);
    }
    assert_int_equal(audit_count(f, "contact_policy"), 0);

    const char *doc = "{\"fatigue\":{\"showings\":2,\"days\":30},\"caps\":[{\"channel\":"
                      "\"mobile\",\"offers\":3,\"days\":7}]}";
    j = call(f, "PUT", "/api/v1/contact-policy", doc, 200);
    assert_true(json_is_true(json_object_get(j, "changed")));
    json_t *policy = json_object_get(j, "policy");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(policy, "fatigue"),
                                                        "showings")), 2);
    assert_int_equal(json_integer_value(json_object_get(policy, "complaint_days")), 90);
    json_decref(j);
    j = call(f, "PUT", "/api/v1/contact-policy", doc, 200);   /* the same again */
    assert_true(json_is_false(json_object_get(j, "changed")));
    json_decref(j);
    assert_int_equal(audit_count(f, "contact_policy"), 1);

    j = call(f, "GET", "/api/v1/audit?kind=contact_policy", NULL, 200);
    json_t *entry = json_object_get(json_array_get(json_object_get(j, "entries"), 0), "doc");
    assert_true(json_is_null(json_object_get(json_object_get(entry, "before"), "fatigue")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(
                         json_object_get(entry, "after"), "fatigue"), "days")), 30);
    assert_string_equal(json_string_value(json_object_get(entry, "route")),
                        "/api/v1/contact-policy");
    json_decref(j);
    j = call(f, "GET", "/api/v1/contact-policy", NULL, 200);
    assert_false(json_equal(json_object_get(j, "policy"), json_object_get(j, "default")));
    json_decref(j);
}

static void test_rules_take_effect(void **state)
{
    fixture *f = *state;
    json_decref(call(f, "PUT", "/api/v1/contact-policy",
                     "{\"fatigue\":{\"showings\":2,\"days\":30},\"caps\":[{\"channel\":"
                     "\"mobile\",\"offers\":3,\"days\":7}]}",
                     200));
    char *x = customer(f, 0), *y = customer(f, 1);

    /* Fatigue: the top offer shown twice on the web is rested... */
    json_t *r = recommend(f, x, NULL);
    json_t *top = json_array_get(json_object_get(r, "recommendations"), 0);
    assert_non_null(top);
    char *p = strdup(json_string_value(json_object_get(top, "product_id")));
    assert_true(json_is_null(json_object_get(r, "suppressed")));
    json_decref(r);
    post_event(f, x, "shown", p, "web");
    /* What the dashboard showed a relationship manager is not a contact. */
    post_event(f, x, "shown", p, "dashboard");
    post_event(f, x, "shown", p, "dashboard");
    r = recommend(f, x, NULL);
    assert_true(recommended(r, p));   /* once is not enough; staff views do not count */
    json_decref(r);
    post_event(f, x, "shown", p, "web");
    r = recommend(f, x, NULL);
    assert_false(recommended(r, p));
    assert_string_equal(excluded_code(r, p), "fatigue");
    json_decref(r);
    /* ... and a click lifts it. */
    post_event(f, x, "clicked", p, "web");
    r = recommend(f, x, NULL);
    assert_true(recommended(r, p));
    json_decref(r);

    /* The cap: two showings on the web and three on mobile. Requests for
     * mobile get nothing, with the reason; other channels and requests
     * that name none are not capped. */
    json_t *all = call(f, "GET", "/api/v1/products", NULL, 200);
    json_t *items = json_is_array(all) ? all : json_object_get(all, "items");
    for (size_t i = 0; i < 3; i++)
        post_event(f, x, "shown",
                   json_string_value(json_object_get(json_array_get(items, i + 5), "id")),
                   "mobile");
    json_decref(all);
    r = recommend(f, x, "mobile");
    assert_int_equal(json_array_size(json_object_get(r, "recommendations")), 0);
    json_t *sup = json_object_get(r, "suppressed");
    assert_string_equal(json_string_value(json_object_get(sup, "code")), "contact_cap");
    assert_non_null(strstr(json_string_value(json_object_get(sup, "reason")), "on mobile"));
    assert_non_null(json_string_value(json_object_get(sup, "until")));
    json_decref(r);
    r = recommend(f, x, "email");
    assert_true(json_array_size(json_object_get(r, "recommendations")) > 0);
    json_decref(r);
    json_t *bad = call(f, "GET", "/api/v1/customers/x/recommendations?channel=a%20b", NULL, 400);
    assert_non_null(strstr(tu_error_message(bad), "channel"));
    json_decref(bad);

    /* A complaint: nothing for y on any route, and the audit says why once. */
    bad = call(f, "POST", "/api/v1/customers/x/events", "{\"kind\":\"complaint\"}", 400);
    assert_non_null(strstr(tu_error_message(bad), "complained"));
    json_decref(bad);
    post_event(f, y, "complained", NULL, "branch");
    r = recommend(f, y, NULL);
    assert_int_equal(json_array_size(json_object_get(r, "recommendations")), 0);
    sup = json_object_get(r, "suppressed");
    assert_string_equal(json_string_value(json_object_get(sup, "code")), "complaint");
    json_decref(r);
    char path[256];
    snprintf(path, sizeof path, "/product_recommendations/%s", y);
    r = call(f, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(r, "recommended")), 0);
    assert_non_null(json_object_get(r, "profile"));   /* the prototype's shape is kept */
    json_decref(r);
    snprintf(path, sizeof path, "/api/v1/audit?customer=%s&kind=recommendation&limit=1", y);
    r = call(f, "GET", path, NULL, 200);
    json_t *doc = json_object_get(json_array_get(json_object_get(r, "entries"), 0), "doc");
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "suppressed"),
                                                          "code")), "complaint");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "excluded"), i, e)
        assert_string_not_equal(json_string_value(json_object_get(e, "rule")), "complaint");
    json_decref(r);

    /* /metrics counted the answers held back: y's twice, x's on mobile once. */
    char *metrics = NULL;
    assert_int_equal(tu_http_text(&f->http, "/metrics", &metrics), 200);
    assert_non_null(
        strstr(metrics, "tailor_recommendations_suppressed_total{rule=\"complaint\"} 2\n"));
    assert_non_null(strstr(metrics,
                           "tailor_recommendations_suppressed_total{rule=\"contact_cap\"} 1\n"));
    free(metrics);

    /* Switched off, the complaint and the cap hold nothing back. */
    json_decref(call(f, "PUT", "/api/v1/contact-policy", "{\"complaint_days\":0,\"caps\":[]}",
                     200));
    r = recommend(f, y, NULL);
    assert_true(json_is_null(json_object_get(r, "suppressed")));
    assert_true(json_array_size(json_object_get(r, "recommendations")) > 0);
    json_decref(r);
    r = recommend(f, x, "mobile");
    assert_true(json_array_size(json_object_get(r, "recommendations")) > 0);
    json_decref(r);
    free(p);
    free(x);
    free(y);
}

/* A customer's own opt-outs: set and read, refused bodies change nothing,
 * each change audited once; a request on an opted-out channel gets no
 * offers and says why, other channels and none are unaffected; /metrics
 * counts it; erasure removes the opt-outs. */
static void test_customer_optouts(void **state)
{
    fixture *f = *state;
    char *x = customer(f, 4);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/contact-optouts", x);
    json_t *j = call(f, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(j, "opted_out")), 0);
    json_decref(j);
    static const struct {
        const char *body, *says;
    } bad[] = {
        {"[\"email\"]", "send {\"opted_out\": [channel names]}"},
        {"{\"opted_out\":\"email\"}", "send {\"opted_out\""},
        {"{\"opted_out\":[\"email\"],\"x\":1}", "send {\"opted_out\""},
        {"{\"opted_out\":[\"email\",\"e mail\"]}", "opted_out[1]: must be a channel (1 to 32"},
        {"{\"opted_out\":[\"sms\",\"sms\"]}", "opted_out[1]: \"sms\" is listed twice"},
        {"{\"opted_out\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}", "at most 16"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = call(f, "PUT", path, bad[i].body, 400);
        if (!tu_error_message(j) || !strstr(tu_error_message(j), bad[i].says))
            fail_msg("%s: %s", bad[i].body, tu_error_message(j));
        json_decref(j);
    }
    json_decref(call(f, "PUT", "/api/v1/customers/NoSuchOne/contact-optouts",
                     "{\"opted_out\":[\"email\"]}", 404));
    json_decref(call(f, "GET", "/api/v1/customers/NoSuchOne/contact-optouts", NULL, 404));
    assert_int_equal(audit_count(f, "contact_optouts"), 0);

    j = call(f, "PUT", path, "{\"opted_out\":[\"email\",\"sms\"]}", 200);
    assert_true(json_is_true(json_object_get(j, "changed")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(
                            json_object_get(j, "opted_out"), 0), "channel")), "email");
    json_decref(j);
    j = call(f, "PUT", path, "{\"opted_out\":[\"sms\",\"email\"]}", 200);   /* the same */
    assert_true(json_is_false(json_object_get(j, "changed")));
    json_decref(j);
    assert_int_equal(audit_count(f, "contact_optouts"), 1);

    json_t *r = recommend(f, x, "email");
    assert_int_equal(json_array_size(json_object_get(r, "recommendations")), 0);
    json_t *sup = json_object_get(r, "suppressed");
    assert_string_equal(json_string_value(json_object_get(sup, "code")), "opted_out");
    assert_non_null(strstr(json_string_value(json_object_get(sup, "reason")),
                           "opted out of offers on email"));
    assert_true(json_is_null(json_object_get(sup, "until")));
    json_decref(r);
    r = recommend(f, x, "mobile");
    assert_true(json_array_size(json_object_get(r, "recommendations")) > 0);
    json_decref(r);
    r = recommend(f, x, NULL);
    assert_true(json_array_size(json_object_get(r, "recommendations")) > 0);
    json_decref(r);
    char *metrics = NULL;
    assert_int_equal(tu_http_text(&f->http, "/metrics", &metrics), 200);
    assert_non_null(strstr(metrics, "tailor_recommendations_suppressed_total{rule=\"opted_out\"} 1"));
    free(metrics);

    /* Opting back in on sms leaves email, audited again. */
    j = call(f, "PUT", path, "{\"opted_out\":[\"email\"]}", 200);
    assert_int_equal(json_array_size(json_object_get(j, "opted_out")), 1);
    json_decref(j);
    assert_int_equal(audit_count(f, "contact_optouts"), 2);

    /* "*": no offers on any channel named, the channel's own opt-out said
     * first; requests naming none (staff screens) are unaffected. */
    json_decref(call(f, "PUT", path, "{\"opted_out\":[\"*\",\"email\"]}", 200));
    r = recommend(f, x, "mobile");
    assert_int_equal(json_array_size(json_object_get(r, "recommendations")), 0);
    sup = json_object_get(r, "suppressed");
    assert_string_equal(json_string_value(json_object_get(sup, "code")), "opted_out");
    assert_non_null(strstr(json_string_value(json_object_get(sup, "reason")),
                           "opted out of offers on every channel on "));
    json_decref(r);
    r = recommend(f, x, "email");
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r, "suppressed"),
                                                             "reason")),
                           "opted out of offers on email on "));
    json_decref(r);
    r = recommend(f, x, NULL);
    assert_true(json_array_size(json_object_get(r, "recommendations")) > 0);
    json_decref(r);
    j = call(f, "PUT", path, "{\"opted_out\":[\"**\"]}", 400);
    assert_non_null(strstr(tu_error_message(j), "or * for every channel"));
    json_decref(j);
    json_decref(call(f, "PUT", path, "{\"opted_out\":[\"email\"]}", 200));

    /* Erasure removes what is left. */
    json_decref(call(f, "PUT", path, "{\"opted_out\":[\"email\",\"web\"]}", 200));
    snprintf(path, sizeof path, "/api/v1/customers/%s", x);
    j = call(f, "DELETE", path, NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "rows"),
                                                        "contact_optouts")), 2);
    json_decref(j);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_routes),
        cmocka_unit_test(test_rules_take_effect),
        cmocka_unit_test(test_customer_optouts),
    };
    return cmocka_run_group_tests(tests, tu_served_setup, tu_served_teardown);
}
