// SPDX-License-Identifier: MIT
/*
 * test_bench_results.c - sim/benchres.c: the bench.csv reader (good files,
 * lookups, and malformed files that must fail with FILE:LINE and what was
 * expected), the writer round trip, the params helpers, and the parser of
 * perf bench futex's summary lines on output captured from perf 6.1 on
 * the 2-CPU VM of docs/bench-live.md.
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

#define HOST "vm,6.18.44,2,1,10,0,"
#define HOST2 "big,6.18.0,64,2,10 21;21 10,-1,"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/fx-benchres-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* write @text to tmpdir/@name; returns the path (static) */
static const char *put(const char *name, const char *text)
{
	static char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static const char good_csv[] =
	FX_BENCHRES_HEADER "\n"
	HOST "null_syscall,,ns_per_op,170.5,ns\n"
	HOST "hash,threads=2;futexes=1024;shared=0,ops_per_s,6.047e+06,ops/s\n"
	HOST "hash,threads=2;futexes=1024;shared=0,ops_per_s_per_thread,3.0235e+06,ops/s\n"
	HOST "hash,threads=1;futexes=1024;shared=0,ops_per_s,2.987e+06,ops/s\n"
	HOST "chain_walk,chain=0,wake_ns,280.8,ns\n"
	HOST "chain_walk,chain=8,wake_ns,338.2,ns\n"
	HOST "chain_walk,chain=64,wake_ns,655.3,ns\n"
	HOST "wake,threads=2;nwake=1,wake_ms,0.01481,ms\n"
	HOST "perf_compare,scenario=hash;threads=2;futexes=1024;shared=0,ratio,0.984,ratio\n";

static void test_load_good(void **state)
{
	struct fx_benchres_set set;
	char err[256] = "";
	double v = 0;
	long len;
	const struct fx_benchres_row *r;
	int n;

	(void)state;
	put("bench.csv", good_csv);
	put("skipped.txt", "numa mode=numa: one NUMA node\n"
	    "perf_compare: perf not installed\n");
	assert_int_equal(fx_benchres_load(tmpdir, &set, err, sizeof(err)), 0);
	assert_int_equal(set.nrows, 9);
	assert_int_equal(set.nskipped, 2);
	assert_string_equal(set.skipped[0], "numa mode=numa: one NUMA node");
	assert_string_equal(set.rows[0].host, "vm");
	assert_string_equal(set.rows[0].kernel, "6.18.44");
	assert_int_equal(set.rows[0].cpus, 2);
	assert_int_equal(set.rows[0].nodes, 1);
	assert_string_equal(set.rows[0].distances, "10");
	assert_int_equal(set.rows[0].slots, 0);
	assert_string_equal(set.rows[0].params, "");
	assert_int_equal(set.rows[0].line, 2);
	assert_int_equal(set.rows[8].line, 10);

	/* exact lookups; params in any order */
	assert_int_equal(fx_benchres_get(&set, "hash",
					 "threads=2;futexes=1024;shared=0",
					 "ops_per_s", &v), 0);
	assert_true(v == 6.047e6);
	assert_int_equal(fx_benchres_get(&set, "hash",
					 "shared=0;threads=1;futexes=1024",
					 "ops_per_s", &v), 0);
	assert_true(v == 2.987e6);
	assert_int_equal(fx_benchres_get(&set, "null_syscall", "", "ns_per_op",
					 &v), 0);
	assert_true(v == 170.5);
	/* a subset of the pairs is not the same configuration */
	assert_int_equal(fx_benchres_get(&set, "hash", "threads=2", "ops_per_s",
					 &v), -ENOENT);
	assert_int_equal(fx_benchres_get(&set, "hash",
					 "threads=4;futexes=1024;shared=0",
					 "ops_per_s", &v), -ENOENT);
	assert_int_equal(fx_benchres_get(&set, "wake", "threads=2;nwake=1",
					 "lat_p50_ns", &v), -ENOENT);

	/* walking a sweep */
	n = 0;
	for (r = NULL; (r = fx_benchres_next(&set, r, "chain_walk", NULL,
					     "wake_ns")); n++) {
		assert_int_equal(fx_benchres_param_long(r->params, "chain", &len), 0);
		assert_true(len == 0 || len == 8 || len == 64);
	}
	assert_int_equal(n, 3);
	n = 0;
	for (r = NULL; (r = fx_benchres_next(&set, r, NULL, "threads=2", NULL)); n++)
		;
	assert_int_equal(n, 4);	/* hash x2, wake, perf_compare */
	fx_benchres_free(&set);

	/* a bench.csv path works too, and finds the skipped.txt beside it */
	char path[160];

	snprintf(path, sizeof(path), "%s/bench.csv", tmpdir);
	assert_int_equal(fx_benchres_load(path, &set, err, sizeof(err)), 0);
	assert_int_equal(set.nrows, 9);
	assert_int_equal(set.nskipped, 2);
	fx_benchres_free(&set);
}

static void test_load_multinode_and_empty(void **state)
{
	struct fx_benchres_set set;
	char err[256], path[160];
	unsigned d[16], n;

	(void)state;
	put("m.csv", FX_BENCHRES_HEADER "\n"
	    HOST2 "pingpong_line,cpu_a=0;cpu_b=32;distance=21,ns_per_transfer,120,ns\n");
	snprintf(path, sizeof(path), "%s/m.csv", tmpdir);
	assert_int_equal(fx_benchres_load(path, &set, err, sizeof(err)), 0);
	assert_int_equal(set.nrows, 1);
	assert_int_equal(set.rows[0].slots, -1);
	assert_int_equal(set.nskipped, 0);
	assert_int_equal(fx_benchres_distances(set.rows[0].distances, d, 16, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[1], 21);
	assert_int_equal(d[3], 10);
	fx_benchres_free(&set);

	/* every benchmark skipped: a header and no row is valid */
	put("e.csv", FX_BENCHRES_HEADER "\n");
	snprintf(path, sizeof(path), "%s/e.csv", tmpdir);
	assert_int_equal(fx_benchres_load(path, &set, err, sizeof(err)), 0);
	assert_int_equal(set.nrows, 0);
	fx_benchres_free(&set);
}

/* @text must fail with -EINVAL and a message containing @want */
static void bad(const char *text, const char *want)
{
	struct fx_benchres_set set;
	char err[512] = "", path[160];
	int ret;

	put("bad.csv", text);
	snprintf(path, sizeof(path), "%s/bad.csv", tmpdir);
	ret = fx_benchres_load(path, &set, err, sizeof(err));
	if (ret != -EINVAL || !strstr(err, want))
		fail_msg("expected -EINVAL with \"%s\", got %d \"%s\"", want, ret, err);
	assert_int_equal(set.nrows, 0);
	fx_benchres_free(&set);
}

static void test_load_malformed(void **state)
{
	(void)state;
	bad("", "bad.csv:1: empty file");
	bad("host,kernel\n", "bad.csv:1: header 'host,kernel': expected 'host,");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,threads=2,ops_per_s,1,ops/s\n"
	    HOST "hash,threads=2,ops_per_s\n", "bad.csv:3: 9 fields: expected 11");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,threads=2,ops_per_s,1,ops/s,x\n",
	    "bad.csv:2: more than 11 fields");
	bad(FX_BENCHRES_HEADER "\nvm,6.18,two,1,10,0,hash,,m,1,ns\n",
	    "bad.csv:2: field 3 (cpus) 'two': expected a positive integer");
	bad(FX_BENCHRES_HEADER "\nvm,6.18,2,2,10,0,hash,,m,1,ns\n",
	    "bad.csv:2: field 5 (distances) '10': a 1x1 matrix, expected 2x2");
	bad(FX_BENCHRES_HEADER "\nvm,6.18,2,2,10 21;21,0,hash,,m,1,ns\n",
	    "field 5 (distances) '10 21;21': expected a square matrix");
	bad(FX_BENCHRES_HEADER "\nvm,6.18,2,1,10,-2,hash,,m,1,ns\n",
	    "field 6 (slots) '-2': expected an integer >= -1");
	bad(FX_BENCHRES_HEADER "\n" HOST "Hash,,m,1,ns\n",
	    "field 7 (benchmark) 'Hash': expected a name");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,threads,m,1,ns\n",
	    "field 8 (params) 'threads': expected key=value pairs");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,threads=2;,m,1,ns\n",
	    "field 8 (params) 'threads=2;': expected no ';' at the end");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,threads=2;threads=3,m,1,ns\n",
	    "a key appears twice");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,threads=,m,1,ns\n",
	    "expected a non-empty value");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,,,1,ns\n",
	    "field 9 (metric) '': expected a non-empty field");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,,m,fast,ns\n",
	    "bad.csv:2: field 10 (value) 'fast': expected a finite number");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,,m,nan,ns\n",
	    "field 10 (value) 'nan': expected a finite number");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,,m,1,us\n",
	    "field 11 (unit) 'us': expected a unit: ns, ops/s, ms, ratio or count");
	bad(FX_BENCHRES_HEADER "\n" HOST "\"hash\",,m,1,ns\n",
	    "bad.csv:2: a quote");
	bad(FX_BENCHRES_HEADER "\n" HOST "hash,,m,1,ns\n\n", "bad.csv:3: 1 fields");
}

