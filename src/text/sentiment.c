/* sentiment.c — lexicon-and-rules sentiment scorer (see sentiment.h and
 * docs/sentiment.md).
 *
 * Text is read once, left to right, into a bounded window of tokens (one
 * sentence, or 128 tokens of a longer one); each window is scored and added
 * to the document's totals. Nothing is allocated: the window and its items
 * live on the caller's stack, the lexicon index is a static table filled once
 * under pthread_once and read-only afterwards, so any number of threads may
 * score at the same time. */
#include "text/sentiment.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text/lexicon_sentiment.h"

#ifdef TL_SENTIMENT_TUNE
#include <stdio.h>
#include <stdlib.h>
#endif

/* ---- tuning ------------------------------------------------------------- */

#ifdef TL_SENTIMENT_TUNE
void (*tl_sentiment_trace)(const char *word, double v);
void (*tl_sentiment_trace)(const char *word, double v) = NULL;
#endif

/* The constants were tuned on Financial PhraseBank 50Agree and the Twitter
 * financial-news training split, and checked on AllAgree and the validation
 * split (bench/bench_eval_sentiment.c prints both). */
#ifdef TL_SENTIMENT_TUNE
#define PARAMS_CONST
#else
#define PARAMS_CONST const
#endif
static PARAMS_CONST struct params {
    double neg_scale;    /* a negated valence flips and weakens ("not good") */
    double neg_scale_neg; /* ... a negated complaint less so ("never had a problem") */
    double asp_min;      /* net evidence for a theme to count as praised or criticised */
    double neg_target;   /* a negated target: "no fees" = +this, "no profit" = -this */
    double dir_default;  /* a direction with no target and no own valence */
    double pair_scale;   /* direction x target ("profit rose") */
    double pair_window;  /* words allowed between a direction and its target */
    double subject_window; /* failing that, a target this far to the left */
    double subject_weight; /* ... scores this much of a pair */
    double dir_num;      /* a lone direction with a number after it ("up 9.7 %") */
    double cmp_weight;   /* "profit was EUR 5 mn compared to EUR 7 mn": a pair this strong */
    double neg_scope;    /* words a negator reaches */
    double but_before;   /* weight of what precedes but/however */
    double but_after;    /* weight of what follows it */
    double from_weight;  /* weight of the old state after "from" */
    double caps_boost;   /* SHOUTED sentiment word in mixed-case text */
    double excl_boost;   /* per exclamation mark, up to 4 */
    double question;     /* weight of a question */
    double pct_val;      /* a signed percentage ("+8%") with no target */
    double alpha;        /* score = net / sqrt(net^2 + alpha) */
    double threshold;    /* |score| at or above which the label is not neutral */
    double neg_bias;     /* negative label threshold = threshold * neg_bias */
} P = {
    .neg_scale = -0.74,
    .neg_scale_neg = -0.9,
    .asp_min = 0.4,
    .neg_target = 0.8,
    .dir_default = 0.6,
    .pair_scale = 1.7,
    .pair_window = 5,
    .subject_window = 12,
    .subject_weight = 1.0,
    .dir_num = 2.5,
    .cmp_weight = 1.0,
    .neg_scope = 3,
    .but_before = 0.5,
    .but_after = 1.5,
    .from_weight = 0.3,
    .caps_boost = 0.25,
    .excl_boost = 0.1,
    .question = 0.4,
    .pct_val = 1.5,
    .alpha = 4.0,
    .threshold = 0.45,
    .neg_bias = 1.0,
};

/* ---- lexicon index ------------------------------------------------------ */

/* One slot per distinct key: the entry that matches the whole word, the
 * entry that matches it as a stem (prefix), and the most words of a phrase
 * starting with it. One probe answers all three. */
#define TBL_BITS 13
#define TBL_SIZE (1u << TBL_BITS)
#define KEY_MAX 63  /* longest entry, phrase included */
#define STEM_MIN 3
#define STEM_FILTER_BITS 4096

typedef struct slot {
    const char *key;  /* points into the static lexicon; not NUL-terminated at len */
    int16_t exact;    /* entry index, -1 none */
    int16_t stem;     /* entry index, -1 none */
    uint8_t head;     /* phrases starting with this word: most words, 0 none */
    uint8_t len;      /* 0 = empty slot */
} slot;

static slot g_tbl[TBL_SIZE];
/* A 16-bit tag per slot (0 = empty), 16 KiB that stay in L1: most words are
 * not in the lexicon, and their probes end here without touching g_tbl. */
static uint16_t g_tag[TBL_SIZE];
static size_t g_bad;          /* malformed or duplicate entries, skipped */
static size_t g_stem_max;     /* longest stem, to bound prefix probes */
/* bit per hash of a stem's first STEM_MIN characters: most words skip the
 * prefix probes altogether */
static uint64_t g_stem_filter[STEM_FILTER_BITS / 64];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* Word-at-a-time hash: keys are short, and a byte-wise hash's multiply
 * chain was the scorer's hottest loop. */
static uint32_t hash_key(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t c;
        memcpy(&c, s + i, 8);
        h = (h ^ c) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    if (i < n) {
        uint64_t c = 0;
        memcpy(&c, s + i, n - i);
        h = (h ^ c) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
    }
    h *= 0x94d049bb133111ebull;
    return (uint32_t)(h >> 32);
}

/* hash_key for text that may be read up to 7 bytes past its end (the
 * window's padded buffer): the tail is one load and a mask, no copy loop.
 * Gives the same value as hash_key. */
static inline uint32_t hash_padded(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t c;
        memcpy(&c, s + i, 8);
        h = (h ^ c) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    if (i < n) {
        uint64_t c;
        memcpy(&c, s + i, 8);
        /* keep the first n - i bytes, as hash_key's zero padding does */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        c &= ~0ull << (8 * (8 - (n - i)));
#else
        c &= ~0ull >> (8 * (8 - (n - i)));
#endif
        h = (h ^ c) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
    }
    h *= 0x94d049bb133111ebull;
    return (uint32_t)(h >> 32);
}

static uint16_t tag_of(uint32_t h)
{
    return (uint16_t)((h >> 16) | 1);
}

static const slot *probe(uint32_t h, const char *s, size_t n)
{
    uint16_t tag = tag_of(h);
    for (uint32_t i = h & (TBL_SIZE - 1);; i = (i + 1) & (TBL_SIZE - 1)) {
        if (!g_tag[i])
            return NULL;
        const slot *sl = &g_tbl[i];
        if (g_tag[i] == tag && sl->len == n && memcmp(sl->key, s, n) == 0)
            return sl;
    }
}

