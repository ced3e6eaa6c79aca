/* events.c — the events table. */
#include "store/events.h"
#include "store/store_int.h"

#include "base/isotime.h"

#include <string.h>
#include <strings.h>
#include <time.h>

const char *const tl_event_kinds[] = {"shown", "clicked", "accepted", "dismissed",
                                      "complained", NULL};

const char *tl_event_kind_find(const char *kind, bool ignore_case)
{
    for (size_t i = 0; kind && tl_event_kinds[i]; i++)
        if (ignore_case ? strcasecmp(kind, tl_event_kinds[i]) == 0
                        : strcmp(kind, tl_event_kinds[i]) == 0)
            return tl_event_kinds[i];
    return NULL;
}

bool tl_event_kind_needs_product(const char *kind)
{
    return strcmp(kind, "accepted") == 0 || strcmp(kind, "dismissed") == 0;
}

int tl_store_event_add(tl_store *st, const tl_event *e, tl_event_batch *batch, bool *duplicate,
                       tl_err *err)
{
    /* An event without a time happened now; the day it lands on is also
     * the tally's key. */
    char now[TL_ISOTIME_LEN + 1];
    const char *at = e->at;
    if (!at) {
        if (!tl_isotime_format(time(NULL), now))
            return tl_err_set(err, TL_EINTERNAL, "cannot format the time now");
        at = now;
    }
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_EVENT_ADD,
        "INSERT INTO events(customer_id, product_id, kind, channel, idempotency_key, at) "
        "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(idempotency_key) DO NOTHING",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, e->customer_id);
    tl__bind_text(s, 2, e->product_id);
    tl__bind_text(s, 3, e->kind);
    tl__bind_text(s, 4, e->channel);
    tl__bind_text(s, 5, e->idempotency_key);
    tl__bind_text(s, 6, at);
    int step = sqlite3_step(s);
    bool added = step == SQLITE_DONE && sqlite3_changes(st->db) > 0;
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "write event");
    if (duplicate)
        *duplicate = !added;
    if (!added)
        return TL_OK;
    /* Counted for the overview (event_tally.h), in the caller's
     * transaction or with the caller's batch. */
    if (batch)
        return tl_event_batch_count(batch, at, e->channel, e->kind) ? tl_err_set(err, TL_ENOMEM,
                                                                                "out of memory")
                                                                    : TL_OK;
    return tl_store_event_tally_add(st, at, e->channel, e->kind, 1, err);
}

int tl_store_events_recent(tl_store *st, const char *customer_id, const char *since,
                           int limit,
                           int (*cb)(void *ctx, const char *product_id, const char *kind,
                                     const char *channel, const char *at),
                           void *ctx, tl_err *err)
{
    /* A backward range scan of events_customer_time, which holds every
     * column read here, in this order: no table lookup, no sort. */
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_EVENTS_RECENT,
        "SELECT product_id, kind, channel, at FROM events WHERE customer_id=?1 AND at >= ?2 "
        "ORDER BY at DESC, id DESC LIMIT ?3",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    tl__bind_text(s, 2, since);
    sqlite3_bind_int(s, 3, limit);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if ((rc = cb(ctx, (const char *)sqlite3_column_text(s, 0),
                     (const char *)sqlite3_column_text(s, 1),
                     (const char *)sqlite3_column_text(s, 2),
                     (const char *)sqlite3_column_text(s, 3))))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "read recent events");
    sqlite3_reset(s);
    return rc;
}

int tl_store_events_by_product(tl_store *st,
                               int (*cb)(void *ctx, const char *product_id,
                                         const tl_product_events *c),
                               void *ctx, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT product_id, sum(kind='shown'), sum(kind='clicked'), "
                           "sum(kind='accepted'), sum(kind='dismissed') FROM events "
                           "WHERE product_id IS NOT NULL GROUP BY product_id",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "count events");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_product_events c = {sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                               sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), 0};
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0), &c))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "count events");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_events_of_product(tl_store *st, const char *product_id, const char *staff_json,
                               tl_product_events *out, tl_err *err)
{
    *out = (tl_product_events){0};
    int owned;
    sqlite3_stmt *s = tl__store_cached(
        st,
        "SELECT coalesce(sum(kind='shown'),0), coalesce(sum(kind='clicked'),0), "
        "coalesce(sum(kind='accepted'),0), coalesce(sum(kind='dismissed'),0), "
        "coalesce(sum(kind='shown' AND channel IN (SELECT value FROM json_each(?2))),0) "
        "FROM events WHERE product_id=?1",
        &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, product_id);
    tl__bind_text(s, 2, staff_json ? staff_json : "[]");
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = (tl_product_events){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                                   sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                                   sqlite3_column_int64(s, 4)};
    tl__store_release(s, owned);
    return step == SQLITE_ROW ? TL_OK : tl__store_fail(st, err, "count a product's events");
}
