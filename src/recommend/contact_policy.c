/* contact_policy.c — the contact policy and its rules for one customer
 * (contact_policy.h). */
#include "recommend/contact_policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "store/meta.h"

void tl_contact_policy_default(tl_contact_policy *p)
{
    memset(p, 0, sizeof *p);
    p->dismissal_days = 180;
    p->complaint_days = 90;
    /* The dashboard records what a relationship manager is shown (web/js),
     * which the customer has not seen. */
    tl_strlcpy(p->staff[0], "dashboard", sizeof p->staff[0]);
    p->n_staff = 1;
}

_Static_assert(TL_CONTACT_CHANNEL_MAX == 33, "TL_CONTACT_CHANNEL_RULE says 32 characters");

bool tl_contact_channel_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return n >= 1 && n < TL_CONTACT_CHANNEL_MAX;
}

bool tl_contact_optout_name_valid(const char *s)
{
    return strcmp(s, TL_CONTACT_EVERY_CHANNEL) == 0 || tl_contact_channel_valid(s);
}

const char *const tl_contact_codes[TL_CONTACT_NCODES] = {
    [TL_CONTACT_DISMISSED] = "dismissed", [TL_CONTACT_FATIGUE] = "fatigue",
    [TL_CONTACT_COMPLAINT] = "complaint", [TL_CONTACT_CAP] = "contact_cap",
    [TL_CONTACT_OPTED_OUT] = "opted_out"};

int tl_contact_code_find(const char *code)
{
    for (int i = 0; i < TL_CONTACT_NCODES; i++)
        if (strcmp(code, tl_contact_codes[i]) == 0)
            return i;
    return -1;
}

bool tl_contact_staff_channel(const tl_contact_policy *p, const char *channel)
{
    for (size_t i = 0; channel && i < p->n_staff; i++)
        if (strcmp(p->staff[i], channel) == 0)
            return true;
    return false;
}

char *tl_contact_staff_json(const tl_contact_policy *p)
{
    if (!p || !p->n_staff)
        return NULL;
    json_t *a = json_array();
    for (size_t i = 0; a && i < p->n_staff; i++)
        json_array_append_new(a, json_string(p->staff[i]));
    char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return text;
}

bool tl_contact_rate_parse(const char *s, long long *n, long long *d)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || strchr(slash + 1, '/'))
        return false;
    char first[24];
    if ((size_t)(slash - s) >= sizeof first)
        return false;
    memcpy(first, s, (size_t)(slash - s));
    first[slash - s] = '\0';
    int64_t a, b;
    if (!tl_parse_i64(first, &a) || !tl_parse_i64(slash + 1, &b))
        return false;
    *n = a;
    *d = b;
    return true;
}

bool tl_contact_cap_parse(const char *s, size_t *channel_len, long long *n, long long *d)
{
    const char *eq = strrchr(s, '=');
    if (!eq || eq == s || !tl_contact_rate_parse(eq + 1, n, d))
        return false;
    *channel_len = (size_t)(eq - s);
    return true;
}

/* ---- the document ----------------------------------------------------------- */

/* The value as JSON text for a message, cut short. */
static void shown_value(const json_t *v, char *buf, size_t size)
{
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!text) {
        tl_strlcpy(buf, "?", size);
        return;
    }
    if (strlen(text) > 40)
        memcpy(text + 37, "...", 4);
    tl_strlcpy(buf, text, size);
    free(text);
}

/* An integer field in lo..hi; `zero_off` allows 0 (the rule is off). */
static int read_int(const json_t *v, const char *field, int lo, int hi, bool zero_off, int *out,
                    tl_err *err)
{
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if ((x >= lo && x <= hi) || (zero_off && x == 0)) {
            *out = (int)x;
            return TL_OK;
        }
    }
    char shown[48] = "missing";
    if (v)
        shown_value(v, shown, sizeof shown);
    return tl_err_set(err, TL_EINPUT, "contact policy: \"%s\" is %s; it must be a whole number "
                      "from %d to %d%s", field, shown, lo, hi,
                      zero_off ? " (0 switches it off)" : "");
}

