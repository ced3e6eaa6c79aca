/* test_json_write.c — tl_json_write writes exactly what jansson's
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(p)) writes: on chosen edge
 * cases and on thousands of random documents. */
#include "testutil.h"

#include <float.h>
#include <stdbool.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"

/* Fails the test, showing both texts, unless the two writers agree. */
static void assert_same(const json_t *v, int precision)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(precision));
    assert_non_null(want);
    tl_buf b;
    tl_buf_init(&b, 64u << 20);
    assert_int_equal(tl_json_write(&b, v, precision), 0);
    if (strcmp(want, b.data ? b.data : "") != 0) {
        fprintf(stderr, "precision %d\n  jansson: %s\n  ours:    %s\n", precision, want, b.data);
        fail();
    }
    free(want);
    tl_buf_free(&b);
}

static const double edge_reals[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.967, 0.96699999999999997, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
    0.001, 0.0009999999, 0.00099999999999999, 0.0015, 1e-4, 1e-5, 1.5e-7, 123456.5,
    123456789.123, 999999999.999, 999999999.9995, 1e9, 1e9 + 0.5, 123456789012.0,
    999999999999.0, 1e12, 1e15, 1e16, 1e21, 1e100, -1e-300, 5e-324, DBL_MAX, -DBL_MAX,
    DBL_MIN, 0.125, 2.675, 1.005, 1234.5678, -98765.4321, 0.30000000000000004, 100.0,
    1e-3 * 7, 12.34, 0.07, 3.14159265358979, 42.000000000001, 42.00000000001, 0.0005,
    0.0004999, -0.001, 17.0 / 1000, 999.9999999999, 999.99999999999, 4503599627370496.0,
};

static void test_edge_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof edge_reals / sizeof *edge_reals; i++)
        for (int p = 1; p <= 17; p++) {
            json_t *v = json_real(edge_reals[i]);
            assert_non_null(v);
            assert_same(v, p);
            json_decref(v);
        }
    static const json_int_t ints[] = {0, 1, -1, 9, 10, -10, 1234567890123LL, INT64_MAX, INT64_MIN};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        json_t *v = json_integer(ints[i]);
        assert_same(v, 12);
        json_decref(v);
    }
    static const char nul_text[] = "a\0b";
    json_t *doc = json_pack("{s:s, s:s, s:s, s:[b, b, n], s:{}, s:[], s:o}", "plain", "caf\xc3\xa9 /x",
                            "escapes", "\"q\" \\ \b\f\n\r\t \x01\x1f\x7f", "empty", "", "lits", 1,
                            0, "obj", "arr", "nul", json_stringn(nul_text, 3));
    assert_non_null(doc);
    json_object_setn_new(doc, "k\0ey", 4, json_integer(7));
    assert_same(doc, 12);
    json_decref(doc);
}

/* A small, fixed generator: the same documents on every run. */
static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double random_real(void)
{
    switch (next() % 6) {
    case 0: /* rounded to three decimals, as the API's scores are */
        return round(((double)(int64_t)(next() % 2000000000) - 1e9) / 1000.0 * 1000) / 1000 /
               (double)(1 + next() % 1000);
    case 1:
        return round((double)(next() % 100000000) / 7.0) / 1000.0;
    case 2: { /* any bit pattern that is a finite double */
        uint64_t bits = next();
        double d;
        memcpy(&d, &bits, sizeof d);
        return isfinite(d) ? d : 1.5;
    }
    case 3:
        return (double)(next() % 1000) * pow(10.0, (double)(int)(next() % 40) - 20);
    case 4:
        return ((double)(next() % 1000000) + 0.5) / 1000.0;
    default:
        return (double)(int64_t)next() / 3.0;
    }
}

static json_t *random_value(int depth)
{
    int kind = depth > 4 ? (int)(next() % 5) : (int)(next() % 7);
    switch (kind) {
    case 0:
        return json_real(random_real());
    case 1:
        return json_integer((json_int_t)next() >> (next() % 64));
    case 2: {
        char s[24];
        size_t n = next() % sizeof s;
        for (size_t i = 0; i < n; i++)
            s[i] = (char)(next() % 128);   /* ASCII, control bytes and NUL included */
        return json_stringn(s, n);
    }
    case 3:
        return json_boolean(next() & 1);
    case 4:
        return json_null();
    case 5: {
        json_t *a = json_array();
        for (int i = (int)(next() % 6); i > 0; i--)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int i = (int)(next() % 6); i > 0; i--) {
            char key[12];
            snprintf(key, sizeof key, "k%u", (unsigned)(next() % 1000));
            json_object_set_new(o, key, random_value(depth + 1));
        }
        return o;
    }
    }
}

