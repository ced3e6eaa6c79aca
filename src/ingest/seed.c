/* seed.c — the prototype's four JSON files as import sources.
 *
 * Each file is read whole (they are small: the prototype served them from
 * memory), parsed with jansson, validated in the check pass and written in
 * the write pass. Values are strings in the prototype ("Age": "32"); numbers
 * are accepted too. */
#include "ingest/import.h"
#include "ingest/jsonpos.h"
#include "ingest/record.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/month.h"
#include "base/str.h"
#include "store/customers.h"
#include "store/holdings.h"
#include "store/monthly.h"
#include "store/posts.h"
#include "store/products.h"
#include "store/bulk.h"

#define SEED_MAX_BYTES (512u << 20)

typedef struct seed_source {
    tl_source base;
    char *text;        /* the file, NUL-terminated */
    size_t len;
    json_t *root;      /* the parsed array */
} seed_source;

/* Reports a problem at element `index` (and `key` within it) as
 * file:line:column: message. Returns TL_EINPUT. */
__attribute__((format(printf, 5, 6))) static int fail_at(seed_source *s, size_t index,
                                                         const char *key, tl_err *err,
                                                         const char *fmt, ...)
{
    int line, col;
    tl_jsonpos_locate(s->text, s->len, index, key, &line, &col);
    char msg[TL_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tl_err_set(err, TL_EINPUT, "%s:%d:%d: %s", s->base.path, line, col, msg);
}

/* Like fail_at, for a value deeper in element `index`: the place is found
 * by following `path` (n steps) from the top-level array. */
__attribute__((format(printf, 5, 6))) static int fail_path(seed_source *s,
                                                           const tl_jsonpos_step *path, size_t n,
                                                           tl_err *err, const char *fmt, ...)
{
    int line, col;
    tl_jsonpos_locate_path(s->text, s->len, path, n, &line, &col);
    char msg[TL_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tl_err_set(err, TL_EINPUT, "%s:%d:%d: %s", s->base.path, line, col, msg);
}

/* A field as text: strings as they are, numbers formatted; NULL otherwise. */
static const char *field_text(json_t *obj, const char *key, char *scratch, size_t size)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(scratch, size, "%lld", (long long)json_integer_value(v));
        return scratch;
    }
    if (json_is_real(v)) {
        snprintf(scratch, size, "%.17g", json_real_value(v));
        return scratch;
    }
    return NULL;
}

/* Reads a required non-empty string ID field. */
static int require_id(seed_source *s, size_t i, json_t *obj, const char *key, const char **out,
                      tl_err *err)
{
    if (!json_is_object(obj))
        return fail_at(s, i, NULL, err, "record %zu is not an object", i + 1);
    char scratch[32];
    const char *id = field_text(obj, key, scratch, sizeof scratch);
    if (!id || !*id)
        return fail_at(s, i, key, err, "record %zu: missing \"%s\"", i + 1, key);
    if (id == scratch)
        return fail_at(s, i, key, err, "record %zu: \"%s\" must be a string", i + 1, key);
    if (strlen(id) > 64)
        return fail_at(s, i, key, err, "record %zu: \"%s\" is longer than 64 characters", i + 1,
                       key);
    *out = id;
    return TL_OK;
}

/* ---- customers ---------------------------------------------------------- */

/* Typed view of one prototype customer object; strings borrowed from obj
 * and scratch. Errors are located at the offending field. */
static int customer_from_json(seed_source *s, size_t i, json_t *obj, tl_customer *c,
                              tl_customer_scratch *scratch, tl_err *err)
{
    const char *field;
    int rc = tl_record_customer(obj, c, scratch, &field, err);
    if (rc)
        return fail_at(s, i, field, err, "%s", err ? err->msg : "bad customer");
    return TL_OK;
}

