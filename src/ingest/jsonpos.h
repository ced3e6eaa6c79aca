/* jsonpos.h — finds where a value sits in JSON text, so errors found after
 * parsing (a negative age, an unknown customer) can still name
 * file:line:column. jansson keeps no positions for parsed values. */
#ifndef TL_INGEST_JSONPOS_H
#define TL_INGEST_JSONPOS_H

#include <stddef.h>

/* Locates element `index` of the top-level array in text[0..len) and, when
 * `key` is not NULL, the value of that key in the element (an object).
 * Writes 1-based line and column; falls back to the element (or 1:1) when
 * the key is absent. Never fails on malformed text. */
void tl_jsonpos_locate(const char *text, size_t len, size_t index, const char *key, int *line,
                       int *col);

/* One step into JSON text: an object key, or (key NULL) an array index. */
typedef struct tl_jsonpos_step {
    const char *key;
    size_t index;
} tl_jsonpos_step;

/* Locates the value reached by following `n` steps from the top-level
 * value and writes its 1-based line and column (characters, not bytes).
 * Stops at the deepest step that exists, so a missing key points at its
 * object. Never fails on malformed text. */
void tl_jsonpos_locate_path(const char *text, size_t len, const tl_jsonpos_step *path, size_t n,
                            int *line, int *col);

/* Finds the value of `key` in the top-level object of text[0..len):
 * writes its offset and length and returns 1, or returns 0 when absent. Lets
 * a caller parse one member of a large stored document instead of all of it
 * (a hot path: the prototype's insights endpoint). Never fails on malformed
 * text; the caller still parses the slice it gets. */
int tl_jsonpos_member(const char *text, size_t len, const char *key, size_t *off, size_t *vlen);

#endif
