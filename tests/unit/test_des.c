// SPDX-License-Identifier: MIT
/*
 * test_des.c - the discrete-event engine on small hand-computed cases:
 * the event queue's order, the scheduler's placement and preemption, the
 * bucket lock's FIFO and handoff, the cost accounting of one wakeup, the
 * split of lock wait into own and foreign keys, timers, the deadlock
 * report, and byte-identical results for the same seed.
 *
 * Costs are zero except the few each case sets, so every expected time
 * below is a sum the comment spells out.
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

#include "des/des_int.h"
#include "layouts/layout.h"

/* ---- a hand-made topology: @ncpus CPUs over @nnodes nodes ---- */
static int t_node[8];
static unsigned t_dist[4];
static struct fx_topo t_topo;

static const struct fx_topo *topo(unsigned ncpus, unsigned nnodes)
{
	t_topo = (struct fx_topo){ .ncpus = ncpus, .nnodes = nnodes,
				   .npackages = nnodes, .ncores = ncpus,
				   .cpu_node = t_node, .dist = t_dist };
	for (unsigned i = 0; i < ncpus; i++)
		t_node[i] = (int)(i * nnodes / ncpus);
	for (unsigned a = 0; a < nnodes; a++)
		for (unsigned b = 0; b < nnodes; b++)
			t_dist[a * nnodes + b] = a == b ? 10 : 20;
	return &t_topo;
}

static struct fx_cost t_cost;

/* every cost zero but the slice (long) */
static struct fx_cost *zero_cost(void)
{
	memset(&t_cost, 0, sizeof(t_cost));
	t_cost.v[FX_COST_sched_slice] = 1000000000ull * FX_PS_PER_NS;
	return &t_cost;
}

static void ns(enum fx_cost_id id, uint64_t v)
{
	t_cost.v[id] = v * FX_PS_PER_NS;
}

static struct fx_des *sim(unsigned ncpus, unsigned nnodes, const char *layout,
			  unsigned slots)
{
	struct fx_des_config cfg = { .topo = topo(ncpus, nnodes),
				     .cost = &t_cost, .seed = 1,
				     .check = true };
	struct fx_des *des;

	cfg.core.layout = layout ? fx_layout_find(layout) : NULL;
	cfg.core.hash_slots = slots;
	des = fx_des_new(&cfg);
	assert_non_null(des);
	return des;
}

/* ---- the event queue ---- */

static void test_evq_order(void **state)
{
	struct des_evq q;
	struct des_ev ev;
	uint64_t x = 12345;
	fx_ps last_t = 0;
	uint64_t last_seq = 0;

	(void)state;
	assert_int_equal(des_evq_init(&q), 0);
	for (int i = 0; i < 5000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		assert_int_equal(des_evq_push(&q, (x >> 33) % 64, NULL, 0, 0), 0);
	}
	for (int i = 0; i < 5000; i++) {
		assert_true(des_evq_pop(&q, &ev));
		assert_true(ev.t >= last_t);
		if (ev.t == last_t && i)
			assert_true(ev.seq > last_seq);	/* FIFO among equals */
		last_t = ev.t;
		last_seq = ev.seq;
	}
	assert_false(des_evq_pop(&q, &ev));
	des_evq_fini(&q);
}

/* ---- small programs ---- */

struct prog {
	uint64_t futex, futex2;	/* user addresses */
	uint64_t think_ns;	/* before the first action */
	int op;			/* FX_OP_* | flags */
	uint32_t val;
	uint32_t val3;		/* bitset */
	uint64_t timeout;	/* address of a timespec or 0 */
	int step;
	long ret[8];
	uint64_t t_user[8];	/* time each step was called */
	int loops;		/* THINK loops for the slice test */
	uint64_t runs;
};

/* think, one futex call, exit */
static void step_one(struct fx_des_thread *th, struct fx_des_act *a)
{
	struct prog *p = th->priv;

	p->t_user[p->step] = fx_des_now(th->des);
	p->ret[p->step] = th->ret;
	switch (p->step++) {
	case 0:
		if (p->think_ns) {
			fx_act_think(a, p->think_ns);
			return;
		}
		p->step++;
		/* fallthrough */
	case 1:
		fx_act_futex(a, p->futex, p->op, p->val, p->timeout, p->futex2,
			     p->val3);
		return;
	default:
		fx_act_exit(a);
	}
}

