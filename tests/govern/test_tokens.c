/* test_tokens.c — token files and lists, lookup, bearer headers, access
 * sets, loopback addresses and the rate limiter's buckets. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "govern/access.h"
#include "govern/ratelimit.h"
#include "govern/tokens.h"

#define ADMIN_TOK "admin-0123456789abcdef"
#define APP_TOK "app-0123456789abcdef"
#define ANALYST_TOK "analyst-0123456789abcdef"

static tl_tokens *parse_file(const char *text, int expect_rc, tl_err *err)
{
    tl_tokens *t;
    assert_int_equal(tl_tokens_new(&t, err), 0);
    assert_int_equal(tl_tokens_parse_file_text(t, "tokens.txt", text, strlen(text), err),
                     expect_rc);
    return t;
}

/* Fails unless parsing `text` fails with exactly `msg`, which must not
 * contain the secret `secret` (may be NULL). */
static void expect_file_error(const char *text, const char *msg, const char *secret)
{
    tl_err err;
    tl_tokens *t = parse_file(text, TL_EINPUT, &err);
    assert_string_equal(err.msg, msg);
    if (secret)
        assert_null(strstr(err.msg, secret));
    assert_int_equal(tl_tokens_count(t), 0);
    tl_tokens_free(t);
}

static void test_file_ok(void **state)
{
    (void)state;
    tl_err err;
    tl_tokens *t = parse_file("# API tokens\n\n"
                              "admin " ADMIN_TOK "\r\n"
                              "  app\t" APP_TOK "   # the mobile app\n"
                              "analyst " ANALYST_TOK,
                              TL_OK, &err);
    assert_int_equal(tl_tokens_count(t), 3);
    tl_role role;
    char fp[TL_TOKEN_FP_LEN + 1];
    assert_int_equal(tl_tokens_lookup(t, ADMIN_TOK, strlen(ADMIN_TOK), &role, fp), TL_OK);
    assert_int_equal(role, TL_ROLE_ADMIN);
    assert_int_equal(strlen(fp), TL_TOKEN_FP_LEN);
    char hash[TL_SHA256_HEX_LEN + 1];
    tl_sha256_hex(ADMIN_TOK, strlen(ADMIN_TOK), hash);
    assert_memory_equal(fp, hash, TL_TOKEN_FP_LEN);
    assert_int_equal(tl_tokens_lookup(t, APP_TOK, strlen(APP_TOK), &role, fp), TL_OK);
    assert_int_equal(role, TL_ROLE_APP);
    assert_int_equal(tl_tokens_lookup(t, ANALYST_TOK, strlen(ANALYST_TOK), &role, fp), TL_OK);
    assert_int_equal(role, TL_ROLE_ANALYST);
    /* A prefix, an extension, a one-letter change: all unknown. */
    assert_int_equal(tl_tokens_lookup(t, ADMIN_TOK, strlen(ADMIN_TOK) - 1, &role, fp),
                     TL_ENOTFOUND);
    assert_int_equal(tl_tokens_lookup(t, ADMIN_TOK "x", strlen(ADMIN_TOK) + 1, &role, fp),
                     TL_ENOTFOUND);
    assert_int_equal(tl_tokens_lookup(t, "admin-0123456789abcdeF", 22, &role, fp),
                     TL_ENOTFOUND);
    assert_int_equal(tl_tokens_lookup(t, "", 0, &role, fp), TL_ENOTFOUND);
    tl_tokens_free(t);
}