/* Finds or makes the slot for s[0..n); NULL only if the table were full
 * (it is sized far above the lexicon). */
static slot *insert(const char *s, size_t n)
{
    uint32_t h = hash_key(s, n);
    for (uint32_t i = h & (TBL_SIZE - 1), k = 0; k < TBL_SIZE;
         i = (i + 1) & (TBL_SIZE - 1), k++) {
        slot *sl = &g_tbl[i];
        if (!sl->len) {
            sl->key = s;
            sl->len = (uint8_t)n;
            sl->exact = sl->stem = -1;
            g_tag[i] = tag_of(h);
            return sl;
        }
        if (sl->len == n && memcmp(sl->key, s, n) == 0)
            return sl;
    }
    return NULL;
}

/* Checks one entry's spelling: lower-case ASCII letters, digits, & and ',
 * single spaces between words, an optional final '*' on a single word of at
 * least STEM_MIN characters. */
static bool entry_ok(const char *w, size_t *len, bool *stem, size_t *words)
{
    size_t n = strlen(w);
    *stem = n > 0 && w[n - 1] == '*';
    *len = *stem ? n - 1 : n;
    *words = 1;
    if (*len == 0 || *len > KEY_MAX || w[0] == ' ' || w[*len - 1] == ' ')
        return false;
    for (size_t i = 0; i < *len; i++) {
        char c = w[i];
        if (c == ' ') {
            if (w[i + 1] == ' ' || *stem)
                return false;
            (*words)++;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '&' ||
                     c == '\'')) {
            return false;
        }
    }
    return !*stem || *len >= STEM_MIN;
}

static void parse_params(void);

static void build_index(void)
{
    parse_params();
    for (size_t i = 0; i < tl_lex_entries_len && i < INT16_MAX; i++) {
        const char *w = tl_lex_entries[i].word;
        size_t len, words;
        bool stem;
        if (!entry_ok(w, &len, &stem, &words) || words > 255) {
            g_bad++;
            continue;
        }
        slot *sl = insert(w, len);
        int16_t *field = sl ? (stem ? &sl->stem : &sl->exact) : NULL;
        if (!field || *field >= 0) {
            g_bad++; /* duplicate */
            continue;
        }
        *field = (int16_t)i;
        if (stem) {
            if (len > g_stem_max)
                g_stem_max = len;
            uint32_t b = hash_key(w, STEM_MIN) % STEM_FILTER_BITS;
            g_stem_filter[b / 64] |= 1ull << (b % 64);
        }
        if (words > 1) {
            slot *hd = insert(w, (size_t)(strchr(w, ' ') - w));
            if (!hd) {
                g_bad++;
                continue;
            }
            if (hd->head < words)
                hd->head = (uint8_t)words;
        }
    }
    if (tl_lex_entries_len >= INT16_MAX)
        g_bad++;
    for (size_t i = 1; i < tl_lex_emojis_len; i++)
        if (tl_lex_emojis[i - 1].cp >= tl_lex_emojis[i].cp)
            g_bad++;
}

static void ensure_index(void)
{
    pthread_once(&g_once, build_index);
}

size_t tl_sentiment_lexicon_check(void)
{
    ensure_index();
    return g_bad;
}

size_t tl_sentiment_lexicon_size(void)
{
    return tl_lex_entries_len;
}

/* Everything the lexicon knows about one word: its exact entry, else its
 * longest stem; and how many words a phrase starting with it may have.
 * s must be readable 8 bytes past n (see hash_padded). */
static const tl_lex_entry *lookup_word(const char *s, size_t n, size_t *head)
{
    *head = 0;
    if (n > KEY_MAX)
        return NULL;
    const slot *sl = probe(hash_padded(s, n), s, n);
    if (sl) {
        *head = sl->head;
        if (sl->exact >= 0)
            return &tl_lex_entries[sl->exact];
        if (sl->stem >= 0)
            return &tl_lex_entries[sl->stem];
    }
    if (n <= STEM_MIN)
        return NULL;
    uint32_t b = hash_padded(s, STEM_MIN) % STEM_FILTER_BITS;
    if (!(g_stem_filter[b / 64] >> (b % 64) & 1))
        return NULL;
    for (size_t l = (n - 1 < g_stem_max ? n - 1 : g_stem_max); l >= STEM_MIN; l--) {
        sl = probe(hash_padded(s, l), s, l);
        if (sl && sl->stem >= 0)
            return &tl_lex_entries[sl->stem];
    }
    return NULL;
}

/* s must be readable 8 bytes past n (see hash_padded). */
static const tl_lex_entry *lookup_exact(const char *s, size_t n)
{
    const slot *sl = n <= KEY_MAX ? probe(hash_padded(s, n), s, n) : NULL;
    return sl && sl->exact >= 0 ? &tl_lex_entries[sl->exact] : NULL;
}

#ifdef TL_SENTIMENT_TUNE
/* Development only: TL_SENTI="alpha=3,threshold=0.2" overrides constants. */
static void parse_params(void)
{
    const char *env = getenv("TL_SENTI");
    static const struct { const char *name; double *p; } names[] = {
        {"neg_scale", &P.neg_scale},   {"neg_target", &P.neg_target},
        {"neg_scale_neg", &P.neg_scale_neg}, {"asp_min", &P.asp_min},
        {"dir_default", &P.dir_default}, {"pair_scale", &P.pair_scale},
        {"pair_window", &P.pair_window}, {"neg_scope", &P.neg_scope},
        {"subject_window", &P.subject_window}, {"subject_weight", &P.subject_weight},
        {"dir_num", &P.dir_num},     {"cmp_weight", &P.cmp_weight},
        {"but_before", &P.but_before}, {"but_after", &P.but_after},
        {"from_weight", &P.from_weight}, {"caps_boost", &P.caps_boost},
        {"excl_boost", &P.excl_boost}, {"question", &P.question},
        {"pct_val", &P.pct_val},       {"alpha", &P.alpha},
        {"threshold", &P.threshold},   {"neg_bias", &P.neg_bias},
    };
    while (env && *env) {
        const char *eq = strchr(env, '=');
        if (!eq)
            break;
        size_t k = (size_t)(eq - env);
        char *end;
        double v = strtod(eq + 1, &end);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == k && memcmp(names[i].name, env, k) == 0)
                *names[i].p = v;
        env = *end == ',' ? end + 1 : end;
        if (*end != ',')
            break;
    }
}
#else
static void parse_params(void)
{
}
#endif

