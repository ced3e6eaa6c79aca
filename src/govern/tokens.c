/* tokens.c — parsing token files and lists; constant-time lookup by hash. */
#include "govern/tokens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"

typedef struct entry {
    char hash[TL_SHA256_HEX_LEN + 1];
    tl_role role;
    int where;        /* line or pair number it came from, for duplicates */
    unsigned batch;   /* which parse call added it */
} entry;

struct tl_tokens {
    entry *e;         /* owned */
    size_t n, cap;
    unsigned batches;
};

const char *tl_role_name(tl_role role)
{
    switch (role) {
    case TL_ROLE_APP: return "app";
    case TL_ROLE_ANALYST: return "analyst";
    case TL_ROLE_ADMIN: return "admin";
    default: return "anonymous";
    }
}

int tl_role_parse(const char *s, size_t n, tl_role *out)
{
    static const tl_role roles[] = {TL_ROLE_APP, TL_ROLE_ANALYST, TL_ROLE_ADMIN};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
        const char *name = tl_role_name(roles[i]);
        if (strlen(name) == n && memcmp(name, s, n) == 0) {
            *out = roles[i];
            return 0;
        }
    }
    return -1;
}

int tl_tokens_new(tl_tokens **out, tl_err *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? TL_OK : tl_err_set(err, TL_ENOMEM, "out of memory");
}

void tl_tokens_free(tl_tokens *t)
{
    if (!t)
        return;
    /* The hashes are not secrets, but there is no reason to leave them. */
    if (t->e)
        memset(t->e, 0, t->cap * sizeof *t->e);
    free(t->e);
    free(t);
}

size_t tl_tokens_count(const tl_tokens *t)
{
    return t ? t->n : 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 6750's b64token alphabet, so every token can travel in a header. */
static int is_token_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

/* Parses one "ROLE TOKEN" pair in s[0..n) (leading and trailing blanks and
 * a trailing "# comment" allowed). On failure writes the reason, which
 * never contains the token, and returns -1. */
static int parse_pair(const char *s, size_t n, tl_role *role, const char **tok, size_t *tok_len,
                      char *why, size_t why_size)
{
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    size_t r0 = i;
    while (i < n && !is_blank(s[i]))
        i++;
    size_t rlen = i - r0;
    if (tl_role_parse(s + r0, rlen, role)) {
        /* A word as long as a token may be one written first by mistake:
         * do not echo it. */
        int printable = rlen < TL_TOKEN_MIN_LEN;
        for (size_t k = r0; printable && k < i; k++)
            printable = s[k] > ' ' && s[k] < 127;
        if (printable)
            snprintf(why, why_size, "unknown role \"%.*s\" (expected app, analyst or admin)",
                     (int)rlen, s + r0);
        else
            snprintf(why, why_size,
                     "unknown role (expected app, analyst or admin, then the token)");
        return -1;
    }
    while (i < n && is_blank(s[i]))
        i++;
    size_t t0 = i;
    while (i < n && !is_blank(s[i]) && !(i == t0 && s[i] == '#'))
        i++;
    *tok = s + t0;
    *tok_len = i - t0;
    if (*tok_len == 0) {
        snprintf(why, why_size, "missing token after the role %s", tl_role_name(*role));
        return -1;
    }
    for (size_t k = t0; k < i; k++) {
        if (!is_token_char(s[k])) {
            snprintf(why, why_size,
                     "the token has a character outside A-Z a-z 0-9 - . _ ~ + / = "
                     "(its character %zu)", k - t0 + 1);
            return -1;
        }
    }
    if (*tok_len < TL_TOKEN_MIN_LEN) {
        snprintf(why, why_size, "token too short (%zu characters; at least %d)", *tok_len,
                 TL_TOKEN_MIN_LEN);
        return -1;
    }
    if (*tok_len > TL_TOKEN_MAX_LEN) {
        snprintf(why, why_size, "token too long (more than %d characters)", TL_TOKEN_MAX_LEN);
        return -1;
    }
    while (i < n && is_blank(s[i]))
        i++;
    if (i < n && s[i] != '#') {
        snprintf(why, why_size, "unexpected text after the token (one ROLE TOKEN pair each)");
        return -1;
    }
    return 0;
}

/* Appends a hashed token. `unit` is "line" or "pair" for the duplicate
 * message. */
static int add(tl_tokens *t, tl_role role, const char *tok, size_t len, int where,
               const char *unit, char *why, size_t why_size)
{
    char hash[TL_SHA256_HEX_LEN + 1];
    tl_sha256_hex(tok, len, hash);
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->e[i].hash, hash) == 0) {
            if (t->e[i].batch == t->batches)
                snprintf(why, why_size, "duplicate token (same as %s %d)", unit, t->e[i].where);
            else
                snprintf(why, why_size, "duplicate token (already configured)");
            return TL_EINPUT;
        }
    }
    if (t->n >= TL_TOKENS_MAX) {
        snprintf(why, why_size, "more than %d tokens", TL_TOKENS_MAX);
        return TL_EINPUT;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        entry *e = realloc(t->e, cap * sizeof *e);
        if (!e) {
            snprintf(why, why_size, "out of memory");
            return TL_ENOMEM;
        }
        t->e = e;
        t->cap = cap;
    }
    entry *e = &t->e[t->n++];
    memcpy(e->hash, hash, sizeof hash);
    e->role = role;
    e->where = where;
    e->batch = t->batches;
    return TL_OK;
}

