/* test_safetensors.c — the safetensors reader on valid files, every
 * truncation of a small file, corrupt headers, dtype conversions; and the
 * model loader's errors for missing tensors, wrong shapes, bad configs and
 * truncated weights (each must name what is wrong, never crash). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encoder/bert.h"
#include "encoder/safetensors.h"

/* A file image: 8-byte length, header, data. Caller frees. */
static unsigned char *image(const char *header, const void *data, size_t data_len, size_t *len)
{
    size_t h = strlen(header);
    *len = 8 + h + data_len;
    unsigned char *p = malloc(*len);
    assert_non_null(p);
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)((uint64_t)h >> (8 * i));
    memcpy(p + 8, header, h);
    if (data_len)
        memcpy(p + 8 + h, data, data_len);
    return p;
}

static int parse_status(const char *header, const void *data, size_t data_len, tl_err *err)
{
    size_t len;
    unsigned char *p = image(header, data, data_len, &len);
    tl_safetensors *st = NULL;
    tl_err_clear(err);
    int rc = tl_safetensors_parse(p, len, &st, err);
    tl_safetensors_close(st);
    free(p);
    return rc;
}

static void test_parse_valid(void **state)
{
    (void)state;
    float data[6] = {1, 2, 3, 4, 5, 6};
    const char *hdr = "{\"__metadata__\":{\"format\":\"pt\"},"
                      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
                      "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}   ";
    size_t len;
    unsigned char *p = image(hdr, data, sizeof data, &len);
    tl_safetensors *st;
    tl_err err;
    assert_int_equal(tl_safetensors_parse(p, len, &st, &err), 0);
    assert_int_equal(tl_safetensors_count(st), 2);
    assert_string_equal(tl_safetensors_at(st, 0)->name, "a");   /* file order */
    const tl_st_tensor *b = tl_safetensors_find(st, "b");
    assert_non_null(b);
    assert_int_equal(b->ndim, 1);
    assert_int_equal(b->shape[0], 2);
    float out[2];
    assert_int_equal(tl_safetensors_read_f32(b, 0, 2, out, &err), 0);
    assert_true(out[0] == 5.0f && out[1] == 6.0f);
    assert_int_not_equal(tl_safetensors_read_f32(b, 1, 2, out, &err), 0);   /* past the end */
    assert_string_equal(tl_safetensors_meta(st, "format"), "pt");
    assert_null(tl_safetensors_meta(st, "nope"));
    assert_null(tl_safetensors_find(st, "c"));
    tl_safetensors_close(st);
    free(p);
}

static void test_scalar_and_empty(void **state)
{
    (void)state;
    float one = 1.0f;
    tl_err err;
    assert_int_equal(parse_status("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                                  "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}",
                                  &one, 4, &err),
                     0);
    assert_int_equal(parse_status("{}", NULL, 0, &err), 0);
}

static void expect_error(const char *header, const void *data, size_t data_len,
                         const char *needle)
{
    tl_err err;
    int rc = parse_status(header, data, data_len, &err);
    if (rc == 0)
        fail_msg("accepted: %s", header);
    if (needle && !strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\" for %s", err.msg, needle, header);
}

static void test_corrupt_headers(void **state)
{
    (void)state;
    unsigned char data[64] = {0};
    expect_error("{", data, 8, "header JSON");
    expect_error("[]", data, 8, "not a JSON object");
    expect_error("{\"a\":1}", data, 8, "'a'");
    expect_error("{\"a\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", data, 8,
                 "unknown dtype");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", data, 8,
                 "'a'");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,400]}}", data, 8,
                 "truncated");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", data, 8,
                 "'a'");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data, 8,
                 "shape");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", data, 8,
                 "shape");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", data, 8,
                 "data_offsets");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}", data, 8,
                 "data_offsets");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                 "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}",
                 data, 8, "overlap");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                 "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                 data, 8, "duplicate");
    /* Shape products that overflow 64 bits must not wrap to a small size. */
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,16],"
                 "\"data_offsets\":[0,0]}}", data, 8, "overflow");
    expect_error("{\"a\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],"
                 "\"data_offsets\":[0,0]}}", data, 8, "'a'");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],"
                 "\"data_offsets\":[0,4]}}", data, 8, "dimensions");
    expect_error("{\"__metadata__\":{\"k\":1}}", data, 8, "__metadata__");
    expect_error("{\"__metadata__\":[]}", data, 8, "__metadata__");
    expect_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}",
                 data, 8, NULL);

    /* Header length past the file, and over the format's limit. */
    tl_err err;
    tl_safetensors *st;
    unsigned char short_file[12] = {100, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' '};
    assert_int_equal(tl_safetensors_parse(short_file, sizeof short_file, &st, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "truncated"));
    unsigned char huge[16] = {0, 0, 0, 0, 0, 0, 0, 0x7f};
    assert_int_equal(tl_safetensors_parse(huge, sizeof huge, &st, &err), TL_EINPUT);
    assert_int_equal(tl_safetensors_parse(huge, 5, &st, &err), TL_EINPUT);
}

