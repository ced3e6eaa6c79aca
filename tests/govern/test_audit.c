/* test_audit.c — the audit log's store layer (append, paging, append-only
 * in the database) and the bias report on a hand-built store whose answer
 * is known, through the library, the HTTP route and the CLI. */
#include "testutil.h"
#include "httptest.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/progress.h"
#include "govern/bias.h"
#include "http/server.h"
#include "store/audit.h"
#include "store/store.h"

static int count_cb(void *ctx, const tl_audit_row *r)
{
    json_t *arr = ctx;
    json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->id, "subject",
                                         r->subject, "kind", r->kind));
    return 0;
}

static void test_audit_append_query_append_only(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), *db = tu_join(dir, "a.db");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_CREATE, &st, &err), 0);
    long long id = 0;
    for (int i = 0; i < 30; i++) {
        const char *subject = i % 3 == 0 ? "cust-a" : "cust-b";
        assert_int_equal(tl_store_audit_append(st, subject, subject,
                                               i % 2 ? "recommendation" : "consent",
                                               "{\"n\":1}", &id, &err),
                         0);
    }
    assert_int_equal(id, 30);
    /* Paging, newest first, with the total of all matches. */
    tl_audit_query q = {.subject = "cust-a", .limit = 4, .offset = 0};
    json_t *rows = json_array();
    long long total = 0;
    assert_int_equal(tl_store_audit_query(st, &q, count_cb, rows, &total, &err), 0);
    assert_int_equal(total, 10);
    assert_int_equal(json_array_size(rows), 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), 28);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "id")), 25);
    json_array_clear(rows);
    q.offset = 8;
    assert_int_equal(tl_store_audit_query(st, &q, count_cb, rows, &total, &err), 0);
    assert_int_equal(json_array_size(rows), 2);
    json_array_clear(rows);
    tl_audit_query q2 = {.subject = "cust-b", .kind = "consent", .limit = 100};
    assert_int_equal(tl_store_audit_query(st, &q2, count_cb, rows, &total, &err), 0);
    assert_int_equal(total, 10);   /* i even and i % 3 != 0: 10 of 30 */
    json_array_clear(rows);
    tl_audit_query q3 = {.since = "2999-01-01", .limit = 10};
    assert_int_equal(tl_store_audit_query(st, &q3, count_cb, rows, &total, &err), 0);
    assert_int_equal(total, 0);
    json_decref(rows);

    /* What it costs on the request path: one cached INSERT, autocommit. */
    double t0 = tl_now();
    const int n = 2000;
    for (int i = 0; i < n; i++)
        assert_int_equal(tl_store_audit_append(st, "bench", "bench", "recommendation",
                                               "{\"products\":[{\"product_id\":\"3\",\"rank\":1,"
                                               "\"score\":0.9}],\"excluded\":[],\"llm\":{}}",
                                               NULL, &err),
                         0);
    double us = (tl_now() - t0) / n * 1e6;
    print_message("audit append: %.1f us per entry (%d entries, autocommit)\n", us, n);
    tl_store_close(st);

    /* The database itself refuses deletes and rewrites. */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "DELETE FROM audit WHERE id=1", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(h), "append-only"));
    assert_int_not_equal(sqlite3_exec(h, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET doc='{}' WHERE id=1", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET at='2000-01-01' WHERE id=1", NULL,
                                      NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET subject='other' WHERE id=1", NULL,
                                      NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET kind='x', subject='erased:1' WHERE "
                                         "id=1",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    /* The erasure path: subject to a pseudonym, once. */
    assert_int_equal(sqlite3_exec(h, "UPDATE audit SET subject='erased:abc' WHERE id=1", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(h, "UPDATE audit SET subject='erased:def' WHERE id=1",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM audit", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 30 + n);
    sqlite3_finalize(s);
    sqlite3_close(h);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

/* ---- bias report on a hand-built store ------------------------------- */

static void exec_ok(sqlite3 *h, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* 40 women aged 30 (f0..f39), 40 men (m0..m19 aged 40, m20..m39 aged 70),
 * 3 customers of gender "Other" with no age. Products P1 and P2, both in
 * category C1. Offers of P1: shown to f0..f19, m0..m9 and all "Other";
 * served (audit entry) to m20. Accepted P1: f0..f9, m0..m4. Batch scores
 * of P1: f0..f19 at 0.8, m0..m9 at 0.6. P2 shown to f0..f4 and m30..m39. */
static char *build_bias_store(const char *dir)
{
    char *db = tu_join(dir, "bias.db");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_CREATE, &st, &err), 0);
    tl_store_close(st);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    exec_ok(h, "BEGIN");
    exec_ok(h, "INSERT INTO products(id,name,category,doc,updated_at) VALUES"
               "('P1','Product One','C1','{}','t'),"
               "('P2','Product Two','C1','{\"eligibility\":\"Age 60 and over\"}','t'),"
               "('P3','Product Three','C2','{}','t')");
    char sql[512];
    for (int i = 0; i < 40; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO customers(id,gender,age,doc,updated_at) VALUES"
                 "('f%d','Female',30,'{}','t'),('m%d','Male',%d,'{}','t')",
                 i, i, i < 20 ? 40 : 70);
        exec_ok(h, sql);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO customers(id,gender,age,doc,updated_at) VALUES"
                 "('o%d','Other',NULL,'{}','t');"
                 "INSERT INTO events(customer_id,product_id,kind,at) "
                 "VALUES('o%d','P1','shown','t')",
                 i, i);
        exec_ok(h, sql);
    }
    for (int i = 0; i < 20; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO events(customer_id,product_id,kind,at) "
                 "VALUES('f%d','P1','shown','t');"
                 "INSERT INTO scored(customer_id,rank,product_id,score,reasons,scored_at) "
                 "VALUES('f%d',1,'P1',0.8,'','t')",
                 i, i);
        exec_ok(h, sql);
        if (i < 10) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO events(customer_id,product_id,kind,at) VALUES"
                     "('f%d','P1','accepted','t'),('m%d','P1','shown','t'),"
                     "('m%d','P1','shown','t');"   /* a repeat counts once */
                     "INSERT INTO scored(customer_id,rank,product_id,score,reasons,scored_at) "
                     "VALUES('m%d',1,'P1',0.6,'','t'),('m%d',2,'P2',0.5,'','t')",
                     i, i, i, i, i + 30);
            exec_ok(h, sql);
        }
        if (i < 5) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO events(customer_id,product_id,kind,at) VALUES"
                     "('m%d','P1','accepted','t'),('f%d','P2','shown','t')",
                     i, i);
            exec_ok(h, sql);
        }
    }
    /* P3 (category C2): shown to m0..m9 only. */
    exec_ok(h, "INSERT INTO events(customer_id,product_id,kind,at) SELECT id,'P3','shown','t' "
               "FROM customers WHERE gender='Male' AND age=40 LIMIT 10");
    exec_ok(h, "INSERT INTO audit(at,subject,kind,doc) VALUES('t','m20','recommendation',"
               "'{\"products\":[{\"product_id\":\"P1\",\"rank\":1,\"score\":0.7}]}'),"
               "('t','erased:xyz','recommendation','{\"products\":[{\"product_id\":\"P1\"}]}')");
    exec_ok(h, "COMMIT");
    sqlite3_close(h);
    return db;
}

