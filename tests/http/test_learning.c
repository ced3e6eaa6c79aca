/* test_learning.c — learning from feedback through the HTTP API on the
 * prototype's seed data: acceptances by a segment raise a product for
 * that segment (more than for another), dismissals lower it, a repeated
 * idempotency key teaches nothing, and what was learned survives a
 * restart of the server. */
#include "testutil.h"
#include "httptest.h"

#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/server.h"
#include "store/learned.h"

typedef struct fixture {
    char *dir, *db;
    tl_server *srv;
    tu_http http;
    /* Customers grouped by learning segment. */
    char ids[100][72];
    char segs[100][64];
    size_t n;
} fixture;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    return tl_buf_append(ud, p, size * n) ? 0 : size * n;
}

/* One request; returns the parsed reply (NULL when the body is empty) and
 * the status. */
static json_t *request(fixture *f, const char *method, const char *path, const char *body,
                       long *status)
{
    json_t *j;
    *status = tu_http_call(&f->http, method, path, body, &j);
    return j;
}

static void start(fixture *f)
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
    int port = 0, rc = tu_seed_store(f->dir, "l.db", &f->db);
    if (rc == 1) {   /* no seed data: every test skips */
        tu_rmtree(f->dir);
        free(f->dir);
        free(f);
        return 0;
    }
    if (rc || !(f->srv = tu_server_start(f->db, &port)))
        return -1;
    tu_http_open(&f->http, port);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    tu_http_close(&f->http);
    tl_server_stop(f->srv);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static json_t *recs(fixture *f, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/customers/%s/recommendations?k=20", id);
    long st;
    json_t *j = request(f, "GET", path, NULL, &st);
    assert_int_equal(st, 200);
    assert_non_null(j);
    return j;
}

/* The offer of `product` in a reply, or NULL. */
static json_t *offer(json_t *reply, const char *product)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(reply, "recommendations"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "product_id")), product) == 0)
            return r;
    }
    return NULL;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void post_event_on(fixture *f, const char *id, const char *kind, const char *product,
                          const char *key, const char *channel, long want)
{
    char path[160], body[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/events", id);
    snprintf(body, sizeof body,
             "{\"kind\":\"%s\",\"product_id\":\"%s\",\"channel\":\"%s\","
             "\"idempotency_key\":\"%s\"}",
             kind, product, channel, key);
    long st;
    json_t *j = request(f, "POST", path, body, &st);
    assert_int_equal(st, want);
    json_decref(j);
}

static void post_event(fixture *f, const char *id, const char *kind, const char *product,
                       const char *key, long want)
{
    post_event_on(f, id, kind, product, key, "app", want);
}

/* Sums every stored weight and count: equal sums before and after a
 * request mean it changed nothing learned. */
static int add_row(void *ctx, const char *seg, const char *feat, double w, long long n)
{
    (void)seg;
    (void)feat;
    double *s = ctx;
    s[0] += w * (1 + fabs(w));
    s[1] += (double)n;
    s[2] += 1;
    return 0;
}

static void learned_sums(fixture *f, double out[3])
{
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    out[0] = out[1] = out[2] = 0;
    assert_int_equal(tl_store_learned_each(st, add_row, out, &err), 0);
    tl_store_close(st);
}

/* Learns every customer's segment from the recommendations' "learning". */
static void group_by_segment(fixture *f)
{
    long st;
    json_t *list = request(f, "GET", "/all_customers_data", NULL, &st);
    assert_int_equal(st, 200);
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) {
        if (f->n == 100)
            break;
        const char *id = json_string_value(json_object_get(c, "CustomerID"));
        json_t *r = recs(f, id);
        const char *seg = json_string_value(json_object_get(json_object_get(r, "learning"),
                                                            "segment"));
        assert_non_null(seg);
        snprintf(f->ids[f->n], sizeof f->ids[0], "%s", id);
        snprintf(f->segs[f->n], sizeof f->segs[0], "%s", seg);
        f->n++;
        json_decref(r);
    }
    json_decref(list);
}

