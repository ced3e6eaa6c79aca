/* audit.c — audit entries for served recommendations. */
#include "govern/audit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/buf.h"
#include "base/json_write.h"
#include "govern/pseudonym.h"
#include "recommend/contact_policy.h"
#include "store/audit.h"

/* Scores, strengths and weights at 4 decimals: enough to say why, short. */
static double rounded(double v)
{
    return round(v * 10000) / 10000;
}

/* Needs with their evidence: kind and a reference, never a post's text. */
static void write_needs(tl_jw *w, const tl_needs *n)
{
    static const char *const kinds[] = {"post", "figure", "field", "holding"};
    tl_jw_array(w);
    for (size_t i = 0; i < n->n; i++) {
        const tl_need *need = &n->needs[i];
        tl_jw_object(w);
        tl_jw_key_str(w, "need", tl_need_def_get(need->id)->key);
        tl_jw_key_real(w, "strength", rounded(need->strength));
        tl_jw_key(w, "evidence");
        tl_jw_array(w);
        for (size_t k = 0; k < need->n_evidence; k++) {
            const tl_evidence *ev = &need->evidence[k];
            tl_jw_object(w);
            tl_jw_key_str(w, "kind", kinds[ev->kind]);
            tl_jw_key(w, "ref");
            if (ev->kind == TL_EV_POST) {
                char hex[TL_SHA256_HEX_LEN + 1], ref[32];
                tl_sha256_hex(ev->text, strlen(ev->text), hex);
                snprintf(ref, sizeof ref, "sha256:%.16s", hex);
                tl_jw_str(w, ref);
            } else {
                tl_jw_str(w, ev->text);
            }
            tl_jw_key_real(w, "weight", rounded(ev->weight));
            tl_jw_end(w, '}');
        }
        tl_jw_end(w, ']');
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
}

/* Rules whose code says all: a held product, and the contact policy's,
 * whose windows are in the policy and whose whole-customer reason is the
 * entry's "suppressed". */
static int short_rule(const char *code)
{
    return strcmp(code, "held") == 0 || tl_contact_code_find(code) >= 0;
}

/* An audit entry is written for every answer, so it is kept short: the
 * rule's code says all for the rules short_rule lists, a score says why
 * one fell below the threshold; eligibility rules keep their text, which
 * holds the rule's limit and the customer's figure at the time. */
static void write_excluded(tl_jw *w, const tl_rec_result *r)
{
    tl_jw_array(w);
    for (size_t i = 0; i < r->n_excluded; i++) {
        const tl_rec_exclusion *x = &r->excluded[i];
        /* Withheld with all the others: "suppressed" says why, once. */
        if (r->suppressed.code && strcmp(x->code, r->suppressed.code) == 0)
            continue;
        tl_jw_object(w);
        tl_jw_key_str(w, "product_id", x->product_id);
        tl_jw_key_str(w, "rule", x->code);
        if (strcmp(x->code, "below_threshold") == 0 && !isnan(x->score)) {
            tl_jw_key_real(w, "score", x->score);
        } else if (!short_rule(x->code)) {
            tl_jw_key_str(w, "reason", x->reason);
        }
        tl_jw_end(w, '}');
    }
    tl_jw_end(w, ']');
}

int tl_audit_rec_write(tl_buf *out, const tl_engine *e, const tl_rec_result *r,
                       const tl_rec_opts *o, const tl_audit_origin *origin)
{
    tl_jw w;
    tl_jw_init(&w, out);
    tl_jw_object(&w);
    tl_jw_key_str(&w, "channel", origin->channel);
    tl_jw_key_str(&w, "route", origin->route);
    tl_jw_key_int(&w, "k", o ? o->k : 0);
    tl_jw_key(&w, "products");
    tl_jw_array(&w);
    for (size_t i = 0; i < r->n_items; i++) {
        const tl_rec_item *it = &r->items[i];
        tl_jw_object(&w);
        tl_jw_key_str(&w, "product_id", it->product_id);
        tl_jw_key_int(&w, "rank", (long long)i + 1);
        tl_jw_key_real(&w, "score", rounded(it->score));
        tl_jw_key_str(&w, "category", it->category);
        tl_jw_key_str(&w, "need", it->need);
        tl_jw_end(&w, '}');
    }
    tl_jw_end(&w, ']');
    tl_jw_key(&w, "excluded");
    write_excluded(&w, r);
    tl_jw_key(&w, "needs");
    write_needs(&w, &r->needs);
    tl_jw_key_str(&w, "encoder", tl_engine_encoder_id(e));
    tl_jw_key_str(&w, "ranking_version", TL_RANKING_VERSION);
    tl_jw_key(&w, "llm");
    tl_jw_object(&w);
    tl_jw_key_bool(&w, "used", origin->llm_used != 0);
    tl_jw_key_str(&w, "prompt_hash", origin->prompt_hash);
    if (origin->llm_pending) {
        tl_jw_key_bool(&w, "pending", 1);
    }
    tl_jw_end(&w, '}');
    /* The rollout arm says why a customer got generally suitable offers
     * although they consented to personalisation. */
    tl_jw_key(&w, "rollout");
    if (r->arm == TL_ARM_NONE) {
        tl_jw_null(&w);
    } else {
        tl_jw_object(&w);
        tl_jw_key_str(&w, "name", r->rollout);
        tl_jw_key_str(&w, "arm", tl_arm_name(r->arm));
        tl_jw_end(&w, '}');
    }
    tl_jw_key_str(&w, "offer_channel", o ? o->channel : NULL);
    tl_jw_key(&w, "suppressed");
    const tl_contact_block *b = &r->suppressed;
    if (!b->code) {
        tl_jw_null(&w);
    } else {
        tl_jw_object(&w);
        tl_jw_key_str(&w, "code", b->code);
        tl_jw_key_str(&w, "reason", b->reason);
        tl_jw_key_str(&w, "until", b->until[0] ? b->until : NULL);
        tl_jw_end(&w, '}');
    }
    tl_jw_end(&w, '}');
    return w.rc;
}

int tl_audit_append_json(tl_store *st, const char *subject, const char *kind, json_t *doc,
                         tl_err *err)
{
    tl_buf text;
    tl_buf_init(&text, 64u << 20);
    if (!doc || tl_json_write(&text, doc, 12)) {
        tl_buf_free(&text);
        return tl_err_set(err, TL_ENOMEM, "out of memory writing an audit entry");
    }
    char key[TL_ERASED_SUBJECT_LEN + 1];
    int rc = tl_audit_subject_key(st, subject, key, err);
    if (!rc)
        rc = tl_store_audit_append(st, subject, key, kind, text.data, NULL, err);
    tl_buf_free(&text);
    return rc;
}

int tl_audit_recommendation(tl_store *st, const char *customer_id, const tl_engine *e,
                            const tl_rec_result *r, const tl_rec_opts *o,
                            const tl_audit_origin *origin, tl_err *err)
{
    tl_buf text;
    tl_buf_init(&text, 64u << 20);
    int rc = tl_audit_rec_write(&text, e, r, o, origin);
    if (rc)
        rc = tl_err_set(err, rc == TL_ENOMEM ? TL_ENOMEM : TL_EINPUT,
                        "cannot write the audit entry of a recommendation (%s)",
                        rc == TL_ENOMEM ? "out of memory" : "a value JSON cannot hold");
    char key[TL_ERASED_SUBJECT_LEN + 1];
    if (!rc)
        rc = tl_audit_subject_key(st, customer_id, key, err);
    if (!rc)
        rc = tl_store_audit_append(st, customer_id, key, "recommendation", text.data, NULL, err);
    tl_buf_free(&text);
    return rc;
}
