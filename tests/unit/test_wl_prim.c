// SPDX-License-Identifier: MIT
/*
 * test_wl_prim.c - the user-space primitive workloads (workloads/mutex.c,
 * condvar.c, barrier.c, rwlock.c, semaphore.c, pi_mutex.c) and the
 * noisy-neighbour adversary, run end to end on the DES engine.
 *
 * Every run is a few simulated milliseconds on a 4-CPU, 2-package
 * synthetic machine with the built-in cost profile and the core's
 * invariant checker after every operation.  The workloads count their
 * own protocol checks (occupancy counters kept outside the model, word
 * values seen, per-generation arrivals, items received) and publish them
 * with fx_des_value(); the tests assert on those and on the run's end:
 * threads stop themselves after -r, so a lost wakeup ends the run with
 * -EDEADLK.
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
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "workload.h"

#define WLT_TOPO	"package:2 core:2 pu:1"

struct wlt {
	struct fx_topo *topo;
	struct fx_cost cost;
	struct fx_des *des;
	const struct fx_workload *wl;
	void *opts;
	int rc;
	char report[8192];		/* what report() printed */
};

struct wlt_cfg {
	const char *layout;		/* NULL: the core's default */
	const char *hasher;		/* NULL: jhash2 */
	uint64_t seed;			/* the run's seed (0: 1) */
	uint64_t hash_seed;		/* the hasher's seed */
	bool nocheck;			/* skip fx_core_check() after each op */
};

static int wlt_split(char *buf, const char *name, char **argv, int max)
{
	int argc = 0;

	argv[argc++] = (char *)name;
	for (char *tok = strtok(buf, " "); tok && argc < max;
	     tok = strtok(NULL, " "))
		argv[argc++] = tok;
	return argc;
}

/* wlt_run - parse @args, set up @wl on a fresh simulation, run, report */
static void wlt_run(struct wlt *w, const struct fx_workload *wl,
		    const struct wlt_cfg *c, const char *args)
{
	struct fx_des_config cfg = { 0 };
	char err[256], buf[512], *argv[32];
	int argc, rc;
	FILE *out;
	size_t n;

	memset(w, 0, sizeof(*w));
	w->wl = wl;
	snprintf(buf, sizeof(buf), "%s", args);
	argc = wlt_split(buf, wl->name, argv, 32);
	rc = wl->parse(argc, argv, &w->opts, err, sizeof(err));
	if (rc)
		fail_msg("%s %s: parse: %s", wl->name, args, err);
	rc = fx_topo_load(WLT_TOPO, &w->topo, err, sizeof(err));
	if (rc)
		fail_msg("topology: %s", err);
	fx_cost_defaults(&w->cost);
	cfg.topo = w->topo;
	cfg.cost = &w->cost;
	cfg.seed = c && c->seed ? c->seed : 1;
	cfg.end_ns = wl->end_ns(w->opts);
	cfg.max_events = 20000000;
	cfg.check = !(c && c->nocheck);
	cfg.core.seed = c ? c->hash_seed : 0;
	if (c && c->layout) {
		cfg.core.layout = fx_layout_find(c->layout);
		assert_non_null(cfg.core.layout);
	}
	if (c && c->hasher) {
		cfg.core.hasher = fx_hasher_find(c->hasher);
		assert_non_null(cfg.core.hasher);
	}
	w->des = fx_des_new(&cfg);
	assert_non_null(w->des);
	rc = wl->setup(w->des, w->opts, 0, err, sizeof(err));
	if (rc)
		fail_msg("%s %s: setup: %d %s", wl->name, args, rc, err);
	w->rc = fx_des_run(w->des);
	if (w->rc) {
		fprintf(stderr, "%s %s: run: %d %s\n", wl->name, args, w->rc,
			fx_des_errmsg(w->des));
		fx_des_deadlock_report(w->des, stderr);
	}
	out = tmpfile();
	assert_non_null(out);
	wl->report(w->des, w->opts, out);
	rewind(out);
	n = fread(w->report, 1, sizeof(w->report) - 1, out);
	w->report[n] = 0;
	fclose(out);
}

static void wlt_free(struct wlt *w)
{
	if (w->wl && w->opts)
		w->wl->free(w->opts);
	fx_des_free(w->des);
	fx_topo_free(w->topo);
	memset(w, 0, sizeof(*w));
}

