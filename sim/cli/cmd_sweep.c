// SPDX-License-Identifier: MIT
/*
 * cmd_sweep.c - futexsim sweep GRID: every cell of a grid file
 * (sim/sweep/, docs/sweep.md) as one futexsim run or futexsim trace
 * replay command, run in parallel by GNU parallel, resumed, merged with
 * provenance and ranked.
 *
 *   futexsim sweep GRID -o DIR
 *     parse + validate GRID (nothing is created on an error)
 *     DIR/grid    a byte copy; a different grid in DIR is an error
 *     DIR/traces  the bundled traces the cells replay, imported once
 *     parallel --joblog +DIR/joblog -a TODO \
 *         futexsim sweep GRID -o DIR --cell {}      (one line per cell
 *                                                  back on stdout ->
 *                                                  progress)
 *     merge -> run.csv, run.csv.json, replay.csv, replay-series.csv,
 *              cells.tsv; provenance.txt; ranking.txt
 *
 * The job command line holds absolute paths only (this binary, GRID,
 * DIR), so with --sshloginfile every host must see them at the same
 * paths: a shared filesystem.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "sweep/sweep.h"

#define CMD "sweep"

static const char usage_text[] =
"usage: futexsim sweep GRID [-o DIR] [-j N] [--sshloginfile FILE]\n"
"                      [--part I/N] [--dry-run] [--slurm FILE]\n"
"                      [--retry-failed] [--quiet]\n"
"       futexsim sweep GRID -o DIR --cell K | --merge-only\n"
"       futexsim sweep --merge DIR1 DIR2 ... -o DIR\n"
"\n"
"Runs every cell of the grid file GRID (docs/sweep.md) - one futexsim run\n"
"or futexsim trace replay each - in parallel with GNU parallel, and merges\n"
"them into DIR: run.csv, run.csv.json, replay.csv, replay-series.csv,\n"
"cells.tsv, provenance.txt, ranking.txt.  A rerun skips completed cells.\n"
"\n"
"  -o, --out DIR        results directory (default results/sweep/NAME for\n"
"                       GRID NAME.grid)\n"
"  -j, --jobs N         cells at a time (default: one per CPU)\n"
"  --sshloginfile FILE  spread the cells over hosts (GNU parallel); every\n"
"                       host must see this binary, GRID and DIR at the same\n"
"                       absolute paths (a shared filesystem)\n"
"  --part I/N           only the cells whose index % N == I\n"
"  --dry-run            list the cells to run and their commands\n"
"  --slurm FILE         write a Slurm job-array script (sh FILE submits it\n"
"                       and a dependent merge job)\n"
"  --retry-failed       rerun failed cells too\n"
"  -q, --quiet          no per-cell progress and no ranking on stdout\n"
"  --cell K             run cell K only (what each parallel job runs)\n"
"  --merge-only         merge the cells already in DIR\n"
"  --merge DIR...       collect the cells of DIR1 DIR2 ... into DIR, merge\n"
"\n"
"Exit status: 0 if every cell (of --part) is ok, 1 if any failed or is\n"
"missing, 2 on a usage, grid or I/O error.\n";

struct sweep {
	struct fx_sweep_grid *g;
	char bin[PATH_MAX];
	char grid[PATH_MAX];	/* GRID, absolute */
	char dir[PATH_MAX];	/* DIR, absolute */
	const char *dir_arg;
	unsigned jobs, part_i, part_n;
	bool quiet, retry, dry;
	const char *sshlogin, *slurm;
	time_t started;
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* bundled traces: $FUTEXSIM_TRACES, else workloads/traces of the tree the
 * binary was built in (BIN/../workloads/traces), else ./workloads/traces */
static void traces_dir(const char *bin, char *out, size_t len)
{
	const char *env = getenv("FUTEXSIM_TRACES");
	char buf[PATH_MAX], *slash;

	if (env && *env) {
		if (!realpath(env, out))
			snprintf(out, len, "%s", env);
		return;
	}
	snprintf(buf, sizeof(buf), "%s", bin);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/../workloads/traces");
		if (realpath(buf, out))
			return;
	}
	if (!realpath("workloads/traces", out))
		snprintf(out, len, "workloads/traces");
}

static bool in_part(const struct sweep *s, unsigned long i)
{
	return !s->part_n || i % s->part_n == s->part_i;
}

