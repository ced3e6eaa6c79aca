/* builtin.c — the built-in encoder: what tailor embeds with when no model
 * folder is installed.
 *
 * A text becomes weighted features, hashed into TL_BUILTIN_DIM floats:
 *   - word stems, weighted by an inverse-frequency estimate (how often the
 *     word's lemma was tagged in WordNet's SemCor counts: "work" weighs less
 *     than "mortgage"); frequent vague words and numbers weigh little;
 *   - pairs of adjacent stems ("top up", "exchange rate");
 *   - concepts of the banking lexicon (lexicon.c), each its own dimension
 *     [0, TL_BUILTIN_CONCEPT_DIMS): "trip", "holiday" and "Asia" all light
 *     up "travel", which is how a need meets a product that shares no word
 *     with it;
 *   - WordNet synsets of each word (synonyms meet: "holiday" and "vacation"
 *     share one) and their hypernyms at lower weight ("sedan" -> "car");
 *     kinds of the lexicon's anchor nouns evoke their concepts weakly
 *     ("japan" is a kind of country: abroad).
 * Repeated features grow logarithmically; the vector is L2-normalised; a
 * text without features (empty, only stop words) is the zero vector.
 *
 * Deterministic: the same text, lexicon and WordNet files give the same
 * bits. Thread-safe: everything built at open is read-only afterwards and
 * embed allocates its own scratch, so any number of threads may embed with
 * one encoder at once. */
#include "encoder/builtin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"

#define MAX_PHRASE 6      /* words in one lexicon phrase */
#define SENSES 3          /* senses of a word kept per part of speech */
#define HYPER_NODES 32    /* synsets visited per word when climbing */

/* The tuning of the served encoder (docs/builtin-encoder.md says how each
 * was chosen). Part of the id: changing one changes vectors. */
static const tl_builtin_weights default_weights = {
    .common = 0.3f,
    .number = 0.5f,
    .idf_max = 2.0f,
    .idf_slope = 0.15f,
    .idf_min = 0.7f,
    .idf_plain = 1.5f,
    .bigram = 0.5f,
    .concept = 2.0f,
    .anchor = 0.5f,
    .synset = 0.5f,
    .sense_decay = 0.6f,
    .hyper = 0.3f,
    .hyper_decay = 0.5f,
    .senses = 3,
    .hyper_depth = 2,
};

typedef struct phrase {
    uint64_t key;      /* hash of the phrase's stems in order */
    uint16_t concept;
    uint8_t len;       /* words */
    float weight;      /* 1 or 0.5 */
} phrase;

typedef struct anchor {
    tl_wn_synset synset;
    uint16_t concept;
} anchor;

typedef struct builtin {
    tl_encoder base;   /* first: the engine sees only this */
    tl_builtin_opts opts;
    tl_builtin_weights w;
    tl_wordnet *wn;    /* owned; NULL without WordNet */
    phrase *phrases;   /* owned, sorted by key */
    size_t n_phrases;
    size_t max_phrase; /* longest phrase, in words */
    anchor *anchors;   /* owned, sorted by synset */
    size_t n_anchors;
    uint64_t *evokes;  /* owned: noun synset -> concepts its ancestors anchor */
    int c_retirement;  /* concepts the age rule evokes, -1 if absent */
    int c_senior;
} builtin;

/* ---- hashing ---- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return mix64(h);
}

/* Feature kinds, so that the word "bank" and a synset that happens to
 * hash alike stay apart. */
enum { F_WORD = 1, F_BIGRAM, F_SYNSET };

static uint64_t feature_key(int kind, uint64_t h)
{
    uint64_t k = mix64(h ^ ((uint64_t)kind * 0x9e3779b97f4a7c15ull));
    return k ? k : 1; /* 0 marks an empty slot */
}

static uint64_t seq_step(uint64_t h, uint64_t word_hash)
{
    return mix64(h * 0x100000001b3ull + word_hash);
}

#define SEQ_SEED 0x243f6a8885a308d3ull

/* ---- per-text feature map ---- */

