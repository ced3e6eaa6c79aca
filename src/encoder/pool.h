/* pool.h — a fixed set of worker threads that run one parallel loop at a
 * time, for the encoder's forward pass.
 *
 * The thread that calls tl_pool_run takes part in the loop, so a pool of
 * size n starts n - 1 threads. Workers spin briefly after each loop (the
 * forward pass issues loops back to back) and then sleep on a condition
 * variable, so an idle pool costs no CPU. One caller at a time: the encoder
 * that owns the pool serialises its passes. */
#ifndef TL_ENCODER_POOL_H
#define TL_ENCODER_POOL_H

#include <stddef.h>

#include "base/err.h"

typedef struct tl_pool tl_pool;

/* fn(arg, task, thread) runs once for each task in [0, ntasks); `thread`
 * (0..size-1) identifies the running thread, for per-thread scratch. */
typedef void (*tl_pool_fn)(void *arg, size_t task, size_t thread);

/* Creates a pool of `size` threads in all (size >= 1; 1 starts none).
 * Returns 0, or TL_ENOMEM / TL_EINTERNAL when threads cannot start. */
int tl_pool_create(size_t size, tl_pool **out, tl_err *err);

size_t tl_pool_size(const tl_pool *p);

/* Runs every task, handing them out dynamically, and returns when all have
 * finished and no worker touches `arg` any more. */
void tl_pool_run(tl_pool *p, size_t ntasks, tl_pool_fn fn, void *arg);

/* Stops and joins the workers. Accepts NULL. */
void tl_pool_free(tl_pool *p);

#endif
