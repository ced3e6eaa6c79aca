/* test_optouts_import.c — `tailor import --optouts` end to end, through the
 * real binary into a real store: good files land with one audit entry per
 * change, re-imports change nothing, opting back in removes the channel,
 * the per-customer limit holds, bad files are rejected with their place and
 * leave the store byte for byte as it was, and an opted-out channel gets no
 * offers from `tailor recommend`. Skipped when the tailor binary has not
 * been built. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/optouts.h"
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

static int add_name(void *ctx, const char *channel, const char *since)
{
    (void)since;
    char *list = ctx;
    size_t n = strlen(list);
    snprintf(list + n, 256 - n, "%s%s", n ? "," : "", channel);
    return 0;
}

/* The customer's opt-outs as "email,sms" (by channel), into list[256]. */
static const char *optouts_of(fx *f, const char *id, char list[256])
{
    tl_store *st;
    tl_err err;
    list[0] = '\0';
    if (tl_store_open(f->db, TL_STORE_READONLY, &st, &err) ||
        tl_store_optouts_each(st, id, add_name, list, &err))
        fail_msg("opt-outs of %s: %s", id, err.msg);
    tl_store_close(st);
    return list;
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

static int audit_count(fx *f, const char *subject, audit_seen *seen)
{
    tl_store *st;
    tl_err err;
    memset(seen, 0, sizeof *seen);
    tl_audit_query q = {subject, "contact_optouts", NULL, 1000, 0};
    if (tl_store_open(f->db, TL_STORE_READONLY, &st, &err) ||
        tl_store_audit_query(st, &q, on_audit, seen, NULL, &err))
        fail_msg("audit: %s", err.msg);
    tl_store_close(st);
    return seen->n;
}

/* Imports `path` as opt-outs; expects success and `summary` in stdout. */
static void import_ok(fx *f, const char *path, const char *summary)
{
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--optouts", path, NULL);
    if (rc || !strstr(out, summary))
        fail_msg("%s: exit %d, stdout \"%s\", stderr \"%s\"; wanted \"%s\"", path, rc, out,
                 err, summary);
    free(out);
    free(err);
}

static void test_good_file_and_reimport(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    char list[256];
    /* opted_out left out or empty means yes. */
    char *good = put(f, "optouts.csv", "customer_id,channel,opted_out\n"
                                       "A1,email,\nA1,sms,YES\nA2,letter,1\nA2,*,true\n");
    import_ok(f, good, "optouts                4 read          4 written");
    assert_string_equal(optouts_of(f, "A1", list), "email,sms");
    assert_string_equal(optouts_of(f, "A2", list), "*,letter");
    assert_string_equal(optouts_of(f, "A3", list), "");

    /* One audit entry per change, saying what changed and how. */
    audit_seen seen;
    assert_int_equal(audit_count(f, "A1", &seen), 2);
    assert_non_null(strstr(seen.last_doc, "\"route\":\"tailor import --optouts\""));
    assert_non_null(strstr(seen.last_doc, "\"before\":[\"email\"],\"after\":[\"email\","
                                          "\"sms\"]"));
    assert_int_equal(audit_count(f, "A3", &seen), 0);

    /* The same file again changes nothing and audits nothing. */
    import_ok(f, good, "optouts                4 read          0 written");
    assert_int_equal(audit_count(f, "A1", &seen), 2);

    /* JSON Lines: opting back in (JSON false) removes the channel; opting
     * back in to a channel never opted out of writes nothing. */
    char *back = put(f, "back.jsonl", "{\"customer_id\":\"A1\",\"channel\":\"email\","
                                      "\"opted_out\":false}\n"
                                      "{\"customer_id\":\"A3\",\"channel\":\"email\","
                                      "\"opted_out\":\"no\"}\n");
    import_ok(f, back, "optouts                2 read          1 written");
    assert_string_equal(optouts_of(f, "A1", list), "sms");
    assert_string_equal(optouts_of(f, "A3", list), "");
    assert_int_equal(audit_count(f, "A1", &seen), 3);
    assert_non_null(strstr(seen.last_doc, "\"before\":[\"email\",\"sms\"],\"after\":"
                                          "[\"sms\"]"));

    /* Customers and their opt-outs in one import; a JSON array file. */
    char *c4 = put(f, "c4.csv", "customer_id,age\nA4,22\n");
    char *o4 = put(f, "o4.json", "[{\"customer_id\":\"A4\",\"channel\":\"push\"}]");
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--optouts", o4,
                           "--customers", c4, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    free(out);
    free(err);
    assert_string_equal(optouts_of(f, "A4", list), "push");
    free(good);
    free(back);
    free(c4);
    free(o4);
}

/* Imports `name` holding `text` as opt-outs; expects exit 1 with `want` in
 * the message and the store unchanged byte for byte. */
static void reject(fx *f, const char *name, const char *text, const char *want)
{
    char *path = put(f, name, text);
    size_t n1, n2;
    char *before = tu_read_file(f->db, &n1), *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--optouts", path, NULL);
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
    reject(f, "name.csv", "customer_id,channel\nA1,email\nA2,e mail\n",
           "name.csv:row 3, field channel: must be a channel (1 to 32 letters, digits, '-', "
           "'_' or '.') or * for every channel (value \"e mail\")");
    reject(f, "bool.csv", "customer_id,channel,opted_out\nA1,email,maybe\n",
           "bool.csv:row 2, field opted_out: must be true/false, yes/no or 1/0 (value "
           "\"maybe\")");
    /* Consent's words would read backwards here: refused. */
    reject(f, "granted.csv", "customer_id,channel,opted_out\nA1,email,granted\n",
           "granted.csv:row 2, field opted_out: must be true/false, yes/no or 1/0");
    reject(f, "bool.jsonl", "{\"customer_id\":\"A1\",\"channel\":\"sms\",\"opted_out\":2}\n",
           "bool.jsonl:1:");
    reject(f, "ghost.csv", "customer_id,channel\nA1,email\nGHOST,email\n",
           "ghost.csv:row 3, field customer_id: unknown customer");
    reject(f, "dup.csv", "customer_id,channel,opted_out\nA1,email,yes\nA2,email,yes\n"
                         "A1,email,no\n",
           "dup.csv:row 4, field channel: duplicate: this customer's email opt-out given "
           "twice in this import");
    reject(f, "nochannel.csv", "customer_id,channel\nA1,\n",
           "nochannel.csv:row 2, field channel: missing");
    reject(f, "noid.jsonl", "{\"channel\":\"email\"}\n", "noid.jsonl:1:");

    /* Past the per-customer limit: the record that would exceed it is named,
     * and nothing of the file landed. */
    char text[2048] = "customer_id,channel\n";
    for (int i = 0; i <= 16; i++) {
        size_t n = strlen(text);
        snprintf(text + n, sizeof text - n, "A2,ch%d\n", i);
    }
    reject(f, "many.csv", text, "many.csv:row 18, field channel: customer 'A2' has opted "
                                "out of 16 channels already; at most 16");
    char list[256];
    assert_string_equal(optouts_of(f, "A1", list), "");
    assert_string_equal(optouts_of(f, "A2", list), "");
    audit_seen seen;
    assert_int_equal(audit_count(f, NULL, &seen), 0);
}

/* What the opt-out does: no offers on that channel, others unaffected. */
static void test_recommend_on_opted_out_channel(void **state)
{
    fx *f = *state;
    if (!f)
        skip();
    /* Money to invest and a fund to invest it in: one offer to make. */
    char *c = put(f, "rich.csv", "customer_id,age,balance,income,risk_profile\n"
                                 "A1,30,80000,6000,Medium\n");
    char *p = put(f, "products.csv", "product_id,name,category\n"
                                     "P1,Growth Investment Fund,Investment\n");
    char *o = put(f, "o.csv", "customer_id,channel\nA1,email\n");
    char *out = NULL, *err = NULL;
    int rc = tu_run_tailor(&out, &err, NULL, "import", "--db", f->db, "--customers", c,
                           "--products", p, "--optouts", o, NULL);
    if (rc)
        fail_msg("exit %d: %s", rc, err);
    free(out);
    free(err);
    rc = tu_run_tailor(&out, &err, NULL, "recommend", "--db", f->db, "--json", "--channel",
                       "email", "A1", NULL);
    if (rc)
        fail_msg("recommend: exit %d: %s", rc, err);
    assert_non_null(strstr(out, "\"recommendations\":[]"));
    assert_non_null(strstr(out, "\"code\":\"opted_out\""));
    free(out);
    free(err);
    rc = tu_run_tailor(&out, &err, NULL, "recommend", "--db", f->db, "--json", "--channel",
                       "mobile", "A1", NULL);
    if (rc)
        fail_msg("recommend: exit %d: %s", rc, err);
    assert_null(strstr(out, "opted_out"));
    assert_non_null(strstr(out, "\"product_id\":\"P1\""));
    free(out);
    free(err);
    free(c);
    free(p);
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_file_and_reimport, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recommend_on_opted_out_channel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
