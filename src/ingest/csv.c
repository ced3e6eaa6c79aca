/* csv.c — streaming RFC 4180 reader: a small state machine over a large
 * read window, copying field bytes into one reused, capped row buffer. */
#include "ingest/csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK ((size_t)1 << 20)

/* Bytes that end an unquoted field (NUL is refused), and bytes that need a
 * look inside a quoted one. A quote inside an unquoted field is data. */
static const unsigned char unquoted_stop[256] = {[0] = 1, [','] = 1, ['\r'] = 1, ['\n'] = 1};
static const unsigned char quoted_stop[256] = {[0] = 1, ['"'] = 1, ['\n'] = 1};

static void apply_limits(tl_csv *c, const tl_csv_limits *lim)
{
    c->lim.max_field = lim && lim->max_field ? lim->max_field : TL_CSV_MAX_FIELD_DEFAULT;
    c->lim.max_row = lim && lim->max_row ? lim->max_row : TL_CSV_MAX_ROW_DEFAULT;
    c->lim.max_fields = lim && lim->max_fields ? lim->max_fields : TL_CSV_MAX_FIELDS_DEFAULT;
}

static int init_common(tl_csv *c, const char *name, const tl_csv_limits *lim, tl_err *err)
{
    memset(c, 0, sizeof *c);
    apply_limits(c, lim);
    /* The row buffer holds the field bytes plus one NUL per field. */
    tl_buf_init(&c->row, c->lim.max_row + c->lim.max_fields);
    c->line = 1;
    c->at_start = true;
    c->name = strdup(name);
    if (!c->name)
        return tl_err_set(err, TL_ENOMEM, "out of memory opening %s", name);
    return TL_OK;
}

int tl_csv_open(tl_csv *c, const char *path, const tl_csv_limits *lim, tl_err *err)
{
    int rc = init_common(c, path, lim, err);
    if (rc)
        goto fail;
    c->f = fopen(path, "rb");
    if (!c->f) {
        rc = tl_err_set(err, TL_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    /* Our window is the buffer; stdio's own would only add a copy. */
    setvbuf(c->f, NULL, _IONBF, 0);
    c->rbuf_cap = READ_CHUNK;
    c->rbuf = malloc(c->rbuf_cap);
    if (!c->rbuf) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory opening %s", path);
        goto fail;
    }
    c->in = c->rbuf;
    return TL_OK;
fail:
    tl_csv_close(c);
    return rc;
}

int tl_csv_open_mem(tl_csv *c, const char *name, const char *data, size_t len,
                    const tl_csv_limits *lim, tl_err *err)
{
    int rc = init_common(c, name, lim, err);
    if (rc) {
        tl_csv_close(c);
        return rc;
    }
    c->in = data;
    c->in_len = len;
    c->eof = true;   /* the window is all there is */
    return TL_OK;
}

void tl_csv_close(tl_csv *c)
{
    if (!c)
        return;
    if (c->f)
        fclose(c->f);
    free(c->rbuf);
    free(c->starts);
    free(c->name);
    tl_buf_free(&c->row);
    memset(c, 0, sizeof *c);
}

/* Moves the window on. Returns 1 when bytes are available, 0 at the end of
 * the input, or TL_EIO. */
static int refill(tl_csv *c, tl_err *err)
{
    if (c->eof) {
        return 0;
    }
    c->in_base += c->in_len;
    c->in_len = c->in_pos = 0;
    size_t r = fread(c->rbuf, 1, c->rbuf_cap, c->f);
    if (r == 0) {
        if (ferror(c->f))
            return tl_err_set(err, TL_EIO, "%s: read error near line %ld", c->name, c->line);
        c->eof = true;
        return 0;
    }
    c->in_len = r;
    return 1;
}

static int fail_row(tl_csv *c, tl_err *err, int code, const char *what)
{
    return tl_err_set(err, code, "%s:row %ld, column %zu: %s", c->name, c->row_line,
                      c->nfields, what);
}

/* Starts a new field at the end of the row buffer. */
static int field_begin(tl_csv *c, tl_err *err)
{
    if (c->nfields == c->starts_cap) {
        if (c->nfields >= c->lim.max_fields) {
            c->nfields++;
            char what[96];
            snprintf(what, sizeof what, "more than %zu fields in one row", c->lim.max_fields);
            return fail_row(c, err, TL_ETOOBIG, what);
        }
        size_t cap = c->starts_cap ? c->starts_cap * 2 : 32;
        if (cap > c->lim.max_fields)
            cap = c->lim.max_fields;
        size_t *p = realloc(c->starts, cap * sizeof *p);
        if (!p)
            return tl_err_set(err, TL_ENOMEM, "out of memory reading %s", c->name);
        c->starts = p;
        c->starts_cap = cap;
    }
    c->starts[c->nfields++] = c->row.len;
    return TL_OK;
}

/* Appends field bytes, enforcing the field and row caps (the slow path:
 * growth and errors). */
static int field_add_slow(tl_csv *c, const char *p, size_t n, tl_err *err)
{
    size_t used = c->row.len - c->starts[c->nfields - 1];
    char what[96];
    if (used + n > c->lim.max_field) {
        snprintf(what, sizeof what, "field longer than %zu bytes", c->lim.max_field);
        return fail_row(c, err, TL_ETOOBIG, what);
    }
    /* Field bytes count against max_row; the NULs have their own room. */
    if (c->row.len - (c->nfields - 1) + n > c->lim.max_row) {
        snprintf(what, sizeof what, "row longer than %zu bytes", c->lim.max_row);
        return fail_row(c, err, TL_ETOOBIG, what);
    }
    int rc = tl_buf_append(&c->row, p, n);
    if (rc == TL_ENOMEM)
        return tl_err_set(err, TL_ENOMEM, "out of memory reading %s", c->name);
    if (rc) {
        snprintf(what, sizeof what, "row longer than %zu bytes", c->lim.max_row);
        return fail_row(c, err, TL_ETOOBIG, what);
    }
    return TL_OK;
}

/* Appends field bytes. The common case — within the caps and the room
 * already allocated — copies in place; the rest goes through tl_buf. */
static inline int field_add(tl_csv *c, const char *p, size_t n, tl_err *err)
{
    tl_buf *b = &c->row;
    if (b->len + n + 1 < b->cap && b->len - c->starts[c->nfields - 1] + n <= c->lim.max_field &&
        b->len - (c->nfields - 1) + n <= c->lim.max_row) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return TL_OK;
    }
    return n ? field_add_slow(c, p, n, err) : TL_OK;
}

