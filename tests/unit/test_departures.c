// SPDX-License-Identifier: MIT
/*
 * test_departures.c - pins every documented place where the model knowingly
 * departs from the kernel (docs/departures.md).  Each test is named after
 * its entry there; if the model changes so that the departure goes away or
 * shifts, the test fails and the document must change with it.
 */
#include "fxtest.h"

#include <errno.h>

#include "futex_int.h"
#include "layouts/layout.h"

#define P FX_PRIVATE_FLAG

/* the fixture's core (fxt_setup/fxt_teardown) */
#define core	fxt_core
#define setup	fxt_setup
#define teardown fxt_teardown

/* D1: time is not modelled; the core hands the timeout to its caller. */
static void test_d1_timer_reported_not_run(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);

	(void)state;
	fxt_futex_sleeps(a, FXT_W(0), FX_OP_WAIT | P, 0,
			 fxt_ts(a, FXT_SCRATCH, 2, 500), 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_REL_MONO);
	assert_int_equal(fxt_res.timer.ns, 2000000500);
	assert_true(fxt_res.timer.slack);
	/* nothing happens until the caller says the timer fired */
	assert_int_equal(fx_task_state(a), FX_TASK_SLEEPING);
	assert_int_equal(fx_task_timeout(a), 1);
	assert_int_equal(fxt_resume(a), -ETIMEDOUT);
	/* LOCK_PI: absolute CLOCK_REALTIME, no slack */
	struct fx_task *b = fxt_thread(a, 101);

	assert_int_equal(fxt_futex(b, FXT_W(1), FX_OP_LOCK_PI | P, 0, 0, 0, 0), 0);
	fxt_futex_sleeps(a, FXT_W(1), FX_OP_LOCK_PI | P, 0,
			 fxt_ts(a, FXT_SCRATCH, 7, 0), 0, 0);
	assert_int_equal(fxt_res.timer.kind, FX_TIMER_ABS_REAL);
	assert_int_equal(fxt_res.timer.ns, 7000000000);
	assert_false(fxt_res.timer.slack);
}

/* D2: every signal has a handler, so a timed wait's restart block always
 * ends in EINTR, even with SA_RESTART. */
static void test_d2_restart_block_is_eintr(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);

	(void)state;
	fxt_futex_sleeps(a, FXT_W(0), FX_OP_WAIT | P, 0,
			 fxt_ts(a, FXT_SCRATCH, 5, 0), 0, 0);
	assert_int_equal(fx_task_signal(a, FX_SIG_RESTART), 1);
	assert_int_equal(fxt_resume(a), -EINTR);
	/* untimed: SA_RESTART restarts transparently */
	fxt_futex_sleeps(a, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(fx_task_signal(a, FX_SIG_RESTART), 1);
	fxt_resume_sleeps(a);
	assert_true(fxt_res.restarted);
}

/* D3: prctl() knows only PR_FUTEX_HASH. */
static void test_d3_prctl_only_futex_hash(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);

	(void)state;
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, 15 /* PR_SET_NAME */, 0, 0,
				  0, 0, 0), -EINVAL);
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, FX_PR_FUTEX_HASH,
				  FX_PR_FUTEX_HASH_GET_SLOTS, 0, 0, 0, 0), 0);
}

/* D4: a private hash larger than 8 GiB of buckets fails with ENOMEM (the
 * kernel's limit is wherever kvzalloc fails; 1 << 29 slots must fail). */
static void test_d4_private_hash_alloc_limit(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);

	(void)state;
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, FX_PR_FUTEX_HASH,
				  FX_PR_FUTEX_HASH_SET_SLOTS, 1u << 28, 0, 0, 0),
			 -ENOMEM);
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, FX_PR_FUTEX_HASH,
				  FX_PR_FUTEX_HASH_SET_SLOTS, 1u << 29, 0, 0, 0),
			 -ENOMEM);
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, FX_PR_FUTEX_HASH,
				  FX_PR_FUTEX_HASH_SET_SLOTS, 1u << 10, 0, 0, 0), 0);
}