/* wlt_val - the result column @name, which must exist */
static double wlt_val(const struct wlt *w, const char *name)
{
	const struct fx_des_results *r = fx_des_results(w->des);

	for (unsigned i = 0; i < r->nvalues; i++)
		if (!strcmp(r->value_name[i], name))
			return r->value[i];
	fail_msg("%s: no result value \"%s\"", w->wl->name, name);
	return NAN;
}

/* wlt_clean - the run ended normally and every check in @zero is 0 */
static void wlt_clean(const struct wlt *w, const char *const *zero)
{
	if (w->rc)
		fail_msg("%s: fx_des_run() returned %d: %s", w->wl->name, w->rc,
			 fx_des_errmsg(w->des));
	for (; *zero; zero++)
		if (wlt_val(w, *zero) != 0)
			fail_msg("%s: %s = %g, expected 0", w->wl->name, *zero,
				 wlt_val(w, *zero));
}

#define WLT_ZERO(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* wlt_bad - @args must be refused with "NAME: ... (expected ...)" */
static void wlt_bad(const struct fx_workload *wl, const char *args)
{
	char err[256] = "", buf[512], *argv[32];
	void *opts = NULL;
	int argc, rc;

	snprintf(buf, sizeof(buf), "%s", args);
	argc = wlt_split(buf, wl->name, argv, 32);
	rc = wl->parse(argc, argv, &opts, err, sizeof(err));
	if (rc != -EINVAL)
		fail_msg("%s %s: parse returned %d, expected -EINVAL", wl->name,
			 args, rc);
	if (strncmp(err, wl->name, strlen(wl->name)) ||
	    err[strlen(wl->name)] != ':' || !strstr(err, "(expected "))
		fail_msg("%s %s: message \"%s\" lacks \"NAME: ... (expected ...)\"",
			 wl->name, args, err);
}

/* wlt_same - two runs of the same configuration gave the same results */
static void wlt_same(const struct wlt *a, const struct wlt *b)
{
	const struct fx_des_results *x = fx_des_results(a->des);
	const struct fx_des_results *y = fx_des_results(b->des);

	assert_int_equal(x->sim_ns, y->sim_ns);
	assert_int_equal(x->events, y->events);
	assert_int_equal(x->ops, y->ops);
	assert_int_equal(x->futex_ops, y->futex_ops);
	assert_int_equal(x->nvalues, y->nvalues);
	for (unsigned i = 0; i < x->nvalues; i++)
		assert_true(x->value[i] == y->value[i]);
	assert_string_equal(a->report, b->report);
}

/* ---- mutex ---- */

static void check_mutex(const struct wlt *w)
{
	wlt_clean(w, WLT_ZERO("violations", "bad_words"));
	assert_true(wlt_val(w, "min_thread_ops") > 0);
	assert_true(wlt_val(w, "contended") > 0);
	assert_true(wlt_val(w, "futex_wait") > 0);
	assert_true(wlt_val(w, "futex_wake") > 0);
	assert_non_null(strstr(w->report, "mutex: "));
}

static void test_mutex_exclusion(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_mutex, NULL, "-t 6 -l 1 -c 200 -o 50 -r 2ms");
	check_mutex(&w);
	wlt_free(&w);
}

static void test_mutex_shared_dec(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_mutex, NULL, "-t 8 -l 2 -S -U dec -c 150 -o 0 -r 2ms");
	check_mutex(&w);
	wlt_free(&w);
}

static void test_mutex_deterministic(void **state)
{
	struct wlt a, b;
	struct wlt_cfg c = { .layout = "global", .seed = 7 };

	(void)state;
	wlt_run(&a, &fx_wl_mutex, &c, "-t 5 -l 2 -r 1ms");
	wlt_run(&b, &fx_wl_mutex, &c, "-t 5 -l 2 -r 1ms");
	check_mutex(&a);
	wlt_same(&a, &b);
	wlt_free(&a);
	wlt_free(&b);
}

static void test_mutex_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_mutex, "-t 0");
	wlt_bad(&fx_wl_mutex, "-t");
	wlt_bad(&fx_wl_mutex, "-t x");
	wlt_bad(&fx_wl_mutex, "-q");
	wlt_bad(&fx_wl_mutex, "-r 5parsecs");
	wlt_bad(&fx_wl_mutex, "-U inc");
	wlt_bad(&fx_wl_mutex, "--silent=yes");
	wlt_bad(&fx_wl_mutex, "stray");
}

