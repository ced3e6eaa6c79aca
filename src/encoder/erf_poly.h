/* erf_poly.h — the coefficients of Abramowitz & Stegun 7.1.28,
 *   erf(z) = 1 - 1 / (1 + a1 z + a2 z^2 + ... + a6 z^6)^16  for z >= 0,
 * |error| <= 3e-7, with which every vector GELU of the encoder computes
 * erf (kern_avx512_vec.h, kern_avx2_vec.h): one table, so the kernels agree.
 * Private to src/encoder/. */
#ifndef TL_ENCODER_ERF_POLY_H
#define TL_ENCODER_ERF_POLY_H

#define TL_ERF_A1 0.0705230784f
#define TL_ERF_A2 0.0422820123f
#define TL_ERF_A3 0.0092705272f
#define TL_ERF_A4 0.0001520143f
#define TL_ERF_A5 0.0002765672f
#define TL_ERF_A6 0.0000430638f

#endif
