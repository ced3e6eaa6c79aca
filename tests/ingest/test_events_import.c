/* test_events_import.c — `tailor import --events` end to end, through the
 * real binary into a real store: CSV and JSON Lines land with their times
 * in the store's form, an acceptance becomes a holding from its day, keys
 * make a re-import change nothing, every bad record is refused with its
 * place and leaves the store as it was, the rollout report counts imported
 * events, and the overview's tally of events per day, channel and kind
 * follows every way events come and go. Skipped when the tailor binary has
 * not been built. */
#include "testutil.h"
#include "importfx.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/isotime.h"
#include "eval/rollout_report.h"
#include "govern/rollout_change.h"
#include "store/events.h"
#include "store/reports.h"
#include "store/store.h"

typedef tu_import_fx fx;

static int setup(void **state)
{
    *state = tu_have_tailor()
                 ? tu_import_fx_new("customer_id,age\nA1,30\nA2,40\nA3,50\n",
                                    "product_id,name,category\nP1,Travel Card,Card\n"
                                    "P2,Home Loan,Loan\n")
                 : NULL;
    return 0;
}

static int teardown(void **state)
{
    tu_import_fx_free(*state);
    return 0;
}

static char *put(fx *f, const char *name, const char *text)
{
    return tu_import_fx_put(f, name, text);
}

/* The store's events and holdings as one text, through `tailor export`. */
static char *dump(fx *f)
{
    char *out = NULL;
    char *outdir = tu_join(f->dir, "export");
    tu_rmtree(outdir);
    char *e = NULL;
    if (tu_run_tailor(NULL, &e, NULL, "export", "--db", f->db, "--out", outdir, "--full", NULL))
        fail_msg("export: %s", e ? e : "");
    free(e);
    char *ev = tu_join(outdir, "events.csv"), *ho = tu_join(outdir, "holdings.csv");
    size_t n1, n2;
    char *a = tu_read_file(ev, &n1), *b = tu_read_file(ho, &n2);
    assert_non_null(a);
    assert_non_null(b);
    out = malloc(n1 + n2 + 2);
    snprintf(out, n1 + n2 + 2, "%s\n%s", a, b);
    free(a);
    free(b);
    free(ev);
    free(ho);
    tu_rmtree(outdir);
    free(outdir);
    return out;
}

static void test_isotime(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } good[] = {
        {"2026-11-25", "2026-11-25T00:00:00Z"},
        {"2026-11-25T14:03:00Z", "2026-11-25T14:03:00Z"},
        {"2026-11-25T14:03Z", "2026-11-25T14:03:00Z"},
        {"2026-11-25 14:03:07", "2026-11-25T14:03:07Z"},
        {"2026-11-25T14:03:07.123456Z", "2026-11-25T14:03:07Z"},
        {"2026-11-25T00:30:00+01:00", "2026-11-24T23:30:00Z"},
        {"2026-12-31T23:30:00-0100", "2027-01-01T00:30:00Z"},
        {"2024-02-29T12:00:00+05", "2024-02-29T07:00:00Z"},
        {"2000-02-29", "2000-02-29T00:00:00Z"},
    };
    char out[TL_ISOTIME_LEN + 1];
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        if (!tl_isotime_normalise(good[i].in, out))
            fail_msg("refused %s", good[i].in);
        assert_string_equal(out, good[i].want);
    }
    static const char *const bad[] = {
        "",           "2026-1-25",           "2026-13-01",          "2023-02-29",
        "1900-02-29", "2026-11-31",          "2026-11-25T24:00:00", "2026-11-25T12:60",
        "2026-11-25T12:00:61", "2026-11-25T12", "2026-11-25T12:00:00+01:", "2026-11-25T12:00+15",
        "2026-11-25x", "0999-01-01",         "2026-11-25T12:00:00.", "2026-11-25T12:00:00 Z",
        "26-11-25",   "2026-11-25T12:00:00+1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (tl_isotime_normalise(bad[i], out))
            fail_msg("accepted \"%s\" as %s", bad[i], out);
        assert_string_equal(out, "");
    }
}

