/* test_seed.c — the prototype's four JSON files (../shared/seed-data):
 * counts, idempotency, and corrupted copies that must be rejected with
 * file:line:column while the store stays byte for byte as it was. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/import.h"
#include "store/store.h"

static const char *const seed_files[] = {
    "customer_profile.json", "customer_monthly_transaction_insights.json",
    "non_contradictory_social_media_posts.json", "products.json"};

typedef struct fx {
    char *dir;   /* temp dir: a copy of the seed files, and the stores */
    char *db;
} fx;

static const char *seed_dir(void)
{
    const char *d = tu_shared_path("seed-data");
    struct stat sb;
    return d && stat(d, &sb) == 0 && S_ISDIR(sb.st_mode) ? d : NULL;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "store.db");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static int import_seed(const char *dir, const char *db, tl_import_counts *c, tl_err *err)
{
    tl_source *src[8];
    size_t n = 0;
    tl_err_clear(err);
    int rc = tl_seed_sources(dir, src, &n, err);
    if (rc)
        return rc;
    assert_int_equal(n, 5);
    return tl_import_run(db, src, n, false, c, err);
}

static void test_seed_counts_and_idempotency(void **state)
{
    fx *f = *state;
    const char *dir = seed_dir();
    if (!dir)
        skip();
    tl_import_counts c;
    tl_err err;
    int rc = import_seed(dir, f->db, &c, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.read[TL_KIND_CUSTOMERS], 100);
    assert_int_equal(c.read[TL_KIND_PRODUCTS], 36);
    assert_int_equal(c.read[TL_KIND_MONTHLY], 1200);
    assert_int_equal(c.read[TL_KIND_POSTS], 94);
    assert_int_equal(c.changed[TL_KIND_CUSTOMERS], 100);
    assert_int_equal(c.changed[TL_KIND_PRODUCTS], 36);
    assert_int_equal(c.changed[TL_KIND_MONTHLY], 1200);
    /* 28 of the prototype's 94 posts repeat an earlier post exactly (same
     * customer, platform, topic and text); a post's identity is that
     * tuple (docs/formats.md), so 66 rows are stored. */
    assert_int_equal(c.changed[TL_KIND_POSTS], 66);
    assert_true(c.changed[TL_KIND_REVIEWS] > 0);
    assert_int_equal(c.changed[TL_KIND_REVIEWS], c.read[TL_KIND_REVIEWS]);

    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_store_counts sc;
    assert_int_equal(tl_store_counts_get(st, &sc, &err), 0);
    assert_int_equal(sc.customers, 100);
    assert_int_equal(sc.products, 36);
    assert_int_equal(sc.monthly, 1200);
    assert_int_equal(sc.posts, 66);
    assert_int_equal(sc.reviews, c.changed[TL_KIND_REVIEWS]);
    assert_int_equal(sc.holdings, c.changed[TL_KIND_HOLDINGS]);
    tl_store_close(st);

    /* The same files again: read again, nothing written. */
    rc = import_seed(dir, f->db, &c, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.read[TL_KIND_CUSTOMERS], 100);
    for (int k = 0; k < TL_KIND_COUNT; k++)
        if (c.changed[k])
            fail_msg("%s: %lld changed on re-import", tl_kind_name((tl_kind)k), c.changed[k]);
}

/* Copies the seed files into dir/copy, replacing the first occurrence of
 * `from` by `to` in `file`. Writes the 1-based line and column (in
 * characters) where the replacement starts, offset by `at` bytes into it. */
static char *corrupt_copy(fx *f, const char *file, const char *from, const char *to, size_t at,
                          int *line, int *col)
{
    char *copy = tu_join(f->dir, "copy");
    tu_rmtree(copy);
    assert_int_equal(mkdir(copy, 0700), 0);
    for (size_t i = 0; i < sizeof seed_files / sizeof *seed_files; i++) {
        char src[4200];
        snprintf(src, sizeof src, "%s/%s", seed_dir(), seed_files[i]);
        size_t len;
        char *text = tu_read_file(src, &len);
        assert_non_null(text);
        char *dst = tu_join(copy, seed_files[i]);
        if (strcmp(seed_files[i], file) == 0) {
            char *hit = strstr(text, from);
            assert_non_null(hit);
            size_t pre = (size_t)(hit - text), fl = strlen(from), tl = strlen(to);
            char *out = malloc(len - fl + tl + 1);
            memcpy(out, text, pre);
            memcpy(out + pre, to, tl);
            memcpy(out + pre + tl, hit + fl, len - pre - fl + 1);
            *line = 1;
            *col = 1;
            for (size_t k = 0; k < pre + at; k++) {
                if (out[k] == '\n') {
                    (*line)++;
                    *col = 1;
                } else if (((unsigned char)out[k] & 0xC0) != 0x80) {
                    (*col)++;
                }
            }
            tu_write_file(dst, out);
            free(out);
        } else {
            tu_write_file(dst, text);
        }
        free(text);
        free(dst);
    }
    return copy;
}

