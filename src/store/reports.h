/* reports.h — portfolio figures for the overview report: table sizes and
 * offer feedback per channel and per day. Read-only; each call is a handful of aggregate
 * queries (prepared per call: reports are rare), none over the events themselves. */
#ifndef TL_STORE_REPORTS_H
#define TL_STORE_REPORTS_H

#include "store/store.h"

typedef struct tl_report_counts {
    long long customers, products, holdings;
    long long shown, clicked, accepted, dismissed;   /* events, all time */
    long long complained;                            /* complaint events, all time */
} tl_report_counts;

/* Offer feedback on one channel, all time. */
typedef struct tl_report_channel {
    const char *channel;                             /* NULL: events that named none */
    long long shown, clicked, accepted, dismissed, complained;
} tl_report_channel;

/* The table sizes and the event totals, summed per channel from the
 * events' tally (event_tally.h); `per_channel` (may be NULL) sees each
 * channel's figures, most shown first, valid during the call only. Return
 * non-zero from it to stop (the totals are then partial). */
int tl_store_report_counts(tl_store *st, tl_report_counts *out,
                           int (*per_channel)(void *ctx, const tl_report_channel *c),
                           void *ctx, tl_err *err);

typedef struct tl_report_day {
    const char *day;                                 /* "YYYY-MM-DD" (UTC) */
    long long shown, clicked, accepted, dismissed;
} tl_report_day;

/* Visits the days of the last `days` days (today included) that have
 * events, oldest first; `day` is valid during the call only. Return
 * non-zero from cb to stop. */
int tl_store_report_events_by_day(tl_store *st, int days,
                                  int (*cb)(void *ctx, const tl_report_day *d), void *ctx,
                                  tl_err *err);

#endif
