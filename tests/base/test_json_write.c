/* test_json_write.c — tl_json_write writes exactly what jansson's
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(p)) writes: on chosen edge
 * cases and on thousands of random documents. */
#include "testutil.h"

#include <float.h>
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
