/* h_system.c — /healthz, /metrics and /openapi.json. */
#include "http/handlers.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "http/metrics.h"

/* How old the row counts of /healthz and /metrics may be: counting big
 * tables on every health check or scrape would make both slow. */
#define COUNTS_MAX_AGE_S 30

int tl_h_healthz(tl_request *rq, tl_response *rs)
{
    /* The store answers now; its counts may be a little older. */
    tl_store_counts counts;
    tl_err err;
    int rc = tl_store_ping(rq->st, &err);
    if (!rc)
        rc = tl_store_counts_recent(rq->st, COUNTS_MAX_AGE_S, &counts, &err);
    if (rc)
        return tl_respond_error(rs, MHD_HTTP_SERVICE_UNAVAILABLE, "store_unavailable", "%s",
                                "the store cannot be read");
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:s, s:{s:I, s:I}}", "status", "ok", "store", "customers",
                                     (json_int_t)counts.customers, "products",
                                     (json_int_t)counts.products));
}

int tl_h_metrics(tl_request *rq, tl_response *rs)
{
    tl_buf_reset(&rs->body);
    rs->status = MHD_HTTP_OK;
    rs->content_type = "text/plain; version=0.0.4";
    tl_store_counts c;
    tl_err err;
    if (tl_store_counts_recent(rq->st, COUNTS_MAX_AGE_S, &c, &err) == TL_OK)
        tl_buf_printf(&rs->body,
                      "# HELP tailor_store_rows Rows in the store by table.\n"
                      "# TYPE tailor_store_rows gauge\n"
                      "tailor_store_rows{table=\"customers\"} %lld\n"
                      "tailor_store_rows{table=\"products\"} %lld\n"
                      "tailor_store_rows{table=\"transactions\"} %lld\n"
                      "tailor_store_rows{table=\"monthly\"} %lld\n"
                      "tailor_store_rows{table=\"posts\"} %lld\n"
                      "tailor_store_rows{table=\"holdings\"} %lld\n"
                      "tailor_store_rows{table=\"events\"} %lld\n",
                      c.customers, c.products, c.transactions, c.monthly, c.posts, c.holdings,
                      c.events);
    unsigned long long writes;
    double waited;
    tl_store_write_waits(&writes, &waited);
    tl_buf_printf(&rs->body,
                  "# HELP tailor_store_write_transactions_total Write transactions begun.\n"
                  "# TYPE tailor_store_write_transactions_total counter\n"
                  "tailor_store_write_transactions_total %llu\n"
                  "# HELP tailor_store_write_wait_seconds_total Time write transactions waited "
                  "for their turn (other writers of the store).\n"
                  "# TYPE tailor_store_write_wait_seconds_total counter\n"
                  "tailor_store_write_wait_seconds_total %.6f\n",
                  writes, waited);
    if (tl_metrics_render(&rs->body))
        return tl_respond_error(rs, 500, "internal", "metrics too large");
    return 0;
}

/* The roles a route allows as a JSON array of names ([] when public). */
static json_t *roles_json(unsigned access)
{
    json_t *a = json_array();
    access = tl_access_effective(access);
    static const tl_role roles[] = {TL_ROLE_APP, TL_ROLE_ANALYST, TL_ROLE_ADMIN};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (!(access & TL_ACCESS_PUBLIC) && (access & (unsigned)roles[i]))
            json_array_append_new(a, json_string(tl_role_name(roles[i])));
    return a;
}

/* Turns "/api/v1/customers/{id}" into an OpenAPI path with its parameter
 * list; every route of the table is described, so the document cannot
 * drift from what the server serves. Each operation names the roles that
 * may call it (x-roles) and whether it needs a bearer token (security). */
int tl_h_openapi(tl_request *rq, tl_response *rs)
{
    (void)rq;
    json_t *paths = json_object();
    for (size_t i = 0; i < tl_routes_count; i++) {
        const tl_route *r = &tl_routes[i];
        json_t *item = json_object_get(paths, r->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->pattern, item);
        }
        json_t *params = json_array();
        if (strstr(r->pattern, "{id}"))
            json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", "id", "in",
                                                    "path", "required", 1, "schema", "type",
                                                    "string"));
        /* The query arguments the route takes (tl_route.query). */
        for (const char *q = r->query ? r->query : ""; *q;) {
            size_t len = strcspn(q, " ");
            if (len)
                json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", q,
                                                        len, "in", "query", "required", 0,
                                                        "schema", "type", "string"));
            q += len;
            q += strspn(q, " ");
        }
        char method[8];
        size_t n = 0;
        for (; r->method[n] && n < sizeof method - 1; n++)
            method[n] = (char)(r->method[n] | 0x20);
        method[n] = '\0';
        int public = (tl_access_effective(r->access) & TL_ACCESS_PUBLIC) != 0;
        json_t *op = json_pack(
            "{s:s, s:o, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}", "summary", r->summary,
            "parameters", params, "responses", "200", "description", "success", "404",
            "description", "unknown id or route", "400", "description",
            "bad request; body {\"error\":{\"code\",\"message\"}}", "429", "description",
            "rate limited; see Retry-After");
        json_object_set_new(op, "x-roles", roles_json(r->access));
        json_object_set_new(op, "security",
                            public ? json_array() : json_pack("[{s:[]}]", "bearerAuth"));
        if (!public) {
            json_t *resp = json_object_get(op, "responses");
            json_object_set_new(resp, "401", json_pack("{s:s}", "description",
                                                       "no valid bearer token"));
            json_object_set_new(resp, "403", json_pack("{s:s}", "description",
                                                       "the token's role may not call this"));
        }
        json_object_set_new(item, method, op);
    }
    return tl_respond_json(
        rs, MHD_HTTP_OK,
        json_pack("{s:s, s:{s:s, s:s}, s:{s:{s:{s:s, s:s}}}, s:o}", "openapi", "3.0.3", "info",
                  "title", "tailor API", "version", "0.1.0", "components", "securitySchemes",
                  "bearerAuth", "type", "http", "scheme", "bearer", "paths", paths));
}
