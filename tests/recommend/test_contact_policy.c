/* test_contact_policy.c — the contact policy's document (every bad field
 * named, nothing half-applied) and its four rules on event streams with
 * known answers: windows, responses that reset fatigue, caps per channel
 * and the "until" each rule gives. */
#include "testutil.h"

#include <string.h>

#include "base/isotime.h"
#include "recommend/contact_policy.h"
#include "govern/policy_change.h"
#include "store/audit.h"
#include "store/meta.h"
#include "store/store.h"

/* 2026-03-01T12:00:00Z: the tests' "now". */
static time_t now_t(void)
{
    time_t t;
    assert_true(tl_isotime_parse("2026-03-01T12:00:00Z", &t));
    return t;
}

/* The time `days` before now, in the store's form. */
static const char *ago(double days, char buf[TL_ISOTIME_LEN + 1])
{
    assert_true(tl_isotime_format(now_t() - (time_t)(days * 86400), buf));
    return buf;
}

static void read_doc(const char *text, tl_contact_policy *p, int want_rc, const char *want_msg)
{
    json_error_t je;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, &je);
    assert_non_null(doc);
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_contact_policy_from_json(doc, p, &err);
    json_decref(doc);
    if (rc != want_rc)
        fail_msg("%s: rc %d, message: %s", text, rc, err.msg);
    if (want_msg && !strstr(err.msg, want_msg))
        fail_msg("%s: message \"%s\" lacks \"%s\"", text, err.msg, want_msg);
}

