/* kern_tiles.h — how the hand-written matrix kernels (kern_avx512.c,
 * kern_bf16.c, kern_avx2_gemm.c) cut a block's rows into micro-tiles.
 * Private to src/encoder/. */
#ifndef TL_ENCODER_KERN_TILES_H
#define TL_ENCODER_KERN_TILES_H

#include <stddef.h>

/* Rows of the next micro-tile when `left` rows remain and a tile holds at
 * most `mr`: full tiles, but between mr and 2 mr rows go as two near-equal
 * tiles, since a thin tile runs at a fraction of a full one's speed (a
 * 4-row AVX-512 tile at a third of a 12-row one's: 64 rows go as
 * 12+12+12+12+8+8, not ...+12+4). */
static inline size_t tl_kern_tile_rows(size_t left, size_t mr)
{
    return left <= mr ? left : left < 2 * mr ? (left + 1) / 2 : mr;
}

#endif
