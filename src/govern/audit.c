/* audit.c — audit entries for served recommendations. */
#include "govern/audit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/json_write.h"
#include "govern/pseudonym.h"
#include "recommend/contact_policy.h"
#include "store/audit.h"

static json_t *rounded(double v)
{
    return json_real(round(v * 10000) / 10000);
}

/* Needs with their evidence: kind and a reference, never a post's text. */
static json_t *needs_doc(const tl_needs *n)
{
    static const char *const kinds[] = {"post", "figure", "field", "holding"};
    json_t *arr = json_array();
    for (size_t i = 0; i < n->n; i++) {
        const tl_need *need = &n->needs[i];
        json_t *evs = json_array();
        for (size_t k = 0; k < need->n_evidence; k++) {
            const tl_evidence *ev = &need->evidence[k];
            json_t *e = json_pack("{s:s}", "kind", kinds[ev->kind]);
            if (ev->kind == TL_EV_POST) {
                char hex[TL_SHA256_HEX_LEN + 1], ref[32];
                tl_sha256_hex(ev->text, strlen(ev->text), hex);
                snprintf(ref, sizeof ref, "sha256:%.16s", hex);
                json_object_set_new(e, "ref", json_string(ref));
            } else {
                json_object_set_new(e, "ref", json_string(ev->text));
            }
            json_object_set_new(e, "weight", rounded(ev->weight));
            json_array_append_new(evs, e);
        }
        json_array_append_new(arr, json_pack("{s:s, s:o, s:o}", "need",
                                             tl_need_def_get(need->id)->key, "strength",
                                             rounded(need->strength), "evidence", evs));
    }
    return arr;
}

/* Rules whose code says all: a held product, and the contact policy's,
 * whose windows are in the policy and whose whole-customer reason is the
 * entry's "suppressed". */
static int short_rule(const char *code)
{
    return strcmp(code, "held") == 0 || tl_contact_code_find(code) >= 0;
}

json_t *tl_audit_rec_doc(const tl_engine *e, const tl_rec_result *r, const tl_rec_opts *o,
                         const tl_audit_origin *origin)
{
    json_t *products = json_array();
    for (size_t i = 0; i < r->n_items; i++) {
        const tl_rec_item *it = &r->items[i];
        json_array_append_new(products,
                              json_pack("{s:s, s:i, s:o, s:s, s:s?}", "product_id",
                                        it->product_id, "rank", (int)i + 1, "score",
                                        rounded(it->score), "category", it->category, "need",
                                        it->need));
    }
    json_t *excluded = json_array();
    size_t i;
    json_t *x;
    /* An audit entry is written for every answer, so it is kept short: the
     * rule's code says all for the rules short_rule lists, a score says why
     * one fell below the threshold; eligibility rules keep their text,
     * which holds the rule's limit and the customer's figure at the time. */
    json_array_foreach(r->excluded, i, x) {
        const char *code = json_string_value(json_object_get(x, "code"));
        /* Withheld with all the others: "suppressed" says why, once. */
        if (code && r->suppressed.code && strcmp(code, r->suppressed.code) == 0)
            continue;
        json_t *entry = json_pack("{s:O, s:O}", "product_id", json_object_get(x, "product_id"),
                                  "rule", json_object_get(x, "code"));
        if (code && strcmp(code, "below_threshold") == 0 && json_object_get(x, "score"))
            json_object_set(entry, "score", json_object_get(x, "score"));
        else if (!code || !short_rule(code))
            json_object_set(entry, "reason", json_object_get(x, "reason"));
        json_array_append_new(excluded, entry);
    }
    /* The rollout arm says why a customer got generally suitable offers
     * although they consented to personalisation. */
    return json_pack("{s:s, s:s, s:i, s:o, s:o, s:o, s:s, s:s, s:{s:b, s:o}, s:o, s:s?, s:o}",
                     "channel", origin->channel, "route", origin->route, "k", o ? o->k : 0,
                     "products", products, "excluded", excluded, "needs", needs_doc(&r->needs),
                     "encoder", tl_engine_encoder_id(e), "ranking_version", TL_RANKING_VERSION,
                     "llm", "used", origin->llm_used != 0, "prompt_hash",
                     origin->prompt_hash ? json_string(origin->prompt_hash) : json_null(),
                     "rollout", tl_rec_rollout_json(r), "offer_channel", o ? o->channel : NULL,
                     "suppressed", tl_rec_suppressed_json(r));
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
    json_t *doc = tl_audit_rec_doc(e, r, o, origin);
    int rc = tl_audit_append_json(st, customer_id, "recommendation", doc, err);
    json_decref(doc);
    return rc;
}