/* think in 100 us slices forever */
static void step_spin(struct fx_des_thread *th, struct fx_des_act *a)
{
	struct prog *p = th->priv;

	p->runs++;
	fx_act_think(a, 100000);
}

static struct fx_des_thread *thread(struct fx_des_proc *pr, struct prog *p,
				    fx_des_step_fn fn, int cpu)
{
	struct fx_des_thread *th = fx_des_thread_new(pr, fn, p, cpu, 0);

	assert_non_null(th);
	return th;
}

#define WAIT_P	(FX_OP_WAIT | FX_PRIVATE_FLAG)
#define WAKE_P	(FX_OP_WAKE | FX_PRIVATE_FLAG)
#define WAITBS_P (FX_OP_WAIT_BITSET | FX_PRIVATE_FLAG)
#define WAKEBS_P (FX_OP_WAKE_BITSET | FX_PRIVATE_FLAG)

/* wait_wake - @a waits on a new word of @pr; @b thinks @think_ns, then
 * wakes one waiter of it */
static void wait_wake(struct fx_des_proc *pr, struct prog *a, struct prog *b,
		      uint64_t think_ns)
{
	a->futex = b->futex = fx_des_alloc(pr, 4, 4);
	a->op = WAIT_P;
	b->op = WAKE_P;
	b->val = 1;
	b->think_ns = think_ns;
}

/* run_wait_wake - 2 CPUs over @nnodes nodes: @a (CPU 0) waits, @b (CPU 1)
 * wakes it after 1000 ns; the run must succeed */
static struct fx_des *run_wait_wake(unsigned nnodes, struct prog *a,
				    struct prog *b)
{
	struct fx_des *des = sim(2, nnodes, NULL, 0);
	struct fx_des_proc *pr = fx_des_proc_new(des);

	wait_wake(pr, a, b, 1000);
	thread(pr, a, step_one, 0);
	thread(pr, b, step_one, 1);
	assert_int_equal(fx_des_run(des), 0);
	return des;
}

/* bitset_waiter - @w on CPU 3 waits on @futex with bitset 1, a daemon:
 * still waiting when the run ends */
static struct fx_des_thread *bitset_waiter(struct fx_des_proc *pr,
					   struct prog *w, uint64_t futex)
{
	struct fx_des_thread *th;

	*w = (struct prog){ .futex = futex, .op = WAITBS_P, .val3 = 1 };
	th = thread(pr, w, step_one, 3);
	fx_des_thread_daemon(th);
	return th;
}

/* bitset_waker - @p on @cpu thinks 1000 ns (after the waiter queued),
 * then wakes @futex with bitset 2: walks the waiter, wakes nobody */
static void bitset_waker(struct fx_des_proc *pr, struct prog *p,
			 uint64_t futex, int cpu)
{
	*p = (struct prog){ .futex = futex, .op = WAKEBS_P, .val = 1,
			    .val3 = 2, .think_ns = 1000 };
	thread(pr, p, step_one, cpu);
}

/*
 * One wakeup, every cost spelled out.  A (CPU 0) waits at t=0; B (CPU 1)
 * thinks 1000 ns, then wakes it:
 *   B: entry 100 -> 1100, waiter check (lines free) -> lock 10 -> 1110,
 *      chain walk 1 entry x 0, wake.up 50 -> A placed at 1160;
 *   A: CPU 0 idle: IPI 1000 + idle exit 2000 + switch 500 -> runs 4660,
 *      resume, exit 100 -> user at 4760.
 * Wakeup latency = 4760 - 1000 (B's entry) = 3760 ns.  B is back in user
 * space at 1110 + 50 + 100 = 1260.
 */
