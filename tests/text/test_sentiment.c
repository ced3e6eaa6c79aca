/* test_sentiment.c — the sentiment scorer: negation, intensifiers, contrast
 * with both aspects, emoji, finance terms, neutral/empty/invalid/long input,
 * thread safety, and (when ../shared is present) accuracy against the
 * majority class on Financial PhraseBank AllAgree and Twitter financial news
 * validation. */
#include "testutil.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/lexicon_sentiment.h"
#include "text/sentiment.h"

#define assert_lt(a, b)                                                       \
    do {                                                                      \
        double a_ = (a), b_ = (b);                                            \
        if (!(a_ < b_))                                                       \
            fail_msg("%s = %.4f, want < %s = %.4f", #a, a_, #b, b_);          \
    } while (0)

static tl_sentiment score(const char *text)
{
    tl_sentiment r;
    memset(&r, 0x5a, sizeof r); /* every field must be written */
    tl_sentiment_score_str(text, &r);
    assert_true(r.score >= -1 && r.score <= 1);
    assert_true(r.positive >= 0 && r.negative >= 0);
    assert_non_null(r.label);
    assert_string_equal(r.label, tl_sentiment_label(r.polarity));
    assert_true((r.aspects_pos & r.aspects_neg) == 0);
    assert_true(((r.aspects_pos | r.aspects_neg) & ~r.aspects_seen) == 0);
    return r;
}

/* Fails with the text and its score when the label is not `want`. */
static void expect(const char *text, int want)
{
    tl_sentiment r = score(text);
    if (r.polarity != want)
        fail_msg("\"%s\": %s (score %+.3f, pos %.2f, neg %.2f), want %s", text, r.label,
                 r.score, r.positive, r.negative, tl_sentiment_label(want));
}

static bool has(unsigned mask, tl_aspect a)
{
    return (mask & TL_ASPECT_BIT(a)) != 0;
}

static void test_basic_labels(void **state)
{
    (void)state;
    expect("I love this bank, the staff are wonderful", 1);
    expect("Terrible service, rude staff and useless app", -1);
    expect("Great card, highly recommend it", 1);
    expect("Worst bank ever", -1);
    expect("The branch opens at 9am on weekdays.", 0);
    expect("I opened a savings account last Tuesday", 0);
}

static void test_negation(void **state)
{
    (void)state;
    expect("I am happy with this bank", 1);
    expect("I am not happy with this bank", -1);
    expect("Never had a problem with them", 1);
    expect("I have had no issues at all", 1);
    expect("No hidden fees, which I love", 1);
    expect("I wouldn't recommend this card to anyone", -1);
    expect("They don't care about customers and the app isn't reliable", -1);
    expect("Not bad at all, honestly", 1);
    assert_lt(score("not good").score, 0);
    assert_lt(0, score("not terrible").score);
    /* negation stops at "and": only the fees are negated */
    expect("Zero fees and great cashback", 1);
}

static void test_intensifiers(void **state)
{
    (void)state;
    double good = score("the app is good").score;
    double very = score("the app is very good").score;
    double extremely = score("the app is extremely good").score;
    double slightly = score("the app is slightly good").score;
    assert_lt(0, slightly);
    assert_lt(slightly, good);
    assert_lt(good, very);
    assert_lt(very, extremely);
    double bad = score("the service was bad").score;
    double really = score("the service was really bad").score;
    assert_lt(bad, 0);
    assert_lt(really, bad);
    /* "too" makes a level an excess */
    expect("The fees are too high", -1);
    expect("the transfer limits are way too low", -1);
}

static void test_contrast_aspects(void **state)
{
    (void)state;
    tl_sentiment r = score("Good rate but slow processing");
    assert_lt(r.score, 0); /* the clause after "but" weighs more */
    assert_true(r.positive > 0 && r.negative > 0);
    assert_true(has(r.aspects_pos, TL_ASPECT_RATE));
    assert_true(has(r.aspects_neg, TL_ASPECT_SPEED));
    assert_true(has(r.aspects_seen, TL_ASPECT_RATE) && has(r.aspects_seen, TL_ASPECT_SPEED));
    assert_lt(0, r.aspect_score[TL_ASPECT_RATE]);
    assert_lt(r.aspect_score[TL_ASPECT_SPEED], 0);

    r = score("Slow processing but a good rate");
    assert_lt(0, r.score);
    assert_true(has(r.aspects_pos, TL_ASPECT_RATE));
    assert_true(has(r.aspects_neg, TL_ASPECT_SPEED));

    r = score("Great cashback. However, the annual fee is ridiculous and support never replied.");
    assert_lt(r.score, 0);
    assert_true(has(r.aspects_pos, TL_ASPECT_REWARDS));
    assert_true(has(r.aspects_neg, TL_ASPECT_FEES));

    r = score("Although the fees are high, the rewards are great");
    assert_lt(0, r.score);
    assert_true(has(r.aspects_neg, TL_ASPECT_FEES));
    assert_true(has(r.aspects_pos, TL_ASPECT_REWARDS));

    r = score("The app keeps crashing but customer support sorted it out quickly");
    assert_true(has(r.aspects_neg, TL_ASPECT_APP));
    assert_true(has(r.aspects_pos, TL_ASPECT_SUPPORT) || has(r.aspects_pos, TL_ASPECT_SPEED));

    r = score("My card was declined at the supermarket again");
    assert_int_equal(r.polarity, -1);
    assert_true(has(r.aspects_neg, TL_ASPECT_ACCEPTANCE));

    r = score("Loan approved in minutes, super easy");
    assert_int_equal(r.polarity, 1);
    assert_true(has(r.aspects_pos, TL_ASPECT_APPROVAL) || has(r.aspects_pos, TL_ASPECT_SPEED));

    r = score("They raised my credit limit");
    assert_int_equal(r.polarity, 1);
    assert_true(has(r.aspects_pos, TL_ASPECT_LIMITS));

    r = score("Someone stole my card details and the fraud went unnoticed for days");
    assert_int_equal(r.polarity, -1);
    assert_true(has(r.aspects_neg, TL_ASPECT_SECURITY));
}

static void test_emoji_and_marks(void **state)
{
    (void)state;
    double plain = score("great service").score;
    assert_lt(plain, score("great service!!!").score);
    assert_lt(plain, score("great service \xF0\x9F\x98\x8D").score); /* U+1F60D */
    expect("\xF0\x9F\x91\x8E", -1);                                   /* thumbs down */
    expect("\xF0\x9F\x98\xA1\xF0\x9F\x98\xA1", -1);                   /* pouting face x2 */
    expect("thanks :)", 1);
    expect("app down again :(", -1);
    expect("\xF0\x9F\x9A\x80\xF0\x9F\x9A\x80 $TSLA", 1);              /* rockets */
    /* emoticon look-alikes inside URLs and times are not emoticons */
    tl_sentiment r = score("see https://example.com/x at 10:30");
    assert_int_equal(r.polarity, 0);
    assert_true(r.score == 0);
    /* capitals stress a word in mixed-case text */
    assert_lt(score("the app is good").score, score("the app is GOOD").score);
}

static void test_finance_terms(void **state)
{
    (void)state;
    expect("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in 2007", 1);
    expect("Net sales decreased by 9 % to EUR 187.8 mn", -1);
    expect("The net loss narrowed to EUR 2 mn", 1);
    expect("Costs fell sharply in the third quarter", 1);
    expect("The company swung to a net profit from a net loss a year earlier", 1);
    expect("Cramo slipped to a pretax loss of EUR 6.7 million from a pretax profit", -1);
    expect("Operating profit was EUR 1.6 mn compared to EUR 5.9 mn a year earlier", -1);
    expect("Operating profit was EUR 9.8 mn , compared to a loss of EUR 12.7 mn", 1);
    expect("Apple beats estimates, raises guidance", 1);
    expect("Boeing downgraded to sell at Goldman", -1);
    expect("Ally Financial pulls outlook", -1);
    expect("Pareteum +8% after CEO termination", 1);
    expect("Shares plunge 20% after profit warning", -1);
    expect("The company will lay off 200 workers", -1);
    expect("Fees went up again this month", -1);
    expect("They charged me hidden fees and a penalty", -1);
    expect("Got 5% cashback and bonus rewards points", 1);
    expect("Rates down, profit up, cashback doubled", 1);
    expect("Suspected fraud on my account, card blocked", -1);
    /* units and abbreviations: $1.08 is more than 88 cents; "vs." ends nothing */
    expect("Tapestry Q2 EPS $1.08 vs. 88 cents a year ago", 1);
    expect("Cash flow was a negative EUR 18.1 mn compared to EUR 39.0 mn in 2008", -1);
    expect("Revenue EUR 1.2 bn vs. EUR 900 mn", 1);
    /* "totally" is an intensifier, not an excess like "too" */
    expect("Sales were totally higher this year", 1);
    /* a ticker is a name, not a word */
    expect("$UP $DOWN $LOSS", 0);
}

static void test_empty_and_neutral(void **state)
{
    (void)state;
    tl_sentiment r;
    memset(&r, 0x5a, sizeof r);
    tl_sentiment_score(NULL, 0, &r);
    assert_true(r.score == 0);
    assert_int_equal(r.polarity, 0);
    assert_string_equal(r.label, "neutral");
    assert_true(r.positive == 0 && r.negative == 0);
    assert_int_equal(r.aspects_seen, 0);
    assert_int_equal(r.aspects_pos, 0);
    assert_int_equal(r.aspects_neg, 0);
    assert_int_equal(r.n_words, 0);
    for (int k = 0; k < TL_ASPECT_COUNT; k++)
        assert_true(r.aspect_score[k] == 0);

    tl_sentiment_score("good", 0, &r); /* len 0 reads nothing */
    assert_true(r.score == 0);
    tl_sentiment_score_str(NULL, &r);
    assert_true(r.score == 0);
    r = score("");
    assert_true(r.score == 0);
    r = score("   \t\n\n ...,;:!?()[]--  ");
    assert_true(r.score == 0);
    assert_int_equal(r.n_words, 0);
    r = score("The account number is 12345678 and the sort code 12-34-56.");
    assert_int_equal(r.polarity, 0);
    r = score("fees"); /* a theme named, nothing said about it */
    assert_true(has(r.aspects_seen, TL_ASPECT_FEES));
    assert_int_equal(r.aspects_pos | r.aspects_neg, 0);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xff\xfe\xfd good service",
        "great \xc3",                     /* truncated 2-byte */
        "\xe2\x82 slow \xe2",              /* truncated 3-byte */
        "\xc0\xaf overlong \xe0\x80\xaf",  /* overlong encodings */
        "\xed\xa0\x80 surrogate",          /* UTF-16 surrogate */
        "\xf4\x90\x80\x80 beyond U+10FFFF",
        "\x80\x80\x80\x80",                /* lone continuation bytes */
        "Kesk\xe4 latin-1 text is fine",   /* latin-1, not UTF-8 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        (void)score(bad[i]);
    expect("\xff\xfe\xfd good service", 1);
    /* an embedded NUL is just a byte: len decides what is read */
    const char nul[] = "terrible\0 excellent";
    tl_sentiment r;
    tl_sentiment_score(nul, sizeof nul - 1, &r);
    assert_true(r.positive > 0 && r.negative > 0);
    tl_sentiment_score(nul, strlen(nul), &r);
    assert_int_equal(r.polarity, -1);
    /* random bytes: any result, but a valid one */
    unsigned seed = 12345;
    char buf[4096];
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(seed % sizeof buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
        }
        tl_sentiment_score(buf, n, &r);
        assert_true(r.score >= -1 && r.score <= 1);
        assert_non_null(r.label);
    }
}

