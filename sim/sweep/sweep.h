/* SPDX-License-Identifier: MIT */
/*
 * sweep.h - futexsim sweep: a grid file of configurations run as one
 * command per cell, in parallel, then merged (docs/sweep.md).
 *
 *   grid file --fx_sweep_grid_parse()--> sections, each a cartesian
 *   product of key value lists
 *     --fx_sweep_cell()--> cell K: one value per key, a config string and
 *                          a command (futexsim run | futexsim trace replay)
 *     --fx_sweep_cell_exec()--> DIR/cells/NNNNN.csv (+ .csv.json, .series.csv)
 *                               or DIR/cells/NNNNN.err
 *     --fx_sweep_merge()--> DIR/run.csv, run.csv.json, replay.csv,
 *                           replay-series.csv, cells.tsv
 *     --fx_sweep_rank()--> DIR/ranking.txt
 *
 * Cells are numbered sections first (file order), then the product in
 * the key order of FX_SWEEP_KEYS, the last key varying fastest; the
 * numbering depends on the grid text only.
 */
#ifndef FX_SWEEP_H
#define FX_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define FX_SWEEP_VERSION	1		/* the grid format's version */
#define FX_SWEEP_MAXCELLS	100000UL	/* indexes have 5 digits */
#define FX_SWEEP_MAXVALUES	256		/* values of one key */

enum fx_sweep_mode { FX_SWEEP_RUN, FX_SWEEP_REPLAY };

#define FX_SWEEP_M_RUN		(1u << FX_SWEEP_RUN)
#define FX_SWEEP_M_REPLAY	(1u << FX_SWEEP_REPLAY)
#define FX_SWEEP_M_BOTH		(FX_SWEEP_M_RUN | FX_SWEEP_M_REPLAY)

/*
 * The keys of a section, in product order (the first varies slowest):
 * X(id, name, modes).  "mode" is not a dimension.
 */
#define FX_SWEEP_KEYS(X)					\
	X(MODE, "mode", FX_SWEEP_M_BOTH)			\
	X(WORKLOAD, "workload", FX_SWEEP_M_RUN)			\
	X(ARGS, "args", FX_SWEEP_M_RUN)				\
	X(TRACE, "trace", FX_SWEEP_M_REPLAY)			\
	X(TOPOLOGY, "topology", FX_SWEEP_M_BOTH)		\
	X(CPUS, "cpus", FX_SWEEP_M_REPLAY)			\
	X(NODES, "nodes", FX_SWEEP_M_REPLAY)			\
	X(HASH, "hash", FX_SWEEP_M_BOTH)			\
	X(LAYOUT, "layout", FX_SWEEP_M_BOTH)			\
	X(SLOTS, "slots", FX_SWEEP_M_BOTH)			\
	X(THREADS, "threads", FX_SWEEP_M_RUN)			\
	X(COPIES, "copies", FX_SWEEP_M_REPLAY)			\
	X(COPY_MODE, "copy-mode", FX_SWEEP_M_REPLAY)		\
	X(SEED, "seed", FX_SWEEP_M_BOTH)			\
	X(COST_FILE, "cost-file", FX_SWEEP_M_RUN)		\
	X(COST, "cost", FX_SWEEP_M_RUN)

#define FX_SWEEP_KEY_ENUM(id, name, modes) FX_SWEEP_K_##id,
enum fx_sweep_key { FX_SWEEP_KEYS(FX_SWEEP_KEY_ENUM) FX_SWEEP_NKEYS };
#undef FX_SWEEP_KEY_ENUM

/* fx_sweep_key_name - the grid name of key @k ("cost-file") */
const char *fx_sweep_key_name(enum fx_sweep_key k);

struct fx_sweep_values {
	unsigned n;		/* 0: the key is not set in the section */
	unsigned line;		/* its line in the grid file */
	char **v;		/* [n] as written (quotes removed) */
	char **path;		/* [n] resolved file path, or NULL per value */
	unsigned *cpus, *nodes;	/* [n] replay: of a topology or a bundled
				 * trace's NAME.meta (0: unknown) */
};

struct fx_sweep_section {
	char *name;
	unsigned line;				/* of "[name]" */
	enum fx_sweep_mode mode;
	struct fx_sweep_values key[FX_SWEEP_NKEYS];
	unsigned long first, ncells;		/* its cell indexes */
};

