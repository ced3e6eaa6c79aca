/* bias.c — grouped offer, acceptance and score counts for the bias report. */
#include "store/bias.h"
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>

static const char *group_expr(tl_bias_dim dim)
{
    if (dim == TL_BIAS_GENDER)
        return "coalesce(nullif(trim(c.gender),''),'Unknown')";
    return "CASE WHEN c.age IS NULL THEN 'Unknown' WHEN c.age < 18 THEN 'under 18' "
           "WHEN c.age < 25 THEN '18-24' WHEN c.age < 35 THEN '25-34' "
           "WHEN c.age < 45 THEN '35-44' WHEN c.age < 55 THEN '45-54' "
           "WHEN c.age < 65 THEN '55-64' ELSE '65+' END";
}

int tl_store_bias_groups(tl_store *st, tl_bias_dim dim,
                         int (*cb)(void *ctx, const char *group, long long customers),
                         void *ctx, tl_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s AS g, count(*) FROM customers c GROUP BY g ORDER BY g",
             group_expr(dim));
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "bias: count groups");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "bias: count groups");
    sqlite3_finalize(s);
    return rc;
}

/* The offer sources, as (cid, pid) pairs; UNION removes repeats. */
#define OFFERS_CTE                                                                           \
    "WITH offers(cid, pid) AS ("                                                             \
    " SELECT customer_id, product_id FROM events"                                            \
    "  WHERE kind IN ('shown','accepted') AND product_id IS NOT NULL"                        \
    " UNION SELECT customer_id, product_id FROM scored"                                      \
    " UNION SELECT a.subject, json_extract(p.value, '$.product_id')"                         \
    "  FROM audit a, json_each(a.doc, '$.products') p"                                       \
    "  WHERE a.kind='recommendation' AND json_valid(a.doc)), "                               \
    "acc(cid, pid) AS (SELECT DISTINCT customer_id, product_id FROM events"                  \
    " WHERE kind='accepted' AND product_id IS NOT NULL) "

int tl_store_bias_cells(tl_store *st, tl_bias_dim dim, tl_bias_level level,
                        int (*cb)(void *ctx, const tl_bias_cell *c), void *ctx, tl_err *err)
{
    const char *k = level == TL_BIAS_PRODUCT ? "p.id" : "p.category";
    const char *g = group_expr(dim);
    char sql[4096];
    int n = snprintf(
        sql, sizeof sql,
        OFFERS_CTE
        "SELECT key, grp, sum(o), sum(a), sum(s), sum(m) FROM ("
        " SELECT %s AS key, %s AS grp, count(DISTINCT x.cid) AS o, 0 AS a, 0 AS s, NULL AS m"
        "  FROM offers x JOIN products p ON p.id=x.pid JOIN customers c ON c.id=x.cid"
        "  GROUP BY key, grp"
        " UNION ALL SELECT %s, %s, 0, count(DISTINCT x.cid), 0, NULL"
        "  FROM acc x JOIN products p ON p.id=x.pid JOIN customers c ON c.id=x.cid"
        "  GROUP BY 1, 2"
        " UNION ALL SELECT %s, %s, 0, 0, count(DISTINCT x.customer_id), avg(x.score)"
        "  FROM scored x JOIN products p ON p.id=x.product_id JOIN customers c"
        "  ON c.id=x.customer_id GROUP BY 1, 2)"
        " GROUP BY key, grp ORDER BY key, grp",
        k, g, k, g, k, g);
    if (n < 0 || (size_t)n >= sizeof sql)
        return tl_err_set(err, TL_EINTERNAL, "bias: query too long");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "bias: count offers");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_bias_cell c = {(const char *)sqlite3_column_text(s, 0),
                          (const char *)sqlite3_column_text(s, 1), sqlite3_column_int64(s, 2),
                          sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4),
                          sqlite3_column_type(s, 5) == SQLITE_NULL ? NAN
                                                                   : sqlite3_column_double(s, 5)};
        if (cb(ctx, &c))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "bias: count offers");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_bias_products(tl_store *st,
                           int (*cb)(void *ctx, const char *id, const char *name,
                                     const char *category, const char *doc),
                           void *ctx, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT id, name, category, doc FROM products ORDER BY id", -1,
                           &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "bias: list products");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
               (const char *)sqlite3_column_text(s, 3)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "bias: list products");
    sqlite3_finalize(s);
    return rc;
}
