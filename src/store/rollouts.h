/* rollouts.h — the rollouts table: staged personalisation with a hold-out.
 *
 * A rollout personalises a share of the customers (the treatment arm) and
 * serves everyone else the generally suitable offers (the control arm), so
 * the difference in acceptance measures what personalisation is worth. At
 * most one rollout runs at a time; stopped ones stay for their reports.
 * Which arm a customer is in follows from the rollout's salt and share
 * alone (recommend/rollout.h), so nothing per customer is stored. */
#ifndef TL_STORE_ROLLOUTS_H
#define TL_STORE_ROLLOUTS_H

#include <stdbool.h>

#include "store/store.h"

#define TL_ROLLOUT_NAME_MAX 64   /* bytes, with the NUL */
#define TL_ROLLOUT_SALT_MAX 65

typedef struct tl_rollout {
    long long id;
    char name[TL_ROLLOUT_NAME_MAX];
    double share;                    /* of customers personalised, 0 < share < 1 */
    char salt[TL_ROLLOUT_SALT_MAX];
    char started_at[32];             /* ISO-8601 UTC, seconds */
    char ended_at[32];               /* "" while it runs */
} tl_rollout;

/* The running rollout into *out, *found false when none runs. One cached
 * statement: read on every recommendation. */
int tl_store_rollout_active(tl_store *st, tl_rollout *out, bool *found, tl_err *err);

/* Starts a rollout named `name` at the database's clock. `salt` NULL takes
 * the salt of the most recent rollout (so widening a pilot keeps everyone
 * personalised so far personalised), or a fresh random one for the first.
 * TL_ECONFLICT when one is already running or the name was used before;
 * TL_EINPUT for a bad name, share or salt. *out receives the new row.
 * Runs in the caller's transaction (govern/rollout_change.h audits the
 * change in the same one). */
int tl_store_rollout_start(tl_store *st, const char *name, double share, const char *salt,
                           tl_rollout *out, tl_err *err);

/* Stops the running rollout (TL_ENOTFOUND when none runs); *out receives
 * it as stopped. In the caller's transaction, like start. */
int tl_store_rollout_stop(tl_store *st, tl_rollout *out, tl_err *err);

/* The rollout named `name` (TL_ENOTFOUND when there is none). */
int tl_store_rollout_get(tl_store *st, const char *name, tl_rollout *out, tl_err *err);

/* Visits every rollout, newest first. The callback returns non-zero to stop. */
int tl_store_rollouts_each(tl_store *st, int (*cb)(void *ctx, const tl_rollout *r), void *ctx,
                           tl_err *err);

/* One event of a window, for the rollout report. */
typedef struct tl_window_event {
    const char *customer_id;   /* valid during the callback only, like `at` */
    const char *kind;          /* "shown", "clicked", "accepted", "dismissed" */
    const char *at;
} tl_window_event;

/* Visits every event at or after `from` and before `to` (NULL: no end), in
 * no particular order: one scan of the table, no sort (the report tallies
 * per customer itself, which is several times faster than grouping in SQL
 * on a large table). */
int tl_store_events_in_window(tl_store *st, const char *from, const char *to,
                              int (*cb)(void *ctx, const tl_window_event *e), void *ctx,
                              tl_err *err);

#endif
