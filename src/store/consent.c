/* consent.c — the consent table. */
#include "store/consent.h"
#include "store/store_int.h"

int tl_store_consent_get(tl_store *st, const char *customer_id, tl_consent *out, tl_err *err)
{
    *out = (tl_consent){1, 1, 0, 0};
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_CONSENT_GET,
        "SELECT personalisation, social_data, llm FROM consent WHERE customer_id=?1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = (tl_consent){sqlite3_column_int(s, 0) != 0, sqlite3_column_int(s, 1) != 0,
                            sqlite3_column_int(s, 2) != 0, 1};
    else if (step != SQLITE_DONE)
        return tl__store_fail(st, err, "read consent");
    sqlite3_reset(s);
    return TL_OK;
}

int tl_store_consent_put(tl_store *st, const char *customer_id, const tl_consent *c,
                         tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_CONSENT_PUT,
        "INSERT INTO consent(customer_id, personalisation, social_data, llm, updated_at) "
        "VALUES(?1,?2,?3,?4,strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
        "ON CONFLICT(customer_id) DO UPDATE SET personalisation=?2, social_data=?3, llm=?4, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now')",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, customer_id);
    sqlite3_bind_int(s, 2, c->personalisation != 0);
    sqlite3_bind_int(s, 3, c->social_data != 0);
    sqlite3_bind_int(s, 4, c->llm != 0);
    if (sqlite3_step(s) != SQLITE_DONE)
        return tl__store_fail(st, err, "write consent");
    return TL_OK;
}
