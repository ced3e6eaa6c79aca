/* bench_encoder.c — BERT encoder throughput and latency on a MiniLM-L6-shaped
 * model with random float32 weights (6 layers, hidden 384, 12 heads,
 * intermediate 1536, vocab 30522), written to a temporary folder as a
 * Hugging Face sentence-transformer folder and loaded like a real one.
 *
 *   bench_encoder                  tailor alone: batch 32 × 64 tokens with 1
 *                                  and 2 threads (tokens/s), the OpenBLAS
 *                                  fallback, and 1 × 32 latency; one table.
 *                                  On CPUs with AVX512-BF16 the same rows in
 *                                  bf16 precision, measured alternately with
 *                                  float32, their ratio, and the cosine of
 *                                  bf16 to float32 embeddings on these inputs
 *   bench_encoder --write-model DIR
 *                                  writes the model folder and exits
 *   bench_encoder --measure DIR THREADS BATCH TOKENS [blas|avx2|bf16]
 *                                  one figure: prints "NAME THREADS BATCH
 *                                  TOKENS TOKENS_PER_S"
 *   bench_encoder --table FILE     the table of figures in FILE (lines as
 *                                  --measure prints, any engines, several
 *                                  rounds): median per engine and shape, and
 *                                  tailor's ratio to each peer
 *
 * bench/encoder_peers.sh uses the last three to measure tailor, PyTorch and
 * ONNX Runtime alternately in the same run, so that a change in the
 * machine's load hits every engine alike. TAILOR_BENCH_SECONDS sets the time
 * per figure (default 5, as the peers' scripts use); TAILOR_BENCH_ROUNDS
 * (default 1) repeats the whole set of figures that many times, round by
 * round, so a shared machine's load changes hit every row alike. Tokens/s are means over
 * that time, as the peers report them; latency is 1000 × tokens / (tokens/s)
 * milliseconds, the mean time of one call. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/str.h"
#include "encoder/bert.h"
#include "encoder/gemm.h"
#include "encoder/kern_bf16.h"
#include "encoder/safetensors.h"

#define H 384
#define LAYERS 6
#define HEADS 12
#define INTER 1536
#define VOCAB 30522

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double seconds_per_figure(void)
{
    const char *env = getenv("TAILOR_BENCH_SECONDS");
    double v;
    return env && tl_parse_double(env, false, &v) && v > 0 ? v : 5;
}

static size_t rounds(void)
{
    const char *env = getenv("TAILOR_BENCH_ROUNDS");
    int64_t v;
    return env && tl_parse_i64(env, &v) && v >= 1 && v <= 64 ? (size_t)v : 1;
}

static int write_model(const char *dir)
{
    tl_bert_config cfg = {.vocab = VOCAB, .hidden = H, .layers = LAYERS, .heads = HEADS,
                          .intermediate = INTER, .max_positions = 512, .type_vocab = 2,
                          .max_seq = 512, .pool_mean = true, .normalize = true};
    tl_err err;
    if (tl_bert_write_random(dir, &cfg, TL_ST_F32, "", 42, &err) != 0) {
        fprintf(stderr, "bench_encoder: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static tl_bert *open_model(const char *dir, size_t threads, tl_kernel kernel)
{
    /* Precision explicit, so TAILOR_ENCODER_KERNEL=bf16 in the environment
     * cannot turn the float32 rows into bf16 ones. */
    tl_bert_options opt = {.threads = threads, .kernel = kernel,
                           .precision = kernel == TL_KERNEL_AVX512_BF16 ? TL_PRECISION_BF16
                                                                        : TL_PRECISION_FP32};
    tl_bert *m;
    tl_err err;
    if (tl_bert_load(dir, &opt, &m, &err) != 0) {
        fprintf(stderr, "bench_encoder: %s\n", err.msg);
        exit(1);
    }
    return m;
}

