/* digest.c — thin wrappers over nettle's SHA-256 and HMAC. */
#include "base/digest.h"

#include <nettle/hmac.h>
#include <nettle/sha2.h>

static void to_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

void tl_sha256_hex(const void *data, size_t len, char out[TL_SHA256_HEX_LEN + 1])
{
    struct sha256_ctx ctx;
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof d, d);
    to_hex(d, sizeof d, out);
}

void tl_hmac_sha256_hex(const void *key, size_t key_len, const void *data, size_t len,
                        char out[TL_SHA256_HEX_LEN + 1])
{
    struct hmac_sha256_ctx ctx;
    unsigned char d[SHA256_DIGEST_SIZE];
    hmac_sha256_set_key(&ctx, key_len, key);
    hmac_sha256_update(&ctx, len, data);
    hmac_sha256_digest(&ctx, sizeof d, d);
    to_hex(d, sizeof d, out);
}

bool tl_digest_equal(const void *a, const void *b, size_t len)
{
    const unsigned char *x = a, *y = b;
    unsigned char diff = 0;
    for (size_t i = 0; i < len; i++)
        diff |= (unsigned char)(x[i] ^ y[i]);
    return diff == 0;
}
