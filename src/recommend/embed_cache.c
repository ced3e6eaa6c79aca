/* embed_cache.c — a direct-mapped cache of text embeddings (see
 * embed_cache.h). */
#include "recommend/embed_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    uint64_t hash;
    char *text;      /* owned; NULL for an empty slot */
} entry;

struct tl_embed_cache {
    size_t slots, dim;
    entry *entries;
    float *vecs;     /* slots x dim */
    pthread_mutex_t lock;
};

/* FNV-1a: texts are short, and the slot only needs a good spread. */
static uint64_t text_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

int tl_embed_cache_new(size_t slots, size_t dim, tl_embed_cache **out, tl_err *err)
{
    tl_embed_cache *c = calloc(1, sizeof *c);
    if (!c || !slots || !dim)
        goto oom;
    c->slots = slots;
    c->dim = dim;
    c->entries = calloc(slots, sizeof *c->entries);
    c->vecs = malloc(slots * dim * sizeof *c->vecs);
    if (!c->entries || !c->vecs)
        goto oom;
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return TL_OK;
oom:
    if (c) {
        free(c->entries);
        free(c->vecs);
        free(c);
    }
    return tl_err_set(err, TL_ENOMEM, "out of memory for the embedding cache");
}

void tl_embed_cache_free(tl_embed_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->slots; i++)
        free(c->entries[i].text);
    pthread_mutex_destroy(&c->lock);
    free(c->entries);
    free(c->vecs);
    free(c);
}

bool tl_embed_cache_get(tl_embed_cache *c, const char *text, float *out)
{
    uint64_t h = text_hash(text);
    size_t slot = (size_t)(h % c->slots);
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    entry *e = &c->entries[slot];
    if (e->text && e->hash == h && strcmp(e->text, text) == 0) {
        memcpy(out, c->vecs + slot * c->dim, c->dim * sizeof *out);
        hit = true;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void tl_embed_cache_put(tl_embed_cache *c, const char *text, const float *vec)
{
    uint64_t h = text_hash(text);
    size_t slot = (size_t)(h % c->slots);
    char *copy = strdup(text);
    if (!copy)
        return;
    pthread_mutex_lock(&c->lock);
    entry *e = &c->entries[slot];
    char *old = e->text;
    e->hash = h;
    e->text = copy;
    memcpy(c->vecs + slot * c->dim, vec, c->dim * sizeof *vec);
    pthread_mutex_unlock(&c->lock);
    free(old);
}
