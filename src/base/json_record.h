/* json_record.h — the top-level members of one JSON object, read for a
 * few fields without building a tree.
 *
 * A customer's record (the profile as received, about 1 KB) is read for a
 * dozen fields per recommendation. json_loads built a tree of every member
 * for that: 26 microseconds, more than the rest of reading the customer.
 * tl_record_read checks the text in one pass and notes where each top-level
 * value lies. Text it cannot vouch for, member by member, as jansson reads
 * it (an escape in any string, a number out of range, more than
 * TL_RECORD_MAX_MEMBERS members, nesting deeper than TL_RECORD_MAX_DEPTH,
 * anything malformed) is handed to jansson instead, so every answer is the
 * one jansson's tree gives. fuzz/fuzz_json_record.c holds it to that. */
#ifndef TL_BASE_JSON_RECORD_H
#define TL_BASE_JSON_RECORD_H

#include <stddef.h>

#include "base/err.h"

#define TL_RECORD_MAX_MEMBERS 256
#define TL_RECORD_MAX_DEPTH 64

typedef struct tl_record tl_record;

/* Reads text (NUL-terminated; NULL reads as ""). Text that is not a JSON
 * object reads as an object without members, as a failed json_loads did.
 * *out is freed with tl_record_free. Fails with TL_ENOMEM only. */
int tl_record_read(const char *text, tl_record **out, tl_err *err);

void tl_record_free(tl_record *r);   /* accepts NULL */

/* Member `key` as text: a string as it is, a number as "%g" (written into
 * buf), true and false as "Yes" and "No"; "" when absent or of another
 * kind. The last of duplicate members counts, as in jansson. Borrowed from
 * r or buf. */
const char *tl_record_field(const tl_record *r, const char *key, char *buf, size_t size);

/* Calls fn with each string element of array member `key`, in order, until
 * fn returns non-zero; elements of other kinds are skipped. Returns how many
 * calls were made. */
size_t tl_record_strings(const tl_record *r, const char *key,
                         int (*fn)(void *ctx, const char *s), void *ctx);

/* Whether r was read in one pass (true) or handed to jansson (false). */
int tl_record_scanned(const tl_record *r);

#endif
