/* SPDX-License-Identifier: MIT */
/*
 * validate.h - validation: the simulator against the live kernel.
 *
 * From the results of "make bench" (sim/benchres.h) a plan of rows is
 * made, one per comparison, each holding the measured figure; the
 * simulator (sim/des/, the workloads of workloads/) then runs the same
 * scenarios with a cost profile (normally the one calibrated from the
 * same results, sim/calib.h) on the same topology and fills in the
 * predicted figure.  docs/calibration.md describes every row.
 *
 *   group         compares                                     target
 *   slot_sweep    ops/s at S slots / at the global hash (S=0)   +-15%
 *   hash_threads  hash ops/s at T threads / at 1 thread         +-15%
 *   hash_shared   hash ops/s shared=1 / shared=0                +-15%
 *   lock_pi       lock_pi ops/s multi=1 / multi=0               +-15%
 *   wake          wake lat_p50_ns (p90, p99 shown)              +-25%
 *   wake_latency  wake_latency lat_p50_ns (p90, p99 shown)      +-25%
 *
 * Ratios, not absolute throughput: the absolute figures depend on every
 * parameter at once, a ratio on what differs between two scenarios.
 */
#ifndef FX_VALIDATE_H
#define FX_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "benchres.h"
#include "cost.h"

#define FX_VAL_RATIO_TARGET	15.0	/* %, throughput ratios */
#define FX_VAL_LAT_TARGET	25.0	/* %, wake-latency p50 */

enum fx_val_status {
	FX_VAL_PASS,		/* |error| <= target */
	FX_VAL_MISS,		/* |error| > target: a finding */
	FX_VAL_INFO,		/* shown, no target (p90, p99) */
	FX_VAL_NA,		/* not simulated (e.g. a CPU the topology lacks) */
};

/* how the simulator computes a row's predicted figure */
enum fx_val_sim {
	FX_VAL_SIM_RATIO,	/* throughput(num) / throughput(den) */
	FX_VAL_SIM_WAKE,	/* wake-latency quantile of a wake run */
	FX_VAL_SIM_WAKELAT,	/* quantile of a one-waker/one-wakee run */
};

/* struct fx_val_row - one comparison */
struct fx_val_row {
	char group[16];		/* "slot_sweep" ... (table above) */
	char scenario[160];	/* bench.csv params; "NUM / DEN" for ratios */
	char metric[24];	/* "ops_per_s ratio", "lat_p50_ns" */
	double measured;
	double predicted;	/* NAN until fx_val_predict(), or if NA */
	double error_pct;	/* (predicted - measured) / measured x 100 */
	double target_pct;	/* 0: no target (INFO) */
	enum fx_val_status status;
	unsigned line;		/* bench.csv line of the measured figure */
	/* the simulation(s) */
	enum fx_val_sim sim;
	char num[96];		/* RATIO: workload and options of the
				   numerator ("perf-hash -t 2 -b 16");
				   WAKE: "T W"; WAKELAT: "C1 C2 busy|idle" */
	char den[96];		/* RATIO: the denominator's */
	double q;		/* WAKE, WAKELAT: the quantile (0.5 ...) */
	char how[200];		/* filled by fx_val_predict(): the run(s) */
};

/* struct fx_val_table - every row of one validation */
struct fx_val_table {
	struct fx_val_row *rows;
	size_t n, cap;
	char host[64];
	char kernel[96];
	int cpus, nodes;
	bool layout_global;	/* the kernel had no PR_FUTEX_HASH (slots
				   -1): simulate its global table */
	char topo[128];		/* the simulated topology's spec */
	char profile[256];	/* the cost profile's origin */
};

/* struct fx_val_opts - how the simulator runs */
struct fx_val_opts {
	const struct fx_cost *cost;	/* required */
	const char *topo;	/* topology spec; NULL: fx_val_topology() */
	uint64_t hash_ns;	/* simulated runtime of a perf-hash run */
	uint64_t lockpi_ns;	/* of a perf-lock-pi run */
	unsigned wake_rounds;	/* rounds of a wake run */
	unsigned wakelat_samples; /* wake-ups of a wake_latency run */
	uint64_t seed;
	bool progress;		/* a line per simulation on stderr */
};

/* fx_val_opts_default - short runs: a few simulated ms each */
void fx_val_opts_default(struct fx_val_opts *o, const struct fx_cost *cost);

/**
 * fx_val_error_pct - (@predicted - @measured) / @measured x 100
 * Return: the error in %, NAN if either is not a finite number or
 * @measured is 0.
 */
double fx_val_error_pct(double predicted, double measured);

/**
 * fx_val_judge - the status of an error against a target
 * @error_pct: from fx_val_error_pct()
 * @target_pct: the tolerance in %, 0 for none
 * Return: FX_VAL_INFO without a target, FX_VAL_NA for a NAN error,
 * else FX_VAL_PASS when |error| <= target, FX_VAL_MISS otherwise.
 */
enum fx_val_status fx_val_judge(double error_pct, double target_pct);

/* fx_val_status_name - "PASS", "MISS", "info", "n/a" */
const char *fx_val_status_name(enum fx_val_status s);

/**
 * fx_val_plan - the rows the results allow, with their measured figures
 * @set:    the results (fx_benchres_load())
 * @t:      filled (empty table first); free with fx_val_free()
 * @err:    on error "FILE:LINE: what was expected"
 * @errlen: size of @err
 *
 * Return: 0 (possibly with no rows: nothing to compare), -EINVAL for a
 * figure the plan uses that is malformed (unit, value, params), -ENOMEM.
 */
int fx_val_plan(const struct fx_benchres_set *set, struct fx_val_table *t,
		char *err, size_t errlen);

/**
 * fx_val_topology - the topology to simulate the results' host on
 * @set: the results
 * @buf: receives "host" when the results come from this machine (same
 *       hostname and CPU count), else a synthetic hwloc description of
 *       the results' cpus and nodes ("package:2 numa:1 core:4 pu:1")
 * @len: size of @buf
 */
void fx_val_topology(const struct fx_benchres_set *set, char *buf,
		     size_t len);

/**
 * fx_val_predict - run the simulations and fill every row's prediction
 * @t:      the plan
 * @o:      how (cost profile, topology, run lengths, seed)
 * @err:    on error a message naming the simulation and what failed
 * @errlen: size of @err
 *
 * Each distinct simulation runs once.  Rows are judged against their
 * targets; a row whose scenario the topology cannot hold (a CPU it lacks)
 * is FX_VAL_NA.
 *
 * Return: 0, or a negative errno (bad topology, a workload that failed)
 * with @err set.
 */
int fx_val_predict(struct fx_val_table *t, const struct fx_val_opts *o,
		   char *err, size_t errlen);

/* fx_val_write_csv - the table as CSV, header first */
void fx_val_write_csv(const struct fx_val_table *t, FILE *out);

/* fx_val_print - the table for humans, then the summary line */
void fx_val_print(const struct fx_val_table *t, FILE *out);

/* fx_val_count - rows with status @s */
size_t fx_val_count(const struct fx_val_table *t, enum fx_val_status s);

void fx_val_free(struct fx_val_table *t);

#endif /* FX_VALIDATE_H */
