/* h_recommend.c — recommendations (ours and the prototype's shape) and
 * feedback events. */
#include "http/handlers.h"

#include <microhttpd.h>
#include <string.h>

#include "base/str.h"
#include "govern/audit.h"
#include "http/llm_text.h"
#include "recommend/engine.h"
#include "recommend/feedback.h"
#include "store/consent.h"
#include "govern/consent_change.h"
#include "store/customers.h"
#include "store/events.h"
#include "store/products.h"

/* Recommends and hands the result to llm_text.c, which appends its audit
 * entry before anything is served (a recommendation that cannot be audited
 * is not served) and answers, with the LLM's texts when asked for,
 * configured and consented to. Exclusions are always computed
 * (the audit names the rules that excluded products) and dropped from the
 * response unless the client asked for them. */
static int recommend_served(tl_request *rq, tl_response *rs, tl_rec_opts *o, int explain,
                            const char *route, int shape, int llm_wanted)
{
    o->explain = 1;
    tl_rec_result r;
    tl_err err;
    int rc = tl_engine_recommend(rq->engine, rq->st, rq->params.values[0], o, &r, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    /* Leave the GET's read snapshot first: the INSERT then commits on its
     * own instead of upgrading a snapshot another writer may have passed. */
    tl_store_read_end(rq->st);
    tl_audit_origin origin = {.channel = "api", .route = route};
    tl_buf text;
    tl_buf_init(&text, 64u << 20);
    tl_jw answer;
    tl_jw_init(&answer, &text);
    tl_jw_object(&answer);
    if (shape == TL_LLM_SHAPE_V1) {
        /* The answer lists the exclusions only when asked; the audit
         * entry always does, so the result keeps them. */
        tl_rec_exclusion *excluded = r.excluded;
        if (!explain)
            r.excluded = NULL;
        tl_rec_result_write_members(&answer, rq->engine, &r);
        r.excluded = excluded;
    } else {
        tl_rec_result_write_prototype_members(&answer, &r);
    }
    tl_llm_respond_recs(rq, rs, &r, &answer, shape, llm_wanted, o, &origin);
    tl_buf_free(&text);
    tl_rec_result_free(&r);
    return 0;
}

int tl_h_recommendations(tl_request *rq, tl_response *rs)
{
    tl_rec_opts o = {.k = 3, .personalise = 1, .social = 1};
    long long k = 3;
    if (tl_request_int_arg(rq, rs, "k", 1, 20, &k))
        return 0;
    o.k = (int)k;
    o.channel = tl_request_arg(rq, "channel");
    if (o.channel && !tl_contact_channel_valid(o.channel))
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "channel must be " TL_CONTACT_CHANNEL_RULE);
    return recommend_served(rq, rs, &o, tl_request_flag(rq, "explain"),
                            "/api/v1/customers/{id}/recommendations", TL_LLM_SHAPE_V1,
                            tl_llm_requested(rq));
}

int tl_h_prototype_recommendations(tl_request *rq, tl_response *rs)
{
    tl_rec_opts o = {.k = 3, .personalise = 1, .social = 1};
    /* The prototype always asked an LLM: so do we, when one is configured
     * and the customer consents. */
    return recommend_served(rq, rs, &o, 0, "/product_recommendations/{id}",
                            TL_LLM_SHAPE_PROTOTYPE, 1);
}

