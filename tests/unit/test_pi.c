// SPDX-License-Identifier: MIT
/*
 * test_pi.c - PI futexes (sim/futex_pi.c, sim/futex_rtmutex.c): the word
 * protocol, every error path, rt-mutex order, boosting along chains,
 * deadlock detection, handoff and steal, owner death, timeouts and
 * signals; driven through fx_syscall() with fx_core_check() after every
 * call (the fxtest helpers do that).
 */
#include "fxtest.h"

#include <errno.h>

#include "futex_int.h"	/* white-box: pi_state list, rt-mutex state */

#define P	FX_PRIVATE_FLAG
#define LOCK	(FX_OP_LOCK_PI | P)
#define LOCK2	(FX_OP_LOCK_PI2 | P)
#define TRY	(FX_OP_TRYLOCK_PI | P)
#define UNLOCK	(FX_OP_UNLOCK_PI | P)
#define W	FXT_W(0)
#define W2	FXT_W(1)
#define W3	FXT_W(2)

/* the fixture's core (fxt_setup/fxt_teardown) */
#define core	fxt_core
#define setup	fxt_setup
#define teardown fxt_teardown

static long lock(struct fx_task *t, uint64_t w)
{
	return fxt_futex(t, w, LOCK, 0, 0, 0, 0);
}

static void lock_sleeps(struct fx_task *t, uint64_t w)
{
	fxt_futex_sleeps(t, w, LOCK, 0, 0, 0, 0);
}

static long unlock(struct fx_task *t, uint64_t w)
{
	return fxt_futex(t, w, UNLOCK, 0, 0, 0, 0);
}

static uint32_t tid(const struct fx_task *t)
{
	return (uint32_t)fx_task_tid(t);
}

static unsigned nr_pi_states(void)
{
	struct fx_pi_state *ps;
	unsigned n = 0;

	list_for_each_entry(ps, &core->pi_states, all)
		n++;
	return n;
}

static void set_fifo(struct fx_task *t, int rt_prio)
{
	assert_int_equal(fx_task_setsched(t, FX_SCHED_FIFO, rt_prio), 0);
	assert_int_equal(fx_core_check(core), 0);
}

/* ---- uncontended protocol ---- */

