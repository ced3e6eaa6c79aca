/* cores.h — how many threads to start by default. */
#ifndef TL_BASE_CORES_H
#define TL_BASE_CORES_H

/* The number of online CPU cores, clamped to [lo, hi] (lo when it cannot
 * be known). */
unsigned tl_online_cores(unsigned lo, unsigned hi);

#endif
