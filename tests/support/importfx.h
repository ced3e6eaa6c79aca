/* importfx.h — the fixture of the tests that drive `tailor import` through
 * the real binary: a temporary directory with a store of a few customers,
 * files written into it, the audit entries of a kind, and the check that a
 * rejected file leaves the store byte for byte as it was. */
#ifndef TU_IMPORTFX_H
#define TU_IMPORTFX_H

#include <stdbool.h>
#include <stddef.h>

#include "testutil.h"

typedef tu_tmpdb tu_import_fx;

/* Whether $TAILOR_BIN names an executable (the tests skip() without). */
bool tu_have_tailor(void);

/* A fresh directory and store holding the customers of `customers_csv`
 * and the products of `products_csv` (NULL: none), both CSV texts. Fails
 * the test on any error. Free with tu_import_fx_free(). */
tu_import_fx *tu_import_fx_new(const char *customers_csv, const char *products_csv);
void tu_import_fx_free(tu_import_fx *f);   /* accepts NULL; removes the directory */

/* Writes `text` to DIR/name; returns the malloc'd path. */
char *tu_import_fx_put(tu_import_fx *f, const char *name, const char *text);

/* The audit entries of `kind` (about `subject`, or any when NULL); the
 * newest one's doc into last_doc[size] (may be NULL). */
int tu_import_fx_audit_count(tu_import_fx *f, const char *subject, const char *kind,
                             char *last_doc, size_t size);

/* Imports `text` written to `name` with `flag` (e.g. "--consent"); expects
 * exit 1 with `want` and "(nothing was imported)" on stderr, and the store
 * unchanged byte for byte. */
void tu_import_fx_reject(tu_import_fx *f, const char *flag, const char *name, const char *text,
                         const char *want);

#endif