static json_t *item(json_t *report, const char *level, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(report, "items"), i, it)
        if (strcmp(json_string_value(json_object_get(it, "level")), level) == 0 &&
            strcmp(json_string_value(json_object_get(it, "id")), id) == 0)
            return it;
    fail_msg("no %s item %s", level, id);
    return NULL;
}

static json_t *dim(json_t *it, const char *d)
{
    return json_object_get(json_object_get(it, "by"), d);
}

static json_t *group(json_t *d, const char *g)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(d, "groups"), i, x)
        if (strcmp(json_string_value(json_object_get(x, "group")), g) == 0)
            return x;
    fail_msg("no group %s", g);
    return NULL;
}

static double num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_number(v))
        fail_msg("%s is not a number", k);
    return json_number_value(v);
}

static int has_flag(json_t *d, const char *f)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(d, "flags"), i, x)
        if (strcmp(json_string_value(x), f) == 0)
            return 1;
    return 0;
}

static void check_bias(json_t *r, int min_group)
{
    assert_float_equal(num(r, "threshold"), 0.8, 1e-9);
    assert_int_equal(json_array_size(json_object_get(json_object_get(r, "groups"), "age_band")),
                     7);   /* six bands and "Unknown" */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "summary"), "items")),
                     5);   /* P1, P2, P3, C1, C2 */
    json_t *p1 = item(r, "product", "P1"), *g = dim(p1, "gender");
    assert_string_equal(json_string_value(json_object_get(p1, "category")), "C1");
    json_t *f = group(g, "Female"), *m = group(g, "Male"), *o = group(g, "Other");
    assert_int_equal(json_integer_value(json_object_get(f, "customers")), 40);
    assert_int_equal(json_integer_value(json_object_get(f, "offered")), 20);
    assert_int_equal(json_integer_value(json_object_get(m, "offered")), 11);  /* m0..m9, m20 */
    assert_int_equal(json_integer_value(json_object_get(o, "offered")), 3);
    assert_float_equal(num(f, "offer_rate"), 0.5, 1e-9);
    assert_float_equal(num(m, "offer_rate"), 0.275, 1e-9);
    assert_float_equal(num(o, "offer_rate"), 1.0, 1e-9);   /* listed, too small for the ratio */
    assert_int_equal(json_integer_value(json_object_get(f, "accepted")), 10);
    assert_float_equal(num(f, "acceptance_rate"), 0.5, 1e-9);
    assert_float_equal(num(m, "acceptance_rate"), 0.4545, 1e-4);
    assert_float_equal(num(f, "mean_score"), 0.8, 1e-9);
    assert_float_equal(num(m, "mean_score"), 0.6, 1e-9);
    assert_float_equal(num(g, "offer_di"), 0.55, 1e-9);
    assert_true(has_flag(g, "offer"));
    if (min_group <= 10) {
        assert_float_equal(num(g, "acceptance_di"), 0.9091, 1e-4);
        assert_float_equal(num(g, "score_di"), 0.75, 1e-9);
        assert_true(has_flag(g, "score"));
        assert_false(has_flag(g, "acceptance"));
    } else {
        /* 11 offered and 10 scored men are under the minimum: no ratio. */
        assert_true(json_is_null(json_object_get(g, "acceptance_di")));
        assert_true(json_is_null(json_object_get(g, "score_di")));
        assert_int_equal(json_array_size(json_object_get(g, "flags")), 1);
    }
    /* Age: 25-34 (women) 20/40, 35-44 (m0..m19) 10/20, 65+ (m20..m39) 1/20. */
    json_t *a = dim(p1, "age_band");
    assert_float_equal(num(group(a, "25-34"), "offer_rate"), 0.5, 1e-9);
    assert_float_equal(num(group(a, "35-44"), "offer_rate"), 0.5, 1e-9);
    assert_float_equal(num(group(a, "65+"), "offer_rate"), 0.05, 1e-9);
    assert_int_equal(json_integer_value(json_object_get(group(a, "18-24"), "customers")), 0);
    assert_int_equal(json_integer_value(json_object_get(group(a, "Unknown"), "customers")), 3);
    assert_float_equal(num(a, "offer_di"), 0.1, 1e-9);
    /* The category counts each customer once: women f0..f19, men m0..m9,
     * m20, m30..m39 = 21. */
    json_t *c1 = dim(item(r, "category", "C1"), "gender");
    assert_int_equal(json_integer_value(json_object_get(group(c1, "Female"), "offered")), 20);
    assert_int_equal(json_integer_value(json_object_get(group(c1, "Male"), "offered")), 21);
    assert_float_equal(num(c1, "offer_di"), 0.9524, 1e-4);   /* 0.5 / 0.525 */
    assert_false(has_flag(c1, "offer"));
    /* P2: shown to 5 women, batch-scored for 10 men: 15 offers in all, too
     * few to judge under a minimum of 20. */
    json_t *p2 = dim(item(r, "product", "P2"), "gender");
    if (min_group <= 10)
        assert_float_equal(num(p2, "offer_di"), 0.5, 1e-9);
    else
        assert_true(json_is_null(json_object_get(p2, "offer_di")));
    /* 20 of 40 against 11 of 40: z = 2.07, p = 0.039. */
    json_t *sig = json_object_get(g, "significant");
    assert_int_equal(json_array_size(sig), 1);
    assert_string_equal(json_string_value(json_array_get(sig, 0)), "offer");
    /* p-values: the z-test where counts are large enough, else Fisher's exact
     * test (P3 by age: 0 of 40 aged 25-34 against 10 of 20 aged 35-44). */
    assert_float_equal(num(json_object_get(g, "p_values"), "offer"), 0.0388831709, 1e-9);
    json_t *p3 = dim(item(r, "product", "P3"), "age_band");
    if (min_group <= 10) {
        assert_float_equal(num(p3, "offer_di"), 0.0, 1e-12);
        assert_float_equal(num(json_object_get(p3, "p_values"), "offer"), 2.4505389e-6, 1e-12);
        assert_true(has_flag(p3, "offer"));
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(p3, "significant"), 0)), "offer");
    } else {
        assert_true(json_is_null(json_object_get(p3, "offer_di")));   /* 10 offers < 20 */
    }
    /* P2's eligibility depends on age, and so does its category's. */
    assert_true(json_is_true(json_object_get(dim(item(r, "product", "P2"), "age_band"),
                                             "eligibility_restricts_age")));
    assert_true(json_is_false(json_object_get(a, "eligibility_restricts_age")));
    assert_true(json_is_true(json_object_get(dim(item(r, "category", "C1"), "age_band"),
                                             "eligibility_restricts_age")));
}

