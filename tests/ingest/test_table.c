/* test_table.c — generic CSV / JSON Lines / JSON imports of every kind:
 * good files land in the store, re-imports change nothing, changed records
 * are updated, and every bad file is rejected with its exact place while
 * the store file stays byte for byte as it was (or absent). */
#include "testutil.h"
#include "txnkeys.h"

#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/import.h"
#include "ingest/table.h"
#include "store/customers.h"
#include "store/holdings.h"
#include "store/monthly.h"
#include "store/posts.h"
#include "store/products.h"
#include "store/bulk.h"
#include "store/store.h"
#include "store/transactions.h"

typedef struct fx {
    char *dir;
    char *db;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = tu_mkdtemp();
    f->db = tu_join(f->dir, "store.db");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->db);
    free(f);
    return 0;
}

/* Writes `text` to dir/name; returns the malloc'd path. */
static char *put(fx *f, const char *name, const char *text)
{
    char *p = tu_join(f->dir, name);
    tu_write_file(p, text);
    return p;
}

/* Imports files given as (tl_kind, path) pairs ended by -1. */
static int import(const char *db, tl_import_counts *counts, tl_err *err, ...)
{
    tl_source *src[16];
    size_t n = 0;
    va_list ap;
    va_start(ap, err);
    int kind;
    int rc = 0;
    while ((kind = va_arg(ap, int)) >= 0) {
        const char *path = va_arg(ap, const char *);
        if (!rc)
            rc = tl_table_source_open((tl_kind)kind, path, &src[n], err);
        if (!rc)
            n++;
    }
    va_end(ap);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            src[i]->destroy(src[i]);
        return rc;
    }
    tl_import_counts c;
    rc = tl_import_run(db, src, n, false, counts ? counts : &c, err);
    return rc;
}

#define K(k) ((int)TL_KIND_##k)

static const char customers_csv[] =
    "\xEF\xBB\xBF"
    "customer_id,first_name,last_name,Age,city,balance,risk_profile,Notes\r\n"
    "C1,Ann,Lee,32,\"New York, NY\",\"$1,250.50\",medium,\"likes \"\"quotes\"\"\"\r\n"
    "C2,Bo,\"Ng\",45,Paris,-20,High,\"two\r\nlines\"\r\n"
    "C3,Cy,Ray,,,,,\r\n";

static const char products_csv[] =
    "product_id,name,category,annual_fee,rewards\n"
    "P1,Visa Gold,Plastic Card,$75 - $150,\"1.5 points per $1, bonus on travel\"\n"
    "P2,Saver,Deposit,,\n";

static const char reviews_csv[] = "product_id,text,rating\nP1,Great card,5\nP1,Meh,2.5\nP2,Fine,\n";
static const char holdings_csv[] = "customer_id,product_id,since\nC1,P1,2023-04-01\nC2,P2,\n";
static const char monthly_csv[] = "customer_id,month,total,count\nC3,Jan 2024,100.5,3\n"
                                  "C3,2024-02,0,0\n";
static const char txns_csv[] =
    "customer_id,txn_id,date,amount,direction,category,merchant,payment_mode\n"
    "C1,T1,2024-01-05,10.50,debit,Dining,Cafe,Credit Card\n"
    "C1,T2,2024-01-20,20,debit,Travel,Air,UPI\n"
    "C1,T3,2024-02-01,1000,credit,,Employer,\n"
    "C2,T1,2024-02-03,5,,Dining,,\n";
static const char posts_csv[] = "customer_id,platform,topic,text,posted_at\n"
                                "C1,Instagram,Travel,\"Planning my next trip to Asia, again\","
                                "2024-03-01\n"
                                "C2,,,Hello world,\n";

/* The total and count of group key in a summary's list, or fails. */
static const tl_txn_group_total *group(const tl_txn_group_total *g, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(g[i].key, key) == 0)
            return &g[i];
    fail_msg("no group %s", key);
    return NULL;
}

/* The customer's summary as the import stored it (not recomputed): the
 * stored rows are read back through a second connection. */
static void stored_summary(const char *db, const char *id, tl_txn_summary *out)
{
    long long rows = tu_sql_int(db, "SELECT count(*) FROM txn_summary WHERE customer_id=?1", id);
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(tl_store_txn_summary(st, id, out, &err), 0);
    tl_store_close(st);
    assert_int_equal(rows, (long long)(out->n_categories + out->n_payment_modes + out->n_months));
}

/* Imports one good file of every kind. */
static void import_all_csv(fx *f, tl_import_counts *c)
{
    char *p[7] = {put(f, "customers.csv", customers_csv), put(f, "products.csv", products_csv),
                  put(f, "reviews.csv", reviews_csv),     put(f, "holdings.csv", holdings_csv),
                  put(f, "monthly.csv", monthly_csv),     put(f, "transactions.csv", txns_csv),
                  put(f, "posts.csv", posts_csv)};
    tl_err err;
    tl_err_clear(&err);
    /* Deliberately out of order: the driver sorts by kind. */
    int rc = import(f->db, c, &err, K(POSTS), p[6], K(TRANSACTIONS), p[5], K(MONTHLY), p[4],
                    K(HOLDINGS), p[3], K(REVIEWS), p[2], K(PRODUCTS), p[1], K(CUSTOMERS), p[0],
                    -1);
    if (rc)
        fail_msg("import failed: %s", err.msg);
    for (int i = 0; i < 7; i++)
        free(p[i]);
}

