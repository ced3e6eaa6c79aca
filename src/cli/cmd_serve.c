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
            "  --host ADDR          IPv4 address to bind (default 127.0.0.1, this machine only)\n"
            "  --port N             TCP port (default 8000; 0 picks a free one)\n"
            "  --threads N          worker threads (default 2)\n"
            "  --cors-origin URL    let pages from URL call the API, e.g.\n"
            "                       http://localhost:3000 for the prototype's React client\n"
            "                       (default: same origin only)\n"
            "  --max-body BYTES     largest request body accepted (default 1048576; else 413)\n"
            "  --model DIR|builtin  sentence encoder: the built-in one (default) or a Hugging\n"
            "                       Face sentence-transformer folder (BERT family)\n"
            "  --help               this text\n\n"
            "Environment: TAILOR_DB, TAILOR_HOST, TAILOR_PORT, TAILOR_CORS_ORIGIN are used when\n"
            "the flag is not given; TAILOR_MODEL for --model.\n");
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
        {NULL, 0, NULL, 0}};
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
    return tl_serve_until_signal(&so, NULL);
}
