/* audit.h — what is written to the audit log when a recommendation is
 * served (docs/governance.md lists the fields).
 *
 * The entry's subject is the customer ID (pseudonymised on erasure); the
 * doc holds no names, e-mails, phones or post text: posts are referred to
 * by a hash of their text, figures and fields by their description. */
#ifndef TL_GOVERN_AUDIT_H
#define TL_GOVERN_AUDIT_H

#include <jansson.h>

#include "recommend/engine.h"
#include "store/store.h"

/* Where a recommendation was served. */
typedef struct tl_audit_origin {
    const char *channel;    /* "api", "cli" */
    const char *route;      /* the route pattern or command, e.g. "tailor recommend" */
    int llm_used;           /* an LLM wrote part of what was served */
    const char *prompt_hash;/* SHA-256 hex of the prompt sent, or NULL */
} tl_audit_origin;

/* The doc of a served recommendation (new reference). r must have been
 * computed with explain on, so excluded products are known. */
json_t *tl_audit_rec_doc(const tl_engine *e, const tl_rec_result *r, const tl_rec_opts *o,
                         const tl_audit_origin *origin);

/* Builds the doc and appends it (kind "recommendation", subject the
 * customer ID as requested: the result's copy may be cut short) in one
 * INSERT; outside any transaction it commits at once. */
int tl_audit_recommendation(tl_store *st, const char *customer_id, const tl_engine *e,
                            const tl_rec_result *r, const tl_rec_opts *o,
                            const tl_audit_origin *origin, tl_err *err);

/* Appends any JSON doc under subject and kind. */
int tl_audit_append_json(tl_store *st, const char *subject, const char *kind, json_t *doc,
                         tl_err *err);

#endif