static void test_all_kinds_csv(void **state)
{
    fx *f = *state;
    tl_import_counts c;
    import_all_csv(f, &c);
    assert_int_equal(c.read[TL_KIND_CUSTOMERS], 3);
    assert_int_equal(c.changed[TL_KIND_CUSTOMERS], 3);
    assert_int_equal(c.read[TL_KIND_PRODUCTS], 2);
    assert_int_equal(c.read[TL_KIND_REVIEWS], 3);
    assert_int_equal(c.changed[TL_KIND_REVIEWS], 3);
    assert_int_equal(c.changed[TL_KIND_HOLDINGS], 2);
    assert_int_equal(c.changed[TL_KIND_MONTHLY], 2);
    assert_int_equal(c.read[TL_KIND_TRANSACTIONS], 4);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 4);
    assert_int_equal(c.changed[TL_KIND_POSTS], 2);

    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_customer cu;
    assert_int_equal(tl_store_customer_get(st, "C1", &cu, &err), 0);
    assert_string_equal(cu.name, "Ann Lee");
    assert_int_equal(cu.age, 32);
    assert_string_equal(cu.city, "New York, NY");
    assert_true(fabs(cu.balance - 1250.5) < 1e-9);
    assert_string_equal(cu.risk_profile, "Medium");
    assert_string_equal(cu.currency, "USD");
    /* The unknown column is kept in the document, as the file gave it. */
    assert_non_null(strstr(cu.doc, "\"Notes\":\"likes \\\"quotes\\\"\""));
    assert_non_null(strstr(cu.doc, "\"customer_id\":\"C1\""));
    tl_customer_free(&cu);
    assert_int_equal(tl_store_customer_get(st, "C2", &cu, &err), 0);
    assert_true(strstr(cu.doc, "two\\r\\nlines") != NULL);
    assert_true(fabs(cu.balance + 20) < 1e-9);
    tl_customer_free(&cu);
    assert_int_equal(tl_store_customer_get(st, "C3", &cu, &err), 0);
    assert_int_equal(cu.age, -1);
    assert_true(isnan(cu.balance));
    assert_null(cu.risk_profile);
    tl_customer_free(&cu);

    char *doc;
    assert_int_equal(tl_store_product_get_doc(st, "P1", &doc, &err), 0);
    assert_non_null(strstr(doc, "\"rewards\":\"1.5 points per $1, bonus on travel\""));
    free(doc);

    /* Monthly totals: imported for C3, computed from debits for C1, C2. */
    tl_month_total *m;
    size_t n;
    assert_int_equal(tl_store_monthly_get(st, "C1", &m, &n, &err), 0);
    assert_int_equal(n, 1);   /* February's only row is a credit */
    assert_int_equal(m[0].month, 2024 * 12);
    assert_true(fabs(m[0].total - 30.5) < 1e-9);
    assert_int_equal(m[0].count, 2);
    free(m);
    assert_int_equal(tl_store_monthly_get(st, "C3", &m, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_true(fabs(m[0].total - 100.5) < 1e-9);
    assert_int_equal(m[1].count, 0);
    free(m);

    /* What each customer's transactions add up to, stored by the import:
     * C2's debit has no payment mode ("Other"), C3 has no transactions. */
    tl_txn_summary sum;
    stored_summary(f->db, "C1", &sum);
    assert_int_equal(sum.n_categories, 2);
    assert_string_equal(sum.categories[0].key, "Travel");   /* largest first */
    assert_true(fabs(group(sum.categories, 2, "Dining")->total - 10.5) < 1e-9);
    assert_int_equal(sum.n_payment_modes, 2);
    assert_int_equal(group(sum.payment_modes, 2, "UPI")->count, 1);
    assert_int_equal(sum.n_months, 2);
    assert_int_equal(sum.months[0].month, 2024 * 12);
    assert_true(fabs(sum.months[0].debits - 30.5) < 1e-9 && sum.months[0].credits == 0);
    assert_true(fabs(sum.months[1].credits - 1000) < 1e-9 && sum.months[1].debits == 0);
    assert_int_equal(sum.months[1].count, 1);
    tl_txn_summary_free(&sum);
    stored_summary(f->db, "C2", &sum);
    assert_int_equal(group(sum.payment_modes, sum.n_payment_modes, "Other")->count, 1);
    tl_txn_summary_free(&sum);
    stored_summary(f->db, "C3", &sum);
    assert_int_equal(sum.n_categories + sum.n_payment_modes + sum.n_months, 0);
    tl_txn_summary_free(&sum);

    tl_store_counts sc;
    assert_int_equal(tl_store_counts_get(st, &sc, &err), 0);
    assert_int_equal(sc.customers, 3);
    assert_int_equal(sc.products, 2);
    assert_int_equal(sc.reviews, 3);
    assert_int_equal(sc.holdings, 2);
    assert_int_equal(sc.transactions, 4);
    assert_int_equal(sc.posts, 2);
    tl_store_close(st);
}

static void test_reimport_changes_nothing(void **state)
{
    fx *f = *state;
    tl_import_counts c;
    import_all_csv(f, &c);
    import_all_csv(f, &c);
    for (int k = 0; k < TL_KIND_COUNT; k++) {
        if (c.changed[k])
            fail_msg("%s: %lld changed on re-import", tl_kind_name((tl_kind)k), c.changed[k]);
    }
    assert_int_equal(c.read[TL_KIND_TRANSACTIONS], 4);
}

static void test_reimport_updates_changed_record(void **state)
{
    fx *f = *state;
    tl_import_counts c;
    import_all_csv(f, &c);
    char *cp = put(f, "c2.csv", "customer_id,first_name,last_name,Age,city\n"
                                "C1,Ann,Lee,33,Boston\n");
    char *tp = put(f, "t2.csv", "customer_id,txn_id,date,amount,category\n"
                                "C1,T2,2024-01-20,25,Travel\n"
                                "C1,T1,2024-01-05,10.50,\n");
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), tp, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.changed[TL_KIND_CUSTOMERS], 1);
    /* T2's amount changed; T1 lost its merchant etc.: both rewritten. */
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 2);
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_customer cu;
    assert_int_equal(tl_store_customer_get(st, "C1", &cu, &err), 0);
    assert_int_equal(cu.age, 33);
    assert_string_equal(cu.city, "Boston");
    tl_customer_free(&cu);
    tl_month_total *m;
    size_t n;
    assert_int_equal(tl_store_monthly_get(st, "C1", &m, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(fabs(m[0].total - 35.5) < 1e-9);   /* recomputed: 10.50 + 25 */
    free(m);
    tl_store_close(st);
    /* The summary too: T2 is 25 now, T1 lost its category and mode. */
    tl_txn_summary sum;
    stored_summary(f->db, "C1", &sum);
    assert_int_equal(sum.n_categories, 2);
    assert_true(fabs(group(sum.categories, 2, "Travel")->total - 25) < 1e-9);
    assert_true(fabs(group(sum.categories, 2, "Other")->total - 10.5) < 1e-9);
    assert_true(fabs(sum.months[0].debits - 35.5) < 1e-9);
    tl_txn_summary_free(&sum);
    /* Importing the changed files again changes nothing. */
    rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), tp, -1);
    assert_int_equal(rc, 0);
    assert_int_equal(c.changed[TL_KIND_CUSTOMERS], 0);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 0);
    free(cp);
    free(tp);
}

