/* importfx.c — see importfx.h. */
#include "importfx.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/store.h"

bool tu_have_tailor(void)
{
    const char *bin = getenv("TAILOR_BIN");
    return bin && access(bin, X_OK) == 0;
}

char *tu_import_fx_put(tu_import_fx *f, const char *name, const char *text)
{
    char *p = tu_join(f->dir, name);
    tu_write_file(p, text);
    return p;
}

tu_import_fx *tu_import_fx_new(const char *customers_csv, const char *products_csv)
{
    void *state;
    tu_tmpdb_setup(&state);
    tu_import_fx *f = state;
    char *c = tu_import_fx_put(f, "fixture-customers.csv", customers_csv);
    char *p = products_csv ? tu_import_fx_put(f, "fixture-products.csv", products_csv) : NULL;
    char *err = NULL;
    int rc = p ? tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--customers", c,
                               "--products", p, NULL)
               : tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, "--customers", c, NULL);
    if (rc)
        fail_msg("fixture import: exit %d: %s", rc, err ? err : "");
    free(err);
    free(c);
    free(p);
    return f;
}

void tu_import_fx_free(tu_import_fx *f)
{
    tu_tmpdb_teardown((void **)&f);
}

typedef struct audit_seen {
    int n;
    char *last_doc;
    size_t size;
} audit_seen;

static int on_audit(void *ctx, const tl_audit_row *r)
{
    audit_seen *s = ctx;
    if (s->n++ == 0 && s->last_doc)   /* newest first */
        snprintf(s->last_doc, s->size, "%s", r->doc);
    return 0;
}

int tu_import_fx_audit_count(tu_import_fx *f, const char *subject, const char *kind,
                             char *last_doc, size_t size)
{
    tl_store *st;
    tl_err err;
    audit_seen seen = {0, last_doc, size};
    if (last_doc && size)
        last_doc[0] = '\0';
    tl_audit_query q = {subject, kind, NULL, 1000, 0};
    if (tl_store_open(f->db, TL_STORE_READONLY, &st, &err) ||
        tl_store_audit_query(st, &q, on_audit, &seen, NULL, &err))
        fail_msg("audit: %s", err.msg);
    tl_store_close(st);
    return seen.n;
}

void tu_import_fx_reject(tu_import_fx *f, const char *flag, const char *name, const char *text,
                         const char *want)
{
    char *path = tu_import_fx_put(f, name, text);
    size_t n1;
    char *before = tu_read_file(f->db, &n1), *err = NULL;
    int rc = tu_run_tailor(NULL, &err, NULL, "import", "--db", f->db, flag, path, NULL);
    if (rc != 1 || !err || !strstr(err, want))
        fail_msg("%s: exit %d, stderr \"%s\"; wanted \"%s\"", name, rc, err ? err : "", want);
    assert_non_null(strstr(err, "(nothing was imported)"));
    tu_assert_file_unchanged(f->db, before, n1);
    free(err);
    free(path);
}
