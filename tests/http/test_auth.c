/* test_auth.c — tokens, roles and request limits on a real server over
 * loopback: every route of the table without a token, with each role and
 * with a wrong one; hostile IDs and paths; oversized bodies and headers;
 * rate limits; slow clients; connections per client. */
#include "testutil.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/str.h"
#include "govern/access.h"
#include "http/handlers.h"
#include "http/server.h"
#include "store/store.h"

#define ADMIN "admin-token-0123456789"
#define APP "app.token.0123456789ab"
#define ANALYST "analyst_token_01234567"
#define WRONG "wrong-token-0123456789"

typedef struct fixture {
    char *dir, *db;
    tl_tokens *tokens;
    tl_server *srv;
    int port;
    CURL *curl;
} fixture;

typedef struct reply {
    long status;
    tl_buf body;
    tl_buf headers;   /* the raw header block */
} reply;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    return tl_buf_append(ud, p, size * n) ? 0 : size * n;
}

/* Starts the server on a free loopback port with the fixture's tokens
 * (NULL: none) and the given limits. */
static void start(fixture *f, const tl_tokens *tokens, double rate, unsigned per_ip)
{
    tl_server_opts o;
    tl_server_opts_default(&o);
    o.port = 0;
    o.db_path = f->db;
    o.max_body = 4096;
    o.max_header = 8192;
    o.conn_timeout_s = 2;
    o.tokens = tokens;
    o.rate_limit = rate;
    o.max_conn_per_ip = per_ip;
    tl_err err;
    if (tl_server_start(&o, &f->srv, &err))
        fail_msg("server: %s", err.msg);
    f->port = tl_server_port(f->srv);
}

static void stop(fixture *f)
{
    tl_server_stop(f->srv);
    f->srv = NULL;
}

/* One request. token NULL sends no Authorization header; `extra` is one
 * more header line or NULL; body NULL sends none. */
static void request(fixture *f, const char *method, const char *path, const char *token,
                    const char *extra, const char *body, reply *r)
{
    memset(r, 0, sizeof *r);
    tl_buf_init(&r->body, 64u << 20);
    tl_buf_init(&r->headers, 1u << 20);
    size_t url_size = strlen(path) + 64;
    char *url = malloc(url_size);
    snprintf(url, url_size, "http://127.0.0.1:%d%s", f->port, path);
    CURL *c = f->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);   /* send ../ as written */
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "OPTIONS") == 0 || strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    struct curl_slist *hdrs = NULL;
    char h[256];
    if (token) {
        snprintf(h, sizeof h, "Authorization: Bearer %s", token);
        hdrs = curl_slist_append(hdrs, h);
    }
    if (extra)
        hdrs = curl_slist_append(hdrs, extra);
    if (body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdrs);
    free(url);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
}

static void reply_free(reply *r)
{
    tl_buf_free(&r->body);
    tl_buf_free(&r->headers);
}

/* A response header's value into out; returns 1 when present. */
static int header(const reply *r, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    for (const char *p = r->headers.data; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(p + len - v);
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            snprintf(out, size, "%.*s", (int)vl, v);
            return 1;
        }
        p = eol ? eol + 1 : p + len;
    }
    return 0;
}

static const char *error_code(const reply *r, char *out, size_t size)
{
    json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
    const char *code = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    snprintf(out, size, "%s", code ? code : "");
    json_decref(j);
    return out;
}

static tl_store_counts counts(fixture *f)
{
    tl_store *st;
    tl_err err;
    tl_store_counts c;
    if (tl_store_open(f->db, TL_STORE_READONLY, &st, &err) || tl_store_counts_get(st, &c, &err))
        fail_msg("store: %s", err.msg);
    tl_store_close(st);
    return c;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "t.db");
    tl_err err;
    const char *list = "admin " ADMIN ", app " APP ", analyst " ANALYST;
    if (tl_tokens_new(&f->tokens, &err) ||
        tl_tokens_parse_list(f->tokens, "TAILOR_TOKENS", list, strlen(list), &err))
        return -1;
    f->curl = curl_easy_init();
    start(f, f->tokens, 0, 64);
    reply r;
    request(f, "PUT", "/api/v1/customers/Ann1", ADMIN, NULL,
            "{\"first_name\": \"Ann\", \"last_name\": \"Lee\", \"age\": 44, \"balance\": 1200}",
            &r);
    assert_int_equal(r.status, 201);
    reply_free(&r);
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
    tl_tokens_free(f->tokens);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

