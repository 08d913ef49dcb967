// SPDX-License-Identifier: MIT
/*
 * test_wl_perf.c - the perf bench futex workloads (workloads/perf_*.c,
 * workloads/perfopt.c), end to end on the DES engine.
 *
 * Every run uses the 4-CPU synthetic machine "package:2 core:2 pu:1", the
 * built-in cost profile and a few simulated milliseconds at most.  The
 * workloads publish what they saw with fx_des_value() (perf's figures and
 * their own checks: EAGAIN returns, PI lock holders, thread-rounds
 * completed); the tests assert on those, on the engine's counters and on
 * perf's output lines.  The round-based benchmarks end when their threads
 * exit, so a lost wakeup shows as -EDEADLK.
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

#include "cost.h"
#include "topo.h"
#include "des/des.h"
#include "layouts/layout.h"
#include "workload.h"

#define PT_TOPO		"package:2 core:2 pu:1"
#define PT_MAXARGS	24

/* One simulated perf run and what it printed. */
struct pt {
	const struct fx_workload *wl;
	struct fx_topo *topo;
	struct fx_cost cost;
	struct fx_des *des;
	void *opts;
	int setup_rc, run_rc;
	char err[512];
	char out[16384];
};

/* pt_argv - split @args (modified) behind argv[0] = the workload name */
static int pt_argv(const struct fx_workload *wl, char *args, char **argv)
{
	int argc = 0;
	char *save = NULL;

	argv[argc++] = (char *)wl->name;
	for (char *a = strtok_r(args, " ", &save); a && argc < PT_MAXARGS;
	     a = strtok_r(NULL, " ", &save))
		argv[argc++] = a;
	return argc;
}

/* pt_parse - parse @args; returns parse()'s value, message in @err */
static int pt_parse(const struct fx_workload *wl, const char *args,
		    void **opts, char *err, size_t errlen)
{
	char buf[512], *argv[PT_MAXARGS];

	snprintf(buf, sizeof(buf), "%s", args);
	err[0] = '\0';
	*opts = NULL;
	return wl->parse(pt_argv(wl, buf, argv), argv, opts, err, errlen);
}

/*
 * pt_setup - a fresh simulation of @wl with @args (which must parse) and
 * --threads @nthreads, on @layout (NULL: the default) with @seed; leaves
 * setup()'s value in p->setup_rc
 */
static void pt_setup(struct pt *p, const struct fx_workload *wl,
		     const char *args, unsigned nthreads, const char *layout,
		     uint64_t seed, bool check)
{
	struct fx_des_config cfg = { 0 };

	memset(p, 0, sizeof(*p));
	p->wl = wl;
	if (pt_parse(wl, args, &p->opts, p->err, sizeof(p->err)))
		fail_msg("%s %s: %s", wl->name, args, p->err);
	if (fx_topo_load(PT_TOPO, &p->topo, p->err, sizeof(p->err)))
		fail_msg("%s: %s", PT_TOPO, p->err);
	fx_cost_defaults(&p->cost);
	cfg.topo = p->topo;
	cfg.cost = &p->cost;
	cfg.seed = seed;
	cfg.end_ns = wl->end_ns(p->opts);
	cfg.max_events = 5000000;
	cfg.check = check;
	if (layout) {
		cfg.core.layout = fx_layout_find(layout);
		assert_non_null(cfg.core.layout);
	}
	p->des = fx_des_new(&cfg);
	assert_non_null(p->des);
	p->setup_rc = wl->setup(p->des, p->opts, nthreads, p->err,
				sizeof(p->err));
}

/* pt_run - run what pt_setup() built and capture report()'s output */
static void pt_run(struct pt *p)
{
	FILE *f;
	size_t n;

	if (p->setup_rc)
		fail_msg("%s: setup: %d %s", p->wl->name, p->setup_rc, p->err);
	p->run_rc = fx_des_run(p->des);
	if (p->run_rc) {
		fprintf(stderr, "%s: run: %d %s\n", p->wl->name, p->run_rc,
			fx_des_errmsg(p->des));
		fx_des_deadlock_report(p->des, stderr);
	}
	f = tmpfile();
	assert_non_null(f);
	p->wl->report(p->des, p->opts, f);
	rewind(f);
	n = fread(p->out, 1, sizeof(p->out) - 1, f);
	p->out[n] = '\0';
	fclose(f);
}

