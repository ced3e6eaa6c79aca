/* memhint.h — hints to the kernel about large, short-lived buffers. */
#ifndef TL_BASE_MEMHINT_H
#define TL_BASE_MEMHINT_H

#include <stddef.h>

/* Asks for transparent huge pages on the 2 MiB-aligned part of [p, p+n):
 * a buffer of tens or hundreds of megabytes that an import fills once
 * then faults in 2 MiB at a time rather than 4 KiB (each fault costs
 * microseconds, more on a virtual machine). Best called before the
 * memory is first written; pages already there stay as they are. Does
 * nothing where the kernel does not offer it. */
void tl_mem_hint_huge(void *p, size_t n);

#endif
