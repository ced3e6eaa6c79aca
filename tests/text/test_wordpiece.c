/* test_wordpiece.c — the BERT tokenizer against Hugging Face's outputs
 * (the shared fixture: bert-base-uncased, every case) and the rules one at
 * a time on a small vocabulary written here: truncation, [UNK] past 100
 * characters, CJK, accents, cleaning, invalid UTF-8, special tokens, and
 * the load errors. */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "text/wordpiece.h"

#define MAX_IDS 512

/* A vocabulary small enough to reason about: the special tokens first (as
 * in BERT's, though not at BERT's ids), every printable ASCII character,
 * "##" + each letter and digit, and the words the tests below use. */
static const char small_vocab[] =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n"
    "!\n\"\n#\n$\n%\n&\n'\n(\n)\n*\n+\n,\n-\n.\n/\n"
    "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n:\n;\n<\n=\n>\n?\n@\n"
    "[\n\\\n]\n^\n_\n`\n{\n|\n}\n~\n"
    "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\nu\nv\nw\nx\ny\nz\n"
    "##a\n##b\n##c\n##d\n##e\n##f\n##g\n##h\n##i\n##j\n##k\n##l\n##m\n##n\n##o\n##p\n"
    "##q\n##r\n##s\n##t\n##u\n##v\n##w\n##x\n##y\n##z\n"
    "##0\n##1\n##2\n##3\n##4\n##5\n##6\n##7\n##8\n##9\n"
    "hello\nworld\nfu\n##hrer\nque\n##bec\ncontrol\nchars\nhere\nzero\nwidth\n"
    "apple\n我\n想\n在\n工\n作\nun\n##aff\n##able\nunaff\n"
    "σ\nς\nοδο\n##σ\n##ς\nistanbul\nß\n"
    "Hello\nF\n##ü\n";

static tl_wordpiece *load_small(bool lowercase)
{
    tl_wordpiece *wp = NULL;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_wordpiece_load_mem(small_vocab, sizeof small_vocab - 1, "small", lowercase, &wp,
                                   &err);
    if (rc != 0)
        fail_msg("load small vocab: rc %d: %s", rc, err.msg);
    return wp;
}

/* Encodes and fails the test on an error; returns the id count. */
static size_t encode(const tl_wordpiece *wp, const char *text, size_t len, int32_t *ids,
                     size_t max_ids)
{
    tl_err err;
    tl_err_clear(&err);
    size_t n = 0;
    int rc = tl_wordpiece_encode(wp, text, len, ids, max_ids, &n, &err);
    if (rc != 0)
        fail_msg("encode: rc %d: %s", rc, err.msg);
    assert_true(n >= 2 && n <= max_ids);
    return n;
}

/* Writes "tok tok …" for ids[0..n) into a static buffer, for messages. */
static const char *show(const tl_wordpiece *wp, const int32_t *ids, size_t n)
{
    static char buf[8192];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < sizeof buf - 1; i++) {
        const char *t = tl_wordpiece_token(wp, ids[i], NULL);
        int w = snprintf(buf + at, sizeof buf - at, "%s%s(%d)", i ? " " : "", t ? t : "?",
                         (int)ids[i]);
        if (w < 0)
            break;
        at += (size_t)w;
    }
    return buf;
}

/* Asserts that text[0..len) encodes to [CLS] + the space-separated tokens
 * of `want` + [SEP], printing both sides when not. */
static void expect_len(const tl_wordpiece *wp, const char *text, size_t len, const char *want)
{
    int32_t got[MAX_IDS], exp[MAX_IDS];
    size_t n = encode(wp, text, len, got, MAX_IDS);
    size_t m = 0;
    exp[m++] = tl_wordpiece_lookup(wp, "[CLS]", 5);
    const char *p = want;
    while (*p) {
        const char *q = strchr(p, ' ');
        size_t tl = q ? (size_t)(q - p) : strlen(p);
        int32_t id = tl_wordpiece_lookup(wp, p, tl);
        if (id < 0)
            fail_msg("test bug: token '%.*s' not in the vocabulary", (int)tl, p);
        exp[m++] = id;
        p += tl + (q != NULL);
    }
    exp[m++] = tl_wordpiece_lookup(wp, "[SEP]", 5);
    char got_s[8192];
    snprintf(got_s, sizeof got_s, "%s", show(wp, got, n));
    if (n != m || memcmp(got, exp, n * sizeof *got) != 0)
        fail_msg("text '%.*s':\n   got %s\n  want %s", (int)len, text, got_s, show(wp, exp, m));
}

