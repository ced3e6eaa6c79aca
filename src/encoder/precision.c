/* precision.c — names of the encoder's product precisions. */
#include "encoder/precision.h"

#include <string.h>

int tl_precision_parse(const char *s, tl_precision *out)
{
    if (!s)
        return -1;
    if (strcmp(s, "fp32") == 0 || strcmp(s, "float32") == 0) {
        *out = TL_PRECISION_FP32;
        return 0;
    }
    if (strcmp(s, "bf16") == 0 || strcmp(s, "bfloat16") == 0) {
        *out = TL_PRECISION_BF16;
        return 0;
    }
    return -1;
}

const char *tl_precision_name(tl_precision p)
{
    switch (p) {
    case TL_PRECISION_FP32: return "fp32";
    case TL_PRECISION_BF16: return "bf16";
    default: return "default";
    }
}
