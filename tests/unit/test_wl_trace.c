// SPDX-License-Identifier: MIT
/*
 * test_wl_trace.c - the "trace" workload (workloads/trace_replay.c):
 * closed-loop replay of small hand-written traces (tests/trace/closed/)
 * on a hand-made 2-CPU topology with the built-in cost profile.
 *
 *   ping.fxt          two threads ping-ponging with FUTEX_WAIT/FUTEX_WAKE
 *                     and one wait that failed with -EAGAIN: every wait
 *                     matches, and the run is deterministic
 *   missing-wake.fxt  two waits whose waker is not in the trace (each
 *                     ends at its traced duration), a traced timeout
 *                     that the model's wake cuts short, a traced
 *                     blocked-forever wait, a matching timeout and a
 *                     matching -EAGAIN
 *   race.fxt          a wake that entered as its waiter queued: lost
 *                     when issued as reached (--no-hold), matched when
 *                     held until the waiter it released is queued
 *   shared.fxt        two processes: a shared futex at one address
 *                     meets, private futexes at one address do not
 *   join.fxt          pthread_join(): the wait on a thread's tid word is
 *                     released by that thread's exit (clear_child_tid)
 *   nodur.fxt         a woken wait with no duration: it returned before
 *                     its thread's next call, so the wake 200 us later is
 *                     still its waker
 *   lostexit.fxt      a wake and a wait that never returned although
 *                     their thread went on: the wake still releases its
 *                     waiter, the wait is not replayed
 *   bad.fxt           a malformed record
 *
 * Copies (--copies, both modes) multiply every count exactly.
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

#include "cost.h"
#include "topo.h"
#include "des/des.h"
#include "workload.h"

/* ---- a hand-made topology: 2 CPUs, one node ---- */
static int t_node[2];
static unsigned t_dist[1] = { 10 };
static struct fx_topo t_topo = { .ncpus = 2, .nnodes = 1, .npackages = 1,
				 .ncores = 2, .cpu_node = t_node,
				 .dist = t_dist };

static const char *dir(void)
{
	static const char *const cand[] = {
		"tests/trace/closed", "../tests/trace/closed",
		"../../tests/trace/closed", NULL
	};
	char path[256];

	for (unsigned i = 0; cand[i]; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/ping.fxt", cand[i]);
		f = fopen(path, "r");
		if (f) {
			fclose(f);
			return cand[i];
		}
	}
	fail_msg("tests/trace/closed not found (run from the source tree)");
	return NULL;
}

struct run {
	struct fx_cost cost;
	struct fx_des *des;
	const struct fx_workload *wl;
	void *opts;
	int rc;
	char report[8192];
};

static int parse(struct run *w, const char *file, const char *extra,
		 char *err, size_t errlen)
{
	char path[256], buf[256], *argv[16];
	int argc = 0;

	w->wl = fx_workload_find("trace");
	assert_non_null(w->wl);
	snprintf(path, sizeof(path), "%s/%s", dir(), file);
	argv[argc++] = (char *)"trace";
	argv[argc++] = (char *)"-f";
	argv[argc++] = path;
	snprintf(buf, sizeof(buf), "%s", extra ? extra : "");
	for (char *tok = strtok(buf, " "); tok && argc < 15;
	     tok = strtok(NULL, " "))
		argv[argc++] = tok;
	return w->wl->parse(argc, argv, &w->opts, err, errlen);
}

static void run(struct run *w, const char *file, const char *extra)
{
	struct fx_des_config cfg = { 0 };
	char err[512];
	FILE *out;
	size_t n;
	int rc;

	memset(w, 0, sizeof(*w));
	rc = parse(w, file, extra, err, sizeof(err));
	if (rc)
		fail_msg("parse %s: %s", file, err);
	fx_cost_defaults(&w->cost);
	cfg.topo = &t_topo;
	cfg.cost = &w->cost;
	cfg.seed = 1;
	cfg.end_ns = w->wl->end_ns(w->opts);
	cfg.max_events = 1000000;
	cfg.check = true;
	w->des = fx_des_new(&cfg);
	assert_non_null(w->des);
	rc = w->wl->setup(w->des, w->opts, 0, err, sizeof(err));
	if (rc)
		fail_msg("setup %s: %d %s", file, rc, err);
	w->rc = fx_des_run(w->des);
	out = tmpfile();
	assert_non_null(out);
	w->wl->report(w->des, w->opts, out);
	rewind(out);
	n = fread(w->report, 1, sizeof(w->report) - 1, out);
	w->report[n] = 0;
	fclose(out);
}

static void run_free(struct run *w)
{
	if (w->wl && w->opts)
		w->wl->free(w->opts);
	fx_des_free(w->des);
	memset(w, 0, sizeof(*w));
}

