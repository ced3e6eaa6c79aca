/* store.c — connection, pragmas, schema migrations, transactions. */
#include "store/store_int.h"
#include "store/bulk.h"
#include "store/write_gate.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/log.h"
#include "base/progress.h"

/* Migrations, applied in order; migration i brings user_version from i to
 * i+1. Never edit a released entry: append a new one. */
static const char *const migrations[] = {
    /* 0 → 1: the canonical schema. */
    "CREATE TABLE customers("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT, gender TEXT, age INTEGER, city TEXT, country TEXT,"
    "  balance REAL, currency TEXT, income REAL, risk_profile TEXT,"
    "  account_status TEXT,"
    "  doc TEXT NOT NULL,"            /* the whole record as received, JSON */
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX customers_name ON customers(name);"
    "CREATE INDEX customers_age ON customers(age);"
    "CREATE TABLE transactions("
    "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    "  txn_id TEXT NOT NULL, day TEXT NOT NULL, month INTEGER NOT NULL,"
    "  amount REAL NOT NULL, direction INTEGER NOT NULL," /* -1 debit, +1 credit */
    "  currency TEXT, category TEXT, merchant TEXT, payment_mode TEXT,"
    "  PRIMARY KEY(customer_id, txn_id)) WITHOUT ROWID;"
    "CREATE TABLE monthly("
    "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    "  month INTEGER NOT NULL,"       /* year*12 + month-1 */
    "  total REAL NOT NULL, count INTEGER NOT NULL,"
    "  source TEXT NOT NULL,"         /* 'imported' or 'computed' */
    "  PRIMARY KEY(customer_id, month)) WITHOUT ROWID;"
    "CREATE TABLE posts("
    "  id INTEGER PRIMARY KEY,"
    "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    "  platform TEXT NOT NULL DEFAULT '', topic TEXT NOT NULL DEFAULT '',"
    "  text TEXT NOT NULL, posted_at TEXT,"
    "  UNIQUE(customer_id, platform, topic, text));"
    "CREATE TABLE products("
    "  id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,"
    "  doc TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE reviews("
    "  id INTEGER PRIMARY KEY,"
    "  product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,"
    "  text TEXT NOT NULL, rating REAL,"
    "  UNIQUE(product_id, text));"
    "CREATE TABLE holdings("
    "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    "  product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,"
    "  since TEXT, source TEXT NOT NULL,"
    "  PRIMARY KEY(customer_id, product_id)) WITHOUT ROWID;"
    "CREATE INDEX holdings_product ON holdings(product_id);"
    "CREATE TABLE events("
    "  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, product_id TEXT,"
    "  kind TEXT NOT NULL, channel TEXT, idempotency_key TEXT UNIQUE,"
    "  at TEXT NOT NULL);"
    "CREATE INDEX events_customer ON events(customer_id);"
    "CREATE TABLE consent("
    "  customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,"
    "  personalisation INTEGER NOT NULL, social_data INTEGER NOT NULL,"
    "  llm INTEGER NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, subject TEXT NOT NULL,"
    "  kind TEXT NOT NULL, doc TEXT NOT NULL);",
    /* 1 → 2: cached embeddings, keyed by what was embedded and by which
     * model, so a model change recomputes them. */
    "CREATE TABLE embeddings("
    "  owner_kind TEXT NOT NULL, owner_id TEXT NOT NULL, model TEXT NOT NULL,"
    "  text_hash INTEGER NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL,"
    "  PRIMARY KEY(owner_kind, owner_id, model)) WITHOUT ROWID;",
    /* 2 → 3: batch-scored recommendations, one row per customer and rank. */
    "CREATE TABLE scored("
    "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
    "  rank INTEGER NOT NULL, product_id TEXT NOT NULL, score REAL NOT NULL,"
    "  reasons TEXT NOT NULL, scored_at TEXT NOT NULL,"
    "  PRIMARY KEY(customer_id, rank)) WITHOUT ROWID;",
    /* 3 → 4: governance. The audit log becomes append-only in the database
     * itself: no DELETE, and no UPDATE except erasure rewriting `subject` to
     * a pseudonym ("erased:…") once. `meta` keeps per-store settings such as
     * the pseudonym secret. */
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE INDEX audit_subject ON audit(subject, id);"
    "CREATE INDEX audit_kind ON audit(kind, id);"
    "CREATE INDEX events_product ON events(product_id, kind);"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN "
    "  SELECT RAISE(ABORT, 'audit log is append-only: entries cannot be deleted'); END;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN "
    "  NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind OR "
    "  NEW.doc IS NOT OLD.doc OR substr(NEW.subject, 1, 7) IS NOT 'erased:' OR "
    "  substr(OLD.subject, 1, 7) IS 'erased:' BEGIN "
    "  SELECT RAISE(ABORT, 'audit log is append-only: only erasure may pseudonymise a "
    "subject'); END;",
    /* 4 → 5: validated LLM replies, keyed by the hash of the prompt and the
     * model that answered, so an identical request is not sent twice. */
    "CREATE TABLE llm_cache("
    "  prompt_hash TEXT NOT NULL, model TEXT NOT NULL, response TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  PRIMARY KEY(prompt_hash, model)) WITHOUT ROWID;",
    /* 5 → 6: the online acceptance model's weights, per customer segment
     * ('*' for the global layer) and feature, stored as offsets from their
     * initial values (recommend/learn.h). */
    "CREATE TABLE learned_weights("
    "  segment TEXT NOT NULL, feature TEXT NOT NULL,"
    "  weight REAL NOT NULL, n INTEGER NOT NULL, updated_at TEXT NOT NULL,"
    "  PRIMARY KEY(segment, feature)) WITHOUT ROWID;"
    "CREATE INDEX events_customer_product ON events(customer_id, product_id);",
    /* 6 → 7: the customer list at a million rows. Segment filters get
     * indexes (NOCASE, as the list compares them), and substring search a
     * trigram index over id, name and city kept in step by triggers, so a
     * search reads its matches instead of the whole table. */
    "CREATE INDEX customers_risk ON customers(risk_profile COLLATE NOCASE, age);"
    "CREATE INDEX customers_status ON customers(account_status COLLATE NOCASE, age);"
    "CREATE INDEX customers_balance ON customers(balance);"
    "CREATE VIRTUAL TABLE customers_search USING fts5(id, name, city, content='customers',"
    "  content_rowid='rowid', tokenize='trigram');"
    "INSERT INTO customers_search(customers_search) VALUES('rebuild');"
    TL__CUSTOMERS_SEARCH_TRIGGERS,
    /* 7 → 8: raw transactions keyed by an integer. Each customer with
     * transactions gets a key in txn_owners; a transaction's id is
     * key * 2^32 + slot, the slot found by linear probing from a hash of
     * its txn_id (tl_store_txn_home), so a customer's rows are one id range
     * and finding (customer, txn_id) is one integer seek, without a text
     * index (docs/store.md). Rows are copied in home order, which is what
     * tl_txn_place (store.c) needs to place colliding ones. Erasing a
     * customer removes their range through a trigger, as the foreign key's
     * cascade did. */
    "CREATE TABLE txn_owners(key INTEGER PRIMARY KEY, customer_id TEXT NOT NULL UNIQUE);"
    "INSERT INTO txn_owners(customer_id) SELECT DISTINCT customer_id FROM transactions"
    "  ORDER BY customer_id;"
    "CREATE TEMP TABLE txn_v8 AS SELECT tl_txn_home(o.key, t.txn_id) AS home, t.*"
    "  FROM transactions AS t JOIN txn_owners AS o USING(customer_id) ORDER BY home;"
    "CREATE TABLE transactions_v8("
    "  id INTEGER PRIMARY KEY,"
    "  customer_id TEXT NOT NULL, txn_id TEXT NOT NULL, day TEXT NOT NULL,"
    "  month INTEGER NOT NULL, amount REAL NOT NULL, direction INTEGER NOT NULL,"
    "  currency TEXT, category TEXT, merchant TEXT, payment_mode TEXT);"
    "INSERT INTO transactions_v8 SELECT tl_txn_place(home), customer_id, txn_id, day, month,"
    "  amount, direction, currency, category, merchant, payment_mode FROM temp.txn_v8"
    "  ORDER BY rowid;"
    "DROP TABLE temp.txn_v8;"
    "DROP TABLE transactions;"
    "ALTER TABLE transactions_v8 RENAME TO transactions;"
    "CREATE TRIGGER customers_txn_delete AFTER DELETE ON customers BEGIN"
    "  DELETE FROM transactions WHERE id >= (SELECT key FROM txn_owners WHERE"
    "  customer_id = old.id) * 4294967296 AND id < ((SELECT key FROM txn_owners WHERE"
    "  customer_id = old.id) + 1) * 4294967296;"
    "  DELETE FROM txn_owners WHERE customer_id = old.id; END;",
    /* 8 → 9: rollouts (rollouts.h). The partial unique index lets at most
     * one run at a time, whoever writes. */
    "CREATE TABLE rollouts("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  share REAL NOT NULL CHECK(share > 0 AND share < 1), salt TEXT NOT NULL,"
    "  started_at TEXT NOT NULL, ended_at TEXT);"
    "CREATE UNIQUE INDEX rollouts_running ON rollouts(ended_at IS NULL) WHERE ended_at IS NULL;",
    /* 9 → 10: events(customer_id) is a prefix of events_customer_product
     * (migration 6), which serves the same lookups; one index fewer to
     * maintain makes every event write cheaper (an import of a million
     * events: 10.0 s → 7.3 s). */
    "DROP INDEX IF EXISTS events_customer;",
    /* 10 → 11: the contact policy reads a customer's recent events, newest
     * first, on every recommendation (events.h). An index on (customer_id,
     * at, id) that also holds the columns it reads answers that from the
     * index alone, in order (id orders the events of one second as they
     * were written), with no table lookups and no sort; it takes the place
     * of events_customer_product, whose lookups (a customer's events of one
     * product) it serves as a scan of that customer's entries. */
    ("DROP INDEX IF EXISTS events_customer_product;"
     "CREATE INDEX events_customer_time ON events(customer_id, at, id, kind, product_id, channel);"),
    /* 11 → 12: tamper evidence. Each entry carries `chain`, the SHA-256 of
     * the previous entry's chain and its own fields (audit.h), and the
     * update trigger now keeps it as written too. Entries written before
     * have none: verification counts them as before the chain. */
    ("ALTER TABLE audit ADD COLUMN chain TEXT;"
     "DROP TRIGGER audit_no_update;"
     "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN "
     "  NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind OR "
     "  NEW.doc IS NOT OLD.doc OR NEW.chain IS NOT OLD.chain OR "
     "  substr(NEW.subject, 1, 7) IS NOT 'erased:' OR "
     "  substr(OLD.subject, 1, 7) IS 'erased:' BEGIN "
     "  SELECT RAISE(ABORT, 'audit log is append-only: only erasure may pseudonymise a "
     "subject'); END;"),
    /* 12 → 13: the channels each customer asked not to receive offers on
     * (optouts.h), removed with the customer. */
    ("CREATE TABLE contact_optouts("
     "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
     "  channel TEXT NOT NULL, since TEXT NOT NULL,"
     "  PRIMARY KEY(customer_id, channel)) WITHOUT ROWID;"),
    /* 13 → 14: the overview's feedback figures (reports.h) summed from a
     * tally of events per day, channel and kind instead of scanning every
     * event on each page view (1.2 s at a million events, growing with
     * them). events.c counts each event it writes (an import in one batch)
     * and erase.c takes a customer's events out; triggers would do the same
     * at twice the cost of an events import. A channel not named is ''. */
    ("CREATE TABLE event_tally("
     "  day TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL,"
     "  PRIMARY KEY(day, channel, kind)) WITHOUT ROWID;"
     "INSERT INTO event_tally SELECT substr(at, 1, 10), coalesce(channel, ''), kind, count(*)"
     "  FROM events GROUP BY 1, 2, 3;"),
    /* 14 → 15: what each customer's transactions add up to (transactions.h,
     * tl_store_txn_summary), written by imports so that ranking and the 360
     * read a few rows instead of every transaction. kind 0: a category,
     * 1: a payment mode (key; debits and their count), 2: a month (month;
     * debits, credits, count). migrate() fills it for the transactions
     * already stored. A customer without rows here has them computed from
     * the transactions on each read. */
    ("CREATE TABLE txn_summary("
     "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
     "  kind INTEGER NOT NULL, key TEXT NOT NULL, month INTEGER NOT NULL,"
     "  debits REAL NOT NULL, credits REAL NOT NULL, count INTEGER NOT NULL,"
     "  PRIMARY KEY(customer_id, kind, key, month)) WITHOUT ROWID;"),
};
/* The schema version whose migration made txn_summary (migrate() fills it). */
#define TXN_SUMMARY_SCHEMA 15

