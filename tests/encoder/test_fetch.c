/* test_fetch.c — `model fetch` against a hub served from this test on
 * 127.0.0.1: whole downloads, resumed downloads, missing files, size
 * checks, unsafe names. */
#include "testutil.h"

#include <curl/curl.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "encoder/fetch.h"

static const char *fixture;     /* the folder served as every model */
static atomic_int range_requests;

/* Serves /OWNER/MODEL/resolve/main/FILE from the fixture; models named
 * "gone/..." answer 404; "short/..." announce 5 bytes more than they send
 * on ranged requests. */
static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url,
                             const char *method, const char *version, const char *upload,
                             size_t *upload_size, void **state)
{
    (void)cls, (void)method, (void)version, (void)upload, (void)upload_size;
    if (!*state) {
        *state = (void *)1;
        return MHD_YES;
    }
    const char *file = strstr(url, "/resolve/main/");
    char path[4096];
    size_t len = 0;
    char *data = NULL;
    if (file && strncmp(url, "/gone/", 6) != 0) {
        snprintf(path, sizeof path, "%s/%s", fixture, file + strlen("/resolve/main/"));
        data = tu_read_file(path, &len);
    }
    struct MHD_Response *r;
    unsigned status = MHD_HTTP_OK;
    if (!data) {
        r = MHD_create_response_from_buffer(9, "not found", MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_NOT_FOUND;
    } else {
        const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
        size_t from = 0;
        if (range && sscanf(range, "bytes=%zu-", &from) == 1 && from < len) {
            atomic_fetch_add(&range_requests, 1);
            char cr[128];
            size_t total = len + (strncmp(url, "/short/", 7) == 0 ? 5 : 0);
            snprintf(cr, sizeof cr, "bytes %zu-%zu/%zu", from, len - 1, total);
            r = MHD_create_response_from_buffer(len - from, data + from, MHD_RESPMEM_MUST_COPY);
            MHD_add_response_header(r, "Content-Range", cr);
            status = MHD_HTTP_PARTIAL_CONTENT;
        } else {
            r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_COPY);
        }
        free(data);
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static struct MHD_Daemon *daemon_;
static char endpoint[64];

static int setup(void **state)
{
    (void)state;
    fixture = tu_shared_path("fixtures/bert-tiny-random");
    if (!fixture)
        return 0;
    fixture = strdup(fixture);
    daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
                               serve, NULL, MHD_OPTION_END);
    if (!daemon_)
        return -1;
    snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%u",
             MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (daemon_)
        MHD_stop_daemon(daemon_);
    free((char *)fixture);
    return 0;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = tu_read_file(a, &la), *y = tu_read_file(b, &lb);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(la, lb);
    assert_memory_equal(x, y, la);
    free(x);
    free(y);
}

static void test_fetch_and_resume(void **state)
{
    (void)state;
    if (!fixture)
        skip();
    char *dir = tu_mkdtemp();
    char *model = tu_join(dir, "m");
    tl_fetch_opts o = {.endpoint = endpoint};
    tl_err err;
    assert_int_equal(tl_model_fetch("acme/tiny", model, &o, &err), 0);
    char a[4200], b[4200];
    static const char *const got[] = {"config.json", "vocab.txt", "model.safetensors",
                                      "1_Pooling/config.json", "sentence_bert_config.json"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(a, sizeof a, "%s/%s", model, got[i]);
        snprintf(b, sizeof b, "%s/%s", fixture, got[i]);
        assert_same_file(a, b);
    }
    /* An optional file the hub lacks is simply absent. */
    snprintf(a, sizeof a, "%s/special_tokens_map.json", model);
    struct stat sb;
    assert_int_not_equal(stat(a, &sb), 0);

    /* Resume: a partial weights file is completed with a Range request. */
    char *model2 = tu_join(dir, "m2");
    snprintf(b, sizeof b, "%s/model.safetensors", fixture);
    size_t len;
    char *weights = tu_read_file(b, &len);
    assert_true(mkdir(model2, 0755) == 0);
    snprintf(a, sizeof a, "%s/model.safetensors.part", model2);
    FILE *f = fopen(a, "wb");
    assert_int_equal(fwrite(weights, 1, 1000, f), 1000);
    fclose(f);
    free(weights);
    int before = atomic_load(&range_requests);
    assert_int_equal(tl_model_fetch("acme/tiny", model2, &o, &err), 0);
    assert_int_equal(atomic_load(&range_requests), before + 1);
    snprintf(a, sizeof a, "%s/model.safetensors", model2);
    assert_same_file(a, b);
    free(model2);

    /* Sizes are checked: a server that announces more than it sends. */
    char *model3 = tu_join(dir, "m3");
    assert_true(mkdir(model3, 0755) == 0);
    snprintf(a, sizeof a, "%s/config.json.part", model3);
    tu_write_file(a, "{");
    assert_int_equal(tl_model_fetch("short/tiny", model3, &o, &err), TL_EIO);
    assert_non_null(strstr(err.msg, "differs"));
    free(model3);

    tu_rmtree(dir);
    free(model);
    free(dir);
}

static void test_errors(void **state)
{
    (void)state;
    if (!fixture)
        skip();
    char *dir = tu_mkdtemp();
    char *model = tu_join(dir, "m");
    tl_fetch_opts o = {.endpoint = endpoint};
    tl_err err;
    assert_int_equal(tl_model_fetch("gone/model", model, &o, &err), TL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "config.json"));
    assert_non_null(strstr(err.msg, "404"));
    assert_int_equal(tl_model_fetch("../etc", model, &o, &err), TL_EINPUT);
    assert_int_equal(tl_model_fetch("a/b/c", model, &o, &err), TL_EINPUT);
    assert_int_equal(tl_model_fetch("a/b c", model, &o, &err), TL_EINPUT);
    char out[256];
    setenv("TAILOR_MODELS_DIR", "/models", 1);
    assert_int_equal(tl_model_default_dir("acme/tiny", out, sizeof out, &err), 0);
    assert_string_equal(out, "/models/acme/tiny");
    /* A closed port: a clear error, nothing crashes. */
    tl_fetch_opts closed = {.endpoint = "http://127.0.0.1:1", .timeout_s = 5};
    assert_int_equal(tl_model_fetch("acme/tiny", model, &closed, &err), TL_EIO);
    tu_rmtree(dir);
    free(model);
    free(dir);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fetch_and_resume),
                                       cmocka_unit_test(test_errors)};
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
