// SPDX-License-Identifier: MIT
/*
 * perf_wake.c - "perf bench futex wake" (tools/perf/bench/futex-wake.c).
 *
 * -t threads (thread i pinned to CPU i % ncpus) block in FUTEX_WAIT on
 * one futex (value 0).  Once they all sleep, the main thread calls
 * FUTEX_WAKE(futex, -w) until it has woken all of them, and times that
 * loop.  perf repeats this bench_repeat (10) times and prints each round
 * and the mean with the relative stddev of the mean.  One operation is
 * one FUTEX_WAKE call of the timed loop.
 *
 * Departures (docs/workloads-perf.md): perf creates the threads afresh
 * each round and joins them; the model reuses them (perfopt.h: rounds).
 * Instead of perf's usleep(100000) the main thread waits until the model
 * shows every thread queued.  Times keep nanoseconds where perf's
 * gettimeofday() keeps microseconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "perfopt.h"
#include "workload.h"

#define NAME	"perf-wake"

struct wake_run {
	struct fx_perf_round rd;	/* first: rounds, env, futex1 */
	unsigned nwakes;
	bool waking;			/* the main thread's timed loop */
	unsigned nwoken;
	uint64_t t0;
	long error;
};

static const struct fx_perf_opt wake_opts_tab[] = {
	FX_PERF_OPT_B,
	FX_PERF_OPT_T,
	{ 'w', "nwakes", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nwakes), NULL },
	FX_PERF_OPT_COMMON,
	FX_PERF_OPT_REPEAT,
	FX_PERF_OPT_END
};

static void wake_call(struct wake_run *run, struct fx_des_act *act)
{
	fx_perf_futex(act, &run->rd.env, run->rd.futex, FX_OP_WAKE,
		      run->nwakes, 0, 0, 0);
}

static void wake_main(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct wake_run *run = th->priv;
	struct fx_perf_round *rd = &run->rd;

	for (;;) {
		if (!run->waking) {
			if (fx_perf_round_begin(rd, th, act))
				return;
			/* all threads are patiently blocked: start waking */
			run->waking = true;
			run->nwoken = 0;
			run->t0 = fx_des_now(th->des);
			wake_call(run, act);
			return;
		}
		if (th->ret < 0) {
			run->error = th->ret;
			fx_act_exit(act);
			return;
		}
		run->nwoken += (unsigned)th->ret;
		fx_des_count_ops(th, 1);
		if (run->nwoken < rd->env.nthreads) {
			wake_call(run, act);
			return;
		}
		fx_perf_round_record(rd, rd->round, 0, run->nwoken,
				     fx_des_now(th->des) - run->t0);
		run->waking = false;
		if (!fx_perf_round_end(rd, act))
			return;
	}
}

static int wake_init(struct fx_perf_opts *o, void *p, char *err,
		     size_t errlen)
{
	struct wake_run *run = p;
	struct fx_perf_round *rd = &run->rd;

	run->nwakes = o->p.nwakes;
	/* perf's static futex1 */
	rd->futex = fx_perf_alloc(&rd->env, 64, 64, err, errlen);
	if (!rd->futex ||
	    fx_perf_round_init(rd, o->p.repeat, 1, err, errlen) ||
	    !fx_perf_waiters_new(rd, fx_perf_plain_waiter, err, errlen))
		return -ENOMEM;
	return 0;
}

static void wake_report(struct fx_des *des, const struct fx_perf_opts *o,
			void *p, FILE *out)
{
	struct wake_run *run = p;
	const struct fx_perf_round *rd = &run->rd;
	unsigned t = rd->env.nthreads;
	struct fx_perf_lat lat;

	fprintf(out, "Run summary [PID %d]: blocking on %u threads (at [%s] futex 0x%" PRIx64 "), waking up %u at a time.\n\n",
		fx_des_proc_pid(rd->env.proc), t,
		o->p.fshared ? "shared" : "private", rd->futex, run->nwakes);
	for (unsigned r = 0; r < rd->round && r < rd->rounds; r++) {
		if (o->p.silent)
			continue;
		fprintf(out, "[Run %u]: Wokeup %u of %u threads in %.4f ms\n",
			r + 1, rd->count[r], t, (double)rd->ns[r] / 1e6);
	}
	fx_perf_round_latency(des, rd, rd->round, "perf_wake_ms",
			      "perf_wake_rsd", "perf_woken", &lat);
	fprintf(out, "Wokeup %u of %u threads in %.4f ms (+-%.2f%%)\n",
		lat.count, t, lat.ms, lat.rsd);
	fx_perf_print_nbuckets(out, &rd->env);
	fx_perf_round_values(des, rd);
	if (run->error)
		fprintf(out, "%s: futex_wake failed: %s\n", NAME,
			strerror((int)-run->error));
}

static const struct fx_perf_bench wake_bench = {
	.name = NAME,
	.opts = wake_opts_tab,
	/* perf's params: .nwakes = 1 ("to make the kernel work more") */
	.defaults = {
		.nwakes = 1,
		.repeat = FX_PERF_REPEAT,
		.nbuckets = -1,
	},
	.run_size = sizeof(struct wake_run),
	.main_step = wake_main,
	.init = wake_init,
	.report = wake_report,
};

static int wake_parse(int argc, char **argv, void **opts, char *err,
		      size_t errlen)
{
	return fx_perf_opts_parse(&wake_bench, argc, argv, opts, err, errlen);
}

const struct fx_workload fx_wl_perf_wake = {
	.name = NAME,
	.summary = "perf bench futex wake: -t threads block on one futex, "
		   "main wakes them -w at a time; 10 timed rounds",
	.usage =
	FX_PERF_USAGE_THREADS
	"  -w, --nwakes N    threads woken per FUTEX_WAKE call (default 1)\n"
	FX_PERF_USAGE_COMMON
	FX_PERF_USAGE_ROUNDS,
	.parse = wake_parse,
	.setup = fx_perf_setup,
	.end_ns = fx_perf_end_exit,
	.report = fx_perf_report,
	.free = fx_perf_opts_free,
};