static void test_all_kinds_jsonl(void **state)
{
    fx *f = *state;
    char *cp = put(f, "customers.jsonl",
                   "\xEF\xBB\xBF{\"CustomerID\":\"J1\",\"FirstName\":\"Jo\",\"Age\":\"40\","
                   "\"CurrentBalance\":99.5,\"RiskProfile\":\"Low\",\"Tags\":[\"a\",\"b\"]}\r\n"
                   "\n"
                   "{\"customer_id\":\"J2\",\"age\":null,\"income\":3000}\n");
    char *pp = put(f, "products.ndjson",
                   "{\"product_id\":\"Q1\",\"name\":\"Gold\",\"category\":\"Plastic Card\","
                   "\"customer_reviews\":[\"Nice\",\"Bad fees\"]}\n");
    char *tp = put(f, "txns.jsonl",
                   "{\"customer_id\":\"J1\",\"txn_id\":7,\"date\":\"2024-05-02T10:00:00\","
                   "\"amount\":12.25}\n"
                   "{\"customer_id\":\"J2\",\"txn_id\":\"x\",\"date\":\"2024-05-03\","
                   "\"amount\":\"3\",\"direction\":\"Credit\"}");
    char *sp = put(f, "posts.jsonl", "{\"CustomerID\":\"J1\",\"Platform\":\"X\",\"Post\":\"Hi\"}\n");
    char *hp = put(f, "hold.json", "[{\"customer_id\":\"J1\",\"product_id\":\"Q1\"}]");
    tl_import_counts c;
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(PRODUCTS), pp, K(TRANSACTIONS), tp,
                    K(POSTS), sp, K(HOLDINGS), hp, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.changed[TL_KIND_CUSTOMERS], 2);
    assert_int_equal(c.changed[TL_KIND_REVIEWS], 2);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 2);
    assert_int_equal(c.changed[TL_KIND_POSTS], 1);
    assert_int_equal(c.changed[TL_KIND_HOLDINGS], 1);
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_customer cu;
    assert_int_equal(tl_store_customer_get(st, "J1", &cu, &err), 0);
    assert_int_equal(cu.age, 40);
    assert_string_equal(cu.name, "Jo");
    assert_true(fabs(cu.balance - 99.5) < 1e-9);
    assert_non_null(strstr(cu.doc, "\"Tags\":[\"a\",\"b\"]"));
    tl_customer_free(&cu);
    assert_int_equal(tl_store_customer_get(st, "J2", &cu, &err), 0);
    assert_int_equal(cu.age, -1);
    assert_true(fabs(cu.income - 3000) < 1e-9);
    tl_customer_free(&cu);
    tl_month_total *m;
    size_t n;
    assert_int_equal(tl_store_monthly_get(st, "J1", &m, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(fabs(m[0].total - 12.25) < 1e-9);
    free(m);
    assert_int_equal(tl_store_monthly_get(st, "J2", &m, &n, &err), 0);
    assert_int_equal(n, 0);   /* only a credit */
    free(m);
    tl_store_close(st);
    rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(PRODUCTS), pp, K(TRANSACTIONS), tp,
                K(POSTS), sp, K(HOLDINGS), hp, -1);
    assert_int_equal(rc, 0);
    for (int k = 0; k < TL_KIND_COUNT; k++)
        assert_int_equal(c.changed[k], 0);
    free(cp);
    free(pp);
    free(tp);
    free(sp);
    free(hp);
}

