/* import.h — all-or-nothing imports of one or more files into the store.
 *
 * An import runs in two passes. Pass 1 (check) parses every file and
 * validates every record, including references between files and to what
 * the store already holds, without writing anything. Pass 2 (write) runs
 * inside one store transaction; any failure rolls it back. So a bad file
 * leaves the store exactly as it was. A source without a separate check
 * (raw transactions, read once: docs/formats.md) validates its records in
 * pass 2, where an error rolls back the same way. */
#ifndef TL_INGEST_IMPORT_H
#define TL_INGEST_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strset.h"
#include "store/store.h"

/* Kinds of record, in the order sources are checked and written: records
 * may only refer to kinds before them. */
typedef enum tl_kind {
    TL_KIND_CUSTOMERS,
    TL_KIND_PRODUCTS,
    TL_KIND_REVIEWS,
    TL_KIND_HOLDINGS,
    TL_KIND_MONTHLY,
    TL_KIND_TRANSACTIONS,
    TL_KIND_POSTS,
    TL_KIND_CONSENT,   /* per-customer consent (changes audited) */
    TL_KIND_EVENTS,    /* feedback on offers (shown, clicked, accepted, dismissed) */
    TL_KIND_OPTOUTS,   /* customers' channel opt-outs (changes audited) */
    TL_KIND_COUNT
} tl_kind;

const char *tl_kind_name(tl_kind k);

typedef struct tl_import tl_import;

/* One input file. Implementations embed this struct first. */
typedef struct tl_source tl_source;
struct tl_source {
    tl_kind kind;
    char *path;                 /* owned; for messages */
    /* Pass 1: parse and validate; register new IDs with tl_import_add_id;
     * check references with tl_import_has_id. Must not write. May do
     * nothing when `write` validates every record itself. */
    int (*check)(tl_source *src, tl_import *imp, tl_err *err);
    /* Pass 2: write every record through src/store. */
    int (*write)(tl_source *src, tl_import *imp, tl_err *err);
    void (*destroy)(tl_source *src);   /* frees src itself too */
};

typedef struct tl_import_counts {
    long long read[TL_KIND_COUNT];     /* records read per kind */
    long long changed[TL_KIND_COUNT];  /* records inserted or updated */
} tl_import_counts;

struct tl_import {
    tl_store *st;
    tl_strset ids[TL_KIND_COUNT];      /* IDs introduced by this import */
    tl_import_counts counts;
    bool progress;                     /* show progress bars on a terminal */
};

/* Registers an ID of kind k introduced by this import. Returns 1 if new,
 * 0 if this import already introduced it (a duplicate), or TL_ENOMEM. */
int tl_import_add_id(tl_import *imp, tl_kind k, const char *id);

/* True when the ID was introduced by this import or exists in the store. */
int tl_import_has_id(tl_import *imp, tl_kind k, const char *id, bool *has, tl_err *err);

/* Runs both passes over `n` sources (in kind order, stable) into the store
 * at `db_path` and frees the sources. The check pass reads the store (if it
 * exists) without writing; the store file is created only for the write
 * pass. `counts` (may be NULL) receives what was read and written. Returns
 * 0, or the first error with a message naming file and place. */
int tl_import_run(const char *db_path, tl_source **sources, size_t n, bool progress,
                  tl_import_counts *counts, tl_err *err);

/* Sources for the prototype's four JSON files in `dir`
 * (customer_profile.json, customer_monthly_transaction_insights.json,
 * non_contradictory_social_media_posts.json, products.json). Appends 5
 * sources to out[*n] (room for 5 needed: the profile also yields holdings). */
int tl_seed_sources(const char *dir, tl_source **out, size_t *n, tl_err *err);

/* Writes a product's embedded review texts (the prototype's
 * "customer_reviews" array, borrowed) and counts those really written. */
int tl_import_write_reviews(tl_import *imp, const char *product_id, json_t *reviews,
                            tl_err *err);

/* One file in the prototype's JSON array shape (customers, products,
 * monthly insights, posts; holdings derived from a customer profile file). */
int tl_seed_source_open(tl_kind kind, const char *path, tl_source **out, tl_err *err);

#endif
