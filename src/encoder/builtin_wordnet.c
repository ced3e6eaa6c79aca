/* builtin_wordnet.c — read-only access to the WordNet 3.0 database files
 * (Debian's wordnet-base), for the built-in encoder.
 *
 * At open the files are mapped. The tables derived from them come from a
 * cache file when one made from these very files exists
 * (builtin_wordnet_cache.c); otherwise they are built and the cache
 * written: the lemma column of the index files, the exception lists and
 * cntlist.rev are hashed; one pass over the data files keeps, per synset,
 * its hypernyms and whether it names something ("Tyre" the city); and each
 * lemma's senses are resolved to synset numbers — about 12 MB and 0.1
 * CPU-seconds, against a few milliseconds from the cache. Synsets are
 * numbered densely per part of speech in file order. Nothing changes after
 * open, so lookups are thread-safe. Every read checks its bounds: a damaged
 * file makes words unknown, never a crash. */
#include "encoder/builtin.h"
#include "encoder/builtin_wordnet_int.h"
#include "base/log.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const pos_name[TL_WN_POS_COUNT] = {"noun", "verb", "adj", "adv"};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = tl_fnv1a(s, n);
    return h ^ (h >> 29);
}

static int map_file(const char *dir, const char *name, wn_map *m, tl_err *err)
{
    char path[4096];
    int k = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (k < 0 || (size_t)k >= sizeof path)
        return tl_err_set(err, TL_EINPUT, "wordnet: path too long: %s", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return tl_err_set(err, TL_ENOTFOUND, "wordnet: %s not found", path);
        return tl_err_set(err, TL_EIO, "wordnet: %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size >= UINT32_MAX) {
        close(fd);
        return tl_err_set(err, TL_EIO, "wordnet: %s: empty or unreadable", path);
    }
    /* not populated: with the cache most pages are never read */
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return tl_err_set(err, TL_EIO, "wordnet: mmap %s: %s", path, strerror(errno));
    m->p = p;
    m->n = (size_t)st.st_size;
    m->mapped = 1;
    m->stamp = (wn_stamp){(uint64_t)st.st_size, (uint64_t)st.st_ino,
                          (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec,
                          (uint64_t)st.st_ctim.tv_sec, (uint64_t)st.st_ctim.tv_nsec};
    return 0;
}

static void unmap_file(wn_map *m)
{
    if (m->p && m->mapped)
        munmap((void *)m->p, m->n);
    m->p = NULL;
}

static int table_init(wn_table *t, const char *base, size_t expected, tl_err *err)
{
    size_t cap = 16; /* at most half full, so every probe ends at an empty slot */
    while (cap < expected * 2)
        cap <<= 1;
    t->slots = calloc(cap, sizeof *t->slots);
    if (!t->slots)
        return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
    t->mask = cap - 1;
    t->base = base;
    return 0;
}

/* Finds the slot of key[0..n): the one holding it, or the empty one where it
 * would go. The table is never more than half full. */
static wn_slot *table_slot(const wn_table *t, const char *key, size_t n)
{
    size_t i = (size_t)hash_bytes(key, n) & t->mask;
    for (;;) {
        wn_slot *s = &t->slots[i];
        if (s->len == 0 || (s->len == n && memcmp(t->base + s->off, key, n) == 0))
            return s;
        i = (i + 1) & t->mask;
    }
}

static const wn_slot *table_get(const wn_table *t, const char *key, size_t n)
{
    if (!t->slots || n == 0)
        return NULL;
    const wn_slot *s = table_slot(t, key, n);
    return s->len ? s : NULL;
}

static size_t count_lines(const wn_map *m)
{
    size_t n = 0;
    for (const char *p = m->p, *end = m->p + m->n; p < end; p++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            break;
        n++;
    }
    return n + 1;
}

/* Hashes the first word of every line of `m` (license lines start with a
 * blank and are skipped); the value is the line's offset. */
static int index_lines(const wn_map *m, wn_table *t, tl_err *err)
{
    int rc = table_init(t, m->p, count_lines(m), err);
    if (rc)
        return rc;
    const char *p = m->p, *end = m->p + m->n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *sp = memchr(p, ' ', (size_t)(eol - p));
        if (sp && sp > p && *p != ' ') {
            wn_slot *s = table_slot(t, p, (size_t)(sp - p));
            if (s->len == 0) { /* first line wins, as in WordNet's own search */
                s->off = (uint32_t)(p - m->p);
                s->len = (uint32_t)(sp - p);
                s->val = s->off;
            }
        }
        p = eol + 1;
    }
    return 0;
}

/* cntlist.rev: "lemma%sense_key_rest sense_number tag_count"; sums the tag
 * counts of each lemma. */
static int index_counts(const wn_map *m, wn_table *t, tl_err *err)
{
    int rc = table_init(t, m->p, count_lines(m), err);
    if (rc)
        return rc;
    const char *p = m->p, *end = m->p + m->n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *pct = memchr(p, '%', (size_t)(eol - p));
        const char *last = eol;
        while (last > p && last[-1] != ' ')
            last--;
        if (pct && pct > p && last > pct) {
            uint32_t c = 0;
            for (const char *q = last; q < eol && *q >= '0' && *q <= '9' && c < 100000000; q++)
                c = c * 10 + (uint32_t)(*q - '0');
            wn_slot *s = table_slot(t, p, (size_t)(pct - p));
            if (s->len == 0) {
                s->off = (uint32_t)(p - m->p);
                s->len = (uint32_t)(pct - p);
            }
            s->val += c;
        }
        p = eol + 1;
    }
    return 0;
}

