/* optout_change.h — a customer's channel opt-outs (store/optouts.h) read
 * and changed, each change audited (kind "contact_optouts", subject the
 * customer, doc {channel, route, before, after}) in the same transaction.
 * GET/PUT /api/v1/customers/{id}/contact-optouts and `tailor import
 * --optouts` go through here. */
#ifndef TL_GOVERN_OPTOUT_CHANGE_H
#define TL_GOVERN_OPTOUT_CHANGE_H

#include <jansson.h>
#include <stdbool.h>

#include "store/store.h"

#define TL_OPTOUTS_MAX 16

/* [{"channel", "since"}], by channel; new reference in *out. */
int tl_optouts_json(tl_store *st, const char *customer_id, json_t **out, tl_err *err);

/* Reads {"opted_out": ["email", …]} (at most TL_OPTOUTS_MAX channel names,
 * each as contact_policy.h's channels, none twice) and makes it the
 * customer's set, in a transaction of its own; *after receives the set now
 * in force as tl_optouts_json gives it (new reference). TL_EINPUT naming
 * the item; TL_ENOTFOUND for an unknown customer. Setting the set in force
 * writes nothing (*changed false). */
int tl_optouts_change(tl_store *st, const char *customer_id, const json_t *doc,
                      const char *channel, const char *route, json_t **after, bool *changed,
                      tl_err *err);

/* Opts the customer out of one channel (`opted_out` true) or back in
 * (false), inside the caller's write transaction, with the same audit
 * entry as a PUT when anything changed (*changed). TL_EINPUT for a name
 * that is no channel or a set that would exceed TL_OPTOUTS_MAX. The
 * customer must exist. `tailor import --optouts` goes through here. */
int tl_optout_set_one(tl_store *st, const char *customer_id, const char *name, bool opted_out,
                      const char *channel, const char *route, bool *changed, tl_err *err);

#endif
