/* eligibility_parse.c — eligibility text and product fields into rules.
 *
 * Three steps, all on the stack:
 *  1. lex: the text becomes word, number, dash and slash tokens, each with
 *     its byte span in the source and its segment (clauses split at ',', ';',
 *     '.' and newlines outside parentheses). Numbers carry their currency
 *     ($, ₹, Rs, '?' where an export lost the rupee sign), a trailing '+',
 *     '%', and Indian or Western multipliers (1,00,000; 2 lakh; 60k).
 *  2. match: small matchers, in a fixed order, each claiming the tokens it
 *     understood and emitting rules (no credit check, credit scores, money,
 *     ages, credit tiers, income tiers, employment, assets, accounts, and
 *     last the groups of people: individuals, minors, businesses, ...).
 *  3. leftovers: every segment with an unclaimed word that carries meaning
 *     is kept as text in `unparsed`, so the UI can show it; it never
 *     excludes anyone.
 * Rules are then ordered by where they appear in the text. */
#include "recommend/eligibility.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"

#define MAX_TOKS 512
#define MAX_CAND 40  /* candidate rules per parse, before the cap of 16 */

enum { T_WORD = 1, T_NUM, T_DASH, T_SLASH };
enum { NF_MONEY = 1, NF_PLUS = 2, NF_PERCENT = 4, NF_INT = 8, NF_ANNUAL = 16, NF_INCOME = 32 };
enum { U_FREE = 0, U_RULE, U_NOTE };  /* U_NOTE: claimed, but not by a rule (groups, fillers) */

typedef struct tok {
    uint8_t type, flags, used;
    uint16_t seg;
    char w[24];       /* lower-case word (cut at 23 bytes) */
    char cur[4];      /* numbers: currency code or "" */
    double v;         /* numbers: value */
    uint32_t b, e;    /* byte span in the source */
} tok;

typedef struct cand {
    tl_rule r;
    uint32_t pos;     /* byte offset of the phrase, for text order */
} cand;

/* Where rules go: shared by the texts of one product. */
typedef struct sink {
    cand *cands;
    size_t *n_cands;
    int source;           /* tl_rule_source for rules added */
    tl_eligibility *out;  /* for `unparsed` */
} sink;

typedef struct pctx {
    sink k;
    const char *src;
    size_t len;           /* bytes lexed (<= TL_ELIG_TEXT_MAX) */
    size_t full_len;
    tok t[MAX_TOKS];
    size_t n;
    uint16_t nseg;
} pctx;

/* ---- small helpers ------------------------------------------------------- */

static bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* True for a whole number; the range check keeps the cast defined for
 * values multiplied past int64 ("1e15 k k"). */
static bool is_whole(double v)
{
    return v > -9e15 && v < 9e15 && v == (double)(int64_t)v;
}

