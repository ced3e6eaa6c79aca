/* bench_eval_sentiment.c — accuracy and speed of tailor's sentiment scorer
 * on public financial-sentiment data, beside two baselines computed in the
 * same run:
 *   - majority class (always the set's most frequent label);
 *   - Loughran–McDonald word count (positive words minus negative words,
 *     [a-z]+ tokens, lower-cased), reading the LM 2011 lists from the shared
 *     datasets folder at run time. The LM lists are non-commercial: they are
 *     only read here, never shipped or compiled in.
 *
 *   bench_eval_sentiment [--shared DIR] [--errors SET] [--confusion] [--reps N]
 *
 * DIR defaults to $TAILOR_SHARED, else ../shared, ../../shared. SET names a
 * row of the table (e.g. pb-50agree, tw-train) whose misclassified texts are
 * printed after the table, for error analysis. --confusion prints confusion
 * matrices; --reps N (default 3) is the number of speed rounds: the two
 * scorers take turns and each keeps its best round of thread CPU time. Data sets:
 *   Financial PhraseBank (Sentences_{50,66,75,All}Agree.txt: latin-1,
 *   "sentence@label" per line), Twitter financial news (sent_train.csv,
 *   sent_valid.csv: "text,label" CSV, 0 bearish, 1 bullish, 2 neutral).
 * Tune on pb-50agree / tw-train; report pb-allagree / tw-valid. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/str.h"
#include "text/sentiment.h"

enum { NEGATIVE = 0, NEUTRAL = 1, POSITIVE = 2, NCLASS = 3 };
static const char *const class_name[NCLASS] = {"negative", "neutral", "positive"};

typedef struct sample {
    char *text;  /* UTF-8, NUL-terminated, owned by the set */
    size_t len;
    int label;
} sample;

typedef struct dataset {
    const char *name;
    sample *s;
    size_t n, cap;
} dataset;

/* CPU time of this thread: other processes on a busy machine do not count. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int add_sample(dataset *d, const char *text, size_t len, int label, bool latin1)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        sample *ns = realloc(d->s, cap * sizeof *ns);
        if (!ns)
            return -1;
        d->s = ns;
        d->cap = cap;
    }
    char *t = malloc(2 * len + 1); /* latin-1 -> UTF-8 at most doubles */
    if (!t)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (latin1 && c >= 0x80) {
            t[k++] = (char)(0xC0 | (c >> 6));
            t[k++] = (char)(0x80 | (c & 0x3F));
        } else {
            t[k++] = (char)c;
        }
    }
    t[k] = '\0';
    d->s[d->n++] = (sample){t, k, label};
    return 0;
}

static void free_set(dataset *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->s[i].text);
    free(d->s);
    d->s = NULL;
    d->n = d->cap = 0;
}

/* Financial PhraseBank: one "sentence@label" per line, latin-1, CRLF. */
static int load_phrasebank(const char *path, dataset *d)
{
    size_t len;
    char *buf = read_all(path, &len);
    if (!buf)
        return -1;
    char *p = buf, *end = buf + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        char *q = le;
        while (q > p && (q[-1] == '\r' || q[-1] == ' '))
            q--;
        char *at = NULL;
        for (char *r = q; r > p; r--)
            if (r[-1] == '@') {
                at = r - 1;
                break;
            }
        if (at) {
            size_t ll = (size_t)(q - at - 1);
            int label = -1;
            for (int c = 0; c < NCLASS; c++)
                if (strlen(class_name[c]) == ll && memcmp(at + 1, class_name[c], ll) == 0)
                    label = c;
            if (label >= 0 && add_sample(d, p, (size_t)(at - p), label, true) != 0) {
                free(buf);
                return -1;
            }
        }
        p = le + 1;
    }
    free(buf);
    return 0;
}

/* Twitter financial news: CSV "text,label" with a header, quoted fields with
 * doubled quotes and newlines inside quotes; UTF-8. */
