/* json_record.c — one JSON object's top-level members (json_record.h). */
#include "base/json_record.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

/* Numbers longer than this are left to jansson (none of tailor's are). */
#define NUMBER_MAX 63

typedef struct member {
    size_t key, key_len;   /* bytes of the key, inside the quotes */
    size_t val, val_len;   /* the value: a string's bytes inside its quotes */
    char kind;             /* 's'tring, 'i'nteger, 'r'eal, 't'rue, 'f'alse, 'n'ull,
                              'o'bject, 'a'rray */
    double number;         /* for 'i' and 'r': the value as json_number_value gives it */
} member;

struct tl_record {
    json_t *doc;        /* owned: the tree, when the text was handed to jansson */
    char *text;         /* owned copy; each top-level string value ends in a NUL */
    size_t n;
    member m[TL_RECORD_MAX_MEMBERS];
};

/* The one-pass reader: false means "let jansson read it". */
typedef struct scan {
    const char *s;
    size_t len, i;
    int depth;
} scan;

static void blanks(scan *c)
{
    while (c->i < c->len &&
           (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

/* A string at its opening quote, without escapes or control characters and
 * in well-formed UTF-8; leaves c->i after the closing quote. */
static bool string(scan *c)
{
    const unsigned char *u = (const unsigned char *)c->s;
    c->i++;
    while (c->i < c->len) {
        unsigned ch = u[c->i];
        if (ch == '"') {
            c->i++;
            return true;
        }
        if (ch == '\\' || ch < 0x20)
            return false;
        size_t n = ch < 0x80 ? 1 : tl_utf8_valid_len(u + c->i, c->len - c->i);
        if (!n)
            return false;
        c->i += n;
    }
    return false;
}

static bool digits(scan *c)
{
    size_t start = c->i;
    while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > start;
}

/* A number in JSON's grammar, with the value jansson would give it: an
 * integer that strtoll reads without overflow, or a real that strtod reads
 * as finite (jansson refuses the text otherwise). */
static bool number(scan *c, char *kind, double *value)
{
    size_t start = c->i;
    bool real = false;
    if (c->s[c->i] == '-')
        c->i++;
    if (c->i < c->len && c->s[c->i] == '0')
        c->i++;
    else if (!digits(c))
        return false;
    if (c->i < c->len && c->s[c->i] == '.') {
        c->i++;
        real = true;
        if (!digits(c))
            return false;
    }
    if (c->i < c->len && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        real = true;
        if (c->i < c->len && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (!digits(c))
            return false;
    }
    size_t n = c->i - start;
    if (n > NUMBER_MAX)
        return false;
    char text[NUMBER_MAX + 1];
    memcpy(text, c->s + start, n);
    text[n] = '\0';
    errno = 0;
    if (real) {
        *value = strtod(text, NULL);
        if (isinf(*value))
            return false;
    } else {
        long long v = strtoll(text, NULL, 10);
        if (errno == ERANGE)
            return false;
        *value = (double)v;
    }
    *kind = real ? 'r' : 'i';
    return true;
}

static bool literal(scan *c, const char *word)
{
    size_t n = strlen(word);
    if (c->len - c->i < n || memcmp(c->s + c->i, word, n) != 0)
        return false;
    c->i += n;
    return true;
}

static bool value(scan *c, char *kind, double *num);

/* An object or array at its opening bracket, members checked and skipped. */
static bool nested(scan *c, char close)
{
    if (++c->depth > TL_RECORD_MAX_DEPTH)
        return false;
    c->i++;
    blanks(c);
    if (c->i < c->len && c->s[c->i] == close) {
        c->i++;
        c->depth--;
        return true;
    }
    for (;;) {
        char kind;
        double num;
        blanks(c);
        if (close == '}') {
            if (c->i >= c->len || c->s[c->i] != '"' || !string(c))
                return false;
            blanks(c);
            if (c->i >= c->len || c->s[c->i] != ':')
                return false;
            c->i++;
            blanks(c);
        }
        if (!value(c, &kind, &num))
            return false;
        blanks(c);
        if (c->i >= c->len)
            return false;
        if (c->s[c->i] == close) {
            c->i++;
            c->depth--;
            return true;
        }
        if (c->s[c->i] != ',')
            return false;
        c->i++;
    }
}

static bool value(scan *c, char *kind, double *num)
{
    if (c->i >= c->len)
        return false;
    switch (c->s[c->i]) {
    case '"':
        *kind = 's';
        return string(c);
    case '{':
        *kind = 'o';
        return nested(c, '}');
    case '[':
        *kind = 'a';
        return nested(c, ']');
    case 't':
        *kind = 't';
        return literal(c, "true");
    case 'f':
        *kind = 'f';
        return literal(c, "false");
    case 'n':
        *kind = 'n';
        return literal(c, "null");
    default:
        return number(c, kind, num);
    }
}

/* The whole text as one object, its members noted in r; false when jansson
 * should read it instead. */
static bool scan_object(tl_record *r)
{
    scan c = {r->text, strlen(r->text), 0, 1};
    blanks(&c);
    if (c.i >= c.len || c.s[c.i] != '{')
        return false;
    c.i++;
    blanks(&c);
    bool empty = c.i < c.len && c.s[c.i] == '}';
    if (empty)
        c.i++;
    while (!empty) {
        if (r->n == TL_RECORD_MAX_MEMBERS)
            return false;
        member *m = &r->m[r->n++];
        blanks(&c);
        if (c.i >= c.len || c.s[c.i] != '"')
            return false;
        m->key = c.i + 1;
        if (!string(&c))
            return false;
        m->key_len = c.i - 1 - m->key;
        blanks(&c);
        if (c.i >= c.len || c.s[c.i] != ':')
            return false;
        c.i++;
        blanks(&c);
        m->val = c.i;
        if (!value(&c, &m->kind, &m->number))
            return false;
        m->val_len = c.i - m->val;
        if (m->kind == 's') {   /* inside the quotes */
            m->val++;
            m->val_len -= 2;
        }
        blanks(&c);
        if (c.i >= c.len)
            return false;
        if (c.s[c.i] == '}') {
            c.i++;
            break;
        }
        if (c.s[c.i] != ',')
            return false;
        c.i++;
    }
    blanks(&c);
    return c.i == c.len;   /* jansson refuses anything after the object */
}

int tl_record_read(const char *text, tl_record **out, tl_err *err)
{
    *out = NULL;
    /* Not zeroed: members past n are never read. */
    tl_record *r = malloc(sizeof *r);
    if (!r || !(r->text = strdup(text ? text : ""))) {
        free(r);
        return tl_err_set(err, TL_ENOMEM, "out of memory reading a record");
    }
    r->doc = NULL;
    r->n = 0;
    if (scan_object(r)) {
        for (size_t i = 0; i < r->n; i++)
            if (r->m[i].kind == 's')
                r->text[r->m[i].val + r->m[i].val_len] = '\0';   /* the closing quote */
    } else {
        r->n = 0;
        r->doc = json_loads(r->text, 0, NULL);
        if (!r->doc && !(r->doc = json_object())) {
            tl_record_free(r);
            return tl_err_set(err, TL_ENOMEM, "out of memory reading a record");
        }
    }
    *out = r;
    return TL_OK;
}

void tl_record_free(tl_record *r)
{
    if (!r)
        return;
    json_decref(r->doc);
    free(r->text);
    free(r);
}

int tl_record_scanned(const tl_record *r)
{
    return r && !r->doc;
}

/* The last member named key, or NULL. */
static const member *find(const tl_record *r, const char *key)
{
    size_t n = strlen(key);
    for (size_t i = r->n; i-- > 0;) {
        const member *m = &r->m[i];
        if (m->key_len == n && memcmp(r->text + m->key, key, n) == 0)
            return m;
    }
    return NULL;
}

const char *tl_record_field(const tl_record *r, const char *key, char *buf, size_t size)
{
    if (!r)
        return "";
    if (r->doc) {
        json_t *x = json_object_get(r->doc, key);
        if (json_is_string(x))
            return json_string_value(x);
        if (json_is_number(x)) {
            snprintf(buf, size, "%g", json_number_value(x));
            return buf;
        }
        if (json_is_boolean(x))
            return json_is_true(x) ? "Yes" : "No";
        return "";
    }
    const member *m = find(r, key);
    if (!m)
        return "";
    switch (m->kind) {
    case 's':
        return r->text + m->val;
    case 'i':
    case 'r':
        snprintf(buf, size, "%g", m->number);
        return buf;
    case 't':
        return "Yes";
    case 'f':
        return "No";
    default:
        return "";
    }
}

size_t tl_record_strings(const tl_record *r, const char *key,
                         int (*fn)(void *ctx, const char *s), void *ctx)
{
    if (!r)
        return 0;
    json_t *arr = NULL;
    if (r->doc) {
        arr = json_incref(json_object_get(r->doc, key));
    } else {
        /* Arrays are rare and short (the prototype's two ranked lists):
         * jansson reads just that span. */
        const member *m = find(r, key);
        if (m && m->kind == 'a')
            arr = json_loadb(r->text + m->val, m->val_len, 0, NULL);
    }
    size_t calls = 0, i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v))
            continue;
        calls++;
        if (fn(ctx, json_string_value(v)))
            break;
    }
    json_decref(arr);
    return calls;
}