typedef struct fslot {
    uint64_t key;  /* 0 = empty */
    float base;    /* the feature's weight */
    float count;   /* hits, possibly fractional */
} fslot;

typedef struct fmap {
    fslot *slots;
    size_t mask, len;
} fmap;

static int fmap_init(fmap *m, size_t expected)
{
    size_t cap = 64;
    while (cap < 2 * expected)
        cap <<= 1;
    m->slots = calloc(cap, sizeof *m->slots);
    m->mask = cap - 1;
    m->len = 0;
    return m->slots ? 0 : TL_ENOMEM;
}

/* Doubles the table (it is kept at most half full). */
static int fmap_grow(fmap *m)
{
    fmap bigger;
    if (fmap_init(&bigger, m->mask + 1) != 0)
        return TL_ENOMEM;
    for (size_t i = 0; i <= m->mask; i++) {
        const fslot *s = &m->slots[i];
        if (!s->key)
            continue;
        size_t j = (size_t)s->key & bigger.mask;
        while (bigger.slots[j].key)
            j = (j + 1) & bigger.mask;
        bigger.slots[j] = *s;
        bigger.len++;
    }
    free(m->slots);
    *m = bigger;
    return 0;
}

static int fmap_add(fmap *m, uint64_t key, float base, float count)
{
    if (!(base > 0) || !(count > 0))
        return 0;
    if ((m->len + 1) * 2 > m->mask + 1 && fmap_grow(m) != 0)
        return TL_ENOMEM;
    size_t i = (size_t)key & m->mask;
    while (m->slots[i].key && m->slots[i].key != key)
        i = (i + 1) & m->mask;
    fslot *s = &m->slots[i];
    if (!s->key) {
        s->key = key;
        m->len++;
    }
    if (base > s->base)
        s->base = base;
    s->count += count;
    return 0;
}

/* Hits grow logarithmically: a product text that says "travel" five times is
 * not five times as much about travel. */
static float sublinear(float c)
{
    return c <= 1.0f ? c : 1.0f + logf(c);
}

/* ---- lexicon ---- */

static int cmp_phrase(const void *a, const void *b)
{
    const phrase *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (int)x->concept - (int)y->concept;
}

static int cmp_anchor(const void *a, const void *b)
{
    const anchor *x = a, *y = b;
    if (x->synset != y->synset)
        return x->synset < y->synset ? -1 : 1;
    return (int)x->concept - (int)y->concept;
}

static size_t count_items(const char *s)
{
    size_t n = s && *s ? 1 : 0;
    for (; s && *s; s++)
        n += *s == '|';
    return n;
}

/* Tokenises every phrase of the lexicon into a sorted table of stem-sequence
 * hashes. A phrase that leaves no words is a bug in lexicon.c. */
static int build_phrases(builtin *b, tl_err *err)
{
    size_t cap = 0;
    for (size_t c = 0; c < tl_lexicon_concept_count; c++)
        cap += count_items(tl_lexicon_concepts[c].phrases);
    b->phrases = calloc(cap ? cap : 1, sizeof *b->phrases);
    if (!b->phrases)
        return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
    tl_builtin_token toks[MAX_PHRASE + 1];
    char item[160];
    for (size_t c = 0; c < tl_lexicon_concept_count; c++) {
        const char *p = tl_lexicon_concepts[c].phrases;
        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            if (len == 0 || len >= sizeof item)
                return tl_err_set(err, TL_EINTERNAL, "lexicon: %s: bad phrase near \"%.20s\"",
                                  tl_lexicon_concepts[c].name, p);
            memcpy(item, p, len);
            item[len] = '\0';
            float weight = 1.0f;
            if (item[len - 1] == '~') {
                item[--len] = '\0';
                weight = 0.5f;
            }
            size_t n;
            int rc = tl_builtin_tokenize(item, toks, MAX_PHRASE + 1, &n, err);
            if (rc)
                return rc;
            if (n == 0 || n > MAX_PHRASE)
                return tl_err_set(err, TL_EINTERNAL, "lexicon: %s: phrase \"%s\" has %zu words",
                                  tl_lexicon_concepts[c].name, item, n);
            uint64_t h = SEQ_SEED;
            for (size_t i = 0; i < n; i++)
                h = seq_step(h, hash_str(toks[i].stem));
            b->phrases[b->n_phrases++] = (phrase){h, (uint16_t)c, (uint8_t)n, weight};
            if (n > b->max_phrase)
                b->max_phrase = n;
            p = bar ? bar + 1 : NULL;
        }
    }
    qsort(b->phrases, b->n_phrases, sizeof *b->phrases, cmp_phrase);
    /* one entry per (phrase, concept): "travel" and "travelling" stem alike */
    size_t k = 0;
    for (size_t i = 0; i < b->n_phrases; i++) {
        if (k && b->phrases[k - 1].key == b->phrases[i].key &&
            b->phrases[k - 1].concept == b->phrases[i].concept) {
            if (b->phrases[i].weight > b->phrases[k - 1].weight)
                b->phrases[k - 1].weight = b->phrases[i].weight;
            continue;
        }
        b->phrases[k++] = b->phrases[i];
    }
    b->n_phrases = k;
    return 0;
}

