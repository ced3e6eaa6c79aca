/* config.h — where the optional LLM is, from the environment (a `.env`
 * file is loaded into it by main). Unconfigured means off: everything is
 * deterministic and nothing is ever sent over the network.
 *
 *   TAILOR_LLM_BASE_URL   e.g. http://127.0.0.1:8080/v1 (OpenAI, vLLM,
 *                         llama.cpp server, Ollama: all speak /chat/completions)
 *   TAILOR_LLM_MODEL      model name sent with each request
 *   TAILOR_LLM_API_KEY    bearer token (optional for local servers)
 *   SAMBANOVA_API_KEY     used when TAILOR_LLM_API_KEY is unset; implies
 *                         SambaNova's base URL and a Llama 3.1 model unless
 *                         those are set
 *   TAILOR_LLM_TIMEOUT_MS total deadline per answer, retries included
 *                         (default 8000, 100..120000)
 *   TAILOR_LLM_JSON_MODE  0 to stop sending response_format (default 1) */
#ifndef TL_LLM_CONFIG_H
#define TL_LLM_CONFIG_H

#include "base/err.h"

#define TL_LLM_SAMBANOVA_BASE "https://api.sambanova.ai/v1"
#define TL_LLM_SAMBANOVA_MODEL "Meta-Llama-3.1-8B-Instruct"

typedef struct tl_llm_config {
    int enabled;              /* 0: not configured */
    char base_url[512];       /* without a trailing slash */
    char model[128];
    char api_key[512];        /* secret: never logged or printed */
    long timeout_ms;          /* total deadline for one answer */
    long retry_after_cap_ms;  /* longest Retry-After honoured */
    int max_attempts;
    int json_mode;            /* send response_format {"type":"json_object"} */
} tl_llm_config;

/* Reads the environment into *c. An unconfigured LLM is not an error
 * (c->enabled = 0); a malformed value is TL_EINPUT naming the variable. */
int tl_llm_config_from_env(tl_llm_config *c, tl_err *err);

#endif
