/* test_curl_missing.c — a process where libcurl cannot be loaded
 * (TAILOR_CURL_LIBRARY names a library that does not exist): the loader
 * says which library and why, `model fetch` fails with that message and
 * writes nothing, an LLM call fails as a connection failure (so the
 * deterministic text is served), and commands that need no HTTP client
 * never notice. The loaded path is covered by test_fetch and the LLM tests,
 * which talk to local servers through it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/curl_lib.h"
#include "encoder/fetch.h"
#include "llm/client.h"
#include "testutil.h"

#define MISSING "/nonexistent/libtailor-test-no-such-curl.so.4"

static void test_loader_names_the_library(void **state)
{
    (void)state;
    const tl_curl_lib *cl = (const tl_curl_lib *)1;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_curl_lib_get(&cl, &err), TL_EIO);
    assert_null(cl);
    assert_non_null(strstr(err.msg, "no libcurl can be loaded"));
    assert_non_null(strstr(err.msg, MISSING));
    assert_non_null(strstr(err.msg, "install libcurl4"));
    /* asked again, the same answer (the load is tried once) */
    tl_err again;
    assert_int_equal(tl_curl_lib_get(&cl, &again), TL_EIO);
    assert_string_equal(again.msg, err.msg);
}

static void test_fetch_fails_cleanly(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *dest = tu_join(dir, "model");
    tl_fetch_opts o = {.endpoint = "http://127.0.0.1:9"};
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(tl_model_fetch("owner/model", dest, &o, &err), TL_EIO);
    assert_non_null(strstr(err.msg, "no libcurl can be loaded"));
    struct stat sb;
    assert_int_not_equal(stat(dest, &sb), 0); /* nothing written */

    char *out = NULL, *errs = NULL;
    int rc = tu_run_tailor(&out, &errs, NULL, "model", "fetch", "owner/model", "--dir", dest,
                           (char *)NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(errs, "no libcurl can be loaded"));
    assert_int_not_equal(stat(dest, &sb), 0);
    free(out);
    free(errs);

    /* a command without HTTP runs as usual */
    rc = tu_run_tailor(&out, &errs, "a holiday in Asia\n", "embed", (char *)NULL);
    assert_int_equal(rc, 0);
    assert_true(out[0] == '[');
    free(out);
    free(errs);
    free(dest);
    tu_rmtree(dir);
    free(dir);
}

static void test_llm_call_fails_as_connection(void **state)
{
    (void)state;
    tl_llm_config c = {.enabled = 1, .base_url = "http://127.0.0.1:9", .model = "m",
                       .timeout_ms = 2000, .retry_after_cap_ms = 100, .max_attempts = 2};
    tl_llm_call call;
    assert_int_equal(tl_llm_chat(&c, "system", "user", NULL, &call), -1);
    assert_null(call.content);
    assert_string_equal(call.failure, "connection");
    assert_int_equal(call.attempts, 0);
    tl_llm_call_free(&call);
}

int main(void)
{
    setenv("TAILOR_CURL_LIBRARY", MISSING, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_names_the_library),
        cmocka_unit_test(test_fetch_fails_cleanly),
        cmocka_unit_test(test_llm_call_fails_as_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