static double val(const struct run *w, const char *name)
{
	const struct fx_des_results *r = fx_des_results(w->des);

	for (unsigned i = 0; i < r->nvalues; i++)
		if (!strcmp(r->value_name[i], name))
			return r->value[i];
	fail_msg("no result value \"%s\"", name);
	return NAN;
}

static void test_ping_matched(void **state)
{
	struct run a, b;

	(void)state;
	run(&a, "ping.fxt", NULL);
	assert_int_equal(a.rc, 0);
	assert_true(val(&a, "waits") == 9);
	assert_true(val(&a, "div_total") == 0);
	assert_true(val(&a, "div_not_woken") == 0);
	assert_true(val(&a, "div_woken_differently") == 0);
	assert_true(val(&a, "div_eagain_mismatch") == 0);
	assert_non_null(strstr(a.report, "9 waits: 9 matched, 0 diverged"));
	assert_int_equal(fx_des_results(a.des)->wakeups, 8);

	/* the same run again: the same report, the same end time */
	run(&b, "ping.fxt", NULL);
	assert_string_equal(a.report, b.report);
	assert_true(fx_des_results(a.des)->sim_ns ==
		    fx_des_results(b.des)->sim_ns);
	run_free(&b);

	/* twice the speed: shorter, still matched */
	run(&b, "ping.fxt", "--speed 2 -s");
	assert_true(val(&b, "div_total") == 0);
	assert_true(fx_des_results(b.des)->sim_ns <
		    fx_des_results(a.des)->sim_ns);
	assert_string_equal(b.report, "");
	run_free(&b);
	run_free(&a);
}

static void test_missing_wake(void **state)
{
	struct run w;

	(void)state;
	run(&w, "missing-wake.fxt", NULL);
	assert_int_equal(w.rc, 0);	/* the blocked threads are daemons */
	assert_true(val(&w, "waits") == 6);
	/*
	 * 102's two waits: their waker is missing, so each ends at its
	 * traced duration, as a timeout, and the thread goes on; 103's
	 * traced timeout is cut short by 104's wake
	 */
	assert_true(val(&w, "div_not_woken") == 0);
	assert_true(val(&w, "div_not_reached") == 0);
	assert_true(val(&w, "div_woken_differently") == 3);
	assert_true(val(&w, "div_eagain_mismatch") == 0);
	assert_true(val(&w, "div_total") == 3);
	assert_non_null(strstr(w.report, "2 woken wait(s) with no recovered waker were given their traced duration as a timeout"));
	assert_non_null(strstr(w.report,
		"example: tid 102 at 0.000002000 uaddr 0x7f0000001040: traced woken, model ETIMEDOUT"));
	assert_non_null(strstr(w.report,
		"example: tid 103 at 0.000003000 uaddr 0x7f0000001080: traced ETIMEDOUT, model woken"));
	run_free(&w);
}

static void test_causality_hold(void **state)
{
	struct run w;

	(void)state;
	run(&w, "race.fxt", "--no-hold");
	assert_true(val(&w, "waits") == 1);
	assert_true(val(&w, "div_not_woken") == 1);
	assert_true(val(&w, "holds") == 0);
	assert_true(val(&w, "causal_links") == 1);
	run_free(&w);

	run(&w, "race.fxt", NULL);
	assert_true(val(&w, "div_total") == 0);
	assert_true(val(&w, "holds") == 1);
	assert_true(val(&w, "hold_timeouts") == 0);
	assert_true(val(&w, "hold_mean_ns") > 0);
	assert_non_null(strstr(w.report, "1 traced waits woken, 1 with a recovered waker"));
	run_free(&w);

	/* a hold that gives up after 1 ns, counted as such */
	run(&w, "race.fxt", "--hold-max 0.000001");
	assert_true(val(&w, "holds") == 1);
	assert_true(val(&w, "hold_timeouts") == 1);
	run_free(&w);
}

static void test_shared(void **state)
{
	struct run w;

	(void)state;
	run(&w, "shared.fxt", NULL);
	assert_int_equal(w.rc, 0);
	assert_true(val(&w, "waits") == 2);
	assert_true(val(&w, "div_total") == 0);
	assert_true(val(&w, "causal_links") == 1);
	assert_non_null(strstr(w.report, "1 2 MiB chunks mapped shared across the 2 processes"));
	run_free(&w);
}

static void test_join(void **state)
{
	struct run w;

	(void)state;
	run(&w, "join.fxt", NULL);
	assert_int_equal(w.rc, 0);
	assert_true(val(&w, "waits") == 1);
	assert_true(val(&w, "div_total") == 0);
	assert_true(val(&w, "causal_links") == 1);
	/* the only wakeup is the kernel's exit wake */
	assert_int_equal(fx_des_results(w.des)->wakeups, 1);
	assert_non_null(strstr(w.report, "(0 via a requeue, 1 a thread's exit)"));
	run_free(&w);
}

