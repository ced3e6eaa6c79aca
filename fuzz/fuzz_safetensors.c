/* fuzz_safetensors.c — the safetensors header parser and dtype conversion on
 * arbitrary bytes: must never crash or read outside the input, and every
 * tensor it accepts must lie inside the input with a size that matches its
 * shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy of exactly `size` bytes, so reads past it are caught. */
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    tl_safetensors *st = NULL;
    tl_err err;
    if (tl_safetensors_parse(buf, size, &st, &err) == 0) {
        for (size_t i = 0; i < tl_safetensors_count(st); i++) {
            const tl_st_tensor *t = tl_safetensors_at(st, i);
            if (t->data < buf || t->nbytes > size || t->data + t->nbytes > buf + size)
                abort();
            if (t->nelem * tl_st_dtype_size(t->dtype) != t->nbytes)
                abort();
            if (tl_safetensors_find(st, t->name) == NULL)
                abort();
            /* Convert the first and last few elements (float types only). */
            float out[8];
            size_t n = t->nelem < 8 ? (size_t)t->nelem : 8;
            tl_safetensors_read_f32(t, 0, n, out, &err);
            tl_safetensors_read_f32(t, (size_t)t->nelem - n, n, out, &err);
        }
        tl_safetensors_meta(st, "format");
        tl_safetensors_close(st);
    }
    free(buf);
    return 0;
}
