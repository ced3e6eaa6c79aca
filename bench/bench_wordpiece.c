/* bench_wordpiece.c — tokenizer throughput: the BERT WordPiece tokenizer
 * against the cheapest thing that could be called tokenising (split on
 * ASCII spaces, lower-case ASCII, hash each word), on the same texts in the
 * same run.
 *
 *   bench_wordpiece [VOCAB] [MB]   (default: bert-base-uncased's vocab from
 *                                   ../shared beside the checkout, 4 MB)
 *
 * The texts are post- and review-sized (80..400 bytes), generated from a
 * fixed seed: mostly English banking prose with numbers and punctuation,
 * some accented words, a little CJK and emoji. Without a vocabulary file a
 * stand-in one is built from the generator's words (and said so). Prints
 * tokens/s and MB/s for both and the ratio; a time alone says nothing
 * without the baseline beside it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/str.h"
#include "text/wordpiece.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n) /* xorshift64*: deterministic across runs */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)(((rng_state * 0x2545f4914f6cdd1dull) >> 32) % n);
}

static const char *const words[] = {
    "the", "card", "account", "savings", "interest", "rate", "travel", "rewards", "annual",
    "fee", "credit", "score", "loan", "mortgage", "insurance", "premium", "cashback", "Visa",
    "Platinum", "lounge", "access", "dining", "retirement", "investment", "portfolio", "I",
    "my", "is", "are", "for", "with", "and", "to", "of", "a", "in", "never", "always",
    "customer", "service", "unaffordable", "overdraft", "transfer", "PayPal", "Venmo",
    "booked", "trip", "Asia", "Japan", "hotels", "luxury", "stays", "emergency", "fund",
    "monthly", "deposit", "guaranteed", "returns", "flexible", "tenure", "approved",
    "don't", "it's", "you're", "#TravelHacks", "#EarlyRetirement", "e-mail", "high-end",
    "café", "Québec", "naïve", "résumé", "Zürich", "São", "Paulo", "東京", "我想", "🚀", "😁",
};
#define NWORDS (sizeof words / sizeof words[0])

/* Appends one generated text of about `target` bytes to out (NUL after). */
static size_t gen_text(char *out, size_t target)
{
    size_t n = 0;
    bool cap = true;
    while (n < target) {
        const char *w = words[rnd(NWORDS)];
        size_t wl = strlen(w);
        if (n)
            out[n++] = ' ';
        memcpy(out + n, w, wl);
        if (cap && out[n] >= 'a' && out[n] <= 'z')
            out[n] = (char)(out[n] - 32);
        n += wl;
        cap = false;
        uint32_t r = rnd(100);
        if (r < 8) {
            out[n++] = ',';
        } else if (r < 14) {
            out[n++] = '.';
            cap = true;
        } else if (r < 17) {
            int w2 = snprintf(out + n, 16, " %u.%u%%", rnd(30), rnd(100));
            n += (size_t)w2;
        } else if (r < 19) {
            out[n++] = '!';
            cap = true;
        }
    }
    out[n] = '\0';
    return n;
}

/* The baseline: whitespace split, ASCII lower-case, FNV-1a per word. */
static size_t naive_tokens(const char *s, size_t len, uint64_t *sink)
{
    size_t count = 0;
    uint32_t h = 2166136261u;
    bool in = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in) {
                *sink += h;
                count++;
                h = 2166136261u;
                in = false;
            }
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 16777619u;
        in = true;
    }
    if (in) {
        *sink += h;
        count++;
    }
    return count;
}

/* A stand-in vocabulary when no vocab.txt is at hand: the specials, every
 * byte-sized ASCII character with its "##" form, and the generator's words
 * in lower case (accents kept off, as the tokenizer strips them). */
