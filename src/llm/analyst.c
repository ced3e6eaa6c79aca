/* analyst.c — guard, cache, call, validate. */
#include "llm/analyst.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"
#include "llm/client.h"
#include "store/llm_cache.h"

void tl_llm_outcome_fallback(tl_llm_outcome *o, const char *reason)
{
    memset(o, 0, sizeof *o);
    o->fallback_reason = reason;
}

const char *tl_llm_text_source(const tl_llm_outcome *o)
{
    return o->used ? "llm" : "deterministic";
}

void tl_llm_outcome_write(tl_jw *w, const tl_llm_outcome *o)
{
    tl_jw_object(w);
    tl_jw_key_bool(w, "used", o->used);
    tl_jw_key_str(w, "model", o->model[0] ? o->model : NULL);
    tl_jw_key_bool(w, "cached", o->cached);
    tl_jw_key_str(w, "prompt_hash", o->prompt_hash[0] ? o->prompt_hash : NULL);
    tl_jw_key_str(w, "fallback_reason", o->fallback_reason);
    tl_jw_end(w, '}');
}

static void write_outcome(tl_jw *w, const void *o)
{
    tl_llm_outcome_write(w, o);
}

json_t *tl_llm_outcome_json(const tl_llm_outcome *o)
{
    return tl_jw_tree(write_outcome, o);
}

void tl_llm_answer_free(tl_llm_answer *a)
{
    if (!a)
        return;
    tl_llm_rec_text_free(&a->recs);
    tl_llm_suggestions_free(&a->suggestions);
}

int tl_llm_validate_reply(const tl_llm_prompt *p, const char *reply, tl_llm_answer *a,
                          const char **why, char *detail, size_t detail_size)
{
    memset(a, 0, sizeof *a);
    if (p->task == TL_LLM_TASK_RECS)
        return tl_llm_validate_recs(reply, strlen(reply), (const char *const *)p->ids, p->n_ids,
                                    p->user, &a->recs, why, detail, detail_size);
    return tl_llm_validate_suggestions(reply, strlen(reply), p->user, &a->suggestions, why,
                                       detail, detail_size);
}

int tl_llm_answer_prompt(const tl_llm_config *c, tl_store *st, const tl_llm_prompt *p,
                         const volatile int *cancel, tl_llm_answer *a, tl_llm_outcome *o)
{
    memset(a, 0, sizeof *a);
    memset(o, 0, sizeof *o);
    tl_strlcpy(o->model, c->model, sizeof o->model);
    tl_strlcpy(o->prompt_hash, p->hash, sizeof o->prompt_hash);
    const char *why = NULL;
    char detail[160] = "";
    if (!tl_llm_prompt_is_clean(p)) {
        o->fallback_reason = "pii_guard";
        tl_log_warn("llm: prompt %.12s held an identifier; not sent", p->hash);
        return -1;
    }
    char *cached = NULL;
    tl_err err;
    if (st && tl_store_llm_cache_get(st, p->hash, c->model, &cached, &err))
        tl_log_warn("llm: cache read failed: %s", err.msg);
    if (cached) {
        int ok = tl_llm_validate_reply(p, cached, a, &why, detail, sizeof detail) == 0;
        free(cached);
        if (ok) {
            o->used = o->cached = 1;
            return 0;
        }
    }
    tl_llm_call call;
    int rc = tl_llm_chat(c, p->system, p->user, cancel, &call);
    o->attempts = call.attempts;
    o->latency_ms = call.latency_ms;
    if (rc) {
        o->fallback_reason = call.failure;
        tl_log_warn("llm: prompt %.12s: no answer (%s) after %d attempt(s), %.0f ms", p->hash,
                    call.failure, call.attempts, call.latency_ms);
        return -1;
    }
    if (tl_llm_validate_reply(p, call.content, a, &why, detail, sizeof detail)) {
        o->fallback_reason = why;
        /* The detail names only a figure or a field, never reply text. */
        tl_log_warn("llm: prompt %.12s: reply rejected (%s: %s)", p->hash, why, detail);
        tl_llm_call_free(&call);
        return -1;
    }
    if (st && tl_store_llm_cache_put(st, p->hash, c->model, call.content, &err))
        tl_log_warn("llm: cache write failed: %s", err.msg);
    tl_log_info("llm: prompt %.12s answered by %s in %.0f ms (%d attempt(s))", p->hash,
                c->model, call.latency_ms, call.attempts);
    tl_llm_call_free(&call);
    o->used = 1;
    return 0;
}
