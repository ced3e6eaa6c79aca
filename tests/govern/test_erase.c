/* test_erase.c — governance through the real server and CLI on a generated
 * bank: every served recommendation audited, consent changes audited,
 * erasure everywhere in one transaction (and nothing on failure), and no
 * customer identity in the server's log. */
#include "testutil.h"
#include "httptest.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "http/request.h"
#include "http/server.h"

typedef struct fixture {
    char *dir, *db;
    tl_server *srv;
    tu_http http;
} fixture;

/* One request; returns the status and, when out is not NULL, the parsed
 * JSON body (new reference). */
static long http(fixture *f, const char *method, const char *path, const char *body,
                 json_t **out)
{
    return tu_http_call(&f->http, method, path, body, out);
}

static void start_server(fixture *f)
{
    int port = 0;
    f->srv = tu_server_start(f->db, &port);
    assert_non_null(f->srv);
    f->http.port = port;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "bank.db");
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "demo", "--customers", "60", "--db", f->db,
                           "--no-serve", NULL);
    if (!rc) {
        free(err);
        err = NULL;
        rc = tu_run_tailor(NULL, &err, NULL, "score", "--db", f->db, "--all", "--threads", "2",
                           NULL);
    }
    if (rc)
        fprintf(stderr, "setup: %s\n", err ? err : "");
    free(err);
    if (rc)
        return -1;
    int port = 0;
    if (!(f->srv = tu_server_start(f->db, &port)))
        return -1;
    tu_http_open(&f->http, port);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_http_close(&f->http);
    tl_server_stop(f->srv);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

/* A text value (malloc'd) from SQL. */
static char *sql_text(const char *db, const char *sql, const char *arg)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_TRANSIENT);
    char *v = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static json_t *audit_for(fixture *f, const char *query, long long *total)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/audit?%s", query);
    json_t *j;
    assert_int_equal(http(f, "GET", path, NULL, &j), 200);
    *total = json_integer_value(json_object_get(j, "total"));
    return j;
}

