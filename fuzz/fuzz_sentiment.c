/* fuzz_sentiment.c — the sentiment scorer on arbitrary bytes: never
 * crashes, never reads out of bounds, always returns a score in -1..1. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "text/sentiment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_sentiment s;
    tl_sentiment_score((const char *)data, size, &s);
    if (!(s.score >= -1.0 && s.score <= 1.0) || !s.label || s.positive < 0 || s.negative < 0)
        abort();
    for (int a = 0; a < TL_ASPECT_COUNT; a++)
        if (!(fabsf(s.aspect_score[a]) <= 1.0f))
            abort();
    return 0;
}
