/* table.h — import sources for generic files: one kind of record per file,
 * as CSV (.csv), JSON Lines (.jsonl, .ndjson) or a JSON array of records
 * (.json). Field names, aliases and rules are in docs/formats.md.
 *
 * The check pass streams the file and validates every record (required
 * fields, types, ranges, references to customers and products, duplicate
 * IDs) keeping only ID sets in memory, never the rows; the write pass
 * streams it again and writes through src/store. Raw transactions are
 * read once: the write pass checks them as it goes (docs/formats.md). Errors name the place:
 * `file:row N, field NAME: what is wrong (value "…")` for CSV and
 * `file:line:column: field NAME: what is wrong (value "…")` for JSON. */
#ifndef TL_INGEST_TABLE_H
#define TL_INGEST_TABLE_H

#include <stddef.h>

#include "base/err.h"
#include "ingest/import.h"

typedef enum tl_table_format {
    TL_TABLE_UNKNOWN,
    TL_TABLE_CSV,
    TL_TABLE_JSONL,
    TL_TABLE_JSON,
} tl_table_format;

/* The format a file name's extension names (case ignored). */
tl_table_format tl_table_format_of(const char *path);

/* Opens a source of `kind` records from `path` (format from the
 * extension). The file is opened now to fail early and read in each pass.
 * On success *out is owned by the caller until handed to tl_import_run
 * (which destroys it). */
int tl_table_source_open(tl_kind kind, const char *path, tl_source **out, tl_err *err);

/* The same over `len` bytes at `data`, borrowed: they must outlive the
 * source. `name` (copied) gives the format by its extension and names the
 * input in messages. For tests and fuzzing. */
int tl_table_source_open_mem(tl_kind kind, const char *name, const char *data, size_t len,
                             tl_source **out, tl_err *err);

#endif
