// SPDX-License-Identifier: MIT
/*
 * test_syscalls.c - argument decoding (sim/futex_syscalls.c): futex(2)
 * op/flag/timeout rules, futex2 validation order, set/get_robust_list,
 * set_tid_address and the exit wakes it arms, the robust-list walk at exit
 * (sim/futex_exit.c), and prctl(PR_FUTEX_HASH) as the futex_priv_hash
 * selftest drives it.  fx_core_check() runs after every call.
 */
#include "fxtest.h"

#include <errno.h>

#include "layouts/layout.h"

#define P	FX_PRIVATE_FLAG
#define U32P	(FX2_SIZE_U32 | FX2_PRIVATE)
#define ANY	FX_BITSET_MATCH_ANY
#define TS	FXT_SCRATCH

/* the fixture's core (fxt_setup/fxt_teardown) */
#define core	fxt_core
#define setup	fxt_setup
#define teardown fxt_teardown

/* ---- futex(2) ---- */

static void test_futex_ops_enosys(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	static const int rt_bad[] = { FX_OP_WAIT, FX_OP_WAKE, FX_OP_REQUEUE,
				      FX_OP_CMP_REQUEUE, FX_OP_WAKE_OP,
				      FX_OP_LOCK_PI, FX_OP_UNLOCK_PI,
				      FX_OP_TRYLOCK_PI, FX_OP_WAKE_BITSET,
				      FX_OP_CMP_REQUEUE_PI };

	(void)state;
	fxt_ts(a, TS, 1, 0);
	for (unsigned i = 0; i < sizeof(rt_bad) / sizeof(rt_bad[0]); i++)
		assert_int_equal(fxt_futex(a, FXT_W(0), rt_bad[i] | P |
					   FX_CLOCK_REALTIME, 1, TS, FXT_W(1),
					   1), -ENOSYS);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_FD, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(fxt_futex(a, FXT_W(0), 14, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(fxt_futex(a, FXT_W(0), 512 | FX_OP_WAKE, 1, 0, 0, 0),
			 -ENOSYS);
	/* the timespec is read before do_futex() looks at the clock flag */
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT | FX_CLOCK_REALTIME,
				   0, FXT_UNMAPPED, 0, 0), -EFAULT);
	/* ops without a timeout never read the pointer */
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1,
				   FXT_UNMAPPED, 0, 0), 0);
	/* unknown system call number */
	assert_int_equal(fxt_done(a, FX_SYS_NR, 0, 0, 0, 0, 0, 0), -ENOSYS);
	assert_int_equal(fxt_done(a, -1, 0, 0, 0, 0, 0, 0), -ENOSYS);
}

static void test_futex_timespec(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);

	(void)state;
	fxt_ts(a, TS, 0, 1000000000);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT | P, 0, TS, 0, 0),
			 -EINVAL);
	fxt_ts(a, TS, 0, -1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, TS,
				   0, ANY), -EINVAL);
	fxt_ts(a, TS, -1, 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT | P, 0, TS, 0, 0),
			 -EINVAL);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT | P, 0,
				   FXT_UNMAPPED, 0, 0), -EFAULT);
	/* the timeout is checked before the value */
	fxt_ts(a, TS, -1, 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT | P, 9, TS, 0, 0),
			 -EINVAL);

	/* timer kinds */
	fxt_ts(a, TS, 2, 7);
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, TS, 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_REL_MONO);
	assert_int_equal(fxt_res.timer.ns, 2000000007);
	assert_true(fxt_res.timer.slack);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT_BITSET | P | FX_CLOCK_REALTIME,
			 0, TS, 0, ANY);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_REAL);
	assert_true(fxt_res.timer.slack);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);
	/* a huge timespec saturates (KTIME_MAX) */
	fxt_ts(a, TS, INT64_MAX, 999999999);
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, TS, 0, ANY);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_MONO);
	assert_true(fxt_res.timer.ns == INT64_MAX);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
	/* no timeout: NULL utime */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, 0, 0, ANY);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_NONE);
	assert_int_equal(fx_task_timeout(b), -EINVAL);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

