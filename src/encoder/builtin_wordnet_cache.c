/* builtin_wordnet_cache.c — the tables derived from WordNet's files, saved
 * once and mapped by every later process (builtin_wordnet_int.h).
 *
 * Building them reads 23 MB of text: about 0.1 s of every process that
 * embeds with the built-in encoder, most of a one-customer `tailor
 * recommend`. The cache holds them as they lie in memory, so opening is a
 * map, a checksum and one pass of bounds checks.
 *
 * File: a header (magic, version, byte order, size, checksum, the stat of
 * each source file, where each table lies), then the tables, each at a
 * multiple of 8 bytes. A cache is used only when every source file's size,
 * inode, modification and change times are those it was built from, its
 * checksum holds, and every offset and number in it stays within the maps
 * and the tables it points into; anything else and the tables are built
 * again and the file rewritten. Only a file this user owns, in a folder
 * they own, neither writable by anyone else, is read. */
#include "encoder/builtin_wordnet_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dirs.h"
#include "base/log.h"
#include "base/str.h"

/* Bump when a table's layout (wn_slot, the synset numbers) or what the
 * build puts in the tables changes: older caches are then rebuilt. */
#define CACHE_VERSION 1
#define BYTE_ORDER_MARK 0x01020304u
#define CACHE_MAX_BYTES (1u << 30)

/* The tables of one part of speech, in file order. */
enum { SEC_LEMMAS, SEC_EXCS, SEC_FIRST, SEC_HYPERS, SEC_PROPER, SEC_SENSES, SEC_PER_POS };
#define SEC_COUNTS (SEC_PER_POS * TL_WN_POS_COUNT)
#define N_SECTIONS (SEC_COUNTS + 1)

typedef struct cache_section {
    uint64_t off;    /* from the start of the file; a multiple of 8 */
    uint64_t count;  /* elements */
} cache_section;

typedef struct cache_header {
    char magic[8];
    uint32_t version;
    uint32_t byte_order;
    uint64_t size;      /* of the whole file */
    uint64_t checksum;  /* of every byte after the header */
    wn_stamp sources[TL__WN_SOURCES];
    cache_section sec[N_SECTIONS];
} cache_header;

static const char cache_magic[8] = {'t', 'a', 'i', 'l', 'o', 'r', 'W', 'N'};

static size_t elem_size(int sec)
{
    if (sec == SEC_COUNTS)
        return sizeof(wn_slot);
    switch (sec % SEC_PER_POS) {
    case SEC_LEMMAS: case SEC_EXCS: return sizeof(wn_slot);
    case SEC_FIRST: return sizeof(uint32_t);
    case SEC_HYPERS: case SEC_SENSES: return sizeof(tl_wn_synset);
    default: return 1; /* SEC_PROPER */
    }
}

static uint64_t table_count(const wn_table *t)
{
    return t->slots ? t->mask + 1 : 0;
}

/* Where section `sec` of built tables lies in memory, and its length. */
static const void *section_data(const tl_wordnet *wn, int sec, uint64_t *count)
{
    if (sec == SEC_COUNTS) {
        *count = table_count(&wn->counts);
        return wn->counts.slots;
    }
    int pos = sec / SEC_PER_POS;
    const wn_synsets *y = &wn->syn[pos];
    switch (sec % SEC_PER_POS) {
    case SEC_LEMMAS: *count = table_count(&wn->lemmas[pos]); return wn->lemmas[pos].slots;
    case SEC_EXCS: *count = table_count(&wn->excs[pos]); return wn->excs[pos].slots;
    case SEC_FIRST: *count = y->first ? y->n + 1 : 0; return y->first;
    case SEC_HYPERS: *count = y->first ? y->first[y->n] : 0; return y->hypers;
    case SEC_PROPER: *count = y->proper ? y->n : 0; return y->proper;
    default: *count = wn->senses[pos] ? wn->n_senses[pos] : 0; return wn->senses[pos];
    }
}

