/* fuzz_llm_reply.c — a model's reply is hostile input: the JSON extractor,
 * both schema validators and the figure check on arbitrary bytes never
 * crash, never leak, and whatever they accept is within the schema's
 * bounds. The input's first line, when there is one, serves as the facts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *nl = memchr(text, '\n', size);
    char *facts = strndup(text, nl ? (size_t)(nl - text) : 0);
    const char *reply = nl ? nl + 1 : text;
    size_t rlen = strlen(reply);   /* stop at an embedded NUL, as a C string would */

    json_t *j = tl_llm_extract_json(reply, rlen);
    if (j && !json_is_object(j))
        abort();
    json_decref(j);

    char bad[64];
    tl_llm_figures_check(reply, facts ? facts : "", bad, sizeof bad);

    static const char *const ids[] = {"1", "7", "x"};
    tl_llm_rec_text t;
    const char *why = NULL;
    char detail[160];
    if (tl_llm_validate_recs(reply, rlen, ids, 3, facts ? facts : "", &t, &why, detail,
                             sizeof detail) == 0) {
        if (!t.summary || strlen(t.summary) > TL_LLM_SUMMARY_MAX || t.n != 3)
            abort();
        for (size_t i = 0; i < t.n; i++)
            if (!t.reasons[i] || strlen(t.reasons[i]) > TL_LLM_REASON_MAX)
                abort();
        tl_llm_rec_text_free(&t);
    } else if (!why) {
        abort();
    }
    tl_llm_suggestions s;
    why = NULL;
    if (tl_llm_validate_suggestions(reply, rlen, facts ? facts : "", &s, &why, detail,
                                    sizeof detail) == 0) {
        if (s.n < 1 || s.n > TL_LLM_SUGGESTIONS_MAX)
            abort();
        tl_llm_suggestions_free(&s);
    } else if (!why) {
        abort();
    }
    free(facts);
    free(text);
    return 0;
}
