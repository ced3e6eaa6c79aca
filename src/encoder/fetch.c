/* fetch.c — resumable model downloads with libcurl. */
#include "encoder/fetch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/curl_lib.h"
#include "base/dirs.h"
#include "base/progress.h"

static const struct {
    const char *path;
    bool required;
} files[] = {
    {"config.json", true},           {"vocab.txt", true},
    {"modules.json", true},          {"sentence_bert_config.json", true},
    {"1_Pooling/config.json", true}, {"model.safetensors", true},
    {"tokenizer_config.json", false}, {"special_tokens_map.json", false},
};

/* A model name is owner/model of letters, digits and ._- : nothing that
 * could climb out of the destination folder or the URL path. */
static bool valid_name(const char *name)
{
    int slashes = 0;
    if (!*name || *name == '/' || *name == '.')
        return false;
    for (const char *p = name; *p; p++) {
        if (*p == '/') {
            if (++slashes > 1 || p[1] == '/' || p[1] == '.' || p[1] == '\0')
                return false;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')) {
            return false;
        }
    }
    return strstr(name, "..") == NULL;
}

int tl_model_default_dir(const char *name, char *out, size_t size, tl_err *err)
{
    if (!valid_name(name))
        return tl_err_set(err, TL_EINPUT, "model name must look like owner/model: \"%.80s\"", name);
    const char *root = getenv("TAILOR_MODELS_DIR");
    const char *home = getenv("HOME");
    int n = root ? snprintf(out, size, "%s/%s", root, name)
                 : snprintf(out, size, "%s/.cache/tailor/models/%s", home ? home : ".", name);
    if (n < 0 || (size_t)n >= size)
        return tl_err_set(err, TL_EINPUT, "model folder path too long");
    return TL_OK;
}

typedef struct transfer {
    FILE *f;
    curl_off_t expected;    /* whole-file size the server announced, -1 unknown */
    curl_off_t have;        /* bytes already on disk before this request */
    long status;
    tl_progress *bar;
    curl_off_t written;
} transfer;

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    transfer *t = ud;
    if (t->status == 0) {
        /* Only a success body is written to the file. */
        return size * n;
    }
    size_t w = fwrite(p, size, n, t->f);
    t->written += (curl_off_t)(w * size);
    tl_progress_update(t->bar, (uint64_t)(t->have + t->written));
    return w * size;
}

/* Reads the status and the announced total size from the headers:
 * Content-Range "bytes a-b/TOTAL" on a resumed transfer, Content-Length
 * otherwise. Redirects reset both. */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    transfer *t = ud;
    size_t len = size * n;
    char line[512];
    size_t c = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, p, c);
    line[c] = '\0';
    long code;
    if (sscanf(line, "HTTP/%*s %ld", &code) == 1) {
        t->status = (code == 200 || code == 206) ? code : 0;
        t->expected = -1;
        return len;
    }
    long long total;
    if (strncasecmp(line, "content-range:", 14) == 0) {
        const char *slash = strchr(line, '/');
        if (slash && sscanf(slash + 1, "%lld", &total) == 1)
            t->expected = total;
    } else if (strncasecmp(line, "content-length:", 15) == 0 && t->status == 200) {
        if (sscanf(line + 15, "%lld", &total) == 1)
            t->expected = total;
    }
    return len;
}

