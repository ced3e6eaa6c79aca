/* test_router.c — route matching, parameters, 404/405/400 outcomes. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "http/handlers.h"
#include "http/router.h"

static const tl_route routes[] = {
    {"GET", "/customer_data/{id}", 0, "", TL_ACCESS_ANALYST, NULL},
    {"GET", "/api/v1/customers", 1, "", TL_ACCESS_ANALYST, "q  limit offset"},
    {"GET", "/api/v1/customers/{id}", 2, "", TL_ACCESS_ANALYST, ""},
    {"PUT", "/api/v1/customers/{id}", 3, "", TL_ACCESS_ANALYST, ""},
    {"GET", "/api/v1/customers/{id}/forecast", 4, "", TL_ACCESS_ANALYST, "method"},
};
#define N (sizeof routes / sizeof *routes)

static void test_match(void **state)
{
    (void)state;
    const tl_route *r;
    tl_route_params p;
    assert_int_equal(tl_route_match(routes, N, "GET", "/customer_data/Alice1", &r, &p),
                     TL_ROUTE_FOUND);
    assert_int_equal(r->handler, 0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.values[0], "Alice1");
    assert_int_equal(tl_route_match(routes, N, "GET", "/api/v1/customers", &r, &p),
                     TL_ROUTE_FOUND);
    assert_int_equal(r->handler, 1);
    assert_int_equal(tl_route_match(routes, N, "GET", "/api/v1/customers/", &r, &p),
                     TL_ROUTE_FOUND);
    assert_int_equal(r->handler, 1);
    assert_int_equal(tl_route_match(routes, N, "PUT", "/api/v1/customers/x", &r, &p),
                     TL_ROUTE_FOUND);
    assert_int_equal(r->handler, 3);
    assert_int_equal(tl_route_match(routes, N, "GET", "/api/v1/customers/x/forecast", &r, &p),
                     TL_ROUTE_FOUND);
    assert_int_equal(r->handler, 4);
    assert_string_equal(p.values[0], "x");
}

static void test_misses(void **state)
{
    (void)state;
    const tl_route *r;
    tl_route_params p;
    assert_int_equal(tl_route_match(routes, N, "GET", "/nope", &r, &p), TL_ROUTE_NOT_FOUND);
    assert_int_equal(tl_route_match(routes, N, "GET", "/api/v1/customers/x/y", &r, &p),
                     TL_ROUTE_NOT_FOUND);
    assert_int_equal(tl_route_match(routes, N, "DELETE", "/api/v1/customers/x", &r, &p),
                     TL_ROUTE_BAD_METHOD);
    /* An empty ID is a bad request, not an unknown route. */
    assert_int_equal(tl_route_match(routes, N, "GET", "/customer_data//", &r, &p),
                     TL_ROUTE_BAD_PARAM);
    char long_path[600] = "/customer_data/";
    memset(long_path + strlen(long_path), 'a', 300);
    long_path[315] = '\0';
    assert_int_equal(tl_route_match(routes, N, "GET", long_path, &r, &p), TL_ROUTE_BAD_PARAM);
    assert_int_equal(tl_route_match(routes, N, "GET", "", &r, &p), TL_ROUTE_NOT_FOUND);
}

/* Every route of the real table is reachable and has a handler. */
static void test_real_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < tl_routes_count; i++) {
        char path[256];
        const char *pat = tl_routes[i].pattern;
        size_t j = 0;
        for (const char *c = pat; *c && j < sizeof path - 4; c++) {
            if (*c == '{') {
                path[j++] = 'X';
                while (*c && *c != '}')
                    c++;
            } else {
                path[j++] = *c;
            }
        }
        path[j] = '\0';
        const tl_route *r;
        tl_route_params p;
        assert_int_equal(
            tl_route_match(tl_routes, tl_routes_count, tl_routes[i].method, path, &r, &p),
            TL_ROUTE_FOUND);
        assert_ptr_equal(r, &tl_routes[i]);
        assert_non_null(tl_handlers[r->handler]);
    }
}

static void check_unescape(const char *in, const char *want)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", in);
    size_t n = tl_route_unescape(buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_unescape(void **state)
{
    (void)state;
    check_unescape("/customer_data/Ann%20Lee", "/customer_data/Ann Lee");
    check_unescape("/a/%27%3B--%22", "/a/';--\"");
    check_unescape("/a/..%2f..%2Fetc", "/a/../../etc");
    /* Control characters and broken escapes stay as written. */
    check_unescape("/a/Ann1%00x", "/a/Ann1%00x");
    check_unescape("/a/%0d%0aSet-Cookie:%7f", "/a/%0d%0aSet-Cookie:%7f");
    check_unescape("/a/%", "/a/%");
    check_unescape("/a/%4", "/a/%4");
    check_unescape("/a/%zz%4g", "/a/%zz%4g");
    check_unescape("a+b%2B", "a+b+");
    check_unescape("", "");
}

/* A route's query list: whole names only, any spacing; NULL checks none. */
static void test_query_known(void **state)
{
    (void)state;
    assert_true(tl_route_query_known(&routes[0], "anything"));
    assert_true(tl_route_query_known(&routes[1], "q"));
    assert_true(tl_route_query_known(&routes[1], "limit"));
    assert_true(tl_route_query_known(&routes[1], "offset"));
    assert_false(tl_route_query_known(&routes[1], "lim"));
    assert_false(tl_route_query_known(&routes[1], "limits"));
    assert_false(tl_route_query_known(&routes[1], ""));
    assert_false(tl_route_query_known(&routes[1], "search"));
    assert_false(tl_route_query_known(&routes[2], "q"));
    assert_false(tl_route_query_known(&routes[2], ""));
    assert_true(tl_route_query_known(&routes[4], "method"));
    assert_false(tl_route_query_known(&routes[4], "metho"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_match), cmocka_unit_test(test_misses),
                                       cmocka_unit_test(test_real_table),
                                       cmocka_unit_test(test_unescape),
                                       cmocka_unit_test(test_query_known)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
