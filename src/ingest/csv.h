/* csv.h — a streaming RFC 4180 CSV reader.
 *
 * Reads one record at a time through a large read buffer: comma separator,
 * double-quote quoting (embedded commas, doubled quotes and line breaks),
 * LF, CRLF or lone CR line ends, an optional UTF-8 byte order mark, blank
 * lines skipped. A quote inside an unquoted field is taken literally (as
 * most spreadsheets write it); text after a closing quote is an error.
 *
 * Fields are NUL-terminated and live in one reused, capped row buffer
 * (base/buf.h), so reading allocates nothing per field or per record once
 * the buffers have grown. A record longer than `max_row` bytes, a field
 * longer than `max_field` bytes, more than `max_fields` fields or a NUL byte
 * is an error naming the row, never a crash. The reader does not interpret
 * the header: the first record is returned like any other.
 *
 * Not thread-safe; one reader per thread. */
#ifndef TL_INGEST_CSV_H
#define TL_INGEST_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

/* Limits; zero members take the defaults below. */
typedef struct tl_csv_limits {
    size_t max_field;    /* bytes in one field (default 1 MiB) */
    size_t max_row;      /* bytes in one record, separators counted (default 4 MiB) */
    size_t max_fields;   /* fields in one record (default 4096) */
} tl_csv_limits;

#define TL_CSV_MAX_FIELD_DEFAULT ((size_t)1 << 20)
#define TL_CSV_MAX_ROW_DEFAULT ((size_t)4 << 20)
#define TL_CSV_MAX_FIELDS_DEFAULT 4096

typedef struct tl_csv {
    /* input */
    FILE *f;               /* owned when reading a file; NULL for memory */
    const char *in;        /* current window: the read buffer or the caller's memory */
    size_t in_len, in_pos;
    char *rbuf;            /* owned read buffer (files only) */
    size_t rbuf_cap;
    uint64_t in_base;      /* file offset of in[0] */
    bool eof;              /* no more input after the window */
    bool at_start;         /* nothing read yet: a BOM may follow */
    bool skip_lf;          /* the last record ended with CR: swallow one LF */
    char *name;            /* owned; the path or the caller's name, for messages */

    /* the current record */
    tl_buf row;            /* field bytes, each followed by a NUL */
    size_t *starts;        /* owned; offset of each field in row.data */
    size_t nfields;
    size_t starts_cap;
    long row_line;         /* physical line where the record starts (1-based) */
    long line;             /* physical line of the next byte */
    long records;          /* records returned so far, the header included */

    tl_csv_limits lim;
} tl_csv;

/* Opens `path` for reading. On success the reader owns the file; free it
 * with tl_csv_close(). On failure nothing needs closing. */
int tl_csv_open(tl_csv *c, const char *path, const tl_csv_limits *lim, tl_err *err);

/* Reads from memory: `data` is borrowed and must outlive the reader;
 * `name` (copied) is used in messages. */
int tl_csv_open_mem(tl_csv *c, const char *name, const char *data, size_t len,
                    const tl_csv_limits *lim, tl_err *err);

/* Reads the next record. Returns 1 when a record was read (fields valid
 * until the next call), 0 at the end of the input, or a negative TL_E*
 * code with `err` naming the file, row and what is wrong. After an error
 * the reader must only be closed. */
int tl_csv_next(tl_csv *c, tl_err *err);

/* The i-th field of the current record (i < c->nfields): NUL-terminated,
 * owned by the reader. */
static inline const char *tl_csv_field(const tl_csv *c, size_t i)
{
    return c->row.data + c->starts[i];
}

/* Length in bytes of the i-th field. */
static inline size_t tl_csv_field_len(const tl_csv *c, size_t i)
{
    size_t end = i + 1 < c->nfields ? c->starts[i + 1] : c->row.len;
    return end - c->starts[i] - 1;
}

/* Bytes of input consumed so far (for progress). */
static inline uint64_t tl_csv_offset(const tl_csv *c)
{
    return c->in_base + c->in_pos;
}

/* Releases everything the reader owns. Accepts a zeroed or closed reader. */
void tl_csv_close(tl_csv *c);

#endif