/* Ends the current field with its NUL (which stays part of the row). */
static inline int field_end(tl_csv *c, tl_err *err)
{
    tl_buf *b = &c->row;
    if (b->len + 2 < b->cap) {   /* the caps leave room for every NUL */
        b->len++;
        b->data[b->len] = '\0';
        return TL_OK;
    }
    int rc = tl_buf_putc(b, '\0');
    if (rc == TL_ENOMEM)
        return tl_err_set(err, TL_ENOMEM, "out of memory reading %s", c->name);
    if (rc) {
        char what[96];
        snprintf(what, sizeof what, "row longer than %zu bytes", c->lim.max_row);
        return fail_row(c, err, TL_ETOOBIG, what);
    }
    return TL_OK;
}

static int fail_char(tl_csv *c, tl_err *err, unsigned char ch, const char *context)
{
    char what[160];
    if (ch == 0)
        snprintf(what, sizeof what, "NUL byte %s", context);
    else if (ch >= 0x20 && ch < 0x7f)
        snprintf(what, sizeof what, "unexpected '%c' %s", ch, context);
    else
        snprintf(what, sizeof what, "unexpected byte 0x%02X %s", ch, context);
    return fail_row(c, err, TL_EINPUT, what);
}

/* The common record: no quote, CR or NUL, ending with LF inside the
 * window, within the limits. memchr (vectorised) finds its end and proves
 * it plain; one copy moves it into the row buffer, where the commas
 * become the fields' NULs. Returns 1 when it read the record, 0 when the
 * general path must (nothing consumed; the row buffer may hold scraps,
 * which that path resets). */
static int fast_record(tl_csv *c)
{
    const char *p = c->in + c->in_pos;
    const char *lf = memchr(p, '\n', c->in_len - c->in_pos);
    if (!lf || lf == p)
        return 0;
    size_t n = (size_t)(lf - p);
    if (memchr(p, '"', n) || memchr(p, '\r', n) || memchr(p, '\0', n) ||
        n > c->lim.max_row + c->lim.max_fields)
        return 0;
    tl_buf_reset(&c->row);
    if (tl_buf_reserve(&c->row, n + 1))
        return 0;
    char *d = c->row.data;
    memcpy(d, p, n);
    d[n] = '\0';
    d[n + 1] = '\0';
    size_t nf = 0, start = 0;
    for (;;) {
        const char *comma = memchr(d + start, ',', n - start);
        size_t end = comma ? (size_t)(comma - d) : n;
        if (end - start > c->lim.max_field)
            return 0;
        if (nf == c->starts_cap) {
            if (nf >= c->lim.max_fields)
                return 0;
            size_t cap = c->starts_cap ? c->starts_cap * 2 : 32;
            if (cap > c->lim.max_fields)
                cap = c->lim.max_fields;
            size_t *q = realloc(c->starts, cap * sizeof *q);
            if (!q)
                return 0;
            c->starts = q;
            c->starts_cap = cap;
        }
        c->starts[nf++] = start;
        if (!comma)
            break;
        d[end] = '\0';
        start = end + 1;
    }
    if (n - (nf - 1) > c->lim.max_row)
        return 0;
    c->row.len = n + 1;   /* the last field's NUL counts, as field_end does */
    c->nfields = nf;
    c->row_line = c->line++;
    c->in_pos += n + 1;
    c->records++;
    return 1;
}