/* ---- condvar ---- */

static void check_condvar(const struct wlt *w)
{
	wlt_clean(w, WLT_ZERO("items_lost", "order_errors", "violations",
			       "bad_words"));
	assert_true(wlt_val(w, "items") > 0);
	assert_true(wlt_val(w, "waits") > 0);
	assert_true(wlt_val(w, "waits") == wlt_val(w, "wait_returns"));
}

static void test_condvar_broadcast_requeues(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_condvar, NULL, "-t 6 -P 1 -B -r 2ms");
	check_condvar(&w);
	/* the thundering-herd avoidance: waiters moved onto the mutex */
	assert_true(wlt_val(&w, "requeue_calls") > 0);
	assert_true(wlt_val(&w, "requeue_ok") > 0);
	assert_true(wlt_val(&w, "requeue_moved") >= wlt_val(&w, "requeue_ok"));
	wlt_free(&w);
}

static void test_condvar_signal(void **state)
{
	struct wlt w;

	(void)state;
	/* two producers, a small queue: producers wait on not_full too */
	wlt_run(&w, &fx_wl_condvar, NULL, "-t 6 -P 2 -q 2 -w 100 -c 1500 -r 2ms");
	check_condvar(&w);
	assert_non_null(strstr(w.report, "signal"));
	wlt_free(&w);
}

static void test_condvar_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_condvar, "-t 4 -P 4");
	wlt_bad(&fx_wl_condvar, "-q 0");
	wlt_bad(&fx_wl_condvar, "-B 1");
}

/* ---- barrier ---- */

static void check_barrier(const struct wlt *w)
{
	wlt_clean(w, WLT_ZERO("early_passes", "incomplete_generations"));
	assert_true(wlt_val(w, "generations") >= 5);
	/* every thread passed every generation */
	assert_true(wlt_val(w, "min_thread_ops") == wlt_val(w, "generations"));
	assert_true(wlt_val(w, "futex_wait") > 0);
	assert_true(wlt_val(w, "bad_words") == 0);
}

static void test_barrier_generations(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_barrier, NULL, "-t 4 -w 1000 -r 2ms");
	check_barrier(&w);
	wlt_free(&w);
	/* more threads than CPUs, and no work between barriers */
	wlt_run(&w, &fx_wl_barrier, NULL, "-t 7 -w 0 -r 1ms");
	check_barrier(&w);
	wlt_free(&w);
}

static void test_barrier_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_barrier, "-w -5");
	wlt_bad(&fx_wl_barrier, "-t 0");
}

/* ---- rwlock ---- */

static void test_rwlock_exclusion(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_rwlock, NULL, "-t 6 -W 30 -c 300 -o 100 -r 2ms");
	wlt_clean(&w, WLT_ZERO("violations"));
	assert_true(wlt_val(&w, "read_ops") > 0);
	assert_true(wlt_val(&w, "write_ops") > 0);
	assert_true(wlt_val(&w, "max_readers") >= 2);
	assert_true(wlt_val(&w, "reader_waits") > 0);
	assert_true(wlt_val(&w, "writer_waits") > 0);
	assert_true(wlt_val(&w, "min_thread_ops") > 0);
	wlt_free(&w);
}

static void test_rwlock_one_kind(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_rwlock, NULL, "-t 4 -W 0 -p 0 -r 1ms");
	/* readers only, no spinning: nobody ever waits */
	wlt_clean(&w, WLT_ZERO("write_ops", "reader_waits", "violations"));
	assert_true(wlt_val(&w, "max_readers") >= 2);
	wlt_free(&w);
	wlt_run(&w, &fx_wl_rwlock, NULL, "-t 4 -W 100 -r 1ms");
	wlt_clean(&w, WLT_ZERO("read_ops", "violations", "max_readers"));
	assert_true(wlt_val(&w, "writer_waits") > 0);
	wlt_free(&w);
}

static void test_rwlock_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_rwlock, "-W 101");
	wlt_bad(&fx_wl_rwlock, "-W");
}

/* ---- semaphore ---- */

