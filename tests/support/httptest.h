/* httptest.h — a tailor server on a free loopback port and a small libcurl
 * client for the tests that talk to it over real HTTP. Failures fail the
 * running cmocka test. */
#ifndef TL_HTTPTEST_H
#define TL_HTTPTEST_H

#include <curl/curl.h>
#include <jansson.h>

#include "http/server.h"

typedef struct tu_http {
    int port;
    CURL *curl;      /* reused across calls (keep-alive) */
} tu_http;

/* Opens a client for 127.0.0.1:port; tu_http_close frees it. */
void tu_http_open(tu_http *h, int port);
void tu_http_close(tu_http *h);

/* One request (body sent as JSON when not NULL). Returns the status. When
 * out is not NULL it receives the parsed body (new reference), or NULL for
 * an empty body; a body that is not JSON fails the test. */
long tu_http_call(tu_http *h, const char *method, const char *path, const char *body,
                  json_t **out);

/* GET whose body is text (such as /metrics): *out receives it NUL-terminated
 * (caller frees). Returns the status. */
long tu_http_text(tu_http *h, const char *path, char **out);

/* GET that must answer 200 with JSON; new reference. */
json_t *tu_http_get_ok(tu_http *h, const char *path);

/* A request that must answer `status` with a JSON body; returns the body
 * (new reference). */
json_t *tu_http_expect(tu_http *h, const char *method, const char *path, const char *body,
                       long status);

/* error.message of an error body, or NULL. */
const char *tu_error_message(json_t *j);

/* Starts a server over db on a free loopback port with default options;
 * *port gets the port. Returns NULL (after saying why on stderr) when it
 * cannot: usable from group set-ups, where assertions cannot fail. */
tl_server *tu_server_start(const char *db, int *port);

/* Imports the prototype's seed data (../shared/seed-data) into a new store
 * dir/name; *db gets its path (caller frees). Returns 0, 1 when the seed
 * data is absent (nothing done), -1 when the import failed (said on
 * stderr). */
int tu_seed_store(const char *dir, const char *name, char **db);

/* The usual fixture of the HTTP tests: the seed data in a fresh store
 * dir/name, served on a free port, with a client. */
typedef struct tu_served {
    char *dir, *db;
    tl_server *srv;
    tu_http http;
} tu_served;

/* Opens s (zeroed first). Returns 0; 1 when the seed data is absent, -1
 * when the import or the server failed: then s is closed again. */
int tu_served_open(tu_served *s, const char *name);

/* Stops the server, removes the store, frees; accepts a zeroed s. */
void tu_served_close(tu_served *s);

/* cmocka group set-up and tear-down around a tu_served of the seed data in
 * "t.db", passed to the tests as *state. */
int tu_served_setup(void **state);
int tu_served_teardown(void **state);

#endif
