/* test_wordnet_cache.c — the cache of WordNet's derived tables: a handle
 * opened from it answers exactly as one built from the files; a stale,
 * damaged or foreign cache is never used and gets rewritten; each check of
 * a cache's contents refuses what it should, with its reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encoder/builtin_wordnet_int.h"
#include "testutil.h"

/* ---- a small WordNet written by the test: offsets are byte positions ---- */

typedef struct text {
    char s[2048];
    size_t n;
} text;

/* Appends a data line whose first field is its own offset; returns it. */
static size_t data_line(text *t, const char *fmt, ...)
{
    size_t off = t->n;
    int k = snprintf(t->s + t->n, sizeof t->s - t->n, "%08zu ", off);
    t->n += (size_t)k;
    va_list ap;
    va_start(ap, fmt);
    k = vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
    return off;
}

/* entity <- vehicle <- car (also "auto"), Asia an instance of entity; one
 * word for each other part of speech; `extra` adds a noun "boat". */
static void write_small_wordnet(const char *dir, bool extra)
{
    text d = {.s = "  1 licence line\n", .n = 17};
    size_t entity = data_line(&d, "03 n 01 entity 0 000 | that which exists\n");
    size_t vehicle = data_line(&d, "06 n 01 vehicle 0 001 @ %08zu n 0000 | conveyance\n", entity);
    size_t car = data_line(&d, "06 n 02 car 0 auto 0 001 @ %08zu n 0000 | a motor vehicle\n",
                           vehicle);
    size_t asia = data_line(&d, "15 n 01 Asia 0 001 @i %08zu n 0000 | a continent\n", entity);
    size_t boat = extra ? data_line(&d, "06 n 01 boat 0 001 @ %08zu n 0000 | a vessel\n", vehicle)
                        : 0;
    char index[1024];
    int k = snprintf(index, sizeof index,
                     "  1 licence line\nasia n 1 1 @ 1 0 %08zu\nauto n 1 1 @ 1 0 %08zu\n"
                     "car n 1 1 @ 1 1 %08zu\nentity n 1 0 1 0 %08zu\nvehicle n 1 1 @ 1 0 %08zu\n",
                     asia, car, car, entity, vehicle);
    if (extra)
        snprintf(index + k, sizeof index - (size_t)k, "boat n 1 1 @ 1 0 %08zu\n", boat);
    static const char *const other[][2] = {
        {"index.verb", "drive v 1 0 1 0 00000000\n"},
        {"data.verb", "00000000 38 v 01 drive 0 000 | operate a vehicle\n"},
        {"index.adj", "red a 1 0 1 0 00000000\n"},
        {"data.adj", "00000000 00 a 01 red 0 000 | a colour\n"},
        {"index.adv", "quickly r 1 0 1 0 00000000\n"},
        {"data.adv", "00000000 02 r 01 quickly 0 000 | fast\n"},
        {"noun.exc", "vehicles vehicle\n"},
        {"cntlist.rev", "car%1:06:00:: 1 12\nvehicle%1:06:00:: 1 3\n"},
    };
    char *path = tu_join(dir, "data.noun");
    tu_write_file(path, d.s);
    free(path);
    path = tu_join(dir, "index.noun");
    tu_write_file(path, index);
    free(path);
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        path = tu_join(dir, other[i][0]);
        tu_write_file(path, other[i][1]);
        free(path);
    }
}

static tl_wordnet *open_ok(const char *dir)
{
    tl_wordnet *wn = NULL;
    tl_err err;
    int rc = tl_wordnet_open(dir, &wn, &err);
    if (rc != 0)
        fail_msg("open %s: %s", dir, err.msg);
    return wn;
}

/* The cache file's bytes for wn (malloc'd). */
static unsigned char *encoded(const tl_wordnet *wn, size_t *n)
{
    void *bytes;
    tl_err err;
    assert_int_equal(tl__wordnet_cache_encode(wn, &bytes, n, &err), 0);
    return bytes;
}

static void assert_same_tables(const tl_wordnet *a, const tl_wordnet *b)
{
    size_t na, nb;
    unsigned char *ea = encoded(a, &na), *eb = encoded(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ea, eb, na);
    free(ea);
    free(eb);
}

static char *cache_folder;

static int setup(void **state)
{
    (void)state;
    cache_folder = tu_mkdtemp();
    setenv("TAILOR_CACHE_DIR", cache_folder, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(cache_folder);
    free(cache_folder);
    return 0;
}

static size_t cache_files(void)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '^wordnet-.*\\.bin$'", cache_folder);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    if (p) {
        if (fscanf(p, "%zu", &n) != 1)
            n = 0;
        pclose(p);
    }
    return n;
}

/* The real WordNet: the second open maps the cache the first wrote, and
 * every table and lookup is the same. */