static void test_wakeup_cost(void **state)
{
	struct fx_des *des;
	struct prog pa = { 0 }, pb = { 0 };
	const struct fx_des_results *r;

	(void)state;
	zero_cost();
	ns(FX_COST_syscall_entry, 100);
	ns(FX_COST_syscall_exit, 100);
	ns(FX_COST_lock_uncontended, 10);
	ns(FX_COST_wake_up, 50);
	ns(FX_COST_ipi_local, 1000);
	ns(FX_COST_ipi_remote, 5000);
	ns(FX_COST_idle_exit, 2000);
	ns(FX_COST_ctx_switch, 500);
	des = run_wait_wake(1, &pa, &pb);
	r = fx_des_results(des);
	assert_int_equal(pa.ret[2], 0);
	assert_int_equal(pa.t_user[2], 4760);
	assert_int_equal(pb.ret[2], 1);
	assert_int_equal(pb.t_user[2], 1260);
	assert_int_equal(r->wakeups, 1);
	assert_int_equal(r->wake_lat.count, 1);
	assert_int_equal(r->wake_lat.max, 3760);
	assert_int_equal(r->ipis, 1);
	assert_int_equal(r->idle_exits, 1);
	assert_int_equal(r->futex_ops, 2);
	assert_int_equal(fx_des_wake_pair(des, 0, 0)->count, 1);
	assert_int_equal(fx_des_wake_pair(des, 0, 0)->max, 3760);
	assert_null(fx_des_wake_pair(des, 0, 1));	/* one node only */
	fx_des_free(des);
}

/*
 * The same wakeup across nodes costs the remote IPI instead, and is
 * counted under (waker node 1, wakee node 0) alone.
 */
static void test_wakeup_remote_ipi(void **state)
{
	struct fx_des *des;
	struct prog pa = { 0 }, pb = { 0 };

	(void)state;
	zero_cost();
	ns(FX_COST_ipi_local, 1000);
	ns(FX_COST_ipi_remote, 5000);
	des = run_wait_wake(2, &pa, &pb);
	assert_int_equal(fx_des_results(des)->wake_lat.max, 5000);
	assert_int_equal(fx_des_wake_pair(des, 1, 0)->count, 1);
	assert_int_equal(fx_des_wake_pair(des, 1, 0)->max, 5000);
	assert_null(fx_des_wake_pair(des, 0, 0));
	assert_null(fx_des_wake_pair(des, 0, 1));
	assert_null(fx_des_wake_pair(des, 1, 1));
	fx_des_free(des);
}

/*
 * Lock FIFO and handoff.  W (CPU 3) waits on X.  T1, T2, T3 (CPUs 0-2)
 * think 1000 ns, then each FUTEX_WAKE_BITSET(X, bitset 2) while W waits
 * with bitset 1: the bucket has a waiter, so each takes the lock and walks
 * one entry (chain.step.local 1000 ns), waking nobody.
 *   entry 100: all ask at 1100 in creation order;
 *   T1: lock 10 -> 1110, hold 1000 -> releases 2110;
 *   T2: handoff 40 (distance 10) -> 2150, releases 3150;
 *   T3: handoff 40 -> 3190, releases 4190.
 * Waits: 0, 1050, 2090 ns; all behind the same key: own 3140, foreign 0.
 */
static void test_lock_fifo(void **state)
{
	struct fx_des *des;
	struct fx_des_proc *pr;
	struct prog w, t[3];
	const struct fx_des_results *r;
	uint64_t x;

	(void)state;
	zero_cost();
	ns(FX_COST_syscall_entry, 100);
	ns(FX_COST_lock_uncontended, 10);
	ns(FX_COST_lock_handoff, 40);
	ns(FX_COST_chain_step_local, 1000);
	ns(FX_COST_chain_step_remote, 1000);
	des = sim(4, 1, NULL, 0);
	pr = fx_des_proc_new(des);
	x = fx_des_alloc(pr, 4, 4);
	bitset_waiter(pr, &w, x);
	for (int i = 0; i < 3; i++)
		bitset_waker(pr, &t[i], x, i);
	assert_int_equal(fx_des_run(des), 0);
	r = fx_des_results(des);
	/* think 1000: lock requests at 1100 */
	assert_int_equal(t[0].t_user[2], 2110);
	assert_int_equal(t[1].t_user[2], 3150);
	assert_int_equal(t[2].t_user[2], 4190);
	assert_int_equal(r->lock_acq, 4);	/* W's wait + three wakes */
	assert_int_equal(r->lock_contended, 2);
	assert_int_equal(r->lock_wait_ns, 1050 + 2090);
	assert_int_equal(r->lock_wait_own_ns, 1050 + 2090);
	assert_int_equal(r->lock_wait_foreign_ns, 0);
	assert_int_equal(r->lock_wait.max, 2090);
	fx_des_free(des);
}

