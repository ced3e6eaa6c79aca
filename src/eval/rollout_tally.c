/* rollout_tally.c — per-customer tallies of a window's events
 * (rollout_tally.h). */
#include "eval/rollout_tally.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

static uint64_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* The slot of `id`, or the free slot where it would go. */
static tl_customer_tally *find(const tl_rollout_tally *t, const char *id)
{
    size_t mask = t->cap - 1, i = (size_t)id_hash(id) & mask;
    while (t->slots[i].id && strcmp(t->slots[i].id, id) != 0)
        i = (i + 1) & mask;
    return &t->slots[i];
}

/* Doubles the table (kept at most half full). */
static int grow(tl_rollout_tally *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    tl_customer_tally *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return TL_ENOMEM;
    tl_rollout_tally bigger = {slots, cap, t->n};
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].id)
            *find(&bigger, t->slots[i].id) = t->slots[i];
    free(t->slots);
    *t = bigger;
    return TL_OK;
}

int tl_rollout_tally_add(tl_rollout_tally *t, const char *customer_id, const char *kind,
                         const char *at)
{
    int is_shown = strcmp(kind, "shown") == 0, is_accepted = strcmp(kind, "accepted") == 0;
    int is_clicked = strcmp(kind, "clicked") == 0, is_dismissed = strcmp(kind, "dismissed") == 0;
    if (!is_shown && !is_accepted && !is_clicked && !is_dismissed)
        return TL_OK;
    if ((t->n + 1) * 2 > t->cap && grow(t))
        return TL_ENOMEM;
    tl_customer_tally *c = find(t, customer_id);
    if (!c->id) {
        if (!(c->id = strdup(customer_id)))
            return TL_ENOMEM;
        t->n++;
    }
    if (is_accepted) {
        if (c->n_accepted == c->cap_accepted) {
            size_t cap = c->cap_accepted ? c->cap_accepted * 2 : 2;
            char **grown = realloc(c->accepted_at, cap * sizeof *grown);
            if (!grown)
                return TL_ENOMEM;
            c->accepted_at = grown;
            c->cap_accepted = cap;
        }
        if (!(c->accepted_at[c->n_accepted] = strdup(at)))
            return TL_ENOMEM;
        c->n_accepted++;
    } else if (is_shown) {
        c->shown++;
        if (!c->first_shown[0] || strcmp(at, c->first_shown) < 0)
            tl_strlcpy(c->first_shown, at, sizeof c->first_shown);
    } else {
        c->clicked += is_clicked;
        c->dismissed += is_dismissed;
    }
    return TL_OK;
}

tl_customer_tally *tl_rollout_tally_find(const tl_rollout_tally *t, const char *id)
{
    if (!t->cap)
        return NULL;
    tl_customer_tally *c = find(t, id);
    return c->id ? c : NULL;
}

long long tl_customer_tally_converted(const tl_customer_tally *c, const char **first)
{
    long long n = 0;
    *first = NULL;
    for (size_t i = 0; c->first_shown[0] && i < c->n_accepted; i++) {
        const char *at = c->accepted_at[i];
        if (strcmp(at, c->first_shown) < 0)
            continue;
        n++;
        if (!*first || strcmp(at, *first) < 0)
            *first = at;
    }
    return n;
}

void tl_rollout_tally_free(tl_rollout_tally *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        tl_customer_tally *c = &t->slots[i];
        for (size_t k = 0; k < c->n_accepted; k++)
            free(c->accepted_at[k]);
        free(c->accepted_at);
        free(c->id);
    }
    free(t->slots);
    memset(t, 0, sizeof *t);
}
