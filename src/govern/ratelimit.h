/* ratelimit.h — token buckets per caller (an API token's fingerprint, or a
 * client address when the caller has no token).
 *
 * Each key refills at `rate` requests per second up to a burst of 2×rate
 * (at least 1).
 * Keys live in a fixed table (sets of 8, least recently used evicted), so
 * memory is bounded however many callers there are; an evicted key comes
 * back with a full bucket, which only ever errs on the generous side.
 * Thread-safe (one mutex; the critical section is a few loads and stores). */
#ifndef TL_GOVERN_RATELIMIT_H
#define TL_GOVERN_RATELIMIT_H

#include <stddef.h>

#include "base/err.h"

typedef struct tl_ratelimit tl_ratelimit;

/* rate > 0 requests per second; `keys` is a capacity hint (rounded up to
 * a multiple of 8, at least 64). Free with tl_ratelimit_free. */
int tl_ratelimit_new(double rate, size_t keys, tl_ratelimit **out, tl_err *err);

/* Accepts NULL. */
void tl_ratelimit_free(tl_ratelimit *rl);

/* Takes one request from key's bucket at time `now` (seconds, monotonic).
 * Returns 0 when allowed; otherwise the whole seconds to wait (>= 1) for
 * the next request to be allowed, for Retry-After. */
int tl_ratelimit_take(tl_ratelimit *rl, const char *key, double now);

#endif
