/* utf8.h — strict UTF-8 decoding and encoding for the text modules.
 *
 * "Strict" means what Python's utf-8 codec (and so Hugging Face) accepts:
 * no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
 * Pure functions: no state, allocate nothing, safe from any thread. */
#ifndef TL_TEXT_UTF8_H
#define TL_TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_UTF8_REPLACEMENT 0xFFFDu

/* Decodes the character at s[0..len) (len >= 1) into *cp and returns the
 * bytes it took (1..4). An invalid or truncated sequence yields
 * U+FFFD and takes one byte only, so a valid character after the damage is
 * never swallowed (an ASCII byte is never taken as a continuation). */
size_t tl_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Writes cp (a Unicode scalar value) as 1..4 bytes into out and returns the
 * count; a surrogate or a value above U+10FFFF is written as U+FFFD. */
size_t tl_utf8_encode(uint32_t cp, char out[4]);

/* True when s[0..len) is all valid UTF-8. Otherwise false, and *bad (if not
 * NULL) is the offset of the first byte of the first bad sequence. */
bool tl_utf8_check(const char *s, size_t len, size_t *bad);

#endif
