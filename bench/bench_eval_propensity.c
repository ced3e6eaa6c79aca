/* bench_eval_propensity.c — propensity models on real data, with baselines.
 *
 *   bench_eval_propensity [SHARED_DATASETS_DIR]   (default ../shared/datasets)
 *
 * UCI bank marketing (bank-additional-full, `duration` dropped as a leak,
 * target y=yes): the first 80% in file order against the last 20% (the
 * honest split: the positive rate rises from 11% to 31%), and a stratified
 * random 80/20 split. Berka (PKDD'99): one row per account from its profile
 * (district demographics, owner's age and sex, statement frequency, account
 * age, number of people on the account) and transaction aggregates
 * (trans_monthly_*.csv, the first 14 months, missing for later accounts);
 * predict whether the account holds a credit card, or a loan; stratified
 * random 80/20.
 *
 * Per row of the table: the trivial baseline (the single column whose own
 * logreg scores best on the validation part of the training rows, then its
 * test AUC), logreg, gbdt and ensemble test AUC, and the logreg's training
 * time by Newton against the peer — the same model fitted by plain gradient
 * descent — measured in the same run, as a ratio. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recommend/propensity.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const tl_err *err)
{
    fprintf(stderr, "bench_eval_propensity: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}

/* Test AUC of a model trained with `o` on train rows. */
static double run(const tl_prop_table *t, const size_t *tr, size_t ntr, const size_t *te,
                  size_t nte, const int *y, const tl_prop_opts *o, double *secs,
                  tl_prop_info *info)
{
    tl_err err;
    tl_prop_model *m;
    double t0 = now_s();
    if (tl_prop_train(t, tr, ntr, o, &m, &err))
        die("train", &err);
    if (secs)
        *secs = now_s() - t0;
    double *p = malloc(nte * sizeof *p);
    int *yt = malloc(nte * sizeof *yt);
    if (!p || !yt || tl_prop_predict(m, t, te, nte, p, &err))
        die("predict", &err);
    for (size_t i = 0; i < nte; i++)
        yt[i] = y[te[i]];
    double auc = tl_prop_auc(p, yt, nte);
    if (info)
        tl_prop_model_info(m, info);
    tl_prop_model_free(m);
    free(p);
    free(yt);
    return auc;
}

static void evaluate(const char *label, const tl_prop_table *t, const char *target,
                     const char *positive, const char *const *drop, size_t n_drop, int random)
{
    tl_err err;
    int *y = malloc(t->n_rows * sizeof *y);
    size_t *tr, *te, ntr, nte;
    if (!y || tl_prop_table_labels(t, target, positive, y, &err) ||
        tl_prop_split(y, t->n_rows, random, 0.2, 1, &tr, &ntr, &te, &nte, &err))
        die(label, &err);
    double pos = 0;
    for (size_t i = 0; i < nte; i++)
        pos += y[te[i]];
    tl_prop_opts o;
    tl_prop_opts_default(&o);
    o.target = target;
    o.positive = positive;
    o.drop = drop;
    o.n_drop = n_drop;
    o.time_ordered = !random;

    /* trivial baseline: one column, chosen on the validation rows */
    const char **only = malloc(t->n_cols * sizeof *only);
    double best_val = -1, base_auc = 0.5;
    const char *best_col = "-";
    for (size_t c = 0; c < t->n_cols; c++) {
        int skip = strcmp(t->names[c], target) == 0;
        for (size_t k = 0; k < n_drop; k++)
            skip |= strcmp(t->names[c], drop[k]) == 0;
        if (skip)
            continue;
        size_t nd = 0;
        for (size_t k = 0; k < t->n_cols; k++)
            if (k != c)
                only[nd++] = t->names[k];
        tl_prop_opts ob = o;
        ob.kind = TL_PROP_LOGREG;
        ob.drop = only;
        ob.n_drop = nd;
        ob.lr_lambda = 10;
        tl_prop_info info;
        double auc = run(t, tr, ntr, te, nte, y, &ob, NULL, &info);
        if (info.val_auc_lr > best_val) {
            best_val = info.val_auc_lr;
            base_auc = auc;
            best_col = t->names[c];
        }
    }
    free(only);

    double auc[3], secs[3];
    tl_prop_info info[3];
    for (int k = 0; k < 3; k++) {
        o.kind = (tl_prop_kind)k;
        auc[k] = run(t, tr, ntr, te, nte, y, &o, &secs[k], &info[k]);
    }
    /* timing: Newton against plain gradient descent, same lambda */
    tl_prop_opts ol = o;
    ol.kind = TL_PROP_LOGREG;
    ol.lr_lambda = info[0].lr_lambda;
    double t_newton, t_gd;
    run(t, tr, ntr, te, nte, y, &ol, &t_newton, NULL);
    ol.lr_gd = 1;
    double auc_gd = run(t, tr, ntr, te, nte, y, &ol, &t_gd, NULL);
    printf("| %-28s | %6zu | %5zu | %.3f | %.4f (%s) | %.4f | %.4f | %.4f | %.2fs / %.2fs = %.2f (GD AUC %.4f) |\n",
           label, ntr, nte, pos / (double)nte, base_auc, best_col, auc[0], auc[1], auc[2],
           t_newton, t_gd, t_newton / t_gd, auc_gd);
    fflush(stdout);
    free(y);
    free(tr);
    free(te);
}

