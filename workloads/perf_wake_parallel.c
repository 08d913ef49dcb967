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
#include <stdio.h>

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
	struct wp_waker *k;
	unsigned mstate, msub;
	uint64_t warnings;		/* "couldn't wakeup all tasks" */
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
			fx_perf_round_record(&run->rd, k->round, k->idx,
					     th->ret > 0 ? (unsigned)th->ret : 0,
					     fx_des_now(th->des) - k->t0);
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

static int wp_init(struct fx_perf_opts *o, void *p, char *err,
		   size_t errlen)
{
	struct wp_run *run = p;
	struct fx_perf_round *rd = &run->rd;
	struct fx_perf_env *env = &rd->env;

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
	    fx_perf_round_init(rd, o->p.repeat, run->nwakers, err, errlen))
		return -ENOMEM;
	run->k = fx_perf_calloc(env, run->nwakers, sizeof(*run->k));
	if (!run->k ||
	    !fx_perf_waiters_new(rd, fx_perf_plain_waiter, err, errlen))
		return -ENOMEM;
	for (unsigned i = 0; i < run->nwakers; i++) {
		run->k[i].run = run;
		run->k[i].idx = i;
		if (!fx_perf_thread(env, wp_waker_step, &run->k[i],
				    FX_DES_ANY_CPU, err, errlen))
			return -ENOMEM;
	}
	return 0;
}

static void wp_report(struct fx_des *des, const struct fx_perf_opts *o,
		      void *p, FILE *out)
{
	struct wp_run *run = p;
	const struct fx_perf_round *rd = &run->rd;
	unsigned t = rd->env.nthreads;
	struct fx_perf_lat lat;

	fprintf(out, "Run summary [PID %d]: blocking on %u threads (at [%s] futex 0x%" PRIx64 "), %u threads waking up %u at a time.\n\n",
		fx_des_proc_pid(rd->env.proc), t,
		o->p.fshared ? "shared" : "private", rd->futex,
		run->nwakers, run->nwakes);
	for (unsigned r = 0; r < rd->round && r < rd->rounds; r++) {
		if (o->p.silent)
			continue;
		fx_perf_round_lat(rd, r, r + 1, &lat);
		fprintf(out, "[Run %u]: Avg per-thread latency (waking %u/%u threads) in %.4f ms (+-%.2f%%)\n",
			r + 1, lat.count, t, lat.ms, lat.rsd);
	}
	fx_perf_round_latency(des, rd, rd->round, "perf_wake_ms",
			      "perf_wake_rsd", "perf_woken", &lat);
	fprintf(out, "Avg per-thread latency (waking %u/%u threads) in %.4f ms (+-%.2f%%)\n",
		lat.count, t, lat.ms, lat.rsd);
	fx_perf_print_nbuckets(out, &rd->env);
	fx_perf_round_values(des, rd);
	if (run->warnings)
		fprintf(out, "%s: %" PRIu64 " wake call(s) did not wake %u tasks (perf: \"couldn't wakeup all tasks\")\n",
			NAME, run->warnings, run->nwakes);
}

static const struct fx_perf_bench wp_bench = {
	.name = NAME,
	.opts = wp_opts_tab,
	.defaults = {
		.repeat = FX_PERF_REPEAT,
		.nbuckets = -1,
	},
	.run_size = sizeof(struct wp_run),
	.main_step = wp_main,
	.init = wp_init,
	.report = wp_report,
};

static int wp_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	return fx_perf_opts_parse(&wp_bench, argc, argv, opts, err, errlen);
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
	.setup = fx_perf_setup,
	.end_ns = fx_perf_end_exit,
	.report = fx_perf_report,
	.free = fx_perf_opts_free,
};