/*
 * Foreign-key contention: with one bucket in the table, A's wake of X and
 * B's wake of Y (a different futex) share a lock.  W waits on X (bitset
 * 1) so the bucket has a waiter; A and B wake with bitset 2, so nobody is
 * woken and each walks W's entry (1000 ns).  A locks first, B waits the
 * 1000 ns A holds it plus the 40 ns handoff from A: all of it behind
 * another key, foreign 1040, own 0.
 */
static void test_lock_foreign(void **state)
{
	struct fx_des *des;
	struct fx_des_proc *pr;
	struct prog w, a, b;
	struct fx_hash_info ix, iy;
	const struct fx_des_results *r;
	struct fx_des_thread *tw;
	uint64_t x, y;

	(void)state;
	zero_cost();
	ns(FX_COST_syscall_entry, 100);
	ns(FX_COST_lock_handoff, 40);
	ns(FX_COST_chain_step_local, 1000);
	des = sim(4, 1, "global", 1);
	pr = fx_des_proc_new(des);
	x = fx_des_alloc(pr, 4, 4);
	y = fx_des_alloc(pr, 4, 4);
	tw = bitset_waiter(pr, &w, x);
	bitset_waker(pr, &a, x, 0);
	bitset_waker(pr, &b, y, 1);
	assert_int_equal(fx_futex_locate(tw->task, x, FX2_PRIVATE, &ix), 0);
	assert_int_equal(fx_futex_locate(tw->task, y, FX2_PRIVATE, &iy), 0);
	assert_int_equal(ix.bucket, iy.bucket);	/* the premise */
	assert_int_equal(fx_des_run(des), 0);
	r = fx_des_results(des);
	assert_int_equal(r->lock_wait_foreign_ns, 1040);
	assert_int_equal(r->lock_wait_own_ns, 0);
	/* B's op met W's waiter of another key: a collision */
	assert_int_equal(r->opstats.collided, 1);
	fx_des_free(des);
}

/*
 * Wake placement: P (unpinned, last ran on CPU 0) is woken while CPU 0 is
 * busy with a spinner; CPU 1 (same node) is idle, so P goes there.  With
 * CPU 1 busy too, P queues on CPU 0.
 */
static void test_wake_placement(void **state)
{
	for (int busy1 = 0; busy1 < 2; busy1++) {
		struct fx_des *des;
		struct fx_des_proc *pr;
		struct prog p = { 0 }, s0 = { 0 }, s1 = { 0 }, wk = { 0 };
		struct fx_des_thread *tp, *t;

		(void)state;
		zero_cost();
		ns(FX_COST_ctx_switch, 500);
		des = sim(4, 2, NULL, 0);	/* CPUs 0,1 node 0; 2,3 node 1 */
		pr = fx_des_proc_new(des);
		wait_wake(pr, &p, &wk, 5000);
		tp = fx_des_thread_new(pr, step_one, &p, FX_DES_ANY_CPU, 0);
		assert_non_null(tp);
		assert_int_equal(tp->cpu, 0);
		/* spinner on CPU 0 starts after P blocked */
		t = fx_des_thread_new(pr, step_spin, &s0, 0, 1000);
		fx_des_thread_daemon(t);
		if (busy1)
			fx_des_thread_daemon(fx_des_thread_new(pr, step_spin,
							       &s1, 1, 1000));
		thread(pr, &wk, step_one, 3);
		((struct fx_des_config *)&des->cfg)->end_ns = 0;
		des->end = 2000000ull * FX_PS_PER_NS;
		assert_int_equal(fx_des_run(des), 0);
		if (!busy1) {
			assert_int_equal(tp->cpu, 1);
			assert_int_equal(p.step, 3);	/* ran and exited */
		} else {
			/* queued on CPU 0 behind the spinner, which keeps the
			 * CPU for its (1 s) slice: still waiting at the end */
			assert_int_equal(tp->cpu, 0);
			assert_int_equal(p.step, 2);
			assert_int_equal(des_th(tp)->state, TH_READY);
		}
		fx_des_free(des);
	}
}

