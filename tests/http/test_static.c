/* test_static.c — the embedded dashboard over real loopback connections:
 * content types, caching (ETag, 304, versioned assets), HEAD, security
 * headers, and paths that try to leave the table. Needs no data: the store
 * is a fresh empty one. */
#include "testutil.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "http/server.h"
#include "http/static_files.h"

typedef struct fixture {
    char *dir, *db;
    tl_server *srv;
    int port;
    CURL *curl;
} fixture;

typedef struct reply {
    long status;
    tl_buf body;
    tl_buf headers;   /* every header line as received */
} reply;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    return tl_buf_append(ud, p, size * n) ? 0 : size * n;
}

/* Sends method path exactly as written (no normalisation of "..");
 * extra_header may be NULL. */
static void request(fixture *f, const char *method, const char *path, const char *extra_header,
                    reply *r)
{
    memset(r, 0, sizeof *r);
    tl_buf_init(&r->body, 8u << 20);
    tl_buf_init(&r->headers, 1u << 20);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->port, path);
    CURL *c = f->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    struct curl_slist *hdrs = NULL;
    if (extra_header)
        hdrs = curl_slist_append(hdrs, extra_header);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdrs);
    assert_int_equal(rc, CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (tl_buf_append(&r->body, "", 1) == 0)
        r->body.len--;   /* NUL-terminated for string checks */
    if (tl_buf_append(&r->headers, "", 1) == 0)
        r->headers.len--;
}

static void reply_free(reply *r)
{
    tl_buf_free(&r->body);
    tl_buf_free(&r->headers);
}

/* The value of header name (case-insensitive) into out, or "" if absent. */
static const char *header(const reply *r, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    size_t nl = strlen(name);
    for (const char *line = r->headers.data; line && *line;) {
        const char *end = strstr(line, "\r\n");
        if (!end)
            break;
        if ((size_t)(end - line) > nl + 1 && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            size_t len = (size_t)(end - v);
            if (len >= size)
                len = size - 1;
            memcpy(out, v, len);
            out[len] = '\0';
            return out;
        }
        line = end + 2;
    }
    return out;
}

