/* consent.h — what each customer allows: personalisation, use of social
 * data, use of an LLM. Customers without a record get the defaults
 * (personalisation and social data granted, LLM not: opt-in). */
#ifndef TL_STORE_CONSENT_H
#define TL_STORE_CONSENT_H

#include "store/store.h"

typedef struct tl_consent {
    int personalisation;   /* 1 granted, 0 withdrawn */
    int social_data;
    int llm;
    int recorded;          /* 0: defaults, no record stored */
} tl_consent;

/* Reads the customer's consent, or the defaults when none is recorded. */
int tl_store_consent_get(tl_store *st, const char *customer_id, tl_consent *out, tl_err *err);

/* Stores the customer's consent (all three fields). */
int tl_store_consent_put(tl_store *st, const char *customer_id, const tl_consent *c,
                         tl_err *err);

#endif
