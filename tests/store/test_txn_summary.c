/* test_txn_summary.c — tl_store_txn_summary, what a customer's
 * transactions add up to: computed in one pass, against SQL's GROUP BY
 * over the same rows (the same groups, totals and counts, in its
 * documented order, nothing of another customer, nothing for a customer
 * without rows); and stored, read back instead of recomputed, written
 * only when it changed, gone with the customer, and stored for every
 * customer by the migration that made their table. */
#include "testutil.h"
#include "txnkeys.h"

#include <math.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bulk.h"
#include "store/customers.h"
#include "store/store.h"
#include "store/transactions.h"

typedef tu_tmpdb fixture;

static const char *const categories[] = {"Dining", "Travel", "Groceries", "Rent", NULL};
static const char *const modes[] = {"UPI", "Debit Card", "Credit Card", NULL};

/* Writes n random transactions of customer id: amounts with cents, months
 * over two years, money in, out and neither, NULL category and mode too. */
static void add_txns(tl_store *st, const char *id, int n, unsigned *seed)
{
    tl_err err;
    tl_customer c = tu_txn_customer(id);
    assert_int_equal(tl_store_customer_upsert(st, &c, NULL, &err), 0);
    assert_int_equal(tl_store_begin(st, &err), 0);
    int64_t key, row;
    bool fresh;
    assert_int_equal(tl_store_txn_owner(st, id, &key, &fresh, &err), 0);
    for (int i = 0; i < n; i++) {
        char txn_id[32];
        int len = snprintf(txn_id, sizeof txn_id, "%s-T%d", id, i);
        int direction = (int)(rand_r(seed) % 5) - 3;   /* mostly money out */
        tl_txn t = {.customer_id = id, .txn_id = txn_id, .day = "2024-03-04",
                    .month = 2023 * 12 + (int)(rand_r(seed) % 24),
                    .amount = (double)(rand_r(seed) % 100000) / 100.0,
                    .direction = direction > 0 ? 1 : direction < 0 ? -1 : 0,
                    .category = categories[rand_r(seed) % 5],
                    .merchant = "Shop", .payment_mode = modes[rand_r(seed) % 4]};
        assert_int_equal(tl_store_txn_insert(st, tl_store_txn_home(key, txn_id, (size_t)len),
                                             &t, &row, &err),
                         0);
    }
    assert_int_equal(tl_store_commit(st, &err), 0);
}

/* Checks one list of groups against SQL's GROUP BY over `column`. */
static void check_groups(sqlite3 *db, const char *id, const char *column,
                         const tl_txn_group_total *g, size_t n, int by_count)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(%s,'Other'), sum(amount), count(*) FROM transactions "
             "WHERE customer_id=?1 AND direction<0 GROUP BY 1",
             column);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    size_t groups = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        groups++;
        const char *key = (const char *)sqlite3_column_text(s, 0);
        size_t i = 0;
        while (i < n && strcmp(g[i].key, key) != 0)
            i++;
        if (i == n)
            fail_msg("%s: group %s missing", column, key);
        double want = sqlite3_column_double(s, 1);
        if (fabs(g[i].total - want) > 1e-9 * (1 + fabs(want)))
            fail_msg("%s %s: total %.10g, want %.10g", column, key, g[i].total, want);
        assert_int_equal(g[i].count, sqlite3_column_int64(s, 2));
    }
    sqlite3_finalize(s);
    assert_int_equal(n, groups);
    /* Largest total (or count) first; ties in reverse key order. */
    for (size_t i = 1; i < n; i++) {
        int before = by_count ? g[i - 1].count > g[i].count : g[i - 1].total > g[i].total;
        int tie = by_count ? g[i - 1].count == g[i].count : g[i - 1].total == g[i].total;
        assert_true(before || (tie && strcmp(g[i - 1].key, g[i].key) > 0));
    }
}

