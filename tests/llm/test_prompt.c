/* test_prompt.c — prompts carry no identifiers: a made-up customer whose
 * name, e-mail, phone, address, city and ID are written into the texts
 * tailor would send, and what reaches the prompt. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "llm/prompt.h"
#include "store/store.h"

static void test_pseudonymised(void **state)
{
    char *dir = tu_mkdtemp();
    char *db = tu_join(dir, "p.db");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_CREATE, &st, &err), 0);

    tl_customer c = {0};
    c.id = "JaneDoe77";
    c.name = "Jane Doe";
    c.age = 41;
    c.city = "Springfield";
    c.risk_profile = "Low";
    c.doc = "{\"CustomerID\":\"JaneDoe77\",\"FirstName\":\"Jane\",\"LastName\":\"Doe\","
            "\"Email\":\"jane.doe@example.org\",\"Phone\":\"555-010-4477\","
            "\"Address\":\"12 Elm Street\",\"AccountNumber\":\"GB29NWBK60161331926819\","
            "\"City\":\"Springfield\",\"RiskProfile\":\"Low\"}";
    tl_rec_result r;
    memset(&r, 0, sizeof r);
    snprintf(r.customer_id, sizeof r.customer_id, "%s", c.id);
    snprintf(r.profile_summary, sizeof r.profile_summary,
             "Jane Doe (JaneDoe77), 41, from Springfield, reachable at jane.doe@example.org "
             "or 555-010-4477, lives at 12 Elm Street; account GB29NWBK60161331926819.");
    r.n_items = 1;
    r.items[0].product_id = "9";
    r.items[0].name = "Home Saver";
    r.items[0].category = "Deposit";
    r.items[0].score = 0.5;
    snprintf(r.items[0].reasons[0], sizeof r.items[0].reasons[0],
             "Matches what you wrote: \"my neighbour Bob Smith says hi\"");
    snprintf(r.items[0].reasons[1], sizeof r.items[0].reasons[1], "Good for jane and DOE");
    r.items[0].n_reasons = 2;

    tl_llm_prompt p;
    assert_int_equal(tl_llm_prompt_recs(st, &c, &r, &p, &err), 0);
    static const char *const never[] = {"JaneDoe77", "Jane",        "jane",   "Doe",
                                        "DOE",       "Springfield", "jane.doe@example.org",
                                        "555-010-4477", "12 Elm Street", "GB29NWBK60161331926819",
                                        "Bob Smith"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        if (strstr(p.user, never[i]) || strstr(p.system, never[i]))
            fail_msg("prompt holds \"%s\": %s", never[i], p.user);
    assert_non_null(strstr(p.user, "\"customer\":\"C1\""));
    assert_non_null(strstr(p.user, "Home Saver"));
    assert_non_null(strstr(p.user, "35-44"));       /* an age band, not the record */
    assert_true(tl_llm_prompt_is_clean(&p));
    assert_int_equal(p.n_ids, 1);
    assert_string_equal(p.ids[0], "9");
    assert_int_equal(strlen(p.hash), 64);

    /* The same facts give the same prompt (and cache key). */
    tl_llm_prompt q;
    assert_int_equal(tl_llm_prompt_recs(st, &c, &r, &q, &err), 0);
    assert_string_equal(p.hash, q.hash);
    tl_llm_prompt_free(&q);

    /* The guard catches an identifier however it got there. */
    char *tainted = malloc(strlen(p.user) + 64);
    snprintf(tainted, strlen(p.user) + 64, "%s write to JANE.DOE@example.org", p.user);
    free(p.user);
    p.user = tainted;
    assert_false(tl_llm_prompt_is_clean(&p));
    tl_llm_prompt_free(&p);

    tl_store_close(st);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pseudonymised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
