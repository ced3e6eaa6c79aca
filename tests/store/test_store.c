/* test_store.c — schema, idempotent upserts, listing, monthly series,
 * embeddings cache, read-only and version guards. */
#include "testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/consent.h"
#include "store/customers.h"
#include "store/embeddings.h"
#include "store/events.h"
#include "store/holdings.h"
#include "store/learned.h"
#include "store/monthly.h"
#include "store/posts.h"
#include "store/products.h"
#include "store/store.h"

typedef struct fixture {
    char *dir, *db;
    tl_store *st;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "s.db");
    tl_err err;
    if (tl_store_open(f->db, TL_STORE_CREATE, &f->st, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tl_store_close(f->st);
    tu_rmtree(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static tl_customer person(const char *id, const char *name, int age, const char *doc)
{
    tl_customer c = {0};
    c.id = (char *)id;
    c.name = (char *)name;
    c.age = age;
    c.balance = 100.0 * age;
    c.income = NAN;
    c.risk_profile = "Low";
    c.doc = (char *)doc;
    return c;
}

static void test_customer_upsert_idempotent(void **state)
{
    fixture *f = *state;
    tl_err err;
    bool changed;
    tl_customer c = person("c1", "Ann Lee", 30, "{\"a\":1}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, &changed, &err), 0);
    assert_true(changed);
    assert_int_equal(tl_store_customer_upsert(f->st, &c, &changed, &err), 0);
    assert_false(changed);
    c.doc = "{\"a\":2}";
    c.age = 31;
    assert_int_equal(tl_store_customer_upsert(f->st, &c, &changed, &err), 0);
    assert_true(changed);
    tl_customer got;
    assert_int_equal(tl_store_customer_get(f->st, "c1", &got, &err), 0);
    assert_int_equal(got.age, 31);
    assert_string_equal(got.doc, "{\"a\":2}");
    assert_true(isnan(got.income));
    tl_customer_free(&got);
    assert_int_equal(tl_store_customer_get(f->st, "nobody", &got, &err), TL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "nobody"));
}

static int count_rows(void *ctx, const tl_customer *c)
{
    (void)c;
    (*(int *)ctx)++;
    return 0;
}

static void test_customer_list(void **state)
{
    fixture *f = *state;
    tl_err err;
    char id[16], name[32];
    for (int i = 0; i < 30; i++) {
        snprintf(id, sizeof id, "id%02d", i);
        snprintf(name, sizeof name, "Person %d%s", i, i == 7 ? " 50%_off" : "");
        tl_customer c = person(id, name, 20 + i, "{}");
        assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    }
    tl_customer_query q = {.age_min = -1, .age_max = -1, .limit = 10};
    long long total;
    int n = 0;
    assert_int_equal(tl_store_customers_list(f->st, &q, count_rows, &n, &total, &err), 0);
    assert_int_equal(n, 10);
    assert_int_equal(total, 30);
    /* LIKE wildcards in the search are literal text. */
    q.search = "50%_";
    n = 0;
    assert_int_equal(tl_store_customers_list(f->st, &q, count_rows, &n, &total, &err), 0);
    assert_int_equal(total, 1);
    q.search = NULL;
    q.age_min = 40;
    q.age_max = 44;
    assert_int_equal(tl_store_customers_list(f->st, &q, count_rows, &n, &total, &err), 0);
    assert_int_equal(total, 5);
}

/* Collects a page's customer IDs, joined by spaces. */
static int collect_ids(void *ctx, const tl_customer *c)
{
    tl_buf *b = ctx;
    tl_buf_append(b, c->id, strlen(c->id));
    tl_buf_append(b, " ", 1);
    return 0;
}

/* The same page by plain SQL over the same file (the reference). */
static void expected_ids(const char *db, const char *where, const char *order, int desc,
                         long long offset, int limit, tl_buf *out)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id FROM customers %s ORDER BY %s %s, rowid LIMIT %d OFFSET %lld", where,
             order, desc ? "DESC" : "ASC", limit, offset);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        tl_buf_append(out, id, strlen(id));
        tl_buf_append(out, " ", 1);
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
}

/* Filtered, sorted pages are read either through the filter's index (few
 * matches) or by walking the sort column's index (many): the same rows in
 * the same order either way, ties by insertion, ascending and descending,
 * at any offset. 400 customers: half High (walked), four Rare (sorted). */
static void test_customer_list_plans(void **state)
{
    fixture *f = *state;
    tl_err err;
    char id[16], name[32];
    assert_int_equal(tl_store_begin(f->st, &err), 0);
    for (int i = 0; i < 400; i++) {
        snprintf(id, sizeof id, "c%03d", (i * 37) % 400);
        snprintf(name, sizeof name, "Name %d", i % 13);
        tl_customer c = person(id, name, 20 + i % 50, "{}");
        c.balance = (double)(i % 7);   /* many ties */
        c.risk_profile = i % 100 == 3 ? "Rare" : i % 2 ? "High" : "low";
        c.account_status = i % 3 ? "Active" : "Dormant";
        assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    }
    assert_int_equal(tl_store_commit(f->st, &err), 0);
    static const struct {
        const char *risk, *status;
        int amin, amax;
        const char *where;
    } filters[] = {
        {"high", NULL, -1, -1, "WHERE risk_profile = 'high' COLLATE NOCASE"},
        {"Rare", NULL, -1, -1, "WHERE risk_profile = 'Rare' COLLATE NOCASE"},
        {NULL, "active", -1, -1, "WHERE account_status = 'active' COLLATE NOCASE"},
        {"High", "Dormant", 30, 60, "WHERE risk_profile = 'High' COLLATE NOCASE AND "
                                    "account_status = 'Dormant' COLLATE NOCASE AND "
                                    "age >= 30 AND age <= 60"},
        {NULL, NULL, 25, -1, "WHERE age >= 25"},
    };
    static const char *const orders[] = {"id", "name", "age", "balance", "rowid"};
    static const long long offsets[] = {0, 3, 120, 390};
    tl_buf got = {0}, want = {0};
    for (size_t fi = 0; fi < sizeof filters / sizeof *filters; fi++)
        for (int sort = 0; sort < 5; sort++)
            for (int desc = 0; desc < 2; desc++)
                for (size_t oi = 0; oi < sizeof offsets / sizeof *offsets; oi++) {
                    tl_customer_query q = {.risk_profile = filters[fi].risk,
                                           .account_status = filters[fi].status,
                                           .age_min = filters[fi].amin,
                                           .age_max = filters[fi].amax,
                                           .sort = (tl_customer_sort)sort, .descending = desc,
                                           .offset = offsets[oi], .limit = 17};
                    long long total;
                    tl_buf_reset(&got);
                    tl_buf_reset(&want);
                    tl_buf_append(&got, "", 0);   /* data never NULL */
                    tl_buf_append(&want, "", 0);
                    assert_int_equal(
                        tl_store_customers_list(f->st, &q, collect_ids, &got, &total, &err), 0);
                    expected_ids(f->db, filters[fi].where, orders[sort], desc, offsets[oi], 17,
                                 &want);
                    if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
                        fail_msg("%s, sort %s %s, offset %lld:\n got  %.*s\n want %.*s",
                                 filters[fi].where, orders[sort], desc ? "desc" : "asc",
                                 offsets[oi], (int)got.len, got.data, (int)want.len, want.data);
                }
    tl_buf_free(&got);
    tl_buf_free(&want);
}

static long long search_total(fixture *f, const char *search)
{
    tl_customer_query q = {.search = search, .age_min = -1, .age_max = -1, .limit = 10};
    long long total = -1;
    int n = 0;
    tl_err err;
    assert_int_equal(tl_store_customers_list(f->st, &q, count_rows, &n, &total, &err), 0);
    assert_int_equal(n, total < 10 ? total : 10);
    return total;
}

/* Searches of three characters or more go through the trigram index: it
 * must follow inserts, renames and deletions, agree with the plain
 * substring match, and take any character as text. */
static void test_customer_search_index(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_customer c = person("SmithJo1", "Jo Smith", 40, "{}");
    c.city = "Zürich";
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    c = person("KeyAl2", "Al Key", 50, "{}");
    c.city = "Oslo";
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    assert_int_equal(search_total(f, "mit"), 1);      /* name, middle of a word */
    assert_int_equal(search_total(f, "MITH"), 1);     /* any case */
    assert_int_equal(search_total(f, "jo1"), 1);      /* id */
    assert_int_equal(search_total(f, "zür"), 1);      /* three characters, four bytes */
    assert_int_equal(search_total(f, "sl"), 1);       /* short: no index, same meaning */
    assert_int_equal(search_total(f, "a\"b OR *"), 0); /* query syntax is text */
    assert_int_equal(search_total(f, "smith key"), 0);
    /* A rename moves the customer in the index. */
    c = person("KeyAl2", "Al Smithers", 50, "{\"renamed\":1}");
    c.city = "Oslo";
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    assert_int_equal(search_total(f, "smith"), 2);
    assert_int_equal(search_total(f, "key"), 1);      /* still in the id */
    assert_int_equal(search_total(f, "al key"), 0);
    /* Deleted customers leave it. */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DELETE FROM customers WHERE id='SmithJo1'", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(search_total(f, "smith"), 1);
    assert_int_equal(search_total(f, "zür"), 0);
}

static void test_monthly_replace(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_customer c = person("m1", "M", 40, "{}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    tl_month_total rows[3] = {{24290, 10.5, 2}, {24288, 7, 1}, {24289, 8, 1}};
    assert_int_equal(tl_store_monthly_replace(f->st, "m1", rows, 3, "imported", &err), 0);
    tl_month_total *got;
    size_t n;
    assert_int_equal(tl_store_monthly_get(f->st, "m1", &got, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(got[0].month, 24288);   /* oldest first */
    assert_true(got[2].total == 10.5);
    free(got);
    assert_int_equal(tl_store_monthly_replace(f->st, "m1", rows, 1, "imported", &err), 0);
    assert_int_equal(tl_store_monthly_get(f->st, "m1", &got, &n, &err), 0);
    assert_int_equal(n, 1);
    free(got);
}

static void test_foreign_keys_and_holdings(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_product p = {"p1", "Gold Card", "Plastic Card", "{}"};
    assert_int_equal(tl_store_product_upsert(f->st, &p, NULL, &err), 0);
    tl_holding h = {.customer_id = "ghost", .product_id = "p1", .source = "imported"};
    assert_int_equal(tl_store_holding_upsert(f->st, &h, &err), TL_EDB);
    char *pid;
    assert_int_equal(tl_store_product_find_by_name(f->st, "gold card", &pid, &err), 0);
    assert_string_equal(pid, "p1");
    free(pid);
    tl_post post = {"ghost", "X", "Y", "hello", NULL};
    assert_int_equal(tl_store_post_upsert(f->st, &post, &err), TL_EDB);
}

/* Showings counted for learning: every one, or all but those on the
 * channels to skip (a NULL channel is never skipped). */
static void test_learned_showings(void **state)
{
    fixture *f = *state;
    tl_err err;
    static const tl_event evs[] = {
        {"c1", "p1", "shown", "mobile", NULL, "2026-01-01T00:00:00Z"},
        {"c1", "p1", "shown", "dashboard", NULL, "2026-01-02T00:00:00Z"},
        {"c1", "p1", "shown", NULL, NULL, "2026-01-03T00:00:00Z"},
        {"c1", "p1", "accepted", "dashboard", NULL, "2026-01-04T00:00:00Z"},
        {"c1", "p2", "shown", "branch", NULL, "2026-01-05T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof evs / sizeof *evs; i++)
        assert_int_equal(tl_store_event_add(f->st, &evs[i], NULL, NULL, &err), 0);
    long long shown, resolved;
    assert_int_equal(tl_store_learned_showings(f->st, "c1", "p1", NULL, &shown, &resolved, &err),
                     0);
    assert_int_equal(shown, 3);
    assert_int_equal(resolved, 1);
    assert_int_equal(tl_store_learned_showings(f->st, "c1", "p1", "[\"dashboard\",\"branch\"]",
                                               &shown, &resolved, &err), 0);
    assert_int_equal(shown, 2);
    assert_int_equal(resolved, 1);
    assert_int_equal(tl_store_learned_showings(f->st, "c1", "p2", "[\"branch\"]", &shown,
                                               &resolved, &err), 0);
    assert_int_equal(shown, 0);
}

/* Counts: events summed from the tally; the recent counts are kept for
 * their age and recounted past it. */
static void test_counts(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_customer c = person("n1", "Nia Roe", 41, "{}");
    bool changed;
    assert_int_equal(tl_store_customer_upsert(f->st, &c, &changed, &err), 0);
    static const tl_event evs[] = {
        {"n1", NULL, "clicked", "mobile", "k-1", "2026-01-01T00:00:00Z"},
        {"n1", NULL, "clicked", "mobile", "k-1", "2026-01-01T00:00:00Z"},   /* a repeat */
        {"n1", NULL, "complained", NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof evs / sizeof *evs; i++)
        assert_int_equal(tl_store_event_add(f->st, &evs[i], NULL, NULL, &err), 0);
    tl_store_counts a, b;
    assert_int_equal(tl_store_counts_get(f->st, &a, &err), 0);
    assert_int_equal(a.customers, 1);
    assert_int_equal(a.events, 2);
    assert_int_equal(tl_store_counts_recent(f->st, 3600, &b, &err), 0);
    assert_int_equal(b.customers, 1);
    c = person("n2", "Ola Sun", 52, "{}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, &changed, &err), 0);
    assert_int_equal(tl_store_counts_recent(f->st, 3600, &b, &err), 0);
    assert_int_equal(b.customers, 1);   /* counted less than an hour ago */
    assert_int_equal(tl_store_counts_recent(f->st, 0, &b, &err), 0);
    assert_int_equal(b.customers, 2);   /* older than 0 s: counted again */
    assert_int_equal(tl_store_ping(f->st, &err), 0);
}

static void test_embeddings_cache(void **state)
{
    fixture *f = *state;
    tl_err err;
    float v[4] = {1, 2, 3, 4}, w[4] = {0};
    int hit;
    uint64_t h = tl_text_hash("gold card for travel");
    assert_int_equal(tl_store_embedding_get(f->st, "product", "p1", "m1", h, w, 4, &hit, &err), 0);
    assert_false(hit);
    assert_int_equal(tl_store_embedding_put(f->st, "product", "p1", "m1", h, v, 4, &err), 0);
    assert_int_equal(tl_store_embedding_get(f->st, "product", "p1", "m1", h, w, 4, &hit, &err), 0);
    assert_true(hit);
    assert_true(w[3] == 4.0f);
    /* Another model, another text or another dimension: a miss. */
    assert_int_equal(tl_store_embedding_get(f->st, "product", "p1", "m2", h, w, 4, &hit, &err), 0);
    assert_false(hit);
    assert_int_equal(
        tl_store_embedding_get(f->st, "product", "p1", "m1", h + 1, w, 4, &hit, &err), 0);
    assert_false(hit);
    assert_int_equal(tl_store_embedding_get(f->st, "product", "p1", "m1", h, w, 3, &hit, &err), 0);
    assert_false(hit);
}

static void test_guards(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_store *ro;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &ro, &err), 0);
    tl_customer c = person("r1", "R", 40, "{}");
    assert_int_equal(tl_store_customer_upsert(ro, &c, NULL, &err), TL_EDB);
    tl_store_close(ro);
    char *missing = tu_join(f->dir, "absent.db");
    assert_int_equal(tl_store_open(missing, 0, &ro, &err), TL_ENOTFOUND);
    free(missing);
    /* A store from a newer tailor is refused, not written. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(tl_store_open(f->db, 0, &ro, &err), TL_EDB);
    assert_non_null(strstr(err.msg, "newer"));
}

/* Bulk writes with the search index paused: the rebuild finds every row
 * written meanwhile, the triggers are back after it (a rename moves the
 * customer again), and a transaction rolled back after a pause leaves
 * them in place. */
static void test_customer_search_pause(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_customer c = person("Old1", "Olga Older", 60, "{}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    assert_int_equal(tl_store_begin(f->st, &err), 0);
    assert_int_equal(tl_store_customer_search_pause(f->st, &err), 0);
    for (int i = 0; i < 50; i++) {
        char id[16], name[32];
        snprintf(id, sizeof id, "B%02d", i);
        snprintf(name, sizeof name, "Bulkname %d", i);
        c = person(id, name, 30 + i % 40, "{}");
        assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    }
    c = person("Old1", "Olga Renamed", 60, "{\"v\":2}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    assert_int_equal(tl_store_customer_search_resume(f->st, &err), 0);
    assert_int_equal(tl_store_commit(f->st, &err), 0);
    assert_int_equal(search_total(f, "bulkname"), 50);
    assert_int_equal(search_total(f, "renamed"), 1);
    assert_int_equal(search_total(f, "older"), 0);
    c = person("B07", "Seventh Changed", 37, "{\"v\":3}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    assert_int_equal(search_total(f, "bulkname"), 49);
    assert_int_equal(search_total(f, "changed"), 1);

    assert_int_equal(tl_store_begin(f->st, &err), 0);
    assert_int_equal(tl_store_customer_search_pause(f->st, &err), 0);
    tl_store_rollback(f->st);
    c = person("New9", "Ninth Newcomer", 41, "{}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    assert_int_equal(search_total(f, "newcomer"), 1);
}

/* A pragma's value as text, read through a connection of the test's own. */
static void pragma_of(const char *path, const char *pragma, char *out, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s", pragma);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
}

/* New stores have 16 KiB pages and a write-ahead log; one created for a
 * bulk import keeps a rollback journal until tl_store_use_wal(), and a
 * store already in WAL mode stays in it whatever the flag. */
static void test_page_size_and_journal(void **state)
{
    fixture *f = *state;
    char v[32];
    pragma_of(f->db, "page_size", v, sizeof v);
    assert_string_equal(v, "16384");
    pragma_of(f->db, "journal_mode", v, sizeof v);
    assert_string_equal(v, "wal");

    char *bulk = tu_join(f->dir, "bulk.db");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(bulk, TL_STORE_CREATE | TL_STORE_BULK_CREATE, &st, &err), 0);
    assert_int_equal(tl_store_begin(st, &err), 0);
    tl_customer c = person("C1", "Ann", 30, "{}");
    assert_int_equal(tl_store_customer_upsert(st, &c, NULL, &err), 0);
    assert_int_equal(tl_store_commit(st, &err), 0);
    pragma_of(bulk, "journal_mode", v, sizeof v);
    assert_string_equal(v, "delete");
    assert_int_equal(tl_store_use_wal(st, &err), 0);
    tl_store_close(st);
    pragma_of(bulk, "journal_mode", v, sizeof v);
    assert_string_equal(v, "wal");
    assert_int_equal(tl_store_open(bulk, TL_STORE_CREATE | TL_STORE_BULK_CREATE, &st, &err), 0);
    tl_store_close(st);
    pragma_of(bulk, "journal_mode", v, sizeof v);
    assert_string_equal(v, "wal");
    free(bulk);

    /* While a bulk import holds a store it is creating, another open is
     * refused, and says why. */
    char *held = tu_join(f->dir, "held.db");
    assert_int_equal(tl_store_open(held, TL_STORE_CREATE | TL_STORE_BULK_CREATE, &st, &err), 0);
    assert_int_equal(tl_store_begin(st, &err), 0);
    tl_customer c2 = person("C2", "Bo", 31, "{}");
    assert_int_equal(tl_store_customer_upsert(st, &c2, NULL, &err), 0);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(held, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_BUSY);
    sqlite3_close(h);
    tl_store *other;
    assert_int_equal(tl_store_open(held, 0, &other, &err), TL_EDB);
    assert_non_null(strstr(err.msg, "locked by another process"));
    assert_int_equal(tl_store_commit(st, &err), 0);
    assert_int_equal(tl_store_use_wal(st, &err), 0);
    tl_store_close(st);
    assert_int_equal(tl_store_open(held, 0, &other, &err), 0);
    tl_store_close(other);
    free(held);
}

/* The catalogue stamp moves with every real product write and only then,
 * whichever connection wrote. */
static void test_products_stamp(void **state)
{
    fixture *f = *state;
    tl_err err;
    char s0[96], s1[96], s2[96], s3[96], s4[96];
    assert_int_equal(tl_store_products_stamp(f->st, s0, sizeof s0, &err), 0);
    tl_product p = {"p1", "Gold Card", "Plastic Card", "{\"fee\":1}"};
    assert_int_equal(tl_store_product_upsert(f->st, &p, NULL, &err), 0);
    assert_int_equal(tl_store_products_stamp(f->st, s1, sizeof s1, &err), 0);
    assert_string_not_equal(s0, s1);
    /* The same record again: nothing written, same stamp. */
    assert_int_equal(tl_store_product_upsert(f->st, &p, NULL, &err), 0);
    assert_int_equal(tl_store_products_stamp(f->st, s2, sizeof s2, &err), 0);
    assert_string_equal(s1, s2);
    /* A changed fee, within the same second, from another connection. */
    tl_store *other;
    assert_int_equal(tl_store_open(f->db, 0, &other, &err), 0);
    p.doc = "{\"fee\":2}";
    assert_int_equal(tl_store_product_upsert(other, &p, NULL, &err), 0);
    tl_store_close(other);
    assert_int_equal(tl_store_products_stamp(f->st, s3, sizeof s3, &err), 0);
    assert_string_not_equal(s2, s3);
    tl_product q = {"p2", "Saver", "Deposit", "{}"};
    assert_int_equal(tl_store_product_upsert(f->st, &q, NULL, &err), 0);
    assert_int_equal(tl_store_products_stamp(f->st, s4, sizeof s4, &err), 0);
    assert_string_not_equal(s3, s4);
}

/* Defaults the store does not set are the built-in ones, key by key; a
 * customer's record wins over them. */
static void test_consent_defaults(void **state)
{
    fixture *f = *state;
    tl_err err;
    tl_consent d;
    tl_consent builtin = TL_CONSENT_BUILTIN_DEFAULTS;
    assert_int_equal(tl_store_consent_defaults_get(f->st, &d, &err), 0);
    assert_memory_equal(&d, &builtin, sizeof d);
    /* One key only, written as another writer might. */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO meta(key, value) "
                                     "VALUES('consent.default.social_data', '0')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(tl_store_consent_defaults_get(f->st, &d, &err), 0);
    assert_int_equal(d.personalisation, 1);
    assert_int_equal(d.social_data, 0);
    assert_int_equal(d.llm, 0);
    tl_consent all = {0, 0, 1, 0};
    assert_int_equal(tl_store_consent_defaults_put(f->st, &all, &err), 0);
    assert_int_equal(tl_store_consent_defaults_get(f->st, &d, &err), 0);
    assert_int_equal(d.personalisation, 0);
    assert_int_equal(d.social_data, 0);
    assert_int_equal(d.llm, 1);
    assert_int_equal(d.recorded, 0);
    tl_customer c = person("C1", "Ann Lee", 40, "{}");
    assert_int_equal(tl_store_customer_upsert(f->st, &c, NULL, &err), 0);
    tl_consent mine = {1, 1, 0, 0};
    assert_int_equal(tl_store_consent_put(f->st, "C1", &mine, &err), 0);
    assert_int_equal(tl_store_consent_get(f->st, "C1", &d, &err), 0);
    assert_int_equal(d.personalisation, 1);
    assert_int_equal(d.recorded, 1);
    assert_int_equal(tl_store_consent_get(f->st, "C2", &d, &err), 0);
    assert_int_equal(d.personalisation, 0);
    assert_int_equal(d.llm, 1);
}

/* Autocommit, a read snapshot (before and after its first read) and a
 * write transaction, as tl_store_in_transaction tells them apart. */
static void test_transaction_states(void **state)
{
    fixture *f = *state;
    tl_err err;
    assert_false(tl_store_in_transaction(f->st));
    assert_int_equal(tl_store_read_begin(f->st, &err), 0);
    assert_true(tl_store_in_transaction(f->st));
    tl_consent d;
    assert_int_equal(tl_store_consent_defaults_get(f->st, &d, &err), 0);
    assert_true(tl_store_in_transaction(f->st));
    tl_store_read_end(f->st);
    assert_false(tl_store_in_transaction(f->st));
    assert_int_equal(tl_store_begin(f->st, &err), 0);
    assert_true(tl_store_in_transaction(f->st));
    assert_int_equal(tl_store_commit(f->st, &err), 0);
    assert_false(tl_store_in_transaction(f->st));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_customer_upsert_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_list_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_search_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customer_search_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monthly_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_keys_and_holdings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_embeddings_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_learned_showings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products_stamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_size_and_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consent_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_states, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