/* ---- tokens ------------------------------------------------------------- */

#define WIN_TOK 128
#define WIN_BUF 2048
#define WORD_MAX 40

enum { T_WORD, T_NUM, T_PCT, T_EMO, T_WEAK };

typedef struct rtok {
    uint16_t off;     /* into win.buf */
    uint8_t glued;    /* T_NUM read from a word such as "EUR11" */
    uint8_t len;      /* 0 for an over-long word (counted, never matched) */
    uint8_t kind;
    uint8_t caps;     /* all capitals, two letters or more */
    uint8_t year;     /* T_NUM that reads as a year (1950..2100, no decimals) */
    float val;        /* T_EMO valence; T_PCT sign; T_NUM value */
} rtok;

/* One sentence (or a slice of a long one). */
typedef struct win {
    rtok t[WIN_TOK];
    size_t n;
    char buf[WIN_BUF + 8]; /* lower-cased words, back to back; +8 for hash_padded */
    size_t nbuf;
    unsigned excl, quest, lower_words;
} win;

/* What the document has gathered so far. */
typedef struct acc {
    double pos, neg;
    double asp[TL_ASPECT_COUNT];
    unsigned seen;
    unsigned n_words, n_hits;
} acc;

/* A resolved token: lexicon entry (or symbol) plus what the rules did to it. */
typedef struct item {
    const tl_lex_entry *e;  /* NULL for numbers, punctuation, unknown words */
    float val;              /* own valence */
    float tgt;
    float strength;         /* direction strength */
    float mult;             /* intensifiers, capitals */
    float w;                /* contrast weight */
    float num;              /* T_NUM value */
    signed char dir;
    uint8_t kind, role, neg, used, asp, hint, noval, caps, year;
    uint8_t to;             /* the word "to" or "into" */
    uint8_t conj;           /* "and" / "or": negation stops there */
    uint8_t clause;         /* "as", "while", "amid"...: a direction's target is not beyond */
    uint8_t too;            /* "too high": an excess, bad whatever the target */
    uint16_t seg;
} item;

static const tl_lex_entry g_negator = {"n't", .role = TL_LEX_NEGATOR};

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Decodes one UTF-8 sequence at s[0..n); returns its length, 0 if invalid
 * (overlong, surrogate, out of range, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t k;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        k = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        k = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        k = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < k)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return k;
}

/* Letters of other scripts continue a word (they never match the English
 * lexicon, but must not split "Kesko's" into pieces that might). */
static bool is_word_cp(uint32_t cp)
{
    return (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x2E80 && cp < 0xD800) || (cp >= 0xF900 && cp < 0xFE00) ||
           (cp >= 0x20000 && cp < 0x30000);
}

static float emoji_val(uint32_t cp)
{
    size_t lo = 0, hi = tl_lex_emojis_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tl_lex_emojis[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < tl_lex_emojis_len && tl_lex_emojis[lo].cp == cp ? tl_lex_emojis[lo].val : 0;
}

static bool emoticon_start(unsigned char c)
{
    return c == ':' || c == ';' || c == '=' || c == '<' || c == '>' || c == '^' || c == '-' ||
           c == 'x' || c == 'X' || c == 't' || c == 'T';
}

/* An emoticon starting at s (after a space or the start), followed by the
 * end, a space or sentence punctuation. Returns its length, 0 if none. */
static size_t match_emoticon(const char *s, size_t n, float *val)
{
    size_t best = 0;
    for (size_t i = 0; i < tl_lex_emoticons_len; i++) {
        const char *e = tl_lex_emoticons[i].text;
        size_t k = strlen(e);
        if (k > n || k <= best)
            continue;
        size_t j = 0;
        while (j < k) {
            unsigned char c = (unsigned char)s[j];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c != (unsigned char)e[j])
                break;
            j++;
        }
        if (j < k)
            continue;
        unsigned char after = k < n ? (unsigned char)s[k] : ' ';
        if (!is_space(after) && after != '.' && after != ',' && after != '!' && after != '?')
            continue;
        best = k;
        *val = tl_lex_emoticons[i].val;
    }
    return best;
}

/* ---- scoring one window ------------------------------------------------- */

static bool bearing(const item *it)
{
    if (it->role == TL_LEX_NEGATOR || it->role == TL_LEX_BOOST || it->role == TL_LEX_BLOCK)
        return false;
    return it->val != 0 || it->dir != 0 || it->tgt != 0 || it->kind == T_EMO;
}

static bool is_contrast(const item *it)
{
    return it->role == TL_LEX_BUT || it->role == TL_LEX_ALTHOUGH ||
           it->role == TL_LEX_DESPITE;
}

/* Words that open a new clause: "the dollar falls as uncertainty spreads"
 * pairs "falls" with "dollar", never with "uncertainty". */
static bool clause_word(const char *s, size_t n)
{
    static const char *const words[] = {"as", "while", "amid", "because", "since",
                                        "when", "whereas"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return true;
    return false;
}

/* The multiplier a unit word gives the figure before it; 1 if none. */
static double unit_scale(const char *s, size_t n)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {
        {"m", 1e6},        {"mn", 1e6},       {"mln", 1e6},  {"million", 1e6},
        {"millions", 1e6}, {"b", 1e9},        {"bn", 1e9},   {"bln", 1e9},
        {"billion", 1e9},  {"billions", 1e9}, {"k", 1e3},    {"thousand", 1e3},
        {"cents", 0.01},   {"cent", 0.01},    {"pence", 0.01}, {"p", 0.01},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].unit) == n && memcmp(units[i].unit, s, n) == 0)
            return units[i].scale;
    return 1;
}

/* Resolves the window's tokens into items (phrases merged); returns the
 * number of items. */
