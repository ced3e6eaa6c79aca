/* router.c — segment-by-segment matching of "/a/{x}/b" patterns. */
#include "http/router.h"

#include <string.h>

/* Matches one pattern; returns 1 on match, 0 otherwise, -1 when it would
 * match but a parameter is unusable. */
static int match(const char *pattern, const char *path, tl_route_params *params)
{
    params->n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return 0;
        p++;
        s++;
        const char *pend = strchr(p, '/');
        size_t plen = pend ? (size_t)(pend - p) : strlen(p);
        const char *send = strchr(s, '/');
        size_t slen = send ? (size_t)(send - s) : strlen(s);
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (params->n >= TL_ROUTE_MAX_PARAMS)
                return 0;
            if (slen == 0 || slen >= TL_ROUTE_PARAM_MAX)
                return -1;
            memcpy(params->values[params->n], s, slen);
            params->values[params->n][slen] = '\0';
            params->n++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return 0;
        }
        p += plen;
        s += slen;
    }
    /* A single trailing slash on the path is tolerated. */
    if (*s == '/' && s[1] == '\0')
        s++;
    return *p == '\0' && *s == '\0';
}

int tl_route_query_known(const tl_route *route, const char *name)
{
    if (!route->query)
        return 1;
    size_t len = strlen(name);
    for (const char *p = route->query; *p;) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && n > 0 && memcmp(p, name, n) == 0)
            return 1;
        p += n;
        while (*p == ' ')
            p++;
    }
    return 0;
}

int tl_route_match(const tl_route *routes, size_t n, const char *method, const char *path,
                   const tl_route **found, tl_route_params *params)
{
    int result = TL_ROUTE_NOT_FOUND;
    tl_route_params tmp;
    for (size_t i = 0; i < n; i++) {
        int m = match(routes[i].pattern, path, &tmp);
        if (m == 0)
            continue;
        if (m < 0) {
            if (result == TL_ROUTE_NOT_FOUND)
                result = TL_ROUTE_BAD_PARAM;
            continue;
        }
        if (strcmp(routes[i].method, method) == 0) {
            *found = &routes[i];
            *params = tmp;
            return TL_ROUTE_FOUND;
        }
        result = TL_ROUTE_BAD_METHOD;
    }
    return result;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t tl_route_unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '%') {
            int hi = hexval(r[1]), lo = hi < 0 ? -1 : hexval(r[2]);
            int c = hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
            if (c >= 0x20 && c != 0x7f) {
                *w++ = (char)c;
                r += 3;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
    return (size_t)(w - s);
}
