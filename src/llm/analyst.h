/* analyst.h — one LLM answer for a prompt, end to end: the identifier
 * guard, the cache (by prompt hash and model), the call, validation, and
 * the outcome that says which text is served and why. The caller keeps the
 * deterministic text and uses the model's only when outcome.used. */
#ifndef TL_LLM_ANALYST_H
#define TL_LLM_ANALYST_H

#include <jansson.h>

#include "base/json_write.h"
#include "llm/config.h"
#include "llm/prompt.h"
#include "llm/validate.h"
#include "store/store.h"

/* What happened, for the response and for an audit record. */
typedef struct tl_llm_outcome {
    int used;                   /* the served text is the model's */
    int cached;                 /* ... and came from llm_cache */
    char model[128];            /* "" when none was involved */
    char prompt_hash[TL_SHA256_HEX_LEN + 1];   /* "" when no prompt was built */
    const char *fallback_reason;/* static; NULL when used. "not_requested",
                                   "not_configured", "no_consent", "busy", "pii_guard",
                                   "timeout", "http_429", "http_500", "http_<status>",
                                   "connection", "bad_response", "cancelled",
                                   "malformed_json", "schema_mismatch", "invented_figure" */
    int attempts;               /* HTTP attempts made (0 for cache hits) */
    double latency_ms;
} tl_llm_outcome;

/* An outcome that uses no LLM, for reason. */
void tl_llm_outcome_fallback(tl_llm_outcome *o, const char *reason);

/* "llm" or "deterministic". */
const char *tl_llm_text_source(const tl_llm_outcome *o);

/* {"used", "model", "cached", "prompt_hash", "fallback_reason"}: written
 * as a value into w, or as a tree (new reference). */
void tl_llm_outcome_write(tl_jw *w, const tl_llm_outcome *o);
json_t *tl_llm_outcome_json(const tl_llm_outcome *o);

/* What a validated answer holds, by task. */
typedef struct tl_llm_answer {
    tl_llm_rec_text recs;          /* TL_LLM_TASK_RECS */
    tl_llm_suggestions suggestions;/* TL_LLM_TASK_SUGGESTIONS */
} tl_llm_answer;

void tl_llm_answer_free(tl_llm_answer *a);

/* Answers p. st (may be NULL) is used for the cache; cancel as for
 * tl_llm_chat. Always fills *o; returns 0 when o->used (then *a holds the
 * texts, freed with tl_llm_answer_free), -1 otherwise. Logs reasons and
 * timings, never prompt text or keys. */
int tl_llm_answer_prompt(const tl_llm_config *c, tl_store *st, const tl_llm_prompt *p,
                         const volatile int *cancel, tl_llm_answer *a, tl_llm_outcome *o);

/* Validates a reply to p (no network). Same *why contract as validate.h. */
int tl_llm_validate_reply(const tl_llm_prompt *p, const char *reply, tl_llm_answer *a,
                          const char **why, char *detail, size_t detail_size);

#endif
