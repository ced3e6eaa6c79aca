/* prompt.h — the messages sent to the model, built from pseudonymised
 * facts only: age band, risk profile, needs with the figures behind them,
 * the recommended products as tailor computed them (name, category, fees,
 * rates, score) and tailor's own texts to rewrite. Never the customer's
 * name, e-mail, phone, address, account numbers, city or ID: the customer
 * is "C1", a token that only means something within one request. Quoted
 * posts are left out (people write names and places in posts). */
#ifndef TL_LLM_PROMPT_H
#define TL_LLM_PROMPT_H

#include <jansson.h>
#include <stddef.h>

#include "base/digest.h"
#include "base/err.h"
#include "recommend/engine.h"
#include "store/customers.h"
#include "store/store.h"

enum tl_llm_task { TL_LLM_TASK_RECS, TL_LLM_TASK_SUGGESTIONS };

typedef struct tl_llm_prompt {
    int task;               /* enum tl_llm_task */
    char *system;           /* owned */
    char *user;             /* owned; also the facts figures are checked against */
    char hash[TL_SHA256_HEX_LEN + 1];   /* of system and user: the cache key with the model */
    char **ids;             /* products a reason is expected for, in order (owned) */
    size_t n_ids;
    char **pii;             /* strings that must not appear in the prompt (owned) */
    size_t n_pii;
} tl_llm_prompt;

/* The prompt for rewriting a customer's summary and reasons. c is the
 * stored customer (for its age and for the identifiers to keep out); r the
 * engine's result; product fees and rates are read from the store. */
int tl_llm_prompt_recs(tl_store *st, const tl_customer *c, const tl_rec_result *r,
                       tl_llm_prompt *out, tl_err *err);

/* The prompt for product suggestions from tl_product_insights' JSON. */
int tl_llm_prompt_suggestions(const json_t *insights, tl_llm_prompt *out, tl_err *err);

void tl_llm_prompt_free(tl_llm_prompt *p);   /* accepts NULL */

/* 1 when none of p->pii occurs in the messages (case-insensitive, as a
 * whole word), else 0. Checked before anything is sent. */
int tl_llm_prompt_is_clean(const tl_llm_prompt *p);

#endif
