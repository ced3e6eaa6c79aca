/* reports.c — aggregate queries for the overview report. The feedback
 * figures come from event_tally (events per day, channel and kind, kept up
 * to date by every event written: event_tally.h), so a page view costs the
 * same at any number of events. */
#include "store/reports.h"
#include "store/store_int.h"

int tl_store_report_counts(tl_store *st, tl_report_counts *out,
                           int (*per_channel)(void *ctx, const tl_report_channel *c),
                           void *ctx, tl_err *err)
{
    *out = (tl_report_counts){0};
    int rc;
    if ((rc = tl__store_scalar(st, "SELECT count(*) FROM customers", &out->customers,
                               "count rows", err)) ||
        (rc = tl__store_scalar(st, "SELECT count(*) FROM products", &out->products,
                               "count rows", err)) ||
        (rc = tl__store_scalar(st, "SELECT count(*) FROM holdings", &out->holdings,
                               "count rows", err)))
        return rc;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT nullif(channel, ''), sum(n * (kind='shown')) AS shown, "
                           "sum(n * (kind='clicked')), sum(n * (kind='accepted')), "
                           "sum(n * (kind='dismissed')), sum(n * (kind='complained')) "
                           "FROM event_tally GROUP BY channel HAVING sum(n) > 0 "
                           "ORDER BY shown DESC, channel",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "count events");
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_report_channel c = {(const char *)sqlite3_column_text(s, 0),
                               sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                               sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4),
                               sqlite3_column_int64(s, 5)};
        out->shown += c.shown;
        out->clicked += c.clicked;
        out->accepted += c.accepted;
        out->dismissed += c.dismissed;
        out->complained += c.complained;
        if (per_channel && per_channel(ctx, &c))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "count events");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_report_events_by_day(tl_store *st, int days,
                                  int (*cb)(void *ctx, const tl_report_day *d), void *ctx,
                                  tl_err *err)
{
    sqlite3_stmt *s;
    /* A tally's day is the first ten characters of the events' `at` (ISO
     * 8601 UTC), so days compare as text. */
    if (sqlite3_prepare_v2(st->db,
                           "SELECT day, sum(n * (kind='shown')), sum(n * (kind='clicked')), "
                           "sum(n * (kind='accepted')), sum(n * (kind='dismissed')) "
                           "FROM event_tally WHERE day >= date('now', printf('-%d days', ?1 - 1)) "
                           "GROUP BY day HAVING sum(n) > 0 ORDER BY day",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "count events by day");
    sqlite3_bind_int(s, 1, days);
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_report_day d = {(const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
                           sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                           sqlite3_column_int64(s, 4)};
        if (cb(ctx, &d))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "count events by day");
    sqlite3_finalize(s);
    return rc;
}
