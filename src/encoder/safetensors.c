/* safetensors.c — header parser and bounds checks for safetensors files.
 *
 * The JSON header is parsed with jansson; everything it says about where
 * tensors lie is checked here before any tensor byte is touched: sizes fit
 * the file, shapes multiply out to the byte ranges without overflow, and
 * ranges do not overlap. */
#include "encoder/safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"

/* Tensor bytes are little-endian; they are copied as-is into host floats. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c assumes a little-endian host"
#endif

typedef struct st_meta {
    char *key, *value;   /* owned */
} st_meta;

struct tl_safetensors {
    void *map;            /* owned mapping, or NULL when parsing a borrowed buffer */
    size_t map_len;
    tl_st_tensor *tensors; /* owned array sorted by offset; names owned */
    size_t n;
    st_meta *meta;        /* owned */
    size_t n_meta;
};

static const struct {
    const char *name;
    size_t size;
} dtypes[] = {
    [TL_ST_BOOL] = {"BOOL", 1},    [TL_ST_U8] = {"U8", 1},
    [TL_ST_I8] = {"I8", 1},        [TL_ST_F8_E4M3] = {"F8_E4M3", 1},
    [TL_ST_F8_E5M2] = {"F8_E5M2", 1},
    [TL_ST_I16] = {"I16", 2},      [TL_ST_U16] = {"U16", 2},
    [TL_ST_F16] = {"F16", 2},      [TL_ST_BF16] = {"BF16", 2},
    [TL_ST_I32] = {"I32", 4},      [TL_ST_U32] = {"U32", 4},
    [TL_ST_F32] = {"F32", 4},      [TL_ST_I64] = {"I64", 8},
    [TL_ST_U64] = {"U64", 8},      [TL_ST_F64] = {"F64", 8},
};

size_t tl_st_dtype_size(enum tl_st_dtype dt)
{
    return (size_t)dt < sizeof dtypes / sizeof *dtypes ? dtypes[dt].size : 0;
}

const char *tl_st_dtype_name(enum tl_st_dtype dt)
{
    return (size_t)dt < sizeof dtypes / sizeof *dtypes ? dtypes[dt].name : "?";
}

int tl_st_dtype_parse(const char *name)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof *dtypes; i++)
        if (strcmp(dtypes[i].name, name) == 0)
            return (int)i;
    return -1;
}

void tl_safetensors_close(tl_safetensors *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        free((char *)st->tensors[i].name);
    free(st->tensors);
    for (size_t i = 0; i < st->n_meta; i++) {
        free(st->meta[i].key);
        free(st->meta[i].value);
    }
    free(st->meta);
    if (st->map)
        munmap(st->map, st->map_len);
    free(st);
}

static int cmp_offset(const void *a, const void *b)
{
    const tl_st_tensor *x = a, *y = b;
    if (x->data != y->data)
        return x->data < y->data ? -1 : 1;
    return x->nbytes < y->nbytes ? -1 : x->nbytes > y->nbytes;
}

/* Reads a non-negative JSON integer into *v; false for anything else. */
static int get_u64(const json_t *j, uint64_t *v)
{
    if (!json_is_integer(j) || json_integer_value(j) < 0)
        return 0;
    *v = (uint64_t)json_integer_value(j);
    return 1;
}

static int parse_meta(tl_safetensors *st, json_t *obj, tl_err *err)
{
    if (!json_is_object(obj))
        return tl_err_set(err, TL_EINPUT, "safetensors: __metadata__ is not an object");
    size_t n = json_object_size(obj);
    st->meta = calloc(n ? n : 1, sizeof *st->meta);
    if (!st->meta)
        return tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        if (!json_is_string(val))
            return tl_err_set(err, TL_EINPUT,
                              "safetensors: __metadata__ value of '%.64s' is not a string", key);
        st_meta *m = &st->meta[st->n_meta];
        m->key = tl_strndup(key, strlen(key));
        m->value = tl_strndup(json_string_value(val), json_string_length(val));
        if (!m->key || !m->value) {
            free(m->key);
            free(m->value);
            return tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
        }
        st->n_meta++;
    }
    return 0;
}

