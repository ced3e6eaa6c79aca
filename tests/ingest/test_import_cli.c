/* test_import_cli.c — `tailor import` end to end: flags for every kind,
 * the summary, exit codes, and a rejected file leaving the store as it
 * was. Skipped when the tailor binary has not been built. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool have_binary(void)
{
    const char *bin = getenv("TAILOR_BIN");
    return bin && access(bin, X_OK) == 0;
}

static void test_import_kinds(void **state)
{
    (void)state;
    if (!have_binary())
        skip();
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "s.db"), *c = tu_join(dir, "c.csv"), *t = tu_join(dir, "t.jsonl"),
         *p = tu_join(dir, "p.csv"), *bad = tu_join(dir, "bad.csv");
    tu_write_file(c, "customer_id,age\nA1,30\nA2,40\n");
    tu_write_file(t, "{\"customer_id\":\"A1\",\"txn_id\":\"T1\",\"date\":\"2024-01-01\","
                     "\"amount\":5}\n");
    tu_write_file(p, "customer_id,text\nA2,hello\n");
    tu_write_file(bad, "customer_id,text\nA2,hello\nZZ,who\n");
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "import", "--db", db, "--customers", c,
                           "--transactions", t, "--posts", p, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(out, "customers              2 read          2 written"));
    assert_non_null(strstr(out, "transactions           1 read          1 written"));
    free(out);
    free(err);

    /* The same again writes nothing. */
    rc = tu_run_tailor(&out, &err, NULL, "import", "--db", db, "--customers", c,
                       "--transactions", t, "--posts", p, NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "customers              2 read          0 written"));
    free(out);
    free(err);

    /* A bad file: exit 1, one line naming the place, store unchanged. */
    size_t n1;
    char *before = tu_read_file(db, &n1);
    rc = tu_run_tailor(&out, &err, NULL, "import", "--db", db, "--posts", bad, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "bad.csv:row 3, field customer_id: unknown customer"));
    assert_non_null(strstr(err, "(nothing was imported)"));
    tu_assert_file_unchanged(db, before, n1);
    free(out);
    free(err);

    /* Usage errors exit 2. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", db, NULL), 2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", db, "--posts", "x.txt",
                                   NULL), 2);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "import", "--help", NULL), 0);
    assert_non_null(strstr(out, "--transactions FILE"));
    free(out);

    tu_rmtree(dir);
    free(dir);
    free(db);
    free(c);
    free(t);
    free(p);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
