/* builtin.h — the built-in encoder's parts, shared by the builtin*.c files
 * and by the tests and benchmarks that take it apart; the rest of tailor
 * sees only encoder.h.
 *
 * The encoder turns a text into weighted features — word stems, adjacent
 * stem pairs, concepts of the banking lexicon (lexicon.c), WordNet synsets
 * and their hypernyms — and hashes them into a fixed number of dimensions
 * (docs/builtin-encoder.md says why and how well it does). Everything it
 * builds at open time is read-only afterwards, so one encoder may embed from
 * any number of threads at once. */
#ifndef TL_ENCODER_BUILTIN_H
#define TL_ENCODER_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "encoder/encoder.h"

#define TL_BUILTIN_DIM 512            /* dimensions of every vector */
#define TL_BUILTIN_CONCEPT_DIMS 64    /* dims [0, 64) are the lexicon's concepts */
#define TL_BUILTIN_WORDNET_DIR "/usr/share/wordnet"

/* How much each kind of feature weighs. */
typedef struct tl_builtin_weights {
    float common;      /* a frequent, vague word */
    float number;      /* digits */
    float idf_max;     /* a content word never seen in SemCor */
    float idf_slope;   /* idf = idf_max - slope * ln(1 + SemCor count) ... */
    float idf_min;     /* ... but at least this */
    float idf_plain;   /* every content word, without WordNet */
    float bigram;      /* times the geometric mean of the pair's weights */
    float concept;     /* one full hit of a lexicon phrase */
    float anchor;      /* a hit through a WordNet anchor, relative to a phrase */
    float synset;      /* a word's first sense, times the word's weight */
    float sense_decay; /* each later sense, relative to the one before */
    float hyper;       /* a direct hypernym, times the word's weight */
    float hyper_decay; /* each level further up */
    int senses;        /* senses per part of speech, 1..3 */
    int hyper_depth;   /* levels of hypernyms that become features, 0..8 */
} tl_builtin_weights;

void tl_builtin_weights_default(tl_builtin_weights *w);

/* Which features to use. The defaults (tl_builtin_opts_default) are what
 * tl_builtin_encoder_open serves; the others exist so that the evaluation
 * can measure what each part adds (a plain bag of words is the peer). */
typedef struct tl_builtin_opts {
    bool lexicon;            /* banking concepts */
    bool wordnet;            /* synsets, hypernyms, anchors (needs the files; they
                              * also weigh words whenever lexicon or wordnet is on) */
    bool bigrams;            /* adjacent stem pairs */
    const char *wordnet_dir; /* NULL: $TAILOR_WORDNET_DIR if set, else
                              * TL_BUILTIN_WORDNET_DIR; "none": no WordNet */
    const tl_builtin_weights *weights; /* NULL: the served tuning; copied at open */
} tl_builtin_opts;

void tl_builtin_opts_default(tl_builtin_opts *o);

/* Opens an encoder with the given features. A missing or unreadable WordNet
 * is not an error: the encoder logs a warning, works without it, and says
 * so in its id. Returns 0, TL_ENOMEM or TL_EINTERNAL (a broken lexicon). */
int tl_builtin_encoder_open_opts(const tl_builtin_opts *o, tl_encoder **out, tl_err *err);

/* Whether this built-in encoder found WordNet (false for a BERT encoder). */
bool tl_builtin_encoder_has_wordnet(const tl_encoder *e);

/* Writes the names of the lexicon concepts `text` evokes, comma-separated
 * with their strengths ("travel:1.00,insurance:0.50"), into buf[cap] —
 * for tests and for explaining a match. Returns 0 or a TL_E* code. */
int tl_builtin_encoder_explain(const tl_encoder *e, const char *text, char *buf, size_t cap,
                               tl_err *err);

/* ---- text (builtin_text.c) ---- */

#define TL_BUILTIN_WORD_MAX 32   /* bytes kept of one word, NUL included */
#define TL_BUILTIN_MAX_TOKENS 4096 /* words of one text beyond this are ignored */

enum tl_builtin_word_kind {
    TL_BW_CONTENT, /* carries meaning */
    TL_BW_COMMON,  /* frequent and vague ("want", "get"): kept, weighted low */
    TL_BW_STOP,    /* function word: used in phrases only */
    TL_BW_NUMBER,  /* digits only */
};

typedef struct tl_builtin_token {
    char word[TL_BUILTIN_WORD_MAX]; /* case-folded, accents stripped */
    char stem[TL_BUILTIN_WORD_MAX]; /* tl_builtin_stem(word) */
    uint8_t kind;                   /* enum tl_builtin_word_kind */
    bool capital;                   /* began with a capital, not first in the text */
    int32_t number;                 /* value of a TL_BW_NUMBER below 1e6, else -1 */
} tl_builtin_token;

