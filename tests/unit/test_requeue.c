// SPDX-License-Identifier: MIT
/*
 * test_requeue.c - FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, futex2 futex_requeue
 * and the requeue-PI pair (sim/futex_requeue.c): the selftests'
 * scenarios (futex_requeue.c, futex_requeue_pi.c with its -b/-l/-o/-t
 * variants, futex_requeue_pi_mismatched_ops.c,
 * futex_requeue_pi_signal_restart.c), error paths, queue order, and the
 * requeue_state machine; fx_core_check() after every call.
 */
#include "fxtest.h"

#include <errno.h>
#include <limits.h>

#include "futex_int.h"

#define P	FX_PRIVATE_FLAG
#define WAIT	(FX_OP_WAIT | P)
#define WAKE	(FX_OP_WAKE | P)
#define REQ	(FX_OP_REQUEUE | P)
#define CMPREQ	(FX_OP_CMP_REQUEUE | P)
#define WRPI	(FX_OP_WAIT_REQUEUE_PI | P)
#define CRPI	(FX_OP_CMP_REQUEUE_PI | P)
#define LOCK	(FX_OP_LOCK_PI | P)
#define UNLOCK	(FX_OP_UNLOCK_PI | P)
#define F1	FXT_W(0)
#define F2	FXT_W(1)
#define F3	FXT_W(2)
#define NW	10

/* the fixture's core (fxt_setup/fxt_teardown) */
#define core	fxt_core
#define setup	fxt_setup
#define teardown fxt_teardown

static uint32_t tid(const struct fx_task *t)
{
	return (uint32_t)fx_task_tid(t);
}

static long cmp_requeue_pi(struct fx_task *t, int nr_requeue, uint32_t cmp)
{
	return fxt_futex(t, F1, CRPI, 1, (uint64_t)(unsigned)nr_requeue, F2,
			 cmp);
}

static void wait_rq_pi(struct fx_task *t, uint64_t to)
{
	fxt_futex_sleeps(t, F1, WRPI, 0, to, F2, 0);
}

/* threads 101.. of process 100, optionally SCHED_FIFO */
static struct fx_task *mk(struct fx_task **w, int n, int fifo)
{
	struct fx_task *a = fxt_proc(core, 100);

	for (int i = 0; i < n; i++) {
		w[i] = fxt_thread(a, 101 + i);
		if (fifo)
			assert_int_equal(fx_task_setsched(w[i], FX_SCHED_FIFO,
							  fifo), 0);
	}
	return a;
}

/* ---- tools/testing/selftests/futex/functional/futex_requeue.c ---- */

static void test_selftest_requeue(void **state)
{
	struct fx_task *w[NW], *a = mk(w, NW, 0);

	(void)state;
	fxt_futex_sleeps(w[0], F1, WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, 0, 1, F2, 0), 1);
	assert_int_equal(fxt_res.nrequeued, 1);
	assert_int_equal(fxt_res.nwoken, 0);
	assert_int_equal(fxt_futex(a, F2, WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w[0]), 0);

	for (int i = 0; i < NW; i++)
		fxt_futex_sleeps(w[i], F1, WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, 3, 7, F2, 0), 10);
	assert_int_equal(fxt_res.nwoken, 3);
	assert_int_equal(fxt_res.nrequeued, 7);
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(fxt_res.woken[i], w[i]);
	assert_int_equal(fxt_futex(a, F2, WAKE, INT_MAX, 0, 0, 0), 7);
	for (int i = 0; i < NW; i++)
		assert_int_equal(fxt_resume(w[i]), 0);
}

static void test_requeue_errors(void **state)
{
	struct fx_task *w[2], *a = mk(w, 2, 0);

	(void)state;
	fxt_futex_sleeps(w[0], F1, WAIT, 0, 0, 0, 0);
	fxt_put32(a, F1, 5);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, 0, 1, F2, 0), -EAGAIN);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, -1, 1, F2, 5), -EINVAL);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, 0, -1, F2, 5), -EINVAL);
	/* a private key needs no mapping; a shared one does */
	assert_int_equal(fxt_futex(a, F1, FX_OP_CMP_REQUEUE, 0, 1,
				   FXT_UNMAPPED, 5), -EFAULT);
	/* plain REQUEUE ignores the value; uaddr1 == uaddr2 is allowed */
	assert_int_equal(fxt_futex(a, F1, REQ, 0, 1, F1, 0), 1);
	assert_int_equal(fxt_futex(a, F1, REQ, 0, 1, F2, 0), 1);
	/* nr_wake 0 and nr_requeue 0: nothing happens */
	assert_int_equal(fxt_futex(a, F2, CMPREQ, 0, 0, F1, 0), 0);
	assert_int_equal(fx_futex_waiters(a, F2, FX2_PRIVATE), 1);
	assert_int_equal(fxt_futex(a, F2, WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w[0]), 0);
}