int tl_h_events_post(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    json_t *body = tl_request_json_body(rq, rs);
    if (!body)
        return 0;
    int rc = TL_OK;
    tl_err err;
    tl_err_clear(&err);
    const char *kind = json_string_value(json_object_get(body, "kind"));
    const char *product = json_string_value(json_object_get(body, "product_id"));
    const char *channel = json_string_value(json_object_get(body, "channel"));
    const char *key = json_string_value(json_object_get(body, "idempotency_key"));
    kind = tl_event_kind_find(kind, false);
    if (!json_is_object(body) || !kind) {
        rc = tl_err_set(&err, TL_EINPUT, "\"kind\" must be " TL_EVENT_KINDS_TEXT);
        goto done;
    }
    if (tl_event_kind_needs_product(kind) && !product) {
        rc = tl_err_set(&err, TL_EINPUT, "\"product_id\" is required for %s events", kind);
        goto done;
    }
    bool exists;
    if ((rc = tl_store_customer_exists(rq->st, id, &exists, &err)))
        goto done;
    if (!exists) {
        rc = tl_err_set(&err, TL_ENOTFOUND, "customer '%s' not found", id);
        goto done;
    }
    if (product) {
        if ((rc = tl_store_product_exists(rq->st, product, &exists, &err)))
            goto done;
        if (!exists) {
            rc = tl_err_set(&err, TL_EINPUT, "unknown product_id '%s'", product);
            goto done;
        }
    }
    /* The event and what it implies (a learning step; an accepted offer
     * becomes a holding) are written together. */
    tl_event ev = {id, product, kind, channel, key, NULL};
    bool duplicate = false;
    if ((rc = tl_feedback_record(rq->engine, rq->st, &ev, &duplicate, &err)))
        goto done;
    tl_respond_json(rs, duplicate ? MHD_HTTP_OK : MHD_HTTP_CREATED,
                    json_pack("{s:s, s:s, s:s?, s:b}", "customer_id", id, "kind", kind,
                              "product_id", product, "duplicate", duplicate));
done:
    if (rc)
        tl_respond_from_err(rs, rc, err.msg);
    json_decref(body);
    return 0;
}

static json_t *consent_json(const char *id, const tl_consent *c)
{
    return json_pack("{s:s, s:b, s:b, s:b, s:b}", "customer_id", id, "personalisation",
                     c->personalisation, "social_data", c->social_data, "llm", c->llm,
                     "recorded", c->recorded);
}

int tl_h_consent_get(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    bool exists;
    tl_consent c;
    tl_err err;
    int rc = tl_store_customer_exists(rq->st, id, &exists, &err);
    if (!rc && !exists)
        rc = tl_err_set(&err, TL_ENOTFOUND, "customer '%s' not found", id);
    if (!rc)
        rc = tl_store_consent_get(rq->st, id, &c, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK, consent_json(id, &c));
}

int tl_h_consent_put(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    json_t *body = tl_request_json_body(rq, rs);
    if (!body)
        return 0;
    tl_err err;
    tl_err_clear(&err);
    int rc = TL_OK;
    tl_consent c;
    bool exists;
    if (!json_is_object(body) || json_object_size(body) == 0) {
        rc = tl_err_set(&err, TL_EINPUT, "send an object with personalisation, social_data "
                                         "and/or llm");
        goto done;
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v) {
        if (strcmp(key, "personalisation") && strcmp(key, "social_data") && strcmp(key, "llm")) {
            rc = tl_err_set(&err, TL_EINPUT, "unknown consent field \"%.40s\"", key);
            goto done;
        }
        if (!json_is_boolean(v)) {
            rc = tl_err_set(&err, TL_EINPUT, "\"%s\" must be true or false", key);
            goto done;
        }
    }
    if ((rc = tl_store_customer_exists(rq->st, id, &exists, &err)))
        goto done;
    if (!exists) {
        rc = tl_err_set(&err, TL_ENOTFOUND, "customer '%s' not found", id);
        goto done;
    }
    json_t *p = json_object_get(body, "personalisation"), *s = json_object_get(body, "social_data"),
           *l = json_object_get(body, "llm");
    tl_consent_patch patch = {p ? json_is_true(p) : -1, s ? json_is_true(s) : -1,
                              l ? json_is_true(l) : -1};
    bool changed;
    if ((rc = tl_store_begin(rq->st, &err)))
        goto done;
    /* The change is audited in the same transaction as the change. */
    rc = tl_consent_change(rq->st, id, &patch, "api", "/api/v1/customers/{id}/consent", true,
                           &c, &changed, &err);
    if (!rc)
        rc = tl_store_commit(rq->st, &err);
    if (rc)
        tl_store_rollback(rq->st);
    else
        tl_respond_json(rs, MHD_HTTP_OK, consent_json(id, &c));
done:
    if (rc)
        tl_respond_from_err(rs, rc, err.msg);
    json_decref(body);
    return 0;
}
