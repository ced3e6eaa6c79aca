/* consent_change.c — consent changes and their audit entries. */
#include "govern/consent_change.h"

#include <jansson.h>

#include "base/str.h"
#include "govern/audit.h"

bool tl_consent_parse_bool(const char *s, int *out)
{
    bool b;
    if (tl_parse_bool(s, &b)) {
        *out = b;
        return true;
    }
    if (s && (tl_strcaseeq(s, "granted") || tl_strcaseeq(s, "withdrawn"))) {
        *out = tl_strcaseeq(s, "granted");
        return true;
    }
    return false;
}

static void apply(tl_consent *c, const tl_consent_patch *p)
{
    if (p->personalisation >= 0)
        c->personalisation = p->personalisation != 0;
    if (p->social_data >= 0)
        c->social_data = p->social_data != 0;
    if (p->llm >= 0)
        c->llm = p->llm != 0;
}

static bool same(const tl_consent *a, const tl_consent *b)
{
    return a->personalisation == b->personalisation && a->social_data == b->social_data &&
           a->llm == b->llm;
}

/* Appends {channel, route, before: {…, recorded}, after: {…}} under kind. */
static int audit(tl_store *st, const char *subject, const char *kind, const char *channel,
                 const char *route, const tl_consent *before, const tl_consent *after,
                 tl_err *err)
{
    json_t *doc = json_pack(
        "{s:s, s:s, s:{s:b, s:b, s:b, s:b}, s:{s:b, s:b, s:b}}", "channel", channel, "route",
        route, "before", "personalisation", before->personalisation, "social_data",
        before->social_data, "llm", before->llm, "recorded", before->recorded, "after",
        "personalisation", after->personalisation, "social_data", after->social_data, "llm",
        after->llm);
    if (!doc)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    int rc = tl_audit_append_json(st, subject, kind, doc, err);
    json_decref(doc);
    return rc;
}

int tl_consent_change(tl_store *st, const char *customer_id, const tl_consent_patch *p,
                      const char *channel, const char *route, bool always, tl_consent *after,
                      bool *changed, tl_err *err)
{
    tl_consent before, c;
    *changed = false;
    int rc = tl_store_consent_get(st, customer_id, &before, err);
    if (rc)
        return rc;
    c = before;
    apply(&c, p);
    c.recorded = 1;
    /* A customer on the defaults gets a record even when it holds the
     * defaults' values: the choice is then theirs, not the store's. */
    if (always || !before.recorded || !same(&before, &c)) {
        if ((rc = tl_store_consent_put(st, customer_id, &c, err)) ||
            (rc = audit(st, customer_id, "consent", channel, route, &before, &c, err)))
            return rc;
        *changed = true;
    }
    if (after)
        *after = c;
    return TL_OK;
}

int tl_consent_defaults_change(tl_store *st, const tl_consent_patch *p, const char *channel,
                               const char *route, tl_consent *after, bool *changed,
                               tl_err *err)
{
    tl_consent before, d;
    *changed = false;
    int rc = tl_store_consent_defaults_get(st, &before, err);
    if (rc)
        return rc;
    d = before;
    apply(&d, p);
    if (!same(&before, &d)) {
        if ((rc = tl_store_consent_defaults_put(st, &d, err)) ||
            (rc = audit(st, "store", "consent_defaults", channel, route, &before, &d, err)))
            return rc;
        *changed = true;
    }
    if (after)
        *after = d;
    return TL_OK;
}