int tl_tokens_parse_file_text(tl_tokens *t, const char *origin, const char *text, size_t len,
                              tl_err *err)
{
    size_t start_n = t->n;
    t->batches++;
    int lineno = 0;
    char why[200];
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        const char *line = text + pos;
        pos = end + 1;
        lineno++;
        if (n && line[n - 1] == '\r')
            n--;
        size_t i = 0;
        while (i < n && is_blank(line[i]))
            i++;
        if (i == n || line[i] == '#')
            continue;
        tl_role role;
        const char *tok;
        size_t tok_len;
        int rc = TL_EINPUT;
        if (parse_pair(line, n, &role, &tok, &tok_len, why, sizeof why) == 0)
            rc = add(t, role, tok, tok_len, lineno, "line", why, sizeof why);
        if (rc) {
            t->n = start_n;
            return tl_err_set(err, rc, "%s:%d: %s", origin, lineno, why);
        }
    }
    return TL_OK;
}

int tl_tokens_parse_list(tl_tokens *t, const char *origin, const char *text, size_t len,
                         tl_err *err)
{
    size_t start_n = t->n;
    t->batches++;
    int pair = 0;
    char why[200];
    for (size_t pos = 0; pos <= len;) {
        const char *comma = memchr(text + pos, ',', len - pos);
        size_t end = comma ? (size_t)(comma - text) : len;
        const char *s = text + pos;
        size_t n = end - pos;
        pos = end + 1;
        pair++;
        size_t i = 0;
        while (i < n && (is_blank(s[i]) || s[i] == '\n' || s[i] == '\r'))
            i++;
        if (i == n)
            continue;   /* an empty pair: "a x,,b y" or a trailing comma */
        while (n > i && (s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
        tl_role role;
        const char *tok;
        size_t tok_len;
        int rc = TL_EINPUT;
        if (memchr(s, '#', n))
            snprintf(why, sizeof why, "'#' is not allowed here (no comments in a list)");
        else if (parse_pair(s, n, &role, &tok, &tok_len, why, sizeof why) == 0)
            rc = add(t, role, tok, tok_len, pair, "pair", why, sizeof why);
        if (rc) {
            t->n = start_n;
            return tl_err_set(err, rc, "%s: pair %d: %s", origin, pair, why);
        }
        if (!comma)
            break;
    }
    return TL_OK;
}

int tl_tokens_load_file(tl_tokens *t, const char *path, tl_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tl_err_set(err, TL_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
        tl_log_warn("tokens file %s is readable by other users; chmod 600 it", path);
    /* A token file is small: 1024 tokens of 512 characters at most. */
    size_t cap = (size_t)TL_TOKENS_MAX * (TL_TOKEN_MAX_LEN + 64);
    char *text = malloc(cap + 1);
    if (!text) {
        fclose(f);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    size_t len = fread(text, 1, cap + 1, f);
    int rc;
    if (ferror(f))
        rc = tl_err_set(err, TL_EIO, "%s: cannot read: %s", path, strerror(errno));
    else if (len > cap)
        rc = tl_err_set(err, TL_EINPUT, "%s: larger than %zu bytes", path, cap);
    else
        rc = tl_tokens_parse_file_text(t, path, text, len, err);
    memset(text, 0, len);   /* it held secrets */
    free(text);
    fclose(f);
    return rc;
}

int tl_tokens_lookup(const tl_tokens *t, const char *token, size_t len, tl_role *role,
                     char fp[TL_TOKEN_FP_LEN + 1])
{
    if (!t || len == 0 || len > TL_TOKEN_MAX_LEN)
        return TL_ENOTFOUND;
    char hash[TL_SHA256_HEX_LEN + 1];
    tl_sha256_hex(token, len, hash);
    /* Every entry is compared, so the time says nothing about which one
     * matched. */
    size_t found = t->n;
    for (size_t i = 0; i < t->n; i++)
        if (tl_digest_equal(t->e[i].hash, hash, TL_SHA256_HEX_LEN))
            found = i;
    if (found == t->n)
        return TL_ENOTFOUND;
    *role = t->e[found].role;
    memcpy(fp, hash, TL_TOKEN_FP_LEN);
    fp[TL_TOKEN_FP_LEN] = '\0';
    return TL_OK;
}

int tl_bearer_parse(const char *header, const char **tok, size_t *len)
{
    if (!header)
        return -1;
    const char *p = header;
    while (is_blank(*p))
        p++;
    static const char scheme[] = "bearer";
    for (size_t i = 0; i < sizeof scheme - 1; i++, p++)
        if ((*p | 0x20) != scheme[i])
            return -1;
    if (!is_blank(*p))
        return -1;
    while (is_blank(*p))
        p++;
    const char *t0 = p;
    while (*p && is_token_char(*p))
        p++;
    size_t n = (size_t)(p - t0);
    while (is_blank(*p))
        p++;
    if (n == 0 || *p)
        return -1;
    *tok = t0;
    *len = n;
    return 0;
}
