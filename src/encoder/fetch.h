/* fetch.h — downloading a sentence-transformer folder from the Hugging Face
 * hub (or a mirror: HF_ENDPOINT), resumably, with sizes checked. */
#ifndef TL_ENCODER_FETCH_H
#define TL_ENCODER_FETCH_H

#include <stdbool.h>

#include "base/err.h"

typedef struct tl_fetch_opts {
    const char *endpoint;   /* NULL: $HF_ENDPOINT, else https://huggingface.co */
    const char *revision;   /* NULL: "main" */
    const char *token;      /* NULL: $HF_TOKEN; sent as a bearer token, never logged */
    bool progress;          /* progress bar on a terminal */
    long timeout_s;         /* per file; 0: 600 */
} tl_fetch_opts;

/* Downloads the files of model `name` ("owner/model") into `dir`
 * (created): config.json, vocab.txt, model.safetensors, modules.json,
 * sentence_bert_config.json, 1_Pooling/config.json are required;
 * tokenizer_config.json and special_tokens_map.json are fetched when
 * present. Each file is written to FILE.part, resumed from there with an
 * HTTP Range request when a previous run stopped, checked against the size
 * the server announced, then renamed. A missing required file or a size
 * mismatch is an error naming the file and URL; files already complete are
 * kept. */
int tl_model_fetch(const char *name, const char *dir, const tl_fetch_opts *o, tl_err *err);

/* The default folder for a model: $TAILOR_MODELS_DIR/NAME, else
 * $HOME/.cache/tailor/models/NAME ("/" in NAME kept as a subfolder). */
int tl_model_default_dir(const char *name, char *out, size_t size, tl_err *err);

#endif