static int customers_check(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        tl_customer c;
        tl_customer_scratch scratch;
        int rc = customer_from_json(s, i, obj, &c, &scratch, err);
        if (rc)
            return rc;
        if (tl_customer_id_reserved(c.id))
            return fail_at(s, i, "CustomerID", err, "record %zu: " TL_CUSTOMER_ID_RESERVED,
                           i + 1);
        rc = tl_import_add_id(imp, TL_KIND_CUSTOMERS, c.id);
        if (rc < 0)
            return tl_err_set(err, rc, "out of memory");
        if (rc == 0)
            return fail_at(s, i, "CustomerID", err, "duplicate CustomerID '%s'", c.id);
        imp->counts.read[TL_KIND_CUSTOMERS]++;
    }
    return TL_OK;
}

static int customers_write(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        tl_customer c;
        tl_customer_scratch scratch;
        int rc = customer_from_json(s, i, obj, &c, &scratch, err);
        if (rc)
            return rc;
        char *doc = json_dumps(obj, JSON_COMPACT);
        if (!doc)
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        c.doc = doc;
        bool changed;
        rc = tl_store_customer_upsert(imp->st, &c, &changed, err);
        free(doc);
        if (rc)
            return rc;
        imp->counts.changed[TL_KIND_CUSTOMERS] += changed;
    }
    return TL_OK;
}

/* ---- products ----------------------------------------------------------- */

static int product_fields(seed_source *s, size_t i, json_t *obj, tl_product *p, tl_err *err)
{
    int rc = require_id(s, i, obj, "product_id", &p->id, err);
    if (rc)
        return rc;
    p->name = json_string_value(json_object_get(obj, "name"));
    p->category = json_string_value(json_object_get(obj, "category"));
    if (!p->name || !*p->name)
        return fail_at(s, i, "name", err, "product '%s': missing \"name\"", p->id);
    if (!p->category || !*p->category)
        return fail_at(s, i, "category", err, "product '%s': missing \"category\"", p->id);
    json_t *reviews = json_object_get(obj, "customer_reviews");
    if (reviews && !json_is_array(reviews))
        return fail_at(s, i, "customer_reviews", err,
                       "product '%s': \"customer_reviews\" must be an array of text", p->id);
    size_t j;
    json_t *r;
    json_array_foreach(reviews, j, r) if (!json_is_string(r)) return fail_at(
        s, i, "customer_reviews", err, "product '%s': customer_reviews[%zu] is not text", p->id,
        j);
    return TL_OK;
}

static int products_check(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        tl_product p;
        int rc = product_fields(s, i, obj, &p, err);
        if (rc)
            return rc;
        rc = tl_import_add_id(imp, TL_KIND_PRODUCTS, p.id);
        if (rc < 0)
            return tl_err_set(err, rc, "out of memory");
        if (rc == 0)
            return fail_at(s, i, "product_id", err, "duplicate product_id '%s'", p.id);
        imp->counts.read[TL_KIND_PRODUCTS]++;
        imp->counts.read[TL_KIND_REVIEWS] +=
            (long long)json_array_size(json_object_get(obj, "customer_reviews"));
    }
    return TL_OK;
}

static int products_write(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        tl_product p;
        int rc = product_fields(s, i, obj, &p, err);
        if (rc)
            return rc;
        char *doc = json_dumps(obj, JSON_COMPACT);
        if (!doc)
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        p.doc = doc;
        bool changed;
        rc = tl_store_product_upsert(imp->st, &p, &changed, err);
        free(doc);
        if (rc)
            return rc;
        imp->counts.changed[TL_KIND_PRODUCTS] += changed;
        if ((rc = tl_import_write_reviews(imp, p.id, json_object_get(obj, "customer_reviews"),
                                          err)))
            return rc;
    }
    return TL_OK;
}

/* ---- holdings derived from the profile ----------------------------------- */

/* The profile's PlasticCard names a card product. A source of its own, of
 * kind holdings, so it is written after products (see seed_kinds). Unknown
 * card names are not errors: the prototype's catalogue does not list every
 * card its customers hold. */
