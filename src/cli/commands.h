/* commands.h — one entry point per subcommand, each in its own cmd_*.c.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit code: 0 success, 1 bad input or
 * failure (one line on stderr), 2 usage. */
#ifndef TL_CLI_COMMANDS_H
#define TL_CLI_COMMANDS_H

enum { TL_EXIT_OK = 0, TL_EXIT_FAIL = 1, TL_EXIT_USAGE = 2 };

typedef struct tl_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;    /* one line for `tailor --help` */
} tl_command;

int tl_cmd_import(int argc, char **argv);
int tl_cmd_eval(int argc, char **argv);
int tl_cmd_serve(int argc, char **argv);
int tl_cmd_forecast(int argc, char **argv);
int tl_cmd_backtest(int argc, char **argv);
int tl_cmd_demo(int argc, char **argv);
int tl_cmd_generate(int argc, char **argv);
int tl_cmd_recommend(int argc, char **argv);
int tl_cmd_score(int argc, char **argv);
int tl_cmd_model(int argc, char **argv);
int tl_cmd_embed(int argc, char **argv);
int tl_cmd_train(int argc, char **argv);
int tl_cmd_erase(int argc, char **argv);
int tl_cmd_export(int argc, char **argv);
int tl_cmd_report(int argc, char **argv);
int tl_cmd_llm(int argc, char **argv);
int tl_cmd_simulate(int argc, char **argv);
int tl_cmd_consent(int argc, char **argv);
int tl_cmd_rollout(int argc, char **argv);
int tl_cmd_policy(int argc, char **argv);
int tl_cmd_audit(int argc, char **argv);
int tl_cmd_store(int argc, char **argv);

#endif
