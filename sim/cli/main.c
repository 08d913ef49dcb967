// SPDX-License-Identifier: MIT
/* main.c - futexsim: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cli/cli.h"

struct fx_cmd {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

#define FX_CLI_ENTRY(n, s) { #n, s, fx_cli_##n },
static const struct fx_cmd commands[] = {
	FX_CLI_COMMANDS(FX_CLI_ENTRY)
	{ NULL, NULL, NULL }
};

static void usage(FILE *out)
{
	fprintf(out, "usage: futexsim COMMAND [OPTIONS]\n\n"
		"A model of the Linux futex core, its hash tables and NUMA layouts.\n\n"
		"commands:\n");
	for (const struct fx_cmd *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out, "\n'futexsim COMMAND --help' describes a command.\n"
		"Where the model departs from the kernel: docs/departures.md.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("futexsim %s\n", FX_VERSION);
		return 0;
	}
	for (const struct fx_cmd *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "futexsim: unknown command '%s'; expected one of:", argv[1]);
	for (const struct fx_cmd *c = commands; c->name; c++)
		fprintf(stderr, " %s", c->name);
	fputc('\n', stderr);
	return 2;
}
