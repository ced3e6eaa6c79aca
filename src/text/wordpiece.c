/* wordpiece.c — Hugging Face BertTokenizer, re-derived in one pass.
 *
 * The reference runs a chain of whole-string passes (split on special
 * tokens, lower-case, clean, space out CJK, split on whitespace, NFD and
 * drop marks, split on punctuation, WordPiece). Each step only ever looks
 * inside one word, so here one left-to-right scan over the bytes does them
 * all: a character is cleaned, classified, lower-cased and decomposed as it
 * is read and appended to the current word; a separator ends the word and
 * the word is looked up. Nothing is allocated while encoding. The rules,
 * and why each matches the reference, are in docs/tokenizer.md. */
#include "text/wordpiece.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/utf8.h"

#define WP_MAX_WORD_CHARS 100            /* HF max_input_chars_per_word */
#define WP_MAX_VOCAB_BYTES (64u << 20)   /* a large multilingual vocab is ~1 MiB */
#define WP_DECOMP_MAX 16                 /* canonical decompositions are <= 4 */

/* --- vocabulary hash table -------------------------------------------------
 * Open addressing over (hash, id + 1) pairs; the token bytes stay in the
 * loaded vocab text. The hash is FNV-1a over the token's bytes, so the hash
 * of "##" + s can be computed from s without building the string: the scan
 * starts from the state after "##" (cont_seed). */

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static inline uint32_t hash_step(uint32_t h, unsigned char b)
{
    return (h ^ b) * FNV_PRIME;
}

