/* cmd_train.c — `tailor train`: fit a propensity model on a CSV of past
 * offers and outcomes, report ROC AUC, log-loss and Brier score on a held-out
 * test part, and optionally save the model (recommend/propensity.h). */
#include "cli/commands.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/str.h"
#include "recommend/propensity.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor train --csv FILE --target COLUMN [options]\n\n"
            "Trains a propensity model (the probability that a customer accepts an offer)\n"
            "from a CSV of past offers and outcomes, and reports how well it ranks a\n"
            "held-out test part: ROC AUC, log-loss and Brier score.\n\n"
            "The CSV's first line names the columns; ',' or ';' separators are detected\n"
            "from the header, quoted fields follow RFC 4180. Columns whose values are at\n"
            "least 99%% numbers are numeric (other values count as missing), the rest are\n"
            "categorical. A row with a different number of fields than the header is an\n"
            "error naming FILE:LINE.\n\n"
            "  --csv FILE            the training data\n"
            "  --target COLUMN       the outcome column\n"
            "  --positive VALUE      the outcome value that counts as success\n"
            "                        (default: yes, true, 1 or y, any case)\n"
            "  --drop COL,...        columns to ignore (ids, leaks such as a call's duration)\n"
            "  --model KIND          logreg, gbdt or ensemble (default ensemble)\n"
            "  --split MODE          file-order: the last part of the file is the test part\n"
            "                        (honest when rows are in time order; the default);\n"
            "                        random: a stratified random split\n"
            "  --test-fraction F     share of rows held out for the test (default 0.2)\n"
            "  --seed S              seed for the random split and the trees (default 1)\n"
            "  --fast                smaller search, fewer trees\n"
            "  --split-out FILE      write the test part's row numbers, one per line\n"
            "                        (0 = the first record after the header), so that\n"
            "                        another tool can score exactly the same rows\n"
            "  --out MODEL           save the model (JSON) after training\n"
            "  --help                this text\n\n"
            "Settings are chosen on a validation part of the training rows (split the same\n"
            "way as the test), never on the test part; probabilities are calibrated on that\n"
            "validation part (see docs/propensity.md). Exit codes: 0 success, 1 bad input\n"
            "or failure, 2 usage.\n");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Splits a comma list in place into `out` (pointers into s). */
static size_t split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    char *p = s;
    while (p && *p && n < max) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (*p)
            out[n++] = p;
        p = c ? c + 1 : NULL;
    }
    return n;
}

/* Writes the test rows, one number per line, to `path` through a temporary
 * file renamed into place, so a failed write leaves no partial file. */
static int write_split(const char *path, const size_t *rows, size_t n, tl_err *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return tl_err_set(err, TL_EINPUT, "--split-out: path too long");
    FILE *f = fopen(tmp, "w");
    if (!f)
        return tl_err_set(err, TL_EIO, "--split-out: cannot write %s", tmp);
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++)
        bad = fprintf(f, "%zu\n", rows[i]) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        remove(tmp);
        return tl_err_set(err, TL_EIO, "--split-out: cannot write %s", path);
    }
    return 0;
}