/* References to what the store already holds are accepted. */
static void test_references_to_store(void **state)
{
    fx *f = *state;
    tl_import_counts c;
    import_all_csv(f, &c);
    char *tp = put(f, "more.csv", "customer_id,txn_id,date,amount\nC3,Z1,2024-03-01,7\n"
                                  "C3,Z2,2024-03-02,8\nC2,Z1,2024-03-02,1\n");
    char *hp = put(f, "h.csv", "customer_id,product_id\nC3,P2\n");
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(TRANSACTIONS), tp, K(HOLDINGS), hp, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 3);
    /* C3's imported series is replaced by one computed from transactions. */
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_month_total *m;
    size_t n;
    assert_int_equal(tl_store_monthly_get(st, "C3", &m, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(fabs(m[0].total - 15) < 1e-9);
    free(m);
    tl_store_close(st);
    free(tp);
    free(hp);
}

/* ---- rejections ---------------------------------------------------------- */

/* The message without the temporary directory in front of file names. */
static const char *rel(fx *f, const char *msg)
{
    size_t n = strlen(f->dir);
    return strncmp(msg, f->dir, n) == 0 && msg[n] == '/' ? msg + n + 1 : msg;
}

/* Asserts that importing `name` (holding `text`, of `kind`) fails with
 * exactly `want`, and changes nothing: first into a store holding the good
 * CSV files (its bytes compared before and after), then into a store that
 * did not exist (which must still not exist). */
static void reject(fx *f, tl_kind kind, const char *name, const char *text, const char *want)
{
    struct stat sb;
    tl_import_counts c;
    if (stat(f->db, &sb) != 0)
        import_all_csv(f, &c);   /* first: it writes files of its own */
    char *p = put(f, name, text);
    /* 1. No store yet: it must not come into being. */
    char *fresh = tu_join(f->dir, "fresh.db");
    tl_err err;
    tl_err_clear(&err);
    int rc = import(fresh, &c, &err, (int)kind, p, -1);
    assert_int_not_equal(stat(fresh, &sb), 0);
    char walp[4200];
    snprintf(walp, sizeof walp, "%s-wal", fresh);
    assert_int_not_equal(stat(walp, &sb), 0);
    free(fresh);
    assert_int_not_equal(rc, 0);
    /* Without the store, references fail first for dependent kinds; the
     * exact message is checked against the populated store below. */

    /* 2. A populated store stays byte for byte the same. */
    size_t before_len;
    char *before = tu_read_file(f->db, &before_len);
    assert_non_null(before);
    tl_err_clear(&err);
    rc = import(f->db, &c, &err, (int)kind, p, -1);
    if (rc != TL_EINPUT)
        fail_msg("%s: import returned %d, not TL_EINPUT: %s", name, rc, err.msg);
    if (strcmp(rel(f, err.msg), want) != 0)
        fail_msg("message\n  got:  %s\n  want: %s", rel(f, err.msg), want);
    tu_assert_file_unchanged(f->db, before, before_len);
    snprintf(walp, sizeof walp, "%s-wal", f->db);
    if (stat(walp, &sb) == 0)
        assert_int_equal(sb.st_size, 0);
    free(p);
}

static void test_reject_customers(void **state)
{
    fx *f = *state;
    reject(f, TL_KIND_CUSTOMERS, "neg.csv", "customer_id,age\nN1,30\nN2,-4\n",
           "neg.csv:row 3, field age: -4 is outside 0..130 (value \"-4\")");
    reject(f, TL_KIND_CUSTOMERS, "neg2.csv", "CustomerID,Age,City\r\nN1,30,\"New\nYork\"\r\nN2,abc,x\r\n",
           "neg2.csv:row 4, field Age: not a whole number (value \"abc\")");
    reject(f, TL_KIND_CUSTOMERS, "dup.csv", "customer_id\nD1\nD2\nD1\n",
           "dup.csv:row 4, field customer_id: duplicate customer_id: given twice in this import "
           "(value \"D1\")");
    reject(f, TL_KIND_CUSTOMERS, "risk.csv", "customer_id,risk_profile\nR1,Extreme\n",
           "risk.csv:row 2, field risk_profile: must be Low, Medium or High (value \"Extreme\")");
    reject(f, TL_KIND_CUSTOMERS, "bal.csv", "customer_id,balance\nB1,12x\n",
           "bal.csv:row 2, field balance: not a number (value \"12x\")");
    reject(f, TL_KIND_CUSTOMERS, "erased.csv", "customer_id\nE1\nerased:0a1b\n",
           "erased.csv:row 3, field customer_id: ids beginning with \"erased:\" are reserved "
           "for erased customers' audit entries (value \"erased:0a1b\")");
    reject(f, TL_KIND_CUSTOMERS, "noid.csv", "customer_id,age\n,3\n",
           "noid.csv:row 2, field customer_id: missing; customer_id is required");
    reject(f, TL_KIND_CUSTOMERS, "nocol.csv", "id,age\nX,3\n",
           "nocol.csv:row 1: missing required column \"customer_id\" for customers");
    reject(f, TL_KIND_CUSTOMERS, "two.csv", "customer_id,CustomerID\nX,Y\n",
           "two.csv:row 1: columns \"customer_id\" and \"CustomerID\" both give customer_id");
    reject(f, TL_KIND_CUSTOMERS, "width.csv", "customer_id,age\nX,3,4\n",
           "width.csv:row 2: 3 fields, but the header has 2 columns");
    reject(f, TL_KIND_CUSTOMERS, "quote.csv", "customer_id,city\nX,\"Paris\nY,Rome\n",
           "quote.csv:row 2, column 2: quoted field opened on line 2 is not closed at the end "
           "of the file");
    reject(f, TL_KIND_CUSTOMERS, "after.csv", "customer_id,city\r\nX,\"Pa\"ris\r\n",
           "after.csv:row 2, column 2: unexpected 'r' after a closing quote (a quote inside a "
           "quoted field must be doubled)");
    reject(f, TL_KIND_CUSTOMERS, "utf8.csv", "customer_id,notes\nX,\xC3\x28\n",
           "utf8.csv:row 2: column notes: not valid UTF-8 text");
    reject(f, TL_KIND_CUSTOMERS, "long.csv",
           "customer_id\n"
           "A123456789B123456789C123456789D123456789E123456789F123456789G12345\n",
           "long.csv:row 2, field customer_id: an ID is at most 64 characters (value "
           "\"A123456789B123456789C123456789D123456789E123456789F123456789...\")");
    /* Personal data is never echoed. */
    reject(f, TL_KIND_CUSTOMERS, "pii.jsonl", "{\"customer_id\":\"P\",\"email\":[1]}\n",
           "pii.jsonl:1:28: field email: must be text or a number, not an array");
    reject(f, TL_KIND_CUSTOMERS, "empty.csv", "",
           "empty.csv:row 1: the file is empty; expected a header row naming the columns");
}

static void test_reject_transactions(void **state)
{
    fx *f = *state;
    reject(f, TL_KIND_TRANSACTIONS, "date.csv",
           "customer_id,txn_id,date,amount\nC1,X1,2024-01-05,1\nC1,X2,2024-13-01,1\n",
           "date.csv:row 3, field date: not a date (YYYY-MM-DD) (value \"2024-13-01\")");
    reject(f, TL_KIND_TRANSACTIONS, "date2.csv",
           "customer_id,txn_id,date,amount\nC1,X1,2023-02-29,1\n",
           "date2.csv:row 2, field date: not a date (YYYY-MM-DD) (value \"2023-02-29\")");
    reject(f, TL_KIND_TRANSACTIONS, "amt.csv",
           "customer_id,txn_id,date,amount\nC1,X1,2024-01-05,12.3.4\n",
           "amt.csv:row 2, field amount: not a number (value \"12.3.4\")");
    reject(f, TL_KIND_TRANSACTIONS, "neg.csv",
           "customer_id,txn_id,date,amount\nC1,X1,2024-01-05,-5\n",
           "neg.csv:row 2, field amount: an amount must be greater than 0 (money in is "
           "direction credit) (value \"-5\")");
    reject(f, TL_KIND_TRANSACTIONS, "noamt.csv", "customer_id,txn_id,date\nC1,X1,2024-01-05\n",
           "noamt.csv:row 1: missing required column \"amount\" for transactions");
    reject(f, TL_KIND_TRANSACTIONS, "dir.csv",
           "customer_id,txn_id,date,amount,direction\nC1,X1,2024-01-05,5,sideways\n",
           "dir.csv:row 2, field direction: must be debit or credit (value \"sideways\")");
    reject(f, TL_KIND_TRANSACTIONS, "who.csv",
           "customer_id,txn_id,date,amount\nC1,X1,2024-01-05,5\nNOPE,X2,2024-01-05,5\n",
           "who.csv:row 3, field customer_id: unknown customer: not in this import nor in the "
           "store (value \"NOPE\")");
    /* The same txn_id is fine for another customer, not twice for one. */
    reject(f, TL_KIND_TRANSACTIONS, "dup.csv",
           "customer_id,txn_id,date,amount\nC1,X1,2024-01-05,5\nC2,X1,2024-01-05,5\n"
           "C1,X2,2024-01-05,5\n\"C1\",\"X1\",2024-02-05,6\n",
           "dup.csv:row 5, field txn_id: duplicate txn_id for this customer (first on row 2) "
           "(value \"X1\")");
    reject(f, TL_KIND_TRANSACTIONS, "dup.jsonl",
           "{\"customer_id\":\"C1\",\"txn_id\":\"X1\",\"date\":\"2024-01-05\",\"amount\":5}\n"
           "{\"customer_id\":\"C1\",\"txn_id\":\"X1\",\"date\":\"2024-01-06\",\"amount\":5}\n",
           "dup.jsonl:2:30: field txn_id: duplicate txn_id for this customer (first on line 1) "
           "(value \"X1\")");
    reject(f, TL_KIND_TRANSACTIONS, "syntax.jsonl",
           "{\"customer_id\":\"C1\",\"txn_id\":\"X1\",\"date\":\"2024-01-05\",\"amount\":5}\n"
           "\n"
           "{\"customer_id\":\"C1\", \"txn_id\" \"X2\"}\n",
           "syntax.jsonl:3:34: ':' expected near '\"X2\"'");
    reject(f, TL_KIND_TRANSACTIONS, "amt.jsonl",
           "{\"customer_id\":\"C1\",\"txn_id\":\"X1\",\"date\":\"2024-01-05\",\"amount\":\"ten\"}\n",
           "amt.jsonl:1:64: field amount: not a number (value \"ten\")");
    reject(f, TL_KIND_TRANSACTIONS, "arr.jsonl", "[1,2]\n",
           "arr.jsonl:1:1: expected a JSON object (one record per line)");
}

static void test_reject_other_kinds(void **state)
{
    fx *f = *state;
    reject(f, TL_KIND_POSTS, "posts.csv", "customer_id,text\nC1,hi\nGHOST,boo\n",
           "posts.csv:row 3, field customer_id: unknown customer: not in this import nor in the "
           "store (value \"GHOST\")");
    reject(f, TL_KIND_POSTS, "nopost.csv", "customer_id,text\nC1,\n",
           "nopost.csv:row 2, field text: missing; text is required");
    reject(f, TL_KIND_POSTS, "pdate.jsonl", "{\"customer_id\":\"C1\",\"text\":\"x\","
                                            "\"posted_at\":\"yesterday\"}\n",
           "pdate.jsonl:1:44: field posted_at: not a date (YYYY-MM-DD) (value \"yesterday\")");
    reject(f, TL_KIND_HOLDINGS, "hold.csv", "customer_id,product_id\nC1,P404\n",
           "hold.csv:row 2, field product_id: unknown product: not in this import nor in the "
           "store (value \"P404\")");
    reject(f, TL_KIND_HOLDINGS, "hold2.csv", "customer_id,product_id\nC1,P1\nC1,P1\n",
           "hold2.csv:row 3, field product_id: duplicate holding of this product by this "
           "customer (first on row 2) (value \"P1\")");
    reject(f, TL_KIND_REVIEWS, "rev.csv", "product_id,text,rating\nP1,ok,6\n",
           "rev.csv:row 2, field rating: a rating is from 1 to 5 (value \"6\")");
    reject(f, TL_KIND_REVIEWS, "rev2.csv", "product_id,text\nPX,ok\n",
           "rev2.csv:row 2, field product_id: unknown product: not in this import nor in the "
           "store (value \"PX\")");
    reject(f, TL_KIND_MONTHLY, "month.csv", "customer_id,month,total,count\nC1,Janvier 2024,1,1\n",
           "month.csv:row 2, field month: not a month like \"Jan 2024\" or \"2024-01\" (value "
           "\"Janvier 2024\")");
    reject(f, TL_KIND_MONTHLY, "month2.csv",
           "customer_id,month,total,count\nC1,Jan 2024,1,1\nC1,2024-01,2,2\n",
           "month2.csv:row 3, field month: duplicate month for this customer (first on row 2) "
           "(value \"2024-01\")");
    /* A customer met again after another: the same month in their first
     * run is found (the check switches from runs to every record there),
     * in CSV and in JSON Lines, and for holdings too. */
    reject(f, TL_KIND_MONTHLY, "month5.csv",
           "customer_id,month,total,count\nC1,Jan 2024,1,1\nC1,Feb 2024,1,1\n"
           "C2,Jan 2024,1,1\nC1,Mar 2024,1,1\nC2,2024-02,1,1\nC1,2024-02,2,2\n",
           "month5.csv:row 7, field month: duplicate month for this customer (first on row 3) "
           "(value \"2024-02\")");
    reject(f, TL_KIND_MONTHLY, "month6.jsonl",
           "{\"customer_id\":\"C1\",\"month\":\"Jan 2024\",\"total\":1,\"count\":1}\n"
           "{\"customer_id\":\"C2\",\"month\":\"Jan 2024\",\"total\":1,\"count\":1}\n"
           "{\"customer_id\":\"C1\",\"month\":\"2024-01\",\"total\":1,\"count\":1}\n",
           "month6.jsonl:3:29: field month: duplicate month for this customer (first on line 1) "
           "(value \"2024-01\")");
    reject(f, TL_KIND_HOLDINGS, "hold3.csv", "customer_id,product_id\nC1,P1\nC2,P1\nC1,P2\nC1,P1\n",
           "hold3.csv:row 5, field product_id: duplicate holding of this product by this "
           "customer (first on row 2) (value \"P1\")");
    reject(f, TL_KIND_MONTHLY, "month3.csv", "customer_id,month,total,count\nC1,Jan 2024,-1,1\n",
           "month3.csv:row 2, field total: a monthly total must not be negative (value \"-1\")");
    reject(f, TL_KIND_MONTHLY, "month4.csv", "customer_id,month,total,count\nC1,Jan 2024,1,1.5\n",
           "month4.csv:row 2, field count: not a whole number (value \"1.5\")");
    reject(f, TL_KIND_PRODUCTS, "prod.json",
           "[\n  {\"product_id\": \"N1\", \"name\": \"A\", \"category\": \"Loan\"},\n"
           "  {\"product_id\": \"N2\", \"category\": \"Loan\"}\n]\n",
           "prod.json:3:3: field name: missing; name is required");
    reject(f, TL_KIND_PRODUCTS, "prod2.json", "{\"product_id\":1}",
           "prod2.json:1:1: expected a JSON array of products records");
    reject(f, TL_KIND_PRODUCTS, "prod3.csv", "product_id,name,category\nN1,A,Loan\nN1,B,Loan\n",
           "prod3.csv:row 3, field product_id: duplicate product_id: given twice in this import "
           "(value \"N1\")");
}

static void test_open_errors(void **state)
{
    fx *f = *state;
    tl_source *s;
    tl_err err;
    char *p = put(f, "x.txt", "a\n");
    assert_int_equal(tl_table_source_open(TL_KIND_CUSTOMERS, p, &s, &err), TL_EUSAGE);
    assert_non_null(strstr(err.msg, "unknown file type"));
    free(p);
    char *q = tu_join(f->dir, "missing.csv");
    assert_int_equal(tl_table_source_open(TL_KIND_CUSTOMERS, q, &s, &err), TL_EIO);
    assert_non_null(strstr(err.msg, "missing.csv: cannot open"));
    free(q);
    assert_int_equal(tl_table_format_of("A.CSV"), TL_TABLE_CSV);
    assert_int_equal(tl_table_format_of("a.ndjson"), TL_TABLE_JSONL);
    assert_int_equal(tl_table_format_of("dir.csv/a"), TL_TABLE_UNKNOWN);
}

static int count_customer(void *ctx, const tl_customer *c)
{
    (void)c;
    ++*(int *)ctx;
    return 0;
}

static long long customers_matching(const char *db, const char *search)
{
    tl_store *st;
    tl_err err;
    assert_int_equal(tl_store_open(db, TL_STORE_READONLY, &st, &err), 0);
    tl_customer_query q = {.search = search, .age_min = -1, .age_max = -1, .limit = 10};
    long long total = -1;
    int n = 0;
    assert_int_equal(tl_store_customers_list(st, &q, count_customer, &n, &total, &err), 0);
    tl_store_close(st);
    return total;
}

/* Thousands of customers at once are written with the search index
 * rebuilt once at the end (store/customers.h): searches find them, a
 * later small import still keeps the index in step, and a failed bulk
 * import leaves it as it was. */
static void test_customers_bulk_search(void **state)
{
    fx *f = *state;
    enum { N = 1500 };
    size_t cap = 128 << 10, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n, "customer_id,first_name,last_name,age,city\n");
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(t + n, cap - n, "Q%04d,Quinn%d,Bulkfamily,%d,Town%d\n", i, i,
                              20 + i % 60, i % 7);
    char *cp = put(f, "many.csv", t);
    tl_import_counts c;
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(CUSTOMERS), cp, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(customers_matching(f->db, "bulkfamily"), N);
    assert_int_equal(customers_matching(f->db, "quinn1499"), 1);
    assert_int_equal(customers_matching(f->db, "town3"), (N + 3) / 7);

    char *rp = put(f, "rename.csv", "customer_id,first_name,last_name,age,city\n"
                                    "Q0007,Quinn7,Otherfamily,27,Town0\n");
    assert_int_equal(import(f->db, &c, &err, K(CUSTOMERS), rp, -1), 0);
    assert_int_equal(customers_matching(f->db, "bulkfamily"), N - 1);
    assert_int_equal(customers_matching(f->db, "otherfamily"), 1);

    /* The customers of this file are written, index paused, before its
     * transactions fail: all of it is rolled back. */
    n = 0;
    n += (size_t)snprintf(t + n, cap - n, "customer_id,first_name,last_name,age,city\n");
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(t + n, cap - n, "R%04d,Rita%d,Rollbackfamily,%d,Ville\n", i, i,
                              20 + i % 60);
    char *bp = put(f, "more.csv", t);
    char *tp = put(f, "bad-t.csv", "customer_id,txn_id,date,amount\nR0001,X1,2024-01-05,5\n"
                                   "R0001,X2,2024-01-05,lots\n");
    assert_int_equal(import(f->db, &c, &err, K(CUSTOMERS), bp, K(TRANSACTIONS), tp, -1),
                     TL_EINPUT);
    assert_int_equal(customers_matching(f->db, "rollbackfamily"), 0);
    assert_int_equal(customers_matching(f->db, "bulkfamily"), N - 1);
    char *sp = put(f, "single.csv", "customer_id,first_name,last_name,age,city\n"
                                    "S0001,Sam,Singlefamily,33,Ville\n");
    assert_int_equal(import(f->db, &c, &err, K(CUSTOMERS), sp, -1), 0);
    assert_int_equal(customers_matching(f->db, "singlefamily"), 1);
    free(t);
    free(cp);
    free(rp);
    free(bp);
    free(tp);
    free(sp);
}