static int derived_holdings_write(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        const char *id = json_string_value(json_object_get(obj, "CustomerID"));
        const char *card = json_string_value(json_object_get(obj, "PlasticCard"));
        if (!id || !card || !*card)
            continue;
        char *pid = NULL;
        int rc = tl_store_product_find_by_name(imp->st, card, &pid, err);
        if (rc)
            return rc;
        if (!pid)
            continue;
        tl_holding h = {.customer_id = id, .product_id = pid, .source = "profile"};
        /* Count what was really written, so a re-import reports 0. */
        long long before = tl_store_changes_total(imp->st);
        rc = tl_store_holding_upsert(imp->st, &h, err);
        free(pid);
        if (rc)
            return rc;
        imp->counts.changed[TL_KIND_HOLDINGS] += tl_store_changes_total(imp->st) != before;
    }
    return TL_OK;
}

/* Nothing to reject (unknown cards are skipped); counts the cards named. */
static int holdings_check(tl_source *src, tl_import *imp, tl_err *err)
{
    (void)err;
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        const char *card = json_string_value(json_object_get(obj, "PlasticCard"));
        imp->counts.read[TL_KIND_HOLDINGS] += card && *card;
    }
    return TL_OK;
}

/* ---- monthly insights ---------------------------------------------------- */

/* Validates one customer's insight entry and converts its months. *rows is
 * malloc'd (caller frees). */
static int insight_rows(seed_source *s, size_t i, json_t *obj, tl_import *imp, const char **id,
                        tl_month_total **rows, size_t *n, tl_err *err)
{
    *rows = NULL;
    *n = 0;
    int rc = require_id(s, i, obj, "CustomerID", id, err);
    if (rc)
        return rc;
    bool known;
    if ((rc = tl_import_has_id(imp, TL_KIND_CUSTOMERS, *id, &known, err)))
        return rc;
    if (!known)
        return fail_at(s, i, "CustomerID", err, "unknown customer '%s'", *id);
    json_t *arr = json_object_get(obj, "Transaction_Insights");
    if (!json_is_array(arr))
        return fail_at(s, i, "Transaction_Insights", err,
                       "customer '%s': \"Transaction_Insights\" must be an array", *id);
    size_t cnt = json_array_size(arr);
    *rows = calloc(cnt ? cnt : 1, sizeof **rows);
    if (!*rows)
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    size_t j;
    json_t *e;
    json_array_foreach(arr, j, e) {
        const char *label = json_string_value(json_object_get(e, "Month"));
        int month;
        /* Errors point at the month entry's own field. */
        tl_jsonpos_step at[4] = {{NULL, i}, {"Transaction_Insights", 0}, {NULL, j}, {"Month", 0}};
        if (!label || !tl_month_parse(label, &month)) {
            rc = fail_path(s, at, 4, err,
                           "customer '%s': Transaction_Insights[%zu].Month is not a month like "
                           "\"Jan 2024\": \"%.20s\"", *id, j, label ? label : "(missing)");
            goto fail;
        }
        for (size_t k = 0; k < j; k++)
            if ((*rows)[k].month == month) {
                rc = fail_path(s, at, 4, err, "customer '%s': month \"%s\" appears twice", *id,
                               label);
                goto fail;
            }
        char scratch[64];
        const char *amount = field_text(e, "Total_Transaction_Amount", scratch, sizeof scratch);
        double total;
        if (!amount || !tl_parse_double(amount, true, &total) || total < 0) {
            at[3].key = "Total_Transaction_Amount";
            rc = fail_path(s, at, 4, err,
                           "customer '%s': Transaction_Insights[%zu].Total_Transaction_Amount is "
                           "not an amount >= 0: \"%.20s\"", *id, j, amount ? amount : "(missing)");
            goto fail;
        }
        const char *count = field_text(e, "Total_Transaction_Count", scratch, sizeof scratch);
        int64_t c;
        if (!count || !tl_parse_i64(count, &c) || c < 0) {
            at[3].key = "Total_Transaction_Count";
            rc = fail_path(s, at, 4, err,
                           "customer '%s': Transaction_Insights[%zu].Total_Transaction_Count is "
                           "not a count >= 0: \"%.20s\"", *id, j, count ? count : "(missing)");
            goto fail;
        }
        (*rows)[j] = (tl_month_total){month, total, c};
    }
    *n = cnt;
    return TL_OK;
fail:
    free(*rows);
    *rows = NULL;
    return rc;
}

