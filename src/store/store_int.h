/* store_int.h — private to src/store/: the connection and its statement
 * cache. */
#ifndef TL_STORE_INT_H
#define TL_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "store/write_gate.h"

/* Every cached statement has a slot; tables' files prepare theirs lazily
 * through tl__store_stmt(). */
enum tl__stmt_id {
    TL_STMT_CUSTOMER_UPSERT,
    TL_STMT_CUSTOMER_GET,
    TL_STMT_CUSTOMER_EXISTS,
    TL_STMT_MONTHLY_DELETE,
    TL_STMT_MONTHLY_INSERT,
    TL_STMT_MONTHLY_GET,
    TL_STMT_POST_UPSERT,
    TL_STMT_POSTS_GET,
    TL_STMT_PRODUCT_UPSERT,
    TL_STMT_PRODUCT_GET,
    TL_STMT_PRODUCT_EXISTS,
    TL_STMT_PRODUCT_BY_NAME,
    TL_STMT_REVIEW_UPSERT,
    TL_STMT_REVIEWS_GET,
    TL_STMT_HOLDING_UPSERT,
    TL_STMT_HOLDINGS_GET,
    TL_STMT_BULK_TXN_INSERT,   /* bulk.c */
    TL_STMT_BULK_TXN_INSERT_MANY, /* bulk.c */
    TL_STMT_BULK_TXN_GET,      /* bulk.c */
    TL_STMT_BULK_TXN_SCAN,     /* bulk.c */
    TL_STMT_BULK_TXN_UPDATE,   /* bulk.c */
    TL_STMT_BULK_OWNER_GET,    /* bulk.c */
    TL_STMT_BULK_OWNER_ADD,    /* bulk.c */
    TL_STMT_BULK_OWNER_ROWS,   /* bulk.c */
    TL_STMT_BULK_MONTHLY_PUT,  /* bulk.c */
    TL_STMT_EMBEDDING_GET,
    TL_STMT_EMBEDDING_PUT,
    TL_STMT_EVENT_ADD,
    TL_STMT_EVENT_TALLY,
    TL_STMT_EVENTS_RECENT,
    TL_STMT_SCORED_DELETE,
    TL_STMT_SCORED_INSERT,
    TL_STMT_CONSENT_GET,
    TL_STMT_CONSENT_PUT,
    TL_STMT_CONSENT_DEFAULTS_GET,
    TL_STMT_CONSENT_DEFAULTS_PUT,
    TL_STMT_AUDIT_APPEND,      /* audit.c */
    TL_STMT_AUDIT_LAST,
    TL_STMT_LLM_CACHE_GET,
    TL_STMT_LLM_CACHE_PUT,
    TL_STMT_TXN_SUMMARY_GET,   /* transactions.c */
    TL_STMT_TXN_SUMMARY_DELETE,
    TL_STMT_TXN_SUMMARY_PUT,
    TL_STMT_COUNT
};

/* Statements cached by their SQL text's address (a string literal). */
#define TL_STORE_SQL_CACHE 32

struct tl_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmts[TL_STMT_COUNT];
    const char *cached_sql[TL_STORE_SQL_CACHE];
    sqlite3_stmt *cached[TL_STORE_SQL_CACHE];
    int64_t place_last;  /* migration 8's tl_txn_place: the last id given */
    int scan_valid;      /* bulk.c: TL_STMT_BULK_TXN_SCAN is on row scan_id */
    int64_t scan_id;
    tl_write_gate *gate; /* write_gate.h: NULL for read-only stores */
    bool gate_held;      /* between tl_store_begin and the transaction's end */
    bool readonly;
    int scans;           /* tl_store_scan_begin depth: reads are mapped while > 0 */
};

/* Returns the cached statement for `id`, preparing `sql` the first time,
 * reset and with bindings cleared; NULL on error (err filled). */
sqlite3_stmt *tl__store_stmt(tl_store *st, enum tl__stmt_id id, const char *sql, tl_err *err);

/* Returns the connection's statement for the string literal `sql`,
 * prepared on first use and kept until the store is closed, reset and with
 * bindings cleared; NULL on error (err filled). For queries run on every
 * request, where preparing costs as much as running them. The caller
 * resets it after use (sqlite3_reset, never finalize), which ends its read.
 * Past TL_STORE_SQL_CACHE distinct texts it falls back to a fresh statement
 * flagged by *owned = 1, which the caller finalizes instead. */
sqlite3_stmt *tl__store_cached(tl_store *st, const char *sql, int *owned, tl_err *err);

/* Ends the use of a statement from tl__store_cached(). */
void tl__store_release(sqlite3_stmt *s, int owned);

/* The triggers that keep the customer search index (schema 7) in step with
 * `customers`: created by the migration, dropped and created again around
 * bulk writes (tl_store_customer_search_pause/resume). */
#define TL__CUSTOMERS_SEARCH_TRIGGERS                                                   \
    "CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN"            \
    "  INSERT INTO customers_search(rowid, id, name, city)"                             \
    "  VALUES(new.rowid, new.id, new.name, new.city); END;"                             \
    "CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN"            \
    "  INSERT INTO customers_search(customers_search, rowid, id, name, city)"           \
    "  VALUES('delete', old.rowid, old.id, old.name, old.city); END;"                   \
    "CREATE TRIGGER customers_search_update AFTER UPDATE OF id, name, city ON customers " \
    "BEGIN"                                                                             \
    "  INSERT INTO customers_search(customers_search, rowid, id, name, city)"           \
    "  VALUES('delete', old.rowid, old.id, old.name, old.city);"                        \
    "  INSERT INTO customers_search(rowid, id, name, city)"                             \
    "  VALUES(new.rowid, new.id, new.name, new.city); END;"

/* Fills err with SQLite's message for the connection; returns TL_EDB. */
int tl__store_fail(tl_store *st, tl_err *err, const char *what);

/* Every customer with transactions or a stored transaction summary. */
#define TL__TXN_SUMMARY_SUBJECTS                                                          \
    "SELECT customer_id FROM txn_owners UNION SELECT customer_id FROM txn_summary"

/* Stores every TL__TXN_SUMMARY_SUBJECTS customer's transaction summary
 * anew where it differs from the transactions or is missing; a customer
 * left without transactions loses its rows. Runs inside the caller's write
 * transaction (tailor store repair, and the migration that made the
 * table). */
int tl__store_txn_summaries_rebuild(tl_store *st, tl_err *err);

/* Runs the one-value query `sql` (a string literal: its statement is
 * cached) into *out; NULL reads as 0. `what` names it in errors. */
int tl__store_scalar(tl_store *st, const char *sql, long long *out, const char *what,
                     tl_err *err);

/* The store's page size in bytes (4096 if it cannot be read). */
long tl__store_page_size(tl_store *st);

/* Binds a C string or NULL as TEXT (SQLITE_TRANSIENT copy avoided: the
 * caller keeps the string alive until the step). */
int tl__bind_text(sqlite3_stmt *s, int idx, const char *v);

/* As tl__bind_text with v's length n when known; n == 0 measures it. */
int tl__bind_textn(sqlite3_stmt *s, int idx, const char *v, uint32_t n);

/* Returns a malloc'd copy of a TEXT column, or NULL for SQL NULL. */
char *tl__column_dup(sqlite3_stmt *s, int col);

#endif
