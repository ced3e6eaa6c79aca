/* customers.c — typed queries on the customers table. */
#include "store/customers.h"
#include "store/store_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CUSTOMER_COLS                                                                   \
    "id, name, gender, age, city, country, balance, currency, income, risk_profile, " \
    "account_status, doc"

void tl_customer_free(tl_customer *c)
{
    if (!c)
        return;
    free(c->id);
    free(c->name);
    free(c->gender);
    free(c->city);
    free(c->country);
    free(c->currency);
    free(c->risk_profile);
    free(c->account_status);
    free(c->doc);
    memset(c, 0, sizeof *c);
}

static void bind_double(sqlite3_stmt *s, int idx, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, idx);
    else
        sqlite3_bind_double(s, idx, v);
}

bool tl_customer_id_reserved(const char *id)
{
    return strncmp(id, "erased:", 7) == 0;
}

int tl_store_customer_upsert(tl_store *st, const tl_customer *c, bool *changed, tl_err *err)
{
    if (tl_customer_id_reserved(c->id))
        return tl_err_set(err, TL_EINPUT, "customer id '%.80s': " TL_CUSTOMER_ID_RESERVED,
                          c->id);
    sqlite3_stmt *s = tl__store_stmt(
        st, TL_STMT_CUSTOMER_UPSERT,
        "INSERT INTO customers(" CUSTOMER_COLS ", updated_at) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
        "ON CONFLICT(id) DO UPDATE SET name=?2, gender=?3, age=?4, city=?5, country=?6, "
        "balance=?7, currency=?8, income=?9, risk_profile=?10, account_status=?11, doc=?12, "
        "updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE customers.doc IS NOT ?12",
        err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, c->id);
    tl__bind_text(s, 2, c->name);
    tl__bind_text(s, 3, c->gender);
    if (c->age >= 0)
        sqlite3_bind_int(s, 4, c->age);
    tl__bind_text(s, 5, c->city);
    tl__bind_text(s, 6, c->country);
    bind_double(s, 7, c->balance);
    tl__bind_text(s, 8, c->currency);
    bind_double(s, 9, c->income);
    tl__bind_text(s, 10, c->risk_profile);
    tl__bind_text(s, 11, c->account_status);
    tl__bind_text(s, 12, c->doc ? c->doc : "{}");
    if (sqlite3_step(s) != SQLITE_DONE) {
        char what[128];
        snprintf(what, sizeof what, "upsert customer %.64s", c->id);
        return tl__store_fail(st, err, what);
    }
    if (changed)
        *changed = sqlite3_changes(st->db) > 0;
    sqlite3_reset(s);
    return TL_OK;
}

