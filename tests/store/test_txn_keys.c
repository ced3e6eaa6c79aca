/* test_txn_keys.c — raw transactions keyed by owner key and probed slot
 * (store/bulk.h): the home function is pinned, colliding txn_ids both find
 * their rows, a batch insert that hits a taken id writes nothing, erasing
 * a customer removes their range, and migration 8 converts a version 7
 * store (colliding IDs included) so that lookups and re-imports work. */
#include "testutil.h"
#include "txnkeys.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bulk.h"
#include "store/customers.h"
#include "store/erase.h"
#include "store/store.h"
#include "store/transactions.h"

typedef tu_tmpdb fixture;

static tl_txn txn(const char *customer, const char *id, double amount)
{
    tl_txn t = {.customer_id = customer, .txn_id = id, .day = "2024-03-04",
                .month = 2024 * 12 + 2, .amount = amount, .direction = -1,
                .category = "Dining", .merchant = "Cafe", .payment_mode = "UPI"};
    return t;
}

static void test_home_is_pinned(void **state)
{
    (void)state;
    /* Part of the store format: a change would strand every stored row. */
    assert_int_equal(tl_store_txn_home(0, "T1", 2), 1679083712);
    assert_int_equal(tl_store_txn_home(3, "T1", 2), 3 * 4294967296LL + 1679083712);
    for (int i = 0; i < 1000; i++) {
        char id[16];
        int n = snprintf(id, sizeof id, "ID-%d", i);
        int64_t h = tl_store_txn_home(7, id, (size_t)n);
        assert_true(h >= 7 * 4294967296LL && h < 7 * 4294967296LL + 2147483648LL);
    }
}

static int count_txns(void *ctx, const tl_txn *t)
{
    (void)t;
    ++*(int *)ctx;
    return 0;
}

