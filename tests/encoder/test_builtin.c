/* test_builtin.c — the built-in encoder: the three needs the design names
 * rank the right products first (on a catalogue written here and on the
 * prototype's when ../shared is present), vectors are deterministic and
 * normalised, odd input never crashes, threads may share one encoder, and
 * it still works without WordNet. The evaluation set is in
 * test_builtin_eval.c. */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "encoder/builtin.h"
#include "encoder/encoder.h"

#define DIM TL_BUILTIN_DIM

/* A small catalogue of our own: name, then the text the engine embeds. */
static const char *const products[][2] = {
    {"travel card", "Globetrotter Card. A credit card with no fees on spending in other "
                    "currencies, airport lounge access and air miles on every flight."},
    {"travel insurance", "Journey Insurance. Cover for medical emergencies abroad, trip "
                         "cancellation and lost baggage."},
    {"retirement", "Pension Builder. A retirement savings plan with tax relief that grows "
                   "until you stop working."},
    {"car loan", "Drive Loan. A loan to buy a new or used car at a fixed rate over 1 to 7 "
                 "years."},
    {"mortgage", "Home Start Mortgage. A mortgage for first-time buyers with a 5% deposit."},
    {"savings", "Everyday Saver. An easy access savings account paying monthly interest."},
    {"health insurance", "Care Plus. Private medical insurance covering hospital stays and "
                         "specialist treatment."},
    {"business loan", "Growth Loan. Finance for small businesses to buy equipment and stock."},
    {"dining card", "Table Card. Extra points at restaurants, cafes and takeaways."},
    {"student account", "Campus Account. A current account for university students with an "
                        "interest-free overdraft."},
};
#define N_PRODUCTS (sizeof products / sizeof products[0])

static tl_encoder *open_served(void)
{
    tl_encoder *e = NULL;
    tl_err err;
    int rc = tl_encoder_open("builtin", &e, &err);
    if (rc != 0)
        fail_msg("open: rc %d: %s", rc, err.msg);
    return e;
}

static void embed_ok(tl_encoder *e, const char *const *texts, size_t n, float *out)
{
    tl_err err;
    int rc = tl_encoder_embed(e, texts, n, out, &err);
    if (rc != 0)
        fail_msg("embed: rc %d: %s", rc, err.msg);
}

static float dot(const float *a, const float *b)
{
    float s = 0;
    for (size_t i = 0; i < DIM; i++)
        s += a[i] * b[i];
    return s;
}

/* Index of the best product for `need` among vecs[0..n); second best in *second. */
static size_t best_of(tl_encoder *e, const char *need, const float *vecs, size_t n,
                      size_t *second)
{
    float q[DIM];
    embed_ok(e, &need, 1, q);
    size_t best = 0, next = 1;
    for (size_t i = 1; i < n; i++) {
        float s = dot(q, vecs + i * DIM);
        if (s > dot(q, vecs + best * DIM)) {
            next = best;
            best = i;
        } else if (i != best && s > dot(q, vecs + next * DIM)) {
            next = i;
        }
    }
    if (second)
        *second = next;
    return best;
}

static void check_named_examples(tl_encoder *e)
{
    const char *texts[N_PRODUCTS];
    for (size_t i = 0; i < N_PRODUCTS; i++)
        texts[i] = products[i][1];
    float *vecs = malloc(N_PRODUCTS * DIM * sizeof *vecs);
    assert_non_null(vecs);
    embed_ok(e, texts, N_PRODUCTS, vecs);

    size_t second;
    const char *got = products[best_of(e, "Planning my next trip to Asia", vecs, N_PRODUCTS,
                                       &second)][0];
    if (strcmp(got, "travel card") != 0 && strcmp(got, "travel insurance") != 0)
        fail_msg("Asia trip -> %s, want a travel product", got);
    got = products[best_of(e, "I refuse to work past 60", vecs, N_PRODUCTS, NULL)][0];
    if (strcmp(got, "retirement") != 0)
        fail_msg("work past 60 -> %s, want retirement", got);
    got = products[best_of(e, "my car broke down again", vecs, N_PRODUCTS, NULL)][0];
    if (strcmp(got, "car loan") != 0)
        fail_msg("car broke down -> %s, want car loan", got);
    got = products[best_of(e, "We eat out three times a week", vecs, N_PRODUCTS, NULL)][0];
    if (strcmp(got, "dining card") != 0)
        fail_msg("eat out -> %s, want dining card", got);
    free(vecs);
}