static void test_random_documents(void **state)
{
    (void)state;
    for (int i = 0; i < 5000; i++) {
        json_t *v = random_value(0);
        assert_non_null(v);
        assert_same(v, i % 3 == 0 ? 12 : 1 + (int)(next() % 17));
        json_decref(v);
    }
}

/* Strings are read 8 bytes a step until one needs an escape: each
 * special byte at every offset of strings of every length up to 40, among
 * bytes that need none (0x20, 0x7f, UTF-8), is found and escaped as
 * jansson escapes it. */
static void test_string_escapes_at_every_offset(void **state)
{
    (void)state;
    static const char specials[] = {'"', '\\', '\n', 0x1f, 0x01, '\t'};
    for (size_t len = 1; len <= 40; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof specials; k++) {
                char text[48];
                for (size_t i = 0; i < len; i++)
                    text[i] = "a \x7f~"[i % 4];
                if (len >= 4) {   /* a two-byte character somewhere else */
                    size_t u = (at + 2) % (len - 1);
                    if (u != at && u + 1 != at) {
                        text[u] = (char)0xc3;
                        text[u + 1] = (char)0xa9;
                    }
                }
                text[at] = specials[k];
                json_t *v = json_stringn(text, len);
                assert_non_null(v);
                assert_same(v, 12);
                json_decref(v);
            }
}

/* Streams v through the tl_jw calls; false when v holds a string with a
 * NUL (tl_jw_str takes C strings) or nests too deep, which the caller
 * skips. */
static bool stream_value(tl_jw *w, const json_t *v, int depth)
{
    const char *key;
    json_t *x;
    size_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        if (depth + 1 >= TL_JW_MAX_DEPTH)
            return false;
        tl_jw_object(w);
        json_object_foreach((json_t *)v, key, x) {
            tl_jw_key(w, key);
            if (!stream_value(w, x, depth + 1))
                return false;
        }
        tl_jw_end(w, '}');
        return true;
    case JSON_ARRAY:
        if (depth + 1 >= TL_JW_MAX_DEPTH)
            return false;
        tl_jw_array(w);
        json_array_foreach(v, i, x)
            if (!stream_value(w, x, depth + 1))
                return false;
        tl_jw_end(w, ']');
        return true;
    case JSON_STRING:
        if (strlen(json_string_value(v)) != json_string_length(v))
            return false;
        tl_jw_str(w, json_string_value(v));
        return true;
    case JSON_INTEGER:
        tl_jw_int(w, json_integer_value(v));
        return true;
    case JSON_REAL:
        tl_jw_real(w, json_real_value(v));
        return true;
    case JSON_TRUE:
    case JSON_FALSE:
        tl_jw_bool(w, json_is_true(v));
        return true;
    case JSON_NULL:
        tl_jw_null(w);
        return true;
    }
    return false;
}

/* The streaming writer gives tl_json_write's text at precision 12 for
 * the same document, written value by value. */
static void test_stream_random_documents(void **state)
{
    (void)state;
    int compared = 0;
    for (int i = 0; i < 5000; i++) {
        json_t *v = random_value(0);
        tl_buf want, got;
        tl_buf_init(&want, 1u << 20);
        tl_buf_init(&got, 1u << 20);
        tl_jw w;
        tl_jw_init(&w, &got);
        assert_int_equal(tl_json_write(&want, v, 12), 0);
        if (stream_value(&w, v, 0)) {
            assert_int_equal(w.rc, 0);
            assert_int_equal(w.depth, 0);
            if (strcmp(want.data, got.data) != 0)
                fail_msg("tl_json_write: %s\ntl_jw:         %s", want.data, got.data);
            compared++;
        }
        tl_buf_free(&want);
        tl_buf_free(&got);
        json_decref(v);
    }
    assert_true(compared > 2000);
}

/* Invalid UTF-8 is written as U+FFFD, so the text always reads back;
 * NULL strings are null; valid multi-byte text is kept as it is. */
