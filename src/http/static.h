/* static.h — serves the embedded dashboard: GET/HEAD / and
 * /assets/<version>/…, from the table in static_files.h only (never the
 * file system). */
#ifndef TL_HTTP_STATIC_H
#define TL_HTTP_STATIC_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct tl_static_file;

/* Whether url belongs to the dashboard ("/", "/index.html", "/favicon.ico",
 * "/assets/…"); the API's routes never do. */
bool tl_static_claims(const char *url);

/* Answers a claimed url: the file with its content type, ETag, caching and
 * security headers; 304 for a matching If-None-Match; 400 for a path that
 * tries to leave the table (.., backslash, control bytes, '%'); 404 when no
 * file has that path; 405 for methods other than GET and HEAD. The status
 * sent is written to *status (for the metrics). */
enum MHD_Result tl_static_serve(struct MHD_Connection *conn, const char *method,
                                const char *url, int *status);

/* What a claimed url resolves to, without any I/O (for tests and fuzzing):
 * 200 with *file and *cache_control set, 400 for a refused path, 404 for
 * none. `url` is the decoded path, NUL-terminated. */
int tl_static_resolve(const char *url, const struct tl_static_file **file,
                      const char **cache_control);

/* Whether an If-None-Match header value (a list of entity tags, or "*")
 * names etag (quoted); weak tags match too. */
bool tl_static_etag_matches(const char *if_none_match, const char *etag);

/* MHD_OPTION_UNESCAPE_CALLBACK: decodes %HH like libmicrohttpd does, but a
 * decoded NUL becomes DEL (0x7f) instead of silently cutting the path short,
 * so "/x.js%00.png" cannot pass for "/x.js" and is refused. */
size_t tl_static_unescape(void *cls, struct MHD_Connection *conn, char *s);

#endif
