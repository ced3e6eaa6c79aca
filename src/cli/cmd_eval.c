/* cmd_eval.c — `tailor eval sentiment|intents|matching`: offline evaluation
 * on a bank's own labelled data (src/eval/, docs/eval.md). Parses the
 * options, reads the files, runs the task and prints its report as text or
 * JSON. */
#include "cli/commands.h"
#include "cli/print_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/str.h"
#include "encoder/encoder.h"
#include "eval/cases.h"
#include "eval/tasks.h"
#include "recommend/engine.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor eval sentiment [--json] [--errors N] FILE\n"
            "       tailor eval intents --train FILE [--model DIR|builtin] [--json] [--errors N] "
            "FILE\n"
            "       tailor eval matching --db STORE [--model DIR|builtin] [--k 3] [--json]\n"
            "                            [--errors N] FILE\n\n"
            "Measures tailor's models on labelled data: a CSV file with a header row naming\n"
            "a \"text\" column and a label column (other columns are ignored).\n\n"
            "  sentiment   the sentiment scorer against labels negative, neutral, positive\n"
            "              (or -1, 0, 1) in a \"label\" or \"sentiment\" column: accuracy,\n"
            "              macro-F1, each class's precision and recall, the confusion matrix\n"
            "              and the accuracy of always answering the most frequent label\n"
            "  intents     the sentence encoder: each text of FILE takes the label of its\n"
            "              nearest text in --train (cosine, 1-nearest-neighbour); labels in a\n"
            "              \"label\", \"category\" or \"intent\" column (BANKING77's CSV reads as is)\n"
            "  matching    the engine's semantic match on the store's own catalogue: products\n"
            "              ranked for each text against the products that fit it, listed by\n"
            "              ID or name in a \"products\" column (separated by | ; or ,): precision@1,\n"
            "              hit rate in the top k and mean reciprocal rank\n\n"
            "  --train FILE      labelled texts the nearest neighbour is taken from (intents)\n"
            "  --db STORE        the store whose product catalogue is matched (matching)\n"
            "  --model DIR|builtin  sentence encoder (default: the built-in one; TAILOR_MODEL)\n"
            "  --k N             the top k of hit@k, 1..100 (default 3)\n"
            "  --errors N        also list the first N cases answered wrong (default 5 as\n"
            "                    text, 0 in JSON)\n"
            "  --json            the report as one JSON object (docs/eval.md)\n"
            "  --help            this text\n\n"
            "A file that cannot be read whole is refused with its line and field; nothing is\n"
            "written anywhere. Forecasts are measured by `tailor backtest`, propensity\n"
            "models by `tailor train` (held-out ROC AUC, log-loss, Brier score).\n");
}

typedef struct eval_args {
    const char *task, *file, *train, *db, *model;
    int json;
    long long k, errors;
} eval_args;