/* Ids as the ONNX Runtime peer makes them, between [CLS] and [SEP]. */
static void make_batch(size_t batch, size_t len, int32_t *ids, size_t *offs)
{
    offs[0] = 0;
    for (size_t b = 0; b < batch; b++) {
        for (size_t t = 0; t < len; t++) {
            size_t i = b * len + t;
            ids[i] = t == 0 ? 101 : t == len - 1 ? 102 : (int32_t)(1000 + (i * 7919) % 29000);
        }
        offs[b + 1] = offs[b] + len;
    }
}

/* Runs batch × len repeatedly for `seconds` after two warm-up calls;
 * returns tokens/s. */
static double measure(tl_bert *m, size_t batch, size_t len, double seconds)
{
    int32_t *ids = malloc(batch * len * sizeof *ids);
    size_t *offs = malloc((batch + 1) * sizeof *offs);
    float *emb = malloc(batch * tl_bert_get_config(m)->dim * sizeof *emb);
    if (!ids || !offs || !emb)
        exit(1);
    make_batch(batch, len, ids, offs);
    tl_err err;
    for (int i = 0; i < 2; i++)
        if (tl_bert_forward(m, ids, offs, batch, emb, NULL, &err) != 0) {
            fprintf(stderr, "bench_encoder: %s\n", err.msg);
            exit(1);
        }
    size_t runs = 0;
    double t0 = now(), dt;
    do {
        tl_bert_forward(m, ids, offs, batch, emb, NULL, &err);
        runs++;
    } while ((dt = now() - t0) < seconds);
    free(ids);
    free(offs);
    free(emb);
    return (double)(runs * batch * len) / dt;
}

/* The CPU's best kernel (`best`) and OpenBLAS on the same inputs: the fast
 * path must stay within the tolerances the fixture tests use. Returns -1
 * when only one kernel runs. */
static double kernel_agreement(const char *dir, tl_kernel best)
{
    tl_bert *a = open_model(dir, 1, best);
    tl_bert *b = open_model(dir, 1, TL_KERNEL_BLAS);
    double d = -1;
    if (tl_bert_kernel(a) != tl_bert_kernel(b)) {
        enum { B = 4, T = 64 };
        static int32_t ids[B * T];
        static size_t offs[B + 1];
        static float ea[B * H], eb[B * H], ha[B * T * H], hb[B * T * H];
        make_batch(B, T, ids, offs);
        tl_err err;
        tl_bert_forward(a, ids, offs, B, ea, ha, &err);
        tl_bert_forward(b, ids, offs, B, eb, hb, &err);
        d = 0;
        for (size_t i = 0; i < (size_t)B * T * H; i++)
            d = fmax(d, fabs((double)ha[i] - hb[i]));
    }
    tl_bert_free(a);
    tl_bert_free(b);
    return d;
}

static double cosine(const float *a, const float *b, size_t n)
{
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
        ab += (double)a[i] * b[i];
        aa += (double)a[i] * a[i];
        bb += (double)b[i] * b[i];
    }
    return ab / sqrt(aa * bb);
}

/* bf16 against float32 on the benchmark's own inputs (the 32 × 64 batch and
 * the 1 × 32 query): min cosine of the embeddings and max |hidden diff|. */
static void bf16_agreement(const char *dir, double *min_cos, double *max_hidden)
{
    tl_bert *a = open_model(dir, 1, TL_KERNEL_AVX512);
    tl_bert *b = open_model(dir, 1, TL_KERNEL_AVX512_BF16);
    static const size_t shapes[2][2] = {{32, 64}, {1, 32}};
    *min_cos = 1;
    *max_hidden = 0;
    for (size_t s = 0; s < 2; s++) {
        size_t batch = shapes[s][0], len = shapes[s][1];
        int32_t *ids = malloc(batch * len * sizeof *ids);
        size_t *offs = malloc((batch + 1) * sizeof *offs);
        float *ea = malloc(batch * H * sizeof *ea), *eb = malloc(batch * H * sizeof *eb);
        float *ha = malloc(batch * len * H * sizeof *ha);
        float *hb = malloc(batch * len * H * sizeof *hb);
        if (!ids || !offs || !ea || !eb || !ha || !hb)
            exit(1);
        make_batch(batch, len, ids, offs);
        tl_err err;
        if (tl_bert_forward(a, ids, offs, batch, ea, ha, &err) != 0 ||
            tl_bert_forward(b, ids, offs, batch, eb, hb, &err) != 0) {
            fprintf(stderr, "bench_encoder: %s\n", err.msg);
            exit(1);
        }
        for (size_t i = 0; i < batch; i++)
            *min_cos = fmin(*min_cos, cosine(ea + i * H, eb + i * H, H));
        for (size_t i = 0; i < batch * len * H; i++)
            *max_hidden = fmax(*max_hidden, fabs((double)ha[i] - hb[i]));
        free(ids);
        free(offs);
        free(ea);
        free(eb);
        free(ha);
        free(hb);
    }
    tl_bert_free(a);
    tl_bert_free(b);
}

