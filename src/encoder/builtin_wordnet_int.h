/* builtin_wordnet_int.h — the WordNet handle's insides, shared by the
 * reader (builtin_wordnet.c), its cache of derived tables
 * (builtin_wordnet_cache.c) and the fuzz target. Not for other modules:
 * they use builtin.h's tl_wordnet_* functions. */
#ifndef TL_ENCODER_BUILTIN_WORDNET_INT_H
#define TL_ENCODER_BUILTIN_WORDNET_INT_H

#include "encoder/builtin.h"

#include <stdint.h>

/* What stat said of a source file when it was mapped: a cache built from
 * the file is used only while all of it still holds. Zero for a file that
 * is absent. */
typedef struct wn_stamp {
    uint64_t size, ino, mtime_s, mtime_ns, ctime_s, ctime_ns;
} wn_stamp;

typedef struct wn_map {
    const char *p;  /* mmap'd, PROT_READ; NULL when absent */
    size_t n;
    int mapped;     /* 1: munmap at close; 0: memory the caller owns (fuzzing) */
    wn_stamp stamp;
} wn_map;

/* A hash from a key inside a mapped file (bytes [off, off+len)) to a value. */
typedef struct wn_slot {
    uint32_t off;
    uint32_t len;   /* 0 = empty slot */
    uint32_t val;
    uint32_t n;     /* lemma tables: how many senses start at senses[val] */
} wn_slot;

typedef struct wn_table {
    wn_slot *slots;  /* heap, or inside the cache mapping (read only) */
    size_t mask;
    const char *base;
} wn_table;

/* The synsets of one part of speech, in data-file order. offsets and
 * by_offset only serve the build (turning file offsets into numbers) and
 * are NULL when the tables came from the cache. */
typedef struct wn_synsets {
    uint32_t *offsets;  /* byte offset of each synset's line, increasing */
    uint32_t *first;    /* hypernyms of synset i: hypers[first[i] .. first[i + 1]) */
    tl_wn_synset *hypers;
    uint8_t *proper;    /* 1 when the synset's first word is capitalised */
    size_t n;
    uint32_t *by_offset; /* hash: offset -> index + 1 (0 = empty), for reading pointers */
    size_t by_mask;
} wn_synsets;

struct tl_wordnet {
    wn_map index[TL_WN_POS_COUNT], data[TL_WN_POS_COUNT], exc[TL_WN_POS_COUNT], cnt;
    wn_table lemmas[TL_WN_POS_COUNT]; /* lemma -> its senses in senses[pos] */
    wn_table excs[TL_WN_POS_COUNT];   /* inflected form -> offset of its exc line */
    wn_table counts;                  /* lemma -> SemCor tag count */
    wn_synsets syn[TL_WN_POS_COUNT];
    tl_wn_synset *senses[TL_WN_POS_COUNT]; /* every lemma's senses, most frequent first */
    size_t n_senses[TL_WN_POS_COUNT];
    /* When set, the tables above point into this read-only mapping of the
     * cache file and are not freed one by one. */
    const void *cache;
    size_t cache_n;
};

/* The source files in a fixed order: index, data and exc of each part of
 * speech, then cntlist.rev (the cache records their stamps in it). */
#define TL__WN_SOURCES (3 * TL_WN_POS_COUNT + 1)

static inline const wn_map *tl__wordnet_source(const tl_wordnet *wn, int i)
{
    if (i == TL__WN_SOURCES - 1)
        return &wn->cnt;
    int pos = i / 3;
    return i % 3 == 0 ? &wn->index[pos] : i % 3 == 1 ? &wn->data[pos] : &wn->exc[pos];
}

/* Builds every table from the mapped files (whichever are present). On
 * failure the tables built so far stay for tl__wordnet_free_tables. */
int tl__wordnet_build(tl_wordnet *wn, tl_err *err);

/* Frees (or, for cached tables, forgets) every table; the maps stay. */
void tl__wordnet_free_tables(tl_wordnet *wn);

/* ---- cache (builtin_wordnet_cache.c) ---- */

/* The cache file's bytes for the built tables of `wn`: *out is malloc'd
 * (the caller frees it), *n its length. TL_ENOMEM only. */
int tl__wordnet_cache_encode(const tl_wordnet *wn, void **out, size_t *n, tl_err *err);

enum {
    TL__WN_CACHE_ANY_SOURCE = 1, /* skip the source stamps (fuzzing, tests) */
    TL__WN_CACHE_NO_CHECKSUM = 2 /* skip the checksum (fuzzing) */
};

/* Points the tables of `wn` (which has its files mapped and no tables)
 * into bytes[0..n), a cache file's contents, after checking that they
 * were made from these files and that every number in them stays in
 * bounds: lookups on the result cannot read outside the maps or the
 * bytes. The bytes must outlive the tables. TL_EINPUT (with the reason)
 * when the bytes are not such a cache; `wn` is then unchanged. */
int tl__wordnet_cache_adopt(tl_wordnet *wn, const void *bytes, size_t n, unsigned flags,
                            tl_err *err);

/* The cache file for the WordNet in `dir` (its real path hashed into the
 * name) under $TAILOR_CACHE_DIR, else $XDG_CACHE_HOME/tailor, else
 * $HOME/.cache/tailor. False when caching is off (TAILOR_CACHE_DIR=none)
 * or no folder can be named. */
bool tl__wordnet_cache_path(const char *dir, char *out, size_t size);

/* Maps the cache file at `path` and adopts it; false (wn unchanged) when
 * it is absent, stale or damaged, or when anyone but this user could have
 * written it or its folder. */
bool tl__wordnet_cache_load(tl_wordnet *wn, const char *path);

/* Writes the built tables to `path` atomically (a temporary file renamed
 * over it), creating its folder. Failure is logged at debug level only:
 * the cache is an optimisation. */
void tl__wordnet_cache_save(const tl_wordnet *wn, const char *path);

#endif
