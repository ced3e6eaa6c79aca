/* test_eval.c — offline evaluation (src/eval/, `tailor eval`): reading
 * labelled files and their errors, the metrics against counts worked out
 * by hand, and the three tasks through the CLI on data whose answers are
 * known: the sentiment scorer's own labels, a small intent set, and the
 * encoder evaluation set on a store importing its catalogue. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/cases.h"
#include "eval/metrics.h"
#include "eval/tasks.h"
#include "text/sentiment.h"

static const char *const LABELS[] = {"label", "category", NULL};

static int read_mem(const char *csv, tl_eval_cases *out, tl_err *err)
{
    return tl_eval_cases_read_mem("cases.csv", csv, strlen(csv), LABELS, out, err);
}

static void test_cases_read(void **state)
{
    (void)state;
    tl_eval_cases c;
    tl_err err;
    /* Extra columns, any column order, a quoted text with a comma and a
     * line break, the second accepted label name, CRLF. */
    assert_int_equal(read_mem("id,Category,Text\r\n1,fx,\"euro, dollar\"\r\n"
                              "2, lost_card ,\"stolen\ncard\"\r\n",
                              &c, &err),
                     0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.v[0].text, "euro, dollar");
    assert_string_equal(c.v[0].label, "fx");
    assert_string_equal(c.v[1].label, "lost_card");   /* trimmed */
    assert_string_equal(c.v[1].text, "stolen\ncard");
    assert_int_equal(c.v[0].line, 2);
    assert_int_equal(c.v[1].line, 3);
    assert_string_equal(c.label_col, "Category");
    tl_eval_cases_free(&c);
    tl_eval_cases_free(&c);   /* twice is harmless */
}

static void expect_error(const char *csv, const char *want)
{
    tl_eval_cases c;
    tl_err err;
    tl_err_clear(&err);
    int rc = read_mem(csv, &c, &err);
    if (rc == 0 || !strstr(err.msg, want))
        fail_msg("for %s: rc %d, message \"%s\", expected \"%s\"", csv, rc, err.msg, want);
    assert_int_equal(c.n, 0);
    assert_null(c.v);
}

static void test_cases_errors(void **state)
{
    (void)state;
    expect_error("", "cases.csv: empty file");
    expect_error("words,label\nhello,x\n", "cases.csv:1: the header has no \"text\" column");
    expect_error("text,kind\nhello,x\n",
                 "cases.csv:1: the header has no \"label\" or \"category\" column");
    expect_error("text,label\n", "cases.csv: a header but no cases");
    expect_error("text,label\nhello,a\n  ,b\n", "cases.csv:3: field text: empty text");
    expect_error("text,label\nhello,a\nbye,\n", "cases.csv:3: field label: empty label");
    expect_error("text,label\nhello,a\nbye\n", "cases.csv:3: 1 field, the header has the "
                                               "label in field 2");
    expect_error("text,label\nhello,a\n\"open quote,b\n", "cases.csv");
    /* A file that does not exist. */
    tl_eval_cases c;
    tl_err err;
    assert_int_not_equal(tl_eval_cases_read("/nonexistent/cases.csv", LABELS, &c, &err), 0);
    assert_non_null(strstr(err.msg, "/nonexistent/cases.csv"));
}