static bool in_list(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

static bool wis(const pctx *c, size_t i, const char *w)
{
    return i < c->n && c->t[i].type == T_WORD && strcmp(c->t[i].w, w) == 0;
}

static bool win(const pctx *c, size_t i, const char *const *list)
{
    return i < c->n && c->t[i].type == T_WORD && in_list(c->t[i].w, list);
}

static bool same_seg(const pctx *c, size_t i, size_t j)
{
    return i < c->n && j < c->n && c->t[i].seg == c->t[j].seg;
}

/* Index of the first token of i's segment. */
static size_t seg_first(const pctx *c, size_t i)
{
    while (i > 0 && c->t[i - 1].seg == c->t[i].seg)
        i--;
    return i;
}

/* One past the last token of i's segment. */
static size_t seg_end(const pctx *c, size_t i)
{
    size_t k = i;
    while (k + 1 < c->n && c->t[k + 1].seg == c->t[i].seg)
        k++;
    return k + 1;
}

static bool seg_has(const pctx *c, size_t i, const char *const *list)
{
    for (size_t k = seg_first(c, i), end = seg_end(c, i); k < end; k++)
        if (win(c, k, list))
            return true;
    return false;
}

static void claim(pctx *c, size_t from, size_t to_incl, int how)
{
    for (size_t k = from; k <= to_incl && k < c->n; k++)
        if (c->t[k].used == U_FREE || how == U_RULE)
            c->t[k].used = (uint8_t)how;
}

/* Copies src[b..e) into dst as one clean line of valid UTF-8: blanks
 * collapsed, control bytes and invalid sequences dropped, surrounding
 * punctuation trimmed, an unbalanced '(' closed when the source closes it
 * right after, cut at a character boundary. */
static void copy_span(const char *src, size_t srclen, size_t b, size_t e, char *dst, size_t size)
{
    if (size == 0)
        return;
    if (e > srclen)
        e = srclen;
    while (b < e && (src[b] == ' ' || src[b] == ',' || src[b] == ';' || src[b] == '.' ||
                     src[b] == ')' || (unsigned char)src[b] < 0x20))
        b++;
    int depth = 0;
    for (size_t k = b; k < e; k++)
        depth += src[k] == '(' ? 1 : src[k] == ')' ? -1 : 0;
    if (depth > 0) {
        size_t k = e;
        while (k < srclen && src[k] == ' ')
            k++;
        if (k < srclen && src[k] == ')')
            e = k + 1;
    }
    size_t o = 0;
    bool space = false;
    for (size_t k = b; k < e;) {
        unsigned char ch = (unsigned char)src[k];
        size_t n = 1;
        uint32_t cp = ch;
        if (ch >= 0x80) {
            /* Lead bytes: C2-DF two, E0-EF three, F0-F4 four; 80-C1 and F5-FF
             * never start a character. */
            n = ch >= 0xC2 && ch <= 0xDF ? 2 : ch >= 0xE0 && ch <= 0xEF ? 3
                : ch >= 0xF0 && ch <= 0xF4                             ? 4
                                                                       : 0;
            bool ok = n > 0 && k + n <= e;
            if (ok) {
                cp = ch & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
                for (size_t j = 1; j < n; j++) {
                    unsigned char cc = (unsigned char)src[k + j];
                    if ((cc & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    cp = (cp << 6) | (cc & 0x3F);
                }
            }
            if (ok && ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                       (cp >= 0xD800 && cp <= 0xDFFF)))
                ok = false;
            if (!ok) {
                k++;
                continue;
            }
        }
        if (ch < 0x20 || ch == 0x7F || ch == ' ') {
            space = o > 0;
            k++;
            continue;
        }
        size_t need = n + (space ? 1 : 0);
        if (o + need >= size)
            break;
        if (space)
            dst[o++] = ' ';
        space = false;
        memcpy(dst + o, src + k, n);
        o += n;
        k += n;
    }
    while (o > 0 && (dst[o - 1] == ',' || dst[o - 1] == ';' || dst[o - 1] == '(' ||
                     dst[o - 1] == ' ' || dst[o - 1] == '-'))
        o--;
    dst[o] = '\0';
}

/* Appends a phrase to out->unparsed, "; "-separated, skipping duplicates;
 * when full, ends with "…" (cut at a character boundary). */
static void add_unparsed(tl_eligibility *out, const char *phrase)
{
    if (!phrase[0] || strstr(out->unparsed, phrase))
        return;
    size_t have = strlen(out->unparsed);
    size_t cap = sizeof out->unparsed;
    static const char ell[] = "\xE2\x80\xA6";
    if (have >= 3 && memcmp(out->unparsed + have - 3, ell, 3) == 0)
        return;  /* already full */
    size_t sep = have ? 2 : 0;
    size_t plen = strlen(phrase);
    if (have + sep + plen < cap) {
        if (sep)
            memcpy(out->unparsed + have, "; ", 2);
        memcpy(out->unparsed + have + sep, phrase, plen + 1);
        return;
    }
    /* Cut: keep what fits, leaving room for the ellipsis. */
    if (have + sep + 3 >= cap)
        return;
    size_t room = cap - 1 - have - sep - 3;
    while (room > 0 && ((unsigned char)phrase[room] & 0xC0) == 0x80)
        room--;
    if (sep)
        memcpy(out->unparsed + have, "; ", 2);
    memcpy(out->unparsed + have + sep, phrase, room);
    memcpy(out->unparsed + have + sep + room, ell, 4);
}

static void add_rule_text(sink *c, int kind, double value, const char *cur, const char *text,
                          uint32_t pos, bool partial)
{
    /* Same kind and value already found (age_limit repeating the text): skip. */
    for (size_t k = 0; k < *c->n_cands; k++) {
        const tl_rule *r = &c->cands[k].r;
        if (r->kind == kind && r->value == value && strcmp(r->currency, cur ? cur : "") == 0)
            return;
    }
    if (*c->n_cands >= MAX_CAND) {
        add_unparsed(c->out, text);
        return;
    }
    cand *cd = &c->cands[(*c->n_cands)++];
    memset(cd, 0, sizeof *cd);
    cd->r.kind = kind;
    cd->r.value = value;
    cd->r.source = (unsigned char)c->source;
    cd->r.partial = partial;
    tl_strlcpy(cd->r.currency, cur ? cur : "", sizeof cd->r.currency);
    tl_strlcpy(cd->r.text, text, sizeof cd->r.text);
    /* tl_strlcpy cuts at a byte: step back to a character boundary. */
    size_t l = strlen(cd->r.text);
    if (l == sizeof cd->r.text - 1) {
        size_t k = l;
        while (k > 0 && ((unsigned char)cd->r.text[k - 1] & 0xC0) == 0x80)
            k--;
        if (k > 0 && (unsigned char)cd->r.text[k - 1] >= 0xC0)
            cd->r.text[k - 1] = '\0';
    }
    cd->pos = pos;
}

/* Adds a rule whose phrase is tokens [from..to]. */
static void add_rule(pctx *c, int kind, double value, const char *cur, size_t from, size_t to,
                     bool partial)
{
    char text[TL_RULE_TEXT_MAX];
    copy_span(c->src, c->len, c->t[from].b, c->t[to].e, text, sizeof text);
    add_rule_text(&c->k, kind, value, cur, text, c->t[from].b, partial);
}

/* ---- 1. lexer -------------------------------------------------------------- */

static bool push(pctx *c, int type, size_t b, size_t e)
{
    if (c->n >= MAX_TOKS)
        return false;
    tok *t = &c->t[c->n++];
    memset(t, 0, sizeof *t);
    t->type = (uint8_t)type;
    t->seg = c->nseg;
    t->b = (uint32_t)b;
    t->e = (uint32_t)e;
    return true;
}

static void push_word(pctx *c, const char *w, size_t b, size_t e)
{
    /* Multipliers and periods glued to the number before them. */
    static const struct { const char *w; double mul; uint8_t flags; } mults[] = {
        {"k", 1e3, NF_MONEY}, {"thousand", 1e3, 0}, {"lakh", 1e5, NF_MONEY},
        {"lakhs", 1e5, NF_MONEY}, {"lac", 1e5, NF_MONEY}, {"lacs", 1e5, NF_MONEY},
        {"crore", 1e7, NF_MONEY}, {"crores", 1e7, NF_MONEY}, {"cr", 1e7, NF_MONEY},
        {"million", 1e6, 0}, {"mn", 1e6, NF_MONEY},
        {"lpa", 1e5, NF_MONEY | NF_ANNUAL | NF_INCOME},
    };
    if (c->n > 0) {
        tok *p = &c->t[c->n - 1];
        if (p->type == T_NUM && p->seg == c->nseg && !(p->flags & NF_PERCENT)) {
            for (size_t k = 0; k < sizeof mults / sizeof mults[0]; k++)
                if (strcmp(w, mults[k].w) == 0) {
                    p->v *= mults[k].mul;
                    p->flags |= mults[k].flags;
                    if (!is_whole(p->v))
                        p->flags &= (uint8_t)~NF_INT;
                    p->e = (uint32_t)e;
                    return;
                }
        }
    }
    if (!push(c, T_WORD, b, e))
        return;
    tl_strlcpy(c->t[c->n - 1].w, w, sizeof c->t[c->n - 1].w);
}

/* Lexes c->src[0..c->len). Returns false when the token array filled up;
 * *stop is then the byte offset where lexing stopped. */
static bool lex(pctx *c, size_t *stop)
{
    const unsigned char *s = (const unsigned char *)c->src;
    size_t len = c->len, i = 0;
    int depth = 0;
    const char *pending_cur = NULL;  /* currency sign seen just before a number */
    bool seg_used = false;
#define BREAK_SEG()                                                            \
    do {                                                                       \
        if (seg_used && c->nseg < UINT16_MAX) {                                \
            c->nseg++;                                                         \
            seg_used = false;                                                  \
        }                                                                      \
    } while (0)
    while (i < len) {
        if (c->n >= MAX_TOKS) {
            *stop = i;  /* the rest is kept as unparsed text */
            return false;
        }
        size_t n_before = c->n;
        unsigned char ch = s[i];
        if (is_alpha(ch)) {
            char w[24];
            size_t b = i, k = 0;
            while (i < len && is_alpha(s[i])) {
                if (k + 1 < sizeof w)
                    w[k++] = (char)(s[i] | 0x20);
                i++;
            }
            w[k] = '\0';
            /* A currency word right before a number: remember, don't keep. */
            size_t j = i;
            while (j < len && (s[j] == ' ' || s[j] == '.'))
                j++;
            if (j < len && is_digit(s[j]) &&
                (strcmp(w, "rs") == 0 || strcmp(w, "re") == 0 || strcmp(w, "inr") == 0 ||
                 strcmp(w, "usd") == 0 ||
                 strcmp(w, "eur") == 0 || strcmp(w, "gbp") == 0)) {
                pending_cur = strcmp(w, "rs") == 0 || strcmp(w, "re") == 0 ||
                                      strcmp(w, "inr") == 0
                                  ? "INR"
                              : strcmp(w, "usd") == 0                       ? "USD"
                              : strcmp(w, "eur") == 0                       ? "EUR"
                                                                            : "GBP";
                i = j;
                continue;
            }
            pending_cur = NULL;  /* "$ abc 5": the sign was not the number's */
            push_word(c, w, b, i);
            /* "self-employed", "high-net-worth": the hyphen joins words. */
            if (i + 1 < len && s[i] == '-' && is_alpha(s[i + 1]))
                i++;
        } else if (is_digit(ch)) {
            size_t b = i;
            double v = 0, scale = 0;
            bool isint = true;
            while (i < len) {
                if (is_digit(s[i])) {
                    if (scale > 0) {
                        if (scale < 1e9) {
                            v += (s[i] - '0') / (scale * 10);
                            scale *= 10;
                        }
                    } else if (v < 1e15) {
                        v = v * 10 + (s[i] - '0');
                    }
                    i++;
                } else if (s[i] == ',' && scale == 0 && i + 1 < len && is_digit(s[i + 1]) &&
                           i > b && is_digit(s[i - 1])) {
                    i++;  /* 60,000 and 1,00,000 */
                } else if (s[i] == '.' && scale == 0 && i + 1 < len && is_digit(s[i + 1])) {
                    scale = 1;
                    isint = false;
                    i++;
                } else {
                    break;
                }
            }
            if (!isint && is_whole(v))
                isint = true;
            if (!push(c, T_NUM, b, i)) {
                *stop = b;
                return false;
            }
            tok *t = &c->t[c->n - 1];
            t->v = v;
            t->flags = isint ? NF_INT : 0;
            if (pending_cur) {
                t->flags |= NF_MONEY;
                tl_strlcpy(t->cur, pending_cur, sizeof t->cur);
                pending_cur = NULL;
            }
            if (i < len && (s[i] == 'k' || s[i] == 'K') && !(i + 1 < len && is_alpha(s[i + 1]))) {
                t->v *= 1000;
                t->flags |= NF_MONEY;
                i++;
            }
            size_t j = i;
            while (j < len && s[j] == ' ')
                j++;
            if (j < len && s[j] == '+') {
                t->flags |= NF_PLUS;
                i = j + 1;
            } else if (j < len && s[j] == '%') {
                t->flags |= NF_PERCENT;
                i = j + 1;
            }
            t->e = (uint32_t)i;
            seg_used = true;
            continue;
        } else if (ch == '$' || ch == '?') {
            /* '?' is where exported files lost the rupee sign: money, currency
             * unknown. */
            pending_cur = ch == '$' ? "USD" : "";
            i++;
            continue;
        } else if (ch == 0xE2 && i + 2 < len && s[i + 1] == 0x82 && s[i + 2] == 0xB9) {
            pending_cur = "INR";
            i += 3;
            continue;
        } else if (ch == 0xE2 && i + 2 < len && s[i + 1] == 0x82 && s[i + 2] == 0xAC) {
            pending_cur = "EUR";
            i += 3;
            continue;
        } else if (ch == 0xC2 && i + 1 < len && s[i + 1] == 0xA3) {
            pending_cur = "GBP";
            i += 2;
            continue;
        } else if (ch == '-' || (ch == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
                                 (s[i + 2] == 0x93 || s[i + 2] == 0x94))) {
            size_t n = ch == '-' ? 1 : 3;
            push(c, T_DASH, i, i + n);
            i += n;
        } else if (ch == '/') {
            push(c, T_SLASH, i, i + 1);
            i++;
        } else if (ch == '>' || (ch == 0xE2 && i + 2 < len && s[i + 1] == 0x89 && s[i + 2] == 0xA5)) {
            size_t n = ch == '>' ? 1 : 3;
            push_word(c, "over", i, i + n);
            i += n;
        } else if (ch == '<' || (ch == 0xE2 && i + 2 < len && s[i + 1] == 0x89 && s[i + 2] == 0xA4)) {
            size_t n = ch == '<' ? 1 : 3;
            push_word(c, "under", i, i + n);
            i += n;
        } else if (ch == '(' || ch == '[') {
            if (depth < 64)
                depth++;
            i++;
        } else if (ch == ')' || ch == ']') {
            if (depth > 0)
                depth--;
            i++;
        } else if (ch == '\n' || ch == '\r') {
            depth = 0;  /* an unclosed '(' ends with its line */
            BREAK_SEG();
            i++;
        } else if ((ch == ',' || ch == ';' || ch == '|') && depth == 0) {
            BREAK_SEG();
            i++;
        } else if (ch == '.' && depth == 0 && (i + 1 >= len || s[i + 1] == ' ') && c->n > 0 &&
                   c->t[c->n - 1].seg == c->nseg && c->t[c->n - 1].e == i &&
                   (c->t[c->n - 1].type == T_NUM || strlen(c->t[c->n - 1].w) >= 3)) {
            /* A full stop, not "e.g." or "Rs." */
            BREAK_SEG();
            i++;
        } else {
            i++;
        }
        if (c->n != n_before)
            seg_used = true;
        if (pending_cur && !(i < len && (s[i] == ' ' || is_digit(s[i]))))
            pending_cur = NULL;
    }
#undef BREAK_SEG
    return true;
}

/* ---- 2. matchers ------------------------------------------------------------ */

static const char *const CREDIT_NOUNS[] = {"score", "scores", "history", "rating", "record",
                                           "profile", "report", "standing", "worthiness", NULL};

/* Is token i the start of a credit phrase ("credit score", "creditworthiness",
 * "cibil")? *last is its last token. */
static bool credit_phrase(const pctx *c, size_t i, size_t *last)
{
    if (wis(c, i, "creditworthiness") || wis(c, i, "cibil") || wis(c, i, "fico")) {
        *last = i;
        if (win(c, i + 1, CREDIT_NOUNS) && same_seg(c, i, i + 1))
            *last = i + 1;
        return true;
    }
    if (wis(c, i, "credit") && win(c, i + 1, CREDIT_NOUNS) && same_seg(c, i, i + 1)) {
        *last = i + 1;
        return true;
    }
    /* Bare "good credit", but not "credit card", "credit limit", ... */
    static const char *const not_standing[] = {"card", "cards", "limit", "limits", "shield",
                                               "line", "facility", "cover", "points", "check",
                                               "checks", NULL};
    if (wis(c, i, "credit") && !(win(c, i + 1, not_standing) && same_seg(c, i, i + 1))) {
        *last = i;
        return true;
    }
    return false;
}

/* "no credit check", "without credit history", "no cibil required". */
static void match_no_credit_check(pctx *c)
{
    static const char *const what[] = {"check", "checks", "history", "score", "required",
                                       "needed", "requirement", NULL};
    for (size_t i = 0; i + 1 < c->n; i++) {
        if (!(wis(c, i, "no") || wis(c, i, "without")))
            continue;
        size_t k = i + 1;
        if (wis(c, k, "prior") || wis(c, k, "minimum"))
            k++;
        if (!(wis(c, k, "credit") || wis(c, k, "cibil")) || !same_seg(c, i, k))
            continue;
        size_t end = k;
        while (win(c, end + 1, what) && same_seg(c, i, end + 1))
            end++;
        if (end == k && !wis(c, k, "cibil"))
            continue;
        claim(c, i, end, U_RULE);
        add_rule(c, TL_RULE_NO_CREDIT_CHECK, 0, NULL, i, end, false);
        i = end;
    }
}

/* "credit score 720 or higher", "CIBIL 750+". */
static void match_credit_score(pctx *c)
{
    static const char *const below[] = {"below", "under", "less", "upto", NULL};
    static const char *const more[] = {"higher", "above", "more", "better", "over", NULL};
    for (size_t i = 0; i < c->n; i++) {
        tok *t = &c->t[i];
        if (t->type != T_NUM || t->used || (t->flags & (NF_MONEY | NF_PERCENT)) || t->v < 300 ||
            t->v > 900 || !(t->flags & NF_INT))
            continue;
        size_t from = i;
        bool found = false, neg = false;
        for (size_t k = i; k > 0 && i - k < 5 && same_seg(c, k - 1, i); k--) {
            size_t p = k - 1;
            if (c->t[p].type == T_NUM)
                break;
            if (win(c, p, below))
                neg = true;
            if (wis(c, p, "credit") || wis(c, p, "cibil") || wis(c, p, "fico") ||
                wis(c, p, "score") || wis(c, p, "experian") || wis(c, p, "equifax")) {
                found = true;
                from = p;
            }
        }
        if (!found || neg)
            continue;
        size_t end = i;
        if ((wis(c, i + 1, "or") || wis(c, i + 1, "and")) && win(c, i + 2, more) &&
            same_seg(c, i, i + 2))
            end = i + 2;
        claim(c, from, end, U_RULE);
        add_rule(c, TL_RULE_MIN_CREDIT_SCORE, t->v, NULL, from, end, false);
    }
}

static const char *const INCOME_WORDS[] = {"income", "incomes", "salary", "salaries", "earning",
                                           "earnings", "earn", "earns", "ctc", "itr", NULL};
static const char *const BALANCE_WORDS[] = {
    "balance", "balances", "deposit", "deposits", "fd", "fds", "relationship", "trv", "aum",
    "investment", "investments", "invest", "investable", "assets", "portfolio",
    "amb", "aqb", "nrv", NULL};

/* A clause about spending, fees or rewards: its amounts are not incomes. */
static const char *const SPEND_WORDS[] = {
    "spend", "spends", "spending", "spent", "purchase", "purchases", "cashback", "waiver",
    "fee", "fees", "voucher", "vouchers", "cover", "reward", "rewards", "points", "limit",
    "charges", "surcharge", "transaction", "transactions", "worth", "complimentary", NULL};

/* Period words after a number: sets *monthly / *annual; returns the last
 * token used (i when none). */
static size_t money_period(const pctx *c, size_t i, bool *monthly, bool *annual)
{
    static const char *const mon[] = {"month", "months", "mo", "m", "pm", "monthly", NULL};
    static const char *const ann[] = {"year", "years", "yr", "annum", "pa", "annual",
                                      "annually", "yearly", NULL};
    size_t k = i + 1;
    if (k < c->n && !same_seg(c, i, k))
        return i;
    if (k < c->n && (c->t[k].type == T_SLASH || wis(c, k, "per") || wis(c, k, "a") ||
                     wis(c, k, "p") || wis(c, k, "an")))
        k++;
    if (!same_seg(c, i, k))
        return i;
    if (win(c, k, mon)) {
        *monthly = true;
        return k;
    }
    if (win(c, k, ann) || (wis(c, k - 1, "p") && wis(c, k, "a"))) {
        *annual = true;
        return k;
    }
    return i;
}

/* Income and balance amounts: "annual income above $60,000", "₹20,000/month",
 * "minimum balance $10,000", "₹10,000 FD required". */
static void match_money(pctx *c)
{
    static const char *const below[] = {"below", "under", "less", "upto", "maximum", "max",
                                        "within", NULL};
    for (size_t i = 0; i < c->n; i++) {
        tok *t = &c->t[i];
        if (t->type != T_NUM || t->used || (t->flags & NF_PERCENT))
            continue;
        /* Nearest income or balance word on either side, within the clause. */
        int kind = 0;
        size_t ctx_tok = i, best = 99;
        size_t first = seg_first(c, i), end = seg_end(c, i);
        for (size_t k = first; k < end; k++) {
            if (k == i || c->t[k].type != T_WORD)
                continue;
            size_t d = k < i ? i - k : k - i;
            if (d >= best || d > 8)
                continue;
            if (in_list(c->t[k].w, INCOME_WORDS)) {
                kind = TL_RULE_MIN_INCOME;
                best = d;
                ctx_tok = k;
            } else if (in_list(c->t[k].w, BALANCE_WORDS) ||
                       (wis(c, k, "worth") && k > 0 && wis(c, k - 1, "net"))) {
                kind = TL_RULE_MIN_BALANCE;
                best = d;
                ctx_tok = k;
            }
        }
        if ((t->flags & NF_INCOME) && kind != TL_RULE_MIN_INCOME)
            kind = TL_RULE_MIN_INCOME, ctx_tok = i;  /* "6 LPA" */
        /* In a clause about spending or rewards, "earn 3 points per Rs. 100"
         * and "statement balance" are not eligibility. */
        if (kind && seg_has(c, i, SPEND_WORDS) &&
            (wis(c, ctx_tok, "earn") || wis(c, ctx_tok, "earns") || wis(c, ctx_tok, "earning") ||
             wis(c, ctx_tok, "earnings") ||
             (ctx_tok > 0 && (wis(c, ctx_tok - 1, "statement") || wis(c, ctx_tok - 1, "outstanding")))))
            kind = 0;
        bool monthly = false, annual = (t->flags & NF_ANNUAL) != 0;
        /* A range "$500 - $5,000": the lower end counts; swallow the upper. */
        size_t last = i;
        if (i + 2 < c->n && same_seg(c, i, i + 2) &&
            (c->t[i + 1].type == T_DASH || wis(c, i + 1, "to")) && c->t[i + 2].type == T_NUM &&
            !(c->t[i + 2].flags & NF_PERCENT) && c->t[i + 2].v >= t->v)
            last = i + 2;
        last = money_period(c, last, &monthly, &annual);
        if (!kind && (monthly || annual) && (t->flags & NF_MONEY) && !seg_has(c, i, SPEND_WORDS))
            kind = TL_RULE_MIN_INCOME;  /* "₹20,000/month" */
        if (!kind || !((t->flags & NF_MONEY) || best <= 4 || (t->flags & NF_INCOME)))
            continue;
        /* A maximum: "income below $30,000" (the bound excluded), "balance
         * up to $5,000" (included). */
        bool neg = false, strict = false;
        for (size_t k = i; k > first && i - k < 4; k--)
            if (win(c, k - 1, below) || (wis(c, k - 1, "to") && k >= 2 && wis(c, k - 2, "up"))) {
                neg = true;
                strict = wis(c, k - 1, "below") || wis(c, k - 1, "under") || wis(c, k - 1, "less");
            }
        if (t->v < 10)
            continue;
        if (neg)
            kind = kind == TL_RULE_MIN_INCOME ? TL_RULE_MAX_INCOME : TL_RULE_MAX_BALANCE;
        bool income = kind == TL_RULE_MIN_INCOME || kind == TL_RULE_MAX_INCOME;
        if (income && !monthly && !annual) {
            /* No period given: "monthly income ..." or else annual, the
             * usual way income thresholds are quoted. */
            for (size_t k = first; k < end; k++)
                if (wis(c, k, "monthly") || wis(c, k, "month"))
                    monthly = true;
            if (!monthly)
                annual = true;
        }
        double v = t->v;
        if (income && annual && !monthly)
            v /= 12;
        size_t from = ctx_tok < i ? ctx_tok : i;
        size_t to = ctx_tok > last ? ctx_tok : last;
        /* Bounds and the context word before the number belong to the phrase. */
        while (from > first && (wis(c, from - 1, "minimum") || wis(c, from - 1, "min") ||
                                wis(c, from - 1, "annual") || wis(c, from - 1, "monthly") ||
                                wis(c, from - 1, "net")))
            from--;
        claim(c, from, to, U_RULE);
        size_t before = *c->k.n_cands;
        add_rule(c, kind, v, t->cur, from, to, false);
        if (*c->k.n_cands > before)
            c->k.cands[before].r.below = strict;
        i = to;
    }
}

static const char *const AGE_WORDS[] = {"age", "aged", "ages", "old", NULL};
static const char *const YEAR_WORDS[] = {"years", "year", "yrs", "yr", NULL};

/* Age context: "age", "aged", "old", or a number followed by "years". */
static bool age_context(const pctx *c, size_t i)
{
    if (seg_has(c, i, AGE_WORDS))
        return true;
    for (size_t k = seg_first(c, i), end = seg_end(c, i); k + 1 < end; k++)
        if (c->t[k].type == T_NUM && win(c, k + 1, YEAR_WORDS))
            return true;
    return false;
}
static const char *const NOT_AGE_UNITS[] = {
    "months", "month", "days", "day", "weeks", "week", "times", "transactions", "cards",
    "points", "employees", "hours", "percent", "pct", "mins", "minutes", "km", "kms", "x",
    "members", "accounts", "credits", "installments", "emis", NULL};
static const char *const NOT_AGE_CONTEXT[] = {
    "experience", "vintage", "employment", "service", "tenure", "work", "job", "residence",
    "stay", "relationship", "history", "transactions", "continuity", "operations", NULL};

enum { B_NONE, B_MIN, B_MAX, B_MAX_EXCL };

static int bound_word(const pctx *c, size_t k)
{
    static const char *const mins[] = {"minimum", "min", "least", "above", "over", "older",
                                       "exceeding", "atleast", "beyond", "from", NULL};
    static const char *const maxs[] = {"maximum", "max", "upto", NULL};
    static const char *const maxx[] = {"under", "below", "until", "till", "reaches", "reach",
                                       "reaching", "younger", "less", "before", NULL};
    bool neg = k > 0 && wis(c, k - 1, "not") && same_seg(c, k - 1, k);
    if (win(c, k, mins) || (wis(c, k, "more") && wis(c, k + 1, "than")))
        return neg ? B_MAX : B_MIN;
    if (win(c, k, maxs) || (wis(c, k, "up") && wis(c, k + 1, "to")) ||
        (wis(c, k, "limit") && k > 0 && wis(c, k - 1, "age")))
        return neg ? B_MIN : B_MAX;
    if (win(c, k, maxx))
        return neg ? B_MIN : B_MAX_EXCL;
    return B_NONE;
}

static bool age_number(const pctx *c, size_t i)
{
    const tok *t = &c->t[i];
    return t->type == T_NUM && !t->used && !(t->flags & (NF_MONEY | NF_PERCENT)) &&
           (t->flags & NF_INT) && t->v >= 0 && t->v <= 120;
}

/* Ages: "Minimum age 25", "aged 18 - 75 years", "18-65", "Age 60 and over",
 * "Under 18 only", "above a certain age (e.g., 60 years)", "until the child
 * reaches ... 18", "18+". */
static void match_ages(pctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!age_number(c, i))
            continue;
        bool age_ctx = age_context(c, i);
        bool explicit_age = false;
        for (size_t k = seg_first(c, i), end = seg_end(c, i); k < end; k++)
            if (wis(c, k, "age") || wis(c, k, "aged") || wis(c, k, "ages"))
                explicit_age = true;
        if (!explicit_age && seg_has(c, i, NOT_AGE_CONTEXT))
            continue;
        /* Range: N - M, N to M, between N and M. */
        size_t j = i + 2;
        bool between = i > 0 && wis(c, i - 1, "between") && same_seg(c, i - 1, i);
        if (j < c->n && same_seg(c, i, j) &&
            (c->t[i + 1].type == T_DASH || wis(c, i + 1, "to") ||
             (between && wis(c, i + 1, "and"))) &&
            age_number(c, j) && c->t[j].v > c->t[i].v) {
            if (win(c, j + 1, NOT_AGE_UNITS) && same_seg(c, j, j + 1))
                continue;
            /* Bare "18-65" is an age band only when nothing else in the
             * clause is a number. */
            if (!age_ctx) {
                bool other = false;
                for (size_t k = seg_first(c, i), end = seg_end(c, i); k < end; k++)
                    if (k != i && k != j && c->t[k].type == T_NUM)
                        other = true;
                if (other)
                    continue;
            }
            size_t from = i, to = j;
            for (size_t k = i; k > 0 && i - k < 3 && same_seg(c, k - 1, i); k--)
                if (wis(c, k - 1, "age") || wis(c, k - 1, "aged") || wis(c, k - 1, "ages") ||
                    wis(c, k - 1, "between"))
                    from = k - 1;
            while (to + 1 < c->n && same_seg(c, i, to + 1) &&
                   (wis(c, to + 1, "years") || wis(c, to + 1, "yrs") || wis(c, to + 1, "old") ||
                    wis(c, to + 1, "year")))
                to++;
            claim(c, from, to, U_RULE);
            if (c->t[i].v > 0)
                add_rule(c, TL_RULE_MIN_AGE, c->t[i].v, NULL, from, to, false);
            add_rule(c, TL_RULE_MAX_AGE, c->t[j].v, NULL, from, to, false);
            i = to;
            continue;
        }
        if (win(c, i + 1, NOT_AGE_UNITS) && same_seg(c, i, i + 1))
            continue;
        /* Bound before the number (nearest wins), within the clause. */
        int bound = B_NONE;
        size_t from = i;
        for (size_t k = i; k > 0 && i - k < 8 && same_seg(c, k - 1, i); k--) {
            if (c->t[k - 1].type == T_NUM)
                break;
            int b = bound_word(c, k - 1);
            if (b != B_NONE) {
                bound = b;
                from = k - 1;
                /* "until the child reaches ... 18": the phrase starts at the
                 * first of the bound words. */
                for (size_t q = k - 1; q > 0 && k - 1 - q < 4 && same_seg(c, q - 1, i); q--) {
                    if (c->t[q - 1].type == T_NUM)
                        break;
                    if (bound_word(c, q - 1) == b)
                        from = q - 1;
                }
                if (k >= 2 && wis(c, k - 2, "not") && same_seg(c, k - 2, i))
                    from = k - 2;
                if ((wis(c, k - 1, "least") && k >= 2 && wis(c, k - 2, "at")) ||
                    (wis(c, k - 1, "limit") && k >= 2 && wis(c, k - 2, "age")))
                    from = k - 2;
                break;
            }
        }
        /* Or after it: "60 and over", "18 years or older", "18+". */
        size_t to = i;
        while (to + 1 < c->n && same_seg(c, i, to + 1) &&
               (wis(c, to + 1, "years") || wis(c, to + 1, "yrs") || wis(c, to + 1, "year") ||
                wis(c, to + 1, "old") || wis(c, to + 1, "of") || wis(c, to + 1, "age")))
            to++;
        if (c->t[i].flags & NF_PLUS) {
            if (bound == B_NONE)
                bound = B_MIN;
        } else if ((wis(c, to + 1, "and") || wis(c, to + 1, "or")) && same_seg(c, i, to + 2)) {
            static const char *const up[] = {"above", "over", "older", "more", "up", "upwards",
                                             "beyond", "elder", NULL};
            static const char *const down[] = {"below", "under", "younger", "less", NULL};
            if (win(c, to + 2, up)) {
                bound = B_MIN;
                to += 2;
            } else if (win(c, to + 2, down)) {
                bound = B_MAX;
                to += 2;
            }
        } else if (wis(c, to + 1, "plus") && same_seg(c, i, to + 1)) {
            bound = B_MIN;
            to++;
        }
        if (bound == B_NONE)
            continue;
        /* Without an age word, only a bound on a plausible age that ends the
         * clause (or is followed by "only") in a money-free clause reads as
         * an age: "Under 18 only", "over 60", not "Up to 8 lounge visits". */
        if (!age_ctx) {
            bool money = false;
            size_t end = seg_end(c, i);
            for (size_t k = seg_first(c, i); k < end; k++)
                if (c->t[k].type == T_NUM && (c->t[k].flags & NF_MONEY))
                    money = true;
            bool tail = to + 1 >= end || wis(c, to + 1, "only");
            if (money || !tail || c->t[i].v < 10 || c->t[i].v > 100)
                continue;
        }
        double v = c->t[i].v;
        int kind = bound == B_MIN ? TL_RULE_MIN_AGE : TL_RULE_MAX_AGE;
        if (bound == B_MAX_EXCL)
            v -= 1;
        if (v < 0 || (kind == TL_RULE_MIN_AGE && v == 0))
            continue;
        claim(c, from, to, U_RULE);
        add_rule(c, kind, v, NULL, from, to, false);
        i = to;
    }
}

