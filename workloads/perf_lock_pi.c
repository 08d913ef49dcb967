// SPDX-License-Identifier: MIT
/*
 * perf_lock_pi.c - "perf bench futex lock-pi"
 * (tools/perf/bench/futex-lock-pi.c).
 *
 * Each of -t threads (thread i pinned to CPU i % ncpus) loops for -r
 * seconds: FUTEX_LOCK_PI on one global futex (with -M: on a futex of its
 * own), usleep(1), FUTEX_UNLOCK_PI, one operation.  perf calls both
 * system calls every time, with no user-space fast path (no cmpxchg
 * 0 -> TID before LOCK_PI, none TID -> 0 before UNLOCK_PI); the kernel
 * takes and drops an uncontended lock itself, and so does the model.  A
 * failed lock is retried (perf warns and jumps back), a failed unlock is
 * counted (perf warns).
 *
 * The workload checks mutual exclusion on the way: a thread is a holder
 * from LOCK_PI's return to UNLOCK_PI's entry, the number of holders of a
 * lock must never exceed one, and the futex word must then carry the
 * holder's TID (perf_max_holders, perf_owner_mismatch).
 *
 * Departures (docs/workloads-perf.md): -r is simulated seconds, default
 * 0.01; ops/s divide by the simulated runtime.  usleep(1) is a real sleep
 * (FX_ACT_SLEEP): the thread leaves its CPU and, as SCHED_OTHER, comes
 * back after 1 us plus the timer slack (timer.slack, 50 us by default).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "perfopt.h"
#include "workload.h"

#define NAME		"perf-lock-pi"
#define LPI_USLEEP_NS	1000	/* perf: usleep(1) */

enum lpi_phase {
	LPI_START,
	LPI_LOCKING,		/* in FUTEX_LOCK_PI */
	LPI_HOLDING,		/* in usleep(1) with the lock */
	LPI_UNLOCKING,		/* in FUTEX_UNLOCK_PI */
};

struct lpi_worker {
	struct lpi_run *run;
	struct fx_des_thread *th;
	uint64_t futex;
	unsigned lock;		/* index into run->holders */
	enum lpi_phase phase;
	uint64_t ops, lock_errors, unlock_errors;
};

struct lpi_run {
	struct fx_perf_env env;		/* first: fx_perf_setup() */
	struct lpi_worker *w;
	unsigned *holders;	/* per lock */
	unsigned max_holders;
	uint64_t owner_mismatch;
};

static const struct fx_perf_opt lpi_opts_tab[] = {
	FX_PERF_OPT_B,
	FX_PERF_OPT_T,
	{ 'r', "runtime", FX_PERF_OPT_SECS, FX_PERF_FIELD(runtime_ns), NULL },
	{ 'M', "multi", FX_PERF_OPT_BOOL, FX_PERF_FIELD(multi), NULL },
	FX_PERF_OPT_COMMON,
	FX_PERF_OPT_END
};

static void lpi_lock(struct lpi_worker *w, struct fx_des_act *act)
{
	fx_perf_futex(act, &w->run->env, w->futex, FX_OP_LOCK_PI, 0, 0, 0, 0);
	w->phase = LPI_LOCKING;
}

/* the lock is ours: count holders and check the word names us */
static void lpi_enter(struct lpi_worker *w, struct fx_des_thread *th)
{
	struct lpi_run *run = w->run;
	uint32_t word = 0;

	if (++run->holders[w->lock] > run->max_holders)
		run->max_holders = run->holders[w->lock];
	if (fx_uaccess_get32(fx_task_mm(th->task), w->futex, &word) ||
	    (int)(word & FX_TID_MASK) != th->tid)
		run->owner_mismatch++;
}

static void lpi_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct lpi_worker *w = th->priv;

	switch (w->phase) {
	case LPI_START:
		lpi_lock(w, act);
		return;
	case LPI_LOCKING:
		if (th->ret) {
			w->lock_errors++;	/* perf: warn, goto again */
			lpi_lock(w, act);
			return;
		}
		lpi_enter(w, th);
		fx_act_sleep(act, LPI_USLEEP_NS);
		w->phase = LPI_HOLDING;
		return;
	case LPI_HOLDING:
		w->run->holders[w->lock]--;
		fx_perf_futex(act, &w->run->env, w->futex, FX_OP_UNLOCK_PI, 0,
			      0, 0, 0);
		w->phase = LPI_UNLOCKING;
		return;
	case LPI_UNLOCKING:
		if (th->ret)
			w->unlock_errors++;
		w->ops++;		/* perf: account for the thread's work */
		fx_des_count_ops(th, 1);
		lpi_lock(w, act);
		return;
	}
}