static void test_served_recommendations_audited(void **state)
{
    fixture *f = *state;
    /* A customer with posts, so needs carry post evidence. */
    char *id = sql_text(f->db, "SELECT customer_id FROM posts GROUP BY customer_id "
                               "ORDER BY count(*) DESC LIMIT 1", NULL);
    assert_non_null(id);
    char path[256], q[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations?k=3", id);
    json_t *rec;
    assert_int_equal(http(f, "GET", path, NULL, &rec), 200);
    assert_null(json_object_get(rec, "excluded"));   /* not asked for */
    long long total;
    snprintf(q, sizeof q, "customer=%s", id);
    json_t *a = audit_for(f, q, &total);
    assert_int_equal(total, 1);
    json_t *e = json_array_get(json_object_get(a, "entries"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "subject")), id);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "recommendation");
    assert_non_null(json_string_value(json_object_get(e, "at")));
    json_t *doc = json_object_get(e, "doc");
    assert_string_equal(json_string_value(json_object_get(doc, "channel")), "api");
    assert_string_equal(json_string_value(json_object_get(doc, "route")),
                        "/api/v1/customers/{id}/recommendations");
    /* Products served, in order, with their scores. */
    json_t *served = json_object_get(rec, "recommendations"), *logged =
                                                                  json_object_get(doc, "products");
    assert_int_equal(json_array_size(served), json_array_size(logged));
    assert_true(json_array_size(served) > 0);
    for (size_t i = 0; i < json_array_size(served); i++) {
        json_t *s = json_array_get(served, i), *l = json_array_get(logged, i);
        assert_string_equal(json_string_value(json_object_get(s, "product_id")),
                            json_string_value(json_object_get(l, "product_id")));
        assert_int_equal(json_integer_value(json_object_get(l, "rank")), (json_int_t)i + 1);
        assert_float_equal(json_number_value(json_object_get(s, "score")),
                           json_number_value(json_object_get(l, "score")), 1e-4);
    }
    /* Rules that excluded others. */
    json_t *excl = json_object_get(doc, "excluded");
    assert_true(json_array_size(excl) > 0);
    assert_non_null(json_string_value(json_object_get(json_array_get(excl, 0), "rule")));
    assert_non_null(json_string_value(json_object_get(json_array_get(excl, 0), "product_id")));
    /* Kept short: a score for the threshold, the code alone for held
     * products, the rule's text for eligibility. */
    size_t x_i;
    json_t *x;
    int thresholds = 0;
    json_array_foreach(excl, x_i, x) {
        const char *rule = json_string_value(json_object_get(x, "rule"));
        assert_non_null(rule);
        if (strcmp(rule, "below_threshold") == 0) {
            thresholds++;
            assert_true(json_is_number(json_object_get(x, "score")));
            assert_null(json_object_get(x, "reason"));
        } else if (strcmp(rule, "held") == 0 || strcmp(rule, "dismissed") == 0) {
            assert_null(json_object_get(x, "reason"));
        } else {
            assert_non_null(json_string_value(json_object_get(x, "reason")));
        }
    }
    printf("audited exclusions: %zu, %d below the threshold\n", json_array_size(excl), thresholds);
    /* Needs with evidence kinds and references; posts by hash only. */
    json_t *needs = json_object_get(doc, "needs");
    assert_true(json_array_size(needs) > 0);
    int post_refs = 0;
    size_t i, k;
    json_t *n, *ev;
    json_array_foreach(needs, i, n) {
        assert_non_null(json_string_value(json_object_get(n, "need")));
        json_array_foreach(json_object_get(n, "evidence"), k, ev) {
            assert_non_null(json_string_value(json_object_get(ev, "kind")));
            assert_non_null(json_string_value(json_object_get(ev, "ref")));
            if (strcmp(json_string_value(json_object_get(ev, "kind")), "post") == 0) {
                assert_memory_equal(json_string_value(json_object_get(ev, "ref")), "sha256:", 7);
                post_refs++;
            }
        }
    }
    assert_true(post_refs > 0);
    assert_string_equal(json_string_value(json_object_get(doc, "encoder")),
                        json_string_value(json_object_get(rec, "encoder")));
    assert_non_null(json_string_value(json_object_get(doc, "ranking_version")));
    json_t *llm = json_object_get(doc, "llm");
    assert_true(json_is_false(json_object_get(llm, "used")));
    assert_true(json_is_null(json_object_get(llm, "prompt_hash")));
    /* No post text, name or e-mail in the entry. */
    char *text = json_dumps(doc, JSON_COMPACT);
    char *name = sql_text(f->db, "SELECT name FROM customers WHERE id=?1", id);
    char *email = sql_text(f->db, "SELECT json_extract(doc,'$.email') FROM customers WHERE id=?1",
                           id);
    assert_non_null(name);
    assert_non_null(email);
    assert_null(strstr(text, name));
    assert_null(strstr(text, email));
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT text FROM posts WHERE customer_id=?1", -1, &s,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        char head[25];
        snprintf(head, sizeof head, "%s", (const char *)sqlite3_column_text(s, 0));
        assert_null(strstr(text, head));
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    free(text);
    free(name);
    free(email);
    json_decref(a);
    json_decref(rec);

    /* explain=true still shows exclusions to the client. */
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations?explain=true", id);
    assert_int_equal(http(f, "GET", path, NULL, &rec), 200);
    assert_true(json_array_size(json_object_get(rec, "excluded")) > 0);
    json_decref(rec);
    /* The prototype's route is audited too. */
    snprintf(path, sizeof path, "/product_recommendations/%s", id);
    assert_int_equal(http(f, "GET", path, NULL, NULL), 200);
    a = audit_for(f, q, &total);
    assert_int_equal(total, 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(json_object_get(a, "entries"), 0),
                                            "doc"),
                            "route")),
                        "/product_recommendations/{id}");
    json_decref(a);
    /* So is the CLI. */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "recommend", "--db", f->db, id, NULL), 0);
    snprintf(q, sizeof q, "customer=%s&limit=1", id);
    a = audit_for(f, q, &total);
    assert_int_equal(total, 4);
    assert_int_equal(json_array_size(json_object_get(a, "entries")), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(a, "entries"), 0), "doc"), "channel")),
        "cli");
    json_decref(a);

    /* Consent changes are audited with what changed. */
    snprintf(path, sizeof path, "/api/v1/customers/%s/consent", id);
    assert_int_equal(http(f, "PUT", path, "{\"social_data\": false}", NULL), 200);
    snprintf(q, sizeof q, "customer=%s&kind=consent", id);
    a = audit_for(f, q, &total);
    assert_int_equal(total, 1);
    doc = json_object_get(json_array_get(json_object_get(a, "entries"), 0), "doc");
    assert_true(json_is_true(json_object_get(json_object_get(doc, "before"), "social_data")));
    assert_true(json_is_false(json_object_get(json_object_get(doc, "after"), "social_data")));
    json_decref(a);
    /* Paging and filters. */
    snprintf(q, sizeof q, "customer=%s&limit=2&offset=3", id);
    a = audit_for(f, q, &total);
    assert_int_equal(total, 5);
    assert_int_equal(json_array_size(json_object_get(a, "entries")), 2);
    json_decref(a);
    a = audit_for(f, "kind=score", &total);
    assert_int_equal(total, 1);   /* the batch run's single summary entry */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(a, "entries"), 0), "subject")),
                        "batch");
    assert_true(json_is_true(json_object_get(
        json_object_get(json_array_get(json_object_get(a, "entries"), 0), "doc"), "completed")));
    json_decref(a);
    a = audit_for(f, "since=2999-01-01", &total);
    assert_int_equal(total, 0);
    json_decref(a);
    assert_int_equal(http(f, "GET", "/api/v1/audit?since=yesterday", NULL, NULL), 400);
    assert_int_equal(http(f, "GET", "/api/v1/audit?limit=0", NULL, NULL), 400);
    free(id);
}

