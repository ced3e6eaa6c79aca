/* contact_policy.h — how often a customer may be offered products: the
 * bank's contact policy, applied inside the engine to every recommendation.
 *
 * Four rules, each switched off by 0:
 *   - dismissal: a product the customer dismissed stays hidden for
 *     `dismissal_days`;
 *   - fatigue: a product shown `fatigue_showings` times in `fatigue_days`
 *     with no click or acceptance after those showings is rested;
 *   - complaint: after a `complained` event no product is offered for
 *     `complaint_days`;
 *   - caps: at most `offers` offers shown on a channel in `days`; a request
 *     that names the channel gets nothing more until the oldest of those
 *     showings leaves the window.
 * Showings on a staff channel (the dashboard, by default) are what the
 * bank's staff saw, not contacts with the customer: they count towards
 * neither fatigue nor any cap.
 *
 * The policy is one JSON document in the store (docs/contact-policy.md),
 * changed through govern/policy_change.h so that every change is audited. */
#ifndef TL_RECOMMEND_CONTACT_POLICY_H
#define TL_RECOMMEND_CONTACT_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/err.h"
#include "base/isotime.h"
#include "store/store.h"

#define TL_CONTACT_MAX_CAPS 16
#define TL_CONTACT_CHANNEL_MAX 33   /* bytes, with the NUL */
#define TL_CONTACT_MAX_DAYS 3650
#define TL_CONTACT_MAX_COUNT 1000
#define TL_CONTACT_MAX_STAFF 8

typedef struct tl_contact_cap {
    char channel[TL_CONTACT_CHANNEL_MAX];   /* "*" counts and limits every channel */
    int offers;                             /* at most this many showings … */
    int days;                               /* … in this many days */
} tl_contact_cap;

typedef struct tl_contact_policy {
    int dismissal_days;
    int fatigue_showings, fatigue_days;
    int complaint_days;
    size_t n_caps;
    tl_contact_cap caps[TL_CONTACT_MAX_CAPS];
    size_t n_staff;   /* channels where staff, not the customer, see offers */
    char staff[TL_CONTACT_MAX_STAFF][TL_CONTACT_CHANNEL_MAX];
} tl_contact_policy;

/* Dismissals hide a product for 180 days and a complaint stops offers for
 * 90; no fatigue rule and no caps; "dashboard" is a staff channel. */
void tl_contact_policy_default(tl_contact_policy *p);

/* Reads a policy document {"dismissal_days", "fatigue": {"showings",
 * "days"} | null, "complaint_days", "caps": [{"channel", "offers",
 * "days"}], "staff_channels": [names]}. A field left out keeps the value p
 * already holds, so callers start from the default or the current policy.
 * TL_EINPUT naming the field and value for anything else: unknown fields,
 * non-integers, out of range, a bad or repeated channel, a cap on a staff
 * channel. */
int tl_contact_policy_from_json(const json_t *doc, tl_contact_policy *p, tl_err *err);

/* The document above, complete. New reference. */
json_t *tl_contact_policy_to_json(const tl_contact_policy *p);

/* True when `s` is a usable channel name: 1..32 characters of letters,
 * digits, '-', '_' and '.'. ("*" is only a cap's wildcard, not a channel.) */
bool tl_contact_channel_valid(const char *s);
#define TL_CONTACT_CHANNEL_RULE "1 to 32 letters, digits, '-', '_' or '.'"

/* A customer's opt-out names a channel or "*": every channel (an
 * objection to direct marketing as a whole). */
#define TL_CONTACT_EVERY_CHANNEL "*"   /* store/optouts.c looks for this row too */
bool tl_contact_optout_name_valid(const char *s);
#define TL_CONTACT_OPTOUT_RULE "a channel (" TL_CONTACT_CHANNEL_RULE ") or * for every channel"

/* Whether `channel` (NULL: none) is one of the policy's staff channels. */
bool tl_contact_staff_channel(const tl_contact_policy *p, const char *channel);

/* The staff channels as a JSON array of names, for the store's queries;
 * NULL when there are none (or p is NULL) or out of memory (tell them
 * apart by p->n_staff). New string, freed by the caller. */
char *tl_contact_staff_json(const tl_contact_policy *p);

/* The command line's forms of a rule: a rate "N/D" (fatigue: N showings
 * in D days) and a cap "CHANNEL=N/D", whose channel is the text before
 * the last '=' (its first *channel_len bytes), checked later with the rest
 * of the document, as are the ranges of N and D (blanks around a number
 * and a sign are read as tl_parse_i64 reads them). False for anything
 * else: a missing part, a second '/', a number out of 64 bits. */
bool tl_contact_rate_parse(const char *s, long long *n, long long *d);
bool tl_contact_cap_parse(const char *s, size_t *channel_len, long long *n, long long *d);

