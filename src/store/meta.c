/* meta.c — the meta table. */
#include "store/meta.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

int tl_store_meta_get(tl_store *st, const char *key, void *buf, size_t size, size_t *len,
                      bool *found, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, "SELECT value FROM meta WHERE key=?1", &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, key);
    int step = sqlite3_step(s);
    *found = step == SQLITE_ROW;
    *len = 0;
    if (*found) {
        const void *v = sqlite3_column_blob(s, 0);
        *len = (size_t)sqlite3_column_bytes(s, 0);
        if (v)
            memcpy(buf, v, *len < size ? *len : size);
    }
    tl__store_release(s, owned);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return tl__store_fail(st, err, "read setting");
    return TL_OK;
}

/* Runs an INSERT of (key, value) with the given conflict clause. */
static int meta_write(tl_store *st, const char *sql, const char *key, const void *value,
                      size_t len, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "write setting");
    tl__bind_text(s, 1, key);
    sqlite3_bind_blob(s, 2, value, (int)len, SQLITE_STATIC);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? TL_OK : tl__store_fail(st, err, "write setting");
}

int tl_store_meta_put_new(tl_store *st, const char *key, const void *value, size_t len,
                          tl_err *err)
{
    return meta_write(st, "INSERT OR IGNORE INTO meta(key, value) VALUES(?1, ?2)", key, value,
                      len, err);
}

int tl_store_meta_put(tl_store *st, const char *key, const void *value, size_t len,
                      tl_err *err)
{
    return meta_write(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", key, value,
                      len, err);
}

int tl_store_meta_get_text(tl_store *st, const char *key, char **out, tl_err *err)
{
    *out = NULL;
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, "SELECT value FROM meta WHERE key=?1", &owned, err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, key);
    int step = sqlite3_step(s), rc = TL_OK;
    if (step == SQLITE_ROW) {
        const void *v = sqlite3_column_blob(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        if (!(*out = malloc(n + 1)))
            rc = tl_err_set(err, TL_ENOMEM, "out of memory reading a setting");
        else {
            if (n)
                memcpy(*out, v, n);
            (*out)[n] = '\0';
        }
    } else if (step != SQLITE_DONE) {
        rc = tl__store_fail(st, err, "read setting");
    }
    tl__store_release(s, owned);
    return rc;
}