static void test_uncontended(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	assert_int_equal(fxt_get32(a, W), tid(a));
	assert_int_equal(nr_pi_states(), 0);
	/* recursive lock: EDEADLK, also for trylock */
	assert_int_equal(lock(a, W), -EDEADLK);
	assert_int_equal(fxt_futex(a, W, TRY, 0, 0, 0, 0), -EDEADLK);
	/* non-owner unlock */
	assert_int_equal(unlock(b, W), -EPERM);
	/* contended trylock */
	assert_int_equal(fxt_futex(b, W, TRY, 0, 0, 0, 0), -EWOULDBLOCK);
	assert_int_equal(fxt_get32(a, W), tid(a) | FX_WAITERS);
	assert_int_equal(nr_pi_states(), 0);	/* last ref dropped */
	/* no kernel waiters: UNLOCK_PI clears TID and WAITERS */
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
	assert_int_equal(unlock(a, W), -EPERM);
	/* stale OWNER_DIED is kept by the atomic take, dropped by unlock */
	fxt_put32(a, W, FX_OWNER_DIED);
	assert_int_equal(fxt_futex(b, W, TRY, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_OWNER_DIED);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
	/* EFAULT on an unmapped word */
	assert_int_equal(fxt_futex(a, FXT_UNMAPPED, LOCK, 0, 0, 0, 0),
			 -EFAULT);
	assert_int_equal(fxt_futex(a, FXT_UNMAPPED, UNLOCK, 0, 0, 0, 0),
			 -EFAULT);
}

/* ---- handoff between waiters ---- */

static void test_contended_handoff(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	lock_sleeps(b, W);
	assert_int_equal(fxt_get32(a, W), tid(a) | FX_WAITERS);
	assert_int_equal(nr_pi_states(), 1);
	lock_sleeps(c, W);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fxt_res.nwoken, 1);
	assert_true(fxt_woken(b));
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	/* the old owner can no longer unlock */
	assert_int_equal(unlock(a, W), -EPERM);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	assert_int_equal(unlock(b, W), 0);
	assert_true(fxt_woken(c));
	assert_int_equal(fxt_resume(c), 0);
	/* WAITERS stays while the pi_state lives; here it is gone */
	assert_int_equal(fxt_get32(a, W), tid(c) | FX_WAITERS);
	assert_int_equal(nr_pi_states(), 0);
	assert_int_equal(unlock(c, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
}

/* ---- error paths of the atomic step and of unlock ---- */

static void test_mismatched_ops(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	/* plain waiter on the word: LOCK_PI finds it -> EINVAL */
	fxt_futex_sleeps(b, W, FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(lock(a, W), -EINVAL);
	assert_int_equal(fxt_get32(a, W), 0);
	/* and UNLOCK_PI of a word we "own" with a plain waiter: EINVAL */
	fxt_put32(a, W2, tid(a));
	fxt_futex_sleeps(c, W2, FX_OP_WAIT | P, tid(a), 0, 0, 0);
	assert_int_equal(unlock(a, W2), -EINVAL);
	assert_int_equal(fxt_futex(a, W, FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_futex(a, W2, FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(c), 0);

	/* the other way: a PI waiter met by FUTEX_WAKE -> EINVAL */
	assert_int_equal(lock(a, W3), 0);
	lock_sleeps(b, W3);
	assert_int_equal(fxt_futex(c, W3, FX_OP_WAKE | P, 1, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(unlock(a, W3), 0);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(unlock(b, W3), 0);
}

static void test_inconsistent_word(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102), *d = fxt_thread(a, 103);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	lock_sleeps(b, W);
	/* user space scribbles another TID over the word: EINVAL */
	fxt_put32(a, W, tid(c) | FX_WAITERS);
	assert_int_equal(lock(d, W), -EINVAL);
	assert_int_equal(lock(c, W), -EDEADLK);	/* checked first */
	/* unlock by c (TID matches) but the pi_state is a's: EINVAL */
	assert_int_equal(unlock(c, W), -EINVAL);
	/* OWNER_DIED with TID 0 while the pi_state has an owner: attach ok */
	fxt_put32(a, W, FX_OWNER_DIED | FX_WAITERS);
	lock_sleeps(c, W);
	/* OWNER_DIED with a TID that is not the owner: EINVAL */
	fxt_put32(a, W, FX_OWNER_DIED | FX_WAITERS | 4242);
	assert_int_equal(lock(d, W), -EINVAL);
	/* repair and drain */
	fxt_put32(a, W, tid(a) | FX_WAITERS);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(unlock(c, W), 0);
}

static void test_esrch(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	struct fx_result r;

	(void)state;
	/* no such task: WAITERS was set before the lookup failed */
	fxt_put32(a, W, 4242);
	assert_int_equal(lock(a, W), -ESRCH);
	assert_int_equal(fxt_get32(a, W), 4242 | FX_WAITERS);
	assert_int_equal(fxt_futex(a, W, TRY, 0, 0, 0, 0), -ESRCH);
	/* a dead owner that left its TID behind (no robust list) */
	assert_int_equal(lock(b, W2), 0);
	assert_int_equal(fx_task_exit(b, &r), 0);
	assert_int_equal(fx_task_state(b), FX_TASK_DEAD);
	assert_int_equal(fxt_get32(a, W2), tid(b));
	assert_int_equal(lock(a, W2), -ESRCH);
	assert_int_equal(fxt_get32(a, W2), tid(b) | FX_WAITERS);
	assert_int_equal(nr_pi_states(), 0);
}

/* ---- rt-mutex order ---- */

static void test_rt_order(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *w[5];
	static const int prio[5] = { 0, 10, 0, 20, 10 };
	/* expected hand-off order: FIFO 20, FIFO 10 (first), FIFO 10, then
	 * the non-RT ones in arrival order */
	static const int order[5] = { 3, 1, 4, 0, 2 };

	(void)state;
	assert_int_equal(lock(a, W), 0);
	for (int i = 0; i < 5; i++) {
		w[i] = fxt_thread(a, 101 + i);
		if (prio[i])
			set_fifo(w[i], prio[i]);
		lock_sleeps(w[i], W);
	}
	assert_int_equal(fx_task_prio(a), 99 - 20);	/* boosted */
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fx_task_prio(a), 120);
	for (int i = 0; i < 5; i++) {
		struct fx_task *t = w[order[i]];

		assert_true(fxt_woken(t));
		assert_int_equal(fxt_get32(a, W), tid(t) | FX_WAITERS);
		assert_int_equal(fxt_resume(t), 0);
		assert_int_equal(unlock(t, W), 0);
	}
	assert_int_equal(fxt_get32(a, W), 0);
}

/* ---- boosting through a chain, and de-boost ---- */

static void test_boost_chain(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(lock(a, W), 0);	/* A owns L1 */
	assert_int_equal(lock(b, W2), 0);	/* B owns L2 */
	lock_sleeps(b, W);			/* B -> L1 (A) */
	assert_int_equal(fx_task_prio(a), 120);
	set_fifo(c, 50);
	fxt_futex_sleeps(c, W2, LOCK, 0, fxt_ts(c, FXT_SCRATCH, 9, 0), 0, 0);
	assert_int_equal(fx_task_prio(b), 49);
	assert_int_equal(fx_task_prio(a), 49);	/* through the chain */
	/* raising C re-boosts the whole chain */
	set_fifo(c, 60);
	assert_int_equal(fx_task_prio(b), 39);
	assert_int_equal(fx_task_prio(a), 39);
	/* C times out: de-boost all the way */
	assert_int_equal(fx_task_timeout(c), 1);
	assert_int_equal(fxt_resume(c), -ETIMEDOUT);
	assert_int_equal(fx_task_prio(b), 120);
	assert_int_equal(fx_task_prio(a), 120);
	assert_int_equal(fxt_get32(a, W2), tid(b) | FX_WAITERS);
	/* boost again, then release from the bottom */
	fxt_futex_sleeps(c, W2, LOCK, 0, 0, 0, 0);
	assert_int_equal(fx_task_prio(a), 39);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fx_task_prio(a), 120);
	assert_int_equal(fxt_resume(b), 0);	/* B owns L1 and L2 */
	assert_int_equal(fx_task_prio(b), 39);
	assert_int_equal(unlock(b, W2), 0);
	assert_int_equal(fx_task_prio(b), 120);
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(unlock(c, W2), 0);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
	assert_int_equal(fxt_get32(a, W2), 0);
}

/* ---- deadlock detection ---- */

static void test_deadlock(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	/* A -> B -> A */
	assert_int_equal(lock(a, W), 0);
	assert_int_equal(lock(b, W2), 0);
	lock_sleeps(a, W2);
	assert_int_equal(lock(b, W), -EDEADLK);
	assert_int_equal(fxt_get32(a, W), tid(a) | FX_WAITERS);
	assert_int_equal(fx_task_prio(a), 120);
	/* three tasks: A -> B -> C -> A */
	assert_int_equal(lock(c, W3), 0);
	lock_sleeps(b, W3);
	set_fifo(c, 5);
	assert_int_equal(lock(c, W), -EDEADLK);
	assert_int_equal(fx_task_prio(a), 120);
	assert_int_equal(fx_task_prio(b), 120);
	/* unwind: C releases L3 -> B; B releases L2 -> A */
	assert_int_equal(unlock(c, W3), 0);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(unlock(b, W2), 0);
	assert_int_equal(fxt_resume(a), 0);
	assert_int_equal(unlock(a, W2), 0);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(unlock(b, W3), 0);
	assert_int_equal(nr_pi_states(), 0);
}

/* a chain deeper than max_lock_depth (1024) is reported as EDEADLK */
static void test_max_lock_depth(void **state)
{
	enum { N = FX_MAX_LOCK_DEPTH + 3 };
	static struct fx_task *t[N];
	struct fx_result r;
	uint64_t a[6] = { 0, LOCK, 0, 0, 0, 0 };

	(void)state;
	t[0] = fxt_proc(core, 100);
	for (int i = 1; i < N; i++)
		t[i] = fxt_thread(t[0], 100 + i);
	/* T_i owns L_i ... */
	for (int i = 0; i < N; i++) {
		a[0] = FXT_W(i);
		assert_int_equal(fx_syscall(t[i], FX_SYS_FUTEX, a, &r),
				 FX_DONE);
		assert_int_equal(r.ret, 0);
	}
	/* ... and blocks on L_{i-1}: that walk visits i-1 waiters; 1025
	 * (T_{N-1}, the last) is one more than max_lock_depth */
	for (int i = 1; i < N - 1; i++) {
		a[0] = FXT_W(i - 1);
		assert_int_equal(fx_syscall(t[i], FX_SYS_FUTEX, a, &r),
				 FX_SLEEPING);
	}
	fxt_check(core);
	a[0] = FXT_W(N - 2);
	assert_int_equal(fx_syscall(t[N - 1], FX_SYS_FUTEX, a, &r), FX_DONE);
	assert_int_equal(r.ret, -EDEADLK);
	fxt_check(core);
	/* a boost from the far end is also cut at max_lock_depth: T_1 is
	 * the last one reached, T_0 keeps its prio */
	set_fifo(t[N - 2], 1);
	assert_int_equal(fx_task_prio(t[2]), 98);
	assert_int_equal(fx_task_prio(t[1]), 98);
	assert_int_equal(fx_task_prio(t[0]), 120);
}

/* ---- steal during a pending handoff ---- */

static void test_steal(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102), *d = fxt_thread(a, 103);

	(void)state;
	set_fifo(b, 10);
	set_fifo(c, 20);
	set_fifo(d, 10);
	assert_int_equal(lock(a, W), 0);
	lock_sleeps(b, W);
	assert_int_equal(unlock(a, W), 0);	/* handoff to B pending */
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	/* equal prio: no lateral steal, D queues behind B */
	lock_sleeps(d, W);
	assert_int_equal(fx_task_prio(b), 99 - 10);
	/* C is strictly higher: takes it now, word fixed to C */
	assert_int_equal(lock(c, W), 0);
	assert_int_equal(fxt_get32(a, W), tid(c) | FX_WAITERS);
	assert_int_equal(unlock(a, W), -EPERM);
	/* B runs, finds C owning the lock, sleeps again */
	fxt_resume_sleeps(b);
	assert_int_equal(fx_task_prio(c), 99 - 20);
	assert_int_equal(unlock(c, W), 0);
	assert_true(fxt_woken(b));
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	/* TRYLOCK by a higher task steals too */
	assert_int_equal(fxt_futex(c, W, TRY, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, W), tid(c) | FX_WAITERS);
	fxt_resume_sleeps(b);
	assert_int_equal(unlock(c, W), 0);
	/* TRYLOCK by an equal task during the handoff fails */
	assert_int_equal(fxt_futex(a, W, TRY, 0, 0, 0, 0), -EWOULDBLOCK);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_resume(d), 0);
	assert_int_equal(unlock(d, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
}

/* a timed-out waiter that finds the lock handed to it keeps it */
static void test_acquired_overrides_timeout(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	fxt_futex_sleeps(b, W, LOCK, 0, fxt_ts(b, FXT_SCRATCH, 5, 0), 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_REAL);
	assert_false(fxt_res.timer.slack);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fx_task_timeout(b), 0);	/* already woken */
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	/* signal after the handoff: acquired as well */
	lock_sleeps(c, W);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fx_task_signal(c, 0), 0);
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(unlock(c, W), 0);
}

static void test_timeout(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	fxt_futex_sleeps(b, W, LOCK, 0, fxt_ts(b, FXT_SCRATCH, 1, 0), 0, 0);
	lock_sleeps(c, W);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);
	assert_int_equal(fxt_get32(a, W), tid(a) | FX_WAITERS);
	assert_int_equal(unlock(a, W), 0);
	assert_true(fxt_woken(c));
	assert_false(fxt_woken(b));
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(unlock(c, W), 0);
	/* the last waiter timing out leaves WAITERS; unlock clears it */
	assert_int_equal(lock(a, W), 0);
	fxt_futex_sleeps(b, W, LOCK2, 0, fxt_ts(b, FXT_SCRATCH, 1, 0), 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_MONO);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);
	assert_int_equal(nr_pi_states(), 0);
	assert_int_equal(fxt_get32(a, W), tid(a) | FX_WAITERS);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
	/* LOCK_PI with CLOCK_REALTIME is ENOSYS; LOCK_PI2 takes it */
	assert_int_equal(fxt_futex(a, W, LOCK | FX_CLOCK_REALTIME, 0,
				   fxt_ts(a, FXT_SCRATCH, 1, 0), 0, 0),
			 -ENOSYS);
	assert_int_equal(fxt_futex(a, W, LOCK2 | FX_CLOCK_REALTIME, 0,
				   fxt_ts(a, FXT_SCRATCH, 1, 0), 0, 0), 0);
	assert_int_equal(unlock(a, W), 0);
}