/* Rejects members other than the `n` names given. */
static int only_fields(const json_t *obj, const char *where, const char *const *names, size_t n,
                       tl_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t i = 0;
        while (i < n && strcmp(key, names[i]) != 0)
            i++;
        if (i == n) {
            char list[160] = "";
            size_t off = 0;
            for (size_t j = 0; j < n && off < sizeof list; j++)
                off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", j ? ", " : "",
                                        names[j]);
            return tl_err_set(err, TL_EINPUT, "contact policy: unknown field \"%.40s\"%s%s; "
                              "known: %s", key, where[0] ? " in " : "", where, list);
        }
    }
    return TL_OK;
}

static int read_fatigue(const json_t *v, tl_contact_policy *p, tl_err *err)
{
    if (json_is_null(v)) {
        p->fatigue_showings = p->fatigue_days = 0;
        return TL_OK;
    }
    static const char *const names[] = {"showings", "days"};
    if (!json_is_object(v))
        return tl_err_set(err, TL_EINPUT, "contact policy: \"fatigue\" must be an object "
                          "{\"showings\": N, \"days\": D} or null");
    int rc = only_fields(v, "\"fatigue\"", names, 2, err);
    if (!rc)
        rc = read_int(json_object_get(v, "showings"), "fatigue.showings", 1,
                      TL_CONTACT_MAX_COUNT, false, &p->fatigue_showings, err);
    if (!rc)
        rc = read_int(json_object_get(v, "days"), "fatigue.days", 1, TL_CONTACT_MAX_DAYS, false,
                      &p->fatigue_days, err);
    return rc;
}

static int read_caps(const json_t *v, tl_contact_policy *p, tl_err *err)
{
    if (!json_is_array(v))
        return tl_err_set(err, TL_EINPUT, "contact policy: \"caps\" must be an array of "
                          "{\"channel\", \"offers\", \"days\"}");
    if (json_array_size(v) > TL_CONTACT_MAX_CAPS)
        return tl_err_set(err, TL_EINPUT, "contact policy: \"caps\" has %zu entries; at most %d",
                          json_array_size(v), TL_CONTACT_MAX_CAPS);
    static const char *const names[] = {"channel", "offers", "days"};
    size_t i;
    json_t *c;
    p->n_caps = 0;
    json_array_foreach(v, i, c) {
        char where[32], field[48];
        snprintf(where, sizeof where, "caps[%zu]", i);
        if (!json_is_object(c))
            return tl_err_set(err, TL_EINPUT, "contact policy: %s must be an object "
                              "{\"channel\", \"offers\", \"days\"}", where);
        int rc = only_fields(c, where, names, 3, err);
        if (rc)
            return rc;
        tl_contact_cap *cap = &p->caps[i];
        const char *channel = json_string_value(json_object_get(c, "channel"));
        if (!channel || (strcmp(channel, "*") != 0 && !tl_contact_channel_valid(channel))) {
            char shown[48];
            shown_value(json_object_get(c, "channel"), shown, sizeof shown);
            return tl_err_set(err, TL_EINPUT, "contact policy: %s.channel is %s; it must be \"*\" "
                              "(every channel) or " TL_CONTACT_CHANNEL_RULE, where,
                              json_object_get(c, "channel") ? shown : "missing");
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->caps[j].channel, channel) == 0)
                return tl_err_set(err, TL_EINPUT, "contact policy: %s.channel \"%s\" is "
                                  "already capped by caps[%zu]", where, channel, j);
        tl_strlcpy(cap->channel, channel, sizeof cap->channel);
        snprintf(field, sizeof field, "%s.offers", where);
        if ((rc = read_int(json_object_get(c, "offers"), field, 1, TL_CONTACT_MAX_COUNT, false,
                           &cap->offers, err)))
            return rc;
        snprintf(field, sizeof field, "%s.days", where);
        if ((rc = read_int(json_object_get(c, "days"), field, 1, TL_CONTACT_MAX_DAYS, false,
                           &cap->days, err)))
            return rc;
        p->n_caps = i + 1;
    }
    return TL_OK;
}

