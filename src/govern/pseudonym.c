/* pseudonym.c — the per-store secret and keyed hashes. */
#include "govern/pseudonym.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "store/meta.h"

#define SECRET_KEY "pseudonym_secret"

static int random_bytes(unsigned char *out, size_t n, tl_err *err)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tl_err_set(err, TL_EIO, "/dev/urandom: cannot open");
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, out + got, n - got);
        if (r <= 0) {
            close(fd);
            return tl_err_set(err, TL_EIO, "/dev/urandom: short read");
        }
        got += (size_t)r;
    }
    close(fd);
    return TL_OK;
}

int tl_pseudonym_secret(tl_store *st, unsigned char key[TL_PSEUDONYM_KEY_LEN], tl_err *err)
{
    size_t len;
    bool found;
    int rc = tl_store_meta_get(st, SECRET_KEY, key, TL_PSEUDONYM_KEY_LEN, &len, &found, err);
    if (rc || (found && len == TL_PSEUDONYM_KEY_LEN))
        return rc;
    if (found)
        return tl_err_set(err, TL_EDB, "%s: the pseudonym secret is damaged (%zu bytes)",
                          tl_store_path(st), len);
    unsigned char fresh[TL_PSEUDONYM_KEY_LEN];
    if ((rc = random_bytes(fresh, sizeof fresh, err)) ||
        (rc = tl_store_meta_put_new(st, SECRET_KEY, fresh, sizeof fresh, err)))
        return rc;
    /* Read back: another process may have won the race. */
    rc = tl_store_meta_get(st, SECRET_KEY, key, TL_PSEUDONYM_KEY_LEN, &len, &found, err);
    if (!rc && (!found || len != TL_PSEUDONYM_KEY_LEN))
        rc = tl_err_set(err, TL_EDB, "%s: could not keep the pseudonym secret",
                        tl_store_path(st));
    return rc;
}

void tl_pseudonym_make(const void *key, size_t key_len, const char *domain, const char *id,
                       char out[TL_SHA256_HEX_LEN + 1])
{
    tl_buf b;
    tl_buf_init(&b, 1u << 16);
    if (tl_buf_puts(&b, domain) || tl_buf_putc(&b, ':') || tl_buf_puts(&b, id)) {
        /* Only allocation can fail here; hash the ID alone rather than
         * return something that is not a pseudonym. */
        tl_hmac_sha256_hex(key, key_len, id, strlen(id), out);
    } else {
        tl_hmac_sha256_hex(key, key_len, b.data, b.len, out);
    }
    tl_buf_free(&b);
}

bool tl_pseudonym_is_erased(const char *subject)
{
    return strncmp(subject, "erased:", 7) == 0 && strlen(subject) == TL_ERASED_SUBJECT_LEN;
}

void tl_pseudonym_erased_subject(const void *key, size_t key_len, const char *subject,
                                 char out[TL_ERASED_SUBJECT_LEN + 1])
{
    if (tl_pseudonym_is_erased(subject)) {
        memcpy(out, subject, TL_ERASED_SUBJECT_LEN + 1);
        return;
    }
    memcpy(out, "erased:", 7);
    tl_pseudonym_make(key, key_len, "erase", subject, out + 7);
}

int tl_audit_subject_key(tl_store *st, const char *subject, char out[TL_ERASED_SUBJECT_LEN + 1],
                         tl_err *err)
{
    unsigned char key[TL_PSEUDONYM_KEY_LEN];
    int rc = tl_pseudonym_secret(st, key, err);
    if (!rc)
        tl_pseudonym_erased_subject(key, sizeof key, subject, out);
    return rc;
}