static void test_file_errors(void **state)
{
    (void)state;
    expect_file_error("admin " ADMIN_TOK "\n\nroot " APP_TOK "\n",
                      "tokens.txt:3: unknown role \"root\" (expected app, analyst or admin)",
                      APP_TOK);
    /* The token written first: its text must not be echoed. */
    expect_file_error(ADMIN_TOK " admin\n",
                      "tokens.txt:1: unknown role (expected app, analyst or admin, then the "
                      "token)",
                      ADMIN_TOK);
    expect_file_error("# c\napp\n", "tokens.txt:2: missing token after the role app", NULL);
    expect_file_error("app   # no token\n", "tokens.txt:1: missing token after the role app",
                      NULL);
    expect_file_error("admin short-secret1\n",
                      "tokens.txt:1: token too short (13 characters; at least 16)",
                      "short-secret1");
    expect_file_error("admin " ADMIN_TOK "\napp " APP_TOK "\nanalyst " ADMIN_TOK "\n",
                      "tokens.txt:3: duplicate token (same as line 1)", ADMIN_TOK);
    expect_file_error("admin " ADMIN_TOK " extra\n",
                      "tokens.txt:1: unexpected text after the token (one ROLE TOKEN pair each)",
                      ADMIN_TOK);
    expect_file_error("admin admin-0123456789\"abcdef\n",
                      "tokens.txt:1: the token has a character outside A-Z a-z 0-9 - . _ ~ + / "
                      "= (its character 17)",
                      NULL);
    expect_file_error("Admin " ADMIN_TOK "\n",
                      "tokens.txt:1: unknown role \"Admin\" (expected app, analyst or admin)",
                      ADMIN_TOK);
    char longtok[700] = "admin ";
    memset(longtok + 6, 'a', 600);
    longtok[606] = '\0';
    expect_file_error(longtok, "tokens.txt:1: token too long (more than 512 characters)", NULL);
    /* A NUL inside a line is not a token character. */
    tl_err err;
    tl_tokens *t;
    assert_int_equal(tl_tokens_new(&t, &err), 0);
    const char nul[] = "admin abcdefgh\0ijklmnopq\n";
    assert_int_equal(tl_tokens_parse_file_text(t, "f", nul, sizeof nul - 1, &err), TL_EINPUT);
    assert_int_equal(tl_tokens_count(t), 0);
    tl_tokens_free(t);
}

static void test_list(void **state)
{
    (void)state;
    tl_tokens *t;
    tl_err err;
    assert_int_equal(tl_tokens_new(&t, &err), 0);
    const char *list = "admin " ADMIN_TOK ", app " APP_TOK ",";
    assert_int_equal(tl_tokens_parse_list(t, "TAILOR_TOKENS", list, strlen(list), &err), TL_OK);
    assert_int_equal(tl_tokens_count(t), 2);
    tl_role role;
    char fp[TL_TOKEN_FP_LEN + 1];
    assert_int_equal(tl_tokens_lookup(t, APP_TOK, strlen(APP_TOK), &role, fp), TL_OK);
    assert_int_equal(role, TL_ROLE_APP);
    /* Errors name the pair; a failed list adds nothing. */
    list = "analyst " ANALYST_TOK ",,nobody " APP_TOK;
    assert_int_equal(tl_tokens_parse_list(t, "TAILOR_TOKENS", list, strlen(list), &err),
                     TL_EINPUT);
    assert_string_equal(err.msg, "TAILOR_TOKENS: pair 3: unknown role \"nobody\" (expected app, "
                                 "analyst or admin)");
    assert_int_equal(tl_tokens_count(t), 2);
    assert_int_equal(tl_tokens_lookup(t, ANALYST_TOK, strlen(ANALYST_TOK), &role, fp),
                     TL_ENOTFOUND);
    /* A token configured twice across sources is refused too. */
    list = "analyst " ADMIN_TOK;
    assert_int_equal(tl_tokens_parse_list(t, "TAILOR_TOKENS", list, strlen(list), &err),
                     TL_EINPUT);
    assert_string_equal(err.msg, "TAILOR_TOKENS: pair 1: duplicate token (already configured)");
    list = "app tooshort";
    assert_int_equal(tl_tokens_parse_list(t, "TAILOR_TOKENS", list, strlen(list), &err),
                     TL_EINPUT);
    assert_string_equal(err.msg,
                        "TAILOR_TOKENS: pair 1: token too short (8 characters; at least 16)");
    tl_tokens_free(t);
}

