/* buf.h — growable byte buffer with a hard cap (request bodies, replies,
 * CSV rows, JSON output). The data is always NUL-terminated so it can be
 * used as a C string; `len` excludes the NUL. */
#ifndef TL_BASE_BUF_H
#define TL_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct tl_buf {
    char *data;   /* owned; NULL until the first append */
    size_t len;   /* bytes used, excluding the terminating NUL */
    size_t cap;   /* bytes allocated */
    size_t max;   /* appends that would pass this many bytes fail */
} tl_buf;

/* Initialises an empty buffer that may grow to `max` bytes. Allocates
 * nothing. */
void tl_buf_init(tl_buf *b, size_t max);

/* Releases the memory and leaves an empty buffer with the same cap.
 * Accepts NULL. */
void tl_buf_free(tl_buf *b);

/* Empties the buffer, keeping its memory. */
void tl_buf_reset(tl_buf *b);

/* Appends `n` bytes. Returns 0, TL_ETOOBIG past the cap (buffer unchanged)
 * or TL_ENOMEM. */
int tl_buf_append(tl_buf *b, const void *p, size_t n);

/* Makes room for `extra` more bytes without writing them, so a buffer
 * whose final size is known grows once. Same returns as tl_buf_append. */
int tl_buf_reserve(tl_buf *b, size_t extra);

/* Makes n more bytes part of the buffer for the caller to fill, at *at
 * (the NUL after them is written): one call instead of an append per
 * piece. Same returns as tl_buf_append; *at is NULL on failure. */
int tl_buf_extend(tl_buf *b, size_t n, char **at);
int tl_buf_puts(tl_buf *b, const char *s);
int tl_buf_putc(tl_buf *b, char c);
int tl_buf_printf(tl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int tl_buf_vprintf(tl_buf *b, const char *fmt, va_list ap);

/* Hands the data to the caller, who frees it with free(); the buffer is left
 * empty. Returns an empty allocated string when nothing was appended, or
 * NULL on allocation failure. */
char *tl_buf_steal(tl_buf *b, size_t *len);

#endif