static int load_twitter(const char *path, dataset *d)
{
    size_t len;
    char *buf = read_all(path, &len);
    if (!buf)
        return -1;
    char *field = malloc(len + 1);
    if (!field) {
        free(buf);
        return -1;
    }
    size_t i = 0, row = 0;
    while (i < len) {
        /* field 1: text */
        size_t fl = 0;
        if (buf[i] == '"') {
            i++;
            while (i < len) {
                if (buf[i] == '"') {
                    if (i + 1 < len && buf[i + 1] == '"') {
                        field[fl++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                field[fl++] = buf[i++];
            }
        } else {
            while (i < len && buf[i] != ',' && buf[i] != '\n')
                field[fl++] = buf[i++];
        }
        int label = -1;
        if (i < len && buf[i] == ',') {
            i++;
            if (i < len && buf[i] >= '0' && buf[i] <= '2')
                label = buf[i] - '0';
        }
        while (i < len && buf[i] != '\n')
            i++;
        i++;
        if (row++ == 0)
            continue; /* header */
        static const int map[3] = {NEGATIVE, POSITIVE, NEUTRAL};
        if (label >= 0 && add_sample(d, field, fl, map[label], false) != 0) {
            free(field);
            free(buf);
            return -1;
        }
    }
    free(field);
    free(buf);
    return 0;
}

/* ---- Loughran–McDonald baseline (evaluation only) ----------------------- */

typedef struct lm_set {
    char **slot;  /* owned lower-case words; NULL = empty */
    size_t cap;
} lm_set;

static uint32_t lm_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static bool lm_has(const lm_set *set, const char *s, size_t n)
{
    for (size_t i = lm_hash(s, n) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        const char *k = set->slot[i];
        if (!k)
            return false;
        if (strlen(k) == n && memcmp(k, s, n) == 0)
            return true;
    }
}

static int lm_load(const char *path, lm_set *set)
{
    size_t len;
    char *buf = read_all(path, &len);
    if (!buf)
        return -1;
    set->cap = 8192;
    set->slot = calloc(set->cap, sizeof *set->slot);
    if (!set->slot) {
        free(buf);
        return -1;
    }
    size_t used = 0;
    for (char *p = buf; *p;) {
        char *e = p;
        while (*e && *e != ',' && *e != '\n' && *e != '\r')
            e++;
        size_t n = (size_t)(e - p);
        if (n > 0 && used < set->cap / 2) {
            char *w = tl_strndup(p, n);
            if (!w)
                break;
            for (size_t k = 0; k < n; k++)
                if (w[k] >= 'A' && w[k] <= 'Z')
                    w[k] = (char)(w[k] - 'A' + 'a');
            if (!lm_has(set, w, n)) {
                size_t i = lm_hash(w, n) & (set->cap - 1);
                while (set->slot[i])
                    i = (i + 1) & (set->cap - 1);
                set->slot[i] = w;
                used++;
            } else {
                free(w);
            }
        }
        while (*e && *e != '\n')
            e++;
        p = *e ? e + 1 : e;
    }
    free(buf);
    return 0;
}

static void lm_free(lm_set *set)
{
    for (size_t i = 0; set->slot && i < set->cap; i++)
        free(set->slot[i]);
    free(set->slot);
    set->slot = NULL;
}

static int lm_classify(const lm_set *pos, const lm_set *neg, const char *s, size_t len)
{
    char w[64];
    int score = 0;
    size_t i = 0;
    while (i < len) {
        size_t n = 0;
        bool over = false;
        while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
            char c = s[i++];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (n < sizeof w)
                w[n++] = c;
            else
                over = true;
        }
        if (n && !over) {
            score += lm_has(pos, w, n);
            score -= lm_has(neg, w, n);
        }
        if (!n)
            i++;
    }
    return score > 0 ? POSITIVE : score < 0 ? NEGATIVE : NEUTRAL;
}

static int tailor_classify(const char *s, size_t len)
{
    tl_sentiment r;
    tl_sentiment_score(s, len, &r);
    return r.polarity > 0 ? POSITIVE : r.polarity < 0 ? NEGATIVE : NEUTRAL;
}

/* ---- metrics ------------------------------------------------------------ */

typedef struct metrics {
    double acc, f1;
    size_t conf[NCLASS][NCLASS]; /* [gold][predicted] */
} metrics;

static void finish(metrics *m, size_t n)
{
    size_t right = 0;
    double f1 = 0;
    for (int c = 0; c < NCLASS; c++) {
        size_t tp = m->conf[c][c], fp = 0, fn = 0;
        right += tp;
        for (int o = 0; o < NCLASS; o++)
            if (o != c) {
                fp += m->conf[o][c];
                fn += m->conf[c][o];
            }
        if (tp + fp + fn)
            f1 += 2.0 * (double)tp / (double)(2 * tp + fp + fn);
    }
    m->acc = n ? (double)right / (double)n : 0;
    m->f1 = f1 / NCLASS;
}

static const char *find_shared(const char *arg)
{
    static const char *const tries[] = {"../shared", "../../shared", "../../../shared"};
    struct stat st;
    if (arg)
        return arg;
    const char *env = getenv("TAILOR_SHARED");
    if (env && stat(env, &st) == 0)
        return env;
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++)
        if (stat(tries[i], &st) == 0 && S_ISDIR(st.st_mode))
            return tries[i];
    return NULL;
}

static void print_conf(const char *who, const metrics *m)
{
    printf("    %-7s gold\\pred  neg   neu   pos\n", who);
    for (int g = 0; g < NCLASS; g++)
        printf("            %-8s %5zu %5zu %5zu\n", class_name[g], m->conf[g][0],
               m->conf[g][1], m->conf[g][2]);
}

int main(int argc, char **argv)
{
    const char *shared_arg = NULL, *errors = NULL;
    bool confusion = false;
    int64_t reps = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc) {
            shared_arg = argv[++i];
        } else if (strcmp(argv[i], "--errors") == 0 && i + 1 < argc) {
            errors = argv[++i];
        } else if (strcmp(argv[i], "--confusion") == 0) {
            confusion = true;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc &&
                   tl_parse_i64(argv[i + 1], &reps) && reps >= 1 && reps <= 1000) {
            i++;
        } else {
            fprintf(stderr, "usage: bench_eval_sentiment [--shared DIR] [--errors SET] "
                            "[--confusion] [--reps N]\n");
            return 2;
        }
    }
    const char *shared = find_shared(shared_arg);
    if (!shared) {
        fprintf(stderr, "bench_eval_sentiment: no shared datasets folder (use --shared)\n");
        return 1;
    }

    static const struct {
        const char *name, *file;
        bool twitter;
    } sets[] = {
        {"pb-50agree", "datasets/financial-phrasebank/Sentences_50Agree.txt", false},
        {"pb-66agree", "datasets/financial-phrasebank/Sentences_66Agree.txt", false},
        {"pb-75agree", "datasets/financial-phrasebank/Sentences_75Agree.txt", false},
        {"pb-allagree", "datasets/financial-phrasebank/Sentences_AllAgree.txt", false},
        {"tw-train", "datasets/twitter-fin-news-sentiment/sent_train.csv", true},
        {"tw-valid", "datasets/twitter-fin-news-sentiment/sent_valid.csv", true},
    };
    enum { NSETS = sizeof sets / sizeof sets[0] };
    dataset data[NSETS];
    memset(data, 0, sizeof data);
    char path[4096];
    int rc = 1;

    lm_set lm_pos = {0}, lm_neg = {0};
    snprintf(path, sizeof path, "%s/datasets/lm-lexicon-2011/LoughranMcDonald_Positive.csv",
             shared);
    if (lm_load(path, &lm_pos) != 0) {
        fprintf(stderr, "bench_eval_sentiment: cannot read %s\n", path);
        goto done;
    }
    snprintf(path, sizeof path, "%s/datasets/lm-lexicon-2011/LoughranMcDonald_Negative.csv",
             shared);
    if (lm_load(path, &lm_neg) != 0) {
        fprintf(stderr, "bench_eval_sentiment: cannot read %s\n", path);
        goto done;
    }
    for (size_t k = 0; k < NSETS; k++) {
        snprintf(path, sizeof path, "%s/%s", shared, sets[k].file);
        data[k].name = sets[k].name;
        int lr = sets[k].twitter ? load_twitter(path, &data[k]) : load_phrasebank(path, &data[k]);
        if (lr != 0 || data[k].n == 0) {
            fprintf(stderr, "bench_eval_sentiment: cannot read %s\n", path);
            goto done;
        }
    }

    printf("sentiment: accuracy and macro-F1 (3 classes), data from %s\n", shared);
    printf("%-12s %6s | %-13s | %-13s | %-13s\n", "dataset", "n", "majority", "LM 2011 count",
           "tailor");
    printf("%-12s %6s | %6s %6s | %6s %6s | %6s %6s\n", "", "", "acc", "F1", "acc", "F1", "acc",
           "F1");
    for (size_t k = 0; k < NSETS; k++) {
        const dataset *d = &data[k];
        metrics maj = {0}, lm = {0}, tl = {0};
        size_t count[NCLASS] = {0};
        for (size_t i = 0; i < d->n; i++)
            count[d->s[i].label]++;
        int major = 0;
        for (int c = 1; c < NCLASS; c++)
            if (count[c] > count[major])
                major = c;
        for (size_t i = 0; i < d->n; i++) {
            const sample *s = &d->s[i];
            maj.conf[s->label][major]++;
            lm.conf[s->label][lm_classify(&lm_pos, &lm_neg, s->text, s->len)]++;
            tl.conf[s->label][tailor_classify(s->text, s->len)]++;
        }
        finish(&maj, d->n);
        finish(&lm, d->n);
        finish(&tl, d->n);
        printf("%-12s %6zu | %6.3f %6.3f | %6.3f %6.3f | %6.3f %6.3f\n", d->name, d->n, maj.acc,
               maj.f1, lm.acc, lm.f1, tl.acc, tl.f1);
        if (confusion) {
            print_conf("LM", &lm);
            print_conf("tailor", &tl);
        }
    }

    /* Speed: every text of every set, one thread; the two scorers take
     * turns `reps` times and each keeps its best round (CPU time). */
    size_t total = 0;
    for (size_t k = 0; k < NSETS; k++)
        total += data[k].n;
    double t_tl = 1e30, t_lm = 1e30;
    long check = 0;
    for (int64_t r = 0; r < reps; r++) {
        double t0 = now_seconds();
        for (size_t k = 0; k < NSETS; k++)
            for (size_t i = 0; i < data[k].n; i++)
                check += tailor_classify(data[k].s[i].text, data[k].s[i].len);
        double t1 = now_seconds();
        for (size_t k = 0; k < NSETS; k++)
            for (size_t i = 0; i < data[k].n; i++)
                check += lm_classify(&lm_pos, &lm_neg, data[k].s[i].text, data[k].s[i].len);
        double t2 = now_seconds();
        if (t1 - t0 < t_tl)
            t_tl = t1 - t0;
        if (t2 - t1 < t_lm)
            t_lm = t2 - t1;
    }
    double r_tl = (double)total / t_tl, r_lm = (double)total / t_lm;
    printf("speed (one thread, %zu texts, best of %lld rounds of CPU time): tailor %.0f "
           "texts/s, LM count %.0f texts/s, ratio tailor/LM %.2f (checksum %ld)\n",
           total, (long long)reps, r_tl, r_lm, r_tl / r_lm, check);

    if (errors) {
        bool found = false;
        for (size_t k = 0; k < NSETS; k++) {
            if (strcmp(errors, data[k].name) != 0)
                continue;
            found = true;
            for (size_t i = 0; i < data[k].n; i++) {
                const sample *s = &data[k].s[i];
                tl_sentiment r;
                tl_sentiment_score(s->text, s->len, &r);
                int p = r.polarity > 0 ? POSITIVE : r.polarity < 0 ? NEGATIVE : NEUTRAL;
                if (p != s->label)
                    printf("ERR gold=%s pred=%s score=%+.3f pos=%.2f neg=%.2f | %s\n",
                           class_name[s->label], class_name[p], r.score, r.positive,
                           r.negative, s->text);
            }
        }
        if (!found)
            fprintf(stderr, "bench_eval_sentiment: no set named %s\n", errors);
    }
    rc = 0;
done:
    for (size_t k = 0; k < NSETS; k++)
        free_set(&data[k]);
    lm_free(&lm_pos);
    lm_free(&lm_neg);
    return rc;
}
