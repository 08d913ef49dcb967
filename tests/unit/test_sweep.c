// SPDX-License-Identifier: MIT
/*
 * test_sweep.c - futexsim sweep's library (sim/sweep/): grid parsing and
 * every error it reports (file:line and field), cell numbering and
 * commands, cell states for resuming, the merge (column union, order,
 * JSON sidecar, cells.tsv), byte-identity of a split sweep collected and
 * merged against the whole, the ranking, CSV quoting and SHA-256.  Cell
 * results are small hand-written files in a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lib/csv.h"
#include "sweep/sweep.h"

static const struct fx_sweep_env nofiles = { .traces = "/nonexistent", .nofiles = true };

static struct fx_sweep_grid *parse_ok(const char *text)
{
	struct fx_sweep_grid *g = NULL;
	char err[1024];
	int ret = fx_sweep_grid_parse_text("t.grid", "/base", text, strlen(text),
					   &nofiles, &g, err, sizeof(err));

	if (ret)
		fail_msg("unexpected grid error: %s", err);
	return g;
}

/* the grid must fail with a message holding each of the strings */
static void parse_err(const char *text, const char *want1, const char *want2)
{
	struct fx_sweep_grid *g = NULL;
	char err[1024];
	int ret = fx_sweep_grid_parse_text("t.grid", "/base", text, strlen(text),
					   &nofiles, &g, err, sizeof(err));

	if (ret != -EINVAL || g)
		fail_msg("grid accepted (ret %d), expected an error with '%s':\n%s",
			 ret, want1, text);
	if (!strstr(err, want1) || (want2 && !strstr(err, want2)))
		fail_msg("error '%s' lacks '%s' / '%s'", err, want1, want2 ? want2 : "");
}

static const char grid2[] =
	"# two sections\n"
	"version = 1\n"
	"\n"
	"[r]\n"
	"mode = run\n"
	"workload = perf-hash, perf-wake\n"
	"layout = global, private\n"
	"seed = 1, 2, 3\n"
	"args = \"-t 2, -r 1\"\n"
	"[p]\n"
	"mode = replay\n"
	"trace = traces/t1.fxt, /abs/t2.fxt\n"
	"hash = jhash2, xxh3\n"
	"cpus = 8\n"
	"nodes = 2\n";

static void test_grid_cells_order(void **state)
{
	struct fx_sweep_grid *g = parse_ok(grid2);
	struct fx_sweep_cell c;
	char cfg[512];

	(void)state;
	assert_int_equal(g->nsec, 2);
	assert_int_equal(g->ncells, 12 + 4);
	assert_int_equal(g->nrun, 12);
	assert_int_equal(g->nreplay, 4);
	assert_int_equal(g->sec[1].first, 12);
	assert_string_equal(g->sec[0].key[FX_SWEEP_K_ARGS].v[0], "-t 2, -r 1");
	/* the last key in FX_SWEEP_KEYS order varies fastest */
	assert_int_equal(fx_sweep_cell(g, 0, &c), 0);
	fx_sweep_cell_config(&c, cfg, sizeof(cfg));
	assert_string_equal(cfg, "workload=perf-hash args=-t 2, -r 1 layout=global seed=1");
	fx_sweep_cell(g, 1, &c);
	assert_string_equal(c.v[FX_SWEEP_K_SEED], "2");
	fx_sweep_cell(g, 3, &c);
	assert_string_equal(c.v[FX_SWEEP_K_LAYOUT], "private");
	assert_string_equal(c.v[FX_SWEEP_K_SEED], "1");
	fx_sweep_cell(g, 6, &c);
	assert_string_equal(c.v[FX_SWEEP_K_WORKLOAD], "perf-wake");
	assert_string_equal(c.v[FX_SWEEP_K_LAYOUT], "global");
	fx_sweep_cell(g, 13, &c);
	assert_ptr_equal(c.sec, &g->sec[1]);
	assert_string_equal(c.path[FX_SWEEP_K_TRACE], "/base/traces/t1.fxt");
	assert_string_equal(c.v[FX_SWEEP_K_HASH], "xxh3");
	assert_int_equal(c.cpus, 8);
	assert_int_equal(c.nodes, 2);
	fx_sweep_cell(g, 14, &c);
	assert_string_equal(c.path[FX_SWEEP_K_TRACE], "/abs/t2.fxt");
	fx_sweep_cell_config(&c, cfg, sizeof(cfg));
	assert_string_equal(cfg, "trace=/abs/t2.fxt cpus=8 nodes=2 hash=jhash2");
	assert_int_equal(fx_sweep_cell(g, 16, &c), -ERANGE);
	fx_sweep_grid_free(g);
}

