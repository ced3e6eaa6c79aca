/* metrics.h — request counters and latency histograms per route, lock-free
 * (atomics), rendered in the Prometheus text format. */
#ifndef TL_HTTP_METRICS_H
#define TL_HTTP_METRICS_H

#include "base/buf.h"

/* The pseudo-route of the dashboard's files (rendered as route
 * "dashboard"): they are served before routing. */
#define TL_METRICS_DASHBOARD (-2)

/* Records one request: route index (-1 when unrouted,
 * TL_METRICS_DASHBOARD for a dashboard file), status, seconds. */
void tl_metrics_observe(int route, int status, double seconds);

/* Counts one audited recommendation by rollout arm (tl_arm: none,
 * treatment, control): the live split a rollout's report will see. */
void tl_metrics_served(int arm);

/* Counts one audited answer whose offers the contact policy held back, by
 * the rule's code ("complaint", "contact_cap"; any other is not counted). */
void tl_metrics_suppressed(const char *code);

/* Appends the exposition text. */
int tl_metrics_render(tl_buf *out);

/* Clears all counters (tests). */
void tl_metrics_reset(void);

#endif
