/* optouts.c — the contact_optouts table (optouts.h). */
#include "store/optouts.h"
#include "store/store_int.h"

#include <stdio.h>

int tl_store_optouts_each(tl_store *st, const char *customer_id,
                          int (*cb)(void *ctx, const char *channel, const char *since),
                          void *ctx, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(
        st, "SELECT channel, since FROM contact_optouts WHERE customer_id=?1 ORDER BY channel",
        &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0),
               (const char *)sqlite3_column_text(s, 1)))
            break;
    int rc = step == SQLITE_ROW || step == SQLITE_DONE
                 ? TL_OK
                 : tl__store_fail(st, err, "read contact opt-outs");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_optout_find(tl_store *st, const char *customer_id, const char *channel,
                         bool *found, bool *every, char *since, size_t since_size,
                         tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st,
                                       "SELECT channel='*', since FROM contact_optouts "
                                       "WHERE customer_id=?1 AND channel IN (?2, '*') "
                                       "ORDER BY channel='*' LIMIT 1",
                                       &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    tl__bind_text(s, 2, channel);
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    *every = *found && sqlite3_column_int(s, 0);
    if (*found && since)
        snprintf(since, since_size, "%s", (const char *)sqlite3_column_text(s, 1));
    int rc = step == SQLITE_ROW || step == SQLITE_DONE
                 ? TL_OK
                 : tl__store_fail(st, err, "read a contact opt-out");
    tl__store_release(s, owned);
    return rc;
}

int tl_store_optouts_set(tl_store *st, const char *customer_id, const char *channels_json,
                         tl_err *err)
{
    static const char *const steps[] = {
        "DELETE FROM contact_optouts WHERE customer_id=?1 AND channel NOT IN "
        "(SELECT value FROM json_each(?2))",
        "INSERT OR IGNORE INTO contact_optouts(customer_id, channel, since) SELECT ?1, value, "
        "strftime('%Y-%m-%dT%H:%M:%SZ','now') FROM json_each(?2)",
    };
    for (size_t i = 0; i < 2; i++) {
        int owned;
        sqlite3_stmt *s = tl__store_cached(st, steps[i], &owned, err);
        if (!s)
            return TL_EDB;
        tl__bind_text(s, 1, customer_id);
        tl__bind_text(s, 2, channels_json);
        int rc = sqlite3_step(s) == SQLITE_DONE
                     ? TL_OK
                     : tl__store_fail(st, err, "set contact opt-outs");
        tl__store_release(s, owned);
        if (rc)
            return rc;
    }
    return TL_OK;
}
