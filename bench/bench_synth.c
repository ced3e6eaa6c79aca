/* bench_synth.c — how fast the synthetic bank is written, against a peer
 * measured in the same run: copying the very files it produced with plain
 * fread/fwrite (1 MiB buffer), i.e. the cost of just moving those bytes
 * through the page cache. The ratio says how close generation comes to
 * raw I/O speed.
 *
 * usage: bench_synth [--customers N] [--months M] [--raw] [--seed S]
 *                    [--dir DIR] [--keep]
 * Defaults: 100,000 customers, monthly aggregates, 18 months, in a fresh
 * directory under $TMPDIR (or /tmp) that is removed afterwards unless
 * --keep. */
#include "synth/synth.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const names[] = {"customers.csv", "products.json", "reviews.csv",
                                    "posts.csv",     "holdings.csv",  "transactions.csv",
                                    "monthly.csv"};

/* Copies src to dst with fread/fwrite; returns bytes copied or -1. */
static long long copy_file(const char *src, const char *dst, char *buf, size_t cap)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    FILE *out = fopen(dst, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    long long total = 0;
    size_t n;
    while ((n = fread(buf, 1, cap, in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            total = -1;
            break;
        }
        total += (long long)n;
    }
    fclose(in);
    if (fclose(out) != 0)
        total = -1;
    return total;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_synth [--customers N] [--months M] [--raw] [--seed S] [--dir DIR] "
               "[--keep]\n");
}

int main(int argc, char **argv)
{
    tl_synth_opts o;
    tl_synth_opts_default(&o);
    o.customers = 100000;
    o.raw_transactions = false;
    o.progress = true;
    const char *dir_arg = NULL;
    int keep = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--customers") && v) {
            o.customers = (size_t)strtoull(v, NULL, 10);
            i++;
        } else if (!strcmp(a, "--months") && v) {
            o.months = (int)strtol(v, NULL, 10);
            i++;
        } else if (!strcmp(a, "--seed") && v) {
            o.seed = strtoull(v, NULL, 10);
            i++;
        } else if (!strcmp(a, "--dir") && v) {
            dir_arg = v;
            i++;
        } else if (!strcmp(a, "--raw")) {
            o.raw_transactions = true;
        } else if (!strcmp(a, "--keep")) {
            keep = 1;
        } else {
            usage(stderr);
            return 2;
        }
    }

    char dir[4096];
    if (dir_arg) {
        snprintf(dir, sizeof dir, "%s", dir_arg);
        if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "bench_synth: %s: %s\n", dir, strerror(errno));
            return 1;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/bench-synth-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            fprintf(stderr, "bench_synth: mkdtemp: %s\n", strerror(errno));
            return 1;
        }
    }

    tl_err err;
    tl_err_clear(&err);
    tl_synth_stats st;
    double t0 = now_s();
    int rc = tl_synth_generate_stats(&o, dir, &st, &err);
    double gen_s = now_s() - t0;
    if (rc) {
        fprintf(stderr, "bench_synth: %s\n", err.msg);
        return 1;
    }
    uint64_t rows = st.customers + st.reviews + st.posts + st.holdings + st.transactions +
                    st.monthly;
    double mib = (double)st.bytes / (1024.0 * 1024.0);

    /* The peer: copy every produced file next to itself. */
    size_t cap = 1u << 20;
    char *buf = malloc(cap);
    if (!buf)
        return 1;
    long long copied = 0;
    double t1 = now_s();
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char src[4200], dst[4300];
        snprintf(src, sizeof src, "%s/%s", dir, names[i]);
        snprintf(dst, sizeof dst, "%s.copy", src);
        if (access(src, F_OK) != 0)
            continue;
        long long n = copy_file(src, dst, buf, cap);
        if (n < 0) {
            fprintf(stderr, "bench_synth: copying %s failed\n", src);
            free(buf);
            return 1;
        }
        copied += n;
    }
    double copy_s = now_s() - t1;
    free(buf);
    double copy_mib = (double)copied / (1024.0 * 1024.0);

    printf("synth: %zu customers, %s, %d months\n", o.customers,
           o.raw_transactions ? "raw transactions" : "monthly aggregates", o.months);
    printf("  rows: customers %llu, %s %llu, posts %llu, holdings %llu, reviews %llu\n",
           (unsigned long long)st.customers, o.raw_transactions ? "transactions" : "monthly",
           (unsigned long long)(o.raw_transactions ? st.transactions : st.monthly),
           (unsigned long long)st.posts, (unsigned long long)st.holdings,
           (unsigned long long)st.reviews);
    printf("  generate: %.2f s, %llu rows (%.2f M rows/s), %.1f MiB (%.1f MiB/s)\n", gen_s,
           (unsigned long long)rows, (double)rows / gen_s / 1e6, mib, mib / gen_s);
    printf("  peer (fread/fwrite copy of the same files): %.2f s, %.1f MiB (%.1f MiB/s)\n",
           copy_s, copy_mib, copy_mib / copy_s);
    printf("  ratio generate/peer throughput: %.2f\n", (mib / gen_s) / (copy_mib / copy_s));

    /* Clean up: the copies always, the output unless --keep. */
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%s/%s.copy", dir, names[i]);
        unlink(p);
        if (!keep) {
            snprintf(p, sizeof p, "%s/%s", dir, names[i]);
            unlink(p);
        }
    }
    if (!keep && !dir_arg)
        rmdir(dir);
    else
        printf("  kept in %s\n", dir);
    return 0;
}
