// SPDX-License-Identifier: MIT
/*
 * test_waitwake.c - FUTEX_WAIT/WAKE(_BITSET), futex2 futex_wait/wake,
 * FUTEX_WAKE_OP and futex_waitv (sim/futex_waitwake.c), driven through
 * fx_syscall() as user space would, with fx_core_check() after every call.
 */
#include "fxtest.h"

#include <errno.h>
#include <stdlib.h>

#include "futex_int.h"	/* white-box: corrupt state for the checker */

#define P	FX_PRIVATE_FLAG
#define U32P	(FX2_SIZE_U32 | FX2_PRIVATE)
#define ANY	FX_BITSET_MATCH_ANY

/* the fixture's core (fxt_setup/fxt_teardown) */
#define core	fxt_core
#define setup	fxt_setup
#define teardown fxt_teardown

/* ---- wait / wake ---- */

static void test_wait_wake_basic(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);

	(void)state;
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_NONE);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_res.nwoken, 1);
	assert_ptr_equal(fxt_res.woken[0], b);
	assert_int_equal(fxt_res.nbuckets, 1);
	assert_int_equal(fxt_resume(b), 0);
	/* nobody left: no bucket lock taken at all */
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 0);
	assert_int_equal(fxt_res.nbuckets, 0);
	assert_int_equal(fxt_res.walked, 0);
}

static void test_wait_errors(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);

	(void)state;
	fxt_put32(a, FXT_W(0), 7);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT | P, 6, 0, 0, 0),
			 -EAGAIN);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAIT, 6, 0, 0, 0),
			 -EWOULDBLOCK);
	/* bitset 0 is checked before the key */
	assert_int_equal(fxt_futex(a, FXT_W(0) + 1, FX_OP_WAIT_BITSET | P, 7,
				   0, 0, 0), -EINVAL);
	assert_int_equal(fxt_futex(a, FXT_W(0) + 2, FX_OP_WAIT | P, 7, 0, 0, 0),
			 -EINVAL);
	/* private key: no mapping check, the value read faults */
	assert_int_equal(fxt_futex(a, FXT_UNMAPPED, FX_OP_WAIT | P, 0, 0, 0, 0),
			 -EFAULT);
	/* shared key: the page lookup faults */
	assert_int_equal(fxt_futex(a, FXT_UNMAPPED, FX_OP_WAIT, 0, 0, 0, 0),
			 -EFAULT);
	assert_int_equal(fxt_futex(a, 0x800000000000ull, FX_OP_WAIT | P, 0, 0,
				   0, 0), -EFAULT);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_BITSET | P, 1, 0, 0,
				   0), -EINVAL);
	assert_int_equal(fxt_futex(a, FXT_W(0) + 1, FX_OP_WAKE | P, 1, 0, 0, 0),
			 -EINVAL);
	/* a private wake of an unmapped word is fine: nobody waits there */
	assert_int_equal(fxt_futex(a, FXT_UNMAPPED, FX_OP_WAKE | P, 1, 0, 0, 0),
			 0);
	assert_int_equal(fxt_futex(a, FXT_UNMAPPED, FX_OP_WAKE, 1, 0, 0, 0),
			 -EFAULT);
}

