/* print_json.c — a command's --json answer (print_json.h). */
#include "cli/print_json.h"

#include <stdio.h>
#include <stdlib.h>

int tl_cli_print_json(const json_t *doc, size_t flags)
{
    char *text = json_dumps(doc, flags);
    if (!text)
        return -1;
    puts(text);
    free(text);
    return 0;
}