static void test_learning(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    group_by_segment(f);
    /* The biggest segment S, and a customer of another segment. */
    size_t best = 0, best_n = 0;
    for (size_t i = 0; i < f->n; i++) {
        size_t c = 0;
        for (size_t j = 0; j < f->n; j++)
            c += strcmp(f->segs[i], f->segs[j]) == 0;
        if (c > best_n) {
            best_n = c;
            best = i;
        }
    }
    assert_true(best_n >= 4);
    const char *seg = f->segs[best];
    /* The target customer of S, and a product P offered both to it and to
     * a customer of another segment, low in the target's ranking. */
    const char *target = f->ids[best];
    json_t *before = recs(f, target);
    json_t *list = json_object_get(before, "recommendations");
    size_t nlist = json_array_size(list);
    assert_true(nlist >= 3);
    /* Fresh bank: nothing learned, p_accept is the prior, within [0, 1]. */
    json_t *learning = json_object_get(before, "learning");
    assert_int_equal(json_integer_value(json_object_get(learning, "segment_events")), 0);
    assert_non_null(json_string_value(json_object_get(learning, "p_accept")));
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) {
        double p = num(r, "p_accept");
        assert_true(p >= 0 && p <= 1);
        assert_true(num(r, "learned_lift") == 0.0);
    }
    const char *other = NULL, *product = NULL;
    json_t *other_before = NULL;
    for (size_t k = nlist; k-- > 1 && !product;) {
        const char *pid =
            json_string_value(json_object_get(json_array_get(list, k), "product_id"));
        for (size_t j = 0; j < f->n && !product; j++) {
            if (strcmp(f->segs[j], seg) == 0)
                continue;
            json_t *o = recs(f, f->ids[j]);
            if (offer(o, pid)) {
                other = f->ids[j];
                product = pid;
                other_before = o;
            } else
                json_decref(o);
        }
    }
    assert_non_null(product);
    json_t *p_before = offer(before, product);
    double score0 = num(p_before, "score"), pacc0 = num(p_before, "p_accept");
    double other_score0 = num(offer(other_before, product), "score");
    printf("segment %s (%zu customers); product %s for %s: score %.3f, p_accept %.4f\n", seg,
           best_n, product, target, score0, pacc0);

    /* Customers of S (not the target) are shown P and accept it, again and
     * again (each with its own idempotency key). */
    char key[96];
    int sent = 0;
    for (int round = 0; round < 6; round++)
        for (size_t j = 0; j < f->n; j++) {
            if (j == best || strcmp(f->segs[j], seg) != 0)
                continue;
            snprintf(key, sizeof key, "acc-%d-%zu-s", round, j);
            post_event(f, f->ids[j], "shown", product, key, 201);
            snprintf(key, sizeof key, "acc-%d-%zu-a", round, j);
            post_event(f, f->ids[j], "accepted", product, key, 201);
            sent++;
        }
    json_t *after = recs(f, target);
    json_t *p_after = offer(after, product);
    assert_non_null(p_after);
    double score1 = num(p_after, "score"), pacc1 = num(p_after, "p_accept");
    double lift1 = num(p_after, "learned_lift");
    json_t *other_after = recs(f, other);
    double other_score1 = num(offer(other_after, product), "score");
    double other_lift1 = num(offer(other_after, product), "learned_lift");
    printf("after %d acceptances in the segment: score %.3f -> %.3f, p_accept %.4f -> %.4f, "
           "lift %.3f; other segment: score %.3f -> %.3f, lift %.3f\n",
           sent, score0, score1, pacc0, pacc1, lift1, other_score0, other_score1, other_lift1);
    assert_true(score1 > score0);
    assert_true(pacc1 > pacc0 && pacc1 <= 1);
    assert_true(lift1 > other_lift1);
    assert_true(score1 - score0 > other_score1 - other_score0);
    assert_true(json_integer_value(json_object_get(json_object_get(after, "learning"),
                                                   "segment_events")) >= sent);

    /* A repeated idempotency key changes nothing learned. */
    double s0[3], s1[3], s2[3];
    snprintf(key, sizeof key, "dup-once");
    learned_sums(f, s0);
    post_event(f, f->ids[best == 0 ? 1 : 0], "shown", product, key, 201);
    learned_sums(f, s1);
    assert_true(s1[1] > s0[1]);
    post_event(f, f->ids[best == 0 ? 1 : 0], "shown", product, key, 200);
    post_event(f, f->ids[best == 0 ? 1 : 0], "shown", product, key, 200);
    learned_sums(f, s2);
    assert_memory_equal(s1, s2, sizeof s1);

    /* What staff were shown on the dashboard (a staff channel of the
     * contact policy) teaches nothing; with no staff channels it does. */
    const char *viewed = f->ids[best == 0 ? 1 : 0];
    post_event_on(f, viewed, "shown", product, "staff-1", "dashboard", 201);
    learned_sums(f, s0);
    assert_memory_equal(s0, s2, sizeof s0);
    long code;
    json_decref(request(f, "PUT", "/api/v1/contact-policy", "{\"staff_channels\":[]}", &code));
    assert_int_equal(code, 200);
    post_event_on(f, viewed, "shown", product, "staff-2", "dashboard", 201);
    learned_sums(f, s1);
    assert_true(s1[1] > s0[1]);
    json_decref(request(f, "PUT", "/api/v1/contact-policy", "{\"staff_channels\":"
                        "[\"dashboard\"]}", &code));
    assert_int_equal(code, 200);

    /* Dismissals by many in S lower another product Q for the target. */
    const char *q = json_string_value(json_object_get(json_array_get(list, 0), "product_id"));
    if (strcmp(q, product) == 0)
        q = json_string_value(json_object_get(json_array_get(list, 1), "product_id"));
    double q_score0 = num(offer(after, q), "score");
    for (int round = 0; round < 6; round++)
        for (size_t j = 0; j < f->n; j++) {
            if (j == best || strcmp(f->segs[j], seg) != 0)
                continue;
            snprintf(key, sizeof key, "dis-%d-%zu-s", round, j);
            post_event(f, f->ids[j], "shown", q, key, 201);
            snprintf(key, sizeof key, "dis-%d-%zu-d", round, j);
            post_event(f, f->ids[j], "dismissed", q, key, 201);
        }
    json_t *after2 = recs(f, target);
    json_t *q_after = offer(after2, q);
    double q_score1 = q_after ? num(q_after, "score") : 0;
    printf("after dismissals of %s in the segment: score %.3f -> %.3f\n", q, q_score0, q_score1);
    assert_true(q_score1 < q_score0);
    if (q_after)
        assert_true(num(q_after, "learned_lift") < 0);
    double keep_lift = num(offer(after2, product), "learned_lift");
    double keep_p = num(offer(after2, product), "p_accept");

    /* A new server on the same store knows what was learned. (The score
     * itself may differ: the catalogue's per-product rates are re-read on
     * start.) */
    tl_server_stop(f->srv);
    f->srv = NULL;
    start(f);
    json_t *restarted = recs(f, target);
    assert_true(num(offer(restarted, product), "learned_lift") == keep_lift);
    assert_true(num(offer(restarted, product), "p_accept") == keep_p);
    assert_true(json_integer_value(json_object_get(json_object_get(restarted, "learning"),
                                                   "segment_events")) >= 2 * sent);
    /* The prototype's shape is unchanged. */
    char path[160];
    long st;
    snprintf(path, sizeof path, "/product_recommendations/%s", target);
    json_t *proto = request(f, "GET", path, NULL, &st);
    assert_int_equal(st, 200);
    json_t *rec0 = json_array_get(json_object_get(proto, "recommended"), 0);
    assert_int_equal(json_object_size(rec0), 3);
    assert_null(json_object_get(rec0, "p_accept"));

    json_decref(proto);
    json_decref(restarted);
    json_decref(after2);
    json_decref(other_after);
    json_decref(after);
    json_decref(other_before);
    json_decref(before);
}

