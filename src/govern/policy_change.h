/* policy_change.h — changing the contact policy with its audit entry.
 *
 * The policy decides who may be offered what and how often, so every
 * change is in the audit log (kind "contact_policy", subject "store", doc
 * {channel, route, before, after}), written in the same transaction as the
 * change. */
#ifndef TL_GOVERN_POLICY_CHANGE_H
#define TL_GOVERN_POLICY_CHANGE_H

#include <jansson.h>
#include <stdbool.h>

#include "recommend/contact_policy.h"

/* Applies `changes` (a policy document; fields left out keep their value)
 * to the policy in force, or to the default one when `reset`. *out (may be
 * NULL) receives the policy now in force and *changed whether it differs
 * from before; an unchanged policy writes nothing. TL_EINPUT, with the
 * stored policy untouched, for a bad document. */
int tl_contact_policy_change(tl_store *st, const json_t *changes, bool reset,
                             const char *channel, const char *route, tl_contact_policy *out,
                             bool *changed, tl_err *err);

#endif