static const char *const tables[] = {"transactions", "monthly", "posts", "holdings",
                                     "events",       "consent", "scored"};

static void test_erasure_everywhere(void **state)
{
    fixture *f = *state;
    /* The customer with the most rows of all kinds. */
    char *id = sql_text(f->db, "SELECT h.customer_id FROM holdings h JOIN posts p USING "
                               "(customer_id) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
                        NULL);
    assert_non_null(id);
    char path[256], sql[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/events", id);
    assert_int_equal(http(f, "POST", path,
                          "{\"kind\":\"shown\",\"product_id\":\"CC-CLASSIC\",\"channel\":\"app\"}",
                          NULL) / 100,
                     2);
    snprintf(path, sizeof path, "/api/v1/customers/%s/consent", id);
    assert_int_equal(http(f, "PUT", path, "{\"llm\": true}", NULL), 200);
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations", id);
    assert_int_equal(http(f, "GET", path, NULL, NULL), 200);

    long long mine[8], others[8], audit_mine, audit_all, customers;
    for (size_t t = 0; t < 7; t++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE customer_id=?1", tables[t]);
        mine[t] = tu_sql_int(f->db, sql, id);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE customer_id<>?1", tables[t]);
        others[t] = tu_sql_int(f->db, sql, id);
        if (strcmp(tables[t], "events") && strcmp(tables[t], "consent") &&
            strcmp(tables[t], "monthly"))
            assert_true(mine[t] > 0);
    }
    assert_true(mine[4] > 0 && mine[5] > 0);
    audit_mine = tu_sql_int(f->db, "SELECT count(*) FROM audit WHERE subject=?1", id);
    audit_all = tu_sql_int(f->db, "SELECT count(*) FROM audit", NULL);
    customers = tu_sql_int(f->db, "SELECT count(*) FROM customers", NULL);
    assert_true(audit_mine >= 2);

    snprintf(path, sizeof path, "/api/v1/customers/%s", id);
    json_t *r;
    assert_int_equal(http(f, "DELETE", path, NULL, &r), 200);
    assert_true(json_is_true(json_object_get(r, "erased")));
    json_t *rows = json_object_get(r, "rows");
    for (size_t t = 0; t < 7; t++)
        assert_int_equal(json_integer_value(json_object_get(rows, tables[t])), mine[t]);
    assert_int_equal(json_integer_value(json_object_get(rows, "customers")), 1);
    assert_int_equal(json_integer_value(json_object_get(rows, "audit")), audit_mine);
    const char *subject = json_string_value(json_object_get(r, "subject"));
    assert_memory_equal(subject, "erased:", 7);
    assert_null(strstr(subject, id));

    /* Gone everywhere, others untouched. */
    for (size_t t = 0; t < 7; t++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE customer_id=?1", tables[t]);
        assert_int_equal(tu_sql_int(f->db, sql, id), 0);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE customer_id<>?1", tables[t]);
        assert_int_equal(tu_sql_int(f->db, sql, id), others[t]);
    }
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM customers", NULL), customers - 1);
    /* The audit log keeps every entry, under the pseudonym, plus one for the
     * erasure itself. */
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM audit WHERE subject=?1", id), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM audit", NULL), audit_all + 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM audit WHERE subject=?1", subject),
                     audit_mine + 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM audit WHERE instr(doc, ?1) > 0", id),
                     0);
    char q[160];
    snprintf(q, sizeof q, "/api/v1/audit?customer=%s&kind=erasure", subject);
    json_t *a;
    assert_int_equal(http(f, "GET", q, NULL, &a), 200);
    assert_int_equal(json_integer_value(json_object_get(a, "total")), 1);
    json_t *doc = json_object_get(json_array_get(json_object_get(a, "entries"), 0), "doc");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "rows"),
                                                        "transactions")),
                     mine[0]);
    json_decref(a);

    /* The API no longer knows the customer; the engine serves nothing. */
    assert_int_equal(http(f, "GET", path, NULL, NULL), 404);
    assert_int_equal(http(f, "DELETE", path, NULL, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations", id);
    assert_int_equal(http(f, "GET", path, NULL, NULL), 404);
    snprintf(path, sizeof path, "/product_recommendations/%s", id);
    assert_int_equal(http(f, "GET", path, NULL, NULL), 404);
    snprintf(path, sizeof path, "/api/v1/customers/%s/consent", id);
    assert_int_equal(http(f, "GET", path, NULL, NULL), 404);
    json_decref(r);
    free(id);
}

static void test_cli_erase_all_or_nothing(void **state)
{
    fixture *f = *state;
    /* No connection of ours may hold the file: stop the server. */
    tl_server_stop(f->srv);
    f->srv = NULL;
    char *a = sql_text(f->db, "SELECT id FROM customers ORDER BY rowid LIMIT 1 OFFSET 5", NULL);
    char *b = sql_text(f->db, "SELECT id FROM customers ORDER BY rowid LIMIT 1 OFFSET 6", NULL);
    size_t wal_len = strlen(f->db) + 8;
    char *wal = malloc(wal_len);
    snprintf(wal, wal_len, "%s-wal", f->db);
    size_t n1;
    char *before = tu_read_file(f->db, &n1);
    assert_non_null(before);
    char *err = NULL;
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "erase", "--db", f->db, a, "NoSuchCustomer",
                                   b, NULL),
                     1);
    assert_non_null(strstr(err, "not found"));
    assert_null(strstr(err, "NoSuchCustomer"));
    free(err);
    tu_assert_file_unchanged(f->db, before, n1);
    assert_int_not_equal(access(wal, F_OK), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM customers WHERE id=?1", a), 1);
    /* All given IDs in one go. */
    char *out = NULL;
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "erase", "--db", f->db, "--json", a, b,
                                   NULL),
                     0);
    json_t *j = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(j), 2);
    json_decref(j);
    free(out);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM customers WHERE id IN (?1)", a), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM customers WHERE id IN (?1)", b), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM audit WHERE kind='erasure' AND "
                                    "substr(subject,1,7)='erased:'",
                             NULL),
                     3);   /* with the API's erasure above */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "erase", "--db", f->db, NULL), 2);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "erase", "--help", NULL), 0);
    free(out);
    free(wal);
    free(a);
    free(b);
    start_server(f);
}

