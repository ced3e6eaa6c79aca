/* encoder.c — picks the kind of encoder and forwards calls. */
#include "encoder/encoder.h"

#include <string.h>

int tl_encoder_open(const char *spec, tl_encoder **out, tl_err *err)
{
    if (!spec || !*spec || strcmp(spec, "builtin") == 0)
        return tl_builtin_encoder_open(out, err);
    return tl_bert_encoder_open(spec, out, err);
}

int tl_encoder_embed(tl_encoder *e, const char *const *texts, size_t n, float *out, tl_err *err)
{
    return e->ops->embed(e, texts, n, out, err);
}

size_t tl_encoder_dim(const tl_encoder *e)
{
    return e->dim;
}

const char *tl_encoder_id(const tl_encoder *e)
{
    return e->id;
}

void tl_encoder_close(tl_encoder *e)
{
    if (e)
        e->ops->close(e);
}