static void test_document(void **state)
{
    (void)state;
    tl_contact_policy p;
    tl_contact_policy_default(&p);
    assert_int_equal(p.dismissal_days, 180);
    assert_int_equal(p.complaint_days, 90);
    assert_int_equal(p.fatigue_showings, 0);
    assert_int_equal(p.n_caps, 0);
    assert_int_equal(p.n_staff, 1);
    assert_string_equal(p.staff[0], "dashboard");
    assert_true(tl_contact_staff_channel(&p, "dashboard"));
    assert_false(tl_contact_staff_channel(&p, "mobile"));
    assert_false(tl_contact_staff_channel(&p, NULL));
    read_doc("{\"fatigue\":{\"showings\":3,\"days\":30},\"caps\":[{\"channel\":\"mobile\","
             "\"offers\":2,\"days\":7},{\"channel\":\"*\",\"offers\":5,\"days\":14}]}",
             &p, TL_OK, NULL);
    assert_int_equal(p.dismissal_days, 180);   /* left out: kept */
    assert_int_equal(p.fatigue_showings, 3);
    assert_int_equal(p.fatigue_days, 30);
    assert_int_equal(p.n_caps, 2);
    assert_string_equal(p.caps[1].channel, "*");
    assert_int_equal(tl_contact_horizon_days(&p, NULL), 180);

    /* Round trip through the document. */
    json_t *doc = tl_contact_policy_to_json(&p);
    tl_contact_policy q;
    tl_contact_policy_default(&q);
    q.dismissal_days = 1;
    tl_err err;
    assert_int_equal(tl_contact_policy_from_json(doc, &q, &err), TL_OK);
    json_decref(doc);
    assert_memory_equal(&p, &q, sizeof p);

    /* Switching rules off. */
    read_doc("{\"fatigue\":null,\"caps\":[],\"dismissal_days\":0,\"complaint_days\":0}", &q,
             TL_OK, NULL);
    assert_int_equal(q.fatigue_showings, 0);
    assert_int_equal(q.n_caps, 0);
    assert_int_equal(tl_contact_horizon_days(&q, NULL), 0);

    /* Every bad document names the field and leaves the policy as it was. */
    static const struct {
        const char *doc, *msg;
    } bad[] = {
        {"[]", "must be a JSON object"},
        {"{\"dismisal_days\":3}", "unknown field \"dismisal_days\""},
        {"{\"dismissal_days\":-1}", "\"dismissal_days\" is -1"},
        {"{\"dismissal_days\":3651}", "from 1 to 3650"},
        {"{\"dismissal_days\":1.5}", "\"dismissal_days\" is 1.5"},
        {"{\"dismissal_days\":\"30\"}", "\"dismissal_days\" is \"30\""},
        {"{\"complaint_days\":true}", "\"complaint_days\" is true"},
        {"{\"fatigue\":3}", "\"fatigue\" must be an object"},
        {"{\"fatigue\":{\"showings\":3}}", "\"fatigue.days\" is missing"},
        {"{\"fatigue\":{\"showings\":0,\"days\":3}}", "\"fatigue.showings\" is 0"},
        {"{\"fatigue\":{\"showings\":2,\"days\":3,\"x\":1}}", "unknown field \"x\" in \"fatigue\""},
        {"{\"caps\":{}}", "\"caps\" must be an array"},
        {"{\"caps\":[1]}", "caps[0] must be an object"},
        {"{\"caps\":[{\"channel\":\"mobile app\",\"offers\":1,\"days\":1}]}",
         "caps[0].channel is \"mobile app\""},
        {"{\"caps\":[{\"offers\":1,\"days\":1}]}", "caps[0].channel is missing"},
        {"{\"caps\":[{\"channel\":\"a\",\"offers\":1,\"days\":1},{\"channel\":\"a\",\"offers\":"
         "2,\"days\":2}]}",
         "caps[1].channel \"a\" is already capped by caps[0]"},
        {"{\"caps\":[{\"channel\":\"a\",\"offers\":1001,\"days\":1}]}", "\"caps[0].offers\" is "
                                                                        "1001"},
        {"{\"caps\":[{\"channel\":\"a\",\"offers\":1,\"days\":0}]}", "\"caps[0].days\" is 0"},
        {"{\"caps\":[{\"channel\":\"a\",\"offers\":1,\"days\":1,\"per\":\"week\"}]}",
         "unknown field \"per\" in caps[0]"},
        {"{\"staff_channels\":\"dashboard\"}", "\"staff_channels\" must be an array"},
        {"{\"staff_channels\":[\"branch\",7]}", "staff_channels[1] is 7"},
        {"{\"staff_channels\":[\"*\"]}", "staff_channels[0] is \"*\""},
        {"{\"staff_channels\":[\"a\",\"b\",\"a\"]}", "staff_channels[2] \"a\" is listed twice"},
        {"{\"staff_channels\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}",
         "\"staff_channels\" has 9 entries; at most 8"},
        /* A cap on a staff channel, named with the cap or kept from before. */
        {"{\"caps\":[{\"channel\":\"dashboard\",\"offers\":1,\"days\":1}]}",
         "caps[0].channel \"dashboard\" is a staff channel"},
        {"{\"staff_channels\":[\"mobile\"]}", "caps[0].channel \"mobile\" is a staff channel"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tl_contact_policy before = p;
        read_doc(bad[i].doc, &p, TL_EINPUT, bad[i].msg);
        assert_memory_equal(&before, &p, sizeof p);
    }
    char many[2048] = "{\"caps\":[";
    for (int i = 0; i < TL_CONTACT_MAX_CAPS + 1; i++) {
        char one[64];
        snprintf(one, sizeof one, "%s{\"channel\":\"c%d\",\"offers\":1,\"days\":1}", i ? "," : "",
                 i);
        strncat(many, one, sizeof many - strlen(many) - 1);
    }
    strncat(many, "]}", sizeof many - strlen(many) - 1);
    read_doc(many, &p, TL_EINPUT, "at most 16");

    assert_true(tl_contact_channel_valid("mobile_app.v2-x"));
    assert_false(tl_contact_channel_valid(""));
    assert_false(tl_contact_channel_valid("*"));
    assert_false(tl_contact_channel_valid("ü"));
    assert_false(tl_contact_channel_valid("123456789012345678901234567890123"));
}

typedef struct ev {
    double days_ago;
    const char *product, *kind, *channel;
} ev;

/* Feeds the events (listed newest first) to a fresh state. */
static void fold(tl_contact *c, const tl_contact_policy *p, const char *channel, const ev *evs,
                 size_t n)
{
    tl_contact_init(c, p, channel, now_t());
    for (size_t i = 0; i < n; i++) {
        char at[TL_ISOTIME_LEN + 1];
        tl_err err;
        int rc = tl_contact_feed(c, evs[i].product, evs[i].kind, evs[i].channel,
                                 ago(evs[i].days_ago, at), &err);
        if (rc)
            fail_msg("event %zu: %s", i, err.msg);
    }
}

static void test_product_rules(void **state)
{
    (void)state;
    tl_contact_policy p;
    tl_contact_policy_default(&p);
    p.fatigue_showings = 3;
    p.fatigue_days = 30;
    static const ev evs[] = {
        {1, "A", "shown", "mobile"},  {2, "A", "shown", "email"},  {3, "B", "shown", "mobile"},
        {4, "A", "shown", "mobile"},  {5, "B", "clicked", "web"},  {6, "B", "shown", "mobile"},
        {7, "B", "shown", "mobile"},  {8, "C", "dismissed", "web"}, {9, "D", "shown", "web"},
        {10, "D", "shown", "web"},    {40, "D", "shown", "web"},   {200, "E", "dismissed", "web"},
        {250, "D", "accepted", "web"},
    };
    tl_contact c;
    fold(&c, &p, NULL, evs, sizeof evs / sizeof *evs);
    tl_contact_block b;
    char want[TL_ISOTIME_LEN + 1];

    /* A: three showings in 30 days, no response: rested until the oldest
     * of them (4 days ago) leaves the window, 26 days from now. */
    assert_true(tl_contact_product_blocked(&c, "A", &b));
    assert_string_equal(b.code, "fatigue");
    assert_string_equal(b.until, ago(4 - 30, want));
    assert_non_null(strstr(b.reason, "shown 3 times in the last 30 days"));
    /* B: a click after two of its showings: only the one after it counts. */
    assert_false(tl_contact_product_blocked(&c, "B", &b));
    assert_null(b.code);
    /* C: dismissed 8 days ago: hidden for 180 days from then. */
    assert_true(tl_contact_product_blocked(&c, "C", &b));
    assert_string_equal(b.code, "dismissed");
    assert_string_equal(b.until, ago(8 - 180, want));
    /* D: the third showing is outside the 30-day window. */
    assert_false(tl_contact_product_blocked(&c, "D", &b));
    /* E: dismissed 200 days ago, outside the 180-day window. */
    assert_false(tl_contact_product_blocked(&c, "E", &b));
    assert_false(tl_contact_product_blocked(&c, "never-seen", &b));
    assert_false(tl_contact_customer_blocked(&c, &b));
    tl_contact_free(&c);

    /* The same stream with the rules off. */
    p.fatigue_showings = 0;
    p.dismissal_days = 0;
    fold(&c, &p, NULL, evs, sizeof evs / sizeof *evs);
    assert_false(tl_contact_product_blocked(&c, "A", &b));
    assert_false(tl_contact_product_blocked(&c, "C", &b));
    tl_contact_free(&c);

    /* Out of order is refused, not misread. */
    tl_contact_init(&c, &p, NULL, now_t());
    char at[TL_ISOTIME_LEN + 1];
    tl_err err;
    assert_int_equal(tl_contact_feed(&c, "A", "shown", NULL, ago(5, at), &err), TL_OK);
    assert_int_equal(tl_contact_feed(&c, "A", "shown", NULL, ago(1, at), &err), TL_EINPUT);
    tl_contact_free(&c);
}

static void test_many_products(void **state)
{
    (void)state;
    /* More products than the first table holds: every one still found. */
    tl_contact_policy p;
    tl_contact_policy_default(&p);
    tl_contact c;
    tl_contact_init(&c, &p, NULL, now_t());
    char at[TL_ISOTIME_LEN + 1], id[16];
    ago(1, at);
    tl_err err;
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "p%d", i);
        assert_int_equal(tl_contact_feed(&c, id, i % 2 ? "dismissed" : "clicked", NULL, at, &err),
                         TL_OK);
    }
    tl_contact_block b;
    for (int i = 0; i < 500; i++) {
        snprintf(id, sizeof id, "p%d", i);
        assert_int_equal(tl_contact_product_blocked(&c, id, &b), i % 2);
    }
    tl_contact_free(&c);
}