/* --- the table ----------------------------------------------------------- */

typedef struct figure {
    char name[64];
    int threads, batch, tokens;
    double tps[64];   /* one per round */
    size_t n;
} figure;

static figure figs[64];
static size_t nfigs;

static void add_figure(const char *name, int threads, int batch, int tokens, double tps)
{
    figure *f = NULL;
    for (size_t i = 0; i < nfigs && !f; i++)
        if (strcmp(figs[i].name, name) == 0 && figs[i].threads == threads &&
            figs[i].batch == batch && figs[i].tokens == tokens)
            f = &figs[i];
    if (!f) {
        if (nfigs == 64)
            return;
        f = &figs[nfigs++];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", name);
        f->threads = threads;
        f->batch = batch;
        f->tokens = tokens;
    }
    if (f->n < 64)
        f->tps[f->n++] = tps;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const figure *f)
{
    double v[64];
    memcpy(v, f->tps, f->n * sizeof *v);
    qsort(v, f->n, sizeof *v, cmp_double);
    return f->n % 2 ? v[f->n / 2] : (v[f->n / 2 - 1] + v[f->n / 2]) / 2;
}

static const figure *find(const char *name, int threads, int batch, int tokens)
{
    for (size_t i = 0; i < nfigs; i++)
        if (strcmp(figs[i].name, name) == 0 && figs[i].threads == threads &&
            figs[i].batch == batch && figs[i].tokens == tokens)
            return &figs[i];
    return NULL;
}

static double best(const figure *f)
{
    double b = 0;
    for (size_t i = 0; i < f->n; i++)
        b = f->tps[i] > b ? f->tps[i] : b;
    return b;
}

static void print_rounds(const figure *f, int latency)
{
    printf(" ");
    for (size_t i = 0; i < f->n; i++)
        if (latency)
            printf(" %.2f", 1e3 * f->tokens * f->batch / f->tps[i]);
        else
            printf(" %.0f", f->tps[i]);
    printf("\n");
}

static void print_table(void)
{
    /* tailor's row: its fastest float32 kernel that was measured. */
    static const char *const mine[] = {"tailor-avx512", "tailor-avx2", "tailor-openblas"};
    const char *me = mine[2];
    for (size_t i = 0; i < 2; i++)
        if (find(mine[i], 1, 32, 64) || find(mine[i], 2, 32, 64)) {
            me = mine[i];
            break;
        }
    printf("\nthroughput, batch 32 x 64 tokens: median tokens/s over the rounds; tailor/x is "
           "%s's median over the peer's at the same thread count\n", me);
    printf("| %-22s | %7s | %9s | %8s | rounds\n", "engine", "threads", "tokens/s", "tailor/x");
    printf("|------------------------|---------|-----------|----------|-------\n");
    for (size_t i = 0; i < nfigs; i++) {
        const figure *f = &figs[i];
        if (f->batch != 32 || f->tokens != 64)
            continue;
        const figure *t = find(me, f->threads, 32, 64);
        printf("| %-22s | %7d | %9.0f |", f->name, f->threads, median(f));
        if (t && strncmp(f->name, "tailor", 6) != 0)
            printf(" %7.2fx |", median(t) / median(f));
        else
            printf(" %8s |", "");
        print_rounds(f, 0);
    }
    printf("\nlatency, one query of 1 x 32 tokens: mean ms per call (median over the rounds); "
           "tailor/x is the peer's time over tailor's\n");
    printf("| %-22s | %7s | %9s | %8s | rounds\n", "engine", "threads", "ms", "tailor/x");
    printf("|------------------------|---------|-----------|----------|-------\n");
    for (size_t i = 0; i < nfigs; i++) {
        const figure *f = &figs[i];
        if (f->batch != 1 || f->tokens != 32)
            continue;
        const figure *t = find(me, f->threads, 1, 32);
        printf("| %-22s | %7d | %9.2f |", f->name, f->threads, 1e3 * 32 / median(f));
        if (t && strncmp(f->name, "tailor", 6) != 0)
            printf(" %7.2fx |", median(t) / median(f));
        else
            printf(" %8s |", "");
        print_rounds(f, 1);
    }
}

