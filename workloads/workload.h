/* SPDX-License-Identifier: MIT */
/*
 * workload.h - the workload plug-in interface.
 *
 * A workload is one file in workloads/ defining one
 * "const struct fx_workload fx_wl_NAME", listed once in
 * workloads/workload-list.h.  It parses its own options (perf bench's,
 * for the perf-* scenarios), creates processes and threads in a
 * simulation (sim/des/des.h) whose step functions issue futex calls and
 * user-space atomics with real futex-word semantics, and after the run
 * prints its own summary (perf's lines for the perf-* scenarios) and
 * records its own result columns with fx_des_value().
 */
#ifndef FX_WORKLOAD_H
#define FX_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "des/des.h"

struct fx_workload {
	const char *name;	/* as on the command line: "perf-hash" */
	const char *summary;	/* one line */
	const char *usage;	/* its options, one per line, for --help */
	/**
	 * parse - read the workload's options
	 * @argc/@argv: argv[0] is the workload name, options follow
	 * @opts: out, the parsed options (freed with ->free)
	 * @err: "NAME: what was wrong, what was expected"
	 * Return: 0 or -EINVAL.
	 */
	int (*parse)(int argc, char **argv, void **opts, char *err,
		     size_t errlen);
	/**
	 * setup - create the workload's processes and threads
	 * @des: a fresh simulation
	 * @opts: from ->parse
	 * @nthreads: --threads of futexsim run, overriding -t when non-zero
	 * Return: 0, or -EINVAL with @err set (e.g. more threads than the
	 * workload can place), or another negative errno.
	 */
	int (*setup)(struct fx_des *des, void *opts, unsigned nthreads,
		     char *err, size_t errlen);
	/* end_ns - simulated run length the options ask for; 0: until the
	 * threads exit */
	uint64_t (*end_ns)(const void *opts);
	/* report - after the run: print the summary, set fx_des_value()s */
	void (*report)(struct fx_des *des, void *opts, FILE *out);
	void (*free)(void *opts);
};

extern const struct fx_workload *const fx_workloads[];
const struct fx_workload *fx_workload_find(const char *name);

#define FX_WORKLOAD(n) extern const struct fx_workload fx_wl_##n;
#include "workload-list.h"
#undef FX_WORKLOAD

#endif /* FX_WORKLOAD_H */
