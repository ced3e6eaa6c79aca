/* test_write_gate.c — this process's writers to one store file queue at
 * its gate, held from tl_store_begin to the end of the transaction however
 * it ends; and reads go through a memory map only around scans on a
 * writable store. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/write_gate.h"

static tl_store *open_store(const char *path, int flags)
{
    tl_store *st = NULL;
    tl_err err;
    int rc = tl_store_open(path, flags, &st, &err);
    if (rc)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

typedef struct {
    tl_write_gate *gate;
    int got;   /* what tl_write_gate_enter answered the other thread */
} probe;

static void *probe_gate(void *arg)
{
    probe *p = arg;
    p->got = tl_write_gate_enter(p->gate, 20);
    if (p->got == 0)
        tl_write_gate_leave(p->gate);
    return NULL;
}

/* Whether another thread finds the gate free (0) or held (-1). */
static int gate_seen_from_elsewhere(tl_write_gate *g)
{
    probe p = {g, 99};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, probe_gate, &p), 0);
    pthread_join(t, NULL);
    return p.got;
}

static void test_one_gate_per_file(void **state)
{
    tu_tmpdb *t = *state;
    tl_store_close(open_store(t->db, TL_STORE_CREATE));
    char *spelled = tu_join(t->dir, "./s.db");
    char *other = tu_join(t->dir, "other.db");
    char *missing = tu_join(t->dir, "missing.db");
    tl_store_close(open_store(other, TL_STORE_CREATE));
    tl_write_gate *g = tl_write_gate_for(t->db);
    assert_non_null(g);
    assert_ptr_equal(tl_write_gate_for(spelled), g);
    assert_ptr_not_equal(tl_write_gate_for(other), g);
    assert_null(tl_write_gate_for(missing));
    /* Held here, it times out elsewhere; left, it is free again. */
    assert_int_equal(tl_write_gate_enter(g, 20), 0);
    assert_int_equal(gate_seen_from_elsewhere(g), -1);
    tl_write_gate_leave(g);
    assert_int_equal(gate_seen_from_elsewhere(g), 0);
    free(spelled);
    free(other);
    free(missing);
}

typedef struct {
    tl_store *st;
    int rc;
    tl_err err;
} begin_attempt;

static void *try_begin(void *arg)
{
    begin_attempt *a = arg;
    a->rc = tl_store_begin(a->st, &a->err);
    if (a->rc == 0)
        tl_store_rollback(a->st);
    return NULL;
}

/* The gate is held exactly while a write transaction is open, whichever
 * way it ends, and a failed BEGIN does not keep it. */
static void test_held_for_the_transaction(void **state)
{
    tu_tmpdb *t = *state;
    tl_store *st = open_store(t->db, TL_STORE_CREATE);
    tl_write_gate *g = tl_write_gate_for(t->db);
    tl_err err;
    assert_int_equal(gate_seen_from_elsewhere(g), 0);

    assert_int_equal(tl_store_begin(st, &err), 0);
    assert_int_equal(gate_seen_from_elsewhere(g), -1);
    assert_int_equal(tl_store_commit(st, &err), 0);
    assert_int_equal(gate_seen_from_elsewhere(g), 0);

    assert_int_equal(tl_store_begin(st, &err), 0);
    tl_store_rollback(st);
    assert_int_equal(gate_seen_from_elsewhere(g), 0);

    /* A BEGIN inside a transaction fails and leaves the outer one, and its
     * hold on the gate, as they were. */
    assert_int_equal(tl_store_begin(st, &err), 0);
    assert_int_not_equal(tl_store_begin(st, &err), 0);
    assert_int_equal(gate_seen_from_elsewhere(g), -1);
    assert_int_equal(tl_store_commit(st, &err), 0);
    assert_int_equal(gate_seen_from_elsewhere(g), 0);

    /* Closed in the middle of a transaction: rolled back, gate freed. */
    assert_int_equal(tl_store_begin(st, &err), 0);
    tl_store_close(st);
    assert_int_equal(gate_seen_from_elsewhere(g), 0);

    /* While another connection of the process holds the file's gate,
     * BEGIN waits as long as SQLite's busy handler would (5 s), then fails
     * naming the reason; the holder's transaction is unaffected. */
    st = open_store(t->db, 0);
    tl_store *holder = open_store(t->db, 0);
    assert_int_equal(tl_store_begin(holder, &err), 0);
    begin_attempt a = {st, 0, {0}};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, try_begin, &a), 0);
    pthread_join(th, NULL);
    assert_int_equal(a.rc, TL_EDB);
    assert_non_null(strstr(a.err.msg, "database is locked (another writer in this process"));
    assert_int_equal(tl_store_commit(holder, &err), 0);
    assert_int_equal(tl_store_begin(st, &err), 0);
    assert_int_equal(tl_store_commit(st, &err), 0);
    tl_store_close(holder);
    tl_store_close(st);
}

