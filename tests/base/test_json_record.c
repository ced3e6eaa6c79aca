/* test_json_record.c — tl_record's fields and lists, read in one pass where
 * it can vouch for the text and through jansson where it cannot, with the
 * same answers either way. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_record.h"

static tl_record *read_text(const char *text)
{
    tl_record *r;
    tl_err err;
    assert_int_equal(tl_record_read(text, &r, &err), 0);
    return r;
}

static void assert_field(const tl_record *r, const char *key, const char *want)
{
    char buf[64];
    const char *got = tl_record_field(r, key, buf, sizeof buf);
    if (strcmp(got, want) != 0)
        fail_msg("field %s: got \"%s\", expected \"%s\"", key, got, want);
}

typedef struct joined {
    char text[256];
    size_t stop_after;
} joined;

static int join(void *ctx, const char *s)
{
    joined *j = ctx;
    size_t len = strlen(j->text);
    snprintf(j->text + len, sizeof j->text - len, "%s%s", len ? "|" : "", s);
    return j->stop_after && --j->stop_after == 0;
}

static void assert_list(const tl_record *r, const char *key, size_t stop_after, size_t calls,
                        const char *want)
{
    joined j = {"", stop_after};
    assert_int_equal(tl_record_strings(r, key, join, &j), calls);
    assert_string_equal(j.text, want);
}

/* Every kind of member, one pass: strings as they are, numbers as %g, true
 * and false as Yes and No, the rest as "". */
static void test_kinds(void **state)
{
    (void)state;
    tl_record *r = read_text(
        " {\"Name\" : \"Zoë Ann\", \"Age\":\"41\", \"Balance\":1250.5, \"Accounts\":3,"
        "\"Big\":-12345678912,\"Small\":1e-3,\"VAT\":true,\"Closed\":false,\"Note\":null,"
        "\"Modes\":[\"Card\",7,\"ACH Transfer\",{\"x\":\"y\"}],\"Address\":{\"City\":\"Leeds\"},"
        "\"\":\"empty key\"}\n");
    assert_true(tl_record_scanned(r));
    assert_field(r, "Name", "Zoë Ann");
    assert_field(r, "Age", "41");
    assert_field(r, "Balance", "1250.5");
    assert_field(r, "Accounts", "3");
    assert_field(r, "Big", "-1.23457e+10");
    assert_field(r, "Small", "0.001");
    assert_field(r, "VAT", "Yes");
    assert_field(r, "Closed", "No");
    assert_field(r, "Note", "");
    assert_field(r, "Modes", "");
    assert_field(r, "Address", "");
    assert_field(r, "City", "");   /* nested members are not the record's */
    assert_field(r, "", "empty key");
    assert_field(r, "name", "");   /* keys are case-sensitive */
    assert_list(r, "Modes", 0, 2, "Card|ACH Transfer");
    assert_list(r, "Modes", 1, 1, "Card");
    assert_list(r, "Name", 0, 0, "");
    assert_list(r, "Missing", 0, 0, "");
    tl_record_free(r);
}

/* The last of duplicate members counts, as in jansson's tree. */
static void test_duplicates(void **state)
{
    (void)state;
    tl_record *r = read_text("{\"a\":\"first\",\"b\":1,\"a\":\"second\",\"b\":true}");
    assert_true(tl_record_scanned(r));
    assert_field(r, "a", "second");
    assert_field(r, "b", "Yes");
    tl_record_free(r);
}

/* Text the one pass leaves to jansson still answers, the same way. */
static void test_handed_to_jansson(void **state)
{
    (void)state;
    tl_record *r = read_text("{\"name\":\"Jos\\u00e9\",\"q\":\"say \\\"hi\\\"\",\"n\":2,"
                             "\"l\":[\"a\\tb\",\"c\"]}");
    assert_false(tl_record_scanned(r));
    assert_field(r, "name", "José");
    assert_field(r, "q", "say \"hi\"");
    assert_field(r, "n", "2");
    assert_list(r, "l", 0, 2, "a\tb|c");
    tl_record_free(r);

    /* An integer past long long: jansson refuses the text, so no field. */
    r = read_text("{\"a\":\"x\",\"n\":123456789012345678901}");
    assert_false(tl_record_scanned(r));
    assert_field(r, "a", "");
    tl_record_free(r);
    /* A real that overflows: likewise. One that underflows reads as 0. */
    r = read_text("{\"a\":\"x\",\"r\":1e400}");
    assert_field(r, "a", "");
    tl_record_free(r);
    r = read_text("{\"a\":\"x\",\"r\":1e-400}");
    assert_true(tl_record_scanned(r));
    assert_field(r, "r", "0");
    tl_record_free(r);

    /* Deeper than the one pass goes, and more members than it notes. */
    char deep[512];
    int at = snprintf(deep, sizeof deep, "{\"a\":\"x\",\"d\":");
    for (int i = 0; i < 2 * (TL_RECORD_MAX_DEPTH + 2); i++)
        deep[at++] = i < TL_RECORD_MAX_DEPTH + 2 ? '[' : ']';
    snprintf(deep + at, sizeof deep - (size_t)at, "}");
    r = read_text(deep);
    assert_false(tl_record_scanned(r));
    assert_field(r, "a", "x");
    tl_record_free(r);
    size_t cap = 20 * (TL_RECORD_MAX_MEMBERS + 2), len = 1;
    char *many = malloc(cap);
    assert_non_null(many);
    many[0] = '{';
    for (int i = 0; i <= TL_RECORD_MAX_MEMBERS; i++)
        len += (size_t)snprintf(many + len, cap - len, "%s\"k%d\":%d", i ? "," : "", i, i);
    snprintf(many + len, cap - len, "}");
    r = read_text(many);
    assert_false(tl_record_scanned(r));
    assert_field(r, "k0", "0");
    assert_field(r, "k256", "256");
    tl_record_free(r);
    free(many);
}

/* Anything but one well-formed object reads as no members. */
static void test_not_an_object(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "", "   ", "[{\"a\":\"x\"}]", "\"a\"", "5", "{\"a\":\"x\"", "{\"a\":\"x\",}",
        "{\"a\":\"x\"} trailing", "{\"a\":01}", "{\"a\":\"x\"}{}", "{\"a\":\"\x01\"}",
        "{\"a\":\"\xc3\x28\"}", "{\"a\":\"\xed\xa0\x80\"}", "{a:\"x\"}", "{\"a\":tru}",
        "{\"a\":\"x\" \"b\":\"y\"}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":.5}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        tl_record *r = read_text(texts[i]);
        assert_field(r, "a", "");
        assert_list(r, "a", 0, 0, "");
        tl_record_free(r);
    }
    tl_record *r = read_text(NULL);
    assert_field(r, "a", "");
    tl_record_free(r);
    r = read_text("{}");
    assert_true(tl_record_scanned(r));
    assert_field(r, "a", "");
    tl_record_free(r);
    assert_field(NULL, "a", "");
    tl_record_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_handed_to_jansson),
        cmocka_unit_test(test_not_an_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
