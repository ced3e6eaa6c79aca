/* policy_change.c — audited contact-policy changes (policy_change.h). */
#include "govern/policy_change.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json_write.h"
#include "govern/audit.h"
#include "store/meta.h"

/* The policy as the store keeps it: compact JSON, keys in a fixed order,
 * so two equal policies have equal text. */
static int policy_text(const tl_contact_policy *p, tl_buf *out, tl_err *err)
{
    json_t *doc = tl_contact_policy_to_json(p);
    int bad = !doc || tl_json_write(out, doc, 12);
    json_decref(doc);
    return bad ? tl_err_set(err, TL_ENOMEM, "out of memory writing the contact policy") : TL_OK;
}

static int apply(tl_store *st, const json_t *changes, bool reset, const char *channel,
                 const char *route, tl_contact_policy *now, bool *changed, tl_err *err)
{
    tl_contact_policy before;
    tl_buf old_text, new_text;
    tl_buf_init(&old_text, 1u << 20);
    tl_buf_init(&new_text, 1u << 20);
    /* An unreadable stored policy is replaced, not a dead end: the change
     * starts from the default and the audit entry says what was wrong. */
    char *stored = NULL;
    tl_err unreadable;
    tl_err_clear(&unreadable);
    tl_contact_policy_default(&before);
    int rc = tl_store_meta_get_text(st, TL_CONTACT_POLICY_KEY, &stored, err);
    if (rc)
        goto done;
    if (stored && tl_contact_policy_parse(stored, &before, &unreadable))
        tl_contact_policy_default(&before);
    if (reset)
        tl_contact_policy_default(now);
    else
        *now = before;
    if ((changes && (rc = tl_contact_policy_from_json(changes, now, err))) ||
        (rc = policy_text(&before, &old_text, err)) || (rc = policy_text(now, &new_text, err)))
        goto done;
    *changed = unreadable.msg[0] || old_text.len != new_text.len ||
               memcmp(old_text.data, new_text.data, new_text.len) != 0;
    if (!*changed)
        goto done;
    if ((rc = tl_store_meta_put(st, TL_CONTACT_POLICY_KEY, new_text.data, new_text.len, err)))
        goto done;
    json_t *doc = json_pack("{s:s, s:s, s:o, s:o}", "channel", channel, "route", route,
                            "before", unreadable.msg[0] ? json_null()
                                                        : tl_contact_policy_to_json(&before),
                            "after", tl_contact_policy_to_json(now));
    if (doc && unreadable.msg[0])
        json_object_set_new(doc, "before_unreadable", json_string(unreadable.msg));
    rc = tl_audit_append_json(st, "store", "contact_policy", doc, err);
    json_decref(doc);
done:
    free(stored);
    tl_buf_free(&old_text);
    tl_buf_free(&new_text);
    return rc;
}

int tl_contact_policy_change(tl_store *st, const json_t *changes, bool reset,
                             const char *channel, const char *route, tl_contact_policy *out,
                             bool *changed, tl_err *err)
{
    tl_contact_policy now;
    bool differs = false;
    int rc = tl_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = apply(st, changes, reset, channel, route, &now, &differs, err)) ||
        (rc = tl_store_commit(st, err))) {
        tl_store_rollback(st);
        return rc;
    }
    if (out)
        *out = now;
    if (changed)
        *changed = differs;
    return TL_OK;
}
