/* ratelimit.c — a set-associative table of token buckets. */
#include "govern/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define WAYS 8

typedef struct bucket {
    uint64_t key;     /* FNV-1a of the key string; 0 = empty slot */
    double tokens;
    double last;      /* when tokens was last brought up to date */
} bucket;

struct tl_ratelimit {
    double rate, burst;
    size_t sets;
    bucket *b;        /* sets × WAYS, owned */
    pthread_mutex_t lock;
};

int tl_ratelimit_new(double rate, size_t keys, tl_ratelimit **out, tl_err *err)
{
    if (!(rate > 0) || !isfinite(rate))
        return tl_err_set(err, TL_EINPUT, "rate limit must be a positive number");
    tl_ratelimit *rl = calloc(1, sizeof *rl);
    size_t sets = keys < 64 ? 8 : (keys + WAYS - 1) / WAYS;
    if (rl)
        rl->b = calloc(sets * WAYS, sizeof *rl->b);
    if (!rl || !rl->b) {
        free(rl);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    rl->rate = rate;
    rl->burst = rate < 0.5 ? 1 : 2 * rate;   /* a bucket holds at least one request */
    rl->sets = sets;
    pthread_mutex_init(&rl->lock, NULL);
    *out = rl;
    return TL_OK;
}

void tl_ratelimit_free(tl_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->b);
    free(rl);
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

int tl_ratelimit_take(tl_ratelimit *rl, const char *key, double now)
{
    uint64_t h = hash(key);
    bucket *set = &rl->b[(h >> 3) % rl->sets * WAYS];
    int wait = 0;
    pthread_mutex_lock(&rl->lock);
    /* The key's bucket, else an empty slot, else the least recently used. */
    bucket *b = NULL, *victim = NULL;
    for (int i = 0; i < WAYS; i++) {
        if (set[i].key == h) {
            b = &set[i];
            break;
        }
        if (!victim || (victim->key != 0 && (set[i].key == 0 || set[i].last < victim->last)))
            victim = &set[i];
    }
    if (!b) {
        b = victim;
        b->key = h;
        b->tokens = rl->burst;
        b->last = now;
    }
    if (now > b->last) {
        b->tokens += (now - b->last) * rl->rate;
        if (b->tokens > rl->burst)
            b->tokens = rl->burst;
        b->last = now;
    }
    if (b->tokens >= 1) {
        b->tokens -= 1;
    } else {
        double s = ceil((1 - b->tokens) / rl->rate);
        wait = s < 1 ? 1 : s > 3600 ? 3600 : (int)s;
    }
    pthread_mutex_unlock(&rl->lock);
    return wait;
}
