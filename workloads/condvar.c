// SPDX-License-Identifier: MIT
/*
 * condvar.c - the "condvar" workload: producers and consumers of a
 * bounded queue guarded by a mutex and two condition variables
 * (not_empty, not_full), with glibc's condition variable as it was before
 * 2.25 (nptl/pthread_cond_wait.c, pthread_cond_signal.c and
 * pthread_cond_broadcast.c of glibc 2.17 to 2.24; the C versions, which
 * the x86 assembly ones mirror).
 *
 * DESIGN (glibc < 2.25)
 *
 * A condvar is an internal lowlevellock __lock, a futex word __futex and
 * plain counters that only the holder of __lock touches: __total_seq
 * (waits begun), __wakeup_seq (wakeups granted), __woken_seq (wakeups
 * consumed), __broadcast_seq, __nwaiters.  __futex changes whenever one of
 * them does, so a FUTEX_WAIT on a stale value returns at once.
 *
 *   wait(cv, m):  lll_lock(__lock); unlock m;
 *                 ++total_seq; ++futex; ++nwaiters;
 *                 seq = wakeup_seq; bc = broadcast_seq;
 *                 do { v = futex; lll_unlock(__lock);
 *                      FUTEX_WAIT(&futex, v);
 *                      lll_lock(__lock);
 *                      if (bc != broadcast_seq) goto out;
 *                 } while (wakeup_seq == seq || woken_seq == wakeup_seq);
 *                 ++woken_seq;
 *            out: --nwaiters; lll_unlock(__lock);
 *                 lll_cond_lock(m)         (the mutex word goes to 2)
 *   signal(cv):   lll_lock(__lock);
 *                 if (total_seq > wakeup_seq) {
 *                     ++wakeup_seq; ++futex;
 *                     FUTEX_WAKE_OP(&futex, 1, &__lock, 1,
 *                                   FUTEX_OP(SET, 0, CMP_GT, 1));
 *                     (wakes one waiter and releases __lock in one call:
 *                      lll_futex_wake_unlock; on failure FUTEX_WAKE and
 *                      lll_unlock)
 *                 } else lll_unlock(__lock);
 *   broadcast(cv): lll_lock(__lock);
 *                 if (total_seq > wakeup_seq) {
 *                     wakeup_seq = woken_seq = total_seq;
 *                     futex = total_seq * 2; v = futex; ++broadcast_seq;
 *                     lll_unlock(__lock);
 *                     FUTEX_CMP_REQUEUE(&futex, 1, INT_MAX, &m->lock, v)
 *                     (on error: FUTEX_WAKE(&futex, INT_MAX))
 *                 } else lll_unlock(__lock);
 *
 * The requeue is the thundering-herd avoidance: one waiter is woken and
 * the others are moved, still asleep, onto the mutex's futex; each one
 * the mutex's unlock wakes takes the mutex with lll_cond_lock, so the
 * word stays 2 and its own unlock wakes the next.  FUTEX_CMP_REQUEUE
 * fails with -EAGAIN if __futex changed since the broadcast read it.
 *
 * In the model __lock, __futex and the mutex are words in simulated
 * memory, changed by one atomic per step; the counters live in the
 * workload's own memory (only __lock's holder reads or writes them, and
 * their loads and stores are not futex words, so they cost nothing), and
 * every store to __futex is one step.
 *
 * Checks: items carry (producer, sequence); a consumer must receive each
 * producer's items in order, none twice and none lost ("order_errors",
 * "items_lost"); every wait that began returns ("waits" ==
 * "wait_returns"); the mutex's occupancy is never above 1; the requeue
 * path is taken ("requeue_ok": FUTEX_CMP_REQUEUE calls that moved or
 * woke at least one waiter).  Shutdown: producers stop after -r; the last
 * one sets "done" under the mutex and broadcasts not_empty; consumers
 * leave when the queue is empty and done is set.  One operation is one
 * item consumed.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>

#include "primopt.h"
#include "workload.h"

#define CV_NAME		"condvar"

struct cv_opts {
	struct fx_prim_common c;	/* first: -t (0: two per CPU), -r, -s */
	unsigned producers;
	unsigned cap;
	uint64_t produce_ns, consume_ns;
	bool broadcast;
};

