/* test_server.c — the HTTP API over real loopback connections, on the
 * prototype's seed data imported into a temporary store. */
#include "testutil.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "base/buf.h"
#include "http/handlers.h"
#include "http/server.h"
#include "ingest/import.h"

typedef struct fixture {
    char *dir, *db;
    tl_server *srv;
    int port;
    CURL *curl;
} fixture;

typedef struct reply {
    long status;
    tl_buf body;
    long connects;   /* new connections opened for this request */
    char allow_origin[128];
} reply;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    return tl_buf_append(ud, p, size * n) ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    reply *r = ud;
    const char *h = "Access-Control-Allow-Origin: ";
    size_t hl = strlen(h);
    if (size * n > hl && strncasecmp(p, h, hl) == 0) {
        size_t v = size * n - hl;
        while (v && (p[hl + v - 1] == '\r' || p[hl + v - 1] == '\n'))
            v--;
        if (v >= sizeof r->allow_origin)
            v = sizeof r->allow_origin - 1;
        memcpy(r->allow_origin, p + hl, v);
        r->allow_origin[v] = '\0';
    }
    return size * n;
}

/* Performs one request; body may be NULL. The reply's body is freed by
 * reply_free. */
static void request(fixture *f, const char *method, const char *path, const char *body,
                    const char *origin, reply *r)
{
    memset(r, 0, sizeof *r);
    tl_buf_init(&r->body, 64u << 20);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->port, path);
    CURL *c = f->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    struct curl_slist *hdrs = NULL;
    if (origin) {
        char h[256];
        snprintf(h, sizeof h, "Origin: %s", origin);
        hdrs = curl_slist_append(hdrs, h);
    }
    if (body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdrs);
    assert_int_equal(rc, CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r->connects);
}

static json_t *reply_json(reply *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
    if (!j)
        fail_msg("reply is not JSON (%s): %.200s", je.text, r->body.data ? r->body.data : "");
    return j;
}

static void reply_free(reply *r)
{
    tl_buf_free(&r->body);
}

