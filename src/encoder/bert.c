/* bert.c — loading a BERT sentence-transformer folder and its forward pass.
 *
 * Forward pass, per layer (as transformers' BertLayer, eval mode):
 *   qkv = x Wqkv + b            one product: Q, K and V weights side by side
 *   ctx = softmax(Q K^T / sqrt(d)) V   per sequence and head
 *   y   = LayerNorm(ctx Wo + bo + x)
 *   x   = LayerNorm(gelu(y W1 + b1) W2 + b2 + y)
 * Sequences are packed back to back with no padding: each attends only to
 * its own tokens, which equals a padded batch with an attention mask, and
 * no work is spent on padding at all.
 *
 * Threads: with enough tokens, the batch is cut into groups of whole
 * sequences that the pool's threads take one at a time, each running the
 * whole forward pass of its group (no synchronisation inside it); a short
 * batch (one query) instead splits every product, attention head and row
 * operation across the threads. OpenBLAS, when it is the kernel, is loaded
 * at model load (blas.h) and held to one thread so the two never
 * oversubscribe the cores. docs/encoder.md has the details and the
 * measurements. */
#include "encoder/bert.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/cores.h"
#include "base/arena.h"
#include "base/log.h"
#include "base/str.h"
#include "encoder/blas.h"
#include "encoder/kern_bf16.h"
#include "encoder/pool.h"
#include "encoder/safetensors.h"

/* Activation floats one chunk of a pass may hold per thread: 1024 tokens of
 * MiniLM (5 × 384 + 1536 floats each), about 14 MB. Bounds the memory of a
 * pass over many texts. */
#define CHUNK_FLOATS_PER_THREAD (1024u * (5u * 384u + 1536u))

/* When threads take whole sequences, groups are handed out dynamically,
 * largest first, each about 1/(GROUP_SHARE_DIV × threads) of the cost still
 * left ("guided" sizes): the first groups are large, because each group
 * streams every weight once, and the last ones small, so a thread on a core
 * that runs slower (another tenant on it, a lower clock) takes fewer tokens
 * instead of holding up the pass. On the development machine (2 cores whose
 * speed drifts by up to 20% under other tenants) this beat two equal
 * groups of 1024 tokens. */
#define GROUP_SHARE_DIV 1.3
#define MAX_GROUPS_PER_THREAD 6

/* Pieces per thread of each operation when all threads share it. */
#define TASKS_PER_THREAD 4

/* Below this many tokens per thread a batch runs with every thread on each
 * operation instead of a share of the sequences per thread. */
#define MIN_TOKENS_PER_THREAD 96

typedef struct bert_layer {
    tl_gemm_b qkv, out, ffn_in, ffn_out;   /* packed weights, in tl_bert.wmem */
    float *qkv_b, *out_b, *ffn_in_b, *ffn_out_b;   /* biases, owned */
    float *ln1_g, *ln1_b, *ln2_g, *ln2_b;   /* LayerNorm parameters, owned */
} bert_layer;

struct tl_bert {
    tl_bert_config cfg;
    tl_kernel kernel;            /* float32 kernel: attention, row operations */
    tl_kernel wkernel;           /* weight products: kernel, or TL_KERNEL_AVX512_BF16 */
    size_t threads;
    tl_pool *pool;               /* owned */
    tl_arena arena;              /* scratch of one pass, reset per pass */
    tl_safetensors *st;          /* owned; kept mapped for `word` */
    const unsigned char *word;   /* vocab × hidden float32, maybe unaligned */
    float *word_owned;           /* converted copy when the file is not F32 */
    float *pos, *type0;          /* position table; token-type table (row 0 used) */
    float *emb_ln_g, *emb_ln_b;
    bert_layer *layer;           /* cfg.layers, owned */
    float *wmem;                 /* owned: every packed weight matrix, one block */
    size_t wmem_cap, wmem_used;  /* in floats */
    uint64_t fingerprint;
};

/* ---------------------------------------------------------------- loading */

static int path_join(char *out, size_t cap, const char *dir, const char *name, tl_err *err)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        return tl_err_set(err, TL_EINPUT, "%s/%s: path too long", dir, name);
    return 0;
}

/* Loads a JSON file whose top level is an object (`array` false) or an
 * array; *out stays NULL (and 0 is returned) when the file is absent and
 * optional. *out is owned by the caller (json_decref). */
