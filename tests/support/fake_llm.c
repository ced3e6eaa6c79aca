/* fake_llm.c — the fake chat-completions server (libmicrohttpd, one
 * thread per connection so a slow answer holds up nothing else). */
#include "fake_llm.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/buf.h"

struct fake_llm {
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t lock;
    fake_scenario scenario;
    int sent_429;
    int released, stopping;
    char **bodies;
    size_t n;
    char auth[256];
};

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The facts object of the prompt, parsed (new reference) or NULL. */
static json_t *prompt_facts(const char *body)
{
    json_t *req = json_loads(body, 0, NULL);
    const char *user =
        json_string_value(json_object_get(json_array_get(json_object_get(req, "messages"), 1),
                                          "content"));
    const char *brace = user ? strchr(user, '{') : NULL;
    json_t *facts = brace ? json_loads(brace, 0, NULL) : NULL;
    json_decref(req);
    return facts;
}

/* The assistant's JSON answer for the facts: recommendations when the
 * facts list products, product suggestions otherwise. */
static char *answer(json_t *facts, int invent, int wrong)
{
    json_t *products = json_object_get(facts, "products");
    json_t *o;
    if (products) {
        json_t *reasons = json_array();
        size_t i;
        json_t *p;
        json_array_foreach(products, i, p) {
            char text[400];
            snprintf(text, sizeof text, "The %s could suit you well%s.",
                     json_string_value(json_object_get(p, "name")),
                     invent && i == 0 ? ", with 7.77% cashback for 90 days" : "");
            json_array_append_new(reasons, json_pack("{s:O, s:s}", "product_id",
                                                     json_object_get(p, "product_id"),
                                                     "reason", text));
        }
        char summary[300];
        json_t *first = json_array_get(products, 0);
        snprintf(summary, sizeof summary,
                 "Friendly summary: you are in the %s age band, and our top pick scores %.3f.",
                 json_string_value(json_object_get(facts, "age_band")),
                 json_number_value(json_object_get(first, "score")));
        o = wrong ? json_pack("{s:s, s:s}", "text", summary, "reasons", "none")
                  : json_pack("{s:s, s:o}", "summary", summary, "reasons", reasons);
        if (wrong)
            json_decref(reasons);
    } else {
        char text[300];
        snprintf(text, sizeof text, "Friendly suggestion: tell people what makes the %s "
                 "special%s.", json_string_value(json_object_get(facts, "name")),
                 invent ? " and cut its fee by 9.99%" : "");
        o = wrong ? json_pack("{s:s}", "advice", text) : json_pack("{s:[s]}", "suggestions", text);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static enum MHD_Result reply_with(struct MHD_Connection *c, unsigned status, const char *body,
                            const char *retry_after)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (retry_after)
        MHD_add_response_header(r, "Retry-After", retry_after);
    enum MHD_Result res = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **ctx)
{
    fake_llm *f = cls;
    tl_buf *b = *ctx;
    if (!b) {
        b = calloc(1, sizeof *b);
        tl_buf_init(b, 4u << 20);
        *ctx = b;
        return MHD_YES;
    }
    if (*size) {
        tl_buf_append(b, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "POST") != 0 || strcmp(url, "/v1/chat/completions") != 0)
        return reply_with(c, 404, "{\"error\":{\"message\":\"not found\"}}", NULL);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    pthread_mutex_lock(&f->lock);
    char **grown = realloc(f->bodies, (f->n + 1) * sizeof *grown);
    if (grown) {
        f->bodies = grown;
        f->bodies[f->n++] = strdup(b->data ? b->data : "");
    }
    snprintf(f->auth, sizeof f->auth, "%s", auth ? auth : "");
    fake_scenario sc = f->scenario;
    int first_429 = sc == FAKE_429_ONCE && !f->sent_429;
    if (first_429)
        f->sent_429 = 1;
    pthread_mutex_unlock(&f->lock);

    if (sc == FAKE_NO_JSON_MODE && b->data && strstr(b->data, "\"response_format\""))
        return reply_with(c, 400, "{\"error\":{\"message\":\"response_format unsupported\"}}",
                          NULL);
    if (first_429)
        return reply_with(c, 429, "{\"error\":{\"message\":\"slow down\"}}", "1");
    if (sc == FAKE_500)
        return reply_with(c, 500, "{\"error\":{\"message\":\"boom\"}}", NULL);
    if (sc == FAKE_SLOW || sc == FAKE_HOLD) {
        for (int waited = 0; sc == FAKE_HOLD || waited < 10000; waited += 20) {
            pthread_mutex_lock(&f->lock);
            int done = f->stopping || (sc == FAKE_HOLD && f->released);
            pthread_mutex_unlock(&f->lock);
            if (done)
                break;
            pause_ms(20);
        }
    }
    json_t *facts = prompt_facts(b->data ? b->data : "");
    char *ans = answer(facts, sc == FAKE_INVENTED, sc == FAKE_WRONG_SCHEMA);
    json_decref(facts);
    char content[8192];
    switch (sc) {
    case FAKE_FENCED: snprintf(content, sizeof content, "```json\n%s\n```", ans); break;
    case FAKE_CHATTER:
        snprintf(content, sizeof content,
                 "Sure! Here is the JSON you asked for:\n%s\nLet me know if you need more.", ans);
        break;
    case FAKE_MALFORMED: snprintf(content, sizeof content, "%.*s", (int)strlen(ans) / 2, ans); break;
    default: snprintf(content, sizeof content, "%s", ans); break;
    }
    free(ans);
    json_t *env = json_pack("{s:s, s:s, s:[{s:i, s:{s:s, s:s}, s:s}]}", "id", "fake-1", "object",
                            "chat.completion", "choices", "index", 0, "message", "role",
                            "assistant", "content", content, "finish_reason", "stop");
    char *body = json_dumps(env, JSON_COMPACT);
    json_decref(env);
    enum MHD_Result r = reply_with(c, 200, body, NULL);
    free(body);
    return r;
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx,
                    enum MHD_RequestTerminationCode toe)
{
    tl_buf *b = *ctx;
    if (b) {
        tl_buf_free(b);
        free(b);
        *ctx = NULL;
    }
}

fake_llm *fake_llm_start(void)
{
    fake_llm *f = calloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    f->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                            NULL, NULL, on_request, f, MHD_OPTION_SOCK_ADDR,
                            (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_done, f,
                            MHD_OPTION_END);
    if (!f->d)
        fail_msg("fake LLM server did not start");
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    f->port = info->port;
    return f;
}

int fake_llm_port(const fake_llm *f)
{
    return f->port;
}

void fake_llm_set(fake_llm *f, fake_scenario s)
{
    pthread_mutex_lock(&f->lock);
    f->scenario = s;
    f->sent_429 = 0;
    f->released = 0;
    pthread_mutex_unlock(&f->lock);
}

void fake_llm_release(fake_llm *f)
{
    pthread_mutex_lock(&f->lock);
    f->released = 1;
    pthread_mutex_unlock(&f->lock);
}

size_t fake_llm_count(fake_llm *f)
{
    pthread_mutex_lock(&f->lock);
    size_t n = f->n;
    pthread_mutex_unlock(&f->lock);
    return n;
}

char *fake_llm_body(fake_llm *f, size_t i)
{
    pthread_mutex_lock(&f->lock);
    char *s = i < f->n ? strdup(f->bodies[i]) : NULL;
    pthread_mutex_unlock(&f->lock);
    return s;
}

void fake_llm_last_auth(fake_llm *f, char *out, size_t size)
{
    pthread_mutex_lock(&f->lock);
    snprintf(out, size, "%s", f->auth);
    pthread_mutex_unlock(&f->lock);
}

void fake_llm_stop(fake_llm *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stopping = 1;
    pthread_mutex_unlock(&f->lock);
    MHD_stop_daemon(f->d);
    for (size_t i = 0; i < f->n; i++)
        free(f->bodies[i]);
    free(f->bodies);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
