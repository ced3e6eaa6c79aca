/* llm_text.c — deciding whether the LLM writes, and patching its texts
 * into responses. */
#include "http/llm_text.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"
#include "govern/audit.h"
#include "http/metrics.h"
#include "http/async.h"
#include "llm/analyst.h"
#include "recommend/product_insights.h"
#include "store/consent.h"
#include "store/customers.h"

int tl_llm_requested(tl_request *rq)
{
    return tl_request_flag(rq, "llm");
}

typedef struct text_job {
    json_t *doc;            /* the deterministic response, patched in place */
    int shape;
    char subject[72];       /* the customer's or the product's ID (never sent) */
    tl_llm_prompt prompt;
} text_job;

static void job_free(void *arg)
{
    text_job *j = arg;
    json_decref(j->doc);
    tl_llm_prompt_free(&j->prompt);
    free(j);
}

/* The one place an answer is finalised with its outcome: an audit record
 * of what was served (subject, doc, o->used, o->prompt_hash) belongs here.
 * Runs on an HTTP thread or an LLM worker. */
static void finish(tl_response *rs, const char *subject, json_t *doc, int shape, int task,
                   const tl_llm_outcome *o)
{
    if (task == TL_LLM_TASK_SUGGESTIONS && shape == TL_LLM_SHAPE_PROTOTYPE) {
        /* An array: nowhere to say where the text came from. */
        tl_respond_json(rs, MHD_HTTP_OK, tl_product_insights_prototype(doc));
        json_decref(doc);
        return;
    }
    json_object_set_new(doc, "text_source", json_string(tl_llm_text_source(o)));
    json_object_set_new(doc, "llm", tl_llm_outcome_json(o));
    tl_respond_json(rs, MHD_HTTP_OK, doc);
}

/* The deterministic answer, finished as text: "text_source" and "llm" are
 * added to the object w has open, which is then closed and sent. */
static void finish_text(tl_response *rs, tl_jw *w, const tl_llm_outcome *o)
{
    tl_jw_key_str(w, "text_source", tl_llm_text_source(o));
    tl_jw_key(w, "llm");
    tl_llm_outcome_write(w, o);
    tl_jw_end(w, '}');
    if (w->rc)
        tl_respond_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                         "could not encode the response");
    else
        tl_respond_json_text(rs, MHD_HTTP_OK, w->b->data, w->b->len);
}

static void patch_recs(json_t *doc, int shape, const tl_llm_rec_text *t)
{
    if (shape == TL_LLM_SHAPE_PROTOTYPE) {
        json_object_set_new(doc, "profile", json_string(t->summary));
        json_t *products = json_object_get(doc, "products");
        for (size_t i = 0; i < t->n && i < json_array_size(products); i++)
            json_object_set_new(json_array_get(products, i), "Reason",
                                json_string(t->reasons[i]));
        return;
    }
    json_object_set_new(doc, "profile_summary", json_string(t->summary));
    json_t *recs = json_object_get(doc, "recommendations");
    for (size_t i = 0; i < t->n && i < json_array_size(recs); i++)
        json_object_set_new(json_array_get(recs, i), "reasons",
                            json_pack("[s]", t->reasons[i]));
}

static void patch_suggestions(json_t *doc, const tl_llm_suggestions *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(arr, json_string(s->items[i]));
    json_object_set_new(doc, "suggestions", arr);
}

/* Records that the LLM's texts for subject are about to be served. */
static int audit_llm_text(tl_store *st, const char *subject, const tl_llm_outcome *o)
{
    if (!st)
        return -1;
    json_t *doc = json_pack("{s:s, s:s, s:b}", "prompt_hash", o->prompt_hash, "model",
                            o->model, "cached", o->cached != 0);
    tl_err err;
    int rc = tl_audit_append_json(st, subject, "llm_text", doc, &err);
    json_decref(doc);
    if (rc)
        tl_log_warn("llm: audit entry not written (%s); deterministic text served", err.msg);
    return rc;
}

static void job_run(void *arg, tl_llm_service *svc, tl_store *st, tl_response *rs)
{
    text_job *j = arg;
    tl_llm_answer a;
    tl_llm_outcome o;
    if (tl_llm_answer_prompt(tl_llm_service_config(svc), st, &j->prompt,
                             tl_llm_service_cancel(svc), &a, &o) == 0) {
        if (j->prompt.task == TL_LLM_TASK_RECS && audit_llm_text(st, j->subject, &o)) {
            /* Text whose use cannot be audited is not served. */
            tl_llm_answer_free(&a);
            tl_llm_outcome_fallback(&o, "audit_failed");
            tl_strlcpy(o.prompt_hash, j->prompt.hash, sizeof o.prompt_hash);
        } else {
            if (j->prompt.task == TL_LLM_TASK_RECS)
                patch_recs(j->doc, j->shape, &a.recs);
            else
                patch_suggestions(j->doc, &a.suggestions);
            tl_llm_answer_free(&a);
        }
    }
    finish(rs, j->subject, json_incref(j->doc), j->shape, j->prompt.task, &o);
}