static inline uint32_t hash_final(uint32_t h)
{
    /* FNV's low bits are weak; the slot index uses them, so mix. */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

typedef struct wp_slot {
    uint32_t hash;
    uint32_t id1;   /* id + 1; 0 marks an empty slot */
} wp_slot;

typedef struct wp_tok {
    uint32_t off;   /* the token is blob[off .. off + len), NUL after it */
    uint32_t len;
} wp_tok;

/* What an ASCII byte does in the scan. */
enum { ASC_WORD, ASC_SPACE, ASC_SKIP, ASC_PUNCT };

/* The strings BertTokenizer never splits (its all_special_tokens). They are
 * cut out of the raw text wherever they occur, before any other step. */
static const struct {
    const char *s;
    size_t len;
} wp_specials[] = {
    {"[PAD]", 5}, {"[UNK]", 5}, {"[CLS]", 5}, {"[SEP]", 5}, {"[MASK]", 6},
};
#define WP_NSPECIAL (sizeof wp_specials / sizeof wp_specials[0])

struct tl_wordpiece {
    char *blob;              /* owned: the vocab text, line ends replaced by NULs */
    wp_tok *tok;             /* owned: n_ids entries */
    size_t n_ids;
    wp_slot *slots;          /* owned: mask + 1 entries */
    uint32_t mask;
    size_t max_plain;        /* longest token, in bytes */
    size_t max_cont;         /* longest "##" token, in bytes after the "##" */
    uint32_t cont_seed;      /* hash state after "##" */
    int32_t cls, sep, unk;
    int32_t special[WP_NSPECIAL];   /* ids of wp_specials (unk when absent) */
    int32_t ascii_id[128];          /* id of each ASCII char as a whole word */
    uint8_t ascii_class[128];       /* ASC_* */
    uint8_t ascii_fold[128];        /* the byte stored for a word char (lower-cased or not) */
    bool lowercase;
    bool prop_fast;                 /* utf8proc marks "no mapping" as we expect */
};

static int32_t wp_find(const tl_wordpiece *wp, uint32_t h, const char *s, size_t n, bool cont)
{
    for (uint32_t i = h & wp->mask;; i = (i + 1) & wp->mask) {
        const wp_slot *sl = &wp->slots[i];
        if (!sl->id1)
            return -1;
        if (sl->hash != h)
            continue;
        const wp_tok *t = &wp->tok[sl->id1 - 1];
        const char *p = wp->blob + t->off;
        if (cont) {
            if (t->len == n + 2 && p[0] == '#' && p[1] == '#' && memcmp(p + 2, s, n) == 0)
                return (int32_t)(sl->id1 - 1);
        } else if (t->len == n && memcmp(p, s, n) == 0) {
            return (int32_t)(sl->id1 - 1);
        }
    }
}

static uint32_t hash_bytes(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = hash_step(h, (unsigned char)s[i]);
    return h;
}

int32_t tl_wordpiece_lookup(const tl_wordpiece *wp, const char *token, size_t len)
{
    if (!wp || (!token && len))
        return -1;
    return wp_find(wp, hash_final(hash_bytes(FNV_OFFSET, token, len)), token, len, false);
}

/* Adds id; a token seen before now maps to the later id (the reference
 * builds a dict line by line). */
static void wp_insert(tl_wordpiece *wp, uint32_t id)
{
    const wp_tok *t = &wp->tok[id];
    const char *p = wp->blob + t->off;
    uint32_t h = hash_final(hash_bytes(FNV_OFFSET, p, t->len));
    for (uint32_t i = h & wp->mask;; i = (i + 1) & wp->mask) {
        wp_slot *sl = &wp->slots[i];
        if (!sl->id1) {
            sl->hash = h;
            sl->id1 = id + 1;
            return;
        }
        const wp_tok *o = &wp->tok[sl->id1 - 1];
        if (sl->hash == h && o->len == t->len && memcmp(wp->blob + o->off, p, t->len) == 0) {
            sl->id1 = id + 1;
            return;
        }
    }
}

/* --- loading ---------------------------------------------------------------- */

static bool is_ascii_punct(uint32_t c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
}

static void wp_init_ascii(tl_wordpiece *wp)
{
    for (uint32_t c = 0; c < 128; c++) {
        uint8_t cls;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            cls = ASC_SPACE;
        else if (c < 0x20 || c == 0x7F)
            cls = ASC_SKIP;   /* Cc: removed by the cleaning step */
        else if (is_ascii_punct(c))
            cls = ASC_PUNCT;
        else
            cls = ASC_WORD;   /* letters and digits */
        wp->ascii_class[c] = cls;
        wp->ascii_fold[c] = (uint8_t)(wp->lowercase && c >= 'A' && c <= 'Z' ? c + 32 : c);
        char s = (char)c;
        int32_t id = tl_wordpiece_lookup(wp, &s, 1);
        wp->ascii_id[c] = id >= 0 ? id : wp->unk;
    }
}

/* The encoder's fast path reads two fields of utf8proc's public property
 * record, where UINT16_MAX means "no mapping" (as in utf8proc 2.x). Should a
 * later utf8proc change that, this check fails and every character takes
 * the general path (same answers, a little slower). */
static bool wp_props_as_expected(void)
{
    const utf8proc_property_t *a = utf8proc_get_property('a');
    const utf8proc_property_t *A = utf8proc_get_property('A');
    const utf8proc_property_t *e = utf8proc_get_property(0xE9);   /* é */
    return a->lowercase_seqindex == UINT16_MAX && a->decomp_seqindex == UINT16_MAX &&
           A->lowercase_seqindex != UINT16_MAX && e->decomp_seqindex != UINT16_MAX &&
           utf8proc_tolower('A') == 'a';
}

int tl_wordpiece_load_mem(const char *data, size_t len, const char *name, bool lowercase,
                          tl_wordpiece **out, tl_err *err)
{
    if (!out || (!data && len))
        return tl_err_set(err, TL_EINPUT, "wordpiece: no vocabulary given");
    *out = NULL;
    if (!name)
        name = "vocab";
    if (len > WP_MAX_VOCAB_BYTES)
        return tl_err_set(err, TL_ETOOBIG, "%s: vocabulary larger than %u MiB", name,
                          WP_MAX_VOCAB_BYTES >> 20);
    size_t bad;
    if (!tl_utf8_check(data, len, &bad)) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += data[i] == '\n' || (data[i] == '\r' && (i + 1 >= len || data[i + 1] != '\n'));
        return tl_err_set(err, TL_EINPUT, "%s:%zu: vocabulary is not valid UTF-8", name, line);
    }

    int rc = TL_ENOMEM;
    tl_wordpiece *wp = calloc(1, sizeof *wp);
    if (!wp)
        goto fail_alloc;
    wp->lowercase = lowercase;
    wp->blob = malloc(len + 1);
    if (!wp->blob)
        goto fail_alloc;
    if (len)
        memcpy(wp->blob, data, len);
    wp->blob[len] = '\0';

    /* Lines as Python's text mode reads them: "\r\n", "\r" and "\n" all end
     * a line, and a last line without an ending still counts. */
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= len || data[i + 1] != '\n')))
            lines++;
    if (len && data[len - 1] != '\n' && data[len - 1] != '\r')
        lines++;
    if (lines == 0) {
        rc = tl_err_set(err, TL_EINPUT, "%s: vocabulary is empty", name);
        goto fail;
    }
    wp->tok = malloc(lines * sizeof *wp->tok);
    if (!wp->tok)
        goto fail_alloc;
    size_t start = 0, id = 0;
    for (size_t i = 0; i <= len && id < lines; i++) {
        bool end = i == len || data[i] == '\n' || data[i] == '\r';
        if (!end)
            continue;
        wp->tok[id].off = (uint32_t)start;
        wp->tok[id].len = (uint32_t)(i - start);
        id++;
        wp->blob[i] = '\0';
        if (i < len && data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
            i++;
        start = i + 1;
    }
    wp->n_ids = lines;

    size_t slots = 16;
    while (slots < 2 * lines)
        slots *= 2;
    wp->slots = calloc(slots, sizeof *wp->slots);
    if (!wp->slots)
        goto fail_alloc;
    wp->mask = (uint32_t)(slots - 1);
    for (size_t i = 0; i < lines; i++) {
        wp_insert(wp, (uint32_t)i);
        const wp_tok *t = &wp->tok[i];
        const char *p = wp->blob + t->off;
        if (t->len > wp->max_plain)
            wp->max_plain = t->len;
        if (t->len >= 2 && p[0] == '#' && p[1] == '#' && t->len - 2 > wp->max_cont)
            wp->max_cont = t->len - 2;
    }
    wp->cont_seed = hash_bytes(FNV_OFFSET, "##", 2);

    static const char *const required[] = {"[CLS]", "[SEP]", "[UNK]"};
    int32_t *const req_ids[] = {&wp->cls, &wp->sep, &wp->unk};
    for (size_t i = 0; i < 3; i++) {
        *req_ids[i] = tl_wordpiece_lookup(wp, required[i], strlen(required[i]));
        if (*req_ids[i] < 0) {
            rc = tl_err_set(err, TL_EINPUT, "%s: vocabulary has no %s token", name, required[i]);
            goto fail;
        }
    }
    for (size_t i = 0; i < WP_NSPECIAL; i++) {
        int32_t sid = tl_wordpiece_lookup(wp, wp_specials[i].s, wp_specials[i].len);
        wp->special[i] = sid >= 0 ? sid : wp->unk;
    }
    wp_init_ascii(wp);
    wp->prop_fast = wp_props_as_expected();
    *out = wp;
    return TL_OK;

fail_alloc:
    rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory loading the vocabulary", name);
fail:
    tl_wordpiece_free(wp);
    return rc;
}