static void test_load_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *path = tu_join(dir, "tokens");
    tu_write_file(path, "admin " ADMIN_TOK "\napp\n");
    tl_tokens *t;
    tl_err err;
    assert_int_equal(tl_tokens_new(&t, &err), 0);
    assert_int_equal(tl_tokens_load_file(t, path, &err), TL_EINPUT);
    char want[4200];
    snprintf(want, sizeof want, "%s:2: missing token after the role app", path);
    assert_string_equal(err.msg, want);
    tu_write_file(path, "admin " ADMIN_TOK "\n");
    assert_int_equal(tl_tokens_load_file(t, path, &err), TL_OK);
    assert_int_equal(tl_tokens_count(t), 1);
    char *missing = tu_join(dir, "nope");
    assert_int_equal(tl_tokens_load_file(t, missing, &err), TL_EIO);
    assert_non_null(strstr(err.msg, "cannot open"));
    free(missing);
    tl_tokens_free(t);
    tu_rmtree(dir);
    free(path);
    free(dir);
}

static void test_bearer(void **state)
{
    (void)state;
    const char *tok;
    size_t len;
    assert_int_equal(tl_bearer_parse("Bearer abc.def", &tok, &len), 0);
    assert_int_equal(len, 7);
    assert_memory_equal(tok, "abc.def", 7);
    assert_int_equal(tl_bearer_parse("  bEaReR \t x=  ", &tok, &len), 0);
    assert_int_equal(len, 2);
    assert_int_equal(tl_bearer_parse("Bearer", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse("Bearer ", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse("Basic dXNlcjpwYXNz", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse("Bearerabc", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse("Bearer a b", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse("Bearer a,b", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse("", &tok, &len), -1);
    assert_int_equal(tl_bearer_parse(NULL, &tok, &len), -1);
}

static void test_auth_check(void **state)
{
    (void)state;
    tl_tokens *t;
    tl_err err;
    assert_int_equal(tl_tokens_new(&t, &err), 0);
    const char *list = "admin " ADMIN_TOK ",app " APP_TOK ",analyst " ANALYST_TOK;
    assert_int_equal(tl_tokens_parse_list(t, "L", list, strlen(list), &err), 0);
    tl_auth a;
    /* Open mode: everything allowed, anonymously. */
    tl_auth_check(NULL, NULL, TL_ACCESS_ADMIN, &a);
    assert_int_equal(a.status, 0);
    assert_int_equal(a.role, TL_ROLE_NONE);
    tl_auth_check(t, NULL, TL_ACCESS_PUBLIC, &a);
    assert_int_equal(a.status, 0);
    tl_auth_check(t, NULL, TL_ACCESS_APP, &a);
    assert_int_equal(a.status, 401);
    assert_string_equal(a.challenge, "Bearer realm=\"tailor\"");
    tl_auth_check(t, "Bearer nope-nope-nope-nope", TL_ACCESS_APP, &a);
    assert_int_equal(a.status, 401);
    assert_non_null(strstr(a.challenge, "invalid_token"));
    tl_auth_check(t, "Basic abc", TL_ACCESS_APP, &a);
    assert_int_equal(a.status, 401);
    tl_auth_check(t, "Bearer " APP_TOK, TL_ACCESS_APP, &a);
    assert_int_equal(a.status, 0);
    assert_int_equal(a.role, TL_ROLE_APP);
    tl_auth_check(t, "Bearer " APP_TOK, TL_ACCESS_ANALYST, &a);
    assert_int_equal(a.status, 403);
    tl_auth_check(t, "Bearer " ANALYST_TOK, TL_ACCESS_ANALYST, &a);
    assert_int_equal(a.status, 0);
    tl_auth_check(t, "Bearer " ANALYST_TOK, TL_ACCESS_ADMIN, &a);
    assert_int_equal(a.status, 403);
    /* An access set left at 0 is admin-only. */
    tl_auth_check(t, "Bearer " ANALYST_TOK, 0, &a);
    assert_int_equal(a.status, 403);
    tl_auth_check(t, "Bearer " ADMIN_TOK, 0, &a);
    assert_int_equal(a.status, 0);
    /* A valid token on a public route is still identified. */
    tl_auth_check(t, "Bearer " ADMIN_TOK, TL_ACCESS_PUBLIC, &a);
    assert_int_equal(a.status, 0);
    assert_int_equal(a.role, TL_ROLE_ADMIN);
    assert_int_equal(strlen(a.fp), TL_TOKEN_FP_LEN);
    tl_tokens_free(t);

    assert_int_equal(tl_access_effective(0), TL_ACCESS_ADMIN);
    assert_int_equal(tl_access_effective(TL_ROLE_APP), TL_ROLE_APP | TL_ROLE_ADMIN);
    char d[48];
    tl_access_describe(TL_ACCESS_APP, d, sizeof d);
    assert_string_equal(d, "app, analyst, admin");
    tl_access_describe(0, d, sizeof d);
    assert_string_equal(d, "admin");
    tl_access_describe(TL_ACCESS_PUBLIC, d, sizeof d);
    assert_string_equal(d, "public");
}

static void test_loopback(void **state)
{
    (void)state;
    assert_true(tl_host_is_loopback("127.0.0.1"));
    assert_true(tl_host_is_loopback("127.1.2.3"));
    assert_true(tl_host_is_loopback("localhost"));
    assert_true(tl_host_is_loopback("::1"));
    assert_false(tl_host_is_loopback("0.0.0.0"));
    assert_false(tl_host_is_loopback("10.0.0.5"));
    assert_false(tl_host_is_loopback("128.0.0.1"));
    assert_false(tl_host_is_loopback("::"));
    assert_false(tl_host_is_loopback("example.com"));
    assert_false(tl_host_is_loopback("127.0.0.1.evil"));
}

static void test_ratelimit(void **state)
{
    (void)state;
    tl_ratelimit *rl;
    tl_err err;
    assert_int_equal(tl_ratelimit_new(0, 10, &rl, &err), TL_EINPUT);
    assert_int_equal(tl_ratelimit_new(2, 10, &rl, &err), TL_OK);
    /* A burst of 2×rate, then one more each 1/rate seconds. */
    double t0 = 1000.0;
    for (int i = 0; i < 4; i++)
        assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0), 0);
    assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0), 1);
    assert_int_equal(tl_ratelimit_take(rl, "t:bbb", t0), 0);   /* keys are separate */
    assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0 + 0.3), 1);
    assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0 + 0.6), 0);
    assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0 + 0.6), 1);
    /* Long idle: the bucket is full again, not fuller. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0 + 100), 0);
    assert_int_equal(tl_ratelimit_take(rl, "t:aaa", t0 + 100), 1);
    /* Many keys: the table stays bounded and still limits a busy one. */
    char key[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "ip:10.0.%d.%d", i / 256, i % 256);
        tl_ratelimit_take(rl, key, t0 + 200);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(tl_ratelimit_take(rl, "t:zzz", t0 + 300), 0);
    assert_true(tl_ratelimit_take(rl, "t:zzz", t0 + 300) >= 1);
    tl_ratelimit_free(rl);
    /* Slow rates wait more than a second. */
    assert_int_equal(tl_ratelimit_new(0.25, 10, &rl, &err), TL_OK);
    assert_int_equal(tl_ratelimit_take(rl, "k", 0), 0);
    assert_int_equal(tl_ratelimit_take(rl, "k", 0), 4);
    tl_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_ok),    cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_list),       cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_bearer),     cmocka_unit_test(test_auth_check),
        cmocka_unit_test(test_loopback),   cmocka_unit_test(test_ratelimit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