/* Reads a stored policy document (the default with the document's fields
 * laid over it); TL_EINPUT saying what is wrong with it. */
int tl_contact_policy_parse(const char *text, tl_contact_policy *out, tl_err *err);

/* The policy in force: the store's, or the default when none was set.
 * TL_EDB when the stored document is unreadable. */
int tl_contact_policy_load(tl_store *st, tl_contact_policy *out, tl_err *err);

/* The same for readers that must not stop on an unreadable stored policy
 * (feedback, reports): its default then applies. */
void tl_contact_policy_load_or_default(tl_store *st, tl_contact_policy *out);

/* Key of the policy document in the store's settings. */
#define TL_CONTACT_POLICY_KEY "contact_policy"

/* ---- applying it to one customer ------------------------------------------ */

/* The rules' codes, named once for the answers, the audit and /metrics:
 * the first two hold back one product, the others the whole customer. */
typedef enum tl_contact_code {
    TL_CONTACT_DISMISSED,   /* "dismissed" */
    TL_CONTACT_FATIGUE,     /* "fatigue" */
    TL_CONTACT_COMPLAINT,   /* "complaint" */
    TL_CONTACT_CAP,         /* "contact_cap" */
    TL_CONTACT_OPTED_OUT,   /* "opted_out": the customer's own opt-out of the channel */
    TL_CONTACT_NCODES
} tl_contact_code;
#define TL_CONTACT_FIRST_CUSTOMER_CODE TL_CONTACT_COMPLAINT
extern const char *const tl_contact_codes[TL_CONTACT_NCODES];

/* The code's index in tl_contact_codes, or -1 when it is none of them. */
int tl_contact_code_find(const char *code);

typedef struct tl_contact_block {
    const char *code;                  /* one of tl_contact_codes (static) */
    char reason[200];
    char until[TL_ISOTIME_LEN + 1];    /* when the rule stops holding, "" when unknown */
} tl_contact_block;

typedef struct tl_contact_product tl_contact_product;

/* The customer's recent events folded by the policy. Feed it events newest
 * first (tl_contact_feed), then ask. Owned by the caller; tl_contact_free
 * releases it. */
typedef struct tl_contact {
    const tl_contact_policy *policy;   /* borrowed */
    char last[TL_ISOTIME_LEN + 1];     /* the previous event's time, to check the order */
    /* Where each window starts ("" for a rule that is off). */
    char since_dismissal[TL_ISOTIME_LEN + 1], since_fatigue[TL_ISOTIME_LEN + 1];
    char since_complaint[TL_ISOTIME_LEN + 1], since_cap[TL_CONTACT_MAX_CAPS][TL_ISOTIME_LEN + 1];
    char complaint_at[TL_ISOTIME_LEN + 1];      /* newest complaint in its window */
    int cap_count[TL_CONTACT_MAX_CAPS];
    char cap_at[TL_CONTACT_MAX_CAPS][TL_ISOTIME_LEN + 1];   /* the showing that fills it */
    tl_contact_product *products;      /* open hash by product id, owned */
    size_t n_products, cap_products;
    /* The request's channel when the customer opted out of it, and since
     * when; "" otherwise (tl_contact_opted_out). */
    char optout_channel[TL_CONTACT_CHANNEL_MAX], optout_since[TL_ISOTIME_LEN + 1];
} tl_contact;

/* How far back the policy looks for a request on `channel` (NULL: none),
 * in days: the longest window in use there (0 when every rule is off).
 * Events older than that change nothing. */
int tl_contact_horizon_days(const tl_contact_policy *p, const char *channel);

void tl_contact_init(tl_contact *c, const tl_contact_policy *p, const char *channel,
                     time_t now);
void tl_contact_free(tl_contact *c);

/* One event, newest first; `product_id` and `channel` may be NULL, `at` is
 * the store's time form. TL_EINPUT when events come out of order;
 * TL_ENOMEM. */
int tl_contact_feed(tl_contact *c, const char *product_id, const char *kind,
                    const char *channel, const char *at, tl_err *err);

/* Records that the customer opted out of offers on the request's
 * `channel` (store/optouts.h) at `since`: every offer is held back. */
void tl_contact_opted_out(tl_contact *c, const char *channel, const char *since);

/* Whether the customer is blocked from every offer (an opt-out of the
 * request's channel, a complaint, or a cap on the channel), and why. */
bool tl_contact_customer_blocked(const tl_contact *c, tl_contact_block *out);

/* Whether one product is blocked (dismissed or rested), and why. */
bool tl_contact_product_blocked(const tl_contact *c, const char *product_id,
                                tl_contact_block *out);

#endif