static void test_signal_restarts(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	lock_sleeps(b, W);
	assert_int_equal(fx_task_signal(b, 0), 1);
	/* ERESTARTNOINTR: the call is restarted and blocks again */
	fxt_resume_sleeps(b);
	assert_true(fxt_res.restarted);
	assert_int_equal(fxt_get32(a, W), tid(a) | FX_WAITERS);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(unlock(b, W), 0);
}

/* ---- owner death ---- */

static void test_owner_exit(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102), *d = fxt_thread(a, 103);
	struct fx_result r;

	(void)state;
	assert_int_equal(lock(d, W), 0);
	assert_int_equal(lock(d, W2), 0);
	lock_sleeps(b, W);
	lock_sleeps(c, W2);
	set_fifo(c, 30);
	assert_int_equal(fx_task_prio(d), 99 - 30);
	assert_int_equal(fx_task_exit(d, &r), 0);
	assert_int_equal(r.nwoken, 2);
	/* a new locker meets an ownerless pi_state and a stale TID */
	assert_int_equal(lock(a, W), -EINVAL);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_get32(a, W),
			 tid(b) | FX_WAITERS | FX_OWNER_DIED);
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(fxt_get32(a, W2),
			 tid(c) | FX_WAITERS | FX_OWNER_DIED);
	/* unlock clears OWNER_DIED with everything else */
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
	/* the new owner hands on normally: OWNER_DIED dropped */
	lock_sleeps(a, W2);
	assert_int_equal(unlock(c, W2), 0);
	assert_int_equal(fxt_get32(a, W2), tid(a) | FX_WAITERS);
	assert_int_equal(fxt_resume(a), 0);
	assert_int_equal(unlock(a, W2), 0);
	assert_int_equal(nr_pi_states(), 0);
}

