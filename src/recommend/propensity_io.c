/* propensity_io.c — propensity model files: JSON, format
 * "tailor-propensity" version 2, and version 1 read back (layout in
 * docs/propensity.md; version 1 held 64-bin trees). Loading
 * validates every field, so a damaged or hostile file is an error with a
 * message, never a crash or an out-of-range read at prediction time. */
#include "recommend/propensity_int.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

#define MODEL_FORMAT "tailor-propensity"
#define MODEL_VERSION 2 /* written; 1 and 2 are read */
#define MAX_COLS 4096
#define MAX_TREES 100000
#define MAX_NODES 65536

static json_t *darray(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_real(v[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *tree_json(const tl_gbdt_tree *tr)
{
    json_t *feat = json_array(), *left = json_array(), *right = json_array(),
           *mask = json_array(), *val = json_array();
    for (size_t i = 0; i < tr->n_nodes; i++) {
        const tl_gbdt_node *nd = &tr->nodes[i];
        /* the 256-bit set as one hex number, most significant word first */
        char hex[TL_GBDT_WORDS * 16 + 1];
        for (size_t w = 0; w < TL_GBDT_WORDS; w++)
            snprintf(hex + 16 * w, sizeof hex - 16 * w, "%016" PRIx64,
                     nd->left_bins[TL_GBDT_WORDS - 1 - w]);
        json_array_append_new(feat, json_integer(nd->feat));
        json_array_append_new(left, json_integer(nd->left));
        json_array_append_new(right, json_integer(nd->right));
        json_array_append_new(mask, json_string(hex));
        json_array_append_new(val, json_real(nd->value));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "feat", feat, "left", left, "right", right,
                     "left_bins", mask, "value", val);
}

int tl_prop_model_save(const tl_prop_model *m, const char *path, tl_err *err)
{
    json_t *cols = json_array();
    for (size_t j = 0; cols && j < m->n_cols; j++) {
        const prop_col *c = &m->cols[j];
        json_t *o;
        if (c->is_cat) {
            json_t *lv = json_array();
            for (size_t k = 0; k < c->n_levels; k++)
                json_array_append_new(lv, json_string(c->levels[k]));
            o = json_pack("{s:s, s:s, s:o}", "name", c->name, "type", "categorical", "levels",
                          lv);
        } else {
            o = json_pack("{s:s, s:s, s:f, s:f, s:o, s:o}", "name", c->name, "type",
                          "numeric", "mean", c->mean, "sd", c->sd, "lr_edges",
                          darray(c->lr_edges, c->n_lr), "gb_edges",
                          darray(c->gb_edges, c->n_gb));
        }
        json_array_append_new(cols, o);
    }
    json_t *root = json_pack("{s:s, s:i, s:s, s:s, s:o*, s:o, s:o}", "format", MODEL_FORMAT,
                             "version", MODEL_VERSION, "kind", tl_prop_kind_name(m->kind),
                             "target", m->target, "positive",
                             m->positive ? json_string(m->positive) : NULL, "columns", cols,
                             "stack", darray(m->stack, 3));
    if (root && m->has_lr)
        json_object_set_new(root, "logreg",
                            json_pack("{s:f, s:o, s:o}", "lambda", m->lr_lambda, "platt",
                                      darray(m->lr_platt, 2), "w",
                                      darray(m->lr_w, m->lr_dim)));
    if (root && m->has_gb) {
        json_t *trees = json_array();
        for (size_t t = 0; t < m->gb.n_trees; t++)
            json_array_append_new(trees, tree_json(&m->gb.trees[t]));
        json_object_set_new(root, "gbdt",
                            json_pack("{s:f, s:o, s:o}", "base", m->gb.base, "platt",
                                      darray(m->gb_platt, 2), "trees", trees));
    }
    if (root)
        json_object_set_new(root, "validation",
                            json_pack("{s:I, s:I, s:I}", "n_fit", (json_int_t)m->n_fit,
                                      "n_val", (json_int_t)m->n_val, "folds",
                                      (json_int_t)m->n_folds));
    if (!root)
        return tl_err_set(err, TL_ENOMEM, "out of memory writing the model");
    /* 17 significant digits: doubles round-trip exactly */
    int rc = json_dump_file(root, path, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc)
        return tl_err_set(err, TL_EIO, "%s: cannot write the model", path);
    return 0;
}

/* ---- loading ---- */

static int bad(tl_err *err, const char *what)
{
    return tl_err_set(err, TL_EINPUT, "corrupt model file: %s", what);
}

/* A finite number (integer or real). */
static int get_num(json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : -1;
}

/* An array of n finite numbers into a malloc'd array (NULL when n == 0). */
static int get_darray(json_t *a, size_t max, double **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(a) || json_array_size(a) > max)
        return -1;
    size_t len = json_array_size(a);
    if (len == 0)
        return 0;
    double *v = malloc(len * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (get_num(json_array_get(a, i), &v[i])) {
            free(v);
            return -1;
        }
    *out = v;
    *n = len;
    return 0;
}

static int get_fixed(json_t *a, double *out, size_t n)
{
    if (!json_is_array(a) || json_array_size(a) != n)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (get_num(json_array_get(a, i), &out[i]))
            return -1;
    return 0;
}

static int ascending(const double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!(v[i] > v[i - 1]))
            return 0;
    return 1;
}

static int load_col(json_t *o, int version, prop_col *c, tl_err *err)
{
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *type = json_string_value(json_object_get(o, "type"));
    if (!name || !type)
        return bad(err, "a column lacks name or type");
    if (!(c->name = tl_strndup(name, strlen(name))))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    if (strcmp(type, "categorical") == 0) {
        c->is_cat = 1;
        json_t *lv = json_object_get(o, "levels");
        if (!json_is_array(lv) || json_array_size(lv) > PROP_MAX_LEVELS)
            return bad(err, "column levels");
        size_t n = json_array_size(lv);
        c->levels = calloc(n ? n : 1, sizeof *c->levels);
        if (!c->levels)
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        for (size_t k = 0; k < n; k++) {
            const char *s = json_string_value(json_array_get(lv, k));
            if (!s)
                return bad(err, "a level is not a string");
            if (!(c->levels[k] = tl_strndup(s, strlen(s))))
                return tl_err_set(err, TL_ENOMEM, "out of memory");
            c->n_levels++;
        }
        return 0;
    }
    if (strcmp(type, "numeric") != 0)
        return bad(err, "unknown column type");
    if (get_num(json_object_get(o, "mean"), &c->mean) ||
        get_num(json_object_get(o, "sd"), &c->sd) || !(c->sd > 0))
        return bad(err, "numeric column mean/sd");
    /* version 1 held at most 10 logreg bins and 64 tree bins per numeric */
    if (get_darray(json_object_get(o, "lr_edges"),
                   version == 1 ? PROP_LR_BINS_COARSE : PROP_LR_BINS, &c->lr_edges,
                   &c->n_lr) ||
        get_darray(json_object_get(o, "gb_edges"),
                   version == 1 ? PROP_GB_EDGES_V1 : PROP_GB_EDGES, &c->gb_edges, &c->n_gb) ||
        !ascending(c->lr_edges, c->n_lr) || !ascending(c->gb_edges, c->n_gb))
        return bad(err, "numeric column edges");
    return 0;
}

static int load_tree(json_t *o, int version, tl_gbdt_tree *tr, tl_err *err)
{
    json_t *feat = json_object_get(o, "feat"), *left = json_object_get(o, "left"),
           *right = json_object_get(o, "right"), *mask = json_object_get(o, "left_bins"),
           *val = json_object_get(o, "value");
    if (!json_is_array(feat) || !json_is_array(left) || !json_is_array(right) ||
        !json_is_array(mask) || !json_is_array(val))
        return bad(err, "tree arrays");
    size_t n = json_array_size(feat);
    if (n == 0 || n > MAX_NODES || json_array_size(left) != n || json_array_size(right) != n ||
        json_array_size(mask) != n || json_array_size(val) != n)
        return bad(err, "tree sizes");
    if (!(tr->nodes = calloc(n, sizeof *tr->nodes)))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    tr->n_nodes = n;
    for (size_t i = 0; i < n; i++) {
        tl_gbdt_node *nd = &tr->nodes[i];
        json_t *f = json_array_get(feat, i), *l = json_array_get(left, i),
               *r = json_array_get(right, i);
        const char *hex = json_string_value(json_array_get(mask, i));
        if (!json_is_integer(f) || !json_is_integer(l) || !json_is_integer(r) || !hex ||
            get_num(json_array_get(val, i), &nd->value))
            return bad(err, "tree node fields");
        json_int_t fi = json_integer_value(f), li = json_integer_value(l),
                   ri = json_integer_value(r);
        if (fi < -1 || fi > MAX_COLS || li < 0 || li > MAX_NODES || ri < 0 || ri > MAX_NODES)
            return bad(err, "tree node out of range");
        nd->feat = (int32_t)fi;
        nd->left = (int32_t)li;
        nd->right = (int32_t)ri;
        /* version 1: 16 hex digits (64 bins), version 2: 64 (256 bins); one
         * hex number, bin b its bit b */
        size_t digits = version == 1 ? 16 : TL_GBDT_WORDS * 16;
        if (strlen(hex) != digits)
            return bad(err, "tree node bin set");
        for (size_t k = 0; k < digits; k++) {
            char ch = hex[digits - 1 - k]; /* k-th least significant digit */
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                             : -1;
            if (d < 0)
                return bad(err, "tree node bin set");
            nd->left_bins[k / 16] |= (uint64_t)d << (4 * (k % 16));
        }
    }
    return 0;
}

static int load_root(json_t *root, tl_prop_model *m, tl_err *err)
{
    const char *fmt = json_string_value(json_object_get(root, "format"));
    json_t *ver = json_object_get(root, "version");
    if (!fmt || strcmp(fmt, MODEL_FORMAT) != 0)
        return bad(err, "not a tailor propensity model (format)");
    if (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
        json_integer_value(ver) > MODEL_VERSION)
        return bad(err, "unsupported version");
    int version = (int)json_integer_value(ver);
    const char *kind = json_string_value(json_object_get(root, "kind"));
    const char *target = json_string_value(json_object_get(root, "target"));
    json_t *pos = json_object_get(root, "positive");
    if (!kind || !target)
        return bad(err, "kind or target");
    if (strcmp(kind, "logreg") == 0)
        m->kind = TL_PROP_LOGREG;
    else if (strcmp(kind, "gbdt") == 0)
        m->kind = TL_PROP_GBDT;
    else if (strcmp(kind, "ensemble") == 0)
        m->kind = TL_PROP_ENSEMBLE;
    else
        return bad(err, "unknown kind");
    if (!(m->target = tl_strndup(target, strlen(target))))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    if (pos && !json_is_null(pos)) {
        if (!json_is_string(pos))
            return bad(err, "positive");
        if (!(m->positive = tl_strndup(json_string_value(pos), strlen(json_string_value(pos)))))
            return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    json_t *cols = json_object_get(root, "columns");
    if (!json_is_array(cols) || json_array_size(cols) > MAX_COLS)
        return bad(err, "columns");
    size_t nc = json_array_size(cols);
    if (!(m->cols = calloc(nc ? nc : 1, sizeof *m->cols)))
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    for (size_t j = 0; j < nc; j++) {
        json_t *o = json_array_get(cols, j);
        if (!json_is_object(o))
            return bad(err, "a column is not an object");
        m->n_cols++;
        int rc = load_col(o, version, &m->cols[j], err);
        if (rc)
            return rc;
    }
    if (get_fixed(json_object_get(root, "stack"), m->stack, 3))
        return bad(err, "stack");
    json_t *lr = json_object_get(root, "logreg"), *gb = json_object_get(root, "gbdt");
    if ((m->kind != TL_PROP_GBDT && !lr) || (m->kind != TL_PROP_LOGREG && !gb))
        return bad(err, "the kind's learner is missing");
    if (lr) {
        if (get_num(json_object_get(lr, "lambda"), &m->lr_lambda) ||
            get_fixed(json_object_get(lr, "platt"), m->lr_platt, 2))
            return bad(err, "logreg lambda/platt");
        size_t want = prop_lr_dim(m->cols, m->n_cols);
        if (get_darray(json_object_get(lr, "w"), want, &m->lr_w, &m->lr_dim) ||
            m->lr_dim != want)
            return bad(err, "logreg weights do not match the columns");
        m->has_lr = 1;
    }
    if (gb) {
        json_t *trees = json_object_get(gb, "trees");
        if (get_num(json_object_get(gb, "base"), &m->gb.base) ||
            get_fixed(json_object_get(gb, "platt"), m->gb_platt, 2) || !json_is_array(trees) ||
            json_array_size(trees) > MAX_TREES)
            return bad(err, "gbdt base/platt/trees");
        size_t nt = json_array_size(trees);
        m->has_gb = 1;
        m->gb.n_feat = m->n_cols;
        if (!(m->gb.trees = calloc(nt ? nt : 1, sizeof *m->gb.trees)))
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        m->gb.cap = nt;
        for (size_t t = 0; t < nt; t++) {
            json_t *o = json_array_get(trees, t);
            if (!json_is_object(o))
                return bad(err, "a tree is not an object");
            m->gb.n_trees++;
            int rc = load_tree(o, version, &m->gb.trees[t], err);
            if (rc)
                return rc;
        }
        if (tl_gbdt_validate(&m->gb, err))
            return tl_err_prefix(err, "corrupt model file");
    }
    json_t *v = json_object_get(root, "validation");
    json_t *nf = json_object_get(v, "n_fit"), *nv = json_object_get(v, "n_val");
    m->n_fit = json_is_integer(nf) && json_integer_value(nf) > 0 ? (size_t)json_integer_value(nf) : 0;
    m->n_val = json_is_integer(nv) && json_integer_value(nv) > 0 ? (size_t)json_integer_value(nv) : 0;
    json_t *nk = json_object_get(v, "folds"); /* version 2; informational */
    m->n_folds = json_is_integer(nk) && json_integer_value(nk) > 0 &&
                         json_integer_value(nk) <= PROP_FOLDS
                     ? (size_t)json_integer_value(nk)
                     : 1;
    m->val_auc[0] = m->val_auc[1] = m->val_auc[2] = NAN;
    return 0;
}

int tl_prop_model_load_mem(const char *data, size_t len, tl_prop_model **out, tl_err *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return tl_err_set(err, TL_EINPUT, "corrupt model file: line %d column %d: %s",
                          je.line, je.column, je.text);
    tl_prop_model *m = calloc(1, sizeof *m);
    int rc = m ? load_root(root, m, err) : tl_err_set(err, TL_ENOMEM, "out of memory");
    json_decref(root);
    if (rc) {
        tl_prop_model_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int tl_prop_model_load(const char *path, tl_prop_model **out, tl_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tl_err_set(err, TL_EIO, "%s: cannot open the model", path);
    char *data = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= ((size_t)1 << 30)) {
                rc = tl_err_set(err, TL_ETOOBIG, "%s: model larger than 1 GiB", path);
                break;
            }
            char *p = realloc(data, cap = cap ? cap * 2 : 1 << 16);
            if (!p) {
                rc = tl_err_set(err, TL_ENOMEM, "out of memory");
                break;
            }
            data = p;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (!rc) {
        rc = tl_prop_model_load_mem(data ? data : "", len, out, err);
        if (rc)
            tl_err_prefix(err, "%s", path);
    }
    free(data);
    return rc;
}
