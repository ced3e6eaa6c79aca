/* bert.h — a BERT-family sentence-transformer model: loading a Hugging Face
 * folder and running the forward pass on token ids (tokenising is
 * bert_encoder.c's job, through src/text/wordpiece.h).
 *
 * A folder holds config.json, model.safetensors (F32, F16 or BF16; tensor
 * names with or without a "bert." prefix; extra tensors such as the pooler
 * ignored), and optionally modules.json (is there a Normalize module?),
 * 1_Pooling/config.json (CLS, mean, max or mean-sqrt-len pooling; mean when
 * absent) and sentence_bert_config.json (max_seq_length).
 *
 * Weights are converted to float32 and packed for the matrix kernel at load
 * time; the safetensors file stays mapped for the word embeddings when they
 * are float32 already. A pass allocates nothing but from the model's arena,
 * which is why one model runs one pass at a time. */
#ifndef TL_ENCODER_BERT_H
#define TL_ENCODER_BERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "encoder/gemm.h"

typedef struct tl_bert_config {
    size_t vocab, hidden, layers, heads, intermediate, max_positions, type_vocab;
    float ln_eps;
    size_t max_seq;        /* tokens per text, [CLS] and [SEP] included */
    bool lowercase;        /* the tokenizer lower-cases and strips accents */
    bool pool_cls, pool_max, pool_mean, pool_mean_sqrt;  /* concatenated in this order */
    bool normalize;        /* L2-normalise the pooled vector */
    size_t dim;            /* output dimension: hidden × pooling modes */
} tl_bert_config;

typedef struct tl_bert_options {
    size_t threads;        /* 0: $TAILOR_ENCODER_THREADS, else the online CPUs */
    tl_kernel kernel;      /* TL_KERNEL_AUTO: the CPU's best */
    tl_precision precision;   /* of the weight products; TL_PRECISION_DEFAULT:
                               * TAILOR_ENCODER_KERNEL=bf16 asks for bf16, else
                               * float32. bf16 on a CPU without AVX512-BF16 is a
                               * load error (see tl_weight_kernel_choose) */
} tl_bert_options;

typedef struct tl_bert tl_bert;

/* Loads the model folder `dir`. `opt` may be NULL for defaults. Errors name
 * the file and, for tensors, the tensor (missing, wrong shape or dtype,
 * bytes outside the file). On success *out is owned by the caller. */
int tl_bert_load(const char *dir, const tl_bert_options *opt, tl_bert **out, tl_err *err);

const tl_bert_config *tl_bert_get_config(const tl_bert *m);
tl_kernel tl_bert_kernel(const tl_bert *m);          /* float32 operations */
tl_kernel tl_bert_weight_kernel(const tl_bert *m);   /* the four weight products */
tl_precision tl_bert_precision(const tl_bert *m);    /* FP32 or BF16, never DEFAULT */
size_t tl_bert_threads(const tl_bert *m);

/* A stable hash of the weights, configuration and precision (for cache
 * identities). */
uint64_t tl_bert_fingerprint(const tl_bert *m);

/* Runs n sequences of token ids: sequence i is ids[offs[i] .. offs[i+1]),
 * 1..max_positions ids each, every id < vocab (checked). Writes the pooled
 * (and, if configured, normalised) vectors to emb[n × dim] and, when
 * `hidden` is not NULL, the last hidden state of every token to
 * hidden[offs[n] × hidden_size]. Sequences are never padded: each one sees
 * only its own tokens, which is what a padded batch with an attention mask
 * computes. Not thread-safe on one model. */
int tl_bert_forward(tl_bert *m, const int32_t *ids, const size_t *offs, size_t n, float *emb,
                    float *hidden, tl_err *err);

void tl_bert_free(tl_bert *m);   /* accepts NULL */

/* Writes a model folder with random weights in `dir` (which must exist):
 * config.json, model.safetensors (`dtype` F32, F16 or BF16; names prefixed
 * with `prefix`, "" or "bert."), vocab.txt, modules.json, 1_Pooling and
 * sentence_bert_config.json, shaped by cfg's vocab, hidden, layers, heads,
 * intermediate, max_positions, max_seq, pooling and normalize fields.
 * Deterministic for a seed. For benchmarks and tests (bert_synth.c). */
int tl_bert_write_random(const char *dir, const tl_bert_config *cfg, int dtype,
                         const char *prefix, uint32_t seed, tl_err *err);

#endif
