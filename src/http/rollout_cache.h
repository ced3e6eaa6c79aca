/* rollout_cache.h — the rollout reports this process built, per store file
 * and rollout, served again while nothing they count has changed.
 *
 * A report passes over every event of the rollout's window (0.3 s a
 * million events, growing with them) and the dashboard asks for it on
 * every view of the rollout card. A kept report is served again only while
 * the rollout's row (its end) and the count of events on the window's days
 * (event_tally.h: any event written or erased there changes it) are as
 * they were when it was built, and for at most
 * TL_ROLLOUT_REPORT_MAX_AGE_S, which bounds what the count cannot see: a
 * customer's age or risk profile edited (their segment). A running
 * rollout's report is thus built anew after every event; a stopped one's
 * is built once. */
#ifndef TL_HTTP_ROLLOUT_CACHE_H
#define TL_HTTP_ROLLOUT_CACHE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "store/store.h"

#define TL_ROLLOUT_REPORT_MAX_AGE_S 600.0

/* The report of rollout `name` in st as JSON (tl_rollout_report_json) with
 * "generated_at" and "cached": the one kept when still current (above),
 * younger than max_age_s and !fresh, else one built now and kept. *out is
 * a new reference owned by the caller. TL_ENOTFOUND for an unknown name. */
int tl_rollout_report_recent(tl_store *st, const char *name, double max_age_s, bool fresh,
                             json_t **out, tl_err *err);

/* Forgets every kept report (a server stopping). */
void tl_rollout_report_cache_clear(void);

#endif