static int parse_synsets(tl_wordnet *wn, tl_err *err);
static tl_wn_synset synset_at(const tl_wordnet *wn, int pos, uint32_t off);
static int resolve_senses(tl_wordnet *wn, int pos, tl_err *err);

void tl__wordnet_free_tables(tl_wordnet *wn)
{
    if (!wn->cache) {
        for (int i = 0; i < TL_WN_POS_COUNT; i++) {
            free(wn->lemmas[i].slots);
            free(wn->excs[i].slots);
            free(wn->syn[i].first);
            free(wn->syn[i].hypers);
            free(wn->syn[i].proper);
            free(wn->senses[i]);
        }
        free(wn->counts.slots);
    } else {
        munmap((void *)wn->cache, wn->cache_n);
    }
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        free(wn->syn[i].offsets); /* build-time only: never cached */
        free(wn->syn[i].by_offset);
        wn->lemmas[i] = (wn_table){0};
        wn->excs[i] = (wn_table){0};
        wn->syn[i] = (wn_synsets){0};
        wn->senses[i] = NULL;
        wn->n_senses[i] = 0;
    }
    wn->counts = (wn_table){0};
    wn->cache = NULL;
    wn->cache_n = 0;
}

void tl_wordnet_close(tl_wordnet *wn)
{
    if (!wn)
        return;
    tl__wordnet_free_tables(wn);
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        unmap_file(&wn->index[i]);
        unmap_file(&wn->data[i]);
        unmap_file(&wn->exc[i]);
    }
    unmap_file(&wn->cnt);
    free(wn);
}

/* The build reads every mapped file from start to end. */
static void will_read(const wn_map *m)
{
    if (m->p && m->mapped)
        madvise((void *)m->p, m->n, MADV_WILLNEED);
}

int tl__wordnet_build(tl_wordnet *wn, tl_err *err)
{
    int rc;
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        will_read(&wn->index[i]);
        will_read(&wn->data[i]);
        will_read(&wn->exc[i]);
    }
    will_read(&wn->cnt);
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        if (wn->exc[i].p && (rc = index_lines(&wn->exc[i], &wn->excs[i], err)))
            return rc;
        if ((rc = index_lines(&wn->index[i], &wn->lemmas[i], err)))
            return rc;
    }
    if (wn->cnt.p && (rc = index_counts(&wn->cnt, &wn->counts, err)))
        return rc;
    if ((rc = parse_synsets(wn, err)))
        return rc;
    for (int i = 0; i < TL_WN_POS_COUNT; i++)
        if ((rc = resolve_senses(wn, i, err)))
            return rc;
    /* file offsets served only to resolve pointers and senses */
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        free(wn->syn[i].offsets);
        free(wn->syn[i].by_offset);
        wn->syn[i].offsets = wn->syn[i].by_offset = NULL;
        wn->syn[i].by_mask = 0;
    }
    return 0;
}

