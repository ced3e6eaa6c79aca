/* csvw.c — buffered CSV writer (see csvw.h). */
#include "synth/csvw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *join_path(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

int tl_csvw_open(tl_csvw *w, const char *dir, const char *name, size_t cap, tl_err *err)
{
    int rc;
    memset(w, 0, sizeof *w);
    w->fd = -1;
    if (cap < 65536)
        cap = 65536;
    w->buf = malloc(cap);
    w->path = join_path(dir, name, "");
    w->tmp_path = join_path(dir, name, ".tmp");
    if (!w->buf || !w->path || !w->tmp_path) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory opening %s", name);
        goto undo;
    }
    w->cap = cap;
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        rc = tl_err_set(err, TL_EIO, "%s: %s", w->tmp_path, strerror(errno));
        goto undo;
    }
    return TL_OK;
undo:
    free(w->buf);
    free(w->path);
    free(w->tmp_path);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    return rc;
}

void tl_csvw_flush(tl_csvw *w)
{
    size_t off = 0;
    while (off < w->len && w->err_no == 0) {
        ssize_t k = write(w->fd, w->buf + off, w->len - off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            w->err_no = errno;
            break;
        }
        off += (size_t)k;
    }
    w->len = 0;
}

int tl_csvw_close(tl_csvw *w, bool commit, tl_err *err)
{
    if (!w->buf && w->fd < 0)
        return TL_OK;
    int rc = TL_OK;
    if (w->fd >= 0) {
        tl_csvw_flush(w);
        if (close(w->fd) != 0 && w->err_no == 0)
            w->err_no = errno;
        w->fd = -1;
    }
    if (w->err_no) {
        rc = tl_err_set(err, TL_EIO, "%s: %s", w->tmp_path, strerror(w->err_no));
        commit = false;
    }
    if (w->tmp_path) {
        if (commit) {
            if (rename(w->tmp_path, w->path) != 0) {
                rc = tl_err_set(err, TL_EIO, "%s: %s", w->path, strerror(errno));
                unlink(w->tmp_path);
            }
        } else {
            unlink(w->tmp_path);
        }
    }
    free(w->buf);
    free(w->path);
    free(w->tmp_path);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    return rc;
}

void tl_csvw_str(tl_csvw *w, const char *s)
{
    tl_csvw_sep(w);
    if (!s)
        return;
    size_t n = 0;
    bool quote = false;
    for (const char *p = s; *p; p++, n++)
        if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
            quote = true;
    if (!quote) {
        tl_csvw_raw(w, s, n);
        return;
    }
    tl_csvw_raw(w, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            /* Write up to and including the quote, then double it. */
            tl_csvw_raw(w, run, (size_t)(p - run) + 1);
            tl_csvw_raw(w, "\"", 1);
            run = p + 1;
        }
    }
    tl_csvw_raw(w, run, strlen(run));
    tl_csvw_raw(w, "\"", 1);
}

/* Writes the decimal digits of v into the end of tmp; returns the start. */
static char *utoa_rev(uint64_t v, char *end)
{
    char *p = end;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

void tl_csvw_int(tl_csvw *w, int64_t v)
{
    char tmp[24], *end = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *p = utoa_rev(u, end);
    if (v < 0)
        *--p = '-';
    tl_csvw_sep(w);
    tl_csvw_raw(w, p, (size_t)(end - p));
}

void tl_csvw_cents(tl_csvw *w, int64_t cents)
{
    char tmp[32], *end = tmp + sizeof tmp;
    uint64_t u = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    char *p = end;
    *--p = (char)('0' + u % 10);
    *--p = (char)('0' + (u / 10) % 10);
    *--p = '.';
    p = utoa_rev(u / 100, p);
    if (cents < 0)
        *--p = '-';
    tl_csvw_sep(w);
    tl_csvw_raw(w, p, (size_t)(end - p));
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

static void put_year_month(char *p, int month_index)
{
    int y = month_index / 12, m = month_index % 12 + 1;
    put2(p, (y / 100) % 100);
    put2(p + 2, y % 100);
    p[4] = '-';
    put2(p + 5, m);
}

void tl_csvw_date(tl_csvw *w, int month_index, int day)
{
    char tmp[10];
    put_year_month(tmp, month_index);
    tmp[7] = '-';
    put2(tmp + 8, day);
    tl_csvw_sep(w);
    tl_csvw_raw(w, tmp, sizeof tmp);
}

void tl_csvw_month(tl_csvw *w, int month_index)
{
    char tmp[7];
    put_year_month(tmp, month_index);
    tl_csvw_sep(w);
    tl_csvw_raw(w, tmp, sizeof tmp);
}

void tl_csvw_header(tl_csvw *w, const char *names)
{
    tl_csvw_raw(w, names, strlen(names));
    tl_csvw_end(w);
}