/* moved waiters go behind equal-prio waiters already on the target */
static void test_requeue_order(void **state)
{
	struct fx_task *w[5], *a = mk(w, 5, 0);

	(void)state;
	assert_int_equal(fx_task_setsched(w[4], FX_SCHED_FIFO, 1), 0);
	fxt_futex_sleeps(w[0], F2, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[1], F2, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[2], F1, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[3], F1, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[4], F1, WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, F1, REQ, 0, INT_MAX, F2, 0), 3);
	/* the RT waiter first, then FIFO: old ones, then the moved ones */
	static const int order[5] = { 4, 0, 1, 2, 3 };
	for (int i = 0; i < 5; i++) {
		assert_int_equal(fxt_futex(a, F2, WAKE, 1, 0, 0, 0), 1);
		assert_ptr_equal(fxt_res.woken[0], w[order[i]]);
		assert_int_equal(fxt_resume(w[order[i]]), 0);
	}
}

/* requeue within one bucket keeps the chain position */
static void test_requeue_same_bucket(void **state)
{
	struct fx_task *w[3], *a = mk(w, 3, 0);
	struct fx_hash_info i1, i2;
	uint64_t f2 = 0;

	(void)state;
	assert_int_equal(fx_futex_locate(a, F1, FX2_PRIVATE, &i1), 0);
	for (unsigned i = 1; i < 1000 && !f2; i++) {
		assert_int_equal(fx_futex_locate(a, FXT_W(i), FX2_PRIVATE,
						 &i2), 0);
		if (i2.table == i1.table && i2.bucket == i1.bucket)
			f2 = FXT_W(i);
	}
	assert_true(f2 != 0);
	fxt_futex_sleeps(w[0], F1, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[1], f2, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[2], F1, WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, 0, INT_MAX, f2, 0), 2);
	assert_int_equal(fxt_res.nbuckets, 1);
	/* w0 stayed ahead of w1 */
	static const int order[3] = { 0, 1, 2 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fxt_futex(a, f2, WAKE, 1, 0, 0, 0), 1);
		assert_ptr_equal(fxt_res.woken[0], w[order[i]]);
		assert_int_equal(fxt_resume(w[order[i]]), 0);
	}
}

/* a PI or requeue-PI waiter met by a plain requeue: EINVAL after wakes */
static void test_requeue_meets_pi(void **state)
{
	struct fx_task *w[4], *a = mk(w, 4, 0);

	(void)state;
	fxt_futex_sleeps(w[0], F1, WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(w[1], F1, WAIT, 0, 0, 0, 0);
	wait_rq_pi(w[2], 0);
	fxt_futex_sleeps(w[3], F1, WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, F1, CMPREQ, 1, INT_MAX, F3, 0),
			 -EINVAL);
	assert_int_equal(fxt_res.nwoken, 1);
	assert_int_equal(fxt_res.nrequeued, 1);
	assert_int_equal(fxt_resume(w[0]), 0);
	assert_int_equal(fx_futex_waiters(a, F3, FX2_PRIVATE), 1);
	assert_int_equal(fx_futex_waiters(a, F1, FX2_PRIVATE), 2);
	/* a PI lock waiter on F2 */
	assert_int_equal(fxt_futex(a, F2, LOCK, 0, 0, 0, 0), 0);
	fxt_futex_sleeps(w[0], F2, LOCK, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, F2, REQ, 0, 1, F3, 0), -EINVAL);
	/* FUTEX_WAKE on the requeue-PI waiter: EINVAL too */
	assert_int_equal(fxt_futex(a, F1, WAKE, 1, 0, 0, 0), -EINVAL);
	/* drain */
	assert_int_equal(fxt_futex(a, F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_resume(w[0]), 0);
	assert_int_equal(fxt_futex(w[0], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, F3, WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w[1]), 0);
	assert_int_equal(cmp_requeue_pi(a, 0, 0), 1);
	assert_int_equal(fxt_resume(w[2]), 0);
	assert_int_equal(fxt_get32(a, F2), tid(w[2]));
	assert_int_equal(fxt_futex(w[2], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, F1, WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w[3]), 0);
}

