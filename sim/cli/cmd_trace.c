// SPDX-License-Identifier: MIT
/*
 * cmd_trace.c - futexsim trace: traces of real programs (docs in
 * workloads/FORMAT.md).  One subcommand per concern, each in its own
 * file, listed once in FX_TRACE_COMMANDS (cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct trace_cmd {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

#define FX_TRACE_ENTRY(n, s) { #n, s, fx_trace_cmd_##n },
static const struct trace_cmd cmds[] = {
	FX_TRACE_COMMANDS(FX_TRACE_ENTRY)
	{ NULL, NULL, NULL }
};

static void usage(FILE *out)
{
	fprintf(out, "usage: futexsim trace COMMAND [OPTIONS]\n\n"
		"Traces of real programs' futex calls (workloads/FORMAT.md).\n\n"
		"commands:\n");
	for (const struct trace_cmd *c = cmds; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n'futexsim trace COMMAND --help' describes a command.\n");
}

int fx_cli_trace(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (const struct trace_cmd *c = cmds; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "futexsim trace: unknown command '%s'; expected one of:",
		argv[1]);
	for (const struct trace_cmd *c = cmds; c->name; c++)
		fprintf(stderr, " %s", c->name);
	fputc('\n', stderr);
	return 2;
}
