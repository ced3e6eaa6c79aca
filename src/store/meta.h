/* meta.h — per-store settings (the `meta` table): small named values such
 * as the secret behind customer pseudonyms. */
#ifndef TL_STORE_META_H
#define TL_STORE_META_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Copies the value of `key` into buf (at most size bytes); *len receives its
 * full length and *found whether the key exists. */
int tl_store_meta_get(tl_store *st, const char *key, void *buf, size_t size, size_t *len,
                      bool *found, tl_err *err);

/* Stores `key` unless it already exists (the first writer wins, so two
 * processes generating a secret at once agree on one). */
int tl_store_meta_put_new(tl_store *st, const char *key, const void *value, size_t len,
                          tl_err *err);

/* Stores `key`, replacing any value it had. */
int tl_store_meta_put(tl_store *st, const char *key, const void *value, size_t len,
                      tl_err *err);

/* The value of `key` as a NUL-terminated copy in *out (caller frees), or
 * *out NULL when the key does not exist. */
int tl_store_meta_get_text(tl_store *st, const char *key, char **out, tl_err *err);

#endif
