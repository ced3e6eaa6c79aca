/* learned.c — the learned_weights table. Reads are cached by their SQL
 * text (every request reads the weights); writes are prepared per call. */
#include "store/learned.h"
#include "store/store_int.h"

int tl_store_learned_get(tl_store *st, const char *segment, const char *feature, double *w,
                         long long *n, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, "SELECT weight, n FROM learned_weights WHERE segment=?1 AND feature=?2", &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, segment);
    tl__bind_text(s, 2, feature);
    int step = sqlite3_step(s), rc = TL_OK;
    *w = 0;
    *n = 0;
    if (step == SQLITE_ROW) {
        *w = sqlite3_column_double(s, 0);
        *n = sqlite3_column_int64(s, 1);
    } else if (step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read learned weight");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_learned_put(tl_store *st, const char *segment, const char *feature, double w,
                         long long n, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO learned_weights(segment, feature, weight, n, updated_at) "
                           "VALUES(?1,?2,?3,?4,strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
                           "ON CONFLICT(segment, feature) DO UPDATE SET weight=excluded.weight, "
                           "n=excluded.n, updated_at=excluded.updated_at",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "write learned weight");
    tl__bind_text(s, 1, segment);
    tl__bind_text(s, 2, feature);
    sqlite3_bind_double(s, 3, w);
    sqlite3_bind_int64(s, 4, n);
    int rc = sqlite3_step(s) == SQLITE_DONE ? TL_OK : tl__store_fail(st, err, "write learned weight");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_learned_each(tl_store *st,
                          int (*cb)(void *ctx, const char *segment, const char *feature,
                                    double w, long long n),
                          void *ctx, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, "SELECT segment, feature, weight, n FROM learned_weights", &owned, err);
    if (!s)
        return TL_EDB;
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1), sqlite3_column_double(s, 2),
               sqlite3_column_int64(s, 3)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read learned weights");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_learned_showings(tl_store *st, const char *customer_id, const char *product_id,
                              const char *skip_channels_json, long long *shown,
                              long long *resolved, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(
        st, "SELECT coalesce(sum(kind='shown' AND coalesce(channel,'') NOT IN "
            "(SELECT value FROM json_each(coalesce(?3,'[]')))),0), "
            "coalesce(sum(kind IN ('accepted','dismissed')),0) FROM events "
            "WHERE customer_id=?1 AND product_id=?2", &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    tl__bind_text(s, 2, product_id);
    tl__bind_text(s, 3, skip_channels_json);
    int rc = TL_OK;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *shown = sqlite3_column_int64(s, 0);
        *resolved = sqlite3_column_int64(s, 1);
    } else
        rc = tl__store_fail(st, err, "count showings");
    tl__store_release(s, owned);
    return rc;
}