/* Resolves the anchor nouns ("lemma" or "lemma#sense") to synsets. An
 * anchor WordNet lacks is skipped with one warning: the lexicon was written
 * against WordNet 3.0. */
static int build_anchors(builtin *b, tl_err *err)
{
    size_t cap = 0;
    for (size_t c = 0; c < tl_lexicon_concept_count; c++)
        cap += count_items(tl_lexicon_concepts[c].anchors);
    b->anchors = calloc(cap ? cap : 1, sizeof *b->anchors);
    if (!b->anchors)
        return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
    size_t missing = 0;
    char first_missing[64] = "";
    for (size_t c = 0; c < tl_lexicon_concept_count; c++) {
        const char *p = tl_lexicon_concepts[c].anchors;
        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            char item[64];
            if (len == 0 || len >= sizeof item)
                return tl_err_set(err, TL_EINTERNAL, "lexicon: %s: bad anchor",
                                  tl_lexicon_concepts[c].name);
            memcpy(item, p, len);
            item[len] = '\0';
            size_t sense = 1;
            char *hash = strchr(item, '#');
            if (hash) {
                *hash = '\0';
                int64_t v;
                if (!tl_parse_i64(hash + 1, &v) || v < 1 || v > SENSES * 4)
                    return tl_err_set(err, TL_EINTERNAL, "lexicon: %s: bad anchor sense %s",
                                      tl_lexicon_concepts[c].name, hash + 1);
                sense = (size_t)v;
            }
            for (char *q = item; *q; q++)
                if (*q == ' ')
                    *q = '_'; /* WordNet's spelling of collocations */
            tl_wn_synset senses[SENSES * 4];
            char lemma[64];
            size_t n = tl_wordnet_lookup(b->wn, item, TL_WN_NOUN, lemma, sizeof lemma, senses,
                                         SENSES * 4);
            if (n >= sense && strcmp(lemma, item) == 0) {
                b->anchors[b->n_anchors++] = (anchor){senses[sense - 1], (uint16_t)c};
            } else if (missing++ == 0) {
                tl_strlcpy(first_missing, item, sizeof first_missing);
            }
            p = bar ? bar + 1 : NULL;
        }
    }
    if (missing)
        tl_log_warn("builtin encoder: %zu lexicon anchors not in WordNet (first: %s)", missing,
                    first_missing);
    qsort(b->anchors, b->n_anchors, sizeof *b->anchors, cmp_anchor);
    return 0;
}

