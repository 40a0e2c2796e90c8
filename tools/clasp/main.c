/* SPDX-License-Identifier: Apache-2.0 */
/* clasp: the command-line face of the library. Dispatches to the client,
 * server and demo subcommands. */
#include "tool.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    /* A peer that hangs up must give an error from write, not kill us. */
    signal(SIGPIPE, SIG_IGN);

    if (argc < 2) {
        usage_print(stderr);
        return TOOL_EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 ||
        strcmp(command, "help") == 0) {
        usage_print(stdout);
        return TOOL_EXIT_OK;
    }
    if (strcmp(command, "--version") == 0 || strcmp(command, "version") == 0) {
        /* The library's version is the one linked, which may differ from the
         * header's when libclasp.so was replaced. */
        printf("clasp %s (library %s)\n", CLASP_VERSION_STRING, clasp_version());
        return TOOL_EXIT_OK;
    }
    /* Each subcommand sees argv[0] = its own name. */
    if (strcmp(command, "client") == 0)
        return client_main(argc - 1, argv + 1);
    if (strcmp(command, "server") == 0)
        return server_main(argc - 1, argv + 1);
    if (strcmp(command, "demo") == 0)
        return demo_main(argc - 1, argv + 1);
    if (command[0] == '-')
        return options_unknown(command);
    return tool_usage_error("unknown command '%s' (see clasp --help)", command);
}