/* DIR/grid: absent, the same bytes as the grid, or an error */
static int check_dir_grid(const struct sweep *s, bool *exists)
{
	char p[PATH_MAX + 8];
	size_t len;
	char *text;

	snprintf(p, sizeof(p), "%s/grid", s->dir);
	text = fx_sweep_file_read(p, &len);
	*exists = text != NULL;
	if (!text)
		return errno == ENOENT ? 0 :
		       fx_cli_error(CMD, "%s: %s", p, strerror(errno));
	if (len != s->g->len || memcmp(text, s->g->text, len)) {
		free(text);
		return fx_cli_error(CMD, "%s holds another grid than %s (%s differs); use another -o DIR",
				    s->dir, s->g->name, p);
	}
	free(text);
	return 0;
}

static int prepare_dir(const struct sweep *s)
{
	char p[PATH_MAX + 16];
	bool exists;
	int ret = check_dir_grid(s, &exists);

	if (ret)
		return ret;
	snprintf(p, sizeof(p), "%s/cells", s->dir);
	if ((ret = fx_sweep_mkdirs(p)))
		return fx_cli_error(CMD, "%s: %s", p, strerror(-ret));
	if (!exists) {
		snprintf(p, sizeof(p), "%s/grid", s->dir);
		if ((ret = fx_sweep_file_write(p, s->g->text, s->g->len)))
			return fx_cli_error(CMD, "%s: %s", p, strerror(-ret));
	}
	return 0;
}

/* import the bundled traces of the cells @todo[0..n-1] (all if !todo) */
static int import_traces(const struct sweep *s, const unsigned long *todo,
			 unsigned long n)
{
	char done[64][256];
	unsigned nd = 0;

	for (unsigned long j = 0; j < n; j++) {
		struct fx_sweep_cell c;
		char err[1024];
		bool seen = false;

		fx_sweep_cell(s->g, todo ? todo[j] : j, &c);
		if (!c.bundled)
			continue;
		for (unsigned k = 0; k < nd; k++)
			seen |= !strcmp(done[k], c.v[FX_SWEEP_K_TRACE]);
		if (seen)
			continue;
		if (nd < 64)
			snprintf(done[nd++], sizeof(done[0]), "%s", c.v[FX_SWEEP_K_TRACE]);
		if (!s->quiet && todo) {
			char p[PATH_MAX + 300];

			snprintf(p, sizeof(p), "%s/traces/%s.fxt", s->dir, c.v[FX_SWEEP_K_TRACE]);
			if (access(p, R_OK))
				fprintf(stderr, "futexsim sweep: importing trace %s\n",
					c.v[FX_SWEEP_K_TRACE]);
		}
		if (fx_sweep_trace_import(s->g, c.v[FX_SWEEP_K_TRACE], s->bin, s->dir,
					  err, sizeof(err)))
			return fx_cli_error(CMD, "%s", err);
	}
	return 0;
}

/* ---- --cell K ---- */

static int do_cell(struct sweep *s, unsigned long k)
{
	struct fx_sweep_cell c;
	enum fx_sweep_state st;
	char errline[1024], p[PATH_MAX + 300];
	double t0 = now_sec();
	int ret;

	if (fx_sweep_cell(s->g, k, &c))
		return fx_cli_error(CMD, "--cell %lu: the grid has %lu cells (0..%lu)", k,
				    s->g->ncells, s->g->ncells - 1);
	if ((ret = prepare_dir(s)))
		return ret;
	st = fx_sweep_cell_state(s->dir, k, c.sec->mode);
	if (st == FX_SWEEP_OK || (st == FX_SWEEP_FAILED && !s->retry)) {
		printf("%lu\t%s\t0\tskipped\n", k, fx_sweep_state_name(st));
		return st == FX_SWEEP_OK ? 0 : 1;
	}
	if (c.bundled) {
		snprintf(p, sizeof(p), "%s/traces/%s.fxt", s->dir, c.v[FX_SWEEP_K_TRACE]);
		if (access(p, R_OK) && fx_sweep_trace_import(s->g, c.v[FX_SWEEP_K_TRACE],
							     s->bin, s->dir, errline,
							     sizeof(errline)))
			return fx_cli_error(CMD, "%s", errline);
	}
	ret = fx_sweep_cell_exec(s->g, &c, s->bin, s->dir, errline, sizeof(errline));
	if (ret < 0)
		return fx_cli_error(CMD, "cell %lu: %s", k, strerror(-ret));
	if (ret)
		printf("%lu\tfailed\t%.3f\t%s\n", k, now_sec() - t0, errline);
	else
		printf("%lu\tok\t%.3f\n", k, now_sec() - t0);
	fflush(stdout);
	return ret ? 1 : 0;
}

