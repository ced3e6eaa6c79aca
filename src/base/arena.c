/* arena.c — bump allocator over a list of malloc'd blocks. */
#include "base/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

struct tl_arena_block {
    tl_arena_block *next;
    size_t size;   /* usable bytes after the header */
    size_t off;    /* bytes carved so far */
    /* the usable bytes follow, aligned to 64 */
};

/* Header rounded up so the payload starts 64-byte aligned when the block
 * itself is (aligned_alloc below). */
#define BLOCK_HDR (((sizeof(tl_arena_block) + 63) / 64) * 64)

#define HUGE_BLOCK ((size_t)2 << 20)

void tl_arena_init(tl_arena *a, size_t block_size, size_t max)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 1 << 20;
    a->used = 0;
    a->peak = 0;
    a->max = max;
}

static unsigned char *payload(tl_arena_block *b)
{
    return (unsigned char *)b + BLOCK_HDR;
}

void *tl_arena_alloc(tl_arena *a, size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) || align > 4096)
        return NULL;
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX / 2 || (a->max && (size > a->max || a->used > a->max - size)))
        return NULL;
    tl_arena_block *b = a->head;
    if (b) {
        uintptr_t base = (uintptr_t)payload(b);
        uintptr_t p = (base + b->off + align - 1) & ~(uintptr_t)(align - 1);
        if (p + size <= base + b->size) {
            a->used += (size_t)(p - (base + b->off)) + size;   /* padding counts */
            b->off = (size_t)(p - base) + size;
            if (a->used > a->peak)
                a->peak = a->used;
            return (void *)p;
        }
    }
    /* A new block big enough for this request, aligned padding included. */
    size_t want = size + align;
    if (want < a->block_size)
        want = a->block_size;
    size_t total = BLOCK_HDR + want;
    /* Big blocks (an encoder pass's activations) go in 2 MiB pages where
     * the system allows: fewer TLB misses when rows are walked with large
     * strides. */
    size_t page = total >= HUGE_BLOCK ? HUGE_BLOCK : 4096;
    total = (total + page - 1) & ~(page - 1);
    tl_arena_block *nb = aligned_alloc(page, total);
    if (!nb)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (page == HUGE_BLOCK)
        madvise(nb, total, MADV_HUGEPAGE);   /* a hint; failure is harmless */
#endif
    nb->size = total - BLOCK_HDR;
    nb->off = 0;
    nb->next = a->head;
    a->head = nb;
    uintptr_t base = (uintptr_t)payload(nb);
    uintptr_t p = (base + align - 1) & ~(uintptr_t)(align - 1);
    nb->off = (size_t)(p - base) + size;
    a->used += nb->off;
    if (a->used > a->peak)
        a->peak = a->used;
    return (void *)p;
}

float *tl_arena_floats(tl_arena *a, size_t n)
{
    if (n > SIZE_MAX / sizeof(float))
        return NULL;
    return tl_arena_alloc(a, n * sizeof(float), 64);
}

void tl_arena_reset(tl_arena *a)
{
    if (a->head && a->head->next) {
        /* The last pass spilled into several blocks: give them back and let
         * the next pass get one block of the peak size, so it needs no more
         * mallocs after this one (padding is already in `peak`). */
        tl_arena_block *b = a->head;
        while (b) {
            tl_arena_block *next = b->next;
            free(b);
            b = next;
        }
        a->head = NULL;
        size_t want = a->peak + 4096;
        if (want > a->block_size)
            a->block_size = want;
    } else if (a->head) {
        a->head->off = 0;
    }
    a->used = 0;
}

void tl_arena_free(tl_arena *a)
{
    if (!a)
        return;
    tl_arena_block *b = a->head;
    while (b) {
        tl_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}
