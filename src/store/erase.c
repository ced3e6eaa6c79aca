/* erase.c — deleting one customer's rows everywhere. */
#include "store/erase.h"
#include "store/store_int.h"

#include <string.h>

/* Children first, so the counts are ours and not the cascade's. Each
 * statement takes the customer id as ?1 (and the pseudonym as ?2). */
static const struct {
    const char *table, *sql;
} steps[] = {
    {"embeddings",
     "DELETE FROM embeddings WHERE (owner_kind='customer' AND owner_id=?1) OR "
     "(owner_kind='post' AND owner_id IN (SELECT CAST(id AS TEXT) FROM posts "
     "WHERE customer_id=?1))"},
    {"scored", "DELETE FROM scored WHERE customer_id=?1"},
    {"consent", "DELETE FROM consent WHERE customer_id=?1"},
    {"contact_optouts", "DELETE FROM contact_optouts WHERE customer_id=?1"},
    /* The overview's tally (migration 14) loses the customer's events;
     * not a table of theirs, so not reported. */
    {NULL,
     "UPDATE event_tally SET n = n - x.c FROM (SELECT substr(at, 1, 10) AS d,"
     " coalesce(channel, '') AS ch, kind AS k, count(*) AS c FROM events WHERE customer_id=?1"
     " GROUP BY 1, 2, 3) AS x WHERE day = x.d AND channel = x.ch AND kind = x.k"},
    {"events", "DELETE FROM events WHERE customer_id=?1"},
    {"holdings", "DELETE FROM holdings WHERE customer_id=?1"},
    {"posts", "DELETE FROM posts WHERE customer_id=?1"},
    {"monthly", "DELETE FROM monthly WHERE customer_id=?1"},
    /* What their transactions add up to (migration 15): derived from the
     * transactions below and counted with them, so not reported. The
     * customer's row would take it too (ON DELETE CASCADE); said here. */
    {NULL, "DELETE FROM txn_summary WHERE customer_id=?1"},
    {"transactions",
     "DELETE FROM transactions WHERE id >= (SELECT key FROM txn_owners WHERE customer_id=?1)"
     " * 4294967296 AND id < (SELECT key + 1 FROM txn_owners WHERE customer_id=?1) * 4294967296"},
    {"customers", "DELETE FROM customers WHERE id=?1"},
    {"audit", "UPDATE audit SET subject=?2 WHERE subject=?1"},
};

int tl_store_erase_customer(tl_store *st, const char *id, const char *pseudonym,
                            tl_erase_rows *out, tl_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM customers WHERE id=?1", -1, &s, NULL) !=
        SQLITE_OK)
        return tl__store_fail(st, err, "erase: look up customer");
    tl__bind_text(s, 1, id);
    int step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step == SQLITE_DONE)
        return tl_err_set(err, TL_ENOTFOUND, "no such customer");
    if (step != SQLITE_ROW)
        return tl__store_fail(st, err, "erase: look up customer");
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        if (sqlite3_prepare_v2(st->db, steps[i].sql, -1, &s, NULL) != SQLITE_OK)
            return tl__store_fail(st, err, "erase: prepare");
        tl__bind_text(s, 1, id);
        if (sqlite3_bind_parameter_count(s) >= 2)
            tl__bind_text(s, 2, pseudonym);
        step = sqlite3_step(s);
        sqlite3_finalize(s);
        if (step != SQLITE_DONE)
            return tl__store_fail(st, err, steps[i].table ? steps[i].table : "derived counts");
        if (!steps[i].table)
            continue;
        out->table[out->n] = steps[i].table;
        out->rows[out->n++] = sqlite3_changes(st->db);
    }
    return TL_OK;
}
