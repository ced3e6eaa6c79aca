/* test_serve_auth.c — `tailor serve` with and without tokens, through the
 * real binary: refusing a public address without tokens, token files and
 * TAILOR_TOKENS errors with their places, and a debug log that never holds
 * a token or a customer's personal data. */
#include "testutil.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/str.h"

#define ADMIN "Zq8-admin-secret-token-41"
#define APP "Zq8-app-secret-token-0042"

typedef struct served {
    pid_t pid;
    int port;
    char *log;   /* the server's stderr, a file */
} served;

/* Starts `tailor serve ARGS...` (NULL-terminated) in the background with
 * stderr to a file; waits for its listening line and reads the port. */
static void serve(served *s, const char *dir, const char *const *args)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    s->log = tu_join(dir, "serve.log");
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        FILE *err = fopen(s->log, "w");
        if (!err)
            _exit(127);
        dup2(out[1], STDOUT_FILENO);
        dup2(fileno(err), STDERR_FILENO);
        close(out[0]);
        const char *argv[32] = {getenv("TAILOR_BIN"), "serve"};
        size_t n = 2;
        for (size_t i = 0; args[i] && n < 31; i++)
            argv[n++] = args[i];
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[512];
    s->port = 0;
    while (!s->port && fgets(line, sizeof line, f)) {
        char *p = strstr(line, "http://");
        char *colon = p ? strchr(p + 7, ':') : NULL;
        char *slash = colon ? strchr(colon, '/') : NULL;
        if (slash) {
            *slash = '\0';
            int64_t port;
            if (tl_parse_i64(colon + 1, &port))
                s->port = (int)port;
        }
    }
    fclose(f);
    if (!s->port) {
        char *log = tu_read_file(s->log, NULL);
        fail_msg("tailor serve did not start: %s", log ? log : "");
    }
}

/* Stops the server (SIGTERM) and returns its exit status. */
static int unserve(served *s)
{
    kill(s->pid, SIGTERM);
    int status = 0;
    waitpid(s->pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static long http(int port, const char *method, const char *path, const char *token,
                 const char *body)
{
    char url[512], auth[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    FILE *sink = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
    struct curl_slist *h = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    fclose(sink);
    return status;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static void test_refuses_public_address_without_tokens(void **state)
{
    (void)state;
    unsetenv("TAILOR_TOKENS");
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "t.db");
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, "--host", "0.0.0.0", "--port",
                           "0", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "tailor serve: refusing to listen on 0.0.0.0 without API tokens"));
    assert_non_null(strstr(err, "--tokens FILE"));
    assert_int_equal(count_lines(err), 1);
    free(err);
    rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, "--host", "10.1.2.3", "--port",
                       "0", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "refusing to listen on 10.1.2.3"));
    free(err);
    /* '*' is no origin. */
    rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, "--cors-origin", "*", NULL);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(err, "--cors-origin"));
    free(err);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

static void test_token_errors(void **state)
{
    (void)state;
    unsetenv("TAILOR_TOKENS");
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "t.db");
    char *tokens = tu_join(dir, "tokens");
    tu_write_file(tokens, "# ops\nadmin " ADMIN "\n\nsuperuser " APP "\n");
    chmod(tokens, 0600);   /* else a warning about its mode comes first */
    char *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, "--tokens", tokens, NULL);
    assert_int_equal(rc, 1);
    char want[4200];
    snprintf(want, sizeof want,
             "tailor serve: %s:4: unknown role \"superuser\" (expected app, analyst or admin)\n",
             tokens);
    assert_string_equal(err, want);
    free(err);
    tu_write_file(tokens, "admin " ADMIN "\napp " ADMIN "\n");
    rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, "--tokens", tokens, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, ":2: duplicate token (same as line 1)"));
    assert_null(strstr(err, ADMIN));
    free(err);
    tu_write_file(tokens, "# nothing yet\n");
    rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, "--tokens", tokens, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no tokens in it"));
    free(err);
    setenv("TAILOR_TOKENS", "admin " ADMIN ",app short", 1);
    rc = tu_run_tailor(NULL, &err, NULL, "serve", "--db", db, NULL);
    unsetenv("TAILOR_TOKENS");
    assert_int_equal(rc, 1);
    assert_string_equal(err, "tailor serve: TAILOR_TOKENS: pair 2: token too short (5 "
                             "characters; at least 16)\n");
    free(err);
    tu_rmtree(dir);
    free(tokens);
    free(db);
    free(dir);
}

