/* cmd_embed.c — `tailor embed`: sentence embeddings of stdin's lines.
 *
 * One text per input line (an empty line is an empty text), one JSON array
 * of floats per output line, in order. Lines are batched for the encoder:
 * a batch closes at --batch lines, or as soon as no more input is waiting,
 * so a program talking to `tailor embed` line by line over a pipe gets each
 * answer without closing its end. */
#include "cli/commands.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/str.h"
#include "encoder/encoder.h"

#define LINE_MAX_BYTES (1u << 20)   /* a longer line is refused, not cut */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor embed [--model DIR|builtin] [--threads N] [--batch N]\n"
            "                    [--precision fp32|bf16]\n\n"
            "Reads one text per line on stdin (an empty line is an empty text) and writes\n"
            "one JSON array of floats per line on stdout, in the same order.\n\n"
            "  --model DIR|builtin  a sentence-transformer folder (config.json, vocab.txt,\n"
            "                       model.safetensors, ...) or the built-in encoder\n"
            "                       (default: builtin)\n"
            "  --threads N          encoder threads for a model folder (default:\n"
            "                       $TAILOR_ENCODER_THREADS, else every CPU)\n"
            "  --batch N            texts per encoder call, 1..4096 (default 64)\n"
            "  --precision P        a model folder's weight products: fp32 (the default,\n"
            "                       unless TAILOR_ENCODER_KERNEL=bf16) or bf16 (CPUs with\n"
            "                       AVX512-BF16 only, else an error; vectors within cosine\n"
            "                       0.999 of fp32, and faster; see docs/encoder.md)\n"
            "  --help               this text\n");
}

/* Reads stdin's lines with read(2), so it knows when nothing is buffered
 * and can tell whether more input is waiting. */
typedef struct line_reader {
    char buf[65536];
    size_t pos, len;
    int eof;
} line_reader;

/* True when a next line is available without blocking (buffered, or the
 * descriptor is readable, or at end of input). */