static void test_long_text(void **state)
{
    (void)state;
    /* 1 MiB of sentences, and the same without any punctuation (one
     * endless "sentence" read in bounded windows). */
    const char *unit = "The staff were friendly and helpful. ";
    size_t ul = strlen(unit), reps = (1u << 20) / ul;
    char *big = malloc(reps * ul + 1);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * ul, unit, ul);
    big[reps * ul] = '\0';
    tl_sentiment r = score(big);
    assert_int_equal(r.polarity, 1);
    assert_true(r.n_words >= 6 * reps);
    for (size_t i = 0; i < reps * ul; i++)
        if (big[i] == '.')
            big[i] = ' ';
    r = score(big);
    assert_int_equal(r.polarity, 1);
    /* one enormous word */
    memset(big, 'a', reps * ul);
    r = score(big);
    assert_int_equal(r.polarity, 0);
    assert_int_equal(r.n_words, 1);
    /* a mixed review padded with neutral words on both sides */
    size_t off = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(big + off, "word ", 5);
        off += 5;
    }
    const char *mid = "but the app crashes constantly ";
    memcpy(big + off, mid, strlen(mid));
    off += strlen(mid);
    big[off] = '\0';
    r = score(big);
    assert_int_equal(r.polarity, -1);
    assert_true(has(r.aspects_neg, TL_ASPECT_APP));
    free(big);
}

