/* server.c — libmicrohttpd glue: request accumulation, per-thread store
 * connections, authorisation, security headers, CORS, routing, metrics. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cores.h"
#include "base/log.h"
#include "base/str.h"
#include "govern/access.h"
#include "govern/ratelimit.h"
#include "http/async.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/rollout_cache.h"
#include "http/static.h"
#include "llm/config.h"
#include "llm/service.h"
#include "recommend/engine.h"
#include "store/checkpointer.h"
#include "store/store.h"

/* Store connections opened by worker threads, closed at stop. */
typedef struct store_slot {
    tl_store *st;
    struct store_slot *next;
} store_slot;

struct tl_server {
    struct MHD_Daemon *daemon;
    tl_server_opts opts;
    char *db_path;
    char *cors_origin;
    int port;
    pthread_key_t store_key;
    pthread_mutex_t lock;
    store_slot *stores;
    tl_engine *engine;
    tl_ratelimit *limiter;   /* NULL when rate limiting is off */
    tl_llm_service *llm;     /* NULL when no LLM is configured */
    tl_checkpointer *ckpt;   /* checkpoints for the request threads' connections */
};

/* Per-request state, created on the first callback. */
typedef struct request_state {
    tl_buf body;
    int too_big;
    struct timespec start;
    int match;                 /* tl_route_match's result */
    const tl_route *route;     /* when match is TL_ROUTE_FOUND */
    tl_route_params params;
    tl_auth auth;              /* who is calling */
    int deny;                  /* 0, or 401/403/429: answered without the handler */
    int retry_after;           /* seconds, with 429 */
    tl_pending *pending;       /* suspended while an LLM worker finishes it */
} request_state;

/* One worker per online core, between 2 (a request
 * waiting on the disk leaves another to run) and 16. Reads scale with
 * them; writes take turns at the store's gate (store/write_gate.h). */
static unsigned default_threads(void)
{
    return tl_online_cores(2, 16);
}

void tl_server_opts_default(tl_server_opts *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 8000;
    o->threads = default_threads();
    o->max_body = 1u << 20;
    o->conn_limit = 1024;
    o->conn_timeout_s = 30;
    o->max_conn_per_ip = 64;
    o->max_header = 16u << 10;
}

/* This thread's store connection, opened on first use. */
static tl_store *thread_store(tl_server *s, tl_err *err)
{
    tl_store *st = pthread_getspecific(s->store_key);
    if (st)
        return st;
    if (tl_store_open(s->db_path, TL_STORE_CREATE, &st, err))
        return NULL;
    store_slot *slot = malloc(sizeof *slot);
    if (!slot) {
        tl_store_close(st);
        tl_err_set(err, TL_ENOMEM, "out of memory");
        return NULL;
    }
    slot->st = st;
    pthread_mutex_lock(&s->lock);
    slot->next = s->stores;
    s->stores = slot;
    pthread_mutex_unlock(&s->lock);
    tl_checkpointer_adopt(s->ckpt, st);
    pthread_setspecific(s->store_key, st);
    return st;
}

/* The header policy, keyed on what the body is. API answers (JSON, the
 * metrics text, empty preflights) are never cached and never rendered as a
 * page; anything else is the dashboard (HTML, scripts, styles), which may
 * load only from this origin. Neither may be framed. */
static void add_security_headers(struct MHD_Response *resp, const char *content_type)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    int api = !content_type || strncmp(content_type, "application/json", 16) == 0 ||
              strncmp(content_type, "text/plain", 10) == 0;
    if (api) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; frame-ancestors 'none'");
    } else {
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    }
}

/* CORS only for the one configured origin; no wildcard. */
static void add_cors_headers(tl_server *s, struct MHD_Connection *conn,
                             struct MHD_Response *resp)
{
    if (s->cors_origin) {
        const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
        if (origin && strcmp(origin, s->cors_origin) == 0) {
            MHD_add_response_header(resp, "Access-Control-Allow-Origin", s->cors_origin);
            MHD_add_response_header(resp, "Vary", "Origin");
        }
    }
}

