/* h_reports.c — /api/v1/reports/overview: portfolio figures for the
 * dashboard's overview page, offer feedback in total, per channel (staff
 * screens marked) and per day. */
#include "http/handlers.h"

#include <microhttpd.h>

#include "base/str.h"
#include "recommend/contact_policy.h"
#include "store/reports.h"

/* accepted / shown, or null when nothing was shown. */
static json_t *rate(long long accepted, long long shown)
{
    return shown > 0 ? json_real((double)accepted / (double)shown) : json_null();
}

static int add_day(void *ctx, const tl_report_day *d)
{
    json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}", "day", d->day, "shown",
                          (json_int_t)d->shown, "clicked", (json_int_t)d->clicked, "accepted",
                          (json_int_t)d->accepted, "dismissed", (json_int_t)d->dismissed,
                          "acceptance_rate", rate(d->accepted, d->shown));
    return !o || json_array_append_new(ctx, o) != 0;
}

typedef struct channels_ctx {
    json_t *list;
    const tl_contact_policy *policy;
    long long staff_shown;
} channels_ctx;

static int add_channel(void *ctx, const tl_report_channel *c)
{
    channels_ctx *x = ctx;
    bool staff = tl_contact_staff_channel(x->policy, c->channel);
    if (staff)
        x->staff_shown += c->shown;
    json_t *o = json_pack("{s:o, s:b, s:I, s:I, s:I, s:I, s:I, s:o}", "channel",
                          c->channel ? json_string(c->channel) : json_null(), "staff", staff,
                          "shown", (json_int_t)c->shown, "clicked", (json_int_t)c->clicked,
                          "accepted", (json_int_t)c->accepted, "dismissed",
                          (json_int_t)c->dismissed, "complained", (json_int_t)c->complained,
                          "acceptance_rate", rate(c->accepted, c->shown));
    return !o || json_array_append_new(x->list, o) != 0;
}

int tl_h_report_overview(tl_request *rq, tl_response *rs)
{
    long long days = 90;
    if (tl_request_int_arg(rq, rs, "days", 1, 3660, &days))
        return 0;
    /* Which channels are staff screens: an unreadable stored policy is no
     * reason to withhold the figures, so its default then says. */
    tl_contact_policy policy;
    tl_contact_policy_load_or_default(rq->st, &policy);
    tl_err err;
    tl_report_counts c;
    channels_ctx channels = {json_array(), &policy, 0};
    int rc = tl_store_report_counts(rq->st, &c, add_channel, &channels, &err);
    if (rc) {
        json_decref(channels.list);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    json_t *by_day = json_array();
    if ((rc = tl_store_report_events_by_day(rq->st, (int)days, add_day, by_day, &err))) {
        json_decref(by_day);
        json_decref(channels.list);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    /* "Recommendations served" counts the offers channels reported as
     * shown: the engine itself does not log what it returns. Staff
     * screens' showings are in it; `by_channel` tells them apart. */
    return tl_respond_json(
        rs, MHD_HTTP_OK,
        json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:I, "
                  "s:o}",
                  "customers", (json_int_t)c.customers, "products", (json_int_t)c.products,
                  "holdings", (json_int_t)c.holdings, "recommendations_served",
                  (json_int_t)c.shown, "events", "shown", (json_int_t)c.shown, "staff_shown",
                  (json_int_t)channels.staff_shown, "clicked", (json_int_t)c.clicked,
                  "accepted", (json_int_t)c.accepted, "dismissed", (json_int_t)c.dismissed,
                  "complained", (json_int_t)c.complained, "acceptance_rate",
                  rate(c.accepted, c.shown), "dismissal_rate", rate(c.dismissed, c.shown),
                  "by_channel", channels.list, "days", (json_int_t)days, "by_day", by_day));
}
