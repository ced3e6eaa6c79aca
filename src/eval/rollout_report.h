/* rollout_report.h — what a rollout proved: each arm's conversion (the
 * share of customers shown an offer who accepted one) and offer figures,
 * from the events table, with the lift of treatment over control, its
 * interval and test, the smallest lift the group sizes can detect, a check
 * that the arms split as designed, and the cumulative conversion by day
 * for a chart.
 *
 * The unit is the customer, the unit the rollout randomises: offers shown
 * to one customer are not independent trials, so offer-level rates are
 * given for information only. Customers count in the arm they were
 * assigned (intention to treat), also those whose own consent kept them
 * from personalisation. Events count in the rollout's window, from its
 * start to its stop (or now).
 *
 * The same comparison per segment (age band x risk profile) says where
 * personalisation helps; with up to 20 segments tested at 5%, one may
 * come out "significant" by chance, which the report says. */
#ifndef TL_EVAL_ROLLOUT_REPORT_H
#define TL_EVAL_ROLLOUT_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "eval/lift.h"
#include "store/rollouts.h"

typedef struct tl_arm_stats {
    long long customers;    /* shown at least one offer in the window */
    long long converted;    /* of them, accepted at least one after their first showing */
    long long shown, clicked, accepted, dismissed;   /* events */
    long long complained;   /* complaint events of these customers in the window */
    long long complainers;  /* customers with at least one of them */
    double accepted_sq;     /* sum over customers of acceptances squared */
} tl_arm_stats;

/* One day's new exposures and conversions per arm ([0] treatment, [1]
 * control). */
typedef struct tl_rollout_day {
    char day[11];           /* YYYY-MM-DD */
    long long exposed[2], converted[2];
} tl_rollout_day;

/* One customer segment (the learning segment: age band x risk profile),
 * per arm ([0] treatment, [1] control). */
#define TL_ROLLOUT_MAX_SEGMENTS 32
typedef struct tl_rollout_segment {
    char key[48];           /* "age:30-44|risk:medium"; "age:?|risk:?" for customers no
                               longer (or never) in the store */
    long long customers[2], converted[2];
} tl_rollout_segment;

/* Segments with fewer customers than this in an arm are listed but not
 * tested. */
#define TL_ROLLOUT_SEGMENT_MIN 30

typedef struct tl_rollout_report {
    tl_rollout rollout;
    int running;
    tl_arm_stats arm[2];    /* [0] treatment, [1] control */
    tl_rollout_segment segments[TL_ROLLOUT_MAX_SEGMENTS];   /* in key order */
    size_t n_segments;
    tl_rollout_day *days;   /* owned, in date order */
    size_t n_days, cap_days;
    /* Derived by tl_rollout_report_build: */
    double rate[2];
    tl_interval rate_ci[2];
    double diff;            /* treatment − control conversion */
    tl_interval diff_ci;
    double relative;        /* treatment / control − 1; NaN when control converted none */
    tl_interval relative_ci;
    double p_value;
    double min_detectable;  /* difference detectable at 80% power, 5% level */
    tl_mean_diff per_customer;   /* acceptances per exposed customer */
    double split_p;         /* sample ratio check */
} tl_rollout_report;

/* Builds the report of the rollout named `name`, or of the running one
 * (else the most recent) when name is NULL. TL_ENOTFOUND when there is no
 * such rollout. Free with tl_rollout_report_free. */
int tl_rollout_report_build(tl_store *st, const char *name, tl_rollout_report *out,
                            tl_err *err);
void tl_rollout_report_free(tl_rollout_report *r);

/* One line saying what the figures support. */
const char *tl_rollout_verdict(const tl_rollout_report *r);

/* The report as one JSON object (docs/rollout.md). New reference. */
json_t *tl_rollout_report_json(const tl_rollout_report *r);

/* The report as text for a terminal. */
void tl_rollout_report_print(FILE *f, const tl_rollout_report *r);

#endif