static int read_staff(const json_t *v, tl_contact_policy *p, tl_err *err)
{
    if (!json_is_array(v))
        return tl_err_set(err, TL_EINPUT, "contact policy: \"staff_channels\" must be an array "
                          "of channel names, such as [\"dashboard\"]");
    if (json_array_size(v) > TL_CONTACT_MAX_STAFF)
        return tl_err_set(err, TL_EINPUT, "contact policy: \"staff_channels\" has %zu entries; "
                          "at most %d", json_array_size(v), TL_CONTACT_MAX_STAFF);
    size_t i;
    json_t *c;
    p->n_staff = 0;
    json_array_foreach(v, i, c) {
        const char *channel = json_string_value(c);
        if (!channel || !tl_contact_channel_valid(channel)) {
            char shown[48];
            shown_value(c, shown, sizeof shown);
            return tl_err_set(err, TL_EINPUT, "contact policy: staff_channels[%zu] is %s; it "
                              "must be " TL_CONTACT_CHANNEL_RULE, i, shown);
        }
        if (tl_contact_staff_channel(p, channel))
            return tl_err_set(err, TL_EINPUT, "contact policy: staff_channels[%zu] \"%s\" is "
                              "listed twice", i, channel);
        tl_strlcpy(p->staff[i], channel, sizeof p->staff[i]);
        p->n_staff = i + 1;
    }
    return TL_OK;
}

/* A cap on a staff channel could never fill: its showings are not counted. */
static int caps_on_staff(const tl_contact_policy *p, tl_err *err)
{
    for (size_t i = 0; i < p->n_caps; i++)
        if (tl_contact_staff_channel(p, p->caps[i].channel))
            return tl_err_set(err, TL_EINPUT, "contact policy: caps[%zu].channel \"%s\" is a "
                              "staff channel (staff_channels): what staff are shown is not a "
                              "contact, so it cannot be capped", i, p->caps[i].channel);
    return TL_OK;
}

int tl_contact_policy_from_json(const json_t *doc, tl_contact_policy *p, tl_err *err)
{
    static const char *const names[] = {"dismissal_days", "fatigue", "complaint_days", "caps",
                                        "staff_channels"};
    if (!json_is_object(doc))
        return tl_err_set(err, TL_EINPUT, "contact policy: must be a JSON object {\"dismissal_"
                          "days\", \"fatigue\", \"complaint_days\", \"caps\", "
                          "\"staff_channels\"}");
    /* Into a copy, so a bad document leaves *p as it was. */
    tl_contact_policy q = *p;
    json_t *v;
    int rc = only_fields(doc, "", names, 5, err);
    if (!rc && (v = json_object_get(doc, "dismissal_days")))
        rc = read_int(v, "dismissal_days", 1, TL_CONTACT_MAX_DAYS, true, &q.dismissal_days, err);
    if (!rc && (v = json_object_get(doc, "fatigue")))
        rc = read_fatigue(v, &q, err);
    if (!rc && (v = json_object_get(doc, "complaint_days")))
        rc = read_int(v, "complaint_days", 1, TL_CONTACT_MAX_DAYS, true, &q.complaint_days, err);
    if (!rc && (v = json_object_get(doc, "caps")))
        rc = read_caps(v, &q, err);
    if (!rc && (v = json_object_get(doc, "staff_channels")))
        rc = read_staff(v, &q, err);
    if (!rc)
        rc = caps_on_staff(&q, err);
    if (!rc)
        *p = q;
    return rc;
}

json_t *tl_contact_policy_to_json(const tl_contact_policy *p)
{
    json_t *caps = json_array();
    for (size_t i = 0; i < p->n_caps; i++)
        json_array_append_new(caps, json_pack("{s:s, s:i, s:i}", "channel", p->caps[i].channel,
                                              "offers", p->caps[i].offers, "days",
                                              p->caps[i].days));
    json_t *fatigue = p->fatigue_showings
                          ? json_pack("{s:i, s:i}", "showings", p->fatigue_showings, "days",
                                      p->fatigue_days)
                          : json_null();
    json_t *staff = json_array();
    for (size_t i = 0; i < p->n_staff; i++)
        json_array_append_new(staff, json_string(p->staff[i]));
    return json_pack("{s:i, s:o, s:i, s:o, s:o}", "dismissal_days", p->dismissal_days,
                     "fatigue", fatigue, "complaint_days", p->complaint_days, "caps", caps,
                     "staff_channels", staff);
}

