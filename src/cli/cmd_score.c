/* cmd_score.c — `tailor score --all`: every customer's recommendations,
 * computed in parallel and stored, with an optional CSV or JSON Lines
 * export. */
#include "cli/commands.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/cores.h"
#include "base/json_write.h"
#include "base/progress.h"
#include "base/str.h"
#include "synth/csvw.h"
#include "govern/audit.h"
#include "govern/bias.h"
#include "recommend/engine.h"
#include "store/scored.h"
#include "store/store.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor score --db FILE --all [--k 3] [--threads 2] [--export FILE]\n"
            "       tailor score --db FILE --export FILE\n\n"
            "Scores every customer: the top-k recommendations with reasons are computed in\n"
            "parallel and stored in the store's `scored` table (replacing earlier ones), with a\n"
            "progress bar on a terminal and a summary at the end. The run writes one summary\n"
            "entry (kind \"score\", subject \"batch\") to the audit log, not one per customer,\n"
            "and keeps a fresh bias report for the API and dashboard (tailor report bias).\n\n"
            "  --db FILE        the store\n"
            "  --all            score every customer\n"
            "  --k N            recommendations per customer (1..20, default 3)\n"
            "  --threads N      worker threads (default: the number of CPU cores)\n"
            "  --export FILE    write the stored scores as CSV (.csv) or JSON Lines (.jsonl):\n"
            "                   customer_id, rank, product_id, score, reasons, scored_at\n"
            "  --model SPEC     sentence encoder: builtin (default) or a model folder\n"
            "  --channel NAME   the channel the offers are for (a campaign's): the contact\n"
            "                   policy's cap for it applies (tailor policy); without it no\n"
            "                   cap applies, while dismissals, fatigue and complaints always do\n"
            "  --help           this text\n");
}

typedef struct ids {
    char **v;
    size_t n, cap;
} ids;

static int add_id(void *ctx, const char *id)
{
    ids *x = ctx;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 1024;
        char **p = realloc(x->v, cap * sizeof *p);
        if (!p)
            return 1;
        x->v = p;
        x->cap = cap;
    }
    return !(x->v[x->n++] = strdup(id));
}

typedef struct job {
    const char *db;
    tl_engine *eng;
    ids *all;
    int k;
    const char *channel;      /* the contact policy's channel, NULL: none */
    atomic_size_t next;       /* next customer index to take */
    atomic_size_t done, with_offers, offers;
    atomic_size_t suppressed; /* customers the contact policy held back */
    atomic_size_t arm_customers[3];   /* by tl_arm: under no rollout, treatment, control */
    char rollout[TL_ROLLOUT_NAME_MAX];/* a rollout the run scored under, "" if none;
                                         written once under lock */
    atomic_int rollout_named;
    atomic_int failed;
    tl_err err;               /* first failure */
    pthread_mutex_t lock;
    pthread_cond_t finished;  /* signalled as each worker ends */
    long running;             /* workers not yet ended, under lock */
} job;

#define BATCH 256

/* One customer's scored rows, kept until the batch is written. */
typedef struct scored_customer {
    const char *id;
    tl_scored_row rows[20];
    char *reasons[20];
    char product_ids[20][72];
    size_t n;
} scored_customer;

static void scored_free(scored_customer *sc, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t q = 0; q < sc[i].n; q++)
            free(sc[i].reasons[q]);
}

/* The item's reasons as the compact JSON array json_dumps would write,
 * malloc'd (the caller frees it); NULL when out of memory. Written
 * without a jansson tree: building one per item was 9% of a run. */
