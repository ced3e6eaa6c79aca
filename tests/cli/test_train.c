/* test_train.c — `tailor train --split-out`: the test rows written for
 * another tool are the ones tailor held out (right count, distinct, in
 * range, stratified for the random split, the tail of the file in file
 * order), and an unwritable path fails without leaving a file. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_ROWS 500

/* A CSV of N_ROWS rows, every 5th row positive (100 positives), with a
 * numeric and a categorical column that carry some signal. Returns the
 * malloc'd path; labels into y. */
static char *make_csv(const char *dir, int *y)
{
    char *path = tu_join(dir, "offers.csv");
    size_t cap = 64 + (size_t)N_ROWS * 48;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t len = (size_t)snprintf(text, cap, "customer,income,segment,accepted\n");
    uint32_t s = 12345;
    for (int i = 0; i < N_ROWS; i++) {
        s = s * 1103515245u + 12345u;
        int pos = i % 5 == 0;
        y[i] = pos;
        double income = (double)(s >> 16 & 1023) + (pos ? 300 : 0);
        const char *seg = (s >> 8 & 3) == 0 || pos ? "gold" : "basic";
        len += (size_t)snprintf(text + len, cap - len, "c%d,%.0f,%s,%s\n", i, income, seg,
                                pos ? "yes" : "no");
    }
    tu_write_file(path, text);
    free(text);
    return path;
}

/* Reads the split file: count of lines into *n, rows into out (N_ROWS). */
static void read_rows(const char *path, size_t *out, size_t *n)
{
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    *n = 0;
    for (char *p = text; *p;) {
        char *end;
        unsigned long v = strtoul(p, &end, 10);
        assert_true(end > p && *end == '\n');
        assert_true(*n < N_ROWS);
        out[(*n)++] = v;
        p = end + 1;
    }
    free(text);
}

static void test_split_out(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    int y[N_ROWS];
    char *csv = make_csv(dir, y);
    char *split = tu_join(dir, "test-rows.txt");
    size_t rows[N_ROWS], n;
    char *out = NULL, *err = NULL;

    /* random: 20% of each class, distinct rows in range */
    int rc = tu_run_tailor(&out, &err, NULL, "train", "--csv", csv, "--target", "accepted",
                           "--drop", "customer", "--split", "random", "--seed", "3",
                           "--fast", "--split-out", split, NULL);
    if (rc != 0)
        fail_msg("tailor train: %s", err);
    assert_non_null(strstr(out, "test        ROC AUC"));
    assert_non_null(strstr(out, "test 100 (positive 0.200)"));
    free(out);
    free(err);
    read_rows(split, rows, &n);
    assert_int_equal(n, 100);
    char seen[N_ROWS] = {0};
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(rows[i] < N_ROWS);
        assert_int_equal(seen[rows[i]], 0);
        seen[rows[i]] = 1;
        pos += (size_t)y[rows[i]];
    }
    assert_int_equal(pos, 20); /* stratified: 20 of the 100 positives */

    /* another seed holds out other rows */
    size_t rows2[N_ROWS], n2, same = 0;
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "train", "--csv", csv, "--target",
                                   "accepted", "--drop", "customer", "--split", "random",
                                   "--seed", "4", "--fast", "--split-out", split, NULL),
                     0);
    read_rows(split, rows2, &n2);
    assert_int_equal(n2, 100);
    for (size_t i = 0; i < n2; i++)
        same += seen[rows2[i]];
    assert_true(same < 100);

    /* file order: exactly the last 20% of the records, in order */
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "train", "--csv", csv, "--target",
                                   "accepted", "--drop", "customer", "--fast",
                                   "--test-fraction", "0.1", "--split-out", split, NULL),
                     0);
    read_rows(split, rows, &n);
    assert_int_equal(n, 50);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rows[i], N_ROWS - 50 + i);

    /* an unwritable place: exit 1, the option named, no file left */
    char *bad = tu_join(dir, "missing-dir/rows.txt");
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "train", "--csv", csv, "--target",
                                   "accepted", "--fast", "--split-out", bad, NULL),
                     1);
    assert_non_null(strstr(err, "--split-out"));
    struct stat st;
    assert_int_not_equal(stat(bad, &st), 0);
    free(err);

    /* the option is documented */
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "train", "--help", NULL), 0);
    assert_non_null(strstr(out, "--split-out FILE"));
    free(out);

    free(bad);
    free(split);
    free(csv);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
