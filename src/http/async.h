/* async.h — finishing a response off the HTTP threads. Private to
 * src/http/.
 *
 * A handler that needs slow work (an LLM) first writes the deterministic
 * answer into rs as usual, then sets rs->deferred. The server suspends the
 * connection (libmicrohttpd's suspend/resume), the job runs on an LLM
 * worker and may rewrite rs, and the connection is resumed to send it.
 * If the job cannot be queued, the deterministic answer is sent after
 * `fallback` has marked it. Other requests never wait for the job. */
#ifndef TL_HTTP_ASYNC_H
#define TL_HTTP_ASYNC_H

#include "http/request.h"
#include "llm/service.h"

typedef struct tl_deferred {
    /* Runs on an LLM worker; rewrites rs (st may be NULL). */
    void (*run)(void *arg, tl_llm_service *svc, tl_store *st, tl_response *rs);
    /* Writes the deterministic answer into rs, saying why (e.g. "busy"). */
    void (*fallback)(void *arg, tl_response *rs, const char *reason);
    void (*free)(void *arg);
    void *arg;
} tl_deferred;

/* Hands a job to rs (rs owns it from now on). Returns 0, or -1 after
 * freeing the job when out of memory (rs is left as it was). */
int tl_respond_defer(tl_response *rs, void (*run)(void *, tl_llm_service *, tl_store *,
                                                   tl_response *),
                     void (*fallback)(void *, tl_response *, const char *),
                     void (*free_arg)(void *), void *arg);

typedef struct tl_pending tl_pending;

/* Suspends conn, moves *rs (with its deferred job) into a pending record
 * and queues the job; the job resumes conn when done. Returns the record,
 * or NULL when the job could not be queued: rs then holds the fallback
 * answer, to be sent at once. */
tl_pending *tl_async_start(tl_llm_service *svc, struct MHD_Connection *conn, tl_response *rs);

/* After the resume: moves the final response into *rs and frees p. */
void tl_async_finish(tl_pending *p, tl_response *rs);

/* Frees a record whose connection closed before it was finished (only
 * ever after the job ran: the service is closed before the daemon). */
void tl_async_free(tl_pending *p);

#endif