/* pt_go - pt_setup() with the defaults and @check, pt_run(); the run
 * must succeed */
static void pt_go(struct pt *p, const struct fx_workload *wl,
		  const char *args, bool check)
{
	pt_setup(p, wl, args, 0, NULL, 1, check);
	pt_run(p);
	assert_int_equal(p->run_rc, 0);
}

static void pt_free(struct pt *p)
{
	if (p->opts)
		p->wl->free(p->opts);
	fx_des_free(p->des);
	fx_topo_free(p->topo);
	memset(p, 0, sizeof(*p));
}

/* pt_val - the workload's result value @name; it must be there */
static double pt_val(const struct pt *p, const char *name)
{
	const struct fx_des_results *r = fx_des_results(p->des);

	for (unsigned i = 0; i < r->nvalues; i++)
		if (!strcmp(r->value_name[i], name))
			return r->value[i];
	fail_msg("%s: no value %s", p->wl->name, name);
	return -1;
}

/* pt_val_is - the workload's result value @name is @want */
static void pt_val_is(const struct pt *p, const char *name, double want)
{
	double v = pt_val(p, name);

	if (v != want)
		fail_msg("%s: %s is %g, expected %g", p->wl->name, name, v,
			 want);
}

/* pt_rounds - a round-based run did @rounds rounds with all @t threads */
static void pt_rounds(const struct pt *p, unsigned rounds, unsigned t)
{
	pt_val_is(p, "perf_rounds", rounds);
	pt_val_is(p, "perf_waiter_rounds", rounds * t);
}

static const struct fx_des_results *pt_res(const struct pt *p)
{
	return fx_des_results(p->des);
}

/* pt_has - @text occurs in the report */
static void pt_has(const struct pt *p, const char *text)
{
	if (!strstr(p->out, text))
		fail_msg("%s: \"%s\" not in the report:\n%s", p->wl->name,
			 text, p->out);
}

/* pt_count - occurrences of @text in the report */
static unsigned pt_count(const struct pt *p, const char *text)
{
	unsigned n = 0;

	for (const char *s = strstr(p->out, text); s; s = strstr(s + 1, text))
		n++;
	return n;
}

/* pt_refused - @args must be refused by parse() with a message that
 * starts with the workload's name and contains @want */
static void pt_refused(const struct fx_workload *wl, const char *args,
		       const char *want)
{
	char err[512];
	void *opts;
	int rc = pt_parse(wl, args, &opts, err, sizeof(err));

	if (rc != -EINVAL || opts)
		fail_msg("%s %s: parse returned %d, expected -EINVAL",
			 wl->name, args, rc);
	if (strncmp(err, wl->name, strlen(wl->name)) || !strstr(err, want))
		fail_msg("%s %s: message \"%s\" lacks \"%s\"", wl->name, args,
			 err, want);
}

/* ---- perf-hash ---- */

static void test_hash_eagain(void **state)
{
	struct pt p;
	const struct fx_des_results *r;
	double ops;

	(void)state;
	pt_go(&p, &fx_wl_perf_hash, "-t 4 -f 64 -r 0.0005", false);
	r = pt_res(&p);
	assert_int_equal(r->sim_ns, 500000);
	ops = (double)r->ops;
	assert_true(ops > 1000);
	/* every FUTEX_WAIT failed with EAGAIN and none slept */
	pt_val_is(&p, "perf_eagain", ops);
	pt_val_is(&p, "perf_unexpected", 0);
	pt_val_is(&p, "perf_slept", 0);
	assert_int_equal(r->wakeups, 0);
	/* the ops are the workload's futex calls (plus none of its own) */
	assert_true(r->futex_ops >= r->ops && r->futex_ops <= r->ops + 4);
	/* 4 pinned threads on 4 CPUs: balanced within a few percent */
	assert_true(pt_val(&p, "perf_ops_per_sec") > 0);
	assert_true(pt_val(&p, "perf_ops_per_sec_rsd") < 5.0);
	pt_has(&p, "Run summary [PID ");
	pt_has(&p, "]: 4 threads, each operating on 64 [private] futexes for 0.0005 secs.\n\n");
	assert_int_equal(pt_count(&p, "] futexes: 0x"), 4);
	pt_has(&p, "[thread  0] futexes: 0x");
	pt_has(&p, "[thread  3] futexes: 0x");
	pt_has(&p, " ops/sec ]\n\nAveraged ");
	pt_has(&p, "operations/sec (+- ");
	pt_has(&p, "%), total secs = 0.0005\n");
	/* private layout, 5 threads on 4 CPUs: 4 * min(4, 4) = 16 slots */
	pt_has(&p, "Futex hashing: auto resized to 16 buckets\n");
	pt_free(&p);
}

