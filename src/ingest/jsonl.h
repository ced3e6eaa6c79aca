/* jsonl.h — a streaming JSON Lines reader: one JSON object per line.
 *
 * Reads through a large buffer; a line that lies whole inside the buffer
 * is parsed where it is, one that straddles two reads is gathered in a
 * capped spill buffer (base/buf.h). Blank lines are skipped, a UTF-8 byte
 * order mark and CRLF line ends are accepted. Each line is parsed with
 * jansson (duplicate keys rejected); a syntax error or a line that is not
 * an object is reported as `file:line:column: what is wrong`.
 *
 * Not thread-safe; one reader per thread. */
#ifndef TL_INGEST_JSONL_H
#define TL_INGEST_JSONL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"

#define TL_JSONL_MAX_LINE_DEFAULT ((size_t)16 << 20)

typedef struct tl_jsonl {
    FILE *f;               /* owned when reading a file; NULL for memory */
    const char *in;        /* the read buffer or the caller's memory */
    size_t in_len, in_pos;
    char *rbuf;            /* owned read buffer (files only) */
    size_t rbuf_cap;
    uint64_t in_base;      /* file offset of in[0] */
    bool eof, at_start;
    char *name;            /* owned; for messages */
    size_t max_line;
    tl_buf spill;          /* a line that straddles two reads */

    /* the current record: valid until the next call */
    const char *text;      /* the line, without its line end */
    size_t len;
    long line;             /* its 1-based line number */
    json_t *obj;           /* owned by the reader */
    long next_line;
} tl_jsonl;

/* Opens `path`; `max_line` 0 takes the default. On failure nothing needs
 * closing. */
int tl_jsonl_open(tl_jsonl *r, const char *path, size_t max_line, tl_err *err);

/* Reads from memory: `data` is borrowed and must outlive the reader; `name`
 * (copied) is used in messages. */
int tl_jsonl_open_mem(tl_jsonl *r, const char *name, const char *data, size_t len,
                      size_t max_line, tl_err *err);

/* Reads the next object into r->obj (owned by the reader; the caller may
 * take a reference with json_incref). Returns 1, 0 at the end of the
 * input, or a negative TL_E* code with a message. */
int tl_jsonl_next(tl_jsonl *r, tl_err *err);

static inline uint64_t tl_jsonl_offset(const tl_jsonl *r)
{
    return r->in_base + r->in_pos;
}

/* Releases everything. Accepts a zeroed or closed reader. */
void tl_jsonl_close(tl_jsonl *r);

#endif
