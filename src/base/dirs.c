/* dirs.c — mkdir -p for the folders above a file (dirs.h). */
#include "base/dirs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int tl_dirs_make_parents(const char *path, unsigned mode, tl_err *err)
{
    char tmp[4400];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s", path) >= sizeof tmp)
        return tl_err_set(err, TL_EINPUT, "path too long: %.80s...", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, (mode_t)mode) != 0 && errno != EEXIST)
            return tl_err_set(err, TL_EIO, "%s: cannot create: %s", tmp, strerror(errno));
        *p = '/';
    }
    return TL_OK;
}
