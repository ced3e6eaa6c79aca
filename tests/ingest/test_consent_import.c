/* test_consent_import.c — `tailor import --consent` and `tailor consent
 * defaults` end to end, through the real binary into a real store: good
 * files land with one audit entry per changed customer, re-imports change
 * nothing, bad files are rejected with their place and leave the store byte
 * for byte as it was, and the defaults reach customers without a record
 * only. Skipped when the tailor binary has not been built. */
#include "testutil.h"
#include "importfx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/consent.h"
#include "store/store.h"

typedef tu_import_fx fx;

static int setup(void **state)
{
    *state = tu_have_tailor() ? tu_import_fx_new("customer_id,age\nA1,30\nA2,40\nA3,50\n", NULL)
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

static tl_consent consent_of(fx *f, const char *id)
{
    tl_store *st;
    tl_err err;
    tl_consent c;
    if (tl_store_open(f->db, TL_STORE_READONLY, &st, &err) ||
        tl_store_consent_get(st, id, &c, &err))
        fail_msg("consent of %s: %s", id, err.msg);
    tl_store_close(st);
    return c;
}

/* Audit entries of `kind` for `subject`; the newest doc into seen[1024]. */
static int audit_count(fx *f, const char *subject, const char *kind, char seen[1024])
{
    return tu_import_fx_audit_count(f, subject, kind, seen, 1024);
}

static void expect_consent(fx *f, const char *id, int p, int s, int l, int recorded)
{
    tl_consent c = consent_of(f, id);
    if (c.personalisation != p || c.social_data != s || c.llm != l || c.recorded != recorded)
        fail_msg("%s: got %d/%d/%d recorded %d, want %d/%d/%d recorded %d", id,
                 c.personalisation, c.social_data, c.llm, c.recorded, p, s, l, recorded);
}

static void test_good_file_and_reimport(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    char *good = put(f, "consent.csv", "customer_id,personalisation,social_data,llm\n"
                                       "A1,no,,YES\nA2,Granted,withdrawn,0\n");
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--consent", good, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(out, "consent                2 read          2 written"));
    free(out);
    free(err);
    expect_consent(f, "A1", 0, 1, 1, 1);   /* social_data empty: the default kept */
    expect_consent(f, "A2", 1, 0, 0, 1);
    expect_consent(f, "A3", 1, 1, 0, 0);   /* not in the file: still on the defaults */

    /* One audit entry per changed customer, saying what changed and how. */
    char seen[1024];
    assert_int_equal(audit_count(f, "A1", "consent", seen), 1);
    assert_non_null(strstr(seen, "\"route\":\"tailor import --consent\""));
    assert_non_null(strstr(seen, "\"recorded\":false"));
    assert_non_null(strstr(seen, "\"after\":{\"personalisation\":false"));
    assert_int_equal(audit_count(f, "A2", "consent", seen), 1);
    assert_int_equal(audit_count(f, "A3", "consent", seen), 0);

    /* The same file again changes nothing and audits nothing. */
    rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--consent", good, NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "consent                2 read          0 written"));
    free(out);
    free(err);
    assert_int_equal(audit_count(f, "A1", "consent", seen), 1);

    /* JSON Lines, one field alone: the others keep their recorded values. */
    char *one = put(f, "one.jsonl", "{\"customer_id\":\"A1\",\"llm\":false}\n"
                                    "{\"customer_id\":\"A2\",\"llm\":0}\n");
    rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--consent", one, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(out, "consent                2 read          1 written"));
    free(out);
    free(err);
    expect_consent(f, "A1", 0, 1, 0, 1);
    expect_consent(f, "A2", 1, 0, 0, 1);
    assert_int_equal(audit_count(f, "A1", "consent", seen), 2);
    assert_non_null(strstr(seen, "\"recorded\":true"));
    assert_int_equal(audit_count(f, "A2", "consent", seen), 1);

    /* Customers and their consent in one import; a JSON array file. */
    char *c4 = put(f, "c4.csv", "customer_id,age\nA4,22\n");
    char *k4 = put(f, "k4.json", "[{\"customer_id\":\"A4\",\"personalisation\":\"No\","
                                 "\"llm\":true}]");
    rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--consent", k4,
                       "--customers", c4, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    free(out);
    free(err);
    expect_consent(f, "A4", 0, 1, 1, 1);
    free(good);
    free(one);
    free(c4);
    free(k4);
}

static void reject(fx *f, const char *name, const char *text, const char *want)
{
    tu_import_fx_reject(f, "--consent", name, text, want);
}

static void test_bad_files(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    reject(f, "bool.csv", "customer_id,llm\nA1,yes\nA2,maybe\n",
           "bool.csv:row 3, field llm: must be true/false, yes/no, 1/0 or granted/withdrawn "
           "(value \"maybe\")");
    reject(f, "bool.jsonl", "{\"customer_id\":\"A1\"}\n{\"customer_id\":\"A2\","
                            "\"social_data\":\"perhaps\"}\n",
           "bool.jsonl:2:");
    reject(f, "bool2.jsonl", "{\"customer_id\":\"A2\",\"social_data\":2}\n",
           "field social_data: must be true/false");
    reject(f, "ghost.csv", "customer_id,llm\nA1,yes\nGHOST,no\n",
           "ghost.csv:row 3, field customer_id: unknown customer");
    reject(f, "dup.csv", "customer_id,llm\nA1,yes\nA2,yes\nA1,no\n",
           "dup.csv:row 4, field customer_id: duplicate customer_id");
    reject(f, "noid.csv", "customer_id,llm\n,yes\n", "noid.csv:row 2, field customer_id: "
                                                     "missing");
    /* Nothing of it landed, nor was audited. */
    expect_consent(f, "A1", 1, 1, 0, 0);
    char seen[1024];
    assert_int_equal(audit_count(f, NULL, "consent", seen), 0);
}

static void test_defaults(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    char *k = put(f, "k.csv", "customer_id,llm\nA1,no\n");
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", f->db, "--consent", k,
                                   NULL), 0);
    int rc = tu_run_tailor(&out, &err, NULL, "consent", "defaults", "--db", f->db, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(out, "personalisation yes"));
    assert_non_null(strstr(out, "llm             no"));
    free(out);
    free(err);
    char seen[1024];
    assert_int_equal(audit_count(f, NULL, "consent_defaults", seen), 0);

    /* LLM opt-out by default: A2 (no record) flips, A1 (recorded) stays. */
    rc = tu_run_tailor(&out, &err, NULL, "consent", "defaults", "--db", f->db, "--llm", "yes",
                       "--social-data", "No", NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(out, "social_data     no"));
    assert_non_null(strstr(out, "llm             yes"));
    free(out);
    free(err);
    expect_consent(f, "A2", 1, 0, 1, 0);
    expect_consent(f, "A1", 1, 1, 0, 1);
    assert_int_equal(audit_count(f, "store", "consent_defaults", seen), 1);
    assert_non_null(strstr(seen, "\"before\":{\"personalisation\":true,"
                                          "\"social_data\":true,\"llm\":false"));
    assert_non_null(strstr(seen, "\"after\":{\"personalisation\":true,"
                                          "\"social_data\":false,\"llm\":true}"));

    /* The same again: nothing to audit. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "consent", "defaults", "--db", f->db,
                                   "--llm", "yes", NULL), 0);
    assert_int_equal(audit_count(f, NULL, "consent_defaults", seen), 1);

    /* A file importing a customer on the defaults records the defaults'
     * values for the fields it leaves out. */
    char *k3 = put(f, "k3.csv", "customer_id,personalisation\nA3,no\n");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", f->db, "--consent", k3,
                                   NULL), 0);
    expect_consent(f, "A3", 0, 0, 1, 1);

    /* Usage errors exit 2; --help exits 0. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "consent", "defaults", "--db", f->db,
                                   "--llm", "maybe", NULL), 2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "consent", "defaults", NULL), 2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "consent", NULL), 2);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "consent", "defaults", "--help", NULL), 0);
    assert_non_null(strstr(out, "--social-data yes|no"));
    free(out);
    /* A missing store is an error, not a new empty one. */
    char *none = tu_join(f->dir, "none.db");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "consent", "defaults", "--db", none,
                                   "--llm", "yes", NULL), 1);
    assert_int_equal(access(none, F_OK), -1);
    free(none);
    free(k);
    free(k3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_file_and_reimport, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