/* Tokens allow any address; the debug access log shows routes, roles and
 * fingerprints, never a token, an ID or a name. */
static void test_public_address_with_tokens(void **state)
{
    (void)state;
    unsetenv("TAILOR_TOKENS");
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "t.db");
    char *tokens = tu_join(dir, "tokens");
    tu_write_file(tokens, "admin " ADMIN "\napp " APP "\n");
    chmod(tokens, 0600);
    setenv("TAILOR_LOG", "debug", 1);
    served s;
    const char *args[] = {"--db", db, "--host", "0.0.0.0", "--port", "0", "--tokens", tokens,
                          NULL};
    serve(&s, dir, args);
    assert_int_equal(http(s.port, "GET", "/api/v1/customers", NULL, NULL), 401);
    assert_int_equal(http(s.port, "GET", "/api/v1/customers", "not-a-token-at-all-x", NULL), 401);
    assert_int_equal(http(s.port, "PUT", "/api/v1/customers/Xavier.Quince77", ADMIN,
                          "{\"first_name\": \"Xavier\", \"last_name\": \"Quincebottom\", "
                          "\"email\": \"xq@example.com\", \"age\": 51}"),
                     201);
    assert_int_equal(http(s.port, "GET", "/api/v1/customers/Xavier.Quince77/recommendations",
                          APP, NULL),
                     200);
    assert_int_equal(http(s.port, "GET", "/api/v1/customers/Xavier.Quince77", APP, NULL), 403);
    assert_int_equal(http(s.port, "GET", "/api/v1/customers/Nobody.Here99", ADMIN, NULL), 404);
    assert_int_equal(http(s.port, "GET", "/healthz", NULL, NULL), 200);
    assert_int_equal(unserve(&s), 0);
    unsetenv("TAILOR_LOG");
    char *log = tu_read_file(s.log, NULL);
    assert_non_null(log);
    /* The log did record the requests ... */
    assert_non_null(strstr(log, "PUT /api/v1/customers/{id} 201 admin token "));
    assert_non_null(strstr(log, "GET /api/v1/customers/{id} 403 app token "));
    assert_non_null(strstr(log, "GET /api/v1/customers 401 anonymous"));
    /* ... and nothing secret or personal. */
    const char *never[] = {ADMIN, APP, "not-a-token-at-all-x", "Xavier", "Quince", "xq@",
                           "Nobody.Here99", "Bearer"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (strstr(log, never[i]))
            fail_msg("the log holds \"%s\":\n%s", never[i], log);
    free(log);
    free(s.log);

    /* TAILOR_TOKENS works the same way. */
    setenv("TAILOR_TOKENS", "app " APP ", admin " ADMIN, 1);
    const char *args2[] = {"--db", db, "--host", "0.0.0.0", "--port", "0", NULL};
    serve(&s, dir, args2);
    unsetenv("TAILOR_TOKENS");
    assert_int_equal(http(s.port, "GET", "/api/v1/customers/Xavier.Quince77/consent", NULL, NULL),
                     401);
    assert_int_equal(http(s.port, "GET", "/api/v1/customers/Xavier.Quince77/consent", APP, NULL),
                     200);
    assert_int_equal(http(s.port, "GET", "/metrics", APP, NULL), 403);
    assert_int_equal(unserve(&s), 0);
    free(s.log);
    tu_rmtree(dir);
    free(tokens);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_public_address_without_tokens),
        cmocka_unit_test(test_token_errors),
        cmocka_unit_test(test_public_address_with_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