static int load_json(const char *dir, const char *name, bool optional, bool array, json_t **out,
                     tl_err *err)
{
    char path[4096];
    int rc;
    *out = NULL;
    if ((rc = path_join(path, sizeof path, dir, name, err)) != 0)
        return rc;
    if (optional && access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    json_error_t je;
    *out = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!*out) {
        if (access(path, F_OK) != 0)
            return tl_err_set(err, TL_ENOTFOUND, "%s: %s", path, strerror(errno));
        return tl_err_set(err, TL_EINPUT, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    if (array ? !json_is_array(*out) : !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return tl_err_set(err, TL_EINPUT, "%s: not a JSON %s", path, array ? "array" : "object");
    }
    return 0;
}

/* Reads a positive integer field no larger than `max`; `def` (if nonzero)
 * when absent. */
static int get_size(const json_t *obj, const char *file, const char *key, size_t def, size_t max,
                    size_t *out, tl_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v && def) {
        *out = def;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1 || (uint64_t)json_integer_value(v) > max)
        return tl_err_set(err, TL_EINPUT, "%s: \"%s\" must be an integer in 1..%zu", file, key,
                          max);
    *out = (size_t)json_integer_value(v);
    return 0;
}

static bool get_bool(const json_t *obj, const char *key, bool def)
{
    json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

/* FNV-1a over bytes, folded 8 bytes at a time for the weights. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_json(uint64_t h, const json_t *j)
{
    if (!j)
        return hash_bytes(h, "-", 1);
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    if (s) {
        h = hash_bytes(h, s, strlen(s));
        free(s);
    }
    return h;
}

static int parse_config(const char *dir, tl_bert_config *c, uint64_t *hash, tl_err *err)
{
    int rc = 0;
    json_t *cfg = NULL, *sb = NULL, *tok = NULL, *mods = NULL, *pool = NULL;
    memset(c, 0, sizeof *c);
    if ((rc = load_json(dir, "config.json", false, false, &cfg, err)) != 0)
        goto done;
    const char *f = "config.json";
    json_t *mt = json_object_get(cfg, "model_type");
    if (mt && (!json_is_string(mt) || strcmp(json_string_value(mt), "bert") != 0)) {
        rc = tl_err_set(err, TL_EINPUT, "%s/%s: model_type \"%s\" is not supported (only bert)",
                        dir, f, json_is_string(mt) ? json_string_value(mt) : "?");
        goto done;
    }
    json_t *act = json_object_get(cfg, "hidden_act");
    if (act && (!json_is_string(act) || strcmp(json_string_value(act), "gelu") != 0)) {
        rc = tl_err_set(err, TL_EINPUT, "%s/%s: hidden_act \"%s\" is not supported (only gelu)",
                        dir, f, json_is_string(act) ? json_string_value(act) : "?");
        goto done;
    }
    json_t *pet = json_object_get(cfg, "position_embedding_type");
    if (pet && (!json_is_string(pet) || strcmp(json_string_value(pet), "absolute") != 0)) {
        rc = tl_err_set(err, TL_EINPUT,
                        "%s/%s: position_embedding_type is not supported (only absolute)", dir,
                        f);
        goto done;
    }
    if ((rc = get_size(cfg, f, "vocab_size", 0, 1u << 22, &c->vocab, err)) ||
        (rc = get_size(cfg, f, "hidden_size", 0, 8192, &c->hidden, err)) ||
        (rc = get_size(cfg, f, "num_hidden_layers", 0, 256, &c->layers, err)) ||
        (rc = get_size(cfg, f, "num_attention_heads", 0, 256, &c->heads, err)) ||
        (rc = get_size(cfg, f, "intermediate_size", 0, 65536, &c->intermediate, err)) ||
        (rc = get_size(cfg, f, "max_position_embeddings", 512, 8192, &c->max_positions, err)) ||
        (rc = get_size(cfg, f, "type_vocab_size", 2, 1024, &c->type_vocab, err))) {
        tl_err_prefix(err, "%s", dir);
        goto done;
    }
    if (c->hidden % c->heads) {
        rc = tl_err_set(err, TL_EINPUT, "%s/%s: hidden_size %zu is not a multiple of "
                                        "num_attention_heads %zu", dir, f, c->hidden, c->heads);
        goto done;
    }
    json_t *eps = json_object_get(cfg, "layer_norm_eps");
    c->ln_eps = 1e-12f;
    if (eps) {
        if (!json_is_number(eps) || !(json_number_value(eps) > 0) ||
            json_number_value(eps) > 1) {
            rc = tl_err_set(err, TL_EINPUT, "%s/%s: layer_norm_eps must be in (0, 1]", dir, f);
            goto done;
        }
        c->ln_eps = (float)json_number_value(eps);
    }

    /* Tokenizer casing (uncased models say do_lower_case: true). */
    if ((rc = load_json(dir, "tokenizer_config.json", true, false, &tok, err)) != 0)
        goto done;
    c->lowercase = tok ? get_bool(tok, "do_lower_case", true) : true;

    /* Maximum tokens per text. */
    c->max_seq = c->max_positions < 512 ? c->max_positions : 512;
    if ((rc = load_json(dir, "sentence_bert_config.json", true, false, &sb, err)) != 0)
        goto done;
    if (sb && json_object_get(sb, "max_seq_length")) {
        size_t ms;
        if ((rc = get_size(sb, "sentence_bert_config.json", "max_seq_length", 0, 1u << 20, &ms,
                           err))) {
            tl_err_prefix(err, "%s", dir);
            goto done;
        }
        c->max_seq = ms < c->max_positions ? ms : c->max_positions;
    }
    if (c->max_seq < 2) {
        rc = tl_err_set(err, TL_EINPUT, "%s: max_seq_length %zu leaves no room for [CLS] and "
                                        "[SEP]", dir, c->max_seq);
        goto done;
    }

    /* The module list says where pooling lives and whether to normalise;
     * a plain transformers folder gets sentence-transformers' defaults
     * (mean pooling, no normalisation). */
    const char *pool_dir = "1_Pooling";
    if ((rc = load_json(dir, "modules.json", true, true, &mods, err)) != 0)
        goto done;
    if (mods) {
        size_t i;
        json_t *mod;
        json_array_foreach(mods, i, mod) {
            const char *type = json_string_value(json_object_get(mod, "type"));
            const char *mpath = json_string_value(json_object_get(mod, "path"));
            if (!type) {
                rc = tl_err_set(err, TL_EINPUT, "%s/modules.json: module %zu has no type", dir, i);
                goto done;
            }
            const char *dot = strrchr(type, '.');
            const char *base = dot ? dot + 1 : type;
            if (strcmp(base, "Pooling") == 0) {
                if (mpath && *mpath)
                    pool_dir = mpath;   /* borrowed from `mods`, alive until done */
            } else if (strcmp(base, "Normalize") == 0) {
                c->normalize = true;
            } else if (strcmp(base, "Transformer") != 0) {
                rc = tl_err_set(err, TL_EINPUT, "%s/modules.json: module type %s is not supported",
                                dir, type);
                goto done;
            }
        }
    }
    {
        char rel[512];
        int n = snprintf(rel, sizeof rel, "%s/config.json", pool_dir);
        if (n < 0 || (size_t)n >= sizeof rel || strstr(pool_dir, "..")) {
            rc = tl_err_set(err, TL_EINPUT, "%s/modules.json: bad pooling path", dir);
            goto done;
        }
        if ((rc = load_json(dir, rel, true, false, &pool, err)) != 0)
            goto done;
        if (pool) {
            c->pool_cls = get_bool(pool, "pooling_mode_cls_token", false);
            c->pool_max = get_bool(pool, "pooling_mode_max_tokens", false);
            c->pool_mean = get_bool(pool, "pooling_mode_mean_tokens", false);
            c->pool_mean_sqrt = get_bool(pool, "pooling_mode_mean_sqrt_len_tokens", false);
            if (get_bool(pool, "pooling_mode_weightedmean_tokens", false) ||
                get_bool(pool, "pooling_mode_lasttoken", false)) {
                rc = tl_err_set(err, TL_EINPUT, "%s/%s: weighted-mean and last-token pooling "
                                                "are not supported", dir, rel);
                goto done;
            }
            json_t *wd = json_object_get(pool, "word_embedding_dimension");
            if (wd && (!json_is_integer(wd) || (size_t)json_integer_value(wd) != c->hidden)) {
                rc = tl_err_set(err, TL_EINPUT, "%s/%s: word_embedding_dimension disagrees with "
                                                "hidden_size %zu", dir, rel, c->hidden);
                goto done;
            }
        } else {
            c->pool_mean = true;
        }
        if (!c->pool_cls && !c->pool_max && !c->pool_mean && !c->pool_mean_sqrt) {
            rc = tl_err_set(err, TL_EINPUT, "%s/%s: no pooling mode is enabled", dir, rel);
            goto done;
        }
    }
    c->dim = c->hidden * ((size_t)c->pool_cls + c->pool_max + c->pool_mean + c->pool_mean_sqrt);

    uint64_t h = 0xcbf29ce484222325ull;
    h = hash_json(h, cfg);
    h = hash_json(h, tok);
    h = hash_json(h, sb);
    h = hash_json(h, mods);
    h = hash_json(h, pool);
    *hash = h;
done:
    json_decref(cfg);
    json_decref(sb);
    json_decref(tok);
    json_decref(mods);
    json_decref(pool);
    return rc;
}

/* Finds `prefix` + name (or + alt), checks its dtype and shape, and
 * converts it to float32 into a malloc'd array the caller frees. */
static int get_tensor(const tl_safetensors *st, const char *prefix, const char *name,
                      const char *alt, size_t d0, size_t d1, float **out, tl_err *err)
{
    char full[256];
    *out = NULL;
    snprintf(full, sizeof full, "%s%s", prefix, name);
    const tl_st_tensor *t = tl_safetensors_find(st, full);
    if (!t && alt) {
        char full2[256];
        snprintf(full2, sizeof full2, "%s%s", prefix, alt);
        t = tl_safetensors_find(st, full2);
    }
    if (!t)
        return tl_err_set(err, TL_EINPUT, "model.safetensors: tensor '%s' is missing", full);
    if (t->dtype != TL_ST_F32 && t->dtype != TL_ST_F16 && t->dtype != TL_ST_BF16)
        return tl_err_set(err, TL_EINPUT,
                          "model.safetensors: tensor '%s' is %s; expected F32, F16 or BF16",
                          t->name, tl_st_dtype_name(t->dtype));
    size_t want_ndim = d1 ? 2 : 1;
    if (t->ndim != want_ndim || t->shape[0] != d0 || (d1 && t->shape[1] != d1)) {
        char got[96] = "", want[64];
        size_t o = 0;
        for (size_t i = 0; i < t->ndim && o < sizeof got; i++) {
            int n = snprintf(got + o, sizeof got - o, "%s%llu", i ? ", " : "",
                             (unsigned long long)t->shape[i]);
            if (n < 0)
                break;
            o += (size_t)n;
        }
        if (d1)
            snprintf(want, sizeof want, "%zu, %zu", d0, d1);
        else
            snprintf(want, sizeof want, "%zu", d0);
        return tl_err_set(err, TL_EINPUT,
                          "model.safetensors: tensor '%s' has shape [%s] but config.json "
                          "implies [%s]", t->name, got, want);
    }
    size_t n = (size_t)t->nelem;
    float *buf = malloc((n ? n : 1) * sizeof *buf);
    if (!buf)
        return tl_err_set(err, TL_ENOMEM, "model.safetensors: out of memory for '%s'", t->name);
    int rc = tl_safetensors_read_f32(t, 0, n, buf, err);
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    return 0;
}

/* LayerNorm parameters: `base`.LayerNorm.{weight,bias} (or the old
 * gamma/beta names). */
static int get_ln(const tl_safetensors *st, const char *prefix, const char *base, size_t h,
                  float **g, float **b, tl_err *err)
{
    char n1[200], a1[200], n2[200], a2[200];
    snprintf(n1, sizeof n1, "%s.LayerNorm.weight", base);
    snprintf(a1, sizeof a1, "%s.LayerNorm.gamma", base);
    snprintf(n2, sizeof n2, "%s.LayerNorm.bias", base);
    snprintf(a2, sizeof a2, "%s.LayerNorm.beta", base);
    int rc = get_tensor(st, prefix, n1, a1, h, 0, g, err);
    if (!rc)
        rc = get_tensor(st, prefix, n2, a2, h, 0, b, err);
    return rc;
}

/* Room for one packed matrix in the weights block (sized in advance by
 * alloc_weights, so it cannot run out). */
static float *take_weights(tl_bert *m, size_t k, size_t n)
{
    size_t sz = (tl_gemm_b_size(m->wkernel, k, n) + 15) & ~(size_t)15;
    float *p = m->wmem + m->wmem_used;
    m->wmem_used += sz;
    return p;
}

/* One block for all packed weights, in 2 MiB pages where the kernel allows
 * (a pass streams all of them, 42 MB for MiniLM-L6: fewer TLB misses). */
static int alloc_weights(tl_bert *m, tl_err *err)
{
    const tl_bert_config *c = &m->cfg;
    size_t h = c->hidden, in = c->intermediate, per = 0;
    per += (tl_gemm_b_size(m->wkernel, h, 3 * h) + 15) & ~(size_t)15;
    per += (tl_gemm_b_size(m->wkernel, h, h) + 15) & ~(size_t)15;
    per += (tl_gemm_b_size(m->wkernel, h, in) + 15) & ~(size_t)15;
    per += (tl_gemm_b_size(m->wkernel, in, h) + 15) & ~(size_t)15;
    m->wmem_cap = per * c->layers;
    size_t bytes = m->wmem_cap * sizeof(float);
    size_t huge = (size_t)2 << 20;
    bytes = (bytes + huge - 1) & ~(huge - 1);
    m->wmem = aligned_alloc(huge, bytes);
    if (!m->wmem)
        return tl_err_set(err, TL_ENOMEM, "encoder: out of memory for %zu MB of weights",
                          bytes >> 20);
#ifdef MADV_HUGEPAGE
    madvise(m->wmem, bytes, MADV_HUGEPAGE);   /* a hint: failure is harmless */
#endif
    return 0;
}

/* A Linear layer: weight [n × k] packed for the kernel, bias [n]. */
static int get_linear(tl_bert *m, const tl_safetensors *st, const char *prefix,
                      const char *base, size_t n, size_t k, tl_gemm_b *w, float **bias,
                      tl_err *err)
{
    char wn[200], bn[200];
    float *raw = NULL;
    snprintf(wn, sizeof wn, "%s.weight", base);
    snprintf(bn, sizeof bn, "%s.bias", base);
    int rc = get_tensor(st, prefix, wn, NULL, n, k, &raw, err);
    if (!rc)
        rc = get_tensor(st, prefix, bn, NULL, n, 0, bias, err);
    if (!rc)
        tl_gemm_b_pack_into(w, m->wkernel, k, n, raw, k, 1, take_weights(m, k, n));
    free(raw);
    return rc;
}

/* Q, K and V side by side: one [3h × h] weight and a [3h] bias. */
static int get_qkv(tl_bert *m, const tl_safetensors *st, const char *prefix, size_t li,
                   bert_layer *L, tl_err *err)
{
    size_t h = m->cfg.hidden;
    int rc = 0;
    float *w = malloc(3 * h * h * sizeof *w);
    L->qkv_b = malloc(3 * h * sizeof *L->qkv_b);
    if (!w || !L->qkv_b) {
        rc = tl_err_set(err, TL_ENOMEM, "model.safetensors: out of memory");
        goto done;
    }
    static const char *const parts[3] = {"query", "key", "value"};
    for (int p = 0; p < 3; p++) {
        char wn[200], bn[200];
        float *pw = NULL, *pb = NULL;
        snprintf(wn, sizeof wn, "encoder.layer.%zu.attention.self.%s.weight", li, parts[p]);
        snprintf(bn, sizeof bn, "encoder.layer.%zu.attention.self.%s.bias", li, parts[p]);
        if ((rc = get_tensor(st, prefix, wn, NULL, h, h, &pw, err)) != 0)
            goto done;
        if ((rc = get_tensor(st, prefix, bn, NULL, h, 0, &pb, err)) != 0) {
            free(pw);
            goto done;
        }
        memcpy(w + (size_t)p * h * h, pw, h * h * sizeof *w);
        memcpy(L->qkv_b + (size_t)p * h, pb, h * sizeof *pb);
        free(pw);
        free(pb);
    }
    tl_gemm_b_pack_into(&L->qkv, m->wkernel, h, 3 * h, w, h, 1, take_weights(m, h, 3 * h));
done:
    free(w);
    return rc;
}

static int load_weights(tl_bert *m, const char *dir, tl_err *err)
{
    const tl_bert_config *c = &m->cfg;
    const tl_safetensors *st = m->st;
    size_t h = c->hidden;
    int rc;
    const char *prefix = "";
    if (!tl_safetensors_find(st, "embeddings.word_embeddings.weight")) {
        if (tl_safetensors_find(st, "bert.embeddings.word_embeddings.weight"))
            prefix = "bert.";
        else
            return tl_err_set(err, TL_EINPUT, "%s/model.safetensors: tensor "
                              "'embeddings.word_embeddings.weight' is missing (with or without "
                              "a 'bert.' prefix)", dir);
    }

    /* Word embeddings: read in place when already float32 (the biggest
     * tensor; no copy), else converted once. Shape checked either way. */
    char wname[128];
    snprintf(wname, sizeof wname, "%sembeddings.word_embeddings.weight", prefix);
    const tl_st_tensor *wt = tl_safetensors_find(st, wname);
    if (wt->dtype == TL_ST_F32 && wt->ndim == 2 && wt->shape[0] == c->vocab &&
        wt->shape[1] == h) {
        m->word = wt->data;
    } else {
        if ((rc = get_tensor(st, prefix, "embeddings.word_embeddings.weight", NULL, c->vocab, h,
                             &m->word_owned, err)) != 0)
            goto fail;
        m->word = (const unsigned char *)m->word_owned;
    }
    float *types = NULL;
    if ((rc = get_tensor(st, prefix, "embeddings.position_embeddings.weight", NULL,
                         c->max_positions, h, &m->pos, err)) != 0 ||
        (rc = get_tensor(st, prefix, "embeddings.token_type_embeddings.weight", NULL,
                         c->type_vocab, h, &types, err)) != 0 ||
        (rc = get_ln(st, prefix, "embeddings", h, &m->emb_ln_g, &m->emb_ln_b, err)) != 0)
        goto fail;
    m->type0 = types;   /* row 0 is the only token type a sentence encoder uses */

    m->layer = calloc(c->layers, sizeof *m->layer);
    if (!m->layer) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = alloc_weights(m, err)) != 0)
        goto fail;
    for (size_t li = 0; li < c->layers; li++) {
        bert_layer *L = &m->layer[li];
        char base[160];
        if ((rc = get_qkv(m, st, prefix, li, L, err)) != 0)
            goto fail;
        snprintf(base, sizeof base, "encoder.layer.%zu.attention.output.dense", li);
        if ((rc = get_linear(m, st, prefix, base, h, h, &L->out, &L->out_b, err)) != 0)
            goto fail;
        snprintf(base, sizeof base, "encoder.layer.%zu.attention.output", li);
        if ((rc = get_ln(st, prefix, base, h, &L->ln1_g, &L->ln1_b, err)) != 0)
            goto fail;
        snprintf(base, sizeof base, "encoder.layer.%zu.intermediate.dense", li);
        if ((rc = get_linear(m, st, prefix, base, c->intermediate, h, &L->ffn_in, &L->ffn_in_b,
                             err)) != 0)
            goto fail;
        snprintf(base, sizeof base, "encoder.layer.%zu.output.dense", li);
        if ((rc = get_linear(m, st, prefix, base, h, c->intermediate, &L->ffn_out,
                             &L->ffn_out_b, err)) != 0)
            goto fail;
        snprintf(base, sizeof base, "encoder.layer.%zu.output", li);
        if ((rc = get_ln(st, prefix, base, h, &L->ln2_g, &L->ln2_b, err)) != 0)
            goto fail;
    }
    return 0;