static bool has_args(char **argv, const char *a, const char *b)
{
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], a) && (!b || (argv[i + 1] && !strcmp(argv[i + 1], b))))
			return true;
	return false;
}

static void test_cell_commands(void **state)
{
	struct fx_sweep_grid *g = parse_ok(grid2);
	struct fx_sweep_cell c;
	struct fx_sweep_cmd cmd;
	int n;

	(void)state;
	fx_sweep_cell(g, 7, &c);	/* perf-wake global seed 2 */
	assert_int_equal(fx_sweep_cell_cmd(g, &c, "/bin/fx", &cmd), 0);
	assert_string_equal(cmd.cwd, ".");
	assert_string_equal(cmd.argv[0], "/bin/fx");
	assert_string_equal(cmd.argv[1], "run");
	assert_true(has_args(cmd.argv, "--workload", "perf-wake"));
	assert_true(has_args(cmd.argv, "--layout", "global"));
	assert_true(has_args(cmd.argv, "--seed", "2"));
	assert_true(has_args(cmd.argv, "--out", "cells/00007.part.csv"));
	n = cmd.argc;
	/* workload options after "--", split on blanks */
	assert_string_equal(cmd.argv[n - 5], "--");
	assert_string_equal(cmd.argv[n - 4], "-t");
	assert_string_equal(cmd.argv[n - 3], "2,");
	assert_string_equal(cmd.final[0], "cells/00007.csv");
	assert_string_equal(cmd.final[1], "cells/00007.csv.json");
	fx_sweep_cmd_free(&cmd);

	fx_sweep_cell(g, 15, &c);
	assert_int_equal(fx_sweep_cell_cmd(g, &c, "/bin/fx", &cmd), 0);
	assert_string_equal(cmd.cwd, "traces");
	assert_string_equal(cmd.argv[1], "trace");
	assert_string_equal(cmd.argv[2], "replay");
	assert_string_equal(cmd.argv[3], "/abs/t2.fxt");
	assert_true(has_args(cmd.argv, "--hash", "xxh3"));
	assert_true(has_args(cmd.argv, "--cpus", "8"));
	assert_true(has_args(cmd.argv, "--nodes", "2"));
	assert_true(has_args(cmd.argv, "--out", "../cells/00015.part.csv"));
	fx_sweep_cmd_free(&cmd);
	fx_sweep_grid_free(g);
}

#define HDR "version = 1\n"