static int monthly_check(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    tl_strset seen;
    tl_strset_init(&seen);
    size_t i;
    json_t *obj;
    int rc = TL_OK;
    json_array_foreach(s->root, i, obj) {
        const char *id;
        tl_month_total *rows;
        size_t n;
        if ((rc = insight_rows(s, i, obj, imp, &id, &rows, &n, err)))
            break;
        free(rows);
        int added = tl_strset_add(&seen, id);
        if (added == 0) {
            rc = fail_at(s, i, "CustomerID", err, "customer '%s' has two insight entries", id);
            break;
        }
        imp->counts.read[TL_KIND_MONTHLY] += (long long)n;
    }
    tl_strset_free(&seen);
    return rc;
}

static int monthly_write(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        const char *id;
        tl_month_total *rows;
        size_t n;
        int rc = insight_rows(s, i, obj, imp, &id, &rows, &n, err);
        long long before = tl_store_changes_total(imp->st);
        if (!rc)
            rc = tl_store_monthly_replace(imp->st, id, rows, n, "imported", err);
        free(rows);
        if (rc)
            return rc;
        /* Rows inserted, updated or deleted: 0 for an identical series. */
        imp->counts.changed[TL_KIND_MONTHLY] += tl_store_changes_total(imp->st) - before;
    }
    return TL_OK;
}

/* ---- posts --------------------------------------------------------------- */

static int post_fields(seed_source *s, size_t i, json_t *obj, tl_import *imp, tl_post *p,
                       tl_err *err)
{
    int rc = require_id(s, i, obj, "CustomerID", &p->customer_id, err);
    if (rc)
        return rc;
    bool known;
    if ((rc = tl_import_has_id(imp, TL_KIND_CUSTOMERS, p->customer_id, &known, err)))
        return rc;
    if (!known)
        return fail_at(s, i, "CustomerID", err, "unknown customer '%s'", p->customer_id);
    p->platform = json_string_value(json_object_get(obj, "Platform"));
    p->topic = json_string_value(json_object_get(obj, "Topic"));
    p->text = json_string_value(json_object_get(obj, "Post"));
    p->posted_at = NULL;
    if (!p->text || !*p->text)
        return fail_at(s, i, "Post", err, "post %zu: missing \"Post\" text", i + 1);
    return TL_OK;
}

static int posts_check(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        tl_post p;
        int rc = post_fields(s, i, obj, imp, &p, err);
        if (rc)
            return rc;
        imp->counts.read[TL_KIND_POSTS]++;
    }
    return TL_OK;
}

static int posts_write(tl_source *src, tl_import *imp, tl_err *err)
{
    seed_source *s = (seed_source *)src;
    size_t i;
    json_t *obj;
    json_array_foreach(s->root, i, obj) {
        tl_post p;
        int rc = post_fields(s, i, obj, imp, &p, err);
        long long before = tl_store_changes_total(imp->st);
        if (!rc)
            rc = tl_store_post_upsert(imp->st, &p, err);
        if (rc)
            return rc;
        /* A post already stored is not written again: count real writes. */
        imp->counts.changed[TL_KIND_POSTS] += tl_store_changes_total(imp->st) != before;
    }
    return TL_OK;
}

/* ---- loading ------------------------------------------------------------- */

static void seed_destroy(tl_source *src)
{
    seed_source *s = (seed_source *)src;
    json_decref(s->root);
    free(s->text);
    free(s->base.path);
    free(s);
}

