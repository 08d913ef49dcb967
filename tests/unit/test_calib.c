// SPDX-License-Identifier: MIT
/*
 * test_calib.c - calibration (sim/calib.c): the derivation on the
 * hand-made results of tests/bench/fixture-1node (every benchmark the
 * derivation uses) and fixture-2node (two NUMA nodes, several benchmarks
 * missing, differences that come out negative), against values computed
 * by hand below; the profile it writes and its round trip through
 * fx_cost_load(); the run date from a results directory's name; and the
 * malformed inputs, each refused with "FILE:LINE: what was expected".
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
#include <sys/stat.h>
#include <unistd.h>

#include "benchres.h"
#include "calib.h"
#include "cost.h"

/* ---- helpers ---- */

/* the repository root, from this file's path (tests/unit/test_calib.c) */
static void fixture_path(char *buf, size_t len, const char *name)
{
	const char *f = __FILE__;
	const char *tail = strstr(f, "tests/unit/test_calib.c");
	int root = tail ? (int)(tail - f) : 0;

	snprintf(buf, len, "%.*stests/bench/%s", root, f, name);
}

static struct fx_calib *derive_fixture(const char *name)
{
	struct fx_benchres_set set = { 0 };
	struct fx_calib *cal = malloc(sizeof(*cal));
	char path[1024], err[512] = "";

	assert_non_null(cal);
	fixture_path(path, sizeof(path), name);
	if (fx_benchres_load(path, &set, err, sizeof(err)))
		fail_msg("load %s: %s", path, err);
	if (fx_calib_derive(&set, "2025-01-02T03:04:05Z", cal, err, sizeof(err)))
		fail_msg("derive %s: %s", path, err);
	fx_benchres_free(&set);
	return cal;
}

/* parameter @id is @ps picoseconds, set from a measurement or not */
static void assert_param(const struct fx_calib *cal, enum fx_cost_id id,
			 fx_ps ps, bool measured)
{
	const struct fx_calib_item *it = fx_calib_find(cal, id);

	if (cal->cost.v[id] != ps)
		fail_msg("%s = %llu ps, expected %llu", fx_cost_name(id),
			 (unsigned long long)cal->cost.v[id],
			 (unsigned long long)ps);
	assert_non_null(it);
	if (it->measured != measured)
		fail_msg("%s: measured %d, expected %d (%s)", fx_cost_name(id),
			 it->measured, measured, it->note);
}

static fx_ps builtin(enum fx_cost_id id)
{
	struct fx_cost c;

	fx_cost_defaults(&c);
	return c.v[id];
}

/* a temporary results directory holding @csv as its bench.csv */
static char *tmpdir_with(const char *csv)
{
	char *dir = strdup("/tmp/fxcalib.XXXXXX"), path[512];
	FILE *f;

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bench.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(csv, f);
	assert_int_equal(fclose(f), 0);
	return dir;
}

