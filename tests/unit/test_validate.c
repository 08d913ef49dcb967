// SPDX-License-Identifier: MIT
/*
 * test_validate.c - validation (sim/validate.c): the error and verdict
 * arithmetic, the plan made from tests/bench/fixture-1node (every row,
 * its measured ratio computed by hand), malformed rows refused with
 * "FILE:LINE:", and one small end-to-end run of the simulator over the
 * whole plan that checks every row is predicted, judged and written, and
 * that the same seed gives the same table twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchres.h"
#include "calib.h"
#include "validate.h"

static void fixture_path(char *buf, size_t len, const char *name)
{
	const char *f = __FILE__;
	const char *tail = strstr(f, "tests/unit/test_validate.c");
	int root = tail ? (int)(tail - f) : 0;

	snprintf(buf, len, "%.*stests/bench/%s", root, f, name);
}

static void load_fixture(struct fx_benchres_set *set, const char *name)
{
	char path[1024], err[512] = "";

	fixture_path(path, sizeof(path), name);
	if (fx_benchres_load(path, set, err, sizeof(err)))
		fail_msg("load %s: %s", path, err);
}

static const struct fx_val_row *find_row(const struct fx_val_table *t,
					 const char *group,
					 const char *scenario,
					 const char *metric)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].group, group) &&
		    !strcmp(t->rows[i].scenario, scenario) &&
		    !strcmp(t->rows[i].metric, metric))
			return &t->rows[i];
	fail_msg("no row %s / %s / %s", group, scenario, metric);
	return NULL;
}

#define NEAR(a, b)	assert_true(fabs((double)(a) - (double)(b)) < \
				    1e-9 * fabs((double)(b)) + 1e-12)

static void test_error_and_verdict(void **state)
{
	(void)state;
	NEAR(fx_val_error_pct(1.15, 1.0), 15.0);
	NEAR(fx_val_error_pct(0.8, 1.0), -20.0);
	NEAR(fx_val_error_pct(5000, 4000), 25.0);
	assert_true(isnan(fx_val_error_pct(1.0, 0.0)));
	assert_true(isnan(fx_val_error_pct(NAN, 1.0)));
	assert_true(isnan(fx_val_error_pct(1.0, INFINITY)));
	/* the target is inclusive, either sign */
	assert_int_equal(fx_val_judge(15.0, 15.0), FX_VAL_PASS);
	assert_int_equal(fx_val_judge(-15.0, 15.0), FX_VAL_PASS);
	assert_int_equal(fx_val_judge(15.0001, 15.0), FX_VAL_MISS);
	assert_int_equal(fx_val_judge(-25.1, 25.0), FX_VAL_MISS);
	assert_int_equal(fx_val_judge(0.0, 25.0), FX_VAL_PASS);
	assert_int_equal(fx_val_judge(99.0, 0), FX_VAL_INFO);
	assert_int_equal(fx_val_judge(NAN, 15.0), FX_VAL_NA);
	assert_string_equal(fx_val_status_name(FX_VAL_PASS), "PASS");
	assert_string_equal(fx_val_status_name(FX_VAL_MISS), "MISS");
	assert_string_equal(fx_val_status_name(FX_VAL_INFO), "info");
	assert_string_equal(fx_val_status_name(FX_VAL_NA), "n/a");
}

/*
 * fixture-1node's plan, measured ratios by hand:
 *   slot_sweep threads=2: 4.02e6 / 6.21e6, 6.48e6 / 6.21e6, 6.6e6 / 6.21e6
 *   hash_threads: 6.55e6 / 3.41e6 (private), 4.71e6 / 2.52e6 (shared)
 *   hash_shared: 2.52e6 / 3.41e6 (1 thread), 4.71e6 / 6.55e6 (2)
 *   lock_pi: 23100 / 8100
 * plus wake p50/p90/p99 of (2,1) and (2,2), and 4 wake_latency p50s
 */
