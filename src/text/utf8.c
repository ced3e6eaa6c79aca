/* utf8.c — strict UTF-8 decoding and encoding (see utf8.h). */
#include "text/utf8.h"

size_t tl_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char b0 = s[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    /* Lead byte: how many continuation bytes follow, the payload bits, and
     * the narrower range allowed for the second byte (which is how overlong
     * forms, surrogates and values past U+10FFFF are ruled out, following
     * the Unicode standard's table of well-formed byte sequences). */
    size_t need;
    uint32_t c;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        c = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        c = b0 & 0x0Fu;
        if (b0 == 0xE0)
            lo = 0xA0;      /* overlong below U+0800 */
        else if (b0 == 0xED)
            hi = 0x9F;      /* surrogates */
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        c = b0 & 0x07u;
        if (b0 == 0xF0)
            lo = 0x90;      /* overlong below U+10000 */
        else if (b0 == 0xF4)
            hi = 0x8F;      /* past U+10FFFF */
    } else {
        *cp = TL_UTF8_REPLACEMENT;   /* stray continuation, C0, C1, F5..FF */
        return 1;
    }
    if (len <= need) {
        *cp = TL_UTF8_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        unsigned char b = s[i];
        if (b < lo || b > hi) {
            *cp = TL_UTF8_REPLACEMENT;
            return 1;
        }
        lo = 0x80;
        hi = 0xBF;
        c = (c << 6) | (b & 0x3Fu);
    }
    *cp = c;
    return need + 1;
}

size_t tl_utf8_encode(uint32_t cp, char out[4])
{
    if (cp >= 0xD800 && (cp <= 0xDFFF || cp > 0x10FFFF))
        cp = TL_UTF8_REPLACEMENT;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool tl_utf8_check(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = tl_utf8_decode(u + i, len - i, &cp);
        /* A genuine U+FFFD in the text is three bytes; a one-byte U+FFFD
         * is the decoder reporting damage. */
        if (cp == TL_UTF8_REPLACEMENT && k == 1) {
            if (bad)
                *bad = i;
            return false;
        }
        i += k;
    }
    return true;
}
