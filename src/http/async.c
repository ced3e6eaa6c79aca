/* async.c — suspend, run on an LLM worker, resume. */
#include "http/async.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>

struct tl_pending {
    struct MHD_Connection *conn;
    tl_response rs;     /* moved from the handler; rewritten by the job */
    /* The job is queued before the connection is suspended (a full queue
     * must not leave it suspended); it waits for the suspension before
     * resuming. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int suspended;
};

static void pending_free(tl_pending *p)
{
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void deferred_free(tl_deferred *d)
{
    if (!d)
        return;
    if (d->free)
        d->free(d->arg);
    free(d);
}

int tl_respond_defer(tl_response *rs, void (*run)(void *, tl_llm_service *, tl_store *,
                                                   tl_response *),
                     void (*fallback)(void *, tl_response *, const char *),
                     void (*free_arg)(void *), void *arg)
{
    tl_deferred *d = malloc(sizeof *d);
    if (!d) {
        if (free_arg)
            free_arg(arg);
        return -1;
    }
    *d = (tl_deferred){run, fallback, free_arg, arg};
    deferred_free(rs->deferred);
    rs->deferred = d;
    return 0;
}

static void job(void *arg, tl_llm_service *svc, tl_store *st)
{
    tl_pending *p = arg;
    tl_deferred *d = p->rs.deferred;
    d->run(d->arg, svc, st, &p->rs);
    p->rs.deferred = NULL;
    deferred_free(d);
    pthread_mutex_lock(&p->lock);
    while (!p->suspended)
        pthread_cond_wait(&p->cond, &p->lock);
    pthread_mutex_unlock(&p->lock);
    /* Last touch: after this the HTTP thread owns p again. */
    MHD_resume_connection(p->conn);
}

tl_pending *tl_async_start(tl_llm_service *svc, struct MHD_Connection *conn, tl_response *rs)
{
    tl_deferred *d = rs->deferred;
    tl_pending *p = svc ? calloc(1, sizeof *p) : NULL;
    if (p) {
        p->conn = conn;
        p->rs = *rs;
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->cond, NULL);
        if (tl_llm_service_submit(svc, job, p) == 0) {
            /* The handler's response now lives in p. */
            rs->deferred = NULL;
            tl_buf_init(&rs->body, rs->body.max);
            MHD_suspend_connection(conn);
            pthread_mutex_lock(&p->lock);
            p->suspended = 1;
            pthread_cond_signal(&p->cond);
            pthread_mutex_unlock(&p->lock);
            return p;
        }
        pending_free(p);
    }
    d->fallback(d->arg, rs, "busy");
    rs->deferred = NULL;
    deferred_free(d);
    return NULL;
}

void tl_async_finish(tl_pending *p, tl_response *rs)
{
    tl_buf_free(&rs->body);
    *rs = p->rs;
    pending_free(p);
}

void tl_async_free(tl_pending *p)
{
    if (!p)
        return;
    deferred_free(p->rs.deferred);
    tl_buf_free(&p->rs.body);
    pending_free(p);
}