static void test_semaphore_count(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_semaphore, NULL, "-t 6 -n 2 -r 2ms");
	wlt_clean(&w, WLT_ZERO("violations", "bad_values"));
	assert_true(wlt_val(&w, "max_holders") == 2);
	assert_true(wlt_val(&w, "slow_waits") > 0);
	assert_true(wlt_val(&w, "futex_wait") > 0);
	assert_true(wlt_val(&w, "post_wakes") > 0);
	wlt_free(&w);
	/* a binary semaphore is a mutex */
	wlt_run(&w, &fx_wl_semaphore, NULL, "-t 4 -n 1 -c 500 -r 1ms");
	wlt_clean(&w, WLT_ZERO("violations", "bad_values"));
	assert_true(wlt_val(&w, "max_holders") == 1);
	wlt_free(&w);
}

static void test_semaphore_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_semaphore, "-n 0");
	wlt_bad(&fx_wl_semaphore, "--count=lots");
}

/* ---- pi-mutex ---- */

static void test_pi_mutex_inherits(void **state)
{
	struct wlt w;

	(void)state;
	/*
	 * 4 threads on 4 CPUs, two of them RT.  The RT threads stay away
	 * 5 us between locks, long enough for a SCHED_OTHER thread to take
	 * the lock; an RT thread coming back then blocks on it and boosts
	 * that owner.  (With short gaps the RT threads hand the lock to each
	 * other, and a woken RT thread preempts at once, so the normal
	 * threads rarely own it.)
	 */
	wlt_run(&w, &fx_wl_pi_mutex, NULL, "-t 4 -p 2 -o 5000 -r 2ms");
	wlt_clean(&w, WLT_ZERO("violations", "owner_errors", "pi_errors"));
	assert_true(wlt_val(&w, "lock_pi") > 0);
	assert_true(wlt_val(&w, "unlock_pi") > 0);
	/* a SCHED_OTHER owner ran boosted above its normal priority */
	assert_true(wlt_val(&w, "boosted_normal") > 0);
	wlt_free(&w);
}

static void test_pi_mutex_no_rt(void **state)
{
	struct wlt w;

	(void)state;
	wlt_run(&w, &fx_wl_pi_mutex, NULL, "-t 4 -p 0 -l 2 -r 1ms");
	/* no RT thread: nobody to inherit from */
	wlt_clean(&w, WLT_ZERO("violations", "owner_errors", "pi_errors",
			       "boosted"));
	wlt_free(&w);
}

static void test_pi_mutex_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_pi_mutex, "-t 2 -p 3");
	wlt_bad(&fx_wl_pi_mutex, "-c 1parsec");
}

/* ---- noisy-neighbour ---- */

#define NN_ARGS	"-s"		/* its defaults: 10 ms, 4096 candidates */

/* the attack found victim buckets by timing: far more than by chance */
static void check_attack_found(const struct wlt *a)
{
	assert_true(wlt_val(a, "attack_hits") >= 2);
	assert_true(wlt_val(a, "attack_hits") >=
		    20 * wlt_val(a, "attack_chance"));
}

static void test_nn_global_attack(void **state)
{
	struct wlt_cfg c = { .layout = "global", .seed = 3 };
	struct wlt a, base;

	(void)state;
	wlt_run(&a, &fx_wl_noisy_neighbour, &c, NN_ARGS);
	c.nocheck = true;
	wlt_run(&base, &fx_wl_noisy_neighbour, &c, NN_ARGS " --no-attack");
	wlt_clean(&a, WLT_ZERO("violations"));
	wlt_clean(&base, WLT_ZERO("violations", "attack_hits"));
	assert_true(wlt_val(&a, "attack_probed") == 4096);
	check_attack_found(&a);
	assert_true(wlt_val(&a, "attack_hits") <=
		    wlt_val(&a, "attack_colliding"));
	assert_true(wlt_val(&a, "probe_ns_hit") > wlt_val(&a, "probe_ns_miss"));
	/* and the flood slows the victim down */
	assert_true(wlt_val(&a, "victim_flood_ops") <
		    0.9 * wlt_val(&base, "victim_flood_ops"));
	assert_true(wlt_val(&a, "victim_ops") < wlt_val(&base, "victim_ops"));
	wlt_free(&a);
	wlt_free(&base);
}

