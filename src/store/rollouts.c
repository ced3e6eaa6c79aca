/* rollouts.c — the rollouts table (rollouts.h). */
#include "store/rollouts.h"
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "base/str.h"

static const char *const rollout_columns = "id, name, share, salt, started_at, ended_at";

static void row_read(sqlite3_stmt *s, tl_rollout *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    tl_strlcpy(r->name, (const char *)sqlite3_column_text(s, 1), sizeof r->name);
    r->share = sqlite3_column_double(s, 2);
    tl_strlcpy(r->salt, (const char *)sqlite3_column_text(s, 3), sizeof r->salt);
    tl_strlcpy(r->started_at, (const char *)sqlite3_column_text(s, 4), sizeof r->started_at);
    const unsigned char *end = sqlite3_column_text(s, 5);
    if (end)
        tl_strlcpy(r->ended_at, (const char *)end, sizeof r->ended_at);
}

int tl_store_rollout_active(tl_store *st, tl_rollout *out, bool *found, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st,
                                       "SELECT id, name, share, salt, started_at, ended_at "
                                       "FROM rollouts WHERE ended_at IS NULL",
                                       &owned, err);
    if (!s)
        return TL_EDB;
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (*found)
        row_read(s, out);
    tl__store_release(s, owned);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return tl__store_fail(st, err, "read the running rollout");
    return TL_OK;
}

/* Names and salts appear in URLs, file names and reports: letters, digits
 * and . _ - only. */
static bool token_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '.' || *p == '_' || *p == '-'))
            return false;
    return true;
}

static int fresh_salt(char out[TL_ROLLOUT_SALT_MAX], tl_err *err)
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return tl_err_set(err, TL_EIO, "rollout salt: the system's random source failed");
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    return TL_OK;
}

/* Runs `sql` (bound to name at ?1 when name is not NULL) and reads its first
 * row into *out; *found tells whether there was one. */
static int query_one(tl_store *st, const char *sql, const char *name, tl_rollout *out,
                     bool *found, tl_err *err)
{
    *found = false;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read rollouts");
    if (name)
        tl__bind_text(s, 1, name);
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    if (*found)
        row_read(s, out);
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return tl__store_fail(st, err, "read rollouts");
    return TL_OK;
}

int tl_store_rollout_start(tl_store *st, const char *name, double share, const char *salt,
                           tl_rollout *out, tl_err *err)
{
    if (!token_ok(name, TL_ROLLOUT_NAME_MAX))
        return tl_err_set(err, TL_EINPUT,
                          "rollout name \"%s\": 1 to %d letters, digits, '.', '_' or '-'", name,
                          TL_ROLLOUT_NAME_MAX - 1);
    if (!(share > 0 && share < 1))
        return tl_err_set(err, TL_EINPUT,
                          "rollout share %g: the share of customers personalised must be "
                          "above 0 and below 1 (stop the rollout to personalise everyone)",
                          share);
    if (salt && !token_ok(salt, TL_ROLLOUT_SALT_MAX))
        return tl_err_set(err, TL_EINPUT,
                          "rollout salt \"%s\": 1 to %d letters, digits, '.', '_' or '-'", salt,
                          TL_ROLLOUT_SALT_MAX - 1);
    tl_rollout prev;
    bool found;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts WHERE ended_at IS NULL", rollout_columns);
    int rc = query_one(st, sql, NULL, &prev, &found, err);
    if (rc)
        return rc;
    if (found)
        return tl_err_set(err, TL_ECONFLICT,
                          "rollout '%s' is running (since %s): stop it before starting '%s'",
                          prev.name, prev.started_at, name);
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts WHERE name=?1", rollout_columns);
    if ((rc = query_one(st, sql, name, &prev, &found, err)))
        return rc;
    if (found)
        return tl_err_set(err, TL_ECONFLICT,
                          "rollout '%s' ran before (%s to %s): give this stage a new name", name,
                          prev.started_at, prev.ended_at);
    char salt_buf[TL_ROLLOUT_SALT_MAX];
    if (!salt) {
        snprintf(sql, sizeof sql, "SELECT %s FROM rollouts ORDER BY id DESC LIMIT 1",
                 rollout_columns);
        if ((rc = query_one(st, sql, NULL, &prev, &found, err)))
            return rc;
        if (found)
            tl_strlcpy(salt_buf, prev.salt, sizeof salt_buf);
        else if ((rc = fresh_salt(salt_buf, err)))
            return rc;
        salt = salt_buf;
    }
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO rollouts(name, share, salt, started_at) "
                           "VALUES(?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "start rollout");
    tl__bind_text(s, 1, name);
    sqlite3_bind_double(s, 2, share);
    tl__bind_text(s, 3, salt);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "start rollout");
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts WHERE name=?1", rollout_columns);
    return query_one(st, sql, name, out, &found, err);
}

int tl_store_rollout_stop(tl_store *st, tl_rollout *out, tl_err *err)
{
    bool found;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts WHERE ended_at IS NULL", rollout_columns);
    int rc = query_one(st, sql, NULL, out, &found, err);
    if (rc)
        return rc;
    if (!found)
        return tl_err_set(err, TL_ENOTFOUND, "no rollout is running");
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE rollouts SET ended_at = max(started_at, "
                           "strftime('%Y-%m-%dT%H:%M:%SZ','now')) WHERE id=?1",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "stop rollout");
    sqlite3_bind_int64(s, 1, out->id);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "stop rollout");
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts WHERE name=?1", rollout_columns);
    char name[TL_ROLLOUT_NAME_MAX];
    tl_strlcpy(name, out->name, sizeof name);
    return query_one(st, sql, name, out, &found, err);
}

int tl_store_rollout_get(tl_store *st, const char *name, tl_rollout *out, tl_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts WHERE name=?1", rollout_columns);
    bool found;
    int rc = query_one(st, sql, name, out, &found, err);
    if (!rc && !found)
        rc = tl_err_set(err, TL_ENOTFOUND, "rollout '%s' not found", name);
    return rc;
}

int tl_store_rollouts_each(tl_store *st, int (*cb)(void *ctx, const tl_rollout *r), void *ctx,
                           tl_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM rollouts ORDER BY id DESC", rollout_columns);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "list rollouts");
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_rollout r;
        row_read(s, &r);
        if (cb(ctx, &r))
            break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TL_OK
                                                       : tl__store_fail(st, err, "list rollouts");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_events_in_window(tl_store *st, const char *from, const char *to,
                              int (*cb)(void *ctx, const tl_window_event *e), void *ctx,
                              tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT customer_id, kind, at FROM events "
                           "WHERE at >= ?1 AND (?2 IS NULL OR at < ?2)",
                           -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read events");
    tl__bind_text(s, 1, from);
    tl__bind_text(s, 2, to);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_window_event e = {(const char *)sqlite3_column_text(s, 0),
                             (const char *)sqlite3_column_text(s, 1),
                             (const char *)sqlite3_column_text(s, 2)};
        if (cb(ctx, &e))
            break;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? TL_OK
                                                       : tl__store_fail(st, err, "read events");
    sqlite3_finalize(s);
    return rc;
}
