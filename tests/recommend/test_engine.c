/* test_engine.c — the recommender's promises on the prototype's catalogue:
 * eligibility is enforced, held and dismissed products never come back,
 * needs come with evidence, and posts steer the match. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/import.h"
#include "recommend/engine.h"
#include "store/customers.h"
#include "store/events.h"
#include "store/holdings.h"
#include "store/posts.h"
#include "store/store.h"

#include <sqlite3.h>

typedef struct fixture {
    char *dir, *db;
    tl_store *st;
    tl_engine *eng;
} fixture;

static int setup(void **state)
{
    const char *seed = tu_shared_path("seed-data");
    if (!seed)
        return 0;
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "r.db");
    tl_source *src[8];
    size_t n = 0;
    tl_err err;
    if (tl_seed_sources(seed, src, &n, &err) || tl_import_run(f->db, src, n, false, NULL, &err) ||
        tl_store_open(f->db, 0, &f->st, &err) || tl_engine_open("builtin", NULL, &f->eng, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    tl_engine_close(f->eng);
    tl_store_close(f->st);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

/* Adds a customer of the given age and balance with posts. */
static void add_customer(fixture *f, const char *id, int age, double balance,
                         const char *const *posts)
{
    char doc[256];
    snprintf(doc, sizeof doc, "{\"CustomerID\":\"%s\",\"Age\":\"%d\",\"RiskProfile\":\"Medium\"}",
             id, age);
    tl_customer c = {.id = (char *)id, .name = "Test Person", .age = age, .balance = balance,
                     .income = NAN, .currency = "USD", .risk_profile = "Medium", .doc = doc};
    tl_err err;
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    for (; posts && *posts; posts++) {
        tl_post p = {id, "Twitter", "", *posts, NULL};
        assert_int_equal(tl_store_post_upsert(f->st, &p, &err), 0);
    }
}

static int recommends(fixture *f, const char *id, int k, const char *name, tl_rec_result *keep)
{
    tl_rec_opts o = {.k = k, .personalise = 1, .social = 1, .explain = 1};
    tl_rec_result r;
    tl_err err;
    assert_int_equal(tl_engine_recommend(f->eng, f->st, id, &o, &r, &err), 0);
    int found = 0;
    for (size_t i = 0; i < r.n_items; i++)
        found |= strcmp(r.items[i].name, name) == 0;
    if (keep)
        *keep = r;
    else
        tl_rec_result_free(&r);
    return found;
}

static void test_age_limits(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    static const char *const traveller[] = {"Planning my next trip to Asia",
                                            "Booking flights for a holiday abroad", NULL};
    /* Travel insurance is limited to 18-75: a 40-year-old traveller gets it
     * among the top picks, an 80-year-old never. */
    add_customer(f, "Young40", 40, 20000, traveller);
    add_customer(f, "Old80", 80, 20000, traveller);
    assert_true(recommends(f, "Young40", 5, "Travel Insurance", NULL));
    tl_rec_result r;
    assert_false(recommends(f, "Old80", 20, "Travel Insurance", &r));
    /* explain=true names the rule. */
    int named = 0;
    for (size_t i = 0; i < r.n_excluded; i++) {
        if (strcmp(r.excluded[i].name, "Travel Insurance") == 0) {
            named = 1;
            assert_string_equal(r.excluded[i].code, "max_age");
        }
    }
    assert_true(named);
    tl_rec_result_free(&r);

    /* A 19-year-old never gets a card with minimum age 25. */
    static const char *const platinum[] = {"I want a premium platinum credit card with "
                                           "concierge service and elite rewards", NULL};
    add_customer(f, "Teen19", 19, 90000, platinum);
    assert_false(recommends(f, "Teen19", 20, "Visa Platinum", NULL));
    assert_false(recommends(f, "Teen19", 20, "MasterCard Platinum", NULL));
    add_customer(f, "Adult30", 30, 90000, platinum);
    assert_true(recommends(f, "Adult30", 20, "Visa Platinum", NULL) ||
                recommends(f, "Adult30", 20, "MasterCard Platinum", NULL));
}

static void test_posts_steer(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    static const char *const car[] = {"My car broke down again, I need a new one", NULL};
    add_customer(f, "Driver", 35, 15000, car);
    tl_rec_result r;
    assert_true(recommends(f, "Driver", 3, "Car Loan", &r));
    /* The reason quotes the post, and the needs carry evidence. */
    int quoted = 0;
    for (size_t i = 0; i < r.n_items; i++)
        if (strcmp(r.items[i].name, "Car Loan") == 0)
            for (size_t k = 0; k < r.items[i].n_reasons; k++)
                quoted |= strstr(r.items[i].reasons[k], "car broke down") != NULL;
    assert_true(quoted);
    assert_true(r.needs.n >= 1);
    assert_true(r.needs.needs[0].n_evidence >= 1);
    tl_rec_result_free(&r);
}

/* A post naming a product, in any case, lists it among the products
 * mentioned, with the post; a post naming none lists nothing. */
