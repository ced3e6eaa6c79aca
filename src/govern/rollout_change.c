/* rollout_change.c — audited rollout starts and stops (rollout_change.h). */
#include "govern/rollout_change.h"

#include "govern/audit.h"
#include "recommend/rollout.h"

static int audit_change(tl_store *st, const char *action, const tl_rollout *r,
                        const char *channel, const char *route, tl_err *err)
{
    json_t *doc = json_pack("{s:s, s:s, s:s, s:o}", "channel", channel, "route", route,
                            "action", action, "rollout", tl_rollout_json(r));
    int rc = tl_audit_append_json(st, "store", "rollout", doc, err);
    json_decref(doc);
    return rc;
}

int tl_rollout_change_start(tl_store *st, const char *name, double share, const char *salt,
                            const char *channel, const char *route, tl_rollout *out,
                            tl_err *err)
{
    int rc = tl_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = tl_store_rollout_start(st, name, share, salt, out, err)) ||
        (rc = audit_change(st, "start", out, channel, route, err)) ||
        (rc = tl_store_commit(st, err)))
        tl_store_rollback(st);
    return rc;
}

int tl_rollout_change_stop(tl_store *st, const char *channel, const char *route,
                           tl_rollout *out, tl_err *err)
{
    int rc = tl_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = tl_store_rollout_stop(st, out, err)) ||
        (rc = audit_change(st, "stop", out, channel, route, err)) ||
        (rc = tl_store_commit(st, err)))
        tl_store_rollback(st);
    return rc;
}