struct fx_sweep_grid {
	char *name;		/* the file as given */
	char *base;		/* directory relative paths are resolved in */
	char *text;		/* the file's bytes (DIR/grid is a copy) */
	size_t len;
	char sha256[65];	/* of text, lower-case hex */
	unsigned nsec;
	struct fx_sweep_section *sec;
	unsigned long ncells, nrun, nreplay;
	char *traces;		/* the bundled traces' directory */
	bool series;		/* trace replay has --series */
};

/* Options of fx_sweep_grid_parse() */
struct fx_sweep_env {
	const char *traces;	/* bundled traces (workloads/traces) */
	bool nofiles;		/* do not require trace, XML and cost files to exist */
};

/**
 * fx_sweep_grid_parse - read and validate a grid file
 * @path: the file
 * @env: where the bundled traces are, whether files must exist
 * @out: the grid (fx_sweep_grid_free())
 * @err: on error "FILE:LINE: field 'KEY': what was wrong; what was expected"
 * @errlen: its size
 *
 * Every value is checked against the tables the commands use (hashers,
 * layouts, workloads, topologies, cost parameters) before anything runs.
 *
 * Return: 0, -EINVAL (a message in @err) or another negative errno.
 */
int fx_sweep_grid_parse(const char *path, const struct fx_sweep_env *env,
			struct fx_sweep_grid **out, char *err, size_t errlen);

/* fx_sweep_grid_parse_text - the same on @len bytes of @text named @name,
 * relative paths resolved in @base */
int fx_sweep_grid_parse_text(const char *name, const char *base,
			     const char *text, size_t len,
			     const struct fx_sweep_env *env,
			     struct fx_sweep_grid **out, char *err,
			     size_t errlen);
void fx_sweep_grid_free(struct fx_sweep_grid *g);

/* fx_sweep_replay_has - whether "trace replay" accepts option @opt (with
 * an argument: a number, or FILE.csv for --series) */
bool fx_sweep_replay_has(const char *opt);

/* One cell: a value for each key set in its section. */
struct fx_sweep_cell {
	unsigned long index;
	const struct fx_sweep_section *sec;
	const char *v[FX_SWEEP_NKEYS];		/* NULL: not set */
	const char *path[FX_SWEEP_NKEYS];	/* resolved file, or NULL */
	unsigned cpus, nodes;			/* replay; 0: the default */
	bool bundled;				/* trace is a bundled name */
};

/**
 * fx_sweep_cell - cell @index of @g
 * @g: the grid
 * @index: 0 .. ncells - 1
 * @c: out
 *
 * Return: 0, or -ERANGE.
 */
int fx_sweep_cell(const struct fx_sweep_grid *g, unsigned long index,
		  struct fx_sweep_cell *c);

/* fx_sweep_cell_config - "key=value ..." of @c into @buf; its length */
size_t fx_sweep_cell_config(const struct fx_sweep_cell *c, char *buf,
			    size_t len);

/* A cell's command: argv[0] is the futexsim binary; it runs in DIR/cwd. */
struct fx_sweep_cmd {
	const char *cwd;	/* "." (run) or "traces" (replay) */
	int argc;
	char **argv;		/* NULL-terminated; owned */
	char *outs[3];		/* outputs, relative to DIR: the CSV, then the
				 * JSON sidecar or the series, as written by
				 * the command (".part" names) */
	char *final[3];		/* and their names once committed */
	unsigned nout;
};

/**
 * fx_sweep_cell_cmd - the command of cell @c
 * @g: its grid
 * @c: the cell
 * @bin: the futexsim binary (an absolute path)
 * @cmd: out; fx_sweep_cmd_free()
 *
 * Return: 0 or -ENOMEM.
 */
int fx_sweep_cell_cmd(const struct fx_sweep_grid *g,
		      const struct fx_sweep_cell *c, const char *bin,
		      struct fx_sweep_cmd *cmd);
void fx_sweep_cmd_free(struct fx_sweep_cmd *cmd);

/* fx_sweep_shell_quote - @s quoted for sh, appended to @f */
void fx_sweep_shell_quote(FILE *f, const char *s);
/* fx_sweep_cmd_print - "cd DIR/CWD && ARGV..." for sh */
void fx_sweep_cmd_print(FILE *f, const char *dir, const struct fx_sweep_cmd *cmd);

