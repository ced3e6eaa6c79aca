/* json_write.h — compact JSON text of a jansson value, written straight
 * into a tl_buf.
 *
 * The output is byte for byte what json_dumps(v, JSON_COMPACT |
 * JSON_REAL_PRECISION(p)) gives (keys in insertion order, '/' and non-ASCII
 * left as they are, control characters escaped as jansson escapes them,
 * reals as "%.*g" with a ".0" added to integral values and the exponent
 * without '+' or leading zeros), so a client cannot tell which wrote it.
 * It exists for speed: jansson formats every number through snprintf and
 * every byte of a string through its UTF-8 decoder, which made serialising
 * an answer a third of the cost of the cheaper API routes. Numbers with at
 * most three decimals (scores, shares, money) and integers are formatted
 * without snprintf; strings are copied in runs between the bytes that need
 * escaping. Strings are taken as valid UTF-8, as jansson guarantees for
 * every string it creates through its checked constructors. */
#ifndef TL_BASE_JSON_WRITE_H
#define TL_BASE_JSON_WRITE_H

#include <jansson.h>

#include "base/buf.h"

/* Appends v's compact text with reals at `precision` significant digits
 * (1..17). Returns 0, or TL_ETOOBIG/TL_ENOMEM from the buffer, or TL_EINPUT
 * for a value nested deeper than 2048 levels; the buffer may then hold a
 * partial text. */
int tl_json_write(tl_buf *b, const json_t *v, int precision);

/* A document written value by value, without building a jansson tree
 * first (for the documents written on every request: building and freeing
 * the tree cost more than the rest of writing it). The text is the same
 * as tl_json_write's for the same tree at precision 12. Calls may be
 * chained without checks: the first error sticks in `rc` and every later
 * call does nothing. Nesting deeper than TL_JW_MAX_DEPTH is an error.
 * Strings are checked as UTF-8; an invalid byte is written as U+FFFD, so
 * the text always reads back (a text cut at a byte limit may end inside
 * a character). */
#define TL_JW_MAX_DEPTH 32

typedef struct tl_jw {
    tl_buf *b;                                /* borrowed */
    int rc;                                   /* 0, or the first error */
    int depth;
    unsigned char has_item[TL_JW_MAX_DEPTH];  /* a value written at that level */
} tl_jw;

void tl_jw_init(tl_jw *w, tl_buf *b);
void tl_jw_object(tl_jw *w);        /* { */
void tl_jw_array(tl_jw *w);         /* [ */
void tl_jw_end(tl_jw *w, char close);   /* '}' or ']' */
void tl_jw_key(tl_jw *w, const char *key);   /* key is ASCII without escapes */
void tl_jw_str(tl_jw *w, const char *s);     /* NULL writes null */
void tl_jw_int(tl_jw *w, long long v);
void tl_jw_real(tl_jw *w, double v);         /* as a jansson real, 12 digits */
void tl_jw_bool(tl_jw *w, int v);
void tl_jw_null(tl_jw *w);
/* A member of the open object: its key, then its value. */
void tl_jw_key_str(tl_jw *w, const char *key, const char *s);   /* NULL writes null */
void tl_jw_key_int(tl_jw *w, const char *key, long long v);
void tl_jw_key_real(tl_jw *w, const char *key, double v);
void tl_jw_key_bool(tl_jw *w, const char *key, int v);

/* A jansson value as tl_json_write writes it at precision 12; NULL writes
 * null. */
void tl_jw_value(tl_jw *w, const json_t *v);

/* A value already written as compact JSON text by a tl_jw (trusted as it
 * is, not checked); NULL writes null. */
void tl_jw_raw(tl_jw *w, const char *json);

/* What write(w, ctx) writes (one value) read back as a tree, for callers
 * that edit a document the hot paths stream: a new reference, or NULL when
 * out of memory or the writer failed. */
json_t *tl_jw_tree(void (*write)(tl_jw *w, const void *ctx), const void *ctx);

#endif