/* futex2 futex_requeue: each side has its own flags */
static void test_futex2_requeue(void **state)
{
	struct fx_task *w[1], *a = mk(w, 1, 0);
	uint64_t v = FXT_SCRATCH;

	(void)state;
	fxt_futex_sleeps(w[0], F1, WAIT, 0, 0, 0, 0);
	fxt_waitv(a, v, 0, 1, F1, FX2_SIZE_U32 | FX2_PRIVATE, 0);
	fxt_waitv(a, v, 1, 0, F2, FX2_SIZE_U32, 0);	/* shared */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, v, 0, 0, 1, 0, 0),
			 -EAGAIN);
	fxt_waitv(a, v, 0, 0, F1, FX2_SIZE_U32 | FX2_PRIVATE, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, v, 0, 0, 1, 0, 0),
			 1);
	/* now on the shared key: a private wake misses it */
	assert_int_equal(fxt_futex(a, F2, WAKE, 1, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, F2, FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w[0]), 0);
}

/* ---- requeue-PI ---- */

static void test_rqpi_errors(void **state)
{
	struct fx_task *w[2], *a = mk(w, 2, 0);

	(void)state;
	/* waiter side */
	assert_int_equal(fxt_futex(w[0], F1, WRPI, 0, 0, F1, 0), -EINVAL);
	assert_int_equal(fxt_futex(w[0], F1, WRPI, 1, 0, F2, 0),
			 -EWOULDBLOCK);
	assert_int_equal(fxt_futex(w[0], FXT_UNMAPPED, WRPI, 0, 0, F2, 0),
			 -EFAULT);
	/* requeue side */
	wait_rq_pi(w[0], 0);
	assert_int_equal(fxt_futex(a, F1, CRPI, 1, 0, F1, 0), -EINVAL);
	assert_int_equal(fxt_futex(a, F1, CRPI, 2, 0, F2, 0), -EINVAL);
	assert_int_equal(fxt_futex(a, F1, CRPI, 0, 1, F2, 0), -EINVAL);
	assert_int_equal(fxt_futex(a, F1, CRPI, 1, -1, F2, 0), -EINVAL);
	assert_int_equal(cmp_requeue_pi(a, 1, 7), -EAGAIN);
	/* requeue_pi_key mismatch: the waiter expects F2 */
	assert_int_equal(fxt_futex(a, F1, CRPI, 1, 1, F3, 0), -EINVAL);
	/* PI word names a dead task: ESRCH, waiter untouched */
	fxt_put32(a, F2, 4242);
	assert_int_equal(cmp_requeue_pi(a, 1, 0), -ESRCH);
	assert_int_equal(fxt_get32(a, F2), 4242 | FX_WAITERS);
	assert_int_equal(w[0]->q.requeue_state, FX_RQ_NONE);
	/* the waiter owns the PI futex itself: EDEADLK */
	fxt_put32(a, F2, tid(w[0]));
	assert_int_equal(cmp_requeue_pi(a, 1, 0), -EDEADLK);
	assert_int_equal(w[0]->q.requeue_state, FX_RQ_NONE);
	fxt_put32(a, F2, 0);
	assert_int_equal(cmp_requeue_pi(a, 1, 0), 1);
	assert_int_equal(fxt_resume(w[0]), 0);
	/* nr_requeue > 0 forces WAITERS even with nobody left to requeue */
	assert_int_equal(fxt_get32(a, F2), tid(w[0]) | FX_WAITERS);
	assert_int_equal(fxt_futex(w[0], F2, UNLOCK, 0, 0, 0, 0), 0);
}