static void job_fallback(void *arg, tl_response *rs, const char *reason)
{
    text_job *j = arg;
    tl_llm_outcome o;
    tl_llm_outcome_fallback(&o, reason);
    tl_strlcpy(o.prompt_hash, j->prompt.hash, sizeof o.prompt_hash);
    finish(rs, j->subject, json_incref(j->doc), j->shape, j->prompt.task, &o);
}

/* Defers j, or answers at once when that fails. */
static int defer(tl_response *rs, text_job *j)
{
    int task = j->prompt.task, shape = j->shape;
    char subject[sizeof j->subject];
    tl_strlcpy(subject, j->subject, sizeof subject);
    json_t *doc = json_incref(j->doc);
    if (tl_respond_defer(rs, job_run, job_fallback, job_free, j)) {
        tl_llm_outcome o;
        tl_llm_outcome_fallback(&o, "busy");
        finish(rs, subject, doc, shape, task, &o);
        return 0;
    }
    /* Should the job not be queued, the server has job_fallback write the
     * deterministic answer. */
    json_decref(doc);
    return 0;
}

int tl_llm_respond_recs(tl_request *rq, tl_response *rs, const tl_rec_result *r, tl_jw *answer,
                        int shape, int wanted, const tl_rec_opts *opts,
                        const tl_audit_origin *origin)
{
    const char *reason = NULL;
    tl_consent consent;
    tl_err err;
    if (!wanted)
        reason = "not_requested";
    else if (!rq->llm)
        reason = "not_configured";
    else if (tl_store_consent_get(rq->st, r->customer_id, &consent, &err) || !consent.llm)
        reason = "no_consent";   /* unreadable consent counts as none */
    text_job *j = NULL;
    if (!reason) {
        tl_customer c;
        j = calloc(1, sizeof *j);
        if (!j || tl_store_customer_get(rq->st, r->customer_id, &c, &err)) {
            reason = "prompt_failed";
        } else {
            if (tl_llm_prompt_recs(rq->st, &c, r, &j->prompt, &err))
                reason = "prompt_failed";
            tl_customer_free(&c);
        }
    }
    tl_audit_origin served = *origin;
    if (!reason) {
        served.prompt_hash = j->prompt.hash;
        served.llm_pending = 1;
    }
    int rc = tl_audit_recommendation(rq->st, r->customer_id, rq->engine, r, opts, &served,
                                     &err);
    if (rc) {
        if (j)
            tl_llm_prompt_free(&j->prompt);
        free(j);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    tl_metrics_served((int)r->arm);
    if (r->suppressed.code)
        tl_metrics_suppressed(r->suppressed.code);
    if (reason) {
        if (j)
            tl_llm_prompt_free(&j->prompt);
        free(j);
        tl_llm_outcome o;
        tl_llm_outcome_fallback(&o, reason);
        finish_text(rs, answer, &o);
        return 0;
    }
    /* The LLM's texts are patched into the answer: it becomes a tree. */
    tl_jw_end(answer, '}');
    json_t *doc = answer->rc ? NULL : json_loads(answer->b->data, 0, NULL);
    if (!doc) {
        tl_llm_prompt_free(&j->prompt);
        free(j);
        return tl_respond_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                                "could not encode the response");
    }
    j->doc = doc;
    j->shape = shape;
    tl_strlcpy(j->subject, r->customer_id, sizeof j->subject);
    return defer(rs, j);
}

int tl_llm_respond_suggestions(tl_request *rq, tl_response *rs, json_t *insights, int shape,
                               int wanted)
{
    const char *product = json_string_value(json_object_get(insights, "product_id"));
    const char *reason = !wanted ? "not_requested" : !rq->llm ? "not_configured" : NULL;
    text_job *j = NULL;
    tl_err err;
    if (!reason) {
        j = calloc(1, sizeof *j);
        if (!j || tl_llm_prompt_suggestions(insights, &j->prompt, &err))
            reason = "prompt_failed";
    }
    if (reason) {
        free(j);
        tl_llm_outcome o;
        tl_llm_outcome_fallback(&o, reason);
        finish(rs, product ? product : "", insights, shape, TL_LLM_TASK_SUGGESTIONS, &o);
        return 0;
    }
    j->doc = insights;
    j->shape = shape;
    tl_strlcpy(j->subject, product ? product : "", sizeof j->subject);
    return defer(rs, j);
}
