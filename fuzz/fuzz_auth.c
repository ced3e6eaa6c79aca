/* fuzz_auth.c — what a request's headers go through before a handler runs:
 * the path's unescaping, route matching, the Authorization header and the
 * role decision, on arbitrary bytes. Must never crash, and must never let
 * a request through to a non-public route without a valid token. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "govern/access.h"
#include "govern/tokens.h"
#include "http/handlers.h"
#include "http/router.h"

static tl_tokens *tokens;

static void init(void)
{
    static const char list[] = "admin fuzz-admin-token-000001,app fuzz-app-token-00000001,"
                               "analyst fuzz-analyst-token-01";
    if (tl_tokens_new(&tokens, NULL) ||
        tl_tokens_parse_list(tokens, "L", list, sizeof list - 1, NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "PUT", "POST", "DELETE"};
    if (!tokens)
        init();
    if (size < 2)
        return 0;
    /* Byte 0: method; then the path, a NUL (or the end), then the
     * Authorization value. */
    const char *method = methods[data[0] % 4];
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    char *path = buf;
    size_t plen = strlen(path);
    const char *authz = plen + 1 < size - 1 ? path + plen + 1 : NULL;
    /* Unescaping never grows the path and leaves no NUL or control byte
     * that was escaped. */
    size_t n = tl_route_unescape(path);
    if (n > plen || strlen(path) != n)
        abort();
    const tl_route *r = NULL;
    tl_route_params p;
    int m = tl_route_match(tl_routes, tl_routes_count, method, path, &r, &p);
    unsigned access = m == TL_ROUTE_FOUND ? r->access : TL_ACCESS_APP;
    tl_auth a;
    tl_auth_check(tokens, authz, access, &a);
    const char *tok;
    size_t tl;
    int valid = authz && tl_bearer_parse(authz, &tok, &tl) == 0 && tl >= TL_TOKEN_MIN_LEN &&
                strncmp(tok, "fuzz-", 5) == 0;
    int public = (tl_access_effective(access) & TL_ACCESS_PUBLIC) != 0;
    if (a.status == 0 && !public && !valid)
        abort();   /* let through without a token */
    if (a.status == 0 && !public && !(tl_access_effective(access) & (unsigned)a.role))
        abort();   /* let through with the wrong role */
    if (a.status != 0 && a.status != 401 && a.status != 403)
        abort();
    if (a.status == 401 && (!a.challenge || !a.reason))
        abort();
    free(buf);
    return 0;
}
