/* test_base.c — strings, numbers, months, buffers, string sets, errors. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cores.h"
#include "base/digest.h"
#include "base/dotenv.h"
#include "base/err.h"
#include "base/month.h"
#include "base/str.h"
#include "base/strset.h"
#include "base/vec.h"

static void test_parse_numbers(void **state)
{
    (void)state;
    int64_t i;
    assert_true(tl_parse_i64(" 42 ", &i));
    assert_int_equal(i, 42);
    assert_true(tl_parse_i64("-7", &i));
    assert_int_equal(i, -7);
    assert_false(tl_parse_i64("4x", &i));
    assert_false(tl_parse_i64("", &i));
    assert_false(tl_parse_i64("99999999999999999999", &i));
    double d;
    assert_true(tl_parse_double("1850", false, &d));
    assert_true(d == 1850.0);
    assert_true(tl_parse_double("$1,250.50", true, &d));
    assert_true(fabs(d - 1250.5) < 1e-9);
    assert_false(tl_parse_double("$1,250.50", false, &d));
    assert_false(tl_parse_double("nan", true, &d));
    assert_false(tl_parse_double("inf", false, &d));
    assert_false(tl_parse_double("0x10", false, &d));
    assert_false(tl_parse_double("12abc", true, &d));
    assert_true(tl_parse_double("-3.5", true, &d));
    assert_true(d == -3.5);
    bool b = false;
    assert_true(tl_parse_bool("YES", &b));
    assert_true(b);
    assert_true(tl_parse_bool("0", &b));
    assert_false(b);
    assert_false(tl_parse_bool("granted", &b));
    assert_false(tl_parse_bool("", &b));
    assert_false(tl_parse_bool(NULL, &b));
    char *low = tl_ascii_lower_dup("Visa PLATINUM é");
    assert_string_equal(low, "visa platinum é");
    free(low);
}

static void test_months(void **state)
{
    (void)state;
    int m;
    assert_true(tl_month_parse("Jan 2024", &m));
    assert_int_equal(m, 2024 * 12);
    assert_true(tl_month_parse("December 2023", &m));
    assert_int_equal(m, 2023 * 12 + 11);
    assert_true(tl_month_parse("2024-03", &m));
    assert_int_equal(m, 2024 * 12 + 2);
    assert_false(tl_month_parse("Foo 2024", &m));
    assert_false(tl_month_parse("2024-13", &m));
    assert_false(tl_month_parse("Jan 24", &m));
    char label[16];
    tl_month_format_label(2024 * 12 + 5, label, sizeof label);
    assert_string_equal(label, "Jun 2024");
    tl_month_format_label(999 * 12 + 11, label, sizeof label);
    assert_string_equal(label, "Dec 0999");
    tl_month_format_label(10000 * 12, label, sizeof label);
    assert_string_equal(label, "Jan 10000");
    char small[6];
    tl_month_format_label(2024 * 12, small, sizeof small);
    assert_string_equal(small, "Jan 2");
    tl_month_format_iso(2024 * 12 + 5, label, sizeof label);
    assert_string_equal(label, "2024-06");
    int day;
    assert_true(tl_date_parse("2024-02-29", &m, &day));
    assert_int_equal(day, 29);
    assert_false(tl_date_parse("2023-02-29", &m, &day));
    assert_false(tl_date_parse("2024-1-05", &m, &day));
    assert_true(tl_date_parse("2024-06-07T10:00:00Z", &m, &day));
}

static void test_buf_cap(void **state)
{
    (void)state;
    tl_buf b;
    tl_buf_init(&b, 10);
    assert_int_equal(tl_buf_puts(&b, "hello"), 0);
    assert_int_equal(tl_buf_printf(&b, "%d", 12345), 0);
    assert_string_equal(b.data, "hello12345");
    assert_int_equal(tl_buf_putc(&b, 'x'), TL_ETOOBIG);
    assert_string_equal(b.data, "hello12345");
    size_t len;
    char *s = tl_buf_steal(&b, &len);
    assert_int_equal(len, 10);
    assert_string_equal(s, "hello12345");
    free(s);
    /* extend: room handed out to fill, NUL-terminated, within the cap. */
    char *at;
    assert_int_equal(tl_buf_extend(&b, 4, &at), 0);
    memcpy(at, "abcd", 4);
    assert_int_equal(tl_buf_extend(&b, 6, &at), 0);
    memcpy(at, "efghij", 6);
    assert_string_equal(b.data, "abcdefghij");
    assert_int_equal(tl_buf_extend(&b, 1, &at), TL_ETOOBIG);
    assert_null(at);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "abcdefghij");
    tl_buf_free(&b);
    tl_buf_free(NULL);
}

static void test_strset(void **state)
{
    (void)state;
    tl_strset s;
    tl_strset_init(&s);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "id-%d", i);
        assert_int_equal(tl_strset_add(&s, key), 1);
    }
    assert_int_equal(tl_strset_add(&s, "id-7"), 0);
    assert_true(tl_strset_has(&s, "id-999"));
    assert_false(tl_strset_has(&s, "id-1000"));
    assert_int_equal(s.len, 1000);
    tl_strset_free(&s);
    tl_strset_free(NULL);
}