static void test_customer_rules(void **state)
{
    (void)state;
    tl_contact_policy p;
    tl_contact_policy_default(&p);
    read_doc("{\"caps\":[{\"channel\":\"mobile\",\"offers\":3,\"days\":7},"
             "{\"channel\":\"*\",\"offers\":5,\"days\":30}]}",
             &p, TL_OK, NULL);
    static const ev evs[] = {
        {0.5, "A", "shown", "mobile"}, {1, "B", "shown", "email"},  {2, "C", "shown", "mobile"},
        {3, "D", "shown", "mobile"},   {6, "E", "clicked", "mobile"}, {8, "F", "shown", "mobile"},
        {20, "G", "shown", "branch"},  {95, NULL, "complained", "branch"},
    };
    tl_contact c;
    tl_contact_block b;
    char want[TL_ISOTIME_LEN + 1];

    /* On mobile: 3 showings in 7 days (the one 8 days ago is out): capped
     * until the one 3 days ago is 7 days old. */
    fold(&c, &p, "mobile", evs, sizeof evs / sizeof *evs);
    assert_true(tl_contact_customer_blocked(&c, &b));
    assert_string_equal(b.code, "contact_cap");
    assert_string_equal(b.until, ago(3 - 7, want));
    assert_non_null(strstr(b.reason, "3 offers shown on mobile in the last 7 days"));
    tl_contact_free(&c);

    /* On email: only the all-channels cap counts; 6 showings in 30 days. */
    fold(&c, &p, "email", evs, sizeof evs / sizeof *evs);
    assert_true(tl_contact_customer_blocked(&c, &b));
    assert_string_equal(b.code, "contact_cap");
    assert_string_equal(b.until, ago(8 - 30, want));   /* the fifth newest showing */
    assert_non_null(strstr(b.reason, "on all channels"));
    tl_contact_free(&c);

    /* Without a channel no cap applies; the complaint is 95 days old. */
    fold(&c, &p, NULL, evs, sizeof evs / sizeof *evs);
    assert_false(tl_contact_customer_blocked(&c, &b));
    tl_contact_free(&c);

    /* The customer's own opt-out of the request's channel comes first,
     * with no end date. */
    fold(&c, &p, "mobile", evs, sizeof evs / sizeof *evs);
    tl_contact_opted_out(&c, "mobile", "2026-02-01T09:00:00Z");
    assert_true(tl_contact_customer_blocked(&c, &b));
    assert_string_equal(b.code, "opted_out");
    assert_string_equal(b.until, "");
    assert_non_null(strstr(b.reason, "opted out of offers on mobile on 2026-02-01"));
    tl_contact_free(&c);

    /* A longer complaint window catches it, whatever the channel. */
    p.complaint_days = 100;
    fold(&c, &p, NULL, evs, sizeof evs / sizeof *evs);
    assert_true(tl_contact_customer_blocked(&c, &b));
    assert_string_equal(b.code, "complaint");
    assert_string_equal(b.until, ago(95 - 100, want));
    tl_contact_free(&c);
}