static void test_wake_order(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *t1 = fxt_thread(a, 101), *t2 = fxt_thread(a, 102);
	struct fx_task *t3 = fxt_thread(a, 103), *t4 = fxt_thread(a, 104);
	struct fx_task *order[4] = { t3, t2, t1, t4 };

	(void)state;
	assert_int_equal(fx_task_setsched(t2, FX_SCHED_FIFO, 10), 0);
	assert_int_equal(fx_task_setsched(t3, FX_SCHED_FIFO, 50), 0);
	fxt_futex_sleeps(t1, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_futex_sleeps(t2, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_futex_sleeps(t3, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_futex_sleeps(t4, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0,
					   0), 1);
		assert_int_equal(fxt_res.nwoken, 1);
		assert_ptr_equal(fxt_res.woken[0], order[i]);
		assert_int_equal(fxt_resume(order[i]), 0);
	}
}

static void test_wake_bitset(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *t1 = fxt_thread(a, 101), *t2 = fxt_thread(a, 102);
	struct fx_task *t3 = fxt_thread(a, 103);

	(void)state;
	fxt_futex_sleeps(t1, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, 0, 0, 1);
	fxt_futex_sleeps(t2, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, 0, 0, 2);
	fxt_futex_sleeps(t3, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, 0, 0, 3);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_BITSET | P, 10, 0, 0,
				   4), 0);
	assert_int_equal(fxt_res.walked, 3);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_BITSET | P, 10, 0, 0,
				   2), 2);
	assert_true(fxt_woken(t2) && fxt_woken(t3) && !fxt_woken(t1));
	assert_int_equal(fxt_resume(t2), 0);
	assert_int_equal(fxt_resume(t3), 0);
	/* futex2 with a mask; a WAIT (MATCH_ANY) waiter matches any mask */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), 1, 5, U32P,
				  0, 0), 1);
	assert_int_equal(fxt_resume(t1), 0);
}

static void test_wake_nr_quirks(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *t[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		t[i] = fxt_thread(a, 101 + i);
		fxt_futex_sleeps(t[i], FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	}
	/* legacy: the count is checked after a wake, so 0 and -1 wake one */
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 0, 0, 0, 0), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, -1, 0, 0, 0), 1);
	/* futex2 (FLAGS_STRICT): nr 0 wakes nobody, after the key check */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 0, U32P,
				  0, 0), 0);
	assert_int_equal(fxt_res.nbuckets, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0) + 2, ANY, 0,
				  U32P, 0, 0), -EINVAL);
	/* v6.18: a negative futex2 nr is not rejected and wakes one */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY,
				  (uint32_t)-1, U32P, 0, 0), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 100, 0, 0, 0), 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fxt_resume(t[i]), 0);
}

static void test_walk_stats(void **state)
{
	/* one global bucket for everything; shared keys never use the
	 * private hash, so every wake walks the other process's entries */
	struct fx_core_config cfg = { .ncpus = 1, .nnodes = 1,
				      .hash_slots = 1 };
	struct fx_core *c = fxt_core_cfg(&cfg);
	struct fx_task *a = fxt_proc(c, 100);
	struct fx_task *b = fx_task_clone(a, 101, 0, 0);	/* a process */
	struct fx_task *bt = fxt_thread(b, 111);
	struct fx_task *d = fx_task_clone(a, 102, 0, 0);

	(void)state;
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT, 0, 0, 0, 0);
	fxt_futex_sleeps(d, FXT_W(1), FX_OP_WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, FXT_W(1), FX_OP_WAKE, 1, 0, 0, 0), 0);
	assert_int_equal(fxt_res.nbuckets, 1);
	assert_int_equal(fxt_res.walked, 2);
	assert_int_equal(fxt_res.foreign, 2);	/* other mm: other keys */
	assert_int_equal(fxt_futex(bt, FXT_W(0), FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_res.walked, 1);	/* stops at nr_wake */
	assert_int_equal(fxt_res.foreign, 0);
	assert_int_equal(fxt_resume(b), 0);
	fx_core_free(c);
}

/* ---- timeouts, signals ---- */

