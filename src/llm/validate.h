/* validate.h — what is accepted from the model: one JSON object found in
 * the reply (code fences and chatter around it are tolerated), with
 * exactly the expected members, bounded lengths, and no figure that the
 * facts do not contain. */
#ifndef TL_LLM_VALIDATE_H
#define TL_LLM_VALIDATE_H

#include <jansson.h>
#include <stddef.h>

/* The first JSON object in text (after ``` fences or prose), parsed; a new
 * reference, or NULL when there is none. Looks at no more than a bounded
 * number of candidate '{' positions, so it stays linear-ish on any input. */
json_t *tl_llm_extract_json(const char *text, size_t len);

/* Every number written in text (1,200 / 1200.00 / 12% / $25 / 4.2/5) must
 * be one of the numbers of facts, rounded or cut to the digits written
 * (within one unit of the last digit), or a share written as a percentage
 * (0.054 ↔ 5.4%). Returns
 * 0, or -1 with the first offending number copied into bad. */
int tl_llm_figures_check(const char *text, const char *facts, char *bad, size_t bad_size);

#define TL_LLM_SUMMARY_MAX 700
#define TL_LLM_REASON_MAX 500
#define TL_LLM_SUGGESTION_MAX 400
#define TL_LLM_SUGGESTIONS_MAX 6

/* What the model wrote for a customer's recommendations. */
typedef struct tl_llm_rec_text {
    char *summary;          /* malloc'd */
    char **reasons;         /* n, in the order of the product_ids given; malloc'd */
    size_t n;
} tl_llm_rec_text;

void tl_llm_rec_text_free(tl_llm_rec_text *t);

/* Validates {"summary": str, "reasons": [{"product_id": str, "reason": str}]}
 * with exactly one reason per id of ids (any order, no others), then the
 * figures of every text against facts. Returns 0 with *out filled, or -1
 * with *why = "malformed_json" | "schema_mismatch" | "invented_figure" and
 * a detail (no reply text beyond the offending figure) in detail. */
int tl_llm_validate_recs(const char *reply, size_t len, const char *const *ids, size_t n_ids,
                         const char *facts, tl_llm_rec_text *out, const char **why,
                         char *detail, size_t detail_size);

/* Product suggestions. */
typedef struct tl_llm_suggestions {
    char *items[TL_LLM_SUGGESTIONS_MAX];   /* malloc'd */
    size_t n;
} tl_llm_suggestions;

void tl_llm_suggestions_free(tl_llm_suggestions *s);

/* Validates {"suggestions": [str, …]} (1..6 non-empty strings) and the
 * figures. Same contract as tl_llm_validate_recs. */
int tl_llm_validate_suggestions(const char *reply, size_t len, const char *facts,
                                tl_llm_suggestions *out, const char **why, char *detail,
                                size_t detail_size);

#endif
