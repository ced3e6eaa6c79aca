/* json_write.c — compact JSON text of a jansson value (see json_write.h). */
#include "base/json_write.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

#define MAX_DEPTH 2048

/* Decimal digits of u, written backwards from end; returns the start. */
static char *digits_backwards(char *end, unsigned long long u)
{
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return end;
}

static int write_integer(tl_buf *b, json_int_t v)
{
    char tmp[24];
    char *end = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = digits_backwards(end, u);
    if (v < 0)
        *--p = '-';
    return tl_buf_append(b, p, (size_t)(end - p));
}

/* At 12 significant digits, a value within a few units of the 13th digit
 * of a multiple of 0.001 prints as that multiple with its trailing zeros
 * dropped, in fixed notation when 0.001 <= |v| < 1e9 ("%.12g" switches to
 * exponents only below 1e-4 or from 1e12). The tolerance keeps |v - r/1000|
 * under two fifths of half a unit in the 12th digit, so rounding can never
 * go the other way. Returns the length, or 0 when v is not such a value. */
static size_t format_milli(char *out, double v)
{
    double a = fabs(v);
    if (!(a >= 1e-3 && a < 1e9))
        return 0;
    double scaled = v * 1000.0;
    double r = nearbyint(scaled);
    if (fabs(scaled - r) > fabs(r) * 1e-13 + 1e-12)
        return 0;
    long long q = (long long)r;
    unsigned long long u = q < 0 ? 0ULL - (unsigned long long)q : (unsigned long long)q;
    unsigned frac = (unsigned)(u % 1000);
    char tmp[32];
    char *end = tmp + sizeof tmp;
    char *p = end;
    if (frac == 0) {
        *--p = '0';   /* integral: jansson adds ".0" so it reads back as real */
    } else {
        int keep = frac % 100 == 0 ? 1 : frac % 10 == 0 ? 2 : 3;
        unsigned f = frac / (keep == 1 ? 100 : keep == 2 ? 10 : 1);
        for (int i = 0; i < keep; i++, f /= 10)
            *--p = (char)('0' + f % 10);
    }
    *--p = '.';
    p = digits_backwards(p, u / 1000);
    if (q < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(out, p, n);
    return n;
}

/* "%.*g", then jansson's changes: ".0" when there is neither '.' nor 'e',
 * and the exponent without '+' or leading zeros. */
static size_t format_printf(char *out, size_t size, double v, int precision)
{
    int n = snprintf(out, size, "%.*g", precision, v);
    if (n < 0 || (size_t)n >= size - 3)
        return 0;
    size_t len = (size_t)n;
    if (!strchr(out, '.') && !strchr(out, 'e')) {
        memcpy(out + len, ".0", 3);
        len += 2;
    }
    char *e = strchr(out, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - out) + 1);
            len -= (size_t)(end - start);
        }
    }
    return len;
}

static int write_real(tl_buf *b, double v, int precision)
{
    char tmp[64];
    size_t n = 0;
    if (v == 0 && precision == 12)
        n = signbit(v) ? (memcpy(tmp, "-0.0", 4), 4u) : (memcpy(tmp, "0.0", 3), 3u);
    else if (precision == 12)
        n = format_milli(tmp, v);
    if (!n)
        n = format_printf(tmp, sizeof tmp, v, precision);
    if (!n)
        return TL_EINPUT;
    return tl_buf_append(b, tmp, n);
}

/* Which bytes need an escape: '"', '\\' and the control characters. */
static int needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* Whether any of the 8 bytes in x needs an escape: a byte below 0x20, a
 * '"' or a '\\' (the bit tricks for "a byte less than n" and "a zero byte",
 * exact as a yes or no). Most strings need none, so they are read 8 bytes
 * a step. */
static int word_needs_escape(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t below_space = (x - ones * 0x20) & ~x & highs;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    uint64_t quote = (q - ones) & ~q & highs, backslash = (bs - ones) & ~bs & highs;
    return (below_space | quote | backslash) != 0;
}

/* The length of s's prefix that needs no escape, read 8 bytes a step. */
static size_t plain_prefix(const char *s, size_t len)
{
    size_t i = 0;
    uint64_t word;
    while (i + 8 <= len && (memcpy(&word, s + i, 8), !word_needs_escape(word)))
        i += 8;
    while (i < len && !needs_escape((unsigned char)s[i]))
        i++;
    return i;
}