/* Credit tiers: "excellent credit score", "Fair to good credit score",
 * "good to excellent credit score and history", "Moderate income and credit
 * score" (the adjective is shared). */
static void match_credit_tier(pctx *c)
{
    static const struct { const char *w; int tier; } tiers[] = {
        {"excellent", TL_CREDIT_EXCELLENT}, {"exceptional", TL_CREDIT_EXCELLENT},
        {"superb", TL_CREDIT_EXCELLENT},    {"good", TL_CREDIT_GOOD},
        {"strong", TL_CREDIT_GOOD},         {"healthy", TL_CREDIT_GOOD},
        {"clean", TL_CREDIT_GOOD},          {"sound", TL_CREDIT_GOOD},
        {"fair", TL_CREDIT_FAIR},           {"moderate", TL_CREDIT_FAIR},
        {"average", TL_CREDIT_FAIR},        {"decent", TL_CREDIT_FAIR},
        {"reasonable", TL_CREDIT_FAIR},     {"satisfactory", TL_CREDIT_FAIR},
        {"acceptable", TL_CREDIT_FAIR},     {"poor", TL_CREDIT_POOR},
        {"bad", TL_CREDIT_POOR},            {"low", TL_CREDIT_POOR},
        {"limited", TL_CREDIT_POOR},        {"any", TL_CREDIT_POOR},
    };
    for (size_t i = 0; i < c->n; i++) {
        size_t last;
        if (!credit_phrase(c, i, &last))
            continue;
        if (i > 0 && (wis(c, i - 1, "no") || wis(c, i - 1, "without")))
            continue;
        int tier = 99;
        size_t from = i;
        for (size_t k = i; k > 0 && i - k < 6 && same_seg(c, k - 1, i); k--) {
            const tok *p = &c->t[k - 1];
            /* An adjective before "income" is the income's ("Moderate
             * income and credit score" is handled as shared below). */
            if (p->type == T_NUM || wis(c, k - 1, "income") || wis(c, k - 1, "incomes") ||
                (p->used == U_RULE && !wis(c, k - 1, "and") && !wis(c, k - 1, "to") &&
                 !wis(c, k - 1, "or")))
                break;
            for (size_t q = 0; q < sizeof tiers / sizeof tiers[0]; q++)
                if (p->type == T_WORD && strcmp(p->w, tiers[q].w) == 0) {
                    if (tiers[q].tier < tier)
                        tier = tiers[q].tier;
                    from = k - 1;
                }
        }
        bool shared = false;
        if (tier == 99 && i >= 3 && wis(c, i - 1, "and") && wis(c, i - 2, "income") &&
            same_seg(c, i - 3, i)) {
            /* "<adjective> income and credit score" */
            static const struct { const char *w; int tier; } adj[] = {
                {"moderate", TL_CREDIT_FAIR}, {"medium", TL_CREDIT_FAIR},
                {"average", TL_CREDIT_FAIR},  {"decent", TL_CREDIT_FAIR},
                {"high", TL_CREDIT_GOOD},     {"good", TL_CREDIT_GOOD},
                {"strong", TL_CREDIT_GOOD},
            };
            for (size_t q = 0; q < sizeof adj / sizeof adj[0]; q++)
                if (wis(c, i - 3, adj[q].w))
                    tier = adj[q].tier;
            if (tier != 99) {
                from = i - 3;
                shared = true;
            }
        }
        if (tier == 99)
            continue;
        /* "credit score and history" */
        if (wis(c, last + 1, "and") && win(c, last + 2, CREDIT_NOUNS) && same_seg(c, i, last + 2))
            last += 2;
        claim(c, shared ? i - 1 : from, last, U_RULE);
        size_t before = *c->k.n_cands;
        if (tier > TL_CREDIT_POOR)
            add_rule(c, TL_RULE_CREDIT_TIER, tier, NULL, from, last, false);
        if (shared && *c->k.n_cands > before)
            c->k.cands[before].pos = c->t[i].b;  /* after the income tier, in text order */
        i = last;
    }
}

