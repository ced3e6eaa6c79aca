/* client.c — the chat-completions client. */
#include "llm/client.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/curl_lib.h"
#include "base/log.h"
#include "base/str.h"

#define REPLY_MAX (1u << 20)

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

typedef struct attempt {
    tl_buf body;
    long retry_after_ms;    /* -1 when absent */
} attempt;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    attempt *a = ud;
    return tl_buf_append(&a->body, p, size * n) ? 0 : size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    attempt *a = ud;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        char v[32];
        size_t vl = len - (sizeof name - 1);
        if (vl >= sizeof v)
            vl = sizeof v - 1;
        memcpy(v, p + sizeof name - 1, vl);
        v[vl] = '\0';
        double secs;
        /* Seconds only; an HTTP date falls back to our own backoff. */
        if (tl_parse_double(tl_strtrim(v), false, &secs) && secs >= 0 && secs < 86400)
            a->retry_after_ms = (long)(secs * 1000);
    }
    return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const volatile int *cancel = ud;
    return cancel && *cancel ? 1 : 0;
}

/* Waits ms unless cancelled; returns non-zero when cancelled. */
static int pause_ms(double ms, const volatile int *cancel)
{
    double end = now_ms() + ms;
    while (now_ms() < end) {
        if (cancel && *cancel)
            return 1;
        double left = end - now_ms();
        if (left > 50)
            left = 50;
        if (left > 0) {
            struct timespec ts = {0, (long)(left * 1e6)};
            nanosleep(&ts, NULL);
        }
    }
    return cancel && *cancel;
}

static char *request_body(const tl_llm_config *c, const char *system, const char *user,
                          int json_mode)
{
    json_t *o = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s}], s:i}", "model", c->model,
                          "messages", "role", "system", "content", system, "role", "user",
                          "content", user, "temperature", 0);
    if (o && json_mode)
        json_object_set_new(o, "response_format", json_pack("{s:s}", "type", "json_object"));
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

/* The assistant's content from a chat-completions reply, malloc'd. */
static char *reply_content(const char *body, size_t len)
{
    json_t *j = json_loadb(body, len, 0, NULL);
    json_t *msg = json_object_get(json_array_get(json_object_get(j, "choices"), 0), "message");
    const char *content = json_string_value(json_object_get(msg, "content"));
    char *out = content ? strdup(content) : NULL;
    json_decref(j);
    return out;
}

static const char *status_reason(long status)
{
    static const struct {
        long code;
        const char *name;
    } known[] = {{400, "http_400"}, {401, "http_401"}, {403, "http_403"}, {404, "http_404"},
                 {408, "http_408"}, {413, "http_413"}, {422, "http_422"}, {429, "http_429"},
                 {500, "http_500"}, {502, "http_502"}, {503, "http_503"}, {504, "http_504"}};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (known[i].code == status)
            return known[i].name;
    return status >= 500 ? "http_5xx" : "http_4xx";
}

int tl_llm_chat(const tl_llm_config *c, const char *system, const char *user,
                const volatile int *cancel, tl_llm_call *out)
{
    memset(out, 0, sizeof *out);
    double t0 = now_ms(), deadline = t0 + (double)c->timeout_ms;
    char url[600];
    snprintf(url, sizeof url, "%s/chat/completions", c->base_url);
    int json_mode = c->json_mode;
    const tl_curl_lib *cl;
    tl_err lib_err;
    if (tl_curl_lib_get(&cl, &lib_err) != TL_OK) {
        static atomic_int warned;   /* once per process, not per call */
        if (!atomic_exchange(&warned, 1))
            tl_log_warn("llm: %s", lib_err.msg);
        out->latency_ms = now_ms() - t0;
        out->failure = "connection";
        return -1;
    }
    char *body = request_body(c, system, user, json_mode);
    CURL *h = cl->easy_init();
    struct curl_slist *hdrs = cl->slist_append(NULL, "Content-Type: application/json");
    char auth[600];
    if (c->api_key[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->api_key);
        hdrs = cl->slist_append(hdrs, auth);
    }
    attempt a;
    tl_buf_init(&a.body, REPLY_MAX);
    const char *failure = "connection";
    if (!body || !h || !hdrs) {
        failure = "bad_response";
        goto done;
    }
    for (int n = 0; n < c->max_attempts; n++) {
        double left = deadline - now_ms();
        if (cancel && *cancel) {
            failure = "cancelled";
            break;
        }
        if (left < 20) {
            failure = n ? failure : "timeout";
            break;
        }
        tl_buf_reset(&a.body);
        a.retry_after_ms = -1;
        cl->easy_reset(h);
        cl->easy_setopt(h, CURLOPT_URL, url);
        cl->easy_setopt(h, CURLOPT_POST, 1L);
        cl->easy_setopt(h, CURLOPT_POSTFIELDS, body);
        cl->easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        cl->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        cl->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        cl->easy_setopt(h, CURLOPT_WRITEDATA, &a);
        cl->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        cl->easy_setopt(h, CURLOPT_HEADERDATA, &a);
        cl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        cl->easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        cl->easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        cl->easy_setopt(h, CURLOPT_XFERINFODATA, (void *)cancel);
        cl->easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);
        cl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(left < 3000 ? left : 3000));
        cl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        out->attempts++;
        CURLcode rc = cl->easy_perform(h);
        long status = 0;
        cl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        out->http_status = status;
        double wait = 250.0 * (double)(1 << n);
        if (rc == CURLE_ABORTED_BY_CALLBACK) {
            failure = "cancelled";
            break;
        } else if (rc == CURLE_OPERATION_TIMEDOUT) {
            failure = "timeout";
        } else if (rc != CURLE_OK) {
            failure = "connection";
        } else if (status >= 200 && status < 300) {
            out->content = reply_content(a.body.data ? a.body.data : "", a.body.len);
            if (out->content)
                break;
            failure = "bad_response";
            break;
        } else if (status == 400 && json_mode) {
            /* Some servers reject response_format: ask once more without
             * it; the reply is validated as JSON either way. */
            json_mode = 0;
            free(body);
            body = request_body(c, system, user, 0);
            failure = status_reason(status);
            if (!body)
                break;
            wait = 0;
        } else if (status == 429) {
            failure = "http_429";
            if (a.retry_after_ms >= 0)
                wait = (double)(a.retry_after_ms < c->retry_after_cap_ms ? a.retry_after_ms
                                                                        : c->retry_after_cap_ms);
        } else if (status >= 500) {
            failure = status_reason(status);
        } else {
            failure = status_reason(status);   /* other 4xx: retrying will not help */
            break;
        }
        tl_log_debug("llm: attempt %d failed (%s)", n + 1, failure);
        if (n + 1 >= c->max_attempts)
            break;
        if (now_ms() + wait >= deadline)
            break;   /* the deadline comes first: report what failed */
        if (pause_ms(wait, cancel)) {
            failure = "cancelled";
            break;
        }
    }
done:
    out->latency_ms = now_ms() - t0;
    if (!out->content)
        out->failure = failure;
    tl_buf_free(&a.body);
    cl->slist_free_all(hdrs);
    cl->easy_cleanup(h);
    free(body);
    return out->content ? 0 : -1;
}

void tl_llm_call_free(tl_llm_call *out)
{
    if (!out)
        return;
    free(out->content);
    out->content = NULL;
}