static char *reasons_json(const tl_rec_item *it)
{
    tl_buf b;
    tl_buf_init(&b, 1 << 20);
    tl_jw w;
    tl_jw_init(&w, &b);
    tl_jw_array(&w);
    for (size_t m = 0; m < it->n_reasons; m++)
        tl_jw_str(&w, it->reasons[m]);
    tl_jw_end(&w, ']');
    if (w.rc) {
        tl_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static void record_failure(job *j, const tl_err *err)
{
    pthread_mutex_lock(&j->lock);
    if (!atomic_exchange(&j->failed, 1))
        j->err = *err;
    pthread_mutex_unlock(&j->lock);
}

/* Scores customers in batches of BATCH: the recommendations are computed
 * outside any write transaction (readers never block the other worker),
 * then each batch is written in one short transaction. */
static void *worker(void *arg)
{
    job *j = arg;
    tl_store *st;
    tl_err err;
    tl_err_clear(&err);
    scored_customer *batch = calloc(BATCH, sizeof *batch);
    if (!batch || tl_store_open(j->db, 0, &st, &err)) {
        if (!batch)
            tl_err_set(&err, TL_ENOMEM, "out of memory");
        record_failure(j, &err);
        free(batch);
        return NULL;
    }
    tl_rec_opts o = {.k = j->k, .personalise = 1, .social = 1, .channel = j->channel,
                     .no_evidence = 1};   /* the scores keep reasons, not evidence */
    while (!atomic_load(&j->failed)) {
        size_t start = atomic_fetch_add(&j->next, BATCH);
        if (start >= j->all->n)
            break;
        size_t end = start + BATCH < j->all->n ? start + BATCH : j->all->n, n = 0;
        /* The batch's reads share one snapshot: one lock, not one per
         * statement (44,000 fcntl calls for 2,000 customers read in
         * autocommit), and every customer of the batch seen as of one
         * moment. It ends before the batch's write. The catalogue is
         * brought up to date before it, as a rebuild writes embeddings. */
        int rc = tl_engine_warm(j->eng, st, &err);
        if (!rc)
            rc = tl_store_read_begin(st, &err);
        for (size_t i = start; i < end && !rc; i++, n++) {
            tl_rec_result r;
            scored_customer *sc = &batch[n];
            sc->id = j->all->v[i];
            sc->n = 0;
            if ((rc = tl_engine_recommend(j->eng, st, sc->id, &o, &r, &err)))
                break;
            for (size_t q = 0; q < r.n_items; q++) {
                sc->reasons[q] = reasons_json(&r.items[q]);
                snprintf(sc->product_ids[q], sizeof sc->product_ids[q], "%s",
                         r.items[q].product_id);
                sc->rows[q] = (tl_scored_row){(int)q + 1, sc->product_ids[q], r.items[q].score,
                                              sc->reasons[q] ? sc->reasons[q] : "[]"};
                sc->n++;
            }
            atomic_fetch_add(&j->offers, r.n_items);
            if (r.n_items)
                atomic_fetch_add(&j->with_offers, 1);
            if (r.suppressed.code)
                atomic_fetch_add(&j->suppressed, 1);
            atomic_fetch_add(&j->arm_customers[r.arm], 1);
            if (r.arm != TL_ARM_NONE && !atomic_load(&j->rollout_named)) {
                pthread_mutex_lock(&j->lock);
                if (!j->rollout[0])
                    snprintf(j->rollout, sizeof j->rollout, "%s", r.rollout);
                atomic_store(&j->rollout_named, 1);
                pthread_mutex_unlock(&j->lock);
            }
            tl_rec_result_free(&r);
        }
        tl_store_read_end(st);
        if (!rc)
            rc = tl_store_begin(st, &err);
        for (size_t i = 0; i < n && !rc; i++)
            rc = tl_store_scored_replace(st, batch[i].id, batch[i].rows, batch[i].n, &err);
        if (!rc)
            rc = tl_store_commit(st, &err);
        scored_free(batch, n);
        if (rc) {
            tl_store_rollback(st);
            record_failure(j, &err);
            break;
        }
        atomic_fetch_add(&j->done, end - start);
    }
    tl_store_close(st);
    free(batch);
    return NULL;
}

/* A worker thread: the worker, then word to the main thread, which
 * wakes at once instead of at its next progress tick. */
static void *worker_thread(void *arg)
{
    job *j = arg;
    worker(j);
    pthread_mutex_lock(&j->lock);
    j->running--;
    pthread_cond_signal(&j->finished);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

typedef struct jsonl_ctx {
    FILE *f;
    long long rows;
} jsonl_ctx;

/* JSON Lines: one object per stored row. */
static int export_jsonl_row(void *ctx, const char *customer_id, const tl_scored_row *r,
                            const char *scored_at)
{
    jsonl_ctx *x = ctx;
    json_t *reasons = json_loads(r->reasons, 0, NULL);
    json_t *o = json_pack("{s:s, s:i, s:s, s:f, s:o, s:s}", "customer_id", customer_id,
                          "rank", r->rank, "product_id", r->product_id, "score", r->score,
                          "reasons", reasons ? reasons : json_array(), "scored_at", scored_at);
    char *line = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (!line)
        return 1;
    fprintf(x->f, "%s\n", line);
    free(line);
    x->rows++;
    return ferror(x->f) != 0;
}

/* CSV through the buffered writer (RFC 4180 quoting, one write(2) per
 * megabyte): the reasons are JSON, full of quotes to double. */
static int export_csv_row(void *ctx, const char *customer_id, const tl_scored_row *r,
                          const char *scored_at)
{
    tl_csvw *w = ctx;
    char score[32];
    snprintf(score, sizeof score, "%.3f", r->score);
    tl_csvw_str(w, customer_id);
    tl_csvw_int(w, r->rank);
    tl_csvw_str(w, r->product_id);
    tl_csvw_plain(w, score);
    tl_csvw_str(w, r->reasons);
    tl_csvw_str(w, scored_at);
    tl_csvw_end(w);
    return w->err_no != 0;
}

static int export_csv(tl_store *st, const char *path, long long *rows, tl_err *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    int k = slash ? snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path)
                  : snprintf(dir, sizeof dir, ".");
    if (k < 0 || (size_t)k >= sizeof dir)
        return tl_err_set(err, TL_EINPUT, "path too long: %.80s...", path);
    tl_csvw w;
    int rc = tl_csvw_open(&w, dir, name, 1 << 20, err);
    if (rc)
        return rc;
    tl_csvw_header(&w, "customer_id,rank,product_id,score,reasons,scored_at");
    rc = tl_store_scored_each(st, export_csv_row, &w, err);
    *rows = (long long)w.rows - 1;
    tl_err close_err;
    int close_rc = tl_csvw_close(&w, rc == 0, &close_err);
    if (!rc && close_rc)
        rc = tl_err_set(err, close_rc, "%s", close_err.msg);
    return rc;
}

static int export_jsonl(tl_store *st, const char *path, long long *rows, tl_err *err)
{
    /* Written beside the target and renamed, so a failed export never
     * leaves a half file under the name asked for. */
    char tmp[4200];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return tl_err_set(err, TL_EINPUT, "path too long: %.80s...", path);
    jsonl_ctx x = {fopen(tmp, "w"), 0};
    if (!x.f)
        return tl_err_set(err, TL_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    int rc = tl_store_scored_each(st, export_jsonl_row, &x, err);
    if (fclose(x.f) != 0 && !rc)
        rc = tl_err_set(err, TL_EIO, "%s: %s", tmp, strerror(errno));
    if (!rc && rename(tmp, path) != 0)
        rc = tl_err_set(err, TL_EIO, "%s: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    *rows = x.rows;
    return rc;
}

static bool export_is_jsonl(const char *path)
{
    size_t n = strlen(path);
    return (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) ||
           (n > 7 && strcmp(path + n - 7, ".ndjson") == 0);
}

static bool export_path_valid(const char *path)
{
    size_t n = strlen(path);
    if (export_is_jsonl(path) || (n > 4 && strcmp(path + n - 4, ".csv") == 0))
        return true;
    fprintf(stderr, "tailor score: --export: the file must end in .csv or .jsonl: %s\n", path);
    return false;
}

/* Writes the stored scores of `st` to path (checked by export_path_valid). */
static int export_scores(tl_store *st, const char *path)
{
    tl_err err;
    long long rows = 0;
    int rc = export_is_jsonl(path) ? export_jsonl(st, path, &rows, &err)
                                   : export_csv(st, path, &rows, &err);
    if (rc) {
        fprintf(stderr, "tailor score: export to %s failed: %s\n", path, err.msg);
        return TL_EXIT_FAIL;
    }
    printf("exported %lld rows to %s\n", rows, path);
    return TL_EXIT_OK;
}

/* --export without --all: the scores stored by an earlier run. */
static int export_stored(const char *db, const char *path)
{
    tl_store *st;
    tl_err err;
    if (tl_store_open(db, TL_STORE_READONLY, &st, &err)) {
        fprintf(stderr, "tailor score: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    int exit_code = export_scores(st, path);
    tl_store_close(st);
    return exit_code;
}

int tl_cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},      {"all", no_argument, NULL, 'a'},
        {"k", required_argument, NULL, 'k'},       {"threads", required_argument, NULL, 't'},
        {"export", required_argument, NULL, 'e'},  {"model", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},          {"channel", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0}};
    const char *db = NULL, *export_path = NULL, *model = "builtin", *channel = NULL;
    int all = 0, k = 3, c;
    long threads = tl_online_cores(1, 64);   /* --threads takes 1..64 too */
    int64_t v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'a': all = 1; break;
        case 'k':
            if (!tl_parse_i64(optarg, &v) || v < 1 || v > 20) {
                fprintf(stderr, "tailor score: --k: expected 1..20, got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            k = (int)v;
            break;
        case 't':
            if (!tl_parse_i64(optarg, &v) || v < 1 || v > 64) {
                fprintf(stderr, "tailor score: --threads: expected 1..64, got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            threads = (long)v;
            break;
        case 'e': export_path = optarg; break;
        case 'm': model = optarg; break;
        case 'c':
            if (!tl_contact_channel_valid(optarg)) {
                fprintf(stderr, "tailor score: --channel: expected " TL_CONTACT_CHANNEL_RULE
                                ", got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            channel = optarg;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!db || optind != argc || (!all && !export_path)) {
        fprintf(stderr, "tailor score: %s\n",
                !db ? "--db FILE is required"
                    : optind != argc ? "unexpected argument" : "give --all, --export FILE or both");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    if (threads < 1)
        threads = 1;
    if (export_path && !export_path_valid(export_path))
        return TL_EXIT_USAGE;
    if (!all)
        return export_stored(db, export_path);

    tl_err err;
    tl_err_clear(&err);
    /* The run's own connection stays open until the end: the workers'
     * connections then never close last, so the write-ahead log is
     * checkpointed (and synced) once, when this one closes, instead of at
     * every close. It reads the IDs and writes the audit entry, the bias
     * report and the export. */
    tl_store *st;
    ids all_ids = {0};
    if (tl_store_open(db, 0, &st, &err)) {
        fprintf(stderr, "tailor score: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    int rc = tl_store_customer_ids(st, 0, -1, add_id, &all_ids, &err);
    job j = {.db = db, .all = &all_ids, .k = k, .channel = channel};
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.finished, NULL);
    if (!rc)
        rc = tl_engine_open(model, NULL, &j.eng, &err);
    int exit_code = TL_EXIT_OK;
    if (rc) {
        fprintf(stderr, "tailor score: %s\n", err.msg);
        exit_code = TL_EXIT_FAIL;
        goto done;
    }
    double t0 = tl_now();
    tl_progress bar;
    tl_progress_start(&bar, "scoring", all_ids.n, true);
    pthread_t tids[64];
    long started = 0;
    pthread_mutex_lock(&j.lock);
    for (; started < threads; started++, j.running++)
        if (pthread_create(&tids[started], NULL, worker_thread, &j) != 0)
            break;
    pthread_mutex_unlock(&j.lock);
    if (!started)
        worker(&j);
    /* The main thread draws the bar every 0.1 s until the workers end. */
    pthread_mutex_lock(&j.lock);
    while (j.running > 0) {
        pthread_mutex_unlock(&j.lock);
        tl_progress_update(&bar, atomic_load(&j.done));
        pthread_mutex_lock(&j.lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        if (j.running > 0)
            pthread_cond_timedwait(&j.finished, &j.lock, &until);
    }
    pthread_mutex_unlock(&j.lock);
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    tl_progress_end(&bar, atomic_load(&j.done));
    int failed = atomic_load(&j.failed);
    double dt = tl_now() - t0;
    /* One summary entry for the whole run, not one per customer: the
     * per-customer results are the `scored` table itself. A failed run is
     * recorded too, since the batches it committed are kept. */
    json_t *doc = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:i, s:s, s:s, s:{s:b, s:n}}",
                            "channel", "cli", "route", "tailor score", "completed", !failed,
                            "customers", (json_int_t)all_ids.n, "scored",
                            (json_int_t)atomic_load(&j.done), "with_offers",
                            (json_int_t)atomic_load(&j.with_offers), "offers",
                            (json_int_t)atomic_load(&j.offers), "k", k, "encoder",
                            tl_engine_encoder_id(j.eng), "ranking_version", TL_RANKING_VERSION,
                            "llm", "used", 0, "prompt_hash");
    /* Under a rollout, how many were scored in each arm (control customers
     * got the generally suitable offers). */
    json_object_set_new(
        doc, "rollout",
        j.rollout[0] ? json_pack("{s:s, s:I, s:I, s:I}", "name", j.rollout, "treatment",
                                 (json_int_t)atomic_load(&j.arm_customers[TL_ARM_TREATMENT]),
                                 "control",
                                 (json_int_t)atomic_load(&j.arm_customers[TL_ARM_CONTROL]),
                                 "none", (json_int_t)atomic_load(&j.arm_customers[TL_ARM_NONE]))
                     : json_null());
    /* The contact policy's part: who it held back, for which channel. */
    json_object_set_new(doc, "offer_channel", channel ? json_string(channel) : json_null());
    json_object_set_new(doc, "suppressed", json_integer((json_int_t)atomic_load(&j.suppressed)));
    tl_err aerr;
    tl_err_clear(&aerr);
    rc = tl_audit_append_json(st, "batch", "score", doc, &aerr);
    json_decref(doc);
    if (failed) {
        fprintf(stderr, "tailor score: %s (batches already committed are kept)\n", j.err.msg);
        exit_code = TL_EXIT_FAIL;
        goto done;
    }
    if (rc) {
        fprintf(stderr, "tailor score: audit: %s\n", aerr.msg);
        exit_code = TL_EXIT_FAIL;
        goto done;
    }
    printf("scored %zu customers in %.1f s (%.0f customers/s, %ld threads): %zu with at least "
           "one offer, %zu offers in all\n",
           all_ids.n, dt, dt > 0 ? (double)all_ids.n / dt : 0.0, started ? started : 1,
           atomic_load(&j.with_offers), atomic_load(&j.offers));
    if (atomic_load(&j.suppressed))
        printf("%zu customer%s got no offers under the contact policy (a recent complaint%s)\n",
               atomic_load(&j.suppressed), atomic_load(&j.suppressed) == 1 ? "" : "s",
               channel ? " or the channel's cap" : "");
    if (j.rollout[0])
        printf("rollout %s: %zu customers personalised, %zu in the control group (generally "
               "suitable offers)\n",
               j.rollout, atomic_load(&j.arm_customers[TL_ARM_TREATMENT]),
               atomic_load(&j.arm_customers[TL_ARM_CONTROL]));
    /* The scores just written are what the bias report mostly counts: keep
     * a fresh one, so the API never has to build it on a request. */
    double tb = tl_now();
    json_t *report = NULL;
    rc = tl_bias_report_kept(st, TL_BIAS_MIN_GROUP, 0, 1, &report, &aerr);
    if (rc) {
        fprintf(stderr, "tailor score: bias report: %s\n", aerr.msg);
        exit_code = TL_EXIT_FAIL;
        goto done;
    }
    json_t *summary = json_object_get(report, "summary");
    printf("bias report kept: %lld items, %lld flagged, %lld to review (%.1f s; tailor report "
           "bias shows it)\n",
           (long long)json_integer_value(json_object_get(summary, "items")),
           (long long)json_integer_value(json_object_get(summary, "flagged")),
           (long long)json_integer_value(json_object_get(summary, "to_review")), tl_now() - tb);
    json_decref(report);
    if (export_path)
        exit_code = export_scores(st, export_path);
done:
    tl_store_close(st);
    tl_engine_close(j.eng);
    pthread_cond_destroy(&j.finished);
    pthread_mutex_destroy(&j.lock);
    for (size_t i = 0; i < all_ids.n; i++)
        free(all_ids.v[i]);
    free(all_ids.v);
    return exit_code;
}
