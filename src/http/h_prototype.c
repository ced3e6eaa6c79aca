/* h_prototype.c — the prototype's endpoints, same paths and JSON shapes, so
 * its React client works unchanged. Unknown IDs answer 404 (the prototype
 * answered null with 200). Recommendations and product suggestions in the
 * prototype's shapes live with their engines (h_recommend.c, h_products.c). */
#include "http/handlers.h"

#include <math.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "base/month.h"
#include "ingest/jsonpos.h"
#include "profile/insights.h"
#include "store/customers.h"
#include "store/monthly.h"
#include "store/products.h"

/* Concatenates stored JSON docs into an array without re-encoding them. */
typedef struct concat_ctx {
    tl_buf *out;
    int n;
    int failed;
} concat_ctx;

static int append_doc(void *ctx, const char *doc)
{
    concat_ctx *c = ctx;
    if ((c->n++ && tl_buf_putc(c->out, ',')) || tl_buf_puts(c->out, doc)) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

static int append_product(void *ctx, const tl_product *p)
{
    return append_doc(ctx, p->doc);
}

static int finish_concat(tl_response *rs, concat_ctx *c, int rc, const char *msg)
{
    if (rc)
        return tl_respond_from_err(rs, rc, msg);
    if (c->failed || tl_buf_putc(&rs->body, ']'))
        return tl_respond_error(rs, 500, "internal", "response too large");
    rs->status = MHD_HTTP_OK;
    rs->content_type = "application/json";
    return 0;
}

int tl_h_all_customers(tl_request *rq, tl_response *rs)
{
    tl_err err;
    tl_buf_reset(&rs->body);
    tl_buf_putc(&rs->body, '[');
    concat_ctx c = {&rs->body, 0, 0};
    int rc = tl_store_customers_each_doc(rq->st, append_doc, &c, &err);
    return finish_concat(rs, &c, rc, err.msg);
}

int tl_h_all_products(tl_request *rq, tl_response *rs)
{
    tl_err err;
    tl_buf_reset(&rs->body);
    tl_buf_putc(&rs->body, '[');
    concat_ctx c = {&rs->body, 0, 0};
    int rc = tl_store_products_each(rq->st, append_product, &c, &err);
    return finish_concat(rs, &c, rc, err.msg);
}

int tl_h_customer_data(tl_request *rq, tl_response *rs)
{
    tl_customer c;
    tl_err err;
    int rc = tl_store_customer_get(rq->st, rq->params.values[0], &c, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    tl_respond_json_text(rs, MHD_HTTP_OK, c.doc, strlen(c.doc));
    tl_customer_free(&c);
    return 0;
}

int tl_h_product_data(tl_request *rq, tl_response *rs)
{
    char *doc;
    tl_err err;
    int rc = tl_store_product_get_doc(rq->st, rq->params.values[0], &doc, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    tl_respond_json_text(rs, MHD_HTTP_OK, doc, strlen(doc));
    free(doc);
    return 0;
}

/* One member of a stored JSON document, parsed alone; NULL when absent. */
static json_t *member(const char *doc, const char *key)
{
    size_t off, len;
    if (!tl_jsonpos_member(doc, strlen(doc), key, &off, &len))
        return NULL;
    return json_loadb(doc + off, len, JSON_DECODE_ANY, NULL);
}

/* {"prediction": {"predicted", "score"} | null, "transaction_insights":
 * {CustomerID, FrequentlyUsedTransactionCategory, FrequentlyUsedPaymentMode,
 * Transaction_Insights: [{Month, Total_Transaction_Amount,
 * Total_Transaction_Count}]}}. Kept to two store reads: this is the hot
 * path of the prototype's customer page. */
int tl_h_customer_txn_insights(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    tl_customer c;
    tl_err err;
    int rc = tl_store_customer_get(rq->st, id, &c, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    tl_month_total *rows = NULL;
    size_t n = 0;
    double *series = NULL;
    if ((rc = tl_store_monthly_get(rq->st, id, &rows, &n, &err))) {
        tl_respond_from_err(rs, rc, err.msg);
        goto done;
    }
    /* Only the two lists are needed: parse those members, not the whole
     * profile (parsing it was most of this endpoint's time). */
    json_t *cats = member(c.doc, "FrequentlyUsedTransactionCategory");
    json_t *modes = member(c.doc, "FrequentlyUsedPaymentMode");
    json_t *months = json_array();
    for (size_t i = 0; i < n; i++) {
        char label[16];
        tl_month_format_label(rows[i].month, label, sizeof label);
        json_array_append_new(months,
                              json_pack("{s:s, s:o, s:I}", "Month", label,
                                        "Total_Transaction_Amount", tl_json_number(rows[i].total),
                                        "Total_Transaction_Count", (json_int_t)rows[i].count));
    }
    json_t *insights = json_pack("{s:s, s:o, s:o, s:o}", "CustomerID", id,
                                 "FrequentlyUsedTransactionCategory", cats ? cats : json_array(),
                                 "FrequentlyUsedPaymentMode", modes ? modes : json_array(),
                                 "Transaction_Insights", months);
    json_t *prediction = json_null();
    if (n) {
        size_t span = (size_t)(rows[n - 1].month - rows[0].month + 1);
        series = malloc(span * sizeof *series);
        if (series) {
            for (size_t i = 0; i < span; i++)
                series[i] = (double)NAN;
            for (size_t i = 0; i < n; i++)
                series[rows[i].month - rows[0].month] = rows[i].total;
            tl_forecast f;
            if (tl_forecast_next(series, span, TL_FC_DEFAULT, &f, &err) == TL_OK)
                prediction = json_pack("{s:f, s:f}", "predicted", round(f.mean * 100) / 100,
                                       "score", round(f.p_above_median * 1000) / 1000);
        }
    }
    tl_respond_json(rs, MHD_HTTP_OK,
                    json_pack("{s:o, s:o}", "prediction", prediction, "transaction_insights",
                              insights));
done:
    free(series);
    free(rows);
    tl_customer_free(&c);
    return 0;
}