static void test_named_examples(void **state)
{
    (void)state;
    tl_encoder *e = open_served();
    if (!tl_builtin_encoder_has_wordnet(e))
        print_message("note: WordNet not installed; testing the degraded encoder\n");
    check_named_examples(e);
    tl_encoder_close(e);
}

/* What the engine embeds for a product of the prototype's products.json. */
static char *prototype_text(json_t *p)
{
    static const char *const fields[] = {"name", "description", "features", "eligibility",
                                         "rewards", "additional_benefits", "category"};
    size_t cap = 8192, len = 0;
    char *s = calloc(1, cap);
    assert_non_null(s);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = json_string_value(json_object_get(p, fields[i]));
        if (v)
            len += (size_t)snprintf(s + len, len < cap ? cap - len : 0, "%s. ", v);
    }
    assert_true(len < cap);
    return s;
}

static void test_prototype_catalogue(void **state)
{
    (void)state;
    const char *path = tu_shared_path("seed-data/products.json");
    json_error_t je;
    json_t *root = path ? json_load_file(path, 0, &je) : NULL;
    if (!root) {
        print_message("skipped: ../shared/seed-data/products.json not found\n");
        skip();
    }
    size_t n = json_array_size(root);
    assert_true(n >= 3);
    char **texts = calloc(n, sizeof *texts);
    const char **names = calloc(n, sizeof *names);
    float *vecs = malloc(n * DIM * sizeof *vecs);
    assert_non_null(texts);
    assert_non_null(names);
    assert_non_null(vecs);
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(root, i);
        texts[i] = prototype_text(p);
        names[i] = json_string_value(json_object_get(p, "name"));
        assert_non_null(names[i]);
    }
    tl_encoder *e = open_served();
    embed_ok(e, (const char *const *)texts, n, vecs);

    static const char *const needs[] = {"Planning my next trip to Asia",
                                        "I refuse to work past 60", "my car broke down again"};
    for (size_t q = 0; q < 3; q++) {
        float v[DIM];
        embed_ok(e, &needs[q], 1, v);
        size_t top[3] = {0, 0, 0};
        float score[3] = {-2, -2, -2};
        for (size_t i = 0; i < n; i++) {
            float s = dot(v, vecs + i * DIM);
            for (size_t k = 0; k < 3; k++) {
                if (s > score[k]) {
                    for (size_t j = 2; j > k; j--) {
                        score[j] = score[j - 1];
                        top[j] = top[j - 1];
                    }
                    score[k] = s;
                    top[k] = i;
                    break;
                }
            }
        }
        print_message("%s -> %s, %s, %s\n", needs[q], names[top[0]], names[top[1]],
                      names[top[2]]);
        bool ok = false;
        for (size_t k = 0; k < 3; k++) {
            const char *name = names[top[k]];
            if (q == 0)
                ok |= strcmp(name, "Travel Insurance") == 0 ||
                      strstr(texts[top[k]], "ravel") != NULL;
            else if (q == 1)
                ok |= strcmp(name, "Retirement Savings Account") == 0;
            else
                ok |= k == 0 && strcmp(name, "Car Loan") == 0;
        }
        if (!ok)
            fail_msg("%s: the expected product is not where it should be", needs[q]);
    }
    tl_encoder_close(e);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(names);
    free(vecs);
    json_decref(root);
}

