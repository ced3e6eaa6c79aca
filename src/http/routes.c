/* routes.c — the route table: one line per endpoint. The order of
 * tl_handlers follows the enum below; tl_routes refers to it by index.
 *
 * The last field says who may call the route (govern/access.h, docs/auth.md):
 * TL_ACCESS_APP for the per-customer calls a customer-facing app makes,
 * TL_ACCESS_ANALYST for reads, TL_ACCESS_ADMIN for writes, TL_ACCESS_PUBLIC
 * for liveness. A route without one is admin-only.
 *
 * After it, the /api/v1 routes list the query arguments their handlers read;
 * any other is refused with 400, so a misspelt filter ("search=" for "q=")
 * is an error, not a silently unfiltered answer. A handler reading one its
 * route does not list fails an assertion in debug builds, and
 * tests/http/test_server.c calls every route with each one listed. */
#include "http/handlers.h"

enum {
    H_ALL_CUSTOMERS, H_CUSTOMER_DATA, H_CUSTOMER_TXN_INSIGHTS, H_ALL_PRODUCTS, H_PRODUCT_DATA,
    H_CUSTOMERS_LIST, H_CUSTOMER_GET, H_CUSTOMER_PUT, H_CUSTOMER_TXNS,
    H_CUSTOMER_INSIGHTS, H_CUSTOMER_FORECAST, H_PRODUCTS_LIST, H_PRODUCT_GET, H_HEALTHZ,
    H_METRICS, H_OPENAPI, H_RECOMMENDATIONS, H_PROTO_RECOMMENDATIONS, H_EVENTS_POST,
    H_PRODUCT_INSIGHTS, H_PRODUCT_OPTIMIZATIONS, H_CONSENT_GET, H_CONSENT_PUT,
    H_CUSTOMER_DELETE, H_AUDIT_LIST, H_BIAS_REPORT, H_REPORT_OVERVIEW, H_CONSENT_BULK,
    H_PRODUCTS_MATCH, H_ROLLOUTS_LIST, H_ROLLOUT_START, H_ROLLOUT_STOP, H_ROLLOUT_REPORT,
    H_POLICY_GET, H_POLICY_PUT, H_AUDIT_VERIFY, H_OPTOUTS_GET, H_OPTOUTS_PUT
};

const tl_handler tl_handlers[] = {
    [H_ALL_CUSTOMERS] = tl_h_all_customers,
    [H_CUSTOMER_DATA] = tl_h_customer_data,
    [H_CUSTOMER_TXN_INSIGHTS] = tl_h_customer_txn_insights,
    [H_ALL_PRODUCTS] = tl_h_all_products,
    [H_PRODUCT_DATA] = tl_h_product_data,
    [H_CUSTOMERS_LIST] = tl_h_customers_list,
    [H_CUSTOMER_GET] = tl_h_customer_get,
    [H_CUSTOMER_PUT] = tl_h_customer_put,
    [H_CUSTOMER_TXNS] = tl_h_customer_transactions,
    [H_CUSTOMER_INSIGHTS] = tl_h_customer_insights,
    [H_CUSTOMER_FORECAST] = tl_h_customer_forecast,
    [H_PRODUCTS_LIST] = tl_h_products_list,
    [H_PRODUCT_GET] = tl_h_product_get,
    [H_HEALTHZ] = tl_h_healthz,
    [H_METRICS] = tl_h_metrics,
    [H_OPENAPI] = tl_h_openapi,
    [H_RECOMMENDATIONS] = tl_h_recommendations,
    [H_PROTO_RECOMMENDATIONS] = tl_h_prototype_recommendations,
    [H_EVENTS_POST] = tl_h_events_post,
    [H_PRODUCT_INSIGHTS] = tl_h_product_insights,
    [H_PRODUCT_OPTIMIZATIONS] = tl_h_product_optimizations,
    [H_CONSENT_GET] = tl_h_consent_get,
    [H_CONSENT_PUT] = tl_h_consent_put,
    [H_CUSTOMER_DELETE] = tl_h_customer_delete,
    [H_AUDIT_LIST] = tl_h_audit_list,
    [H_BIAS_REPORT] = tl_h_bias_report,
    [H_REPORT_OVERVIEW] = tl_h_report_overview,
    [H_CONSENT_BULK] = tl_h_consent_bulk,
    [H_PRODUCTS_MATCH] = tl_h_products_match,
    [H_ROLLOUTS_LIST] = tl_h_rollouts_list,
    [H_ROLLOUT_START] = tl_h_rollout_start,
    [H_ROLLOUT_STOP] = tl_h_rollout_stop,
    [H_ROLLOUT_REPORT] = tl_h_rollout_report,
    [H_POLICY_GET] = tl_h_policy_get,
    [H_POLICY_PUT] = tl_h_policy_put,
    [H_AUDIT_VERIFY] = tl_h_audit_verify,
    [H_OPTOUTS_GET] = tl_h_optouts_get,
    [H_OPTOUTS_PUT] = tl_h_optouts_put,
};