static void test_timeout(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	uint64_t ts = fxt_ts(a, FXT_SCRATCH, 1, 500);

	(void)state;
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, ts, 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_REL_MONO);
	assert_int_equal(fxt_res.timer.ns, 1000000500);
	assert_true(fxt_res.timer.slack);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 0);

	/* a wake and a timeout at the same time: the wake wins */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, ts, 0, ANY);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_MONO);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fx_task_timeout(b), 0);
	assert_int_equal(fxt_resume(b), 0);

	/* the timer fires, but a wake still comes before the task runs */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, ts, 0, 0);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_res.nwoken, 0);	/* already runnable */
	assert_int_equal(fxt_resume(b), 0);	/* unqueued by the waker */

	/* a signal and a wake: the wake wins too */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(fx_task_signal(b, 0), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

static void test_signal_restart(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	uint64_t ts = fxt_ts(a, FXT_SCRATCH, 5, 0);

	(void)state;
	/* untimed FUTEX_WAIT: ERESTARTSYS, restarted under SA_RESTART */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(fx_task_signal(b, FX_SIG_RESTART), 1);
	fxt_resume_sleeps(b);
	assert_true(fxt_res.restarted);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 1);
	/* ... without SA_RESTART: EINTR */
	assert_int_equal(fx_task_signal(b, 0), 1);
	assert_int_equal(fxt_resume(b), -EINTR);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 0);
	/* restarted call re-checks the value */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_put32(a, FXT_W(0), 1);
	assert_int_equal(fx_task_signal(b, FX_SIG_RESTART), 1);
	assert_int_equal(fxt_resume(b), -EAGAIN);
	fxt_put32(a, FXT_W(0), 0);

	/* timed FUTEX_WAIT / WAIT_BITSET: restart block, EINTR */
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, ts, 0, 0);
	assert_int_equal(fx_task_signal(b, FX_SIG_RESTART), 1);
	assert_int_equal(fxt_resume(b), -EINTR);
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT_BITSET | P, 0, ts, 0, ANY);
	assert_int_equal(fx_task_signal(b, FX_SIG_RESTART), 1);
	assert_int_equal(fxt_resume(b), -EINTR);

	/* futex2 futex_wait, timed: plain ERESTARTSYS, restarted */
	fxt_sleeps(b, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY, U32P, ts,
		   FX_CLOCK_MONOTONIC_ID);
	assert_int_equal(fx_task_signal(b, FX_SIG_RESTART), 1);
	fxt_resume_sleeps(b);
	assert_true(fxt_res.restarted);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_MONO);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);
	fxt_sleeps(b, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY, U32P, 0, 0);
	assert_int_equal(fx_task_signal(b, 0), 1);
	assert_int_equal(fxt_resume(b), -EINTR);
}

/* ---- keys: shared vs private, processes, NUMA ---- */

static void test_shared_across_processes(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_proc(core, 200);
	uint64_t sa = 0x400000, sb = 0x800000;

	(void)state;
	assert_int_equal(fx_mmap(fx_task_mm(a), sa, 4096,
				 FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_SHARED | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_mmap_share(fx_task_mm(b), sb, fx_task_mm(a), sa,
				       4096, FX_PROT_READ | FX_PROT_WRITE), 0);
	fxt_put32(a, sa + 8, 5);
	assert_int_equal(fxt_get32(b, sb + 8), 5);
	fxt_futex_sleeps(b, sb + 8, FX_OP_WAIT, 5, 0, 0, 0);
	/* a private wake in the other process never matches */
	assert_int_equal(fxt_futex(a, sa + 8, FX_OP_WAKE | P, 1, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, sa + 8, FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

static void test_private_vs_shared(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);

	(void)state;
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE, 1, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

static void test_numa(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	unsigned nf = U32P | FX2_NUMA;

	(void)state;
	fxt_put32(a, FXT_W(0), 0);
	fxt_put32(a, FXT_W(1), (uint32_t)FX_NO_NODE);
	fxt_sleeps(b, FX_SYS_FUTEX_WAIT, FXT_W(0), 0, ANY, nf, 0, 0);
	assert_int_equal(fxt_get32(a, FXT_W(1)), 0);	/* written back */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1, nf,
				  0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
	/* futex2 wake nr 0 still assigns the node */
	fxt_put32(a, FXT_W(3), (uint32_t)FX_NO_NODE);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(2), ANY, 0, nf,
				  0, 0), 0);
	assert_int_equal(fxt_get32(a, FXT_W(3)), 0);
	/* bad node, misaligned for 8 bytes */
	fxt_put32(a, FXT_W(5), 5);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAIT, FXT_W(4), 0, ANY, nf,
				  0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(1), ANY, 1, nf,
				  0, 0), -EINVAL);
	/* read-only page: the write-back faults */
	assert_int_equal(fx_mmap(fx_task_mm(a), 0x300000, 4096,
				 FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	fxt_put32(a, 0x300004, (uint32_t)FX_NO_NODE);
	assert_int_equal(fx_mprotect(fx_task_mm(a), 0x300000, 4096,
				     FX_PROT_READ), 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, 0x300000, ANY, 1, nf,
				  0, 0), -EFAULT);
	/* a node already assigned needs no write: fine on a read-only page */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, 0x300008, ANY, 1, nf,
				  0, 0), 0);
	/* beyond the mapping */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_UNMAPPED, ANY, 1,
				  nf, 0, 0), -EFAULT);
}