static int start_server(fixture *f, const char *cors)
{
    tl_server_opts o;
    tl_server_opts_default(&o);
    o.port = 0;
    o.db_path = f->db;
    o.cors_origin = cors;
    o.max_body = 4096;
    tl_err err;
    if (tl_server_start(&o, &f->srv, &err))
        fail_msg("server: %s", err.msg);
    f->port = tl_server_port(f->srv);
    return 0;
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
    start_server(f, "http://localhost:3000");
    f->curl = curl_easy_init();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    curl_easy_cleanup(f->curl);
    tl_server_stop(f->srv);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

/* One worker per online core by default, from 2 to 16. */
static void test_default_threads(void **state)
{
    (void)state;
    tl_server_opts o;
    tl_server_opts_default(&o);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned want = cores < 2 ? 2u : cores > 16 ? 16u : (unsigned)cores;
    assert_int_equal(o.threads, want);
}

static void test_customer_data(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/customer_data/AlisonGaines78", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "CustomerID")), "AlisonGaines78");
    assert_string_equal(json_string_value(json_object_get(j, "Age")), "32");
    assert_true(json_is_array(json_object_get(j, "FrequentlyUsedTransactionCategory")));
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/customer_data/NoSuchPerson", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    j = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                        "not_found");
    json_decref(j);
    reply_free(&r);
}

static void test_all_data(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/all_customers_data", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    assert_int_equal(json_array_size(j), 100);
    /* The prototype's order: the file's. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "CustomerID")),
                        "AlisonGaines78");
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/all_products_data", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_int_equal(json_array_size(j), 36);
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/product_data/3", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Visa Platinum");
    json_decref(j);
    reply_free(&r);
}

static void test_transaction_insights(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/customer_transaction_insights/AlisonGaines78", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    json_t *pred = json_object_get(j, "prediction");
    assert_true(json_is_number(json_object_get(pred, "predicted")));
    double score = json_number_value(json_object_get(pred, "score"));
    assert_true(score >= 0 && score <= 1);
    json_t *ti = json_object_get(j, "transaction_insights");
    assert_string_equal(json_string_value(json_object_get(ti, "CustomerID")), "AlisonGaines78");
    json_t *months = json_object_get(ti, "Transaction_Insights");
    assert_int_equal(json_array_size(months), 12);
    json_t *first = json_array_get(months, 0);
    assert_string_equal(json_string_value(json_object_get(first, "Month")), "Jan 2024");
    /* Integers stay integers, as in the prototype's file. */
    assert_true(json_is_integer(json_object_get(first, "Total_Transaction_Amount")));
    assert_int_equal(json_integer_value(json_object_get(first, "Total_Transaction_Amount")),
                     20000);
    json_decref(j);
    reply_free(&r);
}

static void test_api_customers(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/api/v1/customers?q=gaines&limit=5", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    assert_true(json_integer_value(json_object_get(j, "total")) >= 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0),
                                          "customer_id")),
        "AlisonGaines78");
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/api/v1/customers?sort=age&order=desc&limit=3&offset=1", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 100);
    assert_true(json_integer_value(json_object_get(json_array_get(items, 0), "age")) >=
                json_integer_value(json_object_get(json_array_get(items, 2), "age")));
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/api/v1/customers?limit=0", NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers?sort=salary", NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);

    request(f, "GET", "/api/v1/customers/AlisonGaines78", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "customer"), "customer_id")),
        "AlisonGaines78");
    json_t *in = json_object_get(j, "insights");
    assert_int_equal(json_array_size(json_object_get(in, "months")), 12);
    assert_true(json_is_object(json_object_get(in, "forecast")));
    assert_true(json_array_size(json_object_get(j, "posts")) >= 1);
    /* Diners Club named in the profile is held. */
    json_t *h = json_object_get(j, "holdings");
    int found = 0;
    for (size_t i = 0; i < json_array_size(h); i++)
        found |= strcmp(json_string_value(json_object_get(json_array_get(h, i), "product_id")),
                        "13") == 0;
    assert_true(found);
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/api/v1/customers/AlisonGaines78/forecast?method=prototype", NULL, NULL,
            &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    json_t *fc = json_object_get(j, "forecast");
    assert_true(json_number_value(json_object_get(fc, "lo80")) <=
                json_number_value(json_object_get(fc, "mean")));
    assert_true(json_number_value(json_object_get(fc, "mean")) <=
                json_number_value(json_object_get(fc, "hi80")));
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/api/v1/customers/AlisonGaines78/forecast?method=crystal-ball", NULL, NULL,
            &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