/* ---- futex2 validation ---- */

static void test_futex2_wait_wake_validation(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);

	(void)state;
	fxt_ts(a, TS, 1, 0);
	/* futex_wake(uaddr, mask, nr, flags) */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1,
				  U32P | 0x10, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1,
				  FX2_SIZE_U8 | FX2_PRIVATE, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1,
				  FX2_SIZE_U16, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1,
				  FX2_SIZE_U64, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), 1ull << 32, 1,
				  U32P, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), 0, 1, U32P,
				  0, 0), -EINVAL);
	/* flags are an unsigned int: high bits of the register are ignored */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1,
				  (1ull << 40) | U32P, 0, 0), 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1, U32P,
				  0, 0), 0);

	/* futex_wait(uaddr, val, mask, flags, timeout, clockid) */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY,
				  U32P | 0x20, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY,
				  FX2_SIZE_U64 | FX2_PRIVATE, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 1ull << 32,
				  ANY, U32P, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0,
				  1ull << 32, U32P, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY, U32P,
				  TS, 2), -EINVAL);	/* bad clock */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY, U32P,
				  FXT_UNMAPPED, 1), -EFAULT);
	/* the clock id is ignored without a timeout */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 1, ANY, U32P,
				  0, 2), -EAGAIN);
	/* mask 0: __futex_wait() rejects it, after the timeout checks */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, 0, U32P,
				  FXT_UNMAPPED, 1), -EFAULT);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, 0, U32P,
				  TS, 1), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, 0, U32P,
				  0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(0) + 1, 0, ANY,
				  U32P, 0, 0), -EINVAL);
}

static void test_futex2_requeue_validation(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	uint64_t wv = FXT_SCRATCH + 0x100;

	(void)state;
	fxt_waitv(a, wv, 0, 0, FXT_W(0), U32P, 0);
	fxt_waitv(a, wv, 1, 0, FXT_W(1), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, wv, 1, 1, 1, 0, 0),
			 -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, 0, 0, 1, 1, 0, 0),
			 -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, FXT_UNMAPPED, 0, 1,
				  1, 0, 0), -EFAULT);
	fxt_waitv(a, wv, 1, 0, FXT_W(1), U32P, 3);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, wv, 0, 1, 1, 0, 0),
			 -EINVAL);
	fxt_waitv(a, wv, 1, 1ull << 33, FXT_W(1), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, wv, 0, 1, 1, 0, 0),
			 -EINVAL);
	fxt_waitv(a, wv, 1, 0, FXT_W(1), FX2_SIZE_U16, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, wv, 0, 1, 1, 0, 0),
			 -EINVAL);
	/* only two entries are read: one at the very end of the mapping */
	fxt_waitv(a, FXT_MEM + FXT_MEMLEN - 48, 0, 0, FXT_W(0), U32P, 0);
	fxt_waitv(a, FXT_MEM + FXT_MEMLEN - 48, 1, 0, FXT_W(1), 0x40, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE,
				  FXT_MEM + FXT_MEMLEN - 48, 0, 1, 1, 0, 0),
			 -EINVAL);
	fxt_waitv(a, FXT_MEM + FXT_MEMLEN - 24, 0, 0, FXT_W(1), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE,
				  FXT_MEM + FXT_MEMLEN - 24, 0, 1, 1, 0, 0),
			 -EFAULT);
}

