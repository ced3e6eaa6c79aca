/* server.h — the HTTP/JSON server (libmicrohttpd, epoll + thread pool).
 *
 * Each worker thread opens its own store connection on first use; all are
 * closed by tl_server_stop. Responses are queued only once a request is
 * complete, so keep-alive survives; bodies over max_body get 413. Each
 * request is authorised on its headers (token, role, rate limit) before its
 * body is read; see docs/auth.md. */
#ifndef TL_HTTP_SERVER_H
#define TL_HTTP_SERVER_H

#include <stddef.h>

#include "base/err.h"
#include "govern/tokens.h"

typedef struct tl_server_opts {
    const char *host;          /* default "127.0.0.1" */
    int port;                  /* 0 picks a free port; see tl_server_port */
    const char *db_path;       /* required */
    unsigned threads;          /* worker threads, default one per core (2 to 16) */
    const char *cors_origin;   /* allowed Origin, or NULL for same origin only */
    size_t max_body;           /* bytes, default 1 MiB */
    unsigned conn_limit;       /* default 1024 */
    unsigned conn_timeout_s;   /* idle timeout (also a stalled request), default 30 */
    const char *encoder;       /* "builtin" (default) or a model folder */
    const tl_tokens *tokens;   /* API tokens, borrowed (must outlive the server);
                                  NULL or empty: no auth, and only a loopback
                                  host may be bound */
    double rate_limit;         /* requests/s per token (per client address for
                                  requests without one), burst 2x; 0 = off */
    unsigned max_conn_per_ip;  /* connections per client address, default 64 */
    size_t max_header;         /* connection memory for the request line and
                                  headers, default 16 KiB; past it 431 */
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
