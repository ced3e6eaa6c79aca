/* rollout_cache.c — recent rollout reports, kept in memory (see
 * rollout_cache.h). */
#include "http/rollout_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/isotime.h"
#include "eval/rollout_report.h"
#include "store/event_tally.h"
#include "store/rollouts.h"

#define SLOTS 8

typedef struct {
    char *path, *name;       /* owned; NULL when the slot is free */
    char *version;           /* owned: what the report counted (version_of) */
    struct timespec at;      /* CLOCK_MONOTONIC, when built */
    json_t *doc;             /* owned reference; never changed once kept */
} slot;

static struct {
    pthread_mutex_t lock;
    slot s[SLOTS];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

static void slot_clear(slot *e)
{
    free(e->path);
    free(e->name);
    free(e->version);
    json_decref(e->doc);
    memset(e, 0, sizeof *e);
}

static slot *find(const char *path, const char *name)
{
    for (int i = 0; i < SLOTS; i++)
        if (cache.s[i].name && strcmp(cache.s[i].name, name) == 0 &&
            strcmp(cache.s[i].path, path) == 0)
            return &cache.s[i];
    return NULL;
}

/* A copy for one caller, marked as kept or not: the kept document itself
 * is never handed out, so no two requests write to one object. */
static json_t *served(json_t *doc, bool cached)
{
    json_t *copy = json_deep_copy(doc);
    if (copy && json_object_set_new(copy, "cached", json_boolean(cached))) {
        json_decref(copy);
        return NULL;
    }
    return copy;
}

/* What a report of the rollout counts, as text: its start and end and the
 * events on its window's days. Read before the report is built, in the
 * same snapshot: a version is never newer than the figures kept with it. */
static int version_of(tl_store *st, const char *name, char *out, size_t size, tl_err *err)
{
    tl_rollout ro;
    long long n;
    int rc = tl_store_rollout_get(st, name, &ro, err);
    if (!rc)
        rc = tl_store_event_tally_between(st, ro.started_at, ro.ended_at[0] ? ro.ended_at : NULL,
                                          &n, err);
    if (!rc)
        snprintf(out, size, "%lld %s %s %lld", ro.id, ro.started_at, ro.ended_at, n);
    return rc;
}

/* Keeps doc (a new reference is taken) in the slot of (path, name), the
 * free one or else the oldest. Out of memory only means it is not kept. */
static void keep(const char *path, const char *name, const char *version, json_t *doc)
{
    slot *e = find(path, name);
    if (!e) {
        e = &cache.s[0];
        for (int i = 0; i < SLOTS; i++) {
            slot *c = &cache.s[i];
            if (!c->name) {
                e = c;
                break;
            }
            if (seconds_since(&c->at) > seconds_since(&e->at))
                e = c;
        }
    }
    slot_clear(e);
    e->path = strdup(path);
    e->name = strdup(name);
    e->version = strdup(version);
    if (!e->path || !e->name || !e->version) {
        slot_clear(e);
        return;
    }
    e->doc = json_incref(doc);
    clock_gettime(CLOCK_MONOTONIC, &e->at);
}

int tl_rollout_report_recent(tl_store *st, const char *name, double max_age_s, bool fresh,
                             json_t **out, tl_err *err)
{
    const char *path = tl_store_path(st);
    *out = NULL;
    char version[128];
    int rc = version_of(st, name, version, sizeof version, err);
    if (rc)
        return rc;
    if (!fresh) {
        pthread_mutex_lock(&cache.lock);
        slot *e = find(path, name);
        if (e && strcmp(e->version, version) == 0 && seconds_since(&e->at) < max_age_s)
            *out = served(e->doc, true);
        pthread_mutex_unlock(&cache.lock);
        if (*out)
            return TL_OK;
    }
    /* Built outside the lock: other requests are served meanwhile. */
    tl_rollout_report r;
    if ((rc = tl_rollout_report_build(st, name, &r, err)))
        return rc;
    json_t *doc = tl_rollout_report_json(&r);
    tl_rollout_report_free(&r);
    char now[TL_ISOTIME_LEN + 1];
    if (!doc || !tl_isotime_format(time(NULL), now) ||
        json_object_set_new(doc, "generated_at", json_string(now))) {
        json_decref(doc);
        return tl_err_set(err, TL_ENOMEM, "out of memory writing the rollout report");
    }
    pthread_mutex_lock(&cache.lock);
    keep(path, name, version, doc);
    pthread_mutex_unlock(&cache.lock);
    *out = served(doc, false);
    json_decref(doc);
    return *out ? TL_OK : tl_err_set(err, TL_ENOMEM, "out of memory writing the rollout report");
}

void tl_rollout_report_cache_clear(void)
{
    pthread_mutex_lock(&cache.lock);
    for (int i = 0; i < SLOTS; i++)
        slot_clear(&cache.s[i]);
    pthread_mutex_unlock(&cache.lock);
}