/*
 * SCHED_FIFO preemption and SCHED_OTHER slices on one CPU: an RT thread
 * woken onto a CPU running a SCHED_OTHER spinner in user space preempts
 * it at once (resched IPI); the spinner finishes its interrupted think
 * later; two SCHED_OTHER spinners share the CPU by slices.
 */
static void test_preempt_and_slice(void **state)
{
	struct fx_des *des;
	struct fx_des_proc *pr;
	struct prog rt = { 0 }, wk = { 0 }, s0 = { 0 }, s1 = { 0 };
	struct fx_des_thread *trt, *wk_th;

	(void)state;
	zero_cost();
	ns(FX_COST_sched_slice, 250000);
	des = sim(2, 1, NULL, 0);
	pr = fx_des_proc_new(des);
	wait_wake(pr, &rt, &wk, 1000);
	trt = thread(pr, &rt, step_one, 0);
	assert_int_equal(fx_des_thread_sched(trt, FX_SCHED_FIFO, 10), 0);
	for (int i = 0; i < 2; i++) {
		struct fx_des_thread *s = fx_des_thread_new(pr, step_spin,
							    i ? &s1 : &s0, 0, 1);

		/* threads inherit the creator's policy: back to OTHER */
		assert_int_equal(fx_des_thread_sched(s, FX_SCHED_OTHER, 0), 0);
		fx_des_thread_daemon(s);
	}
	wk_th = thread(pr, &wk, step_one, 1);
	assert_int_equal(fx_des_thread_sched(wk_th, FX_SCHED_OTHER, 0), 0);
	des->end = 2000000ull * FX_PS_PER_NS;
	assert_int_equal(fx_des_run(des), 0);
	/* woken at 1000 ns while the spinner is in user space: the resched
	 * IPI (0 here) preempts it at once, the RT thread runs at 1000 */
	assert_int_equal(rt.step, 3);
	assert_int_equal(rt.t_user[2], 1000);
	assert_true(fx_des_results(des)->ipis >= 1);
	/* 2 ms of 100 us thinks shared by slices of 250 us: both ran,
	 * about evenly */
	assert_true(s0.runs >= 8 && s1.runs >= 8);
	assert_true(s0.runs + s1.runs >= 19);
	fx_des_free(des);
}

/* A timed wait times out: entry, lock, sleep, timer 5000 + arm 100. */
static void test_timeout(void **state)
{
	struct fx_des *des;
	struct fx_des_proc *pr;
	struct prog p = { 0 };
	struct fx_des_thread *th;
	struct fx_timespec ts = { 0, 5000 };

	(void)state;
	zero_cost();
	ns(FX_COST_syscall_entry, 100);
	ns(FX_COST_syscall_exit, 100);
	ns(FX_COST_timer_arm, 100);
	ns(FX_COST_idle_exit, 1000);
	des = sim(1, 1, NULL, 0);
	pr = fx_des_proc_new(des);
	p.futex = fx_des_alloc(pr, 4, 4);
	p.op = WAIT_P;
	th = thread(pr, &p, step_one, 0);
	p.timeout = th->scratch;
	assert_int_equal(fx_uaccess_write(fx_task_mm(th->task), th->scratch,
					  &ts, sizeof(ts)), 0);
	assert_int_equal(fx_des_run(des), 0);
	assert_int_equal(p.ret[2], -ETIMEDOUT);
	/* 100 entry, sleeps at 100, timer at 100 + 5000 + 100, idle exit
	 * 1000 (no IPI: the timer fires on the sleeper's CPU), exit 100 */
	assert_int_equal(p.t_user[2], 6300);
	assert_int_equal(fx_des_results(des)->timeouts, 1);
	assert_int_equal(fx_des_results(des)->wake_lat.count, 0);
	fx_des_free(des);
}

/* nanosleep: entry 100, 1000 ns + the slack 500 of a SCHED_OTHER thread,
 * exit 100 -> back at 1700; an RT thread has no slack -> 1200. */
struct sleeper {
	int step;
	uint64_t back;
};