int tl_wordpiece_load(const char *vocab_path, bool lowercase, tl_wordpiece **out, tl_err *err)
{
    if (!vocab_path || !out)
        return tl_err_set(err, TL_EINPUT, "wordpiece: no vocabulary path given");
    *out = NULL;
    FILE *f = fopen(vocab_path, "rb");
    if (!f)
        return tl_err_set(err, errno == ENOENT ? TL_ENOTFOUND : TL_EIO,
                          "%s: cannot open the vocabulary: %m", vocab_path);
    int rc = TL_OK;
    size_t cap = 1 << 18, n = 0;
    char *text = malloc(cap);
    if (!text) {
        rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory", vocab_path);
        goto done;
    }
    for (;;) {
        if (n == cap) {
            if (cap > WP_MAX_VOCAB_BYTES) {
                rc = tl_err_set(err, TL_ETOOBIG, "%s: vocabulary larger than %u MiB", vocab_path,
                                WP_MAX_VOCAB_BYTES >> 20);
                goto done;
            }
            char *p = realloc(text, cap * 2);
            if (!p) {
                rc = tl_err_set(err, TL_ENOMEM, "%s: out of memory", vocab_path);
                goto done;
            }
            text = p;
            cap *= 2;
        }
        size_t r = fread(text + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        rc = tl_err_set(err, TL_EIO, "%s: read error", vocab_path);
        goto done;
    }
    rc = tl_wordpiece_load_mem(text, n, vocab_path, lowercase, out, err);
done:
    free(text);
    fclose(f);
    return rc;
}

size_t tl_wordpiece_vocab_size(const tl_wordpiece *wp)
{
    return wp ? wp->n_ids : 0;
}

const char *tl_wordpiece_token(const tl_wordpiece *wp, int32_t id, size_t *len)
{
    if (!wp || id < 0 || (size_t)id >= wp->n_ids)
        return NULL;
    if (len)
        *len = wp->tok[id].len;
    return wp->blob + wp->tok[id].off;
}

void tl_wordpiece_free(tl_wordpiece *wp)
{
    if (!wp)
        return;
    free(wp->blob);
    free(wp->tok);
    free(wp->slots);
    free(wp);
}

/* --- encoding --------------------------------------------------------------- */

/* The scan's state: where ids go and the word being built. Lives on the
 * caller's stack (about 2 KiB). The word is kept twice: as characters (for
 * the canonical reordering below) and as the UTF-8 bytes the lookup needs,
 * with the hash of those bytes, so a word found whole costs one probe. */
typedef struct wp_enc {
    const tl_wordpiece *wp;
    int32_t *out;        /* where word pieces go (the caller's ids + 1) */
    size_t cap;          /* pieces that fit: max_ids - 2 */
    size_t n;            /* pieces written */
    size_t wlen;         /* characters in the word; may pass the cap (then [UNK]) */
    size_t run;          /* start of the current run of combining characters */
    size_t nb;           /* bytes in wb */
    uint32_t h;          /* FNV state over wb[0..nb) */
    bool moved;          /* a combining character moved: wb, at, h are stale */
    uint32_t w[WP_MAX_WORD_CHARS];
    uint8_t ccc[WP_MAX_WORD_CHARS];   /* canonical combining class of w[i] */
    uint16_t at[WP_MAX_WORD_CHARS + 1];   /* byte offset of each character */
    char wb[WP_MAX_WORD_CHARS * 4];
} wp_enc;

static inline void wp_emit(wp_enc *e, int32_t id)
{
    if (e->n < e->cap)
        e->out[e->n++] = id;
}

static inline void wp_push_ascii(wp_enc *e, unsigned char c)
{
    size_t i = e->wlen++;
    if (i >= WP_MAX_WORD_CHARS)
        return;
    e->w[i] = c;
    e->ccc[i] = 0;
    e->run = i + 1;
    e->at[i] = (uint16_t)e->nb;
    e->wb[e->nb++] = (char)c;
    e->h = hash_step(e->h, c);
}

/* Appends one character to the word. NFD puts each run of combining
 * characters (class > 0) in stable class order; the marks among them are
 * dropped, but a kept one (a spacing mark such as U+1D165) still moves, so
 * it is inserted in order here. Past 100 characters only the count matters. */
static void wp_push(wp_enc *e, uint32_t c, uint8_t ccc)
{
    size_t i = e->wlen++;
    if (i >= WP_MAX_WORD_CHARS)
        return;
    size_t end = i;
    if (ccc == 0) {
        e->run = i + 1;
    } else {
        while (i > e->run && e->ccc[i - 1] > ccc) {
            e->w[i] = e->w[i - 1];
            e->ccc[i] = e->ccc[i - 1];
            i--;
        }
        e->moved |= i != end;
    }
    e->w[i] = c;
    e->ccc[i] = ccc;
    e->at[end] = (uint16_t)e->nb;
    size_t k = tl_utf8_encode(c, e->wb + e->nb);
    for (size_t b = 0; b < k; b++)
        e->h = hash_step(e->h, (unsigned char)e->wb[e->nb + b]);
    e->nb += k;
}

/* Rebuilds the bytes, offsets and hash after a reordering (rare). */
static void wp_rebuild(wp_enc *e)
{
    e->nb = 0;
    e->h = FNV_OFFSET;
    for (size_t i = 0; i < e->wlen; i++) {
        e->at[i] = (uint16_t)e->nb;
        size_t k = tl_utf8_encode(e->w[i], e->wb + e->nb);
        for (size_t b = 0; b < k; b++)
            e->h = hash_step(e->h, (unsigned char)e->wb[e->nb + b]);
        e->nb += k;
    }
    e->moved = false;
}

/* Greedy longest-match-first over the finished word: the longest prefix in
 * the vocabulary, then the longest "##" piece from where it ended, and so
 * on; if any position has no piece, the whole word is [UNK]. Candidates
 * longer than the vocabulary's longest token are skipped (they cannot
 * match), which bounds the work per word. The caller has already tried the
 * whole word. */
static void wp_word_pieces(wp_enc *e)
{
    const tl_wordpiece *wp = e->wp;
    size_t k = e->wlen;
    const uint16_t *at = e->at;
    const char *buf = e->wb;
    int32_t pieces[WP_MAX_WORD_CHARS];
    uint32_t state[WP_MAX_WORD_CHARS + 1];
    size_t np = 0, start = 0;
    while (start < k) {
        bool cont = start > 0;
        size_t maxb = cont ? wp->max_cont : wp->max_plain;
        uint32_t h = cont ? wp->cont_seed : FNV_OFFSET;
        size_t end = start;
        while (end < k && (size_t)(at[end + 1] - at[start]) <= maxb) {
            for (size_t b = at[end]; b < at[end + 1]; b++)
                h = hash_step(h, (unsigned char)buf[b]);
            state[++end] = h;
        }
        int32_t id = -1;
        for (; end > start; end--) {
            id = wp_find(wp, hash_final(state[end]), buf + at[start], at[end] - at[start], cont);
            if (id >= 0)
                break;
        }
        if (id < 0) {
            wp_emit(e, wp->unk);
            return;
        }
        pieces[np++] = id;
        start = end;
    }
    for (size_t i = 0; i < np; i++)
        wp_emit(e, pieces[i]);
}

static void wp_flush(wp_enc *e)
{
    if (e->wlen == 0)
        return;
    const tl_wordpiece *wp = e->wp;
    if (e->wlen > WP_MAX_WORD_CHARS) {
        wp_emit(e, wp->unk);
    } else {
        if (e->moved)
            wp_rebuild(e);
        e->at[e->wlen] = (uint16_t)e->nb;
        int32_t id = -1;
        if (e->nb == 1)
            id = wp->ascii_id[(unsigned char)e->wb[0]];   /* a lone letter or digit */
        else if (e->nb <= wp->max_plain)
            id = wp_find(wp, hash_final(e->h), e->wb, e->nb, false);
        if (id >= 0)
            wp_emit(e, id);
        else
            wp_word_pieces(e);
    }
    e->wlen = 0;
    e->run = 0;
    e->nb = 0;
    e->h = FNV_OFFSET;
}

static bool is_punct(uint32_t c, int cat)
{
    return is_ascii_punct(c) || (cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO);
}

/* One character of the decomposed (or, uncased, the original) text, with
 * its utf8proc properties: drop nonspacing marks, cut punctuation out as a
 * word of its own, append the rest. A dropped mark of class 0 still ends a
 * combining run. */
static void wp_put(wp_enc *e, uint32_t c, const utf8proc_property_t *p, bool strip)
{
    if (strip && p->category == UTF8PROC_CATEGORY_MN) {
        if (p->combining_class == 0)
            e->run = e->wlen;
        return;
    }
    if (is_punct(c, p->category)) {
        wp_flush(e);
        wp_push(e, c, 0);
        wp_flush(e);
        return;
    }
    wp_push(e, c, strip ? (uint8_t)p->combining_class : 0);
}

#define WP_HANGUL_FIRST 0xAC00   /* decomposed by rule, not by table */
#define WP_HANGUL_LAST 0xD7A3

/* Lower-cases and decomposes c (when the model is uncased) and feeds the
 * result to wp_put. Python's str.lower() is the simple mapping except for
 * U+0130, which becomes "i" + U+0307; the mark is stripped right after, so
 * utf8proc's simple mapping (U+0130 -> "i") gives the same word. Final
 * sigma does not arise: the reference lower-cases one character at a time
 * (see docs/tokenizer.md). */
static void wp_char(wp_enc *e, uint32_t c, const utf8proc_property_t *p)
{
    if (!e->wp->lowercase) {
        wp_put(e, c, p, false);
        return;
    }
    /* Most characters (Cyrillic lower case, Arabic, Thai, CJK, emoji) have
     * neither a lower-case mapping nor a decomposition: one lookup, done. */
    if (e->wp->prop_fast && p->lowercase_seqindex == UINT16_MAX &&
        p->decomp_seqindex == UINT16_MAX &&
        (c < WP_HANGUL_FIRST || c > WP_HANGUL_LAST)) {
        wp_put(e, c, p, true);
        return;
    }
    utf8proc_int32_t lc = utf8proc_tolower((utf8proc_int32_t)c);
    utf8proc_int32_t d[WP_DECOMP_MAX];
    int boundclass = 0;
    utf8proc_ssize_t m = utf8proc_decompose_char(lc, d, WP_DECOMP_MAX, UTF8PROC_DECOMPOSE,
                                                 &boundclass);
    if (m < 1 || m > WP_DECOMP_MAX) {
        d[0] = lc;   /* cannot happen for a valid scalar; keep the character */
        m = 1;
    }
    for (utf8proc_ssize_t i = 0; i < m; i++)
        wp_put(e, (uint32_t)d[i], utf8proc_get_property(d[i]), true);
}

/* The CJK Unified Ideograph blocks BERT spaces out (BasicTokenizer's own
 * list, a model property rather than Unicode data: Hangul, kana and the
 * later extension blocks are deliberately not in it). */
static bool is_bert_cjk(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

/* A character outside ASCII: the cleaning step (drop U+FFFD, Cc and Cf;
 * Zs is a space), whitespace (Zs, and U+2028/U+2029, which Python's
 * str.split() also splits on), CJK spacing, then the word steps. */
static void wp_scan_char(wp_enc *e, uint32_t c)
{
    if (c == TL_UTF8_REPLACEMENT)
        return;
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)c);
    switch (p->category) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
        return;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        wp_flush(e);
        return;
    default:
        break;
    }
    if (is_bert_cjk(c)) {
        wp_flush(e);
        wp_char(e, c, p);
        wp_flush(e);
        return;
    }
    wp_char(e, c, p);
}