/* merge, provenance, ranking; the exit status over the cells of the part */
static int finish(struct sweep *s, char *const *srcs, unsigned nsrc)
{
	struct fx_sweep_summary sum;
	char err[1024], p[PATH_MAX + 32], *rank = NULL;
	size_t rlen = 0;
	unsigned long bad = 0;
	FILE *rf;
	int ret;

	if (fx_sweep_merge(s->g, s->dir, &sum, err, sizeof(err))) {
		free(sum.state);
		return fx_cli_error(CMD, "merge: %s", err);
	}
	for (unsigned long i = 0; i < sum.cells; i++)
		if (in_part(s, i) && sum.state[i] != FX_SWEEP_OK)
			bad++;
	if (fx_sweep_provenance(s->g, s->dir, &sum, s->bin, s->started, srcs, nsrc,
				err, sizeof(err))) {
		ret = fx_cli_error(CMD, "%s", err);
		goto out;
	}
	rf = open_memstream(&rank, &rlen);
	if (!rf) {
		ret = fx_cli_error(CMD, "out of memory");
		goto out;
	}
	ret = fx_sweep_rank(s->dir, &sum, rf);
	fclose(rf);
	if (ret) {
		ret = fx_cli_error(CMD, "ranking: %s", strerror(-ret));
		goto out;
	}
	snprintf(p, sizeof(p), "%s/ranking.txt", s->dir);
	if ((ret = fx_sweep_file_write(p, rank, rlen))) {
		ret = fx_cli_error(CMD, "%s: %s", p, strerror(-ret));
		goto out;
	}
	if (!s->quiet)
		fputs(rank, stdout);
	fprintf(stderr, "futexsim sweep: %lu cells: %lu ok, %lu failed, %lu missing; results in %s\n",
		sum.cells, sum.ok, sum.failed, sum.missing, s->dir);
	if (s->part_n && bad == 0 && (sum.failed || sum.missing))
		fprintf(stderr, "futexsim sweep: part %u/%u complete; the other parts' cells are missing here\n",
			s->part_i, s->part_n);
	ret = bad ? 1 : 0;
out:
	free(rank);
	free(sum.state);
	return ret;
}

/* ---- --dry-run, --slurm ---- */

static int dry_run(struct sweep *s, const unsigned long *todo, unsigned long n)
{
	printf("# %s: %lu cells (%lu run, %lu replay), %lu to run into %s\n",
	       s->g->name, s->g->ncells, s->g->nrun, s->g->nreplay, n, s->dir);
	for (unsigned long j = 0; j < n; j++) {
		struct fx_sweep_cell c;
		struct fx_sweep_cmd cmd;
		char cfg[4096];

		fx_sweep_cell(s->g, todo[j], &c);
		fx_sweep_cell_config(&c, cfg, sizeof(cfg));
		printf("%05lu\t%s\t%s\t%s\n", todo[j], c.sec->name,
		       c.sec->mode == FX_SWEEP_RUN ? "run" : "replay", cfg);
		if (fx_sweep_cell_cmd(s->g, &c, s->bin, &cmd))
			return fx_cli_error(CMD, "out of memory");
		fputs("\t", stdout);
		fx_sweep_cmd_print(stdout, s->dir, &cmd);
		fputc('\n', stdout);
		fx_sweep_cmd_free(&cmd);
	}
	return 0;
}