static int input_ready(const line_reader *r)
{
    if (r->pos < r->len || r->eof)
        return 1;
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

/* Reads one line (without its "\n" or "\r\n") into `line`. Returns 1 for a
 * line, 0 at end of input, or a negative TL_E* code. */
static int read_line(line_reader *r, tl_buf *line)
{
    tl_buf_reset(line);
    int any = 0;
    for (;;) {
        if (r->pos == r->len) {
            if (r->eof)
                break;
            ssize_t n = read(STDIN_FILENO, r->buf, sizeof r->buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return TL_EIO;
            if (n == 0) {
                r->eof = 1;
                break;
            }
            r->pos = 0;
            r->len = (size_t)n;
        }
        any = 1;
        char *start = r->buf + r->pos;
        char *nl = memchr(start, '\n', r->len - r->pos);
        size_t take = nl ? (size_t)(nl - start) : r->len - r->pos;
        int rc = tl_buf_append(line, start, take);
        if (rc)
            return rc;
        r->pos += take + (nl ? 1 : 0);
        if (nl) {
            if (line->len && line->data[line->len - 1] == '\r')
                line->data[--line->len] = '\0';
            return 1;
        }
    }
    if (!any)
        return 0;
    if (line->len && line->data[line->len - 1] == '\r')
        line->data[--line->len] = '\0';
    return 1;
}

/* Writes one vector as a JSON array line. Floats get 9 significant digits,
 * enough to read back the same float32. */
static int write_vector(tl_buf *out, const float *v, size_t dim)
{
    tl_buf_reset(out);
    int rc = tl_buf_putc(out, '[');
    for (size_t i = 0; i < dim && !rc; i++) {
        if (!isfinite(v[i]))
            return TL_EINTERNAL;
        rc = tl_buf_printf(out, i ? ",%.9g" : "%.9g", (double)v[i]);
    }
    if (!rc)
        rc = tl_buf_puts(out, "]\n");
    if (!rc && fwrite(out->data, 1, out->len, stdout) != out->len)
        rc = TL_EIO;
    return rc;
}

int tl_cmd_embed(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, NULL, 'm'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"batch", required_argument, NULL, 'b'},
                                         {"precision", required_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *model = "builtin";
    int64_t threads = 0, batch = 64;
    tl_precision precision = TL_PRECISION_DEFAULT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 't':
            if (!tl_parse_i64(optarg, &threads) || threads < 1 || threads > 256) {
                fprintf(stderr, "tailor embed: --threads: expected 1..256, got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            break;
        case 'b':
            if (!tl_parse_i64(optarg, &batch) || batch < 1 || batch > 4096) {
                fprintf(stderr, "tailor embed: --batch: expected 1..4096, got \"%s\"\n", optarg);
                return TL_EXIT_USAGE;
            }
            break;
        case 'p':
            if (tl_precision_parse(optarg, &precision) != 0) {
                fprintf(stderr, "tailor embed: --precision: expected fp32 or bf16, got \"%s\"\n",
                        optarg);
                return TL_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "tailor embed: unexpected argument \"%s\"; texts are read from stdin\n",
                argv[optind]);
        usage(stderr);
        return TL_EXIT_USAGE;
    }

    int builtin = strcmp(model, "builtin") == 0;
    if (builtin && precision == TL_PRECISION_BF16) {
        fprintf(stderr, "tailor embed: --precision bf16 applies to a model folder, not the "
                        "built-in encoder\n");
        return TL_EXIT_USAGE;
    }
    int status = TL_EXIT_FAIL;
    tl_err err;
    tl_err_clear(&err);
    tl_encoder *enc = NULL;
    int rc = builtin ? tl_encoder_open("builtin", &enc, &err)
                     : tl_bert_encoder_open_precision(model, (size_t)threads, precision, &enc,
                                                      &err);
    if (rc) {
        fprintf(stderr, "tailor embed: %s\n", err.msg[0] ? err.msg : tl_strerror(rc));
        return TL_EXIT_FAIL;
    }
    size_t dim = tl_encoder_dim(enc);
    char **texts = calloc((size_t)batch, sizeof *texts);
    float *vecs = malloc((size_t)batch * dim * sizeof *vecs);
    line_reader *rd = calloc(1, sizeof *rd);
    tl_buf line, out;
    tl_buf_init(&line, LINE_MAX_BYTES);
    tl_buf_init(&out, 1u << 24);
    if (!texts || !vecs || !rd) {
        fprintf(stderr, "tailor embed: out of memory\n");
        goto done;
    }
    size_t lineno = 0, n = 0;
    int eof = 0;
    while (!eof) {
        /* Fill a batch: stop at the limit, at end of input, or when the
         * next line is not there yet (answer what we have first). */
        while (n < (size_t)batch && (n == 0 || input_ready(rd))) {
            rc = read_line(rd, &line);
            if (rc == 0) {
                eof = 1;
                break;
            }
            if (rc < 0) {
                fprintf(stderr, "tailor embed: line %zu: %s\n", lineno + 1,
                        rc == TL_ETOOBIG ? "longer than 1 MiB" : "cannot read stdin");
                goto done;
            }
            lineno++;
            texts[n] = tl_strndup(line.data ? line.data : "", line.len);
            if (!texts[n]) {
                fprintf(stderr, "tailor embed: out of memory\n");
                goto done;
            }
            n++;
        }
        if (n == 0)
            break;
        if (tl_encoder_embed(enc, (const char *const *)texts, n, vecs, &err) != 0) {
            fprintf(stderr, "tailor embed: lines %zu-%zu: %s\n", lineno - n + 1, lineno,
                    err.msg);
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            if ((rc = write_vector(&out, vecs + i * dim, dim)) != 0) {
                fprintf(stderr, "tailor embed: line %zu: %s\n", lineno - n + 1 + i,
                        rc == TL_EINTERNAL ? "the encoder produced a non-finite value"
                                           : "cannot write stdout");
                goto done;
            }
            free(texts[i]);
            texts[i] = NULL;
        }
        n = 0;
        if (fflush(stdout) != 0) {
            fprintf(stderr, "tailor embed: cannot write stdout\n");
            goto done;
        }
    }
    status = TL_EXIT_OK;
done:
    if (texts)
        for (size_t i = 0; i < (size_t)batch; i++)
            free(texts[i]);
    free(texts);
    free(vecs);
    free(rd);
    tl_buf_free(&line);
    tl_buf_free(&out);
    tl_encoder_close(enc);
    return status;
}
