/* cmd_llm.c — `tailor llm check`: one tiny request to the configured LLM,
 * to see that it answers and that its answer passes validation. */
#include "cli/commands.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/analyst.h"
#include "llm/client.h"
#include "llm/config.h"
#include "llm/prompt.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor llm check [--json]\n\n"
            "Sends one small prompt (made-up product facts, no customer data) to the\n"
            "configured OpenAI-compatible server and prints the model, the latency and\n"
            "whether the reply validated. Exit 0 when it did, 1 otherwise.\n\n"
            "The LLM is optional and off unless configured (environment or .env):\n"
            "  TAILOR_LLM_BASE_URL    e.g. http://127.0.0.1:11434/v1 (Ollama),\n"
            "                         http://127.0.0.1:8080/v1 (llama.cpp server, vLLM),\n"
            "                         https://api.openai.com/v1\n"
            "  TAILOR_LLM_MODEL       the model name the server knows\n"
            "  TAILOR_LLM_API_KEY     bearer token, if the server wants one\n"
            "  SAMBANOVA_API_KEY      instead of the three above: SambaNova's endpoint\n"
            "                         and %s unless those are set\n"
            "  TAILOR_LLM_TIMEOUT_MS  total deadline per answer, retries included\n"
            "                         (default 8000)\n"
            "  TAILOR_LLM_JSON_MODE   0 to stop sending response_format (default 1)\n\n"
            "The server uses the LLM only for friendlier texts (docs/llm.md); any failure\n"
            "falls back to tailor's own text.\n",
            TL_LLM_SAMBANOVA_MODEL);
}

int tl_cmd_llm(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? TL_EXIT_USAGE : TL_EXIT_OK;
    }
    int json = argc == 3 && strcmp(argv[2], "--json") == 0;
    if (strcmp(argv[1], "check") != 0 || (argc > 2 && !json)) {
        fprintf(stderr, "tailor llm: unknown arguments; try tailor llm --help\n");
        return TL_EXIT_USAGE;
    }
    tl_llm_config c;
    tl_err err;
    tl_err_clear(&err);
    if (tl_llm_config_from_env(&c, &err)) {
        fprintf(stderr, "tailor llm: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    if (!c.enabled) {
        fprintf(stderr, "tailor llm: no LLM is configured (set TAILOR_LLM_BASE_URL and "
                        "TAILOR_LLM_MODEL, or SAMBANOVA_API_KEY; see tailor llm --help)\n");
        return TL_EXIT_FAIL;
    }
    json_t *facts = json_pack(
        "{s:s, s:s, s:{s:i, s:i, s:i}, s:{s:i, s:i, s:f}, s:[s]}", "product_id", "check",
        "name", "Everyday Saver", "reviews", "n", 12, "positive", 9, "negative", 3, "offers",
        "shown", 40, "accepted", 10, "acceptance_rate", 0.25, "suggestions",
        "Explain the withdrawal rules more clearly in the offer.");
    tl_llm_prompt p;
    int rc = tl_llm_prompt_suggestions(facts, &p, &err);
    json_decref(facts);
    if (rc) {
        fprintf(stderr, "tailor llm: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    tl_llm_call call;
    tl_llm_answer a;
    const char *why = NULL;
    char detail[160] = "";
    int ok = 0;
    if (tl_llm_chat(&c, p.system, p.user, NULL, &call) == 0) {
        ok = tl_llm_validate_reply(&p, call.content, &a, &why, detail, sizeof detail) == 0;
        if (ok)
            tl_llm_answer_free(&a);
    } else {
        why = call.failure;
    }
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:f, s:i, s:b, s:o}", "model", c.model, "base_url",
                              c.base_url, "latency_ms", call.latency_ms, "attempts",
                              call.attempts, "validated", ok, "failure",
                              why ? json_string(why) : json_null());
        char *s = json_dumps(o, JSON_COMPACT);
        printf("%s\n", s ? s : "{}");
        free(s);
        json_decref(o);
    } else {
        printf("model:     %s\nserver:    %s\nlatency:   %.0f ms (%d attempt%s)\n", c.model,
               c.base_url, call.latency_ms, call.attempts, call.attempts == 1 ? "" : "s");
        printf("validated: %s", ok ? "yes" : "no");
        if (why)
            printf(" (%s%s%s)", why, detail[0] ? ": " : "", detail);
        printf("\n");
    }
    tl_llm_call_free(&call);
    tl_llm_prompt_free(&p);
    return ok ? TL_EXIT_OK : TL_EXIT_FAIL;
}