/* Income tiers: "Basic income requirements", "Moderate income", "High-income
 * customers", "stable income", "High-net-worth individuals", "HNI". */
static void match_income_tier(pctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->t[i].type != T_WORD)
            continue;
        if ((wis(c, i, "high") || wis(c, i, "ultra")) && wis(c, i + 1, "net") &&
            wis(c, i + 2, "worth") && same_seg(c, i, i + 2)) {
            size_t from = i > 0 && wis(c, i - 1, "ultra") && same_seg(c, i - 1, i) ? i - 1 : i;
            claim(c, from, i + 2, U_RULE);
            add_rule(c, TL_RULE_INCOME_TIER, TL_INCOME_HNW, NULL, from, i + 2, false);
            i += 2;
            continue;
        }
        static const char *const hnw[] = {"hnw", "hni", "hnis", "hnws", "uhni", "uhnis", NULL};
        if (win(c, i, hnw) && !c->t[i].used) {
            claim(c, i, i, U_RULE);
            add_rule(c, TL_RULE_INCOME_TIER, TL_INCOME_HNW, NULL, i, i, false);
            continue;
        }
        if (wis(c, i, "affluent") && !c->t[i].used) {
            claim(c, i, i, U_RULE);
            add_rule(c, TL_RULE_INCOME_TIER, TL_INCOME_HIGH, NULL, i, i, false);
            continue;
        }
        if (!(wis(c, i, "income") || wis(c, i, "incomes") || wis(c, i, "earners")) ||
            c->t[i].used || i == 0 || !same_seg(c, i - 1, i))
            continue;
        static const struct { const char *w; int tier; } adj[] = {
            {"basic", TL_INCOME_BASIC},       {"minimum", TL_INCOME_BASIC},
            {"stable", TL_INCOME_BASIC},      {"steady", TL_INCOME_BASIC},
            {"regular", TL_INCOME_BASIC},     {"verifiable", TL_INCOME_BASIC},
            {"some", TL_INCOME_BASIC},        {"moderate", TL_INCOME_MODERATE},
            {"medium", TL_INCOME_MODERATE},   {"middle", TL_INCOME_MODERATE},
            {"average", TL_INCOME_MODERATE},  {"mid", TL_INCOME_MODERATE},
            {"high", TL_INCOME_HIGH},         {"higher", TL_INCOME_HIGH},
            {"good", TL_INCOME_MODERATE},
        };
        int tier = -1;
        for (size_t q = 0; q < sizeof adj / sizeof adj[0]; q++)
            if (wis(c, i - 1, adj[q].w))
                tier = adj[q].tier;
        if (tier < 0)
            continue;
        size_t to = i;
        if ((wis(c, i + 1, "requirements") || wis(c, i + 1, "requirement") ||
             wis(c, i + 1, "criteria")) && same_seg(c, i, i + 1))
            to = i + 1;
        claim(c, i - 1, to, U_RULE);
        add_rule(c, TL_RULE_INCOME_TIER, tier, NULL, i - 1, to, false);
        i = to;
    }
}

