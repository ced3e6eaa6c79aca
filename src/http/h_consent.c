/* h_consent.c — POST /api/v1/consent: consent for many customers at once,
 * all or nothing. */
#include "http/handlers.h"

#include <microhttpd.h>
#include <string.h>

#include "base/strset.h"
#include "govern/consent_change.h"
#include "store/customers.h"

#define BULK_MAX_ITEMS 10000

static const char *const fields[3] = {"personalisation", "social_data", "llm"};

/* Checks item i's shape and fills its patch; no store access. */
static int decode_item(json_t *item, size_t i, const char **id, tl_consent_patch *p,
                       tl_err *err)
{
    if (!json_is_object(item))
        return tl_err_set(err, TL_EINPUT, "item %zu: expected an object with customer_id", i);
    const char *key;
    json_t *v;
    json_object_foreach(item, key, v) {
        if (strcmp(key, "customer_id") && strcmp(key, fields[0]) && strcmp(key, fields[1]) &&
            strcmp(key, fields[2]))
            return tl_err_set(err, TL_EINPUT, "item %zu: unknown field \"%.40s\"", i, key);
    }
    json_t *cid = json_object_get(item, "customer_id");
    if (!json_is_string(cid) || json_string_length(cid) == 0)
        return tl_err_set(err, TL_EINPUT, "item %zu, field customer_id: a non-empty string "
                                          "is required", i);
    *id = json_string_value(cid);
    int *slot[3] = {&p->personalisation, &p->social_data, &p->llm};
    for (int f = 0; f < 3; f++) {
        v = json_object_get(item, fields[f]);
        *slot[f] = -1;
        if (!v)
            continue;
        if (!json_is_boolean(v))
            return tl_err_set(err, TL_EINPUT, "item %zu, field %s: must be true or false", i,
                              fields[f]);
        *slot[f] = json_is_true(v);
    }
    return TL_OK;
}

int tl_h_consent_bulk(tl_request *rq, tl_response *rs)
{
    json_t *body = tl_request_json_body(rq, rs);
    if (!body)
        return 0;
    tl_err err;
    tl_err_clear(&err);
    tl_strset seen;
    tl_strset_init(&seen);
    int rc = TL_OK;
    bool in_txn = false;
    long long changed_n = 0, unchanged_n = 0;
    size_t n = json_array_size(body);
    if (!json_is_array(body)) {
        rc = tl_err_set(&err, TL_EINPUT, "send a JSON array of {customer_id, personalisation, "
                                         "social_data, llm}");
        goto done;
    }
    if (n > BULK_MAX_ITEMS) {
        rc = tl_err_set(&err, TL_EINPUT, "%zu items: at most %d per request", n,
                        BULK_MAX_ITEMS);
        goto done;
    }
    /* Shapes first, so a typo late in the array costs no transaction. */
    for (size_t i = 0; i < n && !rc; i++) {
        const char *id;
        tl_consent_patch p;
        if ((rc = decode_item(json_array_get(body, i), i, &id, &p, &err)))
            break;
        int added = tl_strset_add(&seen, id);
        if (added < 0)
            rc = tl_err_set(&err, TL_ENOMEM, "out of memory");
        else if (added == 0)
            rc = tl_err_set(&err, TL_EINPUT, "item %zu, field customer_id: '%s' is given "
                                             "twice", i, id);
    }
    if (rc)
        goto done;
    /* Existence is checked inside the transaction that writes, so what is
     * checked is what is written: one unknown customer rolls all back. */
    if ((rc = tl_store_begin(rq->st, &err)))
        goto done;
    in_txn = true;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *id;
        tl_consent_patch p;
        bool exists, changed;
        if ((rc = decode_item(json_array_get(body, i), i, &id, &p, &err)) ||
            (rc = tl_store_customer_exists(rq->st, id, &exists, &err)))
            break;
        if (!exists) {
            rc = tl_err_set(&err, TL_ENOTFOUND, "item %zu, field customer_id: customer '%s' "
                                                "not found", i, id);
            break;
        }
        if ((rc = tl_consent_change(rq->st, id, &p, "api", "/api/v1/consent", false, NULL,
                                    &changed, &err)))
            break;
        if (changed)
            changed_n++;
        else
            unchanged_n++;
    }
    if (!rc)
        rc = tl_store_commit(rq->st, &err);
    if (!rc) {
        in_txn = false;
        tl_respond_json(rs, MHD_HTTP_OK, json_pack("{s:I, s:I}", "changed", (json_int_t)changed_n,
                                                   "unchanged", (json_int_t)unchanged_n));
    }
done:
    if (rc && in_txn)
        tl_store_rollback(rq->st);
    if (rc)
        tl_respond_from_err(rs, rc, err.msg);
    tl_strset_free(&seen);
    json_decref(body);
    return 0;
}
