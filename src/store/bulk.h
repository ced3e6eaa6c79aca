/* bulk.h — write paths for large imports: upserts that report whether they
 * changed anything and write nothing for identical rows, so re-importing a
 * file is free and its summary says "0 written".
 *
 * Call them inside tl_store_begin()/tl_store_commit(): one transaction for
 * a whole import is what makes them fast. */
#ifndef TL_STORE_BULK_H
#define TL_STORE_BULK_H

#include <stdbool.h>

#include "store/monthly.h"
#include "store/store.h"
#include "store/transactions.h"

/* Rows inserted, updated or deleted on this connection since it was
 * opened. Callers diff two readings around a write to learn whether it
 * changed anything (functions without a `changed` out-parameter). */
long long tl_store_changes_total(tl_store *st);

/* Inserts or updates one transaction (strings borrowed for the call);
 * an identical stored row is left alone and *changed is false. It does
 * not mark the customer for a monthly rebuild: call tl_store_txn_touch for
 * each customer whose rows changed (once per run of rows of the same
 * customer is enough). */
int tl_store_txn_put(tl_store *st, const tl_txn *t, bool *changed, tl_err *err);

/* Marks a customer's monthly totals for tl_store_monthly_rebuild_touched. */
int tl_store_txn_touch(tl_store *st, const char *customer_id, tl_err *err);

/* Inserts or updates one month of a customer's series (`source` is
 * "imported" or "computed"), leaving the other months alone; *changed
 * tells whether a row was written. */
int tl_store_monthly_put(tl_store *st, const char *customer_id, const tl_month_total *row,
                         const char *source, bool *changed, tl_err *err);

/* Rebuilds the monthly totals of every customer marked by
 * tl_store_txn_touch from their raw transactions (total = sum of debits in
 * the month, count = number of debits, source "computed"), then clears the
 * marks. Sums in C over one ordered scan instead of SQL's GROUP BY sort,
 * which is what a million-row import waits on. */
int tl_store_monthly_rebuild_touched(tl_store *st, tl_err *err);

#endif