static void test_collisions_and_erase(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_store *st;
    char a[16], b[16];
    tu_colliding_txn_ids(a, b);
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    tl_customer c1 = tu_txn_customer("C1"), c2 = tu_txn_customer("C2");
    assert_int_equal(tl_store_customer_upsert(st, &c1, NULL, &err), 0);
    assert_int_equal(tl_store_customer_upsert(st, &c2, NULL, &err), 0);
    assert_int_equal(tl_store_begin(st, &err), 0);
    int64_t k1, k2, id;
    bool fresh;
    assert_int_equal(tl_store_txn_owner(st, "C1", &k1, &fresh, &err), 0);
    assert_true(fresh);
    assert_int_equal(tl_store_txn_owner(st, "C2", &k2, &fresh, &err), 0);
    assert_true(k1 != k2);
    tl_txn ta = txn("C1", a, 5), tb = txn("C1", b, 7), tc = txn("C2", a, 9);
    int64_t home = tl_store_txn_home(k1, a, strlen(a));
    assert_int_equal(tl_store_txn_home(k1, b, strlen(b)), home);
    assert_int_equal(tl_store_txn_insert(st, home, &ta, &id, &err), 0);
    assert_int_equal(id, home);
    assert_int_equal(tl_store_txn_insert(st, home, &tb, &id, &err), 0);
    assert_int_equal(id, home + 1);   /* probed past a's */
    assert_int_equal(tl_store_txn_insert(st, tl_store_txn_home(k2, a, strlen(a)), &tc, &id,
                                         &err),
                     0);

    /* A chunk whose ids include a taken one writes nothing. */
    tl_txn many[TL_TXN_CHUNK];
    int64_t ids[TL_TXN_CHUNK];
    char names[TL_TXN_CHUNK][16];
    for (int i = 0; i < TL_TXN_CHUNK; i++) {
        snprintf(names[i], sizeof names[i], "M%d", i);
        many[i] = txn("C1", names[i], 1);
        ids[i] = k1 * 4294967296LL + 2147483648LL + i;   /* beyond any home */
    }
    ids[TL_TXN_CHUNK - 1] = home + 1;
    long long before = tl_store_changes_total(st);
    assert_int_equal(tl_store_txn_insert_many(st, ids, many, &err), 1);
    assert_int_equal(tl_store_changes_total(st), before);
    ids[TL_TXN_CHUNK - 1] = ids[TL_TXN_CHUNK - 2] + 1;
    assert_int_equal(tl_store_txn_insert_many(st, ids, many, &err), 0);

    /* Both colliding rows are found: identical means unchanged. */
    bool changed;
    assert_int_equal(tl_store_txn_upsert(st, home, &tb, &changed, &err), 0);
    assert_false(changed);
    assert_int_equal(tl_store_txn_upsert(st, home, &ta, &changed, &err), 0);
    assert_false(changed);
    bool same;
    assert_int_equal(tl_store_txn_same(st, home, &ta, &same, &err), 0);
    assert_true(same);
    assert_int_equal(tl_store_txn_same(st, home, &tb, &same, &err), 0);
    assert_false(same);   /* b lies past its home: the upsert decides */
    tl_txn other = tc;
    assert_int_equal(tl_store_txn_same(st, tl_store_txn_home(k2, a, strlen(a)), &other, &same,
                                       &err),
                     0);
    assert_true(same);   /* a forward step of the same scan */
    other.amount = 10;
    assert_int_equal(tl_store_txn_same(st, tl_store_txn_home(k2, a, strlen(a)), &other, &same,
                                       &err),
                     0);
    assert_false(same);
    assert_int_equal(tl_store_txn_same(st, home - 5, &ta, &same, &err), 0);
    assert_false(same);   /* backwards: a new seek, and nothing there */
    tl_store_txn_same_end(st);
    tb.amount = 8;
    assert_int_equal(tl_store_txn_upsert(st, home, &tb, &changed, &err), 0);
    assert_true(changed);
    assert_int_equal(tl_store_txn_owner(st, "C1", &id, &fresh, &err), 0);
    assert_int_equal(id, k1);
    assert_false(fresh);
    assert_int_equal(tl_store_monthly_rebuild(st, "C1", k1, &err), 0);
    assert_int_equal(tl_store_commit(st, &err), 0);

    int n = 0;
    assert_int_equal(tl_store_txns_each(st, "C1", 1000, count_txns, &n, &err), 0);
    assert_int_equal(n, 2 + TL_TXN_CHUNK);
    tl_month_total *m;
    size_t nm;
    assert_int_equal(tl_store_monthly_get(st, "C1", &m, &nm, &err), 0);
    assert_int_equal(nm, 1);
    assert_int_equal(m[0].count, 2 + TL_TXN_CHUNK);
    assert_true(m[0].total == 5 + 8 + TL_TXN_CHUNK);
    free(m);

    /* Erasing C1 removes their range and owner key; C2 keeps theirs. */
    tl_erase_rows rows;
    assert_int_equal(tl_store_erase_customer(st, "C1", "erased:x", &rows, &err), 0);
    for (size_t i = 0; i < rows.n; i++)
        if (strcmp(rows.table[i], "transactions") == 0)
            assert_int_equal(rows.rows[i], 2 + TL_TXN_CHUNK);
    n = 0;
    assert_int_equal(tl_store_txns_each(st, "C1", 1000, count_txns, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(tl_store_txns_each(st, "C2", 1000, count_txns, &n, &err), 0);
    assert_int_equal(n, 1);
    tl_store_counts sc;
    assert_int_equal(tl_store_counts_get(st, &sc, &err), 0);
    assert_int_equal(sc.transactions, 1);
    /* Deleting a customer directly (no erasure) cleans up too. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM customers WHERE id='C2'", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM transactions),"
                                            " (SELECT count(*) FROM txn_owners)",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    assert_int_equal(sqlite3_column_int(q, 1), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    tl_store_close(st);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* A version 7 store (the schema before migration 8) holding customers C1
 * and C2, C1 with two transactions of colliding homes. */
static void make_v7_store(fixture *f, const char *a, const char *b)
{
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    tl_customer c1 = tu_txn_customer("C1"), c2 = tu_txn_customer("C2");
    assert_int_equal(tl_store_customer_upsert(st, &c1, NULL, &err), 0);
    assert_int_equal(tl_store_customer_upsert(st, &c2, NULL, &err), 0);
    tl_store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    exec_ok(db, TU_UNDO_MIGRATIONS_FROM_12 "DROP TABLE rollouts;"
                "DROP INDEX events_customer_time;"
                "CREATE INDEX events_customer_product ON events(customer_id, product_id);"
                "DROP TRIGGER customers_txn_delete; DROP TABLE transactions;"
                "DROP TABLE txn_owners;"
                "CREATE TABLE transactions("
                "  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
                "  txn_id TEXT NOT NULL, day TEXT NOT NULL, month INTEGER NOT NULL,"
                "  amount REAL NOT NULL, direction INTEGER NOT NULL,"
                "  currency TEXT, category TEXT, merchant TEXT, payment_mode TEXT,"
                "  PRIMARY KEY(customer_id, txn_id)) WITHOUT ROWID;"
                "PRAGMA user_version=7;");
    char sql[512];
    const char *rows[][3] = {{"C1", a, "5"}, {"C1", b, "7"}, {"C2", a, "9"}, {"C2", "T2", "11"},
                             {"C1", "T3", "13"}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO transactions VALUES('%s','%s','2024-03-04',%d,%s,-1,NULL,"
                 "'Dining','Cafe','UPI')",
                 rows[i][0], rows[i][1], 2024 * 12 + 2, rows[i][2]);
        exec_ok(db, sql);
    }
    sqlite3_close(db);
}

static void test_migration_8(void **state)
{
    fixture *f = *state;
    char a[16], b[16];
    tu_colliding_txn_ids(a, b);
    make_v7_store(f, a, b);

    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    tl_store_counts sc;
    assert_int_equal(tl_store_counts_get(st, &sc, &err), 0);
    assert_int_equal(sc.transactions, 5);
    int n = 0;
    assert_int_equal(tl_store_txns_each(st, "C1", 1000, count_txns, &n, &err), 0);
    assert_int_equal(n, 3);
    n = 0;
    assert_int_equal(tl_store_txns_each(st, "C2", 1000, count_txns, &n, &err), 0);
    assert_int_equal(n, 2);

    /* Every converted row is found where probing looks for it. */
    assert_int_equal(tl_store_begin(st, &err), 0);
    int64_t key;
    bool fresh, changed;
    const char *rows[][3] = {{"C1", a, "5"}, {"C1", b, "7"}, {"C2", a, "9"}, {"C2", "T2", "11"},
                             {"C1", "T3", "13"}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        assert_int_equal(tl_store_txn_owner(st, rows[i][0], &key, &fresh, &err), 0);
        assert_false(fresh);
        tl_txn t = txn(rows[i][0], rows[i][1], atof(rows[i][2]));
        assert_int_equal(tl_store_txn_upsert(st, tl_store_txn_home(key, t.txn_id,
                                                                   strlen(t.txn_id)),
                                             &t, &changed, &err),
                         0);
        if (changed)
            fail_msg("row %zu (%s, %s) not found after migration", i, rows[i][0], rows[i][1]);
    }
    tl_store_rollback(st);
    tl_store_close(st);

    /* The old table and its foreign key are gone; ids are owner-keyed. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM transactions t JOIN txn_owners"
                                            " o ON o.key = t.id >> 32 AND"
                                            " o.customer_id = t.customer_id",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 5);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), TL_STORE_SCHEMA_VERSION);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_is_pinned),
        cmocka_unit_test_setup_teardown(test_collisions_and_erase, tu_tmpdb_setup, tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_migration_8, tu_tmpdb_setup, tu_tmpdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
