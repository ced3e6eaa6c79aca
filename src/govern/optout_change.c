/* optout_change.c — channel opt-outs and their audit entries
 * (optout_change.h). */
#include "govern/optout_change.h"

#include <stdlib.h>
#include <string.h>

#include "govern/audit.h"
#include "recommend/contact_policy.h"
#include "store/customers.h"
#include "store/optouts.h"

static int add_row(void *ctx, const char *channel, const char *since)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s}", "channel", channel, "since", since));
    return 0;
}

int tl_optouts_json(tl_store *st, const char *customer_id, json_t **out, tl_err *err)
{
    *out = json_array();
    if (!*out)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    int rc = tl_store_optouts_each(st, customer_id, add_row, *out, err);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* doc's "opted_out" list, checked; borrowed from doc. */
static int read_list(const json_t *doc, const json_t **out, tl_err *err)
{
    json_t *list = json_is_object(doc) ? json_object_get(doc, "opted_out") : NULL;
    if (!json_is_object(doc) || json_object_size(doc) != 1 || !json_is_array(list))
        return tl_err_set(err, TL_EINPUT, "send {\"opted_out\": [channel names]}, e.g. "
                          "{\"opted_out\": [\"email\", \"sms\"]}; [] opts back in everywhere");
    if (json_array_size(list) > TL_OPTOUTS_MAX)
        return tl_err_set(err, TL_EINPUT, "opted_out has %zu channels; at most %d",
                          json_array_size(list), TL_OPTOUTS_MAX);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *name = json_string_value(v);
        if (!name || !tl_contact_optout_name_valid(name))
            return tl_err_set(err, TL_EINPUT, "opted_out[%zu]: must be " TL_CONTACT_OPTOUT_RULE,
                              i);
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_string_value(json_array_get(list, k)), name) == 0)
                return tl_err_set(err, TL_EINPUT, "opted_out[%zu]: \"%s\" is listed twice", i,
                                  name);
    }
    *out = list;
    return TL_OK;
}

/* The channels of a [{"channel", "since"}] list, as a sorted array of
 * names (new reference). */
static json_t *channel_names(const json_t *rows)
{
    json_t *names = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
        json_array_append(names, json_object_get(r, "channel"));
    return names;
}

/* Inside the caller's write transaction: makes `wanted` (a JSON array of
 * names) the customer's set, whose rows before the change are `before`,
 * and audits the change. *after (may be NULL) receives the rows now in
 * force (new reference). */
static int apply(tl_store *st, const char *customer_id, const json_t *before,
                 const json_t *wanted, const char *channel, const char *route, json_t **after,
                 bool *changed, tl_err *err)
{
    json_t *now_rows = NULL, *audit = NULL;
    char *text = json_dumps(wanted, JSON_COMPACT);
    int rc = text ? tl_store_optouts_set(st, customer_id, text, err)
                  : tl_err_set(err, TL_ENOMEM, "out of memory");
    if (!rc)
        rc = tl_optouts_json(st, customer_id, &now_rows, err);
    if (!rc) {
        json_t *was = channel_names(before), *now = channel_names(now_rows);
        *changed = !json_equal(was, now);
        if (*changed) {
            audit = json_pack("{s:s, s:s, s:o, s:o}", "channel", channel, "route", route,
                              "before", was, "after", now);
            rc = audit ? tl_audit_append_json(st, customer_id, "contact_optouts", audit, err)
                       : tl_err_set(err, TL_ENOMEM, "out of memory");
        } else {
            json_decref(was);
            json_decref(now);
        }
    }
    if (!rc && after) {
        *after = now_rows;
        now_rows = NULL;
    }
    free(text);
    json_decref(now_rows);
    json_decref(audit);
    return rc;
}

int tl_optouts_change(tl_store *st, const char *customer_id, const json_t *doc,
                      const char *channel, const char *route, json_t **after, bool *changed,
                      tl_err *err)
{
    const json_t *list = NULL;
    bool exists = false;
    json_t *before = NULL;
    *after = NULL;
    *changed = false;
    int rc = read_list(doc, &list, err);
    if (!rc)
        rc = tl_store_customer_exists(st, customer_id, &exists, err);
    if (!rc && !exists)
        rc = tl_err_set(err, TL_ENOTFOUND, "customer '%s' not found", customer_id);
    if (rc)
        return rc;
    if ((rc = tl_store_begin(st, err)))
        return rc;
    if (!(rc = tl_optouts_json(st, customer_id, &before, err)) &&
        !(rc = apply(st, customer_id, before, list, channel, route, after, changed, err)))
        rc = tl_store_commit(st, err);
    if (rc) {
        tl_store_rollback(st);
        json_decref(*after);
        *after = NULL;
        *changed = false;
    }
    json_decref(before);
    return rc;
}

/* Index of `name` among the rows' channels, or -1. */
static long find_channel(const json_t *rows, const char *name)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
        if (strcmp(json_string_value(json_object_get(r, "channel")), name) == 0)
            return (long)i;
    return -1;
}

int tl_optout_set_one(tl_store *st, const char *customer_id, const char *name, bool opted_out,
                      const char *channel, const char *route, bool *changed, tl_err *err)
{
    *changed = false;
    if (!tl_contact_optout_name_valid(name))
        return tl_err_set(err, TL_EINPUT, "must be " TL_CONTACT_OPTOUT_RULE);
    json_t *before = NULL, *wanted = NULL;
    int rc = tl_optouts_json(st, customer_id, &before, err);
    if (rc)
        return rc;
    long at = find_channel(before, name);
    if ((at >= 0) == opted_out)
        goto done;   /* already so: nothing to write or audit */
    if (opted_out && json_array_size(before) >= TL_OPTOUTS_MAX) {
        rc = tl_err_set(err, TL_EINPUT, "customer '%s' has opted out of %d channels already; "
                        "at most %d", customer_id, TL_OPTOUTS_MAX, TL_OPTOUTS_MAX);
        goto done;
    }
    wanted = channel_names(before);
    if (!wanted || (opted_out ? json_array_append_new(wanted, json_string(name))
                              : json_array_remove(wanted, (size_t)at))) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory");
        goto done;
    }
    rc = apply(st, customer_id, before, wanted, channel, route, NULL, changed, err);
done:
    json_decref(before);
    json_decref(wanted);
    return rc;
}
