/* fuzz_csv.c — the CSV reader, the table check pass and, for raw
 * transactions (checked while written) and channel opt-outs (whose limit
 * per customer is met while written), a whole import into memory, over
 * arbitrary bytes: must never crash, leak or read out of bounds, every
 * field must be a NUL-free string of the length it reports, and the store
 * must never refuse what the checks let through.
 *
 * Input: one byte choosing the kind of record (byte % TL_KIND_COUNT, see
 * tl_kind), small reader caps (bit 0x80) and, for transactions, batches of
 * 1-3 rows instead of the default (bits 0x30: 0 default), so the paths of
 * files bigger than a batch are reached; then the CSV text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/csv.h"
#include "ingest/import.h"
#include "ingest/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tl_kind kind = (tl_kind)(data[0] % TL_KIND_COUNT);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    tl_err err;

    /* 1. The reader alone, with small caps so their errors are reached. */
    tl_csv_limits lim = {.max_field = 64, .max_row = 256, .max_fields = 16};
    tl_csv c;
    if (tl_csv_open_mem(&c, "fuzz.csv", text, len, data[0] & 0x80 ? &lim : NULL, &err) == 0) {
        int rc;
        while ((rc = tl_csv_next(&c, &err)) == 1) {
            if (c.nfields == 0)
                abort();
            for (size_t i = 0; i < c.nfields; i++)
                if (strlen(tl_csv_field(&c, i)) != tl_csv_field_len(&c, i))
                    abort();
        }
        if (rc < 0 && !strstr(err.msg, "fuzz.csv:row "))
            abort();   /* every reader error names the row */
        tl_csv_close(&c);
    }

    /* 2. The check pass of a table source, without a store. */
    tl_source *src;
    if (tl_table_source_open_mem(kind, "fuzz.csv", text, len, &src, &err) == 0) {
        tl_import imp;
        memset(&imp, 0, sizeof imp);
        for (int k = 0; k < TL_KIND_COUNT; k++)
            tl_strset_init(&imp.ids[k]);
        /* Known IDs, so references can pass and later checks run. */
        tl_import_add_id(&imp, TL_KIND_CUSTOMERS, "C1");
        tl_import_add_id(&imp, TL_KIND_PRODUCTS, "P1");
        src->check(src, &imp, &err);
        src->destroy(src);
        for (int k = 0; k < TL_KIND_COUNT; k++)
            tl_strset_free(&imp.ids[k]);
    }

    /* 3. Transactions and opt-outs: the whole import, customers C1 and C2
     * beside. */
    if (kind != TL_KIND_TRANSACTIONS && kind != TL_KIND_OPTOUTS)
        return 0;
    static const char *const batch_rows[] = {"", "1", "2", "3"};
    setenv("TAILOR_IMPORT_BATCH_ROWS", batch_rows[data[0] >> 4 & 3], 1);
    static const char customers[] = "customer_id\nC1\nC2\n";
    tl_source *two[2];
    size_t n = 0;
    if (tl_table_source_open_mem(TL_KIND_CUSTOMERS, "c.csv", customers, sizeof customers - 1,
                                 &two[n], &err) == 0)
        n++;
    if (tl_table_source_open_mem(kind, "fuzz.csv", text, len, &two[n], &err) == 0)
        n++;
    tl_import_counts counts;
    int rc = tl_import_run(":memory:", two, n, false, &counts, &err);
    if (rc == TL_EDB || rc == TL_EINTERNAL)
        abort();   /* the checks let through what the store refused */
    return 0;
}
