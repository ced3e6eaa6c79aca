/* audit.h — the append-only audit log: who (subject) got what (kind, doc)
 * and when.
 *
 * The database refuses DELETE on the table and any UPDATE except erasure
 * rewriting a subject to its pseudonym (migration 4 triggers), so nothing
 * here can change an entry once written. */
#ifndef TL_STORE_AUDIT_H
#define TL_STORE_AUDIT_H

#include "store/store.h"

/* Appends one entry; `doc` is a JSON text (the caller's). The time is the
 * database's clock, UTC with milliseconds. *id_out (may be NULL) receives
 * the entry's id. One cached prepared INSERT: cheap on the request path. */
int tl_store_audit_append(tl_store *st, const char *subject, const char *kind, const char *doc,
                          long long *id_out, tl_err *err);

typedef struct tl_audit_query {
    const char *subject;    /* NULL: any */
    const char *kind;       /* NULL: any */
    const char *since;      /* ISO-8601 UTC; entries at or after it; NULL: any */
    long long limit, offset;
} tl_audit_query;

typedef struct tl_audit_row {
    long long id;
    const char *at, *subject, *kind, *doc;   /* valid during the callback only */
} tl_audit_row;

/* Entries matching q, newest first, paged; *total (may be NULL) receives the
 * count of all matches. The callback returns non-zero to stop. */
int tl_store_audit_query(tl_store *st, const tl_audit_query *q,
                         int (*cb)(void *ctx, const tl_audit_row *r), void *ctx,
                         long long *total, tl_err *err);

#endif
