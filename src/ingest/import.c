/* import.c — the two-pass, all-or-nothing import driver. */
#include "ingest/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "store/bulk.h"
#include "store/customers.h"
#include "store/monthly.h"
#include "store/products.h"

const char *tl_kind_name(tl_kind k)
{
    static const char *const names[TL_KIND_COUNT] = {
        "customers", "products", "reviews", "holdings", "monthly", "transactions", "posts",
        "consent", "events", "optouts"};
    return (unsigned)k < TL_KIND_COUNT ? names[k] : "unknown";
}

int tl_import_add_id(tl_import *imp, tl_kind k, const char *id)
{
    return tl_strset_add(&imp->ids[k], id);
}

int tl_import_has_id(tl_import *imp, tl_kind k, const char *id, bool *has, tl_err *err)
{
    if (tl_strset_has(&imp->ids[k], id)) {
        *has = true;
        return TL_OK;
    }
    if (!imp->st) {
        *has = false;
        return TL_OK;
    }
    if (k == TL_KIND_CUSTOMERS)
        return tl_store_customer_exists(imp->st, id, has, err);
    if (k == TL_KIND_PRODUCTS)
        return tl_store_product_exists(imp->st, id, has, err);
    *has = false;
    return TL_OK;
}

/* Stable sort by kind so customers and products are checked first. */
static void sort_by_kind(tl_source **s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        tl_source *x = s[i];
        size_t j = i;
        while (j > 0 && s[j - 1]->kind > x->kind) {
            s[j] = s[j - 1];
            j--;
        }
        s[j] = x;
    }
}

/* Removes a store file and SQLite's companions beside it. */
static void remove_store_files(const char *db_path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]) < sizeof path)
            unlink(path);
    }
}

int tl_import_run(const char *db_path, tl_source **sources, size_t n, bool progress,
                  tl_import_counts *counts, tl_err *err)
{
    tl_import imp = {.progress = progress};
    for (int k = 0; k < TL_KIND_COUNT; k++)
        tl_strset_init(&imp.ids[k]);
    sort_by_kind(sources, n);
    tl_store *st = NULL;
    struct stat sb;
    int rc = TL_OK;
    /* Check against the existing store read-only, so a rejected import
     * leaves even a store that did not exist untouched. */
    bool existed = stat(db_path, &sb) == 0;
    /* A store written by an older tailor is brought to this schema first:
     * an upgrade, not the import's data, and its own transaction. */
    if (existed && !(rc = tl_store_open(db_path, 0, &st, err))) {
        tl_store_close(st);
        st = NULL;
    }
    if (existed && (rc || (rc = tl_store_open(db_path, TL_STORE_READONLY, &st, err))))
        goto done;
    /* One snapshot for the whole check: the lookups see one state of the
     * store, and take its lock once rather than once each. */
    if (st && (rc = tl_store_read_begin(st, err)))
        goto done;
    imp.st = st;
    for (size_t i = 0; i < n && !rc; i++)
        rc = sources[i]->check(sources[i], &imp, err);
    if (st)
        tl_store_read_end(st);
    tl_store_close(st);
    imp.st = st = NULL;
    if (rc)
        goto done;
    if ((rc = tl_store_open(db_path, TL_STORE_CREATE | (existed ? 0 : TL_STORE_BULK_CREATE), &st,
                            err)))
        goto done;
    imp.st = st;
    if ((rc = tl_store_begin(st, err)))
        goto done;
    for (size_t i = 0; i < n && !rc; i++)
        rc = sources[i]->write(sources[i], &imp, err);
    if (!rc)
        rc = tl_store_commit(st, err);
    if (rc && st)
        tl_store_rollback(st);
    /* The data is in: a store that cannot switch now (someone opened it
     * meanwhile) switches at its next writable open, which always asks. */
    tl_err werr;
    if (!rc && !existed && tl_store_use_wal(st, &werr))
        tl_log_warn("%s", werr.msg);
    tl_store_close(st);
    st = NULL;
    /* A store this import created must not outlive a failed write pass. */
    if (rc && !existed)
        remove_store_files(db_path);
done:
    tl_store_close(st);
    if (counts)
        *counts = imp.counts;
    for (size_t i = 0; i < n; i++)
        sources[i]->destroy(sources[i]);
    for (int k = 0; k < TL_KIND_COUNT; k++)
        tl_strset_free(&imp.ids[k]);
    return rc;
}

int tl_import_write_reviews(tl_import *imp, const char *product_id, json_t *reviews,
                            tl_err *err)
{
    size_t j;
    json_t *r;
    json_array_foreach(reviews, j, r) {
        tl_review rev = {product_id, json_string_value(r), NAN};
        long long before = tl_store_changes_total(imp->st);
        int rc = tl_store_review_upsert(imp->st, &rev, err);
        if (rc)
            return rc;
        imp->counts.changed[TL_KIND_REVIEWS] += tl_store_changes_total(imp->st) != before;
    }
    return TL_OK;
}