static void check_months(sqlite3 *db, const char *id, const tl_txn_summary *sum)
{
    sqlite3_stmt *s;
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT month, sum(CASE WHEN direction>0 THEN amount ELSE 0 END),"
                           " sum(CASE WHEN direction<0 THEN amount ELSE 0 END) FROM transactions"
                           " WHERE customer_id=?1 GROUP BY month ORDER BY month",
                           -1, &s, NULL),
        SQLITE_OK);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    size_t i = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        assert_true(i < sum->n_months);
        assert_int_equal(sum->months[i].month, sqlite3_column_int(s, 0));
        assert_true(fabs(sum->months[i].credits - sqlite3_column_double(s, 1)) < 1e-6);
        assert_true(fabs(sum->months[i].debits - sqlite3_column_double(s, 2)) < 1e-6);
        i++;
    }
    sqlite3_finalize(s);
    assert_int_equal(i, sum->n_months);
}

static void test_against_group_by(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    unsigned seed = 7;
    add_txns(st, "A", 700, &seed);
    add_txns(st, "B", 40, &seed);
    add_txns(st, "C", 1, &seed);
    tl_customer none = tu_txn_customer("Empty");
    assert_int_equal(tl_store_customer_upsert(st, &none, NULL, &err), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    static const char *const ids[] = {"A", "B", "C"};
    for (size_t k = 0; k < 3; k++) {
        tl_txn_summary sum;
        assert_int_equal(tl_store_txn_summary(st, ids[k], &sum, &err), 0);
        check_groups(db, ids[k], "category", sum.categories, sum.n_categories, 0);
        check_groups(db, ids[k], "payment_mode", sum.payment_modes, sum.n_payment_modes, 1);
        check_months(db, ids[k], &sum);
        tl_txn_summary_free(&sum);
    }
    tl_txn_summary sum;
    assert_int_equal(tl_store_txn_summary(st, "Empty", &sum, &err), 0);
    assert_int_equal(sum.n_categories + sum.n_payment_modes + sum.n_months, 0);
    tl_txn_summary_free(&sum);
    assert_int_equal(tl_store_txn_summary(st, "nobody", &sum, &err), 0);
    assert_int_equal(sum.n_months, 0);
    tl_txn_summary_free(&sum);
    tl_txn_summary_free(NULL);
    sqlite3_close(db);
    tl_store_close(st);
}

static bool summaries_same(const tl_txn_summary *a, const tl_txn_summary *b)
{
    if (a->n_categories != b->n_categories || a->n_payment_modes != b->n_payment_modes ||
        a->n_months != b->n_months)
        return false;
    for (size_t i = 0; i < a->n_categories; i++)
        if (strcmp(a->categories[i].key, b->categories[i].key) ||
            a->categories[i].total != b->categories[i].total ||
            a->categories[i].count != b->categories[i].count)
            return false;
    for (size_t i = 0; i < a->n_payment_modes; i++)
        if (strcmp(a->payment_modes[i].key, b->payment_modes[i].key) ||
            a->payment_modes[i].total != b->payment_modes[i].total)
            return false;
    for (size_t i = 0; i < a->n_months; i++)
        if (a->months[i].month != b->months[i].month ||
            a->months[i].debits != b->months[i].debits ||
            a->months[i].credits != b->months[i].credits ||
            a->months[i].count != b->months[i].count)
            return false;
    return true;
}

static long long stored_rows(const char *db, const char *id)
{
    return tu_sql_int(db, "SELECT count(*) FROM txn_summary WHERE customer_id=?1", id);
}

static void test_stored(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    unsigned seed = 11;
    add_txns(st, "A", 300, &seed);
    add_txns(st, "B", 20, &seed);
    /* Nothing stored yet (transactions written without an import): the
     * summary is computed from the rows. */
    assert_int_equal(stored_rows(f->db, "A"), 0);
    tl_txn_summary computed, stored;
    assert_int_equal(tl_store_txn_summary(st, "A", &computed, &err), 0);
    assert_true(computed.n_months > 0);

    /* Stored: the same numbers, bit for bit, one row per group and month. */
    bool changed;
    assert_int_equal(tl_store_txn_summary_rebuild(st, "A", &changed, &err), 0);
    assert_true(changed);
    assert_int_equal(stored_rows(f->db, "A"),
                     (long long)(computed.n_categories + computed.n_payment_modes +
                                 computed.n_months));
    assert_int_equal(tl_store_txn_summary(st, "A", &stored, &err), 0);
    assert_true(summaries_same(&computed, &stored));
    tl_txn_summary_free(&stored);

    /* Again: nothing to write, not a row changes. */
    long long writes = tl_store_changes_total(st);
    assert_int_equal(tl_store_txn_summary_rebuild(st, "A", &changed, &err), 0);
    assert_false(changed);
    assert_int_equal(tl_store_changes_total(st), writes);

    /* Reads come from the stored rows: a changed row shows, and the next
     * rebuild puts it right. */
    tu_sql(f->db, "UPDATE txn_summary SET debits = debits + 1000 WHERE customer_id='A'"
                  " AND kind = 2");
    assert_int_equal(tl_store_txn_summary(st, "A", &stored, &err), 0);
    assert_true(fabs(stored.months[0].debits - computed.months[0].debits - 1000) < 1e-6);
    tl_txn_summary_free(&stored);
    assert_int_equal(tl_store_txn_summary_rebuild(st, "A", &changed, &err), 0);
    assert_true(changed);
    assert_int_equal(tl_store_txn_summary(st, "A", &stored, &err), 0);
    assert_true(summaries_same(&computed, &stored));
    tl_txn_summary_free(&stored);

    /* An empty summary stores no rows; B's own are untouched by A's. */
    tl_txn_summary empty = {0};
    assert_int_equal(tl_store_txn_summary_put(st, "B", &empty, &changed, &err), 0);
    assert_false(changed);
    assert_int_equal(stored_rows(f->db, "B"), 0);
    assert_int_equal(tl_store_txn_summary_rebuild(st, "B", &changed, &err), 0);
    assert_true(stored_rows(f->db, "B") > 0);

    /* Gone with the customer. */
    tu_sql(f->db, "PRAGMA foreign_keys=ON; DELETE FROM customers WHERE id='A'");
    assert_int_equal(stored_rows(f->db, "A"), 0);
    assert_true(stored_rows(f->db, "B") > 0);
    tl_txn_summary_free(&computed);
    tl_store_close(st);
}

/* A store from before schema 15 (transactions, no summary table) gets
 * every customer's summary stored by the migration, the same bits the
 * one pass computes. */
static void test_migration_stores_them(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    unsigned seed = 5;
    add_txns(st, "A", 200, &seed);
    add_txns(st, "B", 15, &seed);
    tl_txn_summary want[2];
    assert_int_equal(tl_store_txn_summary(st, "A", &want[0], &err), 0);
    assert_int_equal(tl_store_txn_summary(st, "B", &want[1], &err), 0);
    tl_store_close(st);
    tu_sql(f->db, "DROP TABLE txn_summary; PRAGMA user_version=14");

    assert_int_equal(tl_store_open(f->db, 0, &st, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT user_version FROM pragma_user_version", NULL), 15);
    const char *ids[2] = {"A", "B"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(stored_rows(f->db, ids[i]),
                         (long long)(want[i].n_categories + want[i].n_payment_modes +
                                     want[i].n_months));
        tl_txn_summary got;
        assert_int_equal(tl_store_txn_summary(st, ids[i], &got, &err), 0);
        assert_true(summaries_same(&want[i], &got));
        tl_txn_summary_free(&got);
        tl_txn_summary_free(&want[i]);
    }
    tl_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_against_group_by, tu_tmpdb_setup,
                                        tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_stored, tu_tmpdb_setup, tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_migration_stores_them, tu_tmpdb_setup,
                                        tu_tmpdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
