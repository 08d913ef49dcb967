// SPDX-License-Identifier: MIT
/*
 * perf_wake_parallel.c - "perf bench futex wake-parallel"
 * (tools/perf/bench/futex-wake-parallel.c).
 *
 * -t threads (thread i pinned to CPU i % ncpus) block in FUTEX_WAIT on
 * one futex.  Then -w waker threads, unpinned ("let the scheduler
 * decide"), leave a barrier together and each does one FUTEX_WAKE of
 * t / w threads, timing its own call.  perf clamps -w to t (0 too) and
 * refuses a t that w does not divide ("Must be perfectly divisible").  Per
 * round it prints the wakers' mean latency with the relative stddev of
 * the mean, and at the end the same over every waker of every round.  One
 * operation is one waker's FUTEX_WAKE.
 *
 * Departures (docs/workloads-perf.md): threads are reused across rounds
 * (perfopt.h: rounds), wakers too: they wait at a gate of their own where
 * perf creates them and meets them at a pthread barrier; the usleep(200000)
 * settle is a wait until the model shows every thread queued; times keep
 * nanoseconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "perfopt.h"
#include "workload.h"

#define NAME	"perf-wake-parallel"

struct wp_waker {
	struct wp_run *run;
	unsigned idx, round;
	unsigned phase, sub;
	uint64_t t0;
};

struct wp_run {
	struct fx_perf_round rd;	/* first: its env; the blocked threads */
	unsigned nwakers;		/* -w */
	unsigned nwakes;		/* t / w, per waker */
	uint64_t kgate;			/* the wakers' barrier */
	uint64_t kdone;			/* wakers done, cumulative */
	struct fx_perf_waiter *w;
	struct wp_waker *k;
	unsigned mstate, msub;
	uint64_t *ns;			/* [round * nwakers + waker] */
	unsigned *woken;		/* likewise */
	uint64_t warnings;		/* "couldn't wakeup all tasks" */
};

static const struct fx_perf_params wp_defaults = {
	.repeat = FX_PERF_REPEAT,
	.nbuckets = -1,
};

static const struct fx_perf_opt wp_opts_tab[] = {
	FX_PERF_OPT_B,
	FX_PERF_OPT_T,
	{ 'w', "nwakers", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nwakes), NULL },
	FX_PERF_OPT_COMMON,
	FX_PERF_OPT_REPEAT,
	FX_PERF_OPT_END
};

static void wp_waker_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wp_waker *k = th->priv;
	struct wp_run *run = k->run;
	const struct fx_perf_env *env = &run->rd.env;
	unsigned slot;

	for (;;) {
		switch (k->phase) {
		case 0:		/* pthread_barrier_wait() */
			if (fx_perf_gate_wait(&k->sub, th, act, env,
					      run->kgate, k->round))
				return;
			k->t0 = fx_des_now(th->des);
			fx_perf_futex(act, env, run->rd.futex, FX_OP_WAKE,
				      run->nwakes, 0, 0, 0);
			k->phase = 1;
			return;
		case 1:		/* the wake returned */
			slot = k->round * run->nwakers + k->idx;
			run->ns[slot] = fx_des_now(th->des) - k->t0;
			run->woken[slot] = th->ret > 0 ? (unsigned)th->ret : 0;
			if (th->ret != (long)run->nwakes)
				run->warnings++;
			fx_des_count_ops(th, 1);
			k->phase = 2;
			/* fall through */
		case 2:		/* pthread_join() by the main thread */
			if (fx_perf_count_arrive(&k->sub, th, act, env,
						 run->kdone,
						 run->nwakers * (k->round + 1)))
				return;
			if (++k->round == run->rd.rounds) {
				fx_act_exit(act);
				return;
			}
			k->phase = 0;
			break;
		}
	}
}

static void wp_main(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wp_run *run = th->priv;
	struct fx_perf_round *rd = &run->rd;

	for (;;) {
		switch (run->mstate) {
		case 0:
			if (fx_perf_round_begin(rd, th, act))
				return;
			run->mstate = 1;
			/* fall through */
		case 1:		/* wakeup_threads(): release the wakers */
			if (fx_perf_gate_open(&run->msub, th, act, &rd->env,
					      run->kgate, rd->round))
				return;
			run->mstate = 2;
			/* fall through */
		case 2:		/* ... and join them */
			if (fx_perf_count_await(&run->msub, th, act, &rd->env,
						run->kdone,
						run->nwakers * (rd->round + 1)))
				return;
			run->mstate = 0;
			if (!fx_perf_round_end(rd, act))
				return;
			break;
		}
	}
}

static void wp_run_free(void *p)
{
	struct wp_run *run = p;

	free(run->w);
	free(run->k);
	free(run->ns);
	free(run->woken);
	free(run);
}

static int wp_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	return fx_perf_opts_parse(NAME, wp_opts_tab, &wp_defaults,
				  wp_run_free, argc, argv, opts, err, errlen);
}

