/* print_json.h — a command's --json answer: one line on stdout. */
#ifndef TL_CLI_PRINT_JSON_H
#define TL_CLI_PRINT_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Writes doc (borrowed) as one line, json_dumps's `flags` (JSON_COMPACT,
 * and JSON_REAL_PRECISION(12) where figures are printed). Returns 0, or -1
 * when out of memory (nothing printed). */
int tl_cli_print_json(const json_t *doc, size_t flags);

#endif
