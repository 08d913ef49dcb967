// SPDX-License-Identifier: MIT
/*
 * perf_requeue.c - "perf bench futex requeue"
 * (tools/perf/bench/futex-requeue.c).
 *
 * -t threads (thread i pinned to CPU i % ncpus) block in FUTEX_WAIT on
 * futex1 (value 0).  The main thread calls FUTEX_CMP_REQUEUE(futex1 ->
 * futex2, nr_wake 0, nr_requeue -q, cmpval 0) until it has moved all of
 * them, timing that loop, then wakes everyone with one FUTEX_WAKE(futex2,
 * nrequeued).  -q above t is t; -B requeues all t at once.
 *
 * -p: the threads wait with FUTEX_WAIT_REQUEUE_PI(futex1, 0, futex2) and
 * the main thread uses FUTEX_CMP_REQUEUE_PI (nr_wake 1, as perf's wrapper
 * passes): each call takes PI futex2 for the top waiter if it is free
 * (waking it) and queues the rest on futex2's rt-mutex.  A thread that
 * returns 0 owns futex2 (its TID in the word) and releases it with
 * FUTEX_UNLOCK_PI, which hands it to the next.  perf counts one wakeup
 * per CMP_REQUEUE_PI call ("assume no error"), and so does its output.
 * A thread retries its wait on EAGAIN; any other error ends its round
 * (perf: warnx and break).  One operation is one requeue call.
 *
 * Departures (docs/workloads-perf.md): threads reused across rounds
 * (perfopt.h: rounds); the 100 ms settle is a wait until the model shows
 * every thread queued; times keep nanoseconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "perfopt.h"
#include "workload.h"

#define NAME	"perf-requeue"

enum rq_main_state {
	RQ_BEGIN,		/* opening a round */
	RQ_REQUEUE,		/* in the timed requeue loop */
	RQ_WAKE,		/* in FUTEX_WAKE(futex2) */
};

enum rq_waiter_state {
	RQ_W_START,
	RQ_W_WAITING,		/* in FUTEX_WAIT / FUTEX_WAIT_REQUEUE_PI */
	RQ_W_UNLOCKING,		/* in FUTEX_UNLOCK_PI (-p) */
};

struct rq_run {
	struct fx_perf_round rd;	/* first: rounds, env, futex1 */
	uint64_t futex2;
	unsigned nrequeue;
	bool pi;
	enum rq_main_state mstate;
	unsigned nrequeued, wakeups;
	uint64_t t0;
	unsigned *wakeups_r;		/* per round (-p) */
	uint64_t warnings;		/* "couldn't wakeup all tasks" */
	uint64_t waiter_errors;
	long error;
};

static const struct fx_perf_opt rq_opts_tab[] = {
	FX_PERF_OPT_B,
	FX_PERF_OPT_T,
	{ 'q', "nrequeue", FX_PERF_OPT_COUNT, FX_PERF_FIELD(nrequeue), NULL },
	FX_PERF_OPT_COMMON,
	{ 'B', "broadcast", FX_PERF_OPT_BOOL, FX_PERF_FIELD(broadcast), NULL },
	{ 'p', "pi", FX_PERF_OPT_BOOL, FX_PERF_FIELD(pi), NULL },
	FX_PERF_OPT_REPEAT,
	FX_PERF_OPT_END
};

static struct rq_run *rq_of(struct fx_perf_round *rd)
{
	return (struct rq_run *)(void *)rd;	/* rd is the first member */
}

static void rq_requeue(struct rq_run *run, struct fx_des_act *act)
{
	/* nr_wake 0: "do not wakeup any tasks blocked on futex1"; for the
	 * PI variant the wrapper passes nr_wake 1, the kernel's only value */
	fx_perf_futex(act, &run->rd.env, run->rd.futex,
		      run->pi ? FX_OP_CMP_REQUEUE_PI : FX_OP_CMP_REQUEUE,
		      run->pi ? 1 : 0, run->nrequeue, run->futex2, 0);
}