/* Every prefix of a valid file must be refused cleanly. */
static void test_every_truncation(void **state)
{
    (void)state;
    float data[4] = {1, 2, 3, 4};
    const char *hdr = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                      "\"b\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[8,16]}}";
    size_t len;
    unsigned char *p = image(hdr, data, sizeof data, &len);
    tl_err err;
    tl_safetensors *st;
    for (size_t cut = 0; cut < len; cut++) {
        /* A copy of exactly `cut` bytes, so ASan sees any read past it. */
        unsigned char *q = malloc(cut ? cut : 1);
        assert_non_null(q);
        memcpy(q, p, cut);
        int rc = tl_safetensors_parse(q, cut, &st, &err);
        free(q);
        if (rc == 0)
            fail_msg("a file cut to %zu of %zu bytes was accepted", cut, len);
    }
    assert_int_equal(tl_safetensors_parse(p, len, &st, &err), 0);
    tl_safetensors_close(st);
    free(p);
}

static void test_conversions(void **state)
{
    (void)state;
    /* F16: 1, -2, 65504, smallest subnormal, inf, 0.5; BF16: 1, -3.5. */
    uint16_t h[6] = {0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3800};
    uint16_t bf[2] = {0x3f80, 0xc060};
    double d[1] = {0.25};
    unsigned char data[6 * 2 + 2 * 2 + 8];
    memcpy(data, h, sizeof h);
    memcpy(data + 12, bf, sizeof bf);
    memcpy(data + 16, d, sizeof d);
    const char *hdr = "{\"h\":{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[0,12]},"
                      "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[12,16]},"
                      "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}";
    size_t len;
    unsigned char *p = image(hdr, data, sizeof data, &len);
    tl_safetensors *st;
    tl_err err;
    assert_int_equal(tl_safetensors_parse(p, len, &st, &err), 0);
    float out[6];
    assert_int_equal(tl_safetensors_read_f32(tl_safetensors_find(st, "h"), 0, 6, out, &err), 0);
    assert_true(out[0] == 1.0f && out[1] == -2.0f && out[2] == 65504.0f);
    assert_true(out[3] == ldexpf(1.0f, -24));
    assert_true(isinf(out[4]) && out[5] == 0.5f);
    assert_int_equal(tl_safetensors_read_f32(tl_safetensors_find(st, "b"), 0, 2, out, &err), 0);
    assert_true(out[0] == 1.0f && out[1] == -3.5f);
    assert_int_equal(tl_safetensors_read_f32(tl_safetensors_find(st, "d"), 0, 1, out, &err), 0);
    assert_true(out[0] == 0.25f);
    tl_safetensors_close(st);
    free(p);
}

static void test_write_and_open(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char *path = tu_join(dir, "t.safetensors");
    float v[3] = {1, 2, 3};
    tl_st_tensor t = {.name = "x", .dtype = TL_ST_F32, .ndim = 1, .shape = {3}, .data = (void *)v,
                      .nbytes = sizeof v};
    tl_err err;
    assert_int_equal(tl_safetensors_write(path, &t, 1, &err), 0);
    tl_safetensors *st;
    assert_int_equal(tl_safetensors_open(path, &st, &err), 0);
    const tl_st_tensor *x = tl_safetensors_find(st, "x");
    assert_non_null(x);
    float out[3];
    assert_int_equal(tl_safetensors_read_f32(x, 0, 3, out, &err), 0);
    assert_true(out[2] == 3.0f);
    tl_safetensors_close(st);
    assert_int_equal(tl_safetensors_open("/nonexistent/x.safetensors", &st, &err), TL_ENOTFOUND);
    assert_int_equal(tl_safetensors_open(dir, &st, &err), TL_EINPUT);
    tu_rmtree(dir);
    free(path);
    free(dir);
}

/* --- the model loader ---------------------------------------------------- */

static const tl_bert_config tiny = {.vocab = 200, .hidden = 16, .layers = 2, .heads = 2,
                                    .intermediate = 24, .max_positions = 40, .type_vocab = 2,
                                    .max_seq = 32, .pool_mean = true, .normalize = true};

static char *make_model(int dtype, const char *prefix)
{
    char *dir = tu_mkdtemp();
    tl_err err;
    if (tl_bert_write_random(dir, &tiny, dtype, prefix, 7, &err) != 0)
        fail_msg("write model: %s", err.msg);
    return dir;
}

static void expect_load_error(const char *dir, const char *needle)
{
    tl_bert *m = NULL;
    tl_err err;
    tl_err_clear(&err);
    tl_bert_options opt = {.threads = 1};
    int rc = tl_bert_load(dir, &opt, &m, &err);
    if (rc == 0) {
        tl_bert_free(m);
        fail_msg("model loaded; expected an error naming \"%s\"", needle);
    }
    if (!strstr(err.msg, needle))
        fail_msg("error \"%s\" does not name \"%s\"", err.msg, needle);
}