#define WRITERS 4
#define ENTRIES 150

static void *append_many(void *arg)
{
    const char *path = arg;
    tl_store *st = NULL;
    tl_err err;
    if (tl_store_open(path, 0, &st, &err))
        return (void *)1;
    intptr_t failed = 0;
    for (int i = 0; i < ENTRIES && !failed; i++)
        failed = tl_store_audit_append(st, "C1", "C1", "test", "{\"n\":1}", NULL, &err) != 0;
    tl_store_close(st);
    return (void *)failed;
}

static int count_cb(void *ctx, const tl_audit_row *r)
{
    (void)ctx, (void)r;
    return 0;
}

/* Writers on their own connections, all at once: every entry is kept. */
static void test_concurrent_writers(void **state)
{
    tu_tmpdb *t = *state;
    tl_store_close(open_store(t->db, TL_STORE_CREATE));
    pthread_t th[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, append_many, t->db), 0);
    for (int i = 0; i < WRITERS; i++) {
        void *failed;
        pthread_join(th[i], &failed);
        assert_null(failed);
    }
    tl_store *st = open_store(t->db, 0);
    tl_audit_query q = {.limit = 1};
    long long total = -1;
    tl_err err;
    assert_int_equal(tl_store_audit_query(st, &q, count_cb, NULL, &total, &err), 0);
    assert_int_equal(total, WRITERS * ENTRIES);
    tl_store_close(st);
}

static long long mmap_size(tl_store *st)
{
    long long v = -1;
    tl_err err;
    assert_int_equal(tl__store_scalar(st, "PRAGMA mmap_size", &v, "read mmap_size", &err), 0);
    return v;
}

static void test_map_around_scans(void **state)
{
    tu_tmpdb *t = *state;
    tl_store *st = open_store(t->db, TL_STORE_CREATE);
    assert_int_equal(mmap_size(st), 0);
    tl_store_scan_begin(st);
    assert_true(mmap_size(st) >= 1 << 30);
    tl_store_scan_begin(st);   /* nested: the inner end keeps the map */
    tl_store_scan_end(st);
    assert_true(mmap_size(st) >= 1 << 30);
    tl_store_scan_end(st);
    assert_int_equal(mmap_size(st), 0);
    tl_store_scan_end(st);     /* unmatched: nothing changes */
    assert_int_equal(mmap_size(st), 0);
    tl_store_close(st);

    /* Read-only: mapped throughout, scans or not. */
    st = open_store(t->db, TL_STORE_READONLY);
    assert_true(mmap_size(st) >= 1 << 30);
    tl_store_scan_begin(st);
    tl_store_scan_end(st);
    assert_true(mmap_size(st) >= 1 << 30);
    tl_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_gate_per_file, tu_tmpdb_setup,
                                        tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_held_for_the_transaction, tu_tmpdb_setup,
                                        tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, tu_tmpdb_setup,
                                        tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_map_around_scans, tu_tmpdb_setup,
                                        tu_tmpdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
