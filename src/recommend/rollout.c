/* rollout.c — arms of a rollout (rollout.h). */
#include "recommend/rollout.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/digest.h"

double tl_rollout_position(const char *salt, const char *customer_id)
{
    char buf[TL_ROLLOUT_SALT_MAX + 256];
    int n = snprintf(buf, sizeof buf, "%s:%s", salt, customer_id);
    /* IDs are far shorter than the buffer; a longer one is hashed cut. */
    size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    char hex[TL_SHA256_HEX_LEN + 1];
    tl_sha256_hex(buf, len, hex);
    /* The first 53 bits, so the position is exact as a double. */
    uint64_t x = 0;
    for (int i = 0; i < 16; i++) {
        char c = hex[i];
        x = x << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return (double)(x >> 11) / 9007199254740992.0;
}

tl_arm tl_rollout_arm(const tl_rollout *r, const char *customer_id)
{
    if (!r)
        return TL_ARM_NONE;
    return tl_rollout_position(r->salt, customer_id) < r->share ? TL_ARM_TREATMENT
                                                                : TL_ARM_CONTROL;
}

const char *tl_arm_name(tl_arm a)
{
    return a == TL_ARM_TREATMENT ? "treatment" : a == TL_ARM_CONTROL ? "control" : "none";
}

json_t *tl_rollout_json(const tl_rollout *r)
{
    return json_pack("{s:s, s:f, s:s, s:s, s:o, s:b}", "name", r->name, "share", r->share,
                     "salt", r->salt, "started_at", r->started_at, "ended_at",
                     r->ended_at[0] ? json_string(r->ended_at) : json_null(), "running",
                     r->ended_at[0] == '\0');
}
