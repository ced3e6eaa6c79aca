/* bulk.h — write paths for large imports: upserts that report whether they
 * changed anything and write nothing for identical rows, so re-importing a
 * file is free and its summary says "0 written".
 *
 * Call them inside tl_store_begin()/tl_store_commit(): one transaction for
 * a whole import is what makes them fast.
 *
 * Raw transactions are keyed by an integer (schema 8, docs/store.md): each
 * customer with transactions has an owner key, and a transaction's id is
 * key * 2^32 + slot, where the slot is the first free one at or after the
 * txn_id's hash (its "home"). Finding (customer, txn_id) is then one or a
 * few integer seeks, and a customer's rows are one id range. Single rows
 * are never deleted (only a customer's whole range), which is what keeps
 * linear probing sound. */
#ifndef TL_STORE_BULK_H
#define TL_STORE_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/monthly.h"
#include "store/store.h"
#include "store/transactions.h"

/* Sizes this connection's page cache for an import of `bytes` of input:
 * twice that (the table takes about 1.2 times its CSV), between the
 * default 64 MiB and 1 GiB. Pages are allocated as used. Once each batch
 * of transactions spreads over the whole table (their keys are hashed),
 * a cache that holds the table saves re-reading and re-writing pages. */
int tl_store_bulk_cache(tl_store *st, uint64_t bytes, tl_err *err);

/* Sizes this connection's page cache for rows written in ascending ids
 * (a batch sorted by home, into owners' ranges): only the B-tree's right
 * edge is revisited, so 16 MiB does, and its pages are reused instead of
 * new ones allocated (and faulted in) for every page of the table. */
int tl_store_bulk_cache_append(tl_store *st, tl_err *err);

/* Calls cb with the txn_id (len bytes, valid during the call) of every
 * stored transaction of the owner `key`, in id order; a non-zero return
 * from cb stops the walk and is returned. */
int tl_store_txn_ids_each(tl_store *st, int64_t key,
                          int (*cb)(void *ctx, const char *txn_id, size_t len), void *ctx,
                          tl_err *err);

/* The largest transaction id in the store, 0 when there is none. */
int tl_store_txn_max_id(tl_store *st, int64_t *id, tl_err *err);

/* Rows inserted, updated or deleted on this connection since it was
 * opened. Callers diff two readings around a write to learn whether it
 * changed anything (functions without a `changed` out-parameter). */
long long tl_store_changes_total(tl_store *st);

/* The home id of transaction `txn_id` (len bytes) of the customer with
 * owner key `key`: key * 2^32 plus 31 bits of a fixed hash of the ID. Part
 * of the store format: never change it. */
int64_t tl_store_txn_home(int64_t key, const char *txn_id, size_t len);

/* The owner key of a customer's transactions, created when the customer
 * has none yet. *fresh is true when the store holds no transaction of the
 * customer: their rows can then be inserted without looking anything up
 * (tl_store_txn_insert). */
int tl_store_txn_owner(tl_store *st, const char *customer_id, int64_t *key, bool *fresh,
                       tl_err *err);

/* Inserts a transaction of a customer that was fresh when the import
 * began, at `home` or the first free slot after it (a slot can only be
 * taken by a row of this import, with another txn_id: callers reject
 * duplicates first). *id gets the id it took. Strings are borrowed for
 * the call. */
int tl_store_txn_insert(tl_store *st, int64_t home, const tl_txn *t, int64_t *id,
                        tl_err *err);

/* Inserts TL_TXN_CHUNK transactions of fresh customers in one statement,
 * t[i] at ids[i] (distinct). Returns 0, 1 when an id was taken (then
 * nothing was inserted: insert those rows one by one), or an error. */
#define TL_TXN_CHUNK 128
int tl_store_txn_insert_many(tl_store *st, const int64_t *ids, const tl_txn *t, tl_err *err);

/* Sets *same when the row at `home` is exactly t (so there is nothing to
 * write), false otherwise (new, changed, or placed further on by probing:
 * tl_store_txn_upsert decides). Calls with ascending homes walk one
 * forward scan instead of seeking each row; end them with
 * tl_store_txn_same_end before committing. Writes end the scan too. */
int tl_store_txn_same(tl_store *st, int64_t home, const tl_txn *t, bool *same, tl_err *err);
void tl_store_txn_same_end(tl_store *st);

/* Inserts or updates a transaction of a customer that may have stored
 * ones: probes from `home` for its txn_id; an identical stored row is left
 * alone and *changed is false. Strings are borrowed for the call. */
int tl_store_txn_upsert(tl_store *st, int64_t home, const tl_txn *t, bool *changed,
                        tl_err *err);

/* Inserts or updates one month of a customer's series (`source` is
 * "imported" or "computed"), leaving the other months alone; *changed
 * tells whether a row was written. */
int tl_store_monthly_put(tl_store *st, const char *customer_id, const tl_month_total *row,
                         const char *source, bool *changed, tl_err *err);

/* Recomputes one customer's monthly totals from their raw transactions
 * (owner key `key`): total = sum of debits in the month, in id order,
 * count = number of debits, source "computed"; replaces their series. */
int tl_store_monthly_rebuild(tl_store *st, const char *customer_id, int64_t key, tl_err *err);

#endif