/* First phrase entry with this key, or NULL. */
static const phrase *find_phrase(const builtin *b, uint64_t key)
{
    size_t lo = 0, hi = b->n_phrases;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->phrases[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->n_phrases && b->phrases[lo].key == key ? &b->phrases[lo] : NULL;
}

static const anchor *find_anchor(const builtin *b, tl_wn_synset s)
{
    size_t lo = 0, hi = b->n_anchors;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->anchors[mid].synset < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->n_anchors && b->anchors[lo].synset == s ? &b->anchors[lo] : NULL;
}

/* Concepts anchored at noun synset s itself. */
static uint64_t anchored_at(const builtin *b, tl_wn_synset s)
{
    uint64_t m = 0;
    for (const anchor *an = find_anchor(b, s);
         an && an < b->anchors + b->n_anchors && an->synset == s; an++)
        m |= 1ull << an->concept;
    return m;
}

/* evokes[s] = concepts anchored at any strict ancestor of s: "japan" is a
 * kind of country, so it evokes what "country" anchors; "country" itself
 * does not (the word says little alone). Memoised depth-first; state 1
 * marks a synset being visited, so a damaged file with a cycle cannot
 * loop. The hierarchy is about 20 levels deep, so recursion is bounded. */
static uint64_t evokes_of(builtin *b, uint8_t *state, size_t i, int depth)
{
    if (state[i] == 2 || depth > 64)
        return b->evokes[i];
    if (state[i] == 1)
        return 0;
    state[i] = 1;
    tl_wn_synset up[HYPER_NODES];
    size_t n = tl_wordnet_hypernyms(b->wn, TL_WN_SYNSET(TL_WN_NOUN, i), up, HYPER_NODES);
    uint64_t m = 0;
    for (size_t k = 0; k < n; k++) {
        if (TL_WN_POS_OF(up[k]) != TL_WN_NOUN)
            continue;
        m |= anchored_at(b, up[k]) | evokes_of(b, state, TL_WN_INDEX_OF(up[k]), depth + 1);
    }
    b->evokes[i] = m;
    state[i] = 2;
    return m;
}

static int build_evokes(builtin *b, tl_err *err)
{
    size_t n = tl_wordnet_synset_count(b->wn, TL_WN_NOUN);
    b->evokes = calloc(n ? n : 1, sizeof *b->evokes);
    uint8_t *state = calloc(n ? n : 1, 1); /* scratch, freed below */
    if (!b->evokes || !state) {
        free(state);
        return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        evokes_of(b, state, i, 0);
    free(state);
    return 0;
}

/* ---- analysis of one text ---- */

/* What WordNet says about one token. */
typedef struct token_info {
    float weight;                        /* 0 for stop words */
    uint64_t stem_hash;
    uint8_t n_senses[TL_WN_POS_COUNT];
    tl_wn_synset senses[TL_WN_POS_COUNT][SENSES];
    uint64_t phrase_concepts;            /* concepts a phrase over this token hit */
    bool muted;                          /* inside an idiom: not read literally */
} token_info;

typedef struct analysis {
    tl_builtin_token *toks;  /* malloc'd */
    token_info *info;        /* malloc'd */
    size_t n;
    float concepts[TL_BUILTIN_CONCEPT_DIMS]; /* hits per concept */
} analysis;

static void analysis_free(analysis *a)
{
    free(a->toks);
    free(a->info);
}

static float content_weight(const builtin *b, const tl_builtin_token *t, token_info *ti)
{
    if (!b->wn)
        return b->w.idf_plain;
    char lemma[64] = "";
    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        char l[64];
        tl_wn_synset all[4 * SENSES];
        size_t n = tl_wordnet_lookup(b->wn, t->word, pos, l, sizeof l, all, 4 * SENSES);
        if (n && !lemma[0])
            tl_strlcpy(lemma, l, sizeof lemma);
        /* WordNet lists "Tyre" (the city) before "tyre": names go first only
         * for a capitalised word, common senses otherwise (stable order) */
        size_t k = 0;
        if (pos == TL_WN_NOUN) {
            for (int pass = 0; pass < 2; pass++)
                for (size_t j = 0; j < n && k < (size_t)b->w.senses; j++)
                    if (tl_wordnet_is_proper(b->wn, all[j]) == (t->capital == (pass == 0)))
                        ti->senses[pos][k++] = all[j];
        } else {
            for (; k < n && k < (size_t)b->w.senses; k++)
                ti->senses[pos][k] = all[k];
        }
        ti->n_senses[pos] = (uint8_t)k;
    }
    uint32_t count = tl_wordnet_count(b->wn, lemma[0] ? lemma : t->word);
    float idf = b->w.idf_max - b->w.idf_slope * logf(1.0f + (float)count);
    return idf < b->w.idf_min ? b->w.idf_min : idf;
}

static bool is_age_cue(const char *w)
{
    static const char *const cues[] = {"past", "at", "age", "aged", "turn", "turning", "turned",
                                       "reach", "reaching", "till", "until", "by", "beyond",
                                       "after", "over", "above", "im", "am", "hit", "hitting",
                                       "when", "before", "retire", "retiring", "around"};
    for (size_t i = 0; i < sizeof cues / sizeof cues[0]; i++)
        if (strcmp(w, cues[i]) == 0)
            return true;
    return false;
}

static int concept_index(const char *name)
{
    for (size_t c = 0; c < tl_lexicon_concept_count; c++)
        if (strcmp(tl_lexicon_concepts[c].name, name) == 0)
            return (int)c;
    return -1;
}

/* Tokenises and finds the lexicon's concepts: phrases, the age rule
 * ("work past 60", "when I'm 65" speak of retirement), then WordNet
 * anchors for words no phrase explained. Fills a; the caller frees it. */
static int analyse(const builtin *b, const char *text, analysis *a, tl_err *err)
{
    memset(a, 0, sizeof *a);
    size_t len = text ? strlen(text) : 0;
    size_t cap = len / 2 + 1; /* a word takes a byte and a separator */
    if (cap > TL_BUILTIN_MAX_TOKENS)
        cap = TL_BUILTIN_MAX_TOKENS;
    a->toks = malloc(cap * sizeof *a->toks);
    if (!a->toks)
        return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
    int rc = tl_builtin_tokenize(text, a->toks, cap, &a->n, err);
    if (rc) {
        analysis_free(a);
        return rc;
    }
    a->info = calloc(a->n ? a->n : 1, sizeof *a->info);
    if (!a->info) {
        analysis_free(a);
        return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
    }
    for (size_t i = 0; i < a->n; i++) {
        const tl_builtin_token *t = &a->toks[i];
        token_info *ti = &a->info[i];
        ti->stem_hash = hash_str(t->stem);
        switch (t->kind) {
        case TL_BW_CONTENT: ti->weight = content_weight(b, t, ti); break;
        case TL_BW_COMMON: ti->weight = b->w.common; break;
        case TL_BW_NUMBER: ti->weight = b->w.number; break;
        default: ti->weight = 0; break;
        }
    }
    if (!b->opts.lexicon)
        return 0;

    /* phrases: idioms first ("sick of" mutes "sick"), then the concepts;
     * every concept a phrase evokes counts, a word may be in several */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < a->n; i++) {
            uint64_t h = SEQ_SEED;
            for (size_t k = 0; k < b->max_phrase && i + k < a->n; k++) {
                if (a->info[i + k].muted)
                    break;
                h = seq_step(h, a->info[i + k].stem_hash);
                const phrase *p = find_phrase(b, h);
                for (; p && p < b->phrases + b->n_phrases && p->key == h; p++) {
                    bool idiom = tl_lexicon_concepts[p->concept].name[0] == '-';
                    if (p->len != k + 1 || idiom != (pass == 0))
                        continue;
                    for (size_t j = i; j <= i + k; j++) {
                        if (idiom) {
                            a->info[j].muted = true;
                            a->info[j].weight = 0;
                        } else {
                            a->info[j].phrase_concepts |= 1ull << p->concept;
                        }
                    }
                    if (!idiom)
                        a->concepts[p->concept] += p->weight;
                }
            }
        }
    }

    /* ages: a number from 50 to 99 after a cue word or before "years old" */
    for (size_t i = 0; i < a->n; i++) {
        const tl_builtin_token *t = &a->toks[i];
        if (t->kind != TL_BW_NUMBER || t->number < 50 || t->number > 99)
            continue;
        /* "over 60" is an age, "over 80 countries" is not */
        const tl_builtin_token *nx = i + 1 < a->n ? &a->toks[i + 1] : NULL;
        bool bare = !nx || nx->kind == TL_BW_STOP || nx->kind == TL_BW_COMMON ||
                    strcmp(nx->stem, "year") == 0;
        bool cue = (i > 0 && bare && is_age_cue(a->toks[i - 1].word)) ||
                   (i + 1 < a->n && (strcmp(a->toks[i + 1].word, "yo") == 0 ||
                                     strcmp(a->toks[i + 1].word, "plus") == 0)) ||
                   (i + 2 < a->n && strcmp(a->toks[i + 1].stem, "year") == 0 &&
                    strcmp(a->toks[i + 2].word, "old") == 0);
        if (!cue)
            continue;
        if (b->c_retirement >= 0)
            a->concepts[b->c_retirement] += 1.0f;
        if (b->c_senior >= 0)
            a->concepts[b->c_senior] += t->number >= 60 ? 1.0f : 0.5f;
    }

    /* anchors: what the ancestors of each content word's first noun sense
     * evoke (precomputed at open) */
    if (!b->evokes || !b->opts.wordnet)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        token_info *ti = &a->info[i];
        if (a->toks[i].kind != TL_BW_CONTENT || ti->muted || ti->n_senses[TL_WN_NOUN] == 0)
            continue;
        uint64_t hit = b->evokes[TL_WN_INDEX_OF(ti->senses[TL_WN_NOUN][0])];
        hit &= ~ti->phrase_concepts; /* a phrase already said so, more strongly */
        for (size_t c = 0; c < tl_lexicon_concept_count; c++)
            if (hit & (1ull << c))
                a->concepts[c] += b->w.anchor;
    }
    return 0;
}

