/* cases.h — labelled texts for offline evaluation (`tailor eval`): a CSV
 * file with a header row naming a `text` column and a label column, one
 * case per record. Other columns are ignored, so a data set exported with
 * more columns (an id, a source) needs no editing.
 *
 * The whole file is read or nothing is: a missing column, an empty text or
 * label, a malformed record or a file without cases is an error naming the
 * file, line and column. docs/eval.md has the formats. */
#ifndef TL_EVAL_CASES_H
#define TL_EVAL_CASES_H

#include <stddef.h>

#include "base/err.h"

typedef struct tl_eval_case {
    char *text;    /* owned, non-empty */
    char *label;   /* owned, non-empty, surrounding blanks trimmed */
    long line;     /* physical line where the record starts (1-based) */
} tl_eval_case;

typedef struct tl_eval_cases {
    tl_eval_case *v;   /* owned */
    size_t n, cap;
    char *name;        /* owned: the path (or the name given), for messages */
    char label_col[32];/* the label column's name as found in the header */
} tl_eval_cases;

/* Most cases one file may hold: bounds the memory an evaluation takes. */
#define TL_EVAL_MAX_CASES 1000000

/* Reads `path`. `label_names` is a NULL-terminated list of accepted names
 * for the label column, the first found in the header wins (matched without
 * regard to case, like "text"). On success *out owns the cases; on failure
 * *out is empty and err names the place. */
int tl_eval_cases_read(const char *path, const char *const *label_names, tl_eval_cases *out,
                       tl_err *err);

/* The same from memory (`data` borrowed; `name` copied, used in messages). */
int tl_eval_cases_read_mem(const char *name, const char *data, size_t len,
                           const char *const *label_names, tl_eval_cases *out, tl_err *err);

void tl_eval_cases_free(tl_eval_cases *c);   /* accepts a zeroed or freed set */

#endif
