/* audit_verify.c — the audit chain checked entry by entry (audit_verify.h). */
#include "govern/audit_verify.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/progress.h"
#include "govern/pseudonym.h"
#include "store/audit.h"

typedef struct walk {
    tl_store *st;
    tl_audit_verdict *v;
    unsigned char key[TL_PSEUDONYM_KEY_LEN];
    bool have_key;
    char prev[TL_SHA256_HEX_LEN + 1];   /* the previous entry's chain as stored */
    bool progress;
    const long long *count;             /* entries in the log, known before the first */
    tl_progress bar;
    int rc;
    tl_err *err;
} walk;

static void note_break(tl_audit_verdict *v, const tl_audit_row *r)
{
    if (v->broken < TL_AUDIT_BROKEN_KEPT) {
        tl_audit_break *b = &v->breaks[v->broken];
        b->id = r->id;
        snprintf(b->at, sizeof b->at, "%s", r->at ? r->at : "");
        snprintf(b->kind, sizeof b->kind, "%s", r->kind ? r->kind : "");
    }
    v->broken++;
}

static int check_entry(void *ctx, const tl_audit_row *r)
{
    walk *w = ctx;
    tl_audit_verdict *v = w->v;
    if (v->entries++ == 0 && w->progress)
        tl_progress_start(&w->bar, "verifying", (uint64_t)*w->count, true);
    tl_progress_update(&w->bar, (uint64_t)v->entries);
    if (!r->chain) {
        /* Before the chain began (a store written by an older tailor), or,
         * once it has, an entry slipped in without one. */
        if (v->first_chained)
            note_break(v, r);
        else
            v->unchained++;
        return 0;
    }
    if (!v->first_chained)
        v->first_chained = r->id;
    const char *subject = r->subject ? r->subject : "";
    char key[TL_ERASED_SUBJECT_LEN + 1];
    if (!w->have_key && !tl_pseudonym_is_erased(subject)) {
        if ((w->rc = tl_pseudonym_secret(w->st, w->key, w->err)))
            return 1;
        w->have_key = true;
    }
    tl_pseudonym_erased_subject(w->key, sizeof w->key, subject, key);
    char expect[TL_SHA256_HEX_LEN + 1];
    tl_audit_link(w->prev, r->id, r->at ? r->at : "", key, r->kind ? r->kind : "",
                  r->doc ? r->doc : "", expect);
    bool ok = strcmp(expect, r->chain) == 0;
    if (!ok)
        note_break(v, r);
    if (ok && v->anchor && strcmp(r->chain, v->anchor) == 0)
        v->anchor_found = true;
    /* The next entry links to this one as stored: one changed entry is one
     * break, not every entry after it. */
    snprintf(w->prev, sizeof w->prev, "%s", r->chain);
    return 0;
}

static bool hex64(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
            return false;
    return n == TL_SHA256_HEX_LEN;
}

int tl_audit_verify(tl_store *st, const char *anchor, bool progress, tl_audit_verdict *out,
                    tl_err *err)
{
    memset(out, 0, sizeof *out);
    if (anchor && !hex64(anchor))
        return tl_err_set(err, TL_EINPUT, "anchor \"%.80s\": expected the 64 lower-case hex "
                          "digits of a head printed by an earlier check", anchor);
    out->anchor = anchor;
    long long count = 0;
    walk w = {.st = st, .v = out, .err = err, .progress = progress, .count = &count};
    int rc = tl_store_audit_each(st, check_entry, &w, &count, err);
    if (!rc)
        rc = w.rc;
    tl_progress_end(&w.bar, (uint64_t)out->entries);
    if (!rc)
        snprintf(out->head, sizeof out->head, "%s", w.prev);
    return rc;
}

bool tl_audit_verdict_ok(const tl_audit_verdict *v)
{
    return v->broken == 0 && (!v->anchor || v->anchor_found);
}

json_t *tl_audit_verdict_json(const tl_audit_verdict *v)
{
    json_t *first = json_array();
    for (long long i = 0; i < v->broken && i < TL_AUDIT_BROKEN_KEPT; i++)
        json_array_append_new(first, json_pack("{s:I, s:s, s:s}", "id",
                                               (json_int_t)v->breaks[i].id, "at",
                                               v->breaks[i].at, "kind", v->breaks[i].kind));
    json_t *anchor = v->anchor ? json_pack("{s:s, s:b}", "hash", v->anchor, "found",
                                           v->anchor_found)
                               : json_null();
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:o, s:s?, s:o}", "intact",
                     tl_audit_verdict_ok(v), "entries", (json_int_t)v->entries, "chained",
                     (json_int_t)(v->entries - v->unchained), "unchained",
                     (json_int_t)v->unchained, "broken", (json_int_t)v->broken, "first_broken",
                     first, "head", v->head[0] ? v->head : NULL, "anchor", anchor);
}