static void test_grid_errors(void **state)
{
	(void)state;
	parse_err("", "t.grid:1:", "no section");
	parse_err("[s]\nmode = run\n", "t.grid:1:", "version = 1");
	parse_err("version = 2\n[s]\n", "t.grid:1: field 'version'", "expected 1");
	parse_err(HDR "version = 1\n", "t.grid:2: field 'version'", "twice");
	parse_err(HDR "hash = jhash2\n", "t.grid:2: field 'hash'", "outside a section");
	parse_err(HDR "[s]\nworkload = perf-hash\n", "t.grid:2: section [s]: field 'mode'", "missing");
	parse_err(HDR "[s]\nmode = walk\n", "t.grid:3: field 'mode'", "run or replay");
	parse_err(HDR "[s]\nmode = run, replay\nworkload = perf-hash\n", "t.grid:3: field 'mode'", NULL);
	parse_err(HDR "[s]\nmode = run\n", "t.grid:2: section [s]: field 'workload'", "missing");
	parse_err(HDR "[s]\nmode = replay\nhash = xxh3\n", "t.grid:2: section [s]: field 'trace'", "missing");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nfoo = 1\n",
		  "t.grid:5: field 'foo'", "unknown key");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nhash = jhash2\nhash = xxh3\n",
		  "t.grid:6: field 'hash'", "twice");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\n[s]\n", "t.grid:5:", "again");
	parse_err(HDR "[s\n", "t.grid:2:", "[section-name]");
	parse_err(HDR "[a b]\n", "t.grid:2:", "section name");
	parse_err(HDR "[s]\nmode = run\njust text\n", "t.grid:4:", "key = value");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nhash = jhash2,\n",
		  "t.grid:5: field 'hash'", "empty value");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nhash = jhash2,,xxh3\n",
		  "t.grid:5: field 'hash'", "empty value");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nhash =\n",
		  "t.grid:5: field 'hash'", "no value");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nargs = \"-t 2\n",
		  "t.grid:5: field 'args'", "quote");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nargs = \"-t 2\" x\n",
		  "t.grid:5: field 'args'", "quoted");
	parse_err(HDR "[s]\nmode = run\nworkload = nosuch\n",
		  "t.grid:4: field 'workload'", "perf-hash");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nhash = jhash2, nosuch\n",
		  "t.grid:5: field 'hash'", "'nosuch' is not a hasher");
	parse_err(HDR "[s]\nmode = replay\ntrace = /t.fxt\nlayout = nosuch\n",
		  "t.grid:5: field 'layout'", "not a layout");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nslots = 0, 48\n",
		  "t.grid:5: field 'slots'", "power of two");
	parse_err(HDR "[s]\nmode = replay\ntrace = /t.fxt\nslots = 33554432\n",
		  "t.grid:5: field 'slots'", "power of two");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\ntopology = package:x\n",
		  "t.grid:5: field 'topology'", "package:x");
	parse_err(HDR "[s]\nmode = replay\ntrace = /t.fxt\nthreads = 4\n",
		  "t.grid:5: field 'threads'", "run only");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\ntrace = /t.fxt\n",
		  "t.grid:5: field 'trace'", "replay only");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nthreads = 0\n",
		  "t.grid:5: field 'threads'", NULL);
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\nseed = -1\n",
		  "t.grid:5: field 'seed'", NULL);
	parse_err(HDR "[s]\nmode = replay\ntrace = /t.fxt\ncpus = 0\n",
		  "t.grid:5: field 'cpus'", NULL);
	parse_err(HDR "[s]\nmode = replay\ntrace = /t.fxt\nnodes = x\n",
		  "t.grid:5: field 'nodes'", NULL);
	parse_err(HDR "[s]\nmode = replay\ntrace = /t.fxt\ntopology = \"package:1 core:2 pu:1\"\ncpus = 2\n",
		  "t.grid:5: field 'topology'", "cpus");
	parse_err(HDR "[s]\nmode = run\nworkload = perf-hash\ncost = nosuch_ns=3\n",
		  "t.grid:5: field 'cost'", "nosuch_ns");
	{
		/* a bundled trace name must exist when files are checked */
		struct fx_sweep_env env = { .traces = "/nonexistent" };
		struct fx_sweep_grid *g = NULL;
		char err[1024];
		const char *t = HDR "[s]\nmode = replay\ntrace = nosuch\n";

		assert_int_equal(fx_sweep_grid_parse_text("t.grid", "/", t, strlen(t), &env,
							  &g, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "t.grid:4: field 'trace'"));
		assert_non_null(strstr(err, "not a bundled trace"));
	}
}

/* ---- cell files ---- */

static char tmpdir[64];

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return fx_sweep_file_read(p, NULL);
}

static void mkdir_cells(const char *dir)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/cells", dir);
	assert_int_equal(fx_sweep_mkdirs(p), 0);
}

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fxsweep-test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char mgrid[] =
	HDR
	"[r]\n"
	"mode = run\n"
	"workload = perf-hash, perf-wake\n"
	"layout = global, private\n"
	"[p]\n"
	"mode = replay\n"
	"trace = /t/a.fxt\n"
	"hash = jhash2, xxh3\n";

/* the results of cell @i of mgrid into @dir (a failure for cell 5 when
 * @fail5) */