static void assert_security_headers(const reply *r)
{
    char v[512];
    assert_non_null(strstr(header(r, "Content-Security-Policy", v, sizeof v), "default-src 'self'"));
    assert_non_null(strstr(v, "script-src 'self'"));
    assert_null(strstr(v, "unsafe-inline"));
    assert_string_equal(header(r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    assert_string_equal(header(r, "X-Frame-Options", v, sizeof v), "DENY");
    assert_string_equal(header(r, "Referrer-Policy", v, sizeof v), "no-referrer");
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "t.db");
    tl_server_opts o;
    tl_server_opts_default(&o);
    o.port = 0;
    o.db_path = f->db;
    tl_err err;
    if (tl_server_start(&o, &f->srv, &err)) {
        fprintf(stderr, "server: %s\n", err.msg);
        return -1;
    }
    f->port = tl_server_port(f->srv);
    f->curl = curl_easy_init();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    curl_easy_cleanup(f->curl);
    tl_server_stop(f->srv);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static const tl_static_file *table_file(const char *path)
{
    for (size_t i = 0; i < tl_static_files_count; i++)
        if (strcmp(tl_static_files[i].path, path) == 0)
            return &tl_static_files[i];
    return NULL;
}

static void test_index(void **state)
{
    fixture *f = *state;
    reply r;
    char v[512], etag[128];
    request(f, "GET", "/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_string_equal(header(&r, "Cache-Control", v, sizeof v), "no-cache");
    header(&r, "ETag", etag, sizeof etag);
    assert_true(strlen(etag) == 34 && etag[0] == '"' && etag[33] == '"');
    assert_security_headers(&r);
    assert_non_null(strstr(r.body.data, "<!doctype html>"));
    /* Assets are named under the current version, and no script is inline
     * (the CSP would refuse it). */
    char asset[128];
    snprintf(asset, sizeof asset, "/assets/%s/js/app.js", tl_static_version);
    assert_non_null(strstr(r.body.data, asset));
    assert_null(strstr(r.body.data, "@ASSETS@"));
    for (const char *s = strstr(r.body.data, "<script"); s; s = strstr(s + 1, "<script")) {
        const char *close = strchr(s, '>');
        assert_non_null(close);
        const char *src = strstr(s, " src=");
        assert_true(src && src < close);
    }
    const tl_static_file *idx = table_file("/index.html");
    assert_non_null(idx);
    assert_int_equal(r.body.len, idx->len);
    reply_free(&r);

    /* The same validator again: 304, no body. */
    char inm[160];
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    request(f, "GET", "/", inm, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body.len, 0);
    assert_string_equal(header(&r, "ETag", v, sizeof v), etag);
    reply_free(&r);
    /* One of a list, and a weak one, match too; another does not. */
    snprintf(inm, sizeof inm, "If-None-Match: \"abc\", W/%s", etag);
    request(f, "GET", "/", inm, &r);
    assert_int_equal(r.status, 304);
    reply_free(&r);
    request(f, "GET", "/", "If-None-Match: \"0123\"", &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    request(f, "GET", "/index.html", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, idx->len);
    reply_free(&r);
}

static void test_assets(void **state)
{
    fixture *f = *state;
    size_t checked = 0;
    bool js = false, css = false, chart = false;
    for (size_t i = 0; i < tl_static_files_count; i++) {
        const tl_static_file *sf = &tl_static_files[i];
        if (strcmp(sf->path, "/index.html") == 0)
            continue;
        char path[512], v[512];
        snprintf(path, sizeof path, "/assets/%s%s", tl_static_version, sf->path);
        reply r;
        request(f, "GET", path, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(header(&r, "Content-Type", v, sizeof v), sf->content_type);
        assert_string_equal(header(&r, "Cache-Control", v, sizeof v),
                            "public, max-age=31536000, immutable");
        assert_string_equal(header(&r, "ETag", v, sizeof v), sf->etag);
        assert_security_headers(&r);
        assert_int_equal(r.body.len, sf->len);
        assert_memory_equal(r.body.data, sf->data, sf->len);
        js |= strstr(sf->path, ".js") && strcmp(sf->content_type, "text/javascript; charset=utf-8") == 0;
        css |= strstr(sf->path, ".css") && strcmp(sf->content_type, "text/css; charset=utf-8") == 0;
        chart |= strcmp(sf->path, "/vendor/uPlot.esm.js") == 0;
        reply_free(&r);
        checked++;
    }
    assert_true(checked >= 5 && js && css && chart);

    /* A page loaded before an upgrade asks for an older version: it gets
     * today's file, to be revalidated rather than kept. */
    reply r;
    char v[128];
    request(f, "GET", "/assets/0123456789abcdef/js/app.js", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Cache-Control", v, sizeof v), "no-cache");
    reply_free(&r);

    /* A cached asset revalidates to 304. */
    const tl_static_file *app = table_file("/js/app.js");
    char path[256], inm[160];
    snprintf(path, sizeof path, "/assets/%s/js/app.js", tl_static_version);
    snprintf(inm, sizeof inm, "If-None-Match: %s", app->etag);
    request(f, "GET", path, inm, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body.len, 0);
    reply_free(&r);

    request(f, "GET", "/favicon.ico", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "image/svg+xml");
    reply_free(&r);
}

static void test_head(void **state)
{
    fixture *f = *state;
    reply r;
    char v[128];
    request(f, "HEAD", "/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    const tl_static_file *idx = table_file("/index.html");
    char len[32];
    snprintf(len, sizeof len, "%zu", idx->len);
    assert_string_equal(header(&r, "Content-Length", v, sizeof v), len);
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_security_headers(&r);
    reply_free(&r);
}

static void test_refused_paths(void **state)
{
    fixture *f = *state;
    const char *V = tl_static_version;
    struct {
        const char *fmt;
        long status;
    } cases[] = {
        {"/assets/%s/../index.html", 400},
        {"/assets/%s/js/../../../../etc/passwd", 400},
        {"/assets/%s/%%2e%%2e/%%2e%%2e/etc/passwd", 400},
        {"/assets/%s/%%2E%%2E%%2Fjs/app.js", 400},
        {"/assets/%s/js/app.js%%00.png", 400},
        {"/assets/%s/js\\app.js", 400},
        {"/assets/%s/js%%5capp.js", 400},
        {"/assets/%s//js/app.js", 400},
        {"/assets/%s/%%252e%%252e/index.html", 400},
        {"/assets/%s/js/app.js%%0d%%0aX-Injected:%%201", 400},
        {"/assets/%s/etc/passwd", 404},
        {"/assets/%s/index.html", 404},
        {"/assets/%s/js/", 404},
        {"/assets/%s", 404},
        {"/assets/", 404},
        {"/assets//js/app.js", 400},
        {"/assets/%s/JS/APP.JS", 404},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[512];
        snprintf(path, sizeof path, cases[i].fmt, V);
        reply r;
        request(f, "GET", path, NULL, &r);
        if (r.status != cases[i].status)
            fail_msg("%s: expected %ld, got %ld", path, cases[i].status, r.status);
        assert_non_null(strstr(r.body.data, "\"error\""));
        assert_null(strstr(r.headers.data, "X-Injected"));
        assert_security_headers(&r);
        reply_free(&r);
    }
}

static void test_methods_and_api(void **state)
{
    fixture *f = *state;
    reply r;
    char v[128];
    request(f, "POST", "/", NULL, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(header(&r, "Allow", v, sizeof v), "GET, HEAD");
    reply_free(&r);
    request(f, "DELETE", "/assets/x/js/app.js", NULL, &r);
    assert_int_equal(r.status, 405);
    reply_free(&r);
    /* The API beside the dashboard is unchanged. */
    request(f, "GET", "/api/v1/customers", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Type", v, sizeof v), "application/json");
    assert_non_null(strstr(r.body.data, "\"items\""));
    reply_free(&r);
    request(f, "GET", "/no/such/page", NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
}

/* Dashboard files are counted in /metrics under their own route. */
static void test_metrics(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    request(f, "GET", "/assets/x/..%2F..%2Fetc", NULL, &r);
    assert_int_equal(r.status, 400);
    reply_free(&r);
    request(f, "GET", "/metrics", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "tailor_http_requests_total{method=\"GET\","
                                        "route=\"dashboard\",status=\"2xx\"}"));
    assert_non_null(strstr(r.body.data, "tailor_http_requests_total{method=\"GET\","
                                        "route=\"dashboard\",status=\"4xx\"}"));
    assert_non_null(strstr(r.body.data, "tailor_http_request_seconds_count{route=\"dashboard\"}"));
    reply_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index),         cmocka_unit_test(test_assets),
        cmocka_unit_test(test_head),          cmocka_unit_test(test_refused_paths),
        cmocka_unit_test(test_methods_and_api), cmocka_unit_test(test_metrics),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
