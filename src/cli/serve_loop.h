/* serve_loop.h — start the server, print where it listens, wait for
 * SIGINT/SIGTERM, stop cleanly. Shared by `serve` and `demo`. */
#ifndef TL_CLI_SERVE_LOOP_H
#define TL_CLI_SERVE_LOOP_H

#include "http/server.h"

/* Loads the API tokens for `cmd` ("serve", "demo"): from the file `file`
 * when given, else from TAILOR_TOKENS when set and not empty (a flag beats
 * the environment, which beats .env). *out is NULL when there are none;
 * the caller frees it with tl_tokens_free after the server stopped. Prints
 * a failure itself and returns an exit code (TL_EXIT_OK on success). */
int tl_serve_load_tokens(const char *cmd, const char *file, tl_tokens **out);

/* Returns an exit code. `banner` (may be NULL) is printed after the
 * listening line. */
int tl_serve_until_signal(const tl_server_opts *so, const char *banner);

#endif
