/* owners.c — customer → owner key map for transaction imports (owners.h). */
#include "ingest/owners.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define NAMES_MAX ((size_t)1 << 34)

void tl_owner_map_init(tl_owner_map *m)
{
    memset(m, 0, sizeof *m);
    tl_buf_init(&m->names, NAMES_MAX);
}

void tl_owner_map_free(tl_owner_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].months);
        tl_txn_summary_free(m->v[i].summary);
        free(m->v[i].summary);
    }
    free(m->v);
    free(m->slots);
    tl_buf_free(&m->names);
    tl_owner_map_init(m);
}

static uint64_t hash_id(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

long tl_owner_find(const tl_owner_map *m, const char *id, size_t len)
{
    if (!m->nslots)
        return -1;
    size_t mask = m->nslots - 1, j = (size_t)hash_id(id, len) & mask;
    for (uint32_t e; (e = m->slots[j]); j = (j + 1) & mask) {
        const tl_owner *o = &m->v[e - 1];
        if (o->id_len == len && memcmp(m->names.data + o->id_off, id, len) == 0)
            return (long)(e - 1);
    }
    return -1;
}

/* Doubles the slot table and re-inserts every entry. */
static int grow_slots(tl_owner_map *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 1024;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return TL_ENOMEM;
    for (size_t i = 0; i < m->n; i++) {
        const tl_owner *o = &m->v[i];
        size_t j = (size_t)hash_id(m->names.data + o->id_off, o->id_len) & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = n;
    return TL_OK;
}

long tl_owner_add(tl_owner_map *m, const char *id, size_t len, int64_t key, bool fresh)
{
    if (m->n >= UINT32_MAX - 1)
        return TL_ENOMEM;
    if ((m->n + 1) * 2 > m->nslots && grow_slots(m))   /* load at most 1/2 */
        return TL_ENOMEM;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        tl_owner *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return TL_ENOMEM;
        m->v = v;
        m->cap = cap;
    }
    size_t off = m->names.len;
    if (tl_buf_append(&m->names, id, len) || tl_buf_putc(&m->names, '\0'))
        return TL_ENOMEM;
    m->v[m->n] = (tl_owner){.id_off = off, .id_len = len, .key = key, .fresh = fresh};
    size_t mask = m->nslots - 1, j = (size_t)hash_id(id, len) & mask;
    while (m->slots[j])
        j = (j + 1) & mask;
    m->slots[j] = (uint32_t)(m->n + 1);
    return (long)m->n++;
}

int tl_owner_add_debit(tl_owner *o, int month, double amount)
{
    size_t i = o->last;
    if (i >= o->nmonths || o->months[i].month != month) {
        /* Customers have a few dozen months at most: a linear search. */
        for (i = 0; i < o->nmonths && o->months[i].month != month; i++)
            ;
        if (i == o->nmonths) {
            if (o->nmonths == o->cap) {
                size_t cap = o->cap ? o->cap * 2 : 16;
                tl_month_total *p = realloc(o->months, cap * sizeof *p);
                if (!p)
                    return TL_ENOMEM;
                o->months = p;
                o->cap = cap;
            }
            o->months[o->nmonths++] = (tl_month_total){month, 0, 0};
        }
        o->last = i;
    }
    o->months[i].total += amount;
    o->months[i].count++;
    return TL_OK;
}

int tl_owner_add_to_summary(tl_owner *o, const tl_txn *t)
{
    if (!o->summary && !(o->summary = calloc(1, sizeof *o->summary)))
        return TL_ENOMEM;
    return tl_txn_summary_add(o->summary, t->month, t->amount, t->direction, t->category,
                              t->payment_mode);
}
