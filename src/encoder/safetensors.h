/* safetensors.h — reader for Hugging Face's safetensors files.
 *
 * Format: 8 bytes little-endian header length N, N bytes of JSON
 * {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 *  "__metadata__": {"k": "v"}}, then the tensor bytes; offsets are relative
 * to the end of the header. Every offset, shape and size is checked against
 * the file before a tensor is handed out, so a truncated or corrupt file is
 * an error naming the tensor, never an out-of-bounds read.
 *
 * The tensor bytes are used in place (memory-mapped or the caller's buffer)
 * and need not be aligned: read them with memcpy or tl_safetensors_read_f32. */
#ifndef TL_ENCODER_SAFETENSORS_H
#define TL_ENCODER_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

enum tl_st_dtype {
    TL_ST_BOOL, TL_ST_U8, TL_ST_I8, TL_ST_F8_E4M3, TL_ST_F8_E5M2,
    TL_ST_I16, TL_ST_U16, TL_ST_F16, TL_ST_BF16,
    TL_ST_I32, TL_ST_U32, TL_ST_F32,
    TL_ST_I64, TL_ST_U64, TL_ST_F64,
};

#define TL_ST_MAX_DIMS 8
#define TL_ST_MAX_HEADER (100u << 20)   /* the format's own limit: 100 MB */

typedef struct tl_st_tensor {
    const char *name;          /* owned by the file handle */
    enum tl_st_dtype dtype;
    size_t ndim;
    uint64_t shape[TL_ST_MAX_DIMS];
    uint64_t nelem;            /* product of shape (1 for a scalar) */
    const unsigned char *data; /* nelem * element size bytes, unaligned */
    size_t nbytes;
} tl_st_tensor;

typedef struct tl_safetensors tl_safetensors;

/* Memory-maps `path` read-only and parses its header. On success *out owns
 * the mapping; close it with tl_safetensors_close. */
int tl_safetensors_open(const char *path, tl_safetensors **out, tl_err *err);

/* Parses a file image already in memory (fuzzing, tests). `buf` is borrowed
 * and must outlive *out. */
int tl_safetensors_parse(const void *buf, size_t len, tl_safetensors **out, tl_err *err);

/* Number of tensors, and the i-th in file order (sorted by offset). */
size_t tl_safetensors_count(const tl_safetensors *st);
const tl_st_tensor *tl_safetensors_at(const tl_safetensors *st, size_t i);

/* The tensor named `name`, or NULL. */
const tl_st_tensor *tl_safetensors_find(const tl_safetensors *st, const char *name);

/* Value of a string in "__metadata__", or NULL. Owned by the handle. */
const char *tl_safetensors_meta(const tl_safetensors *st, const char *key);

/* Bytes per element of a dtype; its name ("F32"); parse a name (-1 if
 * unknown). */
size_t tl_st_dtype_size(enum tl_st_dtype dt);
const char *tl_st_dtype_name(enum tl_st_dtype dt);
int tl_st_dtype_parse(const char *name);

/* Converts elements [first, first + n) of a F32, F16, BF16 or F64 tensor to
 * float32 in out[0..n). Returns 0, or TL_EINPUT for another dtype or a
 * range past the tensor (err names the tensor). */
int tl_safetensors_read_f32(const tl_st_tensor *t, size_t first, size_t n, float *out,
                            tl_err *err);

void tl_safetensors_close(tl_safetensors *st);   /* accepts NULL */

/* Writes tensors t[0..n) (name, dtype, ndim, shape, data, nbytes; nbytes
 * must match the shape) to `path` in file order, with "__metadata__"
 * {"format": "pt"}. For tests, benchmarks and tools. */
int tl_safetensors_write(const char *path, const tl_st_tensor *t, size_t n, tl_err *err);

#endif
