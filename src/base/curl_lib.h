/* curl_lib.h — libcurl, loaded on first use.
 *
 * Linked, libcurl and the libraries it pulls in (TLS, Kerberos, LDAP, SSH,
 * 20 in all) cost every tailor process about 6 ms at start, in relocations
 * and constructors: an empty program linked with tailor's libraries took
 * 10.3 ms, 4.4 ms without libcurl. Only `tailor model fetch` and the
 * optional LLM use it, so the first of them to ask dlopens it and sets up
 * its global state, once per process; it stays loaded until exit.
 * $TAILOR_CURL_LIBRARY names the library to load instead of Debian's
 * sonames (libcurl.so.4, then the GnuTLS and NSS builds). */
#ifndef TL_BASE_CURL_LIB_H
#define TL_BASE_CURL_LIB_H

#include <curl/curl.h>

#include "base/err.h"

/* The functions tailor calls, with libcurl's own signatures. */
typedef struct tl_curl_lib {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *h);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    void (*easy_reset)(CURL *h);
    void (*easy_cleanup)(CURL *h);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
    void (*slist_free_all)(struct curl_slist *list);
} tl_curl_lib;

/* Sets *out to libcurl's functions (static, never freed) and returns 0,
 * or returns TL_EIO with err naming the libraries tried and why none could
 * be used. Thread-safe: the first call loads the library and runs
 * curl_global_init; later ones return what it found. */
int tl_curl_lib_get(const tl_curl_lib **out, tl_err *err);

#endif
