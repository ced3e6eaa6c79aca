/* digest.h — SHA-256 and HMAC-SHA-256 (Debian's nettle), as lowercase hex.
 *
 * Used where a value must be compared or linked without being kept: hashed
 * API tokens, pseudonyms for customer IDs, cache keys for LLM prompts. */
#ifndef TL_BASE_DIGEST_H
#define TL_BASE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define TL_SHA256_HEX_LEN 64   /* characters, without the NUL */

/* out receives 64 hex characters and a NUL (65 bytes). */
void tl_sha256_hex(const void *data, size_t len, char out[TL_SHA256_HEX_LEN + 1]);

/* HMAC-SHA-256 of data under key, as hex into out (65 bytes). */
void tl_hmac_sha256_hex(const void *key, size_t key_len, const void *data, size_t len,
                        char out[TL_SHA256_HEX_LEN + 1]);

/* Compares two byte strings of equal length in time that does not depend on
 * where they differ (for secrets such as token hashes). */
bool tl_digest_equal(const void *a, const void *b, size_t len);

#endif