fail:
    return tl_err_prefix(err, "%s", dir);
}

/* Known-answer check of the chosen product kernel against a double-precision
 * loop, with every epilogue step: a CPU or library that computes wrong
 * results (the reason this workplace pins OPENBLAS_CORETYPE) is refused at
 * load instead of producing silent garbage. The inputs are multiples of
 * 1/128 in [-1, 1), exact in bf16 too, so the same tolerance holds for the
 * bf16 kernel. */
static int self_test(tl_kernel kernel, tl_err *err)
{
    enum { M = 13, N = 45, K = 70 };
    float a[M * K], w[N * K], bias[N], add[M * N], c[M * N];
    float *packed = aligned_alloc(64, ((tl_gemm_b_size(kernel, K, N) * 4 + 63) / 64) * 64);
    float *work = aligned_alloc(64, ((tl_gemm_work_size(kernel) * 4 + 63) / 64) * 64);
    if (!packed || !work) {
        free(packed);
        free(work);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    uint32_t s = 12345;
    for (size_t i = 0; i < M * K; i++)
        a[i] = (float)((s = s * 1103515245u + 12345u) >> 16 & 0xff) / 128.0f - 1.0f;
    for (size_t i = 0; i < N * K; i++)
        w[i] = (float)((s = s * 1103515245u + 12345u) >> 16 & 0xff) / 128.0f - 1.0f;
    for (size_t i = 0; i < N; i++)
        bias[i] = (float)i / N;
    for (size_t i = 0; i < M * N; i++)
        add[i] = (float)(i % 7) - 3.0f;
    tl_gemm_b b;
    tl_gemm_b_pack_into(&b, kernel, K, N, w, K, 1, packed);
    tl_gemm_epi e = {.scale = 0.5f, .bias = bias, .add = add, .ld_add = N, .gelu = 1};
    tl_gemm_run(M, a, K, &b, 0, N, c, N, &e, work);
    char core[96] = "";
    if (kernel == TL_KERNEL_BLAS)
        snprintf(core, sizeof core, " (%s, core %s)",
                 tl_blas_library() ? tl_blas_library() : "plain C", tl_blas_corename());
    int rc = 0;
    for (size_t i = 0; i < M && !rc; i++)
        for (size_t j = 0; j < N; j++) {
            double x = 0;
            for (size_t k = 0; k < K; k++)
                x += (double)a[i * K + k] * w[j * K + k];
            x = x * 0.5 + bias[j] + add[i * N + j];
            x = 0.5 * x * (1 + erf(x / sqrt(2.0)));
            if (fabs(x - c[i * N + j]) > 1e-4 * (1 + fabs(x))) {
                rc = tl_err_set(err, TL_EINTERNAL,
                                "encoder: matrix kernel %s%s fails its self-test: %g "
                                "instead of %g", tl_kernel_name(kernel), core,
                                (double)c[i * N + j], x);
                break;
            }
        }
    free(packed);
    free(work);
    return rc;
}

/* The BLAS kernel's products come from OpenBLAS, loaded here. Where that
 * kernel was asked for (by the caller, or TAILOR_ENCODER_KERNEL=blas), a
 * library that cannot be loaded is an error naming it: whoever asked
 * measures or checks OpenBLAS. Where it is only the CPU's best (neither
 * AVX2 nor AVX-512), the products run in plain C instead: the same
 * numbers, slower, and said once in the log. */
static int blas_ready(const tl_bert_options *opt, tl_err *err)
{
    tl_err why;
    tl_err_clear(&why);
    if (tl_blas_load(&why) == 0)
        return 0;
    const char *env = getenv("TAILOR_ENCODER_KERNEL");
    const char *asked = NULL;
    if (opt && opt->kernel == TL_KERNEL_BLAS)
        asked = "the caller";
    else if (env && strcmp(env, "blas") == 0)
        asked = "TAILOR_ENCODER_KERNEL=blas";
    if (asked)
        return tl_err_set(err, TL_ENOTFOUND, "encoder: the openblas kernel asked for (%s) "
                          "needs OpenBLAS: %s", asked, why.msg);
    static _Atomic int said;   /* once per process, not per model */
    if (!said++)
        tl_log_warn("encoder: %s; this CPU lacks AVX2 and AVX-512, so matrix products run "
                    "in plain C (slower)", why.msg);
    return 0;
}

static size_t default_threads(void)
{
    const char *env = getenv("TAILOR_ENCODER_THREADS");
    int64_t v;
    if (env && tl_parse_i64(env, &v) && v >= 1 && v <= 256)
        return (size_t)v;
    return tl_online_cores(1, 64);
}

int tl_bert_load(const char *dir, const tl_bert_options *opt, tl_bert **out, tl_err *err)
{
    int rc;
    *out = NULL;
    tl_bert *m = calloc(1, sizeof *m);
    if (!m)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    tl_arena_init(&m->arena, 8u << 20, 0);
    m->kernel = tl_kernel_resolve(opt ? opt->kernel : TL_KERNEL_AUTO);
    if (m->kernel == TL_KERNEL_AVX512_BF16)   /* a weight kernel, asked for by precision */
        m->kernel = TL_KERNEL_AVX512;
    /* bf16 only when asked for, and an error (not a fall back) where the
     * CPU cannot: the caller asked for different numbers. */
    tl_precision want = opt ? opt->precision : TL_PRECISION_DEFAULT;
    if (opt && opt->kernel == TL_KERNEL_AVX512_BF16 && want == TL_PRECISION_DEFAULT)
        want = TL_PRECISION_BF16;
    if ((rc = tl_weight_kernel_choose(want,
                                      getenv("TAILOR_ENCODER_KERNEL"), tl_bf16_usable(),
                                      m->kernel, &m->wkernel, err)) != 0) {
        tl_err_prefix(err, "%s", dir);
        goto fail;
    }
    m->threads = opt && opt->threads ? opt->threads : default_threads();
    /* Before any thread of ours starts (blas.c sets OPENBLAS_NUM_THREADS);
     * OpenBLAS runs single-threaded inside each of our pool's threads. */
    if (m->kernel == TL_KERNEL_BLAS && (rc = blas_ready(opt, err)) != 0) {
        tl_err_prefix(err, "%s", dir);
        goto fail;
    }

    uint64_t h = 0;
    if ((rc = parse_config(dir, &m->cfg, &h, err)) != 0)
        goto fail;
    if ((rc = self_test(m->wkernel, err)) != 0)
        goto fail;
    char path[4096];
    if ((rc = path_join(path, sizeof path, dir, "model.safetensors", err)) != 0)
        goto fail;
    if ((rc = tl_safetensors_open(path, &m->st, err)) != 0)
        goto fail;
    if ((rc = load_weights(m, dir, err)) != 0)
        goto fail;
    for (size_t i = 0; i < tl_safetensors_count(m->st); i++) {
        const tl_st_tensor *t = tl_safetensors_at(m->st, i);
        h = hash_bytes(h, t->name, strlen(t->name));
        h = hash_bytes(h, t->data, t->nbytes);
    }
    /* bf16 products give (slightly) other vectors: another identity, so a
     * cache never mixes them with float32 ones. */
    if (m->wkernel == TL_KERNEL_AVX512_BF16)
        h = hash_bytes(h, "precision=bf16", 14);
    m->fingerprint = h;
    if (m->word_owned) {
        /* Nothing else reads the mapping: give it back. */
        tl_safetensors_close(m->st);
        m->st = NULL;
    }
    if ((rc = tl_pool_create(m->threads, &m->pool, err)) != 0)
        goto fail;
    *out = m;
    return 0;
fail:
    tl_bert_free(m);
    return rc;
}

void tl_bert_free(tl_bert *m)
{
    if (!m)
        return;
    tl_pool_free(m->pool);
    if (m->layer) {
        for (size_t i = 0; i < m->cfg.layers; i++) {
            bert_layer *L = &m->layer[i];
            free(L->qkv_b);
            free(L->out_b);
            free(L->ffn_in_b);
            free(L->ffn_out_b);
            free(L->ln1_g);
            free(L->ln1_b);
            free(L->ln2_g);
            free(L->ln2_b);
        }
        free(m->layer);
    }
    free(m->wmem);
    free(m->word_owned);
    free(m->pos);
    free(m->type0);
    free(m->emb_ln_g);
    free(m->emb_ln_b);
    tl_safetensors_close(m->st);
    tl_arena_free(&m->arena);
    free(m);
}

const tl_bert_config *tl_bert_get_config(const tl_bert *m)
{
    return &m->cfg;
}

tl_kernel tl_bert_kernel(const tl_bert *m)
{
    return m->kernel;
}

tl_kernel tl_bert_weight_kernel(const tl_bert *m)
{
    return m->wkernel;
}

tl_precision tl_bert_precision(const tl_bert *m)
{
    return m->wkernel == TL_KERNEL_AVX512_BF16 ? TL_PRECISION_BF16 : TL_PRECISION_FP32;
}

size_t tl_bert_threads(const tl_bert *m)
{
    return m->threads;
}

uint64_t tl_bert_fingerprint(const tl_bert *m)
{
    return m->fingerprint;
}

/* ---------------------------------------------------------- forward pass */

/* Who runs an operation: the whole pool (every operation split across its
 * threads) or one thread alone (`tid`, for its scratch). */
typedef struct team {
    tl_pool *pool;   /* NULL: run inline on thread `tid` */
    size_t size;
    size_t tid;
} team;

static void team_run(const team *t, size_t ntasks, tl_pool_fn fn, void *arg)
{
    if (t->pool) {
        tl_pool_run(t->pool, ntasks, fn, arg);
        return;
    }
    for (size_t i = 0; i < ntasks; i++)
        fn(arg, i, t->tid);
}

/* A contiguous run of sequences computed together. */
typedef struct group {
    size_t s0, s1;     /* sequences [s0, s1) of the pass */
    size_t tok0, ntok; /* their tokens: [tok0, tok0 + ntok) of the pass */
    size_t lmax;       /* longest sequence */
    float *x, *qkv, *ctx, *y, *f;   /* activations, ntok rows each */
} group;

typedef struct pass {
    tl_bert *m;
    const int32_t *ids;   /* the chunk's ids */
    const size_t *offs;   /* sequence offsets into ids; offs[0] may be nonzero */
    float **scratch;      /* per thread: attention scores + packed K or V */
    float *emb;           /* the chunk's pooled output */
    float *hidden;        /* the chunk's hidden-state output, or NULL */
    group *groups;
} pass;

/* One parallel product over a group: rows split when there are many, else
 * column panels; LayerNorm fused when a task owns whole rows. */
typedef struct gemm_job {
    const pass *ps;
    size_t m;
    const float *a;
    size_t lda;
    const tl_gemm_b *b;
    float *c;
    size_t ldc;
    tl_gemm_epi epi;
    const float *ln_g, *ln_b;   /* LayerNorm after the product, or NULL */
    size_t row_tasks, col_tasks;
} gemm_job;

static void gemm_task(void *arg, size_t task, size_t thread)
{
    const gemm_job *j = arg;
    const tl_bert *m = j->ps->m;
    size_t rt = task / j->col_tasks, ct = task % j->col_tasks;
    /* Rows in multiples of 12 (the kernel's tile), columns in panels. */
    size_t rstep = ((j->m + j->row_tasks - 1) / j->row_tasks + 11) / 12 * 12;
    size_t r0 = rt * rstep, r1 = r0 + rstep < j->m ? r0 + rstep : j->m;
    size_t panels = (j->b->n + TL_GEMM_NR - 1) / TL_GEMM_NR;
    size_t pstep = (panels + j->col_tasks - 1) / j->col_tasks;
    size_t c0 = ct * pstep * TL_GEMM_NR;
    size_t c1 = (ct + 1) * pstep * TL_GEMM_NR;
    if (c1 > j->b->n)
        c1 = j->b->n;
    if (r0 >= r1 || c0 >= c1)
        return;
    tl_gemm_epi e = j->epi;
    if (e.add)
        e.add += r0 * e.ld_add;
    tl_gemm_run(r1 - r0, j->a + r0 * j->lda, j->lda, j->b, c0, c1, j->c + r0 * j->ldc, j->ldc,
                &e, j->ps->scratch[thread]);
    if (j->ln_g && j->col_tasks == 1)
        tl_layernorm_rows(m->kernel, j->c + r0 * j->ldc, r1 - r0, j->b->n, j->ldc, j->ln_g,
                          j->ln_b, m->cfg.ln_eps);
}

typedef struct rows_job {
    const pass *ps;
    float *x;
    size_t rows, n, ld, tasks;
    const float *g, *b;
} rows_job;

static void ln_task(void *arg, size_t task, size_t thread)
{
    (void)thread;
    const rows_job *j = arg;
    size_t step = (j->rows + j->tasks - 1) / j->tasks;
    size_t r0 = task * step, r1 = r0 + step < j->rows ? r0 + step : j->rows;
    if (r0 < r1)
        tl_layernorm_rows(j->ps->m->kernel, j->x + r0 * j->ld, r1 - r0, j->n, j->ld, j->g, j->b,
                          j->ps->m->cfg.ln_eps);
}

static void par_gemm(const team *t, const pass *ps, size_t m, const float *a, size_t lda,
                     const tl_gemm_b *b, float *c, size_t ldc, tl_gemm_epi epi,
                     const float *ln_g, const float *ln_b)
{
    gemm_job j = {.ps = ps, .m = m, .a = a, .lda = lda, .b = b, .c = c, .ldc = ldc,
                  .epi = epi, .ln_g = ln_g, .ln_b = ln_b, .row_tasks = 1, .col_tasks = 1};
    size_t n = t->pool ? t->size : 1;
    if (n > 1) {
        /* TASKS_PER_THREAD pieces per thread, taken dynamically: a thread
         * that loses its core to another process leaves its share to the
         * others instead of holding the operation up. */
        size_t panels = (b->n + TL_GEMM_NR - 1) / TL_GEMM_NR;
        size_t want = n * TASKS_PER_THREAD;
        if (m >= 48 * n)
            j.row_tasks = want < (m + 11) / 12 ? want : (m + 11) / 12;
        else
            j.col_tasks = want < panels ? want : panels;
    }
    team_run(t, j.row_tasks * j.col_tasks, gemm_task, &j);
    if (ln_g && j.col_tasks > 1) {
        size_t tasks = n * TASKS_PER_THREAD < m ? n * TASKS_PER_THREAD : m;
        rows_job r = {.ps = ps, .x = c, .rows = m, .n = b->n, .ld = ldc, .tasks = tasks,
                      .g = ln_g, .b = ln_b};
        team_run(t, tasks, ln_task, &r);
    }
}

typedef struct embed_job {
    const pass *ps;
    const group *g;
    size_t tasks;
} embed_job;

#define EMBED_AHEAD 4   /* rows of the word table fetched ahead */

static void prefetch_row(const unsigned char *p, size_t bytes)
{
    for (size_t o = 0; o < bytes; o += 64)
        __builtin_prefetch(p + o, 0, 3);
}

/* Embeddings of one slice of the group's sequences: (word + type) +
 * position, in transformers' order of addition, then LayerNorm. */
static void embed_task(void *arg, size_t task, size_t thread)
{
    (void)thread;
    const embed_job *j = arg;
    const pass *ps = j->ps;
    const tl_bert *m = ps->m;
    const group *g = j->g;
    size_t h = m->cfg.hidden;
    size_t step = (g->ntok + j->tasks - 1) / j->tasks;
    size_t t0 = task * step, t1 = t0 + step < g->ntok ? t0 + step : g->ntok;
    /* Find the sequence holding token t0, then walk. */
    size_t s = g->s0;
    size_t base = ps->offs[0];
    while (s + 1 < g->s1 && ps->offs[s + 1] - base <= g->tok0 + t0)
        s++;
    /* The word table (vocab × hidden, 47 MB for MiniLM) is far bigger than
     * the caches, so every row is a cold read: fetch rows a few tokens
     * ahead, or the copies wait on memory one line at a time. */
    const size_t row_bytes = h * sizeof(float);
    for (size_t t = t0; t < t1 && t < t0 + EMBED_AHEAD; t++)
        prefetch_row(m->word + (size_t)ps->ids[g->tok0 + t] * row_bytes, row_bytes);
    for (size_t t = t0; t < t1; t++) {
        size_t abs = g->tok0 + t;   /* index into the chunk's ids */
        if (t + EMBED_AHEAD < t1)
            prefetch_row(m->word + (size_t)ps->ids[abs + EMBED_AHEAD] * row_bytes, row_bytes);
        while (ps->offs[s + 1] - base <= abs)
            s++;
        size_t pos = abs - (ps->offs[s] - base);
        float *row = g->x + t * h;
        memcpy(row, m->word + (size_t)ps->ids[abs] * row_bytes, row_bytes);
        const float *pe = m->pos + pos * h;
        for (size_t k = 0; k < h; k++)
            row[k] = (row[k] + m->type0[k]) + pe[k];
    }
    if (t0 < t1)
        tl_layernorm_rows(m->kernel, g->x + t0 * h, t1 - t0, h, h, m->emb_ln_g, m->emb_ln_b,
                          m->cfg.ln_eps);
}

typedef struct attn_job {
    const pass *ps;
    const group *g;
} attn_job;

/* Self-attention of one sequence and one head. */
static void attn_task(void *arg, size_t task, size_t thread)
{
    const attn_job *j = arg;
    const pass *ps = j->ps;
    const tl_bert *m = ps->m;
    const group *g = j->g;
    size_t heads = m->cfg.heads, h = m->cfg.hidden, dh = h / heads;
    size_t s = g->s0 + task / heads, head = task % heads;
    size_t base = ps->offs[0];
    size_t r0 = ps->offs[s] - base - g->tok0;
    size_t len = ps->offs[s + 1] - ps->offs[s];
    size_t lds = (len + 15) & ~(size_t)15;
    float *scores = ps->scratch[thread];
    float *work = scores + g->lmax * ((g->lmax + 15) & ~(size_t)15);
    const float *q = g->qkv + r0 * 3 * h + head * dh;
    const float *k = q + h, *v = q + 2 * h;
    tl_gemm_abt(m->kernel, len, len, dh, 1.0f / sqrtf((float)dh), q, 3 * h, k, 3 * h, scores,
                lds, work);
    tl_softmax_rows(m->kernel, scores, len, len, lds);
    tl_gemm_ab(m->kernel, len, dh, len, scores, lds, v, 3 * h, g->ctx + r0 * h + head * dh, h,
               work);
}

/* Pooling (and normalisation) of each of the group's sequences. */
static void pool_group(const pass *ps, const group *g)
{
    const tl_bert *m = ps->m;
    const tl_bert_config *c = &m->cfg;
    size_t h = c->hidden, base = ps->offs[0];
    for (size_t s = g->s0; s < g->s1; s++) {
        size_t r0 = ps->offs[s] - base - g->tok0;
        size_t len = ps->offs[s + 1] - ps->offs[s];
        const float *x = g->x + r0 * h;
        float *out = ps->emb + s * c->dim;
        float *o = out;
        if (c->pool_cls) {
            memcpy(o, x, h * sizeof *o);
            o += h;
        }
        if (c->pool_max) {
            memcpy(o, x, h * sizeof *o);
            for (size_t t = 1; t < len; t++)
                for (size_t k = 0; k < h; k++)
                    o[k] = x[t * h + k] > o[k] ? x[t * h + k] : o[k];
            o += h;
        }
        if (c->pool_mean || c->pool_mean_sqrt) {
            /* Sums in double: the reference sums in float32 in a different
             * order, so the more exact sum is the closer one. */
            for (size_t k = 0; k < h; k++) {
                double sum = 0;
                for (size_t t = 0; t < len; t++)
                    sum += x[t * h + k];
                if (c->pool_mean)
                    o[k] = (float)(sum / (double)len);
                if (c->pool_mean_sqrt)
                    o[k + (c->pool_mean ? h : 0)] = (float)(sum / sqrt((double)len));
            }
        }
        if (c->normalize) {
            double ss = 0;
            for (size_t k = 0; k < c->dim; k++)
                ss += (double)out[k] * out[k];
            double norm = sqrt(ss);
            float inv = (float)(1.0 / (norm > 1e-12 ? norm : 1e-12));
            for (size_t k = 0; k < c->dim; k++)
                out[k] *= inv;
        }
        if (ps->hidden)
            memcpy(ps->hidden + (ps->offs[s] - base) * h, x, len * h * sizeof *x);
    }
}

/* The whole forward pass of one group, by team `t`. */
static void run_group(const pass *ps, group *g, const team *t)
{
    const tl_bert *m = ps->m;
    const tl_bert_config *c = &m->cfg;
    size_t h = c->hidden, M = g->ntok;
    size_t n = t->pool ? t->size : 1;

    size_t tasks = n > 1 ? n * TASKS_PER_THREAD : 1;
    embed_job ej = {.ps = ps, .g = g, .tasks = tasks};
    team_run(t, tasks, embed_task, &ej);
    for (size_t li = 0; li < c->layers; li++) {
        const bert_layer *L = &m->layer[li];
        par_gemm(t, ps, M, g->x, h, &L->qkv, g->qkv, 3 * h,
                 (tl_gemm_epi){.scale = 1.0f, .bias = L->qkv_b}, NULL, NULL);
        attn_job aj = {.ps = ps, .g = g};
        team_run(t, (g->s1 - g->s0) * c->heads, attn_task, &aj);
        par_gemm(t, ps, M, g->ctx, h, &L->out, g->y, h,
                 (tl_gemm_epi){.scale = 1.0f, .bias = L->out_b, .add = g->x, .ld_add = h},
                 L->ln1_g, L->ln1_b);
        par_gemm(t, ps, M, g->y, h, &L->ffn_in, g->f, c->intermediate,
                 (tl_gemm_epi){.scale = 1.0f, .bias = L->ffn_in_b, .gelu = 1}, NULL, NULL);
        par_gemm(t, ps, M, g->f, c->intermediate, &L->ffn_out, g->x, h,
                 (tl_gemm_epi){.scale = 1.0f, .bias = L->ffn_out_b, .add = g->y, .ld_add = h},
                 L->ln2_g, L->ln2_b);
    }
    pool_group(ps, g);
}

static void group_task(void *arg, size_t task, size_t thread)
{
    const pass *ps = arg;
    team solo = {.pool = NULL, .size = 1, .tid = thread};
    run_group(ps, &ps->groups[task], &solo);
}

/* Relative cost of a sequence: the products grow with its length, the
 * attention with its square. */
static double seq_cost(const tl_bert_config *c, size_t len)
{
    double lin = 2.0 * (4.0 * c->hidden + 2.0 * c->intermediate);
    return (double)len * (lin + 4.0 * (double)len);
}

/* Splits sequences [0, n) into guided groups (see GROUP_SHARE_DIV): each
 * takes whole sequences until it holds its share of the cost left, the
 * last one takes what remains, and there are at most `maxg`. Fills
 * groups[].s0/.s1 and returns their number, or 1 when one sequence alone
 * would outweigh a thread's fair share by more than 25% (the threads then
 * share every operation instead). */
static size_t plan_groups(const tl_bert_config *c, const size_t *offs, size_t n, size_t threads,
                          double cost, group *groups, size_t maxg)
{
    double fair = cost / (double)threads, left = cost;
    size_t ng = 0, s = 0;
    while (s < n) {
        double share = left / (GROUP_SHARE_DIV * (double)threads), acc = 0;
        size_t s0 = s;
        if (ng + 1 == maxg)
            share = left;   /* the last group allowed takes the rest */
        while (s < n) {
            double sc = seq_cost(c, offs[s + 1] - offs[s]);
            if (sc > 1.25 * fair)
                return 1;
            /* A sequence joins while the group is empty or it keeps the
             * group nearer its share than stopping would. */
            if (acc > 0 && acc + sc - share > share - acc)
                break;
            acc += sc;
            s++;
        }
        groups[ng].s0 = s0;
        groups[ng].s1 = s;
        ng++;
        left -= acc;
    }
    return ng < threads ? 1 : ng;
}

static int alloc_group(tl_arena *a, const tl_bert_config *c, group *g)
{
    size_t M = g->ntok, h = c->hidden;
    g->x = tl_arena_floats(a, M * h);
    g->qkv = tl_arena_floats(a, M * 3 * h);
    g->ctx = tl_arena_floats(a, M * h);
    g->y = tl_arena_floats(a, M * h);
    g->f = tl_arena_floats(a, M * c->intermediate);
    return g->x && g->qkv && g->ctx && g->y && g->f ? 0 : TL_ENOMEM;
}

/* One chunk: sequences [0, n) of offs (absolute offsets into ids). */
static int run_chunk(tl_bert *m, const int32_t *ids, const size_t *offs, size_t n, float *emb,
                     float *hidden, tl_err *err)
{
    const tl_bert_config *c = &m->cfg;
    size_t threads = m->threads;
    size_t total = offs[n] - offs[0];
    size_t lmax = 0;
    double cost = 0;
    for (size_t s = 0; s < n; s++) {
        size_t len = offs[s + 1] - offs[s];
        lmax = len > lmax ? len : lmax;
        cost += seq_cost(c, len);
    }
    tl_arena_reset(&m->arena);
    pass ps = {.m = m, .ids = ids + offs[0], .offs = offs, .emb = emb,
               .hidden = hidden ? hidden + offs[0] * c->hidden : NULL};
    /* Groups of whole sequences, one thread each, when there are enough
     * tokens and no sequence outweighs a thread's fair share by more than
     * 25%; else one group that all threads run together, operation by
     * operation. */
    size_t maxg = threads * MAX_GROUPS_PER_THREAD;
    group *groups = tl_arena_alloc(&m->arena, (maxg + 1) * sizeof *groups, 64);
    if (!groups)
        return tl_err_set(err, TL_ENOMEM, "encoder: out of memory");
    memset(groups, 0, (maxg + 1) * sizeof *groups);
    size_t ngroups = 1;
    if (threads > 1 && n >= threads && total >= threads * MIN_TOKENS_PER_THREAD)
        ngroups = plan_groups(c, offs, n, threads, cost, groups, maxg);
    if (ngroups == 1) {
        groups[0].s0 = 0;
        groups[0].s1 = n;
    }
    for (size_t i = 0; i < ngroups; i++) {
        group *g = &groups[i];
        g->tok0 = offs[g->s0] - offs[0];
        g->ntok = offs[g->s1] - offs[g->s0];
        g->lmax = 0;
        for (size_t s = g->s0; s < g->s1; s++) {
            size_t len = offs[s + 1] - offs[s];
            g->lmax = len > g->lmax ? len : g->lmax;
        }
        if (alloc_group(&m->arena, c, g) != 0)
            return tl_err_set(err, TL_ENOMEM, "encoder: out of memory for %zu tokens", g->ntok);
    }
    ps.groups = groups;
    /* Per-thread scratch: the scores of the longest sequence, and room to
     * pack its keys or values. */
    size_t dh = c->hidden / c->heads;
    size_t lpad = (lmax + 15) & ~(size_t)15;
    size_t pk = tl_gemm_b_size(m->kernel, dh, lmax), pv = tl_gemm_b_size(m->kernel, lmax, dh);
    size_t scratch = lmax * lpad + tl_gemm_work_size(m->kernel) + (pk > pv ? pk : pv) + 64;
    /* The weight products use the same scratch as their work area. */
    if (scratch < tl_gemm_work_size(m->wkernel) + 64)
        scratch = tl_gemm_work_size(m->wkernel) + 64;
    ps.scratch = tl_arena_alloc(&m->arena, threads * sizeof *ps.scratch, 64);
    if (!ps.scratch)
        return tl_err_set(err, TL_ENOMEM, "encoder: out of memory");
    for (size_t i = 0; i < threads; i++)
        if (!(ps.scratch[i] = tl_arena_floats(&m->arena, scratch)))
            return tl_err_set(err, TL_ENOMEM, "encoder: out of memory");

    if (ngroups > 1) {
        tl_pool_run(m->pool, ngroups, group_task, &ps);
    } else {
        team all = {.pool = threads > 1 ? m->pool : NULL, .size = threads, .tid = 0};
        run_group(&ps, &groups[0], &all);
    }
    return 0;
}

int tl_bert_forward(tl_bert *m, const int32_t *ids, const size_t *offs, size_t n, float *emb,
                    float *hidden, tl_err *err)
{
    const tl_bert_config *c = &m->cfg;
    for (size_t s = 0; s < n; s++) {
        size_t len = offs[s + 1] - offs[s];
        if (offs[s + 1] < offs[s] || len == 0 || len > c->max_positions)
            return tl_err_set(err, TL_EINPUT, "encoder: sequence %zu has %zu tokens (1..%zu)", s,
                              offs[s + 1] < offs[s] ? 0 : len, c->max_positions);
        for (size_t t = offs[s]; t < offs[s + 1]; t++)
            if (ids[t] < 0 || (size_t)ids[t] >= c->vocab)
                return tl_err_set(err, TL_EINPUT, "encoder: token id %d outside the %zu-word "
                                                  "vocabulary", (int)ids[t], c->vocab);
    }
    /* Chunks bound the activation memory; each is one arena pass. */
    size_t per_tok = 5 * c->hidden + c->intermediate;
    size_t budget = CHUNK_FLOATS_PER_THREAD * m->threads / per_tok;
    size_t s = 0;
    while (s < n) {
        size_t e = s + 1;
        while (e < n && offs[e + 1] - offs[s] <= budget)
            e++;
        int rc = run_chunk(m, ids, offs + s, e - s, emb + s * c->dim, hidden, err);
        if (rc)
            return rc;
        s = e;
    }
    return 0;
}