static void test_import_and_reimport(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    char *csv = put(f, "ev.csv",
                    "customer_id,product_id,kind,at,channel,event_id\n"
                    "A1,P1,shown,2026-11-20T10:00:00Z,email,e1\n"
                    "A1,P1,Accepted,2026-11-21,email,e2\n"
                    "A2,,shown,2026-11-21 09:30:00+01:00,branch,e3\n");
    char *jl = put(f, "ev.jsonl",
                   "{\"customer_id\":\"A3\",\"product_id\":\"P2\",\"kind\":\"dismissed\","
                   "\"timestamp\":\"2026-11-22T08:00:00Z\",\"event_id\":\"e4\"}\n"
                   "{\"customer_id\":\"A3\",\"kind\":\"clicked\"}\n");
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--events", csv,
                                   "--events", jl, NULL),
                     0);
    assert_non_null(strstr(out, "events"));
    assert_non_null(strstr(out, "5 read          5 written"));
    free(out);
    free(err);
    char *before = dump(f);
    assert_non_null(strstr(before, "2026-11-20T10:00:00Z"));
    assert_non_null(strstr(before, "2026-11-21T00:00:00Z"));
    assert_non_null(strstr(before, "2026-11-21T08:30:00Z"));   /* +01:00 to UTC */
    assert_non_null(strstr(before, "accepted"));                /* case folded */
    /* The acceptance is a holding since its day. */
    assert_non_null(strstr(before, "A1,P1,2026-11-21,accepted"));
    /* Again: keys already stored are skipped (the keyless click is not). */
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--events", csv,
                                   NULL),
                     0);
    assert_non_null(strstr(out, "3 read          0 written"));
    free(out);
    free(err);
    char *after = dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(csv);
    free(jl);
}

static void test_bad_files_change_nothing(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"customer_id,kind\nA1,bought\n", "row 2, field kind: must be shown, clicked"},
        {"customer_id,kind\nNobody,shown\n", "row 2, field customer_id: unknown customer"},
        {"customer_id,product_id,kind\nA1,P9,shown\n", "field product_id: unknown product"},
        {"customer_id,kind\nA1,accepted\n", "missing; accepted events name their product"},
        {"customer_id,kind\nA1,dismissed\n", "missing; dismissed events name their product"},
        {"customer_id,kind,at\nA1,shown,2026-02-30\n", "field at: not a time"},
        {"customer_id,kind,event_id\nA1,shown,k\nA1,shown,k\n",
         "row 3, field event_id: duplicate idempotency key"},
        {"product_id,kind\nP1,shown\n", "customer_id"},
        {"customer_id\nA1\n", "kind"},
    };
    char *before = dump(f);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *path = put(f, "bad.csv", bad[i].text);
        char *err = NULL;
        assert_int_equal(tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--events",
                                       path, NULL),
                         1);
        if (!err || !strstr(err, bad[i].says) || !strstr(err, "bad.csv"))
            fail_msg("%s: %s", bad[i].text, err ? err : "");
        free(err);
        free(path);
    }
    /* A good record before a bad one does not land either. */
    char *path = put(f, "mixed.csv", "customer_id,product_id,kind,event_id\n"
                                     "A2,P2,accepted,new-1\nA2,P2,accepted,new-1\n");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", f->db, "--events", path,
                                   NULL),
                     1);
    free(path);
    char *after = dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* A store of the previous schema (9: with the index events_customer) is
 * brought up to date by the import itself, which then succeeds. */
static void test_import_migrates_older_store(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    /* The indexes of schema 9. */
    assert_int_equal(sqlite3_exec(db, TU_UNDO_MIGRATIONS_FROM_12
                                      "CREATE INDEX events_customer ON events(customer_id);"
                                      "DROP INDEX events_customer_time;"
                                      "CREATE INDEX events_customer_product ON "
                                      "events(customer_id, product_id);"
                                      "PRAGMA user_version=9;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    char *csv = put(f, "old.csv", "customer_id,kind\nA2,clicked\n");
    char *err = NULL;
    if (tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--events", csv, NULL))
        fail_msg("import into a schema-9 store: %s", err ? err : "");
    free(err);
    free(csv);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version),"
                                            " (SELECT count(*) FROM sqlite_master WHERE name IN"
                                            " ('events_customer', 'events_customer_product')),"
                                            " (SELECT count(*) FROM sqlite_master WHERE name ="
                                            " 'events_customer_time')",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), TL_STORE_SCHEMA_VERSION);
    assert_int_equal(sqlite3_column_int(q, 1), 0);
    assert_int_equal(sqlite3_column_int(q, 2), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Events of an offline channel imported later count in a rollout. */
static void test_rollout_counts_imported(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, 0, &st, &err), 0);
    tl_rollout ro;
    assert_int_equal(tl_rollout_change_start(st, "offline", 0.5, "imp", "test", "t", &ro, &err),
                     0);
    tl_store_close(st);
    char *csv = put(f, "later.csv", "customer_id,product_id,kind,at\n"
                                    "A1,P2,shown,2999-01-01T00:00:00Z\n"
                                    "A2,P2,shown,2999-01-01T00:00:00Z\n"
                                    "A3,P1,shown,2999-01-01T00:00:00Z\n"
                                    "A3,P1,accepted,2999-01-02\n");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", f->db, "--events", csv,
                                   NULL),
                     0);
    free(csv);
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_rollout_report rep;
    assert_int_equal(tl_rollout_report_build(st, "offline", &rep, &err), 0);
    assert_int_equal(rep.arm[0].customers + rep.arm[1].customers, 3);
    assert_int_equal(rep.arm[0].converted + rep.arm[1].converted, 1);
    tl_rollout_report_free(&rep);
    tl_store_close(st);
}

