/* checkpointer.c — the write-ahead log checkpointed off the request path
 * (see checkpointer.h). */
#include "store/checkpointer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"
#include "store/store_int.h"

/* How long a RESTART may hold writers back waiting for readers of older
 * snapshots (requests take about a millisecond): past it the log is left
 * to the next pass rather than stall writers further. */
#define RESTART_WAIT_TRIES 200   /* of 100 microseconds each */

struct tl_checkpointer {
    tl_store *st;              /* the thread's own connection */
    int frames;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int poked;                 /* a commit left the log over `frames` */
    int stopping;
    long long passes, restarts;
};

static int restart_wait(void *arg, int tries)
{
    (void)arg;
    if (tries >= RESTART_WAIT_TRIES)
        return 0;
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
    return 1;
}

/* Copies the log back while writers go on, then restarts it. */
static void checkpoint_pass(tl_checkpointer *c)
{
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(c->st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        tl_log_warn("checkpoint: %s", sqlite3_errmsg(c->st->db));
        return;
    }
    if (log <= 0)
        return;   /* nothing written since the last restart */
    rc = sqlite3_wal_checkpoint_v2(c->st->db, NULL, SQLITE_CHECKPOINT_RESTART, &log, &copied);
    pthread_mutex_lock(&c->lock);
    c->passes++;
    c->restarts += rc == SQLITE_OK;
    pthread_mutex_unlock(&c->lock);
}

static void *checkpoint_loop(void *arg)
{
    tl_checkpointer *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        if (!c->poked) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            int rc = 0;
            while (!c->poked && !c->stopping && rc != ETIMEDOUT)
                rc = pthread_cond_timedwait(&c->wake, &c->lock, &until);
        }
        if (c->stopping)
            break;
        c->poked = 0;
        pthread_mutex_unlock(&c->lock);
        checkpoint_pass(c);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Runs in the committing thread after every commit of an adopted
 * connection: only a signal, never I/O. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db, (void)name;
    tl_checkpointer *c = arg;
    if (pages >= c->frames) {
        pthread_mutex_lock(&c->lock);
        c->poked = 1;
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
    }
    return SQLITE_OK;
}

int tl_checkpointer_start(const char *path, long log_bytes, tl_checkpointer **out,
                          tl_err *err)
{
    tl_checkpointer *c = calloc(1, sizeof *c);
    if (!c)
        return tl_err_set(err, TL_ENOMEM, "out of memory starting the checkpointer");
    int rc = tl_store_open(path, 0, &c->st, err);
    if (rc) {
        free(c);
        return rc;
    }
    long frames = log_bytes / tl__store_page_size(c->st);
    c->frames = frames > 0 ? (int)frames : 1;
    sqlite3_busy_handler(c->st->db, restart_wait, NULL);
    /* Its own commits (none expected) must not checkpoint either. */
    sqlite3_wal_autocheckpoint(c->st->db, 0);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    if (pthread_create(&c->thread, NULL, checkpoint_loop, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->lock);
        tl_store_close(c->st);
        free(c);
        return tl_err_set(err, TL_EIO, "cannot start the checkpoint thread");
    }
    *out = c;
    return TL_OK;
}

void tl_checkpointer_adopt(tl_checkpointer *c, tl_store *st)
{
    /* Registering a hook replaces SQLite's automatic checkpoint. */
    sqlite3_wal_hook(st->db, on_commit, c);
}

void tl_checkpointer_counts(tl_checkpointer *c, long long *passes, long long *restarts)
{
    pthread_mutex_lock(&c->lock);
    *passes = c->passes;
    *restarts = c->restarts;
    pthread_mutex_unlock(&c->lock);
}

void tl_checkpointer_stop(tl_checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = 1;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    tl_store_close(c->st);
    free(c);
}