/* Truth a a a b b c, predicted a a b b c c: worked out by hand. */
static void test_metrics(void **state)
{
    (void)state;
    tl_eval_classes c = {0};
    const char *truth[] = {"a", "a", "a", "b", "b", "c"};
    const char *pred[] = {"a", "a", "b", "b", "c", "c"};
    for (int i = 0; i < 6; i++)
        assert_int_equal(tl_eval_classes_add(&c, truth[i], pred[i]), 0);
    assert_int_equal(c.n, 3);
    assert_true(fabs(tl_eval_accuracy(&c) - 4.0 / 6) < 1e-12);
    tl_eval_class_score s;
    tl_eval_class_score_of(&c, (size_t)tl_eval_classes_find(&c, "a"), &s);
    assert_true(s.precision == 1.0 && fabs(s.recall - 2.0 / 3) < 1e-12);
    assert_true(fabs(s.f1 - 0.8) < 1e-12);
    assert_int_equal(s.support, 3);
    tl_eval_class_score_of(&c, (size_t)tl_eval_classes_find(&c, "b"), &s);
    assert_true(fabs(s.precision - 0.5) < 1e-12 && fabs(s.recall - 0.5) < 1e-12);
    tl_eval_class_score_of(&c, (size_t)tl_eval_classes_find(&c, "c"), &s);
    assert_true(fabs(s.precision - 0.5) < 1e-12 && s.recall == 1.0);
    assert_true(fabs(s.f1 - 2.0 / 3) < 1e-12);
    assert_true(fabs(tl_eval_macro_f1(&c) - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-12);
    size_t maj;
    assert_true(fabs(tl_eval_majority(&c, &maj) - 0.5) < 1e-12);
    assert_string_equal(c.names[maj], "a");
    /* A class only ever predicted: precision 0, recall 0, counted in the
     * macro average; growing past the first capacity keeps the counts. */
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "x%d", i);
        assert_int_equal(tl_eval_classes_add(&c, "a", name), 0);
    }
    assert_int_equal(c.n, 23);
    assert_int_equal(tl_eval_classes_count(&c, 0, 0), 2);
    assert_int_equal(tl_eval_classes_count(&c, 1, 1), 1);
    assert_true(fabs(tl_eval_accuracy(&c) - 4.0 / 26) < 1e-12);
    tl_eval_classes_free(&c);

    tl_eval_ranks r = {.k = 3};
    tl_eval_ranks_add(&r, 1);
    tl_eval_ranks_add(&r, 2);
    tl_eval_ranks_add(&r, 4);
    tl_eval_ranks_add(&r, 0);
    assert_int_equal(r.n, 4);
    assert_int_equal(r.at1, 1);
    assert_int_equal(r.atk, 2);
    assert_true(fabs(r.rr - (1 + 0.5 + 0.25)) < 1e-12);
}

/* The report's counts are the scorer's own answers, and a label outside
 * the three is refused with its line before anything is scored. */
static void test_sentiment_task(void **state)
{
    (void)state;
    static const struct {
        const char *text, *label;
        int polarity;
    } rows[] = {
        {"I love this card, the rewards are great", "positive", 1},
        {"Terrible support, I waited an hour and nobody helped", "negative", -1},
        {"The branch is on Main Street", "neutral", 0},
        {"Fees went up again, really disappointed", "-1", -1},
        {"Best savings rate I have found", "1", 1},
        {"Statement arrives monthly", "0", 0},
    };
    char csv[2048] = "text,sentiment\n";
    size_t n = strlen(csv);
    int right = 0, support[3] = {0};
    for (size_t i = 0; i < 6; i++) {
        n += (size_t)snprintf(csv + n, sizeof csv - n, "\"%s\",%s\n", rows[i].text,
                              rows[i].label);
        tl_sentiment s;
        tl_sentiment_score_str(rows[i].text, &s);
        right += s.polarity == rows[i].polarity;
        support[rows[i].polarity + 1]++;
    }
    tl_eval_cases c;
    tl_err err;
    assert_int_equal(tl_eval_cases_read_mem("s.csv", csv, strlen(csv), tl_eval_label_columns, &c,
                                            &err),
                     0);
    json_t *rep = NULL;
    assert_int_equal(tl_eval_sentiment(&c, 100, &rep, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(rep, "cases")), 6);
    assert_true(fabs(json_real_value(json_object_get(rep, "accuracy")) - right / 6.0) < 1e-12);
    assert_int_equal(json_array_size(json_object_get(rep, "errors")), 6 - right);
    json_t *classes = json_object_get(rep, "classes");
    assert_int_equal(json_array_size(classes), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(classes, 0), "name")),
                        "negative");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(classes, i),
                                                            "support")),
                         support[i]);
    json_decref(rep);
    /* Errors capped. */
    assert_int_equal(tl_eval_sentiment(&c, 0, &rep, &err), 0);
    assert_int_equal(json_array_size(json_object_get(rep, "errors")), 0);
    json_decref(rep);
    tl_eval_cases_free(&c);

    const char *bad = "text,label\nfine,positive\nmeh,mixed\n";
    assert_int_equal(tl_eval_cases_read_mem("b.csv", bad, strlen(bad), tl_eval_label_columns, &c,
                                            &err),
                     0);
    assert_int_equal(tl_eval_sentiment(&c, 5, &rep, &err), TL_EINPUT);
    assert_null(rep);
    assert_non_null(strstr(err.msg, "b.csv:3: field label: \"mixed\" is not a sentiment"));
    tl_eval_cases_free(&c);
}