/* One condition variable: simulated words + the counters under __lock. */
struct cv_cond {
	uint64_t lock_addr, futex_addr;
	uint32_t futex;			/* __futex as its holder last stored it */
	uint64_t total_seq, wakeup_seq, woken_seq;
	unsigned broadcast_seq, nwaiters;
	struct fx_lll_stats lock_st;
};

enum cv_kind { CV_WAIT = 1, CV_SIGNAL, CV_BROADCAST };

enum cv_opstate {
	CO_IDLE,
	/* wait */
	CW_LOCK, CW_UNLOCK_M, CW_REGISTER, CW_LOOP, CW_WAIT, CW_WAITED,
	CW_CHECK, CW_OUT, CW_RELOCK, CW_DONE,
	/* signal */
	CS_LOCK, CS_CHECK, CS_WAKEOP, CS_WAKEOP_DONE, CS_FALLBACK, CS_DONE,
	/* broadcast */
	CB_LOCK, CB_CHECK, CB_UNLOCK, CB_REQUEUE, CB_REQUEUE_DONE,
};

struct cv_op {
	struct cv_cond *cv;
	enum cv_opstate st;
	uint64_t seq;			/* wakeup_seq when the wait began */
	unsigned bc_seq;		/* broadcast_seq when the wait began */
	uint32_t futex_val;		/* the value slept on / compared */
};

enum cv_state {
	P_TOP, P_LOCK, P_LOCKED, P_CHECK, P_UNLOCK, P_PUSHED,
	P_EXIT_LOCK, P_EXIT_LOCKED, P_EXIT_UNLOCK, P_EXIT,
	C_TOP, C_LOCKED, C_CHECK, C_UNLOCK, C_CONSUMED, C_EXIT,
};

struct cv_thread {
	struct cv_run *run;
	struct fx_lll_op lll;
	struct cv_op op;
	enum cv_state st;
	unsigned producer;		/* producer index, or UINT_MAX */
	uint64_t ops;
};

struct cv_run {
	struct fx_prim_run c;		/* first: fx_prim_setup_run() */
	const struct cv_opts *o;
	unsigned nproducers;
	uint64_t mutex_addr;
	struct fx_lll_stats mutex_st;
	unsigned occ;			/* mutex holders, seen from outside */
	struct cv_cond not_empty, not_full;
	/* the queue and its state, guarded by the mutex */
	uint64_t *ring;
	unsigned head, count;
	unsigned live_producers;
	bool done;
	uint64_t *produced, *expected;	/* per producer */
	/* checks and counters */
	uint64_t violations, order_errors;
	uint64_t waits, wait_returns, wait_eagain;
	uint64_t signals, wakeop_calls, wakeop_fail;
	uint64_t broadcasts, requeue_calls, requeue_ok, requeue_moved,
		 wake_all;
	struct cv_thread threads[];
};

static void cv_run_fini(void *run)
{
	struct cv_run *r = run;

	free(r->ring);
	free(r->produced);
	free(r->expected);
}

static int cv_parse(int argc, char **argv, void **opts, char *err,
		    size_t errlen)
{
	struct cv_opts *o = fx_prim_opts_new(sizeof(*o), cv_run_fini);
	int rc;

	if (!o)
		return -ENOMEM;
	o->producers = 1;
	o->cap = 16;
	o->produce_ns = 500;
	o->consume_ns = 2000;
	{
		const struct fx_popt tab[] = {
			FX_POPT_COMMON(&o->c, 2),
			FX_POPT_COUNT('P', "producers", &o->producers, 1, 4095,
				      "a producer count 1..4095, fewer than -t"),
			FX_POPT_COUNT('q', "queue", &o->cap, 1, 1u << 20,
				      "a queue capacity 1..1048576"),
			FX_POPT_TIME('w', "produce", &o->produce_ns,
				     "a time to produce one item"),
			FX_POPT_TIME('c', "consume", &o->consume_ns,
				     "a time to consume one item"),
			FX_POPT_FLAG('B', "broadcast", &o->broadcast),
		};

		rc = FX_POPT_PARSE(CV_NAME, tab, argc, argv, err, errlen);
	}
	if (!rc && o->c.threads && o->producers >= o->c.threads) {
		snprintf(err, errlen, "%s: -P %u leaves no consumer among -t %u threads (expected fewer producers than threads)",
			 CV_NAME, o->producers, o->c.threads);
		rc = -EINVAL;
	}
	return fx_prim_opts_done(o, rc, opts);
}