/* Default staff channels that the document caps are dropped: a policy
 * stored before staff channels existed keeps the meaning it had, where a
 * capped channel's showings count. */
static void drop_capped_staff(const json_t *doc, tl_contact_policy *p)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(doc, "caps"), i, c) {
        const char *channel = json_string_value(json_object_get(c, "channel"));
        for (size_t k = 0; channel && k < p->n_staff; k++)
            if (strcmp(p->staff[k], channel) == 0) {
                memmove(&p->staff[k], &p->staff[k + 1],
                        (p->n_staff - k - 1) * sizeof p->staff[0]);
                p->n_staff--;
                break;
            }
    }
}

int tl_contact_policy_parse(const char *text, tl_contact_policy *out, tl_err *err)
{
    tl_contact_policy_default(out);
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    if (!doc)
        return tl_err_set(err, TL_EINPUT, "the store's contact policy is not JSON: %s (line %d, "
                          "column %d)", je.text, je.line, je.column);
    if (json_is_object(doc) && !json_object_get(doc, "staff_channels"))
        drop_capped_staff(doc, out);
    tl_err bad;
    int rc = tl_contact_policy_from_json(doc, out, &bad);
    json_decref(doc);
    if (rc)
        return tl_err_set(err, TL_EINPUT, "the store's %s", bad.msg);
    return TL_OK;
}

/* The last policy text each thread read and what it means: the policy is
 * read on every recommendation and changes rarely, and parsing the JSON is
 * most of the cost of reading it. A policy follows from its text alone. */
static _Thread_local struct {
    char text[2048];   /* "" when nothing is kept */
    tl_contact_policy policy;
} last_read;

int tl_contact_policy_load(tl_store *st, tl_contact_policy *out, tl_err *err)
{
    tl_contact_policy_default(out);
    char *text = NULL;
    int rc = tl_store_meta_get_text(st, TL_CONTACT_POLICY_KEY, &text, err);
    if (rc || !text)
        return rc;
    tl_err bad;
    if (last_read.text[0] && strcmp(text, last_read.text) == 0) {
        *out = last_read.policy;
    } else if (tl_contact_policy_parse(text, out, &bad)) {
        rc = tl_err_set(err, TL_EDB, "%.400s; set it again with tailor policy set --reset or "
                        "PUT /api/v1/contact-policy", bad.msg);
    } else if (strlen(text) < sizeof last_read.text) {
        memcpy(last_read.text, text, strlen(text) + 1);
        last_read.policy = *out;
    }
    free(text);
    return rc;
}

void tl_contact_policy_load_or_default(tl_store *st, tl_contact_policy *out)
{
    tl_err ignored;
    if (tl_contact_policy_load(st, out, &ignored) != TL_OK)
        tl_contact_policy_default(out);
}

/* ---- one customer ------------------------------------------------------------ */

struct tl_contact_product {
    char *id;                               /* owned; NULL for an empty slot */
    bool responded;                         /* a click or acceptance was fed: older
                                               showings no longer count */
    int showings;                           /* in the fatigue window, after any response */
    char filled_at[TL_ISOTIME_LEN + 1];     /* the showing that reached the fatigue limit */
    char dismissed_at[TL_ISOTIME_LEN + 1];  /* newest dismissal in its window */
};

/* Whether a cap limits requests on `channel`. */
static bool cap_applies(const tl_contact_cap *cap, const char *channel)
{
    return channel && (strcmp(cap->channel, "*") == 0 || strcmp(cap->channel, channel) == 0);
}

int tl_contact_horizon_days(const tl_contact_policy *p, const char *channel)
{
    int days = p->dismissal_days;
    if (p->fatigue_showings && p->fatigue_days > days)
        days = p->fatigue_days;
    if (p->complaint_days > days)
        days = p->complaint_days;
    for (size_t i = 0; i < p->n_caps; i++)
        if (cap_applies(&p->caps[i], channel) && p->caps[i].days > days)
            days = p->caps[i].days;
    return days;
}

static void since(time_t now, int days, char out[TL_ISOTIME_LEN + 1])
{
    if (!days || !tl_isotime_format(now - (time_t)days * 86400, out))
        out[0] = '\0';
}