/* ---- embedding ---- */

static void project(const fmap *m, float *out)
{
    const size_t hashed = TL_BUILTIN_DIM - TL_BUILTIN_CONCEPT_DIMS;
    for (size_t i = 0; i <= m->mask; i++) {
        const fslot *s = &m->slots[i];
        if (!s->key)
            continue;
        uint64_t h = mix64(s->key);
        float v = s->base * sublinear(s->count);
        out[TL_BUILTIN_CONCEPT_DIMS + (size_t)((h >> 1) % hashed)] += (h & 1) ? -v : v;
    }
}

/* Adds one token's features: its stem, the pair it makes with the previous
 * weighted token, its WordNet senses and the hypernyms of each part of
 * speech's first sense. */
static int add_token_features(const builtin *b, const analysis *a, size_t i, size_t prev,
                              fmap *m)
{
    const token_info *ti = &a->info[i];
    int rc = fmap_add(m, feature_key(F_WORD, ti->stem_hash), ti->weight, 1.0f);
    if (!rc && b->opts.bigrams && prev != SIZE_MAX) {
        const token_info *tp = &a->info[prev];
        float w = b->w.bigram * sqrtf(tp->weight * ti->weight);
        rc = fmap_add(m, feature_key(F_BIGRAM, seq_step(tp->stem_hash, ti->stem_hash)), w,
                      1.0f);
    }
    if (rc || !b->opts.wordnet || !b->wn)
        return rc;
    for (int pos = 0; pos < TL_WN_POS_COUNT && !rc; pos++) {
        float w = b->w.synset * ti->weight;
        for (size_t k = 0; k < ti->n_senses[pos] && !rc; k++, w *= b->w.sense_decay)
            rc = fmap_add(m, feature_key(F_SYNSET, ti->senses[pos][k]), w, 1.0f);
        if (ti->n_senses[pos] == 0 || b->w.hyper_depth <= 0)
            continue;
        /* hypernyms of the first sense only: later senses are rarer and
         * their ancestors mostly noise */
        tl_wn_synset frontier[HYPER_NODES], next[HYPER_NODES];
        size_t nf = 1;
        frontier[0] = ti->senses[pos][0];
        float hw = b->w.hyper * ti->weight;
        for (int d = 1; d <= b->w.hyper_depth && nf && !rc; d++, hw *= b->w.hyper_decay) {
            size_t nn = 0;
            for (size_t f = 0; f < nf; f++)
                nn += tl_wordnet_hypernyms(b->wn, frontier[f], next + nn, HYPER_NODES - nn);
            for (size_t k = 0; k < nn && !rc; k++)
                rc = fmap_add(m, feature_key(F_SYNSET, next[k]), hw, 1.0f);
            memcpy(frontier, next, nn * sizeof *next);
            nf = nn;
        }
    }
    return rc;
}

