/* server.h — the HTTP/JSON server (libmicrohttpd, epoll + thread pool).
 *
 * Each worker thread opens its own store connection on first use; all are
 * closed by tl_server_stop. Responses are queued only once a request is
 * complete, so keep-alive survives; bodies over max_body get 413. */
#ifndef TL_HTTP_SERVER_H
#define TL_HTTP_SERVER_H

#include <stddef.h>

#include "base/err.h"

typedef struct tl_server_opts {
    const char *host;          /* default "127.0.0.1" */
    int port;                  /* 0 picks a free port; see tl_server_port */
    const char *db_path;       /* required */
    unsigned threads;          /* worker threads, default 2 */
    const char *cors_origin;   /* allowed Origin, or NULL for same origin only */
    size_t max_body;           /* bytes, default 1 MiB */
    unsigned conn_limit;       /* default 1024 */
    unsigned conn_timeout_s;   /* idle keep-alive timeout, default 30 */
    const char *encoder;       /* "builtin" (default) or a model folder */
} tl_server_opts;

typedef struct tl_server tl_server;

void tl_server_opts_default(tl_server_opts *o);

/* Starts serving in background threads. *out owned by the caller; stop and
 * free it with tl_server_stop. Reads the optional LLM's configuration from
 * the environment (llm/config.h); a malformed one is TL_EINPUT. */
int tl_server_start(const tl_server_opts *o, tl_server **out, tl_err *err);

/* The port actually bound. */
int tl_server_port(const tl_server *s);

/* Stops accepting, waits for in-flight requests, closes store connections,
 * frees. Accepts NULL. */
void tl_server_stop(tl_server *s);

#endif
