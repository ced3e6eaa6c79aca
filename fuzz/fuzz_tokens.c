/* fuzz_tokens.c — the token file and TAILOR_TOKENS parsers on arbitrary
 * text: must never crash or leak, must leave the set unchanged on error,
 * and an error message must never contain a token that parsed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "govern/tokens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* First byte: which parser; the rest is the text (not NUL-terminated). */
    int as_list = data[0] & 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    tl_tokens *t;
    tl_err err;
    if (tl_tokens_new(&t, NULL))
        return 0;
    int rc = as_list ? tl_tokens_parse_list(t, "TAILOR_TOKENS", text, len, &err)
                     : tl_tokens_parse_file_text(t, "tokens", text, len, &err);
    if (rc && tl_tokens_count(t) != 0)
        abort();
    if (rc == 0 && tl_tokens_count(t) > TL_TOKENS_MAX)
        abort();
    /* Every line or pair that parsed is found again by its token. */
    if (rc == 0) {
        const char *sep = as_list ? "," : "\n";
        char *copy = malloc(len + 1);
        if (!copy)
            abort();
        memcpy(copy, text, len);
        copy[len] = '\0';
        /* A NUL can only have been inside a comment; keep the lines whole. */
        for (size_t i = 0; i < len; i++)
            if (!copy[i])
                copy[i] = '#';
        size_t found = 0;
        for (char *p = copy; p && *p;) {
            char *end = strpbrk(p, sep);
            if (end)
                *end = '\0';
            /* ROLE blanks TOKEN: find the token's extent. */
            char *q = p + strspn(p, " \t\r\n");
            if (*q == '#') {   /* a comment line */
                p = end ? end + 1 : NULL;
                continue;
            }
            q += strcspn(q, " \t\r");
            q += strspn(q, " \t");
            size_t tl = strcspn(q, " \t\r\n#");
            tl_role role;
            char fp[TL_TOKEN_FP_LEN + 1];
            if (tl > 0 && tl_tokens_lookup(t, q, tl, &role, fp) == TL_OK)
                found++;
            p = end ? end + 1 : NULL;
        }
        if (found != tl_tokens_count(t))
            abort();
        free(copy);
    }
    tl_tokens_free(t);
    return 0;
}
