/* precision.h — the arithmetic of a BERT encoder's weight products.
 *
 * float32 is the default and the reference. bf16 (weights stored as
 * bfloat16, activations rounded to bfloat16 per block, float32 sums) runs
 * only where the CPU has AVX512-BF16 and only when asked for: it changes
 * the vectors slightly (cosine >= 0.999 to float32 is required, see
 * docs/encoder.md), so it is never picked silently, and an encoder running
 * it has its own identity so cached float32 vectors are not mixed with its
 * own. */
#ifndef TL_ENCODER_PRECISION_H
#define TL_ENCODER_PRECISION_H

typedef enum tl_precision {
    TL_PRECISION_DEFAULT = 0,  /* TAILOR_ENCODER_KERNEL=bf16 asks for bf16; else float32 */
    TL_PRECISION_FP32,
    TL_PRECISION_BF16,
} tl_precision;

/* "fp32" (or "float32") and "bf16" (or "bfloat16"); returns 0, or -1 for
 * anything else (leaving *out alone). */
int tl_precision_parse(const char *s, tl_precision *out);

/* "fp32", "bf16" or "default". */
const char *tl_precision_name(tl_precision p);

#endif