static void test_names(void **state)
{
    (void)state;
    for (int k = 0; k < TL_ASPECT_COUNT; k++) {
        const char *name = tl_aspect_name(k);
        assert_int_equal(tl_aspect_parse(name), k);
    }
    assert_string_equal(tl_aspect_name(TL_ASPECT_FEES), "fees");
    assert_string_equal(tl_aspect_name(TL_ASPECT_SPEED), "speed");
    assert_string_equal(tl_aspect_name(-1), "unknown");
    assert_string_equal(tl_aspect_name(TL_ASPECT_COUNT), "unknown");
    assert_int_equal(tl_aspect_parse("Security"), TL_ASPECT_SECURITY);
    assert_int_equal(tl_aspect_parse("fee"), -1);
    assert_int_equal(tl_aspect_parse(NULL), -1);
    assert_string_equal(tl_sentiment_label(-3), "negative");
    assert_string_equal(tl_sentiment_label(0), "neutral");
    assert_string_equal(tl_sentiment_label(2), "positive");
}

static void test_lexicon_wellformed(void **state)
{
    (void)state;
    size_t bad = tl_sentiment_lexicon_check();
    if (bad != 0)
        fail_msg("%zu malformed or duplicate lexicon entries", bad);
    assert_true(tl_sentiment_lexicon_size() > 1000);
}