static void step_sleep(struct fx_des_thread *th, struct fx_des_act *a)
{
	struct sleeper *s = th->priv;

	if (s->step++ == 0) {
		fx_act_sleep(a, 1000);
		return;
	}
	s->back = fx_des_now(th->des);
	fx_act_exit(a);
}

static void test_sleep_slack(void **state)
{
	for (int rt = 0; rt < 2; rt++) {
		struct fx_des *des;
		struct fx_des_proc *pr;
		struct fx_des_thread *th;
		struct sleeper s = { 0 };

		(void)state;
		zero_cost();
		ns(FX_COST_syscall_entry, 100);
		ns(FX_COST_syscall_exit, 100);
		ns(FX_COST_timer_slack, 500);
		des = sim(1, 1, NULL, 0);
		pr = fx_des_proc_new(des);
		th = fx_des_thread_new(pr, step_sleep, &s, 0, 0);
		assert_non_null(th);
		if (rt)
			assert_int_equal(fx_des_thread_sched(th, FX_SCHED_FIFO, 5), 0);
		assert_int_equal(fx_des_run(des), 0);
		assert_int_equal(s.back, rt ? 1200 : 1700);
		fx_des_free(des);
	}
}

/* A wait nobody wakes: -EDEADLK and a report naming the thread and op. */
/* ---- parking (FX_ACT_PARK) ---- */

static struct fx_des_thread *parked_waker;

/* park for p->timeout ns (0: forever), then wake one waiter, exit */
static void step_park(struct fx_des_thread *th, struct fx_des_act *a)
{
	struct prog *p = th->priv;

	p->t_user[p->step] = fx_des_now(th->des);
	p->ret[p->step] = th->ret;
	switch (p->step++) {
	case 0:
		fx_act_park(a, p->timeout ? p->timeout : FX_DES_FOREVER);
		return;
	case 1:
		fx_act_futex(a, p->futex, p->op, p->val, 0, 0, 0);
		return;
	default:
		fx_act_exit(a);
	}
}

static void unpark_waker(struct fx_des_thread *th)
{
	(void)th;
	assert_int_equal(fx_des_thread_unpark(parked_waker), 1);
	assert_int_equal(fx_des_thread_unpark(parked_waker), 0);
}

/*
 * B parks at 0 with no timeout; A thinks 3000 ns and waits.  A's block
 * hook unparks B as A goes to sleep (3000 with zero costs); B, back with
 * ret 0 at 3000, wakes A.  With a 500 ns timeout and no hook instead, B
 * is back at 500 with -ETIMEDOUT, wakes nobody, and A waits for ever.
 */
static void test_park(void **state)
{
	struct fx_des *des;
	struct fx_des_proc *pr;
	struct fx_des_thread *ta;
	struct prog pa = { 0 }, pb = { 0 };

	(void)state;
	zero_cost();
	des = sim(2, 1, NULL, 0);
	pr = fx_des_proc_new(des);
	wait_wake(pr, &pa, &pb, 0);
	pa.think_ns = 3000;
	ta = thread(pr, &pa, step_one, 0);
	parked_waker = thread(pr, &pb, step_park, 1);
	fx_des_thread_on_block(ta, unpark_waker);
	assert_int_equal(fx_des_run(des), 0);
	assert_int_equal(pb.ret[1], 0);
	assert_int_equal(pb.t_user[1], 3000);
	assert_int_equal(pb.ret[2], 1);		/* woke A */
	assert_int_equal(pa.ret[2], 0);
	assert_int_equal(pa.t_user[2], 3000);
	fx_des_free(des);

	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	des = sim(2, 1, NULL, 0);
	pr = fx_des_proc_new(des);
	wait_wake(pr, &pa, &pb, 0);
	pa.think_ns = 3000;
	pb.timeout = 500;
	ta = thread(pr, &pa, step_one, 0);
	fx_des_thread_daemon(ta);
	thread(pr, &pb, step_park, 1);
	assert_int_equal(fx_des_run(des), 0);
	assert_int_equal(pb.ret[1], -ETIMEDOUT);
	assert_int_equal(pb.t_user[1], 500);
	assert_int_equal(pb.ret[2], 0);		/* nobody waiting yet */
	assert_int_equal(pa.step, 2);		/* A still in its wait */
	fx_des_free(des);
}

