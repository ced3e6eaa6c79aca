/* test_audit_chain.c — the audit log's hash chain: intact as written and
 * through erasure; every kind of tampering found at its entry (a changed
 * doc, time or subject, a removed, inserted or unchained entry); anchors;
 * entries from before the chain; two writers at once; the CLI's and the
 * HTTP route's answers. */
#include "testutil.h"
#include "httptest.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govern/audit.h"
#include "govern/audit_verify.h"
#include "govern/erase.h"
#include "store/audit.h"
#include "store/customers.h"
#include "store/store.h"

typedef tu_tmpdb fixture;

/* A store with customers C1 and C2 and `n` audit entries about them and
 * about the store itself. */
static void fill(fixture *f, int n)
{
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_CREATE, &st, &err), 0);
    for (int i = 1; i <= 2; i++) {
        char id[16];
        snprintf(id, sizeof id, "C%d", i);
        tl_customer c = {0};
        c.id = id;
        c.name = id;
        c.age = 40;
        c.doc = "{}";
        assert_int_equal(tl_store_customer_upsert(st, &c, NULL, &err), 0);
    }
    for (int i = 0; i < n; i++) {
        const char *subject = i % 3 == 0 ? "C1" : i % 3 == 1 ? "C2" : "store";
        json_t *doc = json_pack("{s:i, s:s}", "n", i, "text", "line\nbreak");
        assert_int_equal(tl_audit_append_json(st, subject, i % 2 ? "recommendation" : "consent",
                                              doc, &err),
                         0);
        json_decref(doc);
    }
    tl_store_close(st);
}

static tl_audit_verdict verify(fixture *f, const char *anchor)
{
    tl_store *st;
    tl_err err;
    tl_audit_verdict v;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    if (tl_audit_verify(st, anchor, false, &v, &err))
        fail_msg("verify: %s", err.msg);
    tl_store_close(st);
    return v;
}

static void test_intact_and_erasure(void **state)
{
    fixture *f = *state;
    fill(f, 12);
    tl_audit_verdict v = verify(f, NULL);
    assert_true(tl_audit_verdict_ok(&v));
    assert_int_equal(v.entries, 12);
    assert_int_equal(v.unchained, 0);
    assert_int_equal(v.first_chained, 1);
    assert_int_equal(v.broken, 0);
    assert_int_equal(strlen(v.head), 64);
    char head[65];
    memcpy(head, v.head, sizeof head);

    /* Erasure rewrites C1's subjects and appends its own entry. */
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, 0, &st, &err), 0);
    const char *ids[] = {"C1"};
    assert_int_equal(tl_govern_erase(st, ids, 1, "test", NULL, &err), 0);
    tl_store_close(st);
    v = verify(f, head);
    assert_true(tl_audit_verdict_ok(&v));
    assert_int_equal(v.entries, 13);
    assert_true(v.anchor_found);
    assert_string_not_equal(v.head, head);

    /* Anchors: well-formed but unknown, and malformed. */
    v = verify(f, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert_false(v.anchor_found);
    assert_false(tl_audit_verdict_ok(&v));
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(tl_audit_verify(st, "ABC", false, &v, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "64 lower-case hex"));
    tl_store_close(st);
}

/* Each change made behind the triggers' back is found at its entry, and
 * only there. */
static void test_tampering(void **state)
{
    fixture *f = *state;
    fill(f, 10);
    char head[65];
    tl_audit_verdict v = verify(f, NULL);
    memcpy(head, v.head, sizeof head);
    tu_sql(f->db, "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;");
    static const struct {
        const char *sql;
        long long broken_at;
    } cases[] = {
        {"UPDATE audit SET doc = replace(doc, '\"n\":3', '\"n\":33') WHERE id = 4", 4},
        {"UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE id = 6", 6},
        {"UPDATE audit SET subject = 'C1' WHERE id = 2", 2},   /* C2's entry given to C1 */
        {"UPDATE audit SET kind = 'consent' WHERE id = 8", 8},
    };
    char *copy = tu_join(f->dir, "copy.db");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        /* Each change on a fresh copy of the store. */
        remove(copy);
        char sql[512];
        snprintf(sql, sizeof sql, "VACUUM INTO '%s'", copy);
        tu_sql(f->db, sql);
        tu_sql(copy, cases[i].sql);
        fixture g = {f->dir, copy};
        v = verify(&g, NULL);
        if (v.broken != 1 || v.breaks[0].id != cases[i].broken_at)
            fail_msg("%s: %lld broken, first %lld", cases[i].sql, v.broken, v.breaks[0].id);
    }
    free(copy);

    /* Removing entry 5 breaks entry 6, whose link named it. */
    tu_sql(f->db, "DELETE FROM audit WHERE id = 5");
    v = verify(f, head);
    assert_int_equal(v.broken, 1);
    assert_int_equal(v.breaks[0].id, 6);
    assert_true(v.anchor_found);   /* the anchored newest entry is still as written */
    /* An entry slipped in without a chain is counted as broken. */
    tu_sql(f->db, "INSERT INTO audit(id, at, subject, kind, doc) VALUES(5, "
                   "'2026-01-01T00:00:00.000Z', 'C1', 'consent', '{}')");
    v = verify(f, head);
    assert_int_equal(v.broken, 2);
    assert_int_equal(v.breaks[0].id, 5);
    /* Cutting the newest entry off loses the anchor taken from it. */
    tu_sql(f->db, "DELETE FROM audit WHERE id = 10");
    v = verify(f, head);
    assert_false(v.anchor_found);
    json_t *j = tl_audit_verdict_json(&v);
    assert_true(json_is_false(json_object_get(j, "intact")));
    assert_int_equal(json_integer_value(json_object_get(j, "broken")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(
                         json_object_get(j, "first_broken"), 1), "id")), 6);
    assert_true(json_is_false(json_object_get(json_object_get(j, "anchor"), "found")));
    json_decref(j);
}

