/* audit.h — what is written to the audit log when a recommendation is
 * served (docs/governance.md lists the fields).
 *
 * The entry's subject is the customer ID (pseudonymised on erasure); the
 * doc holds no names, e-mails, phones or post text: posts are referred to
 * by a hash of their text, figures and fields by their description. */
#ifndef TL_GOVERN_AUDIT_H
#define TL_GOVERN_AUDIT_H

#include <jansson.h>

#include "base/buf.h"
#include "recommend/engine.h"
#include "store/store.h"

/* Where a recommendation was served. */
typedef struct tl_audit_origin {
    const char *channel;    /* "api", "cli" */
    const char *route;      /* the route pattern or command, e.g. "tailor recommend" */
    int llm_used;           /* an LLM wrote part of what was served */
    const char *prompt_hash;/* SHA-256 hex of the prompt sent, or NULL */
    int llm_pending;        /* the prompt went to the LLM: an "llm_text" entry with
                               the same hash follows if its texts are served */
} tl_audit_origin;

/* Appends the doc of a served recommendation to out (docs/governance.md
 * lists its fields), written directly: one is written for every answer.
 * r must have been computed with explain on, so excluded products are
 * known. Returns 0, TL_ENOMEM/TL_ETOOBIG from the buffer, or TL_EINPUT. */
int tl_audit_rec_write(tl_buf *out, const tl_engine *e, const tl_rec_result *r,
                       const tl_rec_opts *o, const tl_audit_origin *origin);

/* Writes the doc and appends it (kind "recommendation", subject the
 * customer ID as requested: the result's copy may be cut short) in one
 * INSERT; outside any transaction it commits at once. */
int tl_audit_recommendation(tl_store *st, const char *customer_id, const tl_engine *e,
                            const tl_rec_result *r, const tl_rec_opts *o,
                            const tl_audit_origin *origin, tl_err *err);

/* Appends any JSON doc under subject and kind. */
int tl_audit_append_json(tl_store *st, const char *subject, const char *kind, json_t *doc,
                         tl_err *err);

#endif