/* Claims the clause's free tokens from `from` on (a condition phrase such
 * as "Requires a bank account with a participating bank"); returns the last
 * token of the clause. */
static size_t claim_rest(pctx *c, size_t from, int how, const char *const *keep)
{
    size_t end = seg_end(c, from);
    for (size_t k = from; k < end; k++)
        if (!c->t[k].used && !(keep && win(c, k, keep)))
            c->t[k].used = (uint8_t)how;
    return end - 1;
}

static const char *const GROUP_WORDS_NRI[] = {"nri", "nris", "oci", "pio", NULL};

/* Employment: "Typically provided by employers as part of salary account",
 * "Salaried or self-employed individuals", "Government employees",
 * "Salary requirement". */
static void match_employment(pctx *c)
{
    for (unsigned s = 0; s <= c->nseg; s++) {
        size_t first = SIZE_MAX, last = 0;
        bool employer = false, salaried = false, self = false, partial = false;
        size_t hit_from = SIZE_MAX, hit_to = 0;
        for (size_t k = 0; k < c->n; k++) {
            if (c->t[k].seg != s)
                continue;
            if (first == SIZE_MAX)
                first = k;
            last = k;
            if (c->t[k].used || c->t[k].type != T_WORD)
                continue;
            bool hit = false;
            if (wis(c, k, "employer") || wis(c, k, "employers") || wis(c, k, "payroll") ||
                (wis(c, k, "salary") && wis(c, k + 1, "account") && same_seg(c, k, k + 1)) ||
                (wis(c, k, "company") && wis(c, k + 2, "approval")) ||
                (wis(c, k, "corporate") && (wis(c, k + 1, "salary") || wis(c, k + 1, "tie"))))
                employer = hit = true;
            else if (wis(c, k, "salaried") || wis(c, k, "salary"))
                salaried = hit = true;
            else if (wis(c, k, "self") && (wis(c, k + 1, "employed") || wis(c, k + 1, "employment")))
                self = hit = true;
            else if (wis(c, k, "employees") || wis(c, k, "employee") ||
                     (wis(c, k, "employed") && !(k > 0 && wis(c, k - 1, "self"))))
                salaried = hit = true;
            else if (wis(c, k, "professionals") && k > 0 && wis(c, k - 1, "self"))
                self = hit = true;
            if (hit) {
                if (k < hit_from)
                    hit_from = k;
                hit_to = k;
            }
        }
        if (first == SIZE_MAX || hit_from == SIZE_MAX)
            continue;
        if (employer) {
            size_t end = claim_rest(c, first, U_RULE, GROUP_WORDS_NRI);
            add_rule(c, TL_RULE_EMPLOYER_PROVIDED, 0, NULL, first, end, true);
            continue;
        }
        /* Qualifiers right before ("Government employees", "Company salary
         * required"): kept in the phrase, checked only in part. */
        static const char *const quals[] = {"government", "govt", "psu", "company", "mnc",
                                            "private", "public", "central", "state", "bank",
                                            "defence", "corporate", "permanent", NULL};
        size_t from = hit_from;
        while (from > first && win(c, from - 1, quals)) {
            from--;
            partial = true;
        }
        size_t to = hit_to;
        if (wis(c, to + 1, "employed") && same_seg(c, to, to + 1))
            to++;
        if ((wis(c, to + 1, "professionals") || wis(c, to + 1, "professional")) &&
            same_seg(c, to, to + 1))
            to++;
        while (to + 1 <= last && (wis(c, to + 1, "required") || wis(c, to + 1, "requirement") ||
                                  wis(c, to + 1, "only") || wis(c, to + 1, "needed")))
            to++;
        claim(c, from, to, U_RULE);
        double v = salaried && self ? 0 : salaried ? TL_JOB_SALARIED : TL_JOB_SELF_EMPLOYED;
        add_rule(c, TL_RULE_EMPLOYED, v, NULL, from, to, partial);
    }
}

