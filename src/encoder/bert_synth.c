/* bert_synth.c — random-weight BERT folders shaped like real ones, so the
 * benchmark and the loader's tests need no downloaded model. Weights follow
 * PyTorch's default initialisation scale (uniform ±1/sqrt(fan_in) for
 * Linear layers, unit-variance embeddings, LayerNorm 1 and 0). */
#include "encoder/bert.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "encoder/safetensors.h"

typedef struct rng {
    uint64_t s;
} rng;

static float uniform(rng *r)   /* in [-1, 1) */
{
    r->s = r->s * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((r->s >> 40) & 0xffffff) / 8388608.0f - 1.0f;
}

static uint16_t to_half(float f)
{
    /* Round-to-nearest-even float -> half for the normal range used here
     * (|f| < 65504); tiny values flush to zero. */
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000;
    int32_t exp = (int32_t)((x >> 23) & 0xff) - 127 + 15;
    uint32_t man = x & 0x7fffff;
    if (exp <= 0)
        return (uint16_t)sign;
    if (exp >= 31)
        return (uint16_t)(sign | 0x7c00);
    uint32_t h = sign | (uint32_t)exp << 10 | man >> 13;
    uint32_t rest = man & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
        h++;
    return (uint16_t)h;
}

static uint16_t to_bf16(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    x += 0x7fff + ((x >> 16) & 1);
    return (uint16_t)(x >> 16);
}

typedef struct builder {
    tl_st_tensor *t;
    size_t n, cap;
    int dtype;
    const char *prefix;
    rng r;
} builder;

/* Adds a tensor of d0 (× d1) values: `kind` 'u' uniform(±scale), 'n'
 * roughly normal(0, scale), 'c' constant `scale`. Memory owned by b. */
static int add(builder *b, const char *name, size_t d0, size_t d1, char kind, float scale)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        tl_st_tensor *t = realloc(b->t, cap * sizeof *t);
        if (!t)
            return TL_ENOMEM;
        b->t = t;
        b->cap = cap;
    }
    size_t n = d0 * (d1 ? d1 : 1);
    size_t esz = tl_st_dtype_size((enum tl_st_dtype)b->dtype);
    unsigned char *data = malloc(n * esz + 1);
    char *full = malloc(strlen(b->prefix) + strlen(name) + 1);
    if (!data || !full) {
        free(data);
        free(full);
        return TL_ENOMEM;
    }
    snprintf(full, strlen(b->prefix) + strlen(name) + 1, "%s%s", b->prefix, name);
    for (size_t i = 0; i < n; i++) {
        float v = scale;
        if (kind == 'u')
            v = uniform(&b->r) * scale;
        else if (kind == 'n')   /* sum of 3 uniforms: variance 1 after scaling */
            v = (uniform(&b->r) + uniform(&b->r) + uniform(&b->r)) * scale;
        if (b->dtype == TL_ST_F16) {
            uint16_t h = to_half(v);
            memcpy(data + 2 * i, &h, 2);
        } else if (b->dtype == TL_ST_BF16) {
            uint16_t h = to_bf16(v);
            memcpy(data + 2 * i, &h, 2);
        } else {
            memcpy(data + 4 * i, &v, 4);
        }
    }
    tl_st_tensor *t = &b->t[b->n++];
    memset(t, 0, sizeof *t);
    t->name = full;
    t->dtype = (enum tl_st_dtype)b->dtype;
    t->ndim = d1 ? 2 : 1;
    t->shape[0] = d0;
    t->shape[1] = d1;
    t->nelem = n;
    t->data = data;
    t->nbytes = n * esz;
    return 0;
}

static int write_json(const char *dir, const char *name, json_t *j, tl_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int rc = j && json_dump_file(j, path, JSON_INDENT(2)) == 0
                 ? 0
                 : tl_err_set(err, TL_EIO, "%s: cannot write", path);
    json_decref(j);
    return rc;
}

