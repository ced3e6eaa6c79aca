/* rollout_tally.h — what each customer did during a rollout's window,
 * tallied from its events in one pass in any order: the first showing, the
 * counts by kind, and the acceptances at or after that first showing (an
 * acceptance before any offer was shown is not the rollout's doing).
 *
 * Sized for banks: a customer costs about 70 bytes (one dense record, its
 * ID in a shared buffer, two hash slots), an acceptance 16 more until the
 * tally is finished; a million customers take about 70 MB. */
#ifndef TL_EVAL_ROLLOUT_TALLY_H
#define TL_EVAL_ROLLOUT_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct tl_customer_tally {
    uint32_t id;              /* offset of the ID in the tally's names */
    uint32_t shown, clicked, dismissed;
    uint32_t accepted;        /* acceptances at or after first_shown (once finished) */
    uint32_t complained;      /* complaints in the window (fills what was padding) */
    int64_t first_shown;      /* time key (tl_time_key), 0 when never shown */
    int64_t first_accepted;   /* the first of those acceptances, 0 when none */
    /* Set by the report as it counts the customer: */
    uint8_t arm;              /* 0 treatment, 1 control */
    uint8_t segmented;        /* counted in a segment */
} tl_customer_tally;

typedef struct tl_accept_mark {
    uint32_t who;             /* index into the tally's customers */
    int64_t at;
} tl_accept_mark;

typedef struct tl_rollout_tally {
    tl_customer_tally *v;     /* owned, dense, in order of first event */
    size_t n, cap;
    uint32_t *slots;          /* owned: open addressing by the ID's hash, index + 1, 0 free */
    size_t nslots;
    char *names;              /* owned: the IDs, NUL-terminated, back to back */
    size_t names_len, names_cap;
    tl_accept_mark *acc;      /* owned: acceptances until finished */
    size_t n_acc, cap_acc;
} tl_rollout_tally;

/* A time as a number that sorts like the store's text form: its first 14
 * digits, YYYYMMDDHHMMSS for "YYYY-MM-DDTHH:MM:SSZ". */
int64_t tl_time_key(const char *iso);

/* Counts one event; kinds other than the four are ignored. After TL_ENOMEM
 * the tally is only good for tl_rollout_tally_free. Start from a zeroed
 * tally. */
int tl_rollout_tally_add(tl_rollout_tally *t, const char *customer_id, const char *kind,
                         const char *at);

/* Resolves the acceptances against each customer's first showing; call
 * once, after the last add. */
void tl_rollout_tally_finish(tl_rollout_tally *t);

/* The customer's ID. */
const char *tl_customer_tally_id(const tl_rollout_tally *t, const tl_customer_tally *c);

/* The tally of `id`, or NULL when it had no event. */
tl_customer_tally *tl_rollout_tally_find(const tl_rollout_tally *t, const char *id);

void tl_rollout_tally_free(tl_rollout_tally *t);

#endif
