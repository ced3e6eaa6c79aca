/* embeddings.h — cached vectors of products (and other texts), keyed by
 * owner and model identity. A cached vector is valid only while the text it
 * was computed from hashes the same: callers pass the text's hash and get a
 * miss when it changed. */
#ifndef TL_STORE_EMBEDDINGS_H
#define TL_STORE_EMBEDDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Reads the vector of (kind, id) for `model` into vec[0..dim) when present,
 * of the same dimension and text hash: *hit = 1; otherwise *hit = 0. */
int tl_store_embedding_get(tl_store *st, const char *kind, const char *id, const char *model,
                           uint64_t text_hash, float *vec, size_t dim, int *hit, tl_err *err);

/* Stores (replaces) the vector. */
int tl_store_embedding_put(tl_store *st, const char *kind, const char *id, const char *model,
                           uint64_t text_hash, const float *vec, size_t dim, tl_err *err);

/* A stable 64-bit hash of text (FNV-1a), for text_hash. */
uint64_t tl_text_hash(const char *text);

#endif