static size_t resolve(const win *w, item *items, acc *a)
{
    size_t ni = 0;
    for (size_t i = 0; i < w->n;) {
        const rtok *t = &w->t[i];
        item *it = &items[ni++];
        memset(it, 0, sizeof *it);
        it->mult = 1;
        it->w = 1;
        it->kind = t->kind;
        it->caps = t->caps;
        size_t used = 1;
        if (t->kind == T_WORD) {
            const char *s = w->buf + t->off;
            size_t len = t->len;
            const tl_lex_entry *e = NULL, *word = NULL;
            size_t hw = 0;
            if (len)
                word = lookup_word(s, len, &hw);
            if (hw > 1) {
                /* Longest phrase first; words must be consecutive tokens. */
                size_t avail = 1;
                while (avail < hw && i + avail < w->n && w->t[i + avail].kind == T_WORD &&
                       w->t[i + avail].len)
                    avail++;
                char key[KEY_MAX + 8]; /* +8 for hash_padded */
                for (size_t k = avail; k >= 2 && !e; k--) {
                    size_t kl = 0;
                    bool fits = true;
                    for (size_t j = 0; j < k && fits; j++) {
                        const rtok *tj = &w->t[i + j];
                        if (kl + tj->len + (j > 0) > KEY_MAX) {
                            fits = false;
                            break;
                        }
                        if (j > 0)
                            key[kl++] = ' ';
                        memcpy(key + kl, w->buf + tj->off, tj->len);
                        kl += tj->len;
                    }
                    if (fits && (e = lookup_exact(key, kl)) != NULL)
                        used = k;
                }
            }
            if (!e)
                e = word;
            if (!e && len >= 3 && memcmp(s + len - 3, "n't", 3) == 0)
                e = &g_negator;
            it->to = (len == 2 && memcmp(s, "to", 2) == 0) ||
                     (len == 4 && memcmp(s, "into", 4) == 0);
            it->conj = (len == 3 && memcmp(s, "and", 3) == 0) ||
                       (len == 2 && memcmp(s, "or", 2) == 0);
            it->clause = clause_word(s, len) || (e && e->role == TL_LEX_DESPITE);
            a->n_words += (unsigned)used;
            if (e) {
                it->e = e;
                it->val = e->val;
                it->tgt = e->tgt;
                it->dir = e->dir;
                it->role = e->role;
                it->asp = e->asp;
                it->hint = (e->flags & TL_LEX_F_HINT) != 0;
                it->noval = (e->flags & TL_LEX_F_NOVAL) != 0;
                it->strength = e->dir && e->mod > 0 ? e->mod : 1;
                if (e->role == TL_LEX_BLOCK)
                    it->val = it->tgt = 0, it->dir = 0, it->asp = 0;
            }
        } else if (t->kind == T_PCT) {
            it->dir = t->val > 0 ? 1 : -1;
            it->val = (float)(it->dir * P.pct_val);
            it->strength = 1;
        } else if (t->kind == T_EMO) {
            it->val = t->val;
        } else if (t->kind == T_NUM) {
            /* "$1.08 vs. 88 cents", "EUR 1.2 bn vs. EUR 900 mn" */
            double scale = 1;
            if (i + 1 < w->n && w->t[i + 1].kind == T_WORD)
                scale = unit_scale(w->buf + w->t[i + 1].off, w->t[i + 1].len);
            it->num = (float)(t->val * scale);
            it->year = t->year && scale == 1;
        }
        i += used;
    }
    return ni;
}

/* Nearest item to i (ties go left) passing `want`, within `maxd` words and
 * the same contrast segment; -1 if none. Distance is 1 for neighbours;
 * numbers are free and a comma counts as a word. */
static bool want_theme(const item *c, const item *self);

static long nearest_dir(const item *items, size_t n, size_t i, int maxd, bool right,
                        bool (*want)(const item *, const item *))
{
    bool clauses = want != want_theme; /* directions stay in their clause */
    /* a theme across a comma is further than it looks: "love the app,
     * hate the fees" */
    int weak = clauses ? 1 : 4;
    long best = -1;
    int bestd = maxd + 1, d = 1;
    for (size_t j = i; j-- > 0;) {
        if (j + 1 != i)
            d += items[j + 1].kind == T_WORD ? 1 : items[j + 1].kind == T_WEAK ? weak : 0;
        if (items[j].seg != items[i].seg || d > maxd || (clauses && items[j].clause))
            break;
        if (want(&items[j], &items[i])) {
            best = (long)j, bestd = d;
            break;
        }
    }
    d = 1;
    for (size_t j = i + 1; right && j < n; j++) {
        if (j - 1 != i)
            d += items[j - 1].kind == T_WORD ? 1 : items[j - 1].kind == T_WEAK ? weak : 0;
        /* "up from a loss": what follows "from" is the old state */
        if (items[j].seg != items[i].seg || d >= bestd || items[j].role == TL_LEX_FROM ||
            (clauses && items[j].clause))
            break;
        if (want(&items[j], &items[i])) {
            best = (long)j;
            break;
        }
    }
    return best;
}

static long nearest(const item *items, size_t n, size_t i, int maxd,
                    bool (*want)(const item *, const item *))
{
    return nearest_dir(items, n, i, maxd, true, want);
}

static bool want_target(const item *c, const item *self)
{
    return c != self && c->tgt != 0 && c->role != TL_LEX_BLOCK;
}

static bool want_pure_target(const item *c, const item *self)
{
    return c != self && c->tgt != 0 && c->dir == 0;
}

static bool want_theme(const item *c, const item *self)
{
    (void)self;
    return c->asp != 0 && !c->hint;
}

typedef struct sent {
    double pos, neg;
    double asp[TL_ASPECT_COUNT];
    unsigned seen, hits;
} sent;

/* Adds contribution v anchored at item k to the sentence, to k's theme. */
static void emit(sent *s, const item *items, size_t n, size_t k, double v)
{
    if (v == 0)
        return;
    s->hits++;
    if (v > 0)
        s->pos += v;
    else
        s->neg -= v;
    const item *it = &items[k];
    int asp = -1;
    if (it->asp && !it->hint) {
        asp = it->asp - 1;
    } else {
        long j = nearest(items, n, k, it->hint ? 3 : 1000, want_theme);
        if (j >= 0)
            asp = items[j].asp - 1;
        else if (it->asp)
            asp = it->asp - 1;
    }
    if (asp >= 0) {
        s->asp[asp] += v;
        s->seen |= TL_ASPECT_BIT(asp);
    }
}

static void scale_acc(acc *a, double f)
{
    a->pos *= f;
    a->neg *= f;
    for (size_t k = 0; k < TL_ASPECT_COUNT; k++)
        a->asp[k] *= f;
}

/* "less"/"fewer" with no target nearby negate what follows ("less
 * hassle"); with one they are directions ("fewer complaints"). */