/* Checks one header entry and fills *t; `data`/`data_len` is the byte area
 * after the header. */
static int parse_entry(const char *name, json_t *v, const unsigned char *data, size_t data_len,
                       tl_st_tensor *t, tl_err *err)
{
    if (!json_is_object(v))
        return tl_err_set(err, TL_EINPUT, "safetensors: tensor '%.128s': entry is not an object",
                          name);
    json_t *jd = json_object_get(v, "dtype");
    json_t *js = json_object_get(v, "shape");
    json_t *jo = json_object_get(v, "data_offsets");
    if (!json_is_string(jd) || !json_is_array(js) || !json_is_array(jo))
        return tl_err_set(err, TL_EINPUT,
                          "safetensors: tensor '%.128s': needs dtype, shape and data_offsets",
                          name);
    int dt = tl_st_dtype_parse(json_string_value(jd));
    if (dt < 0)
        return tl_err_set(err, TL_EINPUT, "safetensors: tensor '%.128s': unknown dtype '%.32s'",
                          name, json_string_value(jd));
    t->dtype = (enum tl_st_dtype)dt;
    t->ndim = json_array_size(js);
    if (t->ndim > TL_ST_MAX_DIMS)
        return tl_err_set(err, TL_EINPUT, "safetensors: tensor '%.128s': %zu dimensions (max %d)",
                          name, t->ndim, TL_ST_MAX_DIMS);
    uint64_t nelem = 1;
    for (size_t i = 0; i < t->ndim; i++) {
        uint64_t d;
        if (!get_u64(json_array_get(js, i), &d))
            return tl_err_set(err, TL_EINPUT,
                              "safetensors: tensor '%.128s': shape[%zu] is not a size", name, i);
        t->shape[i] = d;
        if (d && nelem > UINT64_MAX / d)
            return tl_err_set(err, TL_EINPUT, "safetensors: tensor '%.128s': shape overflows",
                              name);
        nelem *= d;
    }
    t->nelem = nelem;
    uint64_t begin, end;
    if (json_array_size(jo) != 2 || !get_u64(json_array_get(jo, 0), &begin) ||
        !get_u64(json_array_get(jo, 1), &end))
        return tl_err_set(err, TL_EINPUT,
                          "safetensors: tensor '%.128s': data_offsets is not [begin, end]", name);
    if (begin > end || end > data_len)
        return tl_err_set(err, TL_EINPUT,
                          "safetensors: tensor '%.128s': bytes [%llu, %llu) outside the %zu "
                          "data bytes (truncated file?)",
                          name, (unsigned long long)begin, (unsigned long long)end, data_len);
    uint64_t esz = tl_st_dtype_size(t->dtype);
    if (nelem > UINT64_MAX / esz || nelem * esz != end - begin)
        return tl_err_set(err, TL_EINPUT,
                          "safetensors: tensor '%.128s': %llu bytes for %llu %s elements", name,
                          (unsigned long long)(end - begin), (unsigned long long)nelem,
                          tl_st_dtype_name(t->dtype));
    t->data = data + begin;
    t->nbytes = (size_t)(end - begin);
    return 0;
}

