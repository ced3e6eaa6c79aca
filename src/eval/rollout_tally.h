/* rollout_tally.h — what each customer did during a rollout's window,
 * tallied from its events in one pass in any order: the first showing, the
 * counts by kind, and the acceptances at or after that first showing (an
 * acceptance before any offer was shown is not the rollout's doing). */
#ifndef TL_EVAL_ROLLOUT_TALLY_H
#define TL_EVAL_ROLLOUT_TALLY_H

#include <stddef.h>

#include "base/err.h"

typedef struct tl_customer_tally {
    char *id;                 /* owned */
    char first_shown[40];     /* "" when never shown in the window */
    long long shown, clicked, dismissed;
    char **accepted_at;       /* owned: the times of every acceptance */
    size_t n_accepted, cap_accepted;
    /* Set by the report as it counts the customer: */
    int arm;                  /* 0 treatment, 1 control */
    long long converted;      /* acceptances at or after first_shown */
    int segmented;            /* counted in a segment */
} tl_customer_tally;

typedef struct tl_rollout_tally {
    tl_customer_tally *slots; /* open addressing by the ID's hash; id NULL = free */
    size_t cap, n;
} tl_rollout_tally;

/* Counts one event; kinds other than the four are ignored. After TL_ENOMEM
 * the tally is only good for tl_rollout_tally_free. Start from a zeroed
 * tally. */
int tl_rollout_tally_add(tl_rollout_tally *t, const char *customer_id, const char *kind,
                         const char *at);

/* The tally of `id`, or NULL when it had no event. */
tl_customer_tally *tl_rollout_tally_find(const tl_rollout_tally *t, const char *id);

/* The acceptances of c at or after its first showing, and the first of
 * them (NULL when none). */
long long tl_customer_tally_converted(const tl_customer_tally *c, const char **first);

void tl_rollout_tally_free(tl_rollout_tally *t);

#endif
