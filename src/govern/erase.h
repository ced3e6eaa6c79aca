/* erase.h — the right to erasure: a customer's rows removed everywhere in
 * one transaction; their audit entries kept under a pseudonym. */
#ifndef TL_GOVERN_ERASE_H
#define TL_GOVERN_ERASE_H

#include <jansson.h>
#include <stddef.h>

#include "store/store.h"

/* Erases every customer in ids[0..n) in one transaction: all their rows are
 * deleted, their audit entries' subject becomes "erased:<pseudonym>", and
 * one audit entry of kind "erasure" per customer records (under the
 * pseudonym) how many rows each table lost and the channel ("api", "cli").
 * Any failure, an unknown ID included (TL_ENOTFOUND, naming its position
 * but not the ID), rolls all of it back. *report (may be NULL) receives
 * [{"subject": "erased:…", "rows": {table: n}}] in the order given. */
int tl_govern_erase(tl_store *st, const char *const *ids, size_t n, const char *channel,
                    json_t **report, tl_err *err);

#endif
