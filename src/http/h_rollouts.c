/* h_rollouts.c — rollouts: list, start, stop and the lift report. */
#include "http/handlers.h"

#include <math.h>
#include <microhttpd.h>
#include <string.h>

#include "govern/rollout_change.h"
#include "http/rollout_cache.h"
#include "recommend/rollout.h"

static int add_rollout(void *ctx, const tl_rollout *r)
{
    return json_array_append_new(ctx, tl_rollout_json(r)) != 0;
}

int tl_h_rollouts_list(tl_request *rq, tl_response *rs)
{
    json_t *all = json_array();
    tl_err err;
    int rc = tl_store_rollouts_each(rq->st, add_rollout, all, &err);
    if (rc) {
        json_decref(all);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    /* Newest first, and none starts while one runs: a running rollout is
     * the first. */
    json_t *first = json_array_get(all, 0);
    json_t *running = json_is_true(json_object_get(first, "running")) ? first : NULL;
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:O?, s:o}", "running", running, "rollouts", all));
}

int tl_h_rollout_start(tl_request *rq, tl_response *rs)
{
    json_t *body = tl_request_json_body(rq, rs);
    if (!body)
        return 0;
    json_t *jshare = json_object_get(body, "share"), *jsalt = json_object_get(body, "salt");
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *problem = NULL;
    if (!json_is_object(body))
        problem = "the body must be a JSON object {\"name\": …, \"share\": …, \"salt\": …}";
    else if (!name)
        problem = "\"name\" must be a string";
    else if (!json_is_number(jshare))
        problem = "\"share\" must be a number above 0 and below 1";
    else if (jsalt && !json_is_string(jsalt))
        problem = "\"salt\" must be a string when given";
    if (problem) {
        json_decref(body);
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request", "%s", problem);
    }
    tl_rollout r;
    tl_err err;
    int rc = tl_rollout_change_start(rq->st, name, json_number_value(jshare),
                                     json_string_value(jsalt), "api", "/api/v1/rollouts", &r,
                                     &err);
    json_decref(body);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_CREATED, tl_rollout_json(&r));
}

int tl_h_rollout_stop(tl_request *rq, tl_response *rs)
{
    tl_rollout r;
    tl_err err;
    int rc = tl_rollout_change_stop(rq->st, "api", "/api/v1/rollouts/stop", &r, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK, tl_rollout_json(&r));
}

int tl_h_rollout_report(tl_request *rq, tl_response *rs)
{
    /* Served again while nothing it counts has changed
     * (http/rollout_cache.h), or built now on refresh=true: each build
     * passes over the window's events. */
    const char *refresh = tl_request_arg(rq, "refresh");
    json_t *doc = NULL;
    tl_err err;
    int rc = tl_rollout_report_recent(rq->st, rq->params.values[0], TL_ROLLOUT_REPORT_MAX_AGE_S,
                                      refresh && strcmp(refresh, "true") == 0, &doc, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK, doc);
}
