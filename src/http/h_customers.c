/* h_customers.c — /api/v1/customers: list, the 360, upsert, transactions,
 * insights, forecast. */
#include "http/handlers.h"

#include <math.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "ingest/record.h"
#include "profile/insights.h"
#include "store/customers.h"
#include "store/holdings.h"
#include "store/posts.h"
#include "store/transactions.h"
#include "text/sentiment.h"

/* A customer's summary: the list's items and the 360's "customer". */
static void write_summary(tl_jw *w, const tl_customer *c)
{
    tl_jw_object(w);
    tl_jw_key_str(w, "customer_id", c->id);
    tl_jw_key_str(w, "name", c->name);
    tl_jw_key_str(w, "gender", c->gender);
    tl_jw_key(w, "age");
    if (c->age >= 0)
        tl_jw_int(w, c->age);
    else
        tl_jw_null(w);
    tl_jw_key_str(w, "city", c->city);
    tl_jw_key_str(w, "country", c->country);
    tl_jw_key(w, "balance");
    tl_jw_number(w, c->balance);
    tl_jw_key_str(w, "currency", c->currency);
    tl_jw_key_str(w, "risk_profile", c->risk_profile);
    tl_jw_key_str(w, "account_status", c->account_status);
    tl_jw_end(w, '}');
}

static void write_summary_of(tl_jw *w, const void *c)
{
    write_summary(w, c);
}

/* The summary as a tree (new reference; NULL when out of memory). */
static json_t *customer_summary(const tl_customer *c)
{
    return tl_jw_tree(write_summary_of, c);
}

/* One customer of the list, written into the open array of the list. */
static int add_summary(void *ctx, const tl_customer *c)
{
    tl_jw *w = ctx;
    write_summary(w, c);
    return w->rc != 0;
}

int tl_h_customers_list(tl_request *rq, tl_response *rs)
{
    tl_customer_query q = {.search = tl_request_arg(rq, "q"),
                           .risk_profile = tl_request_arg(rq, "risk_profile"),
                           .gender = tl_request_arg(rq, "gender"),
                           .account_status = tl_request_arg(rq, "account_status"),
                           .holds = tl_request_arg(rq, "holds"),
                           .age_min = -1,
                           .age_max = -1,
                           .sort = TL_CSORT_INSERTION,
                           .limit = 50};
    long long limit = 50, offset = 0, amin = -1, amax = -1;
    if (tl_request_int_arg(rq, rs, "limit", 1, 1000, &limit) ||
        tl_request_int_arg(rq, rs, "offset", 0, 1LL << 40, &offset) ||
        tl_request_int_arg(rq, rs, "age_min", 0, 130, &amin) ||
        tl_request_int_arg(rq, rs, "age_max", 0, 130, &amax))
        return 0;
    q.limit = (int)limit;
    q.offset = offset;
    q.age_min = (int)amin;
    q.age_max = (int)amax;
    const char *sort = tl_request_arg(rq, "sort");
    if (sort) {
        static const char *const names[] = {"id", "name", "age", "balance"};
        size_t i = 0;
        while (i < 4 && strcmp(sort, names[i]) != 0)
            i++;
        if (i == 4)
            return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                    "sort must be one of id, name, age, balance");
        q.sort = (tl_customer_sort)i;
    }
    const char *order = tl_request_arg(rq, "order");
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "order must be asc or desc");
    q.descending = order && strcmp(order, "desc") == 0;
    /* Written as the rows come: a page of a thousand is no tree. */
    tl_buf text;
    tl_buf_init(&text, 64u << 20);
    tl_jw w;
    tl_jw_init(&w, &text);
    tl_jw_object(&w);
    tl_jw_key(&w, "items");
    tl_jw_array(&w);
    long long total = 0;
    tl_err err;
    int rc = tl_store_customers_list(rq->st, &q, add_summary, &w, &total, &err);
    if (rc) {
        tl_buf_free(&text);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    tl_jw_end(&w, ']');
    tl_jw_key_int(&w, "total", total);
    tl_jw_key_int(&w, "limit", limit);
    tl_jw_key_int(&w, "offset", offset);
    tl_jw_end(&w, '}');
    if (w.rc)
        tl_respond_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                         "could not encode the response");
    else
        tl_respond_json_text(rs, MHD_HTTP_OK, text.data, text.len);
    tl_buf_free(&text);
    return 0;
}

static int add_holding(void *ctx, const tl_holding *h)
{
    return json_array_append_new(ctx, json_pack("{s:s, s:s?, s:s}", "product_id", h->product_id,
                                                 "since", h->since, "source", h->source)) != 0;
}

/* Each post with its sentiment (the same scorer the recommender reads
 * posts with), so the 360 shows how the customer feels, not only what they
 * wrote. */
static int add_post(void *ctx, const tl_post *p)
{
    tl_sentiment sent;
    tl_sentiment_score_str(p->text, &sent);
    json_t *aspects = json_array();
    for (int a = 0; a < TL_ASPECT_COUNT; a++)
        if (sent.aspects_seen & TL_ASPECT_BIT(a))
            json_array_append_new(aspects, json_string(tl_aspect_name(a)));
    return json_array_append_new(
               ctx, json_pack("{s:s, s:s, s:s, s:s?, s:{s:o, s:s, s:o}}", "platform", p->platform,
                              "topic", p->topic, "text", p->text, "posted_at", p->posted_at,
                              "sentiment", "score", tl_json_number(sent.score), "label",
                              sent.label, "aspects", aspects)) != 0;
}

