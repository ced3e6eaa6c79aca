/* str.h — bounded string helpers and strict number parsing (the banned
 * strcpy/strcat/atoi are replaced by these). */
#ifndef TL_BASE_STR_H
#define TL_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies at most size-1 bytes of src into dst and NUL-terminates (size > 0).
 * Returns strlen(src), so truncation shows as a result >= size. */
size_t tl_strlcpy(char *dst, const char *src, size_t size);

/* Parses a whole decimal integer (optional sign, surrounding blanks allowed).
 * Returns false on anything else or overflow; *out is unchanged then. */
bool tl_parse_i64(const char *s, int64_t *out);

/* Parses a whole finite decimal number. Also accepts money-style text when
 * `lenient` is true: a leading currency sign ($ € £ ₹) and thousands
 * separators ("$1,250.50"). Returns false otherwise. */
bool tl_parse_double(const char *s, bool lenient, double *out);

/* Returns a malloc'd copy of s[0..n) with a NUL, or NULL. Caller frees. */
char *tl_strndup(const char *s, size_t n);

/* True when s equals t ignoring ASCII case. */
bool tl_strcaseeq(const char *s, const char *t);

/* Reads true/false, yes/no or 1/0 (ASCII case ignored) into *out; false
 * when `s` (may be NULL) is none of them. */
bool tl_parse_bool(const char *s, bool *out);

/* A copy of s with ASCII letters in lower case (other bytes as they are),
 * so strstr on two such copies finds what strcasestr finds, several times
 * faster; NULL when out of memory. The caller frees it. */
char *tl_ascii_lower_dup(const char *s);

/* The first occurrence of needle[0..needle_len) in hay[0..hay_len), or
 * NULL; hay itself for an empty needle (strstr's answers). For the short
 * texts and needles of the ranking path (posts, product names, keywords):
 * glibc's strstr prepares every needle for a long haystack first, which
 * cost more there than the search. */
const char *tl_str_find(const char *hay, size_t hay_len, const char *needle, size_t needle_len);

/* Trims ASCII blanks at both ends in place; returns s. */
char *tl_strtrim(char *s);

/* FNV-1a over n bytes: a quick hash for tables and file names, not for
 * anything an adversary chooses. */
uint64_t tl_fnv1a(const void *p, size_t n);

/* Length of the well-formed UTF-8 sequence at s (at most n bytes, n >= 1):
 * 1 to 4, or 0 for a bad byte, an overlong form, a surrogate or a code
 * point past U+10FFFF. */
size_t tl_utf8_valid_len(const unsigned char *s, size_t n);

#endif