int tl_wordnet_open(const char *dir, tl_wordnet **out, tl_err *err)
{
    *out = NULL;
    tl_wordnet *wn = calloc(1, sizeof *wn);
    if (!wn)
        return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
    int rc = 0;
    char name[32];
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        snprintf(name, sizeof name, "index.%s", pos_name[i]);
        if ((rc = map_file(dir, name, &wn->index[i], err)))
            goto fail;
        snprintf(name, sizeof name, "data.%s", pos_name[i]);
        if ((rc = map_file(dir, name, &wn->data[i], err)))
            goto fail;
        /* exception lists and counts are optional: without them fewer
         * inflections resolve and every word weighs the same */
        snprintf(name, sizeof name, "%s.exc", pos_name[i]);
        map_file(dir, name, &wn->exc[i], NULL);
    }
    map_file(dir, "cntlist.rev", &wn->cnt, NULL);
    char cache[4096];
    bool cached = tl__wordnet_cache_path(dir, cache, sizeof cache);
    if (cached && tl__wordnet_cache_load(wn, cache)) {
        *out = wn;
        return 0;
    }
    if ((rc = tl__wordnet_build(wn, err)))
        goto fail;
    if (cached)
        tl__wordnet_cache_save(wn, cache);
    *out = wn;
    return 0;
fail: /* whatever step failed: close releases what was built, in any state */
    tl_wordnet_close(wn);
    return rc;
}

/* ---- lookups ---- */

/* The lemma table entry of lemma[0..n) as `pos`, or NULL. */
static const wn_slot *lemma_slot(const tl_wordnet *wn, int pos, const char *lemma, size_t n)
{
    return table_get(&wn->lemmas[pos], lemma, n);
}

static size_t copy_senses(const tl_wordnet *wn, int pos, const wn_slot *s, tl_wn_synset *senses,
                          size_t max)
{
    size_t n = s->n < max ? s->n : max;
    if (n) /* likewise without senses */
        memcpy(senses, wn->senses[pos] + s->val, n * sizeof *senses);
    return n;
}

/* Reads the next blank-separated field of [*p, end) as an unsigned number
 * (hex when `hex`); false at the end of the line or on garbage. */
static bool next_number(const char **p, const char *end, bool hex, uint32_t *v)
{
    const char *q = *p;
    while (q < end && *q == ' ')
        q++;
    uint64_t x = 0;
    const char *start = q;
    for (; q < end && *q != ' ' && *q != '\n'; q++) {
        int d;
        if (*q >= '0' && *q <= '9')
            d = *q - '0';
        else if (hex && *q >= 'a' && *q <= 'f')
            d = *q - 'a' + 10;
        else
            return false;
        x = x * (hex ? 16 : 10) + (uint64_t)d;
        if (x > UINT32_MAX)
            return false;
    }
    if (q == start)
        return false;
    *v = (uint32_t)x;
    *p = q;
    return true;
}

static bool skip_field(const char **p, const char *end)
{
    const char *q = *p;
    while (q < end && *q == ' ')
        q++;
    if (q >= end || *q == '\n')
        return false;
    while (q < end && *q != ' ' && *q != '\n')
        q++;
    *p = q;
    return true;
}

/* Offsets listed on an index line: "lemma pos synset_cnt p_cnt [ptr]*
 * sense_cnt tagsense_cnt offset*", resolved to synsets into out[0..max). */
static size_t line_senses(const tl_wordnet *wn, const char *line, const char *eol, int pos,
                          tl_wn_synset *out, size_t max)
{
    const char *p = line;
    uint32_t synset_cnt, p_cnt, dummy;
    if (!skip_field(&p, eol) || !skip_field(&p, eol) || !next_number(&p, eol, false, &synset_cnt) ||
        !next_number(&p, eol, false, &p_cnt))
        return 0;
    for (uint32_t i = 0; i < p_cnt; i++)
        if (!skip_field(&p, eol))
            return 0;
    if (!next_number(&p, eol, false, &dummy) || !next_number(&p, eol, false, &dummy))
        return 0;
    size_t n = 0;
    uint32_t off;
    while (n < max && n < synset_cnt && next_number(&p, eol, false, &off)) {
        tl_wn_synset s = synset_at(wn, pos, off);
        if (s != TL_WN_NONE)
            out[n++] = s;
    }
    return n;
}

