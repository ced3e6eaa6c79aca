/* vec.h — small dense float-vector helpers for the hot paths outside the
 * encoder (similarities of posts, needs and products per request). */
#ifndef TL_BASE_VEC_H
#define TL_BASE_VEC_H

#include <stddef.h>

/* Dot product of a[0..n) and b[0..n). Sums in 16 interleaved partial sums
 * (then pairwise), not left to right: the compiler turns that into vector
 * code with independent chains, where one running sum waits on the
 * previous addition at every element. The result may differ from a
 * left-to-right sum in the last bits. */
float tl_vec_dot(const float *a, const float *b, size_t n);

#endif
