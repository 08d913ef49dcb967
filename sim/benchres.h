/* SPDX-License-Identifier: MIT */
/*
 * benchres.h - the results of "make bench" (live-kernel benchmarks), read
 * and written in one place.
 *
 * "make bench" (scripts/bench-live.sh, bench/live_*.cc; docs/bench-live.md)
 * writes results/bench/<host>-<UTC date>/ holding gbench.json, bench.csv,
 * skipped.txt and host.txt.  bench.csv is the file calibration and plots
 * read: one tidy row per measured figure, under the header
 *
 *   host,kernel,cpus,nodes,distances,slots,benchmark,params,metric,value,unit
 *
 *   host       hostname                kernel   uname -r
 *   cpus       online CPUs             nodes    NUMA nodes (1 without NUMA)
 *   distances  node distance matrix, rows joined by ';', values by ' '
 *              ("10 21;21 10"; "10" on one node)
 *   slots      PR_FUTEX_HASH_GET_SLOTS of the benchmark process at start
 *              (0 = global hash, -1 = prctl not supported)
 *   benchmark  e.g. "hash"             params  "key=value" pairs joined by
 *   metric     e.g. "ops_per_s"                ';' in a fixed order per
 *   value      a finite number (%.6g)          benchmark ("" for none)
 *   unit       ns | ops/s | ms | ratio | count
 *
 * No field holds a comma, a quote or a newline, so there is no quoting.
 * The benchmarks, their params and metrics are listed in docs/bench-live.md.
 *
 * Usage (calibration):
 *
 *	struct fx_benchres_set set;
 *	char err[512];
 *	double v;
 *
 *	if (fx_benchres_load("results/bench/h-20250101T000000Z", &set,
 *			     err, sizeof(err)) < 0)
 *		die("%s", err);		// "FILE:LINE: what was expected"
 *	if (fx_benchres_get(&set, "hash", "threads=2;futexes=1024;shared=0",
 *			    "ops_per_s", &v) == 0)
 *		...
 *	for (r = NULL; (r = fx_benchres_next(&set, r, "chain_walk", NULL,
 *					     "wake_ns")); )
 *		fx_benchres_param_long(r->params, "chain", &len);
 *	fx_benchres_free(&set);
 *
 * Library code: nothing here exits or prints; errors are negative errnos
 * with a message in the caller's buffer.
 */
#ifndef FX_BENCHRES_H
#define FX_BENCHRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FX_BENCHRES_HEADER \
	"host,kernel,cpus,nodes,distances,slots,benchmark,params,metric,value,unit"
#define FX_BENCHRES_CSV		"bench.csv"	/* in a results directory */
#define FX_BENCHRES_SKIPPED	"skipped.txt"

/*
 * struct fx_benchres_row - one line of bench.csv.  The strings belong to
 * the set (or, for fx_benchres_write_row(), to the caller); none is NULL.
 */
struct fx_benchres_row {
	const char *host;
	const char *kernel;
	int cpus;
	int nodes;
	const char *distances;	/* "10 21;21 10" (fx_benchres_distances()) */
	long slots;		/* 0 = global hash, -1 = no PR_FUTEX_HASH */
	const char *benchmark;
	const char *params;	/* "" or "k=v;k=v" */
	const char *metric;
	double value;
	const char *unit;
	unsigned line;		/* line in the file (the header is line 1) */
};

/*
 * struct fx_benchres_set - the rows of one bench.csv, in file order, and
 * the lines of the skipped.txt next to it (none if there is none).
 */
struct fx_benchres_set {
	struct fx_benchres_row *rows;
	size_t nrows;
	char **skipped;		/* "benchmark params: reason", no newline */
	size_t nskipped;
	char *path;		/* the bench.csv read */
	char **bufs_;		/* private: one per row, freed with the set */
};

/**
 * fx_benchres_load - read the results of one "make bench" run
 * @path:   a results directory (its bench.csv, and skipped.txt if there)
 *          or a bench.csv file itself
 * @set:    filled on success; release with fx_benchres_free()
 * @err:    on error "FILE:LINE: what was expected" (or "FILE: why")
 * @errlen: size of @err
 *
 * The header must be FX_BENCHRES_HEADER exactly; every row must have 11
 * fields, integer cpus/nodes/slots (cpus, nodes >= 1; slots >= -1), a
 * well-formed distances matrix of nodes x nodes, non-empty benchmark and
 * metric, params of "key=value" pairs joined by ';', a finite value and a
 * unit of ns, ops/s, ms, ratio or count.  A file with a header and no row
 * is valid (every benchmark may have been skipped).  On error @set is left
 * empty (nrows 0, safe to free).
 *
 * Return: 0, -EINVAL (malformed; @err says where), -ENOMEM, or the
 * negative errno of opening or reading the file.
 */
int fx_benchres_load(const char *path, struct fx_benchres_set *set,
		     char *err, size_t errlen);

/* fx_benchres_free - release what fx_benchres_load() allocated */
void fx_benchres_free(struct fx_benchres_set *set);

