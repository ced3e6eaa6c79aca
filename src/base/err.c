/* err.c — status code table and error record helpers. */
#include "base/err.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *tl_strerror(int code)
{
    switch (code) {
    case TL_OK: return "ok";
#define XX(name, val, text) case TL_##name: return text;
    TL_ERRNO_MAP(XX)
#undef XX
    default: return "unknown error";
    }
}

void tl_err_clear(tl_err *err)
{
    if (!err)
        return;
    err->code = TL_OK;
    err->msg[0] = '\0';
}

int tl_err_set(tl_err *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

int tl_err_prefix(tl_err *err, const char *fmt, ...)
{
    if (!err)
        return TL_EINTERNAL;
    char prefix[TL_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* Joined in a scratch buffer big enough for both, then cut to size. */
    char joined[2 * TL_ERR_MSG_MAX + 2];
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->msg);
    tl_strlcpy(err->msg, joined, sizeof err->msg);
    return err->code;
}