/* Showings on a staff channel are not contacts: neither fatigue nor any
 * cap counts them; responses there still count. */
static void test_staff_channels(void **state)
{
    (void)state;
    tl_contact_policy p;
    tl_contact_policy_default(&p);
    read_doc("{\"fatigue\":{\"showings\":2,\"days\":30},"
             "\"caps\":[{\"channel\":\"*\",\"offers\":3,\"days\":30}]}",
             &p, TL_OK, NULL);
    static const ev evs[] = {
        {1, "A", "shown", "dashboard"}, {2, "A", "shown", "dashboard"},
        {3, "A", "shown", "mobile"},    {4, "B", "shown", "dashboard"},
        {5, "B", "shown", "dashboard"}, {6, "C", "shown", "mobile"},
        {7, "C", "clicked", "dashboard"}, {8, "C", "shown", "mobile"},
        {9, "C", "shown", "mobile"},
    };
    tl_contact c;
    tl_contact_block b;
    char want[TL_ISOTIME_LEN + 1];

    /* With the default staff channel: A and B were shown to the customer
     * once and never, C once since the click recorded by staff; on mobile
     * the `*` cap sees 4 showings, not 9, so one more fills it. */
    fold(&c, &p, "mobile", evs, sizeof evs / sizeof *evs);
    assert_false(tl_contact_product_blocked(&c, "A", &b));
    assert_false(tl_contact_product_blocked(&c, "B", &b));
    assert_false(tl_contact_product_blocked(&c, "C", &b));
    assert_true(tl_contact_customer_blocked(&c, &b));   /* 3, 6, 8 (and 9) days ago */
    assert_string_equal(b.until, ago(8 - 30, want));
    tl_contact_free(&c);

    /* Every showing counts once the list is empty. */
    read_doc("{\"staff_channels\":[]}", &p, TL_OK, NULL);
    assert_int_equal(p.n_staff, 0);
    fold(&c, &p, "mobile", evs, sizeof evs / sizeof *evs);
    assert_true(tl_contact_product_blocked(&c, "A", &b));
    assert_string_equal(b.code, "fatigue");
    assert_true(tl_contact_product_blocked(&c, "B", &b));
    assert_false(tl_contact_product_blocked(&c, "C", &b));   /* the click still resets it */
    assert_true(tl_contact_customer_blocked(&c, &b));
    assert_string_equal(b.until, ago(3 - 30, want));   /* the third newest showing */
    tl_contact_free(&c);

    /* A channel becomes a staff channel, and can then no longer be capped;
     * without the cap its showings stop counting. */
    read_doc("{\"staff_channels\":[\"mobile\",\"branch\"],\"caps\":[]}", &p, TL_OK, NULL);
    fold(&c, &p, "email", evs, sizeof evs / sizeof *evs);
    assert_true(tl_contact_product_blocked(&c, "A", &b));   /* two dashboard showings */
    assert_false(tl_contact_product_blocked(&c, "C", &b));
    assert_false(tl_contact_customer_blocked(&c, &b));
    tl_contact_free(&c);
}