/* Counts of the global bias weight: one per learned sample. */
static int bias_count(void *ctx, const char *seg, const char *feat, double w, long long n)
{
    (void)w;
    if (strcmp(seg, "*") == 0 && strcmp(feat, "bias") == 0)
        *(long long *)ctx = n;
    return 0;
}

static long long global_samples(fixture *f)
{
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    long long n = 0;
    assert_int_equal(tl_store_learned_each(st, bias_count, &n, &err), 0);
    tl_store_close(st);
    return n;
}

typedef struct poster {
    fixture *f;
    int thread;
    const char *customer, *product;
    int failures;
} poster;

/* Posts 25 showings with keys of its own, on its own connection. */
static void *post_many(void *arg)
{
    poster *p = arg;
    CURL *curl = curl_easy_init();
    char path[160], body[256];
    snprintf(path, sizeof path, "/api/v1/customers/%s/events", p->customer);
    for (int i = 0; i < 25; i++) {
        snprintf(body, sizeof body,
                 "{\"kind\":\"shown\",\"product_id\":\"%s\",\"idempotency_key\":\"t%d-%d\"}",
                 p->product, p->thread, i);
        tl_buf b;
        tl_buf_init(&b, 1u << 20);
        char url[512];
        snprintf(url, sizeof url, "http://127.0.0.1:%d%s", p->f->http.port, path);
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
        long st = 0;
        if (curl_easy_perform(curl) != CURLE_OK)
            p->failures++;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &st);
        p->failures += st != 201;
        tl_buf_free(&b);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

/* tailor_store_write_transactions_total from /metrics. */
static unsigned long long writes_begun(fixture *f)
{
    char *text = NULL;
    assert_int_equal(tu_http_text(&f->http, "/metrics", &text), 200);
    const char *at = strstr(text, "\ntailor_store_write_transactions_total ");
    assert_non_null(at);
    unsigned long long n = strtoull(at + strlen("\ntailor_store_write_transactions_total "),
                                    NULL, 10);
    assert_non_null(strstr(text, "\ntailor_store_write_wait_seconds_total "));
    free(text);
    return n;
}

static void test_concurrency_and_consent(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    /* Four clients post at once: every showing is learned, none lost. */
    json_t *r = recs(f, "AlisonGaines78");
    const char *product =
        json_string_value(json_object_get(json_array_get(json_object_get(r, "recommendations"), 0),
                                          "product_id"));
    assert_non_null(product);
    long long before = global_samples(f);
    unsigned long long writes = writes_begun(f);
    poster ps[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        ps[i] = (poster){f, i, "AlisonGaines78", product, 0};
        assert_int_equal(pthread_create(&th[i], NULL, post_many, &ps[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ps[i].failures, 0);
    }
    assert_int_equal(global_samples(f), before + 100);
    /* Each showing was one write transaction, counted for operations. */
    assert_true(writes_begun(f) >= writes + 100);

    /* A click is a weak positive: the product's learned lift rises. */
    json_t *r1 = recs(f, "AlisonGaines78");
    double lift0 = num(offer(r1, product), "learned_lift");
    post_event(f, "AlisonGaines78", "clicked", product, "click-1", 201);
    json_t *r2 = recs(f, "AlisonGaines78");
    double lift1 = num(offer(r2, product), "learned_lift");
    printf("a click after 100 showings: lift %.3f -> %.3f\n", lift0, lift1);
    assert_true(lift1 > lift0);

    /* Without consent to personalisation: no segment in the reply, and the
     * customer's events teach only the global layer. */
    long st;
    json_t *c = request(f, "PUT", "/api/v1/customers/AlisonGaines78/consent",
                        "{\"personalisation\":false}", &st);
    assert_int_equal(st, 200);
    json_decref(c);
    json_t *r3 = recs(f, "AlisonGaines78");
    json_t *learning = json_object_get(r3, "learning");
    assert_true(json_is_null(json_object_get(learning, "segment")));
    assert_int_equal(json_integer_value(json_object_get(learning, "segment_events")), 0);
    double sums0[3], sums1[3];
    learned_sums(f, sums0);
    post_event(f, "AlisonGaines78", "shown", product, "no-consent-1", 201);
    learned_sums(f, sums1);
    /* Four global rows changed, no segment row was added. */
    assert_true(sums1[2] == sums0[2]);
    assert_true(sums1[1] == sums0[1] + 4);
    json_decref(r3);
    json_decref(r2);
    json_decref(r1);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_learning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrency_and_consent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