/* ---- cell results (result.c) ---- */

enum fx_sweep_state { FX_SWEEP_MISSING, FX_SWEEP_OK, FX_SWEEP_FAILED };

/* fx_sweep_state_name - "missing", "ok", "failed" */
const char *fx_sweep_state_name(enum fx_sweep_state s);

/* fx_sweep_cell_path - DIR/cells/NNNNN<suffix> into @buf */
void fx_sweep_cell_path(char *buf, size_t len, const char *dir,
			unsigned long index, const char *suffix);

/**
 * fx_sweep_cell_state - whether cell @index in @dir is complete
 * @dir: the results directory
 * @index: the cell
 * @mode: its mode (a run cell needs its JSON sidecar)
 *
 * A cell is ok when NNNNN.csv (and NNNNN.csv.json for a run cell) exist
 * and parse: optional '#' lines, a header, one row with as many fields.
 * It failed when it is not ok and NNNNN.err exists.
 *
 * Return: the state.
 */
enum fx_sweep_state fx_sweep_cell_state(const char *dir, unsigned long index,
					enum fx_sweep_mode mode);

/**
 * fx_sweep_todo - the cells a run in @dir still has to execute
 * @g: the grid
 * @dir: the results directory (need not exist)
 * @part_i: with @part_n, only the cells whose index % @part_n == @part_i
 * @part_n: 0: every cell
 * @retry: failed cells too (--retry-failed)
 * @todo: out, [g->ncells] room, the indexes in order
 *
 * Complete cells are skipped (resuming), failed cells unless @retry.
 *
 * Return: the number of cells in @todo.
 */
unsigned long fx_sweep_todo(const struct fx_sweep_grid *g, const char *dir,
			    unsigned part_i, unsigned part_n, bool retry,
			    unsigned long *todo);

/* fx_sweep_cell_error - the first line of cell @index's error into @buf
 * (empty when none) */
void fx_sweep_cell_error(const char *dir, unsigned long index, char *buf,
			 size_t len);

/* fx_sweep_file_read - a whole file, NUL-terminated; NULL on error */
char *fx_sweep_file_read(const char *path, size_t *len);
/* fx_sweep_file_write - write @len bytes whole or not at all; 0 or -errno */
int fx_sweep_file_write(const char *path, const void *data, size_t len);
/* fx_sweep_mkdirs - mkdir -p; 0 or -errno */
int fx_sweep_mkdirs(const char *path);

/* ---- one cell's execution (exec.c) ---- */

/**
 * fx_sweep_cell_exec - run cell @c's command in @dir and commit its result
 * @g: the grid
 * @c: the cell
 * @bin: the futexsim binary
 * @dir: the results directory
 * @errline: out, the first error line when it failed
 * @errlen: its size
 *
 * The command runs with its stdout discarded and its stderr captured; on
 * success its outputs are renamed into place (the CSV last), on failure
 * DIR/cells/NNNNN.err gets the command line and its stderr and the
 * partial outputs are removed.
 *
 * Return: 0 (ok), 1 (the cell failed) or a negative errno (could not run).
 */
int fx_sweep_cell_exec(const struct fx_sweep_grid *g,
		       const struct fx_sweep_cell *c, const char *bin,
		       const char *dir, char *errline, size_t errlen);

/* ---- bundled traces (traces.c) ---- */

/**
 * fx_sweep_trace_import - DIR/traces/NAME.fxt from a bundled trace, once
 * @g: the grid (its traces directory)
 * @name: the bundled trace
 * @bin: the futexsim binary
 * @dir: the results directory
 * @err: message
 * @errlen: its size
 *
 * Return: 0 (imported, or already there) or a negative errno.
 */
int fx_sweep_trace_import(const struct fx_sweep_grid *g, const char *name,
			  const char *bin, const char *dir, char *err,
			  size_t errlen);

/* fx_sweep_trace_meta - cpus and nodes of a bundled trace's NAME.meta;
 * 0 or -errno */
int fx_sweep_trace_meta(const char *traces, const char *name,
			unsigned *cpus, unsigned *nodes);

/* ---- merge (merge.c, collect.c) ---- */

struct fx_sweep_summary {
	unsigned long cells, ok, failed, missing;
	enum fx_sweep_state *state;	/* [cells] */
};

