/* bench_builtin.c — speed of the built-in encoder against a classic TF-IDF
 * over the same words (bench/builtin_peer.h), in the same run, on the same
 * texts: short customer needs and long product descriptions, in turn.
 *
 *   bench_builtin [N] [THREADS]   (default N = 20000 texts, THREADS = 4)
 *
 * Prints the time to open the encoder (mapping and hashing WordNet), texts
 * per second single-threaded for the served encoder, for the encoder as a
 * plain bag of words, and for the TF-IDF peer, the ratios, and the served
 * encoder's rate with THREADS threads sharing one encoder (it is read-only
 * after open). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/str.h"
#include "builtin_peer.h"
#include "encoder/builtin.h"
#include "encoder/encoder.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process: on a busy machine texts per CPU-second
 * is steadier than texts per wall-second. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What the engine embeds: needs, posts and products. */
static const char *const samples[] = {
    "Planning my next trip to Asia",
    "I refuse to work past 60",
    "my car broke down again",
    "We just had a baby and want to start saving for her future",
    "Hospital bills scare me and my employer's cover ends soon",
    "I want money back on groceries and fuel",
    "I send money to my parents in Manila every month",
    "Why was I charged a fee for a transfer from my other account?",
    "My card still hasn't arrived after two weeks, where is it?",
    "Thinking about buying our first flat with a small deposit",
    "Dined out at a new sushi place last night, amazing evening with friends!",
    "Stuck in traffic again, this old car is falling apart",
    "A credit card for people who spend time away from home, with no charge on purchases "
    "made in other currencies. No foreign transaction fee, Two airport lounge visits a year, "
    "Miles on airfare and hotel bookings. Minimum age 21, annual income above 30,000. "
    "3 miles per 1 spent with airlines and hotels, 1 mile per 1 elsewhere. Plastic Card.",
    "A long-term pension plan that grows your savings until you stop working. Tax relief on "
    "contributions, Choice of investment mixes from cautious to adventurous, Flexible monthly "
    "contributions. Ages 18 to 70 in employment or self-employment. Deposit.",
    "A loan to buy a new or used car, van or motorbike. Competitive fixed rates, Terms of 1 "
    "to 7 years, Decision in minutes. Minimum age 21, stable income and a good credit score.",
    "Private medical cover for hospital stays, consultations and treatment. Hospital and "
    "surgery costs paid directly, Specialist consultations, Cover for chronic conditions after "
    "a waiting period. Ages 18 to 65 at the start of the policy. Insurance.",
};
#define N_SAMPLES (sizeof samples / sizeof samples[0])

typedef struct job {
    tl_encoder *e;
    const char *const *texts;
    size_t n;
    float *out;
    int rc;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    tl_err err;
    j->rc = tl_encoder_embed(j->e, j->texts, j->n, j->out, &err);
    return NULL;
}

/* Texts per wall-second; texts per CPU-second into *cpu_rate. */
static double rate_encoder(tl_encoder *e, const char *const *texts, size_t n, size_t threads,
                           double *cpu_rate, double *checksum)
{
    size_t dim = tl_encoder_dim(e);
    float *out = malloc(n * dim * sizeof *out);
    job *jobs = calloc(threads, sizeof *jobs);
    pthread_t *tid = calloc(threads, sizeof *tid);
    if (!out || !jobs || !tid) {
        free(out);
        free(jobs);
        free(tid);
        return -1;
    }
    double t0 = now_seconds(), c0 = cpu_seconds();
    size_t per = (n + threads - 1) / threads, started = 0;
    for (size_t t = 0; t < threads && t * per < n; t++) {
        size_t lo = t * per, hi = lo + per < n ? lo + per : n;
        jobs[t] = (job){e, texts + lo, hi - lo, out + lo * dim, 0};
        if (pthread_create(&tid[t], NULL, run_job, &jobs[t]) != 0)
            break;
        started++;
    }
    int rc = started ? 0 : -1;
    for (size_t t = 0; t < started; t++) {
        pthread_join(tid[t], NULL);
        rc |= jobs[t].rc;
    }
    double secs = now_seconds() - t0;
    *cpu_rate = (double)n / (cpu_seconds() - c0);
    double sum = 0;
    for (size_t i = 0; i < n * dim; i += 97)
        sum += out[i]; /* keeps the work observable */
    *checksum = sum;
    free(out);
    free(jobs);
    free(tid);
    return rc ? -1 : (double)n / secs;
}

