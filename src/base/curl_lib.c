/* curl_lib.c — libcurl through dlopen (curl_lib.h). */
#include "base/curl_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Written once under `once`, read-only afterwards: pthread_once orders the
 * writes before every caller's reads. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static tl_curl_lib lib;
static int loaded;
static char why[TL_ERR_MSG_MAX];

/* Debian's libcurl4 (OpenSSL), then the GnuTLS and NSS builds: the same
 * ABI under three sonames. */
static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4"};

/* dlsym returns void *; POSIX guarantees it converts to a function
 * pointer, which ISO C alone does not: go through memcpy. */
static int find(void *h, const char *name, void *fn, size_t size)
{
    void *sym = dlsym(h, name);
    if (!sym)
        return -1;
    memcpy(fn, &sym, size);
    return 0;
}

#define FIND(h, field, name) find(h, name, &lib.field, sizeof lib.field)

static void load(void)
{
    char first[200] = "";
    /* $TAILOR_CURL_LIBRARY, when set, is the only one tried */
    const char *own = getenv("TAILOR_CURL_LIBRARY");
    const char *const *names = own && *own ? &own : sonames;
    size_t n_names = own && *own ? 1 : sizeof sonames / sizeof *sonames;
    for (size_t i = 0; i < n_names; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            const char *e = dlerror();
            if (!first[0])
                snprintf(first, sizeof first, "%s", e ? e : names[i]);
            continue;
        }
        CURLcode (*global_init)(long) = NULL;
        if (FIND(h, easy_init, "curl_easy_init") || FIND(h, easy_setopt, "curl_easy_setopt") ||
            FIND(h, easy_perform, "curl_easy_perform") ||
            FIND(h, easy_getinfo, "curl_easy_getinfo") ||
            FIND(h, easy_reset, "curl_easy_reset") ||
            FIND(h, easy_cleanup, "curl_easy_cleanup") ||
            FIND(h, easy_strerror, "curl_easy_strerror") ||
            FIND(h, slist_append, "curl_slist_append") ||
            FIND(h, slist_free_all, "curl_slist_free_all") ||
            find(h, "curl_global_init", &global_init, sizeof global_init)) {
            if (!first[0])
                snprintf(first, sizeof first, "%.150s lacks a libcurl function", names[i]);
            dlclose(h);
            continue;
        }
        /* never cleaned up or closed: the process keeps it until exit */
        CURLcode rc = global_init(CURL_GLOBAL_DEFAULT);
        if (rc != CURLE_OK) {
            if (!first[0])
                snprintf(first, sizeof first, "%.150s: curl_global_init failed (%d)", names[i],
                         (int)rc);
            continue;
        }
        loaded = 1;
        return;
    }
    snprintf(why, sizeof why, "no libcurl can be loaded (tried %s; %s): install libcurl4",
             own && *own ? "$TAILOR_CURL_LIBRARY"
                         : "libcurl.so.4, libcurl-gnutls.so.4, libcurl-nss.so.4",
             first);
}

int tl_curl_lib_get(const tl_curl_lib **out, tl_err *err)
{
    pthread_once(&once, load);
    *out = loaded ? &lib : NULL;
    return loaded ? TL_OK : tl_err_set(err, TL_EIO, "%s", why);
}
