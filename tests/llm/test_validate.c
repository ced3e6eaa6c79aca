/* test_validate.c — extracting the model's JSON, its schema and the figure
 * check, on hand-written replies. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "llm/config.h"
#include "llm/validate.h"

static const char FACTS[] =
    "Facts (JSON):\n{\"age_band\":\"25-34\",\"products\":[{\"product_id\":\"1\",\"name\":"
    "\"Visa Classic\",\"annual_fee\":\"$0 - $25\",\"interest_rate\":\"18% - 25% APR\","
    "\"score\":0.712},{\"product_id\":\"7\",\"name\":\"Travel Card\",\"credit_limit\":"
    "\"$500 - $5,000\",\"share\":0.054,\"balance\":1200.5}]}";

static const char *const IDS[] = {"1", "7"};

static void test_extract(void **state)
{
    static const char *const ok[] = {
        "{\"a\":1}",
        "```json\n{\"a\":1}\n```",
        "```\n{\"a\":1}\n```",
        "Sure, here you go:\n{\"a\":1}\nAnything else?",
        "{not json} then {\"a\":1}",
        "{\"a\":\"a } brace in a string\"}",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        json_t *j = tl_llm_extract_json(ok[i], strlen(ok[i]));
        assert_non_null(j);
        assert_true(json_is_object(j));
        json_decref(j);
    }
    static const char *const bad[] = {"", "no json here", "[1,2,3]", "{\"a\":", "```json\n```",
                                      "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(tl_llm_extract_json(bad[i], strlen(bad[i])));
}

static void test_figures(void **state)
{
    char bad[64];
    static const char *const fine[] = {
        "A fee from $0 to $25 and 18% to 25% APR.",
        "Limits of $500 up to $5,000 and 5000 too.",
        "Your balance is 1,200.50, or about 1,200 or 1200.5, roughly 1201.",
        "About 5.4% of your income.",      /* 0.054 as a percentage */
        "A score of 0.712, or 0.71, or 71.2%.",
        "For people aged 25-34.",
        "Product C1 and v4.9 and Llama3 carry no figures.",
        "No numbers at all.",
    };
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
        if (tl_llm_figures_check(fine[i], FACTS, bad, sizeof bad))
            fail_msg("rejected \"%s\" for %s", fine[i], bad);
    static const struct {
        const char *text, *figure;
    } invented[] = {
        {"Only 12% APR!", "12%"},
        {"A fee of $49 a year.", "49"},
        {"Limits up to 10,000.", "10,000"},
        {"About 5.5% of income.", "5.5%"},
        {"Your balance is 1,300.", "1,300"},
        {"Rated 4.2/5 by customers", "4.2"},
    };
    for (size_t i = 0; i < sizeof invented / sizeof *invented; i++) {
        assert_int_equal(tl_llm_figures_check(invented[i].text, FACTS, bad, sizeof bad), -1);
        assert_string_equal(bad, invented[i].figure);
    }
}

static void test_recs_schema(void **state)
{
    tl_llm_rec_text t;
    const char *why = NULL;
    char detail[160];
    const char *good = "```json\n{\"summary\": \"You are 25-34.\", \"reasons\": ["
                       "{\"product_id\": \"7\", \"reason\": \"Travel Card for you.\"},"
                       "{\"product_id\": \"1\", \"reason\": \"No fee up to $25.\"}]}\n```";
    assert_int_equal(tl_llm_validate_recs(good, strlen(good), IDS, 2, FACTS, &t, &why, detail,
                                          sizeof detail), 0);
    assert_string_equal(t.summary, "You are 25-34.");
    assert_string_equal(t.reasons[0], "No fee up to $25.");      /* in the order of IDS */
    assert_string_equal(t.reasons[1], "Travel Card for you.");
    tl_llm_rec_text_free(&t);

    static const struct {
        const char *reply, *why;
    } cases[] = {
        {"not json", "malformed_json"},
        {"{\"summary\": \"x\", \"reasons\": [", "malformed_json"},
        {"{\"summary\": \"x\"}", "schema_mismatch"},
        {"{\"summary\": \"x\", \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"}]}",
         "schema_mismatch"},   /* one product missing */
        {"{\"summary\": \"x\", \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"},"
         "{\"product_id\": \"1\", \"reason\": \"b\"}]}", "schema_mismatch"},   /* repeated */
        {"{\"summary\": \"x\", \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"},"
         "{\"product_id\": \"9\", \"reason\": \"b\"}]}", "schema_mismatch"},   /* unknown */
        {"{\"summary\": \"\", \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"},"
         "{\"product_id\": \"7\", \"reason\": \"b\"}]}", "schema_mismatch"},   /* empty */
        {"{\"summary\": \"x\", \"score\": 1, \"reasons\": [{\"product_id\": \"1\", \"reason\": "
         "\"a\"}, {\"product_id\": \"7\", \"reason\": \"b\"}]}", "schema_mismatch"},   /* extra */
        {"{\"summary\": 5, \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"},"
         "{\"product_id\": \"7\", \"reason\": \"b\"}]}", "schema_mismatch"},
        {"{\"summary\": \"x\", \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"},"
         "{\"product_id\": \"7\", \"reason\": \"Now only 3.9% APR\"}]}", "invented_figure"},
        {"{\"summary\": \"You are 29.\", \"reasons\": [{\"product_id\": \"1\", \"reason\": "
         "\"a\"}, {\"product_id\": \"7\", \"reason\": \"b\"}]}", "invented_figure"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        why = NULL;
        if (tl_llm_validate_recs(cases[i].reply, strlen(cases[i].reply), IDS, 2, FACTS, &t, &why,
                                 detail, sizeof detail) != -1)
            fail_msg("case %zu accepted", i);
        assert_string_equal(why, cases[i].why);
        assert_null(t.summary);
    }
    /* Too long. */
    char *longtext = malloc(2000);
    size_t n = (size_t)snprintf(longtext, 2000, "{\"summary\": \"");
    memset(longtext + n, 'a', 900);
    snprintf(longtext + n + 900, 2000 - n - 900,
             "\", \"reasons\": [{\"product_id\": \"1\", \"reason\": \"a\"},"
             "{\"product_id\": \"7\", \"reason\": \"b\"}]}");
    assert_int_equal(tl_llm_validate_recs(longtext, strlen(longtext), IDS, 2, FACTS, &t, &why,
                                          detail, sizeof detail), -1);
    assert_string_equal(why, "schema_mismatch");
    free(longtext);
}