/* ---- Berka: one row per account ---- */

static void read_or_die(tl_prop_table *t, const char *dir, const char *name)
{
    char path[1024];
    tl_err err;
    snprintf(path, sizeof path, "%s/berka-pkdd99/%s", dir, name);
    tl_prop_table_init(t);
    if (tl_prop_table_read_csv(t, path, &err))
        die(name, &err);
}

static long find_row(const tl_prop_table *t, int col, long id, long *index, long max_id)
{
    (void)t;
    (void)col;
    return id >= 0 && id < max_id ? index[id] : -1;
}

/* Index of rows by an integer id column: index[id] = row (or -1). */
static long *index_by(const tl_prop_table *t, const char *col, long max_id)
{
    long *ix = malloc((size_t)max_id * sizeof *ix);
    int c = tl_prop_table_col(t, col);
    if (!ix || c < 0)
        die("index", NULL);
    for (long i = 0; i < max_id; i++)
        ix[i] = -1;
    for (size_t r = 0; r < t->n_rows; r++) {
        long id = strtol(tl_prop_table_cell(t, r, (size_t)c), NULL, 10);
        if (id >= 0 && id < max_id)
            ix[id] = (long)r;
    }
    return ix;
}

#define MAXID 1000000L

static void build_berka(const char *dir, tl_prop_table *out)
{
    tl_prop_table acc, cli, disp, card, loan, dist, mon;
    read_or_die(&acc, dir, "account.asc");
    read_or_die(&cli, dir, "client.asc");
    read_or_die(&disp, dir, "disp.asc");
    read_or_die(&card, dir, "card.asc");
    read_or_die(&loan, dir, "loan.asc");
    read_or_die(&dist, dir, "district.asc");
    read_or_die(&mon, dir, "trans_monthly_1993-01_1994-02.csv");
    long *cli_ix = index_by(&cli, "client_id", MAXID), *dist_ix = index_by(&dist, "A1", 1000);
    /* per account: owner client, number of dispositions, card, loan */
    long *owner = malloc(MAXID * sizeof *owner);
    int *ndisp = calloc(MAXID, sizeof *ndisp), *has_card = calloc(MAXID, sizeof *has_card),
        *has_loan = calloc(MAXID, sizeof *has_loan);
    long *disp_acc = malloc(MAXID * sizeof *disp_acc);
    double *m_n = calloc(MAXID, sizeof *m_n), *m_cr = calloc(MAXID, sizeof *m_cr),
           *m_db = calloc(MAXID, sizeof *m_db), *m_bal = calloc(MAXID, sizeof *m_bal),
           *m_min = malloc(MAXID * sizeof *m_min), *m_cnt = calloc(MAXID, sizeof *m_cnt);
    if (!owner || !ndisp || !has_card || !has_loan || !disp_acc || !m_n || !m_cr || !m_db ||
        !m_bal || !m_min || !m_cnt)
        die("out of memory", NULL);
    for (long i = 0; i < MAXID; i++) {
        owner[i] = disp_acc[i] = -1;
        m_min[i] = INFINITY;
    }
    for (size_t r = 0; r < disp.n_rows; r++) {
        long did = strtol(tl_prop_table_cell(&disp, r, 0), NULL, 10);
        long cid = strtol(tl_prop_table_cell(&disp, r, 1), NULL, 10);
        long aid = strtol(tl_prop_table_cell(&disp, r, 2), NULL, 10);
        if (aid < 0 || aid >= MAXID || did < 0 || did >= MAXID)
            continue;
        disp_acc[did] = aid;
        ndisp[aid]++;
        if (strcmp(tl_prop_table_cell(&disp, r, 3), "OWNER") == 0)
            owner[aid] = cid;
    }
    for (size_t r = 0; r < card.n_rows; r++) {
        long did = strtol(tl_prop_table_cell(&card, r, 1), NULL, 10);
        if (did >= 0 && did < MAXID && disp_acc[did] >= 0)
            has_card[disp_acc[did]] = 1;
    }
    for (size_t r = 0; r < loan.n_rows; r++) {
        long aid = strtol(tl_prop_table_cell(&loan, r, 1), NULL, 10);
        if (aid >= 0 && aid < MAXID)
            has_loan[aid] = 1;
    }
    for (size_t r = 0; r < mon.n_rows; r++) {
        long aid = strtol(tl_prop_table_cell(&mon, r, 0), NULL, 10);
        if (aid < 0 || aid >= MAXID)
            continue;
        double bal = strtod(tl_prop_table_cell(&mon, r, 5), NULL);
        m_cnt[aid] += 1;
        m_n[aid] += strtod(tl_prop_table_cell(&mon, r, 2), NULL);
        m_cr[aid] += strtod(tl_prop_table_cell(&mon, r, 3), NULL);
        m_db[aid] += strtod(tl_prop_table_cell(&mon, r, 4), NULL);
        m_bal[aid] += bal;
        m_min[aid] = fmin(m_min[aid], bal);
    }
    static const char *const names[] = {
        "district", "region", "inhabitants", "avg_salary", "unemp95", "unemp96",
        "entrepreneurs", "crimes96", "frequency", "opened_months", "owner_age", "owner_sex",
        "n_people", "tx_months", "tx_per_month", "credit_per_month", "debit_per_month",
        "mean_balance", "min_balance", "card", "loan"};
    const size_t nn = sizeof names / sizeof *names;
    tl_err err;
    tl_prop_table_init(out);
    if (tl_prop_table_set_header(out, names, nn, &err))
        die("header", &err);
    for (size_t r = 0; r < acc.n_rows; r++) {
        char cellbuf[32][48];
        const char *cells[32];
        long aid = strtol(tl_prop_table_cell(&acc, r, 0), NULL, 10);
        long did = strtol(tl_prop_table_cell(&acc, r, 1), NULL, 10);
        long opened = strtol(tl_prop_table_cell(&acc, r, 3), NULL, 10); /* YYMMDD */
        long drow = find_row(&dist, 0, did, dist_ix, 1000);
        size_t k = 0;
        snprintf(cellbuf[k], 48, "d%ld", did), cells[k] = cellbuf[k], k++;
        static const int dcols[] = {2, 3, 10, 11, 12, 13, 15};
        for (size_t j = 0; j < 7; j++) {
            const char *v = drow >= 0 ? tl_prop_table_cell(&dist, (size_t)drow, (size_t)dcols[j]) : "";
            snprintf(cellbuf[k], 48, "%s", v), cells[k] = cellbuf[k], k++;
        }
        cells[k++] = tl_prop_table_cell(&acc, r, 2);
        long months = (98 - opened / 10000) * 12 + (12 - opened / 100 % 100);
        snprintf(cellbuf[k], 48, "%ld", months), cells[k] = cellbuf[k], k++;
        long cid = aid >= 0 && aid < MAXID ? owner[aid] : -1;
        long crow = cid >= 0 && cid < MAXID ? cli_ix[cid] : -1;
        if (crow >= 0) {
            long bn = strtol(tl_prop_table_cell(&cli, (size_t)crow, 1), NULL, 10);
            int mm = (int)(bn / 100 % 100);
            snprintf(cellbuf[k], 48, "%ld", 99 - bn / 10000), cells[k] = cellbuf[k], k++;
            cells[k++] = mm > 50 ? "F" : "M";
        } else {
            cells[k++] = "";
            cells[k++] = "";
        }
        snprintf(cellbuf[k], 48, "%d", aid >= 0 && aid < MAXID ? ndisp[aid] : 0),
            cells[k] = cellbuf[k], k++;
        double cnt = aid >= 0 && aid < MAXID ? m_cnt[aid] : 0;
        snprintf(cellbuf[k], 48, "%.0f", cnt), cells[k] = cellbuf[k], k++;
        if (cnt > 0) {
            double v[5] = {m_n[aid] / cnt, m_cr[aid] / cnt, m_db[aid] / cnt, m_bal[aid] / cnt,
                           m_min[aid]};
            for (int j = 0; j < 5; j++)
                snprintf(cellbuf[k], 48, "%.2f", v[j]), cells[k] = cellbuf[k], k++;
        } else {
            for (int j = 0; j < 5; j++)
                cells[k++] = "";
        }
        cells[k++] = aid >= 0 && aid < MAXID && has_card[aid] ? "yes" : "no";
        cells[k++] = aid >= 0 && aid < MAXID && has_loan[aid] ? "yes" : "no";
        if (tl_prop_table_add_row(out, cells, k, &err))
            die("berka row", &err);
    }
    free(owner);
    free(ndisp);
    free(has_card);
    free(has_loan);
    free(disp_acc);
    free(m_n);
    free(m_cr);
    free(m_db);
    free(m_bal);
    free(m_min);
    free(m_cnt);
    free(cli_ix);
    free(dist_ix);
    tl_prop_table_free(&acc);
    tl_prop_table_free(&cli);
    tl_prop_table_free(&disp);
    tl_prop_table_free(&card);
    tl_prop_table_free(&loan);
    tl_prop_table_free(&dist);
    tl_prop_table_free(&mon);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/datasets";
    char path[1024];
    tl_err err;
    double t0 = now_s();
    printf("| dataset / split | n_train | n_test | pos rate (test) | baseline AUC (column) | logreg | gbdt | ensemble | logreg train time Newton / GD peer = ratio |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    snprintf(path, sizeof path, "%s/uci-bank-marketing/bank-additional-full.csv", dir);
    tl_prop_table t;
    tl_prop_table_init(&t);
    if (tl_prop_table_read_csv(&t, path, &err)) {
        fprintf(stderr, "bench_eval_propensity: %s (skipping UCI)\n", err.msg);
    } else {
        const char *drop[] = {"duration"};
        evaluate("UCI bank, file order 80/20", &t, "y", "yes", drop, 1, 0);
        evaluate("UCI bank, random 80/20", &t, "y", "yes", drop, 1, 1);
    }
    tl_prop_table_free(&t);
    snprintf(path, sizeof path, "%s/berka-pkdd99/account.asc", dir);
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        build_berka(dir, &t);
        const char *no_loan[] = {"loan"}, *no_card[] = {"card"};
        evaluate("Berka has card, random 80/20", &t, "card", "yes", no_loan, 1, 1);
        evaluate("Berka has loan, random 80/20", &t, "loan", "yes", no_card, 1, 1);
        tl_prop_table_free(&t);
    } else {
        fprintf(stderr, "bench_eval_propensity: no Berka data under %s (skipping)\n", dir);
    }
    printf("\ntotal %.1f s\n", now_s() - t0);
    return 0;
}