static void expect(const tl_wordpiece *wp, const char *text, const char *want)
{
    expect_len(wp, text, strlen(text), want);
}

/* --- the fixture ------------------------------------------------------- */

static void test_fixture_cases(void **state)
{
    (void)state;
    const char *vpath = tu_shared_path("fixtures/tokenizer/bert-base-uncased-vocab.txt");
    if (!vpath)
        skip();
    char *vocab_path = strdup(vpath);
    assert_non_null(vocab_path);
    const char *cpath = tu_shared_path("fixtures/tokenizer/bert-base-uncased-cases.jsonl");
    FILE *f = fopen(cpath, "rb");
    if (!f) {
        free(vocab_path);
        skip();
    }
    tl_wordpiece *wp = NULL;
    tl_err err;
    tl_err_clear(&err);
    if (tl_wordpiece_load(vocab_path, true, &wp, &err) != 0) {
        fclose(f);
        free(vocab_path);
        fail_msg("load: %s", err.msg);
    }
    size_t vocab_size = tl_wordpiece_vocab_size(wp);

    char *line = NULL;
    size_t cap = 0, cases = 0, passed = 0, lineno = 0;
    ssize_t r;
    while ((r = getline(&line, &cap, f)) > 0) {
        lineno++;
        json_error_t je;
        json_t *j = json_loadb(line, (size_t)r, JSON_ALLOW_NUL, &je);
        cases++;
        if (!j) {
            fprintf(stderr, "case %zu: bad JSON: %s\n", lineno, je.text);
            continue;
        }
        const char *text = json_string_value(json_object_get(j, "text"));
        size_t tlen = json_string_length(json_object_get(j, "text"));
        json_t *want = json_object_get(j, "ids");
        int32_t ids[MAX_IDS];
        size_t n = 0;
        bool same = text && json_is_array(want) &&
                    tl_wordpiece_encode(wp, text, tlen, ids, MAX_IDS, &n, &err) == 0 &&
                    n == json_array_size(want);
        for (size_t i = 0; same && i < n; i++)
            same = ids[i] == json_integer_value(json_array_get(want, i));
        if (same) {
            passed++;
        } else {
            fprintf(stderr, "case %zu mismatch: %s\n   got %s\n", lineno, text ? text : "?",
                    show(wp, ids, n));
            fprintf(stderr, "  want");
            for (size_t i = 0; json_is_array(want) && i < json_array_size(want); i++)
                fprintf(stderr, " %lld", (long long)json_integer_value(json_array_get(want, i)));
            fprintf(stderr, "\n");
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    fprintf(stderr, "wordpiece fixture: %zu of %zu cases equal\n", passed, cases);
    tl_wordpiece_free(wp);
    free(vocab_path);
    assert_int_equal(vocab_size, 30522);
    assert_true(cases >= 200);
    assert_int_equal(passed, cases);
}

/* A few known answers on the real vocabulary beyond the fixture (taken
 * from the same rules: ß is its own token, "İ" lower-cases to "i"). */
static void test_real_vocab_extras(void **state)
{
    (void)state;
    const char *vpath = tu_shared_path("fixtures/tokenizer/bert-base-uncased-vocab.txt");
    if (!vpath)
        skip();
    tl_wordpiece *wp = NULL;
    tl_err err;
    if (tl_wordpiece_load(vpath, true, &wp, &err) != 0)
        fail_msg("%s", err.msg);
    expect(wp, "Führer", "fu ##hrer");
    expect(wp, "FÜHRER", "fu ##hrer");
    expect(wp, "Fu\xcc\x88hrer", "fu ##hrer");   /* already decomposed */
    expect(wp, "Québec", "quebec");
    expect(wp, "[MASK] is [SEP]", "[MASK] is [SEP]");
    assert_int_equal(tl_wordpiece_lookup(wp, "[PAD]", 5), 0);
    assert_int_equal(tl_wordpiece_lookup(wp, "[UNK]", 5), 100);
    tl_wordpiece_free(wp);
}

/* --- the rules, on the small vocabulary --------------------------------- */

static void test_basic(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    expect(wp, "Hello world", "hello world");
    expect(wp, "  HELLO,\tWorld!\r\n", "hello , world !");
    expect(wp, "unaffable", "unaff ##able");   /* longest first, not un ##aff ##able */
    expect(wp, "world1", "world ##1");
    expect(wp, "hello-world's", "hello - world ' s");
    expect(wp, "q", "q");
    expect(wp, "qu", "q ##u");
    expect(wp, "\xc2\xbfqu\xc3\xa9?", "[UNK] que ?");   /* ¿ (Po) is split, not in the vocab */
    expect(wp, "cafe\xe2\x82\xac", "[UNK]");             /* € (Sc) is not split: whole word */
    tl_wordpiece_free(wp);
}

static void test_empty(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    int32_t ids[4];
    size_t n = encode(wp, "", 0, ids, 4);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], tl_wordpiece_lookup(wp, "[CLS]", 5));
    assert_int_equal(ids[1], tl_wordpiece_lookup(wp, "[SEP]", 5));
    n = encode(wp, NULL, 0, ids, 4);
    assert_int_equal(n, 2);
    expect(wp, " \t\n\r\xc2\xa0\xe3\x80\x80", "");      /* only whitespace */
    expect(wp, "\x01\x7f\xe2\x80\x8b\xef\xbb\xbf", ""); /* only controls and formats */
    tl_wordpiece_free(wp);
}

