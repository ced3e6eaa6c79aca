/* h_govern.c — the audit log, erasure and the bias report. */
#include "http/handlers.h"

#include <microhttpd.h>
#include <string.h>

#include "base/str.h"
#include "govern/audit_verify.h"
#include "govern/bias.h"
#include "govern/erase.h"
#include "store/audit.h"

/* An ISO-8601 UTC time or date prefix: digits and "-T:.Z" only. */
static int valid_since(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || strchr("-T:.Z", s[i])))
            return 0;
    return 1;
}

static int add_entry(void *ctx, const tl_audit_row *r)
{
    json_t *doc = json_loads(r->doc ? r->doc : "null", JSON_DECODE_ANY, NULL);
    return json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id",
                                                (json_int_t)r->id, "at", r->at, "subject",
                                                r->subject, "kind", r->kind, "doc",
                                                doc ? doc : json_null())) != 0;
}

int tl_h_audit_list(tl_request *rq, tl_response *rs)
{
    tl_audit_query q = {.subject = tl_request_arg(rq, "customer"),
                        .kind = tl_request_arg(rq, "kind"),
                        .since = tl_request_arg(rq, "since"),
                        .limit = 50};
    if (tl_request_int_arg(rq, rs, "limit", 1, 1000, &q.limit) ||
        tl_request_int_arg(rq, rs, "offset", 0, 1LL << 40, &q.offset))
        return 0;
    if (q.since && !valid_since(q.since))
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "query parameter since must be an ISO-8601 UTC time such as "
                                "2026-11-25T20:00:00Z, got \"%.40s\"",
                                q.since);
    json_t *entries = json_array();
    long long total = 0;
    tl_err err;
    int rc = tl_store_audit_query(rq->st, &q, add_entry, entries, &total, &err);
    if (rc) {
        json_decref(entries);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:o, s:I, s:I, s:I}", "entries", entries, "total",
                                     (json_int_t)total, "limit", (json_int_t)q.limit, "offset",
                                     (json_int_t)q.offset));
}

int tl_h_audit_verify(tl_request *rq, tl_response *rs)
{
    tl_audit_verdict v;
    tl_err err;
    int rc = tl_audit_verify(rq->st, tl_request_arg(rq, "anchor"), false, &v, &err);
    if (rc == TL_EINPUT)
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request", "query parameter %s",
                                err.msg);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK, tl_audit_verdict_json(&v));
}

int tl_h_customer_delete(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    json_t *report = NULL;
    tl_err err;
    int rc = tl_govern_erase(rq->st, &id, 1, "api", &report, &err);
    if (rc == TL_ENOTFOUND)
        return tl_respond_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "no such customer");
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    json_t *first = json_array_get(report, 0);
    json_t *body = json_pack("{s:b, s:O, s:O}", "erased", 1, "subject",
                             json_object_get(first, "subject"), "rows",
                             json_object_get(first, "rows"));
    json_decref(report);
    return tl_respond_json(rs, MHD_HTTP_OK, body);
}

int tl_h_bias_report(tl_request *rq, tl_response *rs)
{
    long long min_group = TL_BIAS_MIN_GROUP;
    if (tl_request_int_arg(rq, rs, "min_group", 1, 1000000, &min_group))
        return 0;
    /* Built at most every ten minutes (or on refresh=true): on a large bank
     * building it takes long (govern/bias.h). Leave the GET's snapshot: a
     * report built anew is kept in the store. */
    const char *refresh = tl_request_arg(rq, "refresh");
    json_t *report = NULL;
    tl_err err;
    tl_store_read_end(rq->st);
    int rc = tl_bias_report_kept(rq->st, min_group, 600.0,
                                 refresh && strcmp(refresh, "true") == 0, &report, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK, report);
}