static int parse_args(int argc, char **argv, eval_args *a)
{
    static const struct option opts[] = {
        {"train", required_argument, NULL, 't'}, {"db", required_argument, NULL, 'd'},
        {"model", required_argument, NULL, 'm'}, {"k", required_argument, NULL, 'k'},
        {"errors", required_argument, NULL, 'e'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    int c;
    int64_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': a->train = optarg; break;
        case 'd': a->db = optarg; break;
        case 'm': a->model = optarg; break;
        case 'j': a->json = 1; break;
        case 'k':
        case 'e':
            if (!tl_parse_i64(optarg, &v) || v < (c == 'k' ? 1 : 0) ||
                v > (c == 'k' ? 100 : 1000000)) {
                fprintf(stderr, "tailor eval: --%s: expected %s, got \"%s\"\n",
                        c == 'k' ? "k" : "errors", c == 'k' ? "1..100" : "0..1000000", optarg);
                return TL_EXIT_USAGE;
            }
            *(c == 'k' ? &a->k : &a->errors) = v;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    const char *problem = NULL;
    if (optind != argc - 1)
        problem = "give exactly one FILE of labelled texts";
    else if (strcmp(a->task, "intents") == 0 && !a->train)
        problem = "intents needs --train FILE";
    else if (strcmp(a->task, "matching") == 0 && !a->db)
        problem = "matching needs --db STORE";
    else if (a->train && strcmp(a->task, "intents") != 0)
        problem = "--train is for intents";
    else if (a->db && strcmp(a->task, "matching") != 0)
        problem = "--db is for matching";
    else if (a->model && strcmp(a->task, "sentiment") == 0)
        problem = "--model is for intents and matching";
    if (problem) {
        fprintf(stderr, "tailor eval: %s\n", problem);
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    a->file = argv[optind];
    if (!a->model)
        a->model = getenv("TAILOR_MODEL");   /* the flag wins; sentiment never reads it */
    return -1;
}

/* ---- text output -------------------------------------------------------- */

static double num(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static long long integer(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Classes worst first by F1 when `worst` is nonzero (at most that many),
 * else all in report order. */
static void print_classes(const json_t *report, size_t worst)
{
    const json_t *classes = json_object_get(report, "classes");
    size_t n = json_array_size(classes), shown = worst && worst < n ? worst : n;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        double f1 = num(json_array_get(classes, i), "f1");
        while (worst && j > 0 && num(json_array_get(classes, order[j - 1]), "f1") > f1) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    if (worst && shown < n)
        printf("\nthe %zu classes with the lowest F1 (of %zu; --json lists all):\n", shown, n);
    else
        printf("\n");
    printf("%-36s %9s %7s %6s %8s\n", "class", "precision", "recall", "F1", "support");
    for (size_t i = 0; i < shown; i++) {
        const json_t *c = json_array_get(classes, order[i]);
        printf("%-36.36s %9.3f %7.3f %6.3f %8lld\n", str(c, "name"), num(c, "precision"),
               num(c, "recall"), num(c, "f1"), integer(c, "support"));
    }
    free(order);
}

static void print_confusion(const json_t *report)
{
    const json_t *conf = json_object_get(report, "confusion");
    const json_t *labels = json_object_get(conf, "labels"), *m = json_object_get(conf, "matrix");
    size_t n = json_array_size(labels);
    printf("\nconfusion (rows: the file's label, columns: tailor's)\n%-12s", "");
    for (size_t j = 0; j < n; j++)
        printf(" %10.10s", json_string_value(json_array_get(labels, j)));
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        printf("%-12.12s", json_string_value(json_array_get(labels, i)));
        for (size_t j = 0; j < n; j++)
            printf(" %10lld",
                   (long long)json_integer_value(json_array_get(json_array_get(m, i), j)));
        printf("\n");
    }
}

/* Bytes of s to print so that at most `max` are shown and no UTF-8
 * character is cut in two. */
static int cut_utf8(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

static void print_errors(const json_t *report, const char *file)
{
    const json_t *errors = json_object_get(report, "errors");
    if (!json_array_size(errors))
        return;
    printf("\nfirst %zu answered wrong:\n", json_array_size(errors));
    size_t i;
    const json_t *e;
    json_array_foreach(errors, i, e) {
        const char *text = str(e, "text");
        int shown = cut_utf8(text, 70);
        printf("  %s:%lld: \"%.*s%s\"\n", file, integer(e, "line"), shown, text,
               text[shown] ? "…" : "");
        if (json_object_get(e, "predicted")) {
            printf("      labelled %s, answered %s\n", str(e, "truth"), str(e, "predicted"));
            continue;
        }
        printf("      fits");
        size_t j;
        const json_t *id;
        json_array_foreach(json_object_get(e, "fits"), j, id)
            printf(" %s", json_string_value(id));
        printf("; ranked");
        json_array_foreach(json_object_get(e, "ranked"), j, id)
            printf(" %s", json_string_value(id));
        if (integer(e, "rank"))
            printf(" (first fit at %lld)\n", integer(e, "rank"));
        else
            printf(" (no fit ranked)\n");
    }
}

static void print_text(const eval_args *a, const json_t *report)
{
    const char *task = a->task;
    if (strcmp(task, "matching") == 0) {
        printf("matching: %lld cases from %s against %lld products (encoder %s)\n"
               "precision@1 %.3f   hit@%lld %.3f   MRR %.3f\n",
               integer(report, "cases"), a->file, integer(report, "products"),
               str(report, "encoder"), num(report, "precision_at_1"), integer(report, "k"),
               num(report, "hit_at_k"), num(report, "mrr"));
    } else {
        const json_t *maj = json_object_get(report, "majority");
        printf("%s: %lld cases from %s", task, integer(report, "cases"), a->file);
        if (strcmp(task, "intents") == 0)
            printf(", nearest of %lld in %s (encoder %s)", integer(report, "train_cases"),
                   a->train, str(report, "encoder"));
        printf("\naccuracy %.3f   macro-F1 %.3f   (always \"%s\": %.3f)\n",
               num(report, "accuracy"), num(report, "macro_f1"), str(maj, "class"),
               num(maj, "accuracy"));
        int many = json_array_size(json_object_get(report, "classes")) > 12;
        print_classes(report, many ? 10 : 0);
        if (!many)
            print_confusion(report);
    }
    print_errors(report, a->file);
}

/* ---- running ------------------------------------------------------------ */

static int run(const eval_args *a, json_t **report, tl_err *err)
{
    size_t errors = a->errors >= 0 ? (size_t)a->errors : a->json ? 0 : 5;
    const char *const *labels =
        strcmp(a->task, "matching") == 0 ? tl_eval_products_columns : tl_eval_label_columns;
    tl_eval_cases cases, train = {0};
    int rc = tl_eval_cases_read(a->file, labels, &cases, err);
    if (rc)
        return rc;
    if (strcmp(a->task, "sentiment") == 0) {
        rc = tl_eval_sentiment(&cases, errors, report, err);
    } else if (strcmp(a->task, "intents") == 0) {
        tl_encoder *enc = NULL;
        if (!(rc = tl_eval_cases_read(a->train, tl_eval_label_columns, &train, err)) &&
            !(rc = tl_encoder_open(a->model, &enc, err)))
            rc = tl_eval_intents(enc, &train, &cases, errors, isatty(STDERR_FILENO), report,
                                 err);
        tl_encoder_close(enc);
    } else {
        tl_store *st = NULL;
        tl_engine *eng = NULL;
        if (!(rc = tl_store_open(a->db, TL_STORE_READONLY, &st, err)) &&
            !(rc = tl_engine_open(a->model, NULL, &eng, err)))
            rc = tl_eval_matching(eng, st, &cases, (size_t)a->k, errors, report, err);
        tl_engine_close(eng);
        tl_store_close(st);
    }
    tl_eval_cases_free(&train);
    tl_eval_cases_free(&cases);
    return rc;
}

int tl_cmd_eval(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    static const char *const tasks[] = {"sentiment", "intents", "matching"};
    int known = 0;
    for (size_t i = 0; argc >= 2 && i < 3; i++)
        known |= strcmp(argv[1], tasks[i]) == 0;
    if (!known) {
        fprintf(stderr, "tailor eval: %s\n",
                argc < 2 ? "name a task: sentiment, intents or matching"
                         : "unknown task; the tasks are sentiment, intents and matching");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    eval_args a = {.task = argv[1], .k = 3, .errors = -1};
    int code = parse_args(argc - 1, argv + 1, &a);
    if (code >= 0)
        return code;
    tl_err err;
    tl_err_clear(&err);
    json_t *report = NULL;
    if (run(&a, &report, &err)) {
        fprintf(stderr, "tailor eval: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    if (a.json) {
        tl_cli_print_json(report, JSON_COMPACT | JSON_REAL_PRECISION(12));
    } else {
        print_text(&a, report);
    }
    json_decref(report);
    return TL_EXIT_OK;
}