/* Imports the corrupted copy: into the good store (bytes unchanged after)
 * and into a store that does not exist (still absent after). The message
 * must start with FILE:LINE:COL: and hold `what`. */
static void expect_reject(fx *f, const char *file, const char *from, const char *to, size_t at,
                          const char *what)
{
    int line = 0, col = 0;
    char *copy = corrupt_copy(f, file, from, to, at, &line, &col);
    char prefix[4400];
    snprintf(prefix, sizeof prefix, "%s/%s:%d:%d: ", copy, file, line, col);

    size_t before_len;
    char *before = tu_read_file(f->db, &before_len);
    assert_non_null(before);
    tl_import_counts c;
    tl_err err;
    int rc = import_seed(copy, f->db, &c, &err);
    assert_int_equal(rc, TL_EINPUT);
    if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || !strstr(err.msg, what))
        fail_msg("message\n  got:  %s\n  want: %s…%s…", err.msg, prefix, what);
    tu_assert_file_unchanged(f->db, before, before_len);

    char *fresh = tu_join(f->dir, "fresh.db");
    rc = import_seed(copy, fresh, &c, &err);
    assert_int_equal(rc, TL_EINPUT);
    struct stat sb;
    assert_int_not_equal(stat(fresh, &sb), 0);
    free(fresh);
    tu_rmtree(copy);
    free(copy);
}

static void test_seed_rejects(void **state)
{
    fx *f = *state;
    if (!seed_dir())
        skip();
    tl_import_counts c;
    tl_err err;
    int rc = import_seed(seed_dir(), f->db, &c, &err);
    if (rc)
        fail_msg("%s", err.msg);

    /* A bad month label: the place is the label itself. */
    expect_reject(f, "customer_monthly_transaction_insights.json", "\"Month\": \"Jan 2024\"",
                  "\"Month\": \"Jam 2024\"", 9, "Month is not a month like \"Jan 2024\"");
    /* A negative age. */
    expect_reject(f, "customer_profile.json", "\"Age\": \"32\"", "\"Age\": \"-32\"", 7,
                  "\"Age\" -32 is outside 0..130");
    /* A post by a customer nobody knows. */
    expect_reject(f, "non_contradictory_social_media_posts.json",
                  "\"CustomerID\": \"AlisonGaines78\"", "\"CustomerID\": \"NoSuchPerson1\"", 14,
                  "unknown customer 'NoSuchPerson1'");
    /* A JSON syntax error (jansson reports the end of the token after
     * which the colon was expected). */
    expect_reject(f, "non_contradictory_social_media_posts.json", "\"Topic\": \"Holiday",
                  "\"Topic\"  \"Holiday", 30, "':' expected");
    /* A bad amount in the insights. */
    expect_reject(f, "customer_monthly_transaction_insights.json",
                  "\"Total_Transaction_Amount\": 20000", "\"Total_Transaction_Amount\": \"lots\"",
                  28, "Total_Transaction_Amount is not an amount");
    /* A duplicate customer: the second one takes the first one's ID. */
    expect_reject(f, "customer_profile.json", "\"CustomerID\": \"AlyssaMartinez66\"",
                  "\"CustomerID\": \"AlisonGaines78\"", 14,
                  "duplicate CustomerID 'AlisonGaines78'");
    /* An ID shaped like an erased customer's audit subject. */
    expect_reject(f, "customer_profile.json", "\"CustomerID\": \"AlyssaMartinez66\"",
                  "\"CustomerID\": \"erased:AlyssaMartinez66\"", 14,
                  "ids beginning with \"erased:\" are reserved");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed_counts_and_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seed_rejects, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