/* The route's pattern with {id} filled in. */
/* Deletions aim at an unknown customer: an allowed caller learns 404 and
 * the one customer the other checks need stays. */
static void concrete_path(const tl_route *rt, char *out, size_t size)
{
    const char *p = strstr(rt->pattern, "{id}");
    const char *id = strcmp(rt->method, "DELETE") == 0 ? "Nobody1" : "Ann1";
    if (p)
        snprintf(out, size, "%.*s%s%s", (int)(p - rt->pattern), rt->pattern, id, p + 4);
    else
        snprintf(out, size, "%s", rt->pattern);
}

static void test_every_route(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *token;
        tl_role role;
    } who[] = {{APP, TL_ROLE_APP}, {ANALYST, TL_ROLE_ANALYST}, {ADMIN, TL_ROLE_ADMIN}};
    char path[512], v[256], code[64];
    size_t checked = 0;
    for (size_t i = 0; i < tl_routes_count; i++) {
        const tl_route *rt = &tl_routes[i];
        concrete_path(rt, path, sizeof path);
        /* Writes get a broken body: an allowed caller learns 400, and
         * nothing is written. */
        const char *body = strcmp(rt->method, "GET") == 0 ? NULL : "{";
        unsigned access = tl_access_effective(rt->access);
        int public = (access & TL_ACCESS_PUBLIC) != 0;
        reply r;

        request(f, rt->method, path, NULL, NULL, body, &r);
        if (public) {
            assert_true(r.status != 401 && r.status != 403);
        } else {
            if (r.status != 401)
                fail_msg("%s %s without a token: %ld", rt->method, path, r.status);
            assert_true(header(&r, "WWW-Authenticate", v, sizeof v));
            assert_string_equal(v, "Bearer realm=\"tailor\"");
            assert_string_equal(error_code(&r, code, sizeof code), "unauthorized");
        }
        reply_free(&r);

        request(f, rt->method, path, WRONG, NULL, body, &r);
        if (!public) {
            assert_int_equal(r.status, 401);
            assert_true(header(&r, "WWW-Authenticate", v, sizeof v));
            assert_non_null(strstr(v, "invalid_token"));
        }
        reply_free(&r);

        for (size_t k = 0; k < sizeof who / sizeof *who; k++) {
            request(f, rt->method, path, who[k].token, NULL, body, &r);
            int allowed = public || (access & (unsigned)who[k].role);
            if (allowed && (r.status == 401 || r.status == 403 || r.status >= 500))
                fail_msg("%s %s as %s: %ld", rt->method, path, tl_role_name(who[k].role),
                         r.status);
            if (!allowed) {
                if (r.status != 403)
                    fail_msg("%s %s as %s: %ld, expected 403", rt->method, path,
                             tl_role_name(who[k].role), r.status);
                assert_string_equal(error_code(&r, code, sizeof code), "forbidden");
            }
            reply_free(&r);
        }
        checked++;
    }
    assert_int_equal(checked, tl_routes_count);
    /* Nothing above changed the customer. */
    assert_int_equal(counts(f).customers, 1);
}

/* The policy the table must follow, whatever routes are added: only
 * liveness and the dashboard's files are public; the app role reaches only
 * per-customer routes (never lists); reads are for analysts; every
 * non-public route admits admin. /openapi.json says the same. */
