/* service.h — a few worker threads that run LLM jobs off the HTTP
 * threads. Each worker has its own store connection (for the cache),
 * opened on first use and closed when the service closes. */
#ifndef TL_LLM_SERVICE_H
#define TL_LLM_SERVICE_H

#include <stddef.h>

#include "base/err.h"
#include "llm/config.h"
#include "store/store.h"

typedef struct tl_llm_service tl_llm_service;

/* A job: runs on a worker with that worker's store (NULL if it could not
 * be opened). It owns arg. */
typedef void (*tl_llm_job_fn)(void *arg, tl_llm_service *svc, tl_store *st);

/* Starts `threads` workers (default 4) with a queue of max_queue jobs
 * (default 256). c is copied. Owned by the caller. */
int tl_llm_service_open(const tl_llm_config *c, const char *db_path, unsigned threads,
                        size_t max_queue, tl_llm_service **out, tl_err *err);

/* Queues a job. Returns 0, or -1 when the queue is full or closing (the
 * job was not taken: the caller still owns arg). */
int tl_llm_service_submit(tl_llm_service *s, tl_llm_job_fn fn, void *arg);

const tl_llm_config *tl_llm_service_config(const tl_llm_service *s);

/* Non-zero once the service is closing: jobs pass it to tl_llm_chat so a
 * slow model does not hold up shutdown. */
const volatile int *tl_llm_service_cancel(const tl_llm_service *s);

/* Cancels calls in flight, runs what is queued (each job then falls back
 * at once), joins the workers and closes their stores. s stays valid: its
 * config can still be read and later submits fail (their callers fall back
 * to the deterministic text), so HTTP threads still running may go on
 * using it until the server is down. Idempotent; accepts NULL. */
void tl_llm_service_stop(tl_llm_service *s);

/* Stops (if not yet stopped) and frees. Accepts NULL. */
void tl_llm_service_close(tl_llm_service *s);

#endif
