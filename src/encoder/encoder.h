/* encoder.h — sentence embeddings behind one interface, whatever computes
 * them: the built-in encoder (no model files needed) or a BERT-family
 * sentence-transformer folder as published on the Hugging Face hub.
 *
 * Vectors are float32, L2-normalised (when the model says so; the built-in
 * encoder always), so cosine similarity is a dot product. */
#ifndef TL_ENCODER_ENCODER_H
#define TL_ENCODER_ENCODER_H

#include <stddef.h>

#include "base/err.h"
#include "encoder/precision.h"

typedef struct tl_encoder tl_encoder;

/* Operations of one kind of encoder (builtin.c, bert.c). */
typedef struct tl_encoder_ops {
    /* Embeds n texts (UTF-8, NUL-terminated) into out[n * dim]. */
    int (*embed)(tl_encoder *e, const char *const *texts, size_t n, float *out, tl_err *err);
    void (*close)(tl_encoder *e);
} tl_encoder_ops;

/* Common head of every encoder; implementations embed it first. */
struct tl_encoder {
    const tl_encoder_ops *ops;
    size_t dim;
    char id[128];      /* identity for caches: changes when the model changes */
};

/* Opens "builtin" (or NULL) or a model folder. */
int tl_encoder_open(const char *spec, tl_encoder **out, tl_err *err);

/* Embeds n texts into out[n * tl_encoder_dim(e)]. Thread-safe for one
 * encoder only if the implementation says so; the server uses one per
 * worker or serialises. */
int tl_encoder_embed(tl_encoder *e, const char *const *texts, size_t n, float *out,
                     tl_err *err);

size_t tl_encoder_dim(const tl_encoder *e);
const char *tl_encoder_id(const tl_encoder *e);
void tl_encoder_close(tl_encoder *e);   /* accepts NULL */

/* Constructors of each kind (used by tl_encoder_open). */
int tl_builtin_encoder_open(tl_encoder **out, tl_err *err);
int tl_bert_encoder_open(const char *dir, tl_encoder **out, tl_err *err);

/* As tl_bert_encoder_open, running each batch on `threads` threads (0: the
 * TAILOR_ENCODER_THREADS environment variable, else the online CPUs). The
 * BERT encoder's embed is not thread-safe: one pass at a time per encoder.
 * Its id is "bert:FOLDER:DIM:HASH", HASH covering the weights and settings;
 * details in docs/encoder.md. */
int tl_bert_encoder_open_threads(const char *dir, size_t threads, tl_encoder **out,
                                 tl_err *err);

/* As tl_bert_encoder_open_threads with the precision of the weight products
 * (precision.h): TL_PRECISION_DEFAULT follows TAILOR_ENCODER_KERNEL (bf16
 * only for "bf16"). bf16 on a CPU without AVX512-BF16 is an error naming
 * the reason, not a fall back. A bf16 encoder's id ends in ":bf16" and its
 * HASH differs from the float32 one's. */
int tl_bert_encoder_open_precision(const char *dir, size_t threads, tl_precision precision,
                                   tl_encoder **out, tl_err *err);

#endif