/* Appends the escape of c, which needs one. */
static int write_escape(tl_buf *b, unsigned char c)
{
    char esc[8] = {'\\', 0};
    size_t n = 2;
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default:
        /* jansson writes the other control characters as \u00XX. */
        n = (size_t)snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
    }
    return tl_buf_append(b, esc, n);
}

static int write_string(tl_buf *b, const char *s, size_t len)
{
    size_t plain = plain_prefix(s, len);
    char *at;
    if (plain == len) {   /* most strings: one copy */
        int rc = tl_buf_extend(b, len + 2, &at);
        if (rc)
            return rc;
        at[0] = '"';
        memcpy(at + 1, s, len);
        at[len + 1] = '"';
        return TL_OK;
    }
    /* Runs that need no escape copied whole, each escape between them. */
    int rc = tl_buf_putc(b, '"');
    size_t i = 0;
    while (!rc && i < len) {
        if (plain && (rc = tl_buf_append(b, s + i, plain)))
            break;
        i += plain;
        if (i < len && !(rc = write_escape(b, (unsigned char)s[i])))
            i++;
        plain = plain_prefix(s + i, len - i);
    }
    return rc ? rc : tl_buf_putc(b, '"');
}

static int write_value(tl_buf *b, const json_t *v, int precision, int depth)
{
    if (depth > MAX_DEPTH)
        return TL_EINPUT;
    int rc = TL_OK;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        rc = tl_buf_putc(b, '{');
        int first = 1;
        for (void *it = json_object_iter((json_t *)v); it && !rc;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first && (rc = tl_buf_putc(b, ',')))
                break;
            first = 0;
            if (!(rc = write_string(b, json_object_iter_key(it), json_object_iter_key_len(it))) &&
                !(rc = tl_buf_putc(b, ':')))
                rc = write_value(b, json_object_iter_value(it), precision, depth + 1);
        }
        return rc ? rc : tl_buf_putc(b, '}');
    }
    case JSON_ARRAY: {
        rc = tl_buf_putc(b, '[');
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n && !rc; i++) {
            if (i && (rc = tl_buf_putc(b, ',')))
                break;
            rc = write_value(b, json_array_get(v, i), precision, depth + 1);
        }
        return rc ? rc : tl_buf_putc(b, ']');
    }
    case JSON_STRING:
        return write_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return write_integer(b, json_integer_value(v));
    case JSON_REAL:
        return write_real(b, json_real_value(v), precision);
    case JSON_TRUE:
        return tl_buf_puts(b, "true");
    case JSON_FALSE:
        return tl_buf_puts(b, "false");
    case JSON_NULL:
        return tl_buf_puts(b, "null");
    }
    return TL_EINPUT;
}

int tl_json_write(tl_buf *b, const json_t *v, int precision)
{
    if (!v || precision < 1 || precision > 17)
        return TL_EINPUT;
    return write_value(b, v, precision, 0);
}

/* ---- the streaming writer ---- */

void tl_jw_init(tl_jw *w, tl_buf *b)
{
    w->b = b;
    w->rc = TL_OK;
    w->depth = 0;
    w->has_item[0] = 0;
}

/* The comma before a value in an array (keys write their own). */
static int value_start(tl_jw *w)
{
    if (w->rc)
        return 0;
    if (w->depth > 0 && w->has_item[w->depth] == 2) {
        w->has_item[w->depth] = 1;   /* after a key: no comma */
        return 1;
    }
    if (w->has_item[w->depth] && (w->rc = tl_buf_putc(w->b, ',')))
        return 0;
    w->has_item[w->depth] = 1;
    return 1;
}

static void open_level(tl_jw *w, char c)
{
    if (!value_start(w))
        return;
    if (w->depth + 1 >= TL_JW_MAX_DEPTH) {
        w->rc = TL_EINPUT;
        return;
    }
    if (!(w->rc = tl_buf_putc(w->b, c)))
        w->has_item[++w->depth] = 0;
}

void tl_jw_object(tl_jw *w)
{
    open_level(w, '{');
}

void tl_jw_array(tl_jw *w)
{
    open_level(w, '[');
}