static const char *const mixed[] = {
    "Planning my next trip to Asia",
    "I refuse to work past 60",
    "Café CRÈME in Zürich — 3€",
    "A loan to buy a new or used car, van or motorbike. Competitive fixed rates.",
    "why was my card declined at the ATM yesterday?",
    "",
};
#define N_MIXED (sizeof mixed / sizeof mixed[0])

static void test_deterministic_and_normalised(void **state)
{
    (void)state;
    tl_encoder *a = open_served(), *b = open_served();
    assert_int_equal(tl_encoder_dim(a), DIM);
    assert_string_equal(tl_encoder_id(a), tl_encoder_id(b));
    assert_true(strncmp(tl_encoder_id(a), "builtin-v1-", 11) == 0);
    float va[N_MIXED * DIM], vb[N_MIXED * DIM], one[DIM];
    embed_ok(a, mixed, N_MIXED, va);
    embed_ok(b, mixed, N_MIXED, vb);
    assert_memory_equal(va, vb, sizeof va);
    for (size_t i = 0; i < N_MIXED; i++) {
        embed_ok(a, &mixed[i], 1, one); /* alone or in a batch: the same */
        assert_memory_equal(one, va + i * DIM, sizeof one);
        double ss = 0;
        for (size_t k = 0; k < DIM; k++) {
            assert_true(isfinite(va[i * DIM + k]));
            ss += (double)va[i * DIM + k] * va[i * DIM + k];
        }
        double want = mixed[i][0] ? 1.0 : 0.0;
        if (fabs(ss - want) > 1e-4)
            fail_msg("text %zu: squared norm %.6f, want %.1f", i, ss, want);
    }
    tl_encoder_close(a);
    tl_encoder_close(b);
}

