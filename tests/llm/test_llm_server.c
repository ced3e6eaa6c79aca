/* test_llm_server.c — the LLM texts end to end: the real server on the
 * prototype's seed data, real curl, and a fake OpenAI-compatible server
 * (tests/support/fake_llm.c) in each of its scenarios. Also: the cache,
 * consent, no identifiers in any prompt, other requests answered while an
 * LLM answer is pending, and `tailor llm check`. */
#include "testutil.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "fake_llm.h"
#include "http/server.h"
#include "ingest/import.h"

typedef struct fixture {
    char *dir, *db;
    tl_server *srv;
    int port;
    fake_llm *fake;
    json_t *customers;   /* the seed's customer records */
} fixture;

typedef struct reply {
    long status;
    tl_buf body;
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    return tl_buf_append(ud, p, size * n) ? 0 : size * n;
}

static void request_port(int port, const char *method, const char *path, const char *body,
                         reply *r)
{
    memset(r, 0, sizeof *r);
    tl_buf_init(&r->body, 16u << 20);
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        r->status = -1;
}

static json_t *get_json(fixture *f, const char *path)
{
    reply r;
    request_port(f->port, "GET", path, NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: %ld %.200s", path, r.status, r.body.data ? r.body.data : "");
    json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
    tl_buf_free(&r.body);
    assert_non_null(j);
    return j;
}

static const char *customer_id(fixture *f, size_t i)
{
    return json_string_value(json_object_get(json_array_get(f->customers, i), "CustomerID"));
}

static void set_llm_consent(fixture *f, const char *id, int on)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/consent", id);
    reply r;
    request_port(f->port, "PUT", path, on ? "{\"llm\": true}" : "{\"llm\": false}", &r);
    assert_int_equal(r.status, 200);
    tl_buf_free(&r.body);
}

static void clear_cache(fixture *f)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM llm_cache", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void set_llm_env(int port)
{
    char base[128];
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
    setenv("TAILOR_LLM_BASE_URL", base, 1);
    setenv("TAILOR_LLM_MODEL", "fake-model", 1);
    setenv("TAILOR_LLM_API_KEY", "test-key", 1);
    setenv("TAILOR_LLM_TIMEOUT_MS", "2500", 1);
    unsetenv("SAMBANOVA_API_KEY");
}

static void unset_llm_env(void)
{
    unsetenv("TAILOR_LLM_BASE_URL");
    unsetenv("TAILOR_LLM_MODEL");
    unsetenv("TAILOR_LLM_API_KEY");
    unsetenv("TAILOR_LLM_TIMEOUT_MS");
    unsetenv("SAMBANOVA_API_KEY");
}

static tl_server *start_server(fixture *f, int *port)
{
    tl_server_opts o;
    tl_server_opts_default(&o);
    o.port = 0;
    o.db_path = f->db;
    tl_server *s;
    tl_err err;
    if (tl_server_start(&o, &s, &err))
        fail_msg("server: %s", err.msg);
    *port = tl_server_port(s);
    return s;
}

static int setup(void **state)
{
    const char *seed = tu_shared_path("seed-data");
    if (!seed)
        return -1;
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "t.db");
    tl_source *src[8];
    size_t n = 0;
    tl_err err;
    if (tl_seed_sources(seed, src, &n, &err) || tl_import_run(f->db, src, n, false, NULL, &err)) {
        fprintf(stderr, "import failed: %s\n", err.msg);
        return -1;
    }
    f->customers = json_load_file(tu_shared_path("seed-data/customer_profile.json"), 0, NULL);
    if (!json_is_array(f->customers) || json_array_size(f->customers) < 20)
        return -1;
    f->fake = fake_llm_start();
    set_llm_env(fake_llm_port(f->fake));
    f->srv = start_server(f, &f->port);
    /* Customers 0..9 allow the LLM; the rest keep the default (not granted). */
    for (size_t i = 0; i < 10; i++)
        set_llm_consent(f, customer_id(f, i), 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    tl_server_stop(f->srv);
    fake_llm_stop(f->fake);
    unset_llm_env();
    json_decref(f->customers);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static json_t *recs(fixture *f, const char *id, const char *query)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations%s", id, query);
    return get_json(f, path);
}

static const char *llm_reason(json_t *j)
{
    json_t *r = json_object_get(json_object_get(j, "llm"), "fallback_reason");
    return json_is_null(r) ? "null" : json_string_value(r);
}

static const char *source(json_t *j)
{
    return json_string_value(json_object_get(j, "text_source"));
}

