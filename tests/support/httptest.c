/* httptest.c — see httptest.h. */
#include "testutil.h"
#include "httptest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ingest/import.h"

void tu_http_open(tu_http *h, int port)
{
    h->port = port;
    h->curl = curl_easy_init();
    assert_non_null(h->curl);
}

void tu_http_close(tu_http *h)
{
    if (h->curl)
        curl_easy_cleanup(h->curl);
    h->curl = NULL;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    return tl_buf_append(ud, p, size * n) ? 0 : size * n;
}

/* One request; the body is left in *b (initialised here, the caller frees
 * it). Returns the status. */
static long perform(tu_http *h, const char *method, const char *path, const char *body,
                    tl_buf *b)
{
    tl_buf_init(b, 64u << 20);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", h->port, path);
    CURL *c = h->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    struct curl_slist *hdrs = NULL;
    if (body) {
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(hdrs);
    if (rc != CURLE_OK) {
        tl_buf_free(b);
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

long tu_http_text(tu_http *h, const char *path, char **out)
{
    tl_buf b;
    long status = perform(h, "GET", path, NULL, &b);
    *out = malloc(b.len + 1);
    assert_non_null(*out);
    if (b.len)
        memcpy(*out, b.data, b.len);
    (*out)[b.len] = '\0';
    tl_buf_free(&b);
    return status;
}

long tu_http_call(tu_http *h, const char *method, const char *path, const char *body,
                  json_t **out)
{
    tl_buf b;
    long status = perform(h, method, path, body, &b);
    if (out) {
        *out = NULL;
        if (b.len) {
            json_error_t je;
            *out = json_loadb(b.data, b.len, 0, &je);
            if (!*out) {
                char head[201];
                snprintf(head, sizeof head, "%.*s", (int)(b.len < 200 ? b.len : 200), b.data);
                tl_buf_free(&b);
                fail_msg("%s %s: not JSON (%s): %s", method, path, je.text, head);
            }
        }
    }
    tl_buf_free(&b);
    return status;
}

json_t *tu_http_get_ok(tu_http *h, const char *path)
{
    json_t *j;
    long st = tu_http_call(h, "GET", path, NULL, &j);
    if (st != 200 || !j) {
        json_decref(j);
        fail_msg("GET %s: %ld", path, st);
    }
    return j;
}

json_t *tu_http_expect(tu_http *h, const char *method, const char *path, const char *body,
                       long status)
{
    json_t *j;
    long got = tu_http_call(h, method, path, body, &j);
    if (got != status) {
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        fail_msg("%s %s: status %ld, want %ld: %.300s", method, path, got, status,
                 text ? text : "");
    }
    if (!j)
        fail_msg("%s %s: empty reply", method, path);
    return j;
}

const char *tu_error_message(json_t *j)
{
    return json_string_value(json_object_get(json_object_get(j, "error"), "message"));
}

tl_server *tu_server_start(const char *db, int *port)
{
    tl_server_opts o;
    tl_server_opts_default(&o);
    o.port = 0;
    o.db_path = db;
    tl_server *s = NULL;
    tl_err err;
    if (tl_server_start(&o, &s, &err)) {
        fprintf(stderr, "server: %s\n", err.msg);
        return NULL;
    }
    *port = tl_server_port(s);
    return s;
}

int tu_seed_store(const char *dir, const char *name, char **db)
{
    *db = NULL;
    const char *seed = tu_shared_path("seed-data");
    if (!seed)
        return 1;
    *db = tu_join(dir, name);
    tl_source *src[8];
    size_t n = 0;
    tl_err err;
    if (tl_seed_sources(seed, src, &n, &err) || tl_import_run(*db, src, n, false, NULL, &err)) {
        fprintf(stderr, "seed import: %s\n", err.msg);
        return -1;
    }
    return 0;
}

int tu_served_open(tu_served *s, const char *name)
{
    memset(s, 0, sizeof *s);
    s->dir = tu_mkdtemp();
    int port = 0, rc = tu_seed_store(s->dir, name, &s->db);
    if (!rc && !(s->srv = tu_server_start(s->db, &port)))
        rc = -1;
    if (rc) {
        tu_served_close(s);
        return rc;
    }
    tu_http_open(&s->http, port);
    return 0;
}

void tu_served_close(tu_served *s)
{
    if (s->http.curl)
        tu_http_close(&s->http);
    tl_server_stop(s->srv);
    if (s->dir)
        tu_rmtree(s->dir);
    free(s->db);
    free(s->dir);
    memset(s, 0, sizeof *s);
}

int tu_served_setup(void **state)
{
    tu_served *f = calloc(1, sizeof *f);
    if (!f || tu_served_open(f, "t.db")) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int tu_served_teardown(void **state)
{
    tu_served *f = *state;
    if (!f)
        return 0;
    tu_served_close(f);
    free(f);
    return 0;
}