/* ---- the two kinds of lowlevellock: the queue's mutex, a __lock ---- */

/* cv_mutex - start the lowlevellock operation @kind on the mutex */
static void cv_mutex(struct cv_thread *t, enum fx_lll_kind kind)
{
	struct cv_run *r = t->run;

	fx_lll_start(&t->lll, kind, r->mutex_addr, FX_PRIVATE_FLAG,
		     &r->mutex_st);
}

/* cv_lock - start the lowlevellock operation @kind on @cv's __lock */
static void cv_lock(struct cv_thread *t, struct cv_cond *cv,
		    enum fx_lll_kind kind)
{
	fx_lll_start(&t->lll, kind, cv->lock_addr, FX_PRIVATE_FLAG,
		     &cv->lock_st);
}

/* ---- the condition variable's operations (sub-state-machine) ---- */

static void cv_op_start(struct cv_op *op, struct cv_cond *cv,
			enum cv_kind kind)
{
	op->cv = cv;
	op->st = kind == CV_WAIT ? CW_LOCK :
		 kind == CV_SIGNAL ? CS_LOCK : CB_LOCK;
}

/*
 * cv_op_step - one step of the thread's condvar operation.  Returns true
 * when @act was set; false when it started a lowlevellock operation or
 * finished (op->st == CO_IDLE), and the caller's loop goes on.
 */
static bool cv_op_step(struct cv_thread *t, struct fx_des_thread *th,
		       struct fx_des_act *act)
{
	struct cv_run *r = t->run;
	struct cv_op *op = &t->op;
	struct cv_cond *cv = op->cv;
	const unsigned pf = FX_PRIVATE_FLAG;

