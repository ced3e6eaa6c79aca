/* strset.c — open-addressing string set with FNV-1a hashing. */
#include "base/strset.h"
#include "base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h;
}

void tl_strset_init(tl_strset *s)
{
    s->slots = NULL;
    s->cap = 0;
    s->len = 0;
}

void tl_strset_free(tl_strset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    tl_strset_init(s);
}

/* Index of key's slot, or of the empty slot where it belongs. */
static size_t find(char **slots, size_t cap, const char *key)
{
    size_t i = hash(key) & (cap - 1);
    while (slots[i] && strcmp(slots[i], key) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(tl_strset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **slots = calloc(cap, sizeof *slots);
    if (!slots)
        return TL_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            slots[find(slots, cap, s->slots[i])] = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return TL_OK;
}

int tl_strset_add(tl_strset *s, const char *key)
{
    if ((s->len + 1) * 4 > s->cap * 3 && grow(s))
        return TL_ENOMEM;
    size_t i = find(s->slots, s->cap, key);
    if (s->slots[i])
        return 0;
    if (!(s->slots[i] = strdup(key)))
        return TL_ENOMEM;
    s->len++;
    return 1;
}

bool tl_strset_has(const tl_strset *s, const char *key)
{
    return s->cap && s->slots[find(s->slots, s->cap, key)] != NULL;
}
