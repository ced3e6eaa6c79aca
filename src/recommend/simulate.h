/* simulate.h — replaying feedback on a synthetic population with hidden
 * per-segment preferences, to measure what learning from events is worth:
 * recommend, draw each shown offer's acceptance from the hidden truth, post
 * the events through the same path as the HTTP API (feedback.h), repeat;
 * then compare acceptance rates with learning in the ranking and without.
 * `tailor simulate` prints the figures; docs/recommend.md has a run. */
#ifndef TL_RECOMMEND_SIMULATE_H
#define TL_RECOMMEND_SIMULATE_H

#include <stdint.h>

#include "base/err.h"

typedef struct tl_sim_opts {
    uint64_t seed;        /* hidden preferences and draws (42) */
    int rounds;           /* one round = one customer gets k offers (3000) */
    int last;             /* rounds at the end to measure over (1000) */
    int k;                /* offers per round (3) */
    double favourite_rate;/* acceptance of a segment's favourite product (0.30) */
    double second_rate;   /* of its second favourite (0.15) */
    double base_rate;     /* of everything else (0.03) */
    double learned_weight;/* the engine's weight of the learned term (1.0; 0 = off) */
    double rollout_share; /* > 0: a rollout "simulation" personalising this share runs
                             during the replay (0: none) */
} tl_sim_opts;

void tl_sim_opts_default(tl_sim_opts *o);

typedef struct tl_sim_result {
    long long shown, accepted;            /* all rounds */
    long long shown_last, accepted_last;  /* the last `last` rounds */
    double p_accept_last;                 /* mean p_accept of the offers shown then */
    double brier_last;                    /* Brier score of p_accept against outcomes then */
    long long customers, products, segments;
    /* With a rollout, per arm ([0] treatment, [1] control), counted by the
     * replay itself: customers shown offers, of them those who accepted
     * one, offers shown and accepted. */
    long long arm_customers[2], arm_converted[2], arm_shown[2], arm_accepted[2];
} tl_sim_result;

/* Runs the replay on the store at db_path (events, holdings and learned
 * weights are written to it: pass a scratch copy). */
int tl_simulate_run(const char *db_path, const tl_sim_opts *o, tl_sim_result *out, tl_err *err);

#endif
