/* export.c — pseudonymised (or, on request, full) table export. */
#include "govern/export.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/progress.h"
#include "govern/pseudonym.h"
#include "store/export.h"
#include "synth/csvw.h"

typedef struct writer {
    const tl_export_opts *o;
    const unsigned char *key;
    size_t key_len;
    tl_csvw w;
    long long done;
    tl_progress *bar;
} writer;

static void write_header(writer *wr, const tl_export_row *r)
{
    for (int c = 0; c < r->n; c++)
        tl_csvw_str(&wr->w, r->names[c]);
    tl_csvw_end(&wr->w);
}

static int write_row(void *ctx, const tl_export_row *r)
{
    writer *wr = ctx;
    if (!r->values) {
        if (!wr->o->jsonl)
            write_header(wr, r);
        return 0;
    }
    char pseudo[TL_SHA256_HEX_LEN + 1];
    const char *customer = NULL;
    if (r->customer_col >= 0 && r->values[r->customer_col]) {
        customer = r->values[r->customer_col];
        if (!wr->o->full) {
            tl_pseudonym_make(wr->key, wr->key_len, "export", customer, pseudo);
            customer = pseudo;
        }
    }
    if (!wr->o->jsonl) {
        for (int c = 0; c < r->n; c++)
            tl_csvw_str(&wr->w, c == r->customer_col ? customer : r->values[c]);
        tl_csvw_end(&wr->w);
    } else {
        json_t *o = json_object();
        for (int c = 0; c < r->n; c++) {
            const char *v = c == r->customer_col ? customer : r->values[c];
            json_t *j;
            if (!v)
                j = json_null();
            else if (r->types[c] == TL_COL_INT && c != r->customer_col)
                j = json_integer(strtoll(v, NULL, 10));
            else if (r->types[c] == TL_COL_REAL)
                j = json_real(strtod(v, NULL));
            else
                j = json_string(v);
            json_object_set_new(o, r->names[c], j);
        }
        char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        json_decref(o);
        if (!text)
            return TL_ENOMEM;
        tl_csvw_raw(&wr->w, text, strlen(text));
        tl_csvw_end(&wr->w);
        free(text);
    }
    if ((++wr->done & 1023) == 0)
        tl_progress_update(wr->bar, (uint64_t)wr->done);
    return 0;
}

static int make_dir(const char *dir, tl_err *err)
{
    if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
            return TL_OK;
    }
    return tl_err_set(err, TL_EIO, "%s: cannot create the output folder", dir);
}

int tl_govern_export(tl_store *st, const tl_export_opts *o, tl_export_stats *stats,
                     tl_err *err)
{
    memset(stats, 0, sizeof *stats);
    unsigned char secret[TL_PSEUDONYM_KEY_LEN];
    writer wr = {.o = o, .key = o->key, .key_len = o->key_len};
    int rc;
    if (!o->full && !o->key) {
        if ((rc = tl_pseudonym_secret(st, secret, err)))
            return rc;
        wr.key = secret;
        wr.key_len = sizeof secret;
    }
    if ((rc = make_dir(o->out_dir, err)) || (rc = tl_store_read_begin(st, err)))
        return rc;
    size_t nt = tl_store_export_tables(o->full);
    long long total = 0;
    for (size_t i = 0; i < nt && !rc; i++) {
        long long n = 0;
        rc = tl_store_export_count(st, o->full, i, &n, err);
        total += n;
    }
    tl_progress bar;
    tl_progress_start(&bar, "exporting", (uint64_t)total, o->progress && total > 100000);
    wr.bar = &bar;
    /* Every file is written under a temporary name first; all are renamed
     * only when every table is complete. */
    tl_csvw files[16];
    size_t opened = 0;
    for (size_t i = 0; i < nt && !rc; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.%s", tl_store_export_table_name(o->full, i),
                 o->jsonl ? "jsonl" : "csv");
        if ((rc = tl_csvw_open(&wr.w, o->out_dir, name, 1u << 20, err)))
            break;
        rc = tl_store_export_each(st, o->full, i, write_row, &wr, err);
        if (rc == TL_ENOMEM)
            tl_err_set(err, rc, "out of memory exporting %s", name);
        files[opened++] = wr.w;
    }
    tl_store_read_end(st);
    tl_progress_end(&bar, (uint64_t)wr.done);
    for (size_t i = 0; i < opened; i++) {
        tl_err e2;
        int c = tl_csvw_close(&files[i], rc == TL_OK, &e2);
        if (c && !rc) {
            rc = c;
            *err = e2;
        }
    }
    stats->tables = opened;
    stats->rows = wr.done;
    return rc;
}