static void test_load_missing(void **state)
{
	struct fx_benchres_set set;
	char err[256], path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/nothing", tmpdir);
	assert_int_equal(fx_benchres_load(path, &set, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "nothing"));
	/* a directory without bench.csv */
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(fx_benchres_load(path, &set, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "empty/bench.csv"));
}

static void test_write_round_trip(void **state)
{
	struct fx_benchres_row r = {
		.host = "vm", .kernel = "6.18.44", .cpus = 2, .nodes = 2,
		.distances = "10 21;21 10", .slots = 16, .benchmark = "wake",
		.params = "threads=2;nwake=1", .metric = "lat_p99_ns",
		.value = 57612.5, .unit = "ns",
	};
	struct fx_benchres_set set;
	char path[160], err[256];
	double v;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/w.csv", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fx_benchres_write_header(f), 0);
	assert_int_equal(fx_benchres_write_row(f, &r), 0);
	/* refused: a comma, a bad unit, a non-finite value, bad params */
	r.params = "threads=2,nwake=1";
	assert_int_equal(fx_benchres_write_row(f, &r), -EINVAL);
	r.params = "threads=2;nwake=1";
	r.unit = "us";
	assert_int_equal(fx_benchres_write_row(f, &r), -EINVAL);
	r.unit = "ns";
	r.value = 1.0 / 0.0;
	assert_int_equal(fx_benchres_write_row(f, &r), -EINVAL);
	r.value = 1;
	r.distances = "10";	/* 1x1 for 2 nodes */
	assert_int_equal(fx_benchres_write_row(f, &r), -EINVAL);
	fclose(f);
	assert_int_equal(fx_benchres_load(path, &set, err, sizeof(err)), 0);
	assert_int_equal(set.nrows, 1);
	assert_int_equal(fx_benchres_get(&set, "wake", "nwake=1;threads=2",
					 "lat_p99_ns", &v), 0);
	assert_true(v == 57612.5);	/* %.6g keeps 6 digits */
	assert_int_equal(set.rows[0].slots, 16);
	fx_benchres_free(&set);
}

