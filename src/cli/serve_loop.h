/* serve_loop.h — start the server, print where it listens, wait for
 * SIGINT/SIGTERM, stop cleanly. Shared by `serve` and `demo`. */
#ifndef TL_CLI_SERVE_LOOP_H
#define TL_CLI_SERVE_LOOP_H

#include "http/server.h"

/* Returns an exit code. `banner` (may be NULL) is printed after the
 * listening line. */
int tl_serve_until_signal(const tl_server_opts *so, const char *banner);

#endif
