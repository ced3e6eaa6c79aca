/* test_propensity.c — the propensity model: known answers on synthetic
 * data, determinism, save/load, corrupt model files, CSV errors, and the UCI
 * bank-marketing file-order split (skipped without ../shared). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/propensity.h"

static uint64_t rng_s = 12345;
static double unif(void)
{
    rng_s ^= rng_s << 13;
    rng_s ^= rng_s >> 7;
    rng_s ^= rng_s << 17;
    return (double)(rng_s >> 11) / 9007199254740992.0;
}

/* A table with columns x1, x2 (numeric), c (categorical), y. kind 0: noisy
 * logistic in x1, x2 and c; kind 1: XOR of the signs of x1 and x2. */
static void make_table(tl_prop_table *t, size_t n, int kind)
{
    static const char *const names[] = {"x1", "x2", "c", "y"};
    tl_err err;
    tl_prop_table_init(t);
    assert_int_equal(tl_prop_table_set_header(t, names, 4, &err), 0);
    rng_s = 12345 + (uint64_t)kind;
    for (size_t i = 0; i < n; i++) {
        double x1 = unif() * 4 - 2, x2 = unif() * 4 - 2;
        int c = (int)(unif() * 3);
        double z = kind == 0 ? 2.5 * x1 - 1.5 * x2 + (c == 2 ? 1.5 : 0) - 0.5
                             : ((x1 > 0) != (x2 > 0) ? 3 : -3);
        int y = unif() < 1 / (1 + exp(-z));
        char b1[32], b2[32];
        snprintf(b1, sizeof b1, "%.4f", x1);
        snprintf(b2, sizeof b2, "%.4f", x2);
        const char *cells[] = {b1, b2, c == 0 ? "red" : c == 1 ? "green" : "blue",
                               y ? "yes" : "no"};
        assert_int_equal(tl_prop_table_add_row(t, cells, 4, &err), 0);
    }
}

static double fit_auc(tl_prop_table *t, tl_prop_kind kind, tl_prop_model **keep)
{
    tl_err err;
    int *y = malloc(t->n_rows * sizeof *y);
    size_t *tr, *te, ntr, nte;
    assert_int_equal(tl_prop_table_labels(t, "y", NULL, y, &err), 0);
    assert_int_equal(tl_prop_split(y, t->n_rows, 1, 0.25, 7, &tr, &ntr, &te, &nte, &err), 0);
    tl_prop_opts o;
    tl_prop_opts_default(&o);
    o.target = "y";
    o.kind = kind;
    o.fast = 1;
    o.time_ordered = 0;
    tl_prop_model *m = NULL;
    int rc = tl_prop_train(t, tr, ntr, &o, &m, &err);
    if (rc)
        fail_msg("train: %s", err.msg);
    double *p = malloc(nte * sizeof *p);
    int *yt = malloc(nte * sizeof *yt);
    assert_int_equal(tl_prop_predict(m, t, te, nte, p, &err), 0);
    for (size_t i = 0; i < nte; i++) {
        assert_true(p[i] > 0 && p[i] < 1);
        yt[i] = y[te[i]];
    }
    double auc = tl_prop_auc(p, yt, nte);
    if (keep)
        *keep = m;
    else
        tl_prop_model_free(m);
    free(p);
    free(yt);
    free(y);
    free(tr);
    free(te);
    return auc;
}

static void test_auc_metric(void **state)
{
    (void)state;
    double s[] = {0.1, 0.4, 0.35, 0.8};
    int y[] = {0, 0, 1, 1};
    assert_true(fabs(tl_prop_auc(s, y, 4) - 0.75) < 1e-12);
    double tie[] = {0.5, 0.5};
    int y2[] = {0, 1};
    assert_true(fabs(tl_prop_auc(tie, y2, 2) - 0.5) < 1e-12);
}

static void test_logistic_known_answer(void **state)
{
    (void)state;
    tl_prop_table t;
    make_table(&t, 2000, 0);
    double lr = fit_auc(&t, TL_PROP_LOGREG, NULL);
    double gb = fit_auc(&t, TL_PROP_GBDT, NULL);
    double en = fit_auc(&t, TL_PROP_ENSEMBLE, NULL);
    print_message("logistic problem: logreg %.4f gbdt %.4f ensemble %.4f\n", lr, gb, en);
    if (!(lr > 0.9 && gb > 0.85 && en > 0.9))
        fail_msg("AUC too low: logreg %.4f gbdt %.4f ensemble %.4f", lr, gb, en);
    tl_prop_table_free(&t);
}

static void test_xor_gbdt_beats_logreg(void **state)
{
    (void)state;
    tl_prop_table t;
    make_table(&t, 3000, 1);
    double lr = fit_auc(&t, TL_PROP_LOGREG, NULL);
    double gb = fit_auc(&t, TL_PROP_GBDT, NULL);
    print_message("xor problem: logreg %.4f gbdt %.4f\n", lr, gb);
    if (!(gb > lr + 0.05 && gb > 0.85))
        fail_msg("gbdt %.4f should beat logreg %.4f on XOR", gb, lr);
    tl_prop_table_free(&t);
}

