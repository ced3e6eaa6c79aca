/* serve_loop.c — run the server until a signal asks to stop. */
#include "cli/serve_loop.h"
#include "cli/commands.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "base/log.h"

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
    printf("tailor: serving %s on http://%s:%d/ (Ctrl-C to stop)\n", so->db_path, so->host,
           tl_server_port(srv));
    if (banner)
        printf("%s\n", banner);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    tl_log_info("stopping on signal %d", sig);
    tl_server_stop(srv);
    return TL_EXIT_OK;
}
