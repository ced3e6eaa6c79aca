/* router.h — maps (method, path) to a handler, capturing `{id}` segments.
 * Independent of the HTTP library so it can be fuzzed and tested alone. */
#ifndef TL_HTTP_ROUTER_H
#define TL_HTTP_ROUTER_H

#include <stddef.h>

#include "govern/access.h"

#define TL_ROUTE_MAX_PARAMS 4
#define TL_ROUTE_PARAM_MAX 256

typedef struct tl_route_params {
    size_t n;
    char values[TL_ROUTE_MAX_PARAMS][TL_ROUTE_PARAM_MAX];
} tl_route_params;

typedef struct tl_route {
    const char *method;     /* "GET", "PUT", "POST", "DELETE" */
    const char *pattern;    /* "/api/v1/customers/{id}" */
    int handler;            /* index into the server's handler table */
    const char *summary;    /* for /openapi.json */
    unsigned access;        /* TL_ACCESS_PUBLIC, _APP, _ANALYST or _ADMIN
                               (govern/access.h); left out (0) = admin only */
    const char *query;      /* the query arguments it reads, separated by spaces:
                               any other one is refused with 400 ("" = none);
                               left out (NULL) = not checked (the prototype's
                               routes and the infrastructure ones) */
} tl_route;

enum tl_route_result {
    TL_ROUTE_FOUND = 0,
    TL_ROUTE_NOT_FOUND = 1,       /* no pattern matches the path: 404 */
    TL_ROUTE_BAD_METHOD = 2,      /* a pattern matches, not with this method: 405 */
    TL_ROUTE_BAD_PARAM = 3,       /* a captured segment is empty or too long: 400 */
};

/* Decodes %XX escapes in place (libmicrohttpd's unescape hook, for the
 * path and the query arguments) and returns the new length. An escape that
 * would decode to a control character (%00-%1F, %7F) or is malformed is
 * left as written, so "/customers/Ann1%00x" cannot turn into the path of
 * customer "Ann1": it stays an unknown ID. '+' is not touched. */
size_t tl_route_unescape(char *s);

/* True when `name` is one of the route's query arguments, or when the
 * route does not check them (query NULL). */
int tl_route_query_known(const tl_route *route, const char *name);

/* Finds the route for method and path (path without the query string).
 * On TL_ROUTE_FOUND writes the route and the captured parameters. */
int tl_route_match(const tl_route *routes, size_t n, const char *method, const char *path,
                   const tl_route **found, tl_route_params *params);

#endif