static int load(const char *file, tl_kind kind, seed_source **out, tl_err *err)
{
    seed_source *s = calloc(1, sizeof *s);
    char *path = strdup(file);
    if (!s || !path) {
        free(s);
        free(path);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    s->base.kind = kind;
    s->base.path = path;
    s->base.destroy = seed_destroy;
    int rc = TL_OK;
    FILE *f = fopen(path, "rb");
    if (!f) {
        rc = tl_err_set(err, TL_EIO, "%s: cannot open: %m", path);
        goto fail;
    }
    size_t cap = 1 << 16;
    s->text = malloc(cap);
    size_t r;
    while (s->text && (r = fread(s->text + s->len, 1, cap - s->len - 1, f)) > 0) {
        s->len += r;
        if (s->len > SEED_MAX_BYTES) {
            fclose(f);
            rc = tl_err_set(err, TL_ETOOBIG, "%s: larger than %u MiB", path, SEED_MAX_BYTES >> 20);
            goto fail;
        }
        if (cap - s->len < 2) {
            char *p = realloc(s->text, cap *= 2);
            if (!p) {
                /* Never go on with half a file. */
                free(s->text);
                s->text = NULL;
                break;
            }
            s->text = p;
        }
    }
    bool read_error = ferror(f);
    fclose(f);
    if (!s->text) {
        rc = tl_err_set(err, TL_ENOMEM, "out of memory reading %s", path);
        goto fail;
    }
    if (read_error) {
        rc = tl_err_set(err, TL_EIO, "%s: read error", path);
        goto fail;
    }
    s->text[s->len] = '\0';
    json_error_t je;
    s->root = json_loadb(s->text, s->len, JSON_REJECT_DUPLICATES, &je);
    if (!s->root) {
        rc = tl_err_set(err, TL_EINPUT, "%s:%d:%d: %s", path, je.line > 0 ? je.line : 1,
                        je.column > 0 ? je.column : 1, je.text);
        goto fail;
    }
    if (!json_is_array(s->root)) {
        rc = tl_err_set(err, TL_EINPUT, "%s:1:1: expected a JSON array of records", path);
        goto fail;
    }
    *out = s;
    return TL_OK;
fail:
    seed_destroy(&s->base);
    return rc;
}

/* The check and write functions of each prototype file kind. */
typedef struct seed_kind {
    const char *file;
    tl_kind kind;
    int (*check)(tl_source *, tl_import *, tl_err *);
    int (*write)(tl_source *, tl_import *, tl_err *);
} seed_kind;

static const seed_kind seed_kinds[] = {
    {"customer_profile.json", TL_KIND_CUSTOMERS, customers_check, customers_write},
    {"products.json", TL_KIND_PRODUCTS, products_check, products_write},
    {"customer_monthly_transaction_insights.json", TL_KIND_MONTHLY, monthly_check, monthly_write},
    {"non_contradictory_social_media_posts.json", TL_KIND_POSTS, posts_check, posts_write},
    /* The profile also names the card each customer holds: a second source
     * over the same file, of kind holdings, written once products exist. */
    {"customer_profile.json", TL_KIND_HOLDINGS, holdings_check, derived_holdings_write},
};

int tl_seed_source_open(tl_kind kind, const char *path, tl_source **out, tl_err *err)
{
    for (size_t i = 0; i < sizeof seed_kinds / sizeof *seed_kinds; i++) {
        if (seed_kinds[i].kind != kind)
            continue;
        seed_source *s;
        int rc = load(path, kind, &s, err);
        if (rc)
            return rc;
        s->base.check = seed_kinds[i].check;
        s->base.write = seed_kinds[i].write;
        *out = &s->base;
        return TL_OK;
    }
    return tl_err_set(err, TL_EINPUT, "%s: %s cannot be read from a JSON array file", path,
                      tl_kind_name(kind));
}

int tl_seed_sources(const char *dir, tl_source **out, size_t *n, tl_err *err)
{
    size_t start = *n;
    for (size_t i = 0; i < sizeof seed_kinds / sizeof *seed_kinds; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, seed_kinds[i].file);
        int rc = tl_seed_source_open(seed_kinds[i].kind, path, &out[*n], err);
        if (rc) {
            while (*n > start) {
                --*n;
                out[*n]->destroy(out[*n]);
            }
            return rc;
        }
        (*n)++;
    }
    return TL_OK;
}
