/* record.c — typed, validated customer records from JSON objects. */
#include "ingest/record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/month.h"
#include "base/str.h"

const char *tl_record_text(json_t *obj, const char *const *keys, char *buf, size_t size,
                           const char **used)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(obj, *keys);
        if (!v)
            continue;
        if (used)
            *used = *keys;
        if (json_is_string(v))
            return json_string_value(v);
        if (json_is_integer(v)) {
            snprintf(buf, size, "%lld", (long long)json_integer_value(v));
            return buf;
        }
        if (json_is_real(v)) {
            snprintf(buf, size, "%.17g", json_real_value(v));
            return buf;
        }
        return NULL;
    }
    if (used)
        *used = keys[-1];
    return NULL;
}

#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *str_field(json_t *obj, const char *const *keys)
{
    for (; *keys; keys++) {
        json_t *v = json_object_get(obj, *keys);
        if (json_is_string(v))
            return json_string_value(v);
    }
    return NULL;
}

/* Parses an optional money field; NAN when absent or empty. */
static int money(json_t *obj, const char *const *keys, double *out, const char **field,
                 tl_err *err)
{
    char buf[64];
    const char *used;
    const char *t = tl_record_text(obj, keys, buf, sizeof buf, &used);
    *out = NAN;
    if (!t || !*t)
        return TL_OK;
    if (!tl_parse_double(t, true, out)) {
        if (field)
            *field = used;
        return tl_err_set(err, TL_EINPUT, "\"%s\": not a number: \"%.40s\"", used, t);
    }
    return TL_OK;
}

int tl_record_customer(json_t *obj, tl_customer *c, tl_customer_scratch *scratch,
                       const char **field, tl_err *err)
{
    memset(c, 0, sizeof *c);
    c->age = -1;
    c->balance = c->income = NAN;
    if (field)
        *field = NULL;
    if (!json_is_object(obj))
        return tl_err_set(err, TL_EINPUT, "a customer must be a JSON object");
    const char *used;
    char buf[64];
    const char *id = tl_record_text(obj, KEYS("CustomerID", "customer_id"), buf, sizeof buf, &used);
    if (!id || !*id || id == buf) {
        if (field)
            *field = used;
        return tl_err_set(err, TL_EINPUT, "missing customer id (\"CustomerID\" or "
                                          "\"customer_id\", text)");
    }
    if (strlen(id) > 64) {
        if (field)
            *field = used;
        return tl_err_set(err, TL_EINPUT, "customer id longer than 64 characters");
    }
    c->id = (char *)id;
    const char *first = str_field(obj, KEYS("FirstName", "first_name"));
    const char *last = str_field(obj, KEYS("LastName", "last_name"));
    snprintf(scratch->name, sizeof scratch->name, "%s%s%s", first ? first : "",
             first && last ? " " : "", last ? last : "");
    c->name = scratch->name;
    c->gender = (char *)str_field(obj, KEYS("Gender", "gender"));
    c->city = (char *)str_field(obj, KEYS("City", "city"));
    c->country = (char *)str_field(obj, KEYS("Country", "country"));
    c->currency = (char *)str_field(obj, KEYS("Currency", "currency"));
    c->risk_profile = (char *)str_field(obj, KEYS("RiskProfile", "risk_profile"));
    c->account_status = (char *)str_field(obj, KEYS("AccountStatus", "account_status"));

    const char *age = tl_record_text(obj, KEYS("Age", "age"), buf, sizeof buf, &used);
    if (age && *age) {
        int64_t a;
        if (!tl_parse_i64(age, &a)) {
            if (field)
                *field = used;
            return tl_err_set(err, TL_EINPUT, "customer '%s': \"%s\" is not an integer: \"%.20s\"",
                              id, used, age);
        }
        if (a < 0 || a > 130) {
            if (field)
                *field = used;
            return tl_err_set(err, TL_EINPUT, "customer '%s': \"%s\" %lld is outside 0..130", id,
                              used, (long long)a);
        }
        c->age = (int)a;
    }
    int rc;
    if ((rc = money(obj, KEYS("CurrentBalance", "balance"), &c->balance, field, err)) ||
        (rc = money(obj, KEYS("Income", "income"), &c->income, field, err)))
        return tl_err_prefix(err, "customer '%s'", id);
    if (!isnan(c->income) && c->income < 0) {
        if (field)
            *field = "income";
        return tl_err_set(err, TL_EINPUT, "customer '%s': income is negative", id);
    }
    /* The prototype's other figures must parse and not be negative, so bad
     * data is caught at the door rather than in a report later. */
    static const char *const figures[] = {
        "TotalTransactions", "TotalDeposits", "TotalWithdrawals", "AverageTransactionAmount",
        "TotalCashback", "AverageMonthlySpending", "HighestTransactionAmount",
        "LowestTransactionAmount", "TotalNumberOfAccounts", "InternationalTransactionIndicator",
        "TotalVATRefundAmount"};
    for (size_t k = 0; k < sizeof figures / sizeof *figures; k++) {
        double v;
        const char *keys[] = {figures[k], NULL};
        if ((rc = money(obj, keys, &v, field, err)))
            return tl_err_prefix(err, "customer '%s'", id);
        if (v < 0) {
            if (field)
                *field = figures[k];
            return tl_err_set(err, TL_EINPUT, "customer '%s': \"%s\" is negative", id, figures[k]);
        }
    }
    const char *date = str_field(obj, KEYS("LastTransactionDate", "last_transaction_date"));
    int m, d;
    if (date && *date && !tl_date_parse(date, &m, &d)) {
        if (field)
            *field = "LastTransactionDate";
        return tl_err_set(err, TL_EINPUT,
                          "customer '%s': \"LastTransactionDate\" is not a date (YYYY-MM-DD): "
                          "\"%.20s\"", id, date);
    }
    return TL_OK;
}