static void test_hash_variants(void **state)
{
	struct pt p;

	(void)state;
	/* one futex per thread: perf's other line; silent: no thread lines */
	pt_go(&p, &fx_wl_perf_hash, "-t 2 -f 1 -r 0.0002", true);
	pt_has(&p, "[thread  1] futex: 0x");
	pt_val_is(&p, "perf_eagain", (double)pt_res(&p)->ops);
	pt_free(&p);

	pt_go(&p, &fx_wl_perf_hash, "-sS -t2 -f 8 --runtime=0.0002", true);
	pt_has(&p, "2 threads, each operating on 8 [shared] futexes");
	assert_int_equal(pt_count(&p, "[thread"), 0);
	/* silent: no blank line before the summary */
	pt_has(&p, "\n\nAveraged ");
	assert_null(strstr(p.out, "\n\n\nAveraged"));
	pt_val_is(&p, "perf_eagain", (double)pt_res(&p)->ops);
	pt_val_is(&p, "perf_unexpected", 0);
	pt_free(&p);

	/* --threads of futexsim run overrides -t */
	pt_setup(&p, &fx_wl_perf_hash, "-t 4 -f 4 -r 0.0001", 3, NULL, 1,
		 false);
	pt_run(&p);
	pt_has(&p, ": 3 threads, each operating on 4 [private]");
	assert_int_equal(pt_count(&p, "] futexes: 0x"), 3);
	pt_free(&p);
}

static void test_hash_buckets(void **state)
{
	struct pt p;

	(void)state;
	pt_go(&p, &fx_wl_perf_hash, "-t 2 -f 16 -r 0.0002 -b 128", false);
	pt_has(&p, "Futex hashing: 128 hash buckets\n");
	pt_free(&p);

	pt_go(&p, &fx_wl_perf_hash, "-t 2 -f 16 -r 0.0002 -b 0", false);
	pt_has(&p, "Futex hashing: global hash\n");
	pt_free(&p);

	/* the kernel's prctl refuses 3 slots: setup fails, perf exits */
	pt_setup(&p, &fx_wl_perf_hash, "-t 2 -b 3", 0, NULL, 1, false);
	assert_int_equal(p.setup_rc, -EINVAL);
	assert_non_null(strstr(p.err, "perf-hash: -b 3: prctl(PR_FUTEX_HASH"));
	pt_free(&p);

	/* a layout without a private hash has no PR_FUTEX_HASH_SET_SLOTS */
	pt_setup(&p, &fx_wl_perf_hash, "-t 2 -b 64", 0, "global", 1, false);
	assert_int_equal(p.setup_rc, -EINVAL);
	pt_free(&p);
	pt_setup(&p, &fx_wl_perf_hash, "-t 2 -f 4 -r 0.0001", 0, "global", 1,
		 false);
	pt_run(&p);
	pt_has(&p, "Futex hashing: global hash\n");
	pt_free(&p);
}

/* ---- perf-wake ---- */

static void test_wake(void **state)
{
	struct pt p;

	(void)state;
	pt_go(&p, &fx_wl_perf_wake, "-t 4", true);
	/* -w 1: 4 calls per round, 10 rounds (perf's bench_repeat) */
	assert_int_equal(pt_res(&p)->ops, 40);
	pt_rounds(&p, 10, 4);
	pt_val_is(&p, "perf_woken", 4);
	assert_true(pt_val(&p, "perf_wake_ms") > 0);
	assert_true(pt_res(&p)->wakeups >= 40);
	pt_has(&p, "]: blocking on 4 threads (at [private] futex 0x");
	pt_has(&p, "), waking up 1 at a time.\n\n");
	assert_int_equal(pt_count(&p, ": Wokeup 4 of 4 threads in "), 10);
	pt_has(&p, "[Run 1]: Wokeup 4 of 4 threads in ");
	pt_has(&p, "[Run 10]: Wokeup 4 of 4 threads in ");
	pt_has(&p, "\nWokeup 4 of 4 threads in ");
	pt_has(&p, " ms (+-");
	pt_free(&p);

	/* -w 3 of 5: ceil(5 / 3) = 2 calls per round; 3 rounds */
	pt_go(&p, &fx_wl_perf_wake, "-t 5 -w 3 --repeat 3 -S", true);
	assert_int_equal(pt_res(&p)->ops, 6);
	pt_rounds(&p, 3, 5);
	pt_has(&p, "(at [shared] futex 0x");
	assert_int_equal(pt_count(&p, "[Run "), 3);
	pt_free(&p);

	/* -w above -t: perf wakes them all in one call */
	pt_go(&p, &fx_wl_perf_wake, "-t 3 -w 8 -s --repeat 2", true);
	assert_int_equal(pt_res(&p)->ops, 2);
	assert_int_equal(pt_count(&p, "[Run "), 0);
	pt_has(&p, "Wokeup 3 of 3 threads in ");
	pt_free(&p);
}