static void test_no_duration(void **state)
{
	struct run w;

	(void)state;
	run(&w, "nodur.fxt", NULL);
	assert_true(val(&w, "causal_links") == 1);
	assert_true(val(&w, "div_total") == 0);
	run_free(&w);
}

static void test_lost_exits(void **state)
{
	struct run w;

	(void)state;
	run(&w, "lostexit.fxt", NULL);
	assert_int_equal(w.rc, 0);
	assert_true(val(&w, "waits") == 1);	/* 102's lost wait: not replayed */
	assert_true(val(&w, "unreplayed") == 1);
	assert_true(val(&w, "causal_links") == 1);
	assert_true(val(&w, "div_total") == 0);
	assert_non_null(strstr(w.report, "2 call(s) never returned in the trace although their thread went on"));
	run_free(&w);
}

/* --gaps idle: the time between calls is spent off the CPU, so the CPUs
 * idle in it (more idle exits) and every wait still matches */
static void test_idle_gaps(void **state)
{
	struct run a, b;

	(void)state;
	run(&a, "ping.fxt", NULL);
	run(&b, "ping.fxt", "--gaps idle");
	assert_true(val(&a, "div_total") == 0);
	assert_true(val(&b, "div_total") == 0);
	assert_true(fx_des_results(b.des)->idle_exits >
		    fx_des_results(a.des)->idle_exits);
	run_free(&a);
	run_free(&b);
}

static void test_copies(void **state)
{
	static const char *const modes[] = { "process", "thread" };
	struct run w;
	char opt[64];

	(void)state;
	for (unsigned m = 0; m < 2; m++) {
		snprintf(opt, sizeof(opt), "--copies 3 --copy-mode %s",
			 modes[m]);
		run(&w, "ping.fxt", opt);
		assert_int_equal(w.rc, 0);
		assert_true(val(&w, "copies") == 3);
		assert_true(val(&w, "waits") == 27);
		assert_true(val(&w, "div_total") == 0);
		assert_int_equal(fx_des_results(w.des)->wakeups, 24);
		assert_int_equal(fx_des_nthreads(w.des), 6);
		assert_non_null(strstr(w.report, m ? "(3 thread copies)" :
						   "(3 process copies)"));
		assert_non_null(strstr(w.report, m ? "1 processes, 6 threads" :
						   "3 processes, 6 threads"));
		run_free(&w);
	}
}

static void test_bad_input(void **state)
{
	struct fx_des_config cfg = { 0 };
	struct fx_cost cost;
	struct fx_des *des;
	struct run w;
	char err[512];

	(void)state;
	memset(&w, 0, sizeof(w));
	/* no such file: named */
	assert_int_equal(parse(&w, "nope.fxt", NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "nope.fxt"));
	/* bad options */
	assert_int_equal(parse(&w, "ping.fxt", "--speed 0", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--speed"));
	assert_int_equal(parse(&w, "ping.fxt", "-x", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'-x'"));
	assert_int_equal(parse(&w, "ping.fxt", "--copies 0", err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--copies '0'"));
	assert_int_equal(parse(&w, "ping.fxt", "--copy-mode fork", err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "process or thread"));
	assert_int_equal(parse(&w, "ping.fxt", "--hold-max -1", err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--hold-max"));
	assert_int_equal(parse(&w, "ping.fxt", "--slack x", err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--slack"));
	assert_int_equal(parse(&w, "ping.fxt", "--gaps busy", err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cpu or idle"));
	{
		char a0[] = "trace", a1[] = "-s";
		char *argv[] = { a0, a1 };

		assert_int_equal(w.wl->parse(2, argv, &w.opts, err,
					     sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "-f FILE"));
	}
	/* a malformed record: setup fails, naming the file and line */
	assert_int_equal(parse(&w, "bad.fxt", NULL, err, sizeof(err)), 0);
	fx_cost_defaults(&cost);
	cfg.topo = &t_topo;
	cfg.cost = &cost;
	cfg.seed = 1;
	des = fx_des_new(&cfg);
	assert_non_null(des);
	assert_int_equal(w.wl->setup(des, w.opts, 0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "bad.fxt:10:"));
	fx_des_free(des);
	w.wl->free(w.opts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ping_matched),
		cmocka_unit_test(test_missing_wake),
		cmocka_unit_test(test_causality_hold),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_no_duration),
		cmocka_unit_test(test_lost_exits),
		cmocka_unit_test(test_idle_gaps),
		cmocka_unit_test(test_copies),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
