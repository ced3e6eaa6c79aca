/* test_propensity.c — the propensity model: known answers on synthetic
 * data, determinism, save/load, corrupt model files, CSV errors, and the UCI
 * bank-marketing file-order split (skipped without ../shared). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/gbdt.h"
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

/* p for one value of column "a" (numeric) under a loaded gbdt model. */
static double predict_a(const tl_prop_model *m, const char *value)
{
    static const char *const names[] = {"a", "y"};
    tl_prop_table t;
    tl_err err;
    tl_prop_table_init(&t);
    assert_int_equal(tl_prop_table_set_header(&t, names, 2, &err), 0);
    const char *cells[] = {value, "no"};
    assert_int_equal(tl_prop_table_add_row(&t, cells, 2, &err), 0);
    size_t row = 0;
    double p = -1;
    assert_int_equal(tl_prop_predict(m, &t, &row, 1, &p, &err), 0);
    tl_prop_table_free(&t);
    return p;
}

static tl_prop_model *load_ok(const char *text)
{
    tl_prop_model *m = NULL;
    tl_err err;
    if (tl_prop_model_load_mem(text, strlen(text), &m, &err))
        fail_msg("load: %s", err.msg);
    return m;
}

static double sig(double z)
{
    return 1 / (1 + exp(-z));
}

/* Version 1 files (64-bin trees, 16 hex digits a bin set) still load and
 * predict as written; version 2 (256 bins, 64 digits) uses the high bins;
 * a bin set of the other version's length or too many edges is corrupt. */
