/* customers.h — the customers table: typed columns for search, sort and
 * segments, plus the whole record as received (`doc`, a JSON object). */
#ifndef TL_STORE_CUSTOMERS_H
#define TL_STORE_CUSTOMERS_H

#include <stdbool.h>

#include "store/store.h"

/* One customer. Strings are borrowed when passed in (the caller keeps them
 * alive for the call) and malloc'd when returned (free with
 * tl_customer_free). Unknown numbers are NAN, unknown age is -1. */
typedef struct tl_customer {
    char *id;
    char *name;            /* "First Last"; PII */
    char *gender;
    int age;
    char *city, *country;
    double balance;
    char *currency;
    double income;         /* monthly income, NAN if unknown */
    char *risk_profile;
    char *account_status;
    char *doc;             /* JSON object text */
} tl_customer;

/* Frees the strings of a returned customer (not the struct). Accepts NULL. */
void tl_customer_free(tl_customer *c);

/* Inserts or updates by id; *changed (may be NULL) tells whether a row was
 * written: re-importing an identical record writes nothing. */
/* IDs that begin like an erased customer's audit subject are refused:
 * erasure could not tell them from a pseudonym (store/audit.h). */
#define TL_CUSTOMER_ID_RESERVED "ids beginning with \"erased:\" are reserved for erased " \
                                "customers' audit entries"
bool tl_customer_id_reserved(const char *id);

int tl_store_customer_upsert(tl_store *st, const tl_customer *c, bool *changed, tl_err *err);

/* The number of customers in the store. */
int tl_store_customers_count(tl_store *st, long long *n, tl_err *err);

/* Bulk writes of customers, inside a transaction: pause drops the
 * triggers that keep the search index in step, resume rebuilds the index
 * from the table in one sweep and restores them. Each row's trigger would
 * otherwise flush the index's pending terms at the end of its statement
 * (FTS5 does at every savepoint) and merge segments without end: 300,000
 * customers took 15 s that way. */
int tl_store_customer_search_pause(tl_store *st, tl_err *err);
int tl_store_customer_search_resume(tl_store *st, tl_err *err);

/* Reads one customer into *out (owned by the caller); TL_ENOTFOUND when
 * absent. */
int tl_store_customer_get(tl_store *st, const char *id, tl_customer *out, tl_err *err);

int tl_store_customer_exists(tl_store *st, const char *id, bool *exists, tl_err *err);

/* Paged listing. */
typedef enum tl_customer_sort {
    TL_CSORT_ID, TL_CSORT_NAME, TL_CSORT_AGE, TL_CSORT_BALANCE, TL_CSORT_INSERTION
} tl_customer_sort;

typedef struct tl_customer_query {
    const char *search;       /* substring of id, name or city; NULL for all */
    const char *risk_profile; /* exact, or NULL */
    const char *gender;       /* exact, or NULL */
    const char *account_status; /* exact ("Active", "Dormant"), or NULL: activity segment */
    const char *holds;        /* product id the customer holds, or NULL */
    int age_min, age_max;     /* inclusive; -1 for no bound */
    tl_customer_sort sort;
    bool descending;
    long long offset;
    int limit;                /* 1..1000 */
} tl_customer_query;

/* Called once per row; the customer's strings are valid during the call
 * only. Return non-zero to stop. */
typedef int (*tl_customer_cb)(void *ctx, const tl_customer *c);

/* Runs the query, calling cb for each row of the page, and writes the
 * number of rows matching (all pages) to *total when not NULL. */
int tl_store_customers_list(tl_store *st, const tl_customer_query *q, tl_customer_cb cb,
                            void *ctx, long long *total, tl_err *err);

/* Visits every customer's doc in insertion order (for the prototype's
 * /all_customers_data). `doc` valid during the call only. */
int tl_store_customers_each_doc(tl_store *st, int (*cb)(void *ctx, const char *doc), void *ctx,
                                tl_err *err);

/* Visits every customer's ID, age (-1 when unknown) and risk profile (may
 * be NULL), in no particular order: what a segment is made of. */
int tl_store_customers_each_segment(tl_store *st,
                                    int (*cb)(void *ctx, const char *id, int age,
                                              const char *risk_profile),
                                    void *ctx, tl_err *err);

#endif
