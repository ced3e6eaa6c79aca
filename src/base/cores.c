/* cores.c — see cores.h. */
#include "base/cores.h"

#include <unistd.h>

unsigned tl_online_cores(unsigned lo, unsigned hi)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < (long)lo)
        return lo;
    return n > (long)hi ? hi : (unsigned)n;
}
