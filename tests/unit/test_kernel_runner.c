/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_runner.c - the live-kernel conformance runner on small
 * scenarios built in C (no parser): every assertion is about what the
 * kernel really did, as the runner traced it.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "futex.h"
#include "conform/scenario.h"

/* ---- scenario builders ---- */

static struct fxc_scenario *sc_new(const char *name, int nprocs)
{
	struct fxc_scenario *sc = calloc(1, sizeof(*sc));
	int i;

	assert_non_null(sc);
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->nprocs = nprocs;
	for (i = 0; i < nprocs; i++)
		snprintf(sc->procs[i], FXC_NAME_MAX, "p%d", i);
	sc->cap_steps = 512;
	sc->steps = calloc((size_t)sc->cap_steps, sizeof(sc->steps[0]));
	assert_non_null(sc->steps);
	return sc;
}

static void sc_free(struct fxc_scenario *sc)
{
	free(sc->steps);
	free(sc);
}

static int add_map(struct fxc_scenario *sc, int proc, enum fxc_map_kind kind,
		   uint32_t shared_with)
{
	struct fxc_map *m = &sc->maps[sc->nmaps];

	snprintf(m->name, FXC_NAME_MAX, "m%d", sc->nmaps);
	m->proc = proc;
	m->kind = kind;
	m->pages = 1;
	m->prot = FX_PROT_READ | FX_PROT_WRITE;
	m->shared_with = shared_with;
	return sc->nmaps++;
}

static int add_futex(struct fxc_scenario *sc, int map, uint32_t off,
		     uint32_t init, bool tid_word)
{
	struct fxc_futex *f = &sc->futexes[sc->nfutexes];

	snprintf(f->name, FXC_NAME_MAX, "f%d", sc->nfutexes);
	f->map = map;
	f->offset = off;
	f->init = init;
	f->tid_word = tid_word;
	return sc->nfutexes++;
}

static int add_thread(struct fxc_scenario *sc, int proc)
{
	struct fxc_thread *t = &sc->threads[sc->nthreads];

	snprintf(t->name, FXC_NAME_MAX, "t%d", sc->nthreads);
	t->proc = proc;
	t->policy = FX_SCHED_OTHER;
	return sc->nthreads++;
}

static struct fxc_step *add_step(struct fxc_scenario *sc,
				 enum fxc_step_kind kind, int thread)
{
	struct fxc_step *st;

	assert_true(sc->nsteps < sc->cap_steps);
	st = &sc->steps[sc->nsteps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->thread = thread;
	st->line = sc->nsteps;
	st->addr.futex = -1;
	st->addr2.futex = -1;
	st->robust.pending = -1;
	return st;
}

static struct fxc_step *add_futex_op(struct fxc_scenario *sc, int thread,
				     int op, int f, uint64_t val)
{
	struct fxc_step *st = add_step(sc, FXC_STEP_FUTEX, thread);

	st->op = op;
	st->addr.futex = f;
	st->val = val;
	return st;
}

/* ---- trace checks ---- */

static struct fxc_trace run(const struct fxc_scenario *sc)
{
	struct fxc_trace tr;
	int rc = fxc_run_kernel(sc, &tr);