static void fake_cell(const char *dir, unsigned i, bool fail5)
{
	static const char *const run_rows[4] = {
		"workload,wopts,hasher,layout,wakeups,wake_p99_ns,throughput_ops_s,w_a\n"
		"perf-hash,,jhash2,global,0,0,100,1\n",
		"workload,wopts,hasher,layout,wakeups,wake_p99_ns,throughput_ops_s,w_a\n"
		"perf-hash,,jhash2,private,0,0,300,2\n",
		"workload,wopts,hasher,layout,wakeups,wake_p99_ns,throughput_ops_s,w_b\n"
		"perf-wake,\"-t 2,x\",jhash2,global,5,900,50,3\n",
		"workload,wopts,hasher,layout,wakeups,wake_p99_ns,throughput_ops_s,w_b\n"
		"perf-wake,\"-t 2,x\",jhash2,private,5,700,40,4\n",
	};
	char name[64], json[256];

	if (i < 4) {
		snprintf(name, sizeof(name), "cells/%05u.csv.json", i);
		snprintf(json, sizeof(json),
			 "{\"futexsim\":\"run\",\"version\":1,\"profile\":\"builtin\",\"configs\":[\n{\"cell\":%u}\n]}\n", i);
		put(dir, name, json);
		snprintf(name, sizeof(name), "cells/%05u.csv", i);
		put(dir, name, run_rows[i]);
		return;
	}
	if (i == 5 && fail5) {
		put(dir, "cells/00005.err", "# command: cd x && fx trace replay\n"
		    "# status: exit status 2\nfutexsim trace replay: bad\tthing\nmore\n");
		return;
	}
	snprintf(name, sizeof(name), "cells/%05u.csv", i);
	put(dir, name, i == 4 ?
	    "# futexsim trace replay args: 4\ntrace,hasher,layout,collision_rate\na.fxt,jhash2,private,0.5\n" :
	    "# futexsim trace replay args: 5\ntrace,hasher,layout,collision_rate\na.fxt,xxh3,private,0.25\n");
	snprintf(name, sizeof(name), "cells/%05u.series.csv", i);
	put(dir, name, i == 4 ? "trace,hasher,sample\na.fxt,jhash2,0\na.fxt,jhash2,1\n" :
	    "trace,hasher,sample\na.fxt,xxh3,0\n");
}

static void test_cell_state(void **state)
{
	char e[256];

	(void)state;
	mkdir_cells(tmpdir);
	assert_int_equal(fx_sweep_cell_state(tmpdir, 0, FX_SWEEP_RUN), FX_SWEEP_MISSING);
	/* a CSV without its sidecar is not a complete run cell */
	put(tmpdir, "cells/00000.csv", "a,b\n1,2\n");
	assert_int_equal(fx_sweep_cell_state(tmpdir, 0, FX_SWEEP_RUN), FX_SWEEP_MISSING);
	assert_int_equal(fx_sweep_cell_state(tmpdir, 0, FX_SWEEP_REPLAY), FX_SWEEP_OK);
	put(tmpdir, "cells/00000.csv.json", "{\"futexsim\":\"run\",\"configs\":[\n{}\n]}\n");
	assert_int_equal(fx_sweep_cell_state(tmpdir, 0, FX_SWEEP_RUN), FX_SWEEP_OK);
	/* cut short, or a row of the wrong width: not parsed, so not done */
	put(tmpdir, "cells/00001.csv", "a,b\n1,2");
	assert_int_equal(fx_sweep_cell_state(tmpdir, 1, FX_SWEEP_REPLAY), FX_SWEEP_MISSING);
	put(tmpdir, "cells/00001.csv", "a,b\n1,2,3\n");
	assert_int_equal(fx_sweep_cell_state(tmpdir, 1, FX_SWEEP_REPLAY), FX_SWEEP_MISSING);
	put(tmpdir, "cells/00001.csv", "a,b\n");
	assert_int_equal(fx_sweep_cell_state(tmpdir, 1, FX_SWEEP_REPLAY), FX_SWEEP_MISSING);
	put(tmpdir, "cells/00001.err", "# command: x\n# status: exit status 1\n\nfirst\tline\nsecond\n");
	assert_int_equal(fx_sweep_cell_state(tmpdir, 1, FX_SWEEP_REPLAY), FX_SWEEP_FAILED);
	fx_sweep_cell_error(tmpdir, 1, e, sizeof(e));
	assert_string_equal(e, "first line");
	put(tmpdir, "cells/00002.err", "# command: x\n# status: killed by signal 9\n");
	fx_sweep_cell_error(tmpdir, 2, e, sizeof(e));
	assert_string_equal(e, "killed by signal 9");
}