static void test_deadlock_report(void **state)
{
	struct fx_des *des;
	struct fx_des_proc *pr;
	struct prog p = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	zero_cost();
	des = sim(2, 1, NULL, 0);
	pr = fx_des_proc_new(des);
	p.futex = fx_des_alloc(pr, 4, 4);
	p.op = WAIT_P;
	thread(pr, &p, step_one, 0);
	assert_int_equal(fx_des_run(des), -EDEADLK);
	assert_non_null(strstr(fx_des_errmsg(des), "deadlock"));
	f = open_memstream(&buf, &len);
	fx_des_deadlock_report(des, f);
	fclose(f);
	assert_non_null(strstr(buf, "FUTEX_WAIT_PRIVATE"));
	assert_non_null(strstr(buf, "thread 100"));
	assert_non_null(strstr(buf, "1 waiter(s)"));
	free(buf);
	fx_des_free(des);
}

/* ---- determinism: a random mix of waits and wakes, run twice ---- */

struct rnd {
	uint64_t base;
	unsigned n;
	int left;
};

static void step_rnd(struct fx_des_thread *th, struct fx_des_act *a)
{
	struct rnd *r = th->priv;
	uint64_t x = fx_des_rand(th->des);
	uint64_t f = r->base + 4 * (x % r->n);

	if (r->left-- <= 0) {
		fx_act_exit(a);
		return;
	}
	fx_des_count_ops(th, 1);
	switch ((x >> 20) % 4) {
	case 0: {
		struct fx_timespec ts = { 0, 2000 + (int64_t)((x >> 30) % 5000) };

		fx_uaccess_write(fx_task_mm(th->task), th->scratch, &ts,
				 sizeof(ts));
		fx_act_futex(a, f, WAIT_P, 0, th->scratch, 0, 0);
		break;
	}
	case 1:
		fx_act_futex(a, f, WAKE_P, 2, 0, 0, 0);
		break;
	case 2:
		fx_act_atomic(a, FX_UA_ADD, f, 0, 0);
		break;
	default:
		fx_act_think(a, (x >> 40) % 3000);
	}
}

static void run_rnd(uint64_t seed, struct fx_des_results *out)
{
	struct fx_des_config cfg = { .topo = topo(4, 2), .cost = &t_cost,
				     .seed = seed, .check = true };
	struct rnd r[6];
	struct fx_des *des;
	struct fx_des_proc *pr;

	fx_cost_defaults(&t_cost);
	des = fx_des_new(&cfg);
	assert_non_null(des);
	pr = fx_des_proc_new(des);
	for (int i = 0; i < 6; i++) {
		r[i] = (struct rnd){ .n = 8, .left = 400 };
		r[i].base = i ? r[0].base : fx_des_alloc(pr, 32, 64);
		assert_non_null(fx_des_thread_new(pr, step_rnd, &r[i],
						  FX_DES_ANY_CPU, 0));
	}
	if (fx_des_run(des)) {
		fprintf(stderr, "%s\n", fx_des_errmsg(des));
		fx_des_deadlock_report(des, stderr);
		fail();
	}
	*out = *fx_des_results(des);
	fx_des_free(des);
}

static void test_same_seed_same_results(void **state)
{
	static struct fx_des_results a, b, c;

	(void)state;
	run_rnd(7, &a);
	run_rnd(7, &b);
	run_rnd(8, &c);
	assert_true(a.events > 1000);
	assert_true(a.wakeups > 0 && a.timeouts > 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(a.sim_ns != c.sim_ns || a.events != c.events);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evq_order),
		cmocka_unit_test(test_wakeup_cost),
		cmocka_unit_test(test_wakeup_remote_ipi),
		cmocka_unit_test(test_park),
		cmocka_unit_test(test_lock_fifo),
		cmocka_unit_test(test_lock_foreign),
		cmocka_unit_test(test_wake_placement),
		cmocka_unit_test(test_preempt_and_slice),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_sleep_slack),
		cmocka_unit_test(test_deadlock_report),
		cmocka_unit_test(test_same_seed_same_results),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