static void test_truncation(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    const char *text = "hello world hello world unaffable hello world";
    int32_t full[MAX_IDS], part[MAX_IDS];
    size_t nf = encode(wp, text, strlen(text), full, MAX_IDS);
    assert_int_equal(nf, 2 + 8);
    for (size_t max = 2; max <= nf + 2; max++) {
        size_t n = encode(wp, text, strlen(text), part, max);
        size_t want = max < nf ? max : nf;
        assert_int_equal(n, want);
        assert_int_equal(part[0], full[0]);
        assert_int_equal(part[n - 1], tl_wordpiece_lookup(wp, "[SEP]", 5));
        /* The first max - 2 pieces, even when that cuts a word. */
        assert_memory_equal(part + 1, full + 1, (n - 2) * sizeof *part);
    }
    size_t n = 99;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_wordpiece_encode(wp, text, strlen(text), part, 1, &n, &err), TL_EINPUT);
    assert_int_equal(n, 99);
    assert_non_null(strstr(err.msg, "max_ids"));
    assert_int_equal(tl_wordpiece_encode(wp, NULL, 3, part, 8, &n, &err), TL_EINPUT);
    tl_wordpiece_free(wp);
}

static void test_long_word_unk(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    char word[400];
    memset(word, 'a', 101);
    expect_len(wp, word, 101, "[UNK]");
    /* 100 characters is still a word: a ##a ##a ... */
    int32_t ids[MAX_IDS];
    size_t n = encode(wp, word, 100, ids, MAX_IDS);
    assert_int_equal(n, 2 + 100);
    assert_int_equal(ids[1], tl_wordpiece_lookup(wp, "a", 1));
    assert_int_equal(ids[100], tl_wordpiece_lookup(wp, "##a", 3));
    /* Characters are counted after accents go: 101 "é" are 101 "e". */
    for (size_t i = 0; i < 101; i++)
        memcpy(word + 2 * i, "\xc3\xa9", 2);
    expect_len(wp, word, 202, "[UNK]");
    n = encode(wp, word, 200, ids, MAX_IDS);
    assert_int_equal(n, 2 + 100);
    assert_int_equal(ids[1], tl_wordpiece_lookup(wp, "e", 1));
    for (size_t i = 2; i <= 100; i++)
        assert_int_equal(ids[i], tl_wordpiece_lookup(wp, "##e", 3));
    /* A long word then more text: only that word is [UNK]. */
    char text[300];
    memset(text, 'b', 150);
    memcpy(text + 150, ", hello", 7);
    expect_len(wp, text, 157, "[UNK] , hello");
    tl_wordpiece_free(wp);
}

