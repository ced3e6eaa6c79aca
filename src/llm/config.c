/* config.c — the LLM's configuration from environment variables. */
#include "llm/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int tl_llm_config_from_env(tl_llm_config *c, tl_err *err)
{
    memset(c, 0, sizeof *c);
    c->timeout_ms = 8000;
    c->retry_after_cap_ms = 5000;
    c->max_attempts = 4;
    c->json_mode = 1;
    const char *base = env("TAILOR_LLM_BASE_URL"), *model = env("TAILOR_LLM_MODEL");
    const char *key = env("TAILOR_LLM_API_KEY"), *samba = env("SAMBANOVA_API_KEY");
    if (!key && samba) {
        key = samba;
        if (!base)
            base = TL_LLM_SAMBANOVA_BASE;
        if (!model)
            model = TL_LLM_SAMBANOVA_MODEL;
    }
    const char *t = env("TAILOR_LLM_TIMEOUT_MS");
    if (t) {
        int64_t ms;
        if (!tl_parse_i64(t, &ms) || ms < 100 || ms > 120000)
            return tl_err_set(err, TL_EINPUT,
                              "TAILOR_LLM_TIMEOUT_MS: expected milliseconds in 100..120000, "
                              "got \"%.40s\"", t);
        c->timeout_ms = (long)ms;
    }
    const char *jm = env("TAILOR_LLM_JSON_MODE");
    if (jm)
        c->json_mode = strcmp(jm, "0") != 0 && !tl_strcaseeq(jm, "false");
    if (!base && !model)
        return TL_OK;   /* off */
    if (!base)
        return tl_err_set(err, TL_EINPUT, "TAILOR_LLM_MODEL is set but TAILOR_LLM_BASE_URL is not");
    if (!model)
        return tl_err_set(err, TL_EINPUT, "TAILOR_LLM_BASE_URL is set but TAILOR_LLM_MODEL is not");
    if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)
        return tl_err_set(err, TL_EINPUT,
                          "TAILOR_LLM_BASE_URL: expected an http:// or https:// URL, got \"%.80s\"",
                          base);
    if (strlen(base) >= sizeof c->base_url)
        return tl_err_set(err, TL_EINPUT, "TAILOR_LLM_BASE_URL: longer than %zu bytes",
                          sizeof c->base_url - 1);
    if (strlen(model) >= sizeof c->model)
        return tl_err_set(err, TL_EINPUT, "TAILOR_LLM_MODEL: longer than %zu bytes",
                          sizeof c->model - 1);
    if (key && strlen(key) >= sizeof c->api_key)
        return tl_err_set(err, TL_EINPUT, "the LLM API key is longer than %zu bytes",
                          sizeof c->api_key - 1);
    tl_strlcpy(c->base_url, base, sizeof c->base_url);
    size_t n = strlen(c->base_url);
    while (n && c->base_url[n - 1] == '/')
        c->base_url[--n] = '\0';
    tl_strlcpy(c->model, model, sizeof c->model);
    if (key)
        tl_strlcpy(c->api_key, key, sizeof c->api_key);
    c->enabled = 1;
    return TL_OK;
}