	if (rc || tr.error[0])
		print_error("%s: %s\n", sc->name, tr.error);
	assert_int_equal(rc, 0);
	assert_string_equal(tr.error, "");
	assert_string_equal(tr.skip, "");
	assert_int_equal(tr.nsteps, sc->nsteps);
	return tr;
}

/* step @i returned exactly @n calls: (thread, ret) pairs follow */
static void expect_rets(const struct fxc_trace *tr, int i, int n, ...)
{
	const struct fxc_step_trace *st = &tr->steps[i];
	va_list ap;
	int k;

	assert_int_equal(st->nret, n);
	va_start(ap, n);
	for (k = 0; k < n; k++) {
		int t = va_arg(ap, int);
		long ret = va_arg(ap, long);

		assert_int_equal(st->rets[k].thread, t);
		assert_int_equal(st->rets[k].ret, ret);
	}
	va_end(ap);
}

/* ---- tests ---- */

static void test_wait_wake(void **state)
{
	struct fxc_scenario *sc = sc_new("wait_wake", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, false);
	struct fxc_trace tr;

	add_thread(sc, 0);
	add_thread(sc, 0);
	add_futex_op(sc, 0, FX_OP_WAIT | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 1, FX_OP_WAKE | FX_PRIVATE_FLAG, f, 1);
	tr = run(sc);
	assert_true(tr.steps[0].blocked);
	expect_rets(&tr, 0, 0);
	assert_false(tr.steps[1].blocked);
	expect_rets(&tr, 1, 2, 0, 0L, 1, 1L);
	assert_int_equal(tr.steps[1].words[f], 0);
	fxc_trace_free(&tr);
	assert_null(tr.steps);
	sc_free(sc);
	(void)state;
}

static void test_wait_wrong_value(void **state)
{
	struct fxc_scenario *sc = sc_new("wait_eagain", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 8, 1, false);
	struct fxc_trace tr;

	add_thread(sc, 0);
	add_futex_op(sc, 0, FX_OP_WAIT | FX_PRIVATE_FLAG, f, 0);
	tr = run(sc);
	assert_false(tr.steps[0].blocked);
	expect_rets(&tr, 0, 1, 0, (long)-EAGAIN);
	assert_int_equal(tr.steps[0].words[f], 1);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_cmp_requeue(void **state)
{
	struct fxc_scenario *sc = sc_new("cmp_requeue", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f1 = add_futex(sc, m, 0, 0, false);
	int f2 = add_futex(sc, m, 64, 0, false);
	struct fxc_step *st;
	struct fxc_trace tr;
	int i;

	for (i = 0; i < 12; i++)
		add_thread(sc, 0);
	for (i = 0; i < 10; i++)
		add_futex_op(sc, i, FX_OP_WAIT | FX_PRIVATE_FLAG, f1, 0);
	st = add_futex_op(sc, 10, FX_OP_CMP_REQUEUE | FX_PRIVATE_FLAG, f1, 3);
	st->val2 = 7;
	st->addr2.futex = f2;
	st->val3 = 0;
	add_futex_op(sc, 11, FX_OP_WAKE | FX_PRIVATE_FLAG, f2, 0x7fffffff);
	tr = run(sc);
	for (i = 0; i < 10; i++)
		assert_true(tr.steps[i].blocked);
	/* FIFO: the first three waiters are woken */
	expect_rets(&tr, 10, 4, 0, 0L, 1, 0L, 2, 0L, 10, 10L);
	assert_int_equal(tr.steps[11].nret, 8);
	for (i = 0; i < 7; i++) {
		assert_int_equal(tr.steps[11].rets[i].thread, 3 + i);
		assert_int_equal(tr.steps[11].rets[i].ret, 0);
	}
	assert_int_equal(tr.steps[11].rets[7].thread, 11);
	assert_int_equal(tr.steps[11].rets[7].ret, 7);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_lock_pi(void **state)
{
	struct fxc_scenario *sc = sc_new("lock_pi", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, true);
	struct fxc_trace tr;

	strcpy(sc->requires, "pi");
	add_thread(sc, 0);
	add_thread(sc, 0);
	add_futex_op(sc, 0, FX_OP_LOCK_PI | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 1, FX_OP_LOCK_PI | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 0, FX_OP_LOCK_PI | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 0, FX_OP_UNLOCK_PI | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 1, FX_OP_UNLOCK_PI | FX_PRIVATE_FLAG, f, 0);
	tr = run(sc);
	expect_rets(&tr, 0, 1, 0, 0L);
	assert_int_equal(tr.steps[0].words[f], FXC_TID_BASE + 0);
	assert_true(tr.steps[1].blocked);
	assert_int_equal(tr.steps[1].words[f], FX_WAITERS | (FXC_TID_BASE + 0));
	expect_rets(&tr, 2, 1, 0, (long)-EDEADLK);
	expect_rets(&tr, 3, 2, 0, 0L, 1, 0L);
	assert_int_equal(tr.steps[3].words[f], FX_WAITERS | (FXC_TID_BASE + 1));
	expect_rets(&tr, 4, 1, 1, 0L);
	assert_int_equal(tr.steps[4].words[f], 0);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_two_process_shared(void **state)
{
	struct fxc_scenario *sc = sc_new("two_proc", 2);
	int m = add_map(sc, 0, FXC_MAP_ANON_SHARED, 1u << 1);
	int f = add_futex(sc, m, 4, 5, false);
	struct fxc_trace tr;

	add_thread(sc, 1);
	add_thread(sc, 0);
	add_futex_op(sc, 0, FX_OP_WAIT, f, 5);
	/* a private wake from the other process does not match */
	add_futex_op(sc, 1, FX_OP_WAKE | FX_PRIVATE_FLAG, f, 1);
	add_futex_op(sc, 1, FX_OP_WAKE, f, 1);
	tr = run(sc);
	assert_true(tr.steps[0].blocked);
	expect_rets(&tr, 1, 1, 1, 0L);
	expect_rets(&tr, 2, 2, 0, 0L, 1, 1L);
	assert_int_equal(tr.steps[2].words[f], 5);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_file_shared(void **state)
{
	struct fxc_scenario *sc = sc_new("file_shared", 3);
	int m = add_map(sc, 1, FXC_MAP_FILE_SHARED, (1u << 2) | 1u);
	int f = add_futex(sc, m, 128, 7, false);
	struct fxc_step *st;
	struct fxc_trace tr;

	add_thread(sc, 2);
	add_thread(sc, 0);
	add_thread(sc, 1);
	add_futex_op(sc, 0, FX_OP_WAIT, f, 7);
	st = add_step(sc, FXC_STEP_STORE, 1);
	st->addr.futex = f;
	st->val = 8;
	add_futex_op(sc, 2, FX_OP_WAKE, f, 1);
	tr = run(sc);
	assert_true(tr.steps[0].blocked);
	expect_rets(&tr, 1, 1, 1, 0L);
	assert_int_equal(tr.steps[1].words[f], 8);
	expect_rets(&tr, 2, 2, 0, 0L, 2, 1L);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_robust_exit(void **state)
{
	struct fxc_scenario *sc = sc_new("robust_exit", 2);
	int m = add_map(sc, 0, FXC_MAP_ANON_SHARED, 1u << 1);
	int f = add_futex(sc, m, 0, FX_WAITERS | (FXC_TID_BASE + 0), true);
	int g = add_futex(sc, m, 16, FXC_TID_BASE + 0, true);
	struct fxc_step *st;
	struct fxc_trace tr;

	add_thread(sc, 1);	/* owner, in the other process */
	add_thread(sc, 0);	/* waiter */
	st = add_step(sc, FXC_STEP_SET_ROBUST, 0);
	st->robust.nent = 2;
	st->robust.futex[0] = f;
	st->robust.futex[1] = g;
	st->robust.len = 24;
	add_futex_op(sc, 1, FX_OP_WAIT, f, FX_WAITERS | (FXC_TID_BASE + 0));
	add_step(sc, FXC_STEP_EXIT, 0);
	tr = run(sc);
	expect_rets(&tr, 0, 1, 0, 0L);
	assert_int_equal(tr.steps[0].words[f], FX_WAITERS | (FXC_TID_BASE + 0));
	assert_true(tr.steps[1].blocked);
	expect_rets(&tr, 2, 1, 1, 0L);
	assert_false(tr.steps[2].blocked);
	assert_int_equal(tr.steps[2].words[f], FX_WAITERS | FX_OWNER_DIED);
	assert_int_equal(tr.steps[2].words[g], FX_OWNER_DIED);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_robust_bad_len(void **state)
{
	struct fxc_scenario *sc = sc_new("robust_len", 1);
	struct fxc_step *st;
	struct fxc_trace tr;

	add_thread(sc, 0);
	st = add_step(sc, FXC_STEP_SET_ROBUST, 0);
	st->robust.len = 23;
	tr = run(sc);
	expect_rets(&tr, 0, 1, 0, (long)-EINVAL);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_timeout_expire(void **state)
{
	struct fxc_scenario *sc = sc_new("expire", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, false);
	struct fxc_step *st;
	struct fxc_trace tr;

	add_thread(sc, 0);
	add_thread(sc, 0);
	add_thread(sc, 0);
	st = add_futex_op(sc, 0, FX_OP_WAIT | FX_PRIVATE_FLAG, f, 0);
	st->to.kind = FXC_TO_EXPIRE;
	st = add_futex_op(sc, 1, FX_OP_WAIT_BITSET | FX_PRIVATE_FLAG, f, 0);
	st->val3 = FX_BITSET_MATCH_ANY;
	st->to.kind = FXC_TO_EXPIRE;
	st = add_futex_op(sc, 2, FX_OP_WAIT_BITSET | FX_PRIVATE_FLAG, f, 0);
	st->val3 = FX_BITSET_MATCH_ANY;
	st->to.kind = FXC_TO_PAST;
	add_step(sc, FXC_STEP_EXPIRE, 0);
	add_step(sc, FXC_STEP_EXPIRE, 1);
	tr = run(sc);
	assert_true(tr.steps[0].blocked);
	assert_true(tr.steps[1].blocked);
	expect_rets(&tr, 2, 1, 2, (long)-ETIMEDOUT);
	expect_rets(&tr, 3, 1, 0, (long)-ETIMEDOUT);
	assert_false(tr.steps[3].blocked);
	expect_rets(&tr, 4, 1, 1, (long)-ETIMEDOUT);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

/* 150 settling steps between a timed call and its EXPIRE outlast the
 * first timer length: the runner must retry with longer timers */
static void test_expire_retry(void **state)
{
	struct fxc_scenario *sc = sc_new("expire_retry", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, false);
	int g = add_futex(sc, m, 4, 0, false);
	struct fxc_step *st;
	struct fxc_trace tr;
	int i;

	add_thread(sc, 0);
	add_thread(sc, 0);
	st = add_futex_op(sc, 0, FX_OP_WAIT | FX_PRIVATE_FLAG, f, 0);
	st->to.kind = FXC_TO_EXPIRE;
	for (i = 0; i < 150; i++)
		add_futex_op(sc, 1, FX_OP_WAKE | FX_PRIVATE_FLAG, g, 1);
	add_step(sc, FXC_STEP_EXPIRE, 0);
	tr = run(sc);
	assert_true(tr.steps[0].blocked);
	for (i = 1; i <= 150; i++)
		expect_rets(&tr, i, 1, 1, 0L);
	expect_rets(&tr, 151, 1, 0, (long)-ETIMEDOUT);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_signal_restart(void **state)
{
	struct fxc_scenario *sc = sc_new("signal", 2);
	int m = add_map(sc, 0, FXC_MAP_ANON_SHARED, 1u << 1);
	int f = add_futex(sc, m, 0, 0, false);
	struct fxc_step *st;
	struct fxc_trace tr;

	add_thread(sc, 0);
	add_thread(sc, 1);
	add_futex_op(sc, 0, FX_OP_WAIT | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 1, FX_OP_WAIT, f, 0);
	st = add_step(sc, FXC_STEP_SIGNAL, 0);
	st->sa_restart = true;
	st = add_step(sc, FXC_STEP_SIGNAL, 1);
	st->sa_restart = true;
	add_step(sc, FXC_STEP_SIGNAL, 0);
	add_step(sc, FXC_STEP_SIGNAL, 1);
	tr = run(sc);
	expect_rets(&tr, 2, 0);
	expect_rets(&tr, 3, 0);
	expect_rets(&tr, 4, 1, 0, (long)-EINTR);
	expect_rets(&tr, 5, 1, 1, (long)-EINTR);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_faults_and_prot(void **state)
{
	struct fxc_scenario *sc = sc_new("faults", 2);
	int m = add_map(sc, 0, FXC_MAP_ANON_SHARED, 1u << 1);
	int p = add_map(sc, 1, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 3, false);
	int g = add_futex(sc, p, 0, 4, false);
	struct fxc_step *st;
	struct fxc_trace tr;

	add_thread(sc, 0);
	add_thread(sc, 1);
	st = add_futex_op(sc, 0, FX_OP_WAIT, -1, 0);
	st->addr.raw = FXC_RAW_UNMAPPED;
	st = add_futex_op(sc, 0, FX_OP_WAIT, -1, 0);
	st->addr.raw = FXC_RAW_PROT_NONE;
	st = add_futex_op(sc, 0, FX_OP_WAIT, f, 0);
	st->addr.delta = 2;				/* misaligned */
	add_futex_op(sc, 0, FX_OP_WAIT, g, 4);		/* not mapped in p0 */
	st = add_futex_op(sc, 0, FX_OP_WAIT, f, 3);
	st->to.kind = FXC_TO_FAULT;
	st = add_step(sc, FXC_STEP_MPROTECT, -1);
	st->map = m;
	st->prot = FX_PROT_READ;
	st = add_step(sc, FXC_STEP_STORE, 1);
	st->addr.futex = f;
	st->val = 9;
	st = add_step(sc, FXC_STEP_MPROTECT, -1);
	st->map = m;
	st->prot = FX_PROT_NONE;
	add_futex_op(sc, 1, FX_OP_WAIT, g, 5);
	tr = run(sc);
	expect_rets(&tr, 0, 1, 0, (long)-EFAULT);
	expect_rets(&tr, 1, 1, 0, (long)-EFAULT);
	expect_rets(&tr, 2, 1, 0, (long)-EINVAL);
	expect_rets(&tr, 3, 1, 0, (long)-EFAULT);
	expect_rets(&tr, 4, 1, 0, (long)-EFAULT);
	expect_rets(&tr, 6, 1, 1, (long)-EFAULT);
	assert_false(tr.steps[6].word_fault[f]);
	assert_int_equal(tr.steps[6].words[f], 3);
	assert_int_equal(tr.steps[6].words[g], 4);
	assert_true(tr.steps[7].word_fault[f]);
	assert_false(tr.steps[7].word_fault[g]);
	expect_rets(&tr, 8, 1, 1, (long)-EAGAIN);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_futex2_waitv_spawn(void **state)
{
	struct fxc_scenario *sc = sc_new("futex2", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, false);
	int g = add_futex(sc, m, 8, 1, false);
	struct fxc_step *st;
	struct fxc_trace tr;
	int i;

	strcpy(sc->requires, "futex2 privhash");
	add_thread(sc, 0);
	add_thread(sc, 0);
	sc->lazy[add_thread(sc, 0)] = true;
	st = add_step(sc, FXC_STEP_WAITV, 0);
	st->nwaitv = 2;
	st->waitv[0].addr.futex = f;
	st->waitv[0].val = 0;
	st->waitv[0].flags = FX2_SIZE_U32 | FX2_PRIVATE;
	st->waitv[1].addr.futex = g;
	st->waitv[1].val = 1;
	st->waitv[1].flags = FX2_SIZE_U32 | FX2_PRIVATE;
	st = add_step(sc, FXC_STEP_FUTEX_WAKE, 1);
	st->addr.futex = g;
	st->mask = 0xffffffff;
	st->nr = 1;
	st->flags = FX2_SIZE_U32 | FX2_PRIVATE;
	add_step(sc, FXC_STEP_SPAWN, 2);
	st = add_step(sc, FXC_STEP_FUTEX_WAIT, 2);
	st->addr.futex = f;
	st->mask = 0xffffffff;
	st->flags = FX2_SIZE_U32 | FX2_PRIVATE;
	st->clockid = FX_CLOCK_MONOTONIC_ID;
	st->to.kind = FXC_TO_EXPIRE;
	st = add_step(sc, FXC_STEP_PRCTL_HASH, 1);
	st->val = FX_PR_FUTEX_HASH_GET_SLOTS;
	add_step(sc, FXC_STEP_EXPIRE, 2);
	st = add_step(sc, FXC_STEP_WAITV, 0);
	st->nwaitv = 0;
	tr = run(sc);
	assert_true(tr.steps[0].blocked);
	expect_rets(&tr, 1, 2, 0, 1L, 1, 1L);
	expect_rets(&tr, 2, 0);
	assert_true(tr.steps[3].blocked);
	/* one hash of 16 slots since the first thread (2 CPUs here) */
	assert_int_equal(tr.steps[4].nret, 1);
	assert_true(tr.steps[4].rets[0].ret >= 16);
	expect_rets(&tr, 5, 1, 2, (long)-ETIMEDOUT);
	expect_rets(&tr, 6, 1, 0, (long)-EINVAL);
	for (i = 0; i < tr.nsteps; i++)
		assert_int_equal(tr.steps[i].words[g], 1);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

/*
 * In a process other than the first, the first scenario thread is the
 * process's initial thread (TID = pid; GET_SLOTS 0 while it is alone);
 * when it exits the other threads go on and the process's memory stays
 * readable; when the last one exits the process is gone.
 */
static void test_initial_thread(void **state)
{
	struct fxc_scenario *sc = sc_new("initial_thread", 2);
	int m = add_map(sc, 1, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, true);
	int g = add_futex(sc, m, 64, 0, false);
	struct fxc_step *st;
	struct fxc_trace tr;
	int i;

	strcpy(sc->requires, "privhash pi");
	add_thread(sc, 1);		/* t0: P2's initial thread */
	sc->lazy[add_thread(sc, 1)] = true;
	add_thread(sc, 0);		/* t2: in M's process */
	st = add_step(sc, FXC_STEP_PRCTL_HASH, 0);
	st->val = FX_PR_FUTEX_HASH_GET_SLOTS;
	st = add_step(sc, FXC_STEP_SET_ROBUST, 0);
	st->robust.nent = 1;
	st->robust.futex[0] = f;
	st->robust.pi[0] = true;
	st->robust.len = 24;
	st = add_step(sc, FXC_STEP_GET_ROBUST, 0);
	st->pid_thread = FXC_PID_SELF;
	st = add_step(sc, FXC_STEP_GET_ROBUST, 2);	/* another process */
	st->pid_thread = 0;
	add_step(sc, FXC_STEP_SPAWN, 1);
	st = add_step(sc, FXC_STEP_PRCTL_HASH, 0);	/* step 5 */
	st->val = FX_PR_FUTEX_HASH_GET_SLOTS;
	add_futex_op(sc, 0, FX_OP_LOCK_PI | FX_PRIVATE_FLAG, f, 0);
	add_step(sc, FXC_STEP_EXIT, 0);
	st = add_step(sc, FXC_STEP_STORE, 1);		/* step 8 */
	st->addr.futex = g;
	st->val = 7;
	st = add_step(sc, FXC_STEP_PRCTL_HASH, 1);
	st->val = FX_PR_FUTEX_HASH_GET_SLOTS;
	add_step(sc, FXC_STEP_EXIT, 1);			/* step 10 */
	tr = run(sc);
	expect_rets(&tr, 0, 1, 0, 0L);		/* single-threaded: no hash */
	expect_rets(&tr, 1, 1, 0, 0L);
	expect_rets(&tr, 2, 1, 0, 0L);		/* the registered head */
	expect_rets(&tr, 3, 1, 2, 0L);
	assert_int_equal(tr.steps[5].nret, 1);
	assert_true(tr.steps[5].rets[0].ret >= 16);
	expect_rets(&tr, 6, 1, 0, 0L);
	/* the kernel wrote the initial thread's TID, the process's pid */
	assert_int_equal(tr.steps[6].words[f], FXC_TID_BASE + 0);
	assert_int_equal(tr.steps[7].words[f], FX_OWNER_DIED);
	expect_rets(&tr, 8, 1, 1, 0L);
	assert_false(tr.steps[8].word_fault[g]);
	assert_int_equal(tr.steps[8].words[g], 7);
	assert_true(tr.steps[9].rets[0].ret >= 16);
	for (i = 0; i < 10; i++)
		assert_false(tr.steps[i].word_fault[f]);
	assert_true(tr.steps[10].word_fault[f]);	/* the process ended */
	assert_true(tr.steps[10].word_fault[g]);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

static void test_skip(void **state)
{
	struct fxc_scenario *sc = sc_new("skip", 1);
	struct fxc_trace tr;
	int rc;

	add_thread(sc, 0);
	add_step(sc, FXC_STEP_SIGNAL, 0);
	strcpy(sc->requires, "futex2 no-such-feature");
	rc = fxc_run_kernel(sc, &tr);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(tr.skip, "no-such-feature"));
	assert_int_equal(tr.nsteps, 0);
	fxc_trace_free(&tr);
	if (access("/sys/devices/system/node/node1", F_OK) != 0) {
		strcpy(sc->requires, "multinode");
		rc = fxc_run_kernel(sc, &tr);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(tr.skip, "multinode"));
		fxc_trace_free(&tr);
	}
	sc_free(sc);
	(void)state;
}

static void test_runner_error_bounded(void **state)
{
	struct fxc_scenario *sc = sc_new("busy", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, false);
	struct fxc_trace tr;
	int rc;

	add_thread(sc, 0);
	add_futex_op(sc, 0, FX_OP_WAIT | FX_PRIVATE_FLAG, f, 0);
	add_futex_op(sc, 0, FX_OP_WAKE | FX_PRIVATE_FLAG, f, 1);
	rc = fxc_run_kernel(sc, &tr);
	assert_true(rc < 0);
	assert_non_null(strstr(tr.error, "still in a call"));
	assert_int_equal(tr.nsteps, 1);
	assert_true(tr.steps[0].blocked);
	fxc_trace_free(&tr);
	/* no zombie left behind */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	sc_free(sc);
	(void)state;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* overhead per step: non-blocking steps, with and without a sleeper */
static void test_speed(void **state)
{
	struct fxc_scenario *sc = sc_new("speed", 1);
	int m = add_map(sc, 0, FXC_MAP_ANON_PRIVATE, 0);
	int f = add_futex(sc, m, 0, 0, false);
	int g = add_futex(sc, m, 4, 0, false);
	struct fxc_trace tr;
	double t0, t1, t2;
	int i, n = 400;

	add_thread(sc, 0);
	add_thread(sc, 0);
	for (i = 0; i < n; i++)
		add_futex_op(sc, 0, FX_OP_WAKE | FX_PRIVATE_FLAG, f, 1);
	t0 = now_ms();
	tr = run(sc);
	t1 = now_ms();
	fxc_trace_free(&tr);
	sc->nsteps = 0;
	add_futex_op(sc, 1, FX_OP_WAIT | FX_PRIVATE_FLAG, g, 0);
	for (i = 0; i < n; i++)
		add_futex_op(sc, 0, FX_OP_WAKE | FX_PRIVATE_FLAG, f, 1);
	t2 = now_ms();
	tr = run(sc);
	print_message("[ PERF     ] %.3f ms/step idle, %.3f ms/step with a "
		      "blocked waiter (%d steps, incl. setup)\n",
		      (t1 - t0) / n, (now_ms() - t2) / n, n);
	assert_true(tr.steps[n].blocked == false);
	fxc_trace_free(&tr);
	sc_free(sc);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_wake),
		cmocka_unit_test(test_wait_wrong_value),
		cmocka_unit_test(test_cmp_requeue),
		cmocka_unit_test(test_lock_pi),
		cmocka_unit_test(test_two_process_shared),
		cmocka_unit_test(test_file_shared),
		cmocka_unit_test(test_robust_exit),
		cmocka_unit_test(test_robust_bad_len),
		cmocka_unit_test(test_timeout_expire),
		cmocka_unit_test(test_expire_retry),
		cmocka_unit_test(test_signal_restart),
		cmocka_unit_test(test_faults_and_prot),
		cmocka_unit_test(test_futex2_waitv_spawn),
		cmocka_unit_test(test_initial_thread),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_runner_error_bounded),
		cmocka_unit_test(test_speed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
