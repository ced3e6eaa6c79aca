/* events.h — feedback on offers (shown, clicked, accepted, dismissed),
 * counted once per idempotency key. */
#ifndef TL_STORE_EVENTS_H
#define TL_STORE_EVENTS_H

#include <stdbool.h>

#include "store/store.h"

typedef struct tl_event {
    const char *customer_id;
    const char *product_id;       /* may be NULL */
    const char *kind;             /* "shown", "clicked", "accepted", "dismissed" */
    const char *channel;          /* may be NULL */
    const char *idempotency_key;  /* may be NULL: then never deduplicated */
    const char *at;               /* ISO time, NULL = now */
} tl_event;

/* Records an event; *duplicate (may be NULL) tells that the key was seen
 * before and nothing was written. */
int tl_store_event_add(tl_store *st, const tl_event *e, bool *duplicate, tl_err *err);

/* Visits the product ids the customer dismissed since `since` (ISO time,
 * NULL for ever), newest first. */
int tl_store_events_dismissed(tl_store *st, const char *customer_id, const char *since,
                              int (*cb)(void *ctx, const char *product_id), void *ctx,
                              tl_err *err);

/* Per product: how often it was shown, clicked, accepted and dismissed. */
typedef struct tl_product_events {
    long long shown, clicked, accepted, dismissed;
} tl_product_events;

int tl_store_events_by_product(tl_store *st,
                               int (*cb)(void *ctx, const char *product_id,
                                         const tl_product_events *c),
                               void *ctx, tl_err *err);

#endif