int tl_safetensors_parse(const void *buf, size_t len, tl_safetensors **out, tl_err *err)
{
    int rc = 0;
    json_t *root = NULL;
    *out = NULL;
    const unsigned char *p = buf;
    if (len < 8)
        return tl_err_set(err, TL_EINPUT, "safetensors: file is %zu bytes, shorter than the "
                                          "8-byte header length", len);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | p[i];
    if (hlen > TL_ST_MAX_HEADER)
        return tl_err_set(err, TL_EINPUT, "safetensors: header of %llu bytes is over the %u-byte "
                                          "limit", (unsigned long long)hlen, TL_ST_MAX_HEADER);
    if (hlen > len - 8)
        return tl_err_set(err, TL_EINPUT, "safetensors: header of %llu bytes but only %zu bytes "
                                          "follow (truncated file?)",
                          (unsigned long long)hlen, len - 8);
    tl_safetensors *st = calloc(1, sizeof *st);
    if (!st)
        return tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");

    json_error_t jerr;
    root = json_loadb((const char *)p + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rc = tl_err_set(err, TL_EINPUT, "safetensors: header JSON: %s at line %d column %d",
                        jerr.text, jerr.line, jerr.column);
        goto fail_json;
    }
    if (!json_is_object(root)) {
        rc = tl_err_set(err, TL_EINPUT, "safetensors: header is not a JSON object");
        goto fail_parse;
    }
    size_t cap = json_object_size(root);
    st->tensors = calloc(cap ? cap : 1, sizeof *st->tensors);
    if (!st->tensors) {
        rc = tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
        goto fail_parse;
    }
    const unsigned char *data = p + 8 + hlen;
    size_t data_len = len - 8 - (size_t)hlen;
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "__metadata__") == 0) {
            if ((rc = parse_meta(st, val, err)) != 0)
                goto fail_parse;
            continue;
        }
        tl_st_tensor *t = &st->tensors[st->n];
        if ((rc = parse_entry(key, val, data, data_len, t, err)) != 0)
            goto fail_parse;
        t->name = tl_strndup(key, strlen(key));
        if (!t->name) {
            rc = tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
            goto fail_parse;
        }
        st->n++;
    }
    /* Overlapping ranges mean a corrupt (or malicious) header: two tensors
     * would alias the same bytes. */
    qsort(st->tensors, st->n, sizeof *st->tensors, cmp_offset);
    for (size_t i = 1; i < st->n; i++) {
        const tl_st_tensor *a = &st->tensors[i - 1], *b = &st->tensors[i];
        if (a->data + a->nbytes > b->data) {
            rc = tl_err_set(err, TL_EINPUT, "safetensors: tensors '%.100s' and '%.100s' overlap",
                            a->name, b->name);
            goto fail_parse;
        }
    }
    json_decref(root);
    *out = st;
    return 0;

fail_parse:
    json_decref(root);
fail_json:
    tl_safetensors_close(st);
    return rc;
}

int tl_safetensors_open(const char *path, tl_safetensors **out, tl_err *err)
{
    int rc;
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tl_err_set(err, errno == ENOENT ? TL_ENOTFOUND : TL_EIO, "%s: %s", path,
                          strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        rc = tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
        goto fail_stat;
    }
    if (!S_ISREG(sb.st_mode)) {
        rc = tl_err_set(err, TL_EINPUT, "%s: not a regular file", path);
        goto fail_stat;
    }
    size_t len = (size_t)sb.st_size;
    if (len < 8) {
        rc = tl_err_set(err, TL_EINPUT, "%s: safetensors: file is %zu bytes, shorter than the "
                                        "8-byte header length", path, len);
        goto fail_stat;
    }
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        rc = tl_err_set(err, TL_EIO, "%s: mmap: %s", path, strerror(errno));
        goto fail_stat;
    }
    close(fd);
    tl_safetensors *st;
    if ((rc = tl_safetensors_parse(map, len, &st, err)) != 0) {
        munmap(map, len);
        return tl_err_prefix(err, "%s", path);
    }
    st->map = map;
    st->map_len = len;
    *out = st;
    return 0;

fail_stat:
    close(fd);
    return rc;
}

size_t tl_safetensors_count(const tl_safetensors *st)
{
    return st->n;
}

const tl_st_tensor *tl_safetensors_at(const tl_safetensors *st, size_t i)
{
    return i < st->n ? &st->tensors[i] : NULL;
}

const tl_st_tensor *tl_safetensors_find(const tl_safetensors *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->tensors[i].name, name) == 0)
            return &st->tensors[i];
    return NULL;
}

const char *tl_safetensors_meta(const tl_safetensors *st, const char *key)
{
    for (size_t i = 0; i < st->n_meta; i++)
        if (strcmp(st->meta[i].key, key) == 0)
            return st->meta[i].value;
    return NULL;
}

