/* err.h — status codes and the detailed error record every module fills.
 *
 * Functions return 0 (TL_OK) or a negative TL_E* code; when they take a
 * `tl_err *` they also write a one-line message with context (file, line,
 * column, field, SQL) into it. `err` may be NULL where the caller only needs
 * the code. */
#ifndef TL_BASE_ERR_H
#define TL_BASE_ERR_H

#include <stddef.h>

#define TL_ERRNO_MAP(XX)                                              \
    XX(EINPUT, -1, "bad input")                                       \
    XX(ENOMEM, -2, "out of memory")                                   \
    XX(EIO, -3, "input/output error")                                 \
    XX(ENOTFOUND, -4, "not found")                                    \
    XX(ETOOBIG, -5, "too big")                                        \
    XX(EDB, -6, "database error")                                     \
    XX(EUSAGE, -7, "usage error")                                     \
    XX(ECONFLICT, -8, "conflict")                                     \
    XX(EINTERNAL, -9, "internal error")

enum {
    TL_OK = 0,
#define XX(name, val, text) TL_##name = (val),
    TL_ERRNO_MAP(XX)
#undef XX
};

#define TL_ERR_MSG_MAX 512

typedef struct tl_err {
    int code;                  /* last code set, TL_OK if none */
    char msg[TL_ERR_MSG_MAX];  /* one line, no trailing newline */
} tl_err;

/* Static text for a code; never NULL, never freed. */
const char *tl_strerror(int code);

/* Resets `err` to TL_OK with an empty message. Accepts NULL. */
void tl_err_clear(tl_err *err);

/* Records `code` and a printf-style message in `err` (if not NULL) and
 * returns `code`, so callers can write `return tl_err_set(err, ...)`. */
int tl_err_set(tl_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to the message already in `err`; returns err->code
 * (or TL_EINTERNAL when err is NULL). */
int tl_err_prefix(tl_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
