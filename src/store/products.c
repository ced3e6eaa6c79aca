/* products.c — products and reviews tables. */
#include "store/products.h"
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int tl_store_product_upsert(tl_store *st, const tl_product *p, bool *changed, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_PRODUCT_UPSERT,
        "INSERT INTO products(id, name, category, doc, updated_at) "
        "VALUES(?1,?2,?3,?4,strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
        "ON CONFLICT(id) DO UPDATE SET name=?2, category=?3, doc=?4, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE products.doc IS NOT ?4",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, p->id);
    tl__bind_text(s, 2, p->name);
    tl__bind_text(s, 3, p->category);
    tl__bind_text(s, 4, p->doc ? p->doc : "{}");
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write product");
    bool wrote = sqlite3_changes(st->db) > 0;
    if (changed)
        *changed = wrote;
    if (!wrote)
        return TL_OK;
    /* The catalogue's version, read by tl_store_products_stamp(): one row
     * to read per request instead of every product's record. */
    int owned;
    sqlite3_stmt *v = tl__store_cached(
        st,
        "INSERT INTO meta(key, value) VALUES('products_version', 1) "
        "ON CONFLICT(key) DO UPDATE SET value = value + 1",
        &owned, err);
    if (!v)
        return TL_EDB;
    int rc = sqlite3_step(v) == SQLITE_DONE ? TL_OK
                                            : tl__store_fail(st, err, "count catalogue version");
    tl__store_release(v, owned);
    return rc;
}

int tl_store_product_get_doc(tl_store *st, const char *id, char **doc, tl_err *err)
{
    sqlite3_stmt *s =
        tl__store_stmt(st, TL_STMT_PRODUCT_GET, "SELECT doc FROM products WHERE id=?1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, id);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) {
        sqlite3_reset(s);
        return tl_err_set(err, TL_ENOTFOUND, "product '%s' not found", id);
    }
    if (step != SQLITE_ROW)
        return tl__store_fail(st, err, "read product");
    *doc = tl__column_dup(s, 0);
    sqlite3_reset(s);
    return *doc ? TL_OK : tl_err_set(err, TL_ENOMEM, "out of memory");
}

int tl_store_product_exists(tl_store *st, const char *id, bool *exists, tl_err *err)
{
    sqlite3_stmt *s =
        tl__store_stmt(st, TL_STMT_PRODUCT_EXISTS, "SELECT 1 FROM products WHERE id=?1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, id);
    int step = sqlite3_step(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return tl__store_fail(st, err, "look up product");
    *exists = step == SQLITE_ROW;
    sqlite3_reset(s);
    return TL_OK;
}

int tl_store_product_find_by_name(tl_store *st, const char *name, char **id, tl_err *err)
{
    *id = NULL;
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_PRODUCT_BY_NAME,
        "SELECT id FROM products WHERE name=?1 COLLATE NOCASE ORDER BY rowid LIMIT 1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, name);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *id = tl__column_dup(s, 0);
    else if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "find product by name");
    sqlite3_reset(s);
    return TL_OK;
}

int tl_store_products_each(tl_store *st, int (*cb)(void *ctx, const tl_product *p), void *ctx,
                           tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT id, name, category, doc FROM products ORDER BY rowid",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "list products");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_product p = {(const char *)sqlite3_column_text(s, 0),
                        (const char *)sqlite3_column_text(s, 1),
                        (const char *)sqlite3_column_text(s, 2),
                        (const char *)sqlite3_column_text(s, 3)};
        if (cb(ctx, &p))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list products");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_review_upsert(tl_store *st, const tl_review *r, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_REVIEW_UPSERT,
        "INSERT INTO reviews(product_id, text, rating) VALUES(?1,?2,?3) "
        "ON CONFLICT(product_id, text) DO UPDATE SET rating=?3 WHERE rating IS NOT ?3",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, r->product_id);
    tl__bind_text(s, 2, r->text);
    if (!isnan(r->rating))
        sqlite3_bind_double(s, 3, r->rating);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write review");
    return TL_OK;
}

int tl_store_reviews_each(tl_store *st, const char *product_id,
                          int (*cb)(void *ctx, const tl_review *r), void *ctx, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_REVIEWS_GET,
        "SELECT product_id, text, rating FROM reviews WHERE product_id=?1 ORDER BY id", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, product_id);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_review r = {(const char *)sqlite3_column_text(s, 0),
                       (const char *)sqlite3_column_text(s, 1),
                       sqlite3_column_type(s, 2) == SQLITE_NULL ? NAN
                                                                : sqlite3_column_double(s, 2)};
        if (cb(ctx, &r))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read reviews");
    sqlite3_reset(s);
    return rc;
}

int tl_store_products_stamp(tl_store *st, char *buf, size_t size, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(
        st,
        "SELECT (SELECT count(*) FROM products), "
        "coalesce((SELECT value FROM meta WHERE key='products_version'), 0)",
        &owned, err);
    if (!s)
        return TL_EDB;
    int rc = TL_OK;
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(buf, size, "%lld/v%lld", (long long)sqlite3_column_int64(s, 0),
                 (long long)sqlite3_column_int64(s, 1));
    else
        rc = tl__store_fail(st, err, "read catalogue stamp");
    tl__store_release(s, owned);
    return rc;
}
