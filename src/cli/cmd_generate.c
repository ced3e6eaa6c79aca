/* cmd_generate.c — `tailor generate`: writes a synthetic bank as files
 * that `tailor import` reads (see src/synth/synth.h, docs/synth.md). */
#include "base/month.h"
#include "base/str.h"
#include "cli/commands.h"
#include "synth/synth.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: tailor generate --out DIR [--customers N] [--months M] [--seed S]\n"
            "                       [--end-month YYYY-MM] [--monthly-only] [--quiet]\n"
            "\n"
            "Writes a realistic synthetic bank into DIR (created if missing), as files\n"
            "`tailor import` reads (docs/formats.md):\n"
            "  customers.csv      profiles: name, age, city, income, balance, risk, ...\n"
            "  products.json      the bank's ~40 products in the prototype's shape\n"
            "  reviews.csv        extra product reviews with 1-5 ratings\n"
            "  posts.csv          0-6 social-media posts per customer\n"
            "  holdings.csv       0-3 products per customer, within eligibility\n"
            "  transactions.csv   every debit and credit (default), or\n"
            "  monthly.csv        monthly spending totals and counts (--monthly-only)\n"
            "Files of those names in DIR are replaced; nothing else is touched.\n"
            "\n"
            "options:\n"
            "  --out DIR          output directory (required)\n"
            "  --customers N      number of customers, 1 to 100000000 (default 1000)\n"
            "  --months M         months of history, 12 to 24 (default 18)\n"
            "  --end-month YYYY-MM  last month of history (default 2026-10)\n"
            "  --seed S           random seed; the same options give identical files\n"
            "                     (default 42)\n"
            "  --monthly-only     write monthly aggregates instead of raw transactions;\n"
            "                     much faster and smaller, same totals\n"
            "  --quiet            no progress bar (it is shown only on a terminal anyway)\n"
            "  -h, --help         this text\n"
            "\n"
            "Scale: a million customers with --monthly-only, or a hundred thousand with\n"
            "raw transactions (tens of millions of rows), take seconds to a minute.\n"
            "Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error.\n");
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "tailor generate: MESSAGE" and a pointer to --help; returns the
 * usage exit code. */
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tailor generate: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'tailor generate --help'.\n");
    va_end(ap);
    return TL_EXIT_USAGE;
}

/* mkdir -p: creates `dir` and missing parents. Returns 0 or an errno. */
static int make_dirs(const char *dir)
{
    char path[4096];
    if (tl_strlcpy(path, dir, sizeof path) >= sizeof path)
        return ENAMETOOLONG;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return errno;
        *p = '/';
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return errno;
    struct stat st;
    if (stat(path, &st) != 0)
        return errno;
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

int tl_cmd_generate(int argc, char **argv)
{
    enum { OPT_OUT = 1000, OPT_CUSTOMERS, OPT_MONTHS, OPT_SEED, OPT_END, OPT_MONTHLY, OPT_QUIET };
    static const struct option longopts[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"customers", required_argument, NULL, OPT_CUSTOMERS},
        {"months", required_argument, NULL, OPT_MONTHS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"end-month", required_argument, NULL, OPT_END},
        {"monthly-only", no_argument, NULL, OPT_MONTHLY},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    tl_synth_opts o;
    tl_synth_opts_default(&o);
    o.progress = true;
    const char *out = NULL;
    int64_t v;

    optind = 0; /* GNU: full re-initialisation, argv[0] is the subcommand */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_CUSTOMERS:
            if (!tl_parse_i64(optarg, &v) || v < 1 || v > 100000000)
                return usage_error("--customers must be a whole number from 1 to 100000000, "
                                   "not '%s'",
                                   optarg);
            o.customers = (size_t)v;
            break;
        case OPT_MONTHS:
            if (!tl_parse_i64(optarg, &v) || v < 12 || v > 24)
                return usage_error("--months must be a whole number from 12 to 24, not '%s'",
                                   optarg);
            o.months = (int)v;
            break;
        case OPT_SEED:
            if (!tl_parse_i64(optarg, &v) || v < 0)
                return usage_error("--seed must be a non-negative whole number, not '%s'", optarg);
            o.seed = (uint64_t)v;
            break;
        case OPT_END: {
            int idx;
            if (!tl_month_parse(optarg, &idx) || idx < 1990 * 12 || idx > 2200 * 12)
                return usage_error("--end-month must be a month like 2026-10, not '%s'", optarg);
            o.end_month_index = idx;
            break;
        }
        case OPT_MONTHLY:
            o.raw_transactions = false;
            break;
        case OPT_QUIET:
            o.progress = false;
            break;
        case 'h':
            help(stdout);
            return TL_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!out || !*out)
        return usage_error("--out DIR is required");

    int e = make_dirs(out);
    if (e) {
        fprintf(stderr, "tailor generate: %s: %s\n", out, strerror(e));
        return TL_EXIT_FAIL;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tl_err err;
    tl_err_clear(&err);
    tl_synth_stats st;
    if (tl_synth_generate_stats(&o, out, &st, &err) != TL_OK) {
        fprintf(stderr, "tailor generate: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("wrote %llu customers, %llu products, %llu reviews, %llu posts, %llu holdings and "
           "%llu %s to %s (%.1f MiB) in %.1f s\n",
           (unsigned long long)st.customers, (unsigned long long)st.products,
           (unsigned long long)st.reviews, (unsigned long long)st.posts,
           (unsigned long long)st.holdings,
           (unsigned long long)(o.raw_transactions ? st.transactions : st.monthly),
           o.raw_transactions ? "transactions" : "monthly totals", out,
           (double)st.bytes / (1024.0 * 1024.0), secs);
    return TL_EXIT_OK;
}
