/* access.c — route access sets and the per-request decision. */
#include "govern/access.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

unsigned tl_access_effective(unsigned access)
{
    if (access & TL_ACCESS_PUBLIC)
        return TL_ACCESS_PUBLIC;
    access &= TL_ACCESS_APP;
    return access | TL_ROLE_ADMIN;
}

void tl_access_describe(unsigned access, char *out, unsigned size)
{
    access = tl_access_effective(access);
    if (access & TL_ACCESS_PUBLIC) {
        snprintf(out, size, "public");
        return;
    }
    snprintf(out, size, "%s%s%s", access & TL_ROLE_APP ? "app, " : "",
             access & TL_ROLE_ANALYST ? "analyst, " : "", "admin");
}

void tl_auth_check(const tl_tokens *tokens, const char *authorization, unsigned access,
                   tl_auth *out)
{
    memset(out, 0, sizeof *out);
    access = tl_access_effective(access);
    const char *tok;
    size_t len;
    int has_bearer = tl_bearer_parse(authorization, &tok, &len) == 0;
    /* A valid token identifies the caller even on public routes (rate
     * limits are per token). */
    if (has_bearer && tl_tokens_lookup(tokens, tok, len, &out->role, out->fp) != TL_OK)
        out->role = TL_ROLE_NONE;
    if (tl_tokens_count(tokens) == 0 || (access & TL_ACCESS_PUBLIC))
        return;
    if (out->role == TL_ROLE_NONE) {
        out->status = 401;
        if (!authorization) {
            out->challenge = "Bearer realm=\"tailor\"";
            out->reason = "a bearer token is required (Authorization: Bearer TOKEN)";
        } else {
            out->challenge = "Bearer realm=\"tailor\", error=\"invalid_token\"";
            out->reason = has_bearer ? "the bearer token is not valid"
                                     : "the Authorization header is not \"Bearer TOKEN\"";
        }
        return;
    }
    if (!(access & (unsigned)out->role)) {
        out->status = 403;
        out->reason = "this token's role may not call this route";
    }
}

bool tl_host_is_loopback(const char *host)
{
    if (!host)
        return true;   /* the server's default is 127.0.0.1 */
    if (strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
        return true;
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) == 1)
        return (ntohl(a.s_addr) >> 24) == 127;
    struct in6_addr a6;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}
