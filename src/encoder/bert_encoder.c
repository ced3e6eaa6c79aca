/* bert_encoder.c — the tl_encoder interface over a BERT model folder:
 * WordPiece tokenising (src/text/wordpiece.h) and then bert.c's forward pass,
 * in batches. */
#include "encoder/encoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "encoder/bert.h"
#include "text/wordpiece.h"

/* Texts tokenised and run per forward call: bounds the id buffer, while
 * tl_bert_forward splits further to bound activation memory. */
#define TEXTS_PER_BATCH 256

typedef struct bert_encoder {
    tl_encoder base;      /* first, so a tl_encoder * is a bert_encoder * */
    tl_bert *model;       /* owned */
    tl_wordpiece *wp;     /* owned */
    int32_t *ids;         /* owned: TEXTS_PER_BATCH × max_seq ids */
    size_t *offs;         /* owned: TEXTS_PER_BATCH + 1 offsets */
} bert_encoder;

static int bert_embed(tl_encoder *e, const char *const *texts, size_t n, float *out, tl_err *err)
{
    bert_encoder *be = (bert_encoder *)e;
    const tl_bert_config *c = tl_bert_get_config(be->model);
    for (size_t b0 = 0; b0 < n; b0 += TEXTS_PER_BATCH) {
        size_t nb = n - b0 < TEXTS_PER_BATCH ? n - b0 : TEXTS_PER_BATCH;
        be->offs[0] = 0;
        for (size_t i = 0; i < nb; i++) {
            const char *t = texts[b0 + i] ? texts[b0 + i] : "";
            size_t got;
            int rc = tl_wordpiece_encode(be->wp, t, strlen(t), be->ids + be->offs[i], c->max_seq,
                                         &got, err);
            if (rc)
                return tl_err_prefix(err, "encoder: text %zu", b0 + i);
            be->offs[i + 1] = be->offs[i] + got;
        }
        int rc = tl_bert_forward(be->model, be->ids, be->offs, nb, out + b0 * c->dim, NULL, err);
        if (rc)
            return rc;
    }
    return 0;
}

static void bert_close(tl_encoder *e)
{
    bert_encoder *be = (bert_encoder *)e;
    tl_bert_free(be->model);
    tl_wordpiece_free(be->wp);
    free(be->ids);
    free(be->offs);
    free(be);
}

static const tl_encoder_ops bert_ops = {.embed = bert_embed, .close = bert_close};

int tl_bert_encoder_open_precision(const char *dir, size_t threads, tl_precision precision,
                                   tl_encoder **out, tl_err *err)
{
    int rc;
    *out = NULL;
    bert_encoder *be = calloc(1, sizeof *be);
    if (!be)
        return tl_err_set(err, TL_ENOMEM, "encoder: out of memory");
    be->base.ops = &bert_ops;
    tl_bert_options opt = {.threads = threads, .kernel = TL_KERNEL_AUTO, .precision = precision};
    if ((rc = tl_bert_load(dir, &opt, &be->model, err)) != 0)
        goto fail;
    const tl_bert_config *c = tl_bert_get_config(be->model);
    char vocab[4096];
    int len = snprintf(vocab, sizeof vocab, "%s/vocab.txt", dir);
    if (len < 0 || (size_t)len >= sizeof vocab) {
        rc = tl_err_set(err, TL_EINPUT, "%s: path too long", dir);
        goto fail;
    }
    if ((rc = tl_wordpiece_load(vocab, c->lowercase, &be->wp, err)) != 0)
        goto fail;
    if (tl_wordpiece_vocab_size(be->wp) > c->vocab) {
        rc = tl_err_set(err, TL_EINPUT, "%s: vocab.txt has %zu tokens but config.json's "
                        "vocab_size is %zu", dir, tl_wordpiece_vocab_size(be->wp), c->vocab);
        goto fail;
    }
    be->ids = malloc(TEXTS_PER_BATCH * c->max_seq * sizeof *be->ids);
    be->offs = malloc((TEXTS_PER_BATCH + 1) * sizeof *be->offs);
    if (!be->ids || !be->offs) {
        rc = tl_err_set(err, TL_ENOMEM, "encoder: out of memory");
        goto fail;
    }
    be->base.dim = c->dim;
    /* The identity names the folder and hashes every weight and setting
     * (precision included), so a cache keyed on it notices a retrained or
     * reconfigured model and never mixes bf16 vectors with float32 ones;
     * the ":bf16" suffix says so to a reader. */
    const char *slash = strrchr(dir, '/');
    const char *base = slash && slash[1] ? slash + 1 : dir;
    int bf16 = tl_bert_precision(be->model) == TL_PRECISION_BF16;
    snprintf(be->base.id, sizeof be->base.id, "bert:%.80s:%zu:%016llx%s", base, c->dim,
             (unsigned long long)tl_bert_fingerprint(be->model), bf16 ? ":bf16" : "");
    *out = &be->base;
    return 0;
fail:
    bert_close(&be->base);
    return rc;
}

int tl_bert_encoder_open_threads(const char *dir, size_t threads, tl_encoder **out, tl_err *err)
{
    return tl_bert_encoder_open_precision(dir, threads, TL_PRECISION_DEFAULT, out, err);
}

int tl_bert_encoder_open(const char *dir, tl_encoder **out, tl_err *err)
{
    return tl_bert_encoder_open_threads(dir, 0, out, err);
}
