/* test_consent_bulk.c — POST /api/v1/consent and the consent defaults over
 * real loopback connections, on the prototype's seed data imported into a
 * temporary store: the bulk call is all or nothing and audited per changed
 * customer; a defaults change made by `tailor consent defaults` while the
 * server runs reaches the next request for customers without a record
 * (consent and recommendations alike) and leaves recorded ones alone. */
#include "testutil.h"
#include "httptest.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "http/server.h"

typedef tu_served fixture;

/* Performs the request, expects `status`, returns the reply's JSON. */
static json_t *call(fixture *f, const char *method, const char *path, const char *body,
                    long status)
{
    return tu_http_expect(&f->http, method, path, body, status);
}


/* Asserts the customer's consent as GET /consent reports it. */
static void expect_consent(fixture *f, const char *id, int p, int s, int l, int recorded)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/consent", id);
    json_t *j = call(f, "GET", path, NULL, 200);
    int got[4] = {json_is_true(json_object_get(j, "personalisation")),
                  json_is_true(json_object_get(j, "social_data")),
                  json_is_true(json_object_get(j, "llm")),
                  json_is_true(json_object_get(j, "recorded"))};
    if (got[0] != p || got[1] != s || got[2] != l || got[3] != recorded)
        fail_msg("%s: got %d/%d/%d recorded %d, want %d/%d/%d recorded %d", id, got[0], got[1],
                 got[2], got[3], p, s, l, recorded);
    json_decref(j);
}

static long long audit_total(fixture *f, const char *subject, const char *kind)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/audit?customer=%s&kind=%s", subject, kind);
    json_t *j = call(f, "GET", path, NULL, 200);
    long long n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

static void test_bulk_all_or_nothing(void **state)
{
    fixture *f = *state;
    /* An unknown customer at index 2: 404 naming it, nothing written. */
    json_t *j = call(f, "POST", "/api/v1/consent",
                     "[{\"customer_id\":\"AlisonGaines78\",\"llm\":true},"
                     "{\"customer_id\":\"AmandaCooley47\",\"personalisation\":false},"
                     "{\"customer_id\":\"Nobody\",\"llm\":true}]",
                     404);
    assert_non_null(strstr(tu_error_message(j), "item 2, field customer_id"));
    json_decref(j);
    expect_consent(f, "AlisonGaines78", 1, 1, 0, 0);
    expect_consent(f, "AmandaCooley47", 1, 1, 0, 0);
    assert_int_equal(audit_total(f, "AlisonGaines78", "consent"), 0);

    /* A bad value, a duplicate, an unknown field, not an array: 400. */
    j = call(f, "POST", "/api/v1/consent",
             "[{\"customer_id\":\"AlisonGaines78\",\"llm\":true},"
             "{\"customer_id\":\"AmandaCooley47\",\"social_data\":\"yes\"}]",
             400);
    assert_non_null(strstr(tu_error_message(j), "item 1, field social_data"));
    json_decref(j);
    j = call(f, "POST", "/api/v1/consent",
             "[{\"customer_id\":\"AlisonGaines78\",\"llm\":true},"
             "{\"customer_id\":\"AlisonGaines78\",\"llm\":false}]",
             400);
    assert_non_null(strstr(tu_error_message(j), "item 1, field customer_id"));
    json_decref(j);
    j = call(f, "POST", "/api/v1/consent", "[{\"customer_id\":\"AlisonGaines78\",\"sms\":true}]",
             400);
    json_decref(j);
    json_decref(call(f, "POST", "/api/v1/consent", "{\"customer_id\":\"AlisonGaines78\"}", 400));
    json_decref(call(f, "POST", "/api/v1/consent", "[{\"llm\":true}]", 400));
    expect_consent(f, "AlisonGaines78", 1, 1, 0, 0);

    /* Over the cap: refused before anything is read from the store. */
    tl_buf big;
    tl_buf_init(&big, 1u << 20);
    tl_buf_putc(&big, '[');
    for (int i = 0; i < 10001; i++)
        tl_buf_puts(&big, i ? ",{\"customer_id\":\"x\"}" : "{\"customer_id\":\"x\"}");
    tl_buf_puts(&big, "]");
    tl_buf_putc(&big, '\0');
    j = call(f, "POST", "/api/v1/consent", big.data, 400);
    assert_non_null(strstr(tu_error_message(j), "at most 10000"));
    json_decref(j);
    tl_buf_free(&big);

    /* A good array: written, counted, audited per changed customer. */
    const char *good = "[{\"customer_id\":\"AlisonGaines78\",\"llm\":true},"
                       "{\"customer_id\":\"AmandaCooley47\",\"personalisation\":false,"
                       "\"social_data\":false}]";
    j = call(f, "POST", "/api/v1/consent", good, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "changed")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged")), 0);
    json_decref(j);
    expect_consent(f, "AlisonGaines78", 1, 1, 1, 1);
    expect_consent(f, "AmandaCooley47", 0, 0, 0, 1);
    assert_int_equal(audit_total(f, "AlisonGaines78", "consent"), 1);
    assert_int_equal(audit_total(f, "AmandaCooley47", "consent"), 1);
    /* The same again changes nothing and audits nothing. */
    j = call(f, "POST", "/api/v1/consent", good, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "changed")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "unchanged")), 2);
    json_decref(j);
    assert_int_equal(audit_total(f, "AlisonGaines78", "consent"), 1);
    /* An empty array is a valid no-op. */
    j = call(f, "POST", "/api/v1/consent", "[]", 200);
    assert_int_equal(json_integer_value(json_object_get(j, "changed")), 0);
    json_decref(j);
}

