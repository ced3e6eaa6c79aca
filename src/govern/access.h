/* access.h — who may call a route, and the decision for one request.
 *
 * Every route in the table carries an access set: the roles allowed, or
 * TL_ACCESS_PUBLIC. A route that names none (access 0) is admin-only, so a
 * route added without thinking about roles is closed, not open. Admin may
 * call everything that is not public. With no tokens configured every
 * request is allowed as the anonymous role (the server then refuses to bind
 * anything but loopback; see tl_host_is_loopback). */
#ifndef TL_GOVERN_ACCESS_H
#define TL_GOVERN_ACCESS_H

#include <stdbool.h>

#include "govern/tokens.h"

#define TL_ACCESS_PUBLIC 0x100u                                    /* no token needed */
#define TL_ACCESS_APP (TL_ROLE_APP | TL_ROLE_ANALYST | TL_ROLE_ADMIN) /* any token */
#define TL_ACCESS_ANALYST (TL_ROLE_ANALYST | TL_ROLE_ADMIN)
#define TL_ACCESS_ADMIN ((unsigned)TL_ROLE_ADMIN)

/* The effective set for a route's access field: 0 becomes admin-only, and
 * admin is always added to a non-public set. */
unsigned tl_access_effective(unsigned access);

/* Writes the roles allowed by an access set as "app, analyst, admin" or
 * "public" into out (at least 32 bytes). */
void tl_access_describe(unsigned access, char *out, unsigned size);

typedef struct tl_auth {
    int status;                    /* 0 allowed, 401 or 403 */
    tl_role role;                  /* TL_ROLE_NONE when anonymous */
    char fp[TL_TOKEN_FP_LEN + 1];  /* the token's fingerprint, "" when none */
    const char *challenge;         /* for 401: the WWW-Authenticate value */
    const char *reason;            /* static text for the error message */
} tl_auth;

/* Decides one request. `tokens` may be NULL or empty (open mode);
 * `authorization` is the header's value or NULL; `access` the route's
 * field (pass TL_ACCESS_APP when no route matched: any valid token may
 * then learn that the path is unknown). Never fails; fills *out. */
void tl_auth_check(const tl_tokens *tokens, const char *authorization, unsigned access,
                   tl_auth *out);

/* True for the addresses only this machine can reach: 127.0.0.0/8, ::1,
 * "localhost". */
bool tl_host_is_loopback(const char *host);

#endif
