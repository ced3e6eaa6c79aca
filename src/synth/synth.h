/* synth.h — a seeded, deterministic synthetic bank: customers, products,
 * reviews, posts, holdings and either raw transactions or monthly
 * aggregates, written as files `tailor import` reads (docs/formats.md).
 *
 * The same options always produce byte-identical files. Rows are streamed
 * straight to disk, one customer at a time, so memory stays flat (a few
 * MiB of buffers) however many customers are asked for. The design is in
 * docs/synth.md. */
#ifndef TL_SYNTH_SYNTH_H
#define TL_SYNTH_SYNTH_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tl_synth_opts {
    uint64_t seed;
    size_t customers;       /* 1 .. 100,000,000 */
    int months;             /* 12..24 */
    bool raw_transactions;  /* else monthly aggregates */
    int end_month_index;    /* year*12+month-1 of the last month */
    bool progress;          /* progress bar on stderr when it is a terminal */
} tl_synth_opts;

/* Counts of what one run wrote. */
typedef struct tl_synth_stats {
    uint64_t customers, products, reviews, posts, holdings;
    uint64_t transactions;  /* raw mode */
    uint64_t monthly;       /* monthly mode */
    uint64_t bytes;         /* all files together */
} tl_synth_stats;

/* Defaults: seed 42, 1,000 customers, 18 months ending October 2026,
 * raw transactions, no progress bar. */
void tl_synth_opts_default(tl_synth_opts *o);

/* Writes into the existing directory `dir`: customers.csv, products.json,
 * reviews.csv, posts.csv, holdings.csv, and transactions.csv (raw) or
 * monthly.csv (aggregates). Each file is written under a temporary name
 * and renamed into place only when everything succeeded; existing files of
 * those names are replaced, others are left alone. Returns 0, TL_EINPUT for
 * bad options, TL_EIO (err names the file and the reason) or TL_ENOMEM. */
int tl_synth_generate(const tl_synth_opts *o, const char *dir, tl_err *err);

/* As tl_synth_generate, also filling `stats` (may be NULL) on success. */
int tl_synth_generate_stats(const tl_synth_opts *o, const char *dir, tl_synth_stats *stats,
                            tl_err *err);

#endif