/* The month's total of customer M1 in the store at db. */
static double m1_total(const char *db)
{
    tl_store *st;
    tl_err err;
    tl_month_total *m = NULL;
    size_t n = 0;
    assert_int_equal(tl_store_open(db, TL_STORE_READONLY, &st, &err), 0);
    assert_int_equal(tl_store_monthly_get(st, "M1", &m, &n, &err), 0);
    tl_store_close(st);
    assert_int_equal(n, 1);
    double total = m[0].total;
    free(m);
    return total;
}

/* Computed monthly totals do not depend on the order of the rows: 0.1 +
 * 0.2 + 0.3 is 0.6000000000000001 in doubles, 0.3 + 0.2 + 0.1 is 0.6;
 * both files, and a rebuild from the table, store 0.6 to the bit. */
static void test_monthly_totals_settled(void **state)
{
    fx *f = *state;
    char *cp = put(f, "m-c.csv", "customer_id\nM1\n");
    char *up = put(f, "m-up.csv", "customer_id,txn_id,date,amount\nM1,A,2024-01-05,0.1\n"
                                  "M1,B,2024-01-06,0.2\nM1,C,2024-01-07,0.3\n");
    char *down = put(f, "m-down.csv", "customer_id,txn_id,date,amount\nM1,C,2024-01-07,0.3\n"
                                      "M1,B,2024-01-06,0.2\nM1,A,2024-01-05,0.1\n");
    char *db1 = tu_join(f->dir, "m1.db"), *db2 = tu_join(f->dir, "m2.db");
    tl_import_counts c;
    tl_err err;
    assert_int_equal(import(db1, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), up, -1), 0);
    assert_int_equal(import(db2, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), down, -1), 0);
    assert_true(m1_total(db1) == 0.6);
    assert_true(m1_total(db2) == 0.6);
    /* A changed row: the month is summed again from the stored rows. */
    char *change = put(f, "m-change.csv", "customer_id,txn_id,date,amount\n"
                                          "M1,B,2024-01-06,0.25\n");
    assert_int_equal(import(db1, &c, &err, K(TRANSACTIONS), change, -1), 0);
    assert_true(m1_total(db1) == 0.65);
    free(cp);
    free(up);
    free(down);
    free(change);
    free(db1);
    free(db2);
}

