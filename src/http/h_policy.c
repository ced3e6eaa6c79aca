/* h_policy.c — the contact policy: read and change. */
#include "http/handlers.h"

#include <microhttpd.h>

#include "govern/policy_change.h"

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