/* ---- perf-wake-parallel ---- */

static void test_wake_parallel(void **state)
{
	struct pt p;

	(void)state;
	pt_go(&p, &fx_wl_perf_wake_parallel, "-t 4 -w 2", true);
	/* one FUTEX_WAKE per waker per round */
	assert_int_equal(pt_res(&p)->ops, 20);
	pt_rounds(&p, 10, 4);
	pt_val_is(&p, "perf_woken", 2);
	pt_has(&p, "), 2 threads waking up 2 at a time.\n\n");
	assert_int_equal(pt_count(&p, "]: Avg per-thread latency (waking 2/4 threads) in "), 10);
	pt_has(&p, "\nAvg per-thread latency (waking 2/4 threads) in ");
	assert_null(strstr(p.out, "couldn't wakeup"));
	pt_free(&p);

	/* default and -w above -t: one waker per thread (perf clamps) */
	pt_go(&p, &fx_wl_perf_wake_parallel, "-t 3 -w 9 --repeat 2", true);
	assert_int_equal(pt_res(&p)->ops, 6);
	pt_has(&p, "), 3 threads waking up 1 at a time.");
	pt_free(&p);

	/* "Must be perfectly divisible" */
	pt_setup(&p, &fx_wl_perf_wake_parallel, "-t 6 -w 4", 0, NULL, 1,
		 false);
	assert_int_equal(p.setup_rc, -EINVAL);
	assert_non_null(strstr(p.err, "perf-wake-parallel: 6 threads"));
	assert_non_null(strstr(p.err, "Must be perfectly divisible"));
	pt_free(&p);
}

/* ---- perf-requeue ---- */

/* rq_every_round - each of @t threads was requeued (or woken) in each of
 * perf's 10 rounds and left it without an error */
static void rq_every_round(const struct pt *p, unsigned t)
{
	pt_rounds(p, 10, t);
	pt_val_is(p, "perf_requeued", t);
	pt_val_is(p, "perf_waiter_errors", 0);
}

static void test_requeue(void **state)
{
	struct pt p;

	(void)state;
	pt_go(&p, &fx_wl_perf_requeue, "-t 4", true);
	/* -q 1: one CMP_REQUEUE per thread, 10 rounds */
	assert_int_equal(pt_res(&p)->ops, 40);
	rq_every_round(&p, 4);
	pt_has(&p, "]: Requeuing 4 threads (from [private] 0x");
	pt_has(&p, " to 0x");
	pt_has(&p, "), 1 at a time.\n\n");
	assert_int_equal(pt_count(&p, ": Requeued 4 of 4 threads in "), 10);
	pt_has(&p, "\nRequeued 4 of 4 threads in ");
	assert_null(strstr(p.out, "couldn't"));
	pt_free(&p);

	/* -B: all at once, one call per round; -q above -t is -t */
	pt_go(&p, &fx_wl_perf_requeue, "-t 4 -B --repeat 3", true);
	assert_int_equal(pt_res(&p)->ops, 3);
	pt_has(&p, "), 4 at a time.");
	pt_free(&p);
	pt_go(&p, &fx_wl_perf_requeue, "-t 3 -q 7 -S --repeat 2", true);
	assert_int_equal(pt_res(&p)->ops, 2);
	pt_rounds(&p, 2, 3);
	pt_has(&p, "Requeuing 3 threads (from [shared] 0x");
	pt_free(&p);
}

