/* test_optouts_import.c — `tailor import --optouts` end to end, through the
 * real binary into a real store: good files land with one audit entry per
 * change, re-imports change nothing, opting back in removes the channel,
 * the per-customer limit holds, bad files are rejected with their place and
 * leave the store byte for byte as it was, and an opted-out channel gets no
 * offers from `tailor recommend`. Skipped when the tailor binary has not
 * been built. */
#include "testutil.h"
#include "importfx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/optouts.h"
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

/* The customer's opt-out audit entries; the newest doc into seen[1024]. */
static int audit_count(fx *f, const char *subject, char seen[1024])
{
    return tu_import_fx_audit_count(f, subject, "contact_optouts", seen, 1024);
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
    char seen[1024];
    assert_int_equal(audit_count(f, "A1", seen), 2);
    assert_non_null(strstr(seen, "\"route\":\"tailor import --optouts\""));
    assert_non_null(strstr(seen, "\"before\":[\"email\"],\"after\":[\"email\","
                                          "\"sms\"]"));
    assert_int_equal(audit_count(f, "A3", seen), 0);

    /* The same file again changes nothing and audits nothing. */
    import_ok(f, good, "optouts                4 read          0 written");
    assert_int_equal(audit_count(f, "A1", seen), 2);

    /* JSON Lines: opting back in (JSON false) removes the channel; opting
     * back in to a channel never opted out of writes nothing. */
    char *back = put(f, "back.jsonl", "{\"customer_id\":\"A1\",\"channel\":\"email\","
                                      "\"opted_out\":false}\n"
                                      "{\"customer_id\":\"A3\",\"channel\":\"email\","
                                      "\"opted_out\":\"no\"}\n");
    import_ok(f, back, "optouts                2 read          1 written");
    assert_string_equal(optouts_of(f, "A1", list), "sms");
    assert_string_equal(optouts_of(f, "A3", list), "");
    assert_int_equal(audit_count(f, "A1", seen), 3);
    assert_non_null(strstr(seen, "\"before\":[\"email\",\"sms\"],\"after\":"
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

static void reject(fx *f, const char *name, const char *text, const char *want)
{
    tu_import_fx_reject(f, "--optouts", name, text, want);
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
    char seen[1024];
    assert_int_equal(audit_count(f, NULL, seen), 0);
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