static void test_cjk(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    expect(wp, "我想在apple工作", "我 想 在 apple 工 作");
    expect(wp, "apple我apple", "apple 我 apple");
    /* Hiragana and Hangul are not in BERT's CJK list: they stay in words. */
    expect(wp, "apple\xe3\x81\x82", "[UNK]");
    tl_wordpiece_free(wp);
}

static void test_accents_and_case(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    expect(wp, "Führer", "fu ##hrer");
    expect(wp, "Québec", "que ##bec");
    expect(wp, "Q\xcc\x81u\xcc\x88\xcc\xa3\xc3\xa9" "bec", "que ##bec");   /* stacked marks */
    expect(wp, "\xc4\xb0stanbul", "istanbul");                      /* İ */
    expect(wp, "\xc3\x9f", "ß");                                     /* ß stays ß */
    /* Σ lower-cases to σ even at the end of a word: the reference lower-cases
     * one character at a time, so final sigma never applies. */
    expect(wp, "ΟΔΟΣ", "οδο ##σ");
    expect(wp, "Σ", "σ");
    tl_wordpiece_free(wp);

    /* Uncased models keep case and accents. */
    wp = load_small(false);
    expect(wp, "Führer", "F ##ü ##hrer");
    expect(wp, "Hello world", "Hello world");
    tl_wordpiece_free(wp);
}

static void test_cleaning(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    expect_len(wp, "control\x07" "chars\x00here", 18, "control ##c ##h ##a ##r ##s ##h ##e ##r ##e");
    expect(wp, "zero\xe2\x80\x8bwidth", "zero ##w ##i ##d ##t ##h");   /* U+200B is Cf */
    expect(wp, "hello\xef\xbf\xbdworld", "hello ##w ##o ##r ##l ##d");   /* U+FFFD dropped */
    expect(wp, "hello\xc2\xa0world", "hello world");                     /* NBSP is a space */
    expect(wp, "hello\xe2\x80\xa8world\xe2\x80\xa9here", "hello world here"); /* Zl, Zp */
    expect(wp, "hello\x0bworld", "hello ##w ##o ##r ##l ##d");           /* VT is Cc, not space */
    expect(wp, "hello\xc2\x85world", "hello ##w ##o ##r ##l ##d");       /* NEL is Cc */
    tl_wordpiece_free(wp);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    /* Damaged bytes are U+FFFD, which cleaning removes: the rest joins. */
    expect(wp, "hello\xffworld", "hello ##w ##o ##r ##l ##d");
    expect(wp, "hello\xc0\xaf world", "hello world");            /* overlong "/" */
    expect(wp, "hello\xed\xa0\x80 world", "hello world");        /* surrogate */
    expect(wp, "hello\xf4\x90\x80\x80 world", "hello world");    /* past U+10FFFF */
    expect(wp, "hello \xe6\x88", "hello");                       /* cut short at the end */
    expect(wp, "\xe6\x88hello", "hello");                        /* ASCII never swallowed */
    expect(wp, "\x80\x80[SEP]\xc3", "[SEP]");

    /* Every short byte string: no crash, ids in range, framing right. */
    int32_t ids[64];
    unsigned char buf[3];
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b += 7)
            for (unsigned c = 0; c < 256; c += 13) {
                buf[0] = (unsigned char)a;
                buf[1] = (unsigned char)b;
                buf[2] = (unsigned char)c;
                size_t n = encode(wp, (const char *)buf, 3, ids, 64);
                for (size_t i = 0; i < n; i++)
                    assert_true(ids[i] >= 0 && (size_t)ids[i] < tl_wordpiece_vocab_size(wp));
            }
    tl_wordpiece_free(wp);
}

static void test_special_tokens_in_text(void **state)
{
    (void)state;
    tl_wordpiece *wp = load_small(true);
    expect(wp, "hello [SEP] world", "hello [SEP] world");
    expect(wp, "hello[MASK]world", "hello [MASK] world");
    expect(wp, "[UNK][PAD]", "[UNK] [PAD]");
    expect(wp, "[sep]", "[ s ##e ##p ]");          /* case matters */
    expect(wp, "[SEP", "[ s ##e ##p");
    tl_wordpiece_free(wp);
}