static void test_real_wordnet_round_trip(void **state)
{
    (void)state;
    tl_wordnet *built = NULL;
    tl_err err;
    setenv("TAILOR_CACHE_DIR", "none", 1);
    if (tl_wordnet_open(TL_BUILTIN_WORDNET_DIR, &built, &err) != 0) {
        setenv("TAILOR_CACHE_DIR", cache_folder, 1);
        print_message("skipped: WordNet not installed (%s)\n", err.msg);
        skip();
    }
    assert_null(built->cache);
    setenv("TAILOR_CACHE_DIR", cache_folder, 1);
    tl_wordnet *first = open_ok(TL_BUILTIN_WORDNET_DIR);  /* writes the cache */
    assert_null(first->cache);
    tl_wordnet *cached = open_ok(TL_BUILTIN_WORDNET_DIR);
    assert_non_null(cached->cache);
    assert_same_tables(built, cached);
    assert_int_equal(tl_wordnet_fingerprint(built), tl_wordnet_fingerprint(cached));

    static const char *const words[] = {"cars", "children", "vacation", "Asia", "mortgage",
                                        "running", "happier", "quickly", "geese", "xyzzy"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        for (int pos = 0; pos < TL_WN_POS_COUNT; pos++) {
            char la[80], lb[80];
            tl_wn_synset sa[64], sb[64];
            size_t na = tl_wordnet_lookup(built, words[w], pos, la, sizeof la, sa, 64);
            size_t nb = tl_wordnet_lookup(cached, words[w], pos, lb, sizeof lb, sb, 64);
            assert_int_equal(na, nb);
            assert_string_equal(la, lb);
            for (size_t i = 0; i < na; i++) {
                assert_true(sa[i] == sb[i]);
                tl_wn_synset ha[16], hb[16];
                size_t ka = tl_wordnet_hypernyms(built, sa[i], ha, 16);
                assert_int_equal(ka, tl_wordnet_hypernyms(cached, sb[i], hb, 16));
                assert_memory_equal(ha, hb, ka * sizeof *ha);
                assert_int_equal(tl_wordnet_is_proper(built, sa[i]),
                                 tl_wordnet_is_proper(cached, sb[i]));
            }
        }
        assert_int_equal(tl_wordnet_count(built, words[w]), tl_wordnet_count(cached, words[w]));
    }
    char l[80];
    tl_wn_synset s[8];
    assert_true(tl_wordnet_lookup(cached, "cars", TL_WN_NOUN, l, sizeof l, s, 8) > 0);
    assert_string_equal(l, "car");
    assert_true(tl_wordnet_count(cached, "car") > 0);
    tl_wordnet_close(built);
    tl_wordnet_close(first);
    tl_wordnet_close(cached);
}

/* A source file that changes makes the cache stale: the next open builds,
 * sees the new word, and rewrites the cache for the next. */
static void test_changed_source_rebuilds(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    write_small_wordnet(dir, false);
    tl_wordnet *a = open_ok(dir), *b = open_ok(dir);
    assert_null(a->cache);
    assert_non_null(b->cache);
    assert_same_tables(a, b);
    char lemma[32];
    tl_wn_synset s[4];
    assert_int_equal(tl_wordnet_lookup(b, "vehicles", TL_WN_NOUN, lemma, sizeof lemma, s, 4), 1);
    assert_string_equal(lemma, "vehicle");
    tl_wn_synset up[4];
    assert_int_equal(tl_wordnet_hypernyms(b, s[0], up, 4), 1);
    assert_int_equal(tl_wordnet_lookup(b, "boat", TL_WN_NOUN, lemma, sizeof lemma, s, 4), 0);

    write_small_wordnet(dir, true);
    tl_wordnet *c = open_ok(dir), *d = open_ok(dir);
    assert_null(c->cache);
    assert_non_null(d->cache);
    assert_int_equal(tl_wordnet_lookup(d, "boat", TL_WN_NOUN, lemma, sizeof lemma, s, 4), 1);
    assert_int_equal(tl_wordnet_synset_count(d, TL_WN_NOUN), 5);
    tl_wordnet_close(a);
    tl_wordnet_close(b);
    tl_wordnet_close(c);
    tl_wordnet_close(d);
    tu_rmtree(dir);
    free(dir);
}

/* Damaged cache files — a flipped byte, cut short, emptied, garbage —
 * are passed over: the open builds and the file is written whole again. */