static void test_products_mentioned(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    static const char *const posts[] = {"Paid the hotel with my VISA PLATINUM card, "
                                        "smooth as ever", NULL};
    add_customer(f, "Mentions", 40, 9000, posts);
    static const char *const none[] = {"Lovely weather for a walk today", NULL};
    add_customer(f, "Mentionless", 40, 9000, none);
    tl_rec_opts o = {.k = 3, .personalise = 1, .social = 1};
    tl_rec_result r;
    tl_err err;
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "Mentions", &o, &r, &err), 0);
    assert_int_equal(json_array_size(r.post_sentiment), 1);
    json_t *m = json_array_get(r.post_sentiment, 0);
    assert_string_equal(json_string_value(json_object_get(m, "name")), "Visa Platinum");
    assert_non_null(strstr(json_string_value(json_object_get(m, "post")), "VISA PLATINUM"));
    tl_rec_result_free(&r);
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "Mentionless", &o, &r, &err), 0);
    assert_int_equal(json_array_size(r.post_sentiment), 0);
    tl_rec_result_free(&r);
}

static void test_held_and_dismissed(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    static const char *const car[] = {"My car broke down again, I need a new one", NULL};
    add_customer(f, "Driver2", 35, 15000, car);
    assert_true(recommends(f, "Driver2", 3, "Car Loan", NULL));
    tl_err err;
    tl_holding h = {.customer_id = "Driver2", .product_id = "28", .source = "imported"};   /* Car Loan */
    assert_int_equal(tl_store_holding_upsert(f->st, &h, &err), 0);
    assert_false(recommends(f, "Driver2", 20, "Car Loan", NULL));

    static const char *const trip[] = {"Planning my next trip to Asia", NULL};
    add_customer(f, "Trip", 40, 20000, trip);
    tl_rec_result r;
    recommends(f, "Trip", 3, "", &r);
    assert_true(r.n_items >= 1);
    char top[64];
    snprintf(top, sizeof top, "%s", r.items[0].name);
    tl_event ev = {"Trip", r.items[0].product_id, "dismissed", "app", NULL, NULL};
    assert_int_equal(tl_store_event_add(f->st, &ev, NULL, NULL, &err), 0);
    tl_rec_result_free(&r);
    assert_false(recommends(f, "Trip", 20, top, NULL));
}

static void test_minimum_score_and_unknown(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    tl_rec_opts o = {.k = 20, .personalise = 1, .social = 1};
    tl_rec_result r;
    tl_err err;
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "AlisonGaines78", &o, &r, &err), 0);
    /* Better a few good offers than a long tail. */
    assert_true(r.n_items < 20);
    for (size_t i = 0; i + 1 < r.n_items; i++)
        assert_true(r.items[i].score > 0.0);
    tl_rec_result_free(&r);
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "Nobody", &o, &r, &err), TL_ENOTFOUND);
    /* Without personalisation consent: generic offers, no needs analysed. */
    o.personalise = 0;
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "AlisonGaines78", &o, &r, &err), 0);
    assert_int_equal(r.needs.n, 0);
    tl_rec_result_free(&r);
}

/* count(*) of `sql` through a connection of its own. */
static long long count_rows(const char *db, const char *sql)
{
    sqlite3 *c;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long long n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(c);
    return n;
}

static void exec_sql(const char *db, const char *sql)
{
    sqlite3 *c;
    assert_int_equal(sqlite3_open_v2(db, &c, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(c, 5000);
    assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(c);
}

/* A recommendation reads in one snapshot of its own and leaves the
 * connection in autocommit; the catalogue it rebuilds first, outside that
 * snapshot, stores every product's embedding. Inside a caller's snapshot
 * it leaves the caller's transaction open. */
static void test_snapshot_and_embedding_cache(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    tl_rec_opts o = {.k = 3, .personalise = 1, .social = 1};
    tl_rec_result r;
    tl_err err;
    /* Another writer changes the catalogue's version: the next request
     * rebuilds. */
    exec_sql(f->db, "DELETE FROM embeddings; UPDATE meta SET value = value + 1 "
                    "WHERE key = 'products_version'");
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "AlisonGaines78", &o, &r, &err), 0);
    assert_true(r.n_items > 0);
    tl_rec_result_free(&r);
    assert_false(tl_store_in_transaction(f->st));
    long long products = count_rows(f->db, "SELECT count(*) FROM products");
    assert_true(products > 0);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM embeddings WHERE "
                                       "owner_kind = 'product'"),
                     products);

    assert_int_equal(tl_store_read_begin(f->st, &err), 0);
    assert_int_equal(tl_engine_recommend(f->eng, f->st, "AlisonGaines78", &o, &r, &err), 0);
    assert_true(r.n_items > 0);
    tl_rec_result_free(&r);
    assert_true(tl_store_in_transaction(f->st));
    tl_store_read_end(f->st);
    assert_false(tl_store_in_transaction(f->st));

    /* tl_engine_warm alone rebuilds and stores them too. */
    exec_sql(f->db, "DELETE FROM embeddings; UPDATE meta SET value = value + 1 "
                    "WHERE key = 'products_version'");
    assert_int_equal(tl_engine_warm(f->eng, f->st, &err), 0);
    assert_int_equal(count_rows(f->db, "SELECT count(*) FROM embeddings WHERE "
                                       "owner_kind = 'product'"),
                     products);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_limits), cmocka_unit_test(test_posts_steer),
        cmocka_unit_test(test_products_mentioned),
        cmocka_unit_test(test_held_and_dismissed),
        cmocka_unit_test(test_minimum_score_and_unknown),
        cmocka_unit_test(test_snapshot_and_embedding_cache)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