static void rq_wait(struct rq_run *run, struct fx_des_act *act)
{
	if (run->pi)
		fx_perf_futex(act, &run->rd.env, run->rd.futex,
			      FX_OP_WAIT_REQUEUE_PI, 0, 0, run->futex2, 0);
	else
		fx_perf_futex(act, &run->rd.env, run->rd.futex, FX_OP_WAIT,
			      0, 0, 0, 0);
}

static void rq_waiter(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct fx_perf_waiter *w = th->priv;
	struct rq_run *run = rq_of(w->rd);

	if (fx_perf_waiter_enter(w, th, act))
		return;
	switch (w->state) {
	case RQ_W_START:
		rq_wait(run, act);
		w->state = RQ_W_WAITING;
		return;
	case RQ_W_WAITING:
		if (th->ret == -EAGAIN) {
			rq_wait(run, act);
			return;
		}
		if (!th->ret && run->pi) {
			/* got the lock at futex2 */
			fx_perf_futex(act, &run->rd.env, run->futex2,
				      FX_OP_UNLOCK_PI, 0, 0, 0, 0);
			w->state = RQ_W_UNLOCKING;
			return;
		}
		break;
	case RQ_W_UNLOCKING:
		break;
	}
	if (th->ret)
		run->waiter_errors++;	/* perf: warnx */
	fx_perf_waiter_leave(w, th, act);
}

/* the round's requeue loop is over: record it, woken ones included */
static void rq_record(struct rq_run *run, struct fx_des_thread *th)
{
	unsigned r = run->rd.round;

	fx_perf_round_record(&run->rd, r, 0, run->nrequeued,
			     fx_des_now(th->des) - run->t0);
	run->wakeups_r[r] = run->wakeups;
}

static void rq_main(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct rq_run *run = th->priv;
	struct fx_perf_round *rd = &run->rd;

	for (;;) {
		switch (run->mstate) {
		case RQ_BEGIN:
			if (fx_perf_round_begin(rd, th, act))
				return;
			run->nrequeued = 0;
			run->wakeups = 0;
			run->t0 = fx_des_now(th->des);
			rq_requeue(run, act);
			run->mstate = RQ_REQUEUE;
			return;
		case RQ_REQUEUE:
			if (th->ret < 0) {
				/* perf: err(EXIT_FAILURE, "couldn't requeue") */
				run->error = th->ret;
				fx_act_exit(act);
				return;
			}
			run->nrequeued += (unsigned)th->ret;
			run->wakeups += run->pi;	/* "assume no error" */
			fx_des_count_ops(th, 1);
			if (run->nrequeued < rd->env.nthreads) {
				rq_requeue(run, act);
				return;
			}
			rq_record(run, th);
			if (run->pi)
				break;	/* the threads unlock futex2 */
			/* everybody should be blocked on futex2: wake them */
			fx_perf_futex(act, &rd->env, run->futex2, FX_OP_WAKE,
				      run->nrequeued, 0, 0, 0);
			run->mstate = RQ_WAKE;
			return;
		case RQ_WAKE:
			if (th->ret != (long)rd->env.nthreads)
				run->warnings++;
			break;
		}
		run->mstate = RQ_BEGIN;
		if (!fx_perf_round_end(rd, act))
			return;
	}
}

static int rq_init(struct fx_perf_opts *o, void *p, char *err,
		   size_t errlen)
{
	struct rq_run *run = p;
	struct fx_perf_round *rd = &run->rd;

	run->pi = o->p.pi;
	run->nrequeue = o->p.nrequeue;
	if (run->nrequeue > rd->env.nthreads)
		run->nrequeue = rd->env.nthreads;
	if (o->p.broadcast)
		run->nrequeue = rd->env.nthreads;
	/* perf's "static u_int32_t futex1 = 0, futex2 = 0;": adjacent */
	rd->futex = fx_perf_alloc(&rd->env, 64, 64, err, errlen);
	run->futex2 = rd->futex + 4;
	if (!rd->futex || fx_perf_round_init(rd, o->p.repeat, 1, err, errlen))
		return -ENOMEM;
	run->wakeups_r = fx_perf_calloc(&rd->env, rd->rounds,
					sizeof(*run->wakeups_r));
	if (!run->wakeups_r || !fx_perf_waiters_new(rd, rq_waiter, err, errlen))
		return -ENOMEM;
	return 0;
}

