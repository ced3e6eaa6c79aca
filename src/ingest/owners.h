/* owners.h — the customers a transactions import writes to: for each, the
 * owner key of their rows in the store (store/bulk.h), whether the store
 * held none of their transactions when the import met them ("fresh"), and
 * for fresh ones the monthly debit totals of the rows written so far, so
 * their monthly series needs no second read of the table.
 *
 * One lookup per row replaces the customer-exists check and the owner
 * lookup: a customer enters the map only once checked. Not thread-safe. */
#ifndef TL_INGEST_OWNERS_H
#define TL_INGEST_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "store/monthly.h"
#include "store/transactions.h"

typedef struct tl_owner {
    size_t id_off;            /* the customer ID, NUL-terminated, in the map's names */
    size_t id_len;
    int64_t key;              /* owner key in the store */
    bool fresh;               /* no stored transaction when first met */
    bool touched;             /* a row of theirs was inserted or updated */
    tl_month_total *months;   /* owned: fresh owners' debit totals, unordered */
    tl_txn_summary *summary;  /* owned: fresh owners' summary (transactions.h), or NULL */
    size_t nmonths, cap;
    size_t last;              /* index of the month last added to */
    uint32_t batch;           /* the importer's batch they were first met in */
    bool in_pair_set;         /* their rows are checked against the importer's pair set */
} tl_owner;

typedef struct tl_owner_map {
    tl_owner *v;              /* owned */
    size_t n, cap;
    uint32_t *slots;          /* owned: index + 1 into v, 0 for empty; power-of-two size */
    size_t nslots;
    tl_buf names;             /* the IDs */
} tl_owner_map;

void tl_owner_map_init(tl_owner_map *m);
void tl_owner_map_free(tl_owner_map *m);   /* leaves it empty, reusable */

/* The index of the customer `id` (len bytes), or -1. */
long tl_owner_find(const tl_owner_map *m, const char *id, size_t len);

/* Adds a customer (not yet present); returns its index or TL_ENOMEM. */
long tl_owner_add(tl_owner_map *m, const char *id, size_t len, int64_t key, bool fresh);

/* The customer ID of entry i (owned by the map). */
static inline const char *tl_owner_id(const tl_owner_map *m, size_t i)
{
    return m->names.data + m->v[i].id_off;
}

/* Adds one debit to a fresh owner's month. Returns 0 or TL_ENOMEM. */
int tl_owner_add_debit(tl_owner *o, int month, double amount);

/* Adds one written transaction to a fresh owner's summary. 0 or TL_ENOMEM. */
int tl_owner_add_to_summary(tl_owner *o, const tl_txn *t);

#endif