static void test_stream_strings(void **state)
{
    (void)state;
    tl_buf b;
    tl_buf_init(&b, 4096);
    tl_jw w;
    tl_jw_init(&w, &b);
    tl_jw_object(&w);
    tl_jw_key(&w, "cut");
    tl_jw_str(&w, "caf\xc3");              /* a text cut inside a character */
    tl_jw_key(&w, "bad");
    tl_jw_str(&w, "a\xff\xc0\x80\xed\xa0\x80z");   /* not UTF-8, overlong, a surrogate */
    tl_jw_key(&w, "ok");
    tl_jw_str(&w, "\xe2\x82\xac 5 \xf0\x9f\x98\x80 \"q\"\n");
    tl_jw_key(&w, "none");
    tl_jw_str(&w, NULL);
    tl_jw_key(&w, "list");
    tl_jw_array(&w);
    tl_jw_int(&w, -3);
    tl_jw_real(&w, 0.1235);
    tl_jw_bool(&w, 0);
    tl_jw_object(&w);
    tl_jw_end(&w, '}');
    tl_jw_end(&w, ']');
    tl_jw_end(&w, '}');
    assert_int_equal(w.rc, 0);
    assert_string_equal(b.data, "{\"cut\":\"caf\xef\xbf\xbd\",\"bad\":\"a\xef\xbf\xbd"
                                "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                "\xef\xbf\xbdz\",\"ok\":\"\xe2\x82\xac 5 \xf0\x9f\x98\x80 "
                                "\\\"q\\\"\\n\",\"none\":null,\"list\":[-3,0.1235,false,{}]}");
    json_error_t je;
    json_t *back = json_loads(b.data, 0, &je);
    assert_non_null(back);
    json_decref(back);
    tl_buf_free(&b);
}

/* Errors stick: too deep, closing nothing, a full buffer, a real that is
 * not finite; nothing is written after the first. */
static void test_stream_errors(void **state)
{
    (void)state;
    tl_buf b;
    tl_buf_init(&b, 4096);
    tl_jw w;
    tl_jw_init(&w, &b);
    for (int i = 0; i < TL_JW_MAX_DEPTH; i++)
        tl_jw_array(&w);
    assert_int_not_equal(w.rc, 0);
    size_t len = b.len;
    tl_jw_int(&w, 1);
    tl_jw_end(&w, ']');
    assert_int_equal(b.len, len);

    tl_buf_reset(&b);
    tl_jw_init(&w, &b);
    tl_jw_end(&w, '}');
    assert_int_not_equal(w.rc, 0);

    tl_buf_reset(&b);
    tl_jw_init(&w, &b);
    tl_jw_real(&w, NAN);
    assert_int_not_equal(w.rc, 0);

    tl_buf small;
    tl_buf_init(&small, 8);
    tl_jw_init(&w, &small);
    tl_jw_array(&w);
    tl_jw_str(&w, "longer than eight bytes");
    assert_int_not_equal(w.rc, 0);
    tl_buf_free(&small);
    tl_buf_free(&b);
}

static void write_pair(tl_jw *w, const void *ctx)
{
    tl_jw_object(w);
    tl_jw_key(w, "n");
    tl_jw_int(w, *(const int *)ctx);
    tl_jw_key(w, "s");
    tl_jw_str(w, "x");
    if (*(const int *)ctx >= 0)
        tl_jw_end(w, '}');   /* a negative n leaves the object open */
}

/* tl_jw_tree: what a writer writes, as a tree; nothing for an unfinished
 * document. */
static void test_stream_tree(void **state)
{
    (void)state;
    int n = 7;
    json_t *doc = tl_jw_tree(write_pair, &n);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "n")), 7);
    assert_string_equal(json_string_value(json_object_get(doc, "s")), "x");
    json_decref(doc);
    n = -1;
    assert_null(tl_jw_tree(write_pair, &n));
}

static void test_errors(void **state)
{
    (void)state;
    tl_buf b;
    tl_buf_init(&b, 8);
    json_t *v = json_string("longer than eight bytes");
    assert_int_not_equal(tl_json_write(&b, v, 12), 0);
    assert_int_not_equal(tl_json_write(&b, NULL, 12), 0);
    assert_int_not_equal(tl_json_write(&b, v, 0), 0);
    json_decref(v);
    tl_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_string_escapes_at_every_offset),
        cmocka_unit_test(test_stream_random_documents),
        cmocka_unit_test(test_stream_strings),
        cmocka_unit_test(test_stream_errors),
        cmocka_unit_test(test_stream_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