static void test_utf8_helpers(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(tl_utf8_decode((const unsigned char *)"\xf0\x9f\xa6\x99", 4, &cp), 4);
    assert_int_equal(cp, 0x1F999);
    assert_int_equal(tl_utf8_decode((const unsigned char *)"\xf0\x9f\xa6", 3, &cp), 1);
    assert_int_equal(cp, TL_UTF8_REPLACEMENT);
    char out[4];
    assert_int_equal(tl_utf8_encode(0x20AC, out), 3);
    assert_memory_equal(out, "\xe2\x82\xac", 3);
    assert_int_equal(tl_utf8_encode(0xD800, out), 3);   /* written as U+FFFD */
    size_t bad = 0;
    assert_true(tl_utf8_check("h\xc3\xa9llo\xef\xbf\xbd", 9, &bad));
    assert_false(tl_utf8_check("h\xc3\xa9l\xe0\x80\x80", 7, &bad));
    assert_int_equal(bad, 4);
}

/* --- loading ----------------------------------------------------------- */

static void expect_load_error(const char *vocab, int code, const char *needle)
{
    tl_wordpiece *wp = (tl_wordpiece *)&wp;   /* must come back NULL */
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_wordpiece_load_mem(vocab, strlen(vocab), "v.txt", true, &wp, &err);
    if (rc != code || !strstr(err.msg, needle))
        fail_msg("vocab '%s': rc %d '%s', want %d with '%s'", vocab, rc, err.msg, code, needle);
    assert_null(wp);
}

static void test_load_errors(void **state)
{
    (void)state;
    tl_wordpiece *wp = NULL;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_wordpiece_load("/nonexistent/dir/vocab.txt", true, &wp, &err);
    assert_int_equal(rc, TL_ENOTFOUND);
    assert_null(wp);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/vocab.txt"));
    assert_non_null(strstr(err.msg, "No such file"));

    expect_load_error("", TL_EINPUT, "empty");
    expect_load_error("[UNK]\n[SEP]\nhello\n", TL_EINPUT, "no [CLS]");
    expect_load_error("[UNK]\n[CLS]\nhello\n", TL_EINPUT, "no [SEP]");
    expect_load_error("[CLS]\n[SEP]\nhello\n", TL_EINPUT, "no [UNK]");
    expect_load_error("[cls]\n[sep]\n[unk]\n", TL_EINPUT, "no [CLS]");
    expect_load_error("[CLS]\n[SEP]\n[UNK]\nbad\xff\n", TL_EINPUT, "v.txt:4:");

    /* A directory is not a vocabulary. */
    char *dir = tu_mkdtemp();
    rc = tl_wordpiece_load(dir, true, &wp, &err);
    assert_true(rc == TL_EIO || rc == TL_EINPUT);
    assert_null(wp);

    /* A file on disk, with CRLF line ends and no final newline. */
    char *path = tu_join(dir, "vocab.txt");
    tu_write_file(path, "[PAD]\r\n[CLS]\r\n[SEP]\r\n[UNK]\r\nhello\r\n##s\r\nhello");
    rc = tl_wordpiece_load(path, true, &wp, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(tl_wordpiece_vocab_size(wp), 7);
    /* "hello" is on lines 5 and 7: the later id wins, as in a Python dict. */
    assert_int_equal(tl_wordpiece_lookup(wp, "hello", 5), 6);
    assert_int_equal(tl_wordpiece_lookup(wp, "##s", 3), 5);
    assert_int_equal(tl_wordpiece_lookup(wp, "nope", 4), -1);
    size_t tl = 0;
    assert_string_equal(tl_wordpiece_token(wp, 4, &tl), "hello");
    assert_int_equal(tl, 5);
    assert_null(tl_wordpiece_token(wp, 7, NULL));
    assert_null(tl_wordpiece_token(wp, -1, NULL));
    expect(wp, "Hellos hello", "hello ##s hello");
    tl_wordpiece_free(wp);
    tl_wordpiece_free(NULL);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_cases),
        cmocka_unit_test(test_real_vocab_extras),
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_long_word_unk),
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_accents_and_case),
        cmocka_unit_test(test_cleaning),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_special_tokens_in_text),
        cmocka_unit_test(test_utf8_helpers),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