static char *standin_vocab(size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *v = malloc(cap);
    if (!v)
        return NULL;
    n += (size_t)snprintf(v, cap, "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n");
    for (int c = 33; c < 127; c++)
        n += (size_t)snprintf(v + n, cap - n, "%c\n##%c\n", c, c);
    for (size_t i = 0; i < NWORDS; i++) {
        for (const char *p = words[i]; *p && n < cap - 2; p++) {
            unsigned char c = (unsigned char)*p;
            if (c >= 0x80 || c == '\'' || c == '-' || c == '#')
                break;
            v[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        v[n++] = '\n';
    }
    *len = n;
    return v;
}

int main(int argc, char **argv)
{
    char default_vocab[4096];
    const char *vocab = argc > 1 ? argv[1] : NULL;
    if (!vocab) {
        /* CMake compiles with the absolute source path: find ../shared from it. */
        const char *src = __FILE__;
        const char *slash = strrchr(src, '/');
        int w = snprintf(default_vocab, sizeof default_vocab,
                         "%.*s/../../shared/fixtures/tokenizer/bert-base-uncased-vocab.txt",
                         slash ? (int)(slash - src) : 1, slash ? src : ".");
        if (w > 0 && (size_t)w < sizeof default_vocab)
            vocab = default_vocab;
    }
    int64_t mb = 4;
    if (argc > 2 && (!tl_parse_i64(argv[2], &mb) || mb < 1 || mb > 1024)) {
        fprintf(stderr, "usage: bench_wordpiece [VOCAB] [MB]  (1..1024)\n");
        return 2;
    }

    tl_wordpiece *wp = NULL;
    tl_err err;
    const char *vocab_name = vocab;
    if (!vocab || tl_wordpiece_load(vocab, true, &wp, &err) != 0) {
        if (argc > 1) {
            fprintf(stderr, "bench_wordpiece: %s\n", err.msg);
            return 1;
        }
        size_t vl = 0;
        char *v = standin_vocab(&vl);
        if (!v || tl_wordpiece_load_mem(v, vl, "stand-in", true, &wp, &err) != 0) {
            fprintf(stderr, "bench_wordpiece: %s\n", v ? err.msg : "out of memory");
            free(v);
            return 1;
        }
        free(v);
        vocab_name = "a stand-in vocabulary (no vocab.txt found)";
    }

    /* The corpus: texts back to back, each NUL-terminated, offsets kept. */
    size_t total = (size_t)mb << 20, cap = total + 1024, used = 0, ntexts = 0;
    char *corpus = malloc(cap);
    size_t *starts = malloc((total / 40 + 1) * sizeof *starts);
    if (!corpus || !starts) {
        fprintf(stderr, "bench_wordpiece: out of memory\n");
        free(corpus);
        free(starts);
        tl_wordpiece_free(wp);
        return 1;
    }
    while (used < total) {
        starts[ntexts++] = used;
        used += gen_text(corpus + used, 80 + rnd(320)) + 1;
    }

    int32_t ids[512];
    double best_wp = 1e9, best_naive = 1e9;
    size_t wp_tokens = 0, naive_count = 0;
    uint64_t sink = 0;
    for (int rep = 0; rep < 3; rep++) {   /* best of three: less noise */
        double t0 = now_seconds();
        size_t toks = 0;
        for (size_t i = 0; i < ntexts; i++) {
            const char *t = corpus + starts[i];
            size_t n = 0;
            if (tl_wordpiece_encode(wp, t, strlen(t), ids, 512, &n, &err) != 0) {
                fprintf(stderr, "bench_wordpiece: %s\n", err.msg);
                return 1;
            }
            toks += n - 2;
            sink += (uint64_t)ids[n / 2];
        }
        double t1 = now_seconds();
        size_t words_seen = 0;
        for (size_t i = 0; i < ntexts; i++) {
            const char *t = corpus + starts[i];
            words_seen += naive_tokens(t, strlen(t), &sink);
        }
        double t2 = now_seconds();
        if (t1 - t0 < best_wp)
            best_wp = t1 - t0;
        if (t2 - t1 < best_naive)
            best_naive = t2 - t1;
        wp_tokens = toks;
        naive_count = words_seen;
    }
    double mbytes = (double)used / 1048576.0;
    printf("bench_wordpiece: %zu texts, %.1f MB, vocabulary %s, one thread, best of 3\n",
           ntexts, mbytes, vocab_name);
    printf("  wordpiece (BERT uncased)     %12.0f tokens/s  %8.1f MB/s  (%zu tokens)\n",
           (double)wp_tokens / best_wp, mbytes / best_wp, wp_tokens);
    printf("  naive split+lower+hash       %12.0f words/s   %8.1f MB/s  (%zu words)\n",
           (double)naive_count / best_naive, mbytes / best_naive, naive_count);
    printf("  ratio wordpiece/naive bytes/s: %.3f (wordpiece is %.1fx slower than the floor)\n",
           best_naive / best_wp, best_wp / best_naive);
    printf("  (checksum %llu)\n", (unsigned long long)(sink & 0xffff));
    free(corpus);
    free(starts);
    tl_wordpiece_free(wp);
    return 0;
}
