/* test_check.c — `tailor store check` finds what another tool's writes
 * leave behind (the event tally, the search index and the transaction
 * summaries out of step, summaries missing, rows without their customer,
 * a reserved customer ID, a damaged file) and `tailor store repair`
 * rebuilds the derived parts from their tables, leaving the rest, and
 * refuses to rebuild on a damaged file. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/check.h"
#include "store/event_tally.h"
#include "store/events.h"
#include "store/store.h"

typedef tu_tmpdb fixture;

/* A generated bank of 30 customers with 40 events over four days, and
 * transactions of three of them, written by tailor (so tallied and
 * summed as it writes). */
static int setup(void **state)
{
    tu_tmpdb_setup(state);
    fixture *f = *state;
    if (tu_generate_bank(f->dir, "30", "7"))
        return -1;
    tu_import_generated(f->dir, f->db);
    char *txns = tu_join(f->dir, "txns.csv");
    FILE *fp = fopen(txns, "w");
    assert_non_null(fp);
    fputs("customer_id,txn_id,date,amount,direction,category,payment_mode\n", fp);
    for (int i = 0; i < 60; i++)
        fprintf(fp, "C%07d,T%d,2025-%02d-%02d,%d.%02d,%s,%s,%s\n", 3 + i % 3, i, 1 + i % 12,
                1 + i % 28, 10 + i, i % 100, i % 7 ? "debit" : "credit",
                i % 2 ? "Dining" : "Travel", i % 3 ? "UPI" : "Debit Card");
    fclose(fp);
    char *errs = NULL;
    if (tu_run_tailor(NULL, &errs, NULL, "import", "--db", f->db, "--transactions", txns,
                      "--quiet", NULL))
        fail_msg("import: %s", errs ? errs : "");
    free(errs);
    free(txns);
    tl_store *st = NULL;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, 0, &st, &err), 0);
    static const char *const channels[] = {"web", "mobile", NULL};
    for (int i = 0; i < 40; i++) {
        char customer[16], at[32];
        snprintf(customer, sizeof customer, "C%07d", 1 + i % 30);
        snprintf(at, sizeof at, "2026-03-0%dT10:00:00Z", 1 + i % 4);
        tl_event e = {customer, NULL, i % 5 ? "shown" : "complained", channels[i % 3], NULL, at};
        assert_int_equal(tl_store_event_add(st, &e, NULL, NULL, &err), 0);
    }
    tl_store_close(st);
    return 0;
}

static tl_store_check check(const char *db)
{
    tl_store *st = NULL;
    tl_err err;
    tl_store_check c;
    assert_int_equal(tl_store_open(db, 0, &st, &err), 0);
    if (tl_store_check_run(st, true, NULL, &c, &err))
        fail_msg("check: %s", err.msg);
    tl_store_close(st);
    return c;
}

static json_t *check_json(const char *db, int want_exit)
{
    char *out = NULL, *errs = NULL;
    int code = tu_run_tailor(&out, &errs, NULL, "store", "check", "--db", db, "--json", NULL);
    if (code != want_exit)
        fail_msg("exit %d, want %d: %s%s", code, want_exit, out, errs);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    free(out);
    free(errs);
    return doc;
}

static void test_sound_store(void **state)
{
    fixture *f = *state;
    tl_store_check c = check(f->db);
    assert_true(tl_store_check_ok(&c));
    char *out = NULL;
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "store", "check", "--db", f->db, NULL), 0);
    assert_non_null(strstr(out, "  event tally:   ok\n"));
    assert_non_null(strstr(out, "  search index:  ok\n"));
    assert_non_null(strstr(out, "  txn summaries: ok\n"));
    assert_null(strstr(out, "no stored summary"));   /* the import stored them all */
    free(out);
}

/* Out of step, found, then rebuilt; rows without their customer are found
 * and left. */