void tl_contact_init(tl_contact *c, const tl_contact_policy *p, const char *channel, time_t now)
{
    memset(c, 0, sizeof *c);
    c->policy = p;
    since(now, p->dismissal_days, c->since_dismissal);
    since(now, p->fatigue_showings ? p->fatigue_days : 0, c->since_fatigue);
    since(now, p->complaint_days, c->since_complaint);
    for (size_t i = 0; i < p->n_caps; i++)
        since(now, cap_applies(&p->caps[i], channel) ? p->caps[i].days : 0, c->since_cap[i]);
}

void tl_contact_free(tl_contact *c)
{
    for (size_t i = 0; i < c->cap_products; i++)
        free(c->products[i].id);
    free(c->products);
    c->products = NULL;
    c->n_products = c->cap_products = 0;
}

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of `id` in a table of `cap` slots (a power of two): its own, or
 * the empty one where it belongs. */
static tl_contact_product *slot_of(tl_contact_product *t, size_t cap, const char *id)
{
    size_t i = hash_id(id) & (cap - 1);
    while (t[i].id && strcmp(t[i].id, id) != 0)
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static int grow(tl_contact *c, tl_err *err)
{
    size_t cap = c->cap_products ? c->cap_products * 2 : 64;
    tl_contact_product *t = calloc(cap, sizeof *t);
    if (!t)
        return tl_err_set(err, TL_ENOMEM, "out of memory applying the contact policy");
    for (size_t i = 0; i < c->cap_products; i++)
        if (c->products[i].id)
            *slot_of(t, cap, c->products[i].id) = c->products[i];
    free(c->products);
    c->products = t;
    c->cap_products = cap;
    return TL_OK;
}

static int product_entry(tl_contact *c, const char *id, tl_contact_product **out, tl_err *err)
{
    if (2 * (c->n_products + 1) > c->cap_products) {
        int rc = grow(c, err);
        if (rc)
            return rc;
    }
    tl_contact_product *e = slot_of(c->products, c->cap_products, id);
    if (!e->id) {
        size_t n = strlen(id) + 1;
        if (!(e->id = malloc(n)))
            return tl_err_set(err, TL_ENOMEM, "out of memory applying the contact policy");
        memcpy(e->id, id, n);
        c->n_products++;
    }
    *out = e;
    return TL_OK;
}

/* `at` lies in a window that starts at `from` ("" for a rule that is off). */
static bool within(const char *at, const char *from)
{
    return from[0] && strcmp(at, from) >= 0;
}

int tl_contact_feed(tl_contact *c, const char *product_id, const char *kind,
                    const char *channel, const char *at, tl_err *err)
{
    if (c->last[0] && strcmp(at, c->last) > 0)
        return tl_err_set(err, TL_EINPUT, "contact policy: events must come newest first (%s "
                          "after %s)", at, c->last);
    tl_strlcpy(c->last, at, sizeof c->last);
    const tl_contact_policy *p = c->policy;
    /* A showing on a staff channel was not a contact: no fatigue, no cap. */
    bool shown = strcmp(kind, "shown") == 0 && !tl_contact_staff_channel(p, channel);
    if (strcmp(kind, "complained") == 0 && !c->complaint_at[0] && within(at, c->since_complaint))
        tl_strlcpy(c->complaint_at, at, sizeof c->complaint_at);
    for (size_t i = 0; shown && i < p->n_caps; i++) {
        const tl_contact_cap *cap = &p->caps[i];
        bool counts = strcmp(cap->channel, "*") == 0 ||
                      (channel && strcmp(cap->channel, channel) == 0);
        if (counts && within(at, c->since_cap[i]) && ++c->cap_count[i] == cap->offers)
            tl_strlcpy(c->cap_at[i], at, sizeof c->cap_at[i]);
    }
    if (!product_id)
        return TL_OK;
    bool dismissal = strcmp(kind, "dismissed") == 0 && within(at, c->since_dismissal);
    bool response = strcmp(kind, "clicked") == 0 || strcmp(kind, "accepted") == 0;
    bool showing = shown && within(at, c->since_fatigue);
    if (!dismissal && !response && !showing)
        return TL_OK;
    tl_contact_product *e = NULL;
    int rc = product_entry(c, product_id, &e, err);
    if (rc)
        return rc;
    if (dismissal && !e->dismissed_at[0])
        tl_strlcpy(e->dismissed_at, at, sizeof e->dismissed_at);
    if (response)
        e->responded = true;
    if (showing && !e->responded && ++e->showings == p->fatigue_showings)
        tl_strlcpy(e->filled_at, at, sizeof e->filled_at);
    return TL_OK;
}

/* `at` + days, in the store's form ("" when `at` is unreadable). */
static void add_days(const char *at, int days, char out[TL_ISOTIME_LEN + 1])
{
    time_t t;
    if (!tl_isotime_parse(at, &t) || !tl_isotime_format(t + (time_t)days * 86400, out))
        out[0] = '\0';
}

/* The date part of a store time, for reasons people read. */
static const char *day_of(const char *iso, char out[11])
{
    snprintf(out, 11, "%.10s", iso);
    return out;
}

void tl_contact_opted_out(tl_contact *c, const char *channel, const char *since)
{
    tl_strlcpy(c->optout_channel, channel, sizeof c->optout_channel);
    tl_strlcpy(c->optout_since, since, sizeof c->optout_since);
}

bool tl_contact_customer_blocked(const tl_contact *c, tl_contact_block *out)
{
    const tl_contact_policy *p = c->policy;
    char d1[11], d2[11];
    memset(out, 0, sizeof *out);
    if (c->optout_channel[0]) {
        /* The customer's own choice: no end date. */
        out->code = tl_contact_codes[TL_CONTACT_OPTED_OUT];
        bool every = strcmp(c->optout_channel, TL_CONTACT_EVERY_CHANNEL) == 0;
        snprintf(out->reason, sizeof out->reason, "the customer opted out of offers on %s%s on %s",
                 every ? "every channel" : "", every ? "" : c->optout_channel,
                 day_of(c->optout_since, d1));
        return true;
    }
    if (c->complaint_at[0]) {
        out->code = tl_contact_codes[TL_CONTACT_COMPLAINT];
        add_days(c->complaint_at, p->complaint_days, out->until);
        snprintf(out->reason, sizeof out->reason, "the customer complained on %s: no offers for "
                 "%d days, until %s", day_of(c->complaint_at, d1), p->complaint_days,
                 day_of(out->until, d2));
        return true;
    }
    for (size_t i = 0; i < p->n_caps; i++) {
        const tl_contact_cap *cap = &p->caps[i];
        if (!c->since_cap[i][0] || c->cap_count[i] < cap->offers)
            continue;
        out->code = tl_contact_codes[TL_CONTACT_CAP];
        add_days(c->cap_at[i], cap->days, out->until);
        snprintf(out->reason, sizeof out->reason, "%d offers shown on %s in the last %d days, "
                 "the most the contact policy allows; next possible %s", c->cap_count[i],
                 strcmp(cap->channel, "*") == 0 ? "all channels" : cap->channel, cap->days,
                 day_of(out->until, d1));
        return true;
    }
    return false;
}

bool tl_contact_product_blocked(const tl_contact *c, const char *product_id,
                                tl_contact_block *out)
{
    memset(out, 0, sizeof *out);
    if (!c->n_products)
        return false;
    const tl_contact_product *e = slot_of(c->products, c->cap_products, product_id);
    if (!e->id)
        return false;
    const tl_contact_policy *p = c->policy;
    char d1[11], d2[11];
    if (e->dismissed_at[0]) {
        out->code = tl_contact_codes[TL_CONTACT_DISMISSED];
        add_days(e->dismissed_at, p->dismissal_days, out->until);
        snprintf(out->reason, sizeof out->reason, "the customer dismissed this offer on %s; "
                 "hidden until %s", day_of(e->dismissed_at, d1), day_of(out->until, d2));
        return true;
    }
    if (p->fatigue_showings && e->showings >= p->fatigue_showings) {
        out->code = tl_contact_codes[TL_CONTACT_FATIGUE];
        add_days(e->filled_at, p->fatigue_days, out->until);
        snprintf(out->reason, sizeof out->reason, "shown %d times in the last %d days with no "
                 "response; rested until %s", e->showings, p->fatigue_days,
                 day_of(out->until, d1));
        return true;
    }
    return false;
}