static void test_numa_mpol(void **state)
{
	struct fx_core_config cfg = { .ncpus = 2, .nnodes = 2 };
	struct fx_core *c = fxt_core_cfg(&cfg);
	struct fx_task *a = fxt_proc(c, 100);
	struct fx_hash_info info;

	(void)state;
	assert_int_equal(fx_mbind(fx_task_mm(a), FXT_MEM, FXT_MEMLEN,
				  FX_MPOL_PREFERRED, 1), 0);
	fxt_put32(a, FXT_W(1), (uint32_t)FX_NO_NODE);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1,
				  U32P | FX2_NUMA | FX2_MPOL, 0, 0), 0);
	assert_int_equal(fxt_get32(a, FXT_W(1)), 1);
	assert_int_equal(fx_futex_locate(a, FXT_W(0), U32P | FX2_NUMA, &info),
			 0);
	assert_int_equal(info.node, 1);
	/* an explicit node the core does not have */
	fxt_put32(a, FXT_W(3), 2);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(2), ANY, 1,
				  U32P | FX2_NUMA, 0, 0), -EINVAL);
	fx_core_free(c);
}

/* ---- FUTEX_WAKE_OP ---- */

static long wake_op(struct fx_task *t, int nr1, int nr2, uint32_t op)
{
	return fxt_futex(t, FXT_W(0), FX_OP_WAKE_OP | P, nr1,
			 (uint64_t)(uint32_t)nr2, FXT_W(1), op);
}

static void test_wake_op_encoding(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	static const struct {
		uint32_t init, op, want;
	} v[] = {
		{ 5, FX_OP(FX_WOP_SET, 9, FX_WOP_CMP_EQ, 0), 9 },
		{ 5, FX_OP(FX_WOP_ADD, 3, FX_WOP_CMP_EQ, 0), 8 },
		{ 5, FX_OP(FX_WOP_ADD, 0xfff, FX_WOP_CMP_EQ, 0), 4 },	/* -1 */
		{ 5, FX_OP(FX_WOP_OR, 0x10, FX_WOP_CMP_EQ, 0), 0x15 },
		{ 7, FX_OP(FX_WOP_ANDN, 2, FX_WOP_CMP_EQ, 0), 5 },
		{ 7, FX_OP(FX_WOP_XOR, 0xff, FX_WOP_CMP_EQ, 0), 0xf8 },
		{ 0, FX_OP(FX_WOP_SET, 0x800, FX_WOP_CMP_EQ, 0), 0xfffff800 },
		{ 0, FX_OP(FX_WOP_SET | FX_WOP_OPARG_SHIFT, 3, 0, 0), 8 },
		{ 0, FX_OP(FX_WOP_OR | FX_WOP_OPARG_SHIFT, 33, 0, 0), 2 },
		{ 0, FX_OP(FX_WOP_SET | FX_WOP_OPARG_SHIFT, 0xfff, 0, 0),
		  0x80000000u },	/* -1 & 31 = 31 */
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		fxt_put32(a, FXT_W(1), v[i].init);
		assert_true(wake_op(a, 1, 1, v[i].op) >= 0);
		assert_int_equal(fxt_get32(a, FXT_W(1)), v[i].want);
	}
	/* bad op: ENOSYS, nothing written */
	fxt_put32(a, FXT_W(1), 5);
	assert_int_equal(wake_op(a, 1, 1, FX_OP(5, 1, 0, 0)), -ENOSYS);
	assert_int_equal(wake_op(a, 1, 1, FX_OP(7, 1, 0, 0)), -ENOSYS);
	assert_int_equal(fxt_get32(a, FXT_W(1)), 5);
	/* bad cmp: ENOSYS after the op was applied */
	assert_int_equal(wake_op(a, 1, 1, FX_OP(FX_WOP_ADD, 1, 6, 0)), -ENOSYS);
	assert_int_equal(fxt_get32(a, FXT_W(1)), 6);
	assert_int_equal(wake_op(a, 1, 1, FX_OP(FX_WOP_ADD, 1, 15, 0)),
			 -ENOSYS);
	assert_int_equal(fxt_get32(a, FXT_W(1)), 7);
}

