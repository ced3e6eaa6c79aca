/* static.c — the dashboard, served from the table compiled into the binary
 * (static_files.h). Lookups are exact string matches against that table, so
 * no request can reach the file system; paths that look like an attempt to
 * leave it are refused outright rather than normalised. */
#include "http/static.h"

#include <string.h>

#include "http/static_files.h"

#define ASSETS_PREFIX "/assets/"

/* default-src 'self' with no inline script or style: every script is a
 * module file from this server, the API is same-origin. */
static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static void security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status,
                              const tl_static_file *f, const char *cache, bool body)
{
    struct MHD_Response *resp;
    if (f && body)
        resp = MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    if (f) {
        if (body)
            MHD_add_response_header(resp, "Content-Type", f->content_type);
        MHD_add_response_header(resp, "ETag", f->etag);
        MHD_add_response_header(resp, "Cache-Control", cache);
    }
    security_headers(resp);
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

/* Errors in the API's JSON shape; the texts are fixed (nothing of the
 * request is echoed back). */
static enum MHD_Result error(struct MHD_Connection *conn, unsigned status, const char *json)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(json), (void *)json, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (status == 405)
        MHD_add_response_header(resp, "Allow", "GET, HEAD");
    security_headers(resp);
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

bool tl_static_claims(const char *url)
{
    return strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0 ||
           strcmp(url, "/favicon.ico") == 0 ||
           strncmp(url, ASSETS_PREFIX, strlen(ASSETS_PREFIX)) == 0;
}

/* A path the table could hold: printable ASCII, no backslash, no '%' (a
 * second round of encoding), no "..", no empty segment. */
static bool path_ok(const char *p)
{
    for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
        if (*c < 0x20 || *c >= 0x7f || *c == '\\' || *c == '%')
            return false;
        if (*c == '/' && c[1] == '/')
            return false;
    }
    return strstr(p, "..") == NULL;
}

static const tl_static_file *find(const char *path)
{
    for (size_t i = 0; i < tl_static_files_count; i++)
        if (strcmp(tl_static_files[i].path, path) == 0)
            return &tl_static_files[i];
    return NULL;
}

bool tl_static_etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    size_t n = strlen(etag);
    if (n == 0)
        return false;
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag)) {
        /* Whole list items only: preceded by start, ',', ' ' or "W/". */
        bool start = p == inm || p[-1] == ',' || p[-1] == ' ' || p[-1] == '/';
        bool end = p[n] == '\0' || p[n] == ',' || p[n] == ' ';
        if (start && end)
            return true;
    }
    return false;
}

int tl_static_resolve(const char *url, const tl_static_file **file, const char **cache_control)
{
    *file = NULL;
    *cache_control = "no-cache";
    if (!path_ok(url))
        return 400;
    const tl_static_file *f = NULL;
    if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
        f = find("/index.html");
    } else if (strcmp(url, "/favicon.ico") == 0) {
        f = find("/img/favicon.svg");
    } else if (strncmp(url, ASSETS_PREFIX, strlen(ASSETS_PREFIX)) == 0) {
        /* /assets/<version>/<file>: the current version may be cached for
         * good; another (a page loaded before an upgrade) gets today's file
         * but must revalidate. */
        const char *v = url + strlen(ASSETS_PREFIX);
        const char *slash = strchr(v, '/');
        if (slash && slash > v && strcmp(slash, "/index.html") != 0) {
            f = find(slash);
            size_t vlen = (size_t)(slash - v);
            if (f && vlen == strlen(tl_static_version) &&
                strncmp(v, tl_static_version, vlen) == 0)
                *cache_control = "public, max-age=31536000, immutable";
        }
    }
    if (!f)
        return 404;
    *file = f;
    return 200;
}

enum MHD_Result tl_static_serve(struct MHD_Connection *conn, const char *method,
                                const char *url, int *status_out)
{
    static const char bad[] = "{\"error\":{\"code\":\"bad_request\",\"message\":"
                              "\"the path is not a plain dashboard file name\"}}";
    static const char missing[] = "{\"error\":{\"code\":\"not_found\",\"message\":"
                                  "\"no dashboard file at this path\"}}";
    static const char method_bad[] = "{\"error\":{\"code\":\"method_not_allowed\","
                                     "\"message\":\"dashboard files allow GET and HEAD\"}}";
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return error(conn, *status_out = 405, method_bad);
    const tl_static_file *f;
    const char *cache;
    int status = tl_static_resolve(url, &f, &cache);
    if (status == 400)
        return error(conn, *status_out = 400, bad);
    if (status != 200)
        return error(conn, *status_out = 404, missing);
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    if (tl_static_etag_matches(inm, f->etag))
        return answer(conn, *status_out = 304, f, cache, false);
    /* HEAD: libmicrohttpd sends the headers (and length) without the body. */
    return answer(conn, *status_out = 200, f, cache, true);
}

size_t tl_static_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls, (void)conn;
    size_t n = MHD_http_unescape(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = 0x7f;
    return n;
}