/* a second waiter already owns the PI futex: EDEADLK in the loop */
static void test_rqpi_deadlock_in_loop(void **state)
{
	struct fx_task *w[2], *a = mk(w, 2, 0);

	(void)state;
	assert_int_equal(fxt_futex(w[1], F2, LOCK, 0, 0, 0, 0), 0);
	wait_rq_pi(w[0], 0);
	wait_rq_pi(w[1], 0);
	assert_int_equal(cmp_requeue_pi(a, INT_MAX, 0), -EDEADLK);
	assert_int_equal(w[0]->q.requeue_state, FX_RQ_DONE);
	assert_int_equal(w[1]->q.requeue_state, FX_RQ_NONE);
	assert_int_equal(fx_futex_waiters(a, F1, FX2_PRIVATE), 1);
	assert_int_equal(fx_futex_waiters(a, F2, FX2_PRIVATE), 1);
	/* a signal restarts w1's wait: still on F1, state rewound */
	assert_int_equal(fx_task_signal(w[1], 0), 1);
	fxt_resume_sleeps(w[1]);
	assert_true(fxt_res.restarted);
	/* now w1 is the top waiter: the atomic step sees its own TID */
	assert_int_equal(cmp_requeue_pi(a, INT_MAX, 0), -EDEADLK);
	assert_int_equal(w[1]->q.requeue_state, FX_RQ_NONE);
}

/* futex_requeue_pi_mismatched_ops.c */
static void test_rqpi_mismatched_ops(void **state)
{
	struct fx_task *w[1], *a = mk(w, 1, 0);

	(void)state;
	fxt_futex_sleeps(w[0], F1, WAIT, 0, 0, 0, 0);
	assert_int_equal(cmp_requeue_pi(a, 1, 0), -EINVAL);
	assert_int_equal(fxt_futex(a, F1, WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w[0]), 0);
}

/* drain: every woken waiter returns @expect owning F2, then unlocks */
static void drain_owners(struct fx_task *a, struct fx_task **w, int n)
{
	for (int done = 0; done < n;) {
		int progressed = 0;

		for (int i = 0; i < n; i++) {
			if (fx_task_state(w[i]) != FX_TASK_WOKEN)
				continue;
			assert_int_equal(fxt_resume(w[i]), 0);
			assert_int_equal(fxt_get32(a, F2) & FX_TID_MASK,
					 tid(w[i]));
			assert_int_equal(fxt_futex(w[i], F2, UNLOCK, 0, 0, 0,
						   0), 0);
			done++;
			progressed = 1;
		}
		if (!progressed)
			fail_msg("no waiter woken, %d of %d done", done, n);
	}
	assert_int_equal(fxt_get32(a, F2), 0);
	assert_int_equal(fx_futex_waiters(a, F1, FX2_PRIVATE), 0);
	assert_int_equal(fx_futex_waiters(a, F2, FX2_PRIVATE), 0);
}

/* futex_requeue_pi.c default: signal-style, nr_requeue 0, repeated */
static void test_rqpi_signal_style(void **state)
{
	struct fx_task *w[NW], *a = mk(w, NW, 1);

	(void)state;
	for (int i = 0; i < NW; i++)
		wait_rq_pi(w[i], 0);
	/* the first ones run before the next signal */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cmp_requeue_pi(a, 0, 0), 1);
		assert_true(fxt_woken(w[i]));
		assert_int_equal(w[i]->q.requeue_state, FX_RQ_LOCKED);
		assert_int_equal(fxt_get32(a, F2), tid(w[i]));
		assert_int_equal(fxt_resume(w[i]), 0);
		assert_int_equal(fxt_futex(w[i], F2, UNLOCK, 0, 0, 0, 0), 0);
	}
	/* the rest are signalled before anybody runs: one locks, the others
	 * are requeued onto the PI futex one by one */
	for (int i = 3; i < NW; i++)
		assert_int_equal(cmp_requeue_pi(a, 0, 0), 1);
	assert_int_equal(w[3]->q.requeue_state, FX_RQ_LOCKED);
	for (int i = 4; i < NW; i++)
		assert_int_equal(w[i]->q.requeue_state, FX_RQ_DONE);
	assert_int_equal(cmp_requeue_pi(a, 0, 0), 0);	/* nobody left */
	drain_owners(a, w + 3, NW - 3);
}