/* No identifier of any seed customer in any prompt the fake received; for
 * the customers whose facts were sent, not their first or last name or
 * city either. */
static void assert_prompts_clean(fixture *f)
{
    size_t n = fake_llm_count(f->fake);
    assert_true(n > 0);
    for (size_t b = 0; b < n; b++) {
        char *body = fake_llm_body(f->fake, b);
        size_t i;
        json_t *c;
        json_array_foreach(f->customers, i, c) {
            static const char *const always[] = {"CustomerID", "Email", "Phone"};
            static const char *const used[] = {"FirstName", "LastName", "City"};
            for (size_t k = 0; k < 3; k++) {
                const char *v = json_string_value(json_object_get(c, always[k]));
                if (v && strstr(body, v))
                    fail_msg("prompt %zu holds %s of customer %zu", b, always[k], i);
            }
            char full[256];
            snprintf(full, sizeof full, "%s %s",
                     json_string_value(json_object_get(c, "FirstName")),
                     json_string_value(json_object_get(c, "LastName")));
            if (strstr(body, full))
                fail_msg("prompt %zu holds the name of customer %zu", b, i);
            for (size_t k = 0; i < 10 && k < 3; k++) {
                const char *v = json_string_value(json_object_get(c, used[k]));
                if (v && strlen(v) > 2 && strstr(body, v))
                    fail_msg("prompt %zu holds %s of consenting customer %zu", b, used[k], i);
            }
        }
        free(body);
    }
}

static void test_success_and_cache(void **state)
{
    fixture *f = *state;
    const char *id = customer_id(f, 0);
    fake_llm_set(f->fake, FAKE_OK);
    clear_cache(f);
    json_t *plain = recs(f, id, "");
    assert_string_equal(source(plain), "deterministic");
    assert_string_equal(llm_reason(plain), "not_requested");

    size_t before = fake_llm_count(f->fake);
    json_t *j = recs(f, id, "?llm=true");
    assert_int_equal(fake_llm_count(f->fake), before + 1);
    assert_string_equal(source(j), "llm");
    json_t *llm = json_object_get(j, "llm");
    assert_true(json_is_true(json_object_get(llm, "used")));
    assert_false(json_is_true(json_object_get(llm, "cached")));
    assert_string_equal(json_string_value(json_object_get(llm, "model")), "fake-model");
    assert_int_equal(strlen(json_string_value(json_object_get(llm, "prompt_hash"))), 64);
    assert_string_equal(llm_reason(j), "null");
    assert_non_null(strstr(json_string_value(json_object_get(j, "profile_summary")),
                           "Friendly summary"));
    /* Products, scores and evidence are tailor's, unchanged; only texts. */
    json_t *a = json_object_get(j, "recommendations"), *b = json_object_get(plain, "recommendations");
    assert_true(json_array_size(a) > 0);
    assert_int_equal(json_array_size(a), json_array_size(b));
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
        assert_true(json_equal(json_object_get(x, "product_id"), json_object_get(y, "product_id")));
        assert_true(json_equal(json_object_get(x, "score"), json_object_get(y, "score")));
        assert_true(json_equal(json_object_get(x, "evidence"), json_object_get(y, "evidence")));
        const char *reason = json_string_value(json_array_get(json_object_get(x, "reasons"), 0));
        assert_non_null(strstr(reason, "could suit you well"));
    }
    /* What was sent: the model, temperature 0, JSON mode, the key. */
    char *body = fake_llm_body(f->fake, before);
    json_t *req = json_loads(body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(req, "model")), "fake-model");
    assert_int_equal(json_integer_value(json_object_get(req, "temperature")), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(req, "response_format"),
                                                          "type")), "json_object");
    assert_int_equal(json_array_size(json_object_get(req, "messages")), 2);
    json_decref(req);
    free(body);
    char auth[256];
    fake_llm_last_auth(f->fake, auth, sizeof auth);
    assert_string_equal(auth, "Bearer test-key");

    /* The same request again: from the cache, nothing sent. */
    json_t *again = recs(f, id, "?llm=true");
    assert_int_equal(fake_llm_count(f->fake), before + 1);
    assert_string_equal(source(again), "llm");
    assert_true(json_is_true(json_object_get(json_object_get(again, "llm"), "cached")));
    assert_true(json_equal(json_object_get(again, "profile_summary"),
                           json_object_get(j, "profile_summary")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(again, "llm"),
                                                          "prompt_hash")),
                        json_string_value(json_object_get(llm, "prompt_hash")));
    /* The audit log: the served recommendation names the prompt it sent,
     * and an llm_text entry with that hash says the model's text was
     * served (newest first: the cached answer's entries come first). */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/audit?customer=%s&limit=10", id);
    json_t *audit = get_json(f, path);
    json_t *entries = json_object_get(audit, "entries");
    const char *hash = json_string_value(json_object_get(llm, "prompt_hash"));
    int rec_with_hash = 0, text_with_hash = 0;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        const char *kind = json_string_value(json_object_get(e, "kind"));
        json_t *doc = json_object_get(e, "doc");
        if (strcmp(kind, "recommendation") == 0) {
            json_t *l = json_object_get(doc, "llm");
            const char *h = json_string_value(json_object_get(l, "prompt_hash"));
            if (h && strcmp(h, hash) == 0) {
                assert_true(json_is_true(json_object_get(l, "pending")));
                rec_with_hash++;
            }
        } else if (strcmp(kind, "llm_text") == 0) {
            assert_string_equal(json_string_value(json_object_get(doc, "prompt_hash")), hash);
            text_with_hash++;
        }
    }
    assert_int_equal(rec_with_hash, 2);
    assert_int_equal(text_with_hash, 2);
    json_decref(audit);
    json_decref(again);
    json_decref(j);
    json_decref(plain);
}

