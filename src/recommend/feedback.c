/* feedback.c — one feedback event, all or nothing (feedback.h). */
#include "recommend/feedback.h"

#include <string.h>

#include "store/holdings.h"

int tl_feedback_record(tl_engine *e, tl_store *st, const tl_event *ev, bool *duplicate,
                       tl_err *err)
{
    *duplicate = false;
    /* What staff were shown (the dashboard's showings) is no evidence the
     * customer turned an offer down: it teaches nothing. A stored policy
     * that cannot be read stops recommendations with its error, not the
     * recording of feedback: its default staff channels apply here. */
    tl_contact_policy policy;
    tl_contact_policy_load_or_default(st, &policy);
    bool staff_view = strcmp(ev->kind, "shown") == 0 &&
                      tl_contact_staff_channel(&policy, ev->channel);
    /* Scored before the transaction, so the store's write lock is never
     * held while the catalogue is built or posts are embedded. */
    tl_learn_sample sample;
    memset(&sample, 0, sizeof sample);
    int rc = staff_view ? TL_OK
                        : tl_engine_learn_prepare(e, st, ev->customer_id, ev->product_id,
                                                  &sample, err);
    if (rc)
        return rc;
    if ((rc = tl_store_begin(st, err)))
        return rc;
    rc = tl_store_event_add(st, ev, NULL, duplicate, err);
    /* Only a new event teaches the model: a repeated idempotency key
     * counts once. */
    int learned = 0;
    if (!rc && !*duplicate && sample.valid) {
        rc = tl_engine_learn_apply(e, st, &sample, ev->customer_id, ev->product_id, ev->kind,
                                   &policy, err);
        learned = !rc;
    }
    if (!rc && !*duplicate && strcmp(ev->kind, "accepted") == 0) {
        tl_holding h = {.customer_id = ev->customer_id, .product_id = ev->product_id,
                        .source = "accepted"};
        rc = tl_store_holding_upsert(st, &h, err);
    }
    if (!rc)
        rc = tl_store_commit(st, err);
    if (rc) {
        tl_store_rollback(st);
        return rc;
    }
    if (learned)
        tl_engine_learned(e);
    return TL_OK;
}
