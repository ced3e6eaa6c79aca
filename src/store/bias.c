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