/* The tally (migration 14) against the events themselves: no (day,
 * channel, kind) differs either way. Returns the events counted. */
static long long expect_tally_matches(fx *f, const char *when)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    static const char sql[] =
        "WITH direct AS (SELECT substr(at, 1, 10) AS day, coalesce(channel, '') AS channel,"
        "  kind, count(*) AS n FROM events GROUP BY 1, 2, 3),"
        " kept AS (SELECT day, channel, kind, n FROM event_tally WHERE n != 0)"
        " SELECT (SELECT count(*) FROM (SELECT * FROM direct EXCEPT SELECT * FROM kept)),"
        " (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM direct)),"
        " (SELECT count(*) FROM events)";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    if (sqlite3_column_int(q, 0) || sqlite3_column_int(q, 1))
        fail_msg("%s: %d counts missing from the tally, %d in it that are not events", when,
                 sqlite3_column_int(q, 0), sqlite3_column_int(q, 1));
    long long n = sqlite3_column_int64(q, 2);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return n;
}

static void test_tally_follows_events(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    /* Filled by the migration the earlier test ran, and kept by imports. */
    long long before = expect_tally_matches(f, "after the earlier imports");
    assert_true(before > 0);

    /* An import: new events counted once, duplicates not at all, days and
     * channels apart, none named counted as such. */
    char *csv = put(f, "tally.csv", "customer_id,product_id,kind,at,channel,event_id\n"
                                    "A1,P1,shown,2026-03-01T10:00:00Z,email,t-1\n"
                                    "A1,P1,shown,2026-03-01T23:59:59Z,email,t-2\n"
                                    "A1,P1,shown,2026-03-02,email,t-3\n"
                                    "A2,P1,clicked,2026-03-01,,t-4\n"
                                    "A3,P2,shown,2026-03-01,branch,t-5\n");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", f->db, "--events", csv,
                                   NULL),
                     0);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", f->db, "--events", csv,
                                   NULL),
                     0);
    assert_int_equal(expect_tally_matches(f, "after an import and its repeat"), before + 5);

    /* One at a time (the API's way), with and without a time; a repeated
     * key is not counted again. */
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, 0, &st, &err), 0);
    tl_event one = {"A2", "P2", "shown", "mobile", "t-api-1", NULL};
    tl_event dated = {"A2", "P2", "dismissed", "mobile", NULL, "2026-03-01T08:00:00Z"};
    bool dup;
    assert_int_equal(tl_store_event_add(st, &one, NULL, &dup, &err), 0);
    assert_false(dup);
    assert_int_equal(tl_store_event_add(st, &one, NULL, &dup, &err), 0);
    assert_true(dup);
    assert_int_equal(tl_store_event_add(st, &dated, NULL, &dup, &err), 0);
    /* The report reads the tally: the channels' figures are the events'. */
    tl_report_counts c;
    assert_int_equal(tl_store_report_counts(st, &c, NULL, NULL, &err), 0);
    assert_int_equal(c.shown + c.clicked + c.accepted + c.dismissed + c.complained, before + 7);
    tl_store_close(st);
    assert_int_equal(expect_tally_matches(f, "after events one at a time"), before + 7);

    /* Erasure takes the customer's events out of it. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "erase", "--db", f->db, "A1", NULL), 0);
    assert_true(expect_tally_matches(f, "after an erasure") < before + 7);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isotime),
        cmocka_unit_test(test_import_and_reimport),
        cmocka_unit_test(test_bad_files_change_nothing),
        cmocka_unit_test(test_import_migrates_older_store),
        cmocka_unit_test(test_rollout_counts_imported),
        cmocka_unit_test(test_tally_follows_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
