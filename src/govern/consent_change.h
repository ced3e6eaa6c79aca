/* consent_change.h — changing consent, one customer at a time or the
 * store's defaults, with the audit entry written beside the change.
 *
 * Every path that changes consent (PUT /api/v1/customers/{id}/consent,
 * POST /api/v1/consent, `tailor import --consent`, `tailor consent
 * defaults`) goes through here, so the audit docs have one shape. The
 * caller owns the transaction: the change and its audit entry are written
 * inside it, or neither is. */
#ifndef TL_GOVERN_CONSENT_CHANGE_H
#define TL_GOVERN_CONSENT_CHANGE_H

#include <stdbool.h>

#include "store/consent.h"

/* What to change: each field 1 grant, 0 withdraw, -1 keep. */
typedef struct tl_consent_patch {
    int personalisation;
    int social_data;
    int llm;
} tl_consent_patch;

#define TL_CONSENT_PATCH_KEEP ((tl_consent_patch){-1, -1, -1})

/* Parses a consent value: true/false, yes/no, 1/0, granted/withdrawn (case
 * ignored). Returns false when `s` is none of them. */
bool tl_consent_parse_bool(const char *s, int *out);

/* Applies the patch to the customer's consent (the defaults when none is
 * recorded) and stores the result with an audit entry (kind "consent",
 * doc {channel, route, before, after}). A record that exists and already
 * holds the result is left alone unless `always` is set, so an import run
 * twice changes nothing the second time. *changed tells whether anything
 * was written; `after` (may be NULL) receives the result. The customer
 * must exist. */
int tl_consent_change(tl_store *st, const char *customer_id, const tl_consent_patch *p,
                      const char *channel, const char *route, bool always, tl_consent *after,
                      bool *changed, tl_err *err);

/* Applies the patch to the store's defaults; when they change, stores them
 * with an audit entry (kind "consent_defaults", subject "store", doc
 * {channel, route, before, after}). `after` (may be NULL) receives them. */
int tl_consent_defaults_change(tl_store *st, const tl_consent_patch *p, const char *channel,
                               const char *route, tl_consent *after, bool *changed,
                               tl_err *err);

#endif
