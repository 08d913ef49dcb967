/* SPDX-License-Identifier: MIT */
/* cli.h - the futexsim subcommands and the helpers they share. */
#ifndef FX_CLI_H
#define FX_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Every subcommand: {name, summary, entry}, listed once. */
#define FX_CLI_COMMANDS(X)						\
	X(list, "list hashers and layouts (--hashers, --layouts, -v)")	\
	X(hash, "show the key, hash, table, node and bucket of addresses") \
	X(collide, "collision metrics of key sets and op streams (docs/metrics.md)") \
	X(quality, "SMHasher-style tests of the hashers on futex keys")	\
	X(conform, "run conformance scenarios on the live kernel and the model") \
	X(run, "simulate workloads on NUMA topologies: latency, throughput, lock wait") \
	X(calibrate, "derive a host's cost profile from its make bench results") \
	X(validate, "simulate what make bench measured: predicted against measured") \
	X(topo, "show a topology (host, hwloc synthetic, XML) as the simulator sees it") \
	X(trace, "traces of real programs: import, convert, stats, replay") \
	X(sweep, "run a grid file of run/replay cells in parallel, merge, rank")

#define FX_CLI_DECLARE(n, s) int fx_cli_##n(int argc, char **argv);
FX_CLI_COMMANDS(FX_CLI_DECLARE)
#undef FX_CLI_DECLARE

int fx_conform_main(int argc, char **argv);

/* futexsim trace's subcommands {name, summary}, each in sim/cli/trace_NAME.c */
#define FX_TRACE_COMMANDS(X)						\
	X(convert, "convert between the text and binary forms (lossless)") \
	X(import, "import strace output into a trace")			\
	X(stats, "calls by op and flag, keys, waiters over time, blocked time") \
	X(replay, "open-loop replay: collision metrics per hasher x layout")

#define FX_TRACE_DECLARE(n, s) int fx_trace_cmd_##n(int argc, char **argv);
FX_TRACE_COMMANDS(FX_TRACE_DECLARE)
#undef FX_TRACE_DECLARE

/* fx_cli_error - print "futexsim CMD: message" to stderr; returns 2 */
int fx_cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct fx_core_config;

/*
 * The kernel layouts' knobs, shared by list, hash and collide:
 * --placement interleave|node0, --refcount percpu|atomic,
 * --bucket-lines 1|2.  FX_CLI_KNOB_OPTS goes into a getopt_long table;
 * fx_cli_knob() handles one of them and returns 0, or prints the error
 * and returns 2.
 */
#define FX_CLI_KNOB_PLACEMENT	0x100
#define FX_CLI_KNOB_REFCOUNT	0x101
#define FX_CLI_KNOB_LINES	0x102
#define FX_CLI_KNOB_OPTS						\
	{ "placement", required_argument, NULL, FX_CLI_KNOB_PLACEMENT }, \
	{ "refcount", required_argument, NULL, FX_CLI_KNOB_REFCOUNT },	\
	{ "bucket-lines", required_argument, NULL, FX_CLI_KNOB_LINES }
#define FX_CLI_KNOB_HELP						\
	"  --placement P  global table pages: interleave (default) or node0\n" \
	"  --refcount R   private hash refcount: percpu (6.17+, default) or atomic (6.16)\n" \
	"  --bucket-lines N  cache lines per bucket: 1 (the kernel's) or 2 (lock apart)\n"
int fx_cli_knob(const char *cmd, int opt, const char *arg,
		struct fx_core_config *cfg);

/*
 * Output files are written whole or not at all: fx_cli_tmpfile() opens
 * PATH.tmpXXXXXX beside @path, fx_cli_tmpfile_close() flushes, syncs and
 * closes it, fx_cli_tmpfile_commit() renames it over @path.  Each prints
 * its error, removes the temporary file on failure and returns 2 (0 on
 * success).  To drop a closed temporary file: unlink(tmp); free(tmp).
 */
int fx_cli_tmpfile(const char *cmd, const char *path, char **tmp, FILE **f);
int fx_cli_tmpfile_close(const char *cmd, const char *path, char *tmp,
			 FILE *f);
int fx_cli_tmpfile_commit(const char *cmd, const char *path, char *tmp);

/* fx_parse_u64 - strict number (decimal, 0x hex); false on junk/overflow */
bool fx_parse_u64(const char *s, uint64_t *out);

#endif /* FX_CLI_H */