static void rmdir_all(char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/bench.csv", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

#define HDR	FX_BENCHRES_HEADER "\n"
#define H1	"h1,6.18.0,2,1,10,0,"

/*
 * derive the rows @csv must fail on: -EINVAL and the message
 * "DIR/bench.csv:@msg" exactly (@msg starts with the line number)
 */
static void derive_err(const char *csv, const char *msg)
{
	struct fx_benchres_set set = { 0 };
	struct fx_calib *cal = malloc(sizeof(*cal));
	char *dir = tmpdir_with(csv);
	char err[512] = "", want[1024];

	assert_non_null(cal);
	if (fx_benchres_load(dir, &set, err, sizeof(err)))
		fail_msg("load: %s", err);
	assert_int_equal(fx_calib_derive(&set, NULL, cal, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "%s/bench.csv%s", dir, msg);
	assert_string_equal(err, want);
	fx_benchres_free(&set);
	free(cal);
	rmdir_all(dir);
}

/* ---- tests ---- */

/*
 * fixture-1node, by hand (ns; built-in hash.jhash2 5.32, line.hit 1.1,
 * lock.uncontended 2.6, wake.mark 12.4):
 *   syscall.entry = exit  = 170 / 2                         = 85
 *   key.private           = 240 - 170 - 5.32 - 1.1          = 63.58
 *   key.shared            = 63.58 + 330 - 240               = 153.58
 *   chain.step.local      = slope over (1,350) (2,390) (4,480) (8,660)
 *                           (L = 0 takes no lock and is left out):
 *                           (4 x 8330 - 15 x 1880) / (4 x 85 - 15^2)
 *                           = 5120 / 115                    = 44.522
 *   line.xfer = lock.handoff                                = 48.2
 *   ctx.switch            = 1200 - 85 - 85                  = 1030
 *   w1 idle (wake_call_ns)= median(8100, 8300)              = 8200
 *   w1 busy               = median(8000, 8200)              = 8100
 *   wake.up               = 8200 - 240 - 2.6 - 12.4         = 7945
 *   busy p50 median       = (14500 + 14300) / 2             = 14400
 *   idle p50 median       = (22000 + 22400) / 2             = 22200
 *   ipi.local             = 14400 - 8100 - 1030             = 5270
 *   idle.exit             = (22200 - 8200) - (14400 - 8100) = 7700
 */
static void test_fixture_1node(void **state)
{
	struct fx_calib *cal = derive_fixture("fixture-1node");

	(void)state;
	assert_string_equal(cal->host, "fixhost");
	assert_string_equal(cal->kernel, "6.18.0-fix");
	assert_int_equal(cal->cpus, 2);
	assert_int_equal(cal->nodes, 1);
	assert_param(cal, FX_COST_syscall_entry, 85000, true);
	assert_param(cal, FX_COST_syscall_exit, 85000, true);
	assert_param(cal, FX_COST_key_private, 63580, true);
	assert_param(cal, FX_COST_key_shared, 153580, true);
	assert_param(cal, FX_COST_chain_step_local, 44522, true);
	assert_param(cal, FX_COST_line_xfer, 48200, true);
	assert_param(cal, FX_COST_lock_handoff, 48200, true);
	assert_param(cal, FX_COST_ctx_switch, 1030000, true);
	assert_param(cal, FX_COST_wake_up, 7945000, true);
	assert_param(cal, FX_COST_ipi_local, 5270000, true);
	assert_param(cal, FX_COST_idle_exit, 7700000, true);
	/* one node: nothing crosses nodes */
	assert_param(cal, FX_COST_chain_step_remote,
		     builtin(FX_COST_chain_step_remote), false);
	assert_param(cal, FX_COST_ipi_remote, builtin(FX_COST_ipi_remote), false);
	assert_int_equal(cal->cost.dist_n, 0);
	assert_false(fx_calib_find(cal, FX_CALIB_MATRIX)->measured);
	/* what no benchmark measures stays built in */
	assert_int_equal(cal->cost.v[FX_COST_mem_local], builtin(FX_COST_mem_local));
	assert_int_equal(cal->cost.v[FX_COST_wake_mark], builtin(FX_COST_wake_mark));
	assert_null(fx_calib_find(cal, FX_COST_mem_local));
	assert_non_null(strstr(fx_calib_find(cal, FX_COST_key_private)->note,
			       "futex_wake_empty(shared=0) - null_syscall - hash.jhash2 - line.hit"));
	assert_string_equal(cal->cost.profile,
			    "calibrated: fixhost 6.18.0-fix 2025-01-02T03:04:05Z");
	free(cal);
}

/*
 * fixture-2node: no null_syscall, no futex_wake_empty(shared=1), one
 * chain length, no wake_call_ns; pingpong at 10 (46, 48) and 21 (134,
 * 136); wake nwake=1 at 8 and 16 threads (the fewest: 8):
 *   line.xfer = lock.handoff = median(46, 48)               = 47
 *   chain.step.remote     = median(134, 136) + 1.1          = 136.1
 *   distance.matrix       = 10 x 135 / 47 = 28.7 -> 29: "10 29;29 10"
 *   ctx.switch            = 950 - 84.9 - 84.9 (built-in)    = 780.2
 *   w1 (one wake call)    = 0.0112 ms / 8                   = 1400
 *   wake.up               = 1400 - 210 - 2.6 - 12.4         = 1175
 *   ipi.local             = 2100 - 1400 - 780.2 < 0         -> 0
 *   idle.exit             = (4300 - 1400) - (2100 - 1400)   = 2200
 *   ipi.remote            = 3300 - 1400 - 780.2             = 1119.8
 */
static void test_fixture_2node(void **state)
{
	struct fx_calib *cal = derive_fixture("fixture-2node");
	const struct fx_calib_item *it;

	(void)state;
	assert_int_equal(cal->nodes, 2);
	assert_param(cal, FX_COST_syscall_entry, builtin(FX_COST_syscall_entry), false);
	assert_param(cal, FX_COST_syscall_exit, builtin(FX_COST_syscall_exit), false);
	assert_param(cal, FX_COST_key_private, builtin(FX_COST_key_private), false);
	assert_param(cal, FX_COST_key_shared, builtin(FX_COST_key_shared), false);
	assert_param(cal, FX_COST_chain_step_local, builtin(FX_COST_chain_step_local), false);
	assert_non_null(strstr(fx_calib_find(cal, FX_COST_chain_step_local)->note,
			       "one chain length"));
	assert_param(cal, FX_COST_wake_up, 1175000, true);
	assert_non_null(strstr(fx_calib_find(cal, FX_COST_wake_up)->note,
			       "wake(threads=8;nwake=1) wake_ms x 1e6 / 8 calls"));
	assert_param(cal, FX_COST_line_xfer, 47000, true);
	assert_param(cal, FX_COST_lock_handoff, 47000, true);
	assert_param(cal, FX_COST_chain_step_remote, 136100, true);
	assert_param(cal, FX_COST_ctx_switch, 780200, true);
	assert_non_null(strstr(fx_calib_find(cal, FX_COST_ctx_switch)->note,
			       "null_syscall not measured"));
	assert_param(cal, FX_COST_ipi_local, 0, true);
	assert_param(cal, FX_COST_ipi_remote, 1119800, true);
	assert_param(cal, FX_COST_idle_exit, 2200000, true);
	it = fx_calib_find(cal, FX_COST_ipi_local);
	assert_non_null(strstr(it->note, "= -80.200, clamped at 0"));
	assert_int_equal(cal->cost.dist_n, 2);
	assert_int_equal(cal->cost.dist[0], 10);
	assert_int_equal(cal->cost.dist[1], 29);
	assert_int_equal(cal->cost.dist[2], 29);
	assert_int_equal(cal->cost.dist[3], 10);
	it = fx_calib_find(cal, FX_CALIB_MATRIX);
	assert_true(it->measured);
	assert_non_null(strstr(it->note, "SLIT 21 -> 29"));
	free(cal);
}

/* the profile written is loadable and gives back the derived values */
static void test_write_roundtrip(void **state)
{
	static const char *const names[] = { "fixture-1node", "fixture-2node" };

	(void)state;
	for (unsigned k = 0; k < 2; k++) {
		struct fx_calib *cal = derive_fixture(names[k]);
		struct fx_cost back;
		char path[] = "/tmp/fxcalprof.XXXXXX", err[512] = "";
		char *text = NULL;
		size_t len = 0;
		FILE *f, *mem;
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		assert_non_null(f);
		assert_int_equal(fx_calib_write(cal, f), 0);
		assert_int_equal(fclose(f), 0);
		fx_cost_defaults(&back);
		if (fx_cost_load(&back, path, err, sizeof(err)))
			fail_msg("%s: %s", names[k], err);
		assert_memory_equal(back.v, cal->cost.v, sizeof(back.v));
		assert_int_equal(back.dist_n, cal->cost.dist_n);
		assert_memory_equal(back.dist, cal->cost.dist, sizeof(back.dist));
		unlink(path);

		mem = open_memstream(&text, &len);
		assert_non_null(mem);
		assert_int_equal(fx_calib_write(cal, mem), 0);
		fclose(mem);
		if (k == 0) {
			assert_non_null(strstr(text,
				"\nsyscall.entry = 85  # calibrated: fixhost 6.18.0-fix 2025-01-02T03:04:05Z, null_syscall ns_per_op / 2: 170 / 2 = 85.000\n"));
			assert_non_null(strstr(text,
				"\nchain.step.remote = 135.1  # not measured on fixhost 6.18.0-fix 2025-01-02T03:04:05Z (no pingpong_line ns_per_transfer across nodes): built-in value kept; published:"));
			/* untouched parameters keep their sources */
			assert_non_null(strstr(text, "\nmem.local = 169.3  # measured: "));
		} else {
			assert_non_null(strstr(text,
				"\ndistance.matrix = 10 29, 29 10  # calibrated: numa2 6.17.0-fix-numa 2025-01-02T03:04:05Z, host distances '10 21;21 10'; SLIT 21 -> 29"));
		}
		free(text);
		free(cal);
	}
}

static void test_date(void **state)
{
	char d[40];

	(void)state;
	fx_calib_date("results/bench/myhost-20250102T030405Z", d, sizeof(d));
	assert_string_equal(d, "2025-01-02T03:04:05Z");
	fx_calib_date("results/bench/my-host-20251231T235959Z/", d, sizeof(d));
	assert_string_equal(d, "2025-12-31T23:59:59Z");
	fx_calib_date("r/h-20250102T030405Z/bench.csv", d, sizeof(d));
	assert_string_equal(d, "2025-01-02T03:04:05Z");
	fx_calib_date("tests/bench/fixture-1node", d, sizeof(d));
	assert_string_equal(d, "undated");
	fx_calib_date("h-2025010T030405Z", d, sizeof(d));
	assert_string_equal(d, "undated");
	fx_calib_date("20250102T030405Z", d, sizeof(d));
	assert_string_equal(d, "undated");
	fx_calib_date("", d, sizeof(d));
	assert_string_equal(d, "undated");
}

/*
 * a waker's call at the idle target longer than that target's latency (a
 * guest whose waker pays the halted vCPU's wake-up after the IPI): the
 * busy target's call stands for the waker's part, by hand:
 *   empty wake 250, syscalls 100 + 100, ctx.switch = 1500 - 200 = 1300
 *   wake.up   = 12000 (busy call) - 250 - 2.6 - 12.4          = 11735
 *   ipi.local = 20000 - 12000 - 1300                          = 6700
 *   idle.exit = (30000 - 12000) - (20000 - 12000)             = 10000
 */
static void test_late_waker(void **state)
{
	struct fx_benchres_set set = { 0 };
	struct fx_calib *cal = malloc(sizeof(*cal));
	char *dir = tmpdir_with(HDR
		H1 "null_syscall,,ns_per_op,200,ns\n"
		H1 "futex_wake_empty,shared=0,ns_per_op,250,ns\n"
		H1 "ctx_switch,,ns_per_switch,1500,ns\n"
		H1 "wake_latency,waker=0;wakee=1;distance=10;target=idle,lat_p50_ns,30000,ns\n"
		H1 "wake_latency,waker=0;wakee=1;distance=10;target=idle,wake_call_ns,50000,ns\n"
		H1 "wake_latency,waker=0;wakee=1;distance=10;target=busy,lat_p50_ns,20000,ns\n"
		H1 "wake_latency,waker=0;wakee=1;distance=10;target=busy,wake_call_ns,12000,ns\n");
	char err[512] = "";

	(void)state;
	assert_non_null(cal);
	assert_int_equal(fx_benchres_load(dir, &set, err, sizeof(err)), 0);
	assert_int_equal(fx_calib_derive(&set, NULL, cal, err, sizeof(err)), 0);
	assert_param(cal, FX_COST_ctx_switch, 1300000, true);
	assert_param(cal, FX_COST_wake_up, 11735000, true);
	assert_param(cal, FX_COST_ipi_local, 6700000, true);
	assert_param(cal, FX_COST_idle_exit, 10000000, true);
	assert_non_null(strstr(fx_calib_find(cal, FX_COST_wake_up)->note,
			       "wake_latency(target=busy, distance 10) wake_call_ns (the idle target's call, 50000, outlasts its wake-up latency, 30000"));
	fx_benchres_free(&set);
	free(cal);
	rmdir_all(dir);
}

/* only some benchmarks: the rest keep their values, marked not measured */
static void test_missing(void **state)
{
	struct fx_benchres_set set = { 0 };
	struct fx_calib *cal = malloc(sizeof(*cal));
	char *dir = tmpdir_with(HDR H1 "null_syscall,,ns_per_op,200,ns\n");
	char err[512] = "";

	(void)state;
	assert_non_null(cal);
	assert_int_equal(fx_benchres_load(dir, &set, err, sizeof(err)), 0);
	assert_int_equal(fx_calib_derive(&set, NULL, cal, err, sizeof(err)), 0);
	assert_param(cal, FX_COST_syscall_entry, 100000, true);
	assert_param(cal, FX_COST_syscall_exit, 100000, true);
	for (enum fx_cost_id id = 0; id < FX_COST_NR; id++) {
		const struct fx_calib_item *it = fx_calib_find(cal, id);

		if (id == FX_COST_syscall_entry || id == FX_COST_syscall_exit)
			continue;
		if (id == FX_COST_ipi_local || id == FX_COST_idle_exit ||
		    id == FX_COST_ipi_remote || !it) {
			/* no wake_latency: nothing to subtract from */
			assert_int_equal(cal->cost.v[id], builtin(id));
			continue;
		}
		assert_false(it->measured);
		assert_int_equal(cal->cost.v[id], builtin(id));
		assert_true(it->note[0] != '\0');
	}
	assert_string_equal(fx_calib_find(cal, FX_COST_ctx_switch)->note,
			    "no ctx_switch ns_per_switch");
	assert_string_equal(fx_calib_find(cal, FX_COST_key_private)->note,
			    "no futex_wake_empty(shared=0) ns_per_op");
	assert_string_equal(cal->date, "undated");
	fx_benchres_free(&set);
	free(cal);
	rmdir_all(dir);
}

static void test_errors(void **state)
{
	(void)state;
	derive_err(HDR, ": no measurements (every benchmark skipped?); nothing to calibrate");
	derive_err(HDR H1 "null_syscall,,ns_per_op,0.17,ms\n",
		   ":2: null_syscall ns_per_op: unit 'ms', expected 'ns'");
	derive_err(HDR H1 "ctx_switch,,ns_per_switch,1000,ns\n"
		   H1 "null_syscall,,ns_per_op,-3,ns\n",
		   ":3: null_syscall ns_per_op: value -3, expected a positive number of ns");
	derive_err(HDR H1 "chain_walk,chain=1,wake_ns,300,ns\n"
		   H1 "chain_walk,len=2,wake_ns,350,ns\n",
		   ":3: chain_walk params 'len=2': no 'chain=' (expected chain=N)");
	derive_err(HDR H1 "chain_walk,chain=-1,wake_ns,300,ns\n",
		   ":2: chain_walk params 'chain=-1': 'chain' must be an integer >= 0");
	derive_err(HDR H1 "chain_walk,chain=1,wake_ns,300,count\n",
		   ":2: chain_walk wake_ns: unit 'count', expected 'ns'");
	derive_err(HDR H1 "pingpong_line,cpu_a=0;cpu_b=1;distance=x,ns_per_transfer,40,ns\n",
		   ":2: pingpong_line params 'cpu_a=0;cpu_b=1;distance=x': 'distance' must be an integer >= 10");
	derive_err(HDR H1 "ctx_switch,,ns_per_switch,1000,ns\n"
		   "h2,6.18.0,2,1,10,0,null_syscall,,ns_per_op,170,ns\n",
		   ":3: host differs from line 2's (expected the results of one run on one host)");
	derive_err(HDR H1 "ctx_switch,,ns_per_switch,1000,ns\n"
		   "h1,6.19.0,2,1,10,0,null_syscall,,ns_per_op,170,ns\n",
		   ":3: kernel differs from line 2's (expected the results of one run on one host)");
	derive_err(HDR "h1,6.18.0,4,2,10 9;9 10,0,ctx_switch,,ns_per_switch,1000,ns\n",
		   ":2: distances '10 9;9 10': entry [0][1] is 9 (expected 10 on the diagonal, 10..254 elsewhere)");
	derive_err(HDR H1 "wake_latency,waker=0;wakee=1;distance=10;target=busy,lat_p50_ns,2,ms\n",
		   ":2: wake_latency lat_p50_ns: unit 'ms', expected 'ns'");
	derive_err(HDR H1 "wake,threads=1;nwake=1,wake_ms,0,ms\n",
		   ":2: wake wake_ms: value 0, expected a positive number of ms");
}

/* what the results reader refuses never reaches the derivation */
static void test_reader_errors(void **state)
{
	struct fx_benchres_set set = { 0 };
	char *dir = tmpdir_with("host,kernel\n");
	char err[512] = "", want[600];

	(void)state;
	assert_int_equal(fx_benchres_load(dir, &set, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/bench.csv:1:", dir);
	assert_memory_equal(err, want, strlen(want));
	fx_benchres_free(&set);
	rmdir_all(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_1node),
		cmocka_unit_test(test_fixture_2node),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_late_waker),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_reader_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