/* The summary's counts, recounted from the items: flagged (a flag in
 * either dimension), significant (a significant flag), to review (a
 * significant flag other than an age gap on an age-ruled item). */
static void check_summary(json_t *r)
{
    long long flagged = 0, significant = 0, review = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, "items"), i, it) {
        json_t *g = dim(it, "gender"), *a = dim(it, "age_band");
        size_t gs = json_array_size(json_object_get(g, "significant"));
        size_t as = json_array_size(json_object_get(a, "significant"));
        int age_rule = json_is_true(json_object_get(a, "eligibility_restricts_age"));
        flagged += json_array_size(json_object_get(g, "flags")) ||
                   json_array_size(json_object_get(a, "flags"));
        significant += gs || as;
        review += gs || (as && !age_rule);
    }
    json_t *sum = json_object_get(r, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "flagged")), flagged);
    assert_int_equal(json_integer_value(json_object_get(sum, "significant")), significant);
    assert_int_equal(json_integer_value(json_object_get(sum, "to_review")), review);
}

static void test_bias_known_answer(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), *db = build_bias_store(dir);
    tl_store *st;
    tl_err err;
    json_t *r = NULL;
    assert_int_equal(tl_store_open(db, TL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(tl_bias_report(st, 10, &r, &err), 0);
    check_bias(r, 10);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "summary"),
                                                        "flagged")),
                     5);   /* all; C1 by acceptance, 5/21 men against 10/20 women */
    check_summary(r);
    /* Every item has a significant gap. P1, P3 and C2 have one by gender
     * (P1: 20 of 40 women against 11 of 40 men, p = 0.039): to review.
     * P2 and C1 have theirs by age only, and P2's eligibility depends on
     * age (C1 inherits it): not counted as to review. */
    json_t *sum = json_object_get(r, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "significant")), 5);
    assert_int_equal(json_integer_value(json_object_get(sum, "to_review")), 3);
    json_decref(r);
    assert_int_equal(tl_bias_report(st, 20, &r, &err), 0);
    check_bias(r, 20);
    check_summary(r);
    /* The table's first line gives the same counts (the CLI's default
     * minimum is 20). */
    char line[160];
    json_t *s20 = json_object_get(r, "summary");
    snprintf(line, sizeof line, "5 items, %lld flagged (%lld of them significant), %lld to review",
             (long long)json_integer_value(json_object_get(s20, "flagged")),
             (long long)json_integer_value(json_object_get(s20, "significant")),
             (long long)json_integer_value(json_object_get(s20, "to_review")));
    json_decref(r);
    tl_store_close(st);

    /* The CLI gives the same JSON; the table marks flagged rows. */
    char *out = NULL;
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "report", "bias", "--db", db, "--json",
                                   "--min-group", "10", NULL),
                     0);
    json_error_t je;
    r = json_loads(out, 0, &je);
    assert_non_null(r);
    check_bias(r, 10);
    json_decref(r);
    free(out);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "report", "bias", "--db", db, NULL), 0);
    assert_non_null(strstr(out, "! product   Product One"));
    if (!strstr(out, line))
        fail_msg("no \"%s\" in:\n%.400s", line, out);
    free(out);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "report", "bias", NULL), 2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "report", "fairness", "--db", db, NULL), 2);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "report", "--help", NULL), 0);
    free(out);

    /* And the HTTP route, which keeps what it built: a second request is
     * served the kept report even after the scores changed, until asked
     * to refresh. */
    int port = 0;
    tl_server *srv = tu_server_start(db, &port);
    assert_non_null(srv);
    tu_http h;
    tu_http_open(&h, port);
    r = tu_http_get_ok(&h, "/api/v1/reports/bias?min_group=10");
    check_bias(r, 10);
    assert_false(json_is_true(json_object_get(r, "cached")));
    assert_non_null(json_object_get(r, "generated_at"));
    assert_non_null(json_object_get(json_object_get(r, "sources"), "offers"));
    assert_int_equal(json_array_size(json_object_get(r, "dimensions")), 2);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "DELETE FROM scored", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);
    json_t *kept = tu_http_get_ok(&h, "/api/v1/reports/bias?min_group=10");
    assert_true(json_is_true(json_object_get(kept, "cached")));
    assert_true(json_equal(json_object_get(kept, "items"), json_object_get(r, "items")));
    json_t *fresh = tu_http_get_ok(&h, "/api/v1/reports/bias?min_group=10&refresh=true");
    assert_false(json_is_true(json_object_get(fresh, "cached")));
    assert_false(json_equal(json_object_get(fresh, "items"), json_object_get(r, "items")));
    json_decref(fresh);
    json_decref(kept);
    json_decref(r);
    json_t *bad;
    assert_int_equal(tu_http_call(&h, "GET", "/api/v1/reports/bias?min_group=x", NULL, &bad),
                     400);
    json_decref(bad);
    tu_http_close(&h);
    tl_server_stop(srv);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_append_query_append_only),
        cmocka_unit_test(test_bias_known_answer),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
