/* dotenv.h — the lowest configuration layer: KEY=VALUE lines of a `.env`
 * file. Flags beat the environment, which beats the file: variables already
 * set are never overwritten. */
#ifndef TL_BASE_DOTENV_H
#define TL_BASE_DOTENV_H

#include "base/err.h"

/* Loads `path` if it exists (a missing file is not an error). Lines:
 * `KEY=VALUE`, `export KEY=VALUE`, blank, or `# comment`; VALUE may be
 * wrapped in single or double quotes. A malformed line is TL_EINPUT with
 * path:line. */
int tl_dotenv_load(const char *path, tl_err *err);

#endif