	switch (op->st) {
	case CO_IDLE:
		return false;
	/* ---- pthread_cond_wait ---- */
	case CW_LOCK:
		r->waits++;
		cv_lock(t, cv, FX_LLL_LOCK);
		op->st = CW_UNLOCK_M;
		return false;
	case CW_UNLOCK_M:
		cv_mutex(t, FX_LLL_UNLOCK);
		op->st = CW_REGISTER;
		return false;
	case CW_REGISTER:
		cv->total_seq++;
		cv->futex++;
		cv->nwaiters++;
		op->seq = cv->wakeup_seq;
		op->bc_seq = cv->broadcast_seq;
		fx_act_atomic(act, FX_UA_STORE, cv->futex_addr, cv->futex, 0);
		op->st = CW_LOOP;
		return true;
	case CW_LOOP:
		op->futex_val = cv->futex;
		cv_lock(t, cv, FX_LLL_UNLOCK);
		op->st = CW_WAIT;
		return false;
	case CW_WAIT:
		fx_act_futex(act, cv->futex_addr, FX_OP_WAIT | (int)pf,
			     op->futex_val, 0, 0, 0);
		op->st = CW_WAITED;
		return true;
	case CW_WAITED:
		if (th->ret == -EAGAIN)
			r->wait_eagain++;
		cv_lock(t, cv, FX_LLL_LOCK);
		op->st = CW_CHECK;
		return false;
	case CW_CHECK:
		if (op->bc_seq == cv->broadcast_seq) {
			uint64_t val = cv->wakeup_seq;

			if (val == op->seq || cv->woken_seq == val) {
				op->st = CW_LOOP;
				return false;
			}
			cv->woken_seq++;
		}
		op->st = CW_OUT;
		return false;
	case CW_OUT:
		cv->nwaiters--;
		cv_lock(t, cv, FX_LLL_UNLOCK);
		op->st = CW_RELOCK;
		return false;
	case CW_RELOCK:
		cv_mutex(t, FX_LLL_COND_LOCK);
		op->st = CW_DONE;
		return false;
	case CW_DONE:
		r->wait_returns++;
		break;
	/* ---- pthread_cond_signal ---- */
	case CS_LOCK:
		r->signals++;
		cv_lock(t, cv, FX_LLL_LOCK);
		op->st = CS_CHECK;
		return false;
	case CS_CHECK:
		if (cv->total_seq > cv->wakeup_seq) {
			cv->wakeup_seq++;
			cv->futex++;
			fx_act_atomic(act, FX_UA_STORE, cv->futex_addr,
				      cv->futex, 0);
			op->st = CS_WAKEOP;
			return true;
		}
		cv_lock(t, cv, FX_LLL_UNLOCK);
		op->st = CS_DONE;
		return false;
	case CS_WAKEOP:
		/* lll_futex_wake_unlock: wake 1 on __futex, store 0 to __lock
		 * and wake 1 on it if it was > 1 */
		r->wakeop_calls++;
		fx_act_futex(act, cv->futex_addr, FX_OP_WAKE_OP | (int)pf, 1,
			     1, cv->lock_addr,
			     FX_OP(FX_WOP_SET, 0, FX_WOP_CMP_GT, 1));
		op->st = CS_WAKEOP_DONE;
		return true;
	case CS_WAKEOP_DONE:
		if (th->ret >= 0)
			break;
		r->wakeop_fail++;
		fx_act_futex(act, cv->futex_addr, FX_OP_WAKE | (int)pf, 1, 0,
			     0, 0);
		op->st = CS_FALLBACK;
		return true;
	case CS_FALLBACK:
		cv_lock(t, cv, FX_LLL_UNLOCK);
		op->st = CS_DONE;
		return false;
	case CS_DONE:
		break;
	/* ---- pthread_cond_broadcast ---- */
	case CB_LOCK:
		r->broadcasts++;
		cv_lock(t, cv, FX_LLL_LOCK);
		op->st = CB_CHECK;
		return false;
	case CB_CHECK:
		if (cv->total_seq > cv->wakeup_seq) {
			cv->wakeup_seq = cv->total_seq;
			cv->woken_seq = cv->total_seq;
			cv->futex = (uint32_t)(cv->total_seq * 2);
			op->futex_val = cv->futex;
			cv->broadcast_seq++;
			fx_act_atomic(act, FX_UA_STORE, cv->futex_addr,
				      cv->futex, 0);
			op->st = CB_UNLOCK;
			return true;
		}
		cv_lock(t, cv, FX_LLL_UNLOCK);
		op->st = CS_DONE;
		return false;
	case CB_UNLOCK:
		cv_lock(t, cv, FX_LLL_UNLOCK);
		op->st = CB_REQUEUE;
		return false;
	case CB_REQUEUE:
		r->requeue_calls++;
		fx_act_futex(act, cv->futex_addr, FX_OP_CMP_REQUEUE | (int)pf,
			     1, INT_MAX, r->mutex_addr, op->futex_val);
		op->st = CB_REQUEUE_DONE;
		return true;
	case CB_REQUEUE_DONE:
		if (th->ret > 0) {
			r->requeue_ok++;
			r->requeue_moved += (uint64_t)th->ret;
		}
		if (th->ret >= 0)
			break;
		r->wake_all++;
		fx_act_futex(act, cv->futex_addr, FX_OP_WAKE | (int)pf,
			     INT_MAX, 0, 0, 0);
		op->st = CS_DONE;
		return true;
	}
	op->st = CO_IDLE;
	return false;
}

/* ---- producers and consumers ---- */

static void cv_enter(struct cv_run *r)
{
	if (r->occ++)
		r->violations++;
}

static void cv_notify(struct cv_thread *t, struct cv_cond *cv)
{
	cv_op_start(&t->op, cv, t->run->o->broadcast ? CV_BROADCAST :
		    CV_SIGNAL);
}

/* one step of a producer; true when @act was set */
static bool cv_producer(struct cv_thread *t, struct fx_des_thread *th,
			struct fx_des_act *act)
{
	struct cv_run *r = t->run;

	switch (t->st) {
	case P_TOP:
		if (fx_prim_done(th, r->c.end_ns)) {
			t->st = P_EXIT_LOCK;
			return false;
		}
		t->st = P_LOCK;
		return fx_prim_think(act, r->o->produce_ns);
	case P_LOCK:
		cv_mutex(t, FX_LLL_LOCK);
		t->st = P_LOCKED;
		return false;
	case P_LOCKED:
		cv_enter(r);
		t->st = P_CHECK;
		return false;
	case P_CHECK:
		if (r->count == r->o->cap) {
			r->occ--;
			cv_op_start(&t->op, &r->not_full, CV_WAIT);
			t->st = P_LOCKED;
			return false;
		}
		r->ring[(r->head + r->count++) % r->o->cap] =
			(uint64_t)t->producer << 32 | r->produced[t->producer]++;
		cv_notify(t, &r->not_empty);
		t->st = P_UNLOCK;
		return false;
	case P_UNLOCK:
		r->occ--;
		cv_mutex(t, FX_LLL_UNLOCK);
		t->st = P_PUSHED;
		return false;
	case P_PUSHED:
		t->st = P_TOP;
		return false;
	case P_EXIT_LOCK:
		cv_mutex(t, FX_LLL_LOCK);
		t->st = P_EXIT_LOCKED;
		return false;
	case P_EXIT_LOCKED:
		cv_enter(r);
		if (!--r->live_producers) {
			r->done = true;
			cv_op_start(&t->op, &r->not_empty, CV_BROADCAST);
		}
		t->st = P_EXIT_UNLOCK;
		return false;
	case P_EXIT_UNLOCK:
		r->occ--;
		cv_mutex(t, FX_LLL_UNLOCK);
		t->st = P_EXIT;
		return false;
	default:
		fx_act_exit(act);
		return true;
	}
}