/* Monthly totals interleaved by customer (the check leaves its per-run
 * mode at the first customer met again) import like the same totals
 * grouped by customer, all of them. */
static void test_monthly_interleaved(void **state)
{
    fx *f = *state;
    char *cp = put(f, "mi-c.csv", "customer_id\nM1\nM2\n");
    char *grouped = put(f, "mi-g.csv", "customer_id,month,total,count\nM1,2024-01,1,1\n"
                                       "M1,2024-02,2,1\nM2,2024-01,3,1\nM2,2024-02,4,1\n");
    char *mixed = put(f, "mi-m.csv", "customer_id,month,total,count\nM1,2024-01,1,1\n"
                                     "M2,2024-01,3,1\nM1,2024-02,2,1\nM2,2024-02,4,1\n");
    char *db1 = tu_join(f->dir, "mi1.db"), *db2 = tu_join(f->dir, "mi2.db");
    tl_import_counts c;
    tl_err err;
    assert_int_equal(import(db1, &c, &err, K(CUSTOMERS), cp, K(MONTHLY), grouped, -1), 0);
    assert_int_equal(c.read[TL_KIND_MONTHLY], 4);
    assert_int_equal(import(db2, &c, &err, K(CUSTOMERS), cp, K(MONTHLY), mixed, -1), 0);
    assert_int_equal(c.read[TL_KIND_MONTHLY], 4);
    /* Both stores hold each customer's two months, with their totals. */
    for (int i = 0; i < 2; i++) {
        tl_store *st;
        assert_int_equal(tl_store_open(i ? db2 : db1, TL_STORE_READONLY, &st, &err), 0);
        for (int k = 0; k < 2; k++) {
            tl_month_total *m = NULL;
            size_t n = 0;
            assert_int_equal(tl_store_monthly_get(st, k ? "M2" : "M1", &m, &n, &err), 0);
            assert_int_equal(n, 2);
            assert_true(m[0].total + m[1].total == (k ? 7.0 : 3.0));
            free(m);
        }
        tl_store_close(st);
    }
    free(cp);
    free(grouped);
    free(mixed);
    free(db1);
    free(db2);
}