static void test_wake_op_wakes(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	struct fx_task *t1 = fxt_thread(a, 101), *t2 = fxt_thread(a, 102);
	struct fx_task *t3 = fxt_thread(a, 103), *t4 = fxt_thread(a, 104);

	(void)state;
	fxt_put32(a, FXT_W(1), 0xffffffffu);
	fxt_futex_sleeps(t1, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_futex_sleeps(t2, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	fxt_futex_sleeps(t3, FXT_W(1), FX_OP_WAIT | P, 0xffffffffu, 0, 0, 0);
	fxt_futex_sleeps(t4, FXT_W(1), FX_OP_WAIT | P, 0xffffffffu, 0, 0, 0);
	/* old -1 < 0 signed: true; nr 0 on both sides still wakes one each */
	assert_int_equal(wake_op(a, 0, 0, FX_OP(FX_WOP_SET, 0xfff,
						FX_WOP_CMP_LT, 0)), 2);
	assert_true(fxt_woken(t1) && fxt_woken(t3));
	assert_int_equal(fxt_res.nbuckets, 2);
	assert_int_equal(fxt_resume(t1), 0);
	assert_int_equal(fxt_resume(t3), 0);
	/* comparison false: only uaddr1 */
	assert_int_equal(wake_op(a, 5, 5, FX_OP(FX_WOP_SET, 1, FX_WOP_CMP_GT,
						0)), 1);
	assert_true(fxt_woken(t2) && !fxt_woken(t4));
	assert_int_equal(fxt_resume(t2), 0);
	/* cmp GE on old 1 vs sign-extended -2048: true */
	assert_int_equal(wake_op(a, 5, 5, FX_OP(FX_WOP_SET, 1, FX_WOP_CMP_GE,
						0x800)), 1);
	assert_int_equal(fxt_resume(t4), 0);
	/* write fault on uaddr2 (private key of a read-only page) */
	assert_int_equal(fx_mmap(fx_task_mm(a), 0x300000, 4096, FX_PROT_READ,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_OP | P, 1, 1,
				   0x300000, FX_OP(FX_WOP_SET, 1, 0, 0)),
			 -EFAULT);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_OP, 1, 1, 0x300000,
				   FX_OP(FX_WOP_SET, 1, 0, 0)), -EFAULT);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_OP | P, 1, 1,
				   FXT_W(1) + 1, FX_OP(FX_WOP_SET, 1, 0, 0)),
			 -EINVAL);
	assert_int_equal(fxt_futex(a, FXT_W(0) + 1, FX_OP_WAKE_OP | P, 1, 1,
				   FXT_W(1), FX_OP(FX_WOP_SET, 1, 0, 0)),
			 -EINVAL);
	/* WAKE_OP may not use CLOCK_REALTIME */
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE_OP | P |
				   FX_CLOCK_REALTIME, 1, 1, FXT_W(1),
				   FX_OP(FX_WOP_SET, 1, 0, 0)), -ENOSYS);
}

/* ---- futex_waitv ---- */

#define WV (FXT_SCRATCH + 0x100)

