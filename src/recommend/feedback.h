/* feedback.h — recording one feedback event with everything it implies,
 * in one transaction: the event (once per idempotency key), the learning
 * step of the acceptance model, and for an acceptance the holding. */
#ifndef TL_RECOMMEND_FEEDBACK_H
#define TL_RECOMMEND_FEEDBACK_H

#include <stdbool.h>

#include "recommend/engine.h"
#include "store/events.h"

/* Records `ev` (kind already validated; customer and product known to
 * exist). *duplicate tells that its idempotency key was seen before: then
 * nothing was written and nothing learned. Nothing is half-written. */
int tl_feedback_record(tl_engine *e, tl_store *st, const tl_event *ev, bool *duplicate,
                       tl_err *err);

#endif