/**
 * fx_sweep_merge - merge the cells of @dir into its result files
 * @g: the grid
 * @dir: the results directory
 * @sum: out, counts and each cell's state (free sum->state)
 * @err: message
 * @errlen: its size
 *
 * Writes run.csv, run.csv.json, replay.csv, replay-series.csv (each only
 * when a cell of its kind is ok; a stale one is removed) and cells.tsv,
 * each whole or not at all, in cell-index order.  They hold nothing of
 * the host or the time, so a split sweep merges to the same bytes.
 *
 * Return: 0 or a negative errno.
 */
int fx_sweep_merge(const struct fx_sweep_grid *g, const char *dir,
		   struct fx_sweep_summary *sum, char *err, size_t errlen);

/**
 * fx_sweep_collect - copy the cell results of @src[0..n-1] into @dir
 * @g: the grid they all ran
 * @dir: the destination (may be one of @src)
 * @src: results directories, each with a byte copy of the grid
 * @n: their number
 * @err: message
 * @errlen: its size
 *
 * For each cell the first ok result is taken, else the first failure.
 *
 * Return: 0 or a negative errno (a directory of another grid: -EINVAL).
 */
int fx_sweep_collect(const struct fx_sweep_grid *g, const char *dir,
		     char *const *src, unsigned n, char *err, size_t errlen);

/* ---- running (runner.c) and provenance (provenance.c) ---- */

struct fx_sweep_run_opts {
	const char *bin;	/* this futexsim, absolute */
	const char *grid;	/* the grid file, absolute */
	const char *dir;	/* the results directory, absolute */
	const char *sshlogin;	/* --sshloginfile, or NULL */
	unsigned jobs;		/* -j; 0: one per CPU */
	bool retry;		/* --retry-failed */
	bool quiet;		/* failures only */
};

/**
 * fx_sweep_run_parallel - run cells @todo[0..n-1] through GNU parallel
 * @g: the grid
 * @o: where and how
 * @todo: cell indexes
 * @n: their number
 * @progress: where progress and failures go (a terminal gets one
 *            updating line)
 * @err: message
 * @errlen: its size
 *
 * Each job is "BIN sweep GRID -o DIR --cell K"; DIR/joblog gets GNU
 * parallel's joblog, appended.  Failed cells are reported and counted,
 * not errors.
 *
 * Return: 0, or a negative errno when the cells could not be started.
 */
int fx_sweep_run_parallel(const struct fx_sweep_grid *g,
			  const struct fx_sweep_run_opts *o,
			  const unsigned long *todo, unsigned long n,
			  FILE *progress, char *err, size_t errlen);

/**
 * fx_sweep_provenance - write DIR/provenance.txt
 * @g: the grid
 * @dir: the results directory
 * @sum: the merge's counts
 * @bin: this futexsim (for git describe of its tree)
 * @started: when this invocation started
 * @srcs: directories merged into @dir (their joblogs and provenance give
 *        hosts and the earliest start), or NULL
 * @nsrc: their number
 * @err: message
 * @errlen: its size
 *
 * Return: 0 or a negative errno.
 */
int fx_sweep_provenance(const struct fx_sweep_grid *g, const char *dir,
			const struct fx_sweep_summary *sum, const char *bin,
			time_t started, char *const *srcs, unsigned nsrc,
			char *err, size_t errlen);

/* ---- ranking (rank.c) ---- */

/**
 * fx_sweep_rank - the end-of-sweep ranking of the merged results in @dir
 * @dir: the results directory (run.csv, replay.csv)
 * @sum: the merge's summary
 * @out: where to print it
 *
 * Per run workload (name and options): the hasher x layout with the
 * lowest mean p99 wake latency and the one with the highest mean
 * throughput; per replayed trace: the lowest mean collision rate.
 * Means are over the cells of that hasher x layout.
 *
 * Return: 0 or a negative errno.
 */
int fx_sweep_rank(const char *dir, const struct fx_sweep_summary *sum,
		  FILE *out);

/* ---- SHA-256 (sha256.c) ---- */

/* fx_sweep_sha256 - FIPS 180-4 SHA-256 of @len bytes as 64 hex digits */
void fx_sweep_sha256(const void *data, size_t len, char hex[65]);

#endif /* FX_SWEEP_H */
