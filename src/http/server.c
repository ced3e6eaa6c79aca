/* server.c — libmicrohttpd glue: request accumulation, per-thread store
 * connections, CORS, routing, metrics. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/str.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/static.h"
#include "recommend/engine.h"
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
};

/* Per-request state, created on the first callback. */
typedef struct request_state {
    tl_buf body;
    int too_big;
    struct timespec start;
} request_state;

void tl_server_opts_default(tl_server_opts *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 8000;
    o->threads = 2;
    o->max_body = 1u << 20;
    o->conn_limit = 1024;
    o->conn_timeout_s = 30;
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
    pthread_setspecific(s->store_key, st);
    return st;
}

static void add_common_headers(tl_server *s, struct MHD_Connection *conn,
                               struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (s->cors_origin) {
        const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
        if (origin && strcmp(origin, s->cors_origin) == 0) {
            MHD_add_response_header(resp, "Access-Control-Allow-Origin", s->cors_origin);
            MHD_add_response_header(resp, "Vary", "Origin");
        }
    }
}

static enum MHD_Result queue(tl_server *s, struct MHD_Connection *conn, tl_response *rs)
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
    add_common_headers(s, conn, resp);
    enum MHD_Result r = MHD_queue_response(conn, (unsigned)rs->status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result preflight(tl_server *s, struct MHD_Connection *conn)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    add_common_headers(s, conn, resp);
    MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, PUT, POST, DELETE");
    MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type, Authorization");
    MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
    enum MHD_Result r = MHD_queue_response(conn, MHD_HTTP_NO_CONTENT, resp);
    MHD_destroy_response(resp);
    return r;
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
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
        *con_cls = rqs;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!rqs->too_big && tl_buf_append(&rqs->body, upload_data, *upload_data_size))
            rqs->too_big = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "OPTIONS") == 0)
        return preflight(s, conn);
    if (tl_static_claims(url))
        return tl_static_serve(conn, method, url);   /* the dashboard: public files */

    tl_response rs = {.status = 200, .content_type = "application/json"};
    tl_buf_init(&rs.body, 256u << 20);
    int route_index = -1;
    if (rqs->too_big) {
        tl_respond_error(&rs, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
                         "request body larger than %zu bytes", s->opts.max_body);
    } else {
        const tl_route *route = NULL;
        tl_request rq = {.conn = conn, .method = method, .path = url, .engine = s->engine,
                         .body = rqs->body.data ? rqs->body.data : "",
                         .body_len = rqs->body.len};
        int m = tl_route_match(tl_routes, tl_routes_count, method, url, &route, &rq.params);
        if (m == TL_ROUTE_NOT_FOUND) {
            tl_respond_error(&rs, MHD_HTTP_NOT_FOUND, "not_found", "no route for %s %.200s",
                             method, url);
        } else if (m == TL_ROUTE_BAD_METHOD) {
            tl_respond_error(&rs, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                             "%s is not allowed on %.200s", method, url);
        } else if (m == TL_ROUTE_BAD_PARAM) {
            tl_respond_error(&rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                             "a path segment is empty or longer than %d bytes",
                             TL_ROUTE_PARAM_MAX - 1);
        } else {
            route_index = (int)(route - tl_routes);
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
    }
    tl_metrics_observe(route_index, rs.status, since(&rqs->start));
    enum MHD_Result r = queue(s, conn, &rs);
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
    tl_buf_free(&rqs->body);
    free(rqs);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    tl_log_warn("http: %s", line);
}

int tl_server_start(const tl_server_opts *o, tl_server **out, tl_err *err)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    const char *host = o->host ? o->host : "127.0.0.1";
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
    if ((rc = tl_engine_open(o->encoder, NULL, &s->engine, err)))
        goto fail;

    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)o->port,
        NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 2u,
        MHD_OPTION_CONNECTION_LIMIT, o->conn_limit ? o->conn_limit : 1024u,
        MHD_OPTION_CONNECTION_TIMEOUT, o->conn_timeout_s ? o->conn_timeout_s : 30u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64u << 10),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, tl_static_unescape, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
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
    tl_engine_close(s->engine);
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
    MHD_stop_daemon(s->daemon);
    for (store_slot *slot = s->stores, *next; slot; slot = next) {
        next = slot->next;
        tl_store_close(slot->st);
        free(slot);
    }
    tl_engine_close(s->engine);
    pthread_key_delete(s->store_key);
    pthread_mutex_destroy(&s->lock);
    free(s->db_path);
    free(s->cors_origin);
    free(s);
}