int tl_cmd_train(int argc, char **argv)
{
    static const struct option opts[] = {{"csv", required_argument, NULL, 'c'},
                                         {"target", required_argument, NULL, 't'},
                                         {"positive", required_argument, NULL, 'p'},
                                         {"drop", required_argument, NULL, 'd'},
                                         {"model", required_argument, NULL, 'm'},
                                         {"split", required_argument, NULL, 's'},
                                         {"test-fraction", required_argument, NULL, 'f'},
                                         {"seed", required_argument, NULL, 'S'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"fast", no_argument, NULL, 'F'},
                                         {"split-out", required_argument, NULL, 'x'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *csv = NULL, *out = NULL, *split_out = NULL;
    char *drop_text = NULL;
    const char *drop[256];
    int random = 0, c, exit_code = TL_EXIT_FAIL;
    double test_fraction = 0.2;
    tl_prop_opts po;
    tl_prop_opts_default(&po);
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': csv = optarg; break;
        case 't': po.target = optarg; break;
        case 'p': po.positive = optarg; break;
        case 'd':
            free(drop_text);
            if (!(drop_text = tl_strndup(optarg, strlen(optarg)))) {
                fprintf(stderr, "tailor train: out of memory\n");
                return TL_EXIT_FAIL;
            }
            po.n_drop = split_list(drop_text, drop, sizeof drop / sizeof *drop);
            po.drop = drop;
            break;
        case 'm':
            if (strcmp(optarg, "logreg") == 0)
                po.kind = TL_PROP_LOGREG;
            else if (strcmp(optarg, "gbdt") == 0)
                po.kind = TL_PROP_GBDT;
            else if (strcmp(optarg, "ensemble") == 0)
                po.kind = TL_PROP_ENSEMBLE;
            else {
                fprintf(stderr, "tailor train: --model: want logreg, gbdt or ensemble\n");
                goto usage_error;
            }
            break;
        case 's':
            if (strcmp(optarg, "file-order") == 0)
                random = 0;
            else if (strcmp(optarg, "random") == 0)
                random = 1;
            else {
                fprintf(stderr, "tailor train: --split: want file-order or random\n");
                goto usage_error;
            }
            break;
        case 'f':
            if (!tl_parse_double(optarg, false, &test_fraction) ||
                !(test_fraction > 0 && test_fraction < 1)) {
                fprintf(stderr, "tailor train: --test-fraction: want a number in (0, 1)\n");
                goto usage_error;
            }
            break;
        case 'S': {
            int64_t s;
            if (!tl_parse_i64(optarg, &s) || s < 0) {
                fprintf(stderr, "tailor train: --seed: want a non-negative integer\n");
                goto usage_error;
            }
            po.seed = (uint64_t)s;
            break;
        }
        case 'o': out = optarg; break;
        case 'F': po.fast = 1; break;
        case 'x': split_out = optarg; break;
        case 'h':
            usage(stdout);
            free(drop_text);
            return TL_EXIT_OK;
        default: goto usage_error;
        }
    }
    if (!csv || !po.target || optind != argc) {
        fprintf(stderr, "tailor train: %s\n",
                !csv ? "--csv FILE is required"
                     : !po.target ? "--target COLUMN is required" : "unexpected argument");
        goto usage_error;
    }
    po.time_ordered = !random;

    tl_prop_table t;
    tl_prop_table_init(&t);
    tl_prop_model *m = NULL;
    int *y = NULL;
    size_t *train = NULL, *test = NULL, ntr = 0, nte = 0;
    double *p = NULL;
    tl_err err;
    tl_err_clear(&err);
    if (tl_prop_table_read_csv(&t, csv, &err))
        goto fail;
    for (size_t k = 0; k < po.n_drop; k++)
        if (tl_prop_table_col(&t, po.drop[k]) < 0) {
            tl_err_set(&err, TL_EINPUT, "--drop: no column \"%s\" in %s", po.drop[k], csv);
            goto fail;
        }
    if (!(y = malloc((t.n_rows ? t.n_rows : 1) * sizeof *y))) {
        tl_err_set(&err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    if (tl_prop_table_labels(&t, po.target, po.positive, y, &err) ||
        tl_prop_split(y, t.n_rows, random, test_fraction, po.seed, &train, &ntr, &test, &nte,
                      &err))
        goto fail;
    if (split_out && write_split(split_out, test, nte, &err))
        goto fail;
    double t0 = now_s();
    if (tl_prop_train(&t, train, ntr, &po, &m, &err))
        goto fail;
    double t1 = now_s();
    if (!(p = malloc((nte ? nte : 1) * sizeof *p))) {
        tl_err_set(&err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    if (tl_prop_predict(m, &t, test, nte, p, &err))
        goto fail;
    int *yt = malloc((nte ? nte : 1) * sizeof *yt);
    if (!yt) {
        tl_err_set(&err, TL_ENOMEM, "out of memory");
        goto fail;
    }
    double pos_tr = 0, pos_te = 0;
    for (size_t i = 0; i < ntr; i++)
        pos_tr += y[train[i]];
    for (size_t i = 0; i < nte; i++)
        pos_te += (yt[i] = y[test[i]]);
    tl_prop_info info;
    tl_prop_model_info(m, &info);
    printf("data        %s: %zu rows, %zu columns used (%zu numeric, %zu categorical)\n", csv,
           t.n_rows, info.n_columns, info.n_numeric, info.n_categorical);
    printf("split       %s, train %zu (positive %.3f), test %zu (positive %.3f)\n",
           random ? "random stratified" : "file order", ntr, ntr ? pos_tr / (double)ntr : 0,
           nte, nte ? pos_te / (double)nte : 0);
    printf("model       %s", tl_prop_kind_name(info.kind));
    if (info.lr_dim)
        printf(", logreg %zu weights lambda %g", info.lr_dim, info.lr_lambda);
    if (info.gb_trees)
        printf(", gbdt %zu trees", info.gb_trees);
    printf(" (trained in %.2f s)\n", t1 - t0);
    if (info.n_folds > 1)
        printf("validation  %zu folds of %zu fit / %zu validation rows: mean AUC", info.n_folds,
               info.n_fit, info.n_val);
    else
        printf("validation  %zu fit / %zu validation rows: AUC", info.n_fit, info.n_val);
    if (!isnan(info.val_auc_lr))
        printf(" logreg %.4f", info.val_auc_lr);
    if (!isnan(info.val_auc_gb))
        printf(" gbdt %.4f", info.val_auc_gb);
    if (!isnan(info.val_auc_ens))
        printf(" ensemble %.4f", info.val_auc_ens);
    printf("\n");
    printf("test        ROC AUC %.4f  log-loss %.4f  Brier %.4f\n", tl_prop_auc(p, yt, nte),
           tl_prop_logloss(p, yt, nte), tl_prop_brier(p, yt, nte));
    free(yt);
    if (out) {
        if (tl_prop_model_save(m, out, &err))
            goto fail;
        printf("saved       %s\n", out);
    }
    exit_code = TL_EXIT_OK;
    goto cleanup;
fail:
    fprintf(stderr, "tailor train: %s\n", err.msg);
cleanup:
    tl_prop_model_free(m);
    tl_prop_table_free(&t);
    free(y);
    free(train);
    free(test);
    free(p);
    free(drop_text);
    return exit_code;
usage_error:
    usage(stderr);
    free(drop_text);
    return TL_EXIT_USAGE;
}