static void rule_less(item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].role != TL_LEX_LESS)
            continue;
        if (nearest(items, n, i, (int)P.pair_window, want_target) < 0) {
            items[i].dir = 0;
            items[i].role = TL_LEX_NEGATOR;
        }
    }
}

/* Negation reaches the next few words, stopping at punctuation, at "and" /
 * "or" and at a contrast. */
static void rule_negation(item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].role != TL_LEX_NEGATOR)
            continue;
        int words = 0;
        int scope = items[i].e && items[i].e->role == TL_LEX_LESS ? 2 : (int)P.neg_scope;
        for (size_t j = i + 1; j < n && words < scope; j++) {
            if (items[j].kind == T_WEAK || is_contrast(&items[j]) || items[j].conj)
                break;
            if (items[j].kind == T_WORD)
                words++;
            items[j].neg ^= 1;
        }
    }
}

/* Intensifiers scale the next sentiment word; failing that, a direction
 * just before ("rose sharply"). "too" before a level makes it an excess. */
static void rule_boosts(const win *w, item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].role != TL_LEX_BOOST)
            continue;
        float f = 1 + items[i].e->mod;
        bool excess = (items[i].e->flags & TL_LEX_F_EXCESS) != 0;
        bool done = false;
        int words = 0;
        for (size_t j = i + 1; j < n && words < 3; j++) {
            if (items[j].kind == T_WEAK)
                break;
            if (bearing(&items[j])) {
                items[j].mult *= f;
                items[j].too = excess && items[j].dir != 0;
                done = true;
                break;
            }
            if (items[j].kind == T_WORD)
                words++;
        }
        for (size_t j = i, k = 0; !done && j-- > 0 && k < 2; k++) {
            if (items[j].kind == T_WEAK)
                break;
            if (items[j].dir) {
                items[j].mult *= f;
                done = true;
            }
        }
    }
    /* Capitals stress a sentiment word when the text is not all capitals. */
    if (w->lower_words > 0)
        for (size_t i = 0; i < n; i++)
            if (items[i].caps && bearing(&items[i]))
                items[i].mult *= (float)(1 + P.caps_boost);
}

/* Contrast: weights and segments (a segment ends at but/however, and at the
 * comma closing a sentence-initial although/despite clause). Returns true
 * when the sentence opens with but/however, which weakens what came before
 * it in the document. */
static bool rule_contrast(item *items, size_t n)
{
    bool sentence_but = false;
    uint16_t seg = 0;
    size_t seg_start = 0;
    long pending_comma = -1;
    bool seen_word = false;
    for (size_t i = 0; i < n; i++) {
        item *it = &items[i];
        if (pending_comma >= 0 && (long)i == pending_comma) {
            seg++;
            pending_comma = -1;
        }
        it->seg = seg;
        bool initial = !seen_word;
        if (it->kind == T_WORD)
            seen_word = true;
        if (!is_contrast(it))
            continue;
        bool has_after = false;
        for (size_t j = i + 1; j < n && !has_after; j++)
            has_after = items[j].kind == T_WORD || items[j].kind == T_EMO;
        if (!has_after)
            continue;
        if (it->role == TL_LEX_BUT || (it->role == TL_LEX_ALTHOUGH && !initial)) {
            if (initial)
                sentence_but = true;
            for (size_t j = seg_start; j < i; j++)
                items[j].w *= (float)P.but_before;
            for (size_t j = i + 1; j < n; j++)
                items[j].w *= (float)P.but_after;
            seg++;
            it->seg = seg;
            seg_start = i + 1;
        } else {
            /* "Although X, Y" / "Despite X, Y" / "Y despite X": X weighs less. */
            size_t c = i + 1;
            while (c < n && items[c].kind != T_WEAK && !is_contrast(&items[c]))
                c++;
            for (size_t j = i + 1; j < c; j++)
                items[j].w *= (float)P.but_before;
            if (initial && c < n) {
                for (size_t j = c + 1; j < n; j++)
                    items[j].w *= (float)P.but_after;
                pending_comma = (long)c;
            }
        }
    }
    return sentence_but;
}

/* "from": the old state weighs less ("swung to a profit from a loss"). */
static void rule_from(item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i].role != TL_LEX_FROM)
            continue;
        int words = 0;
        for (size_t j = i + 1; j < n && words < 3; j++) {
            if (items[j].kind == T_WEAK || is_contrast(&items[j]) || items[j].dir)
                break;
            if (items[j].kind == T_WORD)
                words++;
            items[j].w *= (float)P.from_weight;
        }
    }
}

/* What pairs with what in one window. */
typedef struct links {
    long pair_of[WIN_TOK];      /* direction -> its target, -1 */
    float pair_w[WIN_TOK];      /* weight of that pair */
    long cmp_of[WIN_TOK];       /* comparator -> its target, -1 */
    signed char cmp_dir[WIN_TOK]; /* +1 the target's figure is above the other */
} links;

/* Directions pair with their nearest target: pure directions first, so
 * that "growth slowed" reads growth as the target of "slowed". */
static void pair_directions(item *items, size_t n, links *l)
{
    int win_words = (int)P.pair_window;
    for (size_t i = 0; i < n; i++)
        l->pair_of[i] = -1, l->pair_w[i] = 1;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].dir || items[i].tgt != 0)
            continue;
        long j = nearest(items, n, i, win_words, want_target);
        if (j < 0 && !items[i].noval) {
            /* "Net sales of the group's continuing operations increased":
             * the sentence's subject, further left. */
            j = nearest_dir(items, n, i, (int)P.subject_window, false, want_target);
            l->pair_w[i] = (float)P.subject_weight;
        }
        if (j >= 0) {
            l->pair_of[i] = j;
            items[j].used = 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!items[i].dir || items[i].tgt == 0 || items[i].used)
            continue;
        long j = nearest(items, n, i, win_words, want_pure_target);
        if (j >= 0) {
            l->pair_of[i] = j;
            items[j].used = 1;
            items[i].used = 2; /* acted as a direction, not scored alone */
        } else {
            items[i].tgt = 0;  /* alone: its own valence */
        }
    }
}

/* The figure at `num` counts below zero when a sign word ("negative")
 * stands just before it, after `floor`; the sign word is then spent. */
static double signed_figure(item *items, long num, long floor)
{
    for (long j = num - 1; j >= num - 2 && j > floor; j--)
        if (items[j].e && (items[j].e->flags & TL_LEX_F_MINUS)) {
            items[j].used = 1;
            return -items[num].num;
        }
    return items[num].num;
}

