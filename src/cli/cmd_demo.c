/* cmd_demo.c — `tailor demo`: generate a synthetic bank, import it, serve
 * it. What `make run` does. */
#include "cli/commands.h"
#include "cli/serve_loop.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"
#include "ingest/import.h"
#include "ingest/table.h"
#include "synth/synth.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor demo [--customers N] [--seed S] [--db FILE] [--port N] [--host ADDR]\n\n"
            "Generates a synthetic bank (customers, raw transactions, posts, a product\n"
            "catalogue with reviews, holdings), imports it into FILE and serves it.\n"
            "The same seed always gives the same bank.\n\n"
            "  --customers N   customers to generate (default 2000)\n"
            "  --seed S        random seed (default 42)\n"
            "  --db FILE       store to create (default tailor-demo.db; replaced)\n"
            "  --port N        TCP port (default 8000)\n"
            "  --host ADDR     address to bind (default 127.0.0.1; any other address needs\n"
            "                  API tokens in TAILOR_TOKENS, see `tailor serve --help`)\n"
            "  --no-serve      generate and import, then exit\n"
            "  --help          this text\n");
}

static const struct {
    const char *file;
    tl_kind kind;
} demo_files[] = {
    {"customers.csv", TL_KIND_CUSTOMERS}, {"products.json", TL_KIND_PRODUCTS},
    {"reviews.csv", TL_KIND_REVIEWS},     {"holdings.csv", TL_KIND_HOLDINGS},
    {"transactions.csv", TL_KIND_TRANSACTIONS}, {"monthly.csv", TL_KIND_MONTHLY},
    {"posts.csv", TL_KIND_POSTS},
};

/* Imports every generated file present in dir into db. */
static int import_dir(const char *dir, const char *db, tl_err *err)
{
    tl_source *sources[16];
    size_t n = 0;
    int rc = TL_OK;
    for (size_t i = 0; i < sizeof demo_files / sizeof *demo_files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, demo_files[i].file);
        if (access(path, R_OK) != 0)
            continue;
        /* products.json is in the prototype's array shape; the rest are CSV. */
        rc = strstr(path, ".json") ? tl_seed_source_open(demo_files[i].kind, path, &sources[n], err)
                                   : tl_table_source_open(demo_files[i].kind, path, &sources[n], err);
        if (rc)
            break;
        n++;
    }
    if (rc) {
        for (size_t i = 0; i < n; i++)
            sources[i]->destroy(sources[i]);
        return rc;
    }
    return tl_import_run(db, sources, n, isatty(STDERR_FILENO), NULL, err);
}

int tl_cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"customers", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'},
        {"db", required_argument, NULL, 'd'},        {"port", required_argument, NULL, 'p'},
        {"host", required_argument, NULL, 'H'},      {"no-serve", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    tl_synth_opts sy;
    tl_synth_opts_default(&sy);
    sy.customers = 2000;
    sy.raw_transactions = true;
    sy.progress = isatty(STDERR_FILENO);
    tl_server_opts so;
    tl_server_opts_default(&so);
    so.db_path = "tailor-demo.db";
    int serve = 1, c;
    int64_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (!tl_parse_i64(optarg, &v) || v < 1 || v > 10000000) {
                fprintf(stderr, "tailor demo: --customers: expected 1..10000000, got \"%s\"\n",
                        optarg);
                return TL_EXIT_USAGE;
            }
            sy.customers = (size_t)v;
            break;
        case 's':
            if (!tl_parse_i64(optarg, &v) || v < 0) {
                fprintf(stderr, "tailor demo: --seed: expected a non-negative integer\n");
                return TL_EXIT_USAGE;
            }
            sy.seed = (uint64_t)v;
            break;
        case 'd': so.db_path = optarg; break;
        case 'p':
            if (!tl_parse_i64(optarg, &v) || v < 0 || v > 65535) {
                fprintf(stderr, "tailor demo: --port: expected 0..65535, got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            so.port = (int)v;
            break;
        case 'H': so.host = optarg; break;
        case 'x': serve = 0; break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "tailor demo: unexpected argument \"%s\"\n", argv[optind]);
        return TL_EXIT_USAGE;
    }
    char dir[] = "/tmp/tailor-demo-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("tailor demo: temporary directory");
        return TL_EXIT_FAIL;
    }
    tl_err err;
    tl_err_clear(&err);
    printf("tailor: generating a synthetic bank of %zu customers (seed %llu)\n", sy.customers,
           (unsigned long long)sy.seed);
    fflush(stdout);
    /* A demo store is rebuilt from scratch each time: remove the old one. */
    char side[4200];
    unlink(so.db_path);
    snprintf(side, sizeof side, "%s-wal", so.db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", so.db_path);
    unlink(side);
    int rc = tl_synth_generate(&sy, dir, &err);
    if (!rc)
        rc = import_dir(dir, so.db_path, &err);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "tailor demo: could not remove %s\n", dir);
    if (rc) {
        fprintf(stderr, "tailor demo: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    printf("tailor: demo bank stored in %s\n", so.db_path);
    if (!serve)
        return TL_EXIT_OK;
    /* TAILOR_TOKENS (environment or .env) protects the demo like `serve`. */
    tl_tokens *tokens;
    if ((rc = tl_serve_load_tokens("demo", NULL, &tokens)))
        return rc;
    so.tokens = tokens;
    rc = tl_serve_until_signal(&so, "try: /api/v1/customers, /openapi.json, /healthz");
    tl_tokens_free(tokens);
    return rc;
}
