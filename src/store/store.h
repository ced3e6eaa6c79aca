/* store.h — the embedded database: open, migrate, transactions.
 *
 * All SQL of tailor lives in src/store/; no other module sees SQLite types.
 * One tl_store is one connection: use it from one thread at a time (the HTTP
 * server keeps one per worker). Typed queries per table are in customers.h,
 * monthly.h, posts.h, products.h, holdings.h, transactions.h. */
#ifndef TL_STORE_STORE_H
#define TL_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

typedef struct tl_store tl_store;

enum {
    TL_STORE_READONLY = 1 << 0, /* open an existing store for reading only */
    TL_STORE_CREATE = 1 << 1,   /* create the file if it does not exist */
    /* For an import creating the store: a rollback journal rather than the
     * write-ahead log until tl_store_use_wal(), so the pages it adds are
     * written once, into the file, not into the log and then copied (a
     * store that is already in WAL mode stays so). Other connections
     * cannot use the store meanwhile. */
    TL_STORE_BULK_CREATE = 1 << 2,
};

/* The schema version this build writes; stores are migrated up to it. It
 * is the number of migrations in store.c, which checks so at compile time. */
#define TL_STORE_SCHEMA_VERSION 15

/* How far the write-ahead log grows before it is copied back into the
 * database (SQLite counts pages: the count follows from the page size). */
#define TL_STORE_LOG_BYTES (4L << 20)

/* Opens (and when needed creates and migrates) the store at `path`.
 * On success *out owns the connection; free it with tl_store_close(). */
int tl_store_open(const char *path, int flags, tl_store **out, tl_err *err);

/* Puts a store opened with TL_STORE_BULK_CREATE in WAL mode (what every
 * other writable open does), outside a transaction. */
int tl_store_use_wal(tl_store *st, tl_err *err);

/* Closes the connection and finalises cached statements. Accepts NULL. */
void tl_store_close(tl_store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails loudly: it is
 * the cleanup path. */
int tl_store_begin(tl_store *st, tl_err *err);
int tl_store_commit(tl_store *st, tl_err *err);
void tl_store_rollback(tl_store *st);

/* A read snapshot around several reads (one lock taken instead of one per
 * statement): BEGIN DEFERRED ... COMMIT. End never fails loudly. */
int tl_store_read_begin(tl_store *st, tl_err *err);
void tl_store_read_end(tl_store *st);

/* True while st's connection is inside a transaction (a snapshot or a
 * write), false in autocommit mode. */
bool tl_store_in_transaction(const tl_store *st);

/* This process's write transactions begun since it started, and the
 * seconds they waited for their turn (at the file's write gate, then for
 * SQLite's lock): how much writers hold each other up. All stores. */
void tl_store_write_waits(unsigned long long *transactions, double *seconds);

/* Around a long scan (a report over the events): reads through a
 * read-only memory map of up to 1 GiB of the file until the matching end,
 * the kernel's page cache read in place instead of each page copied out of
 * it with pread (a pass over a million events takes half the time).
 * Writable stores read through pread otherwise: SQLite throws a
 * connection's map away at its first read after another connection's
 * commit and maps again page by page, so a server's connections, each
 * reading after the others' audited writes, must not keep one. Read-only
 * stores read through the map from the start. Calls nest; failures only
 * leave reads slower, so neither reports one. tailor never shrinks a store
 * file (no VACUUM), the one thing a map cannot survive. */
void tl_store_scan_begin(tl_store *st);
void tl_store_scan_end(tl_store *st);

/* Path the store was opened with (owned by the store). */
const char *tl_store_path(const tl_store *st);

/* Row counts for /metrics and summaries. Counting a table is a pass over
 * it (SQLite keeps no row count): about 13 ms a million rows when cached,
 * seconds for a bank's hundreds of millions of transactions. Events are
 * summed from the overview's tally instead. */
typedef struct tl_store_counts {
    long long customers, products, transactions, monthly, posts, holdings, reviews, events;
} tl_store_counts;
int tl_store_counts_get(tl_store *st, tl_store_counts *out, tl_err *err);

/* The same as counted at most `max_age_s` seconds ago for this store file
 * (process-wide, keyed by path), for callers that run often: health checks
 * and scrapes. At most one thread counts at a time; the others meanwhile
 * get the previous counts when there are any. */
int tl_store_counts_recent(tl_store *st, int max_age_s, tl_store_counts *out, tl_err *err);

/* A cheap read proving the store can be read now (the schema version). */
int tl_store_ping(tl_store *st, tl_err *err);

#endif