int tl_h_customer_get(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    tl_customer c;
    tl_err err;
    int rc = tl_store_customer_get(rq->st, id, &c, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    tl_insights in;
    json_t *holdings = json_array(), *posts = json_array();
    if ((rc = tl_insights_compute(rq->st, id, &in, &err)) ||
        (rc = tl_store_holdings_each(rq->st, id, add_holding, holdings, &err)) ||
        (rc = tl_store_posts_each(rq->st, id, add_post, posts, &err))) {
        json_decref(holdings);
        json_decref(posts);
        tl_customer_free(&c);
        tl_insights_free(&in);   /* safe: compute zeroes it before anything can fail */
        return tl_respond_from_err(rs, rc, err.msg);
    }
    json_t *summary = customer_summary(&c);
    json_object_set_new(summary, "profile", json_loads(c.doc, 0, NULL));
    tl_respond_json(rs, MHD_HTTP_OK,
                    json_pack("{s:o, s:o, s:o, s:o}", "customer", summary, "insights",
                              tl_insights_to_json(&in), "holdings", holdings, "posts", posts));
    tl_insights_free(&in);
    tl_customer_free(&c);
    return 0;
}

int tl_h_customer_put(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    json_t *obj = tl_request_json_body(rq, rs);
    if (!obj)
        return 0;
    if (!json_is_object(obj)) {
        json_decref(obj);
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "the body must be a JSON object");
    }
    /* The path names the customer; a body that names another is refused. */
    json_t *bid = json_object_get(obj, "CustomerID");
    if (!bid)
        bid = json_object_get(obj, "customer_id");
    if (bid && (!json_is_string(bid) || strcmp(json_string_value(bid), id) != 0)) {
        json_decref(obj);
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "the body's customer id differs from the path's '%s'", id);
    }
    if (!bid)
        json_object_set_new(obj, "customer_id", json_string(id));
    tl_customer c;
    tl_customer_scratch scratch;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_record_customer(obj, &c, &scratch, NULL, &err);
    char *doc = rc ? NULL : json_dumps(obj, JSON_COMPACT);
    bool existed = false, changed = false;
    if (!rc && !doc)
        rc = tl_err_set(&err, TL_ENOMEM, "out of memory");
    if (!rc)
        rc = tl_store_customer_exists(rq->st, id, &existed, &err);
    if (!rc) {
        c.doc = doc;
        rc = tl_store_customer_upsert(rq->st, &c, &changed, &err);
    }
    if (rc)
        tl_respond_from_err(rs, rc, err.msg);
    else
        tl_respond_json(rs, existed ? MHD_HTTP_OK : MHD_HTTP_CREATED,
                        json_pack("{s:s, s:b, s:b}", "customer_id", id, "created", !existed,
                                  "changed", changed));
    free(doc);
    json_decref(obj);
    return 0;
}

static int add_txn(void *ctx, const tl_txn *t)
{
    return json_array_append_new(
               ctx, json_pack("{s:s, s:s, s:o, s:s, s:s?, s:s?, s:s?, s:s?}", "txn_id", t->txn_id,
                              "date", t->day, "amount", tl_json_number(t->amount), "direction",
                              t->direction < 0 ? "debit" : "credit", "currency", t->currency,
                              "category", t->category, "merchant", t->merchant, "payment_mode",
                              t->payment_mode)) != 0;
}

int tl_h_customer_transactions(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    long long limit = 100;
    if (tl_request_int_arg(rq, rs, "limit", 1, 10000, &limit))
        return 0;
    tl_err err;
    bool exists;
    int rc = tl_store_customer_exists(rq->st, id, &exists, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    if (!exists)
        return tl_respond_error(rs, MHD_HTTP_NOT_FOUND, "not_found", "customer '%s' not found", id);
    json_t *items = json_array();
    if ((rc = tl_store_txns_each(rq->st, id, (int)limit, add_txn, items, &err))) {
        json_decref(items);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:s, s:o}", "customer_id", id, "transactions", items));
}

int tl_h_customer_insights(tl_request *rq, tl_response *rs)
{
    tl_insights in;
    tl_err err;
    int rc = tl_insights_compute(rq->st, rq->params.values[0], &in, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    json_t *o = tl_insights_to_json(&in);
    json_object_set_new(o, "customer_id", json_string(rq->params.values[0]));
    tl_insights_free(&in);
    return tl_respond_json(rs, MHD_HTTP_OK, o);
}

int tl_h_customer_forecast(tl_request *rq, tl_response *rs)
{
    const char *mname = tl_request_arg(rq, "method");
    int method = TL_FC_DEFAULT;
    if (mname && (method = tl_forecast_method_parse(mname)) < 0)
        return tl_respond_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
                                "unknown forecast method \"%.40s\"", mname);
    tl_insights in;
    tl_err err;
    int rc = tl_insights_compute(rq->st, rq->params.values[0], &in, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    json_t *fc = json_null();
    if (in.n_known) {
        tl_forecast f;
        rc = tl_forecast_next(in.totals, in.n_months, (tl_forecast_method)method, &f, &err);
        if (!rc)
            fc = tl_forecast_to_json(&f, in.first_month + (int)in.n_months);
    }
    tl_insights_free(&in);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:s, s:o}", "customer_id", rq->params.values[0],
                                     "forecast", fc));
}
