/* consent.h — what each customer allows: personalisation, use of social
 * data, use of an LLM. Customers without a record get the store's
 * defaults: personalisation and social data granted, LLM not (opt-in),
 * unless changed with tl_store_consent_defaults_put (kept in `meta`). */
#ifndef TL_STORE_CONSENT_H
#define TL_STORE_CONSENT_H

#include "store/store.h"

typedef struct tl_consent {
    int personalisation;   /* 1 granted, 0 withdrawn */
    int social_data;
    int llm;
    int recorded;          /* 0: defaults, no record stored */
} tl_consent;

/* The built-in defaults, used where the store sets none. */
#define TL_CONSENT_BUILTIN_DEFAULTS ((tl_consent){1, 1, 0, 0})

/* Reads the customer's consent, or the store's defaults when none is
 * recorded. The defaults are read on every call through a cached
 * statement, so a change made by any connection is seen by the next. */
int tl_store_consent_get(tl_store *st, const char *customer_id, tl_consent *out, tl_err *err);

/* Stores the customer's consent (all three fields). */
int tl_store_consent_put(tl_store *st, const char *customer_id, const tl_consent *c,
                         tl_err *err);

/* The defaults for customers without a record (out->recorded is 0). */
int tl_store_consent_defaults_get(tl_store *st, tl_consent *out, tl_err *err);

/* Stores all three defaults (meta keys consent.default.personalisation,
 * consent.default.social_data, consent.default.llm). */
int tl_store_consent_defaults_put(tl_store *st, const tl_consent *d, tl_err *err);

#endif