/* Figures compared without a direction word: "operating profit was EUR 1.6
 * mn compared to EUR 5.9 mn". The target is the nearest one to the left of
 * the comparator; its first figure (years skipped) is set against the first
 * figure after the comparator. */
static void compare_figures(item *items, size_t n, links *l)
{
    for (size_t c = 0; c < n; c++) {
        l->cmp_dir[c] = 0, l->cmp_of[c] = -1;
        if (items[c].role != TL_LEX_FROM)
            continue;
        long t = nearest_dir(items, n, c, 20, false, want_target);
        if (t < 0 || items[t].used || items[t].dir)
            continue;
        long na = -1, nb = -1;
        bool moved = false;
        for (size_t j = (size_t)t + 1; j < c; j++) {
            moved = moved || items[j].dir != 0;
            if (na < 0 && items[j].kind == T_NUM && !items[j].year)
                na = (long)j;
        }
        for (size_t j = c + 1, k = 0; j < n && k < 8 && nb < 0; j++, k++) {
            if (items[j].seg != items[c].seg || items[j].role == TL_LEX_FROM || items[j].dir)
                break;
            if (items[j].kind == T_NUM && !items[j].year)
                nb = (long)j;
        }
        if (moved || na < 0 || nb < 0)
            continue;
        double ga = signed_figure(items, na, t), gb = signed_figure(items, nb, (long)c);
        /* "a profit of 9.8 compared to a loss of 12.7": a target of the
         * other sign on the right makes its figure count below zero */
        for (long j = (long)c + 1; j < nb; j++)
            if (items[j].tgt != 0 && (items[j].tgt > 0) != (items[t].tgt > 0)) {
                gb = -gb;
                items[j].used = 1;
                break;
            }
        if (ga == gb)
            continue;
        l->cmp_dir[c] = ga > gb ? 1 : -1;
        l->cmp_of[c] = t;
        items[t].used = 1;
    }
}

/* The contribution of item i, and the item whose theme it goes to. */
static double item_value(const item *items, size_t n, size_t i, const links *l,
                         size_t *anchor)
{
    const item *it = &items[i];
    double v = 0;
    *anchor = i;
    if (it->role == TL_LEX_BLOCK)
        return 0;
    if (l->cmp_of[i] >= 0) {
        const item *t = &items[l->cmp_of[i]];
        v = P.pair_scale * P.cmp_weight * l->cmp_dir[i] * t->tgt * t->mult * it->w;
        if (t->neg)
            v *= P.neg_scale;
        *anchor = (size_t)l->cmp_of[i];
        return v;
    }
    if (l->pair_of[i] >= 0) {
        const item *t = &items[l->pair_of[i]];
        /* "slipped to a loss", "swung to a profit": the state reached
         * counts, not the way it moved */
        int d = it->dir;
        for (long j = (long)i + 1; j < l->pair_of[i]; j++)
            if (items[j].to) {
                d = 1;
                break;
            }
        v = P.pair_scale * d * t->tgt * it->strength * it->mult * t->mult * l->pair_w[i];
        if (it->neg ^ t->neg)
            v *= P.neg_scale;
        v *= it->w;
        *anchor = (size_t)l->pair_of[i];
    } else if (it->used) {
        return 0; /* a target something else already scored */
    } else if (it->tgt != 0) {
        if (it->neg) /* "no fees", "no profit" */
            v = (it->tgt > 0 ? -1 : 1) * P.neg_target * it->mult * it->w;
        else
            v = it->val * it->mult * it->w;
    } else if (it->dir) {
        if (it->noval)
            return 0;
        v = (it->val != 0 ? it->val : it->dir * P.dir_default) * it->mult * it->w;
        if (it->neg)
            v *= P.neg_scale;
        /* "up 9.7 %", "fell 3 pct": a measured move is firmer evidence */
        for (size_t j = i + 1; j < n && j <= i + 3 && items[j].kind != T_WEAK; j++)
            if (items[j].kind == T_NUM || items[j].kind == T_PCT) {
                v *= P.dir_num;
                break;
            }
    } else if (it->val != 0) {
        v = it->val * it->mult * it->w;
        if (it->neg && it->kind != T_EMO && it->role != TL_LEX_NEGATOR)
            v *= v < 0 ? P.neg_scale_neg : P.neg_scale;
    }
    if (it->too)
        v = -fabs(v);
    return v;
}

static void score_window(const win *w, acc *a)
{
    item items[WIN_TOK];
    links l;
    size_t n = resolve(w, items, a);
    if (n == 0)
        return;
    rule_less(items, n);
    rule_negation(items, n);
    rule_boosts(w, items, n);
    bool sentence_but = rule_contrast(items, n);
    rule_from(items, n);
    pair_directions(items, n, &l);
    compare_figures(items, n, &l);

    sent s;
    memset(&s, 0, sizeof s);
    for (size_t i = 0; i < n; i++) {
        size_t anchor;
        double v = item_value(items, n, i, &l, &anchor);
#ifdef TL_SENTIMENT_TUNE
        const item *it = &items[i];
        if (v != 0 && tl_sentiment_trace)
            tl_sentiment_trace(it->e ? it->e->word : it->kind == T_EMO ? "(emoji)" : "(num)", v);
        if (v != 0 && getenv("TL_SENTI_DEBUG"))
            fprintf(stderr, "  item %zu %s v=%+.3f anchor=%zu neg=%d w=%.2f mult=%.2f\n", i,
                    it->e ? it->e->word : "(sym)", v, anchor, it->neg, it->w, it->mult);
#endif
        emit(&s, items, n, anchor, v);
    }

    /* Themes named, whether or not anything was said about them. */
    for (size_t i = 0; i < n; i++)
        if (items[i].asp && !items[i].hint)
            s.seen |= TL_ASPECT_BIT(items[i].asp - 1);

    double f = 1 + P.excl_boost * (w->excl < 4 ? w->excl : 4);
    if (w->quest)
        f *= P.question;
    if (sentence_but)
        scale_acc(a, P.but_before);
    a->pos += f * s.pos;
    a->neg += f * s.neg;
    for (size_t k = 0; k < TL_ASPECT_COUNT; k++)
        a->asp[k] += f * s.asp[k];
    a->seen |= s.seen;
    a->n_hits += s.hits;
}

/* ---- reading text into windows ----------------------------------------- */

