/* record.h — one customer record from a JSON object, whatever its source
 * (the prototype's file, a JSON Lines row, an API request), validated the
 * same way everywhere. Field names: the prototype's (CustomerID, FirstName,
 * Age, CurrentBalance, RiskProfile, …) or docs/formats.md's snake_case. */
#ifndef TL_INGEST_RECORD_H
#define TL_INGEST_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "store/customers.h"

/* Scratch the typed view borrows from (the built name). */
typedef struct tl_customer_scratch {
    char name[256];
} tl_customer_scratch;

/* Fills *c with a typed view of obj; strings are borrowed from obj and
 * scratch, c->doc is left NULL. On a bad value returns TL_EINPUT with a
 * message naming the field and value, and sets *field (may be NULL) to the
 * offending key so callers can locate it. */
int tl_record_customer(json_t *obj, tl_customer *c, tl_customer_scratch *scratch,
                       const char **field, tl_err *err);

/* The first of `keys` (NULL-terminated) present in obj, as text: strings as
 * they are, numbers formatted into buf. NULL when none is present or the
 * value is not a string or number. *used (may be NULL) gets the key found. */
const char *tl_record_text(json_t *obj, const char *const *keys, char *buf, size_t size,
                           const char **used);

#endif
