/* sentiment.h — sentiment of customers' posts, product reviews and financial
 * news: a score in -1..1, a label, the positive and negative evidence, and
 * the banking themes ("aspects") the text praises or complains about.
 *
 * A lexicon-and-rules scorer (see docs/sentiment.md): words carry a valence,
 * "direction" words (rose, cut, higher) are composed with "target" nouns
 * (profit, fees, losses) so that "costs fell" is good and "fees went up" is
 * bad; negation ("not happy", "never had a problem"), intensifiers and
 * diminishers ("very", "slightly"), contrast ("good rate but slow
 * processing": the clause after but/however/although weighs more), capitals,
 * exclamation marks, emoji and emoticons are handled.
 *
 * Pure functions: no allocation, no I/O, thread-safe. The lexicon is compiled
 * into the binary (src/text/lexicon_sentiment.c) and indexed once, on first
 * use, under pthread_once. */
#ifndef TL_TEXT_SENTIMENT_H
#define TL_TEXT_SENTIMENT_H

#include <stddef.h>

/* Themes a review or post can talk about. Bit `1u << a` in the masks below. */
typedef enum tl_aspect {
    TL_ASPECT_FEES = 0,     /* fees, charges, commission, penalties, FX mark-up */
    TL_ASPECT_REWARDS,      /* cashback, points, miles, perks, bonuses */
    TL_ASPECT_RATE,         /* interest rates, APR, yields on savings */
    TL_ASPECT_SERVICE,      /* branch and general service, staff, experience */
    TL_ASPECT_SUPPORT,      /* customer support: calls, chat, help desk, complaints */
    TL_ASPECT_APP,          /* mobile app, website, online banking, login */
    TL_ASPECT_SPEED,        /* approval / processing / transfer speed, waits, delays */
    TL_ASPECT_APPROVAL,     /* applications approved or declined, eligibility */
    TL_ASPECT_ACCEPTANCE,   /* the card accepted (or declined) at merchants, abroad */
    TL_ASPECT_LIMITS,       /* credit limits, withdrawal and transfer limits */
    TL_ASPECT_SECURITY,     /* fraud, scams, security, blocked cards, disputes */
    TL_ASPECT_COUNT
} tl_aspect;

#define TL_ASPECT_BIT(a) (1u << (unsigned)(a))

typedef struct tl_sentiment {
    double score;           /* -1 (very negative) .. 1 (very positive); 0 = no evidence */
    int polarity;           /* -1, 0 or +1: the label as a number */
    const char *label;      /* "negative", "neutral" or "positive"; static, never freed */
    double positive;        /* positive evidence mass (>= 0, unbounded) */
    double negative;        /* negative evidence mass (>= 0, unbounded) */
    unsigned aspects_seen;  /* TL_ASPECT_BIT of every theme mentioned */
    unsigned aspects_pos;   /* themes with net positive evidence */
    unsigned aspects_neg;   /* themes with net negative evidence */
    float aspect_score[TL_ASPECT_COUNT]; /* net per theme, -1..1; 0 when unmentioned */
    unsigned n_words;       /* words read */
    unsigned n_hits;        /* words and symbols that carried sentiment */
} tl_sentiment;

/* Scores text[0..len) (UTF-8; any byte sequence is accepted: invalid bytes
 * are skipped; len 0 or text NULL gives a neutral result). Writes every
 * field of *out. Never fails, never allocates, safe from any thread. Cost is
 * linear in len; text of any length is read in bounded windows. */
void tl_sentiment_score(const char *text, size_t len, tl_sentiment *out);

/* Scores a NUL-terminated string (NULL allowed). */
void tl_sentiment_score_str(const char *text, tl_sentiment *out);

/* "fees", "rewards", "rate", "service", "support", "app", "speed",
 * "approval", "acceptance", "limits", "security"; "unknown" out of range.
 * Static strings. */
const char *tl_aspect_name(int aspect);

/* The tl_aspect for a name above (ASCII case-insensitive), or -1. */
int tl_aspect_parse(const char *name);

/* "negative" for < 0, "neutral" for 0, "positive" for > 0. Static. */
const char *tl_sentiment_label(int polarity);

/* Number of entries in the built-in lexicon (for reports and tests). */
size_t tl_sentiment_lexicon_size(void);

#endif
