/* testutil.h — helpers shared by the test executables (cmocka). */
#ifndef TL_TESTUTIL_H
#define TL_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of ../shared (beside the checkout) if present, else NULL. Static. */
const char *tu_shared_dir(void);

/* Path of a file under ../shared, into a static buffer; NULL when ../shared
 * is absent (tests then skip()). */
const char *tu_shared_path(const char *rel);

/* Makes a fresh temporary directory; returns a malloc'd path the caller
 * frees after tu_rmtree(). */
/* SQL taking a current store back to before migration 12: no transaction
 * summaries (15), no event tally (14), no contact_optouts table (13), no
 * audit chain column and migration 4's update trigger (12); for the
 * migration tests that build faithful older stores. */
#define TU_UNDO_MIGRATIONS_FROM_12                                                        \
    "DROP TABLE txn_summary;"                                                              \
    "DROP TABLE event_tally;"                                                              \
    "DROP TABLE contact_optouts;"                                                          \
    "DROP TRIGGER audit_no_update; ALTER TABLE audit DROP COLUMN chain;"                   \
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN "                          \
    "  NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.kind IS NOT OLD.kind OR "       \
    "  NEW.doc IS NOT OLD.doc OR substr(NEW.subject, 1, 7) IS NOT 'erased:' OR "           \
    "  substr(OLD.subject, 1, 7) IS 'erased:' BEGIN "                                      \
    "  SELECT RAISE(ABORT, 'audit log is append-only: only erasure may pseudonymise a "    \
    "subject'); END;"

char *tu_mkdtemp(void);

/* A fresh temporary directory and the path of a store in it (not yet
 * created), for tests that make their own store: cmocka set-up and
 * tear-down that put one in *state and remove it. */
typedef struct tu_tmpdb {
    char *dir, *db;   /* owned */
} tu_tmpdb;
int tu_tmpdb_setup(void **state);
int tu_tmpdb_teardown(void **state);

/* Removes a directory tree. */
void tu_rmtree(const char *path);

/* Joins dir and name into a malloc'd path. */
char *tu_join(const char *dir, const char *name);

/* Writes `text` to path (truncating). Fails the test on error. */
void tu_write_file(const char *path, const char *text);

/* Runs sql on the store file db through a connection of its own, as
 * another tool would (no tailor functions or settings: foreign keys off);
 * fails the test, with SQLite's message, on an error. */
void tu_sql(const char *db, const char *sql);

/* The integer the first row's first column of sql gives on the store file
 * db, read through a read-only connection of its own; arg (may be NULL)
 * is bound to ?1. Fails the test on an error or no row. */
long long tu_sql_int(const char *db, const char *sql, const char *arg);

/* Reads a whole file; malloc'd, NUL-terminated; NULL if missing. */
char *tu_read_file(const char *path, size_t *len);

/* Fails the test unless the file at path holds exactly `before` (len
 * bytes, as tu_read_file read it earlier: nothing written, nothing
 * half-written); frees before. */
void tu_assert_file_unchanged(const char *path, char *before, size_t len);

/* Runs the tailor binary ($TAILOR_BIN) with the given arguments (NULL
 * terminated), capturing stdout and stderr into malloc'd strings (may pass
 * NULL to discard). `stdin_text` may be NULL. Returns the exit status. */
int tu_run_tailor(char **out, char **err, const char *stdin_text, ...);

/* Runs `tailor generate --out dir --customers N --months 12 --monthly-only
 * --seed S`: a small synthetic bank as files. Returns 0, or -1 after saying
 * why on stderr (usable from group set-ups). */
int tu_generate_bank(const char *dir, const char *customers, const char *seed);

/* Imports the files `tailor generate --monthly-only` wrote into dir
 * (customers, products, reviews, holdings, monthly, posts) into a new store
 * db. Fails the test on error. */
void tu_import_generated(const char *dir, const char *db);

#endif
