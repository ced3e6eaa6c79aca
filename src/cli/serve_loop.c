/* serve_loop.c — run the server until a signal asks to stop. */
#include "cli/serve_loop.h"
#include "cli/commands.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

int tl_serve_load_tokens(const char *cmd, const char *file, tl_tokens **out)
{
    *out = NULL;
    const char *list = getenv("TAILOR_TOKENS");
    if (!file && (!list || !*list))
        return TL_EXIT_OK;
    tl_tokens *t;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_tokens_new(&t, &err);
    if (!rc)
        rc = file ? tl_tokens_load_file(t, file, &err)
                  : tl_tokens_parse_list(t, "TAILOR_TOKENS", list, strlen(list), &err);
    if (!rc && tl_tokens_count(t) == 0)
        rc = tl_err_set(&err, TL_EINPUT, "%s: no tokens in it", file ? file : "TAILOR_TOKENS");
    if (rc) {
        fprintf(stderr, "tailor %s: %s\n", cmd, err.msg);
        tl_tokens_free(t);
        return TL_EXIT_FAIL;
    }
    *out = t;
    return TL_EXIT_OK;
}

int tl_serve_until_signal(const tl_server_opts *so, const char *banner)
{
    /* Block the stop signals in every thread (the server's threads inherit
     * the mask) and wait for them here. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    tl_server *srv;
    tl_err err;
    tl_err_clear(&err);
    if (tl_server_start(so, &srv, &err)) {
        fprintf(stderr, "tailor serve: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    printf("tailor: serving %s on http://%s:%d/ with %u worker threads (Ctrl-C to stop)\n",
           so->db_path, so->host, tl_server_port(srv), so->threads);
    if (tl_tokens_count(so->tokens))
        printf("tailor: %zu API tokens; every route but /healthz needs one\n",
               tl_tokens_count(so->tokens));
    else
        printf("tailor: no API tokens configured: open, to this machine only\n");
    if (banner)
        printf("%s\n", banner);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    tl_log_info("stopping on signal %d", sig);
    tl_server_stop(srv);
    return TL_EXIT_OK;
}