static int keep_doc(void *ctx, const tl_audit_row *r)
{
    *(char **)ctx = strdup(r->doc);
    return 1;
}

/* The policy as stored: absent (the default), set, changed (what was read
 * before is not kept), and unreadable (a clear error, not the default). */
static void test_stored(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp(), *db = tu_join(dir, "p.db");
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_CREATE, &st, &err), TL_OK);
    tl_contact_policy p;
    assert_int_equal(tl_contact_policy_load(st, &p, &err), TL_OK);
    assert_int_equal(p.dismissal_days, 180);
    static const char *const docs[] = {"{\"dismissal_days\":7}", "{\"dismissal_days\":8}",
                                       "{\"dismissal_days\":7}"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(tl_store_meta_put(st, TL_CONTACT_POLICY_KEY, docs[i], strlen(docs[i]),
                                           &err),
                         TL_OK);
        for (int twice = 0; twice < 2; twice++) {
            assert_int_equal(tl_contact_policy_load(st, &p, &err), TL_OK);
            assert_int_equal(p.dismissal_days, i == 1 ? 8 : 7);
            assert_int_equal(p.complaint_days, 90);
        }
    }
    /* A policy stored before staff channels existed, capping the dashboard:
     * read as it was meant then, the dashboard no staff channel. */
    const char *older = "{\"dismissal_days\":180,\"fatigue\":null,\"complaint_days\":90,"
                        "\"caps\":[{\"channel\":\"dashboard\",\"offers\":2,\"days\":7}]}";
    assert_int_equal(tl_contact_policy_parse(older, &p, &err), TL_OK);
    assert_int_equal(p.n_caps, 1);
    assert_int_equal(p.n_staff, 0);
    assert_int_equal(tl_contact_policy_parse("{\"caps\":[]}", &p, &err), TL_OK);
    assert_int_equal(p.n_staff, 1);
    const char *bad = "{\"dismissal_days\":";
    assert_int_equal(tl_store_meta_put(st, TL_CONTACT_POLICY_KEY, bad, strlen(bad), &err), TL_OK);
    assert_int_equal(tl_contact_policy_load(st, &p, &err), TL_EDB);
    assert_non_null(strstr(err.msg, "the store's contact policy is not JSON"));
    bad = "{\"dismissal_days\":-1}";
    assert_int_equal(tl_store_meta_put(st, TL_CONTACT_POLICY_KEY, bad, strlen(bad), &err), TL_OK);
    assert_int_equal(tl_contact_policy_load(st, &p, &err), TL_EDB);
    assert_non_null(strstr(err.msg, "the store's contact policy: \"dismissal_days\" is -1"));
    assert_non_null(strstr(err.msg, "tailor policy set --reset"));

    /* Unreadable is not a dead end: a change replaces it, and says so. */
    bool changed = false;
    assert_int_equal(tl_contact_policy_change(st, NULL, true, "cli", "test", &p, &changed, &err),
                     TL_OK);
    assert_true(changed);
    assert_int_equal(tl_contact_policy_load(st, &p, &err), TL_OK);
    assert_int_equal(p.dismissal_days, 180);
    tl_audit_query q = {.kind = "contact_policy", .limit = 1};
    char *doc = NULL;
    assert_int_equal(tl_store_audit_query(st, &q, keep_doc, &doc, NULL, &err), TL_OK);
    assert_non_null(doc);
    assert_non_null(strstr(doc, "\"before\":null"));
    assert_non_null(strstr(doc, "\"before_unreadable\":\"the store's contact policy: "));
    free(doc);
    tl_store_close(st);
    tu_rmtree(dir);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_product_rules),
        cmocka_unit_test(test_many_products),
        cmocka_unit_test(test_customer_rules),
        cmocka_unit_test(test_staff_channels),
        cmocka_unit_test(test_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
