// SPDX-License-Identifier: MIT
/*
 * cmd_list.c - "futexsim list": the registered hashers and layouts.
 * With -v a layout also states its tables, home nodes, bucket cache
 * lines, refcount scheme and resize rule for the given machine shape.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "futex_int.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"

static const char list_usage[] =
	"usage: futexsim list [--hashers] [--layouts] [-v] [--cpus N] [--nodes N]\n"
	"  Lists the hash functions and bucket layouts (both by default).\n"
	"  -v           describe each layout in full for --cpus/--nodes\n"
	"  --cpus N     CPUs of the described machine (default 2)\n"
	"  --nodes N    NUMA nodes of the described machine (default 1)\n"
	FX_CLI_KNOB_HELP;

int fx_cli_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hashers", no_argument, NULL, 'H' },
		{ "layouts", no_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		FX_CLI_KNOB_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct fx_core_config knobs = { 0 };
	bool hashers = false, layouts = false, verbose = false;
	uint64_t cpus = 2, nodes = 1;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "HLvh", opts, NULL)) != -1) {
		switch (c) {
		case 'H': hashers = true; break;
		case 'L': layouts = true; break;
		case 'v': verbose = true; break;
		case 'c':
			if (!fx_parse_u64(optarg, &cpus) || !cpus || cpus > 65536)
				return fx_cli_error("list", "--cpus '%s': expected a CPU count 1..65536", optarg);
			break;
		case 'n':
			if (!fx_parse_u64(optarg, &nodes) || !nodes || nodes > 1024)
				return fx_cli_error("list", "--nodes '%s': expected a node count 1..1024", optarg);
			break;
		case 'h':
			fputs(list_usage, stdout);
			return 0;
		case FX_CLI_KNOB_PLACEMENT:
		case FX_CLI_KNOB_REFCOUNT:
		case FX_CLI_KNOB_LINES:
			if (fx_cli_knob("list", c, optarg, &knobs))
				return 2;
			break;
		default:
			fputs(list_usage, stderr);
			return 2;
		}
	}
	if (optind < argc)
		return fx_cli_error("list", "unexpected argument '%s'", argv[optind]);
	if (nodes > cpus)
		return fx_cli_error("list", "--nodes %llu exceeds --cpus %llu",
				    (unsigned long long)nodes, (unsigned long long)cpus);
	if (!hashers && !layouts)
		hashers = layouts = true;
	if (hashers) {
		printf("hashers:\n");
		for (const struct fx_hasher *const *h = fx_hashers; *h; h++)
			printf("  %-16s %2u-bit  %s\n", (*h)->name,
			       (*h)->out_bits, (*h)->summary);
	}
	if (layouts) {
		printf("%slayouts:\n", hashers ? "\n" : "");
		for (const struct fx_layout_ops *const *l = fx_layouts; *l; l++) {
			struct fx_core_config cfg = knobs;
			struct fx_core *core;

			cfg.layout = *l;
			cfg.ncpus = (unsigned)cpus;
			cfg.nnodes = (unsigned)nodes;
			if (!verbose) {
				printf("  %-16s %s\n", (*l)->name, (*l)->summary);
				continue;
			}
			core = fx_core_new(&cfg);
			if (!core)
				return fx_cli_error("list", "cannot build layout %s", (*l)->name);
			(*l)->describe(core, core->layout, stdout, true);
			if (l[1])
				putchar('\n');
			fx_core_free(core);
		}
	}
	return 0;
}