static void test_params(void **state)
{
	char buf[8];
	long v;

	(void)state;
	assert_int_equal(fx_benchres_param("threads=2;mode=pi", "mode", buf,
					   sizeof(buf)), 0);
	assert_string_equal(buf, "pi");
	assert_int_equal(fx_benchres_param("threads=2;mode=broadcast", "mode",
					   buf, 4), -ENAMETOOLONG);
	assert_int_equal(fx_benchres_param("threads=2", "mode", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(fx_benchres_param("", "mode", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(fx_benchres_param_long("chain=64", "chain", &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(fx_benchres_param_long("mode=pi", "mode", &v), -EINVAL);
	/* no prefix confusion: "thread" is not "threads" */
	assert_int_equal(fx_benchres_param_long("threads=2", "thread", &v), -ENOENT);
	assert_true(fx_benchres_params_match("a=1;b=2;c=3", "c=3;a=1"));
	assert_false(fx_benchres_params_match("a=1;b=2", "a=12"));
	assert_true(fx_benchres_params_match("a=1", NULL));
	assert_true(fx_benchres_params_match("a=1", ""));
	assert_true(fx_benchres_unit_ok("ops/s"));
	assert_false(fx_benchres_unit_ok("s"));
	assert_false(fx_benchres_field_ok("a,b"));
	assert_true(fx_benchres_field_ok("10 21;21 10"));
}

static void test_distances(void **state)
{
	unsigned d[9], n;

	(void)state;
	assert_int_equal(fx_benchres_distances("10", d, 9, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(fx_benchres_distances("10 12 21;12 10 21;21 21 10", d, 9,
						&n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d[5], 21);
	assert_int_equal(fx_benchres_distances("10 21;21 10", d, 3, &n), -ERANGE);
	assert_int_equal(fx_benchres_distances("10 21", d, 9, &n), -EINVAL);
	assert_int_equal(fx_benchres_distances("10  21;21 10", d, 9, &n), -EINVAL);
	assert_int_equal(fx_benchres_distances("10 0;0 10", d, 9, &n), -EINVAL);
	assert_int_equal(fx_benchres_distances("", d, 9, &n), -EINVAL);
}

/* ---- perf bench futex, perf 6.1.192 on the 2-CPU VM, verbatim ---- */

static const char perf_hash[] =
	"# Running 'futex/hash' benchmark:\n"
	"Run summary [PID 15514]: 2 threads, each operating on 16 [private] futexes for 1 secs.\n"
	"\n"
	"[thread  0] futexes: 0x564093e0a200 ... 0x564093e0a23c [ 2487440 ops/sec ]\n"
	"[thread  1] futexes: 0x564093e0a4e0 ... 0x564093e0a51c [ 2818800 ops/sec ]\n"
	"\n"
	"Averaged 2653120 operations/sec (+- 6.24%), total secs = 1\n";

static const char perf_wake[] =
	"# Running 'futex/wake' benchmark:\n"
	"Run summary [PID 15517]: blocking on 2 threads (at [private] futex 0x5625557c4b58), waking up 1 at a time.\n"
	"\n"
	"[Run 1]: Wokeup 2 of 2 threads in 0.2300 ms\n"
	"[Run 2]: Wokeup 2 of 2 threads in 0.0280 ms\n"
	"Wokeup 2 of 2 threads in 0.1290 ms (+-78.29%)\n";

static const char perf_wake_silent[] =
	"# Running 'futex/wake' benchmark:\n"
	"Run summary [PID 15544]: blocking on 2 threads (at [private] futex 0x55a19c641b58), waking up 1 at a time.\n"
	"\n"
	"Wokeup 2 of 2 threads in 0.1344 ms (+-11.06%)\n";

static const char perf_wake_parallel[] =
	"# Running 'futex/wake-parallel' benchmark:\n"
	"Run summary [PID 15522]: blocking on 2 threads (at [private] futex 0x55b539cabcf8), 2 threads waking up 1 at a time.\n"
	"\n"
	"[Run 1]: Avg per-thread latency (waking 1/2 threads) in 0.0030 ms (+-33.33%)\n"
	"[Run 2]: Avg per-thread latency (waking 1/2 threads) in 0.0025 ms (+-20.00%)\n"
	"Avg per-thread latency (waking 1/2 threads) in 0.0027 ms (+-17.41%)\n";

static const char perf_requeue[] =
	"# Running 'futex/requeue' benchmark:\n"
	"Run summary [PID 15531]: Requeuing 2 threads (from [private] 0x562a61a3be5c to 0x562a61a3be58), 1 at a time.\n"
	"\n"
	"[Run 1]: Requeued 2 of 2 threads in 0.0060 ms\n"
	"[Run 2]: Requeued 2 of 2 threads in 0.0040 ms\n"
	"Requeued 2 of 2 threads in 0.0050 ms (+-20.00%)\n";

static const char perf_requeue_pi[] =
	"# Running 'futex/requeue' benchmark:\n"
	"Run summary [PID 15536]: Requeuing 2 threads (from [private] 0x557adfba6e5c to PI 0x557adfba6e58), 1 at a time.\n"
	"\n"
	"[Run 1]: Awoke and Requeued (1+1) of 2 threads in 0.0230 ms\n"
	"[Run 2]: Awoke and Requeued (1+1) of 2 threads in 0.0120 ms\n"
	"Requeued 2 of 2 threads in 0.0175 ms (+-31.43%)\n";

static const char perf_lock_pi[] =
	"# Running 'futex/lock-pi' benchmark:\n"
	"Run summary [PID 15541]: 2 threads doing pi lock/unlock pairing for 1 secs.\n"
	"\n"
	"[thread   0] futex: 0x562b0d8f2f58 [ 4267 ops/sec ]\n"
	"[thread   1] futex: 0x562b0d8f2f58 [ 4267 ops/sec ]\n"
	"\n"
	"Averaged 4267 operations/sec (+- 0.00%), total secs = 1\n";

static void test_perf_parse(void **state)
{
	double v;

	(void)state;
	assert_int_equal(fx_benchres_perf_parse("hash", perf_hash, &v), 0);
	assert_true(v == 2653120);
	assert_int_equal(fx_benchres_perf_parse("wake", perf_wake, &v), 0);
	assert_true(v == 0.1290);	/* the summary, not a [Run n] line */
	assert_int_equal(fx_benchres_perf_parse("wake", perf_wake_silent, &v), 0);
	assert_true(v == 0.1344);
	assert_int_equal(fx_benchres_perf_parse("wake_parallel",
						perf_wake_parallel, &v), 0);
	assert_true(v == 0.0027);
	assert_int_equal(fx_benchres_perf_parse("requeue", perf_requeue, &v), 0);
	assert_true(v == 0.0050);
	assert_int_equal(fx_benchres_perf_parse("requeue", perf_requeue_pi, &v), 0);
	assert_true(v == 0.0175);
	assert_int_equal(fx_benchres_perf_parse("lock_pi", perf_lock_pi, &v), 0);
	assert_true(v == 4267);
}

static void test_perf_parse_bad(void **state)
{
	double v;

	(void)state;
	/* no summary: perf failed, or the wrong scenario's output */
	assert_int_equal(fx_benchres_perf_parse("hash", "", &v), -ENOENT);
	assert_int_equal(fx_benchres_perf_parse("wake", perf_requeue, &v), -ENOENT);
	assert_int_equal(fx_benchres_perf_parse("requeue", perf_wake, &v), -ENOENT);
	assert_int_equal(fx_benchres_perf_parse("hash",
		"perf: 'bench' is not a perf-command. See 'perf --help'.\n", &v),
		-ENOENT);
	assert_int_equal(fx_benchres_perf_parse("wake_parallel",
		"[Run 1]: Avg per-thread latency (waking 1/2 threads) in 0.0030 ms (+-33.33%)\n",
		&v), -ENOENT);
	/* a summary line whose number does not parse */
	assert_int_equal(fx_benchres_perf_parse("hash",
		"Averaged lots operations/sec (+- 1%), total secs = 1\n", &v), -EINVAL);
	assert_int_equal(fx_benchres_perf_parse("wake",
		"Wokeup 2 of 2 threads in 0.1 s\n", &v), -EINVAL);
	assert_int_equal(fx_benchres_perf_parse("futex", perf_hash, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_multinode_and_empty,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_round_trip, setup,
						teardown),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_distances),
		cmocka_unit_test(test_perf_parse),
		cmocka_unit_test(test_perf_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
