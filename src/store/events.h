/* events.h — feedback on offers (shown, clicked, accepted, dismissed) and
 * complaints, counted once per idempotency key. */
#ifndef TL_STORE_EVENTS_H
#define TL_STORE_EVENTS_H

#include <stdbool.h>

#include "store/event_tally.h"
#include "store/store.h"

typedef struct tl_event {
    const char *customer_id;
    const char *product_id;       /* may be NULL */
    const char *kind;             /* one of tl_event_kinds */
    const char *channel;          /* may be NULL */
    const char *idempotency_key;  /* may be NULL: then never deduplicated */
    const char *at;               /* ISO time, NULL = now */
} tl_event;

/* "shown", "clicked", "accepted", "dismissed", "complained"; NULL ends it. */
extern const char *const tl_event_kinds[];
#define TL_EVENT_KINDS_TEXT "shown, clicked, accepted, dismissed or complained"

/* The kind's canonical spelling from tl_event_kinds, or NULL when `kind`
 * is none of them (ASCII case ignored when `ignore_case`). */
const char *tl_event_kind_find(const char *kind, bool ignore_case);

/* Accepted and dismissed events must name their product. */
bool tl_event_kind_needs_product(const char *kind);

/* Records an event and counts it in the overview's tally: at once when
 * `batch` is NULL, else in the batch, which the caller flushes in the same
 * transaction (event_tally.h). *duplicate (may be NULL) tells that the key
 * was seen before and nothing was written. */
int tl_store_event_add(tl_store *st, const tl_event *e, tl_event_batch *batch, bool *duplicate,
                       tl_err *err);

/* Visits the customer's events at or after `since` (the store's time
 * form), newest first, at most `limit`. The strings are valid during the
 * callback only; product_id and channel may be NULL. The callback returns
 * non-zero to stop (and that value is returned). */
int tl_store_events_recent(tl_store *st, const char *customer_id, const char *since,
                           int limit,
                           int (*cb)(void *ctx, const char *product_id, const char *kind,
                                     const char *channel, const char *at),
                           void *ctx, tl_err *err);

/* Per product: how often it was shown, clicked, accepted and dismissed;
 * staff_shown: of the showings, those on staff channels (what staff saw),
 * counted by tl_store_events_of_product only. */
typedef struct tl_product_events {
    long long shown, clicked, accepted, dismissed;
    long long staff_shown;
} tl_product_events;

int tl_store_events_by_product(tl_store *st,
                               int (*cb)(void *ctx, const char *product_id,
                                         const tl_product_events *c),
                               void *ctx, tl_err *err);

/* The same for one product (zeros when it has no events): a range of the
 * events_product index, not a pass over every event. `staff_json` is a
 * JSON array of the staff channels (NULL: none). */
int tl_store_events_of_product(tl_store *st, const char *product_id, const char *staff_json,
                               tl_product_events *out, tl_err *err);

#endif