static void flush(win *w, acc *a)
{
    if (w->n)
        score_window(w, a);
    w->n = 0;
    w->nbuf = 0;
    w->excl = w->quest = w->lower_words = 0;
}

/* Room for one more token and one word; a full window is scored as if the
 * sentence ended there. */
static void make_room(win *w, acc *a)
{
    if (w->n == WIN_TOK || w->nbuf + WORD_MAX > WIN_BUF) {
        unsigned lw = w->lower_words;
        flush(w, a);
        w->lower_words = lw;
    }
}

static void push(win *w, acc *a, uint8_t kind, float val)
{
    make_room(w, a);
    rtok *t = &w->t[w->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->val = val;
}

static void push_weak(win *w, acc *a)
{
    if (w->n && w->t[w->n - 1].kind == T_WEAK)
        return;
    push(w, a, T_WEAK, 0);
}

/* The word just read is an abbreviation whose full stop ends nothing: a
 * single letter ("U.S.") or one of a few short forms. */
static bool abbreviation(const win *w)
{
    static const char *const abbr[] = {
        "vs", "inc", "corp", "co", "ltd", "plc", "st", "mr", "mrs", "ms", "dr", "jr", "sr",
        "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
        "dec", "approx", "est", "etc", "adj", "avg", "vol", "fig", "dept", "bln", "mln",
    };
    if (!w->n || w->t[w->n - 1].kind != T_WORD)
        return false;
    const rtok *t = &w->t[w->n - 1];
    if (t->len == 1)
        return true;
    for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++)
        if (strlen(abbr[i]) == t->len && memcmp(abbr[i], w->buf + t->off, t->len) == 0)
            return true;
    return false;
}

static bool is_url_start(const char *s, size_t n)
{
    return (n >= 7 && memcmp(s, "http://", 7) == 0) ||
           (n >= 8 && memcmp(s, "https://", 8) == 0) ||
           (n >= 4 && (memcmp(s, "www.", 4) == 0 || memcmp(s, "WWW.", 4) == 0));
}

/* Reads a word at s[i]; returns the index after it. */
static size_t read_word(const char *s, size_t len, size_t i, win *w, acc *a)
{
    char tmp[WORD_MAX];
    size_t n = 0;
    bool over = false;
    unsigned upper = 0, lower = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        char put = 0;
        size_t adv = 1;
        if (c >= 'a' && c <= 'z') {
            put = (char)c;
            lower++;
        } else if (c >= 'A' && c <= 'Z') {
            put = (char)(c - 'A' + 'a');
            upper++;
        } else if (is_digit(c)) {
            put = (char)c;
        } else if ((c == '&' || c == '\'') && n > 0 && i + 1 < len &&
                   is_alpha((unsigned char)s[i + 1])) {
            put = (char)c;
        } else if (c == 0xE2 && i + 3 < len && (unsigned char)s[i + 1] == 0x80 &&
                   (unsigned char)s[i + 2] == 0x99 && n > 0 &&
                   is_alpha((unsigned char)s[i + 3])) {
            put = '\''; /* right single quotation mark used as apostrophe */
            adv = 3;
        } else if (c >= 0x80) {
            uint32_t cp;
            size_t k = utf8_decode((const unsigned char *)s + i, len - i, &cp);
            if (!k || !is_word_cp(cp))
                break;
            over = over || n + k > WORD_MAX;
            for (size_t j = 0; j < k && !over; j++)
                tmp[n++] = s[i + j];
            i += k;
            continue;
        } else {
            break;
        }
        if (n < WORD_MAX)
            tmp[n++] = put;
        else
            over = true;
        i += adv;
    }
    if (n >= 2 && tmp[n - 2] == '\'' && tmp[n - 1] == 's')
        n -= 2; /* possessive: "bank's" reads as "bank" */
    /* "EUR131m", "EUR11": a currency glued to a figure is a figure */
    size_t letters = 0;
    while (letters < n && tmp[letters] >= 'a' && tmp[letters] <= 'z')
        letters++;
    if (!over && letters >= 2 && letters <= 4 && letters < n && is_digit((unsigned char)tmp[letters])) {
        double v = 0;
        size_t k = letters;
        while (k < n && is_digit((unsigned char)tmp[k]))
            v = v * 10 + (tmp[k++] - '0');
        if (k == n || (k + 1 == n && (tmp[k] == 'm' || tmp[k] == 'k' || tmp[k] == 'b'))) {
            push(w, a, T_NUM, (float)v);
            w->t[w->n - 1].glued = 1;
            return i;
        }
    }
    make_room(w, a);
    rtok *t = &w->t[w->n++];
    memset(t, 0, sizeof *t);
    t->kind = T_WORD;
    t->caps = upper >= 2 && lower == 0;
    if (lower)
        w->lower_words++;
    if (!over && n > 0) {
        memcpy(w->buf + w->nbuf, tmp, n);
        t->off = (uint16_t)w->nbuf;
        t->len = (uint8_t)n;
        w->nbuf += n;
    }
    return i;
}

/* Reads a number at s[i] (digits first); a sign just before it and a '%'
 * just after make a signed percentage ("+8%", "-3.5%"). */
static size_t read_number(const char *s, size_t len, size_t i, win *w, acc *a)
{
    int sign = 0;
    if (i > 0 && (s[i - 1] == '+' || s[i - 1] == '-') &&
        (i == 1 || is_space((unsigned char)s[i - 2]) || s[i - 2] == '(' || s[i - 2] == '$'))
        sign = s[i - 1] == '+' ? 1 : -1;
    double v = 0, scale = 0;
    bool dot = false, comma = false;
    while (i < len && (is_digit((unsigned char)s[i]) ||
                       ((s[i] == '.' || s[i] == ',') && i + 1 < len &&
                        is_digit((unsigned char)s[i + 1])))) {
        char c = s[i++];
        if (c == '.')
            dot = true, scale = 1;
        else if (c == ',')
            comma = true; /* thousands separator */
        else if (dot)
            v += (c - '0') * (scale /= 10);
        else
            v = v * 10 + (c - '0');
    }
    bool pct = i < len && s[i] == '%';
    if (pct)
        i++;
    size_t unit = i;
    while (i < len && is_alpha((unsigned char)s[i]))
        i++; /* units glued on: "5m", "179mn", "2nd", "10x" */
    if (i > unit && i - unit <= 3) {
        char u[3];
        for (size_t k = unit; k < i; k++)
            u[k - unit] = (char)(s[k] | 0x20);
        v *= unit_scale(u, i - unit);
    }
    if (sign && pct) {
        push(w, a, T_PCT, (float)sign);
    } else {
        push(w, a, T_NUM, (float)(sign < 0 ? -v : v));
        w->t[w->n - 1].year = !sign && !dot && !comma && !pct && v >= 1950 && v <= 2100;
    }
    return i;
}

