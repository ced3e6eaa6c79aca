/* product_insights.h — how a product is received: review sentiment and
 * recurring complaint and praise themes, who holds it against who it
 * targets, offer acceptance and dismissal rates, and concrete suggestions
 * derived from those facts (the prototype asked an LLM to invent them). */
#ifndef TL_RECOMMEND_PRODUCT_INSIGHTS_H
#define TL_RECOMMEND_PRODUCT_INSIGHTS_H

#include <jansson.h>

#include "base/err.h"
#include "store/store.h"

/* Computes the insights of product_id as JSON (new reference in *out):
 * {"product_id", "name", "reviews": {n, positive, negative, neutral,
 * mean_score, themes: [{aspect, praise, complaints}]}, "holders": {n,
 * median_age, age_bands: {...}}, "target": {min_age, max_age}, "offers":
 * {shown, accepted, dismissed, acceptance_rate, dismissal_rate},
 * "suggestions": [text]}. TL_ENOTFOUND for an unknown product. */
int tl_product_insights(tl_store *st, const char *product_id, json_t **out, tl_err *err);

/* The prototype's /product_optimizations shape: [{"Suggestion": text}]. */
json_t *tl_product_insights_prototype(const json_t *insights);

#endif