void tl_jw_end(tl_jw *w, char close)
{
    if (w->rc)
        return;
    if (w->depth == 0) {
        w->rc = TL_EINPUT;
        return;
    }
    w->depth--;
    w->rc = tl_buf_putc(w->b, close);
}

void tl_jw_key(tl_jw *w, const char *key)
{
    if (w->rc)
        return;
    /* [,]"key": in one piece: keys are the writer's own ASCII names. */
    size_t len = strlen(key), comma = w->has_item[w->depth] ? 1 : 0;
    char *at;
    if ((w->rc = tl_buf_extend(w->b, comma + len + 3, &at)))
        return;
    if (comma)
        *at++ = ',';
    *at++ = '"';
    memcpy(at, key, len);
    at[len] = '"';
    at[len + 1] = ':';
    w->has_item[w->depth] = 2;   /* the value follows without a comma */
}

void tl_jw_str(tl_jw *w, const char *s)
{
    if (!s) {
        tl_jw_null(w);
        return;
    }
    if (!value_start(w))
        return;
    size_t n = strlen(s), i = 0, len;
    const unsigned char *u = (const unsigned char *)s;
    uint64_t word;
    while (i < n) {
        if (i + 8 <= n && (memcpy(&word, s + i, 8), !(word & 0x8080808080808080ull))) {
            i += 8;   /* ASCII, 8 bytes a step */
            continue;
        }
        if (!(len = tl_utf8_valid_len(u + i, n - i)))
            break;
        i += len;
    }
    if (i == n) {
        w->rc = write_string(w->b, s, n);
        return;
    }
    /* Rare: a copy with each invalid byte replaced. */
    tl_buf fixed;
    tl_buf_init(&fixed, n * 3 + 1);
    int rc = tl_buf_append(&fixed, s, i);
    while (!rc && i < n) {
        len = tl_utf8_valid_len(u + i, n - i);
        rc = len ? tl_buf_append(&fixed, s + i, len) : tl_buf_puts(&fixed, "\xEF\xBF\xBD");
        i += len ? len : 1;
    }
    w->rc = rc ? rc : write_string(w->b, fixed.data, fixed.len);
    tl_buf_free(&fixed);
}

void tl_jw_int(tl_jw *w, long long v)
{
    if (value_start(w))
        w->rc = write_integer(w->b, (json_int_t)v);
}

void tl_jw_real(tl_jw *w, double v)
{
    if (value_start(w))
        w->rc = isfinite(v) ? write_real(w->b, v, 12) : TL_EINPUT;
}

void tl_jw_bool(tl_jw *w, int v)
{
    if (value_start(w))
        w->rc = tl_buf_puts(w->b, v ? "true" : "false");
}

void tl_jw_null(tl_jw *w)
{
    if (value_start(w))
        w->rc = tl_buf_puts(w->b, "null");
}

void tl_jw_key_str(tl_jw *w, const char *key, const char *s)
{
    tl_jw_key(w, key);
    tl_jw_str(w, s);
}

void tl_jw_key_int(tl_jw *w, const char *key, long long v)
{
    tl_jw_key(w, key);
    tl_jw_int(w, v);
}

void tl_jw_key_real(tl_jw *w, const char *key, double v)
{
    tl_jw_key(w, key);
    tl_jw_real(w, v);
}

void tl_jw_key_bool(tl_jw *w, const char *key, int v)
{
    tl_jw_key(w, key);
    tl_jw_bool(w, v);
}

void tl_jw_value(tl_jw *w, const json_t *v)
{
    if (!v) {
        tl_jw_null(w);
        return;
    }
    if (value_start(w))
        w->rc = write_value(w->b, v, 12, w->depth);
}

void tl_jw_raw(tl_jw *w, const char *json)
{
    if (!json) {
        tl_jw_null(w);
        return;
    }
    if (value_start(w))
        w->rc = tl_buf_puts(w->b, json);
}

json_t *tl_jw_tree(void (*write)(tl_jw *w, const void *ctx), const void *ctx)
{
    tl_buf text;
    tl_buf_init(&text, 64u << 20);
    tl_jw w;
    tl_jw_init(&w, &text);
    write(&w, ctx);
    json_t *doc = w.rc || w.depth ? NULL : json_loads(text.data, 0, NULL);
    tl_buf_free(&text);
    return doc;
}
