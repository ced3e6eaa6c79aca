/* fuzz_jsonl.c — JSON Lines imports of any kind, both passes, into an
 * in-memory store: must never crash or leak, whatever the bytes.
 *
 * Input: one byte choosing the kind of record (byte % TL_KIND_COUNT, see tl_kind),
 * then the JSON Lines text. Customers C1, C2 and products P1, P2 are
 * imported alongside, so records can refer to something. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/import.h"
#include "ingest/jsonl.h"
#include "ingest/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char customers[] = "customer_id,age\nC1,30\nC2,40\n";
static const char products[] = "product_id,name,category\nP1,Gold,Plastic Card\nP2,Save,Deposit\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tl_kind kind = (tl_kind)(data[0] % TL_KIND_COUNT);
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    tl_err err;

    /* 1. The line reader alone, with a small line cap. */
    tl_jsonl r;
    if (tl_jsonl_open_mem(&r, "fuzz.jsonl", text, len, data[0] & 0x80 ? 64 : 0, &err) == 0) {
        int rc;
        while ((rc = tl_jsonl_next(&r, &err)) == 1)
            if (!json_is_object(r.obj))
                abort();
        if (rc < 0 && strncmp(err.msg, "fuzz.jsonl:", 11) != 0)
            abort();   /* every error names the place */
        tl_jsonl_close(&r);
    }

    /* 2. A whole import: check, then write into memory. */
    tl_source *src[3];
    size_t n = 0;
    if (kind != TL_KIND_CUSTOMERS &&
        tl_table_source_open_mem(TL_KIND_CUSTOMERS, "c.csv", customers, sizeof customers - 1,
                                 &src[n], &err) == 0)
        n++;
    if (kind != TL_KIND_PRODUCTS &&
        tl_table_source_open_mem(TL_KIND_PRODUCTS, "p.csv", products, sizeof products - 1,
                                 &src[n], &err) == 0)
        n++;
    if (tl_table_source_open_mem(kind, "fuzz.jsonl", text, len, &src[n], &err) == 0)
        n++;
    tl_import_counts counts;
    int rc = tl_import_run(":memory:", src, n, false, &counts, &err);
    if (rc == TL_EDB || rc == TL_EINTERNAL)
        abort();   /* the check pass let through what the store refused */
    return 0;
}