/* Threads score the same texts at once (the first call builds the index
 * under pthread_once) and must agree with one thread. */
static const char *const thread_texts[] = {
    "Good rate but slow processing", "Operating profit rose 10 %", "not happy :(",
    "Fees went up again", "Never had a problem", "The branch opens at 9am",
};
enum { NTEXT = sizeof thread_texts / sizeof thread_texts[0] };

static void *thread_main(void *arg)
{
    double *out = arg;
    for (int rep = 0; rep < 2000; rep++)
        for (int i = 0; i < NTEXT; i++) {
            tl_sentiment r;
            tl_sentiment_score_str(thread_texts[i], &r);
            if (rep == 0)
                out[i] = r.score;
            else if (out[i] != r.score)
                out[i] = 99;
        }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    enum { NT = 4 };
    pthread_t th[NT];
    double res[NT][NTEXT];
    for (int t = 0; t < NT; t++)
        assert_int_equal(pthread_create(&th[t], NULL, thread_main, res[t]), 0);
    for (int t = 0; t < NT; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int i = 0; i < NTEXT; i++) {
        double want = score(thread_texts[i]).score;
        for (int t = 0; t < NT; t++)
            if (res[t][i] != want)
                fail_msg("thread %d text %d: %.6f, want %.6f", t, i, res[t][i], want);
    }
}

/* ---- data sets ------------------------------------------------------------ */

enum { C_NEG, C_NEU, C_POS };

typedef struct eval {
    size_t conf[3][3]; /* [gold][pred] */
    size_t n;
} eval;

static void eval_add(eval *e, int gold, const char *text, size_t len)
{
    tl_sentiment r;
    tl_sentiment_score(text, len, &r);
    e->conf[gold][r.polarity + 1]++;
    e->n++;
}

static double macro_f1(size_t conf[3][3])
{
    double f = 0;
    for (int c = 0; c < 3; c++) {
        size_t tp = conf[c][c], fp = 0, fn = 0;
        for (int o = 0; o < 3; o++)
            if (o != c)
                fp += conf[o][c], fn += conf[c][o];
        if (tp + fp + fn)
            f += 2.0 * (double)tp / (double)(2 * tp + fp + fn);
    }
    return f / 3;
}

/* Macro-F1 of always answering the set's most frequent class. */
static double majority_f1(const eval *e)
{
    size_t count[3] = {0}, conf[3][3] = {{0}};
    for (int g = 0; g < 3; g++)
        for (int p = 0; p < 3; p++)
            count[g] += e->conf[g][p];
    int major = 0;
    for (int c = 1; c < 3; c++)
        if (count[c] > count[major])
            major = c;
    for (int g = 0; g < 3; g++)
        conf[g][major] = count[g];
    return macro_f1(conf);
}

static double accuracy(const eval *e)
{
    size_t right = e->conf[0][0] + e->conf[1][1] + e->conf[2][2];
    return e->n ? (double)right / (double)e->n : 0;
}

/* Financial PhraseBank: "sentence@label" lines, latin-1 (converted). */
static void eval_phrasebank(const char *path, eval *e)
{
    size_t len;
    char *buf = tu_read_file(path, &len);
    assert_non_null(buf);
    char *utf = malloc(2 * 4096);
    assert_non_null(utf);
    for (char *line = buf; line < buf + len;) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        char *end = nl ? nl : buf + len;
        char *q = end;
        while (q > line && (q[-1] == '\r' || q[-1] == ' '))
            q--;
        char *at = q;
        while (at > line && at[-1] != '@')
            at--;
        if (at > line && (size_t)(at - line) < 4096) {
            int gold = strncmp(at, "negative", (size_t)(q - at)) == 0   ? C_NEG
                       : strncmp(at, "positive", (size_t)(q - at)) == 0 ? C_POS
                                                                        : C_NEU;
            size_t k = 0;
            for (char *p = line; p < at - 1; p++) {
                unsigned char c = (unsigned char)*p;
                if (c >= 0x80) {
                    utf[k++] = (char)(0xC0 | (c >> 6));
                    utf[k++] = (char)(0x80 | (c & 0x3F));
                } else {
                    utf[k++] = (char)c;
                }
            }
            eval_add(e, gold, utf, k);
        }
        line = end + 1;
    }
    free(utf);
    free(buf);
}