/* Embeds one text into out[TL_BUILTIN_DIM]. Scratch (the analysis and the
 * feature map) is allocated here and freed before returning. */
static int embed_one(const builtin *b, const char *text, float *out, tl_err *err)
{
    memset(out, 0, TL_BUILTIN_DIM * sizeof *out);
    analysis a;
    int rc = analyse(b, text, &a, err);
    if (rc)
        return rc;
    fmap m;
    if (fmap_init(&m, 8 * a.n + 8) != 0)
        goto fail_alloc;
    size_t prev = SIZE_MAX; /* last token with a weight, for pairs */
    for (size_t i = 0; i < a.n; i++) {
        if (a.info[i].weight <= 0)
            continue;
        if (add_token_features(b, &a, i, prev, &m) != 0)
            goto fail_alloc;
        prev = i;
    }
    project(&m, out);
    for (size_t c = 0; c < tl_lexicon_concept_count; c++)
        if (a.concepts[c] > 0)
            out[c] = b->w.concept * sublinear(a.concepts[c]);
    double ss = 0;
    for (size_t i = 0; i < TL_BUILTIN_DIM; i++)
        ss += (double)out[i] * out[i];
    if (ss > 0) {
        float inv = (float)(1.0 / sqrt(ss));
        for (size_t i = 0; i < TL_BUILTIN_DIM; i++)
            out[i] *= inv;
    }
    free(m.slots);
    analysis_free(&a);
    return 0;
fail_alloc:
    free(m.slots);
    analysis_free(&a);
    return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
}