/* A 64-bit checksum of n bytes (p 8-aligned, n a multiple of 8): four
 * lanes of xor, multiply and shift, each step a bijection, so any one
 * changed word changes the result. It guards against damage, not against
 * tampering: whoever can write the cache can write the source files. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                     0x082efa98ec4e6c89ull};
    size_t words = n / 8, i = 0;
    for (; i + 4 <= words; i += 4) {
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + 8 * (i + (size_t)l), 8);
            h[l] = (h[l] ^ w) * 0x9e3779b97f4a7c15ull;
            h[l] ^= h[l] >> 32;
        }
    }
    for (; i < words; i++) {
        uint64_t w;
        memcpy(&w, p + 8 * i, 8);
        h[0] = (h[0] ^ w) * 0x9e3779b97f4a7c15ull;
        h[0] ^= h[0] >> 32;
    }
    uint64_t r = n;
    for (int l = 0; l < 4; l++) {
        r = (r ^ h[l]) * 0xbf58476d1ce4e5b9ull;
        r ^= r >> 29;
    }
    return r;
}

static uint64_t round8(uint64_t n)
{
    return (n + 7) & ~(uint64_t)7;
}

int tl__wordnet_cache_encode(const tl_wordnet *wn, void **out, size_t *n, tl_err *err)
{
    *out = NULL;
    *n = 0;
    cache_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, cache_magic, sizeof h.magic);
    h.version = CACHE_VERSION;
    h.byte_order = BYTE_ORDER_MARK;
    for (int i = 0; i < TL__WN_SOURCES; i++)
        h.sources[i] = tl__wordnet_source(wn, i)->stamp;
    uint64_t at = round8(sizeof h);
    for (int s = 0; s < N_SECTIONS; s++) {
        section_data(wn, s, &h.sec[s].count);
        h.sec[s].off = at;
        at = round8(at + h.sec[s].count * elem_size(s));
    }
    h.size = at;
    unsigned char *bytes = calloc(1, (size_t)at); /* zeroed: the padding is checksummed */
    if (!bytes)
        return tl_err_set(err, TL_ENOMEM, "wordnet cache: out of memory");
    for (int s = 0; s < N_SECTIONS; s++) {
        uint64_t count;
        const void *src = section_data(wn, s, &count);
        if (count)
            memcpy(bytes + h.sec[s].off, src, (size_t)(count * elem_size(s)));
    }
    h.checksum = checksum(bytes + round8(sizeof h), (size_t)(at - round8(sizeof h)));
    memcpy(bytes, &h, sizeof h);
    *out = bytes;
    *n = (size_t)at;
    return TL_OK;
}

/* ---- checks ---- */

static bool is_pow2(uint64_t x)
{
    return x && (x & (x - 1)) == 0;
}

/* A hash table whose probes end (one slot at least is empty) and whose
 * keys lie inside `base` (n bytes); lemma tables' senses inside
 * senses[0..n_senses). */
static const char *check_table(const wn_slot *slots, uint64_t count, size_t base_n,
                               bool lemmas, uint64_t n_senses)
{
    if (count == 0)
        return NULL;
    if (!is_pow2(count))
        return "a table's size is not a power of two";
    bool empty = false;
    for (uint64_t i = 0; i < count; i++) {
        const wn_slot *s = &slots[i];
        if (s->len == 0) {
            empty = true;
            continue;
        }
        if (s->len > base_n || s->off > base_n - s->len)
            return "a key lies outside its file";
        if (lemmas && (uint64_t)s->val + s->n > n_senses)
            return "a lemma's senses lie outside the sense table";
    }
    return empty ? NULL : "a table has no empty slot";
}

static bool valid_synset(tl_wn_synset s, const uint64_t n_syn[TL_WN_POS_COUNT], int want_pos)
{
    int pos = TL_WN_POS_OF(s);
    if (pos < 0 || pos >= TL_WN_POS_COUNT || (want_pos >= 0 && pos != want_pos))
        return false;
    return TL_WN_INDEX_OF(s) < n_syn[pos];
}

/* Everything in the tables of h that lookups follow, checked; NULL when
 * sound, else what is wrong. */
