/* csvw.h — a fast, buffered CSV file writer for the synthetic bank.
 *
 * Rows are formatted straight into one large buffer that goes to the file
 * with write(2) when full: no stdio, no per-row allocation. Fields are
 * quoted per RFC 4180 only when they hold a comma, a double quote, CR or LF.
 * Rows end with LF.
 *
 * The file is written as NAME.tmp inside the directory and renamed to NAME
 * only by tl_csvw_close(w, true, …), so an interrupted run never leaves a
 * truncated file under the final name. The writer owns its buffer and path;
 * tl_csvw_close releases both (also after errors). Write errors are sticky:
 * the first one is kept and reported by tl_csvw_close. */
#ifndef TL_SYNTH_CSVW_H
#define TL_SYNTH_CSVW_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct tl_csvw {
    int fd;           /* -1 when closed */
    char *buf;        /* owned, `cap` bytes */
    size_t len, cap;
    int col;          /* fields written in the current row */
    int err_no;       /* first errno from write(2), 0 if none */
    uint64_t bytes;   /* bytes handed to the file so far (flushed or not) */
    uint64_t rows;    /* rows ended, header included */
    char *tmp_path;   /* owned: DIR/NAME.tmp */
    char *path;       /* owned: DIR/NAME */
} tl_csvw;

/* Opens DIR/NAME.tmp for writing with a `cap`-byte buffer (>= 64 KiB).
 * Returns 0, TL_EIO (err names the path) or TL_ENOMEM; on failure nothing
 * is left open and `w` needs no close. */
int tl_csvw_open(tl_csvw *w, const char *dir, const char *name, size_t cap, tl_err *err);

/* Flushes and closes. With `commit` the temporary file is renamed over
 * DIR/NAME; without it (or after any error) it is removed. Returns 0 or
 * TL_EIO with the path and the reason in err. Accepts a writer whose open
 * failed or that was closed already (then returns 0). */
int tl_csvw_close(tl_csvw *w, bool commit, tl_err *err);

/* Writes the buffered bytes now; errors stick in w->err_no. */
void tl_csvw_flush(tl_csvw *w);

/* Appends raw bytes that are known to need no quoting. */
static inline void tl_csvw_raw(tl_csvw *w, const char *s, size_t n)
{
    if (w->len + n > w->cap) {
        tl_csvw_flush(w);
        if (n > w->cap) {           /* only a pathological field */
            size_t done = 0;
            while (done < n) {
                size_t k = n - done < w->cap ? n - done : w->cap;
                memcpy(w->buf, s + done, k);
                w->len = k;
                done += k;
                tl_csvw_flush(w);
            }
            w->bytes += n;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->bytes += n;
}

static inline void tl_csvw_sep(tl_csvw *w)
{
    if (w->col++ > 0)
        tl_csvw_raw(w, ",", 1);
}

/* A text field, quoted when it must be. `s` may be NULL (empty field). */
void tl_csvw_str(tl_csvw *w, const char *s);

/* A field whose bytes are known to hold no comma, quote or newline. */
static inline void tl_csvw_plain(tl_csvw *w, const char *s)
{
    tl_csvw_sep(w);
    if (s)
        tl_csvw_raw(w, s, strlen(s));
}

static inline void tl_csvw_empty(tl_csvw *w)
{
    tl_csvw_sep(w);
}

/* A signed integer. */
void tl_csvw_int(tl_csvw *w, int64_t v);

/* An amount given in cents, written as "1234.56" ("-0.05" when negative). */
void tl_csvw_cents(tl_csvw *w, int64_t cents);

/* A date "YYYY-MM-DD" from a month index (year*12 + month-1) and a day. */
void tl_csvw_date(tl_csvw *w, int month_index, int day);

/* A month "YYYY-MM" from a month index. */
void tl_csvw_month(tl_csvw *w, int month_index);

/* Ends the row. */
static inline void tl_csvw_end(tl_csvw *w)
{
    tl_csvw_raw(w, "\n", 1);
    w->col = 0;
    w->rows++;
}

/* Writes a header row from a comma-separated list of plain names. */
void tl_csvw_header(tl_csvw *w, const char *names);

#endif
