/* event_tally.h — the tally of events per day, channel and kind (table
 * event_tally, migration 14) that the overview report sums instead of
 * scanning every event (reports.h). Every event written is counted, at
 * once or through a batch: an import counts its events in memory and adds
 * them to the table once, since an upsert per event into that small, hot
 * table would add a third to an events import. */
#ifndef TL_STORE_EVENT_TALLY_H
#define TL_STORE_EVENT_TALLY_H

#include "store/store.h"

typedef struct tl_event_batch tl_event_batch;

/* An empty batch; NULL when out of memory. */
tl_event_batch *tl_event_batch_new(void);

/* Frees the batch (NULL accepted); counts not flushed are dropped. */
void tl_event_batch_free(tl_event_batch *b);

/* Counts one event of `day` (its first 10 characters, YYYY-MM-DD),
 * `channel` (NULL: none named) and `kind`. TL_ENOMEM or TL_OK. */
int tl_event_batch_count(tl_event_batch *b, const char *day, const char *channel,
                         const char *kind);

/* Adds the batch's counts to the store's tally and empties the batch.
 * Call inside the write transaction that wrote the events. */
int tl_store_event_batch_flush(tl_store *st, tl_event_batch *b, tl_err *err);

/* Adds `n` events of (day, channel, kind) to the store's tally at once. */
int tl_store_event_tally_add(tl_store *st, const char *day, const char *channel,
                             const char *kind, long long n, tl_err *err);

/* *n = the events counted on the days from `from` to `to` (ISO times or
 * days; their first 10 characters), both included; `to` NULL: no end.
 * What changes whenever an event of those days is written or erased. */
int tl_store_event_tally_between(tl_store *st, const char *from, const char *to, long long *n,
                                 tl_err *err);

#endif
