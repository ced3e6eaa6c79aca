/* rollout.h — which arm of a rollout a customer is in.
 *
 * The arm is a pure function of the rollout's salt and share and the
 * customer ID: SHA-256 of "salt:id" read as a number u in [0, 1); the
 * customer is personalised (treatment) when u < share. So every server and
 * batch job agrees without storing anything per customer, and widening a
 * pilot with the same salt only moves control customers into treatment,
 * never back. */
#ifndef TL_RECOMMEND_ROLLOUT_H
#define TL_RECOMMEND_ROLLOUT_H

#include <jansson.h>

#include "store/rollouts.h"

typedef enum tl_arm {
    TL_ARM_NONE = 0,       /* no rollout runs: personalised as consent allows */
    TL_ARM_TREATMENT,      /* personalised as consent allows */
    TL_ARM_CONTROL,        /* generally suitable offers only, as without consent */
} tl_arm;

/* The customer's position u in [0, 1) under `salt`. */
double tl_rollout_position(const char *salt, const char *customer_id);

/* The customer's arm in rollout r (TL_ARM_NONE when r is NULL). */
tl_arm tl_rollout_arm(const tl_rollout *r, const char *customer_id);

/* "treatment", "control" or "none". */
const char *tl_arm_name(tl_arm a);

/* {"name","share","salt","started_at","ended_at"|null,"running"}. New
 * reference. */
json_t *tl_rollout_json(const tl_rollout *r);

#endif
