/* audit_verify.h — checks the audit log's chain (store/audit.h): every
 * entry as it was written, none inserted or removed since.
 *
 * A chain shows changes made inside the log; someone able to rewrite the
 * whole file could recompute it from the changed entry on. An anchor closes
 * that gap: a head recorded outside the store (printed by every check)
 * must still be found, intact, in a later one. */
#ifndef TL_GOVERN_AUDIT_VERIFY_H
#define TL_GOVERN_AUDIT_VERIFY_H

#include <jansson.h>
#include <stdbool.h>

#include "base/digest.h"
#include "store/store.h"

#define TL_AUDIT_BROKEN_KEPT 10

typedef struct tl_audit_break {
    long long id;
    char at[32];
    char kind[40];
} tl_audit_break;

typedef struct tl_audit_verdict {
    long long entries;     /* in the log */
    long long unchained;   /* written before the chain began (older stores) */
    long long first_chained;                 /* id, 0 when none is chained */
    long long broken;                        /* entries that do not match their link */
    tl_audit_break breaks[TL_AUDIT_BROKEN_KEPT];   /* the first ones, oldest first */
    char head[TL_SHA256_HEX_LEN + 1];        /* the newest entry's chain, "" when none */
    const char *anchor;                      /* the caller's, or NULL */
    bool anchor_found;                       /* an entry that matches has this chain */
} tl_audit_verdict;

/* Walks the whole log, oldest first; `anchor` (NULL: none) is a head
 * recorded earlier. `progress`: draw a bar on stderr. TL_EINPUT when the
 * anchor is not 64 hex digits; TL_EDB. The verdict says what it found:
 * intact when tl_audit_verdict_ok. */
int tl_audit_verify(tl_store *st, const char *anchor, bool progress, tl_audit_verdict *out,
                    tl_err *err);

/* No broken entry, and the anchor (when given) found. */
bool tl_audit_verdict_ok(const tl_audit_verdict *v);

/* {"intact", "entries", "chained", "unchained", "broken", "first_broken":
 * [{id, at, kind}], "head", "anchor": {"hash", "found"} | null}. New
 * reference. */
json_t *tl_audit_verdict_json(const tl_audit_verdict *v);

#endif
