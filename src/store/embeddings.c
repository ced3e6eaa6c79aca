/* embeddings.c — the embeddings cache table. */
#include "store/embeddings.h"
#include "store/store_int.h"

#include <string.h>

uint64_t tl_text_hash(const char *text)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *text; text++)
        h = (h ^ (unsigned char)*text) * 1099511628211ULL;
    return h;
}

int tl_store_embedding_get(tl_store *st, const char *kind, const char *id, const char *model,
                           uint64_t text_hash, float *vec, size_t dim, int *hit, tl_err *err)
{
    *hit = 0;
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_EMBEDDING_GET,
                                     "SELECT text_hash, dim, vec FROM embeddings WHERE "
                                     "owner_kind=?1 AND owner_id=?2 AND model=?3",
                                     err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, kind);
    tl__bind_text(s, 2, id);
    tl__bind_text(s, 3, model);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && (uint64_t)sqlite3_column_int64(s, 0) == text_hash &&
        (size_t)sqlite3_column_int64(s, 1) == dim &&
        (size_t)sqlite3_column_bytes(s, 2) == dim * sizeof(float)) {
        memcpy(vec, sqlite3_column_blob(s, 2), dim * sizeof(float));
        *hit = 1;
    } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
        return tl__store_fail(st, err, "read embedding");
    }
    sqlite3_reset(s);
    return TL_OK;
}

int tl_store_embedding_put(tl_store *st, const char *kind, const char *id, const char *model,
                           uint64_t text_hash, const float *vec, size_t dim, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_EMBEDDING_PUT,
        "INSERT OR REPLACE INTO embeddings(owner_kind, owner_id, model, text_hash, dim, vec) "
        "VALUES(?1,?2,?3,?4,?5,?6)",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, kind);
    tl__bind_text(s, 2, id);
    tl__bind_text(s, 3, model);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)text_hash);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)dim);
    sqlite3_bind_blob(s, 6, vec, (int)(dim * sizeof(float)), SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write embedding");
    sqlite3_reset(s);
    return TL_OK;
}