static void test_nn_private_immune(void **state)
{
	struct wlt_cfg c = { .layout = "private", .seed = 3, .nocheck = true };
	struct wlt a, base;

	(void)state;
	wlt_run(&a, &fx_wl_noisy_neighbour, &c, NN_ARGS);
	wlt_run(&base, &fx_wl_noisy_neighbour, &c, NN_ARGS " --no-attack");
	/* the victim's private futexes are in its own private hash */
	wlt_clean(&a, WLT_ZERO("violations", "attack_colliding",
				"attack_hits", "attack_chance"));
	wlt_clean(&base, WLT_ZERO("violations"));
	/* unaffected: within 0.5% of the victim alone (identical today) */
	assert_true(fabs(wlt_val(&a, "victim_ops") -
			 wlt_val(&base, "victim_ops")) <=
		    0.005 * wlt_val(&base, "victim_ops"));
	assert_true(fabs(wlt_val(&a, "victim_flood_ops") -
			 wlt_val(&base, "victim_flood_ops")) <=
		    0.005 * wlt_val(&base, "victim_flood_ops"));
	wlt_free(&a);
	wlt_free(&base);
}

static void test_nn_shared_victim_exposed(void **state)
{
	struct wlt_cfg c = { .layout = "private", .seed = 3, .nocheck = true };
	struct wlt a;

	(void)state;
	/* process-shared futexes go to the global tables even in 6.16+ */
	wlt_run(&a, &fx_wl_noisy_neighbour, &c, NN_ARGS " -V shared");
	assert_int_equal(a.rc, 0);
	check_attack_found(&a);
	wlt_free(&a);
}

static void test_nn_keyed_hash(void **state)
{
	struct wlt_cfg c = { .layout = "global", .hasher = "siphash",
			     .hash_seed = 0x5eedf00dcafef00dull, .seed = 5,
			     .nocheck = true };
	struct wlt a;

	(void)state;
	/* a secret hash key does not stop a timing attacker */
	wlt_run(&a, &fx_wl_noisy_neighbour, &c, NN_ARGS " -M pingpong");
	wlt_clean(&a, WLT_ZERO("violations"));
	check_attack_found(&a);
	wlt_free(&a);
}

static void test_nn_deterministic(void **state)
{
	struct wlt_cfg c = { .layout = "global", .seed = 9, .nocheck = true };
	struct wlt a, b;

	(void)state;
	wlt_run(&a, &fx_wl_noisy_neighbour, &c, "-r 4ms -c 1024 -a 64");
	wlt_run(&b, &fx_wl_noisy_neighbour, &c, "-r 4ms -c 1024 -a 64");
	assert_int_equal(a.rc, 0);
	wlt_same(&a, &b);
	wlt_free(&a);
	wlt_free(&b);
}

static void test_nn_bad_options(void **state)
{
	(void)state;
	wlt_bad(&fx_wl_noisy_neighbour, "-M pingpong -t 3");
	wlt_bad(&fx_wl_noisy_neighbour, "-c 5 -n 10");
	wlt_bad(&fx_wl_noisy_neighbour, "-a 2 -p 3");
	wlt_bad(&fx_wl_noisy_neighbour, "-m average");
	wlt_bad(&fx_wl_noisy_neighbour, "--no-attack=1");
	wlt_bad(&fx_wl_noisy_neighbour, "-V public");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutex_exclusion),
		cmocka_unit_test(test_mutex_shared_dec),
		cmocka_unit_test(test_mutex_deterministic),
		cmocka_unit_test(test_mutex_bad_options),
		cmocka_unit_test(test_condvar_broadcast_requeues),
		cmocka_unit_test(test_condvar_signal),
		cmocka_unit_test(test_condvar_bad_options),
		cmocka_unit_test(test_barrier_generations),
		cmocka_unit_test(test_barrier_bad_options),
		cmocka_unit_test(test_rwlock_exclusion),
		cmocka_unit_test(test_rwlock_one_kind),
		cmocka_unit_test(test_rwlock_bad_options),
		cmocka_unit_test(test_semaphore_count),
		cmocka_unit_test(test_semaphore_bad_options),
		cmocka_unit_test(test_pi_mutex_inherits),
		cmocka_unit_test(test_pi_mutex_no_rt),
		cmocka_unit_test(test_pi_mutex_bad_options),
		cmocka_unit_test(test_nn_global_attack),
		cmocka_unit_test(test_nn_private_immune),
		cmocka_unit_test(test_nn_shared_victim_exposed),
		cmocka_unit_test(test_nn_keyed_hash),
		cmocka_unit_test(test_nn_deterministic),
		cmocka_unit_test(test_nn_bad_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
