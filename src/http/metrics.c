/* metrics.c — counters in static arrays of atomics. */
#include "http/metrics.h"

#include <stdatomic.h>
#include <string.h>

#include "http/handlers.h"
#include "recommend/contact_policy.h"
#include "recommend/rollout.h"

#define MAX_ROUTES 64
#define N_BUCKETS 10
/* Latency bucket upper bounds in seconds. */
static const double bounds[N_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                         0.025,  0.05,  0.1,    0.5,   2.5};

typedef struct route_stats {
    atomic_ullong by_class[6];          /* status/100: 1xx..5xx, [0] unused */
    atomic_ullong buckets[N_BUCKETS + 1];
    atomic_ullong micros_sum;
} route_stats;

/* Slots: the routes, then unrouted, then the dashboard's files. */
#define SLOT_UNROUTED MAX_ROUTES
#define SLOT_DASHBOARD (MAX_ROUTES + 1)
static route_stats stats[MAX_ROUTES + 2];

void tl_metrics_observe(int route, int status, double seconds)
{
    route_stats *s = &stats[route == TL_METRICS_DASHBOARD             ? SLOT_DASHBOARD
                            : route >= 0 && route < MAX_ROUTES ? route
                                                               : SLOT_UNROUTED];
    int cls = status / 100;
    if (cls < 1 || cls > 5)
        cls = 5;
    atomic_fetch_add_explicit(&s->by_class[cls], 1, memory_order_relaxed);
    int b = 0;
    while (b < N_BUCKETS && seconds > bounds[b])
        b++;
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->micros_sum, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

/* Served recommendations by tl_arm (none, treatment, control); an arm out
 * of range counts as none. */
static atomic_ullong served[3];

void tl_metrics_served(int arm)
{
    atomic_fetch_add_explicit(&served[arm >= 0 && arm < 3 ? arm : 0], 1, memory_order_relaxed);
}

/* Answers held back whole by the contact policy, by rule: the counters of
 * the customer-wide codes (tl_contact_codes from
 * TL_CONTACT_FIRST_CUSTOMER_CODE) are used. */
static atomic_ullong suppressed[TL_CONTACT_NCODES];

void tl_metrics_suppressed(const char *code)
{
    int i = tl_contact_code_find(code);
    if (i >= TL_CONTACT_FIRST_CUSTOMER_CODE)
        atomic_fetch_add_explicit(&suppressed[i], 1, memory_order_relaxed);
}

void tl_metrics_reset(void)
{
    memset(stats, 0, sizeof stats);
    for (int a = 0; a < 3; a++)
        atomic_store(&served[a], 0);
    for (int i = 0; i < TL_CONTACT_NCODES; i++)
        atomic_store(&suppressed[i], 0);
}

/* Rendering walks the n routes, then unrouted (r == n), then the
 * dashboard (r == n + 1). */
static route_stats *slot_of(size_t r, size_t n)
{
    return &stats[r < n ? r : r == n ? SLOT_UNROUTED : SLOT_DASHBOARD];
}

static const char *pattern_of(size_t r, size_t n)
{
    return r < n ? tl_routes[r].pattern : r == n ? "unrouted" : "dashboard";
}

int tl_metrics_render(tl_buf *out)
{
    int rc = tl_buf_puts(out, "# HELP tailor_http_requests_total HTTP requests by route and "
                              "status class.\n# TYPE tailor_http_requests_total counter\n");
    size_t n = tl_routes_count < MAX_ROUTES ? tl_routes_count : MAX_ROUTES;
    for (size_t r = 0; r <= n + 1 && !rc; r++) {
        route_stats *s = slot_of(r, n);
        const char *pattern = pattern_of(r, n);
        const char *method = r < n ? tl_routes[r].method : r > n ? "GET" : "";
        for (int c = 1; c <= 5 && !rc; c++) {
            unsigned long long v = atomic_load(&s->by_class[c]);
            if (v)
                rc = tl_buf_printf(out,
                                   "tailor_http_requests_total{method=\"%s\",route=\"%s\","
                                   "status=\"%dxx\"} %llu\n",
                                   method, pattern, c, v);
        }
    }
    if (!rc)
        rc = tl_buf_puts(out, "# HELP tailor_http_request_seconds Request latency.\n"
                              "# TYPE tailor_http_request_seconds histogram\n");
    for (size_t r = 0; r <= n + 1 && !rc; r++) {
        route_stats *s = slot_of(r, n);
        unsigned long long total = 0;
        for (int b = 0; b <= N_BUCKETS; b++)
            total += atomic_load(&s->buckets[b]);
        if (!total)
            continue;
        const char *pattern = pattern_of(r, n);
        unsigned long long cum = 0;
        for (int b = 0; b < N_BUCKETS && !rc; b++) {
            cum += atomic_load(&s->buckets[b]);
            rc = tl_buf_printf(out, "tailor_http_request_seconds_bucket{route=\"%s\",le=\"%g\"} "
                                    "%llu\n", pattern, bounds[b], cum);
        }
        if (!rc)
            rc = tl_buf_printf(out,
                               "tailor_http_request_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                               "tailor_http_request_seconds_sum{route=\"%s\"} %.6f\n"
                               "tailor_http_request_seconds_count{route=\"%s\"} %llu\n",
                               pattern, total, pattern, atomic_load(&s->micros_sum) / 1e6,
                               pattern, total);
    }
    if (!rc)
        rc = tl_buf_puts(out, "# HELP tailor_recommendations_served_total Audited "
                              "recommendations served, by rollout arm (none: no rollout ran).\n"
                              "# TYPE tailor_recommendations_served_total counter\n");
    for (int a = 0; a < 3 && !rc; a++)
        rc = tl_buf_printf(out, "tailor_recommendations_served_total{arm=\"%s\"} %llu\n",
                           tl_arm_name((tl_arm)a), atomic_load(&served[a]));
    if (!rc)
        rc = tl_buf_puts(out, "# HELP tailor_recommendations_suppressed_total Audited answers "
                              "with no offers because the contact policy or the customer's "
                              "opt-out of the channel held them back, by rule.\n"
                              "# TYPE tailor_recommendations_suppressed_total counter\n");
    for (int i = TL_CONTACT_FIRST_CUSTOMER_CODE; i < TL_CONTACT_NCODES && !rc; i++)
        rc = tl_buf_printf(out, "tailor_recommendations_suppressed_total{rule=\"%s\"} %llu\n",
                           tl_contact_codes[i], atomic_load(&suppressed[i]));
    return rc;
}
