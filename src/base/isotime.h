/* isotime.h — times as the store keeps them: ISO-8601 UTC to the second,
 * "YYYY-MM-DDTHH:MM:SSZ", which sort as text in time order (the events'
 * `at`, a rollout's window). */
#ifndef TL_BASE_ISOTIME_H
#define TL_BASE_ISOTIME_H

#include <stdbool.h>
#include <time.h>

#define TL_ISOTIME_LEN 20   /* characters, without the NUL */

/* Reads a date or time and writes it in the store's form into out (21
 * bytes). Accepted: "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM",
 * "…:SS" and "…:SS.fff" (fractions are dropped), a space for the "T", and
 * an optional zone "Z", "±HH:MM", "±HHMM" or "±HH" (converted to UTC; none
 * means UTC). Years 1000–9999. False, with out empty, for anything else,
 * including an impossible date such as 2023-02-29 or a 25th hour. */
bool tl_isotime_normalise(const char *in, char out[TL_ISOTIME_LEN + 1]);

/* Reads what tl_isotime_normalise accepts into seconds since the epoch. */
bool tl_isotime_parse(const char *in, time_t *out);

/* Writes t in the store's form into out (21 bytes); false, with out empty,
 * outside years 1000–9999. */
bool tl_isotime_format(time_t t, char out[TL_ISOTIME_LEN + 1]);

#endif
