/* test_embed_cache.c — hits are exact, newer texts evict older ones in
 * their slot, and a text never gets another text's vector. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/embed_cache.h"

#define DIM 8

static void fill(float *v, float x)
{
    for (int i = 0; i < DIM; i++)
        v[i] = x + (float)i;
}

static void test_hit_and_miss(void **state)
{
    (void)state;
    tl_embed_cache *c;
    tl_err err;
    assert_int_equal(tl_embed_cache_new(64, DIM, &c, &err), 0);
    float v[DIM], got[DIM];
    assert_false(tl_embed_cache_get(c, "planning a trip to Asia", got));
    fill(v, 1);
    tl_embed_cache_put(c, "planning a trip to Asia", v);
    assert_true(tl_embed_cache_get(c, "planning a trip to Asia", got));
    assert_memory_equal(got, v, sizeof v);
    assert_false(tl_embed_cache_get(c, "planning a trip to Asia!", got));
    tl_embed_cache_free(c);
}

/* One slot: every text shares it, so each put evicts the last and a
 * lookup of the evicted text misses rather than returning the other's. */
static void test_single_slot_never_confuses_texts(void **state)
{
    (void)state;
    tl_embed_cache *c;
    tl_err err;
    assert_int_equal(tl_embed_cache_new(1, DIM, &c, &err), 0);
    float a[DIM], b[DIM], got[DIM];
    fill(a, 10);
    fill(b, 20);
    tl_embed_cache_put(c, "first", a);
    tl_embed_cache_put(c, "second", b);
    assert_false(tl_embed_cache_get(c, "first", got));
    assert_true(tl_embed_cache_get(c, "second", got));
    assert_memory_equal(got, b, sizeof b);
    /* Replacing a text's own entry keeps the newest vector. */
    tl_embed_cache_put(c, "second", a);
    assert_true(tl_embed_cache_get(c, "second", got));
    assert_memory_equal(got, a, sizeof a);
    tl_embed_cache_free(c);
}

/* Many texts through a small cache: whatever hits is the text's own. */
static void test_churn(void **state)
{
    (void)state;
    tl_embed_cache *c;
    tl_err err;
    assert_int_equal(tl_embed_cache_new(16, DIM, &c, &err), 0);
    char text[32];
    float v[DIM], got[DIM];
    for (int i = 0; i < 1000; i++) {
        snprintf(text, sizeof text, "post %d", i);
        fill(v, (float)i);
        tl_embed_cache_put(c, text, v);
    }
    int hits = 0;
    for (int i = 0; i < 1000; i++) {
        snprintf(text, sizeof text, "post %d", i);
        if (tl_embed_cache_get(c, text, got)) {
            hits++;
            fill(v, (float)i);
            assert_memory_equal(got, v, sizeof v);
        }
    }
    assert_true(hits > 0 && hits <= 16);
    tl_embed_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_miss),
        cmocka_unit_test(test_single_slot_never_confuses_texts),
        cmocka_unit_test(test_churn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
