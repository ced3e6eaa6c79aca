/* fuzz_json_write.c — any JSON text jansson accepts, written back by
 * tl_json_write, must be byte for byte what json_dumps writes, at the
 * precision the first input byte picks. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int precision = 1 + data[0] % 17;
    json_t *v = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL,
                           NULL);
    if (!v)
        return 0;
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(precision));
    tl_buf b;
    tl_buf_init(&b, 1u << 24);
    int rc = tl_json_write(&b, v, precision);
    if (want && (rc != 0 || strcmp(want, b.data ? b.data : "") != 0)) {
        fprintf(stderr, "jansson: %s\nours:    %s\n", want, b.data ? b.data : "(none)");
        abort();
    }
    free(want);
    tl_buf_free(&b);
    json_decref(v);
    return 0;
}
