/* fuzz_log_scrub.c — scrubbing log messages (quotes, URL paths) on arbitrary
 * text and output sizes: must stay in bounds, always terminate the output,
 * and never let a path segment or a quoted value through. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First byte picks the output size (1..256); the rest is the message. */
    if (size == 0)
        return 0;
    size_t cap = (size_t)data[0] + 1;
    char *msg = malloc(size);
    char *out = malloc(cap);
    if (!msg || !out)
        goto done;
    memcpy(msg, data + 1, size - 1);
    msg[size - 1] = '\0';
    tl_log_scrub(msg, out, cap);
    size_t n = strnlen(out, cap);
    if (n >= cap)
        abort();
    /* Whatever follows a '/' in the output is the placeholder. */
    for (const char *p = strchr(out, '/'); p; p = strchr(p + 1, '/'))
        if (strncmp(p, "/...", strnlen(p, 4)) != 0)
            abort();
done:
    free(msg);
    free(out);
    return 0;
}