static void test_resume_todo(void **state)
{
	struct fx_sweep_grid *g = parse_ok(mgrid);
	unsigned long todo[6];
	char none[128];

	(void)state;
	/* a directory that does not exist: everything to run */
	snprintf(none, sizeof(none), "%s/none", tmpdir);
	assert_int_equal(fx_sweep_todo(g, none, 0, 0, false, todo), 6);
	assert_int_equal(todo[5], 5);
	mkdir_cells(tmpdir);
	fake_cell(tmpdir, 0, false);
	fake_cell(tmpdir, 2, false);
	fake_cell(tmpdir, 5, true);	/* failed */
	assert_int_equal(fx_sweep_todo(g, tmpdir, 0, 0, false, todo), 3);
	assert_int_equal(todo[0], 1);
	assert_int_equal(todo[1], 3);
	assert_int_equal(todo[2], 4);
	assert_int_equal(fx_sweep_todo(g, tmpdir, 0, 0, true, todo), 4);
	assert_int_equal(todo[3], 5);
	/* parts: index % 2 == 1 */
	assert_int_equal(fx_sweep_todo(g, tmpdir, 1, 2, true, todo), 3);
	assert_int_equal(todo[0], 1);
	assert_int_equal(todo[1], 3);
	assert_int_equal(todo[2], 5);
	assert_int_equal(fx_sweep_todo(g, tmpdir, 0, 2, false, todo), 1);
	assert_int_equal(todo[0], 4);
	fx_sweep_grid_free(g);
}

static void test_merge(void **state)
{
	struct fx_sweep_grid *g = parse_ok(mgrid);
	struct fx_sweep_summary sum;
	char err[512], *s, want[2048];

	(void)state;
	mkdir_cells(tmpdir);
	for (unsigned i = 0; i < 6; i++)
		if (i != 3)
			fake_cell(tmpdir, i, true);
	assert_int_equal(fx_sweep_merge(g, tmpdir, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.cells, 6);
	assert_int_equal(sum.ok, 4);
	assert_int_equal(sum.failed, 1);
	assert_int_equal(sum.missing, 1);
	free(sum.state);
	s = get(tmpdir, "run.csv");
	assert_string_equal(s,
		"workload,wopts,hasher,layout,wakeups,wake_p99_ns,throughput_ops_s,w_a,w_b\n"
		"perf-hash,,jhash2,global,0,0,100,1,\n"
		"perf-hash,,jhash2,private,0,0,300,2,\n"
		"perf-wake,\"-t 2,x\",jhash2,global,5,900,50,,3\n");
	free(s);
	s = get(tmpdir, "run.csv.json");
	assert_string_equal(s, "{\"futexsim\":\"run\",\"version\":1,\"profile\":\"builtin\",\"configs\":[\n"
			    "{\"cell\":0},\n{\"cell\":1},\n{\"cell\":2}\n]}\n");
	free(s);
	s = get(tmpdir, "replay.csv");
	snprintf(want, sizeof(want), "# futexsim %s sweep grid_sha256=%s: replay.csv merged in cell-index order (cells.tsv)\n"
		 "trace,hasher,layout,collision_rate\na.fxt,jhash2,private,0.5\n",
		 FX_VERSION, g->sha256);
	assert_string_equal(s, want);
	free(s);
	s = get(tmpdir, "replay-series.csv");
	assert_string_equal(s, "trace,hasher,sample\na.fxt,jhash2,0\na.fxt,jhash2,1\n");
	free(s);
	s = get(tmpdir, "cells.tsv");
	assert_string_equal(s,
		"index\tsection\tmode\tstatus\tconfig\terror\n"
		"0\tr\trun\tok\tworkload=perf-hash layout=global\t\n"
		"1\tr\trun\tok\tworkload=perf-hash layout=private\t\n"
		"2\tr\trun\tok\tworkload=perf-wake layout=global\t\n"
		"3\tr\trun\tmissing\tworkload=perf-wake layout=private\t\n"
		"4\tp\treplay\tok\ttrace=/t/a.fxt hash=jhash2\t\n"
		"5\tp\treplay\tfailed\ttrace=/t/a.fxt hash=xxh3\tfutexsim trace replay: bad thing\n");
	free(s);
	/* no replay cell ok: replay.csv goes */
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/cells/00004.csv", tmpdir);
		unlink(p);
		assert_int_equal(fx_sweep_merge(g, tmpdir, &sum, err, sizeof(err)), 0);
		free(sum.state);
		snprintf(p, sizeof(p), "%s/replay.csv", tmpdir);
		assert_int_equal(access(p, F_OK), -1);
	}
	fx_sweep_grid_free(g);
}