static json_t *run_json(int want_status, ...)
{
    /* Up to 12 arguments after the status, NULL-terminated. */
    va_list ap;
    va_start(ap, want_status);
    const char *a[13] = {0};
    for (int i = 0; i < 12 && (a[i] = va_arg(ap, const char *)); i++)
        ;
    va_end(ap);
    char *out = NULL, *errs = NULL;
    int st = tu_run_tailor(&out, &errs, NULL, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                           a[8], a[9], a[10], a[11], NULL);
    if (st != want_status)
        fail_msg("exit %d (want %d): %s", st, want_status, errs ? errs : "");
    json_t *j = NULL;
    if (st == 0) {
        json_error_t je;
        j = json_loads(out, 0, &je);
        if (!j)
            fail_msg("not JSON: %s", out);
    }
    free(out);
    free(errs);
    return j;
}

static void test_intents_cli(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *train = tu_join(dir, "train.csv"), *test = tu_join(dir, "test.csv");
    tu_write_file(train, "text,intent\n"
                         "I lost my card,lost_card\n"
                         "my card was stolen yesterday,lost_card\n"
                         "what is the exchange rate for euros,exchange_rate\n"
                         "how many yen do I get for a dollar,exchange_rate\n");
    tu_write_file(test, "text,intent\n"
                        "someone stole my card,lost_card\n"
                        "euro exchange rate today,exchange_rate\n");
    json_t *rep = run_json(0, "eval", "intents", "--train", train, "--json", test, NULL);
    assert_string_equal(json_string_value(json_object_get(rep, "task")), "intents");
    assert_int_equal(json_integer_value(json_object_get(rep, "cases")), 2);
    assert_int_equal(json_integer_value(json_object_get(rep, "train_cases")), 4);
    assert_true(json_real_value(json_object_get(rep, "accuracy")) == 1.0);
    json_decref(rep);

    /* Text output names the task and the accuracy; usage errors exit 2. */
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run_tailor(&out, NULL, NULL, "eval", "intents", "--train", train, test,
                                   NULL),
                     0);
    assert_non_null(strstr(out, "intents: 2 cases"));
    assert_non_null(strstr(out, "accuracy 1.000"));
    free(out);
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "eval", "intents", test, NULL), 2);
    assert_non_null(strstr(err, "intents needs --train FILE"));
    free(err);
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "eval", NULL), 2);
    assert_non_null(strstr(err, "name a task"));
    free(err);
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "eval", "matching", "--k", "0", test, NULL),
                     2);
    assert_non_null(strstr(err, "--k: expected 1..100"));
    free(err);
    /* TAILOR_MODEL names the encoder of intents and matching only: a
     * sentiment run ignores it, --model overrides it. */
    setenv("TAILOR_MODEL", "/nonexistent-model", 1);
    char *sent = tu_join(dir, "sent.csv");
    tu_write_file(sent, "text,label\ngreat service,positive\n");
    rep = run_json(0, "eval", "sentiment", "--json", sent, NULL);
    json_decref(rep);
    rep = run_json(0, "eval", "intents", "--train", train, "--model", "builtin", "--json", test,
                   NULL);
    json_decref(rep);
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "eval", "intents", "--train", train, test,
                                   NULL),
                     1);
    assert_non_null(strstr(err, "/nonexistent-model"));
    free(err);
    unsetenv("TAILOR_MODEL");
    free(sent);

    /* A bad file fails with its place, exit 1. */
    tu_write_file(test, "text,intent\nfine,x\n,y\n");
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "eval", "intents", "--train", train, test,
                                   NULL),
                     1);
    assert_non_null(strstr(err, "test.csv:3: field text: empty text"));
    free(err);

    /* A model folder instead of the built-in encoder: the fixture's random
     * weights say nothing about accuracy, but the folder is what embeds. */
    const char *model = tu_shared_path("fixtures/bert-tiny-random");
    tu_write_file(test, "text,intent\n"
                        "someone stole my card,lost_card\n"
                        "euro exchange rate today,exchange_rate\n");
    if (model) {
        rep = run_json(0, "eval", "intents", "--train", train, "--model", model, "--json", test,
                       NULL);
        assert_int_equal(json_integer_value(json_object_get(rep, "cases")), 2);
        assert_non_null(strstr(json_string_value(json_object_get(rep, "encoder")), "bert:"));
        json_decref(rep);
    }

    /* BANKING77, when the shared data sets are there: all 77 intents. */
    const char *b77 = tu_shared_path("datasets/banking77");
    if (b77) {
        char *btrain = tu_join(b77, "train.csv"), *btest = tu_join(b77, "test.csv");
        rep = run_json(0, "eval", "intents", "--train", btrain, "--json", btest, NULL);
        assert_int_equal(json_integer_value(json_object_get(rep, "cases")), 3080);
        assert_int_equal(json_array_size(json_object_get(rep, "classes")), 77);
        double acc = json_real_value(json_object_get(rep, "accuracy"));
        print_message("banking77 through tailor eval: accuracy %.3f\n", acc);
        assert_true(acc >= 0.80);
        json_decref(rep);
        free(btrain);
        free(btest);
    }
    tu_rmtree(dir);
    free(train);
    free(test);
    free(dir);
}