static const char *check_sections(const tl_wordnet *wn, const cache_header *h,
                                  const unsigned char *bytes)
{
    uint64_t n_syn[TL_WN_POS_COUNT];
    for (int s = 0; s < N_SECTIONS; s++) {
        const cache_section *c = &h->sec[s];
        if (c->off % 8 || c->off < sizeof *h || c->off > h->size ||
            c->count > (h->size - c->off) / elem_size(s))
            return "a table lies outside the file";
    }
    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        const cache_section *first = &h->sec[pos * SEC_PER_POS + SEC_FIRST];
        n_syn[pos] = first->count ? first->count - 1 : 0;
    }
    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        const cache_section *sec = &h->sec[pos * SEC_PER_POS];
        const uint32_t *first = (const uint32_t *)(bytes + sec[SEC_FIRST].off);
        const tl_wn_synset *hypers = (const tl_wn_synset *)(bytes + sec[SEC_HYPERS].off);
        const tl_wn_synset *senses = (const tl_wn_synset *)(bytes + sec[SEC_SENSES].off);
        uint64_t n = n_syn[pos];
        if (sec[SEC_PROPER].count != n)
            return "the names table disagrees with the synset count";
        if (sec[SEC_FIRST].count == 0) {
            if (sec[SEC_HYPERS].count)
                return "hypernyms without synsets";
        } else {
            if (first[0] != 0 || first[n] != sec[SEC_HYPERS].count)
                return "the hypernym index does not span the hypernyms";
            for (uint64_t i = 0; i < n; i++)
                if (first[i] > first[i + 1])
                    return "the hypernym index goes backwards";
        }
        for (uint64_t i = 0; i < sec[SEC_HYPERS].count; i++)
            if (!valid_synset(hypers[i], n_syn, -1))
                return "a hypernym is not a synset";
        for (uint64_t i = 0; i < sec[SEC_SENSES].count; i++)
            if (!valid_synset(senses[i], n_syn, pos))
                return "a sense is not a synset";
        const char *why = check_table((const wn_slot *)(bytes + sec[SEC_LEMMAS].off),
                                      sec[SEC_LEMMAS].count, wn->index[pos].n, true,
                                      sec[SEC_SENSES].count);
        if (!why)
            why = check_table((const wn_slot *)(bytes + sec[SEC_EXCS].off), sec[SEC_EXCS].count,
                              wn->exc[pos].n, false, 0);
        if (why)
            return why;
    }
    return check_table((const wn_slot *)(bytes + h->sec[SEC_COUNTS].off),
                       h->sec[SEC_COUNTS].count, wn->cnt.n, false, 0);
}

/* The address of section s in bytes, or NULL when it is empty. The
 * tables are read only; the handle's fields are not const because built
 * tables share them. */
static void *section_at(const unsigned char *bytes, const cache_header *h, int s)
{
    return h->sec[s].count ? (void *)(uintptr_t)(bytes + h->sec[s].off) : NULL;
}

static wn_table adopted_table(const unsigned char *bytes, const cache_header *h, int s,
                              const char *base)
{
    uint64_t count = h->sec[s].count;
    return (wn_table){section_at(bytes, h, s), count ? (size_t)count - 1 : 0, base};
}

int tl__wordnet_cache_adopt(tl_wordnet *wn, const void *data, size_t n, unsigned flags,
                            tl_err *err)
{
    const unsigned char *bytes = data;
    cache_header h;
    if (n < sizeof h || (uintptr_t)bytes % 8 != 0)
        return tl_err_set(err, TL_EINPUT, "wordnet cache: too short (%zu bytes)", n);
    memcpy(&h, bytes, sizeof h);
    if (memcmp(h.magic, cache_magic, sizeof h.magic) != 0)
        return tl_err_set(err, TL_EINPUT, "wordnet cache: not a cache file");
    if (h.version != CACHE_VERSION || h.byte_order != BYTE_ORDER_MARK)
        return tl_err_set(err, TL_EINPUT, "wordnet cache: version %u, not %u, or another "
                          "byte order", h.version, CACHE_VERSION);
    if (h.size != n || n % 8 != 0)
        return tl_err_set(err, TL_EINPUT, "wordnet cache: %zu bytes, header says %llu", n,
                          (unsigned long long)h.size);
    if (!(flags & TL__WN_CACHE_ANY_SOURCE))
        for (int i = 0; i < TL__WN_SOURCES; i++)
            if (memcmp(&h.sources[i], &tl__wordnet_source(wn, i)->stamp, sizeof(wn_stamp)) != 0)
                return tl_err_set(err, TL_EINPUT, "wordnet cache: made from other files");
    size_t body = (size_t)round8(sizeof h);
    if (!(flags & TL__WN_CACHE_NO_CHECKSUM) && checksum(bytes + body, n - body) != h.checksum)
        return tl_err_set(err, TL_EINPUT, "wordnet cache: checksum does not match");
    const char *why = check_sections(wn, &h, bytes);
    if (why)
        return tl_err_set(err, TL_EINPUT, "wordnet cache: %s", why);

    for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
        int s = pos * SEC_PER_POS;
        wn->lemmas[pos] = adopted_table(bytes, &h, s + SEC_LEMMAS, wn->index[pos].p);
        wn->excs[pos] = adopted_table(bytes, &h, s + SEC_EXCS, wn->exc[pos].p);
        wn_synsets *y = &wn->syn[pos];
        *y = (wn_synsets){0};
        y->first = section_at(bytes, &h, s + SEC_FIRST);
        y->hypers = section_at(bytes, &h, s + SEC_HYPERS);
        y->proper = section_at(bytes, &h, s + SEC_PROPER);
        y->n = h.sec[s + SEC_FIRST].count ? h.sec[s + SEC_FIRST].count - 1 : 0;
        wn->senses[pos] = section_at(bytes, &h, s + SEC_SENSES);
        wn->n_senses[pos] = h.sec[s + SEC_SENSES].count;
    }
    wn->counts = adopted_table(bytes, &h, SEC_COUNTS, wn->cnt.p);
    return TL_OK;
}

