/* cmd_import.c — `tailor import`: files into a store, all or nothing. */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ingest/import.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor import --db FILE --seed DIR\n\n"
            "Imports data into the store FILE (created if missing). Every file of one\n"
            "invocation is imported in one transaction: if any record is bad, nothing is\n"
            "written and the error names the file, line and column (or row and field).\n"
            "Importing the same files again changes nothing; changed records are updated.\n\n"
            "  --db FILE     the store (SQLite) to import into\n"
            "  --seed DIR    the prototype's four JSON files: customer_profile.json,\n"
            "                customer_monthly_transaction_insights.json,\n"
            "                non_contradictory_social_media_posts.json, products.json\n"
            "  --quiet       print no summary\n"
            "  --help        this text\n\n"
            "File formats: docs/formats.md.\n");
}

int tl_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},   {"seed", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *db = NULL, *seed = NULL;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 's': seed = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind != argc || !seed) {
        fprintf(stderr, "tailor import: %s\n",
                !db ? "--db FILE is required" : optind != argc ? "unexpected argument"
                                                               : "nothing to import: give --seed DIR");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    tl_source *sources[16];
    size_t n = 0;
    tl_err err;
    tl_err_clear(&err);
    if (tl_seed_sources(seed, sources, &n, &err)) {
        fprintf(stderr, "tailor import: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    tl_import_counts counts;
    if (tl_import_run(db, sources, n, isatty(STDERR_FILENO), &counts, &err)) {
        fprintf(stderr, "tailor import: %s (nothing was imported)\n", err.msg);
        return TL_EXIT_FAIL;
    }
    if (!quiet) {
        for (int k = 0; k < TL_KIND_COUNT; k++)
            if (counts.read[k] || counts.changed[k])
                printf("%-13s %10lld read %10lld written\n", tl_kind_name((tl_kind)k),
                       counts.read[k], counts.changed[k]);
    }
    return TL_EXIT_OK;
}