static void test_found_and_repaired(void **state)
{
    fixture *f = *state;
    /* Events written and counted wrongly behind tailor's back. */
    tu_sql(f->db, "INSERT INTO events(customer_id, kind, channel, at)"
                       "  VALUES('C0000001', 'accepted', 'branch', '2026-03-09T09:00:00Z');"
                       "UPDATE event_tally SET n = n + 2 WHERE day = '2026-03-02' AND channel = 'web';");
    tl_store_check c = check(f->db);
    assert_false(tl_store_check_ok(&c));
    assert_int_equal(c.file_problems, 0);
    assert_int_equal(c.orphans, 0);
    assert_true(c.search_ok);
    assert_int_equal(c.tally_off, 2);   /* 2026-03-02 on the web; the new day in branch */
    assert_string_equal(c.tally_first, "2026-03-02 web shown: tally 5, events 3");
    assert_int_equal(c.summaries_off + c.summaries_missing, 0);

    /* A summary changed by hand, another deleted: the first is out of
     * step, the second only missing (read slower, not wrong). */
    tu_sql(f->db, "UPDATE txn_summary SET count = count + 1"
                  "  WHERE customer_id = 'C0000003' AND kind = 2;"
                  "DELETE FROM txn_summary WHERE customer_id = 'C0000004';");
    c = check(f->db);
    assert_int_equal(c.summaries_off, 1);
    assert_string_equal(c.summaries_first,
                        "C0000003: stored summary differs from the transactions");
    assert_int_equal(c.summaries_missing, 1);

    /* A customer deleted by hand: the search index still lists them, and
     * their holdings and monthly totals have no customer. */
    tu_sql(f->db, "DROP TRIGGER customers_search_delete;"
                       "DELETE FROM customers WHERE id = 'C0000002';");
    c = check(f->db);
    assert_false(c.search_ok);
    assert_true(c.orphans > 0);
    assert_non_null(strstr(c.orphan_first, "a row refers to a missing customers row"));
    json_t *doc = check_json(f->db, 1);
    assert_false(json_is_true(json_object_get(doc, "sound")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "event_tally"),
                                                        "out_of_step")),
                     2);
    assert_false(json_is_true(json_object_get(json_object_get(doc, "search_index"),
                                              "in_step")));
    json_t *sums = json_object_get(doc, "txn_summaries");
    assert_true(json_integer_value(json_object_get(sums, "out_of_step")) >= 1);
    assert_int_equal(json_integer_value(json_object_get(sums, "missing")), 1);
    json_decref(doc);

    /* A customer an older tailor let in under a reserved ID. */
    tu_sql(f->db, "INSERT INTO customers(id, doc, updated_at)"
                       "  VALUES('erased:old-system-7', '{}', '2025-01-01T00:00:00Z');");
    c = check(f->db);
    assert_int_equal(c.reserved_ids, 1);
    assert_string_equal(c.reserved_first, "erased:old-system-7");

    /* Repair: both rebuilt, the orphans and the reserved ID left (exit 1
     * still). */
    char *out = NULL;
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "store", "repair", "--db", f->db, NULL), 1);
    assert_non_null(
        strstr(out, "rebuilt the event tally, the search index and the transaction summaries\n"));
    assert_non_null(strstr(out, "  event tally:   ok\n"));
    assert_non_null(strstr(out, "  search index:  ok\n"));
    assert_non_null(strstr(out, "  txn summaries: ok\n"));
    assert_null(strstr(out, "no stored summary"));
    assert_non_null(strstr(out, "to a missing parent"));
    assert_non_null(strstr(out, "  customer IDs:  1 begins with \"erased:\""));
    free(out);
    c = check(f->db);
    assert_int_equal(c.reserved_ids, 1);
    assert_int_equal(c.tally_off, 0);
    assert_true(c.search_ok);
    assert_int_equal(c.summaries_off + c.summaries_missing, 0);
    assert_true(c.orphans > 0);
    /* The rebuilt tally counts the event written by hand. */
    tl_store *st = NULL;
    tl_err err;
    long long n = -1;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(tl_store_event_tally_between(st, "2026-03-09", "2026-03-09", &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(tl_store_event_tally_between(st, "2026-03-01", NULL, &n, &err), 0);
    assert_int_equal(n, 41);
    tl_store_close(st);
    /* Nothing to rebuild: repair says nothing of it. */
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "store", "repair", "--db", f->db, NULL), 1);
    assert_null(strstr(out, "rebuilt"));
    free(out);
}

/* A page overwritten: the file check says so, stops there, and repair
 * rebuilds nothing on it. */
static void test_damaged_file(void **state)
{
    fixture *f = *state;
    char *bad = tu_join(f->dir, "bad.db");
    /* Checkpointed into the file, then copied: the copy has no log. */
    tu_sql(f->db, "PRAGMA wal_checkpoint(TRUNCATE);");
    size_t len = 0;
    char *bytes = tu_read_file(f->db, &len);
    assert_non_null(bytes);
    assert_true(len > 4 * 16384);
    /* The middle of the last-but-two page: an index's or a table's cells. */
    for (size_t i = 0; i < 3000; i++)
        bytes[len - 3 * 16384 + 200 + i] = (char)(i * 131 + 17);
    FILE *w = fopen(bad, "wb");
    assert_non_null(w);
    assert_int_equal(fwrite(bytes, 1, len, w), len);
    fclose(w);
    free(bytes);

    json_t *doc = check_json(bad, 1);
    json_t *file = json_object_get(doc, "file");
    assert_true(json_integer_value(json_object_get(file, "problems")) > 0);
    const char *first = json_string_value(json_object_get(file, "first"));
    assert_non_null(first);
    assert_null(strchr(first, '\n'));
    assert_true(json_is_null(json_object_get(doc, "event_tally")));
    assert_true(json_is_null(json_object_get(doc, "reserved_ids")));
    json_decref(doc);
    char *errs = NULL;
    assert_int_equal(tu_run_tailor(NULL, &errs, NULL, "store", "repair", "--db", bad, NULL), 1);
    assert_non_null(strstr(errs, "is damaged"));
    assert_non_null(strstr(errs, "restore it from a backup; nothing was rebuilt"));
    free(errs);
    free(bad);
}

static void test_usage(void **state)
{
    fixture *f = *state;
    char *errs = NULL;
    assert_int_equal(tu_run_tailor(NULL, &errs, NULL, "store", "fix", "--db", f->db, NULL), 2);
    assert_non_null(strstr(errs, "expected check or repair"));
    free(errs);
    assert_int_equal(tu_run_tailor(NULL, &errs, NULL, "store", "check", NULL), 2);
    assert_non_null(strstr(errs, "--db FILE is required"));
    free(errs);
    assert_int_equal(
        tu_run_tailor(NULL, &errs, NULL, "store", "repair", "--db", f->db, "--json", NULL), 2);
    assert_non_null(strstr(errs, "repair takes --db FILE only"));
    free(errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sound_store),
        cmocka_unit_test(test_found_and_repaired),
        cmocka_unit_test(test_damaged_file),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, tu_tmpdb_teardown);
}