/* Splits `text` (UTF-8; an invalid byte separates words) into at most `max`
 * tokens: case-folded, accent-stripped runs of letters and digits,
 * apostrophes inside words dropped ("don't" -> "dont"). Writes *n.
 * Allocates nothing; returns 0 (the err parameter is for future failure
 * modes). Thread-safe. */
int tl_builtin_tokenize(const char *text, tl_builtin_token *toks, size_t max, size_t *n,
                        tl_err *err);

/* A small English suffix stripper (plurals, -ed, -ing, final e, a list of
 * irregular forms), the same for the lexicon and for texts so that both
 * meet on stems. Writes a NUL-terminated stem into out[cap]. */
void tl_builtin_stem(const char *word, char *out, size_t cap);

enum tl_builtin_word_kind tl_builtin_word_kind(const char *word);

/* ---- WordNet (builtin_wordnet.c) ---- */

typedef struct tl_wordnet tl_wordnet;

enum { TL_WN_NOUN, TL_WN_VERB, TL_WN_ADJ, TL_WN_ADV, TL_WN_POS_COUNT };

/* A synset: part of speech in the top byte, its number (0.., in data-file
 * order) below. Stable for given WordNet files. */
typedef uint64_t tl_wn_synset;
#define TL_WN_SYNSET(pos, index) (((tl_wn_synset)(pos) << 56) | (tl_wn_synset)(index))
#define TL_WN_POS_OF(s) ((int)((s) >> 56))
#define TL_WN_INDEX_OF(s) ((size_t)((s) & 0xffffffffffffffull))
#define TL_WN_NONE UINT64_MAX

/* Maps the WordNet 3.0 database files of `dir` (index.*, data.*, *.exc,
 * cntlist.rev) and reads the synsets' hypernyms. Returns TL_ENOTFOUND when
 * they are missing, TL_EIO or TL_ENOMEM. The handle is read-only
 * afterwards; tl_wordnet_close frees it (accepts NULL). */
int tl_wordnet_open(const char *dir, tl_wordnet **out, tl_err *err);
void tl_wordnet_close(tl_wordnet *wn);

/* Base form of `word` as part of speech `pos` (WordNet's morphological
 * rules and exception lists) written into lemma[cap]; the senses of that
 * lemma, most frequent first, into senses[0..max). Returns how many senses
 * (0 when the word is not in WordNet as that part of speech). */
size_t tl_wordnet_lookup(const tl_wordnet *wn, const char *word, int pos, char *lemma,
                         size_t cap, tl_wn_synset *senses, size_t max);

/* Hypernyms (and instance hypernyms) of `s` into out[0..max); returns how
 * many. 0 for the roots or a synset that cannot be read. */
size_t tl_wordnet_hypernyms(const tl_wordnet *wn, tl_wn_synset s, tl_wn_synset *out, size_t max);

/* Synsets of part of speech `pos`: numbers 0 .. count-1. */
size_t tl_wordnet_synset_count(const tl_wordnet *wn, int pos);

/* Whether the synset's first word is capitalised: a name ("Tyre" the
 * city, "Asia") rather than a common noun ("tyre"). */
bool tl_wordnet_is_proper(const tl_wordnet *wn, tl_wn_synset s);

/* Changes when the files do (their sizes, which differ between WordNet
 * releases); 0 for NULL. */
uint64_t tl_wordnet_fingerprint(const tl_wordnet *wn);

/* How often `lemma` was tagged in the SemCor corpus (cntlist.rev), summed
 * over its senses; 0 when never. */
uint32_t tl_wordnet_count(const tl_wordnet *wn, const char *lemma);

/* ---- lexicon (lexicon.c) ---- */

/* One concept: the phrases that evoke it, '|'-separated, each one or more
 * words that go through the same tokeniser and stemmer as texts; a phrase
 * ending in '~' counts half. `anchors` are WordNet nouns ('|'-separated,
 * "lemma" or "lemma#sense") whose descendants evoke the concept too, more
 * weakly ("japan" is a kind of "country"). */
typedef struct tl_lexicon_concept {
    const char *name;
    const char *phrases;
    const char *anchors;
} tl_lexicon_concept;

extern const tl_lexicon_concept tl_lexicon_concepts[];
extern const size_t tl_lexicon_concept_count;
extern const char tl_lexicon_version[];

#endif