static void test_requeue_pi(void **state)
{
	struct pt p;

	(void)state;
	pt_go(&p, &fx_wl_perf_requeue, "-t 4 -p", true);
	/* every thread was woken or requeued once a round, got futex2 and
	 * unlocked it without an error */
	rq_every_round(&p, 4);
	assert_true(pt_res(&p)->ops >= 10 && pt_res(&p)->ops <= 40);
	pt_has(&p, "to PI 0x");
	assert_int_equal(pt_count(&p, ": Awoke and Requeued ("), 10);
	pt_has(&p, "\nRequeued 4 of 4 threads in ");
	pt_free(&p);

	pt_go(&p, &fx_wl_perf_requeue, "-t 4 -p -B --repeat 3", true);
	/* one call: wakes the top waiter onto free futex2, requeues 3 */
	assert_int_equal(pt_res(&p)->ops, 3);
	assert_int_equal(pt_count(&p, ": Awoke and Requeued (1+3) of 4 threads"), 3);
	pt_val_is(&p, "perf_waiter_errors", 0);
	pt_free(&p);
}

/* ---- perf-lock-pi ---- */

/* lpi_exclusive - mutual exclusion held, the word named the holder, and
 * no FUTEX_LOCK_PI failed */
static void lpi_exclusive(const struct pt *p)
{
	pt_val_is(p, "perf_max_holders", 1);
	pt_val_is(p, "perf_owner_mismatch", 0);
	pt_val_is(p, "perf_lock_errors", 0);
}

static void test_lock_pi(void **state)
{
	struct pt p;

	(void)state;
	pt_go(&p, &fx_wl_perf_lock_pi, "-t 4 -r 0.005", true);
	assert_true(pt_res(&p)->ops > 10);
	lpi_exclusive(&p);
	/* contended: PI waiters slept and were handed the lock */
	assert_true(pt_res(&p)->wakeups > 0);
	pt_has(&p, "]: 4 threads doing pi lock/unlock pairing for 0.005 secs.\n\n");
	assert_int_equal(pt_count(&p, "] futex: 0x"), 4);
	pt_has(&p, "[thread   3] futex: 0x");
	pt_has(&p, "\nAveraged ");
	pt_free(&p);

	/* -M: a lock each, never contended (usleep(1) sleeps ~51 us) */
	pt_go(&p, &fx_wl_perf_lock_pi, "-t 4 -M -r 0.005", true);
	assert_true(pt_res(&p)->ops > 40);
	lpi_exclusive(&p);
	assert_int_equal(pt_res(&p)->wakeups, 0);
	assert_true(pt_val(&p, "perf_ops_per_sec_rsd") < 5.0);
	pt_free(&p);
}

/* ---- options ---- */

static void test_options(void **state)
{
	char err[512];
	void *opts;

	(void)state;
	pt_refused(&fx_wl_perf_wake, "-x",
		   "perf-wake: unknown option '-x' (expected -b N, -t N, -w N, -s, -S, -m, --repeat N)");
	pt_refused(&fx_wl_perf_wake, "--nope 3", "unknown option '--nope'");
	pt_refused(&fx_wl_perf_hash, "-f abc",
		   "perf-hash: -f 'abc': expected a positive integer");
	pt_refused(&fx_wl_perf_hash, "-t 0", "-t '0': expected a positive integer");
	pt_refused(&fx_wl_perf_hash, "--threads=-2", "-t '-2': expected a positive integer");
	pt_refused(&fx_wl_perf_hash, "-t 99999999999", "expected a positive integer up to");
	pt_refused(&fx_wl_perf_hash, "-r 0", "-r '0': expected a positive number of seconds");
	pt_refused(&fx_wl_perf_hash, "-r 1s", "-r '1s'");
	pt_refused(&fx_wl_perf_hash, "-t", "-t needs a value");
	pt_refused(&fx_wl_perf_hash, "-b x", "-b 'x': expected a non-negative integer");
	pt_refused(&fx_wl_perf_hash, "-I -b 128", "-I (--immutable) is not supported");
	pt_refused(&fx_wl_perf_hash, "--silent=1", "--silent takes no value");
	pt_refused(&fx_wl_perf_hash, "-s extra", "unexpected argument 'extra'");
	pt_refused(&fx_wl_perf_hash, "-w 2", "unknown option '-w'");
	pt_refused(&fx_wl_perf_lock_pi, "-f 2", "unknown option '-f'");
	pt_refused(&fx_wl_perf_requeue, "-q 0", "-q '0'");
	pt_refused(&fx_wl_perf_requeue, "-M", "(expected -b N, -t N, -q N, -s, -S, -m, -B, -p, --repeat N)");
	pt_refused(&fx_wl_perf_wake_parallel, "--repeat 0", "--repeat '0'");

	/* accepted: perf's forms, -m without effect, -b -1 = perf's default */
	assert_int_equal(pt_parse(&fx_wl_perf_hash, "-t8 -f 2 -sSm -r .5 -b -1",
				  &opts, err, sizeof(err)), 0);
	fx_wl_perf_hash.free(opts);
	assert_int_equal(pt_parse(&fx_wl_perf_requeue,
				  "--threads 3 --nrequeue=2 --pi --broadcast -- ",
				  &opts, err, sizeof(err)), 0);
	fx_wl_perf_requeue.free(opts);
	assert_int_equal(pt_parse(&fx_wl_perf_lock_pi, "", &opts, err,
				  sizeof(err)), 0);
	/* perf's default runtime is 10 s of wall time; ours 10 ms simulated */
	assert_int_equal(fx_wl_perf_lock_pi.end_ns(opts), 10000000);
	fx_wl_perf_lock_pi.free(opts);
	assert_int_equal(pt_parse(&fx_wl_perf_wake, "", &opts, err,
				  sizeof(err)), 0);
	assert_int_equal(fx_wl_perf_wake.end_ns(opts), 0);
	fx_wl_perf_wake.free(opts);
}