/* Replaces each lemma's index-line offset by its senses, copied into one
 * array per part of speech (WordNet's most polysemous lemma has 75). */
static int resolve_senses(tl_wordnet *wn, int pos, tl_err *err)
{
    wn_table *t = &wn->lemmas[pos];
    const wn_map *m = &wn->index[pos];
    size_t cap = 1024, n = 0;
    wn->senses[pos] = malloc(cap * sizeof *wn->senses[pos]);
    if (!wn->senses[pos])
        return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
    for (size_t i = 0; i <= t->mask; i++) {
        wn_slot *s = &t->slots[i];
        if (!s->len)
            continue;
        if (n + 128 > cap) {
            tl_wn_synset *g = realloc(wn->senses[pos], 2 * cap * sizeof *g);
            if (!g)
                return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
            wn->senses[pos] = g;
            cap *= 2;
        }
        const char *line = m->p + s->val;
        const char *eol = memchr(line, '\n', m->n - s->val);
        size_t k = line_senses(wn, line, eol ? eol : m->p + m->n, pos, wn->senses[pos] + n, 128);
        s->val = (uint32_t)n;
        s->n = (uint32_t)k;
        n += k;
    }
    wn->n_senses[pos] = n;
    return 0;
}

typedef struct detach_rule {
    const char *suffix, *ending;
} detach_rule;

/* WordNet's documented detachment rules (morphy(7WN)). */
static const detach_rule noun_rules[] = {
    {"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"},
    {"men", "man"}, {"ies", "y"}, {NULL, NULL}};
static const detach_rule verb_rules[] = {
    {"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"},
    {"ing", ""}, {NULL, NULL}};
static const detach_rule adj_rules[] = {
    {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}, {NULL, NULL}};
static const detach_rule no_rules[] = {{NULL, NULL}};

static size_t copy_lemma(char *lemma, size_t cap, const char *s, size_t n)
{
    if (cap == 0)
        return 0;
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(lemma, s, k);
    lemma[k] = '\0';
    return k;
}

size_t tl_wordnet_lookup(const tl_wordnet *wn, const char *word, int pos, char *lemma,
                         size_t cap, tl_wn_synset *senses, size_t max)
{
    if (cap)
        lemma[0] = '\0';
    if (!wn || pos < 0 || pos >= TL_WN_POS_COUNT)
        return 0;
    size_t wl = strlen(word);
    if (wl == 0 || wl > 64)
        return 0;
    const wn_slot *hit;

    /* 1. the exception list ("children child") */
    const wn_slot *x = table_get(&wn->excs[pos], word, wl);
    if (x) {
        const wn_map *m = &wn->exc[pos];
        const char *p = m->p + x->off + x->len, *end = memchr(p, '\n', m->n - x->off - x->len);
        if (!end)
            end = m->p + m->n;
        while (p < end) {
            while (p < end && *p == ' ')
                p++;
            const char *q = p;
            while (q < end && *q != ' ')
                q++;
            if (q > p && (hit = lemma_slot(wn, pos, p, (size_t)(q - p)))) {
                copy_lemma(lemma, cap, p, (size_t)(q - p));
                return copy_senses(wn, pos, hit, senses, max);
            }
            p = q;
        }
    }
    /* 2. the word itself */
    if ((hit = lemma_slot(wn, pos, word, wl))) {
        copy_lemma(lemma, cap, word, wl);
        return copy_senses(wn, pos, hit, senses, max);
    }
    /* 3. detachment rules */
    const detach_rule *rules = pos == TL_WN_NOUN  ? noun_rules
                               : pos == TL_WN_VERB ? verb_rules
                               : pos == TL_WN_ADJ  ? adj_rules
                                                   : no_rules;
    char buf[80];
    for (const detach_rule *r = rules; r->suffix; r++) {
        size_t sl = strlen(r->suffix), el = strlen(r->ending);
        if (wl <= sl || memcmp(word + wl - sl, r->suffix, sl) != 0)
            continue;
        size_t bl = wl - sl;
        memcpy(buf, word, bl);
        memcpy(buf + bl, r->ending, el);
        bl += el;
        if ((hit = lemma_slot(wn, pos, buf, bl))) {
            copy_lemma(lemma, cap, buf, bl);
            return copy_senses(wn, pos, hit, senses, max);
        }
    }
    return 0;
}

