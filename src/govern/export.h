/* export.h — tables written as files for analysts, pseudonymised by
 * default (docs/governance.md lists what is kept, hashed and dropped). */
#ifndef TL_GOVERN_EXPORT_H
#define TL_GOVERN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

typedef struct tl_export_opts {
    const char *out_dir;         /* created if missing */
    bool jsonl;                  /* JSON lines instead of CSV */
    bool full;                   /* every column and raw IDs: no pseudonyms */
    const unsigned char *key;    /* pseudonym key; NULL: the store's secret */
    size_t key_len;
    bool progress;               /* a bar when there are over 100 000 rows */
} tl_export_opts;

typedef struct tl_export_stats {
    size_t tables;
    long long rows;
} tl_export_stats;

/* Writes one file per table (customers, monthly, transactions, holdings,
 * events, consent; posts too with full) into out_dir, each under a
 * temporary name renamed only when complete; from one read snapshot. */
int tl_govern_export(tl_store *st, const tl_export_opts *o, tl_export_stats *stats,
                     tl_err *err);

#endif
