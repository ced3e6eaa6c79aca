/* monthly.h — monthly spending totals per customer (the prototype's
 * "transaction insights"), imported or computed from raw transactions. */
#ifndef TL_STORE_MONTHLY_H
#define TL_STORE_MONTHLY_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct tl_month_total {
    int month;       /* month index, see base/month.h */
    double total;    /* sum of spending (debits) in the month */
    int64_t count;   /* number of spending transactions */
} tl_month_total;

/* Replaces the customer's whole series with `rows` (any order). `source`
 * is "imported" or "computed". Rows identical to the stored ones are not
 * rewritten. */
int tl_store_monthly_replace(tl_store *st, const char *customer_id, const tl_month_total *rows,
                             size_t n, const char *source, tl_err *err);

/* Settles totals summed from amounts: rounds each to 6 decimals, so the
 * same rows summed in another order (a file sorted otherwise, a rebuild
 * from the table) give the same total to the bit. Amounts of up to 6
 * decimals sum to a value exact at 6 decimals, and the order's rounding
 * error is far below half a unit there. Totals of 2^53 millionths (about
 * 9 billion) or more are left as they are. */
void tl_month_totals_settle(tl_month_total *rows, size_t n);

/* Reads the customer's series, oldest first, into a malloc'd array the
 * caller frees (*rows is NULL when n is 0). */
int tl_store_monthly_get(tl_store *st, const char *customer_id, tl_month_total **rows,
                         size_t *n, tl_err *err);

#endif
