/* response.c — building JSON responses and errors. */
#include "http/request.h"

#include <assert.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/json_write.h"
#include "base/log.h"
#include "base/str.h"

const char *tl_request_arg(const tl_request *rq, const char *name)
{
    /* A handler reading an argument its route does not list would never
     * see it (the server refuses the request first): the list in routes.c
     * is out of step with the handler. Caught in debug builds, which the
     * tests use. */
    assert(!rq->route || tl_route_query_known(rq->route, name));
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *tl_request_json_body(const tl_request *rq, tl_response *rs)
{
    json_error_t je;
    json_t *body = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!body)
        tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_json", "body:%d:%d: %s", je.line,
                         je.column, je.text);
    return body;
}

int tl_request_int_arg(const tl_request *rq, tl_response *rs, const char *name, long long lo,
                       long long hi, long long *out)
{
    const char *v = tl_request_arg(rq, name);
    if (!v)
        return 0;
    int64_t x;
    if (!tl_parse_i64(v, &x) || x < lo || x > hi) {
        tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                         "query parameter %s must be an integer in %lld..%lld, got \"%.40s\"",
                         name, lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

int tl_request_flag(const tl_request *rq, const char *name)
{
    const char *v = tl_request_arg(rq, name);
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "yes") == 0);
}

int tl_respond_json(tl_response *rs, int status, json_t *value)
{
    tl_buf_reset(&rs->body);
    rs->status = status;
    rs->content_type = "application/json";
    /* 12 significant digits: 0.054, not 0.053999999999999999. */
    if (!value || tl_json_write(&rs->body, value, 12) != 0) {
        json_decref(value);
        tl_buf_reset(&rs->body);
        rs->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        tl_buf_puts(&rs->body, "{\"error\":{\"code\":\"internal\",\"message\":\"could not "
                               "encode the response\"}}");
        return 0;
    }
    json_decref(value);
    return 0;
}

int tl_respond_json_text(tl_response *rs, int status, const char *text, size_t len)
{
    tl_buf_reset(&rs->body);
    rs->status = status;
    rs->content_type = "application/json";
    if (tl_buf_append(&rs->body, text, len))
        return tl_respond_error(rs, 500, "internal", "response too large");
    return 0;
}

int tl_respond_error(tl_response *rs, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A message may quote request text (an ID in the path) that is not
     * UTF-8, which JSON cannot carry: such bytes become '?'. */
    json_t *m = json_string(msg);
    if (!m) {
        for (char *p = msg; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        m = json_string(msg);
    }
    return tl_respond_json(rs, status,
                           json_pack("{s:{s:s, s:o}}", "error", "code", code, "message", m));
}

void tl_log_scrub(const char *msg, char *out, size_t size)
{
    size_t o = 0;
    char open = 0;
    for (const char *p = msg; *p && o + 6 < size; p++) {
        if (open) {
            /* `quoted' (libmicrohttpd's style) closes with an apostrophe. */
            if (*p == open || (open == '`' && *p == '\'')) {
                memcpy(out + o, "...", 3);
                o += 3;
                out[o++] = *p;
                open = 0;
            }
            continue;
        }
        if (*p == '\'' || *p == '"' || *p == '`') {
            open = *p;
        } else if (*p == '/') {
            /* A URL path: its segments can be customer IDs. */
            while (p[1] && p[1] != ' ' && p[1] != '\'' && p[1] != '"' && p[1] != '`')
                p++;
            memcpy(out + o, "/...", 4);
            o += 4;
            continue;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

int tl_respond_from_err(tl_response *rs, int code, const char *msg)
{
    if (code == TL_ENOTFOUND)
        return tl_respond_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "%s", msg);
    if (code == TL_EINPUT)
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request", "%s", msg);
    if (code == TL_ECONFLICT)
        return tl_respond_error(rs, MHD_HTTP_CONFLICT, "conflict", "%s", msg);
    char safe[TL_ERR_MSG_MAX];
    tl_log_scrub(msg, safe, sizeof safe);
    tl_log_error("request failed: %s", safe);
    return tl_respond_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                            "internal error; see the server log");
}