static void test_determinism_and_save_load(void **state)
{
    (void)state;
    tl_prop_table t;
    make_table(&t, 1500, 0);
    tl_prop_model *a, *b, *c;
    double auc_a = fit_auc(&t, TL_PROP_ENSEMBLE, &a);
    double auc_b = fit_auc(&t, TL_PROP_ENSEMBLE, &b);
    assert_true(auc_a == auc_b);
    char *dir = tu_mkdtemp();
    char *pa = tu_join(dir, "a.json"), *pb = tu_join(dir, "b.json");
    tl_err err;
    assert_int_equal(tl_prop_model_save(a, pa, &err), 0);
    assert_int_equal(tl_prop_model_save(b, pb, &err), 0);
    size_t la, lb;
    char *ta = tu_read_file(pa, &la), *tb = tu_read_file(pb, &lb);
    assert_non_null(ta);
    assert_non_null(tb);
    assert_int_equal(la, lb);
    assert_memory_equal(ta, tb, la); /* same seed, byte-identical model */
    int rc = tl_prop_model_load(pa, &c, &err);
    if (rc)
        fail_msg("load: %s", err.msg);
    size_t rows[200];
    double pa_[200], pc_[200];
    for (size_t i = 0; i < 200; i++)
        rows[i] = i * 7;
    assert_int_equal(tl_prop_predict(a, &t, rows, 200, pa_, &err), 0);
    assert_int_equal(tl_prop_predict(c, &t, rows, 200, pc_, &err), 0);
    for (size_t i = 0; i < 200; i++)
        assert_true(pa_[i] == pc_[i]);
    tl_prop_info info;
    tl_prop_model_info(c, &info);
    assert_int_equal(info.kind, TL_PROP_ENSEMBLE);
    assert_true(info.gb_trees > 0 && info.lr_dim > 0);
    free(ta);
    free(tb);
    tl_prop_model_free(a);
    tl_prop_model_free(b);
    tl_prop_model_free(c);
    tu_rmtree(dir);
    free(pa);
    free(pb);
    free(dir);
    tl_prop_table_free(&t);
}

