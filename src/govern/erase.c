/* erase.c — erasure in one transaction, audited under the pseudonym. */
#include "govern/erase.h"

#include <stdio.h>
#include <stdlib.h>

#include "govern/pseudonym.h"
#include "store/audit.h"
#include "store/erase.h"

int tl_govern_erase(tl_store *st, const char *const *ids, size_t n, const char *channel,
                    json_t **report, tl_err *err)
{
    unsigned char key[TL_PSEUDONYM_KEY_LEN];
    json_t *out = json_array();
    if (!out)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    int rc = tl_store_begin(st, err);
    if (rc)
        goto done;
    if ((rc = tl_pseudonym_secret(st, key, err)))
        goto done;
    for (size_t i = 0; i < n && !rc; i++) {
        char subject[TL_ERASED_SUBJECT_LEN + 1];
        tl_pseudonym_erased_subject(key, sizeof key, ids[i], subject);
        tl_erase_rows rows;
        rc = tl_store_erase_customer(st, ids[i], subject, &rows, err);
        if (rc == TL_ENOTFOUND) {
            rc = tl_err_set(err, TL_ENOTFOUND, "customer #%zu of %zu not found; nothing erased",
                            i + 1, n);
            break;
        }
        if (rc)
            break;
        json_t *counts = json_object();
        for (size_t k = 0; k < rows.n; k++)
            json_object_set_new(counts, rows.table[k], json_integer(rows.rows[k]));
        json_t *doc = json_pack("{s:O, s:s}", "rows", counts, "channel", channel);
        char *text = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        rc = text ? tl_store_audit_append(st, subject, subject, "erasure", text, NULL, err)
                  : tl_err_set(err, TL_ENOMEM, "out of memory");
        free(text);
        json_array_append_new(out, json_pack("{s:s, s:o}", "subject", subject, "rows", counts));
    }
    if (!rc)
        rc = tl_store_commit(st, err);
done:
    if (rc) {
        tl_store_rollback(st);
        json_decref(out);
        out = NULL;
    }
    if (report)
        *report = out;
    else
        json_decref(out);
    return rc;
}