static double rate_peer(const char *const *texts, size_t n, double *cpu_rate, double *checksum)
{
    peer_tfidf p;
    if (peer_fit(&p, samples, N_SAMPLES) != 0)
        return -1;
    double t0 = now_seconds(), c0 = cpu_seconds(), sum = 0;
    for (size_t i = 0; i < n; i++) {
        peer_vec v;
        if (peer_vectorise(&p, texts[i], &v) != 0) {
            peer_free(&p);
            return -1;
        }
        sum += v.n ? v.w[0] : 0;
        peer_vec_free(&v);
    }
    double secs = now_seconds() - t0;
    *cpu_rate = (double)n / (cpu_seconds() - c0);
    peer_free(&p);
    *checksum = sum;
    return (double)n / secs;
}

int main(int argc, char **argv)
{
    int64_t n = 20000, threads = 4;
    if ((argc > 1 && (!tl_parse_i64(argv[1], &n) || n < 1 || n > 10000000)) ||
        (argc > 2 && (!tl_parse_i64(argv[2], &threads) || threads < 1 || threads > 256))) {
        fprintf(stderr, "usage: bench_builtin [N] [THREADS]  (1..10000000 texts, 1..256)\n");
        return 2;
    }
    tl_log_set_level(TL_LOG_ERROR);
    const char **texts = malloc((size_t)n * sizeof *texts);
    if (!texts)
        return 1;
    for (int64_t i = 0; i < n; i++)
        texts[i] = samples[(size_t)i % N_SAMPLES];

    tl_err err;
    tl_encoder *served = NULL, *bow = NULL;
    double t0 = now_seconds();
    if (tl_builtin_encoder_open(&served, &err) != 0) {
        fprintf(stderr, "bench_builtin: %s\n", err.msg);
        free(texts);
        return 1;
    }
    double open_ms = 1e3 * (now_seconds() - t0);
    tl_builtin_opts o;
    tl_builtin_opts_default(&o);
    o.lexicon = o.wordnet = o.bigrams = false;
    o.wordnet_dir = "none";
    if (tl_builtin_encoder_open_opts(&o, &bow, &err) != 0) {
        fprintf(stderr, "bench_builtin: %s\n", err.msg);
        tl_encoder_close(served);
        free(texts);
        return 1;
    }
    double c1 = 0, c2 = 0, c3 = 0, c4 = 0, u_served = 0, u_bow = 0, u_peer = 0, u_mt = 0;
    double r_served = rate_encoder(served, texts, (size_t)n, 1, &u_served, &c1);
    double r_bow = rate_encoder(bow, texts, (size_t)n, 1, &u_bow, &c2);
    double r_peer = rate_peer(texts, (size_t)n, &u_peer, &c3);
    double r_mt = rate_encoder(served, texts, (size_t)n, (size_t)threads, &u_mt, &c4);
    printf("built-in encoder %s, %zu dims, %lld texts (%zu distinct, %s)\n",
           tl_encoder_id(served), tl_encoder_dim(served), (long long)n, N_SAMPLES,
           tl_builtin_encoder_has_wordnet(served) ? "WordNet found" : "no WordNet");
    printf("open (WordNet map + lexicon)   %10.1f ms\n", open_ms);
    printf("%-30s %12s %14s\n", "", "texts/s", "texts/CPU-s");
    printf("%-30s %12.0f %14.0f\n", "served encoder, 1 thread", r_served, u_served);
    printf("served encoder, %2lld threads     %12.0f %14.0f  (%.2fx one thread)\n",
           (long long)threads, r_mt, u_mt, r_mt / r_served);
    printf("%-30s %12.0f %14.0f\n", "encoder as bag of words", r_bow, u_bow);
    printf("%-30s %12.0f %14.0f\n", "peer: TF-IDF, sparse", r_peer, u_peer);
    printf("%-30s %12.3f %14.3f\n", "served / peer", r_served / r_peer, u_served / u_peer);
    printf("checksum %.6f %.6f %.6f %.6f\n", c1, c2, c3, c4);
    tl_encoder_close(served);
    tl_encoder_close(bow);
    free(texts);
    return r_served > 0 && r_bow > 0 && r_peer > 0 && r_mt > 0 ? 0 : 1;
}