/* bf16 against float32, row by row, when both were measured. */
static void print_bf16(void)
{
    static const int shapes[][3] = {{1, 32, 64}, {2, 32, 64}, {1, 1, 32}, {2, 1, 32}};
    int header = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        int th = shapes[i][0], b = shapes[i][1], t = shapes[i][2];
        const figure *f = find("tailor-avx512", th, b, t);
        const figure *g = find("tailor-avx512-bf16", th, b, t);
        if (!f || !g)
            continue;
        if (!header) {
            printf("\nbf16 against float32, same run (rounds alternate): median and best; "
                   "ratio = bf16 speed / fp32 speed of the medians (best in brackets)\n");
            printf("| %-12s | %7s | %-9s | %17s | %17s | %13s\n", "shape", "threads", "unit",
                   "fp32 median/best", "bf16 median/best", "bf16/fp32");
            printf("|--------------|---------|-----------|-------------------|------------------"
                   "-|--------------\n");
            header = 1;
        }
        char shape[32];
        snprintf(shape, sizeof shape, "%d x %d", b, t);
        if (b == 1) {
            double k = 1e3 * t * b;
            printf("| %-12s | %7d | %-9s | %8.2f / %6.2f | %8.2f / %6.2f | %5.2fx (%.2fx)\n",
                   shape, th, "ms/query", k / median(f), k / best(f), k / median(g), k / best(g),
                   median(g) / median(f), best(g) / best(f));
        } else {
            printf("| %-12s | %7d | %-9s | %8.0f / %6.0f | %8.0f / %6.0f | %5.2fx (%.2fx)\n",
                   shape, th, "tokens/s", median(f), best(f), median(g), best(g),
                   median(g) / median(f), best(g) / best(f));
        }
    }
}

static int table_from_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    char line[256], name[64];
    int th, b, t;
    double tps;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%63s %d %d %d %lf", name, &th, &b, &t, &tps) == 5 && tps > 0)
            add_figure(name, th, b, t, tps);
    fclose(f);
    print_table();
    return 0;
}