static int builtin_embed(tl_encoder *e, const char *const *texts, size_t n, float *out,
                         tl_err *err)
{
    const builtin *b = (const builtin *)e;
    for (size_t i = 0; i < n; i++) {
        int rc = embed_one(b, texts[i], out + i * TL_BUILTIN_DIM, err);
        if (rc)
            return tl_err_prefix(err, "text %zu", i);
    }
    return 0;
}

static void builtin_close(tl_encoder *e)
{
    builtin *b = (builtin *)e;
    if (!b)
        return;
    tl_wordnet_close(b->wn);
    free(b->phrases);
    free(b->anchors);
    free(b->evokes);
    free(b);
}

static const tl_encoder_ops builtin_ops = {builtin_embed, builtin_close};

void tl_builtin_weights_default(tl_builtin_weights *w)
{
    *w = default_weights;
}

void tl_builtin_opts_default(tl_builtin_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lexicon = true;
    o->wordnet = true;
    o->bigrams = true;
}

/* The id names the version, the lexicon and whether WordNet was used, and
 * ends in a hash of everything else that shapes vectors (lexicon text,
 * weights, options, the WordNet files' sizes), so that caches never mix
 * vectors of two configurations. "v1" is the code's version: bump it when
 * the tokeniser, stemmer or feature rules change. */
static void make_id(builtin *b)
{
    uint64_t h = hash_str(tl_lexicon_version);
    for (size_t c = 0; c < tl_lexicon_concept_count; c++) {
        h = seq_step(h, hash_str(tl_lexicon_concepts[c].name));
        h = seq_step(h, hash_str(tl_lexicon_concepts[c].phrases));
        if (tl_lexicon_concepts[c].anchors)
            h = seq_step(h, hash_str(tl_lexicon_concepts[c].anchors));
    }
    const unsigned char *wp = (const unsigned char *)&b->w;
    for (size_t i = 0; i < sizeof b->w; i++)
        h = seq_step(h, wp[i]);
    h = seq_step(h, (uint64_t)b->opts.lexicon | (uint64_t)b->opts.bigrams << 1 |
                        (uint64_t)(b->opts.wordnet && b->wn) << 2);
    h = seq_step(h, tl_wordnet_fingerprint(b->wn));
    snprintf(b->base.id, sizeof b->base.id, "builtin-v1-%s-%s%s%s-%08x", tl_lexicon_version,
             b->wn && b->opts.wordnet ? "wn30" : "nowordnet", b->opts.lexicon ? "" : "-nolex",
             b->opts.bigrams ? "" : "-nobigram", (unsigned)(h >> 32));
}