/* D5: a replacement private hash is installed at once (no in-flight
 * references exist in an atomic model); waiters move immediately. */
static void test_d5_rehash_immediate(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101);
	struct fx_hash_info info;

	(void)state;
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_WAIT | P, 0, 0, 0, 0);
	assert_int_equal(fxt_done(a, FX_SYS_PRCTL, FX_PR_FUTEX_HASH,
				  FX_PR_FUTEX_HASH_SET_SLOTS, 4, 0, 0, 0), 0);
	assert_int_equal(fx_futex_locate(a, FXT_W(0), FX2_PRIVATE, &info), 0);
	assert_int_equal(info.table_size, 4);
	assert_int_equal(fx_futex_waiters(a, FXT_W(0), FX2_PRIVATE), 1);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_WAKE | P, 1, 0, 0, 0), 1);
	assert_int_equal(fxt_resume(b), 0);
}

/* D6: exit is atomic, so "owner exiting" (EBUSY, wait and retry) is never
 * seen: a locker finds the owner alive or dead.  A dead owner's word with
 * no waiters gives ESRCH, as the kernel does once the exit has finished. */
static void test_d6_owner_never_exiting(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);
	struct fx_result res;

	(void)state;
	fxt_put32(a, FXT_W(0), 101);	/* b "owns" it in user space */
	assert_int_equal(fx_task_exit(b, &res), 0);
	assert_int_equal(fx_task_state(b), FX_TASK_DEAD);
	assert_int_equal(fxt_futex(c, FXT_W(0), FX_OP_LOCK_PI | P, 0, 0, 0, 0),
			 -ESRCH);
}

/* D7: SCHED_DEADLINE tasks are ordered by prio -1 only: FIFO among
 * themselves, no deadline comparison. */
static void test_d7_deadline_fifo(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b = fxt_thread(a, 101),
		       *c = fxt_thread(a, 102);

	(void)state;
	assert_int_equal(fx_task_setsched(b, FX_SCHED_DEADLINE, 0), 0);
	assert_int_equal(fx_task_setsched(c, FX_SCHED_DEADLINE, 0), 0);
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_LOCK_PI | P, 0, 0, 0, 0), 0);
	fxt_futex_sleeps(b, FXT_W(0), FX_OP_LOCK_PI | P, 0, 0, 0, 0);
	fxt_futex_sleeps(c, FXT_W(0), FX_OP_LOCK_PI | P, 0, 0, 0, 0);
	assert_int_equal(fx_task_prio(a), -1);	/* boosted to DL */
	assert_int_equal(fxt_futex(a, FXT_W(0), FX_OP_UNLOCK_PI | P, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_get32(a, FXT_W(0)), 101 | FX_WAITERS);
	assert_int_equal(fxt_resume(b), 0);
}

/* D8: the process-private hash table lives on node 0, wherever the
 * allocating thread ran. */
static void test_d8_private_table_node0(void **state)
{
	struct fx_core_config cfg = { .ncpus = 4, .nnodes = 2 };
	struct fx_core *c2 = fxt_core_cfg(&cfg);
	struct fx_task *a = fxt_proc(c2, 100);
	struct fx_hash_info info;

	(void)state;
	fx_task_set_cpu(a, 3);	/* node 1 */
	fxt_thread(a, 101);
	assert_int_equal(fx_futex_locate(a, FXT_W(0), FX2_PRIVATE, &info), 0);
	assert_int_equal(info.table, -1);
	assert_int_equal(info.node, 0);
	fx_core_free(c2);
}

/* D9: memory policies hold one node: PREFERRED, PREFERRED_MANY and BIND
 * all name the single node given to fx_mbind(). */
