/* erase.h — the SQL of erasure: every row that belongs to one customer. */
#ifndef TL_STORE_ERASE_H
#define TL_STORE_ERASE_H

#include "store/store.h"

#define TL_ERASE_MAX_TABLES 12

/* Rows removed (or, for "audit", pseudonymised) per table. Table names are
 * static strings. */
typedef struct tl_erase_rows {
    const char *table[TL_ERASE_MAX_TABLES];
    long long rows[TL_ERASE_MAX_TABLES];
    size_t n;
} tl_erase_rows;

/* Deletes customer `id` from every table holding their rows (embeddings of
 * their posts, scored, consent, events, holdings, posts, monthly,
 * transactions, customers) and rewrites the subject of their audit entries
 * to `pseudonym`. Runs inside the caller's write transaction, so a failure
 * (or a later one in the same transaction) rolls all of it back.
 * TL_ENOTFOUND when there is no such customer. */
int tl_store_erase_customer(tl_store *st, const char *id, const char *pseudonym,
                            tl_erase_rows *out, tl_err *err);

#endif