/* The encoder evaluation set on a store holding its catalogue: the need
 * statements' products (tests/encoder/needs_eval.tsv, written out as the
 * CSV `tailor eval matching` reads) against the engine's ranking. */
static void test_matching_cli(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "bank.db"), *cases = tu_join(dir, "needs.csv");
    assert_int_equal(tu_run_tailor(NULL, NULL, NULL, "import", "--db", db, "--products",
                                   "tests/encoder/eval_catalogue.json", "--quiet", NULL),
                     0);
    char *tsv = tu_read_file("tests/encoder/needs_eval.tsv", NULL);
    assert_non_null(tsv);
    size_t cap = strlen(tsv) * 2 + 64, n = 0, rows = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    n += (size_t)snprintf(csv, cap, "products,text\n");
    for (char *line = tsv, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        char *fits = tab + 1, *end = strchr(fits, '\t');
        if (end)
            *end = '\0';
        n += (size_t)snprintf(csv + n, cap - n, "\"%s\",\"%s\"\n", fits, line);
        rows++;
    }
    tu_write_file(cases, csv);
    json_t *rep = run_json(0, "eval", "matching", "--db", db, "--json", "--errors", "200",
                           cases, NULL);
    assert_int_equal(json_integer_value(json_object_get(rep, "cases")), (json_int_t)rows);
    assert_int_equal(json_integer_value(json_object_get(rep, "products")), 38);
    double p1 = json_real_value(json_object_get(rep, "precision_at_1"));
    double h3 = json_real_value(json_object_get(rep, "hit_at_k"));
    double mrr = json_real_value(json_object_get(rep, "mrr"));
    print_message("matching on the evaluation set: p@1 %.3f, hit@3 %.3f, MRR %.3f\n", p1, h3,
                  mrr);
    /* The floors test_builtin_eval holds the encoder to, here through the
     * engine's own product texts. */
    assert_true(p1 >= 0.75 && h3 >= 0.88);
    assert_true(mrr >= p1 && mrr <= 1);
    /* Every miss is listed (200 allowed), each with its first fit's rank. */
    json_t *errors = json_object_get(rep, "errors");
    assert_int_equal(json_array_size(errors), (size_t)lround((1 - p1) * (double)rows));
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) assert_int_not_equal(
        json_integer_value(json_object_get(e, "rank")), 1);
    json_decref(rep);

    /* Products by name, in any case, count like their IDs. */
    tu_write_file(cases, "text,products\n\"my car broke down again\",auto finance LOAN|Gold Loan\n");
    rep = run_json(0, "eval", "matching", "--db", db, "--json", cases, NULL);
    assert_int_equal(json_integer_value(json_object_get(rep, "cases")), 1);
    assert_true(json_real_value(json_object_get(rep, "hit_at_k")) == 1.0);
    json_decref(rep);

    /* A product the catalogue lacks is named with its line. */
    tu_write_file(cases, "text,products\nsave for later,retirement-plan\n"
                         "travel,voyager-card|no-such-card\n");
    char *err = NULL;
    assert_int_equal(tu_run_tailor(NULL, &err, NULL, "eval", "matching", "--db", db, cases,
                                   NULL),
                     1);
    assert_non_null(strstr(err, "needs.csv:3: field products: unknown product \"no-such-card\""));
    free(err);
    tu_rmtree(dir);
    free(csv);
    free(tsv);
    free(db);
    free(cases);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_read),     cmocka_unit_test(test_cases_errors),
        cmocka_unit_test(test_metrics),        cmocka_unit_test(test_sentiment_task),
        cmocka_unit_test(test_intents_cli),    cmocka_unit_test(test_matching_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