static void test_route_policy(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/openapi.json", ANALYST, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *doc = json_loadb(r.body.data, r.body.len, 0, NULL);
    assert_non_null(doc);
    reply_free(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
                            json_object_get(doc, "components"), "securitySchemes"),
                                                                          "bearerAuth"),
                                                          "scheme")),
                        "bearer");
    for (size_t i = 0; i < tl_routes_count; i++) {
        const tl_route *rt = &tl_routes[i];
        unsigned access = tl_access_effective(rt->access);
        if (access & TL_ACCESS_PUBLIC) {
            int ok = strcmp(rt->pattern, "/healthz") == 0 || strcmp(rt->pattern, "/") == 0 ||
                     strncmp(rt->pattern, "/assets/", 8) == 0;
            if (!ok || strcmp(rt->method, "GET") != 0)
                fail_msg("%s %s is public", rt->method, rt->pattern);
        } else {
            assert_true(access & TL_ROLE_ADMIN);
            if ((access & TL_ROLE_APP) &&
                strncmp(rt->pattern, "/api/v1/customers/{id}/", 23) != 0)
                fail_msg("the app role may call %s %s, which is not per customer", rt->method,
                         rt->pattern);
            /* POSTs that only read (their input is too long or too
             * private for a URL) are listed here, and nowhere else. */
            int reads_only = strcmp(rt->method, "POST") == 0 &&
                             strcmp(rt->pattern, "/api/v1/products/match") == 0;
            if (strcmp(rt->method, "GET") == 0 || reads_only)
                assert_true(access & TL_ROLE_ANALYST);
            else if (!(access & TL_ROLE_APP))
                assert_false(access & TL_ROLE_ANALYST);
        }
        char method[8];
        size_t n = 0;
        for (; rt->method[n] && n < 7; n++)
            method[n] = (char)(rt->method[n] | 0x20);
        method[n] = '\0';
        json_t *op = json_object_get(json_object_get(json_object_get(doc, "paths"), rt->pattern),
                                     method);
        assert_non_null(op);
        json_t *roles = json_object_get(op, "x-roles");
        assert_true(json_is_array(roles));
        char listed[64] = "", want[64];
        for (size_t k = 0; k < json_array_size(roles); k++) {
            size_t used = strlen(listed);
            snprintf(listed + used, sizeof listed - used, "%s%s", k ? ", " : "",
                     json_string_value(json_array_get(roles, k)));
        }
        tl_access_describe(rt->access, want, sizeof want);
        if (access & TL_ACCESS_PUBLIC) {
            assert_string_equal(listed, "");
            assert_int_equal(json_array_size(json_object_get(op, "security")), 0);
        } else {
            assert_string_equal(listed, want);
            assert_int_equal(json_array_size(json_object_get(op, "security")), 1);
        }
    }
    json_decref(doc);
    /* A route that names no access is admin-only. */
    tl_route bare = {"GET", "/x", 0, "", 0, NULL};
    assert_int_equal(tl_access_effective(bare.access), TL_ACCESS_ADMIN);
}

