/* event_tally.c — counting events for the overview (event_tally.h). */
#include "store/event_tally.h"
#include "store/store_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DAY_CHARS 10

/* One (day, channel, kind) and its count; `key` is "day\x1fchannel\x1fkind"
 * (IDs and names hold no control characters), owned. */
typedef struct entry {
    char *key;
    size_t day_len, channel_len;   /* the parts' lengths within key */
    long long n;
} entry;

struct tl_event_batch {
    entry *slots;    /* open addressing; key NULL = empty */
    size_t cap;      /* power of two */
    size_t len;
};

tl_event_batch *tl_event_batch_new(void)
{
    tl_event_batch *b = calloc(1, sizeof *b);
    if (b && !(b->slots = calloc(b->cap = 64, sizeof *b->slots))) {
        free(b);
        return NULL;
    }
    return b;
}

static void clear(tl_event_batch *b)
{
    for (size_t i = 0; i < b->cap; i++) {
        free(b->slots[i].key);
        b->slots[i] = (entry){0};
    }
    b->len = 0;
}

void tl_event_batch_free(tl_event_batch *b)
{
    if (!b)
        return;
    clear(b);
    free(b->slots);
    free(b);
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static int grow(tl_event_batch *b)
{
    size_t cap = b->cap * 2;
    entry *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return TL_ENOMEM;
    for (size_t i = 0; i < b->cap; i++) {
        entry *e = &b->slots[i];
        if (!e->key)
            continue;
        size_t j = hash(e->key, strlen(e->key)) & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    free(b->slots);
    b->slots = slots;
    b->cap = cap;
    return TL_OK;
}

int tl_event_batch_count(tl_event_batch *b, const char *day, const char *channel,
                         const char *kind)
{
    char stack[160];
    size_t dn = strnlen(day, DAY_CHARS), cn = channel ? strlen(channel) : 0, kn = strlen(kind);
    size_t len = dn + 1 + cn + 1 + kn;
    char *key = len < sizeof stack ? stack : malloc(len + 1);
    if (!key)
        return TL_ENOMEM;
    memcpy(key, day, dn);
    key[dn] = '\x1f';
    if (cn)
        memcpy(key + dn + 1, channel, cn);
    key[dn + 1 + cn] = '\x1f';
    memcpy(key + dn + 2 + cn, kind, kn + 1);
    size_t j = hash(key, len) & (b->cap - 1);
    while (b->slots[j].key && strcmp(b->slots[j].key, key) != 0)
        j = (j + 1) & (b->cap - 1);
    int rc = TL_OK;
    if (b->slots[j].key) {
        b->slots[j].n++;
    } else if (!(b->slots[j].key = key == stack ? strdup(key) : key)) {
        return TL_ENOMEM;
    } else {
        key = stack;   /* now owned by the slot */
        b->slots[j].day_len = dn;
        b->slots[j].channel_len = cn;
        b->slots[j].n = 1;
        if (++b->len * 10 > b->cap * 7)
            rc = grow(b);
    }
    if (key != stack)
        free(key);
    return rc;
}

int tl_store_event_tally_add(tl_store *st, const char *day, const char *channel,
                             const char *kind, long long n, tl_err *err)
{
    sqlite3_stmt *t = tl__store_stmt(st, TL_STMT_EVENT_TALLY,
                                     "INSERT INTO event_tally VALUES(?1, coalesce(?2, ''), ?3, ?4) "
                                     "ON CONFLICT DO UPDATE SET n = n + excluded.n",
                                     err);
    if (!t)
        return TL_EDB;
    sqlite3_bind_text(t, 1, day, (int)strnlen(day, DAY_CHARS), SQLITE_STATIC);
    tl__bind_text(t, 2, channel);
    tl__bind_text(t, 3, kind);
    sqlite3_bind_int64(t, 4, n);
    int step = sqlite3_step(t);
    sqlite3_reset(t);
    return step == SQLITE_DONE ? TL_OK : tl__store_fail(st, err, "count events");
}

int tl_store_event_batch_flush(tl_store *st, tl_event_batch *b, tl_err *err)
{
    for (size_t i = 0; i < b->cap; i++) {
        entry *e = &b->slots[i];
        if (!e->key)
            continue;
        /* Cut the key at its separators: the parts are NUL-ended in place. */
        e->key[e->day_len] = '\0';
        e->key[e->day_len + 1 + e->channel_len] = '\0';
        const char *channel = e->channel_len ? e->key + e->day_len + 1 : NULL;
        int rc = tl_store_event_tally_add(st, e->key, channel,
                                          e->key + e->day_len + 2 + e->channel_len, e->n, err);
        if (rc)
            return rc;   /* the caller rolls back; the batch is freed with it */
    }
    clear(b);
    return TL_OK;
}

int tl_store_event_tally_between(tl_store *st, const char *from, const char *to, long long *n,
                                 tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(
        st,
        "SELECT coalesce(sum(n), 0) FROM event_tally "
        "WHERE day >= substr(?1, 1, 10) AND (?2 IS NULL OR day <= substr(?2, 1, 10))",
        &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, from);
    tl__bind_text(s, 2, to);
    int step = sqlite3_step(s);
    *n = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    int rc = step == SQLITE_ROW ? TL_OK : tl__store_fail(st, err, "sum the event tally");
    tl__store_release(s, owned);
    return rc;
}