static int pos_of(char c)
{
    switch (c) {
    case 'n': return TL_WN_NOUN;
    case 'v': return TL_WN_VERB;
    case 'a': case 's': return TL_WN_ADJ;
    case 'r': return TL_WN_ADV;
    default: return -1;
    }
}

size_t tl_wordnet_hypernyms(const tl_wordnet *wn, tl_wn_synset s, tl_wn_synset *out, size_t max)
{
    int pos = TL_WN_POS_OF(s);
    size_t i = TL_WN_INDEX_OF(s);
    if (!wn || pos < 0 || pos >= TL_WN_POS_COUNT || i >= wn->syn[pos].n)
        return 0;
    const wn_synsets *y = &wn->syn[pos];
    size_t n = y->first[i + 1] - y->first[i];
    if (n > max)
        n = max;
    if (n) /* a cached part of speech without hypernyms has no array */
        memcpy(out, y->hypers + y->first[i], n * sizeof *out);
    return n;
}

bool tl_wordnet_is_proper(const tl_wordnet *wn, tl_wn_synset s)
{
    int pos = TL_WN_POS_OF(s);
    size_t i = TL_WN_INDEX_OF(s);
    return wn && pos >= 0 && pos < TL_WN_POS_COUNT && i < wn->syn[pos].n &&
           wn->syn[pos].proper[i];
}

size_t tl_wordnet_synset_count(const tl_wordnet *wn, int pos)
{
    return wn && pos >= 0 && pos < TL_WN_POS_COUNT ? wn->syn[pos].n : 0;
}

static size_t offset_slot(uint32_t off, size_t mask)
{
    return (size_t)((off * 0x9e3779b1u) >> 7) & mask;
}

/* The synset whose line starts at byte `off` of data.<pos>, or TL_WN_NONE. */
static tl_wn_synset synset_at(const tl_wordnet *wn, int pos, uint32_t off)
{
    const wn_synsets *y = &wn->syn[pos];
    if (!y->by_offset)
        return TL_WN_NONE;
    for (size_t i = offset_slot(off, y->by_mask);; i = (i + 1) & y->by_mask) {
        uint32_t v = y->by_offset[i];
        if (v == 0)
            return TL_WN_NONE;
        if (y->offsets[v - 1] == off)
            return TL_WN_SYNSET(pos, v - 1);
    }
}

static int hash_offsets(wn_synsets *y, tl_err *err)
{
    size_t cap = 1024;
    while (cap < 2 * y->n)
        cap <<= 1;
    y->by_offset = calloc(cap, sizeof *y->by_offset);
    if (!y->by_offset)
        return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
    y->by_mask = cap - 1;
    for (size_t i = 0; i < y->n; i++) {
        size_t j = offset_slot(y->offsets[i], y->by_mask);
        while (y->by_offset[j])
            j = (j + 1) & y->by_mask;
        y->by_offset[j] = (uint32_t)(i + 1);
    }
    return 0;
}

/* One pass over each data file: "offset lex_filenum ss_type w_cnt
 * [word lex_id]* p_cnt [symbol offset pos source/target]* | gloss". The
 * hypernyms ("@", and "@i" for instances) are first kept as (pos, offset)
 * and turned into synset numbers once every file is read. */
