/* request.h — what a handler sees of a request, and what it answers.
 * Private to src/http/. */
#ifndef TL_HTTP_REQUEST_H
#define TL_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "http/router.h"
#include "store/store.h"

struct MHD_Connection;
struct tl_llm_service;
struct tl_deferred;

typedef struct tl_request {
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const tl_route *route;   /* the matched route (routes.c), or NULL */
    tl_route_params params;
    const char *body;        /* NUL-terminated, may be "" */
    size_t body_len;
    tl_store *st;            /* this worker thread's connection */
    struct tl_engine *engine;/* the recommender, shared by all threads */
    struct tl_llm_service *llm; /* LLM workers, or NULL when no LLM is configured */
} tl_request;

typedef struct tl_response {
    int status;
    const char *content_type;  /* static */
    tl_buf body;               /* owned; handed to the HTTP library */
    struct tl_deferred *deferred; /* work to finish off the HTTP thread (async.h), or NULL */
} tl_response;

/* A query-string argument, or NULL. Valid for the request's lifetime. */
const char *tl_request_arg(const tl_request *rq, const char *name);

/* An optional integer argument within [lo, hi] into *out (left as it is
 * when absent). Returns 0, or -1 after answering 400. */
int tl_request_int_arg(const tl_request *rq, struct tl_response *rs, const char *name,
                       long long lo, long long hi, long long *out);

/* The request's body parsed as JSON (duplicate keys refused): a new
 * reference, or NULL after answering 400 bad_json with "body:LINE:COLUMN:
 * what". */
json_t *tl_request_json_body(const tl_request *rq, struct tl_response *rs);

/* 1 when the argument is "true", "1" or "yes". */
int tl_request_flag(const tl_request *rq, const char *name);

/* Sets a JSON body from a new reference (stolen) with status. Returns 0. */
int tl_respond_json(tl_response *rs, int status, json_t *value);

/* Sets a raw JSON text body (copied). */
int tl_respond_json_text(tl_response *rs, int status, const char *text, size_t len);

/* {"error":{"code":code,"message":msg}} with status. */
int tl_respond_error(tl_response *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Maps a store/module error to a response: TL_ENOTFOUND → 404,
 * TL_EINPUT → 400, else 500 (message logged, not shown). */
int tl_respond_from_err(tl_response *rs, int code, const char *msg);

/* Copies a message for the log with what could identify a customer taken
 * out: text between quotes ('…', "…", `…') and URL paths become "...".
 * Customer IDs can be names, so logs carry neither IDs nor request paths.
 * out receives at most size bytes, NUL included. */
void tl_log_scrub(const char *msg, char *out, size_t size);

typedef int (*tl_handler)(tl_request *rq, tl_response *rs);

#endif
