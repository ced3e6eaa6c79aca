/* write_gate.c — one mutex per store file for this process's writers
 * (see write_gate.h). */
#include "store/write_gate.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>

struct tl_write_gate {
    dev_t dev;
    ino_t ino;
    bool used;
    pthread_mutex_t lock;
};

/* Fixed storage: a gate's address is kept by every connection to its file
 * for the process's life, so entries are never moved or freed. */
static struct {
    pthread_mutex_t lock;  /* guards `used` and the keys */
    tl_write_gate gates[TL_WRITE_GATES];
} table = {.lock = PTHREAD_MUTEX_INITIALIZER};

tl_write_gate *tl_write_gate_for(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return NULL;
    tl_write_gate *found = NULL;
    pthread_mutex_lock(&table.lock);
    for (int i = 0; i < TL_WRITE_GATES && !found; i++) {
        tl_write_gate *g = &table.gates[i];
        if (g->used && g->dev == sb.st_dev && g->ino == sb.st_ino)
            found = g;
    }
    for (int i = 0; i < TL_WRITE_GATES && !found; i++) {
        tl_write_gate *g = &table.gates[i];
        if (!g->used && pthread_mutex_init(&g->lock, NULL) == 0) {
            g->dev = sb.st_dev;
            g->ino = sb.st_ino;
            g->used = true;
            found = g;
        }
    }
    pthread_mutex_unlock(&table.lock);
    return found;
}

int tl_write_gate_enter(tl_write_gate *g, int timeout_ms)
{
    if (pthread_mutex_trylock(&g->lock) == 0)
        return 0;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    return pthread_mutex_timedlock(&g->lock, &until) == 0 ? 0 : -1;
}

void tl_write_gate_leave(tl_write_gate *g)
{
    pthread_mutex_unlock(&g->lock);
}
