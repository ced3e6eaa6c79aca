/* handlers.h — one function per route; the route table in routes.c. */
#ifndef TL_HTTP_HANDLERS_H
#define TL_HTTP_HANDLERS_H

#include "http/request.h"
#include "http/router.h"

/* The route table (static) and its length. */
extern const tl_route tl_routes[];
extern const size_t tl_routes_count;
extern const tl_handler tl_handlers[];

/* Prototype-compatible endpoints (h_prototype.c). */
int tl_h_all_customers(tl_request *rq, tl_response *rs);
int tl_h_customer_data(tl_request *rq, tl_response *rs);
int tl_h_customer_txn_insights(tl_request *rq, tl_response *rs);
int tl_h_all_products(tl_request *rq, tl_response *rs);
int tl_h_product_data(tl_request *rq, tl_response *rs);

/* /api/v1 (h_customers.c, h_products.c). */
int tl_h_customers_list(tl_request *rq, tl_response *rs);
int tl_h_customer_get(tl_request *rq, tl_response *rs);
int tl_h_customer_put(tl_request *rq, tl_response *rs);
int tl_h_customer_transactions(tl_request *rq, tl_response *rs);
int tl_h_customer_insights(tl_request *rq, tl_response *rs);
int tl_h_customer_forecast(tl_request *rq, tl_response *rs);
int tl_h_products_list(tl_request *rq, tl_response *rs);
int tl_h_products_match(tl_request *rq, tl_response *rs);
int tl_h_rollouts_list(tl_request *rq, tl_response *rs);
int tl_h_rollout_start(tl_request *rq, tl_response *rs);
int tl_h_rollout_stop(tl_request *rq, tl_response *rs);
int tl_h_rollout_report(tl_request *rq, tl_response *rs);
int tl_h_policy_get(tl_request *rq, tl_response *rs);
int tl_h_policy_put(tl_request *rq, tl_response *rs);
int tl_h_product_get(tl_request *rq, tl_response *rs);

/* Recommendations and feedback (h_recommend.c). */
int tl_h_recommendations(tl_request *rq, tl_response *rs);
int tl_h_prototype_recommendations(tl_request *rq, tl_response *rs);
int tl_h_events_post(tl_request *rq, tl_response *rs);
int tl_h_consent_get(tl_request *rq, tl_response *rs);
int tl_h_consent_put(tl_request *rq, tl_response *rs);
/* POST /api/v1/consent (h_consent.c). */
int tl_h_consent_bulk(tl_request *rq, tl_response *rs);
int tl_h_product_insights(tl_request *rq, tl_response *rs);
int tl_h_product_optimizations(tl_request *rq, tl_response *rs);

/* Governance (h_govern.c). */
int tl_h_audit_list(tl_request *rq, tl_response *rs);
int tl_h_audit_verify(tl_request *rq, tl_response *rs);
int tl_h_optouts_get(tl_request *rq, tl_response *rs);
int tl_h_optouts_put(tl_request *rq, tl_response *rs);
int tl_h_customer_delete(tl_request *rq, tl_response *rs);
int tl_h_bias_report(tl_request *rq, tl_response *rs);

/* Reports (h_reports.c). */
int tl_h_report_overview(tl_request *rq, tl_response *rs);

/* System (h_system.c). */
int tl_h_healthz(tl_request *rq, tl_response *rs);
int tl_h_metrics(tl_request *rq, tl_response *rs);
int tl_h_openapi(tl_request *rq, tl_response *rs);

#endif