static void test_model_versions(void **state)
{
    (void)state;
    char buf[8192];
    /* v1: a < 0.5 is bin 1 (left, -1), a > 0.5 bin 2 (right, +1), missing bin 0 (left) */
    const char *v1 = "{\"format\":\"tailor-propensity\",\"version\":1,\"kind\":\"gbdt\","
                     "\"target\":\"y\",\"columns\":[{\"name\":\"a\",\"type\":\"numeric\","
                     "\"mean\":0,\"sd\":1,\"lr_edges\":[],\"gb_edges\":[0.5]}],"
                     "\"stack\":[0,0,0],\"gbdt\":{\"base\":0,\"platt\":[1,0],\"trees\":["
                     "{\"feat\":[0,-1,-1],\"left\":[1,0,0],\"right\":[2,0,0],"
                     "\"left_bins\":[\"%s\",\"%s\",\"%s\"],\"value\":[0,-1,1]}]}}";
    const char *z16 = "0000000000000000";
    char z64[65], m64[65];
    memset(z64, '0', 64);
    z64[64] = 0;
    snprintf(buf, sizeof buf, v1, "0000000000000003", z16, z16);
    tl_prop_model *m = load_ok(buf);
    assert_true(fabs(predict_a(m, "0.2") - sig(-1)) < 1e-12);
    assert_true(fabs(predict_a(m, "0.9") - sig(1)) < 1e-12);
    assert_true(fabs(predict_a(m, "") - sig(-1)) < 1e-12);
    tl_prop_model_free(m);
    /* a version 1 file with a 64-digit set, or a version 2 file with a 16-digit one */
    snprintf(buf, sizeof buf, v1, z64, z16, z16);
    expect_corrupt(buf, "bin set");
    snprintf(buf, sizeof buf, v1, "0000000000000003", z16, z16);
    char *ver = strstr(buf, "\"version\":1");
    ver[10] = '2';
    expect_corrupt(buf, "bin set");
    /* v1 allows at most 62 tree edges: 63 is corrupt; v2 allows 254 */
    char edges[4096];
    size_t off = 0;
    for (int e = 0; e < 200; e++)
        off += (size_t)snprintf(edges + off, sizeof edges - off, "%s%d.5", e ? "," : "", e);
    const char *vN = "{\"format\":\"tailor-propensity\",\"version\":%d,\"kind\":\"gbdt\","
                     "\"target\":\"y\",\"columns\":[{\"name\":\"a\",\"type\":\"numeric\","
                     "\"mean\":0,\"sd\":1,\"lr_edges\":[],\"gb_edges\":[%s]}],"
                     "\"stack\":[0,0,0],\"gbdt\":{\"base\":0,\"platt\":[1,0],\"trees\":["
                     "{\"feat\":[0,-1,-1],\"left\":[1,0,0],\"right\":[2,0,0],"
                     "\"left_bins\":[\"%s\",\"%s\",\"%s\"],\"value\":[0,-1,1]}]}}";
    snprintf(buf, sizeof buf, vN, 1, edges, "0000000000000003", z16, z16);
    expect_corrupt(buf, "edges");
    /* v2: bins 101..255 go left. a = 150 is bin 151 (left), a = 10 bin 11
     * (right): the set's upper words are read */
    memset(m64, '0', 64);
    m64[64] = 0;
    for (int b = 101; b < 256; b++) {
        int digit = 63 - b / 4; /* most significant digit first */
        int v = m64[digit] <= '9' ? m64[digit] - '0' : m64[digit] - 'a' + 10;
        v |= 1 << (b % 4);
        m64[digit] = (char)(v < 10 ? '0' + v : 'a' + v - 10);
    }
    snprintf(buf, sizeof buf, vN, 2, edges, m64, z64, z64);
    m = load_ok(buf);
    assert_true(fabs(predict_a(m, "150") - sig(-1)) < 1e-12);
    assert_true(fabs(predict_a(m, "10") - sig(1)) < 1e-12);
    /* saved again it is version 2 and predicts the same */
    char *dir = tu_mkdtemp();
    char *path = tu_join(dir, "m.json");
    tl_err err;
    assert_int_equal(tl_prop_model_save(m, path, &err), 0);
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_non_null(strstr(text, "\"version\":2"));
    assert_non_null(strstr(text, m64));
    tl_prop_model *m2 = NULL;
    assert_int_equal(tl_prop_model_load(path, &m2, &err), 0);
    assert_true(predict_a(m2, "150") == predict_a(m, "150"));
    assert_true(predict_a(m2, "10") == predict_a(m, "10"));
    tl_prop_model_free(m2);
    tl_prop_model_free(m);
    free(text);
    tu_rmtree(dir);
    free(path);
    free(dir);
    /* the fuzz seeds: version 1 files written by the earlier trainer, and a
     * version 2 ensemble, load and predict a probability */
    const char *src = getenv("TAILOR_SRC");
    if (!src)
        return;
    static const char *const seeds[] = {"logreg.json", "gbdt.json", "ensemble.json",
                                        "ensemble_v2.json"};
    for (size_t k = 0; k < sizeof seeds / sizeof *seeds; k++) {
        char p2[4096];
        snprintf(p2, sizeof p2, "%s/fuzz/corpus/fuzz_propensity_model/%s", src, seeds[k]);
        if (tl_prop_model_load(p2, &m, &err))
            fail_msg("%s: %s", seeds[k], err.msg);
        static const char *const names[] = {"a", "b", "y"};
        static const char *const row[] = {"0.7", "red", "yes"};
        tl_prop_table t;
        tl_prop_table_init(&t);
        assert_int_equal(tl_prop_table_set_header(&t, names, 3, &err), 0);
        assert_int_equal(tl_prop_table_add_row(&t, row, 3, &err), 0);
        size_t r = 0;
        double p = -1;
        assert_int_equal(tl_prop_predict(m, &t, &r, 1, &p, &err), 0);
        assert_true(p > 0 && p < 1);
        tl_prop_table_free(&t);
        tl_prop_model_free(m);
    }
}

/* The trees directly: a leaf limit bounds every tree; a numeric split sends
 * the missing bin to the side whose rows it resembles. */
