/* fuzz_contact_policy.c — the contact policy's document reader and its
 * rules on arbitrary input. The first line is a policy document: an
 * accepted one survives a round trip through tl_contact_policy_to_json
 * unchanged, a refused one leaves the policy as it was and says why. The
 * rest drives events, four bytes each (product, kind, channel, hours
 * earlier), newest first, through tl_contact_feed; every question asked
 * of the result then answers with a code, a reason and a well-formed
 * "until", or not at all. The first line also goes through the command
 * line's rate ("N/D") and cap ("CHANNEL=N/D") readers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/contact_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_block(bool blocked, const tl_contact_block *b)
{
    if (!blocked) {
        if (b->code)
            abort();
        return;
    }
    if (!b->code || !b->reason[0] || (b->until[0] && strlen(b->until) != TL_ISOTIME_LEN))
        abort();
}

/* The command line's rate and cap forms: what is accepted prints back as
 * the same numbers, and the channel lies before the '='. */
static void check_option_forms(const char *line)
{
    long long n, d, n2, d2;
    char again[64];
    if (tl_contact_rate_parse(line, &n, &d)) {
        snprintf(again, sizeof again, "%lld/%lld", n, d);
        if (!tl_contact_rate_parse(again, &n2, &d2) || n2 != n || d2 != d)
            abort();
    }
    size_t channel_len;
    if (tl_contact_cap_parse(line, &channel_len, &n, &d)) {
        if (channel_len == 0 || line[channel_len] != '=' || strchr(line + channel_len + 1, '='))
            abort();
        if (!tl_contact_rate_parse(line + channel_len + 1, &n2, &d2) || n2 != n || d2 != d)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t doc_len = nl ? (size_t)(nl - data) : size;
    char *line = malloc(doc_len + 1);
    if (!line)
        return 0;
    memcpy(line, data, doc_len);
    line[doc_len] = '\0';
    check_option_forms(line);
    free(line);
    tl_contact_policy p, before;
    tl_contact_policy_default(&p);
    json_t *doc = json_loadb((const char *)data, doc_len, JSON_DECODE_ANY, NULL);
    if (doc) {
        before = p;
        tl_err err;
        tl_err_clear(&err);
        if (tl_contact_policy_from_json(doc, &p, &err) == TL_OK) {
            json_t *again = tl_contact_policy_to_json(&p);
            tl_contact_policy q;
            tl_contact_policy_default(&q);
            q.dismissal_days = 7;   /* every field must be overwritten */
            q.complaint_days = 7;
            if (!again || tl_contact_policy_from_json(again, &q, &err) != TL_OK)
                abort();
            /* Caps beyond n_caps are not part of the policy: compare the
             * fields and the caps in use. */
            if (q.dismissal_days != p.dismissal_days || q.complaint_days != p.complaint_days ||
                q.fatigue_showings != p.fatigue_showings ||
                (p.fatigue_showings && q.fatigue_days != p.fatigue_days) ||
                q.n_caps != p.n_caps || memcmp(q.caps, p.caps, p.n_caps * sizeof *p.caps) != 0 ||
                q.n_staff != p.n_staff)
                abort();
            for (size_t i = 0; i < p.n_staff; i++)
                if (strcmp(q.staff[i], p.staff[i]) != 0)
                    abort();
            json_decref(again);
        } else if (memcmp(&before, &p, sizeof p) != 0 || !err.msg[0]) {
            abort();
        }
        json_decref(doc);
    }
    if (!nl)
        return 0;
    static const char *const kinds[] = {"shown", "clicked", "accepted", "dismissed", "complained"};
    static const char *const channels[] = {NULL, "mobile", "dashboard", "email"};
    const uint8_t *ev = nl + 1, *end = data + size;
    time_t now = 1767225600;   /* 2026-01-01 */
    tl_contact c;
    tl_contact_init(&c, &p, channels[(end - ev) % 4], now);
    time_t t = now;
    for (; end - ev >= 4; ev += 4) {
        char product[8], at[TL_ISOTIME_LEN + 1];
        snprintf(product, sizeof product, "p%u", ev[0] % 16);
        t -= (time_t)ev[3] * 3600;
        if (t < 0)
            break;   /* an input of over 30,000 events goes back past 1970 */
        if (!tl_isotime_format(t, at))
            abort();
        tl_err err;
        int rc = tl_contact_feed(&c, ev[0] >= 240 ? NULL : product, kinds[ev[1] % 5],
                                 channels[ev[2] % 4], at, &err);
        if (rc != TL_OK)
            abort();   /* times only go back: never out of order */
    }
    tl_contact_block b;
    check_block(tl_contact_customer_blocked(&c, &b), &b);
    for (unsigned i = 0; i < 17; i++) {
        char product[8];
        snprintf(product, sizeof product, "p%u", i);
        check_block(tl_contact_product_blocked(&c, product, &b), &b);
    }
    tl_contact_free(&c);
    return 0;
}
