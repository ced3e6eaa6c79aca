/* lexicon_sentiment.h — the sentiment lexicon's entries (data only; the
 * scorer in sentiment.c indexes them). Private to src/text/.
 *
 * The lexicon was written for tailor: word choices and weights are the
 * project's own, picked for bank customers' posts and reviews and for
 * financial news. It is static const data; nothing is allocated or freed. */
#ifndef TL_TEXT_LEXICON_SENTIMENT_H
#define TL_TEXT_LEXICON_SENTIMENT_H

#include <stddef.h>
#include <stdint.h>

/* What a word does besides carrying valence. */
enum tl_lex_role {
    TL_LEX_PLAIN = 0,   /* valence / direction / target only */
    TL_LEX_NEGATOR,     /* flips the next few words: not, never, no, without */
    TL_LEX_BOOST,       /* scales the next sentiment word by 1 + mod: very (+), slightly (-) */
    TL_LEX_BUT,         /* what follows weighs more, what precedes less: but, however */
    TL_LEX_ALTHOUGH,    /* sentence-initial: its clause weighs less; else like BUT */
    TL_LEX_DESPITE,     /* the phrase it introduces weighs less */
    TL_LEX_FROM,        /* "from": the old state ("to a profit from a loss") weighs less */
    TL_LEX_LESS,        /* less/fewer: a direction with targets, else negates the next word */
    TL_LEX_BLOCK,       /* a phrase that only hides its words: "in order to", "as well" */
};

/* One lexicon entry. `word` is lower-case ASCII; a trailing '*' makes it a
 * prefix (stem) match, at least 3 characters before the '*'; spaces make a
 * phrase of whole words (hyphens in text split words, so "hassle-free"
 * matches "hassle free").
 *
 * Valence is on a -3..+3 scale. A direction (dir = +1 rise, -1 fall) next to
 * a target (tgt > 0: good when it rises, such as profit; tgt < 0: bad when it
 * rises, such as fees) scores dir * tgt * strength instead of either word's
 * own valence; a direction with no target nearby scores `val`, or the
 * scorer's default for its sign when `val` is 0 and `flags` lacks
 * TL_LEX_F_NOVAL. */
typedef struct tl_lex_entry {
    const char *word;
    float val;          /* own valence */
    float tgt;          /* target polarity (0 = not a target) */
    float mod;          /* BOOST: relative change; directions: strength (0 = 1) */
    signed char dir;    /* +1, -1 or 0 */
    unsigned char role; /* enum tl_lex_role */
    unsigned char asp;  /* tl_aspect + 1; 0 = none */
    unsigned char flags;
} tl_lex_entry;

#define TL_LEX_F_NOVAL 1u   /* a direction with no target scores nothing */
#define TL_LEX_F_HINT  2u   /* asp is a hint: a theme noun nearby wins */
#define TL_LEX_F_EXCESS 4u  /* a BOOST that makes a level an excess: "too high" */
#define TL_LEX_F_MINUS 8u   /* makes the figure after it negative: "a negative EUR 5 mn" */

/* An emoji (Unicode code point) and its valence; sorted by code point. */
typedef struct tl_lex_emoji {
    uint32_t cp;
    float val;
} tl_lex_emoji;

/* An ASCII emoticon and its valence. */
typedef struct tl_lex_emoticon {
    const char *text;
    float val;
} tl_lex_emoticon;

extern const tl_lex_entry tl_lex_entries[];
extern const size_t tl_lex_entries_len;
extern const tl_lex_emoji tl_lex_emojis[];
extern const size_t tl_lex_emojis_len;
extern const tl_lex_emoticon tl_lex_emoticons[];
extern const size_t tl_lex_emoticons_len;

/* Number of malformed entries (upper case, stray characters, short stems,
 * duplicates, unsorted emoji); 0 for a well-formed lexicon. Checked by the
 * tests; the scorer skips malformed entries. */
size_t tl_sentiment_lexicon_check(void);

#endif