/* Memory sources run the same checks (what the fuzzers use). */
static void test_memory_source(void **state)
{
    fx *f = *state;
    static const char text[] = "customer_id,age\nM1,20\nM2,21\n";
    tl_source *s[1];
    tl_err err;
    assert_int_equal(
        tl_table_source_open_mem(TL_KIND_CUSTOMERS, "mem.csv", text, sizeof text - 1, &s[0], &err),
        0);
    tl_import_counts c;
    assert_int_equal(tl_import_run(f->db, s, 1, false, &c, &err), 0);
    assert_int_equal(c.changed[TL_KIND_CUSTOMERS], 2);
}

/* Duplicates are found wherever they fall: inside the first batch (the
 * sorted batch is checked when written), before a later bad row (still
 * the first error of the file), across batches and inside a later one
 * (checked row by row against the pairs written before). Batches of two
 * rows make every case small. */
static void test_txn_duplicates_by_batch(void **state)
{
    fx *f = *state;
    const char *head = "customer_id,txn_id,date,amount\n";
    char text[512];
    snprintf(text, sizeof text, "%sC1,X1,2024-01-05,5\nC1,X2,2024-01-05,5\nC1,X1,2024-01-06,5\n"
                                "C1,X3,2024-01-05,oops\n", head);
    reject(f, TL_KIND_TRANSACTIONS, "first.csv", text,
           "first.csv:row 4, field txn_id: duplicate txn_id for this customer (first on row 2) "
           "(value \"X1\")");
    setenv("TAILOR_IMPORT_BATCH_ROWS", "2", 1);
    snprintf(text, sizeof text, "%sC1,X1,2024-01-05,5\nC1,X1,2024-01-05,5\nC1,X2,2024-01-05,5\n",
             head);
    reject(f, TL_KIND_TRANSACTIONS, "inside.csv", text,
           "inside.csv:row 3, field txn_id: duplicate txn_id for this customer (first on row 2) "
           "(value \"X1\")");
    snprintf(text, sizeof text, "%sC1,X1,2024-01-05,5\nC1,X2,2024-01-05,5\nC1,X3,2024-01-05,5\n"
                                "C2,X1,2024-01-05,5\nC1,X2,2024-01-07,5\n", head);
    reject(f, TL_KIND_TRANSACTIONS, "across.csv", text,
           "across.csv:row 6, field txn_id: duplicate txn_id for this customer (first on row 3) "
           "(value \"X2\")");
    snprintf(text, sizeof text, "%sC1,X1,2024-01-05,5\nC1,X2,2024-01-05,5\nC1,X3,2024-01-05,5\n"
                                "C1,X3,2024-01-05,5\n", head);
    reject(f, TL_KIND_TRANSACTIONS, "later.csv", text,
           "later.csv:row 5, field txn_id: duplicate txn_id for this customer (first on row 4) "
           "(value \"X3\")");
    /* Customers new to the store, met again two batches later: their
     * earlier rows are read back from the store to check the later ones. */
    char *np = put(f, "new.csv", "customer_id\nN1\nN2\n");
    snprintf(text, sizeof text, "%sN1,X1,2024-01-05,5\nN1,X2,2024-01-05,5\nN2,X1,2024-01-05,5\n"
                                "N2,X2,2024-01-05,5\nN2,X3,2024-01-05,5\nN1,X1,2024-01-09,5\n", head);
    char *tp = put(f, "new-t.csv", text);
    tl_import_counts c;
    tl_err err;
    tl_err_clear(&err);
    assert_int_equal(import(f->db, &c, &err, K(CUSTOMERS), np, K(TRANSACTIONS), tp, -1),
                     TL_EINPUT);
    assert_string_equal(rel(f, err.msg),
                        "new-t.csv:row 7, field txn_id: duplicate txn_id for this customer "
                        "(first on row 2) (value \"X1\")");
    free(np);
    free(tp);

    /* Without duplicates, batches of two write everything. */
    snprintf(text, sizeof text, "%sC1,Y1,2024-01-05,5\nC1,Y2,2024-02-05,7\nC2,Y1,2024-01-05,5\n"
                                "C1,Y3,2024-02-06,1\nC2,Y9,2024-03-05,2\n", head);
    char *p = put(f, "ok.csv", text);
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(TRANSACTIONS), p, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 5);
    assert_int_equal(import(f->db, &c, &err, K(TRANSACTIONS), p, -1), 0);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 0);
    setenv("TAILOR_IMPORT_BATCH_ROWS", "many", 1);
    assert_int_equal(import(f->db, &c, &err, K(TRANSACTIONS), p, -1), TL_EUSAGE);
    assert_string_equal(err.msg, "TAILOR_IMPORT_BATCH_ROWS: must be a whole number from 1 to "
                                 "67108864 (value \"many\")");
    unsetenv("TAILOR_IMPORT_BATCH_ROWS");
    free(p);
}

/* Many rows (several write batches), IDs short and long: all land,
 * monthly totals add up, and a duplicate far from its first row is found
 * with that row's number. */
