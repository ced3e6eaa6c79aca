/* keyword_set.c — keywords at word starts, counted per group (see
 * keyword_set.h). */
#include "text/keyword_set.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyword {
    const char *text;   /* borrowed from the caller's list, not NUL-terminated here */
    size_t len;
    size_t group;
} keyword;

struct tl_keyword_set {
    size_t n_groups, n;
    keyword *words;          /* n, ordered by first byte */
    size_t first[257];       /* words[first[c] .. first[c+1]) begin with byte c */
};

/* Writes every non-empty item of the lists to out (when not NULL);
 * returns how many there are. */
static size_t each_item(const char *const *lists, size_t n_groups, keyword *out)
{
    size_t n = 0;
    for (size_t g = 0; g < n_groups; g++) {
        const char *k = lists[g];
        while (k && *k) {
            const char *end = strchr(k, ',');
            size_t len = end ? (size_t)(end - k) : strlen(k);
            if (len) {
                if (out)
                    out[n] = (keyword){k, len, g};
                n++;
            }
            k += len;
            if (*k == ',')
                k++;
        }
    }
    return n;
}

tl_keyword_set *tl_keyword_set_build(const char *const *lists, size_t n_groups)
{
    tl_keyword_set *ks = calloc(1, sizeof *ks);
    size_t n = each_item(lists, n_groups, NULL);
    if (n > TL_KEYWORD_SET_MAX) {
        free(ks);
        return NULL;
    }
    keyword *all = malloc((n ? n : 1) * sizeof *all);
    if (ks)
        ks->words = malloc((n ? n : 1) * sizeof *ks->words);
    if (!ks || !all || !ks->words) {
        free(all);
        tl_keyword_set_free(ks);
        return NULL;
    }
    each_item(lists, n_groups, all);
    ks->n_groups = n_groups;
    ks->n = n;
    /* A counting sort by first byte, stable, so each bucket keeps the
     * lists' order. */
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++)
        count[(unsigned char)all[i].text[0]]++;
    ks->first[0] = 0;
    for (int c = 0; c < 256; c++)
        ks->first[c + 1] = ks->first[c] + count[c];
    size_t fill[256];
    memcpy(fill, ks->first, sizeof fill);
    for (size_t i = 0; i < n; i++)
        ks->words[fill[(unsigned char)all[i].text[0]]++] = all[i];
    free(all);
    return ks;
}

void tl_keyword_set_free(tl_keyword_set *ks)
{
    if (!ks)
        return;
    free(ks->words);
    free(ks);
}

void tl_keyword_set_count(const tl_keyword_set *ks, const char *text, size_t len, int *hits)
{
    memset(hits, 0, ks->n_groups * sizeof *hits);
    /* One bit per keyword: each counts once. */
    unsigned char seen[TL_KEYWORD_SET_MAX / 8];
    memset(seen, 0, (ks->n + 7) / 8);
    for (size_t i = 0; i < len; i++) {
        if (i && isalnum((unsigned char)text[i - 1]))
            continue;
        unsigned char c = (unsigned char)text[i];
        for (size_t j = ks->first[c]; j < ks->first[c + 1]; j++) {
            const keyword *w = &ks->words[j];
            unsigned char bit = (unsigned char)(1u << (j % 8));
            if (!(seen[j / 8] & bit) && w->len <= len - i &&
                memcmp(text + i, w->text, w->len) == 0) {
                seen[j / 8] |= bit;
                hits[w->group]++;
            }
        }
    }
}