static void test_damaged_cache_rebuilds(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    write_small_wordnet(dir, false);
    tl_wordnet *ref = open_ok(dir);
    char path[4096];
    assert_true(tl__wordnet_cache_path(dir, path, sizeof path));
    size_t n;
    char *good = tu_read_file(path, &n);
    assert_non_null(good);
    for (int damage = 0; damage < 4; damage++) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        if (damage == 0) { /* one bit of a table */
            good[n - 9] ^= 4;
            fwrite(good, 1, n, f);
            good[n - 9] ^= 4;
        } else if (damage == 1) {
            fwrite(good, 1, n / 2, f);
        } else if (damage == 3) {
            fputs("not a cache at all, but long enough to hold a header? no", f);
        }
        fclose(f);
        tl_wordnet *wn = open_ok(dir);
        assert_null(wn->cache);
        assert_same_tables(ref, wn);
        tl_wordnet_close(wn);
        size_t m;
        char *again = tu_read_file(path, &m);
        assert_int_equal(m, n);
        assert_memory_equal(again, good, n);
        free(again);
    }
    free(good);
    tl_wordnet_close(ref);
    tu_rmtree(dir);
    free(dir);
}

/* A cache file, or a folder, that others may write is not read: the
 * tables are built, and the file written again for this user alone. */
static void test_cache_others_could_write(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    write_small_wordnet(dir, false);
    tl_wordnet *a = open_ok(dir);
    char path[4096];
    assert_true(tl__wordnet_cache_path(dir, path, sizeof path));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(chmod(path, 0620), 0);
    tl_wordnet *b = open_ok(dir);
    assert_null(b->cache);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* rewritten */
    tl_wordnet *c = open_ok(dir);
    assert_non_null(c->cache);

    assert_int_equal(chmod(cache_folder, 0777), 0);
    tl_wordnet *d = open_ok(dir);
    assert_null(d->cache);
    assert_int_equal(chmod(cache_folder, 0700), 0);
    tl_wordnet *e = open_ok(dir);
    assert_non_null(e->cache);
    assert_same_tables(a, e);
    tl_wordnet_close(a);
    tl_wordnet_close(b);
    tl_wordnet_close(c);
    tl_wordnet_close(d);
    tl_wordnet_close(e);
    tu_rmtree(dir);
    free(dir);
}

/* TAILOR_CACHE_DIR=none writes nothing; a folder that cannot be made costs
 * nothing but the cache. */
static void test_cache_off_or_unwritable(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    write_small_wordnet(dir, false);
    size_t before = cache_files();
    setenv("TAILOR_CACHE_DIR", "none", 1);
    char path[4096];
    assert_false(tl__wordnet_cache_path(dir, path, sizeof path));
    tl_wordnet *a = open_ok(dir), *b = open_ok(dir);
    assert_null(b->cache);
    setenv("TAILOR_CACHE_DIR", "/proc/self/no/such/folder", 1);
    tl_wordnet *c = open_ok(dir);
    assert_null(c->cache);
    assert_same_tables(a, c);
    setenv("TAILOR_CACHE_DIR", cache_folder, 1);
    assert_int_equal(cache_files(), before);
    tl_wordnet_close(a);
    tl_wordnet_close(b);
    tl_wordnet_close(c);
    tu_rmtree(dir);
    free(dir);
}

/* Without TAILOR_CACHE_DIR the cache goes to $XDG_CACHE_HOME/tailor, else
 * $HOME/.cache/tailor; one file per WordNet folder. */
static void test_cache_location(void **state)
{
    (void)state;
    char path[4096], other[4096];
    unsetenv("TAILOR_CACHE_DIR");
    setenv("XDG_CACHE_HOME", "/var/cache/x", 1);
    assert_true(tl__wordnet_cache_path("/", path, sizeof path));
    assert_true(strncmp(path, "/var/cache/x/tailor/wordnet-", 28) == 0);
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    assert_true(tl__wordnet_cache_path("/", path, sizeof path));
    assert_true(strncmp(path, "/home/someone/.cache/tailor/wordnet-", 36) == 0);
    assert_true(tl__wordnet_cache_path("/tmp", other, sizeof other));
    assert_string_not_equal(path, other);
    assert_false(tl__wordnet_cache_path("/no/such/wordnet", other, sizeof other));
    setenv("TAILOR_CACHE_DIR", cache_folder, 1);
}

/* Each check of a cache's contents, reached past the checksum, refuses
 * with its reason and leaves the handle without tables. */