int tl_builtin_encoder_open_opts(const tl_builtin_opts *o, tl_encoder **out, tl_err *err)
{
    *out = NULL;
    if (tl_lexicon_concept_count > TL_BUILTIN_CONCEPT_DIMS)
        return tl_err_set(err, TL_EINTERNAL, "lexicon: %zu concepts, at most %d",
                          tl_lexicon_concept_count, TL_BUILTIN_CONCEPT_DIMS);
    builtin *b = calloc(1, sizeof *b);
    if (!b)
        return tl_err_set(err, TL_ENOMEM, "builtin encoder: out of memory");
    b->base.ops = &builtin_ops;
    b->base.dim = TL_BUILTIN_DIM;
    b->opts = *o;
    b->opts.wordnet_dir = NULL; /* not kept: the caller owns the string */
    b->w = o->weights ? *o->weights : default_weights;
    if (b->w.senses < 1 || b->w.senses > SENSES)
        b->w.senses = SENSES;
    if (b->w.hyper_depth > 8)
        b->w.hyper_depth = 8;
    int rc;

    /* WordNet also weighs words, so it is loaded even when its synsets are
     * not used as features */
    const char *dir = o->wordnet_dir;
    if (!dir)
        dir = getenv("TAILOR_WORDNET_DIR");
    if (!dir || !*dir)
        dir = TL_BUILTIN_WORDNET_DIR;
    tl_err wn_err;
    tl_err_clear(&wn_err);
    if (strcmp(dir, "none") != 0 && (o->wordnet || o->lexicon)) {
        rc = tl_wordnet_open(dir, &b->wn, &wn_err);
        if (rc == TL_ENOMEM) {
            rc = tl_err_set(err, TL_ENOMEM, "%s", wn_err.msg);
            goto fail_wordnet;
        }
        if (rc)
            tl_log_warn("builtin encoder: no WordNet (%s); matching on words and the banking "
                        "lexicon only (install Debian's wordnet-base)", wn_err.msg);
    }
    if ((rc = build_phrases(b, err)))
        goto fail_lexicon;
    if (b->wn && ((rc = build_anchors(b, err)) || (rc = build_evokes(b, err))))
        goto fail_lexicon;
    b->c_retirement = concept_index("retirement");
    b->c_senior = concept_index("senior");
    make_id(b);
    *out = &b->base;
    return 0;
fail_lexicon:
fail_wordnet:
    builtin_close(&b->base);
    return rc;
}

int tl_builtin_encoder_open(tl_encoder **out, tl_err *err)
{
    tl_builtin_opts o;
    tl_builtin_opts_default(&o);
    return tl_builtin_encoder_open_opts(&o, out, err);
}

bool tl_builtin_encoder_has_wordnet(const tl_encoder *e)
{
    return e && e->ops == &builtin_ops && ((const builtin *)e)->wn != NULL;
}

int tl_builtin_encoder_explain(const tl_encoder *e, const char *text, char *buf, size_t cap,
                               tl_err *err)
{
    if (!e || e->ops != &builtin_ops || cap == 0)
        return tl_err_set(err, TL_EUSAGE, "explain: not a built-in encoder");
    const builtin *b = (const builtin *)e;
    analysis a;
    int rc = analyse(b, text, &a, err);
    if (rc)
        return rc;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < tl_lexicon_concept_count; c++) {
        if (a.concepts[c] <= 0)
            continue;
        int k = snprintf(buf + used, cap - used, "%s%s:%.2f", used ? "," : "",
                         tl_lexicon_concepts[c].name, (double)a.concepts[c]);
        if (k < 0 || (size_t)k >= cap - used) {
            analysis_free(&a);
            return tl_err_set(err, TL_ETOOBIG, "explain: buffer too small");
        }
        used += (size_t)k;
    }
    analysis_free(&a);
    return 0;
}