/* robust owner death: word = WAITERS|OWNER_DIED, TID 0, then the waiter */
static void test_owner_exit_robust(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *d = fxt_thread(a, 103), *e = fxt_thread(a, 104);
	uint64_t head = FXT_SCRATCH + 0x100, ent = FXT_SCRATCH + 0x200;
	uint64_t word = ent + 16;
	struct fx_result r;

	(void)state;
	/* robust list of D: head -> entry (PI, bit 0) -> head; word at ent */
	fxt_put64(a, head, ent | 1);
	fxt_put64(a, head + 8, 16);		/* futex_offset */
	fxt_put64(a, head + 16, 0);		/* list_op_pending */
	fxt_put64(a, ent, head);
	assert_int_equal(fxt_futex(d, word, LOCK, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_done(d, FX_SYS_SET_ROBUST_LIST, head,
				  FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0), 0);
	lock_sleeps(b, word);
	assert_int_equal(fx_task_exit(d, &r), 0);
	assert_int_equal(fxt_get32(a, word), FX_WAITERS | FX_OWNER_DIED);
	/* TID 0 + OWNER_DIED with an ownerless pi_state: attach is valid */
	lock_sleeps(e, word);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_get32(a, word),
			 tid(b) | FX_WAITERS | FX_OWNER_DIED);
	assert_int_equal(unlock(b, word), 0);
	assert_int_equal(fxt_resume(e), 0);
	assert_int_equal(fxt_get32(a, word), tid(e) | FX_WAITERS);
	assert_int_equal(unlock(e, word), 0);
}