/* Owning property or gold (whole text: "Owners of residential, commercial,
 * or industrial properties" spans clauses). Unverifiable: kept as a rule
 * that always leaves a caveat. */
static void match_assets(pctx *c)
{
    static const char *const owner[] = {"own", "owns", "owning", "owner", "owners", "ownership",
                                        "pledge", "pledging", "homeowner", "homeowners", NULL};
    static const char *const gold[] = {"gold", "ornaments", "jewellery", "jewelry", "jewels",
                                       "jewel", NULL};
    static const char *const prop_core[] = {"property", "properties", "homeowner", "homeowners",
                                            "house", "houses", "land", "estate", "apartment",
                                            "flat", "home", "homes", NULL};
    static const char *const prop_more[] = {"residential", "commercial", "industrial", "real",
                                            "immovable", NULL};
    bool own = false, g = false, p = false, homeowner = false;
    for (size_t k = 0; k < c->n; k++) {
        if (c->t[k].used)
            continue;
        own |= win(c, k, owner);
        g |= win(c, k, gold);
        p |= win(c, k, prop_core);
        homeowner |= wis(c, k, "homeowner") || wis(c, k, "homeowners");
    }
    for (int pass = 0; pass < 2; pass++) {
        bool want = pass == 0 ? own && g : (own && p) || homeowner;
        if (!want)
            continue;
        size_t from = SIZE_MAX, to = 0;
        for (size_t k = 0; k < c->n; k++) {
            if (c->t[k].used == U_RULE && !win(c, k, owner))
                continue;
            bool hit = win(c, k, owner) ||
                       (pass == 0 ? win(c, k, gold) : win(c, k, prop_core) || win(c, k, prop_more));
            if (!hit)
                continue;
            if (k < from)
                from = k;
            to = k;
            c->t[k].used = U_RULE;
        }
        if (from != SIZE_MAX)
            add_rule(c, TL_RULE_OWNS_ASSET, pass == 0 ? TL_ASSET_GOLD : TL_ASSET_PROPERTY, NULL,
                     from, to, false);
    }
}

/* "Requires a bank account with a participating bank", "Kotak 811 account
 * needed", "Fixed deposit required", "Existing customers". */
static void match_accounts(pctx *c)
{
    static const char *const need[] = {"requires", "require", "required", "req", "needed", "need",
                                       "needs", "must", "mandatory", "holders", "holder",
                                       "existing", "with", "having", "against", NULL};
    for (unsigned s = 0; s <= c->nseg; s++) {
        size_t first = SIZE_MAX;
        bool acct = false, fd = false, needed = false, existing_cust = false;
        for (size_t k = 0; k < c->n; k++) {
            if (c->t[k].seg != s)
                continue;
            if (first == SIZE_MAX)
                first = k;
            if (c->t[k].used)
                continue;
            if (wis(c, k, "account") || wis(c, k, "accounts"))
                acct = true;
            if (wis(c, k, "fd") || (wis(c, k, "fixed") && wis(c, k + 1, "deposit")))
                fd = true;
            if (win(c, k, need))
                needed = true;
            if (wis(c, k, "existing") && (wis(c, k + 1, "customers") || wis(c, k + 1, "customer")))
                existing_cust = true;
        }
        if (first == SIZE_MAX || (!((acct || fd) && needed) && !existing_cust))
            continue;
        size_t end = claim_rest(c, first, U_RULE, GROUP_WORDS_NRI);
        add_rule(c, TL_RULE_REQUIRES_ACCOUNT, fd && !acct ? 1 : 0, NULL, first, end, false);
    }
}

typedef struct grp_word {
    const char *w;
    unsigned bit;   /* 0: a filler about guardians, claimed but no group */
} grp_word;

static const grp_word GROUP_WORDS[] = {
    {"individuals", TL_GROUP_INDIVIDUAL}, {"individual", TL_GROUP_INDIVIDUAL},
    {"persons", TL_GROUP_INDIVIDUAL},     {"person", TL_GROUP_INDIVIDUAL},
    {"people", TL_GROUP_INDIVIDUAL},      {"citizens", TL_GROUP_INDIVIDUAL},
    {"citizen", TL_GROUP_INDIVIDUAL},     {"adults", TL_GROUP_INDIVIDUAL},
    {"anyone", TL_GROUP_ANYONE},          {"everyone", TL_GROUP_ANYONE},
    {"everybody", TL_GROUP_ANYONE},
    {"business", TL_GROUP_BUSINESS},      {"businesses", TL_GROUP_BUSINESS},
    {"companies", TL_GROUP_BUSINESS},     {"company", TL_GROUP_BUSINESS},
    {"firms", TL_GROUP_BUSINESS},         {"firm", TL_GROUP_BUSINESS},
    {"corporates", TL_GROUP_BUSINESS},    {"enterprises", TL_GROUP_BUSINESS},
    {"proprietors", TL_GROUP_BUSINESS},   {"proprietorship", TL_GROUP_BUSINESS},
    {"proprietorships", TL_GROUP_BUSINESS}, {"partnerships", TL_GROUP_BUSINESS},
    {"partnership", TL_GROUP_BUSINESS},   {"llps", TL_GROUP_BUSINESS},
    {"llp", TL_GROUP_BUSINESS},           {"smes", TL_GROUP_BUSINESS},
    {"sme", TL_GROUP_BUSINESS},           {"msmes", TL_GROUP_BUSINESS},
    {"msme", TL_GROUP_BUSINESS},          {"merchants", TL_GROUP_BUSINESS},
    {"entrepreneurs", TL_GROUP_BUSINESS}, {"startups", TL_GROUP_BUSINESS},
    {"minors", TL_GROUP_MINOR},           {"minor", TL_GROUP_MINOR},
    {"children", TL_GROUP_MINOR},         {"child", TL_GROUP_MINOR},
    {"kids", TL_GROUP_MINOR},             {"kid", TL_GROUP_MINOR},
    {"juniors", TL_GROUP_MINOR},          {"teens", TL_GROUP_MINOR},
    {"teenagers", TL_GROUP_MINOR},        {"teenager", TL_GROUP_MINOR},
    {"seniors", TL_GROUP_SENIOR},         {"retirees", TL_GROUP_SENIOR},
    {"pensioners", TL_GROUP_SENIOR},      {"elderly", TL_GROUP_SENIOR},
    {"students", TL_GROUP_STUDENT},       {"student", TL_GROUP_STUDENT},
    {"families", TL_GROUP_FAMILY},        {"family", TL_GROUP_FAMILY},
    {"dependents", TL_GROUP_FAMILY},      {"spouses", TL_GROUP_FAMILY},
    {"hufs", TL_GROUP_HUF},               {"huf", TL_GROUP_HUF},
    {"nris", TL_GROUP_NRI},               {"nri", TL_GROUP_NRI},
    {"oci", TL_GROUP_NRI},                {"pio", TL_GROUP_NRI},
    {"residents", TL_GROUP_RESIDENT},     {"resident", TL_GROUP_RESIDENT},
    {"institutions", TL_GROUP_INSTITUTION}, {"institution", TL_GROUP_INSTITUTION},
    {"trusts", TL_GROUP_INSTITUTION},     {"trust", TL_GROUP_INSTITUTION},
    {"societies", TL_GROUP_INSTITUTION},  {"ngos", TL_GROUP_INSTITUTION},
    {"associations", TL_GROUP_INSTITUTION}, {"clubs", TL_GROUP_INSTITUTION},
    {"charities", TL_GROUP_INSTITUTION},
    {"parent", 0}, {"parents", 0}, {"guardian", 0}, {"guardians", 0}, {"operated", 0},
    {"opened", 0}, {"consent", 0}, {"supervision", 0}, {"custodian", 0}, {"jointly", 0},
    {"natural", 0}, {"legal", 0},
};
#define N_GROUP_WORDS (sizeof GROUP_WORDS / sizeof GROUP_WORDS[0])

static int group_word(const pctx *c, size_t k)
{
    if (c->t[k].type != T_WORD)
        return -1;
    for (size_t q = 0; q < N_GROUP_WORDS; q++)
        if (strcmp(c->t[k].w, GROUP_WORDS[q].w) == 0)
            return (int)q;
    return -1;
}

static bool has_cand(const pctx *c, int kind, double lo, double hi)
{
    for (size_t k = 0; k < *c->k.n_cands; k++)
        if (c->k.cands[k].r.kind == kind && c->k.cands[k].r.value >= lo &&
            c->k.cands[k].r.value <= hi)
            return true;
    return false;
}

/* Who may apply. "Minors, operated by a parent or guardian" is minors only;
 * "Individuals, Minors (with guardian), HUFs" merely lists who may; a lone
 * "Businesses" or "Registered business" is businesses only; "Resident
 * individuals" without NRIs is residents only. */
