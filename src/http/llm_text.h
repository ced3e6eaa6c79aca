/* llm_text.h — the optional LLM's texts in responses. Private to
 * src/http/.
 *
 * Handlers compute the deterministic response as always and pass it here.
 * When the LLM is asked for, configured and (for a customer) consented
 * to, the response is finished on an LLM worker (async.h) with the model's
 * validated texts; otherwise it is sent at once. v1 responses gain
 * "text_source": "llm"|"deterministic" and "llm": {used, model, cached,
 * prompt_hash, fallback_reason}; prototype shapes change only in their
 * texts (an object may gain those two members, an array nothing). */
#ifndef TL_HTTP_LLM_TEXT_H
#define TL_HTTP_LLM_TEXT_H

#include "govern/audit.h"
#include "http/request.h"
#include "recommend/engine.h"

enum tl_llm_shape { TL_LLM_SHAPE_V1, TL_LLM_SHAPE_PROTOTYPE };

/* 1 when the query says llm=true (or 1, yes). */
int tl_llm_requested(tl_request *rq);

/* Responds with the JSON of r in the given shape, whose members `answer`
 * holds in an object left open (its buffer stays the caller's); wanted:
 * the caller asked for LLM texts. The audit entry of what is served (r with
 * the options opts, served at origin) is appended before anything is sent,
 * an error response instead when it cannot be; its "llm" member gets the
 * prompt's hash and "pending": true when a prompt goes to the LLM. When
 * the LLM's texts are then served, an "llm_text" entry with the same
 * prompt hash follows it. */
int tl_llm_respond_recs(tl_request *rq, tl_response *rs, const tl_rec_result *r, tl_jw *answer,
                        int shape, int wanted, const tl_rec_opts *opts,
                        const tl_audit_origin *origin);

/* Responds with a product's insights (stolen): as they are (v1) or in the
 * prototype's [{"Suggestion"}] shape, with the model's suggestions when
 * wanted and configured. */
int tl_llm_respond_suggestions(tl_request *rq, tl_response *rs, json_t *insights, int shape,
                               int wanted);

#endif