/* one step of a consumer; true when @act was set */
static bool cv_consumer(struct cv_thread *t, struct fx_des_thread *th,
			struct fx_des_act *act)
{
	struct cv_run *r = t->run;
	uint64_t item;
	unsigned p;

	switch (t->st) {
	case C_TOP:
		cv_mutex(t, FX_LLL_LOCK);
		t->st = C_LOCKED;
		return false;
	case C_LOCKED:
		cv_enter(r);
		t->st = C_CHECK;
		return false;
	case C_CHECK:
		if (!r->count) {
			r->occ--;
			if (r->done) {
				cv_mutex(t, FX_LLL_UNLOCK);
				t->st = C_EXIT;
				return false;
			}
			cv_op_start(&t->op, &r->not_empty, CV_WAIT);
			t->st = C_LOCKED;
			return false;
		}
		item = r->ring[r->head];
		r->head = (r->head + 1) % r->o->cap;
		r->count--;
		p = (unsigned)(item >> 32);
		if (p >= r->nproducers || (uint32_t)item != r->expected[p])
			r->order_errors++;
		else
			r->expected[p]++;
		cv_notify(t, &r->not_full);
		t->st = C_UNLOCK;
		return false;
	case C_UNLOCK:
		r->occ--;
		cv_mutex(t, FX_LLL_UNLOCK);
		t->st = C_CONSUMED;
		return false;
	case C_CONSUMED:
		t->st = C_TOP;
		return fx_prim_op_done(th, act, &t->ops, r->o->consume_ns);
	default:
		fx_act_exit(act);
		return true;
	}
}

static void cv_step(struct fx_des_thread *th, struct fx_des_act *act)
{
	struct cv_thread *t = th->priv;

	for (;;) {
		if (fx_lll_busy(&t->lll) && fx_lll_step(&t->lll, th, act))
			return;
		if (t->op.st != CO_IDLE) {
			if (cv_op_step(t, th, act))
				return;
			continue;
		}
		if (t->producer != UINT_MAX ? cv_producer(t, th, act) :
		    cv_consumer(t, th, act))
			return;
	}
}

static int cv_setup(struct fx_des *des, void *opts, unsigned nthreads,
		    char *err, size_t errlen)
{
	struct cv_opts *o = opts;
	struct fx_des_proc *p;
	struct cv_run *r;
	uint64_t base;
	int rc;

	r = fx_prim_setup_run(&o->c, sizeof(*r), sizeof(r->threads[0]), des,
			      nthreads, 2);
	if (!r)
		return -ENOMEM;
	r->o = o;
	r->nproducers = o->producers;
	if (r->nproducers >= r->c.nthreads) {
		snprintf(err, errlen, "%s: %u producers leave no consumer among %u threads (expected fewer producers than threads)",
			 CV_NAME, r->nproducers, r->c.nthreads);
		return -EINVAL;
	}
	r->live_producers = r->nproducers;
	r->ring = calloc(o->cap, sizeof(*r->ring));
	r->produced = calloc(r->nproducers, sizeof(*r->produced));
	r->expected = calloc(r->nproducers, sizeof(*r->expected));
	if (!r->ring || !r->produced || !r->expected)
		return -ENOMEM;
	/* mutex, then each condvar's __lock and __futex, a line each */
	rc = fx_prim_proc_alloc(des, 5 * 64, &p, &base);
	if (rc)
		return rc;
	r->mutex_addr = base;
	r->not_empty.lock_addr = base + 64;
	r->not_empty.futex_addr = base + 128;
	r->not_full.lock_addr = base + 192;
	r->not_full.futex_addr = base + 256;
	for (unsigned i = 0; i < r->c.nthreads; i++) {
		struct cv_thread *t = &r->threads[i];

		t->run = r;
		t->producer = i < r->nproducers ? i : UINT_MAX;
		t->st = i < r->nproducers ? P_TOP : C_TOP;
	}
	return fx_prim_spawn(des, p, cv_step, r->threads,
			     sizeof(r->threads[0]), r->c.nthreads, NULL);
}

