/* fuzz_router.c — the route matcher on arbitrary methods and paths: must
 * never crash, read out of bounds, or capture an oversized parameter; and
 * every route's query-argument check on the path's text as a name (a known
 * name must be one of the route's words). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte picks the method; the rest is the path. */
    static const char *const methods[] = {"GET", "PUT", "POST", "DELETE", "OPTIONS"};
    if (size == 0)
        return 0;
    const char *method = methods[data[0] % 5];
    char *path = malloc(size);
    if (!path)
        return 0;
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    const tl_route *r = NULL;
    tl_route_params p;
    if (tl_route_match(tl_routes, tl_routes_count, method, path, &r, &p) == TL_ROUTE_FOUND) {
        if (!r || p.n > TL_ROUTE_MAX_PARAMS)
            abort();
        for (size_t i = 0; i < p.n; i++)
            if (strlen(p.values[i]) >= TL_ROUTE_PARAM_MAX || !p.values[i][0])
                abort();
    }
    for (size_t i = 0; i < tl_routes_count; i++) {
        const tl_route *q = &tl_routes[i];
        if (q->query && tl_route_query_known(q, path)) {
            /* Known: a whole space-separated word of the list. */
            size_t n = strlen(path);
            const char *hit = n ? strstr(q->query, path) : NULL;
            int whole = 0;
            for (; hit && !whole; hit = strstr(hit + 1, path))
                whole = (hit == q->query || hit[-1] == ' ') && (hit[n] == ' ' || !hit[n]);
            if (!whole)
                abort();
        }
    }
    free(path);
    return 0;
}