/* ---- the file ---- */

bool tl__wordnet_cache_path(const char *dir, char *out, size_t size)
{
    const char *root = getenv("TAILOR_CACHE_DIR");
    char folder[4096];
    if (root && strcmp(root, "none") == 0)
        return false;
    if (!root || !*root) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        int k;
        if (xdg && xdg[0] == '/')
            k = snprintf(folder, sizeof folder, "%s/tailor", xdg);
        else if (home && home[0] == '/')
            k = snprintf(folder, sizeof folder, "%s/.cache/tailor", home);
        else
            return false;
        if (k < 0 || (size_t)k >= sizeof folder)
            return false;
        root = folder;
    }
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return false;
    int k = snprintf(out, size, "%s/wordnet-%016llx.bin", root,
                     (unsigned long long)tl_fnv1a(real, strlen(real)));
    return k > 0 && (size_t)k < size;
}

/* Whether only this user could have written what st describes: owned by
 * them, not writable by group or others. A cache anyone else can write
 * could steer the encoder (its checks keep lookups in bounds, not right). */
static bool only_mine(const struct stat *st)
{
    return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static bool folder_only_mine(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash || (size_t)(slash - path) >= sizeof dir)
        return false;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    struct stat st;
    return stat(slash == path ? "/" : dir, &st) == 0 && only_mine(&st);
}

bool tl__wordnet_cache_load(tl_wordnet *wn, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(cache_header) ||
        st.st_size > CACHE_MAX_BYTES) {
        close(fd);
        return false;
    }
    if (!only_mine(&st) || !folder_only_mine(path)) {
        tl_log_debug("%s: writable by others than its owner, or not this user's; not used",
                     path);
        close(fd);
        return false;
    }
    size_t n = (size_t)st.st_size;
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return false;
    tl_err err;
    if (tl__wordnet_cache_adopt(wn, p, n, 0, &err) != TL_OK) {
        tl_log_debug("%s: %s; building the tables again", path, err.msg);
        munmap(p, n);
        return false;
    }
    wn->cache = p;
    wn->cache_n = n;
    return true;
}

void tl__wordnet_cache_save(const tl_wordnet *wn, const char *path)
{
    void *bytes = NULL;
    size_t n = 0;
    char tmp[4200];
    tl_err err;
    int fd = -1;
    if (tl__wordnet_cache_encode(wn, &bytes, &n, &err) != TL_OK)
        goto fail;
    if (tl_dirs_make_parents(path, 0700, &err) != TL_OK)
        goto fail;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp) {
        tl_err_set(&err, TL_EINPUT, "path too long");
        goto fail;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        tl_err_set(&err, TL_EIO, "%s: %s", tmp, strerror(errno));
        goto fail;
    }
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, (const char *)bytes + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            tl_err_set(&err, TL_EIO, "%s: %s", tmp, strerror(errno));
            goto fail_unlink;
        }
        done += (size_t)w;
    }
    if (close(fd) != 0) {
        fd = -1;
        tl_err_set(&err, TL_EIO, "%s: %s", tmp, strerror(errno));
        goto fail_unlink;
    }
    fd = -1;
    /* rename replaces a cache another process wrote meanwhile: both are
     * whole, and readers keep the one they mapped */
    if (rename(tmp, path) != 0) {
        tl_err_set(&err, TL_EIO, "%s: %s", path, strerror(errno));
        goto fail_unlink;
    }
    free(bytes);
    tl_log_debug("wordnet: derived tables cached in %s (%zu bytes)", path, n);
    return;
fail_unlink:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
fail:
    free(bytes);
    tl_log_debug("wordnet: tables not cached (%s)", err.msg);
}
