/* test_keyword_set.c — keywords at word starts, counted per group, against
 * a plain strstr search of each keyword, on chosen and random texts. */
#include "testutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "text/keyword_set.h"

/* The reference: each keyword searched for on its own, every occurrence
 * checked for a word start. */
static void count_plainly(const char *const *lists, size_t n_groups, const char *text,
                          int *hits)
{
    for (size_t g = 0; g < n_groups; g++) {
        hits[g] = 0;
        const char *k = lists[g];
        while (*k) {
            const char *end = strchr(k, ',');
            size_t len = end ? (size_t)(end - k) : strlen(k);
            char kw[64];
            if (len && len < sizeof kw) {
                memcpy(kw, k, len);
                kw[len] = '\0';
                for (const char *p = strstr(text, kw); p; p = strstr(p + 1, kw))
                    if (p == text || !isalnum((unsigned char)p[-1])) {
                        hits[g]++;
                        break;
                    }
            }
            k += len;
            if (*k == ',')
                k++;
        }
    }
}

static void assert_counts(const tl_keyword_set *ks, const char *const *lists, size_t n_groups,
                          const char *text)
{
    int got[8], want[8];
    tl_keyword_set_count(ks, text, strlen(text), got);
    count_plainly(lists, n_groups, text, want);
    for (size_t g = 0; g < n_groups; g++)
        if (got[g] != want[g])
            fail_msg("group %zu in \"%s\": %d hits, want %d", g, text, got[g], want[g]);
}

static void test_chosen(void **state)
{
    (void)state;
    static const char *const lists[] = {"trip,flight,travel,abroad", "car,vehicle,auto",
                                        ",,", "retire,pension,60", "$,10%"};
    tl_keyword_set *ks = tl_keyword_set_build(lists, 5);
    assert_non_null(ks);
    int hits[5];
    const char *t = "planning a trip abroad; my car (an auto) broke down, again a car!";
    tl_keyword_set_count(ks, t, strlen(t), hits);
    assert_int_equal(hits[0], 2);   /* trip, abroad */
    assert_int_equal(hits[1], 2);   /* car once, auto */
    assert_int_equal(hits[2], 0);   /* empty items are no keywords */
    /* Inside a word is no word start: "scar", "autograph" do not count,
     * "travelling" does (a stem), "60" after a space does. */
    t = "scar tissue, autograph, travelling at 60";
    tl_keyword_set_count(ks, t, strlen(t), hits);
    assert_int_equal(hits[0], 1);
    assert_int_equal(hits[1], 1);   /* "auto" starts "autograph" */
    assert_int_equal(hits[3], 1);
    /* Keywords that begin with punctuation; the length bounds the text. */
    t = "save $5 and 10% more";
    tl_keyword_set_count(ks, t, strlen(t), hits);
    assert_int_equal(hits[4], 2);
    tl_keyword_set_count(ks, t, 6, hits);   /* "save $" */
    assert_int_equal(hits[4], 1);
    tl_keyword_set_count(ks, "", 0, hits);
    assert_int_equal(hits[0] + hits[1] + hits[3] + hits[4], 0);
    static const char *const texts[] = {
        "planning a trip abroad; my car (an auto) broke down, again a car!",
        "scar tissue, autograph, travelling at 60", "save $5 and 10% more", "car", "carcar",
        ",car", "a pension at 60, retire early: flight, flight, flight"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        assert_counts(ks, lists, 5, texts[i]);
    tl_keyword_set_free(ks);
    tl_keyword_set_free(NULL);
}

/* Random lists of keywords over a small alphabet, so they overlap, share
 * first bytes and occur often, against the plain search. */
static void test_random(void **state)
{
    (void)state;
    static const char alphabet[] = "ab c,.1";
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        char lists_text[4][40];
        const char *lists[4];
        size_t n_groups = 1 + (size_t)(rand_r(&seed) % 4);
        for (size_t g = 0; g < n_groups; g++) {
            size_t len = (size_t)(rand_r(&seed) % 30);
            for (size_t i = 0; i < len; i++) {
                /* keywords of letters, digits, blanks and dots; commas part them */
                lists_text[g][i] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
            }
            lists_text[g][len] = '\0';
            lists[g] = lists_text[g];
        }
        tl_keyword_set *ks = tl_keyword_set_build(lists, n_groups);
        assert_non_null(ks);
        char text[80];
        size_t len = (size_t)(rand_r(&seed) % sizeof text);
        for (size_t i = 0; i < len; i++)
            text[i] = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
        text[len] = '\0';
        assert_counts(ks, lists, n_groups, text);
        tl_keyword_set_free(ks);
    }
}

/* Past TL_KEYWORD_SET_MAX keywords the set is refused, not cut. */
static void test_too_many(void **state)
{
    (void)state;
    size_t n = TL_KEYWORD_SET_MAX + 1;
    char *list = malloc(n * 2);
    assert_non_null(list);
    for (size_t i = 0; i < n; i++) {
        list[2 * i] = 'a';
        list[2 * i + 1] = ',';
    }
    list[2 * n - 1] = '\0';
    const char *lists[] = {list};
    assert_null(tl_keyword_set_build(lists, 1));
    list[2 * (n - 1) - 1] = '\0';   /* one fewer: exactly the maximum */
    tl_keyword_set *ks = tl_keyword_set_build(lists, 1);
    assert_non_null(ks);
    int hits;
    tl_keyword_set_count(ks, "a a", 3, &hits);
    assert_int_equal(hits, TL_KEYWORD_SET_MAX);   /* the same keyword, listed 4096 times */
    tl_keyword_set_free(ks);
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chosen),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_too_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