static void test_waitv_wake(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	uint64_t sh = 0x400000;

	(void)state;
	assert_int_equal(fx_mmap(fx_task_mm(a), sh, 4096,
				 FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_SHARED | FX_MAP_ANON, NULL, 0), 0);
	fxt_put32(a, FXT_W(2), 2);
	fxt_waitv(a, WV, 0, 0, FXT_W(0), U32P, 0);
	fxt_waitv(a, WV, 1, 0, sh, FX2_SIZE_U32, 0);	/* shared */
	fxt_waitv(a, WV, 2, 2, FXT_W(2), U32P, 0);
	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, 3, 0, 0, 0, 0);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 1);
	assert_int_equal(fx_futex_waiters(a, sh, 0), 1);
	/* a plain shared FUTEX_WAKE on entry 1 ends the whole wait */
	assert_int_equal(fxt_futex(a, sh, FX_OP_WAKE, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_res.nwoken, 1);
	assert_int_equal(fxt_resume(b), 1);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 0);
	assert_int_equal(fx_futex_waiters(a, FXT_W(2), FX2_PRIVATE), 0);

	/* two entries woken before it runs: the highest index wins */
	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, 3, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, FXT_W(2), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_res.nwoken, 0);	/* already runnable */
	assert_int_equal(fxt_resume(b), 2);

	/* futex2 futex_wake on entry 0 */
	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, 3, 0, 0, 0, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAKE, FXT_W(0), ANY, 1, U32P,
				  0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

static void test_waitv_mismatch_timeout_signal(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	uint64_t ts = fxt_ts(a, FXT_SCRATCH, 3, 0);

	(void)state;
	for (unsigned i = 0; i < 4; i++)
		fxt_waitv(a, WV, i, 0, FXT_W(i), U32P, 0);
	fxt_put32(a, FXT_W(2), 1);
	assert_int_equal(fxt_done(b, FX_SYS_FUTEX_WAITV, WV, 4, 0, 0, 0, 0),
			 -EWOULDBLOCK);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 0);
	assert_int_equal(fx_futex_waiters(a, FXT_W(1), FX2_PRIVATE), 0);
	fxt_put32(a, FXT_W(2), 0);
	/* unreadable word of a private entry: keys are fine, the read faults */
	fxt_waitv(a, WV, 3, 0, FXT_UNMAPPED, U32P, 0);
	assert_int_equal(fxt_done(b, FX_SYS_FUTEX_WAITV, WV, 4, 0, 0, 0, 0),
			 -EFAULT);
	fxt_waitv(a, WV, 3, 0, FXT_W(3), U32P, 0);

	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, 4, 0, ts, FX_CLOCK_REALTIME_ID,
		   0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_REAL);
	assert_int_equal(fxt_res.timer.ns, 3000000000ll);
	assert_int_equal(fx_task_timeout(b), 1);
	assert_int_equal(fxt_resume(b), -ETIMEDOUT);

	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, 4, 0, ts, FX_CLOCK_MONOTONIC_ID,
		   0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_MONO);
	assert_int_equal(fx_task_signal(b, FX_SIG_RESTART), 1);
	fxt_resume_sleeps(b);			/* ERESTARTSYS, restarted */
	assert_true(fxt_res.restarted);
	assert_int_equal(fx_task_signal(b, 0), 1);
	assert_int_equal(fxt_resume(b), -EINTR);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(fx_futex_waiters(a, FXT_W(i), FX2_PRIVATE), 0);

	/* wake and timeout together: the wake wins */
	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, 4, 0, ts, FX_CLOCK_MONOTONIC_ID,
		   0);
	assert_int_equal(fxt_futex(a, FXT_W(3), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fx_task_timeout(b), 0);
	assert_int_equal(fxt_resume(b), 3);
}

