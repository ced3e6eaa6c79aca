/* main.c — `tailor SUBCOMMAND …` dispatch. */
#include "cli/commands.h"

#include "base/dotenv.h"
#include "base/log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const tl_command commands[] = {
    {"import", tl_cmd_import, "import the prototype's JSON files or CSV/JSONL files into a store"},
    {"serve", tl_cmd_serve, "serve the HTTP/JSON API for a store"},
    {"recommend", tl_cmd_recommend, "recommend products for one customer, with reasons"},
    {"score", tl_cmd_score, "score every customer in parallel; store and export the results"},
    {"forecast", tl_cmd_forecast, "forecast one customer's next-month spending"},
    {"backtest", tl_cmd_backtest, "compare forecasters on held-out months (sMAPE, MASE)"},
    {"generate", tl_cmd_generate, "write a synthetic bank as importable files"},
    {"demo", tl_cmd_demo, "generate a synthetic bank and serve it"},
    {"model", tl_cmd_model, "download a sentence-transformer model (model fetch NAME)"},
    {"embed", tl_cmd_embed, "sentence embeddings of stdin's lines, one JSON array per line"},
    {"train", tl_cmd_train, "train a propensity model from historical offers and outcomes"},
    {"consent", tl_cmd_consent, "consent defaults for customers without a record"},
    {"erase", tl_cmd_erase, "erase customers everywhere; their audit entries keep a pseudonym"},
    {"export", tl_cmd_export, "export tables for analysts, pseudonymised (--pseudonymise)"},
    {"report", tl_cmd_report, "governance reports: report bias (four-fifths rule)"},
    {"llm", tl_cmd_llm, "check the optional LLM's configuration (llm check)"},
    {"simulate", tl_cmd_simulate, "measure learning from feedback on a synthetic population"},
    {"rollout", tl_cmd_rollout, "pilot personalisation on a share of customers; report the lift"},
    {"policy", tl_cmd_policy, "the contact policy: dismissals, fatigue, complaints, channel caps"},
    {"audit", tl_cmd_audit, "check that the audit log is as written (audit verify)"},
    {"store", tl_cmd_store, "check a store's file, keys, tally and search index; repair them"},
    {"eval", tl_cmd_eval, "measure sentiment, intents or matching on labelled data (CSV)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: tailor COMMAND [OPTIONS]\n\n"
               "tailor — personalisation and product recommendations for banks.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`tailor COMMAND --help` describes a command's options.\n"
               "Exit codes: 0 success, 1 bad input or failure, 2 usage.\n\n"
               "environment (every command):\n"
               "  TAILOR_LOG         debug, info (default), warn, error or off\n"
               "  TAILOR_WORDNET_DIR WordNet for the built-in encoder (default\n"
               "                     /usr/share/wordnet; none: without it)\n"
               "  TAILOR_CACHE_DIR   where WordNet's tables are cached (default\n"
               "                     $XDG_CACHE_HOME/tailor or ~/.cache/tailor; none: no cache)\n");
}

int main(int argc, char **argv)
{
    /* A client that hangs up must not kill the server mid-write. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return TL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return TL_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("tailor 0.1.0\n");
        return TL_EXIT_OK;
    }
    tl_err err;
    tl_err_clear(&err);
    if (tl_dotenv_load(".env", &err)) {
        fprintf(stderr, "tailor: %s\n", err.msg);
        return TL_EXIT_FAIL;
    }
    const char *level = getenv("TAILOR_LOG");
    if (level && tl_log_parse_level(level) >= 0)
        tl_log_set_level((enum tl_log_level)tl_log_parse_level(level));
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "tailor: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return TL_EXIT_USAGE;
}