static void test_scenarios(void **state)
{
    fixture *f = *state;
    static const struct {
        fake_scenario sc;
        const char *source, *reason;
        int requests;   /* how many the fake should receive */
    } cases[] = {
        {FAKE_FENCED, "llm", "null", 1},
        {FAKE_CHATTER, "llm", "null", 1},
        {FAKE_MALFORMED, "deterministic", "malformed_json", 1},
        {FAKE_429_ONCE, "llm", "null", 2},
        {FAKE_500, "deterministic", "http_500", -1},
        {FAKE_SLOW, "deterministic", "timeout", 1},
        {FAKE_INVENTED, "deterministic", "invented_figure", 1},
        {FAKE_WRONG_SCHEMA, "deterministic", "schema_mismatch", 1},
        {FAKE_NO_JSON_MODE, "llm", "null", 2},   /* asked again without response_format */
    };
    const char *id = customer_id(f, 1);
    json_t *plain = recs(f, id, "");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        clear_cache(f);
        fake_llm_set(f->fake, cases[i].sc);
        size_t before = fake_llm_count(f->fake);
        json_t *j = recs(f, id, "?llm=true");
        size_t sent = fake_llm_count(f->fake) - before;
        if (strcmp(source(j), cases[i].source) || strcmp(llm_reason(j), cases[i].reason))
            fail_msg("scenario %d: %s/%s, expected %s/%s", (int)cases[i].sc, source(j),
                     llm_reason(j), cases[i].source, cases[i].reason);
        if (cases[i].requests > 0)
            assert_int_equal(sent, (size_t)cases[i].requests);
        else
            assert_true(sent >= 2);   /* 5xx is retried within the deadline */
        if (strcmp(cases[i].source, "deterministic") == 0) {
            /* The fallback is exactly tailor's own text. */
            assert_true(json_equal(json_object_get(j, "profile_summary"),
                                   json_object_get(plain, "profile_summary")));
            assert_true(json_equal(json_object_get(j, "recommendations"),
                                   json_object_get(plain, "recommendations")));
            assert_false(json_is_true(json_object_get(json_object_get(j, "llm"), "used")));
        }
        json_decref(j);
    }
    json_decref(plain);
    fake_llm_set(f->fake, FAKE_OK);
}

