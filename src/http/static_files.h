/* static_files.h — the dashboard's files as compiled into the binary. The
 * table is generated at build time from web/ by tools/embed-web.cmake
 * (web_assets.c in the build folder); static.c serves it. */
#ifndef TL_HTTP_STATIC_FILES_H
#define TL_HTTP_STATIC_FILES_H

#include <stddef.h>

typedef struct tl_static_file {
    const char *path;                 /* "/index.html", "/js/app.js", "/vendor/uPlot.esm.js" */
    const char *content_type;         /* with charset for text */
    const unsigned char *data;        /* len bytes (plus a NUL not counted) */
    size_t len;
    const char *etag;                 /* quoted: "\"<128 bits of SHA-256 in hex>\"" */
} tl_static_file;

extern const tl_static_file tl_static_files[];
extern const size_t tl_static_files_count;

/* Digest of every asset: index.html names them under /assets/<version>/. */
extern const char tl_static_version[];

#endif