/* IEEE half to single, subnormals, infinities and NaNs included. */
static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t man = h & 0x3ff;
    uint32_t bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else {
        /* Subnormal half: normalise the mantissa into a single's exponent. */
        int e = -1;
        do {
            e++;
            man <<= 1;
        } while (!(man & 0x400));
        bits = sign | ((uint32_t)(112 - e) << 23) | ((man & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

int tl_safetensors_read_f32(const tl_st_tensor *t, size_t first, size_t n, float *out,
                            tl_err *err)
{
    if (first > t->nelem || n > t->nelem - first)
        return tl_err_set(err, TL_EINPUT, "tensor '%.128s': elements [%zu, %zu) past its %llu",
                          t->name, first, first + n, (unsigned long long)t->nelem);
    const unsigned char *p = t->data;
    switch (t->dtype) {
    case TL_ST_F32:
        memcpy(out, p + first * 4, n * 4);
        return 0;
    case TL_ST_F16:
        for (size_t i = 0; i < n; i++) {
            const unsigned char *q = p + (first + i) * 2;
            out[i] = half_to_float((uint16_t)(q[0] | q[1] << 8));
        }
        return 0;
    case TL_ST_BF16:
        for (size_t i = 0; i < n; i++) {
            const unsigned char *q = p + (first + i) * 2;
            uint32_t bits = (uint32_t)(q[0] | q[1] << 8) << 16;
            memcpy(&out[i], &bits, sizeof bits);
        }
        return 0;
    case TL_ST_F64:
        for (size_t i = 0; i < n; i++) {
            double d;
            memcpy(&d, p + (first + i) * 8, sizeof d);
            out[i] = (float)d;
        }
        return 0;
    default:
        return tl_err_set(err, TL_EINPUT, "tensor '%.128s': dtype %s is not a float type",
                          t->name, tl_st_dtype_name(t->dtype));
    }
}

int tl_safetensors_write(const char *path, const tl_st_tensor *t, size_t n, tl_err *err)
{
    int rc = 0;
    char *hdr = NULL;
    FILE *f = NULL;
    json_t *root = json_object();
    if (!root)
        return tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
    json_object_set_new(root, "__metadata__", json_pack("{s:s}", "format", "pt"));
    uint64_t off = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t nelem = 1;
        json_t *shape = json_array();
        for (size_t d = 0; d < t[i].ndim; d++) {
            json_array_append_new(shape, json_integer((json_int_t)t[i].shape[d]));
            nelem *= t[i].shape[d];
        }
        if (nelem * tl_st_dtype_size(t[i].dtype) != t[i].nbytes) {
            json_decref(shape);
            rc = tl_err_set(err, TL_EINPUT, "safetensors: tensor '%s': %zu bytes for its shape",
                            t[i].name, t[i].nbytes);
            goto done;
        }
        json_t *e = json_pack("{s:s,s:o,s:[I,I]}", "dtype", tl_st_dtype_name(t[i].dtype),
                              "shape", shape, "data_offsets", (json_int_t)off,
                              (json_int_t)(off + t[i].nbytes));
        if (!e || json_object_set_new(root, t[i].name, e) != 0) {
            rc = tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
            goto done;
        }
        off += t[i].nbytes;
    }
    hdr = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!hdr) {
        rc = tl_err_set(err, TL_ENOMEM, "safetensors: out of memory");
        goto done;
    }
    /* The header is padded with spaces to a multiple of 8 bytes so the data
     * that follows is aligned, as the reference writer does. */
    size_t hlen = strlen(hdr), padded = (hlen + 7) & ~(size_t)7;
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    f = fopen(path, "wb");
    if (!f) {
        rc = tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    int ok = fwrite(len8, 1, 8, f) == 8 && fwrite(hdr, 1, hlen, f) == hlen;
    for (size_t i = hlen; ok && i < padded; i++)
        ok = fputc(' ', f) != EOF;
    for (size_t i = 0; ok && i < n; i++)
        ok = fwrite(t[i].data, 1, t[i].nbytes, f) == t[i].nbytes;
    if (fclose(f) != 0)
        ok = 0;
    f = NULL;
    if (!ok)
        rc = tl_err_set(err, TL_EIO, "%s: write failed", path);
done:
    free(hdr);
    json_decref(root);
    return rc;
}
