/* dotenv.c — `.env` loading without overwriting the environment. */
#include "base/dotenv.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

static int valid_key(const char *k)
{
    if (!*k || !(isalpha((unsigned char)*k) || *k == '_'))
        return 0;
    for (; *k; k++)
        if (!(isalnum((unsigned char)*k) || *k == '_'))
            return 0;
    return 1;
}

int tl_dotenv_load(const char *path, tl_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? TL_OK : tl_err_set(err, TL_EIO, "%s: cannot open: %m", path);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = TL_OK;
    while (getline(&line, &cap, f) != -1) {
        lineno++;
        tl_strtrim(line);
        if (!*line || *line == '#')
            continue;
        char *kv = line;
        if (strncmp(kv, "export ", 7) == 0)
            kv += 7;
        char *eq = strchr(kv, '=');
        if (!eq) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%d: expected KEY=VALUE", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = tl_strtrim(kv), *val = tl_strtrim(eq + 1);
        if (!valid_key(key)) {
            rc = tl_err_set(err, TL_EINPUT, "%s:%d: invalid variable name \"%.40s\"", path,
                            lineno, key);
            break;
        }
        size_t n = strlen(val);
        if (n >= 2 && (val[0] == '"' || val[0] == '\'') && val[n - 1] == val[0]) {
            val[n - 1] = '\0';
            val++;
        }
        setenv(key, val, 0);
    }
    free(line);
    fclose(f);
    return rc;
}