static void test_d9_mpol_single_node(void **state)
{
	struct fx_core_config cfg = { .ncpus = 4, .nnodes = 2 };
	struct fx_core *c2 = fxt_core_cfg(&cfg);
	struct fx_task *a = fxt_proc(c2, 100);
	union fx_key k;

	(void)state;
	assert_int_equal(fx_mbind(fx_task_mm(a), FXT_MEM, 4096, FX_MPOL_BIND, 1), 0);
	fxt_put32(a, FXT_W(1), (uint32_t)FX_NO_NODE);
	assert_int_equal(fx_get_futex_key(a, FXT_W(0), FX_FLAGS_SIZE_32 |
					  FX_FLAGS_NUMA | FX_FLAGS_MPOL, &k,
					  FX_READ), 0);
	assert_int_equal(k.both.node, 1);
	assert_int_equal(fxt_get32(a, FXT_W(1)), 1);
	fx_core_free(c2);
}

/* D10: mm_users counts the tasks sharing the mm, so the exit-time
 * CLONE_CHILD_CLEARTID write and wake happen only if another task is
 * still using it. */
static void test_d10_cleartid_needs_other_user(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *b;
	struct fx_result res;

	(void)state;
	b = fx_task_clone(a, 101, FX_CLONE_VM | FX_CLONE_THREAD |
			  FX_CLONE_CHILD_CLEARTID, FXT_W(5));
	assert_non_null(b);
	fxt_put32(a, FXT_W(5), 101);
	assert_int_equal(fx_task_exit(a, &res), 0);	/* b still uses it */
	assert_int_equal(fx_task_exit(b, &res), 0);	/* last user: no clear */
	assert_int_equal(fxt_get32(a, FXT_W(5)), 101);
}

/* D11: every CPU and node is possible and online: a NUMA node word
 * naming a node >= the machine's node count is -EINVAL, any other is ok. */
static void test_d11_all_nodes_possible(void **state)
{
	struct fx_task *a = fxt_proc(core, 100);
	union fx_key k;

	(void)state;
	fxt_put32(a, FXT_W(3), 1);	/* node 1 on a 1-node machine */
	assert_int_equal(fx_get_futex_key(a, FXT_W(2), FX_FLAGS_SIZE_32 |
					  FX_FLAGS_NUMA, &k, FX_READ), -EINVAL);
	fxt_put32(a, FXT_W(3), 0);
	assert_int_equal(fx_get_futex_key(a, FXT_W(2), FX_FLAGS_SIZE_32 |
					  FX_FLAGS_NUMA, &k, FX_READ), 0);
}

/* D12: get_robust_list has no credentials check (EPERM never). */
static void test_d12_get_robust_list_no_eperm(void **state)
{
	struct fx_task *a = fxt_proc(core, 100), *o = fxt_proc(core, 200);

	(void)state;
	assert_int_equal(fxt_done(o, FX_SYS_SET_ROBUST_LIST, FXT_SCRATCH,
				  FX_ROBUST_LIST_HEAD_LEN, 0, 0, 0, 0), 0);
	assert_int_equal(fxt_done(a, FX_SYS_GET_ROBUST_LIST, 200,
				  FXT_SCRATCH + 64, FXT_SCRATCH + 72, 0, 0, 0), 0);
	assert_int_equal(fxt_get64(a, FXT_SCRATCH + 64), FXT_SCRATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_d1_timer_reported_not_run),
		T(test_d2_restart_block_is_eintr),
		T(test_d3_prctl_only_futex_hash),
		T(test_d4_private_hash_alloc_limit),
		T(test_d5_rehash_immediate),
		T(test_d6_owner_never_exiting),
		T(test_d7_deadline_fifo),
		T(test_d8_private_table_node0),
		T(test_d9_mpol_single_node),
		T(test_d10_cleartid_needs_other_user),
		T(test_d11_all_nodes_possible),
		T(test_d12_get_robust_list_no_eperm),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