static void test_futex2_requeue_decode(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	uint64_t wv = FXT_SCRATCH + 0x100;

	(void)state;
	/* cmpval is entry 0's val; each side keeps its own flags */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_waitv(a, wv, 0, 1, FXT_W(0), U32P, 0);
	fxt_waitv(a, wv, 1, 0, FXT_W(1), FX2_SIZE_U32, 0);	/* shared */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, wv, 0, 0, 1, 0, 0),
			 -EAGAIN);
	fxt_waitv(a, wv, 0, 0, FXT_W(0), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_REQUEUE, wv, 0, 0, 1, 0, 0),
			 1);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 0);
	assert_int_equal(fx_futex_waiters(a, FXT_W(1), 0), 1);
	assert_int_equal(fxt_futex(a, FXT_W(1), FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

/* ---- robust list syscalls, set_tid_address ---- */

static void test_robust_list_syscalls(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	uint64_t hp = FXT_SCRATCH + 0x200, lp = FXT_SCRATCH + 0x208;

	(void)state;
	assert_int_equal(fxt_done(a, FX_SYS_SET_ROBUST_LIST, 0x1000, 23, 0, 0,
				  0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_SET_ROBUST_LIST, 0x1000, 48, 0, 0,
				  0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_SET_ROBUST_LIST, 0x1000, 0, 0, 0,
				  0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_SET_ROBUST_LIST, 0x1000,
				  (uint64_t)-1, 0, 0, 0, 0), -EINVAL);
	/* the head pointer itself is not validated */
	assert_int_equal(fxt_done(a, FX_SYS_SET_ROBUST_LIST, 0x1234,
				  FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_done(b, FX_SYS_SET_ROBUST_LIST, 0x5678,
				  FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0), 0);

	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 0, hp, lp, 0, 0,
				  0), 0);
	assert_int_equal(fxt_get64(a, hp), 0x1234);
	assert_int_equal(fxt_get64(a, lp), FX_ROBUST_LIST_HEAD_LEN);
	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 101, hp, lp, 0, 0,
				  0), 0);
	assert_int_equal(fxt_get64(a, hp), 0x5678);
	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 4242, hp, lp, 0,
				  0, 0), -ESRCH);
	/* len is written first, then the head */
	fxt_put64(a, hp, 0);
	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 0, hp,
				  FXT_UNMAPPED, 0, 0, 0), -EFAULT);
	assert_int_equal(fxt_get64(a, hp), 0);
	fxt_put64(a, lp, 0);
	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 0, FXT_UNMAPPED,
				  lp, 0, 0, 0), -EFAULT);
	assert_int_equal(fxt_get64(a, lp), FX_ROBUST_LIST_HEAD_LEN);
}

static void test_clear_child_tid(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *b = fxt_thread(a, 101), *c = fxt_thread(a, 102);
	struct fx_task *d = fxt_thread(a, 103);
	struct fx_result res;

	(void)state;
	assert_int_equal(fxt_done(b, FX_SYS_SET_TID_ADDRESS, FXT_W(0), 0, 0, 0,
				  0, 0), 101);
	fxt_put32(a, FXT_W(0), 101);
	/* a private waiter is not woken by the exit's shared-key wake */
	fxt_futex_sleeps(d, FXT_W(0), FX_OP_WAIT | P, 101, 0, 0, 0);
	fxt_futex_sleeps(c, FXT_W(0), FX_OP_WAIT, 101, 0, 0, 0);
	assert_int_equal(fx_task_exit(b, &res), 0);
	fxt_check(core);
	assert_int_equal(fx_task_state(b), FX_TASK_DEAD);
	assert_int_equal(fxt_get32(a, FXT_W(0)), 0);
	assert_int_equal(res.nwoken, 1);
	assert_ptr_equal(res.woken[0], c);
	assert_int_equal(fxt_resume(c), 0);
	assert_int_equal(fx_task_state(d), FX_TASK_SLEEPING);
	/* an exited task is gone for get_robust_list */
	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 101,
				  FXT_SCRATCH, FXT_SCRATCH + 8, 0, 0, 0),
			 -ESRCH);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(d), 0);
}

/* ---- the robust list at exit ---- */

/*
 * Layout in the test mapping: head at H, entries at E(i) (16 bytes
 * apart), futex words at E(i) + OFF.
 */
#define H	(FXT_MEM + 0x1000)
#define E(i)	(FXT_MEM + 0x2000 + 16 * (uint64_t)(i))
#define OFF	8

static void robust_head(struct fx_task *t, uint64_t first, uint64_t pending)
{
	fxt_put64(t, H, first);
	fxt_put64(t, H + 8, OFF);
	fxt_put64(t, H + 16, pending);
}

