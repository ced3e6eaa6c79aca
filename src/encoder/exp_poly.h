/* exp_poly.h — the constants of the encoder's vector exp (kern_avx512.c,
 * kern_avx2_vec.h): Cody-Waite reduction x = n ln2 + r with ln2 split in
 * two (the high part exact in a few bits, so n * LN2_HI is exact), and the
 * Taylor series of e^r on |r| <= ln2 / 2 to degree 7 (error < 1e-8). One
 * table, so the kernels agree. Private to src/encoder/. */
#ifndef TL_ENCODER_EXP_POLY_H
#define TL_ENCODER_EXP_POLY_H

#define TL_EXP_LOG2E 1.44269504088896341f
#define TL_EXP_LN2_HI 0.693359375f
#define TL_EXP_LN2_LO (-2.12194440e-4f)
#define TL_EXP_MAX 88.3762626647949f   /* the largest argument whose e^x is finite */

/* Coefficients of r^7 down to r^0: 1/7!, 1/6!, ..., 1/1!, 1. */
#define TL_EXP_C7 (1.0f / 5040)
#define TL_EXP_C6 (1.0f / 720)
#define TL_EXP_C5 (1.0f / 120)
#define TL_EXP_C4 (1.0f / 24)
#define TL_EXP_C3 (1.0f / 6)
#define TL_EXP_C2 0.5f
#define TL_EXP_C1 1.0f
#define TL_EXP_C0 1.0f

#endif
