/* optouts.h — the channels each customer asked not to receive offers on
 * (the `contact_optouts` table, migration 13): marketing preferences such
 * as "no e-mail offers". A request for offers on such a channel gets none
 * (recommend/contact_policy.h); other channels are unaffected. */
#ifndef TL_STORE_OPTOUTS_H
#define TL_STORE_OPTOUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* The customer's opt-outs, by channel name, each with the time it was
 * recorded (the store's form); the callback returns non-zero to stop. */
int tl_store_optouts_each(tl_store *st, const char *customer_id,
                          int (*cb)(void *ctx, const char *channel, const char *since),
                          void *ctx, tl_err *err);

/* Whether the customer opted out of `channel`, or of every channel (the
 * row "*"); when so, *every tells which (the channel's own row first) and
 * `since` (at least 21 bytes, may be NULL) receives when. */
int tl_store_optout_find(tl_store *st, const char *customer_id, const char *channel,
                         bool *found, bool *every, char *since, size_t since_size,
                         tl_err *err);

/* Makes the customer's opt-outs exactly the channels of `channels_json`
 * (a JSON array of names): new ones are recorded now, kept ones keep their
 * time, others are removed. Call inside a write transaction; the customer
 * must exist (TL_EDB otherwise). */
int tl_store_optouts_set(tl_store *st, const char *customer_id, const char *channels_json,
                         tl_err *err);

#endif
