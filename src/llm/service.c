/* service.c — the LLM worker pool. */
#include "llm/service.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

typedef struct job {
    tl_llm_job_fn fn;
    void *arg;
    struct job *next;
} job;

struct tl_llm_service {
    tl_llm_config cfg;
    char *db_path;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    job *head, *tail;
    size_t queued, max_queue;
    int closing;
    volatile int cancel;
    pthread_t *threads;
    unsigned n_threads;
};

static void *worker(void *p)
{
    tl_llm_service *s = p;
    tl_store *st = NULL;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (!s->head && !s->closing)
            pthread_cond_wait(&s->cond, &s->lock);
        job *j = s->head;
        if (j) {
            s->head = j->next;
            if (!s->head)
                s->tail = NULL;
            s->queued--;
        }
        pthread_mutex_unlock(&s->lock);
        if (!j)
            break;   /* closing and drained */
        if (!st) {
            tl_err err;
            if (tl_store_open(s->db_path, TL_STORE_CREATE, &st, &err)) {
                tl_log_warn("llm: worker store: %s", err.msg);
                st = NULL;
            }
        }
        j->fn(j->arg, s, st);
        free(j);
    }
    tl_store_close(st);
    return NULL;
}

int tl_llm_service_open(const tl_llm_config *c, const char *db_path, unsigned threads,
                        size_t max_queue, tl_llm_service **out, tl_err *err)
{
    tl_llm_service *s = calloc(1, sizeof *s);
    if (!s)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    s->cfg = *c;
    s->db_path = strdup(db_path);
    s->max_queue = max_queue ? max_queue : 256;
    s->n_threads = threads ? threads : 4;
    s->threads = calloc(s->n_threads, sizeof *s->threads);
    if (!s->db_path || !s->threads) {
        free(s->db_path);
        free(s->threads);
        free(s);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    for (unsigned i = 0; i < s->n_threads; i++) {
        if (pthread_create(&s->threads[i], NULL, worker, s)) {
            s->n_threads = i;
            tl_llm_service_close(s);
            return tl_err_set(err, TL_EIO, "cannot start LLM worker threads");
        }
    }
    *out = s;
    return TL_OK;
}

int tl_llm_service_submit(tl_llm_service *s, tl_llm_job_fn fn, void *arg)
{
    job *j = malloc(sizeof *j);
    if (!j)
        return -1;
    *j = (job){fn, arg, NULL};
    pthread_mutex_lock(&s->lock);
    if (s->closing || s->queued >= s->max_queue) {
        pthread_mutex_unlock(&s->lock);
        free(j);
        return -1;
    }
    if (s->tail)
        s->tail->next = j;
    else
        s->head = j;
    s->tail = j;
    s->queued++;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

const tl_llm_config *tl_llm_service_config(const tl_llm_service *s)
{
    return &s->cfg;
}

const volatile int *tl_llm_service_cancel(const tl_llm_service *s)
{
    return &s->cancel;
}

void tl_llm_service_stop(tl_llm_service *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->closing = 1;
    s->cancel = 1;
    pthread_cond_broadcast(&s->cond);
    unsigned n = s->n_threads;
    s->n_threads = 0;   /* joined once, whoever calls first */
    pthread_mutex_unlock(&s->lock);
    for (unsigned i = 0; i < n; i++)
        pthread_join(s->threads[i], NULL);
}

void tl_llm_service_close(tl_llm_service *s)
{
    if (!s)
        return;
    tl_llm_service_stop(s);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
    free(s->threads);
    free(s->db_path);
    free(s);
}