const tl_route tl_routes[] = {
    {"GET", "/all_customers_data", H_ALL_CUSTOMERS, "Every customer record (prototype shape)",
     TL_ACCESS_ANALYST, NULL},
    {"GET", "/customer_data/{id}", H_CUSTOMER_DATA, "One customer record (prototype shape)",
     TL_ACCESS_ANALYST, NULL},
    {"GET", "/customer_transaction_insights/{id}", H_CUSTOMER_TXN_INSIGHTS,
     "Monthly totals and the next-month prediction (prototype shape)", TL_ACCESS_ANALYST, NULL},
    {"GET", "/all_products_data", H_ALL_PRODUCTS, "Every product (prototype shape)",
     TL_ACCESS_ANALYST, NULL},
    {"GET", "/product_data/{id}", H_PRODUCT_DATA, "One product (prototype shape)",
     TL_ACCESS_ANALYST, NULL},
    {"GET", "/product_recommendations/{id}", H_PROTO_RECOMMENDATIONS,
     "Recommendations with reasons (prototype shape)", TL_ACCESS_ANALYST, NULL},
    {"GET", "/product_optimizations/{id}", H_PRODUCT_OPTIMIZATIONS,
     "Suggestions for a product from its reviews, holders and offer outcomes (prototype shape)",
     TL_ACCESS_ANALYST, NULL},
    {"GET", "/api/v1/customers", H_CUSTOMERS_LIST,
     "Customers, paged: q, risk_profile, gender, account_status, holds (a product id), age_min, "
     "age_max, sort, order, limit, offset",
     TL_ACCESS_ANALYST,
     "q risk_profile gender account_status holds age_min age_max sort order limit offset"},
    {"GET", "/api/v1/customers/{id}", H_CUSTOMER_GET,
     "The customer 360: profile, insights, forecast, holdings, posts", TL_ACCESS_ANALYST, ""},
    {"PUT", "/api/v1/customers/{id}", H_CUSTOMER_PUT, "Create or update one customer",
     TL_ACCESS_ADMIN, ""},
    {"DELETE", "/api/v1/customers/{id}", H_CUSTOMER_DELETE,
     "Erase the customer: every row removed in one transaction, audit entries pseudonymised",
     TL_ACCESS_ADMIN, ""},
    {"GET", "/api/v1/customers/{id}/transactions", H_CUSTOMER_TXNS,
     "Raw transactions, newest first: limit", TL_ACCESS_ANALYST, "limit"},
    {"GET", "/api/v1/customers/{id}/insights", H_CUSTOMER_INSIGHTS,
     "Monthly series, trend, volatility, categories, payment modes, balance", TL_ACCESS_ANALYST,
     ""},
    {"GET", "/api/v1/customers/{id}/forecast", H_CUSTOMER_FORECAST,
     "Next-month spending forecast with an 80% interval: method", TL_ACCESS_ANALYST, "method"},
    {"GET", "/api/v1/customers/{id}/recommendations", H_RECOMMENDATIONS,
     "Top-k eligible products with score, reasons and evidence: k, explain, llm (friendlier "
     "texts from the configured LLM when the customer consents), channel (where the offers "
     "will be shown: the contact policy's cap for it applies)",
     TL_ACCESS_APP, "k explain llm channel"},
    {"POST", "/api/v1/customers/{id}/events", H_EVENTS_POST,
     "Feedback on an offer: kind (shown, clicked, accepted, dismissed, complained), "
     "product_id, channel, idempotency_key; a new event updates the segment's learned "
     "acceptance model",
     TL_ACCESS_APP, ""},
    {"GET", "/api/v1/customers/{id}/consent", H_CONSENT_GET,
     "Consent to personalisation, use of social data and use of an LLM", TL_ACCESS_APP, ""},
    {"PUT", "/api/v1/customers/{id}/consent", H_CONSENT_PUT,
     "Change consent: {personalisation, social_data, llm} (booleans; each may be sent alone)",
     TL_ACCESS_APP, ""},
    {"GET", "/api/v1/customers/{id}/contact-optouts", H_OPTOUTS_GET,
     "The channels the customer asked not to receive offers on: opted_out [{channel, since}]",
     TL_ACCESS_APP, ""},
    {"PUT", "/api/v1/customers/{id}/contact-optouts", H_OPTOUTS_PUT,
     "Set the channels the customer opts out of: {opted_out: [names]} (\"*\": every "
     "channel; [] opts back in); a request for offers on one of them gets none (suppressed: "
     "opted_out); audited",
     TL_ACCESS_APP, ""},
    {"POST", "/api/v1/consent", H_CONSENT_BULK,
     "Consent for many customers, all or nothing: a JSON array of {customer_id, "
     "personalisation, social_data, llm} (at most 10,000); answers changed and unchanged",
     TL_ACCESS_ADMIN, ""},
    {"GET", "/api/v1/products", H_PRODUCTS_LIST, "The product catalogue", TL_ACCESS_ANALYST, ""},
    {"POST", "/api/v1/products/match", H_PRODUCTS_MATCH,
     "Products closest in meaning to a text (a need in a customer's words), by the engine's "
     "semantic match alone: {text, k} (k 1..50, default 5); answers matches with similarity",
     TL_ACCESS_ANALYST, ""},
    {"GET", "/api/v1/products/{id}", H_PRODUCT_GET,
     "One product with its reviews and parsed eligibility rules", TL_ACCESS_ANALYST, ""},
    {"GET", "/api/v1/products/{id}/insights", H_PRODUCT_INSIGHTS,
     "Review sentiment and themes, holders against target, offer rates (showings on staff "
     "screens apart), suggestions: llm",
     TL_ACCESS_ANALYST, "llm"},
    {"GET", "/api/v1/audit", H_AUDIT_LIST,
     "Audit log, newest first: customer, kind, since, limit, offset", TL_ACCESS_ANALYST,
     "customer kind since limit offset"},
    {"GET", "/api/v1/audit/verify", H_AUDIT_VERIFY,
     "Checks the audit log's hash chain: intact, entries, chained, unchained, broken, "
     "first_broken [{id, at, kind}], head; anchor (a head recorded earlier) must be found",
     TL_ACCESS_ANALYST, "anchor"},
    {"GET", "/api/v1/reports/bias", H_BIAS_REPORT,
     "Offer and acceptance rates and mean scores by gender and age band, with "
     "disparate-impact ratios and four-fifths flags: min_group, refresh (else a report up "
     "to ten minutes old may be served; \"cached\" says which)",
     TL_ACCESS_ANALYST, "min_group refresh"},
    {"GET", "/api/v1/reports/overview", H_REPORT_OVERVIEW,
     "Portfolio figures: customers, products, holdings, offers shown (on staff screens "
     "apart), accepted and dismissed, acceptance rate overall, per channel and per day: days",
     TL_ACCESS_ANALYST, "days"},
    {"GET", "/api/v1/rollouts", H_ROLLOUTS_LIST,
     "Rollouts, newest first, and the running one: each personalises a share of the customers "
     "and holds the rest out", TL_ACCESS_ANALYST, ""},
    {"POST", "/api/v1/rollouts", H_ROLLOUT_START,
     "Start a rollout: {name, share (above 0, below 1: the share personalised), salt "
     "(optional: the last rollout's by default)}; 409 while one runs or when the name was used",
     TL_ACCESS_ADMIN, ""},
    {"POST", "/api/v1/rollouts/stop", H_ROLLOUT_STOP,
     "Stop the running rollout: everyone is personalised again as consent allows",
     TL_ACCESS_ADMIN, ""},
    {"GET", "/api/v1/rollouts/{name}/report", H_ROLLOUT_REPORT,
     "A rollout's lift: each arm's conversion with 95% intervals, the difference, relative "
     "lift, p-value, smallest detectable difference, split check and cumulative daily "
     "conversion; generated_at, and cached: true when served again unchanged since (any event "
     "on the window's days, or the rollout stopping, builds it anew; at most 10 minutes old); "
     "refresh=true builds it now", TL_ACCESS_ANALYST, "refresh"},
    {"GET", "/api/v1/contact-policy", H_POLICY_GET,
     "The contact policy in force and the default: dismissal_days, fatigue {showings, days}, "
     "complaint_days, caps [{channel, offers, days}], staff_channels (showings there are "
     "not counted)", TL_ACCESS_ANALYST, ""},
    {"PUT", "/api/v1/contact-policy", H_POLICY_PUT,
     "Change the contact policy: the fields given replace theirs (0 or null switches a rule "
     "off); audited", TL_ACCESS_ADMIN, ""},
    {"GET", "/healthz", H_HEALTHZ, "Liveness and store check", TL_ACCESS_PUBLIC, NULL},
    {"GET", "/metrics", H_METRICS, "Prometheus metrics", TL_ACCESS_ANALYST, NULL},
    {"GET", "/openapi.json", H_OPENAPI, "This API's description", TL_ACCESS_ANALYST, NULL},
};

const size_t tl_routes_count = sizeof tl_routes / sizeof *tl_routes;