static void test_gbdt_leaves_and_missing(void **state)
{
    (void)state;
    enum { N = 3000 };
    uint8_t *bins = malloc(N * 2);
    int *y = malloc(N * sizeof *y);
    uint8_t is_cat[2] = {0, 0};
    /* feature 0: bin 0 (missing) and bins 200..255 mostly yes, 1..199 mostly no;
     * feature 1: noise */
    rng_s = 99;
    for (size_t i = 0; i < N; i++) {
        unsigned b = i < 300 ? 0 : (unsigned)(unif() * 256); /* 10% missing */
        bins[2 * i] = (uint8_t)b;
        bins[2 * i + 1] = (uint8_t)(unif() * 256);
        double py = b == 0 || b >= 200 ? 0.9 : 0.1;
        y[i] = unif() < py;
    }
    tl_gbdt_params p;
    tl_gbdt_params_default(&p);
    p.max_trees = 1;
    p.max_depth = 1;
    tl_gbdt g;
    tl_err err;
    assert_int_equal(tl_gbdt_train(&g, bins, N, 2, y, is_cat, NULL, 0, NULL, &p, &err), 0);
    assert_int_equal(g.n_trees, 1);
    const tl_gbdt_node *root = &g.trees[0].nodes[0];
    assert_int_equal(root->feat, 0);
    /* a threshold near 200: low bins left; missing (bin 0) right with the
     * high bins, although it sorts below them */
    const tl_gbdt_node *lo = &g.trees[0].nodes[root->left];
    assert_int_equal(root->left_bins[0] & 1, 0);
    for (unsigned b = 1; b < 256; b++) {
        int left = (int)((root->left_bins[b / 64] >> (b % 64)) & 1);
        if (b < 190)
            assert_int_equal(left, 1);
        if (b >= 210)
            assert_int_equal(left, 0);
    }
    assert_true(lo->value < 0);
    tl_gbdt_free(&g);
    /* at most 5 leaves (9 nodes) a tree; with the depth alone, 2^3 leaves */
    p.max_trees = 20;
    p.max_depth = 12;
    p.max_leaves = 5;
    assert_int_equal(tl_gbdt_train(&g, bins, N, 2, y, is_cat, NULL, 0, NULL, &p, &err), 0);
    for (size_t t = 0; t < g.n_trees; t++)
        assert_true(g.trees[t].n_nodes <= 9);
    tl_gbdt_free(&g);
    p.max_depth = 3;
    p.max_leaves = 1 << 30;
    p.min_hess = 0.01;
    assert_int_equal(tl_gbdt_train(&g, bins, N, 2, y, is_cat, NULL, 0, NULL, &p, &err), 0);
    assert_int_equal(g.trees[0].n_nodes, 15);
    tl_gbdt_free(&g);
    /* deep trees keep more open leaves than histograms are kept for (the
     * rest are counted from their rows): still complete, valid trees */
    p.max_trees = 2;
    p.max_depth = 9;
    p.min_hess = 1e-6;
    assert_int_equal(tl_gbdt_train(&g, bins, N, 2, y, is_cat, NULL, 0, NULL, &p, &err), 0);
    assert_true(g.trees[0].n_nodes > 2 * 64 + 1);
    assert_int_equal(tl_gbdt_validate(&g, &err), 0);
    double s0 = tl_gbdt_score(&g, bins), s1 = tl_gbdt_score(&g, bins + 2);
    assert_true(isfinite(s0) && isfinite(s1));
    tl_gbdt_free(&g);
    free(bins);
    free(y);
}

/* A random split validates on 5 folds, a time-ordered one on its last rows. */
static void test_folds(void **state)
{
    (void)state;
    tl_prop_table t;
    make_table(&t, 1000, 0);
    size_t rows[1000];
    for (size_t i = 0; i < 1000; i++)
        rows[i] = i;
    tl_prop_opts o;
    tl_prop_opts_default(&o);
    o.target = "y";
    o.fast = 1;
    tl_prop_model *m;
    tl_err err;
    tl_prop_info info;
    assert_int_equal(tl_prop_train(&t, rows, 1000, &o, &m, &err), 0);
    tl_prop_model_info(m, &info);
    assert_int_equal(info.n_folds, 1);
    assert_int_equal(info.n_fit, 800);
    assert_int_equal(info.n_val, 200);
    tl_prop_model_free(m);
    o.time_ordered = 0;
    assert_int_equal(tl_prop_train(&t, rows, 1000, &o, &m, &err), 0);
    tl_prop_model_info(m, &info);
    assert_int_equal(info.n_folds, 5);
    assert_int_equal(info.n_fit + info.n_val, 1000);
    assert_true(info.n_val >= 199 && info.n_val <= 201);
    assert_true(info.val_auc_ens > 0.9);
    tl_prop_model_free(m);
    tl_prop_table_free(&t);
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
        cmocka_unit_test(test_model_versions),
        cmocka_unit_test(test_gbdt_leaves_and_missing),
        cmocka_unit_test(test_folds),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_bad_numeric_value),
        cmocka_unit_test(test_uci_file_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