static int write_vocab(const char *dir, size_t vocab, tl_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/vocab.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
    /* BERT's layout: [PAD] 0, [unused*], [UNK] 100, [CLS] 101, [SEP] 102,
     * [MASK] 103, then single letters, continuations and made-up words. */
    for (size_t i = 0; i < vocab; i++) {
        if (i == 0)
            fputs("[PAD]\n", f);
        else if (i < 100)
            fprintf(f, "[unused%zu]\n", i - 1);
        else if (i == 100)
            fputs("[UNK]\n", f);
        else if (i == 101)
            fputs("[CLS]\n", f);
        else if (i == 102)
            fputs("[SEP]\n", f);
        else if (i == 103)
            fputs("[MASK]\n", f);
        else if (i < 104 + 26)
            fprintf(f, "%c\n", (int)('a' + (i - 104)));
        else if (i < 104 + 52)
            fprintf(f, "##%c\n", (int)('a' + (i - 130)));
        else
            fprintf(f, "w%zu\n", i);
    }
    if (fclose(f) != 0)
        return tl_err_set(err, TL_EIO, "%s: write failed", path);
    return 0;
}

int tl_bert_write_random(const char *dir, const tl_bert_config *c, int dtype,
                         const char *prefix, uint32_t seed, tl_err *err)
{
    int rc = 0;
    builder b = {.dtype = dtype, .prefix = prefix ? prefix : "", .r = {seed * 2654435761u + 1}};
    size_t h = c->hidden, in = c->intermediate;
    float sh = 1.0f / sqrtf((float)h), si = 1.0f / sqrtf((float)in);
    char name[200];
#define ADD(...)                                                                  \
    do {                                                                          \
        if ((rc = add(&b, __VA_ARGS__)) != 0) {                                   \
            rc = tl_err_set(err, TL_ENOMEM, "random model: out of memory");       \
            goto done;                                                            \
        }                                                                         \
    } while (0)
    ADD("embeddings.word_embeddings.weight", c->vocab, h, 'n', 1.0f);
    ADD("embeddings.position_embeddings.weight", c->max_positions, h, 'n', 1.0f);
    ADD("embeddings.token_type_embeddings.weight", c->type_vocab ? c->type_vocab : 2, h, 'n',
        1.0f);
    ADD("embeddings.LayerNorm.weight", h, 0, 'c', 1.0f);
    ADD("embeddings.LayerNorm.bias", h, 0, 'c', 0.0f);
    for (size_t l = 0; l < c->layers; l++) {
        static const char *const qkv[3] = {"query", "key", "value"};
        for (int p = 0; p < 3; p++) {
            snprintf(name, sizeof name, "encoder.layer.%zu.attention.self.%s.weight", l, qkv[p]);
            ADD(name, h, h, 'u', sh);
            snprintf(name, sizeof name, "encoder.layer.%zu.attention.self.%s.bias", l, qkv[p]);
            ADD(name, h, 0, 'u', sh);
        }
        snprintf(name, sizeof name, "encoder.layer.%zu.attention.output.dense.weight", l);
        ADD(name, h, h, 'u', sh);
        snprintf(name, sizeof name, "encoder.layer.%zu.attention.output.dense.bias", l);
        ADD(name, h, 0, 'u', sh);
        snprintf(name, sizeof name, "encoder.layer.%zu.attention.output.LayerNorm.weight", l);
        ADD(name, h, 0, 'c', 1.0f);
        snprintf(name, sizeof name, "encoder.layer.%zu.attention.output.LayerNorm.bias", l);
        ADD(name, h, 0, 'c', 0.0f);
        snprintf(name, sizeof name, "encoder.layer.%zu.intermediate.dense.weight", l);
        ADD(name, in, h, 'u', sh);
        snprintf(name, sizeof name, "encoder.layer.%zu.intermediate.dense.bias", l);
        ADD(name, in, 0, 'u', sh);
        snprintf(name, sizeof name, "encoder.layer.%zu.output.dense.weight", l);
        ADD(name, h, in, 'u', si);
        snprintf(name, sizeof name, "encoder.layer.%zu.output.dense.bias", l);
        ADD(name, h, 0, 'u', si);
        snprintf(name, sizeof name, "encoder.layer.%zu.output.LayerNorm.weight", l);
        ADD(name, h, 0, 'c', 1.0f);
        snprintf(name, sizeof name, "encoder.layer.%zu.output.LayerNorm.bias", l);
        ADD(name, h, 0, 'c', 0.0f);
    }
    ADD("pooler.dense.weight", h, h, 'u', sh);
    ADD("pooler.dense.bias", h, 0, 'u', sh);
#undef ADD
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if ((rc = tl_safetensors_write(path, b.t, b.n, err)) != 0)
        goto done;

    json_t *cfg = json_pack(
        "{s:[s],s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:I,s:f,s:I,s:s}", "architectures", "BertModel",
        "model_type", "bert", "vocab_size", (json_int_t)c->vocab, "hidden_size", (json_int_t)h,
        "num_hidden_layers", (json_int_t)c->layers, "num_attention_heads",
        (json_int_t)c->heads, "intermediate_size", (json_int_t)in, "hidden_act", "gelu",
        "max_position_embeddings", (json_int_t)c->max_positions, "type_vocab_size",
        (json_int_t)(c->type_vocab ? c->type_vocab : 2), "layer_norm_eps", 1e-12,
        "pad_token_id", (json_int_t)0, "position_embedding_type", "absolute");
    if ((rc = write_json(dir, "config.json", cfg, err)) != 0)
        goto done;
    if ((rc = write_json(dir, "tokenizer_config.json",
                         json_pack("{s:b,s:I}", "do_lower_case", 1, "model_max_length",
                                   (json_int_t)512), err)) != 0)
        goto done;
    if ((rc = write_json(dir, "sentence_bert_config.json",
                         json_pack("{s:I,s:b}", "max_seq_length",
                                   (json_int_t)(c->max_seq ? c->max_seq : 128), "do_lower_case",
                                   0), err)) != 0)
        goto done;
    json_t *mods = json_pack("[{s:i,s:s,s:s,s:s},{s:i,s:s,s:s,s:s}]", "idx", 0, "name", "0",
                             "path", "", "type", "sentence_transformers.models.Transformer",
                             "idx", 1, "name", "1", "path", "1_Pooling", "type",
                             "sentence_transformers.models.Pooling");
    if (mods && c->normalize)
        json_array_append_new(mods, json_pack("{s:i,s:s,s:s,s:s}", "idx", 2, "name", "2", "path",
                                              "2_Normalize", "type",
                                              "sentence_transformers.models.Normalize"));
    if ((rc = write_json(dir, "modules.json", mods, err)) != 0)
        goto done;
    snprintf(path, sizeof path, "%s/1_Pooling", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        rc = tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    bool any = c->pool_cls || c->pool_max || c->pool_mean || c->pool_mean_sqrt;
    if ((rc = write_json(dir, "1_Pooling/config.json",
                         json_pack("{s:I,s:b,s:b,s:b,s:b}", "word_embedding_dimension",
                                   (json_int_t)h, "pooling_mode_cls_token", c->pool_cls,
                                   "pooling_mode_mean_tokens", any ? c->pool_mean : true,
                                   "pooling_mode_max_tokens", c->pool_max,
                                   "pooling_mode_mean_sqrt_len_tokens", c->pool_mean_sqrt),
                         err)) != 0)
        goto done;
    rc = write_vocab(dir, c->vocab, err);
done:
    for (size_t i = 0; i < b.n; i++) {
        free((char *)b.t[i].name);
        free((void *)b.t[i].data);
    }
    free(b.t);
    return rc;
}
