/* test_rollouts.c — the rollout routes over real loopback connections, on
 * the prototype's seed data: starting (and every bad body), each customer's
 * recommendations following their arm while the prototype's shape stays
 * as it was, the report counting the events posted here per arm, the audit
 * entries, and stopping. */
#include "testutil.h"
#include "httptest.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/rollout.h"

typedef tu_served fixture;

static json_t *call(fixture *f, const char *method, const char *path, const char *body,
                    long status)
{
    return tu_http_expect(&f->http, method, path, body, status);
}


static void test_bad_starts(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *body, *says;
    } bad[] = {
        {"{", "body:"},
        {"[]", "JSON object"},
        {"{\"share\": 0.5}", "\"name\""},
        {"{\"name\": \"p\"}", "\"share\""},
        {"{\"name\": \"p\", \"share\": \"half\"}", "\"share\""},
        {"{\"name\": \"p\", \"share\": 1}", "above 0 and below 1"},
        {"{\"name\": \"p\", \"share\": 0}", "above 0 and below 1"},
        {"{\"name\": \"a b\", \"share\": 0.5}", "rollout name"},
        {"{\"name\": \"p\", \"share\": 0.5, \"salt\": 5}", "\"salt\""},
        {"{\"name\": \"p\", \"share\": 0.5, \"salt\": \"x/y\"}", "rollout salt"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *j = call(f, "POST", "/api/v1/rollouts", bad[i].body, 400);
        if (!tu_error_message(j) || !strstr(tu_error_message(j), bad[i].says))
            fail_msg("%s: %s", bad[i].body, tu_error_message(j));
        json_decref(j);
    }
    json_t *j = call(f, "POST", "/api/v1/rollouts/stop", NULL, 404);
    assert_non_null(strstr(tu_error_message(j), "no rollout is running"));
    json_decref(j);
    j = call(f, "GET", "/api/v1/rollouts/nope/report", NULL, 404);
    json_decref(j);
    j = call(f, "GET", "/api/v1/rollouts", NULL, 200);
    assert_true(json_is_null(json_object_get(j, "running")));
    assert_int_equal(json_array_size(json_object_get(j, "rollouts")), 0);
    json_decref(j);
}