static void cv_report(struct fx_des *des, void *opts, FILE *out)
{
	struct cv_opts *o = opts;
	struct cv_run *r = o->c.run;
	struct fx_prim_tally ops = { 0 };
	uint64_t produced = 0, lost = 0;

	if (!r)
		return;
	for (unsigned i = r->nproducers; i < r->c.nthreads; i++)
		fx_prim_tally_add(&ops, r->threads[i].ops);
	for (unsigned p = 0; p < r->nproducers; p++) {
		produced += r->produced[p];
		lost += r->produced[p] - r->expected[p];
	}
	fx_des_value(des, "items", (double)ops.sum);
	fx_des_value(des, "items_lost", (double)lost);
	fx_des_value(des, "order_errors", (double)r->order_errors);
	fx_des_value(des, "violations", (double)r->violations);
	fx_des_value(des, "waits", (double)r->waits);
	fx_des_value(des, "wait_returns", (double)r->wait_returns);
	fx_des_value(des, "requeue_calls", (double)r->requeue_calls);
	fx_des_value(des, "requeue_ok", (double)r->requeue_ok);
	fx_des_value(des, "requeue_moved", (double)r->requeue_moved);
	fx_des_value(des, "bad_words", (double)(r->mutex_st.bad_word +
			r->not_empty.lock_st.bad_word +
			r->not_full.lock_st.bad_word));
	if (!fx_prim_summary(out, CV_NAME, des, &o->c, &ops))
		return;
	fprintf(out, "  %u producer(s), %u consumer(s), queue of %u, %s; %" PRIu64 " items produced, %" PRIu64 " lost, %" PRIu64 " out of order\n",
		r->nproducers, r->c.nthreads - r->nproducers, o->cap,
		o->broadcast ? "broadcast" : "signal", produced, lost,
		r->order_errors);
	fprintf(out, "  waits %" PRIu64 " (returned %" PRIu64 ", FUTEX_WAIT EAGAIN %" PRIu64 "); signals %" PRIu64 " (FUTEX_WAKE_OP %" PRIu64 ", failed %" PRIu64 ")\n",
		r->waits, r->wait_returns, r->wait_eagain, r->signals,
		r->wakeop_calls, r->wakeop_fail);
	fprintf(out, "  broadcasts %" PRIu64 ": FUTEX_CMP_REQUEUE %" PRIu64 ", moving/waking %" PRIu64 " in %" PRIu64 ", fallbacks to wake-all %" PRIu64 "\n",
		r->broadcasts, r->requeue_calls, r->requeue_moved,
		r->requeue_ok, r->wake_all);
	fx_prim_lll_print(out, "mutex", &r->mutex_st);
	fprintf(out, "  mutual exclusion violations: %" PRIu64 "\n",
		r->violations);
}

const struct fx_workload fx_wl_condvar = {
	.name = CV_NAME,
	.summary = "producer/consumer on glibc's pre-2.25 condvar (broadcast by FUTEX_CMP_REQUEUE)",
	.usage =
	FX_PRIM_USAGE_THREADS("two per CPU, producers included")
	"  -P, --producers N producers (default 1)\n"
	"  -q, --queue N     queue capacity (default 16)\n"
	"  -w, --produce NS  time to produce one item (default 500)\n"
	"  -c, --consume NS  time to consume one item (default 2000)\n"
	"  -B, --broadcast   notify by broadcast (FUTEX_CMP_REQUEUE) instead of\n"
	"                    signal (FUTEX_WAKE_OP)\n"
	FX_PRIM_USAGE_RS
	"  producers stop after -r; consumers drain the queue, then leave\n",
	.parse = cv_parse,
	.setup = cv_setup,
	.end_ns = fx_prim_end_ns,
	.report = cv_report,
	.free = fx_prim_opts_free,
};