static int write_slurm(struct sweep *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return fx_cli_error(CMD, "out of memory");
	fprintf(f, "#!/bin/sh\n#SBATCH --job-name=futexsim-sweep\n#SBATCH --array=0-%lu",
		s->g->ncells - 1);
	if (s->jobs)
		fprintf(f, "%%%u", s->jobs);
	fputs("\n#SBATCH --output=", f);
	fx_sweep_shell_quote(f, s->dir);
	fputs("/slurm/cell-%A_%a.out\n", f);
	fprintf(f, "# futexsim sweep of %s (%lu cells, grid_sha256 %s) into %s,\n"
		"# written by futexsim sweep --slurm (docs/sweep.md).\n"
		"# \"sh THIS-FILE\" submits the job array and a merge job that runs\n"
		"# after it; \"sbatch THIS-FILE\" submits the array alone.\n"
		"set -eu\n", s->grid, s->g->ncells, s->g->sha256, s->dir);
	fputs("bin=", f);
	fx_sweep_shell_quote(f, s->bin);
	fputs("\ngrid=", f);
	fx_sweep_shell_quote(f, s->grid);
	fputs("\ndir=", f);
	fx_sweep_shell_quote(f, s->dir);
	fputs("\nif [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n"
	      "\tmkdir -p \"$dir/slurm\"\n"
	      "\tjob=$(sbatch --parsable \"$0\")\n"
	      "\tsbatch --dependency=afterany:\"${job%%;*}\" --job-name=futexsim-sweep-merge \\\n"
	      "\t\t--output=\"$dir/slurm/merge-%j.out\" \\\n"
	      "\t\t--wrap \"'$bin' sweep '$grid' -o '$dir' --merge-only\"\n"
	      "\texit 0\n"
	      "fi\n"
	      "exec \"$bin\" sweep \"$grid\" -o \"$dir\" --cell \"$SLURM_ARRAY_TASK_ID\"\n", f);
	fclose(f);
	ret = fx_sweep_file_write(s->slurm, buf, len);
	free(buf);
	if (ret)
		return fx_cli_error(CMD, "%s: %s", s->slurm, strerror(-ret));
	chmod(s->slurm, 0755);
	fprintf(stderr, "futexsim sweep: %s: %lu array tasks; submit with: sh %s\n",
		s->slurm, s->g->ncells, s->slurm);
	return 0;
}

/* ---- main ---- */

enum {
	OPT_SSH = 0x300, OPT_PART, OPT_DRY, OPT_SLURM, OPT_RETRY, OPT_CELL,
	OPT_MERGE_ONLY, OPT_MERGE,
};