static int lpi_init(struct fx_perf_opts *o, void *p, char *err,
		    size_t errlen)
{
	struct lpi_run *run = p;
	struct fx_perf_env *env = &run->env;
	uint64_t global, multi = 0;

	run->w = fx_perf_calloc(env, env->nthreads, sizeof(*run->w));
	run->holders = fx_perf_calloc(env, env->nthreads,
				      sizeof(*run->holders));
	if (!run->w || !run->holders)
		return -ENOMEM;
	/* perf's static global_futex, on a line of its own here */
	global = fx_perf_alloc(env, 64, 64, err, errlen);
	/* -M: calloc(1, sizeof(u32)) per thread: 32-byte glibc chunks */
	if (global && o->p.multi)
		multi = fx_perf_alloc(env, 32ull * env->nthreads, 16, err,
				      errlen);
	if (!global || (o->p.multi && !multi))
		return -EINVAL;
	for (unsigned i = 0; i < env->nthreads; i++) {
		struct lpi_worker *w = &run->w[i];

		w->run = run;
		w->lock = o->p.multi ? i : 0;
		w->futex = o->p.multi ? multi + 32ull * i : global;
		w->th = fx_perf_worker(env, lpi_step, w, i, err, errlen);
		if (!w->th)
			return -ENOMEM;
		/* blocked in LOCK_PI when the time is up */
		fx_des_thread_daemon(w->th);
	}
	return 0;
}

static void lpi_report(struct fx_des *des, const struct fx_perf_opts *o,
		       void *p, FILE *out)
{
	struct lpi_run *run = p;
	uint64_t runtime = fx_des_results(des)->sim_ns, errors = 0;
	struct fx_perf_stats st;
	char secs[32];

	fprintf(out, "Run summary [PID %d]: %u threads doing pi lock/unlock pairing for %s secs.\n\n",
		fx_des_proc_pid(run->env.proc), run->env.nthreads,
		fx_perf_secs(secs, sizeof(secs), o->p.runtime_ns));
	fx_perf_stats_init(&st);
	for (unsigned i = 0; i < run->env.nthreads; i++) {
		const struct lpi_worker *w = &run->w[i];
		unsigned long t = fx_perf_ops_per_sec(w->ops, runtime);

		fx_perf_stats_update(&st, (double)t);
		errors += w->lock_errors + w->unlock_errors;
		if (!o->p.silent)
			fprintf(out, "[thread %3u] futex: 0x%" PRIx64 " [ %lu ops/sec ]\n",
				i, w->futex, t);
	}
	fx_perf_print_averaged(des, out, o->p.silent, &st, runtime);
	fx_perf_print_nbuckets(out, &run->env);
	fx_des_value(des, "perf_lock_errors", (double)errors);
	fx_des_value(des, "perf_max_holders", run->max_holders);
	fx_des_value(des, "perf_owner_mismatch", (double)run->owner_mismatch);
}

static const struct fx_perf_bench lpi_bench = {
	.name = NAME,
	.opts = lpi_opts_tab,
	/* perf's params: .runtime = 10 (here: simulated) */
	.defaults = {
		.runtime_ns = FX_PERF_RUNTIME_NS,
		.nbuckets = -1,
	},
	.run_size = sizeof(struct lpi_run),
	.main_step = fx_perf_main_exit,
	.init = lpi_init,
	.report = lpi_report,
};

static int lpi_parse(int argc, char **argv, void **opts, char *err,
		     size_t errlen)
{
	return fx_perf_opts_parse(&lpi_bench, argc, argv, opts, err, errlen);
}

const struct fx_workload fx_wl_perf_lock_pi = {
	.name = NAME,
	.summary = "perf bench futex lock-pi: FUTEX_LOCK_PI, usleep(1), "
		   "FUTEX_UNLOCK_PI in a loop, for -r seconds",
	.usage =
	FX_PERF_USAGE_THREADS
	FX_PERF_USAGE_RUNTIME
	"  -M, --multi       a PI futex per thread instead of one global one\n"
	FX_PERF_USAGE_COMMON
	"  perf's usleep(1) sleeps 1 us plus the timer slack (timer.slack)\n",
	.parse = lpi_parse,
	.setup = fx_perf_setup,
	.end_ns = fx_perf_end_runtime,
	.report = fx_perf_report,
	.free = fx_perf_opts_free,
};
