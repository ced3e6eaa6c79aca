/* names.h — the word lists the synthetic bank draws from: people's names,
 * cities, employers, merchants, travel destinations.
 *
 * All lists are static, read-only and written for this project; nothing is
 * allocated and nothing needs freeing. */
#ifndef TL_SYNTH_NAMES_H
#define TL_SYNTH_NAMES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct tl_strlist {
    const char *const *items;
    uint32_t n;
} tl_strlist;

enum tl_names_kind {
    TL_NAMES_FEMALE,       /* first names */
    TL_NAMES_MALE,
    TL_NAMES_UNISEX,
    TL_NAMES_LAST,
    TL_NAMES_EMPLOYER,     /* fictional companies, for salary credits and posts */
    TL_NAMES_DESTINATION,  /* travel destinations as written in a sentence */
    TL_NAMES_PLATFORM,     /* social networks */
    TL_NAMES__N
};

tl_strlist tl_names_list(enum tl_names_kind kind);

typedef struct tl_city {
    const char *name;
    const char *country;
    const char *phone_prefix; /* e.g. "+1-212-555-01": the fictional 555-01xx range */
    float weight;             /* relative share of customers */
    bool resident;            /* the bank's home country */
} tl_city;

/* The cities customers live in; `*n` receives the count. */
const tl_city *tl_names_cities(uint32_t *n);

/* Merchants for a spending category (enum tl_cat in model.h). Never empty. */
tl_strlist tl_names_merchants(int category);

#endif
