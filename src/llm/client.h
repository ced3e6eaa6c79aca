/* client.h — one chat completion from an OpenAI-compatible server
 * (POST {base}/chat/completions) on libcurl, with retries inside a single
 * deadline: 429 honours Retry-After (capped), 5xx and connection errors
 * back off exponentially. Blocking: call it from a worker, never from an
 * HTTP thread. Prompts and keys are never logged. */
#ifndef TL_LLM_CLIENT_H
#define TL_LLM_CLIENT_H

#include "llm/config.h"

typedef struct tl_llm_call {
    char *content;          /* the assistant's message (malloc'd, caller frees), or NULL */
    const char *failure;    /* static reason when content is NULL: "timeout", "http_429",
                               "http_500", "http_<status>", "connection", "bad_response",
                               "cancelled" */
    long http_status;       /* last status seen, 0 if none */
    int attempts;
    double latency_ms;      /* whole call, retries included */
} tl_llm_call;

/* Sends system + user as two messages. cancel (may be NULL) is polled: a
 * non-zero value ends the call early with "cancelled". Returns 0 with
 * out->content set, or -1 with out->failure set. */
int tl_llm_chat(const tl_llm_config *c, const char *system, const char *user,
                const volatile int *cancel, tl_llm_call *out);

void tl_llm_call_free(tl_llm_call *out);   /* frees content; accepts NULL */

#endif
