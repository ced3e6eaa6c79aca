/* embed_cache.h — the embeddings of texts seen recently, so that a
 * customer's posts are embedded once, not on every request or every
 * customer scored (generated and real banks alike repeat many posts).
 *
 * Direct-mapped: a text's slot is fixed by its hash and a newer text
 * evicts an older one. Each entry keeps its own copy of the text, so a hit
 * is exact, never a hash collision. Thread-safe (one mutex; lookups copy
 * the vector out). */
#ifndef TL_RECOMMEND_EMBED_CACHE_H
#define TL_RECOMMEND_EMBED_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

typedef struct tl_embed_cache tl_embed_cache;

/* A cache of `slots` vectors of `dim` floats; freed with
 * tl_embed_cache_free(). */
int tl_embed_cache_new(size_t slots, size_t dim, tl_embed_cache **out, tl_err *err);
void tl_embed_cache_free(tl_embed_cache *c);

/* Copies text's vector into out (dim floats) and returns true when cached. */
bool tl_embed_cache_get(tl_embed_cache *c, const char *text, float *out);

/* Keeps a copy of text and its vector (silently skipped when out of
 * memory: the cache only saves work). */
void tl_embed_cache_put(tl_embed_cache *c, const char *text, const float *vec);

#endif
