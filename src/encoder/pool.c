/* pool.c — worker threads for tl_pool_run.
 *
 * One job at a time: the caller publishes (fn, arg, ntasks), opens the job
 * and bumps `gen`; a worker that sees a new generation registers in
 * `active`, and takes tasks from the shared counter only while the job is
 * open. The caller takes tasks too, then closes the job and waits until no
 * worker is registered. So a worker that is asleep or descheduled (another
 * process has its core) never holds the caller up: the caller simply does
 * the tasks itself; and no worker can still be inside a job when the next
 * one is published, because registering and the open check are ordered
 * against closing and the wait (sequentially consistent atomics). */
#include "encoder/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* Spin iterations before a worker sleeps (a few hundred microseconds):
 * long enough to bridge the gaps between the loops of one forward pass. */
#define SPIN_LIMIT 20000

struct tl_pool {
    size_t size;
    pthread_t *threads;        /* size - 1 workers */
    size_t started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int sleepers;              /* workers in cond_wait; guarded by mu */
    atomic_uint gen;           /* bumped per job (under mu) */
    atomic_int stop;
    /* The current job. */
    tl_pool_fn fn;
    void *arg;
    size_t ntasks;
    atomic_size_t next;        /* next task to hand out */
    atomic_int open;           /* workers may join the current job */
    atomic_int active;         /* workers registered in a job */
};

typedef struct worker_arg {
    tl_pool *p;
    size_t id;
} worker_arg;

static void run_tasks(tl_pool *p, size_t thread)
{
    for (;;) {
        size_t t = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (t >= p->ntasks)
            break;
        p->fn(p->arg, t, thread);
    }
}

static void *worker(void *argp)
{
    worker_arg *wa = argp;
    tl_pool *p = wa->p;
    size_t id = wa->id;
    free(wa);
    unsigned seen = 0;
    for (;;) {
        unsigned g;
        int spins = 0;
        while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen &&
               !atomic_load(&p->stop) && spins < SPIN_LIMIT) {
            cpu_relax();
            spins++;
        }
        if (g == seen && !atomic_load(&p->stop)) {
            pthread_mutex_lock(&p->mu);
            while ((g = atomic_load(&p->gen)) == seen && !atomic_load(&p->stop)) {
                p->sleepers++;
                pthread_cond_wait(&p->cv, &p->mu);
                p->sleepers--;
            }
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->stop))
            return NULL;
        seen = g;
        atomic_fetch_add(&p->active, 1);
        if (atomic_load(&p->open))
            run_tasks(p, id);
        atomic_fetch_sub(&p->active, 1);
    }
}

int tl_pool_create(size_t size, tl_pool **out, tl_err *err)
{
    *out = NULL;
    if (size == 0)
        size = 1;
    tl_pool *p = calloc(1, sizeof *p);
    if (!p)
        return tl_err_set(err, TL_ENOMEM, "thread pool: out of memory");
    p->size = size;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    atomic_init(&p->gen, 0);
    atomic_init(&p->stop, 0);
    atomic_init(&p->next, 0);
    atomic_init(&p->open, 0);
    atomic_init(&p->active, 0);
    if (size > 1) {
        p->threads = calloc(size - 1, sizeof *p->threads);
        if (!p->threads) {
            tl_pool_free(p);
            return tl_err_set(err, TL_ENOMEM, "thread pool: out of memory");
        }
    }
    for (size_t i = 0; i + 1 < size; i++) {
        worker_arg *wa = malloc(sizeof *wa);
        if (!wa) {
            tl_pool_free(p);
            return tl_err_set(err, TL_ENOMEM, "thread pool: out of memory");
        }
        wa->p = p;
        wa->id = i + 1;
        int rc = pthread_create(&p->threads[i], NULL, worker, wa);
        if (rc != 0) {
            free(wa);
            tl_pool_free(p);
            return tl_err_set(err, TL_EINTERNAL, "thread pool: cannot start thread: %s",
                              strerror(rc));
        }
        p->started++;
    }
    *out = p;
    return 0;
}

size_t tl_pool_size(const tl_pool *p)
{
    return p->size;
}

void tl_pool_run(tl_pool *p, size_t ntasks, tl_pool_fn fn, void *arg)
{
    if (ntasks == 0)
        return;
    if (p->size == 1 || ntasks == 1) {
        for (size_t t = 0; t < ntasks; t++)
            fn(arg, t, 0);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    p->ntasks = ntasks;
    atomic_store(&p->next, 0);
    atomic_store(&p->open, 1);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
    if (p->sleepers)
        pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    run_tasks(p, 0);
    /* Every task is handed out; wait only for workers inside the job (one
     * may still be running its last task). */
    atomic_store(&p->open, 0);
    size_t spins = 0;
    while (atomic_load(&p->active) > 0) {
        if (++spins < SPIN_LIMIT)
            cpu_relax();
        else
            sched_yield();
    }
}

void tl_pool_free(tl_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->stop, 1);
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