static void scan(const char *s, size_t len, acc *a)
{
    win w;
    w.n = 0;
    w.nbuf = 0;
    w.excl = w.quest = w.lower_words = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        bool after_space = i == 0 || is_space((unsigned char)s[i - 1]);
        if (c == '\n') {
            flush(&w, a);
            i++;
            continue;
        }
        if (is_space(c)) {
            i++;
            continue;
        }
        if (after_space && emoticon_start(c)) {
            float v;
            size_t k = match_emoticon(s + i, len - i, &v);
            if (k) {
                push(&w, a, T_EMO, v);
                i += k;
                continue;
            }
        }
        if (is_alpha(c)) {
            if (is_url_start(s + i, len - i)) {
                while (i < len && !is_space((unsigned char)s[i]))
                    i++;
                continue;
            }
            i = read_word(s, len, i, &w, a);
            continue;
        }
        if (is_digit(c)) {
            i = read_number(s, len, i, &w, a);
            continue;
        }
        if ((c == '$' || c == '@') && i + 1 < len && is_alpha((unsigned char)s[i + 1])) {
            /* cashtags ($UP) and mentions (@bank) are names, not words */
            i++;
            while (i < len && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) ||
                               s[i] == '_' || s[i] == '.'))
                i++;
            continue;
        }
        if (c == '.' && i + 1 < len && is_digit((unsigned char)s[i + 1])) {
            /* "EUR11 .3 m" (a feed's typesetting): the fraction of the figure
             * before; otherwise a number such as ".5" */
            if (w.n && w.t[w.n - 1].kind == T_NUM && w.t[w.n - 1].glued && after_space) {
                double f = 0, scale = 1;
                for (i++; i < len && is_digit((unsigned char)s[i]); i++)
                    f += (s[i] - '0') * (scale /= 10);
                w.t[w.n - 1].val += (float)f;
                w.t[w.n - 1].glued = 0;
                continue;
            }
            i = read_number(s, len, i, &w, a);
            continue;
        }
        if (c == '.' && abbreviation(&w)) {
            i++; /* "vs.", "Inc.", "U.S." do not end the sentence */
            continue;
        }
        if (c == '!' || c == '?' || c == '.' || c == ';') {
            while (i < len && (s[i] == '!' || s[i] == '?' || s[i] == '.' || s[i] == ';')) {
                if (s[i] == '!')
                    w.excl++;
                else if (s[i] == '?')
                    w.quest++;
                i++;
            }
            flush(&w, a);
            continue;
        }
        if (c == ',' || c == ':' || c == '(' || c == ')' || c == '"' || c == '[' ||
            c == ']' || c == '{' || c == '}' || c == '/' || c == '|' || c == '*') {
            push_weak(&w, a);
            i++;
            continue;
        }
        if (c == '-') {
            /* " - " and "--" separate clauses; "-" inside a word splits it */
            bool spaced = after_space && (i + 1 >= len || is_space((unsigned char)s[i + 1]));
            if (spaced || (i + 1 < len && s[i + 1] == '-'))
                push_weak(&w, a);
            i++;
            continue;
        }
        if (c >= 0x80) {
            uint32_t cp;
            size_t k = utf8_decode((const unsigned char *)s + i, len - i, &cp);
            if (!k) {
                i++; /* invalid byte: skipped */
                continue;
            }
            if (is_word_cp(cp)) {
                i = read_word(s, len, i, &w, a);
                continue;
            }
            float v = emoji_val(cp);
            if (v != 0)
                push(&w, a, T_EMO, v);
            else if (cp == 0x2013 || cp == 0x2014)
                push_weak(&w, a);
            else if (cp == 0x2026)
                flush(&w, a);
            i += k;
            continue;
        }
        i++; /* other ASCII symbols: ignored */
    }
    flush(&w, a);
}

/* ---- public ------------------------------------------------------------- */

static const char *const g_aspect_names[TL_ASPECT_COUNT] = {
    "fees", "rewards", "rate", "service", "support", "app",
    "speed", "approval", "acceptance", "limits", "security",
};

const char *tl_aspect_name(int aspect)
{
    return aspect >= 0 && aspect < TL_ASPECT_COUNT ? g_aspect_names[aspect] : "unknown";
}

int tl_aspect_parse(const char *name)
{
    if (!name)
        return -1;
    for (int k = 0; k < TL_ASPECT_COUNT; k++) {
        const char *a = g_aspect_names[k];
        size_t j = 0;
        for (; a[j] && name[j]; j++) {
            char c = name[j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != a[j])
                break;
        }
        if (!a[j] && !name[j])
            return k;
    }
    return -1;
}

const char *tl_sentiment_label(int polarity)
{
    return polarity < 0 ? "negative" : polarity > 0 ? "positive" : "neutral";
}

static double squash(double net)
{
    return net / sqrt(net * net + P.alpha);
}

void tl_sentiment_score(const char *text, size_t len, tl_sentiment *out)
{
    ensure_index();
    acc a;
    memset(&a, 0, sizeof a);
    if (text && len)
        scan(text, len, &a);
    memset(out, 0, sizeof *out);
    double net = a.pos - a.neg;
    out->score = squash(net);
    out->positive = a.pos;
    out->negative = a.neg;
    out->polarity = out->score >= P.threshold                 ? 1
                    : out->score <= -P.threshold * P.neg_bias ? -1
                                                              : 0;
    out->label = tl_sentiment_label(out->polarity);
    out->aspects_seen = a.seen;
    for (int k = 0; k < TL_ASPECT_COUNT; k++) {
        out->aspect_score[k] = (float)squash(a.asp[k]);
        if (a.asp[k] >= P.asp_min)
            out->aspects_pos |= TL_ASPECT_BIT(k);
        else if (a.asp[k] <= -P.asp_min)
            out->aspects_neg |= TL_ASPECT_BIT(k);
    }
    out->n_words = a.n_words;
    out->n_hits = a.n_hits;
}

void tl_sentiment_score_str(const char *text, tl_sentiment *out)
{
    tl_sentiment_score(text, text ? strlen(text) : 0, out);
}