static void test_waitv_errors(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	uint64_t ts = fxt_ts(a, FXT_SCRATCH, 1, 0);
	uint64_t bad_ts = fxt_ts(a, FXT_SCRATCH + 16, 1, 1000000000);

	(void)state;
	for (unsigned i = 0; i < 2; i++)
		fxt_waitv(a, WV, i, 1, FXT_W(i), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 1, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 0, 0, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 129, 0, 0, 0, 0),
			 -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, 0, 2, 0, 0, 0, 0),
			 -EINVAL);
	/* the clock and the timespec come before the array */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, FXT_UNMAPPED, 2, 0,
				  ts, 7, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, FXT_UNMAPPED, 2, 0,
				  bad_ts, 1, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0,
				  FXT_UNMAPPED, 1, 0), -EFAULT);
	/* the clock id does not matter without a timeout */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 7, 0),
			 -EWOULDBLOCK);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, FXT_UNMAPPED, 2, 0, 0,
				  0, 0), -EFAULT);
	/* entry checks, in entry order */
	fxt_waitv(a, WV, 1, 1, FXT_W(1), U32P, 1);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EINVAL);
	fxt_waitv(a, WV, 1, 1, FXT_W(1), U32P | 0x10, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EINVAL);
	fxt_waitv(a, WV, 1, 1, FXT_W(1), FX2_SIZE_U8 | FX2_PRIVATE, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EINVAL);
	fxt_waitv(a, WV, 1, 1ull << 32, FXT_W(1), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EINVAL);
	fxt_waitv(a, WV, 1, 1, FXT_W(1) + 2, U32P, 0);	/* key: misaligned */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EINVAL);
	fxt_waitv(a, WV, 1, 1, 0, U32P, 0);	/* NULL uaddr: the read faults */
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EWOULDBLOCK);	/* entry 0 mismatches first */
	fxt_waitv(a, WV, 0, 0, FXT_W(0), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV, WV, 2, 0, 0, 0, 0),
			 -EFAULT);
	/* an invalid entry 0 wins over a fault at entry 1 */
	fxt_waitv(a, FXT_MEM + FXT_MEMLEN - 24, 0, 0, FXT_W(0), 0x40, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV,
				  FXT_MEM + FXT_MEMLEN - 24, 2, 0, 0, 0, 0),
			 -EINVAL);
	fxt_waitv(a, FXT_MEM + FXT_MEMLEN - 24, 0, 0, FXT_W(0), U32P, 0);
	assert_int_equal(fxt_done(a, FX_SYS_FUTEX_WAITV,
				  FXT_MEM + FXT_MEMLEN - 24, 2, 0, 0, 0, 0),
			 -EFAULT);
}

static void test_waitv_max(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);

	(void)state;
	for (unsigned i = 0; i < FX_WAITV_MAX; i++)
		fxt_waitv(a, WV, i, 0, FXT_W(i), U32P, 0);
	fxt_sleeps(b, FX_SYS_FUTEX_WAITV, WV, FX_WAITV_MAX, 0, 0, 0, 0);
	assert_int_equal(fxt_futex(a, FXT_W(127), FX_OP_WAKE | P, 1, 0, 0, 0),
			 1);
	assert_int_equal(fxt_resume(b), 127);
}

/* ---- the checker itself ---- */

static void test_check_detects(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	struct fx_hb *hb;

	(void)state;
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	hb = b->q.lock_ptr;
	assert_non_null(hb);
	hb->waiters++;
	assert_int_equal(fx_core_check(core), -EUCLEAN);
	hb->waiters--;
	b->q.key.both.word += FX_PAGE_SIZE;	/* key of another page */
	assert_int_equal(fx_core_check(core), -EUCLEAN);
	b->q.key.both.word -= FX_PAGE_SIZE;
	b->q.lock_ptr = NULL;
	assert_int_equal(fx_core_check(core), -EUCLEAN);
	b->q.lock_ptr = hb;
	b->state = FX_TASK_RUNNING;
	assert_int_equal(fx_core_check(core), -EUCLEAN);
	b->state = FX_TASK_SLEEPING;
	/* asleep in a wait but not queued: a lost waiter */
	plist_del(&b->q.list, &hb->chain);
	hb->waiters--;
	assert_int_equal(fx_core_check(core), -EUCLEAN);
	plist_add(&b->q.list, &hb->chain);
	hb->waiters++;
	fxt_check(core);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wait_wake_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_bitset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_nr_quirks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_across_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_vs_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numa_mpol, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_op_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_op_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waitv_wake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waitv_mismatch_timeout_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waitv_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waitv_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_detects, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