static enum MHD_Result queue(tl_server *s, struct MHD_Connection *conn, tl_response *rs,
                             const request_state *rqs)
{
    size_t len;
    char *body = tl_buf_steal(&rs->body, &len);
    if (!body)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", rs->content_type);
    add_security_headers(resp, rs->content_type);
    add_cors_headers(s, conn, resp);
    if (rs->status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                rqs->auth.challenge ? rqs->auth.challenge
                                                    : "Bearer realm=\"tailor\"");
    if (rs->status == MHD_HTTP_TOO_MANY_REQUESTS) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", rqs->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    enum MHD_Result r = MHD_queue_response(conn, (unsigned)rs->status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result preflight(tl_server *s, struct MHD_Connection *conn)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    add_security_headers(resp, NULL);
    add_cors_headers(s, conn, resp);
    MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, PUT, POST, DELETE");
    MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type, Authorization");
    MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
    enum MHD_Result r = MHD_queue_response(conn, MHD_HTTP_NO_CONTENT, resp);
    MHD_destroy_response(resp);
    return r;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The client's address as the rate-limit key of requests without a valid
 * token. Never logged. */
static void client_key(struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "?";
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                  sizeof addr);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr,
                  sizeof addr);
    snprintf(out, size, "ip:%s", addr);
}

/* Decides on the headers alone whether the request may run: which route,
 * which token and role (401/403), and the caller's rate limit (429). Runs
 * once per request, before the body is read, so the body of a refused
 * request is discarded rather than buffered. */
static void authorize(tl_server *s, struct MHD_Connection *conn, const char *method,
                      const char *url, request_state *rqs)
{
    rqs->match = tl_route_match(tl_routes, tl_routes_count, method, url, &rqs->route,
                                &rqs->params);
    /* On an unknown path any valid token may learn that it is unknown. */
    unsigned access = rqs->match == TL_ROUTE_FOUND ? rqs->route->access : TL_ACCESS_APP;
    const char *authz =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    tl_auth_check(s->opts.tokens, authz, access, &rqs->auth);
    rqs->deny = rqs->auth.status;
    if (s->limiter) {
        char key[80];
        if (rqs->auth.role != TL_ROLE_NONE)
            snprintf(key, sizeof key, "t:%s", rqs->auth.fp);
        else
            client_key(conn, key, sizeof key);
        int wait = tl_ratelimit_take(s->limiter, key, now_s());
        if (wait) {
            rqs->deny = MHD_HTTP_TOO_MANY_REQUESTS;
            rqs->retry_after = wait;
        }
    }
}

static void respond_denied(tl_server *s, const char *method, const request_state *rqs,
                           tl_response *rs)
{
    if (rqs->deny == MHD_HTTP_TOO_MANY_REQUESTS) {
        tl_respond_error(rs, MHD_HTTP_TOO_MANY_REQUESTS, "rate_limited",
                         "more than %g requests per second; retry in %d s", s->opts.rate_limit,
                         rqs->retry_after);
    } else if (rqs->deny == MHD_HTTP_FORBIDDEN) {
        char allowed[48];
        tl_access_describe(rqs->route->access, allowed, sizeof allowed);
        tl_respond_error(rs, MHD_HTTP_FORBIDDEN, "forbidden",
                         "role %s may not call %s %s (allowed: %s)",
                         tl_role_name(rqs->auth.role), method, rqs->route->pattern, allowed);
    } else {
        tl_respond_error(rs, MHD_HTTP_UNAUTHORIZED, "unauthorized", "%s", rqs->auth.reason);
    }
}

/* The first query argument the route does not read (tl_route.query), or
 * NULL. `cls` is an unknown_arg; MHD stops iterating when this answers
 * MHD_NO. */
typedef struct unknown_arg {
    const tl_route *route;
    const char *name;   /* borrowed from the connection */
} unknown_arg;

static enum MHD_Result find_unknown(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    (void)value;
    unknown_arg *u = cls;
    /* An empty name ("?&q=x") carries nothing: let it pass. */
    if (!*key || tl_route_query_known(u->route, key))
        return MHD_YES;
    u->name = key;
    return MHD_NO;
}

/* Answers 400 naming the first query argument the route does not take, and
 * what it does take. Returns 1 when it answered. */
