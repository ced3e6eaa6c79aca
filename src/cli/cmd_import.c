/* cmd_import.c — `tailor import`: files into a store, all or nothing. */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/import.h"
#include "ingest/table.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor import --db FILE [--seed DIR]... [--KIND FILE]...\n\n"
            "Imports data into the store FILE (created if missing). Every file of one\n"
            "invocation is imported in one transaction: if any record is bad, nothing is\n"
            "written and the error names the file, line and column (or row and field).\n"
            "Importing the same files again changes nothing; changed records are updated.\n\n"
            "  --db FILE              the store (SQLite) to import into\n"
            "  --seed DIR             the prototype's four JSON files: customer_profile.json,\n"
            "                         customer_monthly_transaction_insights.json,\n"
            "                         non_contradictory_social_media_posts.json, products.json\n"
            "  --customers FILE       customer profiles\n"
            "  --products FILE        the product catalogue\n"
            "  --reviews FILE         product reviews\n"
            "  --holdings FILE        products customers hold\n"
            "  --monthly FILE         monthly spending totals (the prototype's insights)\n"
            "  --transactions FILE    raw transactions (monthly totals are recomputed)\n"
            "  --posts FILE           social-media posts\n"
            "  --consent FILE         consent per customer: customer_id, personalisation,\n"
            "                         social_data, llm (true/false, yes/no, 1/0,\n"
            "                         granted/withdrawn; a missing field keeps the current\n"
            "                         value); each change is audited\n"
            "  --events FILE          feedback on offers: customer_id, kind (shown, clicked,\n"
            "                         accepted, dismissed), product_id (required for\n"
            "                         accepted and dismissed), at (ISO-8601; default now),\n"
            "                         channel, idempotency_key (a key already stored is\n"
            "                         skipped); an acceptance becomes a holding\n"
            "  --optouts FILE         channels customers opted out of: customer_id,\n"
            "                         channel, opted_out (yes, the default; no opts back\n"
            "                         in); no offers are served on such a channel; each\n"
            "                         change is audited\n"
            "  --quiet                print no summary\n"
            "  --help                 this text\n\n"
            "Each option may be given more than once. A FILE is CSV (.csv, with a header\n"
            "row), JSON Lines (.jsonl or .ndjson) or a JSON array of records (.json).\n"
            "Fields and formats: docs/formats.md.\n");
}

/* A growable list of sources; frees what it holds on failure. */
typedef struct source_list {
    tl_source **v;
    size_t n, cap;
} source_list;

/* Makes room for `more` sources. */
static int reserve(source_list *l, size_t more)
{
    if (l->n + more <= l->cap)
        return TL_OK;
    size_t cap = l->cap ? l->cap * 2 : 16;
    while (cap < l->n + more)
        cap *= 2;
    tl_source **v = realloc(l->v, cap * sizeof *v);
    if (!v)
        return TL_ENOMEM;
    l->v = v;
    l->cap = cap;
    return TL_OK;
}

static void list_free(source_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        l->v[i]->destroy(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

enum { OPT_SEED = 's', OPT_DB = 'd', OPT_QUIET = 'q', OPT_HELP = 'h', OPT_KIND = 1000 };

/* What to import, in the order given: a seed directory (kind < 0) or a
 * file of one kind. */
typedef struct input {
    int kind;
    const char *path;
} input;

/* Opens the sources of every input into `list`. */
static int open_inputs(const input *in, size_t n, source_list *list, tl_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (reserve(list, in[i].kind < 0 ? 5 : 1))
            return tl_err_set(err, TL_ENOMEM, "out of memory");
        int rc = in[i].kind < 0 ? tl_seed_sources(in[i].path, list->v, &list->n, err)
                                : tl_table_source_open((tl_kind)in[i].kind, in[i].path,
                                                       &list->v[list->n], err);
        if (rc)
            return rc;
        if (in[i].kind >= 0)
            list->n++;
    }
    return TL_OK;
}

int tl_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"seed", required_argument, NULL, OPT_SEED},
        {"customers", required_argument, NULL, OPT_KIND + TL_KIND_CUSTOMERS},
        {"products", required_argument, NULL, OPT_KIND + TL_KIND_PRODUCTS},
        {"reviews", required_argument, NULL, OPT_KIND + TL_KIND_REVIEWS},
        {"holdings", required_argument, NULL, OPT_KIND + TL_KIND_HOLDINGS},
        {"monthly", required_argument, NULL, OPT_KIND + TL_KIND_MONTHLY},
        {"transactions", required_argument, NULL, OPT_KIND + TL_KIND_TRANSACTIONS},
        {"posts", required_argument, NULL, OPT_KIND + TL_KIND_POSTS},
        {"consent", required_argument, NULL, OPT_KIND + TL_KIND_CONSENT},
        {"events", required_argument, NULL, OPT_KIND + TL_KIND_EVENTS},
        {"optouts", required_argument, NULL, OPT_KIND + TL_KIND_OPTOUTS},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0}};
    const char *db = NULL;
    int quiet = 0, c, code = TL_EXIT_OK;
    source_list list = {0};
    /* At most one input per argument. */
    input *in = calloc((size_t)argc + 1, sizeof *in);
    size_t nin = 0;
    tl_err err;
    tl_err_clear(&err);
    if (!in) {
        fprintf(stderr, "tailor import: out of memory\n");
        return TL_EXIT_FAIL;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == OPT_DB) {
            db = optarg;
        } else if (c == OPT_QUIET) {
            quiet = 1;
        } else if (c == OPT_HELP) {
            usage(stdout);
            goto done;
        } else if (c == OPT_SEED) {
            in[nin++] = (input){-1, optarg};
        } else if (c >= OPT_KIND && c < OPT_KIND + TL_KIND_COUNT) {
            in[nin++] = (input){c - OPT_KIND, optarg};
        } else {
            usage(stderr);
            code = TL_EXIT_USAGE;
            goto done;
        }
    }
    if (!db || optind != argc || nin == 0) {
        fprintf(stderr, "tailor import: %s\n",
                !db                ? "--db FILE is required"
                : optind != argc   ? "unexpected argument"
                                   : "nothing to import: give --seed DIR or --KIND FILE");
        usage(stderr);
        code = TL_EXIT_USAGE;
        goto done;
    }
    /* Every file is opened before any is read: a missing file or an
     * unknown extension is reported at once. */
    int rc = open_inputs(in, nin, &list, &err);
    if (rc) {
        fprintf(stderr, "tailor import: %s\n", err.msg);
        code = rc == TL_EUSAGE ? TL_EXIT_USAGE : TL_EXIT_FAIL;
        goto done;
    }
    tl_import_counts counts;
    /* tl_import_run takes the sources over, whatever happens. */
    rc = tl_import_run(db, list.v, list.n, isatty(STDERR_FILENO), &counts, &err);
    list.n = 0;
    if (rc) {
        fprintf(stderr, "tailor import: %s (nothing was imported)\n", err.msg);
        code = TL_EXIT_FAIL;
        goto done;
    }
    if (!quiet) {
        for (int k = 0; k < TL_KIND_COUNT; k++)
            if (counts.read[k] || counts.changed[k])
                printf("%-13s %10lld read %10lld written\n", tl_kind_name((tl_kind)k),
                       counts.read[k], counts.changed[k]);
    }
done:
    list_free(&list);
    free(in);
    return code;
}
