/* jsonpos.c — a tolerant scanner over JSON text: string-aware depth
 * tracking, nothing more. */
#include "ingest/jsonpos.h"

#include <string.h>

/* Skips a string starting at text[i] == '"'; returns the index after it. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (t[i] == '\\')
            i++;
        else if (t[i] == '"')
            return i + 1;
    }
    return len;
}

static size_t skip_ws(const char *t, size_t len, size_t i)
{
    while (i < len && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t'))
        i++;
    return i;
}

/* Skips one value starting at i (after whitespace). */
static size_t skip_value(const char *t, size_t len, size_t i)
{
    i = skip_ws(t, len, i);
    if (i >= len)
        return len;
    if (t[i] == '"')
        return skip_string(t, len, i);
    if (t[i] == '{' || t[i] == '[') {
        int depth = 0;
        while (i < len) {
            char c = t[i];
            if (c == '"') {
                i = skip_string(t, len, i);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return len;
    }
    while (i < len && t[i] != ',' && t[i] != '}' && t[i] != ']')
        i++;
    return i;
}

static void to_line_col(const char *t, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (t[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)t[i] & 0xC0) != 0x80) {
            c++;   /* count characters, not UTF-8 continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

/* Within the object at i, finds the value of key; returns its offset or
 * (size_t)-1. */
static size_t find_key(const char *t, size_t len, size_t i, const char *key)
{
    size_t klen = strlen(key);
    i = skip_ws(t, len, i);
    if (i >= len || t[i] != '{')
        return (size_t)-1;
    i++;
    while (i < len) {
        i = skip_ws(t, len, i);
        if (i >= len || t[i] != '"')
            return (size_t)-1;
        size_t kstart = i + 1, kend = skip_string(t, len, i);
        i = skip_ws(t, len, kend);
        if (i >= len || t[i] != ':')
            return (size_t)-1;
        i = skip_ws(t, len, i + 1);
        if (kend - 1 - kstart == klen && memcmp(t + kstart, key, klen) == 0)
            return i;
        i = skip_ws(t, len, skip_value(t, len, i));
        if (i < len && t[i] == ',')
            i++;
        else
            return (size_t)-1;
    }
    return (size_t)-1;
}

/* Within the array at i, finds element `index`; returns its offset or
 * (size_t)-1. */
static size_t find_index(const char *t, size_t len, size_t i, size_t index)
{
    i = skip_ws(t, len, i);
    if (i >= len || t[i] != '[')
        return (size_t)-1;
    i++;
    for (size_t e = 0; i < len; e++) {
        i = skip_ws(t, len, i);
        if (i >= len || t[i] == ']')
            return (size_t)-1;
        if (e == index)
            return i;
        i = skip_ws(t, len, skip_value(t, len, i));
        if (i >= len || t[i] != ',')
            return (size_t)-1;
        i++;
    }
    return (size_t)-1;
}

void tl_jsonpos_locate_path(const char *text, size_t len, const tl_jsonpos_step *path, size_t n,
                            int *line, int *col)
{
    size_t at = skip_ws(text, len, 0);
    if (at >= len)
        at = 0;
    for (size_t k = 0; k < n; k++) {
        size_t next = path[k].key ? find_key(text, len, at, path[k].key)
                                  : find_index(text, len, at, path[k].index);
        if (next == (size_t)-1)
            break;
        at = next;
    }
    to_line_col(text, at, line, col);
}

void tl_jsonpos_locate(const char *text, size_t len, size_t index, const char *key, int *line,
                       int *col)
{
    size_t i = skip_ws(text, len, 0);
    if (i >= len || text[i] != '[' || find_index(text, len, i, index) == (size_t)-1) {
        *line = *col = 1;
        return;
    }
    tl_jsonpos_step path[2] = {{NULL, index}, {key, 0}};
    tl_jsonpos_locate_path(text, len, path, key ? 2 : 1, line, col);
}

int tl_jsonpos_member(const char *text, size_t len, const char *key, size_t *off, size_t *vlen)
{
    size_t v = find_key(text, len, skip_ws(text, len, 0), key);
    if (v == (size_t)-1 || v >= len)
        return 0;
    size_t end = skip_value(text, len, v);
    *off = v;
    *vlen = end - v;
    return 1;
}
