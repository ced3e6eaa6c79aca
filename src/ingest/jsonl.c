/* jsonl.c — JSON Lines: split lines out of a large read buffer, parse each
 * with jansson. */
#include "ingest/jsonl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_CHUNK ((size_t)1 << 20)

static int init_common(tl_jsonl *r, const char *name, size_t max_line, tl_err *err)
{
    memset(r, 0, sizeof *r);
    r->max_line = max_line ? max_line : TL_JSONL_MAX_LINE_DEFAULT;
    tl_buf_init(&r->spill, r->max_line);
    r->at_start = true;
    r->next_line = 1;
    r->name = strdup(name);
    if (!r->name)
        return tl_err_set(err, TL_ENOMEM, "out of memory opening %s", name);
    return TL_OK;
}

int tl_jsonl_open(tl_jsonl *r, const char *path, size_t max_line, tl_err *err)
{
    int rc = init_common(r, path, max_line, err);
    if (rc)
        goto fail;
    r->f = fopen(path, "rb");
    if (!r->f) {
        rc = tl_err_set(err, TL_EIO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    setvbuf(r->f, NULL, _IONBF, 0);
    r->rbuf_cap = READ_CHUNK;
    r->rbuf = malloc(r->rbuf_cap);
    if (!r->rbuf) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory opening %s", path);
        goto fail;
    }
    r->in = r->rbuf;
    return TL_OK;
fail:
    tl_jsonl_close(r);
    return rc;
}

int tl_jsonl_open_mem(tl_jsonl *r, const char *name, const char *data, size_t len,
                      size_t max_line, tl_err *err)
{
    int rc = init_common(r, name, max_line, err);
    if (rc) {
        tl_jsonl_close(r);
        return rc;
    }
    r->in = data;
    r->in_len = len;
    r->eof = true;
    return TL_OK;
}

void tl_jsonl_close(tl_jsonl *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    json_decref(r->obj);
    free(r->rbuf);
    free(r->name);
    tl_buf_free(&r->spill);
    memset(r, 0, sizeof *r);
}

/* Returns 1 when bytes are available, 0 at the end, or TL_EIO. */
static int refill(tl_jsonl *r, tl_err *err)
{
    if (r->eof)
        return 0;
    r->in_base += r->in_len;
    r->in_len = r->in_pos = 0;
    size_t n = fread(r->rbuf, 1, r->rbuf_cap, r->f);
    if (n == 0) {
        if (ferror(r->f))
            return tl_err_set(err, TL_EIO, "%s: read error near line %ld", r->name, r->next_line);
        r->eof = true;
        return 0;
    }
    r->in_len = n;
    return 1;
}

static int too_long(tl_jsonl *r, tl_err *err)
{
    return tl_err_set(err, TL_ETOOBIG, "%s:%ld:1: line longer than %zu bytes", r->name,
                      r->next_line, r->max_line);
}

static int spill(tl_jsonl *r, const char *p, size_t n, tl_err *err)
{
    int rc = tl_buf_append(&r->spill, p, n);
    if (rc == TL_ETOOBIG)
        return too_long(r, err);
    if (rc)
        return tl_err_set(err, rc, "out of memory reading %s", r->name);
    return TL_OK;
}

/* Finds the next line; *text and *len point into the window or the spill
 * buffer. Returns 1, 0 at the end, or an error. */
static int next_line(tl_jsonl *r, const char **text, size_t *len, tl_err *err)
{
    bool spilled = false;
    int rc;
    tl_buf_reset(&r->spill);
    for (;;) {
        if (r->in_pos == r->in_len) {
            rc = refill(r, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (!spilled)
                    return 0;
                *text = r->spill.data;
                *len = r->spill.len;
                return 1;
            }
        }
        if (r->at_start) {
            r->at_start = false;
            if (r->in_len - r->in_pos >= 3 && memcmp(r->in + r->in_pos, "\xEF\xBB\xBF", 3) == 0)
                r->in_pos += 3;
            continue;
        }
        const char *p = r->in + r->in_pos;
        size_t avail = r->in_len - r->in_pos;
        const char *nl = memchr(p, '\n', avail);
        if (nl) {
            size_t n = (size_t)(nl - p);
            r->in_pos += n + 1;
            if (spilled) {
                if ((rc = spill(r, p, n, err)))
                    return rc;
                *text = r->spill.data;
                *len = r->spill.len;
            } else {
                if (n > r->max_line)
                    return too_long(r, err);
                *text = p;
                *len = n;
            }
            return 1;
        }
        if ((rc = spill(r, p, avail, err)))
            return rc;
        spilled = true;
        r->in_pos = r->in_len;
    }
}

/* 1-based column (in characters) of byte offset `off` in the line. */
static int column_of(const char *text, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

int tl_jsonl_next(tl_jsonl *r, tl_err *err)
{
    json_decref(r->obj);
    r->obj = NULL;
    for (;;) {
        const char *text = NULL;
        size_t len = 0;
        int rc = next_line(r, &text, &len, err);
        if (rc <= 0)
            return rc;
        r->line = r->next_line++;
        if (len && text[len - 1] == '\r')
            len--;
        size_t first = 0;
        while (first < len && (text[first] == ' ' || text[first] == '\t' || text[first] == '\r'))
            first++;
        if (first == len)
            continue;   /* blank line */
        json_error_t je;
        r->obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
        if (!r->obj)
            return tl_err_set(err, TL_EINPUT, "%s:%ld:%d: %s", r->name, r->line,
                              je.column > 0 ? je.column : 1, je.text);
        if (!json_is_object(r->obj)) {
            json_decref(r->obj);
            r->obj = NULL;
            return tl_err_set(err, TL_EINPUT, "%s:%ld:%d: expected a JSON object (one record "
                                              "per line)", r->name, r->line,
                              column_of(text, first));
        }
        r->text = text;
        r->len = len;
        return 1;
    }
}