static void test_headers_and_preflight(void **state)
{
    fixture *f = *state;
    reply r;
    char v[256];
    /* Preflights carry no credentials and are answered without any. */
    request(f, "OPTIONS", "/api/v1/customers/Ann1", NULL,
            "Access-Control-Request-Method: PUT", NULL, &r);
    assert_int_equal(r.status, 204);
    assert_true(header(&r, "Access-Control-Allow-Headers", v, sizeof v));
    assert_non_null(strstr(v, "Authorization"));
    /* No origin is configured: no CORS grant to anyone. */
    assert_false(header(&r, "Access-Control-Allow-Origin", v, sizeof v));
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/Ann1", ANALYST, "Origin: https://evil.example", NULL,
            &r);
    assert_int_equal(r.status, 200);
    assert_false(header(&r, "Access-Control-Allow-Origin", v, sizeof v));
    /* API answers: never cached, never sniffed, never framed. */
    assert_true(header(&r, "X-Content-Type-Options", v, sizeof v));
    assert_string_equal(v, "nosniff");
    assert_true(header(&r, "Referrer-Policy", v, sizeof v));
    assert_string_equal(v, "no-referrer");
    assert_true(header(&r, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-store");
    assert_true(header(&r, "X-Frame-Options", v, sizeof v));
    assert_string_equal(v, "DENY");
    assert_true(header(&r, "Content-Security-Policy", v, sizeof v));
    assert_non_null(strstr(v, "frame-ancestors 'none'"));
    reply_free(&r);
    const char *paths[] = {"/metrics", "/healthz", "/nope"};
    for (size_t i = 0; i < 3; i++) {
        request(f, "GET", paths[i], i == 1 ? NULL : ANALYST, NULL, NULL, &r);
        assert_true(header(&r, "Cache-Control", v, sizeof v));
        assert_string_equal(v, "no-store");
        assert_true(header(&r, "X-Content-Type-Options", v, sizeof v));
        reply_free(&r);
    }
    /* A refused request gets them too, and the body is JSON. */
    request(f, "GET", "/api/v1/customers", NULL, NULL, NULL, &r);
    assert_int_equal(r.status, 401);
    assert_true(header(&r, "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/json");
    assert_true(header(&r, "X-Content-Type-Options", v, sizeof v));
    reply_free(&r);
    /* Malformed credentials are 401, not 400 or 500. */
    const char *bad[] = {"Authorization: Basic YWRtaW46YWRtaW4=", "Authorization: Bearer",
                         "Authorization: Bearer " ADMIN " extra",
                         "Authorization: Bearer " ADMIN "x", "Authorization: " ADMIN};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        request(f, "GET", "/api/v1/customers", NULL, bad[i], NULL, &r);
        assert_int_equal(r.status, 401);
        reply_free(&r);
    }
    /* The scheme is case-insensitive. */
    request(f, "GET", "/api/v1/customers", NULL, "Authorization: bearer " ANALYST, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_hostile_ids_and_paths(void **state)
{
    fixture *f = *state;
    tl_store_counts before = counts(f);
    static const char *const ids[] = {
        "Ann1%27",                       /* Ann1' */
        "Ann1%27%20OR%20%271%27%3D%271", /* Ann1' OR '1'='1 */
        "%27%20OR%201%3D1--",            /* ' OR 1=1-- */
        "x%22%3B%20DROP%20TABLE%20customers%3B--",
        "Ann1%3B--",
        "Ann1--",
        "%25%27",
        "Ann1%00",                       /* NUL: must not become "Ann1" */
        "Ann1%00x",
        "Ann1%0d%0aX-Injected:%201",
        "..",
        "%2e%2e",
        "..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "....%2f%2f",
        "%c0%ae%c0%ae",
    };
    static const char *const shapes[] = {"/api/v1/customers/%s",
                                         "/api/v1/customers/%s/recommendations",
                                         "/api/v1/customers/%s/consent", "/customer_data/%s",
                                         "/api/v1/products/%s"};
    char path[512];
    reply r;
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
            snprintf(path, sizeof path, shapes[k], ids[i]);
            request(f, "GET", path, ADMIN, NULL, NULL, &r);
            if (r.status != 404 && r.status != 400)
                fail_msg("GET %s: %ld (%.200s)", path, r.status, r.body.data);
            reply_free(&r);
        }
    }
    static const char *const paths[] = {
        "/../../etc/passwd",
        "/api/v1/../../etc/passwd",
        "/api/v1/customers/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/customers/Ann1/../../products",
        "/healthz/../metrics",
        "/api/v1/customers/Ann1/%2e%2e/recommendations",
        "/api/v1//customers",
        "/api/v1/customers/Ann1/recommendations%00",
        "/api/v1/customers/Ann1/..%2f..%2fproducts",
        "/api/v1/customers/Ann1%2f..%2f..%2fproducts",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        request(f, "GET", paths[i], ADMIN, NULL, NULL, &r);
        if (r.status != 404 && r.status != 400)
            fail_msg("GET %s: %ld", paths[i], r.status);
        reply_free(&r);
        /* Without a token, nothing about the path is revealed. */
        request(f, "GET", paths[i], NULL, NULL, NULL, &r);
        assert_int_equal(r.status, 401);
        reply_free(&r);
    }
    /* Hostile query arguments are data, not SQL. */
    request(f, "GET", "/api/v1/customers?q=%27%20OR%201%3D1--", ANALYST, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
    json_decref(j);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers?sort=name%3BDROP%20TABLE%20customers&order=asc--",
            ANALYST, NULL, NULL, &r);
    assert_true(r.status == 200 || r.status == 400);
    reply_free(&r);
    tl_store_counts after = counts(f);
    assert_memory_equal(&before, &after, sizeof before);

    /* An ID full of SQL is stored as written, and nothing else moves. */
    request(f, "PUT", "/api/v1/customers/x%27%3B%20DELETE%20FROM%20customers%3B--", ADMIN,
            NULL, "{\"first_name\": \"Bob\", \"age\": 30}", &r);
    assert_int_equal(r.status, 201);
    reply_free(&r);
    /* An id shaped like an erased customer's audit subject is refused. */
    request(f, "PUT", "/api/v1/customers/erased:0a1b", ADMIN, NULL, "{\"age\": 30}", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "reserved for erased customers"));
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/x%27%3B%20DELETE%20FROM%20customers%3B--", ANALYST,
            NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = json_loadb(r.body.data, r.body.len, 0, NULL);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "customer"), "customer_id")),
        "x'; DELETE FROM customers;--");
    json_decref(j);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers/Ann1", ANALYST, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    assert_int_equal(counts(f).customers, before.customers + 1);
}

