/* fake_llm.h — a fake OpenAI-compatible chat-completions server for tests,
 * on 127.0.0.1 and a free port, answering POST /v1/chat/completions in the
 * scenario set. Its replies are written from the facts in the prompt it
 * received (product ids, names, a score), so they validate unless the
 * scenario says otherwise. Every request body is recorded. */
#ifndef TL_FAKE_LLM_H
#define TL_FAKE_LLM_H

#include <stddef.h>

typedef enum fake_scenario {
    FAKE_OK,           /* a valid JSON answer */
    FAKE_FENCED,       /* the answer inside ```json fences */
    FAKE_CHATTER,      /* prose before and after the answer */
    FAKE_MALFORMED,    /* truncated JSON */
    FAKE_429_ONCE,     /* 429 with Retry-After: 1, then a valid answer */
    FAKE_500,          /* always 500 */
    FAKE_SLOW,         /* a valid answer after 10 s (interrupted by stop/release) */
    FAKE_HOLD,         /* a valid answer once fake_llm_release is called */
    FAKE_INVENTED,     /* valid shape, with a figure not in the facts */
    FAKE_WRONG_SCHEMA, /* valid JSON, wrong members */
    FAKE_NO_JSON_MODE  /* 400 to requests with response_format, else a valid answer */
} fake_scenario;

typedef struct fake_llm fake_llm;

/* Starts the server; fails the test on error. */
fake_llm *fake_llm_start(void);
int fake_llm_port(const fake_llm *f);
void fake_llm_set(fake_llm *f, fake_scenario s);
/* Lets FAKE_HOLD requests answer. */
void fake_llm_release(fake_llm *f);
/* Requests received so far (completed or not). */
size_t fake_llm_count(fake_llm *f);
/* The i-th request body (malloc'd copy, caller frees) or NULL. */
char *fake_llm_body(fake_llm *f, size_t i);
/* The Authorization header of the last request ("" if none), copied. */
void fake_llm_last_auth(fake_llm *f, char *out, size_t size);
/* Stops (interrupting slow answers) and frees. */
void fake_llm_stop(fake_llm *f);

#endif