static double column_double(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

/* Fills c with borrowed pointers into the statement's current row. */
static void row_borrow(sqlite3_stmt *s, tl_customer *c)
{
    c->id = (char *)sqlite3_column_text(s, 0);
    c->name = (char *)sqlite3_column_text(s, 1);
    c->gender = (char *)sqlite3_column_text(s, 2);
    c->age = sqlite3_column_type(s, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 3);
    c->city = (char *)sqlite3_column_text(s, 4);
    c->country = (char *)sqlite3_column_text(s, 5);
    c->balance = column_double(s, 6);
    c->currency = (char *)sqlite3_column_text(s, 7);
    c->income = column_double(s, 8);
    c->risk_profile = (char *)sqlite3_column_text(s, 9);
    c->account_status = (char *)sqlite3_column_text(s, 10);
    c->doc = (char *)sqlite3_column_text(s, 11);
}

int tl_store_customers_count(tl_store *st, long long *n, tl_err *err)
{
    return tl__store_scalar(st, "SELECT count(*) FROM customers", n, "count customers", err);
}

int tl_store_customer_search_pause(tl_store *st, tl_err *err)
{
    if (sqlite3_exec(st->db,
                     "DROP TRIGGER customers_search_insert; DROP TRIGGER customers_search_delete;"
                     " DROP TRIGGER customers_search_update;",
                     NULL, NULL, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "pause the customer search index");
    return TL_OK;
}

int tl_store_customer_search_resume(tl_store *st, tl_err *err)
{
    if (sqlite3_exec(st->db,
                     "INSERT INTO customers_search(customers_search) VALUES('rebuild');"
                     TL__CUSTOMERS_SEARCH_TRIGGERS,
                     NULL, NULL, NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "rebuild the customer search index");
    return TL_OK;
}

int tl_store_customer_get(tl_store *st, const char *id, tl_customer *out, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_CUSTOMER_GET,
                                     "SELECT " CUSTOMER_COLS " FROM customers WHERE id=?1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, id);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE) {
        sqlite3_reset(s);
        return tl_err_set(err, TL_ENOTFOUND, "customer '%s' not found", id);
    }
    if (step != SQLITE_ROW)
        return tl__store_fail(st, err, "read customer");
    tl_customer b;
    row_borrow(s, &b);
    memset(out, 0, sizeof *out);
    out->id = tl__column_dup(s, 0);
    out->name = tl__column_dup(s, 1);
    out->gender = tl__column_dup(s, 2);
    out->age = b.age;
    out->city = tl__column_dup(s, 4);
    out->country = tl__column_dup(s, 5);
    out->balance = b.balance;
    out->currency = tl__column_dup(s, 7);
    out->income = b.income;
    out->risk_profile = tl__column_dup(s, 9);
    out->account_status = tl__column_dup(s, 10);
    out->doc = tl__column_dup(s, 11);
    sqlite3_reset(s);
    if (!out->id || !out->doc) {
        tl_customer_free(out);
        return tl_err_set(err, TL_ENOMEM, "out of memory reading customer");
    }
    return TL_OK;
}

int tl_store_customer_exists(tl_store *st, const char *id, bool *exists, tl_err *err)
{
    sqlite3_stmt *s = tl__store_stmt(st, TL_STMT_CUSTOMER_EXISTS,
                                     "SELECT 1 FROM customers WHERE id=?1", err);
    if (!s)
        return TL_EDB;
    tl__bind_text(s, 1, id);
    int step = sqlite3_step(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return tl__store_fail(st, err, "look up customer");
    *exists = step == SQLITE_ROW;
    sqlite3_reset(s);
    return TL_OK;
}

/* Builds the WHERE clause shared by the page and the count; parameters are
 * bound by name so both statements use the same binder. */
/* Characters (not bytes) in a UTF-8 string. */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Appends one condition: " WHERE cond" for the first, " AND cond" after. */
static size_t add_condition(char *out, size_t size, size_t n, const char *cond)
{
    if (n >= size)
        return n;
    return n + (size_t)snprintf(out + n, size - n, "%s%s", n ? " AND " : " WHERE ", cond);
}

/* No condition, no WHERE: SQLite counts a whole table from its pages only
 * when the count has no WHERE at all ("WHERE 1" made it step through
 * every row: 1 ms a page of the list at 20,000 customers). `scan`: the
 * field filters are written so that no index serves them ("+column"), which
 * leaves SQLite walking the sort column's index (see sort_by_scan). */
static void where_clause(const tl_customer_query *q, bool scan, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    const char *no_index = scan ? "+" : "";
    char cond[96];
    /* Three characters or more: the trigram index finds the candidates;
     * LIKE still decides, so both paths mean the same substring match. */
    if (q->search && utf8_length(q->search) >= 3)
        n = add_condition(out, size, n,
                          "rowid IN (SELECT rowid FROM customers_search"
                          " WHERE customers_search MATCH :fts)");
    if (q->search && *q->search)
        n = add_condition(out, size, n,
                          "(id LIKE :like ESCAPE '\\' OR name LIKE :like ESCAPE '\\'"
                          " OR city LIKE :like ESCAPE '\\')");
    if (q->risk_profile) {
        snprintf(cond, sizeof cond, "%srisk_profile = :risk COLLATE NOCASE", no_index);
        n = add_condition(out, size, n, cond);
    }
    if (q->gender)
        n = add_condition(out, size, n, "gender = :gender COLLATE NOCASE");
    if (q->account_status) {
        snprintf(cond, sizeof cond, "%saccount_status = :status COLLATE NOCASE", no_index);
        n = add_condition(out, size, n, cond);
    }
    if (q->holds)
        n = add_condition(out, size, n,
                          "id IN (SELECT customer_id FROM holdings WHERE product_id = :holds)");
    if (q->age_min >= 0) {
        snprintf(cond, sizeof cond, "%sage >= :amin", no_index);
        n = add_condition(out, size, n, cond);
    }
    if (q->age_max >= 0) {
        snprintf(cond, sizeof cond, "%sage <= :amax", no_index);
        add_condition(out, size, n, cond);
    }
}

/* Whether a filtered page is cheaper read by walking the sort column's
 * index, testing each row against the filters, than by finding every match
 * through a filter's index and sorting them all. SQLite has no statistics
 * here (and the library Debian ships keeps no histograms), so it always
 * takes the filter's index: at 20,000 customers "risk_profile=High" sorted
 * by balance sorted 4,667 rows for a page of 50 (5 ms; 17 ms for
 * account_status=Active sorted by name), and 50 times that at a million.
 *
 * The walk reads about (offset + limit) * rows / matches index entries; the
 * sort reads and orders all matches, each about ten times the cost of an
 * entry walked (measured: 0.2 against 2 µs). The walk is chosen when it
 * reads fewer than four times as many entries as there are matches. It
 * applies to the field filters only (risk, status, age; gender has no
 * index anyway), not to a search or a product held, and not to a sort by
 * age, which the risk and status indexes already serve. `rows` is the
 * largest rowid: no scan, and close enough to the count for this. */
static bool sort_by_scan(tl_store *st, const tl_customer_query *q, long long matches)
{
    if ((q->search && *q->search) || q->holds || q->sort == TL_CSORT_AGE)
        return false;
    if (!q->risk_profile && !q->account_status && q->age_min < 0 && q->age_max < 0)
        return false;
    long long rows = 0;
    if (matches <= 0 ||
        tl__store_scalar(st, "SELECT max(rowid) FROM customers", &rows, "count customers",
                         NULL) != TL_OK)
        return false;
    double offset = q->offset > 0 ? (double)q->offset : 0;
    double walked = (offset + q->limit) * (double)rows / (double)matches;
    return walked < 4.0 * (double)matches;
}

/* The search as one FTS5 phrase: inside double quotes, with any double
 * quote doubled, so no character of it is query syntax. */
static char *fts_phrase(const char *search)
{
    size_t n = strlen(search);
    char *p = malloc(2 * n + 3);
    if (!p)
        return NULL;
    size_t j = 0;
    p[j++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (search[i] == '"')
            p[j++] = '"';
        p[j++] = search[i];
    }
    p[j++] = '"';
    p[j] = '\0';
    return p;
}

/* Escapes LIKE wildcards so a search for "50%" means the text "50%". */
static char *like_pattern(const char *search)
{
    size_t n = strlen(search);
    char *p = malloc(2 * n + 3);
    if (!p)
        return NULL;
    size_t j = 0;
    p[j++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (search[i] == '%' || search[i] == '_' || search[i] == '\\')
            p[j++] = '\\';
        p[j++] = search[i];
    }
    p[j++] = '%';
    p[j] = '\0';
    return p;
}

static void bind_query(sqlite3_stmt *s, const tl_customer_query *q, const char *like,
                       const char *fts)
{
    int i;
    if (like && (i = sqlite3_bind_parameter_index(s, ":like")))
        sqlite3_bind_text(s, i, like, -1, SQLITE_STATIC);
    if (fts && (i = sqlite3_bind_parameter_index(s, ":fts")))
        sqlite3_bind_text(s, i, fts, -1, SQLITE_STATIC);
    if (q->risk_profile && (i = sqlite3_bind_parameter_index(s, ":risk")))
        sqlite3_bind_text(s, i, q->risk_profile, -1, SQLITE_STATIC);
    if (q->gender && (i = sqlite3_bind_parameter_index(s, ":gender")))
        sqlite3_bind_text(s, i, q->gender, -1, SQLITE_STATIC);
    if (q->account_status && (i = sqlite3_bind_parameter_index(s, ":status")))
        sqlite3_bind_text(s, i, q->account_status, -1, SQLITE_STATIC);
    if (q->holds && (i = sqlite3_bind_parameter_index(s, ":holds")))
        sqlite3_bind_text(s, i, q->holds, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(s, ":amin")))
        sqlite3_bind_int(s, i, q->age_min);
    if ((i = sqlite3_bind_parameter_index(s, ":amax")))
        sqlite3_bind_int(s, i, q->age_max);
}

int tl_store_customers_list(tl_store *st, const tl_customer_query *q, tl_customer_cb cb,
                            void *ctx, long long *total, tl_err *err)
{
    static const char *const order_cols[] = {"id", "name", "age", "balance", "rowid"};
    char where[512], sql[1024];
    where_clause(q, false, where, sizeof where);
    char *like = NULL, *fts = NULL;
    if (q->search && *q->search &&
        (!(like = like_pattern(q->search)) || !(fts = fts_phrase(q->search)))) {
        free(like);
        return tl_err_set(err, TL_ENOMEM, "out of memory");
    }
    int rc = TL_OK;
    sqlite3_stmt *s = NULL;
    if (total) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM customers%s", where);
        if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
            rc = tl__store_fail(st, err, "count customers");
            goto done;
        }
        bind_query(s, q, like, fts);
        if (sqlite3_step(s) != SQLITE_ROW) {
            rc = tl__store_fail(st, err, "count customers");
            goto done;
        }
        *total = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        s = NULL;
    }
    if (total && sort_by_scan(st, q, *total))
        where_clause(q, true, where, sizeof where);
    unsigned sort = (unsigned)q->sort < 5 ? (unsigned)q->sort : 0;
    snprintf(sql, sizeof sql,
             "SELECT " CUSTOMER_COLS " FROM customers%s ORDER BY %s %s, rowid LIMIT %d OFFSET %lld",
             where, order_cols[sort], q->descending ? "DESC" : "ASC", q->limit,
             q->offset < 0 ? 0 : q->offset);
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        rc = tl__store_fail(st, err, "list customers");
        goto done;
    }
    bind_query(s, q, like, fts);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        tl_customer c;
        row_borrow(s, &c);
        if (cb(ctx, &c))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list customers");
done:
    sqlite3_finalize(s);
    free(like);
    free(fts);
    return rc;
}

int tl_store_customers_each_doc(tl_store *st, int (*cb)(void *ctx, const char *doc), void *ctx,
                                tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT doc FROM customers ORDER BY rowid", -1, &s, NULL) !=
        SQLITE_OK)
        return tl__store_fail(st, err, "list customers");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0)))
            break;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list customers");
    sqlite3_finalize(s);
    return rc;
}

int tl_store_customers_each_segment(tl_store *st,
                                    int (*cb)(void *ctx, const char *id, int age,
                                              const char *risk_profile),
                                    void *ctx, tl_err *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "SELECT id, age, risk_profile FROM customers", -1, &s,
                           NULL) != SQLITE_OK)
        return tl__store_fail(st, err, "list customers");
    int step, rc = TL_OK;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int age = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 1);
        if (cb(ctx, (const char *)sqlite3_column_text(s, 0), age,
               (const char *)sqlite3_column_text(s, 2)))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = tl__store_fail(st, err, "list customers");
    sqlite3_finalize(s);
    return rc;
}
