/* test_policy.c — `tailor policy show|set` on the seed data: the default,
 * changes and their audit, every bad option or file refused with the store
 * unchanged, and the rules reaching `tailor recommend` and `tailor score`
 * through imported events (a complaint, a channel's cap). */
#include "testutil.h"
#include "httptest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/isotime.h"
#include "store/audit.h"
#include "store/scored.h"
#include "store/store.h"

typedef struct fixture {
    char *dir, *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    if (tu_seed_store(f->dir, "p.db", &f->db)) {
        tu_rmtree(f->dir);
        free(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

/* Checks a run's exit code and that stdout (want_out) or stderr (want_err)
 * holds a phrase; frees both. */
static void check_run(int rc, char *out, char *err, int code, const char *want_out,
                      const char *want_err)
{
    if (rc != code || (want_out && !strstr(out, want_out)) ||
        (want_err && !strstr(err, want_err)))
        fail_msg("exit %d (want %d)\nstdout: %s\nstderr: %s", rc, code, out, err);
    free(out);
    free(err);
}

#define RUN(code, want_out, want_err, ...)                                         \
    do {                                                                         \
        char *out_ = NULL, *err_ = NULL;                                         \
        int rc_ = tu_run_tailor(&out_, &err_, NULL, __VA_ARGS__, NULL);          \
        check_run(rc_, out_, err_, (code), (want_out), (want_err));              \
    } while (0)

/* `tailor policy show --json`, parsed. */
static json_t *shown_policy(fixture *f)
{
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run_tailor(&out, &err, NULL, "policy", "show", "--db", f->db, "--json",
                                   NULL),
                     0);
    json_t *doc = json_loads(out, 0, NULL);
    assert_non_null(doc);
    free(out);
    free(err);
    return doc;
}

static int ignore_row(void *ctx, const tl_audit_row *r)
{
    (void)ctx;
    (void)r;
    return 0;
}

static size_t policy_audits(fixture *f)
{
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_audit_query q = {.kind = "contact_policy", .limit = 1};
    long long total = -1;
    assert_int_equal(tl_store_audit_query(st, &q, ignore_row, NULL, &total, &err), 0);
    tl_store_close(st);
    return (size_t)total;
}

static void test_show_and_set(void **state)
{
    fixture *f = *state;
    RUN(0, "a dismissed product stays hidden for 180 days", NULL, "policy", "show", "--db",
        f->db);
    RUN(0, "caps:       none", NULL, "policy", "show", "--db", f->db);
    RUN(0, "staff:      dashboard (showings there are not contacts", NULL, "policy", "show",
        "--db", f->db);
    RUN(0, "(changed; audited)", NULL, "policy", "set", "--db", f->db, "--fatigue", "2/30",
        "--cap", "mobile=1/7", "--cap", "*=10/30");
    RUN(0, "(unchanged: nothing written)", NULL, "policy", "set", "--db", f->db, "--fatigue",
        "2/30");
    RUN(0, "at most 10 offers in 30 days on all channels together", NULL, "policy", "show",
        "--db", f->db);
    json_t *before = shown_policy(f);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(before, "fatigue"),
                                                        "showings")), 2);
    assert_int_equal(json_array_size(json_object_get(before, "caps")), 2);
    size_t audits = policy_audits(f);
    assert_int_equal(audits, 1);

    /* Refused, each with its reason, and nothing changes. */
    char *bad_json = tu_join(f->dir, "bad.json"), *unknown = tu_join(f->dir, "unknown.json");
    tu_write_file(bad_json, "{\"fatigue\":\n  {\"showings\": 2,}\n}\n");
    tu_write_file(unknown, "{\"cool_off\": 3}\n");
    RUN(2, NULL, "--fatigue: expected SHOWINGS/DAYS such as 3/30, or off", "policy", "set",
        "--db", f->db, "--fatigue", "2");
    RUN(2, NULL, "--cap: expected CHANNEL=OFFERS/DAYS", "policy", "set", "--db", f->db, "--cap",
        "=1/7");
    RUN(2, NULL, "--dismissal-days: expected a whole number", "policy", "set", "--db", f->db,
        "--dismissal-days", "soon");
    RUN(1, NULL, "\"caps[0].offers\" is 0", "policy", "set", "--db", f->db, "--cap",
        "mobile=0/7");
    RUN(1, NULL, "caps[0].channel is \"mobile app\"", "policy", "set", "--db", f->db, "--cap",
        "mobile app=1/7");
    RUN(1, NULL, "staff_channels[1] is \"\"", "policy", "set", "--db", f->db,
        "--staff-channels", "branch,,web");
    RUN(1, NULL, "caps[0].channel \"mobile\" is a staff channel", "policy", "set", "--db",
        f->db, "--staff-channels", "dashboard,mobile");
    RUN(1, NULL, "bad.json:2:", "policy", "set", "--db", f->db, "--file", bad_json);
    RUN(1, NULL, "unknown field \"cool_off\"", "policy", "set", "--db", f->db, "--file", unknown);
    RUN(2, NULL, "nothing to set", "policy", "set", "--db", f->db);
    RUN(2, NULL, "use tailor policy set", "policy", "show", "--db", f->db, "--reset");
    RUN(2, NULL, "unknown action \"list\"", "policy", "list", "--db", f->db);
    RUN(2, NULL, "--db FILE is required", "policy", "show");
    json_t *after = shown_policy(f);
    assert_true(json_equal(before, after));
    assert_int_equal(policy_audits(f), audits);
    json_decref(after);

    /* A file, with an option laid over it. */
    char *good = tu_join(f->dir, "good.json");
    tu_write_file(good, "{\"dismissal_days\": 30, \"fatigue\": null}\n");
    RUN(0, "(changed; audited)", NULL, "policy", "set", "--db", f->db, "--file", good,
        "--complaint-days", "60");
    after = shown_policy(f);
    assert_int_equal(json_integer_value(json_object_get(after, "dismissal_days")), 30);
    assert_int_equal(json_integer_value(json_object_get(after, "complaint_days")), 60);
    assert_true(json_is_null(json_object_get(after, "fatigue")));
    assert_true(json_equal(json_object_get(after, "caps"), json_object_get(before, "caps")));
    json_decref(after);
    RUN(0, "staff:      branch, dashboard (", NULL, "policy", "set", "--db", f->db,
        "--staff-channels", "branch,dashboard");
    RUN(0, "staff:      none (every showing counts)", NULL, "policy", "set", "--db", f->db,
        "--staff-channels", "none");
    RUN(0, "caps:       none", NULL, "policy", "set", "--db", f->db, "--reset");
    RUN(0, "staff:      dashboard (", NULL, "policy", "show", "--db", f->db);
    json_decref(before);
    free(bad_json);
    free(unknown);
    free(good);
}