/* -b: broadcast */
static void test_rqpi_broadcast(void **state)
{
	struct fx_task *w[NW], *a = mk(w, NW, 1);

	(void)state;
	for (int i = 0; i < NW; i++)
		wait_rq_pi(w[i], 0);
	assert_int_equal(cmp_requeue_pi(a, INT_MAX, 0), NW);
	assert_int_equal(fxt_res.nwoken, 1);
	assert_int_equal(fxt_res.nrequeued, NW - 1);
	/* WAITERS forced for the atomic take because more were requeued */
	assert_int_equal(fxt_get32(a, F2), tid(w[0]) | FX_WAITERS);
	drain_owners(a, w, NW);
}

/* -l (the waker holds f2) and -o (a third party holds f2) */
static void rqpi_held(int broadcast, int third_party)
{
	struct fx_task *w[NW], *a = mk(w, NW, 1);
	struct fx_task *o = third_party ? fxt_thread(a, 200) : a;

	for (int i = 0; i < NW; i++)
		wait_rq_pi(w[i], 0);
	assert_int_equal(fxt_futex(o, F2, LOCK, 0, 0, 0, 0), 0);
	if (broadcast) {
		assert_int_equal(cmp_requeue_pi(a, INT_MAX, 0), NW);
		assert_int_equal(fxt_res.nwoken, 0);
		assert_int_equal(fxt_res.nrequeued, NW);
	} else {
		for (int i = 0; i < NW; i++) {
			assert_int_equal(cmp_requeue_pi(a, 0, 0), 1);
			assert_int_equal(fxt_res.nrequeued, 1);
		}
	}
	/* the owner is boosted by the FIFO waiters */
	assert_int_equal(fx_task_prio(o), 98);
	assert_int_equal(fxt_get32(a, F2), tid(o) | FX_WAITERS);
	assert_int_equal(fxt_futex(o, F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fx_task_prio(o), 120);
	assert_true(fxt_woken(w[0]));
	drain_owners(a, w, NW);
}

static void test_rqpi_locked_by_waker(void **state)
{
	(void)state;
	rqpi_held(0, 0);
	fx_core_free(core);
	core = fxt_core_new();
	rqpi_held(1, 0);
}

static void test_rqpi_third_party(void **state)
{
	(void)state;
	rqpi_held(0, 1);
	fx_core_free(core);
	core = fxt_core_new();
	rqpi_held(1, 1);
}

/* -t: timeouts before and after the requeue */
static void test_rqpi_timeout(void **state)
{
	struct fx_task *w[4], *a = mk(w, 4, 1);
	uint64_t ts = fxt_ts(a, FXT_SCRATCH, 1, 0);

	(void)state;
	for (int i = 0; i < 4; i++)
		wait_rq_pi(w[i], ts);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_MONO);
	/* w0 times out and runs before any requeue: IGNORE */
	assert_int_equal(fx_task_timeout(w[0]), 1);
	assert_int_equal(fxt_resume(w[0]), -ETIMEDOUT);
	assert_int_equal(w[0]->q.requeue_state, FX_RQ_IGNORE);
	/* w1 times out but has not run when the requeue comes: it is still
	 * NONE and queued, and gets the lock -- acquisition wins */
	assert_int_equal(fx_task_timeout(w[1]), 1);
	assert_int_equal(fxt_futex(a, F2, LOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(cmp_requeue_pi(a, INT_MAX, 0), 3);
	assert_int_equal(w[1]->q.requeue_state, FX_RQ_LOCKED);
	assert_int_equal(fxt_resume(w[1]), 0);
	assert_int_equal(fxt_get32(a, F2), tid(w[1]) | FX_WAITERS);
	/* w2 times out while blocked on the PI futex: ETIMEDOUT */
	assert_int_equal(fx_task_timeout(w[2]), 1);
	assert_int_equal(fxt_resume(w[2]), -ETIMEDOUT);
	assert_int_equal(fxt_get32(a, F2), tid(w[1]) | FX_WAITERS);
	assert_int_equal(fxt_futex(w[1], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_true(fxt_woken(w[3]));
	assert_int_equal(fxt_resume(w[3]), 0);
	assert_int_equal(fxt_futex(w[3], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, F2), 0);
}

/* futex_requeue_pi_signal_restart.c */
static void test_rqpi_signal_restart(void **state)
{
	struct fx_task *w[1], *a = mk(w, 1, 0);

	(void)state;
	wait_rq_pi(w[0], 0);
	/* before the requeue: restarted transparently, waits again */
	assert_int_equal(fx_task_signal(w[0], 0), 1);
	fxt_resume_sleeps(w[0]);
	assert_true(fxt_res.restarted);
	assert_int_equal(fx_futex_waiters(a, F1, FX2_PRIVATE), 1);
	/* main holds f2; requeue (1, 0) moves the waiter onto it */
	assert_int_equal(fxt_futex(a, F2, LOCK, 0, 0, 0, 0), 0);
	assert_int_equal(cmp_requeue_pi(a, 0, 0), 1);
	assert_int_equal(fxt_res.nwoken, 0);
	assert_int_equal(w[0]->q.requeue_state, FX_RQ_DONE);
	/* after the requeue: EWOULDBLOCK, not restarted */
	assert_int_equal(fx_task_signal(w[0], 0), 1);
	assert_int_equal(fxt_resume(w[0]), -EWOULDBLOCK);
	assert_false(fxt_res.restarted);
	assert_int_equal(fxt_get32(a, F2), tid(a) | FX_WAITERS);
	assert_int_equal(fxt_futex(a, F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, F2), 0);
}

/* a requeued waiter woken by a signal after the lock was handed to it */
static void test_rqpi_late_acquire(void **state)
{
	struct fx_task *w[2], *a = mk(w, 2, 0);

	(void)state;
	assert_int_equal(fxt_futex(a, F2, LOCK, 0, 0, 0, 0), 0);
	wait_rq_pi(w[0], 0);
	wait_rq_pi(w[1], 0);
	assert_int_equal(cmp_requeue_pi(a, INT_MAX, 0), 2);
	assert_int_equal(fxt_futex(a, F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_true(fxt_woken(w[0]));
	assert_int_equal(fx_task_signal(w[0], 0), 0);
	assert_int_equal(fxt_resume(w[0]), 0);	/* acquired overrides */
	assert_int_equal(fxt_get32(a, F2), tid(w[0]) | FX_WAITERS);
	assert_int_equal(fxt_futex(w[0], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_resume(w[1]), 0);
	assert_int_equal(fxt_futex(w[1], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, F2), 0);
}

/* the requeue steals a pending handoff for a higher-prio waiter: LOCKED
 * with a pi_state, the waiter's fixup rewrites the word */
static void test_rqpi_steal_in_loop(void **state)
{
	struct fx_task *w[3], *a = mk(w, 3, 0);

	(void)state;
	assert_int_equal(fx_task_setsched(w[2], FX_SCHED_FIFO, 5), 0);
	assert_int_equal(fxt_futex(a, F2, LOCK, 0, 0, 0, 0), 0);
	fxt_futex_sleeps(w[0], F2, LOCK, 0, 0, 0, 0);
	wait_rq_pi(w[2], 0);
	assert_int_equal(fxt_futex(a, F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, F2), tid(w[0]) | FX_WAITERS);
	assert_int_equal(cmp_requeue_pi(a, 0, 0), 1);
	assert_int_equal(fxt_res.nrequeued, 0);
	assert_true(fxt_woken(w[2]));
	assert_int_equal(w[2]->q.requeue_state, FX_RQ_LOCKED);
	/* the word still names w0 until w2 runs */
	assert_int_equal(fxt_get32(a, F2), tid(w[0]) | FX_WAITERS);
	assert_int_equal(fxt_resume(w[2]), 0);
	assert_int_equal(fxt_get32(a, F2), tid(w[2]) | FX_WAITERS);
	fxt_resume_sleeps(w[0]);
	assert_int_equal(fxt_futex(w[2], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_resume(w[0]), 0);
	assert_int_equal(fxt_futex(w[0], F2, UNLOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, F2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_selftest_requeue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_same_bucket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requeue_meets_pi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_futex2_requeue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_deadlock_in_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_mismatched_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_signal_style, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_locked_by_waker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_third_party, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_signal_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_late_acquire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rqpi_steal_in_loop, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
