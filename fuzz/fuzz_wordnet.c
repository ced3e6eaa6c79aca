/* fuzz_wordnet.c — WordNet's files, and the cache of the tables built
 * from them.
 *
 * The input is cut at its first 13 bytes 0x1e into the 13 source texts
 * (index, data and exc of noun, verb, adj and adv, then cntlist.rev) and
 * what follows the 13th, a cache file's bytes. Each piece gets its own
 * allocation, so ASan sees a read past any file's end. The texts are built
 * into tables and looked up; the tables are encoded and adopted back, which
 * must succeed and encode to the same bytes; and the last piece is adopted
 * against the same texts, stamps and checksum skipped so the bounds checks
 * meet the fuzzer: when it is taken, lookups over it stay in bounds. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/builtin_wordnet_int.h"

static void exercise(const tl_wordnet *wn)
{
    static const char *const words[] = {"car", "cars", "auto", "vehicles", "asia", "Asia",
                                        "drive", "driving", "red", "redder", "quickly",
                                        "entity", "x", "boxes", "children"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
            char lemma[80];
            tl_wn_synset senses[32], up[16];
            size_t n = tl_wordnet_lookup(wn, words[w], pos, lemma, sizeof lemma, senses, 32);
            for (size_t i = 0; i < n; i++) {
                tl_wordnet_hypernyms(wn, senses[i], up, 16);
                tl_wordnet_is_proper(wn, senses[i]);
            }
        }
        tl_wordnet_count(wn, words[w]);
    }
    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        size_t n = tl_wordnet_synset_count(wn, pos);
        for (size_t i = 0; i < n && i < 256; i++) {
            tl_wn_synset up[16];
            tl_wordnet_hypernyms(wn, TL_WN_SYNSET(pos, i), up, 16);
            tl_wordnet_is_proper(wn, TL_WN_SYNSET(pos, i));
        }
    }
}

/* A handle with wn's files and no tables. */
static tl_wordnet *same_files(const tl_wordnet *wn)
{
    tl_wordnet *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        c->index[i] = wn->index[i];
        c->data[i] = wn->data[i];
        c->exc[i] = wn->exc[i];
    }
    c->cnt = wn->cnt;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_wordnet *wn = calloc(1, sizeof *wn);
    char *texts[TL__WN_SOURCES] = {0};
    if (!wn)
        abort();
    size_t at = 0;
    for (int i = 0; i < TL__WN_SOURCES; i++) {
        const uint8_t *end = at < size ? memchr(data + at, 0x1e, size - at) : NULL;
        size_t len = end ? (size_t)(end - (data + at)) : size - at;
        /* an empty optional file is an absent one; the index and data
         * files are never absent (the open fails first), only empty */
        bool optional = i == TL__WN_SOURCES - 1 || i % 3 == 2;
        if (len || !optional) {
            texts[i] = malloc(len ? len : 1);
            if (!texts[i])
                abort();
            memcpy(texts[i], data + at, len);
        }
        /* the handle is this function's own: its maps may be written */
        *(wn_map *)tl__wordnet_source(wn, i) = (wn_map){texts[i], len, 0, {0}};
        at = end ? (size_t)(end - data) + 1 : size;
    }

    tl_err err;
    if (tl__wordnet_build(wn, &err) == 0) {
        exercise(wn);
        void *bytes, *again;
        size_t n, n_again;
        if (tl__wordnet_cache_encode(wn, &bytes, &n, &err) == 0) {
            tl_wordnet *back = same_files(wn);
            if (tl__wordnet_cache_adopt(back, bytes, n, 0, &err) != 0) {
                fprintf(stderr, "built tables refused: %s\n", err.msg);
                abort();
            }
            exercise(back);
            if (tl__wordnet_cache_encode(back, &again, &n_again, &err) == 0) {
                if (n_again != n || memcmp(again, bytes, n) != 0)
                    abort();
                free(again);
            }
            free(back); /* its tables point into bytes */
            free(bytes);
        }
    }

    if (at < size) {
        size_t n = size - at;
        void *cache = malloc(n); /* 16-aligned, as a mapping is */
        if (!cache)
            abort();
        memcpy(cache, data + at, n);
        tl_wordnet *c = same_files(wn);
        if (tl__wordnet_cache_adopt(c, cache, n,
                                    TL__WN_CACHE_ANY_SOURCE | TL__WN_CACHE_NO_CHECKSUM,
                                    &err) == 0)
            exercise(c);
        free(c);
        free(cache);
    }
    tl__wordnet_free_tables(wn);
    for (int i = 0; i < TL__WN_SOURCES; i++)
        free(texts[i]);
    free(wn);
    return 0;
}