static void test_rollout_end_to_end(void **state)
{
    fixture *f = *state;
    json_t *j = call(f, "POST", "/api/v1/rollouts",
                     "{\"name\": \"pilot\", \"share\": 0.5, \"salt\": \"http-test\"}", 201);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "pilot");
    assert_true(json_is_true(json_object_get(j, "running")));
    json_decref(j);
    j = call(f, "POST", "/api/v1/rollouts", "{\"name\": \"other\", \"share\": 0.2}", 409);
    assert_non_null(strstr(tu_error_message(j), "'pilot' is running"));
    json_decref(j);
    j = call(f, "GET", "/api/v1/rollouts", NULL, 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "running"), "name")),
                        "pilot");
    json_decref(j);

    tl_rollout ro = {.share = 0.5};
    snprintf(ro.salt, sizeof ro.salt, "http-test");
    json_t *all = call(f, "GET", "/api/v1/customers?limit=200", NULL, 200);
    json_t *list = json_object_get(all, "items");
    assert_true(json_array_size(list) >= 50);
    long long customers[2] = {0, 0}, converted[2] = {0, 0}, shown[2] = {0, 0};
    long long served[2] = {0, 0};   /* recommendations answered per arm */
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        const char *id = json_string_value(json_object_get(c, "customer_id"));
        int a = tl_rollout_arm(&ro, id) == TL_ARM_TREATMENT ? 0 : 1;
        char path[256];
        snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations", id);
        json_t *rec = call(f, "GET", path, NULL, 200);
        served[a]++;
        json_t *rr = json_object_get(rec, "rollout");
        assert_string_equal(json_string_value(json_object_get(rr, "name")), "pilot");
        assert_string_equal(json_string_value(json_object_get(rr, "arm")),
                            a == 0 ? "treatment" : "control");
        /* Show every offer; every third customer of an arm accepts the first. */
        json_t *recs = json_object_get(rec, "recommendations");
        snprintf(path, sizeof path, "/api/v1/customers/%s/events", id);
        for (size_t k = 0; k < json_array_size(recs); k++) {
            char body[256];
            snprintf(body, sizeof body, "{\"kind\": \"shown\", \"product_id\": \"%s\"}",
                     json_string_value(json_object_get(json_array_get(recs, k), "product_id")));
            json_decref(call(f, "POST", path, body, 201));
            shown[a]++;
        }
        if (json_array_size(recs)) {
            if (customers[a] % 3 == 0) {
                char body[256];
                snprintf(body, sizeof body, "{\"kind\": \"accepted\", \"product_id\": \"%s\"}",
                         json_string_value(json_object_get(json_array_get(recs, 0),
                                                           "product_id")));
                json_decref(call(f, "POST", path, body, 201));
                converted[a]++;
            }
            customers[a]++;
        }
        json_decref(rec);
        /* The prototype's shape is served unchanged under a rollout. */
        if (i < 3) {
            snprintf(path, sizeof path, "/product_recommendations/%s", id);
            json_t *p = call(f, "GET", path, NULL, 200);
            served[a]++;
            assert_null(json_object_get(p, "rollout"));
            assert_non_null(json_object_get(p, "recommended"));
            json_decref(p);
        }
    }
    json_decref(all);
    assert_true(customers[0] > 5 && customers[1] > 5);

    json_t *rep = call(f, "GET", "/api/v1/rollouts/pilot/report", NULL, 200);
    json_t *arms = json_object_get(rep, "arms");
    for (int a = 0; a < 2; a++) {
        json_t *arm = json_object_get(arms, a == 0 ? "treatment" : "control");
        assert_int_equal(json_integer_value(json_object_get(arm, "customers")), customers[a]);
        assert_int_equal(json_integer_value(json_object_get(arm, "converted")), converted[a]);
        assert_int_equal(json_integer_value(json_object_get(arm, "shown")), shown[a]);
        assert_int_equal(json_array_size(json_object_get(arm, "conversion_ci")), 2);
    }
    assert_non_null(json_string_value(json_object_get(json_object_get(rep, "lift"), "verdict")));
    assert_true(json_array_size(json_object_get(rep, "daily")) >= 1);
    json_decref(rep);

    /* Audited: the start, and each served recommendation's arm. */
    j = call(f, "GET", "/api/v1/audit?kind=rollout", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    json_t *doc = json_object_get(json_array_get(json_object_get(j, "entries"), 0), "doc");
    assert_string_equal(json_string_value(json_object_get(doc, "action")), "start");
    assert_string_equal(json_string_value(json_object_get(doc, "route")), "/api/v1/rollouts");
    json_decref(j);
    j = call(f, "GET", "/api/v1/audit?kind=recommendation&limit=1", NULL, 200);
    doc = json_object_get(json_array_get(json_object_get(j, "entries"), 0), "doc");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "rollout"), "name")), "pilot");
    json_decref(j);

    j = call(f, "POST", "/api/v1/rollouts/stop", NULL, 200);
    assert_false(json_is_true(json_object_get(j, "running")));
    assert_true(json_is_string(json_object_get(j, "ended_at")));
    json_decref(j);
    j = call(f, "GET", "/api/v1/customers?limit=1", NULL, 200);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations",
             json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0),
                                               "customer_id")));
    json_decref(j);
    j = call(f, "GET", path, NULL, 200);
    assert_null(json_object_get(j, "rollout"));
    json_decref(j);
    /* /metrics counts what was served per arm. */
    char *text = NULL;
    long status = tu_http_text(&f->http, "/metrics", &text);
    assert_int_equal(status, 200);
    char want[128];
    snprintf(want, sizeof want, "tailor_recommendations_served_total{arm=\"treatment\"} %lld\n",
             served[0]);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof want, "tailor_recommendations_served_total{arm=\"control\"} %lld\n",
             served[1]);
    assert_non_null(strstr(text, want));
    assert_non_null(strstr(text, "tailor_recommendations_served_total{arm=\"none\"} 1\n"));
    free(text);
    j = call(f, "GET", "/api/v1/audit?kind=rollout", NULL, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
    json_decref(j);
}

