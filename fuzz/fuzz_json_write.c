/* fuzz_json_write.c — any JSON text jansson accepts, written back by
 * tl_json_write, must be byte for byte what json_dumps writes, at the
 * precision the first input byte picks. And the input's bytes as one
 * string through the streaming writer (tl_jw_str) must read back: as
 * they were when they are UTF-8, with U+FFFD for bad bytes otherwise. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"

static void stream_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    tl_buf b;
    tl_buf_init(&b, 1u << 24);
    tl_jw w;
    tl_jw_init(&w, &b);
    tl_jw_array(&w);
    tl_jw_str(&w, s);
    tl_jw_end(&w, ']');
    json_t *back = w.rc ? NULL : json_loads(b.data, 0, NULL);
    if (!back) {
        fprintf(stderr, "streamed text does not read back: %s\n", b.data ? b.data : "(none)");
        abort();
    }
    json_t *want = json_string(s);   /* NULL unless s is valid UTF-8 */
    if (want && !json_equal(want, json_array_get(back, 0)))
        abort();
    json_decref(want);
    json_decref(back);
    tl_buf_free(&b);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    stream_string(data, size);
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
