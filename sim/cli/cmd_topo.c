// SPDX-License-Identifier: MIT
/*
 * cmd_topo.c - futexsim topo: show a topology as the simulator sees it:
 * CPUs, cores, packages, nodes, and the distance matrix (from hwloc, or
 * from the cost profile when hwloc has none).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cost.h"
#include "topo.h"

#define CMD "topo"

static const char usage_text[] =
"usage: futexsim topo [--cost-file FILE] [--cost NAME=VALUE]... SPEC...\n"
"\n"
"Shows each topology as futexsim run uses it.  SPEC is 'host', an hwloc\n"
"synthetic description such as \"package:2 numa:2 core:16 pu:2\", or an\n"
"lstopo XML file (docs/topology.md).  Distances hwloc does not know come\n"
"from the cost profile's distance.* parameters (docs/cost-model.md).\n";

int fx_cli_topo(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "cost-file", required_argument, NULL, 'f' },
		{ "cost", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct fx_cost cost;
	char err[512];
	int c;

	fx_cost_defaults(&cost);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (fx_cost_load(&cost, optarg, err, sizeof(err)))
				return fx_cli_error(CMD, "--cost-file: %s", err);
			break;
		case 'c':
			if (fx_cost_set(&cost, optarg, err, sizeof(err)))
				return fx_cli_error(CMD, "%s", err);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind == argc)
		return fx_cli_error(CMD, "no topology given (expected 'host', a synthetic description or an XML file)");
	for (int i = optind; i < argc; i++) {
		struct fx_topo *t;

		if (fx_topo_load(argv[i], &t, err, sizeof(err)))
			return fx_cli_error(CMD, "%s", err);
		if (fx_cost_apply_distances(&cost, t, err, sizeof(err))) {
			fx_topo_free(t);
			return fx_cli_error(CMD, "%s", err);
		}
		if (i > optind)
			putchar('\n');
		fx_topo_describe(t, stdout);
		fx_topo_free(t);
	}
	return 0;
}