static json_t *report(fixture *f, const char *name, bool refresh, bool cached)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rollouts/%s/report%s", name,
             refresh ? "?refresh=true" : "");
    json_t *rep = call(f, "GET", path, NULL, 200);
    if (json_is_true(json_object_get(rep, "cached")) != cached)
        fail_msg("%s: cached is %s", path, cached ? "false" : "not false");
    assert_true(json_is_string(json_object_get(rep, "generated_at")));
    return rep;
}

/* Showings in the window, both arms. */
static long long arm_shown(json_t *rep)
{
    json_t *arms = json_object_get(rep, "arms");
    return json_integer_value(json_object_get(json_object_get(arms, "treatment"), "shown")) +
           json_integer_value(json_object_get(json_object_get(arms, "control"), "shown"));
}

static void post_shown(fixture *f, const char *customer_id)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/events", customer_id);
    json_decref(call(f, "POST", path, "{\"kind\": \"shown\"}", 201));
}

/* A report is served again while nothing it counts has changed: any event
 * on its window's days, its rollout stopping, or refresh=true builds it
 * anew, and the figures are always those of a report built now. */
static void test_report_kept_while_unchanged(void **state)
{
    fixture *f = *state;
    json_t *list = call(f, "GET", "/api/v1/customers?limit=60", NULL, 200);
    json_t *items = json_object_get(list, "items");
    assert_true(json_array_size(items) >= 3);

    /* The stopped pilot: built, then kept, with the same figures. */
    json_t *first = report(f, "pilot", true, false);
    json_t *again = report(f, "pilot", false, true);
    assert_true(json_equal(json_object_get(first, "arms"), json_object_get(again, "arms")));
    assert_true(json_equal(json_object_get(first, "daily"), json_object_get(again, "daily")));
    json_decref(again);
    /* An event today, on the window's last day (after its end: the figures
     * stay), is a change to look at. */
    post_shown(f, json_string_value(json_object_get(json_array_get(items, 0), "customer_id")));
    again = report(f, "pilot", false, false);
    assert_true(json_equal(json_object_get(first, "arms"), json_object_get(again, "arms")));
    json_decref(again);
    json_decref(report(f, "pilot", false, true));
    json_decref(first);

    /* A running rollout: each showing is counted at the next view. (Its
     * window starts at the second it started, which may hold the showings
     * above: counted from what the first report says.) */
    json_decref(call(f, "POST", "/api/v1/rollouts", "{\"name\": \"pilot-2\", \"share\": 0.5}",
                     201));
    first = report(f, "pilot-2", false, false);
    long long before = arm_shown(first);
    json_decref(report(f, "pilot-2", false, true));
    for (size_t i = 0; i < 2; i++) {
        post_shown(f, json_string_value(json_object_get(json_array_get(items, i + 1),
                                                        "customer_id")));
        json_t *now = report(f, "pilot-2", false, false);
        assert_int_equal(arm_shown(now), before + (long long)i + 1);
        json_decref(now);
    }
    json_decref(first);
    /* Stopped: built anew for its window, whatever was kept (what it
     * counts then depends on the second it stopped in). */
    json_decref(report(f, "pilot-2", false, true));
    json_decref(call(f, "POST", "/api/v1/rollouts/stop", NULL, 200));
    json_t *stopped = report(f, "pilot-2", false, false);
    assert_true(json_is_string(json_object_get(json_object_get(stopped, "rollout"), "ended_at")));
    json_decref(stopped);
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_starts),
        cmocka_unit_test(test_rollout_end_to_end),
        cmocka_unit_test(test_report_kept_while_unchanged),
    };
    return cmocka_run_group_tests(tests, tu_served_setup, tu_served_teardown);
}
