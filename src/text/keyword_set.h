/* keyword_set.h — which of many short keywords occur at a word start in a
 * text, counted per group (a need's keywords, say).
 *
 * A keyword occurs at a word start when it appears at the text's first
 * byte or after a byte that is not an ASCII letter or digit; it counts
 * once however often it occurs. Matching is bytewise: lower-case the text
 * and write the keywords in lower case to ignore case. Keywords are
 * indexed by their first byte, so a text is read once for all of them
 * instead of once per keyword. */
#ifndef TL_TEXT_KEYWORD_SET_H
#define TL_TEXT_KEYWORD_SET_H

#include <stddef.h>

typedef struct tl_keyword_set tl_keyword_set;

#define TL_KEYWORD_SET_MAX 4096   /* keywords in one set */

/* Builds the set from n_groups comma-separated lists ("trip,flight,hotel");
 * empty items are skipped. The lists are borrowed: they must outlive the
 * set. Returns NULL when out of memory or past TL_KEYWORD_SET_MAX
 * keywords. Free with tl_keyword_set_free. */
tl_keyword_set *tl_keyword_set_build(const char *const *lists, size_t n_groups);
void tl_keyword_set_free(tl_keyword_set *ks);   /* accepts NULL */

/* hits[g] (n_groups of them, zeroed first) = how many of group g's
 * keywords occur at a word start in text[0..len). */
void tl_keyword_set_count(const tl_keyword_set *ks, const char *text, size_t len, int *hits);

#endif