static int parse_size(const char *s, size_t max, size_t *out)
{
    int64_t v;
    if (!tl_parse_i64(s, &v) || v < 1 || (uint64_t)v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int measure_one(int argc, char **argv)
{
    size_t threads, batch, tokens;
    if (argc < 6 || parse_size(argv[3], 256, &threads) || parse_size(argv[4], 4096, &batch) ||
        parse_size(argv[5], 512, &tokens)) {
        fprintf(stderr,
                "usage: bench_encoder --measure DIR THREADS BATCH TOKENS [blas|avx2|bf16]\n");
        return 2;
    }
    tl_kernel k = TL_KERNEL_AUTO;
    if (argc > 6 && strcmp(argv[6], "blas") == 0)
        k = TL_KERNEL_BLAS;
    else if (argc > 6 && strcmp(argv[6], "avx2") == 0)
        k = TL_KERNEL_AVX2;   /* the CPU's best kernel where it lacks AVX2 */
    else if (argc > 6 && strcmp(argv[6], "bf16") == 0)
        k = TL_KERNEL_AVX512_BF16;   /* an error (exit 1) on a CPU without AVX512-BF16 */
    tl_bert *m = open_model(argv[2], threads, k);
    double tps = measure(m, batch, tokens, seconds_per_figure());
    printf("tailor-%s %zu %zu %zu %.1f\n", tl_kernel_name(tl_bert_weight_kernel(m)), threads,
           batch, tokens, tps);
    tl_bert_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--write-model") == 0)
        return write_model(argv[2]) ? 1 : 0;
    if (argc >= 2 && strcmp(argv[1], "--measure") == 0)
        return measure_one(argc, argv);
    if (argc >= 3 && strcmp(argv[1], "--table") == 0)
        return table_from_file(argv[2]);
    if (argc > 1) {
        fprintf(stderr, "usage: bench_encoder [--write-model DIR | --measure DIR THREADS BATCH "
                        "TOKENS [blas|avx2|bf16] | --table FILE]\n");
        return 2;
    }

    double seconds = seconds_per_figure();
    char tmpl[] = "/tmp/tailor-bench-encoder-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }
    if (write_model(dir) != 0)
        return 1;
    tl_kernel best = tl_kernel_resolve(TL_KERNEL_AUTO);
    printf("encoder: MiniLM-L6 shape (6 layers, hidden 384, 12 heads, intermediate 1536, "
           "vocab 30522), random float32 weights; kernel %s; %.0f s per figure\n",
           tl_kernel_name(best), seconds);
    double agree = kernel_agreement(dir, best);
    if (agree >= 0)
        printf("%s vs openblas kernels, 4 x 64 tokens: max |hidden diff| %.2e\n",
               tl_kernel_name(best), agree);
    int bf16 = best == TL_KERNEL_AVX512 && tl_bf16_usable();
    if (bf16) {
        double cs, hd;
        bf16_agreement(dir, &cs, &hd);
        printf("bf16 vs float32 (avx512), 32 x 64 and 1 x 32 tokens: min cosine %.6f, max "
               "|hidden diff| %.2e\n", cs, hd);
    } else {
        printf("bf16: not measured (this CPU lacks AVX512-BF16)\n");
    }

    /* float32 and bf16 rows next to each other, so each pair of figures is
     * taken under the same load; rounds repeat the whole list. */
    static const struct {
        size_t threads, batch, tokens;
        tl_kernel kernel;
    } runs[] = {
        {1, 32, 64, TL_KERNEL_AUTO}, {1, 32, 64, TL_KERNEL_AVX512_BF16},
        {2, 32, 64, TL_KERNEL_AUTO}, {2, 32, 64, TL_KERNEL_AVX512_BF16},
        {1, 32, 64, TL_KERNEL_BLAS},
        {1, 1, 32, TL_KERNEL_AUTO},  {1, 1, 32, TL_KERNEL_AVX512_BF16},
        {2, 1, 32, TL_KERNEL_AUTO},  {2, 1, 32, TL_KERNEL_AVX512_BF16},
    };
    size_t nrounds = rounds();
    for (size_t r = 0; r < nrounds; r++)
        for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
            if (runs[i].kernel == TL_KERNEL_BLAS && best == TL_KERNEL_BLAS)
                continue;
            if (runs[i].kernel == TL_KERNEL_AVX512_BF16 && !bf16)
                continue;
            tl_bert *m = open_model(dir, runs[i].threads, runs[i].kernel);
            double tps = measure(m, runs[i].batch, runs[i].tokens, seconds);
            char name[64];
            snprintf(name, sizeof name, "tailor-%s", tl_kernel_name(tl_bert_weight_kernel(m)));
            add_figure(name, (int)runs[i].threads, (int)runs[i].batch, (int)runs[i].tokens,
                       tps);
            tl_bert_free(m);
        }
    print_table();
    print_bf16();
    printf("\n(peers: bash bench/encoder_peers.sh BUILD measures PyTorch and ONNX Runtime "
           "alternately with tailor)\n");

    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_encoder: could not remove %s\n", dir);
    return 0;
}