static void test_odd_input(void **state)
{
    (void)state;
    tl_encoder *e = open_served();
    /* long: more words than the tokeniser keeps */
    size_t words = TL_BUILTIN_MAX_TOKENS + 500, cap = words * 8 + 1, len = 0;
    char *lng = malloc(cap);
    assert_non_null(lng);
    for (size_t i = 0; i < words; i++)
        len += (size_t)snprintf(lng + len, cap - len, "%s ", i % 3 ? "travel" : "savings");
    char longword[300];
    memset(longword, 'x', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    const char *texts[] = {"", "   \t\n ", "the of and to", "!!!???...",
                           "\xff\xfe\xc3\x28 bad", "\xe2\x82", "日本への旅行を計画しています",
                           "🚗💥 again", longword, lng, "don't can't won't", "60 60 60 60"};
    size_t n = sizeof texts / sizeof texts[0];
    float *v = malloc(n * DIM * sizeof *v);
    assert_non_null(v);
    embed_ok(e, texts, n, v);
    for (size_t i = 0; i < n; i++) {
        double ss = 0;
        for (size_t k = 0; k < DIM; k++)
            ss += (double)v[i * DIM + k] * v[i * DIM + k];
        assert_true(ss == 0.0 || fabs(ss - 1.0) < 1e-4);
        if (i < 4 && ss != 0.0) /* nothing to read: the zero vector */
            fail_msg("text %zu should embed to zeros, squared norm %.4f", i, ss);
    }
    float null_text[DIM];
    const char *none[] = {NULL};
    embed_ok(e, none, 1, null_text); /* NULL reads as empty */
    for (size_t k = 0; k < DIM; k++)
        assert_true(null_text[k] == 0.0f);
    embed_ok(e, texts, 0, v); /* nothing to do */

    /* random bytes, biased towards UTF-8 lead bytes, letters and blanks */
    uint64_t x = 0x9e3779b97f4a7c15ull;
    static const char pool[] = "aeiou tsrnl'\xc3\xa9\xe2\x80\x99\xf0\x9f\x98\x80\xff" "60-";
    for (int round = 0; round < 500; round++) {
        char buf[96];
        size_t blen = (size_t)(x % (sizeof buf - 1));
        for (size_t i = 0; i < blen; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (x & 3) ? pool[(x >> 8) % (sizeof pool - 1)] : (char)(x >> 16);
            if (buf[i] == '\0')
                buf[i] = ' ';
        }
        buf[blen] = '\0';
        const char *one = buf;
        embed_ok(e, &one, 1, v);
        double ss = 0;
        for (size_t k = 0; k < DIM; k++)
            ss += (double)v[k] * v[k];
        assert_true(ss == 0.0 || fabs(ss - 1.0) < 1e-4);
    }
    free(v);
    free(lng);
    tl_encoder_close(e);
}

typedef struct thread_arg {
    tl_encoder *e;
    float out[N_MIXED * DIM];
    int rc;
} thread_arg;

static void *embed_many(void *p)
{
    thread_arg *a = p;
    tl_err err;
    for (int round = 0; round < 20 && a->rc == 0; round++)
        a->rc = tl_encoder_embed(a->e, mixed, N_MIXED, a->out, &err);
    return NULL;
}

static void test_threads_share_one_encoder(void **state)
{
    (void)state;
    tl_encoder *e = open_served();
    float want[N_MIXED * DIM];
    embed_ok(e, mixed, N_MIXED, want);
    enum { T = 4 };
    thread_arg *args = calloc(T, sizeof *args);
    pthread_t tid[T];
    assert_non_null(args);
    for (int t = 0; t < T; t++) {
        args[t].e = e;
        assert_int_equal(pthread_create(&tid[t], NULL, embed_many, &args[t]), 0);
    }
    for (int t = 0; t < T; t++) {
        pthread_join(tid[t], NULL);
        assert_int_equal(args[t].rc, 0);
        assert_memory_equal(args[t].out, want, sizeof want);
    }
    free(args);
    tl_encoder_close(e);
}

static void test_without_wordnet(void **state)
{
    (void)state;
    tl_builtin_opts o;
    tl_builtin_opts_default(&o);
    o.wordnet_dir = "/nonexistent/wordnet";
    tl_encoder *e = NULL;
    tl_err err;
    tl_log_set_level(TL_LOG_ERROR); /* the expected warning */
    int rc = tl_builtin_encoder_open_opts(&o, &e, &err);
    tl_log_set_level(TL_LOG_INFO);
    if (rc != 0)
        fail_msg("open without WordNet: rc %d: %s", rc, err.msg);
    assert_false(tl_builtin_encoder_has_wordnet(e));
    assert_non_null(strstr(tl_encoder_id(e), "nowordnet"));
    tl_encoder *full = open_served();
    if (tl_builtin_encoder_has_wordnet(full)) /* the ids tell the two apart */
        assert_string_not_equal(tl_encoder_id(e), tl_encoder_id(full));
    tl_encoder_close(full);
    check_named_examples(e);
    tl_encoder_close(e);
}

/* WordNet files that are cut short, lie about offsets or hold garbage:
 * the encoder opens (with or without them) and embeds without reading out
 * of bounds (ASan watches). */
static void test_damaged_wordnet(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    /* a throwaway WordNet: its tables are not worth a cache file */
    const char *cache = getenv("TAILOR_CACHE_DIR");
    char *saved_cache = cache ? strdup(cache) : NULL;
    setenv("TAILOR_CACHE_DIR", "none", 1);
    static const char *const files[][2] = {
        {"index.noun", "  1 licence line\ncar n 3 1 @ 2 2 00000017 99999999 00000000\n"
                       "trip n 1 0 1 0 00000017\nbank n 9\nx n 1 0 1 0 1234567890123\n"},
        {"data.noun", "  1 licence line\n00000017 06 n 02 car 0 auto 0 002 @ 00000017 n 0000 "
                      "@i 00000099 n 0000 | a motor vehicle\n00000099 06 n ff car 0 002 @\n"
                      "00000140 06 n 01 Tyre 0 001 @ 00000017 n 00"},
        {"index.verb", "trip v 1 0 1 0 00000000\n"},
        {"data.verb", "garbage without structure\n"},
        {"index.adj", "\n\n\n"},
        {"data.adj", "x"},
        {"index.adv", "a"},
        {"data.adv", "00000000 02 r 01"},
        {"noun.exc", "cars car\nchildren\n"},
        {"cntlist.rev", "car%1:06:00:: 1 12\nbroken line\n%%% 1 x\ntrip%1:04:00:: 1\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = tu_join(dir, files[i][0]);
        tu_write_file(path, files[i][1]);
        free(path);
    }
    tl_builtin_opts o;
    tl_builtin_opts_default(&o);
    o.wordnet_dir = dir;
    tl_encoder *e = NULL;
    tl_err err;
    tl_log_set_level(TL_LOG_ERROR); /* anchors missing from this "WordNet" */
    int rc = tl_builtin_encoder_open_opts(&o, &e, &err);
    tl_log_set_level(TL_LOG_INFO);
    if (rc != 0)
        fail_msg("open with damaged WordNet: rc %d: %s", rc, err.msg);
    float v[N_MIXED * DIM];
    const char *t[] = {"cars and trips", "Tyre", "the bank", "children"};
    embed_ok(e, t, 4, v);
    embed_ok(e, mixed, N_MIXED, v);
    tl_encoder_close(e);

    /* an empty required file: no WordNet at all, still an encoder */
    char *path = tu_join(dir, "data.noun");
    tu_write_file(path, "");
    free(path);
    tl_log_set_level(TL_LOG_ERROR);
    rc = tl_builtin_encoder_open_opts(&o, &e, &err);
    tl_log_set_level(TL_LOG_INFO);
    assert_int_equal(rc, 0);
    assert_false(tl_builtin_encoder_has_wordnet(e));
    embed_ok(e, mixed, N_MIXED, v);
    tl_encoder_close(e);
    if (saved_cache)
        setenv("TAILOR_CACHE_DIR", saved_cache, 1);
    else
        unsetenv("TAILOR_CACHE_DIR");
    free(saved_cache);
    tu_rmtree(dir);
    free(dir);
}

/* Synonyms and kinds meet through WordNet, and places through the
 * lexicon's anchors, even where no phrase lists the word. */
static void test_meaning(void **state)
{
    (void)state;
    tl_encoder *e = open_served();
    if (!tl_builtin_encoder_has_wordnet(e)) {
        tl_encoder_close(e);
        print_message("skipped: WordNet not installed\n");
        skip();
    }
    const char *t[] = {"a long vacation", "a long holiday", "a long argument",
                       "my sedan", "my automobile", "my sandwich"};
    float v[6 * DIM];
    embed_ok(e, t, 6, v);
    float syn = dot(v, v + DIM), other = dot(v, v + 2 * DIM);
    if (!(syn > other + 0.1f))
        fail_msg("vacation~holiday %.3f vs vacation~argument %.3f", syn, other);
    float kind = dot(v + 3 * DIM, v + 4 * DIM), unrelated = dot(v + 3 * DIM, v + 5 * DIM);
    if (!(kind > unrelated + 0.1f))
        fail_msg("sedan~automobile %.3f vs sedan~sandwich %.3f", kind, unrelated);

    char buf[512];
    assert_int_equal(tl_builtin_encoder_explain(e, "Planning my next trip to Asia", buf,
                                                sizeof buf, &(tl_err){0}), 0);
    assert_non_null(strstr(buf, "travel:"));
    assert_non_null(strstr(buf, "abroad:"));
    /* Lisbon is in no phrase: WordNet knows it is a capital, hence abroad */
    assert_int_equal(tl_builtin_encoder_explain(e, "Lisbon", buf, sizeof buf, &(tl_err){0}), 0);
    assert_non_null(strstr(buf, "abroad:"));
    /* "sick of" is an idiom, not a health need */
    assert_int_equal(tl_builtin_encoder_explain(e, "sick of paying rent", buf, sizeof buf,
                                                &(tl_err){0}), 0);
    assert_null(strstr(buf, "health"));
    assert_non_null(strstr(buf, "home:"));
    /* "over 60" is an age, "over 80 countries" is not */
    assert_int_equal(tl_builtin_encoder_explain(e, "sending to over 80 countries", buf,
                                                sizeof buf, &(tl_err){0}), 0);
    assert_null(strstr(buf, "retirement"));
    assert_int_equal(tl_builtin_encoder_explain(e, "I refuse to work past 60", buf, sizeof buf,
                                                &(tl_err){0}), 0);
    assert_non_null(strstr(buf, "retirement:"));
    assert_int_equal(tl_builtin_encoder_explain(e, "x", buf, 1, &(tl_err){0}), 0);
    assert_int_equal(tl_builtin_encoder_explain(e, "travel", buf, 4, &(tl_err){0}),
                     TL_ETOOBIG);
    tl_encoder_close(e);
}

static void test_words(void **state)
{
    (void)state;
    static const char *const same[][2] = {
        {"retired", "retire"}, {"retiring", "retirement"}, {"savings", "save"},
        {"travelling", "travel"}, {"traveled", "travel"}, {"houses", "house"},
        {"babies", "baby"}, {"children", "child"}, {"broke", "break"}, {"stopped", "stop"},
        {"hoping", "hope"}, {"cars", "car"}, {"agreed", "agree"}, {"studies", "study"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char a[TL_BUILTIN_WORD_MAX], b[TL_BUILTIN_WORD_MAX];
        tl_builtin_stem(same[i][0], a, sizeof a);
        tl_builtin_stem(same[i][1], b, sizeof b);
        bool want_equal = strcmp(same[i][0], "retiring") != 0; /* -ment stays */
        if ((strcmp(a, b) == 0) != want_equal)
            fail_msg("stem(%s) = %s, stem(%s) = %s", same[i][0], a, same[i][1], b);
    }
    char s[TL_BUILTIN_WORD_MAX];
    tl_builtin_stem("caring", s, sizeof s);
    assert_string_not_equal(s, "car"); /* care is not a car */
    tl_builtin_stem("car", s, sizeof s);
    assert_string_equal(s, "car");

    tl_builtin_token t[8];
    size_t n;
    assert_int_equal(tl_builtin_tokenize("Café CRÈME, don't Zürich 60!", t, 8, &n, NULL), 0);
    assert_int_equal(n, 5);
    assert_string_equal(t[0].word, "cafe");
    assert_false(t[0].capital); /* the first word's capital says nothing */
    assert_string_equal(t[1].word, "creme");
    assert_true(t[1].capital);
    assert_string_equal(t[2].word, "dont");
    assert_string_equal(t[2].stem, "not");
    assert_string_equal(t[3].word, "zurich");
    assert_int_equal(t[4].kind, TL_BW_NUMBER);
    assert_int_equal(t[4].number, 60);
    assert_int_equal(tl_builtin_tokenize("a b c d e f g h i j", t, 3, &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(tl_builtin_word_kind("the"), TL_BW_STOP);
    assert_int_equal(tl_builtin_word_kind("want"), TL_BW_COMMON);
    assert_int_equal(tl_builtin_word_kind("mortgage"), TL_BW_CONTENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_examples),
        cmocka_unit_test(test_prototype_catalogue),
        cmocka_unit_test(test_deterministic_and_normalised),
        cmocka_unit_test(test_odd_input),
        cmocka_unit_test(test_threads_share_one_encoder),
        cmocka_unit_test(test_without_wordnet),
        cmocka_unit_test(test_damaged_wordnet),
        cmocka_unit_test(test_meaning),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