static size_t needs_of(fixture *f, const char *id)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations", id);
    json_t *j = call(f, "GET", path, NULL, 200);
    size_t n = json_array_size(json_object_get(j, "needs"));
    json_decref(j);
    return n;
}

static void run_defaults(fixture *f, const char *flag, const char *value, const char *flag2,
                         const char *value2)
{
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "consent", "defaults", "--db", f->db, flag, value,
                           flag2, value2, NULL);
    if (rc)
        fail_msg("consent defaults: exit %d: %s", rc, err);
    free(err);
}

static void test_defaults_take_effect(void **state)
{
    fixture *f = *state;
    const char *bin = getenv("TAILOR_BIN");
    if (!bin || access(bin, X_OK) != 0)
        skip();
    const char *open = "AngelaGeorge73", *kept = "AnthonyBerg34";
    /* Both personalised now: their needs are analysed. */
    json_decref(call(f, "PUT", "/api/v1/customers/AnthonyBerg34/consent",
                     "{\"personalisation\": true}", 200));
    size_t open_needs = needs_of(f, open), kept_needs = needs_of(f, kept);
    assert_true(open_needs > 0);
    assert_true(kept_needs > 0);
    expect_consent(f, open, 1, 1, 0, 0);

    /* Changed by another process while the server runs. */
    run_defaults(f, "--personalisation", "no", "--llm", "yes");
    expect_consent(f, open, 0, 1, 1, 0);
    expect_consent(f, kept, 1, 1, 0, 1);
    /* The engine follows: no profile analysis for the customer on the
     * defaults, the same as before for the one with a record. */
    assert_int_equal(needs_of(f, open), 0);
    assert_int_equal(needs_of(f, kept), kept_needs);
    assert_int_equal(audit_total(f, "store", "consent_defaults"), 1);

    /* And back: the next request sees it again. */
    run_defaults(f, "--personalisation", "yes", "--llm", "no");
    expect_consent(f, open, 1, 1, 0, 0);
    assert_int_equal(needs_of(f, open), open_needs);
    assert_int_equal(audit_total(f, "store", "consent_defaults"), 2);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bulk_all_or_nothing),
        cmocka_unit_test(test_defaults_take_effect),
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
