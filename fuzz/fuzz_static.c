/* fuzz_static.c — the dashboard's path resolution and If-None-Match
 * matching on arbitrary input: must never crash, and must never resolve a
 * path holding "..", a backslash or a control byte. Input: a raw
 * (percent-encoded) path, optionally followed by '\n' and an If-None-Match
 * value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static.h"
#include "http/static_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    char *inm = memchr(in, '\n', size);
    if (inm)
        *inm++ = '\0';
    /* Decoded as the server decodes request paths. */
    tl_static_unescape(NULL, NULL, in);
    const tl_static_file *f;
    const char *cache;
    int status = tl_static_resolve(in, &f, &cache);
    if (status == 200) {
        if (!f || !cache || strstr(in, "..") || strchr(in, '\\') || strchr(in, '%'))
            abort();
        for (const unsigned char *c = (const unsigned char *)in; *c; c++)
            if (*c < 0x20 || *c >= 0x7f)
                abort();
        if (tl_static_etag_matches(f->etag, f->etag) != true)
            abort();
    } else if (status != 400 && status != 404) {
        abort();
    }
    if (inm)
        for (size_t i = 0; i < tl_static_files_count; i++)
            tl_static_etag_matches(inm, tl_static_files[i].etag);
    free(in);
    return 0;
}
