/* dirs.h — creating the folders a file is to be written in. */
#ifndef TL_BASE_DIRS_H
#define TL_BASE_DIRS_H

#include "base/err.h"

/* mkdir -p for every folder above the last '/' of `path` (the file itself
 * is not created); new folders get `mode`, existing ones are left as they
 * are. TL_EINPUT for a path too long, TL_EIO naming the folder that could
 * not be created. */
int tl_dirs_make_parents(const char *path, unsigned mode, tl_err *err);

#endif
