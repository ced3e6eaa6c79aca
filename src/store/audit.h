/* audit.h — the append-only audit log: who (subject) got what (kind, doc)
 * and when.
 *
 * The database refuses DELETE on the table and any UPDATE except erasure
 * rewriting a subject to its pseudonym (migration 4 triggers), so nothing
 * here can change an entry once written. */
#ifndef TL_STORE_AUDIT_H
#define TL_STORE_AUDIT_H

#include "base/digest.h"
#include "store/store.h"

/* Each entry is chained to the one before: its `chain` is
 * tl_audit_link(previous entry's chain, or "" for the first, its id, time,
 * subject key, kind, doc). Changing, inserting or removing an entry after
 * it was written (with the triggers dropped, or the file edited) breaks
 * the chain there; govern/audit_verify.h checks it. The subject key is the
 * subject as erasure leaves it ("erased:<pseudonym>", govern/pseudonym.h),
 * so erasure, which rewrites the subject, keeps the chain intact. */
void tl_audit_link(const char *prev, long long id, const char *at, const char *subject_key,
                   const char *kind, const char *doc, char out[TL_SHA256_HEX_LEN + 1]);

/* Appends one entry; `doc` is a JSON text (the caller's). The time is UTC
 * with milliseconds. *id_out (may be NULL) receives the entry's id. Outside
 * a transaction it runs in one of its own (reading the previous entry and
 * writing this one must not interleave with another writer). */
int tl_store_audit_append(tl_store *st, const char *subject, const char *subject_key,
                          const char *kind, const char *doc, long long *id_out, tl_err *err);

typedef struct tl_audit_query {
    const char *subject;    /* NULL: any */
    const char *kind;       /* NULL: any */
    const char *since;      /* ISO-8601 UTC; entries at or after it; NULL: any */
    long long limit, offset;
} tl_audit_query;

typedef struct tl_audit_row {
    long long id;
    const char *at, *subject, *kind, *doc;   /* valid during the callback only */
    const char *chain;                       /* NULL: written before the chain */
} tl_audit_row;

/* Entries matching q, newest first, paged; *total (may be NULL) receives the
 * count of all matches. The callback returns non-zero to stop. */
int tl_store_audit_query(tl_store *st, const tl_audit_query *q,
                         int (*cb)(void *ctx, const tl_audit_row *r), void *ctx,
                         long long *total, tl_err *err);

/* Every entry, oldest first, with its chain; the callback returns non-zero
 * to stop. *count (may be NULL) receives the number of entries first, for
 * a progress bar. */
int tl_store_audit_each(tl_store *st, int (*cb)(void *ctx, const tl_audit_row *r), void *ctx,
                        long long *count, tl_err *err);

#endif
