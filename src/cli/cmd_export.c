/* cmd_export.c — `tailor export`: tables for analysts, pseudonymised. */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "govern/export.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor export --db FILE --out DIR --pseudonymise [--format csv|jsonl]\n"
            "                     [--key-file FILE]\n"
            "       tailor export --db FILE --out DIR --full [--format csv|jsonl]\n\n"
            "Writes customers, monthly totals, transactions, holdings, events, consent and\n"
            "channel opt-outs as one file per table into DIR. With --pseudonymise every\n"
            "customer ID becomes a keyed hash (the same in every file, so tables still\n"
            "join); names, e-mails, phones, the stored record documents, posts, transaction\n"
            "IDs, merchants and idempotency keys are left out, and age becomes a band\n"
            "(18-24 ... 65+).\n"
            "Refuses to run without --pseudonymise unless --full asks for raw data.\n\n"
            "  --db FILE          the store\n"
            "  --out DIR          output folder (created if missing)\n"
            "  --pseudonymise     pseudonymised export (for analysts)\n"
            "  --full             every column and real IDs, posts included\n"
            "  --format F         csv (default) or jsonl\n"
            "  --key-file FILE    hash key (at least 16 bytes); default: the store's own\n"
            "                     secret, so exports of one store link across runs\n"
            "  --help             this text\n");
}

static int read_key(const char *path, unsigned char *key, size_t size, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    *len = fread(key, 1, size, f);
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

int tl_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},     {"out", required_argument, NULL, 'o'},
        {"pseudonymise", no_argument, NULL, 'p'}, {"pseudonymize", no_argument, NULL, 'p'},
        {"full", no_argument, NULL, 'F'},         {"format", required_argument, NULL, 'f'},
        {"key-file", required_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *db = NULL, *key_file = NULL;
    tl_export_opts o = {.progress = true};
    int pseudo = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'o': o.out_dir = optarg; break;
        case 'p': pseudo = 1; break;
        case 'F': o.full = true; break;
        case 'k': key_file = optarg; break;
        case 'f':
            if (strcmp(optarg, "csv") && strcmp(optarg, "jsonl")) {
                fprintf(stderr, "tailor export: --format: expected csv or jsonl, got \"%s\"\n",
                        optarg);
                return TL_EXIT_USAGE;
            }
            o.jsonl = strcmp(optarg, "jsonl") == 0;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    const char *problem = !db              ? "--db FILE is required"
                          : !o.out_dir     ? "--out DIR is required"
                          : optind != argc ? "unexpected argument"
                          : pseudo && o.full ? "--pseudonymise and --full exclude each other"
                          : !pseudo && !o.full
                              ? "refusing to export raw customer data: give --pseudonymise "
                                "(or --full to export everything, identities included)"
                          : o.full && key_file ? "--key-file applies to --pseudonymise only"
                                               : NULL;
    if (problem) {
        fprintf(stderr, "tailor export: %s\n", problem);
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    unsigned char key[256];
    size_t key_len = 0;
    if (key_file) {
        if (read_key(key_file, key, sizeof key, &key_len)) {
            fprintf(stderr, "tailor export: --key-file: cannot read %s\n", key_file);
            return TL_EXIT_FAIL;
        }
        if (key_len < 16) {
            fprintf(stderr, "tailor export: --key-file: %s holds %zu bytes; at least 16 needed\n",
                    key_file, key_len);
            return TL_EXIT_FAIL;
        }
        o.key = key;
        o.key_len = key_len;
    }
    tl_err err;
    tl_err_clear(&err);
    tl_store *st = NULL;
    tl_export_stats stats;
    int rc = tl_store_open(db, 0, &st, &err);
    if (!rc)
        rc = tl_govern_export(st, &o, &stats, &err);
    tl_store_close(st);
    if (rc) {
        fprintf(stderr, "tailor export: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    printf("exported %zu tables, %lld rows, %s, to %s\n", stats.tables, stats.rows,
           o.full ? "with identities (--full)" : "pseudonymised", o.out_dir);
    return TL_EXIT_OK;
}