static void match_groups(pctx *c)
{
    unsigned mask = 0;
    size_t gfirst[TL_GROUP_COUNT], glast[TL_GROUP_COUNT];
    for (size_t g = 0; g < TL_GROUP_COUNT; g++)
        gfirst[g] = SIZE_MAX, glast[g] = 0;
    for (size_t k = 0; k < c->n; k++) {
        if (c->t[k].used || c->t[k].type != T_WORD)
            continue;
        unsigned bit = 0;
        size_t from = k, to = k;
        if (wis(c, k, "senior") && (wis(c, k + 1, "citizens") || wis(c, k + 1, "citizen"))) {
            bit = TL_GROUP_SENIOR;
            to = k + 1;
        } else if (wis(c, k, "non") && (wis(c, k + 1, "resident") || wis(c, k + 1, "residents"))) {
            bit = TL_GROUP_NRI;
            to = k + 1;
        } else {
            int q = group_word(c, k);
            if (q < 0)
                continue;
            bit = GROUP_WORDS[q].bit;
            if (bit == TL_GROUP_BUSINESS || bit == TL_GROUP_STUDENT) {
                static const char *const pre[] = {"registered", "small", "incorporated",
                                                  "existing", NULL};
                while (from > 0 && win(c, from - 1, pre) && same_seg(c, from - 1, k) &&
                       !c->t[from - 1].used)
                    from--;
            }
            if (bit == TL_GROUP_BUSINESS) {
                static const char *const post[] = {"owners", "owner", "entities", "entity",
                                                   "houses", NULL};
                if (win(c, k + 1, post) && same_seg(c, k, k + 1))
                    to = k + 1;
            }
        }
        if ((bit == TL_GROUP_NRI || bit == TL_GROUP_RESIDENT) &&
            (wis(c, to + 1, "indians") || wis(c, to + 1, "indian")) && same_seg(c, to, to + 1))
            to++;
        claim(c, from, to, U_NOTE);
        if (bit == TL_GROUP_STUDENT) {
            /* "Students pursuing higher education in recognized institutions":
             * the rest of the clause describes the students. */
            static const char *const keep[] = {"individuals", "nris", "residents", NULL};
            to = claim_rest(c, k, U_NOTE, keep);
        }
        if (!bit)
            continue;
        int g = __builtin_ctz(bit);
        if (from < gfirst[g])
            gfirst[g] = from;
        if (to > glast[g] || glast[g] == 0)
            glast[g] = to;
        mask |= bit;
        k = to;
    }
    if (!mask)
        return;
    unsigned who = mask & ~(unsigned)(TL_GROUP_RESIDENT | TL_GROUP_NRI);
#define GSPAN(bit) gfirst[__builtin_ctz(bit)], glast[__builtin_ctz(bit)]
    bool only = true;
    if (who == TL_GROUP_MINOR)
        add_rule(c, TL_RULE_MINORS_ONLY, TL_ELIG_ADULT_AGE - 1, NULL, GSPAN(TL_GROUP_MINOR), false);
    else if (who == TL_GROUP_BUSINESS)
        add_rule(c, TL_RULE_BUSINESS_ONLY, 0, NULL, GSPAN(TL_GROUP_BUSINESS), false);
    else if (who == TL_GROUP_STUDENT)
        add_rule(c, TL_RULE_STUDENT_ONLY, 0, NULL, GSPAN(TL_GROUP_STUDENT), false);
    else if (who == TL_GROUP_SENIOR) {
        if (!has_cand(c, TL_RULE_MIN_AGE, 50, 1e9))
            add_rule(c, TL_RULE_SENIORS_ONLY, TL_ELIG_SENIOR_AGE, NULL, GSPAN(TL_GROUP_SENIOR),
                     false);
    } else
        only = false;
    if ((mask & TL_GROUP_RESIDENT) && !(mask & TL_GROUP_NRI))
        add_rule(c, TL_RULE_RESIDENT_ONLY, 0, NULL, GSPAN(TL_GROUP_RESIDENT), false);
    if ((mask & TL_GROUP_NRI) && !(mask & TL_GROUP_RESIDENT) && who == 0)
        add_rule(c, TL_RULE_NONRESIDENT_ONLY, 0, NULL, GSPAN(TL_GROUP_NRI), false);
#undef GSPAN
    unsigned open = mask & ~(unsigned)TL_GROUP_ANYONE;
    if (!only && who != 0 && open) {
        size_t from = SIZE_MAX, to = 0;
        for (size_t g = 0; g < TL_GROUP_COUNT; g++) {
            if (gfirst[g] == SIZE_MAX)
                continue;
            if (gfirst[g] < from)
                from = gfirst[g];
            if (glast[g] > to)
                to = glast[g];
        }
        add_rule(c, TL_RULE_OPEN_TO, open, NULL, from, to, false);
    }
}

/* Words that carry no condition of their own. */
static const char *const STOPWORDS[] = {
    "a", "an", "the", "and", "or", "of", "with", "for", "to", "by", "in", "on", "at", "as",
    "from", "only", "is", "are", "be", "been", "being", "must", "should", "can", "have", "has",
    "having", "who", "whose", "which", "that", "this", "those", "these", "their", "his", "her",
    "its", "your", "our", "etc", "eg", "ie", "also", "typically", "generally", "usually",
    "normally", "mostly", "available", "eligible", "eligibility", "applicants", "applicant",
    "customers", "customer", "clients", "client", "required", "requires", "require",
    "requirement", "requirements", "needed", "age", "aged", "years", "year", "yrs", "old",
    "certain", "per", "month", "monthly", "annual", "annually", "open", "offered", "issued",
    "all", "any", "both", "either", "such", "than", "more", "applicable", "apply", "may",
    "will", "just", "very", NULL};

/* Keeps every clause with a meaningful word no matcher claimed. */
static void collect_leftovers(pctx *c)
{
    size_t k = 0;
    while (k < c->n) {
        size_t first = k, end = seg_end(c, k);
        bool any_rule = false;
        size_t lf = SIZE_MAX, ll = 0;
        for (size_t j = first; j < end; j++) {
            const tok *t = &c->t[j];
            if (t->used == U_RULE)
                any_rule = true;
            if (t->used)
                continue;
            bool meaningful = t->type == T_NUM ||
                              (t->type == T_WORD && strlen(t->w) > 1 && !in_list(t->w, STOPWORDS));
            if (meaningful) {
                if (j < lf)
                    lf = j;
                ll = j;
            }
        }
        if (lf != SIZE_MAX) {
            char phrase[TL_ELIG_UNPARSED_MAX];
            size_t b = any_rule ? lf : first, e = any_rule ? ll : end - 1;
            copy_span(c->src, c->len, c->t[b].b, c->t[e].e, phrase, sizeof phrase);
            add_unparsed(c->k.out, phrase);
        }
        k = end;
    }
}

/* ---- driver ------------------------------------------------------------------ */

static void parse_text(const char *text, int source, uint32_t textno, cand *cands,
                       size_t *n_cands, tl_eligibility *out)
{
    /* ~30 KiB of tokens: on the stack, freed on return. */
    pctx c;
    memset(&c, 0, sizeof c);
    c.src = text;
    c.full_len = strlen(text);
    c.len = c.full_len;
    if (c.len > TL_ELIG_TEXT_MAX) {
        c.len = TL_ELIG_TEXT_MAX;
        while (c.len > 0 && ((unsigned char)text[c.len] & 0xC0) == 0x80)
            c.len--;
    }
    c.k.source = source;
    c.k.cands = cands;
    c.k.n_cands = n_cands;
    c.k.out = out;
    size_t before = *n_cands;
    size_t stop = c.len;
    lex(&c, &stop);
    match_no_credit_check(&c);
    match_credit_score(&c);
    match_money(&c);
    match_ages(&c);
    match_credit_tier(&c);
    match_income_tier(&c);
    match_employment(&c);
    match_assets(&c);
    match_accounts(&c);
    match_groups(&c);
    collect_leftovers(&c);
    if (stop < c.full_len) {
        /* Beyond what we parse: kept, not checked. */
        char rest[TL_ELIG_UNPARSED_MAX];
        copy_span(text, c.full_len, stop, c.full_len, rest, sizeof rest);
        add_unparsed(out, rest);
    }
    for (size_t k = before; k < *n_cands; k++)
        cands[k].pos += textno << 20;
}

static bool has_word_ci(const char *s, const char *w)
{
    if (!s)
        return false;
    size_t n = strlen(w);
    for (const char *p = s; (p = strcasestr(p, w)) != NULL; p++) {
        bool left = p == s || !is_alpha((unsigned char)p[-1]);
        bool right = !is_alpha((unsigned char)p[n]);
        if (left && right)
            return true;
    }
    return false;
}

static bool cands_have(const cand *cands, size_t n, int kind, double lo, double hi)
{
    for (size_t k = 0; k < n; k++)
        if (cands[k].r.kind == kind && cands[k].r.value >= lo && cands[k].r.value <= hi)
            return true;
    return false;
}

/* Adds a hint rule (name or implied) with a fixed phrase. */
static void add_hint(cand *cands, size_t *n_cands, tl_eligibility *out, int kind, double value,
                     int source, const char *text, uint32_t order)
{
    sink k = {cands, n_cands, source, out};
    add_rule_text(&k, kind, value, NULL, text, order << 20, kind == TL_RULE_EMPLOYER_PROVIDED);
}

/* Smallest amount in a field such as "$100 - $1,000" or "Typically high,
 * e.g., $100,000 or more"; 0 when none. */
