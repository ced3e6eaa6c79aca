/* pseudonym.h — keyed-hash pseudonyms for customer IDs.
 *
 * A pseudonym is HMAC-SHA-256 of the ID under a secret: stable (the same ID
 * always maps to the same pseudonym, so rows stay linkable) but not
 * reversible without the secret. Each store has its own secret, made from
 * /dev/urandom the first time one is needed and kept in its `meta` table.
 * Erasure and export use different domains, so an export's pseudonyms do
 * not match the audit log's erased subjects. */
#ifndef TL_GOVERN_PSEUDONYM_H
#define TL_GOVERN_PSEUDONYM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/digest.h"
#include "store/store.h"

#define TL_PSEUDONYM_KEY_LEN 32

/* The store's secret, created on first use (a write: call it inside the
 * caller's write transaction, or outside any transaction). */
int tl_pseudonym_secret(tl_store *st, unsigned char key[TL_PSEUDONYM_KEY_LEN], tl_err *err);

/* HMAC-SHA-256(key, domain ":" id) as hex into out (65 bytes). */
void tl_pseudonym_make(const void *key, size_t key_len, const char *domain, const char *id,
                       char out[TL_SHA256_HEX_LEN + 1]);

#define TL_ERASED_SUBJECT_LEN (7 + TL_SHA256_HEX_LEN)

/* Whether the subject has erasure's form: "erased:" and 64 hex digits'
 * worth of characters. */
bool tl_pseudonym_is_erased(const char *subject);

/* The subject as erasure leaves it: "erased:" and the subject's pseudonym
 * in the "erase" domain, or the subject itself when it already is one.
 * What the audit chain covers (store/audit.h). */
void tl_pseudonym_erased_subject(const void *key, size_t key_len, const char *subject,
                                 char out[TL_ERASED_SUBJECT_LEN + 1]);

/* The same for the audit chain of store `st`, reading (or making) its
 * secret. */
int tl_audit_subject_key(tl_store *st, const char *subject, char out[TL_ERASED_SUBJECT_LEN + 1],
                         tl_err *err);

#endif