static void test_plan(void **state)
{
	struct fx_benchres_set set = { 0 };
	struct fx_val_table t;
	const struct fx_val_row *r;
	char err[512] = "";

	(void)state;
	load_fixture(&set, "fixture-1node");
	assert_int_equal(fx_val_plan(&set, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 18);
	assert_string_equal(t.host, "fixhost");
	assert_false(t.layout_global);

	r = find_row(&t, "slot_sweep", "slots=2;threads=2 / slots=0;threads=2",
		     "ops_per_s ratio");
	NEAR(r->measured, 4.02e6 / 6.21e6);
	assert_true(r->target_pct == 15.0);
	assert_string_equal(r->num, "perf-hash -t 2 -f 1024 -b 2");
	assert_string_equal(r->den, "perf-hash -t 2 -f 1024 -b 0");
	assert_int_equal(r->line, 56);
	assert_true(isnan(r->predicted));
	assert_int_equal(r->status, FX_VAL_NA);
	r = find_row(&t, "slot_sweep", "slots=16;threads=2 / slots=0;threads=2",
		     "ops_per_s ratio");
	NEAR(r->measured, 6.48e6 / 6.21e6);
	r = find_row(&t, "slot_sweep", "slots=256;threads=2 / slots=0;threads=2",
		     "ops_per_s ratio");
	NEAR(r->measured, 6.6e6 / 6.21e6);

	r = find_row(&t, "hash_threads",
		     "threads=2;futexes=1024;shared=0 / threads=1;futexes=1024;shared=0",
		     "ops_per_s ratio");
	NEAR(r->measured, 6.55e6 / 3.41e6);
	assert_string_equal(r->num, "perf-hash -t 2 -f 1024");
	assert_string_equal(r->den, "perf-hash -t 1 -f 1024");
	r = find_row(&t, "hash_threads",
		     "threads=2;futexes=1024;shared=1 / threads=1;futexes=1024;shared=1",
		     "ops_per_s ratio");
	NEAR(r->measured, 4.71e6 / 2.52e6);
	assert_string_equal(r->num, "perf-hash -t 2 -f 1024 -S");
	r = find_row(&t, "hash_shared",
		     "threads=1;futexes=1024;shared=1 / threads=1;futexes=1024;shared=0",
		     "ops_per_s ratio");
	NEAR(r->measured, 2.52e6 / 3.41e6);
	r = find_row(&t, "hash_shared",
		     "threads=2;futexes=1024;shared=1 / threads=2;futexes=1024;shared=0",
		     "ops_per_s ratio");
	NEAR(r->measured, 4.71e6 / 6.55e6);
	r = find_row(&t, "lock_pi", "threads=2;multi=1 / threads=2;multi=0",
		     "ops_per_s ratio");
	NEAR(r->measured, 23100.0 / 8100.0);
	assert_string_equal(r->num, "perf-lock-pi -t 2 -M");
	assert_string_equal(r->den, "perf-lock-pi -t 2");

	r = find_row(&t, "wake", "threads=2;nwake=1", "lat_p50_ns");
	NEAR(r->measured, 8100);
	assert_true(r->target_pct == 25.0);
	assert_true(r->q == 0.5);
	r = find_row(&t, "wake", "threads=2;nwake=1", "lat_p99_ns");
	NEAR(r->measured, 52800);
	assert_true(r->target_pct == 0);
	assert_string_equal(r->num, "2 1");
	find_row(&t, "wake", "threads=2;nwake=2", "lat_p90_ns");
	r = find_row(&t, "wake_latency",
		     "waker=1;wakee=0;distance=10;target=busy", "lat_p50_ns");
	NEAR(r->measured, 14300);
	assert_string_equal(r->num, "1 0 busy");
	find_row(&t, "wake_latency", "waker=0;wakee=1;distance=10;target=idle",
		 "lat_p50_ns");
	fx_val_free(&t);
	fx_benchres_free(&set);
}

/* a temporary results directory holding @csv as its bench.csv */
static void plan_err(const char *csv, const char *msg)
{
	char dir[] = "/tmp/fxval.XXXXXX", path[600], want[1024], err[512] = "";
	struct fx_benchres_set set = { 0 };
	struct fx_val_table t;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bench.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(csv, f);
	fclose(f);
	if (fx_benchres_load(dir, &set, err, sizeof(err)))
		fail_msg("load: %s", err);
	assert_int_equal(fx_val_plan(&set, &t, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s%s", path, msg);
	assert_string_equal(err, want);
	assert_int_equal(t.n, 0);
	fx_benchres_free(&set);
	unlink(path);
	rmdir(dir);
}

#define HDR	FX_BENCHRES_HEADER "\n"
#define H1	"h1,6.18.0,2,1,10,0,"
#define CSV_HEADER "host,kernel,topology,group,scenario,metric,measured," \
	"predicted,error_pct,target_pct,status,bench_line,simulation\n"

static void test_plan_errors(void **state)
{
	(void)state;
	plan_err(HDR H1 "slot_sweep,slots=0;threads=2,ops_per_s,100,ns\n",
		 ":2: slot_sweep ops_per_s: unit 'ns', expected 'ops/s'");
	plan_err(HDR H1 "hash,threads=1;futexes=1024;shared=2,ops_per_s,100,ops/s\n",
		 ":2: hash params 'threads=1;futexes=1024;shared=2': shared must be 0 or 1");
	plan_err(HDR H1 "hash,threads=0;futexes=1024;shared=0,ops_per_s,100,ops/s\n",
		 ":2: hash params 'threads=0;futexes=1024;shared=0': 'threads' must be an integer >= 1");
	plan_err(HDR H1 "lock_pi,threads=2,ops_per_s,100,ops/s\n",
		 ":2: lock_pi params 'threads=2': no 'multi=' (expected multi=N)");
	plan_err(HDR H1 "wake,threads=2;nwake=1,lat_p50_ns,-1,ns\n",
		 ":2: wake lat_p50_ns: value -1, expected a positive number of ns");
	plan_err(HDR H1 "wake_latency,waker=0;wakee=1;distance=10;target=warm,lat_p50_ns,100,ns\n",
		 ":2: wake_latency params 'waker=0;wakee=1;distance=10;target=warm': expected target=idle or target=busy");
}

/* rows without a partner are left out; nothing to compare is no error */
static void test_plan_partial(void **state)
{
	char dir[] = "/tmp/fxval.XXXXXX", path[600], err[512] = "";
	struct fx_benchres_set set = { 0 };
	struct fx_val_table t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bench.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(HDR "h1,6.12.0,2,1,10,-1,slot_sweep,slots=16;threads=2,ops_per_s,100,ops/s\n"
	      "h1,6.12.0,2,1,10,-1,lock_pi,threads=2;multi=1,ops_per_s,100,ops/s\n"
	      "h1,6.12.0,2,1,10,-1,hash,threads=2;futexes=8;shared=1,ops_per_s,100,ops/s\n"
	      "h1,6.12.0,2,1,10,-1,null_syscall,,ns_per_op,100,ns\n", f);
	fclose(f);
	assert_int_equal(fx_benchres_load(dir, &set, err, sizeof(err)), 0);
	assert_int_equal(fx_val_plan(&set, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 0);
	assert_true(t.layout_global);	/* slots -1: no PR_FUTEX_HASH */
	fx_val_free(&t);
	fx_benchres_free(&set);
	unlink(path);
	rmdir(dir);
}

static char *run_validation(struct fx_val_table *t, struct fx_calib *cal)
{
	struct fx_benchres_set set = { 0 };
	struct fx_val_opts o;
	char err[512] = "", topo[128], *csv = NULL;
	size_t len = 0;
	FILE *mem;

	load_fixture(&set, "fixture-1node");
	assert_int_equal(fx_calib_derive(&set, NULL, cal, err, sizeof(err)), 0);
	assert_int_equal(fx_val_plan(&set, t, err, sizeof(err)), 0);
	fx_val_topology(&set, topo, sizeof(topo));
	/* the fixture's host is not this machine: its cpus and nodes */
	assert_string_equal(topo, "package:1 core:2 pu:1");
	fx_val_opts_default(&o, &cal->cost);
	o.topo = topo;
	o.hash_ns = 500000;		/* short: the test checks the table */
	o.lockpi_ns = 2000000;
	o.wake_rounds = 3;
	o.wakelat_samples = 5;
	if (fx_val_predict(t, &o, err, sizeof(err)))
		fail_msg("predict: %s", err);
	mem = open_memstream(&csv, &len);
	assert_non_null(mem);
	fx_val_write_csv(t, mem);
	fclose(mem);
	fx_benchres_free(&set);
	return csv;
}

static void test_end_to_end(void **state)
{
	struct fx_calib *cal = malloc(sizeof(*cal));
	struct fx_val_table t, t2;
	char *csv, *csv2, *text = NULL, *line, *save = NULL;
	size_t len = 0, nlines = 0;
	FILE *mem;

	(void)state;
	assert_non_null(cal);
	csv = run_validation(&t, cal);
	assert_int_equal(t.n, 18);
	assert_string_equal(t.topo, "package:1 core:2 pu:1");
	assert_string_equal(t.profile, cal->cost.profile);
	for (size_t i = 0; i < t.n; i++) {
		const struct fx_val_row *r = &t.rows[i];

		if (!isfinite(r->predicted) || !(r->predicted > 0))
			fail_msg("%s %s %s: predicted %g", r->group,
				 r->scenario, r->metric, r->predicted);
		NEAR(r->error_pct, (r->predicted - r->measured) / r->measured * 100);
		assert_int_equal(r->status, fx_val_judge(r->error_pct, r->target_pct));
		assert_true(r->how[0] != '\0');
	}
	/* the CSV: a header and one line per row, every row's scenario */
	assert_true(!strncmp(csv, CSV_HEADER, strlen(CSV_HEADER)));
	for (line = strtok_r(csv, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned commas = 0;

		for (const char *p = line; *p; p++)
			commas += *p == ',';
		assert_int_equal(commas, 12);
		if (nlines)
			assert_non_null(strstr(line, t.rows[nlines - 1].scenario));
		nlines++;
	}
	assert_int_equal(nlines, 1 + t.n);
	/* the human table: a line per row and the summary */
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	fx_val_print(&t, mem);
	fclose(mem);
	assert_non_null(strstr(text, "slot_sweep   slots=2;threads=2 / slots=0;threads=2"));
	assert_non_null(strstr(text, "\nsummary: 18 row(s): "));
	free(text);
	/* deterministic: the same seed, the same table */
	csv2 = run_validation(&t2, cal);
	for (size_t i = 0; i < t.n; i++)
		assert_true(t.rows[i].predicted == t2.rows[i].predicted);
	free(csv);
	free(csv2);
	fx_val_free(&t);
	fx_val_free(&t2);
	free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_and_verdict),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_plan_partial),
		cmocka_unit_test(test_end_to_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
