/* arena.h — bump allocator for scratch memory that lives exactly as long as
 * one unit of work (an encoder forward pass, one request).
 *
 * Allocations are carved from large blocks and never freed one by one:
 * tl_arena_reset() makes all of them invalid at once but keeps the memory
 * for the next unit of work, so a steady workload stops calling malloc after
 * its first pass. Not thread-safe: one arena per thread or per pass (threads
 * may share memory handed out before they start). */
#ifndef TL_BASE_ARENA_H
#define TL_BASE_ARENA_H

#include <stddef.h>

typedef struct tl_arena_block tl_arena_block;

typedef struct tl_arena {
    tl_arena_block *head;   /* owned list; the block being carved is first */
    size_t block_size;      /* minimum size of a new block */
    size_t used;            /* bytes handed out since the last reset */
    size_t peak;            /* largest `used` seen */
    size_t max;             /* allocations that would pass this many bytes fail */
} tl_arena;

/* Initialises an empty arena that allocates blocks of at least `block_size`
 * bytes and refuses to hand out more than `max` bytes between resets
 * (0 means no cap). Allocates nothing. */
void tl_arena_init(tl_arena *a, size_t block_size, size_t max);

/* Returns `size` bytes aligned to `align` (a power of two, at most 4096),
 * or NULL when out of memory or past the cap. The memory is uninitialised
 * and belongs to the arena: valid until the next reset or free. */
void *tl_arena_alloc(tl_arena *a, size_t size, size_t align);

/* Same as tl_arena_alloc for `n` floats aligned to 64 bytes; NULL on
 * overflow of n * sizeof(float). */
float *tl_arena_floats(tl_arena *a, size_t n);

/* Invalidates every allocation. Keeps the largest block, frees the others,
 * so the next pass of the same size is served from one block. */
void tl_arena_reset(tl_arena *a);

/* Frees all memory; the arena may be reused after tl_arena_init. Accepts
 * NULL. */
void tl_arena_free(tl_arena *a);

#endif