static void test_errors(void **state)
{
    (void)state;
    tl_err e;
    tl_err_clear(&e);
    assert_int_equal(tl_err_set(&e, TL_EINPUT, "row %d", 3), TL_EINPUT);
    tl_err_prefix(&e, "file.csv");
    assert_string_equal(e.msg, "file.csv: row 3");
    assert_string_equal(tl_strerror(TL_ENOTFOUND), "not found");
    assert_int_equal(tl_err_set(NULL, TL_EIO, "x"), TL_EIO);
    char small[4];
    assert_int_equal(tl_strlcpy(small, "abcdef", sizeof small), 6);
    assert_string_equal(small, "abc");
}

static void test_dotenv(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *path = tu_join(dir, ".env");
    tu_write_file(path, "# comment\n\nTL_TEST_A=one\nexport TL_TEST_B=\"two words\"\n"
                        "TL_TEST_C=from-file\n");
    setenv("TL_TEST_C", "from-env", 1);
    tl_err err;
    assert_int_equal(tl_dotenv_load(path, &err), 0);
    assert_string_equal(getenv("TL_TEST_A"), "one");
    assert_string_equal(getenv("TL_TEST_B"), "two words");
    assert_string_equal(getenv("TL_TEST_C"), "from-env");   /* environment wins */
    tu_write_file(path, "OK=1\nthis line is wrong\n");
    assert_int_equal(tl_dotenv_load(path, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, ".env:2:"));
    char *missing = tu_join(dir, "absent.env");
    assert_int_equal(tl_dotenv_load(missing, &err), 0);
    free(missing);
    tu_rmtree(dir);
    free(path);
    free(dir);
}

static void test_digest(void **state)
{
    (void)state;
    char h[TL_SHA256_HEX_LEN + 1];
    tl_sha256_hex("abc", 3, h);   /* FIPS 180-2 example */
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* RFC 4231 test case 2 */
    tl_hmac_sha256_hex("Jefe", 4, "what do ya want for nothing?", 28, h);
    assert_string_equal(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_true(tl_digest_equal("abcd", "abcd", 4));
    assert_false(tl_digest_equal("abcd", "abce", 4));
}

/* Every length around the 16-lane blocks, against a double-precision sum
 * (the lanes must cover every element exactly once, tail included). */
static void test_vec_dot(void **state)
{
    (void)state;
    float a[531], b[531];
    for (size_t i = 0; i < 531; i++) {
        a[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
        b[i] = (float)((i * 53) % 89) / 44.0f - 1.0f;
    }
    assert_true(tl_vec_dot(a, b, 0) == 0.0f);
    for (size_t n = 1; n <= 531; n++) {
        double want = 0;
        for (size_t i = 0; i < n; i++)
            want += (double)a[i] * b[i];
        double got = tl_vec_dot(a, b, n);
        if (fabs(got - want) > 1e-4 * (1 + fabs(want)))
            fail_msg("n=%zu: %.7g, want %.7g", n, got, want);
    }
    /* Orthogonal and self products. */
    float x[3] = {1, 0, 0}, y[3] = {0, 2, 0};
    assert_true(tl_vec_dot(x, y, 3) == 0.0f);
    assert_true(tl_vec_dot(y, y, 3) == 4.0f);
}

/* tl_str_find gives strstr's answer for every needle cut from a text and
 * for needles that are not in it, at every offset of the haystack; the
 * haystack is not NUL-terminated where it ends, and bytes past it never
 * match. */
static void test_str_find(void **state)
{
    (void)state;
    const char text[] = "my visa platinum card, the visa card; aaab aab ab";
    size_t n = strlen(text);
    const char *absent[] = {"mastercard", "aaaab", "visa  card", "x"};
    for (size_t off = 0; off <= n; off++) {
        const char *hay = text + off;
        size_t hay_len = n - off;
        for (size_t i = 0; i < n; i++)
            for (size_t len = 0; i + len <= n && len < 12; len++) {
                char needle[16];
                memcpy(needle, text + i, len);
                needle[len] = '\0';
                if (tl_str_find(hay, hay_len, needle, len) != strstr(hay, needle))
                    fail_msg("offset %zu, needle '%s'", off, needle);
            }
        for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
            assert_null(tl_str_find(hay, hay_len, absent[i], strlen(absent[i])));
    }
    /* The match must lie inside hay_len: " ab" is only at the very end. */
    assert_null(tl_str_find(text, n - 1, " ab", 3));
    assert_ptr_equal(tl_str_find(text, n, " ab", 3), text + n - 3);
    assert_ptr_equal(tl_str_find(text, 0, "", 0), text);
    assert_null(tl_str_find(text, 0, "m", 1));
}

/* Within the bounds whatever the machine: its own count between them. */
static void test_online_cores(void **state)
{
    (void)state;
    unsigned n = tl_online_cores(1, 4096);
    assert_true(n >= 1);
    assert_int_equal(tl_online_cores(1, 1), 1);
    assert_int_equal(tl_online_cores(5000, 6000), 5000);   /* more than any machine has */
    assert_int_equal(tl_online_cores(1, n), n);
    assert_true(tl_online_cores(2, 16) >= 2 && tl_online_cores(2, 16) <= 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_numbers), cmocka_unit_test(test_months),
        cmocka_unit_test(test_buf_cap),       cmocka_unit_test(test_strset),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_dotenv),
        cmocka_unit_test(test_digest),        cmocka_unit_test(test_vec_dot),
        cmocka_unit_test(test_str_find),      cmocka_unit_test(test_online_cores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