int tl_csv_next(tl_csv *c, tl_err *err)
{
    enum { S_START, S_UNQUOTED, S_QUOTED, S_QUOTE_END } st = S_START;
    bool started = false;   /* a byte of this record was consumed */
    long quote_line = 0;
    int rc;
    tl_buf_reset(&c->row);
    c->nfields = 0;
    c->row_line = c->line;
    for (;;) {
        if (c->in_pos == c->in_len) {
            rc = refill(c, err);
            if (rc < 0)
                return rc;
            if (rc == 0)
                break;
        }
        if (c->at_start) {
            c->at_start = false;
            if (c->in_len - c->in_pos >= 3 && memcmp(c->in + c->in_pos, "\xEF\xBB\xBF", 3) == 0)
                c->in_pos += 3;
            continue;
        }
        if (c->skip_lf) {
            c->skip_lf = false;
            if (c->in[c->in_pos] == '\n') {
                c->in_pos++;
                continue;
            }
        }
        if (st == S_START && !started && c->in[c->in_pos] != '\n' &&
            c->in[c->in_pos] != '\r' && fast_record(c))
            return 1;
        const char *p = c->in + c->in_pos, *end = c->in + c->in_len, *q = p;
        switch (st) {
        case S_START:
            if (!started) {
                /* Blank lines between records are skipped. */
                if (*p == '\n' || *p == '\r') {
                    c->line++;
                    c->in_pos++;
                    c->skip_lf = *p == '\r';
                    continue;
                }
                started = true;
                c->row_line = c->line;
            }
            if ((rc = field_begin(c, err)))
                return rc;
            if (*p == '"') {
                st = S_QUOTED;
                quote_line = c->line;
                c->in_pos++;
                continue;
            }
            st = S_UNQUOTED;
            __attribute__((fallthrough));
        case S_UNQUOTED:
            while (q < end && !unquoted_stop[(unsigned char)*q])
                q++;
            if ((rc = field_add(c, p, (size_t)(q - p), err)))
                return rc;
            c->in_pos = (size_t)(q - c->in);
            if (q == end)
                continue;
            c->in_pos++;
            if (*q == ',') {
                if ((rc = field_end(c, err)))
                    return rc;
                st = S_START;
                continue;
            }
            if (*q == '\n' || *q == '\r') {
                c->line++;
                c->skip_lf = *q == '\r';
                goto record_end;
            }
            return fail_char(c, err, 0, "in a field");
        case S_QUOTED:
            while (q < end && !quoted_stop[(unsigned char)*q])
                q++;
            if ((rc = field_add(c, p, (size_t)(q - p), err)))
                return rc;
            c->in_pos = (size_t)(q - c->in);
            if (q == end)
                continue;
            c->in_pos++;
            if (*q == '"') {
                st = S_QUOTE_END;
            } else if (*q == '\n') {
                c->line++;
                if ((rc = field_add(c, "\n", 1, err)))
                    return rc;
            } else {
                return fail_char(c, err, 0, "in a quoted field");
            }
            continue;
        case S_QUOTE_END:
            c->in_pos++;
            if (*p == '"') {   /* a doubled quote is one quote */
                if ((rc = field_add(c, "\"", 1, err)))
                    return rc;
                st = S_QUOTED;
                continue;
            }
            if (*p == ',') {
                if ((rc = field_end(c, err)))
                    return rc;
                st = S_START;
                continue;
            }
            if (*p == '\n' || *p == '\r') {
                c->line++;
                c->skip_lf = *p == '\r';
                goto record_end;
            }
            return fail_char(c, err, (unsigned char)*p,
                             "after a closing quote (a quote inside a quoted field must be "
                             "doubled)");
        }
    }
    /* End of input. */
    if (!started)
        return 0;
    if (st == S_QUOTED) {
        char what[128];
        snprintf(what, sizeof what, "quoted field opened on line %ld is not closed at the end "
                                    "of the file", quote_line);
        return fail_row(c, err, TL_EINPUT, what);
    }
    if (st == S_START && (rc = field_begin(c, err)))   /* the row ended with a comma */
        return rc;
record_end:
    if ((rc = field_end(c, err)))
        return rc;
    c->records++;
    return 1;
}