/**
 * fx_benchres_get - the value of one figure
 * @set:       loaded results
 * @benchmark: e.g. "hash"
 * @params:    e.g. "threads=2;futexes=1024;shared=0": the same key=value
 *             pairs as the row's, in any order ("" for none)
 * @metric:    e.g. "ops_per_s"
 * @v:         the value, set on success
 *
 * The first matching row in file order wins (a run writes each figure
 * once).
 *
 * Return: 0, or -ENOENT when no row matches.
 */
int fx_benchres_get(const struct fx_benchres_set *set, const char *benchmark,
		    const char *params, const char *metric, double *v);

/**
 * fx_benchres_next - walk the rows that match a filter
 * @set:       loaded results
 * @prev:      the row returned last, or NULL to start
 * @benchmark: the benchmark, or NULL for any
 * @filter:    key=value pairs every one of which the row's params must
 *             hold ("threads=2" matches "threads=2;futexes=1024;shared=0"),
 *             or NULL / "" for any
 * @metric:    the metric, or NULL for any
 *
 * Return: the next matching row after @prev, or NULL at the end.
 */
const struct fx_benchres_row *
fx_benchres_next(const struct fx_benchres_set *set,
		 const struct fx_benchres_row *prev, const char *benchmark,
		 const char *filter, const char *metric);

/**
 * fx_benchres_params_match - does @params hold every pair of @filter?
 * @params: "k=v;k=v" (a row's params)
 * @filter: "k=v;..." or "" / NULL (matches everything)
 *
 * Return: true if each key=value of @filter is in @params (any order).
 */
bool fx_benchres_params_match(const char *params, const char *filter);

/**
 * fx_benchres_param - the value of key @key in @params
 * @params: "k=v;k=v"
 * @key:    e.g. "threads"
 * @buf:    receives the value, NUL-terminated
 * @len:    size of @buf
 *
 * Return: 0, -ENOENT (no such key), -ENAMETOOLONG (@buf too small).
 */
int fx_benchres_param(const char *params, const char *key, char *buf,
		      size_t len);

/**
 * fx_benchres_param_long - the integer value of key @key in @params
 * Return: 0, -ENOENT (no such key) or -EINVAL (not an integer).
 */
int fx_benchres_param_long(const char *params, const char *key, long *v);

/**
 * fx_benchres_distances - parse a distances field into a matrix
 * @s:     "10 21;21 10"
 * @d:     receives the n x n matrix, row-major
 * @max:   capacity of @d, in entries
 * @n:     receives the number of nodes
 *
 * Return: 0, -EINVAL (rows of different lengths, not square, not a
 * positive integer), -ERANGE (more than @max entries).
 */
int fx_benchres_distances(const char *s, unsigned *d, size_t max,
			  unsigned *n);

/**
 * fx_benchres_unit_ok - is @unit one of ns, ops/s, ms, ratio, count?
 */
bool fx_benchres_unit_ok(const char *unit);

/**
 * fx_benchres_field_ok - may @s be written as a CSV field (no ',', '"',
 * CR or LF)?
 */
bool fx_benchres_field_ok(const char *s);

/**
 * fx_benchres_write_header - write FX_BENCHRES_HEADER and a newline
 * Return: 0 or -EIO.
 */
int fx_benchres_write_header(FILE *out);

/**
 * fx_benchres_write_row - write one row as fx_benchres_load() reads it
 * @out: the CSV file
 * @r:   the row (@r->line is ignored); value printed with "%.6g"
 *
 * Return: 0, -EINVAL (a field holds a comma, quote or newline, the unit
 * is not one of the five, the value is not finite), -EIO.
 */
int fx_benchres_write_row(FILE *out, const struct fx_benchres_row *r);

/*
 * ---- perf bench futex output ----
 *
 * Each scenario prints one summary line that carries its figure:
 *
 *   hash           "Averaged 1234567 operations/sec (+- 0.52%), total secs = 1"
 *   wake           "Wokeup 2 of 2 threads in 0.0321 ms (+-1.20%)"
 *   wake_parallel  "Avg per-thread latency (waking 2/2 threads) in 0.0480 ms (+-3.10%)"
 *   requeue        "Requeued 2 of 2 threads in 0.0040 ms (+-1.00%)"
 *   lock_pi        "Averaged 123456 operations/sec (+- 0.52%), total secs = 1"
 *
 * (requeue -p prints the same "Requeued" line; wake-parallel prints
 * several "Wokeup" lines before its average line.)
 */

/**
 * fx_benchres_perf_parse - find perf's summary figure in its output
 * @scenario: "hash", "wake", "wake_parallel", "requeue" or "lock_pi"
 * @text:     perf bench futex's whole standard output
 * @v:        the figure: operations/sec (hash, lock_pi) or ms (others)
 *
 * The last summary line of the scenario's form counts, so a run with
 * --repeat or per-thread lines before the summary still gives the mean.
 *
 * Return: 0, -ENOENT (no summary line), -EINVAL (unknown scenario or a
 * summary line whose number does not parse).
 */
int fx_benchres_perf_parse(const char *scenario, const char *text,
			   double *v);

#endif /* FX_BENCHRES_H */
