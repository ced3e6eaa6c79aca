/* buf.c — capped growable buffer. */
#include "base/buf.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tl_buf_init(tl_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void tl_buf_free(tl_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void tl_buf_reset(tl_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Makes room for `extra` more bytes plus the NUL. */
static int reserve(tl_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return TL_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return TL_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return TL_ENOMEM;
    b->data = p;
    b->cap = cap;
    return TL_OK;
}

int tl_buf_reserve(tl_buf *b, size_t extra)
{
    return reserve(b, extra);
}

int tl_buf_extend(tl_buf *b, size_t n, char **at)
{
    *at = NULL;
    int rc = reserve(b, n);
    if (rc)
        return rc;
    *at = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return TL_OK;
}

int tl_buf_append(tl_buf *b, const void *p, size_t n)
{
    int rc = reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TL_OK;
}

int tl_buf_puts(tl_buf *b, const char *s)
{
    return tl_buf_append(b, s, strlen(s));
}

int tl_buf_putc(tl_buf *b, char c)
{
    return tl_buf_append(b, &c, 1);
}

int tl_buf_vprintf(tl_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return TL_EINTERNAL;
    int rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return TL_OK;
}

int tl_buf_printf(tl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = tl_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *tl_buf_steal(tl_buf *b, size_t *len)
{
    char *p = b->data;
    if (!p) {
        p = calloc(1, 1);
        if (!p)
            return NULL;
    }
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
