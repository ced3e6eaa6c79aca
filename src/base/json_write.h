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

#endif
