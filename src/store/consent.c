/* consent.c — the consent table, and the defaults kept in `meta`. */
#include "store/consent.h"
#include "store/store_int.h"

#include <string.h>

#define KEY_PERSONALISATION "consent.default.personalisation"
#define KEY_SOCIAL "consent.default.social_data"
#define KEY_LLM "consent.default.llm"

int tl_store_consent_defaults_get(tl_store *st, tl_consent *out, tl_err *err)
{
    *out = TL_CONSENT_BUILTIN_DEFAULTS;
    /* Three lookups by primary key in one row (NULL: not set), read on
     * every request of a customer without a record, so always current.
     * Written as `key IN (...)`, SQLite built a temporary table of the
     * three keys on each run (a customer's consent read in autocommit
     * took 12-14 microseconds with it, 9-11 without). */
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_CONSENT_DEFAULTS_GET,
        "SELECT (SELECT value FROM meta WHERE key='" KEY_PERSONALISATION "'), "
        "(SELECT value FROM meta WHERE key='" KEY_SOCIAL "'), "
        "(SELECT value FROM meta WHERE key='" KEY_LLM "')",
        err);
    if (!s)
        return TL_EDB;
    if (sqlite3_step(s) != SQLITE_ROW)
        return tl__store_fail(st, err, "read consent defaults");
    int *fields[3] = {&out->personalisation, &out->social_data, &out->llm};
    for (int i = 0; i < 3; i++)
        if (sqlite3_column_type(s, i) != SQLITE_NULL)
            *fields[i] = sqlite3_column_int(s, i) != 0;
    sqlite3_reset(s);
    return TL_OK;
}

int tl_store_consent_defaults_put(tl_store *st, const tl_consent *d, tl_err *err)
{
    const char *keys[3] = {KEY_PERSONALISATION, KEY_SOCIAL, KEY_LLM};
    int vals[3] = {d->personalisation != 0, d->social_data != 0, d->llm != 0};
    for (int i = 0; i < 3; i++) {
        sqlite3_stmt *s = tl__store_stmt(
            st, TL_STMT_CONSENT_DEFAULTS_PUT,
            "INSERT INTO meta(key, value) VALUES(?1, ?2) "
            "ON CONFLICT(key) DO UPDATE SET value=?2",
            err);
        if (!s)
            return TL_EDB;
        tl__bind_text(s, 1, keys[i]);
        sqlite3_bind_int(s, 2, vals[i]);
        if (sqlite3_step(s) != SQLITE_DONE)
            return tl__store_fail(st, err, "write consent defaults");
    }
    return TL_OK;
}

int tl_store_consent_get(tl_store *st, const char *customer_id, tl_consent *out, tl_err *err)
{
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
    if (step == SQLITE_DONE)
        return tl_store_consent_defaults_get(st, out, err);
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
