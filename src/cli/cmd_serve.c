/* cmd_serve.c — `tailor serve`: the HTTP API for a store until SIGINT or
 * SIGTERM. */
#include "cli/commands.h"
#include "cli/serve_loop.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "http/server.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor serve --db FILE [--host 127.0.0.1] [--port 8000] [options]\n\n"
            "Serves the HTTP/JSON API (the prototype's endpoints and /api/v1) for the store\n"
            "FILE until interrupted (Ctrl-C or SIGTERM). /openapi.json lists every route.\n\n"
            "  --db FILE            the store to serve (see `tailor import`)\n"
            "  --host ADDR          IPv4 address to bind (default 127.0.0.1, this machine only;\n"
            "                       any other address needs API tokens)\n"
            "  --port N             TCP port (default 8000; 0 picks a free one)\n"
            "  --threads N          worker threads (default one per core, 2 to 16)\n"
            "  --cors-origin URL    let pages from URL call the API, e.g.\n"
            "                       http://localhost:3000 for the prototype's React client\n"
            "                       (default: same origin only)\n"
            "  --max-body BYTES     largest request body accepted (default 1048576; else 413)\n"
            "  --tokens FILE        API bearer tokens, one `ROLE TOKEN` per line (roles: app,\n"
            "                       analyst, admin; tokens of 16+ characters; # comments).\n"
            "                       Without tokens the API is open and only a loopback\n"
            "                       address may be bound. See docs/auth.md\n"
            "  --rate-limit N       requests per second per token (per client address for\n"
            "                       requests without one), bursts of 2N; else 429 with\n"
            "                       Retry-After (default 0: off)\n"
            "  --max-conn-per-ip N  connections per client address (default 64)\n"
            "  --max-header BYTES   room for the request line and headers (default 16384;\n"
            "                       past it the request is refused)\n"
            "  --timeout SECONDS    close a connection idle or stalled this long (default 30)\n"
            "  --model DIR|builtin  sentence encoder: the built-in one (default) or a Hugging\n"
            "                       Face sentence-transformer folder (BERT family)\n"
            "  --help               this text\n\n"
            "Environment: TAILOR_DB, TAILOR_HOST, TAILOR_PORT, TAILOR_CORS_ORIGIN are used when\n"
            "the flag is not given; TAILOR_MODEL for --model; TAILOR_TOKENS holds tokens as\n"
            "comma-separated pairs (\"admin TOKEN,app TOKEN\") when --tokens is not given.\n"
            "Tokens are never logged; only their SHA-256 is kept in memory.\n"
            "TAILOR_ENCODER_KERNEL=bf16 runs a model folder's weight products in bf16 (CPUs\n"
            "with AVX512-BF16 only, else the server does not start; docs/encoder.md).\n");
}

static int parse_uint(const char *flag, const char *v, long long lo, long long hi,
                      long long *out)
{
    int64_t x;
    if (!tl_parse_i64(v, &x) || x < lo || x > hi) {
        fprintf(stderr, "tailor serve: %s: expected an integer in %lld..%lld, got \"%s\"\n", flag,
                lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

int tl_cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},          {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},        {"threads", required_argument, NULL, 't'},
        {"cors-origin", required_argument, NULL, 'c'}, {"max-body", required_argument, NULL, 'b'},
        {"model", required_argument, NULL, 'm'},       {"help", no_argument, NULL, 'h'},
        {"tokens", required_argument, NULL, 'k'},      {"rate-limit", required_argument, NULL, 'r'},
        {"max-conn-per-ip", required_argument, NULL, 'i'},
        {"max-header", required_argument, NULL, 'x'},  {"timeout", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}};
    const char *tokens_file = NULL;
    tl_server_opts so;
    tl_server_opts_default(&so);
    so.db_path = getenv("TAILOR_DB");
    if (getenv("TAILOR_HOST"))
        so.host = getenv("TAILOR_HOST");
    so.cors_origin = getenv("TAILOR_CORS_ORIGIN");
    so.encoder = getenv("TAILOR_MODEL");
    long long v;
    if (getenv("TAILOR_PORT")) {
        if (parse_uint("TAILOR_PORT", getenv("TAILOR_PORT"), 0, 65535, &v))
            return TL_EXIT_USAGE;
        so.port = (int)v;
    }
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': so.db_path = optarg; break;
        case 'H': so.host = optarg; break;
        case 'p':
            if (parse_uint("--port", optarg, 0, 65535, &v))
                return TL_EXIT_USAGE;
            so.port = (int)v;
            break;
        case 't':
            if (parse_uint("--threads", optarg, 1, 256, &v))
                return TL_EXIT_USAGE;
            so.threads = (unsigned)v;
            break;
        case 'c': so.cors_origin = optarg; break;
        case 'b':
            if (parse_uint("--max-body", optarg, 1024, 1LL << 30, &v))
                return TL_EXIT_USAGE;
            so.max_body = (size_t)v;
            break;
        case 'm': so.encoder = optarg; break;
        case 'k': tokens_file = optarg; break;
        case 'r':
            if (parse_uint("--rate-limit", optarg, 0, 1000000, &v))
                return TL_EXIT_USAGE;
            so.rate_limit = (double)v;
            break;
        case 'i':
            if (parse_uint("--max-conn-per-ip", optarg, 1, 65535, &v))
                return TL_EXIT_USAGE;
            so.max_conn_per_ip = (unsigned)v;
            break;
        case 'x':
            if (parse_uint("--max-header", optarg, 4096, 1 << 20, &v))
                return TL_EXIT_USAGE;
            so.max_header = (size_t)v;
            break;
        case 'o':
            if (parse_uint("--timeout", optarg, 1, 3600, &v))
                return TL_EXIT_USAGE;
            so.conn_timeout_s = (unsigned)v;
            break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (!so.db_path || optind != argc) {
        fprintf(stderr, "tailor serve: %s\n",
                !so.db_path ? "--db FILE is required" : "unexpected argument");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    if (so.cors_origin && strchr(so.cors_origin, '*')) {
        fprintf(stderr, "tailor serve: --cors-origin: name the one origin allowed "
                        "(e.g. https://bank.example); '*' is not accepted\n");
        return TL_EXIT_USAGE;
    }
    tl_tokens *tokens;
    int rc = tl_serve_load_tokens("serve", tokens_file, &tokens);
    if (rc)
        return rc;
    so.tokens = tokens;
    rc = tl_serve_until_signal(&so, NULL);
    tl_tokens_free(tokens);
    return rc;
}