static int refuse_unknown_arg(struct MHD_Connection *conn, const char *method, const char *url,
                              const tl_route *route, tl_response *rs)
{
    unknown_arg u = {.route = route, .name = NULL};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, find_unknown, &u);
    if (!u.name)
        return 0;
    if (!*route->query)
        tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                         "unknown query parameter '%.100s': %s %.200s takes none", u.name, method,
                         url);
    else
        tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                         "unknown query parameter '%.100s' for %s %.200s (it takes: %s)", u.name,
                         method, url, route->query);
    return 1;
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Counts, logs and queues a finished response. */
static enum MHD_Result finish_request(tl_server *s, struct MHD_Connection *conn,
                                      const char *method, request_state *rqs, tl_response *rs)
{
    const tl_route *route = rqs->match == TL_ROUTE_FOUND ? rqs->route : NULL;
    double secs = since(&rqs->start);
    tl_metrics_observe(route ? (int)(route - tl_routes) : -1, rs->status, secs);
    /* The access log names the route's pattern, never the path (IDs are
     * personal data), and the caller by role and token fingerprint, never
     * by token. */
    tl_log_debug("http: %s %s %d %s%s%s %.1f ms", method, route ? route->pattern : "(unrouted)",
                 rs->status, tl_role_name(rqs->auth.role), rqs->auth.fp[0] ? " token " : "",
                 rqs->auth.fp, secs * 1e3);
    return queue(s, conn, rs, rqs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    tl_server *s = cls;
    request_state *rqs = *con_cls;
    if (!rqs) {
        /* First call: headers only. Answering now would close keep-alive. */
        rqs = calloc(1, sizeof *rqs);
        if (!rqs)
            return MHD_NO;
        tl_buf_init(&rqs->body, s->opts.max_body);
        clock_gettime(CLOCK_MONOTONIC, &rqs->start);
        /* CORS preflights carry no credentials, so they are not checked;
         * nor are the dashboard's files, which are public (the API calls
         * they make carry the token). */
        if (strcmp(method, "OPTIONS") != 0 && !tl_static_claims(url))
            authorize(s, conn, method, url, rqs);
        *con_cls = rqs;
        return MHD_YES;
    }
    if (rqs->pending) {
        /* Resumed: the LLM worker has written the final response. */
        tl_response done = {.status = 200};
        tl_async_finish(rqs->pending, &done);
        rqs->pending = NULL;
        enum MHD_Result r = finish_request(s, conn, method, rqs, &done);
        tl_buf_free(&done.body);
        return r;
    }
    if (*upload_data_size) {
        /* The idle timeout alone would let a client drip a body a byte at a
         * time forever: the whole body gets twice that, once. */
        unsigned idle = s->opts.conn_timeout_s ? s->opts.conn_timeout_s : 30u;
        if (since(&rqs->start) > 2.0 * idle)
            return MHD_NO;
        if (!rqs->deny && !rqs->too_big &&
            tl_buf_append(&rqs->body, upload_data, *upload_data_size))
            rqs->too_big = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "OPTIONS") == 0)
        return preflight(s, conn);
    if (tl_static_claims(url)) {
        /* The dashboard: public files, counted under their own route. */
        int status = 0;
        enum MHD_Result r = tl_static_serve(conn, method, url, &status);
        tl_metrics_observe(TL_METRICS_DASHBOARD, status, since(&rqs->start));
        return r;
    }

    tl_response rs = {.status = 200, .content_type = "application/json"};
    tl_buf_init(&rs.body, 256u << 20);
    const tl_route *route = rqs->match == TL_ROUTE_FOUND ? rqs->route : NULL;
    if (rqs->deny) {
        respond_denied(s, method, rqs, &rs);
    } else if (rqs->too_big) {
        tl_respond_error(&rs, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                         "request body larger than %zu bytes", s->opts.max_body);
    } else if (rqs->match == TL_ROUTE_NOT_FOUND) {
        tl_respond_error(&rs, MHD_HTTP_NOT_FOUND, "not_found", "no route for %s %.200s", method,
                         url);
    } else if (rqs->match == TL_ROUTE_BAD_METHOD) {
        tl_respond_error(&rs, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                         "%s is not allowed on %.200s", method, url);
    } else if (rqs->match == TL_ROUTE_BAD_PARAM) {
        tl_respond_error(&rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                         "a path segment is empty or longer than %d bytes",
                         TL_ROUTE_PARAM_MAX - 1);
    } else if (refuse_unknown_arg(conn, method, url, route, &rs)) {
        /* answered 400 */
    } else {
        tl_request rq = {.conn = conn, .method = method, .path = url, .route = route,
                         .engine = s->engine, .params = rqs->params, .llm = s->llm,
                         .body = rqs->body.data ? rqs->body.data : "",
                         .body_len = rqs->body.len};
        tl_err err;
        tl_err_clear(&err);
        rq.st = thread_store(s, &err);
        /* Reads share one snapshot: one lock per request, not one per
         * statement, and a consistent view across the handler's
         * queries. Writers manage their own transactions. */
        int snapshot = strcmp(method, "GET") == 0;
        if (!rq.st || (snapshot && tl_store_read_begin(rq.st, &err))) {
            tl_respond_from_err(&rs, err.code, err.msg);
        } else {
            tl_handlers[route->handler](&rq, &rs);
            if (snapshot)
                tl_store_read_end(rq.st);
        }
    }
    if (rs.deferred && (rqs->pending = tl_async_start(s->llm, conn, &rs)))
        return MHD_YES;
    enum MHD_Result r = finish_request(s, conn, method, rqs, &rs);
    tl_buf_free(&rs.body);
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    request_state *rqs = *con_cls;
    if (!rqs)
        return;
    tl_async_free(rqs->pending);
    tl_buf_free(&rqs->body);
    free(rqs);
    *con_cls = NULL;
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls, (void)conn;
    return tl_route_unescape(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    /* Some of the library's messages name the request's URL. */
    char safe[512];
    tl_log_scrub(line, safe, sizeof safe);
    tl_log_warn("http: %s", safe);
}

int tl_server_start(const tl_server_opts *o, tl_server **out, tl_err *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    const char *host = o->host ? o->host : "127.0.0.1";
    if (tl_tokens_count(o->tokens) == 0 && !tl_host_is_loopback(host))
        return tl_err_set(err, TL_EUSAGE,
                          "refusing to listen on %.100s without API tokens (anyone who can reach "
                          "it could read every customer): configure --tokens FILE or "
                          "TAILOR_TOKENS, or bind 127.0.0.1",
                          host);
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return tl_err_set(err, TL_EINPUT, "--host: not an IPv4 address: %s", host);
    if (o->port < 0 || o->port > 65535)
        return tl_err_set(err, TL_EINPUT, "--port: %d is not a port (0-65535)", o->port);
    tl_server *s = calloc(1, sizeof *s);
    if (!s)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    s->opts = *o;
    s->db_path = strdup(o->db_path);
    s->cors_origin = o->cors_origin ? strdup(o->cors_origin) : NULL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_key_create(&s->store_key, NULL);

    /* Open (create and migrate) once up front so a bad store fails now,
     * not on the first request. */
    tl_store *probe;
    int rc = tl_store_open(s->db_path, TL_STORE_CREATE, &probe, err);
    if (rc)
        goto fail;
    tl_store_close(probe);
    if ((rc = tl_checkpointer_start(s->db_path, TL_STORE_LOG_BYTES, &s->ckpt, err)))
        goto fail;
    if ((rc = tl_engine_open(o->encoder, NULL, &s->engine, err)))
        goto fail;
    if (o->rate_limit > 0 &&
        (rc = tl_ratelimit_new(o->rate_limit, 4096, &s->limiter, err)))
        goto fail;
    tl_llm_config llm;
    if ((rc = tl_llm_config_from_env(&llm, err)))
        goto fail;
    if (llm.enabled && (rc = tl_llm_service_open(&llm, s->db_path, 4, 256, &s->llm, err)))
        goto fail;
    if (llm.enabled)   /* the model only: URLs may carry credentials */
        tl_log_info("llm: friendlier texts by %s on request (deadline %ld ms)", llm.model,
                    llm.timeout_ms);

    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t)o->port, NULL, NULL, on_request, s,
        /* First, so that every message of the library goes through our log
         * (one format, and nothing about requests it was not meant to say). */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : default_threads(),
        MHD_OPTION_CONNECTION_LIMIT, o->conn_limit ? o->conn_limit : 1024u,
        MHD_OPTION_CONNECTION_TIMEOUT, o->conn_timeout_s ? o->conn_timeout_s : 30u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_conn_per_ip ? o->max_conn_per_ip : 64u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header ? o->max_header : (size_t)(16u << 10),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (!s->daemon) {
        rc = tl_err_set(err, TL_EIO, "cannot listen on %s:%d (in use, or not allowed)", host,
                        o->port);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : o->port;
    *out = s;
    return TL_OK;
fail:
    tl_ratelimit_free(s->limiter);
    tl_llm_service_close(s->llm);
    tl_engine_close(s->engine);
    tl_checkpointer_stop(s->ckpt);
    pthread_key_delete(s->store_key);
    pthread_mutex_destroy(&s->lock);
    free(s->db_path);
    free(s->cors_origin);
    free(s);
    return rc;
}

int tl_server_port(const tl_server *s)
{
    return s->port;
}

void tl_server_stop(tl_server *s)
{
    if (!s)
        return;
    /* LLM jobs first: they are cancelled, resume their connections and
     * end before the daemon closes those. The service itself is freed only
     * once the daemon's threads, which still read it, are gone. */
    tl_llm_service_stop(s->llm);
    MHD_stop_daemon(s->daemon);
    tl_llm_service_close(s->llm);
    for (store_slot *slot = s->stores, *next; slot; slot = next) {
        next = slot->next;
        tl_store_close(slot->st);
        free(slot);
    }
    /* After the connections it was checkpointing for are closed. */
    tl_checkpointer_stop(s->ckpt);
    tl_rollout_report_cache_clear();
    tl_engine_close(s->engine);
    tl_ratelimit_free(s->limiter);
    pthread_key_delete(s->store_key);
    pthread_mutex_destroy(&s->lock);
    free(s->db_path);
    free(s->cors_origin);
    free(s);
}
