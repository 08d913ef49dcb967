// SPDX-License-Identifier: MIT
/*
 * test_property.c - fixed-seed random runs of the model that check, after
 * every step, that no waiter is lost:
 *
 *   - fx_core_check(): buckets, plists, waiter counts, task states, PI
 *     states are consistent;
 *   - every call that went to sleep is either still asleep (sleeping or
 *     woken-not-yet-run) or has returned exactly once;
 *   - every waiter a wake counted is a plain wait that returned 0 (a wake
 *     beats a simultaneous timeout or signal), and every plain wait that
 *     returned 0 was counted by exactly one wake;
 *   - at the end, once every sleeper is woken by a broadcast, nothing is
 *     left queued anywhere.
 *
 * The runs mix private and shared futexes, two processes, RT and normal
 * threads, bitsets, WAKE_OP, REQUEUE/CMP_REQUEUE, timeouts, signals with
 * and without SA_RESTART, and PI lock/unlock on separate words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "futex.h"

#define NT	8		/* threads */
#define NF	3		/* plain futex words */
#define MAPA	0x10000000ull	/* private anon, process A */
#define SHM	0x20000000ull	/* shmem, both processes */
#define PIW	0x30000000ull	/* PI words, process A */
#define SCRATCH	0x40000000ull	/* per-thread timespec area */

struct prop {
	struct fx_core *core;
	struct fx_task *t[NT];
	uint64_t rng;
	/* per thread: the call in flight */
	int kind[NT];		/* 0 none, 1 plain wait, 2 PI lock, 3 other */
	bool timed[NT];
	long slept, completed;	/* calls that slept / returned after */
	long wake_counted;	/* sum of what wakes reported */
	long wait_zero;		/* plain waits that returned 0 */
	int owner[2];		/* PI word owners (thread index, -1) */
};

