/* progress.h — a progress bar on stderr for long work, drawn only when
 * stderr is a terminal and at most ten times a second:
 *   scoring  [#########.........]  48%  480000/1000000  12034/s  ETA 43s */
#ifndef TL_BASE_PROGRESS_H
#define TL_BASE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct tl_progress {
    const char *label;     /* static or outliving the bar */
    uint64_t total;        /* 0: unknown (no percentage) */
    bool enabled;
    double start, last_draw;
} tl_progress;

/* Starts a bar; `want` false (or stderr not a terminal) makes every call a
 * no-op. */
void tl_progress_start(tl_progress *p, const char *label, uint64_t total, bool want);

/* Reports `done` units finished; thread-compatible (call from one thread). */
void tl_progress_update(tl_progress *p, uint64_t done);

/* Draws the final state and ends the line. */
void tl_progress_end(tl_progress *p, uint64_t done);

/* Seconds since an arbitrary start (monotonic clock). */
double tl_now(void);

#endif