/* ---- determinism ---- */

static void same_twice(const struct fx_workload *wl, const char *args)
{
	struct pt a, b;
	const struct fx_des_results *x, *y;

	pt_setup(&a, wl, args, 0, NULL, 7, false);
	pt_run(&a);
	pt_setup(&b, wl, args, 0, NULL, 7, false);
	pt_run(&b);
	x = pt_res(&a);
	y = pt_res(&b);
	assert_int_equal(a.run_rc, 0);
	assert_int_equal(x->ops, y->ops);
	assert_int_equal(x->sim_ns, y->sim_ns);
	assert_int_equal(x->events, y->events);
	assert_int_equal(x->futex_ops, y->futex_ops);
	assert_int_equal(x->nvalues, y->nvalues);
	for (unsigned i = 0; i < x->nvalues; i++)
		assert_true(x->value[i] == y->value[i]);
	assert_string_equal(a.out, b.out);
	pt_free(&a);
	pt_free(&b);
}

static void test_deterministic(void **state)
{
	(void)state;
	same_twice(&fx_wl_perf_hash, "-t 4 -f 32 -r 0.0003");
	same_twice(&fx_wl_perf_requeue, "-t 4 -p --repeat 3");
	same_twice(&fx_wl_perf_wake_parallel, "-t 4 -w 4 --repeat 3");
	same_twice(&fx_wl_perf_lock_pi, "-t 4 -r 0.0003");
}

/* the same parsed options set up twice: the second setup starts afresh */
static void test_setup_twice(void **state)
{
	struct fx_des_config cfg = { 0 };
	struct fx_topo *topo;
	struct fx_cost cost;
	struct fx_des *des;
	char err[512];
	void *opts;

	(void)state;
	assert_int_equal(fx_topo_load(PT_TOPO, &topo, err, sizeof(err)), 0);
	fx_cost_defaults(&cost);
	cfg.topo = topo;
	cfg.cost = &cost;
	assert_int_equal(pt_parse(&fx_wl_perf_wake, "-t 2 --repeat 2", &opts,
				  err, sizeof(err)), 0);
	for (int i = 0; i < 2; i++) {
		des = fx_des_new(&cfg);
		assert_non_null(des);
		assert_int_equal(fx_wl_perf_wake.setup(des, opts, 0, err,
						       sizeof(err)), 0);
		assert_int_equal(fx_des_run(des), 0);
		assert_int_equal(fx_des_results(des)->ops, 4);
		fx_des_free(des);
	}
	fx_wl_perf_wake.free(opts);
	fx_topo_free(topo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_eagain),
		cmocka_unit_test(test_hash_variants),
		cmocka_unit_test(test_hash_buckets),
		cmocka_unit_test(test_wake),
		cmocka_unit_test(test_wake_parallel),
		cmocka_unit_test(test_requeue),
		cmocka_unit_test(test_requeue_pi),
		cmocka_unit_test(test_lock_pi),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_setup_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
