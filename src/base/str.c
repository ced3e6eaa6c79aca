/* str.c — bounded string helpers and strict number parsing. */
#include "base/str.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t tl_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static bool only_blanks(const char *s)
{
    return *skip_blanks(s) == '\0';
}

bool tl_parse_i64(const char *s, int64_t *out)
{
    if (!s)
        return false;
    s = skip_blanks(s);
    if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+'))
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || !only_blanks(end))
        return false;
    *out = v;
    return true;
}

bool tl_parse_double(const char *s, bool lenient, double *out)
{
    if (!s)
        return false;
    s = skip_blanks(s);
    char clean[64];
    size_t n = 0;
    bool neg = false;
    if (lenient) {
        if (*s == '-') {
            neg = true;
            s = skip_blanks(s + 1);
        }
        static const char *const signs[] = {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xE2\x82\xB9"};
        for (size_t i = 0; i < sizeof signs / sizeof *signs; i++) {
            size_t l = strlen(signs[i]);
            if (strncmp(s, signs[i], l) == 0) {
                s = skip_blanks(s + l);
                break;
            }
        }
        for (; *s; s++) {
            if (*s == ',' && n > 0 && isdigit((unsigned char)s[1]))
                continue;
            if (n + 1 >= sizeof clean)
                return false;
            clean[n++] = *s;
        }
        clean[n] = '\0';
        s = clean;
    }
    /* Reject hex floats, inf and nan: strtod accepts them, people do not
     * mean them. */
    if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
        return false;
    for (const char *p = s; *p; p++)
        if (*p == 'x' || *p == 'X' || *p == 'n' || *p == 'N' || *p == 'i' || *p == 'I')
            return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno == ERANGE || end == s || !only_blanks(end) || !isfinite(v))
        return false;
    *out = neg ? -v : v;
    return true;
}

char *tl_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

bool tl_strcaseeq(const char *s, const char *t)
{
    for (; *s && *t; s++, t++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*t))
            return false;
    return *s == *t;
}

bool tl_parse_bool(const char *s, bool *out)
{
    static const struct {
        const char *word;
        bool value;
    } words[] = {{"true", true}, {"false", false}, {"yes", true},
                 {"no", false},  {"1", true},      {"0", false}};
    for (size_t i = 0; s && i < sizeof words / sizeof *words; i++)
        if (tl_strcaseeq(s, words[i].word)) {
            *out = words[i].value;
            return true;
        }
    return false;
}

char *tl_ascii_lower_dup(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + ('a' - 'A')) : s[i];
    return out;
}

char *tl_strtrim(char *s)
{
    char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    memmove(s, p, n);
    s[n] = '\0';
    return s;
}

const char *tl_str_find(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
    if (needle_len == 0)
        return hay;
    if (needle_len > hay_len)
        return NULL;
    const char *p = hay, *last = hay + (hay_len - needle_len);
    while (p <= last) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p + 1, needle + 1, needle_len - 1) == 0)
            return p;
        p++;
    }
    return NULL;
}

uint64_t tl_fnv1a(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

size_t tl_utf8_valid_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}