static int abs_path(const char *in, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (in[0] == '/') {
		snprintf(out, len, "%s", in);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	if ((size_t)snprintf(out, len, "%s/%s", cwd, in) >= len) {
		errno = ENAMETOOLONG;
		return -ENAMETOOLONG;
	}
	return 0;
}

int fx_cli_sweep(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "sshloginfile", required_argument, NULL, OPT_SSH },
		{ "part", required_argument, NULL, OPT_PART },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "slurm", required_argument, NULL, OPT_SLURM },
		{ "retry-failed", no_argument, NULL, OPT_RETRY },
		{ "quiet", no_argument, NULL, 'q' },
		{ "cell", required_argument, NULL, OPT_CELL },
		{ "merge-only", no_argument, NULL, OPT_MERGE_ONLY },
		{ "merge", no_argument, NULL, OPT_MERGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sweep s = { .started = time(NULL) };
	struct fx_sweep_env env = { 0 };
	char traces[PATH_MAX], err[2048], defdir[PATH_MAX];
	const char *grid_arg = NULL;
	bool merge_only = false, merge = false, have_cell = false;
	uint64_t cell = 0, v;
	unsigned long *todo = NULL, ntodo = 0;
	int c, ret, first;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			s.dir_arg = optarg;
			break;
		case 'j':
			if (!fx_parse_u64(optarg, &v) || !v || v > 4096)
				return fx_cli_error(CMD, "-j '%s': expected 1..4096", optarg);
			s.jobs = (unsigned)v;
			break;
		case OPT_SSH:
			s.sshlogin = optarg;
			break;
		case OPT_PART: {
			unsigned i, n;
			char x;

			if (sscanf(optarg, "%u/%u%c", &i, &n, &x) != 2 || !n || i >= n)
				return fx_cli_error(CMD, "--part '%s': expected I/N with 0 <= I < N", optarg);
			s.part_i = i;
			s.part_n = n;
			break;
		}
		case OPT_DRY:
			s.dry = true;
			break;
		case OPT_SLURM:
			s.slurm = optarg;
			break;
		case OPT_RETRY:
			s.retry = true;
			break;
		case 'q':
			s.quiet = true;
			break;
		case OPT_CELL:
			if (!fx_parse_u64(optarg, &cell))
				return fx_cli_error(CMD, "--cell '%s': expected a cell index", optarg);
			have_cell = true;
			break;
		case OPT_MERGE_ONLY:
			merge_only = true;
			break;
		case OPT_MERGE:
			merge = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	/* the grid parser's option probes run getopt again: keep optind */
	first = optind;
	if (merge) {
		if (optind >= argc)
			return fx_cli_error(CMD, "--merge: expected DIR1 DIR2 ... -o DIR");
		if (!s.dir_arg)
			return fx_cli_error(CMD, "--merge: -o DIR is required");
	} else {
		if (optind != argc - 1)
			return fx_cli_error(CMD, "expected one GRID file (futexsim sweep --help)");
		grid_arg = argv[optind];
	}
	if (have_cell + merge_only + merge + s.dry + !!s.slurm > 1)
		return fx_cli_error(CMD, "--cell, --merge-only, --merge, --dry-run and --slurm exclude each other");
	if (!realpath("/proc/self/exe", s.bin))
		return fx_cli_error(CMD, "/proc/self/exe: %s", strerror(errno));
	traces_dir(s.bin, traces, sizeof(traces));
	env.traces = traces;
	env.nofiles = merge;

	if (merge) {
		char p[PATH_MAX + 8];

		snprintf(p, sizeof(p), "%s/grid", argv[first]);
		ret = fx_sweep_grid_parse(p, &env, &s.g, err, sizeof(err));
	} else {
		ret = fx_sweep_grid_parse(grid_arg, &env, &s.g, err, sizeof(err));
	}
	if (ret)
		return fx_cli_error(CMD, "%s", err);
	if (grid_arg && !realpath(grid_arg, s.grid))
		snprintf(s.grid, sizeof(s.grid), "%s", grid_arg);
	if (!s.dir_arg) {
		const char *b = strrchr(grid_arg, '/');
		size_t n;

		b = b ? b + 1 : grid_arg;
		n = strlen(b);
		if (n > 5 && !strcmp(b + n - 5, ".grid"))
			n -= 5;
		snprintf(defdir, sizeof(defdir), "results/sweep/%.*s", (int)n, b);
		s.dir_arg = defdir;
	}
	if (abs_path(s.dir_arg, s.dir, sizeof(s.dir)))
		ret = fx_cli_error(CMD, "-o %s: %s", s.dir_arg, strerror(errno));
	else if (have_cell)
		ret = do_cell(&s, (unsigned long)cell);
	else if (merge) {
		ret = prepare_dir(&s);
		if (!ret && fx_sweep_collect(s.g, s.dir, argv + first,
					     (unsigned)(argc - first), err, sizeof(err)))
			ret = fx_cli_error(CMD, "--merge: %s", err);
		if (!ret)
			ret = finish(&s, argv + first, (unsigned)(argc - first));
	} else if (merge_only) {
		bool exists;

		ret = check_dir_grid(&s, &exists);
		if (!ret && !exists)
			ret = fx_cli_error(CMD, "--merge-only: %s/grid: no sweep there", s.dir);
		if (!ret)
			ret = finish(&s, NULL, 0);
	} else if (s.slurm) {
		char sl[PATH_MAX + 8];

		ret = prepare_dir(&s);
		snprintf(sl, sizeof(sl), "%s/slurm", s.dir);
		if (!ret && fx_sweep_mkdirs(sl))
			ret = fx_cli_error(CMD, "%s: %s", sl, strerror(errno));
		if (!ret)
			ret = import_traces(&s, NULL, s.g->ncells);
		if (!ret)
			ret = write_slurm(&s);
	} else {
		bool exists = false;

		ret = check_dir_grid(&s, &exists);
		todo = calloc(s.g->ncells, sizeof(*todo));
		if (!ret && !todo)
			ret = fx_cli_error(CMD, "out of memory");
		if (!ret)
			ntodo = fx_sweep_todo(s.g, s.dir, s.part_i, s.part_n, s.retry, todo);
		if (!ret && s.dry)
			ret = dry_run(&s, todo, ntodo);
		else if (!ret) {
			ret = prepare_dir(&s);
			if (!ret)
				ret = import_traces(&s, todo, ntodo);
			if (!ret && !s.quiet)
				fprintf(stderr, "futexsim sweep: %lu cells, %lu to run%s\n",
					s.g->ncells, ntodo,
					ntodo < s.g->ncells ? " (the others are done, failed or in another part)" : "");
			if (!ret && ntodo) {
				struct fx_sweep_run_opts ro = {
					.bin = s.bin, .grid = s.grid, .dir = s.dir,
					.sshlogin = s.sshlogin, .jobs = s.jobs,
					.retry = s.retry, .quiet = s.quiet,
				};

				if (fx_sweep_run_parallel(s.g, &ro, todo, ntodo, stderr,
							  err, sizeof(err)))
					ret = fx_cli_error(CMD, "%s", err);
			}
			if (!ret)
				ret = finish(&s, NULL, 0);
		}
	}
	free(todo);
	fx_sweep_grid_free(s.g);
	return ret;
}
