/* tokens.h — API bearer tokens and their roles.
 *
 * A token set is read from a file (`ROLE TOKEN` per line) or from the
 * TAILOR_TOKENS variable (the same pairs separated by commas). Only the
 * SHA-256 of each token is kept; a presented token is hashed and compared
 * with every stored hash in constant time. Nothing here ever prints a token:
 * error messages name the place (file:line, pair N), never the secret. */
#ifndef TL_GOVERN_TOKENS_H
#define TL_GOVERN_TOKENS_H

#include <stddef.h>

#include "base/digest.h"
#include "base/err.h"

/* Roles are bits so that a route can allow a set of them. */
typedef enum tl_role {
    TL_ROLE_NONE = 0,      /* anonymous (no token, or none configured) */
    TL_ROLE_APP = 1,       /* a customer-facing app: one customer at a time */
    TL_ROLE_ANALYST = 2,   /* reads everything, reports */
    TL_ROLE_ADMIN = 4,     /* writes, imports, consent in bulk, erasure */
} tl_role;

#define TL_TOKEN_MIN_LEN 16
#define TL_TOKEN_MAX_LEN 512
#define TL_TOKENS_MAX 1024
/* A token's fingerprint: the first hex digits of its SHA-256. Safe to log
 * (it cannot be turned back into the token) and used as its rate-limit key. */
#define TL_TOKEN_FP_LEN 12

typedef struct tl_tokens tl_tokens;

/* "app", "analyst", "admin"; "anonymous" for TL_ROLE_NONE. Static. */
const char *tl_role_name(tl_role role);

/* Parses a role name (exact, lower case) of length n. Returns 0 or -1. */
int tl_role_parse(const char *s, size_t n, tl_role *out);

/* An empty set; free with tl_tokens_free. */
int tl_tokens_new(tl_tokens **out, tl_err *err);

/* Accepts NULL. */
void tl_tokens_free(tl_tokens *t);

/* Number of tokens held. Accepts NULL (0). */
size_t tl_tokens_count(const tl_tokens *t);

/* Adds the lines of a token file held in memory (text[0..len), need not be
 * NUL-terminated): `ROLE TOKEN`, blank lines and `# comments`. `origin`
 * names the file in errors ("tokens.txt:3: unknown role ..."). On error
 * the set is unchanged. */
int tl_tokens_parse_file_text(tl_tokens *t, const char *origin, const char *text, size_t len,
                              tl_err *err);

/* Reads and adds a token file from disk. */
int tl_tokens_load_file(tl_tokens *t, const char *path, tl_err *err);

/* Adds TAILOR_TOKENS-style pairs: "ROLE TOKEN,ROLE TOKEN". Errors read
 * "TAILOR_TOKENS: pair 2: ...". On error the set is unchanged. */
int tl_tokens_parse_list(tl_tokens *t, const char *origin, const char *text, size_t len,
                         tl_err *err);

/* Looks a presented token up. Returns TL_OK with its role and fingerprint
 * (fp: TL_TOKEN_FP_LEN hex digits and a NUL), or TL_ENOTFOUND. The time
 * taken does not depend on which stored token matched, or how closely. */
int tl_tokens_lookup(const tl_tokens *t, const char *token, size_t len, tl_role *role,
                     char fp[TL_TOKEN_FP_LEN + 1]);

/* Finds the token in an Authorization header value: "Bearer TOKEN" (the
 * scheme in any case, blanks around). Points *tok and *len into `header` and
 * returns 0, or -1 when the header is not a bearer credential. */
int tl_bearer_parse(const char *header, const char **tok, size_t *len);

#endif
