/* fuzz_builtin_text.c — the built-in encoder's tokenizer and stemmer on
 * arbitrary bytes: never crash, never write past a token. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/builtin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static tl_builtin_token toks[256];
    size_t n = 0;
    if (tl_builtin_tokenize(text, toks, 256, &n, NULL) == 0) {
        if (n > 256)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (strlen(toks[i].word) >= TL_BUILTIN_WORD_MAX ||
                strlen(toks[i].stem) >= TL_BUILTIN_WORD_MAX)
                abort();
            char stem[TL_BUILTIN_WORD_MAX];
            tl_builtin_stem(toks[i].word, stem, sizeof stem);
        }
    }
    free(text);
    return 0;
}