/* Runs a request sequence with the server's log (stderr) captured, and
 * checks that no customer's ID, name, e-mail or phone reaches it. */
static void test_logs_carry_no_identity(void **state)
{
    fixture *f = *state;
    char *logpath = tu_join(f->dir, "server.log");
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && saved >= 0);
    dup2(fd, STDERR_FILENO);
    close(fd);
    tl_log_set_level(TL_LOG_DEBUG);

    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT id, name, json_extract(doc,'$.email'), "
                                        "json_extract(doc,'$.phone') FROM customers LIMIT 8",
                                        -1, &s, NULL),
                     SQLITE_OK);
    char ids[8][64], secrets[32][128];
    size_t n_ids = 0, n_secrets = 0;
    while (sqlite3_step(s) == SQLITE_ROW && n_ids < 8) {
        snprintf(ids[n_ids++], 64, "%s", (const char *)sqlite3_column_text(s, 0));
        for (int c = 0; c < 4; c++)
            if (sqlite3_column_text(s, c))
                snprintf(secrets[n_secrets++], 128, "%s", (const char *)sqlite3_column_text(s, c));
    }
    sqlite3_finalize(s);
    /* Make audit writes fail for a while: the server then logs errors. */
    assert_int_equal(sqlite3_exec(h, "CREATE TRIGGER block_audit BEFORE INSERT ON audit BEGIN "
                                     "SELECT RAISE(ABORT, 'audit unavailable'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    char path[640];   /* room for any id the array holds */
    for (size_t i = 0; i < n_ids; i++) {
        snprintf(path, sizeof path, "/api/v1/customers/%s", ids[i]);
        http(f, "GET", path, NULL, NULL);
        snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations?explain=true", ids[i]);
        assert_int_equal(http(f, "GET", path, NULL, NULL), 500);
        snprintf(path, sizeof path, "/product_recommendations/%s", ids[i]);
        http(f, "GET", path, NULL, NULL);
        snprintf(path, sizeof path, "/api/v1/customers/%s/consent", ids[i]);
        assert_int_equal(http(f, "PUT", path, "{\"llm\": false}", NULL), 500);
        snprintf(path, sizeof path, "/api/v1/customers/%s/events", ids[i]);
        http(f, "POST", path, "{\"kind\":\"nonsense\"}", NULL);
        http(f, "POST", path, "{not json", NULL);
        snprintf(path, sizeof path, "/api/v1/customers/%s/forecast", ids[i]);
        http(f, "GET", path, NULL, NULL);
        snprintf(path, sizeof path, "/api/v1/audit?customer=%s", ids[i]);
        http(f, "GET", path, NULL, NULL);
    }
    snprintf(path, sizeof path, "/api/v1/customers/%s", ids[0]);
    assert_int_equal(http(f, "DELETE", path, NULL, NULL), 500);   /* its audit entry fails */
    assert_int_equal(sqlite3_exec(h, "DROP TRIGGER block_audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(http(f, "DELETE", path, NULL, NULL), 200);
    http(f, "GET", "/api/v1/customers/NobodyByThisName", NULL, NULL);

    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    tl_log_set_level(TL_LOG_INFO);
    size_t len;
    char *log = tu_read_file(logpath, &len);
    assert_non_null(log);
    assert_non_null(strstr(log, "request failed"));   /* the capture did capture */
    for (size_t i = 0; i < n_secrets; i++)
        if (strstr(log, secrets[i]))
            fail_msg("the server log names a customer (%zu): %.300s", i, log);
    assert_null(strstr(log, "NobodyByThisName"));
    free(log);
    free(logpath);
}

/* The library's own messages name URLs; ours quote IDs. Neither may reach
 * the log as they are. */
static void test_log_scrub(void **state)
{
    (void)state;
    char out[256];
    tl_log_scrub("Failed to send the response headers for the request for "
                 "`/api/v1/customers/AlisonGaines78/recommendations'. Error: Broken pipe",
                 out, sizeof out);
    assert_null(strstr(out, "Alison"));
    assert_non_null(strstr(out, "Broken pipe"));
    tl_log_scrub("Failed to send data in request for /customer_data/AlisonGaines78.", out,
                 sizeof out);
    assert_null(strstr(out, "Alison"));
    assert_non_null(strstr(out, "Failed to send data in request for"));
    tl_log_scrub("customer 'AlisonGaines78' has \"gonzalezjudith@example.org\"", out, sizeof out);
    assert_string_equal(out, "customer '...' has \"...\"");
    tl_log_scrub("unterminated 'AlisonGaines78", out, sizeof out);
    assert_string_equal(out, "unterminated '");
    char tiny[8];
    tl_log_scrub("abcdefghijkl", tiny, sizeof tiny);
    assert_true(strlen(tiny) < sizeof tiny);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_scrub),
        cmocka_unit_test(test_served_recommendations_audited),
        cmocka_unit_test(test_erasure_everywhere),
        cmocka_unit_test(test_cli_erase_all_or_nothing),
        cmocka_unit_test(test_logs_carry_no_identity),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
