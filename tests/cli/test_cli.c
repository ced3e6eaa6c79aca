/* test_cli.c — the binary as a user runs it: exit codes, --help, import,
 * forecast, and a rejected import leaving no store behind. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_usage_and_help(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, NULL), 2);
    assert_non_null(strstr(err, "usage: tailor"));
    free(err);
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "--help", NULL), 0);
    assert_non_null(strstr(out, "import"));
    assert_non_null(strstr(out, "serve"));
    free(out);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "frobnicate", NULL), 2);
    static const char *const cmds[] = {"import", "serve", "forecast", "backtest", "generate",
                                       "demo"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        assert_int_equal(tu_run_tailor(&out, NULL, NULL, cmds[i], "--help", NULL), 0);
        assert_non_null(strstr(out, "usage: tailor"));
        free(out);
    }
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "import", "--seed", "x", NULL), 2);
    assert_non_null(strstr(err, "--db"));
    free(err);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "serve", "--db", "x.db", "--port", "99999",
                                   NULL),
                     2);
}

static void test_import_and_forecast(void **state)
{
    (void)state;
    const char *seed = tu_shared_path("seed-data");
    if (!seed)
        skip();
    char *seed_dir = strdup(seed);
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "bank.db");
    char *out, *err;
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "import", "--db", db, "--seed", seed_dir,
                                   NULL),
                     0);
    assert_non_null(strstr(out, "customers"));
    free(out);
    free(err);
    /* Again: nothing changes. */
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "import", "--db", db, "--seed", seed_dir,
                                   NULL),
                     0);
    assert_non_null(strstr(out, "100 read          0 written"));
    free(out);

    assert_int_equal(tu_run_tailor(&out, &err, NULL, "forecast", "--db", db, "--json",
                                   "AlisonGaines78", NULL),
                     0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    json_t *fc = json_object_get(j, "forecast");
    double mean = json_number_value(json_object_get(fc, "mean"));
    assert_true(mean > 0);
    assert_true(json_number_value(json_object_get(fc, "lo80")) <= mean);
    assert_true(json_number_value(json_object_get(fc, "hi80")) >= mean);
    json_decref(j);
    free(out);
    free(err);

    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "forecast", "--db", db, "AlisonGaines78",
                                   NULL),
                     0);
    assert_non_null(strstr(out, "80% interval"));
    free(out);

    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "forecast", "--db", db, "Nobody", NULL), 1);
    assert_non_null(strstr(err, "Nobody"));
    assert_null(strchr(err, '\n') == NULL ? NULL : strchr(strchr(err, '\n') + 1, '\n'));
    free(err);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "forecast", "--db", db, NULL), 2);

    /* Recommendations for one customer, and every customer in batch. */
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "recommend", "--db", db, "--json", "--k", "2",
                                   "AlisonGaines78", NULL),
                     0);
    j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_true(json_array_size(json_object_get(j, "recommendations")) >= 1);
    assert_true(json_array_size(json_object_get(j, "recommendations")) <= 2);
    json_decref(j);
    free(out);
    char *csv = tu_join(dir, "scores.csv"), *jsonl = tu_join(dir, "scores.jsonl");
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "score", "--db", db, "--all", "--threads",
                                   "2", "--export", csv, NULL),
                     0);
    assert_non_null(strstr(out, "scored 100 customers"));
    free(out);
    char *text = tu_read_file(csv, NULL);
    assert_non_null(text);
    assert_true(strncmp(text, "customer_id,rank,product_id,score,reasons,scored_at\n", 52) == 0);
    assert_non_null(strstr(text, "AlisonGaines78,1,"));
    free(text);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "score", "--db", db, "--export", jsonl, NULL),
                     0);
    text = tu_read_file(jsonl, NULL);
    assert_non_null(text);
    j = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "rank")), 1);
    json_decref(j);
    free(text);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "score", "--db", db, "--export",
                                   "out.txt", NULL),
                     2);
    /* with --all the name is refused before anything is scored */
    long long runs = tu_sql_int(db, "SELECT count(*) FROM audit WHERE kind=?1", "score");
    err = NULL;
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "score", "--db", db, "--all", "--export",
                                   "out.txt", NULL),
                     2);
    assert_non_null(strstr(err, "must end in .csv or .jsonl"));
    free(err);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE kind=?1", "score"), runs);
    free(csv);
    free(jsonl);
    tu_rmtree(dir);
    free(db);
    free(dir);
    free(seed_dir);
}

/* Copies the seed files into dir, replacing one string in one file. */
static void corrupt_copy(const char *seed, const char *dir, const char *file, const char *from,
                         const char *to)
{
    static const char *const files[] = {"customer_profile.json",
                                        "customer_monthly_transaction_insights.json",
                                        "non_contradictory_social_media_posts.json",
                                        "products.json"};
    for (size_t i = 0; i < 4; i++) {
        char *src = tu_join(seed, files[i]);
        char *text = tu_read_file(src, NULL);
        assert_non_null(text);
        char *dst = tu_join(dir, files[i]);
        if (strcmp(files[i], file) == 0) {
            char *at = strstr(text, from);
            assert_non_null(at);
            size_t n = strlen(text) + strlen(to) + 1;
            char *changed = malloc(n);
            snprintf(changed, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
            tu_write_file(dst, changed);
            free(changed);
        } else {
            tu_write_file(dst, text);
        }
        free(text);
        free(src);
        free(dst);
    }
}

static void test_rejected_import(void **state)
{
    (void)state;
    const char *seed = tu_shared_path("seed-data");
    if (!seed)
        skip();
    char *seed_dir = strdup(seed);
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "bank.db");
    corrupt_copy(seed_dir, dir, "customer_profile.json", "\"Age\": \"32\"", "\"Age\": \"-3\"");
    char *err;
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "import", "--db", db, "--seed", dir, NULL),
                     1);
    /* file:line:column of the offending value. */
    assert_non_null(strstr(err, "customer_profile.json:9:16:"));
    assert_non_null(strstr(err, "Age"));
    free(err);
    struct stat sb;
    assert_int_not_equal(stat(db, &sb), 0);   /* no store was created */

    corrupt_copy(seed_dir, dir, "customer_monthly_transaction_insights.json", "\"Jan 2024\"",
                 "\"Janvier 2024\"");
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "import", "--db", db, "--seed", dir, NULL),
                     1);
    assert_non_null(strstr(err, "customer_monthly_transaction_insights.json:"));
    assert_non_null(strstr(err, "Janvier 2024"));
    free(err);
    assert_int_not_equal(stat(db, &sb), 0);
    tu_rmtree(dir);
    free(db);
    free(dir);
    free(seed_dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_usage_and_help),
                                       cmocka_unit_test(test_import_and_forecast),
                                       cmocka_unit_test(test_rejected_import)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
