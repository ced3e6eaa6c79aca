/* h_policy.c — the contact policy (read and change) and each customer's own
 * channel opt-outs. */
#include "http/handlers.h"

#include <microhttpd.h>

#include "govern/optout_change.h"
#include "govern/policy_change.h"
#include "store/customers.h"

int tl_h_policy_get(tl_request *rq, tl_response *rs)
{
    tl_contact_policy p, def;
    tl_err err;
    int rc = tl_contact_policy_load(rq->st, &p, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    tl_contact_policy_default(&def);
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:o, s:o}", "policy", tl_contact_policy_to_json(&p),
                                     "default", tl_contact_policy_to_json(&def)));
}

int tl_h_policy_put(tl_request *rq, tl_response *rs)
{
    json_t *body = tl_request_json_body(rq, rs);
    if (!body)
        return 0;
    tl_contact_policy p;
    bool changed = false;
    tl_err err;
    int rc = tl_contact_policy_change(rq->st, body, false, "api", "/api/v1/contact-policy", &p,
                                      &changed, &err);
    json_decref(body);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:o, s:b}", "policy", tl_contact_policy_to_json(&p),
                                     "changed", changed));
}

/* {"customer_id", "opted_out": list}, plus "changed" after a PUT (changed
 * >= 0). Takes the list's reference. */
static int optouts_reply(tl_response *rs, const char *id, json_t *list, int changed)
{
    json_t *body = json_pack("{s:s, s:o}", "customer_id", id, "opted_out", list);
    if (body && changed >= 0)
        json_object_set_new(body, "changed", json_boolean(changed));
    return tl_respond_json(rs, MHD_HTTP_OK, body);
}

int tl_h_optouts_get(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    bool exists;
    json_t *list;
    tl_err err;
    int rc = tl_store_customer_exists(rq->st, id, &exists, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    if (!exists)
        return tl_respond_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "no such customer");
    if ((rc = tl_optouts_json(rq->st, id, &list, &err)))
        return tl_respond_from_err(rs, rc, err.msg);
    return optouts_reply(rs, id, list, -1);
}

int tl_h_optouts_put(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    json_t *body = tl_request_json_body(rq, rs);
    if (!body)
        return 0;
    bool changed = false;
    json_t *list;
    tl_err err;
    int rc = tl_optouts_change(rq->st, id, body, "api", "/api/v1/customers/{id}/contact-optouts",
                               &list, &changed, &err);
    json_decref(body);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return optouts_reply(rs, id, list, changed);
}