static int parse_synsets(tl_wordnet *wn, tl_err *err)
{
    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        const wn_map *m = &wn->data[pos];
        wn_synsets *y = &wn->syn[pos];
        size_t lines = count_lines(m), cap_h = lines + 16, nh = 0;
        y->offsets = malloc(lines * sizeof *y->offsets);
        y->first = malloc((lines + 1) * sizeof *y->first);
        y->proper = calloc(lines, 1);
        y->hypers = malloc(cap_h * sizeof *y->hypers);
        if (!y->offsets || !y->first || !y->proper || !y->hypers)
            return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
        const char *p = m->p, *end = m->p + m->n;
        while (p < end) {
            const char *line = p;
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            if (!eol)
                eol = end;
            p = eol + 1;
            uint32_t off, w_cnt, p_cnt;
            const char *q = line;
            if (*line == ' ' || !next_number(&q, eol, false, &off) ||
                off != (uint32_t)(line - m->p) || !skip_field(&q, eol) ||
                !skip_field(&q, eol) || !next_number(&q, eol, true, &w_cnt))
                continue; /* the licence, or a damaged line */
            size_t i = y->n++;
            y->offsets[i] = off;
            y->first[i] = (uint32_t)nh;
            while (q < eol && *q == ' ')
                q++;
            y->proper[i] = q < eol && *q >= 'A' && *q <= 'Z';
            bool ok = true;
            for (uint32_t k = 0; k < 2 * w_cnt && ok; k++)
                ok = skip_field(&q, eol);
            if (!ok || !next_number(&q, eol, false, &p_cnt))
                continue;
            for (uint32_t k = 0; k < p_cnt; k++) {
                while (q < eol && *q == ' ')
                    q++;
                const char *sym = q;
                uint32_t target;
                if (!skip_field(&q, eol))
                    break;
                size_t sym_len = (size_t)(q - sym);
                if (!next_number(&q, eol, false, &target))
                    break;
                while (q < eol && *q == ' ')
                    q++;
                int tpos = q < eol ? pos_of(*q) : -1;
                if (!skip_field(&q, eol) || !skip_field(&q, eol))
                    break;
                if (tpos < 0 || sym[0] != '@' || (sym_len == 2 && sym[1] != 'i') || sym_len > 2)
                    continue;
                if (nh == cap_h) {
                    tl_wn_synset *h = realloc(y->hypers, 2 * cap_h * sizeof *h);
                    if (!h)
                        return tl_err_set(err, TL_ENOMEM, "wordnet: out of memory");
                    y->hypers = h;
                    cap_h *= 2;
                }
                y->hypers[nh++] = ((tl_wn_synset)tpos << 32) | target; /* resolved below */
            }
        }
        y->first[y->n] = (uint32_t)nh;
        int rc = hash_offsets(y, err);
        if (rc)
            return rc;
    }
    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        wn_synsets *y = &wn->syn[pos];
        size_t nh = y->first[y->n], k = 0;
        for (size_t i = 0; i < y->n; i++) {
            size_t from = y->first[i];
            y->first[i] = (uint32_t)k;
            for (size_t j = from; j < y->first[i + 1] && j < nh; j++) {
                tl_wn_synset t = synset_at(wn, (int)(y->hypers[j] >> 32), (uint32_t)y->hypers[j]);
                if (t != TL_WN_NONE) /* a dangling pointer is dropped */
                    y->hypers[k++] = t;
            }
        }
        y->first[y->n] = (uint32_t)k;
    }
    return 0;
}

uint64_t tl_wordnet_fingerprint(const tl_wordnet *wn)
{
    uint64_t h = 0x84222325cbf29ce4ull;
    for (int i = 0; wn && i < TL_WN_POS_COUNT; i++) {
        h = (h ^ wn->index[i].n) * 0x100000001b3ull;
        h = (h ^ wn->data[i].n) * 0x100000001b3ull;
        h = (h ^ wn->exc[i].n) * 0x100000001b3ull;
    }
    return wn ? (h ^ wn->cnt.n) * 0x100000001b3ull : 0;
}

uint32_t tl_wordnet_count(const tl_wordnet *wn, const char *lemma)
{
    if (!wn)
        return 0;
    const wn_slot *s = table_get(&wn->counts, lemma, strlen(lemma));
    return s ? s->val : 0;
}