/* setsched of a waiter re-sorts it in the rt-mutex */
static void test_setsched_resorts(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	lock_sleeps(b, W);
	lock_sleeps(c, W);
	set_fifo(c, 1);
	assert_int_equal(fx_task_prio(a), 98);
	assert_int_equal(unlock(a, W), 0);
	assert_true(fxt_woken(c));
	/* during the handoff C drops back: B becomes top and is woken */
	assert_int_equal(fx_task_setsched(c, FX_SCHED_OTHER, 0), 0);
	assert_int_equal(fx_task_state(b), FX_TASK_WOKEN);
	assert_int_equal(fx_core_check(core), 0);
	/* C runs first: it is no longer top and cannot steal; it keeps the
	 * pending handoff for B rather than the lock */
	fxt_resume_sleeps(c);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(unlock(c, W), 0);
}

/*
 * Departure pin: a handoff target that lost its top position and then
 * times out cannot wait inside the call for the new top waiter to take
 * the lock (the kernel retries until it has); the model passes the
 * pending handoff on to that waiter right away.
 */
static void test_departure_handoff_passed_on(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(lock(a, W), 0);
	lock_sleeps(b, W);
	set_fifo(c, 1);
	fxt_futex_sleeps(c, W, LOCK, 0, fxt_ts(c, FXT_SCRATCH, 1, 0), 0, 0);
	assert_int_equal(unlock(a, W), 0);
	assert_int_equal(fxt_get32(a, W), tid(c) | FX_WAITERS);
	assert_int_equal(fx_task_setsched(c, FX_SCHED_OTHER, 0), 0);
	assert_int_equal(fx_task_state(b), FX_TASK_WOKEN);
	assert_int_equal(fx_task_timeout(c), 0);
	assert_int_equal(fxt_resume(c), -ETIMEDOUT);
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	assert_int_equal(fxt_resume(b), 0);
	assert_int_equal(fxt_get32(a, W), tid(b) | FX_WAITERS);
	assert_int_equal(unlock(b, W), 0);
	assert_int_equal(fxt_get32(a, W), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_uncontended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contended_handoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatched_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inconsistent_word, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esrch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rt_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boost_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_lock_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_steal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acquired_overrides_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_exit_robust, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setsched_resorts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_departure_handoff_passed_on, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