static void robust_link(struct fx_task *t, unsigned i, uint64_t next)
{
	fxt_put64(t, E(i), next);
}

static struct fx_task *robust_owner(struct fx_task *a, int tid)
{
	struct fx_task *o = fxt_thread(a, tid);

	assert_int_equal(fxt_done(o, FX_SYS_SET_ROBUST_LIST, H,
				  FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0), 0);
	return o;
}

static void test_robust_exit_wakes(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *w1 = fxt_thread(a, 101), *w2 = fxt_thread(a, 102);
	struct fx_task *o = robust_owner(a, 150);
	struct fx_result res;
	uint32_t v0 = 150 | FX_WAITERS, v1 = 150, v2 = 77 | FX_WAITERS;

	(void)state;
	/* head -> E0 -> E1 -> E2 -> head */
	robust_head(o, E(0), 0);
	robust_link(o, 0, E(1));
	robust_link(o, 1, E(2));
	robust_link(o, 2, H);
	fxt_put32(a, E(0) + OFF, v0);	/* ours, contended */
	fxt_put32(a, E(1) + OFF, v1);	/* ours, uncontended */
	fxt_put32(a, E(2) + OFF, v2);	/* someone else's */
	fxt_futex_sleeps(w1, E(0) + OFF, FX_OP_WAIT, v0, 0, 0, 0);
	fxt_futex_sleeps(w2, E(2) + OFF, FX_OP_WAIT, v2, 0, 0, 0);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(fxt_get32(a, E(0) + OFF), FX_WAITERS | FX_OWNER_DIED);
	assert_int_equal(fxt_get32(a, E(1) + OFF), FX_OWNER_DIED);
	assert_int_equal(fxt_get32(a, E(2) + OFF), v2);
	assert_int_equal(res.nwoken, 1);
	assert_ptr_equal(res.woken[0], w1);
	assert_int_equal(fxt_resume(w1), 0);
	assert_int_equal(fx_task_state(w2), FX_TASK_SLEEPING);
	assert_int_equal(fxt_futex(a, E(2) + OFF, FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w2), 0);
}

static void test_robust_pending(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *w1 = fxt_thread(a, 101), *w2 = fxt_thread(a, 102);
	struct fx_task *o = robust_owner(a, 150);
	struct fx_result res;

	(void)state;
	/* pending-only entry, unlocked (TID 0) with a waiter: wake one,
	 * leave the word alone */
	robust_head(o, H, E(0));
	fxt_put32(a, E(0) + OFF, FX_WAITERS);
	fxt_futex_sleeps(w1, E(0) + OFF, FX_OP_WAIT, FX_WAITERS, 0, 0, 0);
	fxt_futex_sleeps(w2, E(0) + OFF, FX_OP_WAIT, FX_WAITERS, 0, 0, 0);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(res.nwoken, 1);
	assert_ptr_equal(res.woken[0], w1);
	assert_int_equal(fxt_get32(a, E(0) + OFF), FX_WAITERS);
	assert_int_equal(fxt_resume(w1), 0);

	/* pending entry also on the list: handled once, last */
	o = robust_owner(a, 151);
	robust_head(o, E(1), E(1));
	robust_link(o, 1, H);
	fxt_put32(a, E(1) + OFF, 151 | FX_WAITERS);
	fxt_futex_sleeps(w1, E(1) + OFF, FX_OP_WAIT, 151 | FX_WAITERS, 0, 0, 0);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(res.nwoken, 1);
	assert_int_equal(fxt_get32(a, E(1) + OFF), FX_WAITERS | FX_OWNER_DIED);
	assert_int_equal(fxt_resume(w1), 0);

	/* a pending PI entry with TID 0 is not woken */
	o = robust_owner(a, 152);
	robust_head(o, H, E(0) | 1);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(res.nwoken, 0);
	assert_int_equal(fxt_futex(a, E(0) + OFF, FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w2), 0);
}

