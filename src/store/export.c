/* export.c — SELECTs for the export, pseudonymised and full. */
#include "store/export.h"
#include "store/store_int.h"

#include <stdio.h>

#define EXPORT_MAX_COLS 24

typedef struct {
    const char *table, *select, *order;
} export_table;

/* Pseudonymised: the customer column first (the caller hashes it); names,
 * documents, post text, transaction and idempotency IDs and merchants (free
 * text that may name a person) are left out; age becomes a band. */
static const export_table pseudo[] = {
    {"customers",
     "SELECT id AS customer, gender, CASE WHEN age IS NULL THEN NULL WHEN age < 18 THEN "
     "'under 18' WHEN age < 25 THEN '18-24' WHEN age < 35 THEN '25-34' WHEN age < 45 THEN "
     "'35-44' WHEN age < 55 THEN '45-54' WHEN age < 65 THEN '55-64' ELSE '65+' END AS age_band,"
     " city, country, balance, currency, income, risk_profile, account_status FROM customers",
     "rowid"},
    {"monthly",
     "SELECT customer_id AS customer, printf('%04d-%02d', month / 12, month % 12 + 1) AS month, "
     "total, count, source FROM monthly",
     "customer_id, month"},
    {"transactions",
     "SELECT customer_id AS customer, day, amount, direction, currency, category, "
     "payment_mode FROM transactions",
     "customer_id, day, txn_id"},
    {"holdings", "SELECT customer_id AS customer, product_id, since, source FROM holdings",
     "customer_id, product_id"},
    {"events", "SELECT customer_id AS customer, product_id, kind, channel, at FROM events", "id"},
    {"consent",
     "SELECT customer_id AS customer, personalisation, social_data, llm, updated_at FROM "
     "consent",
     "customer_id"},
    {"contact_optouts", "SELECT customer_id AS customer, channel, since FROM contact_optouts",
     "customer_id, channel"},
};

static const export_table full_tables[] = {
    {"customers", "SELECT * FROM customers", "rowid"},
    {"monthly", "SELECT * FROM monthly", "customer_id, month"},
    /* Not the internal id (bulk.h): the same columns as before schema 8. */
    {"transactions",
     "SELECT customer_id, txn_id, day, month, amount, direction, currency, category, merchant,"
     " payment_mode FROM transactions",
     "customer_id, day, txn_id"},
    {"posts", "SELECT * FROM posts", "id"},
    {"holdings", "SELECT * FROM holdings", "customer_id, product_id"},
    {"events", "SELECT * FROM events", "id"},
    {"consent", "SELECT * FROM consent", "customer_id"},
    {"contact_optouts", "SELECT * FROM contact_optouts", "customer_id, channel"},
};

static const export_table *table_at(bool full, size_t i)
{
    return full ? &full_tables[i] : &pseudo[i];
}

size_t tl_store_export_tables(bool full)
{
    return full ? sizeof full_tables / sizeof *full_tables : sizeof pseudo / sizeof *pseudo;
}

const char *tl_store_export_table_name(bool full, size_t i)
{
    return table_at(full, i)->table;
}

int tl_store_export_count(tl_store *st, bool full, size_t i, long long *rows, tl_err *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table_at(full, i)->table);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "export: count rows");
    int step = sqlite3_step(s);
    *rows = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return step == SQLITE_ROW ? TL_OK : tl__store_fail(st, err, "export: count rows");
}

int tl_store_export_each(tl_store *st, bool full, size_t i,
                         int (*cb)(void *ctx, const tl_export_row *r), void *ctx, tl_err *err)
{
    const export_table *t = table_at(full, i);
    char sql[1024];
    snprintf(sql, sizeof sql, "%s ORDER BY %s", t->select, t->order);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "export: read rows");
    int n = sqlite3_column_count(s);
    if (n > EXPORT_MAX_COLS)
        n = EXPORT_MAX_COLS;
    const char *names[EXPORT_MAX_COLS], *values[EXPORT_MAX_COLS];
    int types[EXPORT_MAX_COLS], customer_col = -1;
    for (int c = 0; c < n; c++) {
        names[c] = sqlite3_column_name(s, c);
        if (customer_col < 0 &&
            (sqlite3_stricmp(names[c], "customer") == 0 ||
             sqlite3_stricmp(names[c], "customer_id") == 0 ||
             (sqlite3_stricmp(names[c], "id") == 0 && sqlite3_stricmp(t->table, "customers") == 0)))
            customer_col = c;
    }
    /* The header first, so a table without rows still has its columns. */
    tl_export_row head = {n, names, NULL, NULL, customer_col};
    int step = SQLITE_DONE, rc = cb(ctx, &head);
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < n; c++) {
            int ty = sqlite3_column_type(s, c);
            types[c] = ty == SQLITE_INTEGER ? TL_COL_INT
                       : ty == SQLITE_FLOAT ? TL_COL_REAL
                       : ty == SQLITE_NULL  ? TL_COL_NULL
                                            : TL_COL_TEXT;
            values[c] = (const char *)sqlite3_column_text(s, c);
        }
        tl_export_row r = {n, names, values, types, customer_col};
        if ((rc = cb(ctx, &r)))
            break;
    }
    if (!rc && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "export: read rows");
    sqlite3_finalize(s);
    return rc;
}