/* Twitter financial news: CSV "text,label" (0 bearish, 1 bullish, 2 neutral)
 * with quoted fields that may hold newlines. */
static void eval_twitter(const char *path, eval *e)
{
    size_t len;
    char *buf = tu_read_file(path, &len);
    assert_non_null(buf);
    char *field = malloc(len + 1);
    assert_non_null(field);
    size_t i = 0, row = 0;
    while (i < len) {
        size_t fl = 0;
        if (buf[i] == '"') {
            for (i++; i < len; i++) {
                if (buf[i] == '"') {
                    if (i + 1 < len && buf[i + 1] == '"') {
                        field[fl++] = '"';
                        i++;
                        continue;
                    }
                    i++;
                    break;
                }
                field[fl++] = buf[i];
            }
        } else {
            while (i < len && buf[i] != ',' && buf[i] != '\n')
                field[fl++] = buf[i++];
        }
        int label = -1;
        if (i < len && buf[i] == ',' && i + 1 < len && buf[i + 1] >= '0' && buf[i + 1] <= '2')
            label = buf[i + 1] - '0';
        while (i < len && buf[i] != '\n')
            i++;
        i++;
        if (row++ == 0 || label < 0)
            continue;
        static const int map[3] = {C_NEG, C_POS, C_NEU};
        eval_add(e, map[label], field, fl);
    }
    free(field);
    free(buf);
}

static void test_datasets(void **state)
{
    (void)state;
    const char *pb = tu_shared_path("datasets/financial-phrasebank/Sentences_AllAgree.txt");
    if (!pb)
        skip();
    char *pb_path = strdup(pb);
    const char *tw = tu_shared_path("datasets/twitter-fin-news-sentiment/sent_valid.csv");
    char *tw_path = tw ? strdup(tw) : NULL;
    FILE *fa = fopen(pb_path, "rb"), *fb = tw_path ? fopen(tw_path, "rb") : NULL;
    if (!fa || !fb) {
        if (fa)
            fclose(fa);
        if (fb)
            fclose(fb);
        free(pb_path);
        free(tw_path);
        skip();
    }
    fclose(fa);
    fclose(fb);

    eval e = {0};
    eval_phrasebank(pb_path, &e);
    assert_true(e.n > 2000);
    double f1 = macro_f1(e.conf), maj = majority_f1(&e);
    printf("  PhraseBank AllAgree: n %zu, accuracy %.3f, macro-F1 %.3f (majority %.3f)\n", e.n,
           accuracy(&e), f1, maj);
    if (!(f1 > maj))
        fail_msg("PhraseBank AllAgree macro-F1 %.3f, want > majority %.3f", f1, maj);
    if (!(accuracy(&e) > 0.8 && f1 > 0.75))
        fail_msg("PhraseBank AllAgree accuracy %.3f / F1 %.3f below the floor (0.8 / 0.75)",
                 accuracy(&e), f1);

    memset(&e, 0, sizeof e);
    eval_twitter(tw_path, &e);
    assert_true(e.n > 2000);
    f1 = macro_f1(e.conf);
    maj = majority_f1(&e);
    printf("  Twitter fin-news valid: n %zu, accuracy %.3f, macro-F1 %.3f (majority %.3f)\n",
           e.n, accuracy(&e), f1, maj);
    if (!(f1 > maj))
        fail_msg("Twitter valid macro-F1 %.3f, want > majority %.3f", f1, maj);
    if (!(f1 > 0.6))
        fail_msg("Twitter valid macro-F1 %.3f below the floor 0.6", f1);
    free(pb_path);
    free(tw_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_labels),     cmocka_unit_test(test_negation),
        cmocka_unit_test(test_intensifiers),     cmocka_unit_test(test_contrast_aspects),
        cmocka_unit_test(test_emoji_and_marks),  cmocka_unit_test(test_finance_terms),
        cmocka_unit_test(test_empty_and_neutral), cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_long_text),        cmocka_unit_test(test_names),
        cmocka_unit_test(test_lexicon_wellformed), cmocka_unit_test(test_threads),
        cmocka_unit_test(test_datasets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
