/* export.h — the rows `tailor export` writes, table by table.
 *
 * Two column sets per table: the pseudonymised one (no names, e-mails,
 * phones, free text, record documents or identifiers other than the
 * customer's, which the caller replaces; age as a band) and the full one
 * (every column, for --full). */
#ifndef TL_STORE_EXPORT_H
#define TL_STORE_EXPORT_H

#include <stdbool.h>

#include "store/store.h"

enum tl_col_type { TL_COL_NULL, TL_COL_INT, TL_COL_REAL, TL_COL_TEXT };

typedef struct tl_export_row {
    int n;                       /* columns */
    const char *const *names;    /* column names */
    const char *const *values;   /* text of each value, NULL for SQL NULL; the
                                    first call of a table has values NULL: the
                                    header */
    const int *types;            /* enum tl_col_type; NULL with the header */
    int customer_col;            /* index of the customer ID column, -1 none */
} tl_export_row;

/* Number of tables exported in the given mode, and the name of table i. */
size_t tl_store_export_tables(bool full);
const char *tl_store_export_table_name(bool full, size_t i);

/* Rows of table i (all of them, in a stable order). Strings valid during
 * the callback only; the callback returns non-zero to stop (its value is
 * returned). *rows (may be NULL) gets the count first, for progress. */
int tl_store_export_count(tl_store *st, bool full, size_t i, long long *rows, tl_err *err);
int tl_store_export_each(tl_store *st, bool full, size_t i,
                         int (*cb)(void *ctx, const tl_export_row *r), void *ctx, tl_err *err);

#endif