static double field_min_amount(const char *val, char cur[4])
{
    double best = 0;
    /* Token scan without the matchers (on the stack, ~30 KiB). */
    pctx lc;
    memset(&lc, 0, sizeof lc);
    lc.src = val;
    lc.full_len = strlen(val);
    lc.len = lc.full_len > TL_ELIG_TEXT_MAX ? TL_ELIG_TEXT_MAX : lc.full_len;
    size_t stop = lc.len;
    lex(&lc, &stop);
    bool found = false;
    for (size_t k = 0; k < lc.n; k++) {
        const tok *t = &lc.t[k];
        if (t->type != T_NUM || (t->flags & NF_PERCENT))
            continue;
        if (!found || t->v < best) {
            best = t->v;
            tl_strlcpy(cur, t->cur, 4);
            found = true;
        }
    }
    return best;
}

static const char *json_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void parse_product_fields(const json_t *product, cand *cands, size_t *nc,
                                 tl_eligibility *out)
{
    const char *s;
    if ((s = json_str(product, "income_requirement")) != NULL)
        parse_text(s, TL_RULE_SRC_FIELD, 1, cands, nc, out);
    if ((s = json_str(product, "age_limit")) != NULL)
        parse_text(s, TL_RULE_SRC_FIELD, 2, cands, nc, out);
    static const char *const amount_fields[] = {"minimum_balance_requirement", "minimum_balance",
                                                "minimum_deposit_amount", "minimum_deposit",
                                                "minimum_investment_amount", NULL};
    for (size_t f = 0; amount_fields[f]; f++) {
        const json_t *v = json_object_get(product, amount_fields[f]);
        double amount = 0;
        char cur[4] = "";
        char text[TL_RULE_TEXT_MAX];
        if (json_is_number(v)) {
            amount = json_number_value(v);
            snprintf(text, sizeof text, "%s: %g", amount_fields[f], amount);
        } else if (json_is_string(v)) {
            amount = field_min_amount(json_string_value(v), cur);
            /* "field: value", cut to fit (copy_span keeps UTF-8 whole). */
            const char *sv = json_string_value(v);
            size_t hl = (size_t)snprintf(text, sizeof text, "%s: ", amount_fields[f]);
            if (hl < sizeof text)
                copy_span(sv, strlen(sv), 0, strlen(sv), text + hl, sizeof text - hl);
        }
        if (!(amount > 0) || amount > 1e15)
            continue;
        sink k = {cands, nc, TL_RULE_SRC_FIELD, out};
        add_rule_text(&k, TL_RULE_MIN_BALANCE, amount, cur, text, (3u + (uint32_t)f) << 20, false);
    }
}

static void add_name_hints(const json_t *product, cand *cands, size_t *nc, tl_eligibility *out)
{
    const char *name = json_str(product, "name");
    const char *cat = json_str(product, "category");
    char text[TL_RULE_TEXT_MAX];
    {
        char nm[64];
        const char *src = name ? name : cat ? cat : "";
        copy_span(src, strlen(src), 0, strlen(src), nm, sizeof nm);
        snprintf(text, sizeof text, "name: %s", nm);
    }
    const char *both[] = {name, cat};
    bool minors = false, senior = false, business = false, salary = false, student = false;
    for (size_t k = 0; k < 2; k++) {
        const char *s = both[k];
        minors |= has_word_ci(s, "junior") || has_word_ci(s, "kids") || has_word_ci(s, "kid") ||
                  has_word_ci(s, "child") || has_word_ci(s, "children") ||
                  has_word_ci(s, "minor") || has_word_ci(s, "minors") || has_word_ci(s, "teen");
        senior |= has_word_ci(s, "senior") || has_word_ci(s, "seniors");
        business |= has_word_ci(s, "business") || has_word_ci(s, "corporate") ||
                    has_word_ci(s, "sme") || has_word_ci(s, "msme") || has_word_ci(s, "merchant");
        salary |= has_word_ci(s, "salary") || has_word_ci(s, "payroll");
        student |= has_word_ci(s, "student") || has_word_ci(s, "campus");
    }
    uint32_t order = 100;
    if (minors && !cands_have(cands, *nc, TL_RULE_MINORS_ONLY, 0, 1e9) &&
        !cands_have(cands, *nc, TL_RULE_MAX_AGE, 0, TL_ELIG_ADULT_AGE - 1) &&
        !cands_have(cands, *nc, TL_RULE_MIN_AGE, TL_ELIG_ADULT_AGE, 1e9))
        add_hint(cands, nc, out, TL_RULE_MINORS_ONLY, TL_ELIG_ADULT_AGE - 1, TL_RULE_SRC_NAME,
                 text, order);
    if (senior && !cands_have(cands, *nc, TL_RULE_SENIORS_ONLY, 0, 1e9) &&
        !cands_have(cands, *nc, TL_RULE_MIN_AGE, 50, 1e9))
        add_hint(cands, nc, out, TL_RULE_SENIORS_ONLY, TL_ELIG_SENIOR_AGE, TL_RULE_SRC_NAME, text,
                 order);
    bool individuals_listed = false;
    for (size_t k = 0; k < *nc; k++)
        if (cands[k].r.kind == TL_RULE_OPEN_TO &&
            ((unsigned)cands[k].r.value & (TL_GROUP_INDIVIDUAL | TL_GROUP_ANYONE)))
            individuals_listed = true;
    if (business && !individuals_listed && !cands_have(cands, *nc, TL_RULE_BUSINESS_ONLY, 0, 1e9))
        add_hint(cands, nc, out, TL_RULE_BUSINESS_ONLY, 0, TL_RULE_SRC_NAME, text, order);
    if (salary && !cands_have(cands, *nc, TL_RULE_EMPLOYER_PROVIDED, 0, 1e9) &&
        !cands_have(cands, *nc, TL_RULE_EMPLOYED, 0, 1e9))
        add_hint(cands, nc, out, TL_RULE_EMPLOYER_PROVIDED, 0, TL_RULE_SRC_NAME, text, order);
    if (student && !cands_have(cands, *nc, TL_RULE_STUDENT_ONLY, 0, 1e9))
        add_hint(cands, nc, out, TL_RULE_STUDENT_ONLY, 0, TL_RULE_SRC_NAME, text, order);

    /* Credit cards and loans are contracts: an adult signs them. */
    const char *rate = json_str(product, "interest_rate");
    bool credit_card = json_object_get(product, "credit_limit") != NULL ||
                       (name && strcasestr(name, "credit card")) ||
                       (cat && strcasestr(cat, "credit card")) || (rate && strstr(rate, "APR"));
    bool loan = (cat && (tl_strcaseeq(cat, "loan") || tl_strcaseeq(cat, "loans"))) ||
                has_word_ci(name, "loan") || has_word_ci(name, "mortgage") ||
                (name && strcasestr(name, "line of credit"));
    bool has_age = cands_have(cands, *nc, TL_RULE_MIN_AGE, 0, 1e9) ||
                   cands_have(cands, *nc, TL_RULE_MINORS_ONLY, 0, 1e9) ||
                   cands_have(cands, *nc, TL_RULE_MAX_AGE, 0, TL_ELIG_ADULT_AGE - 1);
    if (credit_card && !has_age)
        add_hint(cands, nc, out, TL_RULE_MIN_AGE, TL_ELIG_ADULT_AGE, TL_RULE_SRC_IMPLIED,
                 "implied: credit cards need an adult (18+)", order + 1);
    else if (loan && !has_age && !cands_have(cands, *nc, TL_RULE_STUDENT_ONLY, 0, 1e9))
        add_hint(cands, nc, out, TL_RULE_MIN_AGE, TL_ELIG_ADULT_AGE, TL_RULE_SRC_IMPLIED,
                 "implied: loans need an adult (18+)", order + 1);
}

int tl_eligibility_parse_product(const char *text, const json_t *product, tl_eligibility *out,
                                 tl_err *err)
{
    if (!out)
        return tl_err_set(err, TL_EINPUT, "eligibility: no output");
    memset(out, 0, sizeof *out);
    if (product && !json_is_object(product))
        return tl_err_set(err, TL_EINPUT, "eligibility: product is not a JSON object");
    cand cands[MAX_CAND];
    size_t nc = 0;
    if (!text && product)
        text = json_str(product, "eligibility");
    if (text)
        parse_text(text, TL_RULE_SRC_TEXT, 0, cands, &nc, out);
    if (product) {
        parse_product_fields(product, cands, &nc, out);
        add_name_hints(product, cands, &nc, out);
    }
    /* Text order (stable insertion sort; at most MAX_CAND). */
    for (size_t i = 1; i < nc; i++) {
        cand x = cands[i];
        size_t j = i;
        while (j > 0 && cands[j - 1].pos > x.pos) {
            cands[j] = cands[j - 1];
            j--;
        }
        cands[j] = x;
    }
    for (size_t i = 0; i < nc; i++) {
        if (out->n_rules < TL_ELIG_MAX_RULES)
            out->rules[out->n_rules++] = cands[i].r;
        else
            add_unparsed(out, cands[i].r.text);  /* shown, not enforced */
    }
    return TL_OK;
}

int tl_eligibility_parse(const char *text, const char *product_json, tl_eligibility *out,
                         tl_err *err)
{
    if (!product_json)
        return tl_eligibility_parse_product(text, NULL, out, err);
    json_error_t jerr;
    json_t *product = json_loads(product_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!product) {
        if (out)
            memset(out, 0, sizeof *out);
        return tl_err_set(err, TL_EINPUT, "eligibility: product JSON %d:%d: %s", jerr.line,
                          jerr.column, jerr.text);
    }
    int rc = tl_eligibility_parse_product(text, product, out, err);
    json_decref(product);
    return rc;
}