static void test_consent_and_config(void **state)
{
    fixture *f = *state;
    fake_llm_set(f->fake, FAKE_OK);
    const char *id = customer_id(f, 50);   /* never consented */
    size_t before = fake_llm_count(f->fake);
    json_t *j = recs(f, id, "?llm=true");
    assert_string_equal(source(j), "deterministic");
    assert_string_equal(llm_reason(j), "no_consent");
    json_decref(j);
    char path[256];
    snprintf(path, sizeof path, "/product_recommendations/%s", id);
    j = get_json(f, path);
    json_decref(j);
    /* Consent given, then withdrawn. */
    set_llm_consent(f, id, 1);
    set_llm_consent(f, id, 0);
    j = recs(f, id, "?llm=true");
    assert_string_equal(llm_reason(j), "no_consent");
    json_decref(j);
    assert_int_equal(fake_llm_count(f->fake), before);   /* nothing reached the LLM */

    /* A server without LLM configuration never calls out. */
    unset_llm_env();
    int port;
    tl_server *plain = start_server(f, &port);
    set_llm_env(fake_llm_port(f->fake));
    reply r;
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations?llm=true", customer_id(f, 0));
    request_port(port, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_loadb(r.body.data, r.body.len, 0, NULL);
    assert_string_equal(source(j), "deterministic");
    assert_string_equal(llm_reason(j), "not_configured");
    json_decref(j);
    tl_buf_free(&r.body);
    tl_server_stop(plain);
    assert_int_equal(fake_llm_count(f->fake), before);
}

static void test_prototype_and_products(void **state)
{
    fixture *f = *state;
    fake_llm_set(f->fake, FAKE_OK);
    clear_cache(f);
    char path[256];
    snprintf(path, sizeof path, "/product_recommendations/%s", customer_id(f, 2));
    json_t *j = get_json(f, path);
    assert_non_null(strstr(json_string_value(json_object_get(j, "profile")), "Friendly summary"));
    json_t *products = json_object_get(j, "products");
    assert_true(json_array_size(products) > 0);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(products, 0),
                                                             "Reason")), "could suit you"));
    assert_true(json_is_array(json_object_get(j, "recommended")));
    assert_true(json_is_array(json_object_get(j, "products_sentiment")));
    assert_string_equal(source(j), "llm");
    json_decref(j);
    /* Without consent the prototype endpoint stays deterministic. */
    snprintf(path, sizeof path, "/product_recommendations/%s", customer_id(f, 60));
    size_t before = fake_llm_count(f->fake);
    j = get_json(f, path);
    assert_string_equal(source(j), "deterministic");
    assert_string_equal(llm_reason(j), "no_consent");
    assert_int_equal(fake_llm_count(f->fake), before);
    json_decref(j);

    j = get_json(f, "/api/v1/products/1/insights");
    assert_string_equal(llm_reason(j), "not_requested");
    json_t *plain_suggestions = json_incref(json_object_get(j, "suggestions"));
    json_decref(j);
    j = get_json(f, "/api/v1/products/1/insights?llm=true");
    assert_string_equal(source(j), "llm");
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(j, "suggestions"), 0)),
                           "Friendly suggestion"));
    json_decref(j);
    fake_llm_set(f->fake, FAKE_INVENTED);
    j = get_json(f, "/api/v1/products/2/insights?llm=true");
    assert_string_equal(llm_reason(j), "invented_figure");
    json_decref(j);
    fake_llm_set(f->fake, FAKE_OK);
    j = get_json(f, "/product_optimizations/1");
    assert_true(json_is_array(j));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(j, 0), "Suggestion")),
                           "Friendly suggestion"));
    json_decref(j);
    fake_llm_set(f->fake, FAKE_500);
    j = get_json(f, "/product_optimizations/3");
    assert_true(json_is_array(j));   /* the prototype shape either way */
    json_decref(j);
    fake_llm_set(f->fake, FAKE_OK);
    json_decref(plain_suggestions);
}

typedef struct pending_call {
    int port;
    char path[256];
    reply r;
    volatile int done;
} pending_call;