static int take_id(void *ctx, const char *id)
{
    char **out = ctx;
    *out = strdup(id);
    return 1;
}

/* The id of the store's n-th customer. */
static char *customer_id(fixture *f, long long n)
{
    tl_store *st;
    tl_err err;
    char *id = NULL;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(tl_store_customer_ids(st, n, 1, take_id, &id, &err), 0);
    tl_store_close(st);
    assert_non_null(id);
    return id;
}

static void test_rules_reach_batch_and_cli(void **state)
{
    fixture *f = *state;
    RUN(0, "(changed; audited)", NULL, "policy", "set", "--db", f->db, "--cap", "mobile=1/7");
    char *x = customer_id(f, 0), *y = customer_id(f, 1);
    char now[TL_ISOTIME_LEN + 1], text[512];
    assert_true(tl_isotime_format(time(NULL) - 3600, now));
    char *events = tu_join(f->dir, "events.csv");
    snprintf(text, sizeof text,
             "customer_id,kind,product_id,at,channel\n"
             "%s,shown,1,%s,mobile\n"
             "%s,complained,,%s,branch\n",
             x, now, y, now);
    tu_write_file(events, text);
    RUN(0, NULL, NULL, "import", "--db", f->db, "--events", events);

    RUN(0, "No offers: the customer complained on", NULL, "recommend", "--db", f->db, y);
    RUN(0, "\"code\":\"contact_cap\"", NULL, "recommend", "--db", f->db, "--json", "--channel",
        "mobile", x);
    RUN(0, "\"suppressed\":null", NULL, "recommend", "--db", f->db, "--json", "--channel", "web",
        x);
    RUN(2, NULL, "--channel: expected 1 to 32 letters", "recommend", "--db", f->db, "--channel",
        "a b", x);
    /* y is held back on every channel, x on mobile only. */
    RUN(0, "2 customers got no offers under the contact policy", NULL, "score", "--db", f->db,
        "--all", "--channel", "mobile");
    RUN(0, "1 customer got no offers under the contact policy", NULL, "score", "--db", f->db,
        "--all");
    free(events);
    free(x);
    free(y);
}

/* Offers shown in the learning run of `tailor simulate` (its "on" row). */
static long long simulated_showings(const char *fatigue)
{
    char *out = NULL, *err = NULL;
    int rc = fatigue ? tu_run_tailor(&out, &err, NULL, "simulate", "--customers", "40", "--rounds",
                                     "300", "--last", "100", "--fatigue", fatigue, NULL)
                     : tu_run_tailor(&out, &err, NULL, "simulate", "--customers", "40", "--rounds",
                                     "300", "--last", "100", NULL);
    assert_int_equal(rc, 0);
    const char *row = strstr(out, "\non (w=");
    assert_non_null(row);
    long long shown = strtoll(strchr(row, ')') + 1, NULL, 10);
    if (fatigue)
        assert_non_null(strstr(out, "contact policy: an offer shown 1 time with no response"));
    free(out);
    free(err);
    return shown;
}

/* The replay follows the policy: resting every offer after one showing
 * leaves far fewer to show. */
static void test_simulate_fatigue(void **state)
{
    (void)state;
    long long plain = simulated_showings(NULL), rested = simulated_showings("1");
    assert_true(plain > 0);
    if (!(rested < plain * 3 / 4))
        fail_msg("offers shown: %lld with the fatigue rule, %lld without", rested, plain);
    RUN(2, NULL, "--fatigue: expected 1..1000", "simulate", "--fatigue", "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_show_and_set),
        cmocka_unit_test(test_rules_reach_batch_and_cli),
        cmocka_unit_test(test_simulate_fatigue),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