static void test_robust_pi_entry(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *w = fxt_thread(a, 101);
	struct fx_task *o = robust_owner(a, 150);
	struct fx_result res;

	(void)state;
	/* a PI entry (bit 0) is only rewritten; its waiters are the PI
	 * exit path's (a plain waiter here shows nobody woke it) */
	robust_head(o, E(0) | 1, 0);
	robust_link(o, 0, H);
	fxt_put32(a, E(0) + OFF, 150 | FX_WAITERS);
	fxt_futex_sleeps(w, E(0) + OFF, FX_OP_WAIT, 150 | FX_WAITERS, 0, 0, 0);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(fxt_get32(a, E(0) + OFF), FX_WAITERS | FX_OWNER_DIED);
	assert_int_equal(fx_task_state(w), FX_TASK_SLEEPING);
	assert_int_equal(fxt_futex(a, E(0) + OFF, FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(w), 0);
}

static void test_robust_bad_lists(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *o = robust_owner(a, 150);
	struct fx_result res;

	(void)state;
	/* circular list that never returns to the head: the limit ends it,
	 * and the pending entry is still handled */
	robust_head(o, E(0), E(5));
	robust_link(o, 0, E(1));
	robust_link(o, 1, E(0));
	fxt_put32(a, E(0) + OFF, 150);
	fxt_put32(a, E(1) + OFF, 150);
	fxt_put32(a, E(5) + OFF, 150);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(fxt_get32(a, E(0) + OFF), FX_OWNER_DIED);
	assert_int_equal(fxt_get32(a, E(1) + OFF), FX_OWNER_DIED);
	assert_int_equal(fxt_get32(a, E(5) + OFF), FX_OWNER_DIED);

	/* a misaligned futex word stops the walk (and skips pending) */
	o = robust_owner(a, 151);
	robust_head(o, E(0), E(5));
	robust_link(o, 0, E(1));
	robust_link(o, 1, E(2));
	robust_link(o, 2, H);
	fxt_put32(a, E(0) + OFF, 151);
	fxt_put32(a, E(1) + OFF, 151);
	fxt_put32(a, E(2) + OFF, 151);
	fxt_put32(a, E(5) + OFF, 151);
	robust_link(o, 0, E(1) + 2);	/* -> a misaligned entry */
	fxt_put64(a, E(1) + 2, E(2));	/* it links on to E2 */
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(fxt_get32(a, E(0) + OFF), FX_OWNER_DIED);
	assert_int_equal(fxt_get32(a, E(2) + OFF), 151);
	assert_int_equal(fxt_get32(a, E(5) + OFF), 151);

	/* a link into unmapped memory: the entry before it is handled, the
	 * walk ends at the fault and pending is not reached */
	o = robust_owner(a, 152);
	robust_head(o, E(0), E(5));
	robust_link(o, 0, FXT_UNMAPPED);
	fxt_put32(a, E(0) + OFF, 152);
	fxt_put32(a, E(5) + OFF, 152);
	assert_int_equal(fx_task_exit(o, &res), 0);
	assert_int_equal(fxt_get32(a, E(0) + OFF), FX_OWNER_DIED);
	assert_int_equal(fxt_get32(a, E(5) + OFF), 152);

	/* an unreadable head: nothing at all */
	o = fxt_thread(a, 153);
	assert_int_equal(fxt_done(o, FX_SYS_SET_ROBUST_LIST, FXT_UNMAPPED,
				  FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0), 0);
	assert_int_equal(fx_task_exit(o, &res), 0);
	assert_int_equal(res.nwoken, 0);
	fxt_check(core);
}

static void test_robust_readonly_word(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *o = robust_owner(a, 150);
	struct fx_result res;
	uint64_t ro = 0x300000;

	(void)state;
	assert_int_equal(fx_mmap(fx_task_mm(a), ro, 4096,
				 FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	fxt_put32(a, ro + OFF, 150);
	fxt_put64(a, ro, E(0));
	robust_link(o, 0, H);
	assert_int_equal(fx_mprotect(fx_task_mm(a), ro, 4096, FX_PROT_READ), 0);
	/* head -> ro entry -> E0; the write to the first word fails, the
	 * walk gives up and E0 stays locked */
	robust_head(o, ro, 0);
	fxt_put32(a, E(0) + OFF, 150);
	assert_int_equal(fx_task_exit(o, &res), 0);
	fxt_check(core);
	assert_int_equal(fxt_get32(a, ro + OFF), 150);
	assert_int_equal(fxt_get32(a, E(0) + OFF), 150);
}

/* ---- prctl(PR_FUTEX_HASH): the futex_priv_hash selftest sequence ---- */

static long prctl(struct fx_task *t, uint64_t op, uint64_t a3, uint64_t a4)
{
	return fxt_done(t, FX_SYS_PRCTL, FX_PR_FUTEX_HASH, op, a3, a4, 0, 0);
}

#define SET	FX_PR_FUTEX_HASH_SET_SLOTS
#define GET	FX_PR_FUTEX_HASH_GET_SLOTS

static void test_prctl_priv_hash(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b;
	static const unsigned sizes[] = { 2, 4, 8, 32, 16 };

	(void)state;
	assert_int_equal(prctl(a, GET, 0, 0), 0);	/* single-threaded */
	b = fxt_thread(a, 101);
	assert_true(prctl(a, GET, 0, 0) > 0);
	assert_int_equal(prctl(b, GET, 0, 0), 16);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(prctl(a, SET, sizes[i], 0), 0);
		assert_int_equal(prctl(a, GET, 0, 0), sizes[i]);
	}
	assert_int_equal(prctl(a, SET, 15, 0), -EINVAL);
	assert_int_equal(prctl(a, SET, 1, 0), -EINVAL);
	assert_int_equal(prctl(a, SET, 4, 1), -EINVAL);	/* arg4 must be 0 */
	assert_int_equal(prctl(a, SET, 1u << 29, 0), -ENOMEM);
	assert_int_equal(prctl(a, GET, 0, 0), 16);
	/* custom: no auto-resize any more */
	assert_int_equal(prctl(a, SET, 2, 0), 0);
	for (int i = 0; i < 8; i++)
		fxt_thread(a, 110 + i);
	assert_int_equal(prctl(a, GET, 0, 0), 2);
	assert_int_equal(prctl(a, SET, 4, 0), 0);
	/* a waiter survives a resize */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(prctl(a, SET, 0, 0), 0);	/* global hash */
	assert_int_equal(prctl(a, GET, 0, 0), 0);
	assert_int_equal(prctl(a, SET, 4, 0), -EBUSY);
	assert_int_equal(prctl(a, SET, 8, 0), -EBUSY);
	assert_int_equal(prctl(a, SET, 8, 0), -EBUSY);
	assert_int_equal(prctl(a, SET, 0, 0), -EBUSY);
	assert_int_equal(prctl(a, SET, 6, 0), -EINVAL);	/* checked first */
	assert_int_equal(prctl(a, GET, 0, 0), 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
	/* other options and sub-ops */
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, 77, GET, 0, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(prctl(a, 3, 0, 0), -EINVAL);
	assert_int_equal(prctl(a, 0, 0, 0), -EINVAL);
}

static void test_prctl_no_private_hash(void **state)
{
	const struct fx_core_config cfg = { .ncpus = 2, .nnodes = 1,
					    .layout = &fx_layout_global };
	struct fx_core *c = fxt_core_cfg(&cfg);
	struct fx_task *a = fxt_proc(c, 100);

	(void)state;
	fxt_thread(a, 101);
	assert_int_equal(prctl(a, GET, 0, 0), 0);
	assert_int_equal(prctl(a, SET, 4, 0), -EINVAL);
	assert_int_equal(prctl(a, SET, 0, 0), -EINVAL);
	assert_int_equal(prctl(a, 3, 0, 0), -EINVAL);
	fx_core_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_futex_ops_enosys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_futex_timespec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_futex2_wait_wake_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_futex2_requeue_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_futex2_requeue_decode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_robust_list_syscalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_child_tid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_robust_exit_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_robust_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_robust_pi_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_robust_bad_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_robust_readonly_word, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prctl_priv_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prctl_no_private_hash, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