static uint64_t rnd(struct prop *p)
{
	uint64_t z = (p->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned pick(struct prop *p, unsigned n)
{
	return (unsigned)(rnd(p) % n);
}

/* the address of futex word @f as thread @i sees it */
static uint64_t faddr(int i, unsigned f)
{
	if (f < NF - 1)
		return MAPA + 64 * f;
	return SHM + 128;	/* the shared word */
}

static int fop(int i, unsigned f, int op)
{
	/* private ops only on process A's private words */
	return f < NF - 1 && i < NT - 2 ? op | FX_PRIVATE_FLAG : op;
}

static void finish(struct prop *p, int i, const struct fx_result *res)
{
	if (p->kind[i] == 1 && res->ret == 0)
		p->wait_zero++;
	if (p->kind[i] == 2 && res->ret == 0)
		p->owner[0] = i;
	p->kind[i] = 0;
	p->timed[i] = false;
}

static void account(struct prop *p, int i, int status,
		    const struct fx_result *res, bool was_asleep)
{
	assert_true(status == FX_DONE || status == FX_SLEEPING);
	if (status == FX_SLEEPING) {
		if (!was_asleep)
			p->slept++;
		return;
	}
	if (was_asleep)
		p->completed++;
	finish(p, i, res);
}

static void resume_all(struct prop *p)
{
	bool again = true;

	while (again) {
		again = false;
		for (int i = 0; i < NT; i++) {
			struct fx_result res;
			int st;

			if (fx_task_state(p->t[i]) != FX_TASK_WOKEN)
				continue;
			st = fx_task_resume(p->t[i], &res);
			account(p, i, st, &res, true);
			again = true;
			assert_int_equal(fx_core_check(p->core), 0);
		}
	}
}

static void check_invariants(struct prop *p)
{
	long asleep = 0;

	for (int i = 0; i < NT; i++) {
		enum fx_task_state s = fx_task_state(p->t[i]);

		asleep += s == FX_TASK_SLEEPING || s == FX_TASK_WOKEN;
	}
	if (fx_core_check(p->core)) {
		fail_msg("step invariant: %s", fx_core_errmsg(p->core));
	}
	assert_int_equal(p->slept - p->completed, asleep);
	assert_int_equal(p->wake_counted, p->wait_zero + 0 * asleep);
}

static void sys(struct prop *p, int i, int kind, uint64_t a0, uint64_t a1,
		uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	struct fx_result res;
	int st, cmd = (int)(a1 & 127);

	p->kind[i] = kind;
	st = fx_syscall(p->t[i], FX_SYS_FUTEX, a, &res);
	assert_true(st >= 0);
	/* what wakes report (requeued waiters are not woken) */
	if (cmd == FX_OP_WAKE || cmd == FX_OP_WAKE_BITSET || cmd == FX_OP_WAKE_OP ||
	    cmd == FX_OP_REQUEUE || cmd == FX_OP_CMP_REQUEUE) {
		if (st == FX_DONE && res.ret > 0)
			p->wake_counted += res.ret - (long)res.nrequeued;
	}
	account(p, i, st, &res, false);
	if (cmd == FX_OP_UNLOCK_PI && res.ret == 0)
		p->owner[0] = -1;
}

static void step(struct prop *p)
{
	int i = (int)pick(p, NT);
	unsigned f = pick(p, NF);
	uint64_t ua = faddr(i, f);
	struct fx_mm *mm = fx_task_mm(p->t[i]);
	enum fx_task_state s = fx_task_state(p->t[i]);
	uint32_t cur = 0;
	struct fx_timespec ts = { 0, 0 };

	if (s == FX_TASK_SLEEPING || s == FX_TASK_WOKEN) {
		/* an event for a sleeper */
		switch (pick(p, 3)) {
		case 0:
			if (p->timed[i])
				fx_task_timeout(p->t[i]);
			break;
		case 1:
			fx_task_signal(p->t[i], pick(p, 2) ? FX_SIG_RESTART : 0);
			break;
		default:
			break;
		}
		resume_all(p);
		return;
	}
	if (s != FX_TASK_RUNNING)
		return;
	fx_uaccess_get32(mm, ua, &cur);
	switch (pick(p, 9)) {
	case 0: case 1: {	/* wait, maybe with a relative timeout */
		bool timed = pick(p, 3) == 0;

		if (timed)
			assert_int_equal(fx_uaccess_write(mm, SCRATCH + 64 * i, &ts,
							  sizeof(ts)), 0);
		p->timed[i] = timed;
		sys(p, i, 1, ua, (uint64_t)fop(i, f, FX_OP_WAIT),
		    pick(p, 4) ? cur : cur + 1, timed ? SCRATCH + 64 * i : 0, 0, 0);
		break;
	}
	case 2:			/* wait_bitset, untimed */
		sys(p, i, 1, ua, (uint64_t)fop(i, f, FX_OP_WAIT_BITSET), cur, 0, 0,
		    1u << pick(p, 3));
		break;
	case 3:			/* wake n */
		sys(p, i, 3, ua, (uint64_t)fop(i, f, FX_OP_WAKE), 1 + pick(p, 3), 0, 0, 0);
		break;
	case 4:			/* wake_bitset */
		sys(p, i, 3, ua, (uint64_t)fop(i, f, FX_OP_WAKE_BITSET), 1 + pick(p, 4),
		    0, 0, 1u << pick(p, 3));
		break;
	case 5: {		/* (cmp_)requeue to another word of the same kind */
		unsigned g = f < NF - 1 ? (f ^ 1) : f;

		sys(p, i, 3, ua, (uint64_t)fop(i, f, pick(p, 2) ? FX_OP_REQUEUE :
					       FX_OP_CMP_REQUEUE),
		    pick(p, 2), pick(p, 3), faddr(i, g), cur);
		break;
	}
	case 6:			/* wake_op: ADD 1 on the other word, wake if >0 */
		sys(p, i, 3, ua, (uint64_t)fop(i, f, FX_OP_WAKE_OP), pick(p, 2),
		    pick(p, 3), faddr(i, f < NF - 1 ? (f ^ 1) : f),
		    FX_OP(FX_WOP_ADD, 1, FX_WOP_CMP_GT, 0));
		break;
	case 7:			/* store */
		fx_uaccess_put32(mm, ua, cur + 1);
		break;
	default:		/* PI lock/unlock on the PI word (process A) */
		if (i >= NT - 2)
			break;
		if (p->owner[0] == i)
			sys(p, i, 3, PIW, FX_OP_UNLOCK_PI | FX_PRIVATE_FLAG, 0, 0, 0, 0);
		else
			sys(p, i, 2, PIW, FX_OP_LOCK_PI | FX_PRIVATE_FLAG, 0, 0, 0, 0);
		break;
	}
	resume_all(p);
}

static void run_seed(uint64_t seed, int steps)
{
	struct fx_core_config cfg = { .ncpus = 2, .nnodes = 1 };
	struct prop p = { .rng = seed, .owner = { -1, -1 } };
	struct fx_task *b;

	p.core = fx_core_new(&cfg);
	assert_non_null(p.core);
	p.t[0] = fx_mm_new(p.core, 100);
	assert_int_equal(fx_mmap(fx_task_mm(p.t[0]), MAPA, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_mmap(fx_task_mm(p.t[0]), PIW, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_mmap(fx_task_mm(p.t[0]), SHM, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_SHARED | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_mmap(fx_task_mm(p.t[0]), SCRATCH, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	for (int i = 1; i < NT - 2; i++) {
		p.t[i] = fx_task_clone(p.t[0], 100 + i, FX_CLONE_VM | FX_CLONE_THREAD, 0);
		assert_non_null(p.t[i]);
	}
	/* process B: a fork (copies A's private memory at the same
	 * addresses) whose shmem is the same object */
	b = fx_task_clone(p.t[0], 200, 0, 0);
	assert_non_null(b);
	p.t[NT - 2] = b;
	p.t[NT - 1] = fx_task_clone(b, 201, FX_CLONE_VM | FX_CLONE_THREAD, 0);
	assert_non_null(p.t[NT - 1]);
	assert_int_equal(fx_task_setsched(p.t[1], FX_SCHED_FIFO, 10), 0);
	assert_int_equal(fx_task_setsched(p.t[2], FX_SCHED_FIFO, 20), 0);

	for (int s = 0; s < steps; s++) {
		step(&p);
		check_invariants(&p);
	}
	/* drain: signal every sleeper without SA_RESTART (plain waits end
	 * with EINTR), and let the PI owner unlock so PI waiters, which
	 * restart after a signal, get the lock in turn and release it */
	for (int round = 0; round < 4 * NT; round++) {
		for (int i = 0; i < NT; i++)
			if (fx_task_state(p.t[i]) == FX_TASK_SLEEPING)
				fx_task_signal(p.t[i], 0);
		resume_all(&p);
		if (p.owner[0] >= 0 &&
		    fx_task_state(p.t[p.owner[0]]) == FX_TASK_RUNNING) {
			sys(&p, p.owner[0], 3, PIW, FX_OP_UNLOCK_PI | FX_PRIVATE_FLAG,
			    0, 0, 0, 0);
			resume_all(&p);
		}
		check_invariants(&p);
	}
	for (int i = 0; i < NT; i++)
		assert_int_equal(fx_task_state(p.t[i]), FX_TASK_RUNNING);
	assert_int_equal(p.slept, p.completed);
	/* the run must have exercised sleeping, waking and PI */
	printf("seed %#llx: %ld calls slept, %ld woken by wakes\n",
	       (unsigned long long)seed, p.slept, p.wake_counted);
	assert_true(p.slept > steps / 40);
	assert_true(p.wake_counted > steps / 100);
	fx_core_free(p.core);
}

static void test_no_waiter_lost(void **state)
{
	static const uint64_t seeds[] = { 1, 2, 3, 42, 1234, 0xdeadbeef };

	for (unsigned s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++)
		run_seed(seeds[s], 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_waiter_lost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