static void test_adopt_refuses(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    write_small_wordnet(dir, false);
    setenv("TAILOR_CACHE_DIR", "none", 1);
    tl_wordnet *wn = open_ok(dir);
    setenv("TAILOR_CACHE_DIR", cache_folder, 1);
    size_t n;
    unsigned char *good = encoded(wn, &n);
    /* the header: magic, version, byte order, size, checksum, sources,
     * then (offset, count) per table: lemmas, excs, first, hypers,
     * proper, senses for each part of speech, then counts */
    const size_t sources = 32, sections = sources + 13 * 48, noun_senses = sections + 5 * 16;
    unsigned char *bytes = malloc(n);
    tl_wordnet *empty = calloc(1, sizeof *empty);
    *empty = *wn;
    for (int i = 0; i < TL_WN_POS_COUNT; i++) {
        empty->lemmas[i] = (wn_table){0};
        empty->excs[i] = (wn_table){0};
        empty->syn[i] = (wn_synsets){0};
        empty->senses[i] = NULL;
    }
    empty->counts = (wn_table){0};
    const struct {
        size_t at, width;
        uint64_t value;
        unsigned flags;
        const char *why;
    } cases[] = {
        {0, 1, 'T', 0, "not a cache file"},
        {8, 4, 2, 0, "version 2"},
        {12, 4, 0x04030201, 0, "another byte order"},
        {16, 8, 8, 0, "header says 8"},
        {24, 8, 1, 0, "checksum does not match"},
        {sources, 8, 1, 0, "made from other files"},
        {sections + 8, 8, 1u << 30, 2, "outside the file"},
        {sections, 8, 12, 2, "outside the file"},
        {sections + 8, 8, 3, 2, "not a power of two"},
        {noun_senses + 8, 8, 0, 2, "outside the sense table"},
        {sections + 2 * 16 + 8, 8, 2, 2, "names table disagrees"},
        {sections + 4 * 16 + 8, 8, 1, 2, "names table disagrees"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bytes, good, n);
        memcpy(bytes + cases[i].at, &cases[i].value, cases[i].width);
        tl_err err;
        int rc = tl__wordnet_cache_adopt(empty, bytes, n, cases[i].flags, &err);
        if (rc != TL_EINPUT || !strstr(err.msg, cases[i].why))
            fail_msg("case %zu: rc %d, \"%s\", wanted \"%s\"", i, rc, err.msg, cases[i].why);
        assert_null(empty->lemmas[TL_WN_NOUN].slots);
    }

    /* contents: a sense and a hypernym that name no synset, a table full */
    uint64_t off;
    memcpy(bytes, good, n);
    memcpy(&off, bytes + noun_senses, 8);
    uint64_t bad = TL_WN_SYNSET(TL_WN_VERB, 0);
    memcpy(bytes + off, &bad, 8);
    tl_err err;
    assert_int_equal(tl__wordnet_cache_adopt(empty, bytes, n, 2, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "a sense is not a synset"));

    memcpy(bytes, good, n);
    memcpy(&off, bytes + sections + 3 * 16, 8);
    bad = TL_WN_SYNSET(TL_WN_NOUN, 99);
    memcpy(bytes + off, &bad, 8);
    assert_int_equal(tl__wordnet_cache_adopt(empty, bytes, n, 2, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "a hypernym is not a synset"));

    memcpy(bytes, good, n);
    uint64_t count;
    memcpy(&off, bytes + sections, 8);
    memcpy(&count, bytes + sections + 8, 8);
    for (uint64_t s = 0; s < count; s++) {
        wn_slot slot;
        memcpy(&slot, bytes + off + s * sizeof slot, sizeof slot);
        if (slot.len == 0) {
            slot = (wn_slot){0, 1, 0, 0};
            memcpy(bytes + off + s * sizeof slot, &slot, sizeof slot);
        }
    }
    assert_int_equal(tl__wordnet_cache_adopt(empty, bytes, n, 2, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "no empty slot"));

    memcpy(bytes, good, n);
    wn_slot far = {(uint32_t)wn->index[TL_WN_NOUN].n, 1, 0, 0};
    memcpy(bytes + off, &far, sizeof far);
    assert_int_equal(tl__wordnet_cache_adopt(empty, bytes, n, 2, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "outside its file"));

    /* misaligned or short */
    assert_int_equal(tl__wordnet_cache_adopt(empty, good + 1, n - 8, 3, &err), TL_EINPUT);
    assert_int_equal(tl__wordnet_cache_adopt(empty, good, 64, 3, &err), TL_EINPUT);

    /* and the untouched bytes are taken */
    memcpy(bytes, good, n);
    assert_int_equal(tl__wordnet_cache_adopt(empty, bytes, n, 0, &err), 0);
    assert_same_tables(wn, empty);
    free(empty); /* its tables point into bytes; its maps are wn's */
    free(bytes);
    free(good);
    tl_wordnet_close(wn);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_wordnet_round_trip),
        cmocka_unit_test(test_changed_source_rebuilds),
        cmocka_unit_test(test_damaged_cache_rebuilds),
        cmocka_unit_test(test_cache_others_could_write),
        cmocka_unit_test(test_cache_off_or_unwritable),
        cmocka_unit_test(test_cache_location),
        cmocka_unit_test(test_adopt_refuses),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
