/* test_consent_import.c — `tailor import --consent` and `tailor consent
 * defaults` end to end, through the real binary into a real store: good
 * files land with one audit entry per changed customer, re-imports change
 * nothing, bad files are rejected with their place and leave the store byte
 * for byte as it was, and the defaults reach customers without a record
 * only. Skipped when the tailor binary has not been built. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/consent.h"
#include "store/store.h"

typedef struct fx {
    char *dir, *db;
} fx;

static bool have_binary(void)
{
    const char *bin = getenv("TAILOR_BIN");
    return bin && access(bin, X_OK) == 0;
}

static char *put(fx *f, const char *name, const char *text)
{
    char *p = tu_join(f->dir, name);
    tu_write_file(p, text);
    return p;
}

static int setup(void **state)
{
    if (!have_binary())
        return 0;
    fx *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "s.db");
    char *c = put(f, "customers.csv", "customer_id,age\nA1,30\nA2,40\nA3,50\n");
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--customers", c, NULL);
    if (rc)
        fail_msg("customers: exit %d: %s", rc, err);
    free(err);
    free(c);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
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

typedef struct audit_seen {
    int n;
    char last_doc[1024];
} audit_seen;

static int on_audit(void *ctx, const tl_audit_row *r)
{
    audit_seen *s = ctx;
    if (s->n++ == 0)   /* newest first */
        snprintf(s->last_doc, sizeof s->last_doc, "%s", r->doc);
    return 0;
}

/* Audit entries of `kind` for `subject`; the newest doc into seen. */
static int audit_count(fx *f, const char *subject, const char *kind, audit_seen *seen)
{
    tl_store *st;
    tl_err err;
    memset(seen, 0, sizeof *seen);
    tl_audit_query q = {subject, kind, NULL, 1000, 0};
    if (tl_store_open(f->db, TL_STORE_READONLY, &st, &err) ||
        tl_store_audit_query(st, &q, on_audit, seen, NULL, &err))
        fail_msg("audit: %s", err.msg);
    tl_store_close(st);
    return seen->n;
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
    audit_seen seen;
    assert_int_equal(audit_count(f, "A1", "consent", &seen), 1);
    assert_non_null(strstr(seen.last_doc, "\"route\":\"tailor import --consent\""));
    assert_non_null(strstr(seen.last_doc, "\"recorded\":false"));
    assert_non_null(strstr(seen.last_doc, "\"after\":{\"personalisation\":false"));
    assert_int_equal(audit_count(f, "A2", "consent", &seen), 1);
    assert_int_equal(audit_count(f, "A3", "consent", &seen), 0);

    /* The same file again changes nothing and audits nothing. */
    rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--consent", good, NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "consent                2 read          0 written"));
    free(out);
    free(err);
    assert_int_equal(audit_count(f, "A1", "consent", &seen), 1);

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
    assert_int_equal(audit_count(f, "A1", "consent", &seen), 2);
    assert_non_null(strstr(seen.last_doc, "\"recorded\":true"));
    assert_int_equal(audit_count(f, "A2", "consent", &seen), 1);

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

/* Imports `name` holding `text` as consent; expects exit 1 with `want` in
 * the message and the store unchanged byte for byte. */
static void reject(fx *f, const char *name, const char *text, const char *want)
{
    char *path = put(f, name, text);
    size_t n1, n2;
    char *before = tu_read_file(f->db, &n1), *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--consent", path, NULL);
    if (rc != 1 || !strstr(err, want))
        fail_msg("%s: exit %d, stderr \"%s\"; wanted \"%s\"", name, rc, err, want);
    assert_non_null(strstr(err, "(nothing was imported)"));
    char *after = tu_read_file(f->db, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
    free(err);
    free(path);
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
    audit_seen seen;
    assert_int_equal(audit_count(f, NULL, "consent", &seen), 0);
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
    audit_seen seen;
    assert_int_equal(audit_count(f, NULL, "consent_defaults", &seen), 0);

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
    assert_int_equal(audit_count(f, "store", "consent_defaults", &seen), 1);
    assert_non_null(strstr(seen.last_doc, "\"before\":{\"personalisation\":true,"
                                          "\"social_data\":true,\"llm\":false"));
    assert_non_null(strstr(seen.last_doc, "\"after\":{\"personalisation\":true,"
                                          "\"social_data\":false,\"llm\":true}"));

    /* The same again: nothing to audit. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "consent", "defaults", "--db", f->db,
                                   "--llm", "yes", NULL), 0);
    assert_int_equal(audit_count(f, NULL, "consent_defaults", &seen), 1);

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