_Static_assert(sizeof migrations / sizeof *migrations == TL_STORE_SCHEMA_VERSION,
               "TL_STORE_SCHEMA_VERSION in store.h must equal the number of migrations");

int tl__store_fail(tl_store *st, tl_err *err, const char *what)
{
    return tl_err_set(err, TL_EDB, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *tl__store_stmt(tl_store *st, enum tl__stmt_id id, const char *sql, tl_err *err)
{
    sqlite3_stmt *s = st->stmts[id];
    if (!s) {
        if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
            tl__store_fail(st, err, "prepare");
            return NULL;
        }
        st->stmts[id] = s;
    } else {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    return s;
}

sqlite3_stmt *tl__store_cached(tl_store *st, const char *sql, int *owned, tl_err *err)
{
    *owned = 0;
    int slot = 0;
    for (; slot < TL_STORE_SQL_CACHE && st->cached_sql[slot]; slot++)
        if (st->cached_sql[slot] == sql) {
            sqlite3_stmt *s = st->cached[slot];
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
    sqlite3_stmt *s = NULL;
    unsigned flags = slot < TL_STORE_SQL_CACHE ? SQLITE_PREPARE_PERSISTENT : 0;
    if (sqlite3_prepare_v3(st->db, sql, -1, flags, &s, NULL) != SQLITE_OK) {
        tl__store_fail(st, err, "prepare");
        return NULL;
    }
    if (slot < TL_STORE_SQL_CACHE) {
        st->cached_sql[slot] = sql;
        st->cached[slot] = s;
    } else {
        *owned = 1;
    }
    return s;
}

void tl__store_release(sqlite3_stmt *s, int owned)
{
    if (owned)
        sqlite3_finalize(s);
    else
        sqlite3_reset(s);
}

int tl__bind_text(sqlite3_stmt *s, int idx, const char *v)
{
    return v ? sqlite3_bind_text(s, idx, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, idx);
}

int tl__store_scalar(tl_store *st, const char *sql, long long *out, const char *what,
                     tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, sql, &owned, err);
    if (!s)
        return TL_EDB;
    int step = sqlite3_step(s);
    *out = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    int rc = step == SQLITE_ROW ? TL_OK : tl__store_fail(st, err, what);
    tl__store_release(s, owned);
    return rc;
}

long tl__store_page_size(tl_store *st)
{
    sqlite3_stmt *s = NULL;
    long size = 4096;
    if (sqlite3_prepare_v2(st->db, "PRAGMA page_size", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0)
        size = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return size;
}

int tl__bind_textn(sqlite3_stmt *s, int idx, const char *v, uint32_t n)
{
    return v ? sqlite3_bind_text(s, idx, v, n ? (int)n : -1, SQLITE_STATIC)
             : sqlite3_bind_null(s, idx);
}

char *tl__column_dup(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    if (!t)
        return NULL;
    return strdup((const char *)t);
}

static int exec(tl_store *st, const char *sql, tl_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        tl_err_set(err, TL_EDB, "%s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return TL_EDB;
    }
    return TL_OK;
}

int tl_store_use_wal(tl_store *st, tl_err *err)
{
    int rc = exec(st, "PRAGMA journal_mode=WAL", err);
    if (rc && sqlite3_errcode(st->db) == SQLITE_BUSY)
        return tl_err_set(err, TL_EDB, "%s: locked by another process (an import creating "
                                       "the store holds it until it commits)",
                          st->path);
    if (!rc)
        sqlite3_wal_autocheckpoint(st->db, (int)(TL_STORE_LOG_BYTES / tl__store_page_size(st)));
    return rc;
}

static int user_version(tl_store *st, int *v, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "read schema version");
    int rc = sqlite3_step(s) == SQLITE_ROW ? TL_OK : TL_EDB;
    *v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return rc ? tl__store_fail(st, err, "read schema version") : TL_OK;
}

/* tl_txn_home(key, txn_id): the home id of a transaction (bulk.h). */
static void sql_txn_home(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *txn = (const char *)sqlite3_value_text(argv[1]);
    int n = sqlite3_value_bytes(argv[1]);
    sqlite3_result_int64(ctx, tl_store_txn_home(sqlite3_value_int64(argv[0]), txn ? txn : "",
                                                (size_t)n));
}

/* tl_txn_place(home): for rows fed in ascending home order (migration 8
 * only), the id each one takes under linear probing: its home, or the
 * slot after the previous row's when that is taken. Homes keep 31 bits of
 * slot, so probing stays inside the customer's 2^32 range. */
static void sql_txn_place(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    tl_store *st = sqlite3_user_data(ctx);
    int64_t home = sqlite3_value_int64(argv[0]);
    st->place_last = home > st->place_last ? home : st->place_last + 1;
    sqlite3_result_int64(ctx, st->place_last);
}

/* The summaries migration 15 leaves to C, said in the log when there are
 * transactions: a bank's millions of them take a while (11 million: 7 s),
 * and whoever started the server should know why it waits. */
static int store_txn_summaries(tl_store *st, tl_err *err)
{
    long long owners = 0;
    int rc = tl__store_scalar(st, "SELECT count(*) FROM txn_owners", &owners,
                              "count the customers with transactions", err);
    if (rc || owners == 0)
        return rc;
    tl_log_info("store %s: summing the transactions of %lld customers for schema version %d "
                "(once)", st->path, owners, TXN_SUMMARY_SCHEMA);
    double t0 = tl_now();
    if ((rc = tl__store_txn_summaries_rebuild(st, err)) == TL_OK)
        tl_log_info("store %s: transaction summaries stored in %.1f s", st->path,
                    tl_now() - t0);
    return rc;
}

static int migrate(tl_store *st, bool readonly, tl_err *err)
{
    int v = 0;
    int rc = user_version(st, &v, err);
    if (rc)
        return rc;
    int target = TL_STORE_SCHEMA_VERSION;
    if (v > target)
        return tl_err_set(err, TL_EDB,
                          "%s: schema version %d is newer than this tailor (%d); upgrade tailor",
                          st->path, v, target);
    if (v == target)
        return TL_OK;
    if (readonly)
        return tl_err_set(err, TL_EDB,
                          "%s: store needs migration from schema version %d to %d: run a "
                          "command that writes to it once (tailor import, tailor serve)",
                          st->path, v, target);
    /* Functions migration 8 uses; not deterministic, so each row calls
     * tl_txn_place in scan order. */
    if (sqlite3_create_function(st->db, "tl_txn_home", 2, SQLITE_UTF8, NULL, sql_txn_home, NULL,
                                NULL) != SQLITE_OK ||
        sqlite3_create_function(st->db, "tl_txn_place", 1, SQLITE_UTF8, st, sql_txn_place,
                                NULL, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "register migration functions");
    st->place_last = 0;
    /* Migration 8 copies every transaction through a sorted temporary
     * table: on disk, not in memory, for a store of tens of millions. */
    if ((rc = exec(st, "PRAGMA temp_store=FILE", err)) ||
        (rc = exec(st, "BEGIN IMMEDIATE", err)))
        return rc;
    const int from = v;
    for (; v < target; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v + 1);
        if ((rc = exec(st, migrations[v], err)) || (rc = exec(st, pragma, err))) {
            exec(st, "ROLLBACK", NULL);
            exec(st, "PRAGMA temp_store=MEMORY", NULL);
            return tl_err_prefix(err, "migration to schema version %d", v + 1);
        }
    }
    /* Migration 15 made the transaction summaries' table; a store that had
     * transactions before it gets them now, in the same transaction, so it
     * reads as fast as a freshly imported one from its first request (SQL
     * would sum them in another order than imports do, hence the C). */
    if (from < TXN_SUMMARY_SCHEMA && target >= TXN_SUMMARY_SCHEMA &&
        (rc = store_txn_summaries(st, err))) {
        exec(st, "ROLLBACK", NULL);
        exec(st, "PRAGMA temp_store=MEMORY", NULL);
        return tl_err_prefix(err, "migration to schema version %d", TXN_SUMMARY_SCHEMA);
    }
    if ((rc = exec(st, "COMMIT", err)))
        return rc;
    return exec(st, "PRAGMA temp_store=MEMORY", err);
}

/* store.h, tl_store_scan_begin: when reads go through a memory map. */
#define MAP_ON "PRAGMA mmap_size=1073741824"
#define MAP_OFF "PRAGMA mmap_size=0"

/* Before SQLite initialises: no memory statistics (tailor reads none),
 * which spares every allocation a global mutex. Too late once any
 * connection is open; then the call fails harmlessly. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Waits up to about five seconds for a lock. SQLite's own busy timeout
 * sleeps 1, 2, 5, 10... ms between tries, so a writer queued behind
 * another's sub-millisecond commit would lose ten; the first 10 ms are
 * polled every 100 microseconds instead. */
#define BUSY_FINE_TRIES 100      /* of 100 microseconds */
#define BUSY_COARSE_TRIES 2495   /* then of 2 milliseconds */
#define BUSY_TOTAL_MS (BUSY_FINE_TRIES / 10 + BUSY_COARSE_TRIES * 2)

static int busy_wait(void *arg, int tries)
{
    (void)arg;
    if (tries >= BUSY_FINE_TRIES + BUSY_COARSE_TRIES)
        return 0;
    struct timespec ts = {0, tries < BUSY_FINE_TRIES ? 100000L : 2000000L};
    nanosleep(&ts, NULL);
    return 1;
}

int tl_store_open(const char *path, int flags, tl_store **out, tl_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    int rc = TL_OK;
    tl_store *st = calloc(1, sizeof *st);
    if (!st)
        return tl_err_set(err, TL_ENOMEM, "out of memory opening %s", path);
    st->path = strdup(path);
    if (!st->path) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory opening %s", path);
        goto fail_path;
    }
    bool readonly = flags & TL_STORE_READONLY;
    struct stat sb;
    if (!(flags & TL_STORE_CREATE) && stat(path, &sb) != 0) {
        rc = tl_err_set(err, TL_ENOTFOUND, "%s: no such store (import data first)", path);
        goto fail_open;
    }
    int oflags = readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | (flags & TL_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = tl__store_fail(st, err, "open");
        goto fail_open;
    }
    sqlite3_busy_handler(st->db, busy_wait, NULL);
    /* 16 KiB pages for a new store (an existing one keeps its size): a
     * bulk import writes and checkpoints a quarter as many pages, with a
     * quarter of the system calls and B-tree splits (docs/store.md). */
    if (!readonly && (rc = exec(st, "PRAGMA page_size=16384", err)))
        goto fail_open;
    if (!readonly && !(flags & TL_STORE_BULK_CREATE) && (rc = tl_store_use_wal(st, err)))
        goto fail_open;
    if ((rc = exec(st, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
                       "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY", err)))
        goto fail_open;
    /* A read-only process never writes, so its map is never thrown away
     * by its own commits: it reads through one throughout. */
    st->readonly = readonly;
    if (readonly && (rc = exec(st, MAP_ON, err)))
        goto fail_open;
    if ((rc = migrate(st, readonly, err)))
        goto fail_open;
    st->gate = readonly ? NULL : tl_write_gate_for(path);
    *out = st;
    return TL_OK;

fail_open:
    sqlite3_close(st->db);
    free(st->path);
fail_path:
    free(st);
    return rc;
}

static void gate_leave(tl_store *st)
{
    if (st->gate_held) {
        st->gate_held = false;
        tl_write_gate_leave(st->gate);
    }
}

void tl_store_close(tl_store *st)
{
    if (!st)
        return;
    gate_leave(st);
    for (int i = 0; i < TL_STMT_COUNT; i++)
        sqlite3_finalize(st->stmts[i]);
    for (int i = 0; i < TL_STORE_SQL_CACHE; i++)
        sqlite3_finalize(st->cached[i]);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

/* Transaction statements run on every request: prepared once per
 * connection rather than parsed by sqlite3_exec each time. */
static int run_cached(tl_store *st, const char *sql, tl_err *err)
{
    int owned;
    sqlite3_stmt *s = tl__store_cached(st, sql, &owned, err);
    if (!s)
        return TL_EDB;
    int rc = sqlite3_step(s) == SQLITE_DONE ? TL_OK : tl__store_fail(st, err, sql);
    tl__store_release(s, owned);
    return rc;
}

/* tl_store_write_waits: counted by tl_store_begin, lock-free. */
static _Atomic unsigned long long writes_begun, write_wait_ns;

static unsigned long long monotonic_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

void tl_store_write_waits(unsigned long long *transactions, double *seconds)
{
    *transactions = atomic_load(&writes_begun);
    *seconds = (double)atomic_load(&write_wait_ns) / 1e9;
}

/* This process's writers queue at the file's gate first (write_gate.h),
 * so SQLite's busy handler only ever waits for other processes. */
int tl_store_begin(tl_store *st, tl_err *err)
{
    unsigned long long t0 = monotonic_ns();
    bool entered = false;
    if (st->gate && !st->gate_held) {
        if (tl_write_gate_enter(st->gate, BUSY_TOTAL_MS))
            return tl_err_set(err, TL_EDB,
                              "%s: database is locked (another writer in this process held it "
                              "for over %d s)", st->path, BUSY_TOTAL_MS / 1000);
        st->gate_held = entered = true;
    }
    int rc = run_cached(st, "BEGIN IMMEDIATE", err);
    if (rc && entered)
        gate_leave(st);
    if (!rc) {
        atomic_fetch_add(&writes_begun, 1);
        atomic_fetch_add(&write_wait_ns, monotonic_ns() - t0);
    }
    return rc;
}

int tl_store_commit(tl_store *st, tl_err *err)
{
    int rc = run_cached(st, "COMMIT", err);
    if (sqlite3_get_autocommit(st->db))
        gate_leave(st);
    return rc;
}

void tl_store_rollback(tl_store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        exec(st, "ROLLBACK", NULL);
    gate_leave(st);
}

int tl_store_read_begin(tl_store *st, tl_err *err)
{
    return run_cached(st, "BEGIN DEFERRED", err);
}

void tl_store_read_end(tl_store *st)
{
    tl_err err;
    if (!sqlite3_get_autocommit(st->db) && run_cached(st, "COMMIT", &err))
        exec(st, "ROLLBACK", NULL);
}

bool tl_store_in_transaction(const tl_store *st)
{
    return !sqlite3_get_autocommit(st->db);
}

void tl_store_scan_begin(tl_store *st)
{
    if (!st->readonly && st->scans++ == 0)
        exec(st, MAP_ON, NULL);
}

void tl_store_scan_end(tl_store *st)
{
    if (!st->readonly && st->scans > 0 && --st->scans == 0)
        exec(st, MAP_OFF, NULL);
}

const char *tl_store_path(const tl_store *st)
{
    return st->path;
}

int tl_store_counts_get(tl_store *st, tl_store_counts *out, tl_err *err)
{
    static const struct {
        const char *sql;
        size_t offset;
    } counts[] = {
        {"SELECT count(*) FROM customers", offsetof(tl_store_counts, customers)},
        {"SELECT count(*) FROM products", offsetof(tl_store_counts, products)},
        {"SELECT count(*) FROM transactions", offsetof(tl_store_counts, transactions)},
        {"SELECT count(*) FROM monthly", offsetof(tl_store_counts, monthly)},
        {"SELECT count(*) FROM posts", offsetof(tl_store_counts, posts)},
        {"SELECT count(*) FROM holdings", offsetof(tl_store_counts, holdings)},
        {"SELECT count(*) FROM reviews", offsetof(tl_store_counts, reviews)},
        {"SELECT coalesce(sum(n), 0) FROM event_tally", offsetof(tl_store_counts, events)},
    };
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        int rc = tl__store_scalar(st, counts[i].sql,
                                  (long long *)((char *)out + counts[i].offset), "count rows",
                                  err);
        if (rc)
            return rc;
    }
    return TL_OK;
}

/* The last counts per store file: one slot, as a process serves one store. */
static struct {
    pthread_mutex_t lock;
    char *path;               /* owned; NULL until the first count */
    struct timespec at;       /* CLOCK_MONOTONIC */
    tl_store_counts counts;
    bool counting;            /* a thread is counting now */
} recent = {PTHREAD_MUTEX_INITIALIZER, NULL, {0, 0}, {0}, false};

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

int tl_store_counts_recent(tl_store *st, int max_age_s, tl_store_counts *out, tl_err *err)
{
    pthread_mutex_lock(&recent.lock);
    bool same = recent.path && strcmp(recent.path, st->path) == 0;
    bool fresh = same && seconds_since(&recent.at) < max_age_s;
    if (fresh || (same && recent.counting)) {
        *out = recent.counts;
        pthread_mutex_unlock(&recent.lock);
        return TL_OK;
    }
    recent.counting = true;
    pthread_mutex_unlock(&recent.lock);
    int rc = tl_store_counts_get(st, out, err);
    pthread_mutex_lock(&recent.lock);
    recent.counting = false;
    if (!rc) {
        char *path = same ? recent.path : strdup(st->path);
        if (path) {
            if (path != recent.path)
                free(recent.path);
            recent.path = path;
            recent.counts = *out;
            clock_gettime(CLOCK_MONOTONIC, &recent.at);
        }
    }
    pthread_mutex_unlock(&recent.lock);
    return rc;
}

int tl_store_ping(tl_store *st, tl_err *err)
{
    long long version;
    return tl__store_scalar(st, "PRAGMA user_version", &version, "read the store", err);
}
