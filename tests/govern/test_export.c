/* test_export.c — `tailor export`: pseudonymised files carry no customer
 * identity (generated bank and, when ../shared is there, the prototype's
 * seed customers), pseudonyms link the tables, raw export needs --full. */
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/digest.h"

/* Every file of dir concatenated (malloc'd). */
static char *slurp_dir(const char *dir, int *n_files)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t cap = 1 << 20, len = 0;
    char *all = malloc(cap);
    all[0] = '\0';
    struct dirent *e;
    *n_files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = tu_join(dir, e->d_name);
        size_t n;
        char *text = tu_read_file(p, &n);
        assert_non_null(text);
        if (len + n + 2 > cap) {
            while (len + n + 2 > cap)
                cap *= 2;
            all = realloc(all, cap);
        }
        memcpy(all + len, text, n);
        len += n;
        all[len++] = '\n';
        all[len] = '\0';
        free(text);
        free(p);
        (*n_files)++;
    }
    closedir(d);
    return all;
}

/* Whether `word` occurs in text with no letter or digit right before or
 * after it ("King" is not found in "United Kingdom"). */
static int contains_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        int before = p > text && (isalnum((unsigned char)p[-1]));
        int after = isalnum((unsigned char)p[n]);
        if (!before && !after)
            return 1;
    }
    return 0;
}

/* Fails when any identity string of the store's customers appears. */
static void assert_no_identity(const char *db, const char *text)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    /* ID, full name, e-mail, phone and last name, in both the generator's
     * and the prototype's field names. A first name alone is no test: the
     * kept city "San Jose" holds the first name "Jose". */
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT id, name, coalesce(json_extract(doc,'$.email'), "
                           "json_extract(doc,'$.Email')), coalesce(json_extract(doc,'$.phone'), "
                           "json_extract(doc,'$.Phone')), coalesce(json_extract(doc,"
                           "'$.last_name'), json_extract(doc,'$.LastName')) FROM customers",
                           -1, &s, NULL),
        SQLITE_OK);
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < 5; c++) {
            const char *v = (const char *)sqlite3_column_text(s, c);
            assert_non_null(v);
            if (contains_word(text, v))
                fail_msg("export holds \"%s\" (column %d of customer #%d)", v, c, n);
        }
        n++;
    }
    assert_true(n > 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
}

static void check_store(const char *dir, const char *db)
{
    char *out = tu_join(dir, "out"), *err = NULL;
    /* Raw data needs --full. */
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "export", "--db", db, "--out", out, NULL), 2);
    assert_non_null(strstr(err, "--pseudonymise"));
    free(err);
    struct stat sb;
    assert_int_not_equal(stat(out, &sb), 0);

    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "export", "--db", db, "--out", out,
                                   "--pseudonymise", NULL),
                     0);
    int n_files;
    char *all = slurp_dir(out, &n_files);
    assert_int_equal(n_files, 7);
    assert_no_identity(db, all);
    free(all);
    /* The pseudonym links tables: every monthly row's customer is one of
     * the customers file's. */
    char *cpath = tu_join(out, "customers.csv"), *mpath = tu_join(out, "monthly.csv");
    size_t n;
    char *cust = tu_read_file(cpath, &n), *monthly = tu_read_file(mpath, &n);
    assert_memory_equal(cust, "customer,gender,age_band,", 25);
    char *line = strchr(monthly, '\n') + 1;
    int checked = 0;
    while (*line && checked < 50) {
        char pseudo[65];
        memcpy(pseudo, line, 64);
        pseudo[64] = '\0';
        assert_non_null(strstr(cust, pseudo));
        line = strchr(line, '\n');
        if (!line)
            break;
        line++;
        checked++;
    }
    assert_true(checked > 0);
    free(cust);
    free(monthly);

    /* JSON Lines, with a key of our own: pseudonym = HMAC-SHA-256(key,
     * "export:" ID), the same in every run. */
    char *key = tu_join(dir, "key"), *outj = tu_join(dir, "outj");
    tu_write_file(key, "0123456789abcdef-analysts-2026");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "export", "--db", db, "--out", outj,
                                   "--pseudonymise", "--format", "jsonl", "--key-file", key,
                                   NULL),
                     0);
    all = slurp_dir(outj, &n_files);
    assert_int_equal(n_files, 7);
    assert_no_identity(db, all);
    free(all);
    char *jpath = tu_join(outj, "customers.jsonl");
    char *jl = tu_read_file(jpath, &n);
    json_error_t je;
    json_t *first = json_loadb(jl, (size_t)(strchr(jl, '\n') - jl), 0, &je);
    assert_non_null(first);
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT id FROM customers ORDER BY rowid LIMIT 1", -1,
                                        &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    char data[256], hex[65];
    snprintf(data, sizeof data, "export:%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    tl_hmac_sha256_hex("0123456789abcdef-analysts-2026", 30, data, strlen(data), hex);
    assert_string_equal(json_string_value(json_object_get(first, "customer")), hex);
    assert_non_null(json_object_get(first, "age_band"));
    assert_null(json_object_get(first, "name"));
    json_decref(first);
    free(jl);
    free(jpath);

    /* --full is explicit and does carry identities (so the checks above
     * would have seen them). */
    char *full = tu_join(dir, "full");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "export", "--db", db, "--out", full,
                                   "--full", NULL),
                     0);
    all = slurp_dir(full, &n_files);
    assert_int_equal(n_files, 8);   /* posts too */
    char *name = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT name FROM customers LIMIT 1", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    name = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    assert_non_null(strstr(all, name));
    free(name);
    free(all);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "export", "--db", db, "--out", full,
                                   "--full", "--pseudonymise", NULL),
                     2);
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "export", "--db", db, "--out", full,
                                   "--pseudonymise", "--format", "xml", NULL),
                     2);
    tu_write_file(key, "short");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "export", "--db", db, "--out", full,
                                   "--pseudonymise", "--key-file", key, NULL),
                     1);
    free(full);
    free(key);
    free(outj);
    free(cpath);
    free(mpath);
    free(out);
}

static void test_export_generated_bank(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), *db = tu_join(dir, "bank.db");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "demo", "--customers", "40", "--db", db,
                                   "--no-serve", NULL),
                     0);
    /* Events and consent rows too, so every file has content. */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "INSERT INTO events(customer_id,product_id,kind,channel,"
                                  "idempotency_key,at) SELECT id,'CC-CLASSIC','shown','app',"
                                  "'key-'||id,'2026-01-01T00:00:00Z' FROM customers;"
                                  "INSERT INTO consent SELECT id,1,0,0,'2026-01-01T00:00:00Z' "
                                  "FROM customers LIMIT 5;"
                                  "INSERT INTO contact_optouts SELECT id,'email',"
                                  "'2026-01-02T00:00:00Z' FROM customers LIMIT 3",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    check_store(dir, db);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

static void test_export_seed_customers(void **state)
{
    (void)state;
    const char *seed = tu_shared_path("seed-data");
    if (!seed)
        skip();
    char *dir = tu_mkdtemp(), *db = tu_join(dir, "seed.db");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", db, "--seed", seed, NULL),
                     0);
    check_store(dir, db);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_generated_bank),
        cmocka_unit_test(test_export_seed_customers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