static void test_oversized_body(void **state)
{
    fixture *f = *state;
    tl_store_counts before = counts(f);
    char *big = malloc(20001);
    memset(big, ' ', 20000);
    big[0] = '{';
    big[19999] = '}';
    big[20000] = '\0';
    reply r;
    request(f, "PUT", "/api/v1/customers/Big1", ADMIN, NULL, big, &r);
    assert_int_equal(r.status, 413);
    char code[64];
    assert_string_equal(error_code(&r, code, sizeof code), "too_large");
    reply_free(&r);
    /* Without a token the body is not even kept: 401. */
    request(f, "PUT", "/api/v1/customers/Big1", NULL, NULL, big, &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    request(f, "POST", "/api/v1/customers/Ann1/events", APP, NULL, big, &r);
    assert_int_equal(r.status, 413);
    reply_free(&r);
    free(big);
    tl_store_counts after = counts(f);
    assert_memory_equal(&before, &after, sizeof before);
}

static void test_huge_headers(void **state)
{
    fixture *f = *state;
    size_t n = 20000;
    char *h = malloc(n + 16);
    memcpy(h, "X-Padding: ", 11);
    memset(h + 11, 'a', n);
    h[11 + n] = '\0';
    reply r;
    request(f, "GET", "/api/v1/customers", ANALYST, h, NULL, &r);
    assert_int_equal(r.status, 431);
    reply_free(&r);
    /* A very long URL is refused as well. */
    char *url = malloc(n + 32);
    snprintf(url, n + 32, "/api/v1/customers?q=%s", h + 11);
    request(f, "GET", url, ANALYST, NULL, NULL, &r);
    if (r.status != 414 && r.status != 431)
        fail_msg("a %zu-byte URL: %ld", n, r.status);
    reply_free(&r);
    free(url);
    free(h);
    /* The server is fine afterwards. */
    request(f, "GET", "/healthz", NULL, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_rate_limit(void **state)
{
    fixture *f = *state;
    stop(f);
    start(f, f->tokens, 2, 64);   /* 2 per second, bursts of 4 */
    reply r;
    char v[64], code[64];
    /* The burst passes; soon after, one is refused (a slow machine may
     * refill a request or two on the way). */
    int passed = 0;
    for (;;) {
        request(f, "GET", "/api/v1/customers/Ann1/consent", APP, NULL, NULL, &r);
        if (r.status == 429 || passed == 40)
            break;
        assert_int_equal(r.status, 200);
        passed++;
        reply_free(&r);
    }
    assert_true(passed >= 4 && passed < 40);
    assert_int_equal(r.status, 429);
    assert_true(header(&r, "Retry-After", v, sizeof v));
    int64_t wait = 0;
    assert_true(tl_parse_i64(v, &wait));
    assert_true(wait >= 1 && wait <= 2);
    assert_string_equal(error_code(&r, code, sizeof code), "rate_limited");
    assert_true(header(&r, "Cache-Control", v, sizeof v));
    reply_free(&r);
    /* Another token has its own bucket. */
    request(f, "GET", "/api/v1/customers/Ann1", ANALYST, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* Requests without a token are limited per client address. */
    int limited = 0;
    for (int i = 0; i < 8 && !limited; i++) {
        request(f, "GET", "/healthz", NULL, NULL, NULL, &r);
        limited = r.status == 429;
        reply_free(&r);
    }
    assert_true(limited);
    /* After the wait, the token may call again. */
    sleep((unsigned)wait);
    request(f, "GET", "/api/v1/customers/Ann1/recommendations", APP, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    stop(f);
    start(f, f->tokens, 0, 64);
}

static int connect_raw(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Waits until the server closes fd (or answers and closes); returns the
 * bytes received, -1 on a receive timeout. */
static long wait_closed(int fd)
{
    char buf[4096];
    long total = 0;
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return total;
        if (n < 0)
            return -1;
        total += n;
    }
}

static void test_slow_client(void **state)
{
    fixture *f = *state;
    int fd = connect_raw(f->port);
    const char *part = "GET /api/v1/customers HTTP/1.1\r\nHost: x\r\nAuthoriz";
    assert_int_equal(send(fd, part, strlen(part), 0), (ssize_t)strlen(part));
    double t0 = now_s();
    long got = wait_closed(fd);
    double took = now_s() - t0;
    close(fd);
    assert_true(got >= 0);   /* closed, not left hanging */
    assert_true(took >= 1.0 && took < 8.0);   /* the 2 s timeout, give or take */
    /* A connection that sends nothing at all goes the same way. */
    fd = connect_raw(f->port);
    t0 = now_s();
    assert_int_equal(wait_closed(fd), 0);
    assert_true(now_s() - t0 < 8.0);
    close(fd);
}

/* A body dripped a byte at a time never lets the idle timeout fire; the
 * body's own deadline (twice the timeout) does. */
static void test_dripping_body(void **state)
{
    fixture *f = *state;
    int fd = connect_raw(f->port);
    const char *head = "POST /api/v1/customers/Ann1/events HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " APP "\r\nContent-Type: application/json\r\n"
                       "Content-Length: 1000\r\n\r\n{";
    assert_int_equal(send(fd, head, strlen(head), 0), (ssize_t)strlen(head));
    double t0 = now_s();
    int closed = 0;
    while (!closed && now_s() - t0 < 12) {
        usleep(400 * 1000);
        if (send(fd, " ", 1, MSG_NOSIGNAL) != 1)
            closed = 1;
        char c;
        ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            closed = 1;
    }
    double took = now_s() - t0;
    close(fd);
    assert_true(closed);
    assert_true(took >= 3.0 && took < 8.0);   /* 2 × the 2 s timeout */
    assert_int_equal(counts(f).events, 0);
}

static void test_connections_per_client(void **state)
{
    fixture *f = *state;
    stop(f);
    start(f, f->tokens, 0, 3);
    int fds[3];
    for (int i = 0; i < 3; i++)
        fds[i] = connect_raw(f->port);
    /* Give the server a moment to accept them. */
    usleep(200 * 1000);
    int extra = connect_raw(f->port);
    const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    send(extra, req, strlen(req), MSG_NOSIGNAL);
    double t0 = now_s();
    long got = wait_closed(extra);
    close(extra);
    assert_int_equal(got, 0);          /* closed without an answer */
    assert_true(now_s() - t0 < 1.5);   /* at once, not by the idle timeout */
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    usleep(300 * 1000);
    reply r;
    request(f, "GET", "/healthz", NULL, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    stop(f);
    start(f, f->tokens, 0, 64);
}

static void test_open_mode(void **state)
{
    fixture *f = *state;
    stop(f);
    /* No tokens: loopback only. */
    tl_server_opts o;
    tl_server_opts_default(&o);
    o.port = 0;
    o.db_path = f->db;
    o.host = "0.0.0.0";
    tl_server *srv = NULL;
    tl_err err;
    assert_int_equal(tl_server_start(&o, &srv, &err), TL_EUSAGE);
    assert_null(srv);
    assert_non_null(strstr(err.msg, "refusing to listen on 0.0.0.0 without API tokens"));
    o.host = "192.168.1.10";
    assert_int_equal(tl_server_start(&o, &srv, &err), TL_EUSAGE);
    /* With tokens any address is allowed. */
    o.host = "0.0.0.0";
    o.tokens = f->tokens;
    assert_int_equal(tl_server_start(&o, &srv, &err), TL_OK);
    tl_server_stop(srv);
    /* On loopback without tokens everything is open, as before. */
    start(f, NULL, 0, 64);
    reply r;
    request(f, "GET", "/api/v1/customers", NULL, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    request(f, "GET", "/api/v1/customers", WRONG, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    stop(f);
    start(f, f->tokens, 0, 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route),
        cmocka_unit_test(test_route_policy),
        cmocka_unit_test(test_headers_and_preflight),
        cmocka_unit_test(test_hostile_ids_and_paths),
        cmocka_unit_test(test_oversized_body),
        cmocka_unit_test(test_huge_headers),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_slow_client),
        cmocka_unit_test(test_dripping_body),
        cmocka_unit_test(test_connections_per_client),
        cmocka_unit_test(test_open_mode),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