static void test_upsert(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "PUT", "/api/v1/customers/NewPerson1", "{\"first_name\": \"Ann\", \"age\": ", NULL,
            &r);
    assert_int_equal(r.status, 400);
    json_t *j = reply_json(&r);
    const char *msg =
        json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    assert_non_null(strstr(msg, "body:1:"));
    json_decref(j);
    reply_free(&r);

    request(f, "PUT", "/api/v1/customers/NewPerson1", "{\"first_name\": \"Ann\", \"age\": -4}",
            NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/NewPerson1", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);

    request(f, "PUT", "/api/v1/customers/NewPerson1",
            "{\"first_name\": \"Ann\", \"last_name\": \"Lee\", \"age\": 44, \"balance\": 1200}",
            NULL, &r);
    assert_int_equal(r.status, 201);
    reply_free(&r);
    request(f, "PUT", "/api/v1/customers/NewPerson1",
            "{\"first_name\": \"Ann\", \"last_name\": \"Lee\", \"age\": 44, \"balance\": 1200}",
            NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_false(json_is_true(json_object_get(j, "changed")));
    json_decref(j);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/NewPerson1", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "customer"), "age")), 44);
    json_decref(j);
    reply_free(&r);

    request(f, "PUT", "/api/v1/customers/NewPerson1", "{\"customer_id\": \"Other\"}", NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);

    /* Bodies over the cap are refused whole. */
    char *big = malloc(10000);
    memset(big, ' ', 9999);
    big[0] = '{';
    big[9998] = '}';
    big[9999] = '\0';
    request(f, "PUT", "/api/v1/customers/NewPerson1", big, NULL, &r);
    free(big);
    assert_int_equal(r.status, 413);
    reply_free(&r);
}

static void test_system_routes(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* Same connection: keep-alive survives complete requests. */
    request(f, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.connects, 0);
    reply_free(&r);

    request(f, "GET", "/openapi.json", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    json_t *paths = json_object_get(j, "paths");
    assert_non_null(json_object_get(paths, "/customer_transaction_insights/{id}"));
    assert_non_null(json_object_get(json_object_get(paths, "/api/v1/customers/{id}"), "put"));
    json_decref(j);
    reply_free(&r);

    request(f, "GET", "/metrics", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "tailor_http_requests_total{method=\"GET\","
                                        "route=\"/healthz\",status=\"2xx\"}"));
    assert_non_null(strstr(r.body.data, "tailor_store_rows{table=\"customers\"} 10"));
    reply_free(&r);

    request(f, "POST", "/healthz", "{}", NULL, &r);
    assert_int_equal(r.status, 405);
    reply_free(&r);
    request(f, "GET", "/no/such/route", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    request(f, "GET", "/product_optimizations/3", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *sug = reply_json(&r);
    assert_true(json_array_size(sug) >= 1);
    assert_true(json_is_string(json_object_get(json_array_get(sug, 0), "Suggestion")));
    json_decref(sug);
    reply_free(&r);
    request(f, "GET", "/api/v1/products/13/insights", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    sug = reply_json(&r);
    assert_true(json_integer_value(json_object_get(json_object_get(sug, "holders"), "n")) >= 1);
    assert_true(json_integer_value(json_object_get(json_object_get(sug, "reviews"), "n")) >= 1);
    json_decref(sug);
    reply_free(&r);
    request(f, "GET", "/api/v1/products/999/insights", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    /* SQL metacharacters and traversal in IDs are just unknown IDs. */
    request(f, "GET", "/customer_data/x'%20OR%20'1'='1", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    request(f, "GET", "/customer_data/..%2F..%2Fetc%2Fpasswd", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
}

static int has_product(json_t *recs, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(recs, i, x) if (strcmp(json_string_value(json_object_get(x, "product_id")),
                                              id) == 0) return 1;
    return 0;
}

static void test_recommendations_and_feedback(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/api/v1/customers/AlisonGaines78/recommendations?k=3&explain=true", NULL,
            NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    json_t *recs = json_object_get(j, "recommendations");
    assert_true(json_array_size(recs) >= 1 && json_array_size(recs) <= 3);
    json_t *first = json_array_get(recs, 0);
    assert_true(json_array_size(json_object_get(first, "reasons")) >= 1);
    assert_true(json_array_size(json_object_get(first, "evidence")) >= 1);
    /* Diners Club (13) is held: never offered, and explain says why. */
    assert_false(has_product(recs, "13"));
    json_t *excl = json_object_get(j, "excluded");
    int held = 0;
    size_t i;
    json_t *x;
    json_array_foreach(excl, i, x) held |= strcmp(json_string_value(json_object_get(x, "code")),
                                                  "held") == 0;
    assert_true(held);
    char top[64], body[256], path[128];
    snprintf(top, sizeof top, "%s", json_string_value(json_object_get(first, "product_id")));
    json_decref(j);
    reply_free(&r);

    /* Dismissing the top offer takes effect on the next request. */
    snprintf(body, sizeof body,
             "{\"kind\":\"dismissed\",\"product_id\":\"%s\",\"idempotency_key\":\"k1\"}", top);
    request(f, "POST", "/api/v1/customers/AlisonGaines78/events", body, NULL, &r);
    assert_int_equal(r.status, 201);
    reply_free(&r);
    request(f, "POST", "/api/v1/customers/AlisonGaines78/events", body, NULL, &r);
    assert_int_equal(r.status, 200);   /* same key: counted once */
    j = reply_json(&r);
    assert_true(json_is_true(json_object_get(j, "duplicate")));
    json_decref(j);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/AlisonGaines78/recommendations", NULL, NULL, &r);
    j = reply_json(&r);
    assert_false(has_product(json_object_get(j, "recommendations"), top));
    json_decref(j);
    reply_free(&r);

    request(f, "POST", "/api/v1/customers/AlisonGaines78/events", "{\"kind\":\"liked\"}", NULL,
            &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(f, "POST", "/api/v1/customers/Nobody/events", "{\"kind\":\"shown\"}", NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);

    /* An accepted offer becomes a holding. */
    request(f, "POST", "/api/v1/customers/AlisonGaines78/events",
            "{\"kind\":\"accepted\",\"product_id\":\"33\"}", NULL, &r);
    assert_int_equal(r.status, 201);
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/customers/AlisonGaines78");
    request(f, "GET", path, NULL, NULL, &r);
    j = reply_json(&r);
    int holds = 0;
    json_array_foreach(json_object_get(j, "holdings"), i, x) holds |=
        strcmp(json_string_value(json_object_get(x, "product_id")), "33") == 0;
    assert_true(holds);
    json_decref(j);
    reply_free(&r);

    /* The prototype's shape. */
    request(f, "GET", "/product_recommendations/AlisonGaines78", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_true(json_is_string(json_object_get(j, "profile")));
    json_t *rec = json_array_get(json_object_get(j, "recommended"), 0);
    assert_true(json_is_string(json_object_get(rec, "Product_Name")));
    assert_true(json_is_string(json_object_get(rec, "Similarity")));
    json_t *prod = json_array_get(json_object_get(j, "products"), 0);
    assert_true(json_is_string(json_object_get(prod, "Reason")));
    assert_true(json_is_array(json_object_get(j, "products_sentiment")));
    json_decref(j);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/AlisonGaines78/recommendations?k=0", NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

static void test_consent(void **state)
{
    fixture *f = *state;
    reply r;
    const char *base = "/api/v1/customers/AlyssaMartinez66";
    char path[128];
    snprintf(path, sizeof path, "%s/consent", base);
    request(f, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    assert_true(json_is_true(json_object_get(j, "personalisation")));
    assert_true(json_is_false(json_object_get(j, "llm")));   /* LLM use is opt-in */
    assert_true(json_is_false(json_object_get(j, "recorded")));
    json_decref(j);
    reply_free(&r);

    request(f, "PUT", path, "{\"personalisation\": false}", NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_true(json_is_false(json_object_get(j, "personalisation")));
    assert_true(json_is_true(json_object_get(j, "social_data")));   /* untouched */
    json_decref(j);
    reply_free(&r);
    /* The next request already has no profile analysis. */
    snprintf(path, sizeof path, "%s/recommendations", base);
    request(f, "GET", path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = reply_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "needs")), 0);
    json_decref(j);
    reply_free(&r);

    snprintf(path, sizeof path, "%s/consent", base);
    request(f, "PUT", path, "{\"marketing\": true}", NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(f, "PUT", path, "{\"llm\": \"yes\"}", NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(f, "PUT", "/api/v1/customers/Nobody/consent", "{\"llm\": true}", NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
}

/* The semantic match over HTTP: the three needs the design names find
 * their products in the seed catalogue, best first, and bad bodies are 400
 * with the reason. */
static void test_products_match(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text, *want;
    } needs[] = {
        {"Planning my next trip to Asia", "UnionPay"},
        {"I refuse to work past 60", "Retirement Savings Account"},
        {"my car broke down again", "Car Loan"},
    };
    reply r;
    for (size_t i = 0; i < 3; i++) {
        char body[160];
        snprintf(body, sizeof body, "{\"text\": \"%s\", \"k\": 3}", needs[i].text);
        request(f, "POST", "/api/v1/products/match", body, NULL, &r);
        assert_int_equal(r.status, 200);
        json_t *j = reply_json(&r);
        json_t *m = json_object_get(j, "matches");
        assert_int_equal(json_array_size(m), 3);
        assert_int_equal(json_integer_value(json_object_get(j, "products")), 36);
        assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "name")),
                            needs[i].want);
        for (size_t k = 1; k < 3; k++)
            assert_true(json_real_value(json_object_get(json_array_get(m, k - 1), "similarity")) >=
                        json_real_value(json_object_get(json_array_get(m, k), "similarity")));
        json_decref(j);
        reply_free(&r);
    }
    /* k defaults to 5, and at most the whole catalogue comes back. */
    request(f, "POST", "/api/v1/products/match", "{\"text\": \"savings\"}", NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = reply_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "matches")), 5);
    json_decref(j);
    reply_free(&r);
    request(f, "POST", "/api/v1/products/match", "{\"text\": \"savings\", \"k\": 50}", NULL,
            &r);
    j = reply_json(&r);
    assert_int_equal(json_array_size(json_object_get(j, "matches")), 36);
    json_decref(j);
    reply_free(&r);

    static const struct {
        const char *body, *says;
    } bad[] = {
        {"not json", "body:1:"},
        {"[\"text\"]", "JSON object"},
        {"{}", "\"text\" must be a string"},
        {"{\"text\": 5}", "\"text\" must be a string"},
        {"{\"text\": \" \\n \"}", "\"text\" is empty"},
        {"{\"text\": \"a\\u0000b\"}", "\\u0000 is not allowed"},
        {"{\"text\": \"a\", \"k\": 0}", "\"k\" must be an integer from 1 to 50"},
        {"{\"text\": \"a\", \"k\": 51}", "\"k\""},
        {"{\"text\": \"a\", \"k\": \"3\"}", "\"k\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        request(f, "POST", "/api/v1/products/match", bad[i].body, NULL, &r);
        assert_int_equal(r.status, 400);
        json_t *e = reply_json(&r);
        const char *msg =
            json_string_value(json_object_get(json_object_get(e, "error"), "message"));
        if (!msg || !strstr(msg, bad[i].says))
            fail_msg("%s: %s", bad[i].body, r.body.data);
        json_decref(e);
        reply_free(&r);
    }
    /* Past this fixture's 4,096-byte body cap: 413 before any parsing (the
     * text's own 4,096-byte limit is tested in test_reports.c, under the
     * default cap). */
    char *big = malloc(5000);
    assert_non_null(big);
    memcpy(big, "{\"text\": \"", 10);
    memset(big + 10, 'a', 4100);
    memcpy(big + 4110, "\"}", 3);
    request(f, "POST", "/api/v1/products/match", big, NULL, &r);
    assert_int_equal(r.status, 413);
    reply_free(&r);
    free(big);
}

static void test_cors(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/healthz", NULL, "http://localhost:3000", &r);
    assert_string_equal(r.allow_origin, "http://localhost:3000");
    reply_free(&r);
    request(f, "GET", "/healthz", NULL, "http://evil.example", &r);
    assert_string_equal(r.allow_origin, "");
    reply_free(&r);
}

/* A harmless value for each query argument the routes take. */
static const char *arg_value(const char *name, size_t len)
{
    static const char *const values[][2] = {
        {"q", "al"}, {"risk_profile", "Low"}, {"gender", "Female"}, {"account_status", "Active"},
        {"holds", "3"}, {"age_min", "20"}, {"age_max", "60"}, {"sort", "name"}, {"order", "desc"},
        {"limit", "5"}, {"offset", "0"}, {"method", "theta"}, {"k", "2"}, {"explain", "true"},
        {"llm", "false"}, {"customer", "AlisonGaines78"}, {"kind", "score"},
        {"since", "2024-01-01"}, {"min_group", "20"}, {"refresh", "false"}, {"days", "30"},
        {"channel", "mobile"},
        {"anchor", "0000000000000000000000000000000000000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        if (strlen(values[i][0]) == len && strncmp(values[i][0], name, len) == 0)
            return values[i][1];
    return NULL;
}

/* Every /api/v1 route refuses a query argument it does not take, before
 * its handler runs (a refused DELETE erases nothing), and takes each one it
 * lists; the prototype's routes ignore unknown ones, as the prototype did;
 * /openapi.json lists each route's arguments. */
static void test_query_args(void **state)
{
    fixture *f = *state;
    reply r;
    char path[512];
    for (size_t i = 0; i < tl_routes_count; i++) {
        const tl_route *rt = &tl_routes[i];
        if (!rt->query)
            continue;
        /* {id}: a customer or a product of the seed data. */
        const char *id = strstr(rt->pattern, "/products/") ? "3" : "AlisonGaines78";
        char base[256];
        const char *brace = strstr(rt->pattern, "{id}");
        if (brace)
            snprintf(base, sizeof base, "%.*s%s%s", (int)(brace - rt->pattern), rt->pattern, id,
                     brace + 4);
        else
            snprintf(base, sizeof base, "%s", rt->pattern);
        snprintf(path, sizeof path, "%s?zz_unknown=1", base);
        request(f, rt->method, path, NULL, NULL, &r);
        if (r.status != 400 || !strstr(r.body.data, "unknown query parameter 'zz_unknown'"))
            fail_msg("%s %s: %ld %.300s", rt->method, path, r.status, r.body.data);
        reply_free(&r);
        for (const char *q = rt->query; *q;) {
            size_t len = strcspn(q, " ");
            const char *v = arg_value(q, len);
            if (!v)
                fail_msg("no test value for query argument '%.*s' of %s", (int)len, q,
                         rt->pattern);
            if (strcmp(rt->method, "GET") == 0) {
                snprintf(path, sizeof path, "%s?%.*s=%s", base, (int)len, q, v);
                request(f, rt->method, path, NULL, NULL, &r);
                /* A {name} (a rollout) names none here: past the argument
                 * check, the handler answers 404. */
                bool unnamed = strstr(rt->pattern, "{name}") && r.status == 404;
                if (r.status >= 400 && !unnamed)
                    fail_msg("%s %s: %ld %.300s", rt->method, path, r.status, r.body.data);
                reply_free(&r);
            }
            q += len;
            q += strspn(q, " ");
        }
    }
    /* The refused DELETE above left the customer in place. */
    request(f, "GET", "/api/v1/customers/AlisonGaines78", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* A misspelt filter names itself and what the route takes. */
    request(f, "GET", "/api/v1/customers?search=al", NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "'search'"));
    assert_non_null(strstr(r.body.data, "q risk_profile"));
    reply_free(&r);
    /* Empty names ("?&", a stray '&') carry nothing and pass. */
    request(f, "GET", "/api/v1/customers?&q=al&", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    request(f, "GET", "/customer_data/AlisonGaines78?foo=1", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    request(f, "GET", "/openapi.json", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *doc = reply_json(&r);
    json_t *params = json_object_get(
        json_object_get(json_object_get(json_object_get(doc, "paths"), "/api/v1/customers"),
                        "get"),
        "parameters");
    int seen_q = 0;
    size_t k;
    json_t *p;
    json_array_foreach(params, k, p) {
        if (strcmp(json_string_value(json_object_get(p, "name")), "q") == 0 &&
            strcmp(json_string_value(json_object_get(p, "in")), "query") == 0)
            seen_q = 1;
    }
    assert_true(seen_q);
    assert_int_equal(json_array_size(params), 11);
    json_decref(doc);
    reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_customer_data),   cmocka_unit_test(test_all_data),
        cmocka_unit_test(test_transaction_insights), cmocka_unit_test(test_api_customers),
        cmocka_unit_test(test_upsert),          cmocka_unit_test(test_system_routes),
        cmocka_unit_test(test_cors),            cmocka_unit_test(test_recommendations_and_feedback),
        cmocka_unit_test(test_consent),         cmocka_unit_test(test_query_args),
        cmocka_unit_test(test_products_match),  cmocka_unit_test(test_default_threads),
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