/* A store written before the chain: its entries are counted, not
 * checked, and the chain starts after them. */
static void test_older_entries(void **state)
{
    fixture *f = *state;
    fill(f, 0);
    tu_sql(f->db, "INSERT INTO audit(at, subject, kind, doc) VALUES"
                   "('2025-01-01T00:00:00.000Z', 'C1', 'consent', '{}'),"
                   "('2025-01-02T00:00:00.000Z', 'C2', 'consent', '{}')");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, 0, &st, &err), 0);
    json_t *doc = json_pack("{s:i}", "n", 1);
    assert_int_equal(tl_audit_append_json(st, "C1", "recommendation", doc, &err), 0);
    json_decref(doc);
    tl_store_close(st);
    tl_audit_verdict v = verify(f, NULL);
    assert_true(tl_audit_verdict_ok(&v));
    assert_int_equal(v.entries, 3);
    assert_int_equal(v.unchained, 2);
    assert_int_equal(v.first_chained, 3);
}

typedef struct writer {
    const char *db;
    int n, failed;
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    tl_store *st;
    tl_err err;
    if (tl_store_open(w->db, 0, &st, &err)) {
        w->failed = 1;
        return NULL;
    }
    for (int i = 0; i < w->n; i++) {
        json_t *doc = json_pack("{s:i}", "i", i);
        if (tl_audit_append_json(st, i % 2 ? "C1" : "C2", "recommendation", doc, &err))
            w->failed = 1;
        json_decref(doc);
    }
    tl_store_close(st);
    return NULL;
}

/* Two connections appending at once: each entry still links to the one
 * written just before it. */
static void test_two_writers(void **state)
{
    fixture *f = *state;
    fill(f, 1);
    writer w[2] = {{f->db, 150, 0}, {f->db, 150, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_false(w[0].failed || w[1].failed);
    tl_audit_verdict v = verify(f, NULL);
    assert_true(tl_audit_verdict_ok(&v));
    assert_int_equal(v.entries, 301);
}

static void test_cli_and_http(void **state)
{
    fixture *f = *state;
    fill(f, 5);
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "audit", "verify", "--db", f->db, NULL), 0);
    assert_non_null(strstr(out, "5 entries, 5 chained from entry 1"));
    assert_non_null(strstr(out, "intact"));
    const char *h = strstr(out, "head: ");
    assert_non_null(h);
    char head[65];
    snprintf(head, sizeof head, "%s", h + 6);
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "audit", "verify", "--db", f->db,
                                   "--anchor", "nothex", NULL), 2);
    assert_non_null(strstr(err, "expected the 64 lower-case hex digits"));
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "audit", "check", "--db", f->db, NULL), 2);
    free(out);
    free(err);

    int port;
    tl_server *srv = tu_server_start(f->db, &port);
    assert_non_null(srv);
    tu_http c;
    tu_http_open(&c, port);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/audit/verify?anchor=%s", head);
    json_t *j = tu_http_get_ok(&c, path);
    assert_true(json_is_true(json_object_get(j, "intact")));
    assert_int_equal(json_integer_value(json_object_get(j, "chained")), 5);
    assert_true(json_is_true(json_object_get(json_object_get(j, "anchor"), "found")));
    json_decref(j);
    json_decref(tu_http_expect(&c, "GET", "/api/v1/audit/verify?anchor=xyz", NULL, 400));
    tu_http_close(&c);
    tl_server_stop(srv);

    /* Tampered: the CLI says where, and exits 1. */
    tu_sql(f->db, "DROP TRIGGER audit_no_update;"
                   "UPDATE audit SET doc = '{\"n\":0}' WHERE id = 3");
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "audit", "verify", "--db", f->db,
                                   "--anchor", head, NULL), 1);
    assert_non_null(strstr(out, "BROKEN: 1 entry no longer matches"));
    assert_non_null(strstr(out, "entry 3 "));
    assert_non_null(strstr(out, ": found, as written"));
    free(out);
    free(err);
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "audit", "verify", "--db", f->db, "--json",
                                   NULL), 1);
    j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(
                         json_object_get(j, "first_broken"), 0), "id")), 3);
    json_decref(j);
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact_and_erasure, tu_tmpdb_setup, tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_tampering, tu_tmpdb_setup, tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_older_entries, tu_tmpdb_setup, tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_two_writers, tu_tmpdb_setup, tu_tmpdb_teardown),
        cmocka_unit_test_setup_teardown(test_cli_and_http, tu_tmpdb_setup, tu_tmpdb_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
