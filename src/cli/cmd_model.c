/* cmd_model.c — `tailor model fetch NAME`: download a sentence-transformer
 * folder from the Hugging Face hub (or HF_ENDPOINT) for --model. */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "encoder/fetch.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tailor model fetch NAME [--dir DIR] [--endpoint URL] [--revision REV]\n\n"
            "Downloads the sentence-transformer NAME (owner/model, e.g.\n"
            "sentence-transformers/multi-qa-MiniLM-L6-cos-v1) into DIR, ready for\n"
            "`tailor serve --model DIR`. An interrupted download resumes where it stopped;\n"
            "every file's size is checked against what the server announced.\n\n"
            "  --dir DIR        destination (default $TAILOR_MODELS_DIR/NAME or\n"
            "                   ~/.cache/tailor/models/NAME)\n"
            "  --endpoint URL   hub address (default $HF_ENDPOINT or https://huggingface.co)\n"
            "  --revision REV   branch, tag or commit (default main)\n"
            "  --help           this text\n\n"
            "HF_TOKEN, when set, is sent as a bearer token for gated models.\n");
}

int tl_cmd_model(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
                                         {"endpoint", required_argument, NULL, 'e'},
                                         {"revision", required_argument, NULL, 'r'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    tl_fetch_opts fo = {.progress = isatty(STDERR_FILENO)};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'e': fo.endpoint = optarg; break;
        case 'r': fo.revision = optarg; break;
        case 'h': usage(stdout); return TL_EXIT_OK;
        default: usage(stderr); return TL_EXIT_USAGE;
        }
    }
    if (optind + 2 != argc || strcmp(argv[optind], "fetch") != 0) {
        fprintf(stderr, "tailor model: expected `fetch NAME`\n");
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    const char *name = argv[optind + 1];
    char def[4096];
    tl_err err;
    tl_err_clear(&err);
    if (!dir) {
        if (tl_model_default_dir(name, def, sizeof def, &err)) {
            fprintf(stderr, "tailor model: %s\n", err.msg);
            return TL_EXIT_USAGE;
        }
        dir = def;
    }
    if (tl_model_fetch(name, dir, &fo, &err)) {
        fprintf(stderr, "tailor model: %s\n", err.msg);
        return err.code == TL_EINPUT ? TL_EXIT_USAGE : TL_EXIT_FAIL;
    }
    printf("%s is in %s\n", name, dir);
    return TL_EXIT_OK;
}
