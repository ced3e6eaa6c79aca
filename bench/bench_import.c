/* bench_import.c — how fast `tailor import` takes raw transactions, next
 * to a peer doing less: the sqlite3 shell's `.import` of the same CSV into
 * a plain table (no key, no validation, no monthly totals).
 *
 * usage: bench_import [ROWS] [CUSTOMERS]   (default 1000000 and 1000)
 *
 * Generates customers.csv and transactions.csv in a temporary directory
 * (deterministic, dates spread over 2024, ~10% credits), imports them into
 * a fresh store, imports them again (nothing changes: the re-import
 * path), then runs `sqlite3 DB .import` on the same file. Prints rows/s of
 * each (wall, and per core: rows over CPU seconds), the process's peak RSS
 * after each import, and the ratio. The peer is skipped when sqlite3 is not
 * installed. The product's target is 500,000 rows/s on one core.
 *
 * Then the same for about as many monthly totals (24 a customer, grouped
 * by customer: mcustomers.csv and monthly.csv) into a store of their own,
 * against sqlite3 `.import` of monthly.csv; and for as many feedback events
 * (50 a customer over 2026, 40 products, with channels and idempotency
 * keys: ecustomers.csv, eproducts.csv, events.csv), which the contact
 * policy and the rollout report read. Events have a second peer that
 * writes what tailor writes: the same CSV through the shell into a store
 * of tailor's schema, indexes and unique key included. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ingest/import.h"
#include "ingest/table.h"
#include "store/store.h"

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_of(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t rng_below(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)((rng_state >> 11) % n);
}

/* Writes the two CSV files; returns the transactions file's size or 0. */
static long long generate(const char *dir, long rows, int customers)
{
    static const char *const cats[] = {"Dining", "Travel", "Groceries", "Fuel", "Shopping",
                                       "Utilities", "Health", "Entertainment"};
    static const char *const modes[] = {"Credit Card", "Debit Card", "UPI", "Bank Transfer"};
    char path[4096];
    snprintf(path, sizeof path, "%s/customers.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs("customer_id,first_name,last_name,age,city,balance\n", f);
    for (int i = 0; i < customers; i++)
        fprintf(f, "C%05d,First%d,Last%d,%d,City%d,%d.%02d\n", i, i, i, 20 + i % 60, i % 50,
                i * 10, i % 100);
    fclose(f);
    snprintf(path, sizeof path, "%s/transactions.csv", dir);
    f = fopen(path, "w");
    if (!f)
        return 0;
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("customer_id,txn_id,date,amount,direction,category,merchant,payment_mode\n", f);
    for (long i = 0; i < rows; i++) {
        uint32_t cents = 100 + rng_below(499900);
        fprintf(f, "C%05u,T%08ld,2024-%02u-%02u,%u.%02u,%s,%s,Merchant %u,%s\n",
                rng_below((uint32_t)customers), i, 1 + rng_below(12), 1 + rng_below(28),
                cents / 100, cents % 100, rng_below(10) ? "debit" : "credit",
                cats[rng_below(8)], rng_below(500), modes[rng_below(4)]);
    }
    long long size = ftell(f);
    if (fclose(f) != 0)
        return 0;
    return size;
}

/* Writes mcustomers.csv and monthly.csv: 24 monthly totals (2023-2024)
 * for each of `customers` customers, grouped by customer as exports come.
 * Returns the monthly file's size or 0. */
static long long generate_monthly(const char *dir, int customers)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/mcustomers.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs("customer_id\n", f);
    for (int i = 0; i < customers; i++)
        fprintf(f, "M%05d\n", i);
    if (fclose(f) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/monthly.csv", dir);
    if (!(f = fopen(path, "w")))
        return 0;
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("customer_id,month,total,count\n", f);
    for (int i = 0; i < customers; i++)
        for (int m = 0; m < 24; m++) {
            uint32_t cents = 10000 + rng_below(900000);
            fprintf(f, "M%05d,%d-%02d,%u.%02u,%u\n", i, 2023 + m / 12, 1 + m % 12, cents / 100,
                    cents % 100, 1 + rng_below(60));
        }
    long long size = ftell(f);
    if (fclose(f) != 0)
        return 0;
    return size;
}

/* Writes ecustomers.csv, eproducts.csv and events.csv: 50 events for each
 * of `customers` customers at times over 2026, in no order (as a channel's
 * export comes). Returns the events file's size or 0. */
static long long generate_events(const char *dir, int customers)
{
    static const char *const kinds[] = {"shown", "shown", "shown", "shown", "shown",
                                        "shown", "clicked", "dismissed", "accepted"};
    static const char *const channels[] = {"mobile", "web", "email", "branch"};
    char path[4096];
    snprintf(path, sizeof path, "%s/ecustomers.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs("customer_id\n", f);
    for (int i = 0; i < customers; i++)
        fprintf(f, "E%05d\n", i);
    if (fclose(f) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/eproducts.csv", dir);
    if (!(f = fopen(path, "w")))
        return 0;
    fputs("product_id,name,category\n", f);
    for (int p = 0; p < 40; p++)
        fprintf(f, "P%02d,Product %d,Deposit\n", p, p);
    if (fclose(f) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/events.csv", dir);
    if (!(f = fopen(path, "w")))
        return 0;
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("customer_id,kind,product_id,at,channel,idempotency_key\n", f);
    long n = 0;
    for (int i = 0; i < customers * 50; i++, n++) {
        uint32_t month = 1 + rng_below(12), day = 1 + rng_below(28), sec = rng_below(86400);
        fprintf(f, "E%05u,%s,P%02u,2026-%02u-%02uT%02u:%02u:%02uZ,%s,k%ld\n",
                rng_below((uint32_t)customers), kinds[rng_below(9)], rng_below(40), month, day,
                sec / 3600, sec / 60 % 60, sec % 60, channels[rng_below(4)], n);
    }
    long long size = ftell(f);
    if (fclose(f) != 0)
        return 0;
    return size;
}

/* One `tailor import` of a customers file, an optional products file and
 * one of `kind`; prints a line, returns wall seconds or a negative value
 * on failure. */
static double run_import(const char *label, const char *dir, const char *db, long rows,
                         const char *customers_file, const char *products_file, tl_kind kind,
                         const char *file)
{
    char cpath[4096], ppath[4096], tpath[4096];
    snprintf(cpath, sizeof cpath, "%s/%s", dir, customers_file);
    snprintf(ppath, sizeof ppath, "%s/%s", dir, products_file ? products_file : "");
    snprintf(tpath, sizeof tpath, "%s/%s", dir, file);
    tl_source *src[3];
    size_t n = 0;
    tl_err err;
    tl_err_clear(&err);
    int rc = tl_table_source_open(TL_KIND_CUSTOMERS, cpath, &src[n], &err);
    n += !rc;
    if (!rc && products_file && !(rc = tl_table_source_open(TL_KIND_PRODUCTS, ppath, &src[n],
                                                            &err)))
        n++;
    if (!rc && !(rc = tl_table_source_open(kind, tpath, &src[n], &err)))
        n++;
    if (rc) {
        for (size_t i = 0; i < n; i++)
            src[i]->destroy(src[i]);
        fprintf(stderr, "bench_import: %s\n", err.msg);
        return -1;
    }
    tl_import_counts counts;
    double w0 = wall_now(), c0 = cpu_of(RUSAGE_SELF);
    rc = tl_import_run(db, src, n, false, &counts, &err);
    double w = wall_now() - w0, c = cpu_of(RUSAGE_SELF) - c0;
    if (rc) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        return -1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-22s %7.2f s wall %7.2f s cpu %9.0f rows/s (wall) %9.0f rows/s (cpu)  %lld "
           "written, peak RSS so far %.0f MB\n",
           label, w, c, (double)rows / w, (double)rows / c, counts.changed[kind],
           (double)ru.ru_maxrss / 1024);
    return w;
}

/* Runs a sqlite3 shell command line as a peer, timed: prints its line
 * (`label`) and the wall-time ratio against `ours` (`versus` says against
 * what); returns -1 when there is no working sqlite3 shell. */
static int time_shell_peer(const char *label, const char *versus, const char *cmd, long rows,
                           double ours)
{
    double c0 = cpu_of(RUSAGE_CHILDREN), w0 = wall_now();
    int status = system(cmd);
    double w = wall_now() - w0, c = cpu_of(RUSAGE_CHILDREN) - c0;
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%-22s skipped (no working sqlite3 shell)\n", label);
        return -1;
    }
    printf("%-22s %7.2f s wall %7.2f s cpu %9.0f rows/s (wall) %9.0f rows/s (cpu)\n", label, w,
           c, (double)rows / w, (double)rows / c);
    printf("ratio tailor/sqlite3%s (rows/s, wall): %.2f\n", versus, w / ours);
    return 0;
}

/* The peer: the sqlite3 shell loading `file` into a plain table of a new
 * database, in one transaction. */
static int run_peer(const char *dir, const char *file, const char *db, long rows, double ours)
{
    char cmd[8600];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s/%s' '.mode csv' '.import %s/%s t' >/dev/null 2>&1",
             dir, db, dir, file);
    return time_shell_peer("sqlite3 .import", "", cmd, rows, ours);
}

/* The events peer again, doing the same writes as tailor: into a store of
 * tailor's schema (created empty by the store itself: the events table,
 * its three indexes and its unique key), the sqlite3 shell's `.import` into
 * a scratch table, then INSERT OR IGNORE ... SELECT into events. Still
 * less than tailor: no validation, no tally, foreign keys off. */
static int run_peer_events_schema(const char *dir, long rows, double ours)
{
    char db[4200], cmd[9000];
    snprintf(db, sizeof db, "%s/epeer-schema.db", dir);
    tl_store *st = NULL;
    tl_err err;
    if (tl_store_open(db, TL_STORE_CREATE, &st, &err)) {
        fprintf(stderr, "bench_import: %s\n", err.msg);
        return -1;
    }
    tl_store_close(st);
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' '.mode csv' '.import %s/events.csv scratch' "
             "'INSERT OR IGNORE INTO events(customer_id, kind, product_id, at, channel, "
             "idempotency_key) SELECT customer_id, kind, product_id, at, channel, "
             "idempotency_key FROM scratch' 'DROP TABLE scratch' >/dev/null 2>&1",
             db, dir);
    return time_shell_peer("sqlite3, same schema", " into the same schema", cmd, rows, ours);
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    int customers = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 1000;
    if (rows <= 0 || customers <= 0 || customers > 99999) {
        fprintf(stderr, "usage: bench_import [ROWS] [CUSTOMERS <= 99999]\n");
        return 2;
    }
    char dir[] = "/tmp/tailor-bench-import-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_import: mkdtemp");
        return 1;
    }
    int code = 0;
    double t0 = wall_now();
    long long size = generate(dir, rows, customers);
    if (!size) {
        fprintf(stderr, "bench_import: cannot write the CSV files in %s\n", dir);
        code = 1;
        goto cleanup;
    }
    printf("bench_import: %ld transactions of %d customers, %.1f MB of CSV (generated in "
           "%.1f s)\n",
           rows, customers, (double)size / 1e6, wall_now() - t0);

    char db[4200];
    snprintf(db, sizeof db, "%s/store.db", dir);
    double ours = run_import("tailor import", dir, db, rows, "customers.csv", NULL,
                             TL_KIND_TRANSACTIONS, "transactions.csv");
    if (ours < 0 || run_import("tailor re-import", dir, db, rows, "customers.csv", NULL,
                               TL_KIND_TRANSACTIONS, "transactions.csv") < 0) {
        code = 1;
        goto cleanup;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-22s %7.0f MB peak RSS (this process)\n", "", (double)ru.ru_maxrss / 1024);
    if (run_peer(dir, "transactions.csv", "peer.db", rows, ours) < 0)
        goto cleanup;

    /* Monthly totals (the prototype's insights): as many rows, 24 a
     * customer, grouped by customer, into a store of their own. */
    int mcust = (int)(rows / 24 > 99999 ? 99999 : rows / 24 > 0 ? rows / 24 : 1);
    long mrows = 24L * mcust;
    t0 = wall_now();
    size = generate_monthly(dir, mcust);
    if (!size) {
        fprintf(stderr, "bench_import: cannot write the monthly CSV files in %s\n", dir);
        code = 1;
        goto cleanup;
    }
    printf("\nbench_import: %ld monthly totals of %d customers, %.1f MB of CSV (generated in "
           "%.1f s)\n",
           mrows, mcust, (double)size / 1e6, wall_now() - t0);
    snprintf(db, sizeof db, "%s/monthly.db", dir);
    ours = run_import("tailor import", dir, db, mrows, "mcustomers.csv", NULL, TL_KIND_MONTHLY,
                      "monthly.csv");
    if (ours < 0) {
        code = 1;
        goto cleanup;
    }
    run_peer(dir, "monthly.csv", "mpeer.db", mrows, ours);

    /* Feedback events: as many rows, 50 a customer, into a store of their
     * own; the re-import finds every key stored and writes nothing. */
    int ecust = (int)(rows / 50 > 99999 ? 99999 : rows / 50 > 0 ? rows / 50 : 1);
    long erows = 50L * ecust;
    t0 = wall_now();
    size = generate_events(dir, ecust);
    if (!size) {
        fprintf(stderr, "bench_import: cannot write the events CSV files in %s\n", dir);
        code = 1;
        goto cleanup;
    }
    printf("\nbench_import: %ld events of %d customers, %.1f MB of CSV (generated in %.1f s)\n",
           erows, ecust, (double)size / 1e6, wall_now() - t0);
    snprintf(db, sizeof db, "%s/events.db", dir);
    ours = run_import("tailor import", dir, db, erows, "ecustomers.csv", "eproducts.csv",
                      TL_KIND_EVENTS, "events.csv");
    if (ours < 0 || run_import("tailor re-import", dir, db, erows, "ecustomers.csv",
                               "eproducts.csv", TL_KIND_EVENTS, "events.csv") < 0) {
        code = 1;
        goto cleanup;
    }
    run_peer(dir, "events.csv", "epeer.db", erows, ours);

    run_peer_events_schema(dir, erows, ours);

cleanup:;
    char rm[4300];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    if (system(rm) != 0)
        fprintf(stderr, "bench_import: could not remove %s\n", dir);
    return code;
}
