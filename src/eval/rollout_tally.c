/* rollout_tally.c — per-customer tallies of a window's events
 * (rollout_tally.h). */
#include "eval/rollout_tally.h"

#include <stdlib.h>
#include <string.h>

int64_t tl_time_key(const char *iso)
{
    int64_t k = 0;
    int digits = 0;
    for (const char *p = iso; *p && digits < 14; p++)
        if (*p >= '0' && *p <= '9') {
            k = k * 10 + (*p - '0');
            digits++;
        }
    for (; digits < 14; digits++)
        k *= 10;
    return k;
}

static uint64_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* The slot of `id`: holding its index + 1, or 0 where it would go. */
static uint32_t *find_slot(const tl_rollout_tally *t, const char *id)
{
    size_t mask = t->nslots - 1, i = (size_t)id_hash(id) & mask;
    while (t->slots[i] && strcmp(t->names + t->v[t->slots[i] - 1].id, id) != 0)
        i = (i + 1) & mask;
    return &t->slots[i];
}

/* Doubles the slots (kept at most half full). */
static int grow_slots(tl_rollout_tally *t)
{
    size_t n = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return TL_ENOMEM;
    free(t->slots);
    t->slots = slots;
    t->nslots = n;
    for (size_t i = 0; i < t->n; i++)
        *find_slot(t, t->names + t->v[i].id) = (uint32_t)i + 1;
    return TL_OK;
}

/* Grows *p (of *cap elements of `size` bytes) to hold `need`. */
static int reserve(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return TL_OK;
    size_t cap2 = *cap ? *cap : first;
    while (cap2 < need)
        cap2 *= 2;
    void *q = realloc(*p, cap2 * size);
    if (!q)
        return TL_ENOMEM;
    *p = q;
    *cap = cap2;
    return TL_OK;
}

/* The index of `id`'s record, added when new; -1 when out of memory. */
static long customer_index(tl_rollout_tally *t, const char *id)
{
    if ((t->n + 1) * 2 > t->nslots && grow_slots(t))
        return -1;
    uint32_t *slot = find_slot(t, id);
    if (*slot)
        return (long)*slot - 1;
    size_t len = strlen(id) + 1;
    if (t->n >= UINT32_MAX - 1 || t->names_len + len > UINT32_MAX ||
        reserve((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v, 1024) ||
        reserve((void **)&t->names, &t->names_cap, t->names_len + len, 1, 16384))
        return -1;
    memcpy(t->names + t->names_len, id, len);
    memset(&t->v[t->n], 0, sizeof t->v[t->n]);
    t->v[t->n].id = (uint32_t)t->names_len;
    t->names_len += len;
    *slot = (uint32_t)++t->n;
    return (long)t->n - 1;
}

int tl_rollout_tally_add(tl_rollout_tally *t, const char *customer_id, const char *kind,
                         const char *at)
{
    int is_shown = strcmp(kind, "shown") == 0, is_accepted = strcmp(kind, "accepted") == 0;
    int is_clicked = strcmp(kind, "clicked") == 0, is_dismissed = strcmp(kind, "dismissed") == 0;
    int is_complained = strcmp(kind, "complained") == 0;
    if (!is_shown && !is_accepted && !is_clicked && !is_dismissed && !is_complained)
        return TL_OK;
    long i = customer_index(t, customer_id);
    if (i < 0)
        return TL_ENOMEM;
    tl_customer_tally *c = &t->v[i];
    int64_t key = tl_time_key(at);
    if (is_accepted) {
        /* Kept until the first showing is known. */
        if (reserve((void **)&t->acc, &t->cap_acc, t->n_acc + 1, sizeof *t->acc, 256))
            return TL_ENOMEM;
        t->acc[t->n_acc++] = (tl_accept_mark){(uint32_t)i, key};
    } else if (is_shown) {
        c->shown++;
        if (!c->first_shown || key < c->first_shown)
            c->first_shown = key;
    } else {
        c->clicked += (uint32_t)is_clicked;
        c->dismissed += (uint32_t)is_dismissed;
        c->complained += (uint32_t)is_complained;
    }
    return TL_OK;
}

void tl_rollout_tally_finish(tl_rollout_tally *t)
{
    for (size_t k = 0; k < t->n_acc; k++) {
        tl_customer_tally *c = &t->v[t->acc[k].who];
        int64_t at = t->acc[k].at;
        if (!c->first_shown || at < c->first_shown)
            continue;
        c->accepted++;
        if (!c->first_accepted || at < c->first_accepted)
            c->first_accepted = at;
    }
    free(t->acc);
    t->acc = NULL;
    t->n_acc = t->cap_acc = 0;
}

const char *tl_customer_tally_id(const tl_rollout_tally *t, const tl_customer_tally *c)
{
    return t->names + c->id;
}

tl_customer_tally *tl_rollout_tally_find(const tl_rollout_tally *t, const char *id)
{
    if (!t->nslots)
        return NULL;
    uint32_t s = *find_slot(t, id);
    return s ? &t->v[s - 1] : NULL;
}

void tl_rollout_tally_free(tl_rollout_tally *t)
{
    free(t->v);
    free(t->slots);
    free(t->names);
    free(t->acc);
    memset(t, 0, sizeof *t);
}