/* Length of the special token at s[0..len) (which starts with '['), its
 * index in *which; 0 when there is none. */
static size_t wp_special_at(const unsigned char *s, size_t len, size_t *which)
{
    for (size_t i = 0; i < WP_NSPECIAL; i++) {
        size_t n = wp_specials[i].len;
        if (n <= len && memcmp(s, wp_specials[i].s, n) == 0) {
            *which = i;
            return n;
        }
    }
    return 0;
}

int tl_wordpiece_encode(const tl_wordpiece *wp, const char *text, size_t len, int32_t *ids,
                        size_t max_ids, size_t *n, tl_err *err)
{
    if (!wp || !ids || !n || (!text && len))
        return tl_err_set(err, TL_EINPUT, "wordpiece: NULL argument");
    if (max_ids < 2)
        return tl_err_set(err, TL_EINPUT, "wordpiece: max_ids %zu leaves no room for [CLS] [SEP]",
                          max_ids);
    wp_enc e;
    e.wp = wp;
    e.out = ids + 1;
    e.cap = max_ids - 2;
    e.n = 0;
    e.wlen = 0;
    e.run = 0;
    e.nb = 0;
    e.h = FNV_OFFSET;
    e.moved = false;

    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    /* Stops as soon as the ids are full: the rest would be truncated. */
    while (i < len && e.n < e.cap) {
        unsigned char b = s[i];
        if (b >= 0x80) {
            uint32_t c;
            i += tl_utf8_decode(s + i, len - i, &c);
            wp_scan_char(&e, c);
            continue;
        }
        switch (wp->ascii_class[b]) {
        case ASC_WORD:
            /* The common case: a run of ASCII letters and digits. */
            do {
                wp_push_ascii(&e, wp->ascii_fold[b]);
                if (++i == len)
                    break;
                b = s[i];
            } while (b < 0x80 && wp->ascii_class[b] == ASC_WORD);
            continue;
        case ASC_SPACE:
            wp_flush(&e);
            break;
        case ASC_SKIP:
            break;
        case ASC_PUNCT: {
            size_t which = 0, sl = b == '[' ? wp_special_at(s + i, len - i, &which) : 0;
            wp_flush(&e);
            if (sl) {
                wp_emit(&e, wp->special[which]);
                i += sl;
                continue;
            }
            wp_emit(&e, wp->ascii_id[b]);
            break;
        }
        }
        i++;
    }
    wp_flush(&e);
    ids[0] = wp->cls;
    ids[e.n + 1] = wp->sep;
    *n = e.n + 2;
    return TL_OK;
}