static void test_many_rows(void **state)
{
    fx *f = *state;
    enum { NROWS = 270000, NCUST = 50 };
    setenv("TAILOR_IMPORT_BATCH_ROWS", "40000", 1);
    size_t cap = 64 << 20, n = 0;
    char *t = malloc(cap);
    char cust[NCUST][32];
    for (int i = 0; i < NCUST; i++)
        snprintf(cust[i], sizeof cust[i], i % 2 ? "K%d" : "Long-customer-%d", i);
    n += (size_t)snprintf(t + n, cap - n, "customer_id\n");
    for (int i = 0; i < NCUST; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s\n", cust[i]);
    char *cp = put(f, "k.csv", t);
    n = 0;
    n += (size_t)snprintf(t + n, cap - n, "customer_id,txn_id,date,amount,direction\n");
    long long cents = 0;
    bool seen[NCUST][12] = {{false}};
    int months = 0;
    for (int i = 0; i < NROWS; i++) {
        int a = (i % 997 + 1) * 100 + i % 100;
        bool debit = i % 10 != 0;
        if (debit) {
            cents += a;
            months += !seen[i % NCUST][i % 12];
            seen[i % NCUST][i % 12] = true;
        }
        n += (size_t)snprintf(t + n, cap - n, i % 3 ? "%s,T%d,2024-%02d-%02d,%d.%02d,%s\n"
                                                    : "%s,Transaction-%d,2024-%02d-%02d,%d.%02d,%s\n",
                              cust[i % NCUST], i, i % 12 + 1, i % 28 + 1, a / 100, a % 100,
                              debit ? "debit" : "credit");
    }
    char *tp = put(f, "t.csv", t);
    tl_import_counts c;
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), tp, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], NROWS);
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_store_counts sc;
    assert_int_equal(tl_store_counts_get(st, &sc, &err), 0);
    assert_int_equal(sc.transactions, NROWS);
    assert_int_equal(sc.monthly, months);
    double total = 0;
    long long count = 0;
    for (int i = 0; i < NCUST; i++) {
        tl_month_total *m;
        size_t nm;
        assert_int_equal(tl_store_monthly_get(st, cust[i], &m, &nm, &err), 0);
        for (size_t k = 0; k < nm; k++) {
            total += m[k].total;
            count += m[k].count;
        }
        free(m);
    }
    tl_store_close(st);
    assert_int_equal(count, NROWS - NROWS / 10);
    assert_true(fabs(total - (double)cents / 100) < 0.01);

    /* The same file again: nothing written. */
    rc = import(f->db, &c, &err, K(TRANSACTIONS), tp, -1);
    assert_int_equal(rc, 0);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 0);

    /* K7 owns T7 (row 9); one more row with that pair at the very end. */
    n += (size_t)snprintf(t + n, cap - n, "K7,T7,2024-01-01,1,debit\n");
    char *dp = put(f, "d.csv", t);
    rc = import(f->db, &c, &err, K(TRANSACTIONS), dp, -1);
    assert_int_equal(rc, TL_EINPUT);
    char want[256];
    snprintf(want, sizeof want, "d.csv:row %d, field txn_id: duplicate txn_id for this "
                                "customer (first on row 9) (value \"T7\")", NROWS + 2);
    assert_string_equal(rel(f, err.msg), want);
    unsetenv("TAILOR_IMPORT_BATCH_ROWS");
    free(t);
    free(cp);
    free(tp);
    free(dp);
}

/* Transactions whose txn_ids collide in the store's keying, in and out of
 * full statement chunks: all land, a re-import writes nothing, a changed
 * one is updated and its customer's months recomputed. */
static void test_txn_collisions(void **state)
{
    fx *f = *state;
    char a[16], b[16];
    tu_colliding_txn_ids(a, b);
    char *cp = put(f, "c.csv", "customer_id\nC1\nC2\n");
    char text[16384];
    size_t n = (size_t)snprintf(text, sizeof text,
                                "customer_id,txn_id,date,amount\nC1,%s,2024-01-05,5\n"
                                "C2,%s,2024-01-05,9\nC1,%s,2024-01-06,7\n",
                                a, a, b);
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "C%d,R%d,2024-02-01,1\n", 1 + i % 2, i);
    char *tp = put(f, "t.csv", text);
    tl_import_counts c;
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), tp, -1);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(c.read[TL_KIND_TRANSACTIONS], 303);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 303);
    rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), tp, -1);
    assert_int_equal(rc, 0);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 0);

    /* b (placed past its home) changes. */
    snprintf(text, sizeof text, "customer_id,txn_id,date,amount\nC1,%s,2024-01-06,8\n", b);
    char *up = put(f, "u.csv", text);
    rc = import(f->db, &c, &err, K(TRANSACTIONS), up, -1);
    assert_int_equal(rc, 0);
    assert_int_equal(c.changed[TL_KIND_TRANSACTIONS], 1);
    tl_store *st;
    assert_int_equal(tl_store_open(f->db, TL_STORE_READONLY, &st, &err), 0);
    tl_store_counts sc;
    assert_int_equal(tl_store_counts_get(st, &sc, &err), 0);
    assert_int_equal(sc.transactions, 303);
    tl_month_total *m;
    size_t nm;
    assert_int_equal(tl_store_monthly_get(st, "C1", &m, &nm, &err), 0);
    assert_int_equal(nm, 2);
    assert_true(m[0].total == 13 && m[0].count == 2);
    assert_true(m[1].total == 150 && m[1].count == 150);
    free(m);
    tl_store_close(st);
    free(cp);
    free(tp);
    free(up);
}

/* Transactions are checked while they are written: a bad row late in the
 * file rolls back everything of the import, customers of the same import
 * included, and the store file is byte for byte as it was. */
static void test_txn_error_rolls_back(void **state)
{
    fx *f = *state;
    tl_import_counts c;
    import_all_csv(f, &c);
    char *cp = put(f, "c9.csv", "customer_id\nC9\n");
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "customer_id,txn_id,date,amount\n");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "C9,N%d,2024-02-01,1\n", i);
    snprintf(text + n, sizeof text - n, "C9,N100,2024-02-30,1\n");
    char *tp = put(f, "t9.csv", text);
    size_t before_len;
    char *before = tu_read_file(f->db, &before_len);
    tl_err err;
    tl_err_clear(&err);
    int rc = import(f->db, &c, &err, K(CUSTOMERS), cp, K(TRANSACTIONS), tp, -1);
    assert_int_equal(rc, TL_EINPUT);
    assert_string_equal(rel(f, err.msg), "t9.csv:row 102, field date: not a date (YYYY-MM-DD) "
                                         "(value \"2024-02-30\")");
    tu_assert_file_unchanged(f->db, before, before_len);
    free(cp);
    free(tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_txn_collisions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_error_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_kinds_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_updates_changed_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_kinds_jsonl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_to_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_customers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_other_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customers_bulk_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monthly_interleaved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_monthly_totals_settled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_txn_duplicates_by_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_rows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
