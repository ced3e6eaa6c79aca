/* llm_cache.c — the llm_cache table. */
#include "store/llm_cache.h"

#include "store/store_int.h"

int tl_store_llm_cache_get(tl_store *st, const char *prompt_hash, const char *model,
                           char **response, tl_err *err)
{
    *response = NULL;
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_LLM_CACHE_GET,
        "SELECT response FROM llm_cache WHERE prompt_hash=?1 AND model=?2", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, prompt_hash);
    tl__bind_text(s, 2, model);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *response = tl__column_dup(s, 0);
        sqlite3_reset(s);
        return *response ? TL_OK : tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "read llm_cache");
    return TL_OK;
}

int tl_store_llm_cache_put(tl_store *st, const char *prompt_hash, const char *model,
                           const char *response, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_LLM_CACHE_PUT,
        "INSERT OR REPLACE INTO llm_cache(prompt_hash, model, response, created_at) "
        "VALUES(?1,?2,?3,strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, prompt_hash);
    tl__bind_text(s, 2, model);
    tl__bind_text(s, 3, response);
    int step = sqlite3_step(s);
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "write llm_cache");
    return TL_OK;
}
