/* fuzz_request_bodies.c — the JSON bodies of the write endpoints (PUT a
 * customer, POST an event, PUT one consent, POST bulk consent, PUT a
 * customer's channel opt-outs) and of the product match, through the real
 * handlers on a real store: whatever the body, the answer is 2xx or 4xx
 * with a JSON body, never a crash, a leak or a 500. The first input byte picks the endpoint (bits 0xa0: the contact
 * policy, then C1's recommendations under it; 0x80: a rollout; 0x40: the
 * match; else its value mod 5); the rest is the body. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/handlers.h"
#include "http/request.h"
#include "recommend/engine.h"
#include "store/products.h"
#include "store/store.h"

static tl_store *store;
static tl_engine *engine;
static char dir[] = "/tmp/tailor-fuzz-bodies-XXXXXX";

static void answer(tl_handler h, const char *id, const char *body, size_t len)
{
    tl_request rq = {.method = "POST", .path = "/", .body = body, .body_len = len,
                     .st = store, .engine = engine};
    rq.params.n = 1;
    snprintf(rq.params.values[0], sizeof rq.params.values[0], "%s", id);
    tl_response rs = {.status = 0};
    tl_buf_init(&rs.body, 1u << 20);
    h(&rq, &rs);
    if (rs.status < 200 || rs.status >= 500) {
        fprintf(stderr, "status %d: %.*s\n", rs.status, (int)rs.body.len,
                rs.body.data ? rs.body.data : "");
        abort();
    }
    json_error_t je;
    json_t *parsed = json_loadb(rs.body.data ? rs.body.data : "", rs.body.len, 0, &je);
    if (!parsed)
        abort();
    json_decref(parsed);
    tl_buf_free(&rs.body);
}

static void cleanup(void)
{
    tl_engine_close(engine);
    tl_store_close(store);
    static const char *const files[] = {"s.db", "s.db-wal", "s.db-shm"};
    char path[64];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    remove(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    tl_err err;
    char path[64];
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/s.db", dir);
    if (tl_store_open(path, TL_STORE_CREATE, &store, &err) ||
        tl_engine_open("builtin", NULL, &engine, &err))
        abort();
    atexit(cleanup);
    const char *doc = "{\"product_id\":\"P1\",\"name\":\"Travel Card\",\"category\":\"Plastic "
                      "Card\",\"description\":\"A card for trips abroad\"}";
    tl_product p = {"P1", "Travel Card", "Plastic Card", doc};
    bool changed;
    if (tl_store_product_upsert(store, &p, &changed, &err))
        abort();
    static const char customer[] = "{\"CustomerID\":\"C1\",\"Age\":\"41\",\"Gender\":\"F\"}";
    answer(tl_h_customer_put, "C1", customer, sizeof customer - 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* The handlers get a NUL-terminated body, as the server gives them. */
    char *body = malloc(size);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    static const tl_handler handlers[] = {tl_h_customer_put, tl_h_events_post,
                                          tl_h_consent_put, tl_h_consent_bulk,
                                          tl_h_optouts_put};
    /* C1 exists; C2 does not, until a PUT creates it. */
    if ((data[0] & 0xa0) == 0xa0) {
        /* The contact policy, then a recommendation under it for C1 (whose
         * events other inputs have posted). */
        answer(tl_h_policy_put, "", body, size - 1);
        answer(tl_h_recommendations, "C1", "", 0);
        free(body);
        return 0;
    }
    if (data[0] & 0x80) {
        answer(tl_h_rollout_start, "", body, size - 1);
        answer(tl_h_rollout_stop, "", "", 0);
        free(body);
        return 0;
    }
    tl_handler h = data[0] & 0x40 ? tl_h_products_match : handlers[data[0] % 5];
    answer(h, data[0] & 4 ? "C2" : "C1", body, size - 1);
    free(body);
    return 0;
}