static int wp_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct fx_perf_opts *o = opts;
	struct wp_run *run;
	struct fx_perf_round *rd;
	struct fx_perf_env *env;
	size_t nslots;
	int rc = fx_perf_setup_run(o, sizeof(*run), des, nthreads, NAME,
				   wp_main, err, errlen);

	if (rc)
		return rc;
	run = o->run;
	rd = &run->rd;
	env = &rd->env;
	/* perf's sanity checks */
	run->nwakers = o->p.nwakes;
	if (!run->nwakers || run->nwakers > env->nthreads)
		run->nwakers = env->nthreads;
	if (env->nthreads % run->nwakers) {
		snprintf(err, errlen, "%s: %u threads do not divide among %u "
			 "wakers (-w): each waker wakes t/w threads (perf: "
			 "\"Must be perfectly divisible\")", NAME,
			 env->nthreads, run->nwakers);
		return -EINVAL;
	}
	run->nwakes = env->nthreads / run->nwakers;
	/* perf's static futex, then its barrier */
	rd->futex = fx_perf_alloc(env, 64, 64, err, errlen);
	run->kgate = fx_perf_alloc(env, 64, 64, err, errlen);
	run->kdone = fx_perf_alloc(env, 64, 64, err, errlen);
	if (!rd->futex || !run->kgate || !run->kdone ||
	    fx_perf_round_init(rd, o->p.repeat, err, errlen))
		return -ENOMEM;
	nslots = (size_t)rd->rounds * run->nwakers;
	run->ns = calloc(nslots, sizeof(*run->ns));
	run->woken = calloc(nslots, sizeof(*run->woken));
	run->k = calloc(run->nwakers, sizeof(*run->k));
	if (!run->ns || !run->woken || !run->k)
		return -ENOMEM;
	run->w = fx_perf_waiters_new(rd, fx_perf_plain_waiter, err, errlen);
	if (!run->w)
		return -ENOMEM;
	for (unsigned i = 0; i < run->nwakers; i++) {
		run->k[i].run = run;
		run->k[i].idx = i;
		if (!fx_perf_thread(env, wp_waker_step, &run->k[i],
				    FX_DES_ANY_CPU, err, errlen))
			return -ENOMEM;
	}
	fx_perf_env_done(env);
	return 0;
}

/* the wakers' latency and wakes of round @r, into @woken/@usec */
static void wp_round_stats(const struct wp_run *run, unsigned r,
			   struct fx_perf_stats *woken,
			   struct fx_perf_stats *usec)
{
	for (unsigned i = 0; i < run->nwakers; i++) {
		unsigned slot = r * run->nwakers + i;

		fx_perf_stats_update(usec, (double)run->ns[slot] / 1000.0);
		fx_perf_stats_update(woken, run->woken[slot]);
	}
}

static void wp_report(struct fx_des *des, void *opts, FILE *out)
{
	struct fx_perf_opts *o = opts;
	struct wp_run *run = o->run;
	struct fx_perf_stats woken, usec;
	struct fx_perf_lat lat;
	unsigned t;

	if (!run || !run->w)
		return;
	t = run->rd.env.nthreads;
	fprintf(out, "Run summary [PID %d]: blocking on %u threads (at [%s] futex 0x%" PRIx64 "), %u threads waking up %u at a time.\n\n",
		fx_des_proc_pid(run->rd.env.proc), t,
		o->p.fshared ? "shared" : "private", run->rd.futex,
		run->nwakers, run->nwakes);
	fx_perf_stats_init(&woken);
	fx_perf_stats_init(&usec);
	for (unsigned r = 0; r < run->rd.round && r < run->rd.rounds; r++) {
		struct fx_perf_stats rw, ru;
		double avg;

		wp_round_stats(run, r, &woken, &usec);
		if (o->p.silent)
			continue;
		fx_perf_stats_init(&rw);
		fx_perf_stats_init(&ru);
		wp_round_stats(run, r, &rw, &ru);
		avg = fx_perf_stats_avg(&ru);
		fprintf(out, "[Run %u]: Avg per-thread latency (waking %u/%u threads) in %.4f ms (+-%.2f%%)\n",
			r + 1, (unsigned)fx_perf_stats_avg(&rw), t,
			avg / 1000.0,
			fx_perf_rel_stddev(fx_perf_stats_stddev(&ru), avg));
	}
	fx_perf_latency(des, &woken, &usec, "perf_wake_ms", "perf_wake_rsd",
			"perf_woken", &lat);
	fprintf(out, "Avg per-thread latency (waking %u/%u threads) in %.4f ms (+-%.2f%%)\n",
		lat.count, t, lat.ms, lat.rsd);
	fx_perf_print_nbuckets(out, &run->rd.env);
	fx_perf_round_values(des, &run->rd);
	if (run->warnings)
		fprintf(out, "%s: %" PRIu64 " wake call(s) did not wake %u tasks (perf: \"couldn't wakeup all tasks\")\n",
			NAME, run->warnings, run->nwakes);
}

const struct fx_workload fx_wl_perf_wake_parallel = {
	.name = NAME,
	.summary = "perf bench futex wake-parallel: -w unpinned wakers each "
		   "wake t/w of -t blocked threads at once; 10 rounds",
	.usage =
	FX_PERF_USAGE_THREADS
	"  -w, --nwakers N   unpinned waking threads, each waking t/N; N must\n"
	"                    divide t; above t: t (default t)\n"
	FX_PERF_USAGE_COMMON
	FX_PERF_USAGE_ROUNDS,
	.parse = wp_parse,
	.setup = wp_setup,
	.end_ns = fx_perf_end_exit,
	.report = wp_report,
	.free = fx_perf_opts_free,
};