static void *call_thread(void *p)
{
    pending_call *c = p;
    request_port(c->port, "GET", c->path, NULL, &c->r);
    __atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_other_requests_not_blocked(void **state)
{
    fixture *f = *state;
    clear_cache(f);
    fake_llm_set(f->fake, FAKE_HOLD);
    /* More held LLM requests than the server has HTTP threads (2). */
    enum { HELD = 3 };
    pending_call calls[HELD];
    pthread_t th[HELD];
    size_t before = fake_llm_count(f->fake);
    for (int i = 0; i < HELD; i++) {
        memset(&calls[i], 0, sizeof calls[i]);
        calls[i].port = f->port;
        snprintf(calls[i].path, sizeof calls[i].path,
                 "/api/v1/customers/%s/recommendations?llm=true", customer_id(f, 3 + (size_t)i));
        pthread_create(&th[i], NULL, call_thread, &calls[i]);
    }
    /* Wait until all of them are held at the fake. */
    for (int waited = 0; fake_llm_count(f->fake) < before + HELD; waited++) {
        if (waited > 1000)
            fail_msg("the LLM requests never reached the fake");
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    /* Meanwhile other requests are answered. */
    json_t *h = get_json(f, "/healthz");
    json_decref(h);
    json_t *other = recs(f, customer_id(f, 20), "");
    assert_string_equal(source(other), "deterministic");
    json_decref(other);
    for (int i = 0; i < HELD; i++)
        assert_false(__atomic_load_n(&calls[i].done, __ATOMIC_SEQ_CST));
    fake_llm_release(f->fake);
    for (int i = 0; i < HELD; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(calls[i].r.status, 200);
        json_t *j = json_loadb(calls[i].r.body.data, calls[i].r.body.len, 0, NULL);
        assert_string_equal(source(j), "llm");
        json_decref(j);
        tl_buf_free(&calls[i].r.body);
    }
    fake_llm_set(f->fake, FAKE_OK);
}

/* Stopping a server while an LLM answer is pending neither hangs nor
 * leaks: the call is cancelled and the request answered deterministically. */
static void test_stop_while_pending(void **state)
{
    fixture *f = *state;
    clear_cache(f);
    fake_llm_set(f->fake, FAKE_HOLD);
    pending_call call;
    memset(&call, 0, sizeof call);
    tl_server *srv = start_server(f, &call.port);
    snprintf(call.path, sizeof call.path, "/api/v1/customers/%s/recommendations?llm=true",
             customer_id(f, 4));
    size_t before = fake_llm_count(f->fake);
    pthread_t th;
    pthread_create(&th, NULL, call_thread, &call);
    for (int waited = 0; fake_llm_count(f->fake) < before + 1; waited++) {
        if (waited > 1000)
            fail_msg("the LLM request never reached the fake");
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    tl_server_stop(srv);
    pthread_join(th, NULL);
    /* Answered, or closed if the daemon stopped before it could send. */
    assert_true(call.r.status == 200 || call.r.status == -1);
    if (call.r.status == 200) {
        json_t *j = json_loadb(call.r.body.data, call.r.body.len, 0, NULL);
        assert_string_equal(source(j), "deterministic");
        assert_string_equal(llm_reason(j), "cancelled");
        json_decref(j);
    }
    tl_buf_free(&call.r.body);
    fake_llm_release(f->fake);
    fake_llm_set(f->fake, FAKE_OK);
}

static void test_no_identifiers_in_prompts(void **state)
{
    fixture *f = *state;
    /* Every consenting customer once more, then every prompt checked. */
    clear_cache(f);
    fake_llm_set(f->fake, FAKE_OK);
    for (size_t i = 0; i < 10; i++) {
        json_t *j = recs(f, customer_id(f, i), "?llm=true");
        json_decref(j);
    }
    assert_prompts_clean(f);
    char *body = fake_llm_body(f->fake, fake_llm_count(f->fake) - 1);
    assert_non_null(strstr(body, "C1"));   /* the customer's token */
    free(body);
}

static void test_cli_check(void **state)
{
    fixture *f = *state;
    fake_llm_set(f->fake, FAKE_OK);
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "llm", "check", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "fake-model"));
    assert_non_null(strstr(out, "validated: yes"));
    assert_null(strstr(out, "test-key"));
    free(out);
    free(err);
    fake_llm_set(f->fake, FAKE_INVENTED);
    rc = tu_run_tailor(&out, &err, NULL, "llm", "check", "--json", NULL);
    assert_int_equal(rc, 1);
    json_t *j = json_loads(out, 0, NULL);
    assert_false(json_is_true(json_object_get(j, "validated")));
    assert_string_equal(json_string_value(json_object_get(j, "failure")), "invented_figure");
    json_decref(j);
    free(out);
    free(err);
    fake_llm_set(f->fake, FAKE_OK);
    rc = tu_run_tailor(&out, &err, NULL, "llm", "--help", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "SAMBANOVA_API_KEY"));
    free(out);
    free(err);
    unset_llm_env();
    rc = tu_run_tailor(&out, &err, NULL, "llm", "check", NULL);
    set_llm_env(fake_llm_port(f->fake));
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no LLM is configured"));
    free(out);
    free(err);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_and_cache),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_consent_and_config),
        cmocka_unit_test(test_prototype_and_products),
        cmocka_unit_test(test_other_requests_not_blocked),
        cmocka_unit_test(test_stop_while_pending),
        cmocka_unit_test(test_no_identifiers_in_prompts),
        cmocka_unit_test(test_cli_check),
    };
    int rc;
    if (!tu_shared_dir()) {
        printf("skipping: ../shared/seed-data not present\n");
        rc = 0;
    } else {
        rc = cmocka_run_group_tests(tests, setup, teardown);
    }
    curl_global_cleanup();
    return rc;
}
