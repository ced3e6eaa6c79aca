/* h_reports.c — /api/v1/reports/overview: portfolio figures for the
 * dashboard's overview page. */
#include "http/handlers.h"

#include <microhttpd.h>

#include "base/str.h"
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

int tl_h_report_overview(tl_request *rq, tl_response *rs)
{
    long long days = 90;
    if (tl_request_int_arg(rq, rs, "days", 1, 3660, &days))
        return 0;
    tl_report_counts c;
    tl_err err;
    int rc = tl_store_report_counts(rq->st, &c, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    json_t *by_day = json_array();
    if ((rc = tl_store_report_events_by_day(rq->st, (int)days, add_day, by_day, &err))) {
        json_decref(by_day);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    /* "Recommendations served" counts the offers channels reported as
     * shown: the engine itself does not log what it returns. */
    return tl_respond_json(
        rs, MHD_HTTP_OK,
        json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:I, s:o}",
                  "customers",
                  (json_int_t)c.customers, "products", (json_int_t)c.products, "holdings",
                  (json_int_t)c.holdings, "recommendations_served", (json_int_t)c.shown,
                  "events", "shown", (json_int_t)c.shown, "clicked", (json_int_t)c.clicked,
                  "accepted", (json_int_t)c.accepted, "dismissed", (json_int_t)c.dismissed,
                  "complained", (json_int_t)c.complained, "acceptance_rate", rate(c.accepted, c.shown), "dismissal_rate",
                  rate(c.dismissed, c.shown), "days", (json_int_t)days, "by_day", by_day));
}
