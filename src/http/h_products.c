/* h_products.c — /api/v1/products: the catalogue and one product with its
 * reviews. */
#include "http/handlers.h"

#include <math.h>
#include <microhttpd.h>
#include <stdlib.h>

#include "http/llm_text.h"
#include "recommend/engine.h"
#include "recommend/product_insights.h"
#include "store/products.h"

static int add_product(void *ctx, const tl_product *p)
{
    json_t *doc = json_loads(p->doc, 0, NULL);
    json_t *o = json_pack("{s:s, s:s, s:s}", "product_id", p->id, "name", p->name, "category",
                          p->category);
    static const char *const fields[] = {"description", "annual_fee", "interest_rate",
                                         "eligibility"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        json_t *v = json_object_get(doc, fields[i]);
        if (json_is_string(v))
            json_object_set(o, fields[i], v);
    }
    json_decref(doc);
    return json_array_append_new(ctx, o) != 0;
}

int tl_h_products_list(tl_request *rq, tl_response *rs)
{
    json_t *items = json_array();
    tl_err err;
    int rc = tl_store_products_each(rq->st, add_product, items, &err);
    if (rc) {
        json_decref(items);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:o, s:I}", "items", items, "total",
                                     (json_int_t)json_array_size(items)));
}

static int add_review(void *ctx, const tl_review *r)
{
    return json_array_append_new(ctx, json_pack("{s:s, s:o}", "text", r->text, "rating",
                                                 isnan(r->rating) ? json_null()
                                                                  : json_real(r->rating))) != 0;
}

int tl_h_product_get(tl_request *rq, tl_response *rs)
{
    const char *id = rq->params.values[0];
    char *doc;
    tl_err err;
    int rc = tl_store_product_get_doc(rq->st, id, &doc, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    json_t *product = json_loads(doc, 0, NULL);
    free(doc);
    json_t *reviews = json_array();
    if ((rc = tl_store_reviews_each(rq->st, id, add_review, reviews, &err))) {
        json_decref(product);
        json_decref(reviews);
        return tl_respond_from_err(rs, rc, err.msg);
    }
    json_t *rules = tl_engine_product_rules(rq->engine, rq->st, id, &err);
    return tl_respond_json(rs, MHD_HTTP_OK,
                           json_pack("{s:s, s:o, s:o, s:o}", "product_id", id, "product",
                                     product ? product : json_object(), "reviews", reviews,
                                     "eligibility", rules ? rules : json_null()));
}

int tl_h_product_insights(tl_request *rq, tl_response *rs)
{
    json_t *o;
    tl_err err;
    int rc = tl_product_insights(rq->st, rq->params.values[0], &o, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_llm_respond_suggestions(rq, rs, o, TL_LLM_SHAPE_V1, tl_llm_requested(rq));
}

int tl_h_product_optimizations(tl_request *rq, tl_response *rs)
{
    json_t *o;
    tl_err err;
    int rc = tl_product_insights(rq->st, rq->params.values[0], &o, &err);
    if (rc)
        return tl_respond_from_err(rs, rc, err.msg);
    return tl_llm_respond_suggestions(rq, rs, o, TL_LLM_SHAPE_PROTOTYPE, 1);
}
