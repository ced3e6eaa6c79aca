/* rollout_change.h — starting and stopping a rollout with its audit entry.
 *
 * A rollout decides who is personalised, so each start and stop is in the
 * audit log (kind "rollout", subject "store", doc {channel, route, action,
 * rollout}), written in the same transaction as the change. */
#ifndef TL_GOVERN_ROLLOUT_CHANGE_H
#define TL_GOVERN_ROLLOUT_CHANGE_H

#include "store/rollouts.h"

/* tl_store_rollout_start in a transaction of its own, audited. */
int tl_rollout_change_start(tl_store *st, const char *name, double share, const char *salt,
                            const char *channel, const char *route, tl_rollout *out,
                            tl_err *err);

/* tl_store_rollout_stop in a transaction of its own, audited. */
int tl_rollout_change_stop(tl_store *st, const char *channel, const char *route,
                           tl_rollout *out, tl_err *err);

#endif