static void rq_report(struct fx_des *des, const struct fx_perf_opts *o,
		      void *p, FILE *out)
{
	struct rq_run *run = p;
	const struct fx_perf_round *rd = &run->rd;
	unsigned t = rd->env.nthreads;
	/* rounds whose requeue loop finished */
	unsigned done = rd->round + (run->mstate == RQ_WAKE);
	struct fx_perf_lat lat;

	fprintf(out, "Run summary [PID %d]: Requeuing %u threads (from [%s] 0x%" PRIx64 " to %s0x%" PRIx64 "), %u at a time.\n\n",
		fx_des_proc_pid(rd->env.proc), t,
		o->p.fshared ? "shared" : "private", rd->futex,
		run->pi ? "PI " : "", run->futex2, run->nrequeue);
	for (unsigned r = 0; r < done && r < rd->rounds; r++) {
		double ms = (double)rd->ns[r] / 1e6;

		if (o->p.silent)
			continue;
		if (!run->pi)
			fprintf(out, "[Run %u]: Requeued %u of %u threads in %.4f ms\n",
				r + 1, rd->count[r], t, ms);
		else
			fprintf(out, "[Run %u]: Awoke and Requeued (%u+%u) of %u threads in %.4f ms\n",
				r + 1, run->wakeups_r[r],
				rd->count[r] - run->wakeups_r[r], t, ms);
	}
	fx_perf_round_latency(des, rd, done, "perf_requeue_ms",
			      "perf_requeue_rsd", "perf_requeued", &lat);
	fprintf(out, "Requeued %u of %u threads in %.4f ms (+-%.2f%%)\n",
		lat.count, t, lat.ms, lat.rsd);
	fx_perf_print_nbuckets(out, &rd->env);
	fx_perf_round_values(des, rd);
	fx_des_value(des, "perf_waiter_errors", (double)run->waiter_errors);
	if (run->warnings)
		fprintf(out, "%s: couldn't wakeup all tasks in %" PRIu64 " round(s)\n",
			NAME, run->warnings);
	if (run->error)
		fprintf(out, "%s: couldn't requeue from 0x%" PRIx64 " to 0x%" PRIx64 ": %s\n",
			NAME, rd->futex, run->futex2,
			strerror((int)-run->error));
}

static const struct fx_perf_bench rq_bench = {
	.name = NAME,
	.opts = rq_opts_tab,
	/* perf's params: .nrequeue = 1 ("to make the kernel work more") */
	.defaults = {
		.nrequeue = 1,
		.repeat = FX_PERF_REPEAT,
		.nbuckets = -1,
	},
	.run_size = sizeof(struct rq_run),
	.main_step = rq_main,
	.init = rq_init,
	.report = rq_report,
};

static int rq_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	return fx_perf_opts_parse(&rq_bench, argc, argv, opts, err, errlen);
}

const struct fx_workload fx_wl_perf_requeue = {
	.name = NAME,
	.summary = "perf bench futex requeue: -t threads on futex1 requeued "
		   "-q at a time to futex2 (-p: requeue-PI); 10 timed rounds",
	.usage =
	FX_PERF_USAGE_THREADS
	"  -q, --nrequeue N  threads requeued per call (default 1; above t: t)\n"
	"  -B, --broadcast   requeue all threads at once\n"
	"  -p, --pi          FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI to a PI\n"
	"                    futex2, which each thread then unlocks\n"
	FX_PERF_USAGE_COMMON
	FX_PERF_USAGE_ROUNDS,
	.parse = rq_parse,
	.setup = fx_perf_setup,
	.end_ns = fx_perf_end_exit,
	.report = fx_perf_report,
	.free = fx_perf_opts_free,
};