/* Rewrites model.safetensors without `drop` and with `reshape` given a
 * different first dimension. */
static void rewrite_weights(const char *dir, const char *drop, const char *reshape)
{
    char *path = tu_join(dir, "model.safetensors");
    tl_safetensors *st;
    tl_err err;
    assert_int_equal(tl_safetensors_open(path, &st, &err), 0);
    size_t n = tl_safetensors_count(st), k = 0;
    tl_st_tensor *t = calloc(n, sizeof *t);
    unsigned char **bufs = calloc(n, sizeof *bufs);
    assert_non_null(t);
    assert_non_null(bufs);
    for (size_t i = 0; i < n; i++) {
        const tl_st_tensor *s = tl_safetensors_at(st, i);
        if (drop && strcmp(s->name, drop) == 0)
            continue;
        t[k] = *s;
        t[k].name = strdup(s->name);
        bufs[k] = malloc(s->nbytes + 8);
        memcpy(bufs[k], s->data, s->nbytes);
        if (reshape && strcmp(s->name, reshape) == 0) {
            t[k].shape[0] -= 1;
            t[k].nbytes = s->nbytes / s->shape[0] * t[k].shape[0];
        }
        t[k].data = bufs[k];
        k++;
    }
    tl_safetensors_close(st);
    assert_int_equal(tl_safetensors_write(path, t, k, &err), 0);
    for (size_t i = 0; i < k; i++) {
        free((char *)t[i].name);
        free(bufs[i]);
    }
    free(t);
    free(bufs);
    free(path);
}

static void test_loader_errors(void **state)
{
    (void)state;
    char *dir = make_model(TL_ST_F32, "");
    rewrite_weights(dir, "encoder.layer.1.output.dense.weight", NULL);
    expect_load_error(dir, "encoder.layer.1.output.dense.weight");
    tu_rmtree(dir);
    free(dir);

    dir = make_model(TL_ST_F16, "bert.");
    rewrite_weights(dir, NULL, "bert.encoder.layer.0.intermediate.dense.weight");
    expect_load_error(dir, "bert.encoder.layer.0.intermediate.dense.weight");
    expect_load_error(dir, "[23, 16]");
    tu_rmtree(dir);
    free(dir);

    /* config.json disagreeing with the weights. */
    dir = make_model(TL_ST_F32, "");
    char *cfg = tu_join(dir, "config.json");
    char *text = tu_read_file(cfg, NULL);
    char *p = strstr(text, "\"intermediate_size\": 24");
    assert_non_null(p);
    memcpy(p, "\"intermediate_size\": 25", 23);
    tu_write_file(cfg, text);
    expect_load_error(dir, "encoder.layer.0.intermediate.dense.weight");
    tu_write_file(cfg, "{\"hidden_size\": 16,");
    expect_load_error(dir, "config.json");
    tu_write_file(cfg, "{\"model_type\": \"roberta\", \"hidden_size\": 16}");
    expect_load_error(dir, "roberta");
    tu_write_file(cfg, "{\"hidden_size\": 16, \"num_hidden_layers\": 2}");
    expect_load_error(dir, "vocab_size");
    free(text);
    free(cfg);
    tu_rmtree(dir);
    free(dir);

    /* Every cut of the weights file is an error, never a crash. */
    dir = make_model(TL_ST_BF16, "");
    char *w = tu_join(dir, "model.safetensors");
    struct stat sb;
    assert_int_equal(stat(w, &sb), 0);
    size_t cuts[] = {0, 4, 8, 20, 200, (size_t)sb.st_size / 2, (size_t)sb.st_size - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        assert_int_equal(truncate(w, (off_t)cuts[i]), 0);
        expect_load_error(dir, "model.safetensors");
    }
    free(w);
    tu_rmtree(dir);
    free(dir);

    /* Missing folder, missing weights, unsupported module, no pooling. */
    expect_load_error("/nonexistent-model-dir", "config.json");
    dir = make_model(TL_ST_F32, "");
    char *mods = tu_join(dir, "modules.json");
    tu_write_file(mods, "[{\"type\": \"sentence_transformers.models.Dense\", \"path\": \"2\"}]");
    expect_load_error(dir, "Dense");
    tu_write_file(mods, "{}");
    expect_load_error(dir, "modules.json");
    tu_write_file(mods, "[]");
    char *pool = tu_join(dir, "1_Pooling/config.json");
    tu_write_file(pool, "{\"pooling_mode_mean_tokens\": false}");
    expect_load_error(dir, "pooling");
    tu_write_file(pool, "{\"pooling_mode_cls_token\": true}");
    free(pool);
    free(mods);
    char *st = tu_join(dir, "model.safetensors");
    assert_int_equal(remove(st), 0);
    expect_load_error(dir, "model.safetensors");
    free(st);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_scalar_and_empty),
        cmocka_unit_test(test_corrupt_headers),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_write_and_open),
        cmocka_unit_test(test_loader_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
