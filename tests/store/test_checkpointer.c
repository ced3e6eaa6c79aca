/* test_checkpointer.c — a connection handed to the checkpointer leaves the
 * checkpoints to its thread, and the write-ahead log stays short under a
 * stream of commits, with every row kept. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/audit.h"
#include "store/checkpointer.h"
#include "store/store.h"

#define COMMITS 3000
#define LOG_BYTES (256 << 10)
#define ROUND 20   /* commits between waits for the thread */

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* Appends n audit entries of about 4 KB each, one commit per entry. */
static void append_entries(tl_store *st, int n)
{
    static char doc[4000];
    memset(doc, 'x', sizeof doc - 1);
    for (int i = 0; i < n; i++) {
        tl_err err;
        assert_int_equal(tl_store_audit_append(st, "C1", "C1", "test", doc, NULL, &err), 0);
    }
}

static int count_cb(void *ctx, const tl_audit_row *r)
{
    (void)ctx, (void)r;
    return 0;
}

static long long audit_rows(tl_store *st)
{
    tl_audit_query q = {.limit = 1};
    long long total = -1;
    tl_err err;
    assert_int_equal(tl_store_audit_query(st, &q, count_cb, NULL, &total, &err), 0);
    return total;
}

/* Without a checkpointer, an adopted connection would grow the log by a
 * page or more per commit; with one, the log is restarted over and over
 * and stays within a few multiples of the threshold. */
static void test_log_stays_short(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "s.db");
    char *wal = tu_join(dir, "s.db-wal");
    tl_store *st;
    tl_checkpointer *c;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_CREATE, &st, &err), 0);
    assert_int_equal(tl_checkpointer_start(db, LOG_BYTES, &c, &err), 0);
    tl_checkpointer_adopt(c, st);
    long long largest = 0, passes = 0, restarts = 0;
    for (int round = 0; round < COMMITS / ROUND; round++) {
        append_entries(st, ROUND);
        long long sz = file_size(wal);
        largest = sz > largest ? sz : largest;
        /* Wait (up to 10 s, however loaded the machine) for the thread to
         * restart the log, as it would between requests. */
        long long before = restarts;
        for (int i = 0; i < 1000 && restarts == before; i++) {
            struct timespec pause = {0, 10000000};
            nanosleep(&pause, NULL);
            tl_checkpointer_counts(c, &passes, &restarts);
        }
        assert_true(restarts > before);
    }
    /* 3000 commits of a 4 KB entry would leave a log of over 40 MB. */
    printf("largest log %lld bytes, %lld passes, %lld restarts\n", largest, passes, restarts);
    assert_true(largest < 3LL << 20);
    assert_int_equal(audit_rows(st), COMMITS);
    tl_checkpointer_stop(c);
    tl_store_close(st);
    /* The last connection out checkpointed and removed the log: every row
     * is in the database file itself. */
    assert_int_equal(file_size(wal), 0);
    assert_int_equal(tl_store_open(db, 0, &st, &err), 0);
    assert_int_equal(audit_rows(st), COMMITS);
    tl_store_close(st);
    tu_rmtree(dir);
    free(wal);
    free(db);
    free(dir);
}

/* A connection never adopted still checkpoints on its own. */
static void test_unadopted_connection_checkpoints_itself(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "s.db");
    char *wal = tu_join(dir, "s.db-wal");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_CREATE, &st, &err), 0);
    append_entries(st, COMMITS);
    assert_true(file_size(wal) < 8LL << 20);
    tl_audit_query q = {.limit = 5};
    assert_int_equal(tl_store_audit_query(st, &q, count_cb, NULL, NULL, &err), 0);
    tl_store_close(st);
    tu_rmtree(dir);
    free(wal);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_stays_short),
        cmocka_unit_test(test_unadopted_connection_checkpoints_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