static void test_suggestions_schema(void **state)
{
    tl_llm_suggestions s;
    const char *why;
    char detail[160];
    const char *good = "Here:\n{\"suggestions\": [\"Say the fee is $0 - $25.\", \"Be kind.\"]}";
    assert_int_equal(tl_llm_validate_suggestions(good, strlen(good), FACTS, &s, &why, detail,
                                                 sizeof detail), 0);
    assert_int_equal(s.n, 2);
    tl_llm_suggestions_free(&s);
    static const struct {
        const char *reply, *why;
    } cases[] = {
        {"{\"suggestions\": []}", "schema_mismatch"},
        {"{\"suggestions\": [1]}", "schema_mismatch"},
        {"{\"suggestions\": \"x\"}", "schema_mismatch"},
        {"{\"ideas\": [\"x\"]}", "schema_mismatch"},
        {"{\"suggestions\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"]}", "schema_mismatch"},
        {"{\"suggestions\": [\"Cut the fee to $19.\"]}", "invented_figure"},
        {"{\"suggestions\": [", "malformed_json"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (tl_llm_validate_suggestions(cases[i].reply, strlen(cases[i].reply), FACTS, &s, &why,
                                        detail, sizeof detail) != -1)
            fail_msg("case %zu accepted", i);
        assert_string_equal(why, cases[i].why);
    }
}

static void test_config(void **state)
{
    tl_llm_config c;
    tl_err err;
    unsetenv("TAILOR_LLM_BASE_URL");
    unsetenv("TAILOR_LLM_MODEL");
    unsetenv("TAILOR_LLM_API_KEY");
    unsetenv("SAMBANOVA_API_KEY");
    unsetenv("TAILOR_LLM_TIMEOUT_MS");
    assert_int_equal(tl_llm_config_from_env(&c, &err), 0);
    assert_false(c.enabled);   /* off unless configured */

    setenv("SAMBANOVA_API_KEY", "sk-test", 1);
    assert_int_equal(tl_llm_config_from_env(&c, &err), 0);
    assert_true(c.enabled);
    assert_string_equal(c.base_url, TL_LLM_SAMBANOVA_BASE);
    assert_string_equal(c.model, TL_LLM_SAMBANOVA_MODEL);
    assert_string_equal(c.api_key, "sk-test");
    setenv("TAILOR_LLM_MODEL", "Meta-Llama-3.1-70B-Instruct", 1);
    assert_int_equal(tl_llm_config_from_env(&c, &err), 0);
    assert_string_equal(c.model, "Meta-Llama-3.1-70B-Instruct");
    unsetenv("SAMBANOVA_API_KEY");

    setenv("TAILOR_LLM_BASE_URL", "http://127.0.0.1:11434/v1/", 1);
    setenv("TAILOR_LLM_MODEL", "llama3.1", 1);
    assert_int_equal(tl_llm_config_from_env(&c, &err), 0);
    assert_string_equal(c.base_url, "http://127.0.0.1:11434/v1");
    assert_string_equal(c.api_key, "");
    assert_int_equal(c.timeout_ms, 8000);

    setenv("TAILOR_LLM_TIMEOUT_MS", "fast", 1);
    assert_int_equal(tl_llm_config_from_env(&c, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "TAILOR_LLM_TIMEOUT_MS"));
    unsetenv("TAILOR_LLM_TIMEOUT_MS");
    setenv("TAILOR_LLM_BASE_URL", "ftp://x", 1);
    assert_int_equal(tl_llm_config_from_env(&c, &err), TL_EINPUT);
    assert_non_null(strstr(err.msg, "TAILOR_LLM_BASE_URL"));
    unsetenv("TAILOR_LLM_BASE_URL");
    assert_int_equal(tl_llm_config_from_env(&c, &err), TL_EINPUT);   /* model without URL */
    unsetenv("TAILOR_LLM_MODEL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extract),
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_recs_schema),
        cmocka_unit_test(test_suggestions_schema),
        cmocka_unit_test(test_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
