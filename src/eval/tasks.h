/* tasks.h — the offline evaluations `tailor eval` runs on a bank's own
 * labelled data (docs/eval.md). Each returns its report as one JSON object
 * (new reference, owned by the caller), which the CLI prints as text or
 * as is:
 *
 * - sentiment: the sentiment scorer's label for each text against the
 *   given one;
 * - intents: each test text takes the label of its nearest training text
 *   by the encoder's cosine similarity (1-nearest-neighbour), which
 *   measures how well the encoder groups texts that mean the same;
 * - matching: the catalogue's products ranked for each text the way the
 *   engine's semantic match ranks them, against the products that fit.
 *
 * Classification reports: {"task", "cases", "accuracy", "macro_f1",
 * "majority": {"class", "accuracy"}, "classes": [{"name", "precision",
 * "recall", "f1", "support", "predicted"}], "confusion": {"labels",
 * "matrix"}, "errors": [{"line", "text", "truth", "predicted"}]}; intents
 * add "encoder" and "train_cases". Matching: {"task", "cases", "k",
 * "products", "encoder", "precision_at_1", "hit_at_k", "mrr", "errors":
 * [{"line", "text", "fits", "ranked", "rank"}]}. "errors" holds at most
 * `max_errors` cases, in file order. */
#ifndef TL_EVAL_TASKS_H
#define TL_EVAL_TASKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "encoder/encoder.h"
#include "eval/cases.h"
#include "recommend/engine.h"
#include "store/store.h"

/* Label column names each task accepts, first match wins. */
extern const char *const tl_eval_label_columns[];     /* label, category, intent, sentiment */
extern const char *const tl_eval_products_columns[];  /* products, product_ids, fits */

/* Labels must read negative, neutral or positive (any case) or -1, 0, 1;
 * another is TL_EINPUT naming the file, line and value. */
int tl_eval_sentiment(const tl_eval_cases *cases, size_t max_errors, json_t **report,
                      tl_err *err);

/* `progress`: draw a progress bar on a terminal while embedding. */
int tl_eval_intents(tl_encoder *enc, const tl_eval_cases *train, const tl_eval_cases *test,
                    size_t max_errors, bool progress, json_t **report, tl_err *err);

/* Each case's label lists the products that fit, by ID or by name (any
 * case), separated by '|', ';' or ','; one the store's catalogue lacks is
 * TL_EINPUT naming the file, line and value. k is the "top k" of hit@k
 * (1..100). */
int tl_eval_matching(tl_engine *eng, tl_store *st, const tl_eval_cases *cases, size_t k,
                     size_t max_errors, json_t **report, tl_err *err);

#endif
