/* strset.h — a set of strings (open addressing), used to check IDs during
 * imports without asking the store for every row. */
#ifndef TL_BASE_STRSET_H
#define TL_BASE_STRSET_H

#include <stdbool.h>
#include <stddef.h>

typedef struct tl_strset {
    char **slots;     /* owned copies; NULL = empty */
    size_t cap;       /* power of two */
    size_t len;
} tl_strset;

void tl_strset_init(tl_strset *s);
void tl_strset_free(tl_strset *s);   /* accepts NULL */

/* Adds a copy of key. Returns 1 if added, 0 if already present, TL_ENOMEM. */
int tl_strset_add(tl_strset *s, const char *key);
bool tl_strset_has(const tl_strset *s, const char *key);

#endif
