/* llm_cache.h — validated LLM replies by prompt hash and model. The reply
 * text is what the model returned (already validated once); it holds no
 * identifiers because prompts hold none (docs/llm.md). */
#ifndef TL_STORE_LLM_CACHE_H
#define TL_STORE_LLM_CACHE_H

#include "store/store.h"

/* *response receives a malloc'd copy (caller frees) or NULL on a miss. */
int tl_store_llm_cache_get(tl_store *st, const char *prompt_hash, const char *model,
                           char **response, tl_err *err);

/* Inserts or replaces one reply. */
int tl_store_llm_cache_put(tl_store *st, const char *prompt_hash, const char *model,
                           const char *response, tl_err *err);

#endif