static void expect_corrupt(const char *text, const char *want)
{
    tl_prop_model *m = (tl_prop_model *)1;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_prop_model_load_mem(text, strlen(text), &m, &err);
    assert_int_equal(rc, TL_EINPUT);
    assert_null(m);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void test_corrupt_model(void **state)
{
    (void)state;
    expect_corrupt("", "corrupt model file");
    expect_corrupt("{\"format\":\"x\"}", "format");
    expect_corrupt("{\"format\":\"tailor-propensity\",\"version\":3}", "version");
    const char *head = "{\"format\":\"tailor-propensity\",\"version\":1,\"kind\":\"gbdt\","
                       "\"target\":\"y\",\"columns\":[{\"name\":\"a\",\"type\":\"numeric\","
                       "\"mean\":0,\"sd\":1,\"lr_edges\":[],\"gb_edges\":[0.5]}],"
                       "\"stack\":[0,0,0],\"gbdt\":{\"base\":0,\"platt\":[1,0],\"trees\":[";
    char buf[2048];
    /* a cycle: node 0's child is itself */
    snprintf(buf, sizeof buf,
             "%s{\"feat\":[0],\"left\":[0],\"right\":[0],\"left_bins\":[\"0000000000000001\"],"
             "\"value\":[0]}]}}",
             head);
    expect_corrupt(buf, "bad link");
    /* a feature index past the columns */
    snprintf(buf, sizeof buf,
             "%s{\"feat\":[5,-1,-1],\"left\":[1,0,0],\"right\":[2,0,0],"
             "\"left_bins\":[\"0000000000000001\",\"0\",\"0\"],\"value\":[0,1,2]}]}}",
             head);
    expect_corrupt(buf, "corrupt model file");
    /* a well-formed one loads */
    snprintf(buf, sizeof buf,
             "%s{\"feat\":[0,-1,-1],\"left\":[1,0,0],\"right\":[2,0,0],"
             "\"left_bins\":[\"0000000000000003\",\"0000000000000000\",\"0000000000000000\"],"
             "\"value\":[0,-1,1]}]}}",
             head);
    tl_prop_model *m;
    tl_err err;
    int rc = tl_prop_model_load_mem(buf, strlen(buf), &m, &err);
    if (rc)
        fail_msg("%s", err.msg);
    tl_prop_model_free(m);
    /* a logreg whose weights do not match its columns */
    expect_corrupt("{\"format\":\"tailor-propensity\",\"version\":1,\"kind\":\"logreg\","
                   "\"target\":\"y\",\"columns\":[],\"stack\":[0,0,0],"
                   "\"logreg\":{\"lambda\":1,\"platt\":[1,0],\"w\":[0,1]}}",
                   "weights");
    /* a missing file */
    assert_int_equal(tl_prop_model_load("/nonexistent/model.json", &m, &err), TL_EIO);
}

static void test_csv(void **state)
{
    (void)state;
    tl_prop_table t;
    tl_err err;
    tl_prop_table_init(&t);
    /* ';' detected; quotes; CRLF; a blank line */
    const char *ok = "\"a\";\"b\";\"y\"\r\n1;\"x;y\";\"yes\"\r\n\r\n2;\"q\"\"r\";no\r\n";
    assert_int_equal(tl_prop_table_read_csv_mem(&t, "ok.csv", ok, strlen(ok), &err), 0);
    assert_int_equal(t.n_cols, 3);
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(tl_prop_table_cell(&t, 0, 1), "x;y");
    assert_string_equal(tl_prop_table_cell(&t, 1, 1), "q\"r");
    assert_int_equal(tl_prop_table_col(&t, "y"), 2);
    tl_prop_table_free(&t);
    /* a row with the wrong number of fields names file:line */
    const char *bad = "a,b,y\n1,2,yes\n3,no\n";
    assert_int_equal(tl_prop_table_read_csv_mem(&t, "bad.csv", bad, strlen(bad), &err),
                     TL_EINPUT);
    if (!strstr(err.msg, "bad.csv:3:"))
        fail_msg("message: %s", err.msg);
    const char *unterminated = "a,y\n\"open,yes\n";
    assert_int_equal(tl_prop_table_read_csv_mem(&t, "u.csv", unterminated,
                                                strlen(unterminated), &err),
                     TL_EINPUT);
    assert_non_null(strstr(err.msg, "u.csv:2:"));
}

/* A non-number in an otherwise numeric column (< 1%) counts as missing; the
 * column stays numeric and training works. */
static void test_bad_numeric_value(void **state)
{
    (void)state;
    tl_prop_table t;
    make_table(&t, 400, 0);
    size_t off = t.off[5 * t.n_cols + 0]; /* overwrite row 5's x1 with text */
    memcpy(t.pool + off, "abc", 4);
    tl_prop_opts o;
    tl_prop_opts_default(&o);
    o.target = "y";
    o.kind = TL_PROP_LOGREG;
    o.fast = 1;
    size_t rows[400];
    for (size_t i = 0; i < 400; i++)
        rows[i] = i;
    tl_prop_model *m;
    tl_err err;
    assert_int_equal(tl_prop_train(&t, rows, 400, &o, &m, &err), 0);
    tl_prop_info info;
    tl_prop_model_info(m, &info);
    assert_int_equal(info.n_numeric, 2);
    assert_int_equal(info.n_categorical, 1);
    double p;
    assert_int_equal(tl_prop_predict(m, &t, &rows[5], 1, &p, &err), 0);
    assert_true(p > 0 && p < 1);
    tl_prop_model_free(m);
    /* a target with one class is an error */
    o.target = "c";
    o.positive = "purple";
    assert_int_equal(tl_prop_train(&t, rows, 400, &o, &m, &err), TL_EINPUT);
    tl_prop_table_free(&t);
}

static void test_uci_file_order(void **state)
{
    (void)state;
    const char *path = tu_shared_path("datasets/uci-bank-marketing/bank-additional-full.csv");
    if (!path)
        skip();
    tl_prop_table t;
    tl_err err;
    tl_prop_table_init(&t);
    int rc = tl_prop_table_read_csv(&t, path, &err);
    if (rc)
        fail_msg("%s", err.msg);
    int *y = malloc(t.n_rows * sizeof *y);
    size_t *tr, *te, ntr, nte;
    assert_int_equal(tl_prop_table_labels(&t, "y", "yes", y, &err), 0);
    assert_int_equal(tl_prop_split(y, t.n_rows, 0, 0.2, 1, &tr, &ntr, &te, &nte, &err), 0);
    tl_prop_opts o;
    tl_prop_opts_default(&o);
    const char *drop[] = {"duration"};
    o.target = "y";
    o.positive = "yes";
    o.drop = drop;
    o.n_drop = 1;
    o.kind = TL_PROP_LOGREG;
    o.fast = 1;
    tl_prop_model *m;
    rc = tl_prop_train(&t, tr, ntr, &o, &m, &err);
    if (rc)
        fail_msg("%s", err.msg);
    double *p = malloc(nte * sizeof *p);
    int *yt = malloc(nte * sizeof *yt);
    assert_int_equal(tl_prop_predict(m, &t, te, nte, p, &err), 0);
    for (size_t i = 0; i < nte; i++)
        yt[i] = y[te[i]];
    double auc = tl_prop_auc(p, yt, nte);
    print_message("UCI bank marketing, file order: AUC %.4f\n", auc);
    if (!(auc > 0.745))
        fail_msg("AUC %.4f <= 0.745", auc);
    tl_prop_model_free(m);
    free(p);
    free(yt);
    free(y);
    free(tr);
    free(te);
    tl_prop_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_metric),
        cmocka_unit_test(test_logistic_known_answer),
        cmocka_unit_test(test_xor_gbdt_beats_logreg),
        cmocka_unit_test(test_determinism_and_save_load),
        cmocka_unit_test(test_corrupt_model),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_bad_numeric_value),
        cmocka_unit_test(test_uci_file_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
