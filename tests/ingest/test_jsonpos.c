/* test_jsonpos.c — locating values in JSON text without parsing it. */
#include "testutil.h"

#include <string.h>

#include "ingest/jsonpos.h"

static void test_member(void **state)
{
    (void)state;
    const char *doc = "{\"a\": \"x,}\", \"list\": [1, {\"b\": [2]}, \"]\"], \"n\": 3}";
    size_t off, len;
    assert_int_equal(tl_jsonpos_member(doc, strlen(doc), "list", &off, &len), 1);
    assert_int_equal(len, strlen("[1, {\"b\": [2]}, \"]\"]"));
    assert_memory_equal(doc + off, "[1, {\"b\": [2]}, \"]\"]", len);
    assert_int_equal(tl_jsonpos_member(doc, strlen(doc), "n", &off, &len), 1);
    assert_memory_equal(doc + off, "3", len);
    assert_int_equal(tl_jsonpos_member(doc, strlen(doc), "b", &off, &len), 0); /* not top level */
    assert_int_equal(tl_jsonpos_member(doc, strlen(doc), "missing", &off, &len), 0);
    assert_int_equal(tl_jsonpos_member("[1,2]", 5, "a", &off, &len), 0);
    assert_int_equal(tl_jsonpos_member("{\"a\":", 5, "a", &off, &len), 0);
    assert_int_equal(tl_jsonpos_member("", 0, "a", &off, &len), 0);
}

static void test_locate(void **state)
{
    (void)state;
    const char *doc = "[\n  {\"id\": 1},\n  {\"id\": 2,\n   \"age\": -4}\n]";
    int line, col;
    tl_jsonpos_locate(doc, strlen(doc), 1, "age", &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 11);
    tl_jsonpos_locate(doc, strlen(doc), 7, "age", &line, &col);   /* no such element */
    assert_int_equal(line, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_member),
                                       cmocka_unit_test(test_locate)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