static void test_split_merge_identical(void **state)
{
	static const char *const files[] = { "run.csv", "run.csv.json", "replay.csv",
					     "replay-series.csv", "cells.tsv" };
	struct fx_sweep_grid *g = parse_ok(mgrid);
	struct fx_sweep_summary sum;
	char whole[128], p0[128], p1[128], merged[128], err[512];
	char *src[2] = { p0, p1 };

	(void)state;
	snprintf(whole, sizeof(whole), "%s/whole", tmpdir);
	snprintf(p0, sizeof(p0), "%s/p0", tmpdir);
	snprintf(p1, sizeof(p1), "%s/p1", tmpdir);
	snprintf(merged, sizeof(merged), "%s/merged", tmpdir);
	mkdir_cells(whole);
	mkdir_cells(p0);
	mkdir_cells(p1);
	for (unsigned i = 0; i < 6; i++) {
		fake_cell(whole, i, false);
		fake_cell(i % 2 ? p1 : p0, i, false);
	}
	put(p0, "grid", mgrid);
	put(p1, "grid", mgrid);
	assert_int_equal(fx_sweep_merge(g, whole, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.ok, 6);
	free(sum.state);
	assert_int_equal(fx_sweep_collect(g, merged, src, 2, err, sizeof(err)), 0);
	assert_int_equal(fx_sweep_merge(g, merged, &sum, err, sizeof(err)), 0);
	assert_int_equal(sum.ok, 6);
	free(sum.state);
	for (unsigned f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *a = get(whole, files[f]), *b = get(merged, files[f]);

		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	/* a directory of another grid is refused */
	put(p1, "grid", "version = 1\n");
	assert_int_equal(fx_sweep_collect(g, merged, src, 2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "differs"));
	fx_sweep_grid_free(g);
}

static void test_rank(void **state)
{
	struct fx_sweep_grid *g = parse_ok(mgrid);
	struct fx_sweep_summary sum;
	char err[512], *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	mkdir_cells(tmpdir);
	for (unsigned i = 0; i < 6; i++)
		fake_cell(tmpdir, i, false);
	assert_int_equal(fx_sweep_merge(g, tmpdir, &sum, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(fx_sweep_rank(tmpdir, &sum, f), 0);
	fclose(f);
	assert_string_equal(buf,
		"ranking (mean over the cells of each hasher/layout):\n"
		"  run perf-hash: no wakeups; best throughput jhash2/private (300 ops/s)\n"
		"  run perf-wake -t 2,x: best p99 wake latency jhash2/private (700 ns); best throughput jhash2/global (50 ops/s)\n"
		"  replay a.fxt: lowest collision rate xxh3/private (0.25)\n"
		"cells: 6, ok 6, failed 0, missing 0\n");
	free(buf);
	free(sum.state);
	fx_sweep_grid_free(g);
}

/* equal means are reported as ties after the first in cell order */
static void test_rank_ties(void **state)
{
	struct fx_sweep_summary sum = { .cells = 3, .ok = 3 };
	char path[4096], *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/replay.csv", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# provenance: test\n"
	      "trace,hasher,layout,collision_rate\n"
	      "t.fxt,jhash2,global,0.5\n"
	      "t.fxt,xxh3,global,0.25\n"
	      "t.fxt,xxh3,private,0.25\n", f);
	fclose(f);
	f = open_memstream(&buf, &len);
	assert_int_equal(fx_sweep_rank(tmpdir, &sum, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "  replay t.fxt: lowest collision rate xxh3/global (0.25) (1 more tie)\n"));
	free(buf);
}

static void test_csv_and_sha(void **state)
{
	char line[] = "a,\"b,c\",\"d\"\"e\",,f";
	char bad[] = "a,\"b";
	char *f[8], *buf = NULL, hex[65];
	size_t len = 0;
	FILE *out;
	int n;

	(void)state;
	n = fx_csv_split(line, f, 8);
	assert_int_equal(n, 5);
	assert_string_equal(f[1], "b,c");
	assert_string_equal(f[2], "d\"e");
	assert_string_equal(f[3], "");
	out = open_memstream(&buf, &len);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		fx_csv_field(out, f[i]);
	}
	fclose(out);
	assert_string_equal(buf, "a,\"b,c\",\"d\"\"e\",,f");
	free(buf);
	assert_int_equal(fx_csv_split(bad, f, 8), -EINVAL);
	/* FIPS 180-4 examples */
	fx_sweep_sha256("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	fx_sweep_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	fx_sweep_sha256("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_cells_order),
		cmocka_unit_test(test_cell_commands),
		cmocka_unit_test(test_grid_errors),
		cmocka_unit_test_setup_teardown(test_cell_state, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_resume_todo, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_merge, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_split_merge_identical, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_rank, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_rank_ties, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_csv_and_sha),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
