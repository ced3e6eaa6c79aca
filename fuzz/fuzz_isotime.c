/* fuzz_isotime.c — tl_isotime_normalise on arbitrary text: never a crash
 * or an out-of-bounds read; an accepted time comes out in the store's form
 * (20 characters, "YYYY-MM-DDTHH:MM:SSZ") and is its own normal form, a
 * refused one leaves the output empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/isotime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    char out[TL_ISOTIME_LEN + 1], again[TL_ISOTIME_LEN + 1];
    if (tl_isotime_normalise(in, out)) {
        if (strlen(out) != TL_ISOTIME_LEN || out[4] != '-' || out[10] != 'T' ||
            out[TL_ISOTIME_LEN - 1] != 'Z')
            abort();
        if (!tl_isotime_normalise(out, again) || strcmp(out, again) != 0)
            abort();
    } else if (out[0] != '\0') {
        abort();
    }
    free(in);
    return 0;
}
