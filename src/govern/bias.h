/* bias.h — the bias report: offer rates, acceptance rates and mean scores
 * per product and per category, by gender and by age band, with the
 * disparate-impact ratio (lowest group / highest group) and the four-fifths
 * rule. The JSON shape is shared with the dashboard (docs/governance.md). */
#ifndef TL_GOVERN_BIAS_H
#define TL_GOVERN_BIAS_H

#include <jansson.h>
#include <stdio.h>

#include "store/store.h"

#define TL_BIAS_THRESHOLD 0.8      /* the four-fifths rule */
#define TL_BIAS_MIN_GROUP 20       /* default smallest denominator a ratio uses */

/* Builds the report from the store (one read snapshot is the caller's
 * business). Groups whose denominator (customers for offers, offered
 * customers for acceptance, scored customers for scores) is below min_group
 * are listed but left out of the ratios. *out is a new reference. */
int tl_bias_report(tl_store *st, long long min_group, json_t **out, tl_err *err);

/* The report as last kept in the store (meta table) when it is younger than
 * max_age_s and `refresh` is 0; otherwise built anew and kept. On a large
 * bank building it reads every offer and score (a million customers: about
 * 9 s), so the API serves the kept one and `tailor score --all` keeps
 * a fresh one when it finishes. The report gains "cached": true|false.
 * Writes: call it outside a read snapshot. *out is a new reference. */
int tl_bias_report_kept(tl_store *st, long long min_group, double max_age_s, int refresh,
                        json_t **out, tl_err *err);

/* Writes the report as a readable table, flagged rows marked "!". */
void tl_bias_print(const json_t *report, FILE *f);

#endif