/* Downloads one file; returns TL_ENOTFOUND for a 404. */
static int fetch_file(const tl_curl_lib *cl, CURL *curl, const char *url, const char *dest,
                      const tl_fetch_opts *o, const char *token, tl_err *err)
{
    char part[4400];
    if ((size_t)snprintf(part, sizeof part, "%s.part", dest) >= sizeof part)
        return tl_err_set(err, TL_EINPUT, "path too long: %.80s...", dest);
    struct stat sb;
    curl_off_t have = stat(part, &sb) == 0 ? (curl_off_t)sb.st_size : 0;
    FILE *f = fopen(part, have ? "ab" : "wb");
    if (!f)
        return tl_err_set(err, TL_EIO, "%s: cannot write: %s", part, strerror(errno));
    tl_progress bar;
    const char *base = strrchr(dest, '/');
    tl_progress_start(&bar, base ? base + 1 : dest, 0, o->progress);
    transfer t = {f, -1, have, 0, &bar, 0};
    char auth[600];
    struct curl_slist *hdrs = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hdrs = cl->slist_append(hdrs, auth);
    }
    char range[64];
    snprintf(range, sizeof range, "%lld-", (long long)have);
    cl->easy_reset(curl);
    cl->easy_setopt(curl, CURLOPT_URL, url);
    cl->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    cl->easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    cl->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    cl->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    cl->easy_setopt(curl, CURLOPT_TIMEOUT, o->timeout_s ? o->timeout_s : 600L);
    cl->easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
    cl->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    cl->easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    cl->easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    cl->easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    cl->easy_setopt(curl, CURLOPT_USERAGENT, "tailor/0.1");
    if (have)
        cl->easy_setopt(curl, CURLOPT_RANGE, range);
    char ebuf[CURL_ERROR_SIZE] = "";
    cl->easy_setopt(curl, CURLOPT_ERRORBUFFER, ebuf);
    CURLcode cc = cl->easy_perform(curl);
    long status = 0;
    cl->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    cl->slist_free_all(hdrs);
    int closed = fclose(f);
    tl_progress_end(&bar, (uint64_t)(have + t.written));
    if (cc != CURLE_OK)
        return tl_err_set(err, TL_EIO, "%s: %s (partial download kept; run again to resume)",
                          url, ebuf[0] ? ebuf : cl->easy_strerror(cc));
    if (status == 404) {
        unlink(part);
        return tl_err_set(err, TL_ENOTFOUND, "%s: not found (404)", url);
    }
    if (status == 416 && have) {
        /* The part file is already whole (or longer than the file): start
         * over rather than trust it. */
        unlink(part);
        return tl_err_set(err, TL_EIO, "%s: server refused to resume (416); run again", url);
    }
    if (status != 200 && status != 206)
        return tl_err_set(err, TL_EIO, "%s: HTTP %ld", url, status);
    if (closed != 0)
        return tl_err_set(err, TL_EIO, "%s: write failed", part);
    if (status == 200 && have) {
        /* The server ignored the range and sent the whole file after our
         * partial bytes: what was on disk is garbage now. */
        unlink(part);
        return tl_err_set(err, TL_EIO, "%s: server does not support resuming; run again", url);
    }
    if (stat(part, &sb) != 0)
        return tl_err_set(err, TL_EIO, "%s: %s", part, strerror(errno));
    if (t.expected >= 0 && (curl_off_t)sb.st_size != t.expected) {
        return tl_err_set(err, TL_EIO,
                          "%s: size %lld differs from the %lld bytes announced; run again to "
                          "resume", url, (long long)sb.st_size, (long long)t.expected);
    }
    if (rename(part, dest) != 0)
        return tl_err_set(err, TL_EIO, "%s: cannot rename to %s: %s", part, dest, strerror(errno));
    return TL_OK;
}

int tl_model_fetch(const char *name, const char *dir, const tl_fetch_opts *o, tl_err *err)
{
    tl_fetch_opts defaults = {0};
    if (!o)
        o = &defaults;
    if (!valid_name(name))
        return tl_err_set(err, TL_EINPUT, "model name must look like owner/model: \"%.80s\"", name);
    const char *endpoint = o->endpoint ? o->endpoint : getenv("HF_ENDPOINT");
    if (!endpoint || !*endpoint)
        endpoint = "https://huggingface.co";
    const char *rev = o->revision ? o->revision : "main";
    const char *token = o->token ? o->token : getenv("HF_TOKEN");
    const tl_curl_lib *cl;
    int rc = tl_curl_lib_get(&cl, err);
    if (rc)
        return rc;
    CURL *curl = cl->easy_init();
    if (!curl)
        return tl_err_set(err, TL_ENOMEM, "cannot start an HTTP client");
    size_t elen = strlen(endpoint);
    while (elen && endpoint[elen - 1] == '/')
        elen--;
    for (size_t i = 0; i < sizeof files / sizeof *files && !rc; i++) {
        char dest[4200], url[4400];
        if ((size_t)snprintf(dest, sizeof dest, "%s/%s", dir, files[i].path) >= sizeof dest) {
            rc = tl_err_set(err, TL_EINPUT, "folder path too long: %.80s...", dir);
            break;
        }
        struct stat sb;
        if (stat(dest, &sb) == 0)
            continue;   /* complete from an earlier run */
        if ((rc = tl_dirs_make_parents(dest, 0755, err)))
            break;
        snprintf(url, sizeof url, "%.*s/%s/resolve/%s/%s", (int)elen, endpoint, name, rev,
                 files[i].path);
        rc = fetch_file(cl, curl, url, dest, o, token, err);
        if (rc == TL_ENOTFOUND && !files[i].required)
            rc = TL_OK;
    }
    cl->easy_cleanup(curl);
    return rc;
}
