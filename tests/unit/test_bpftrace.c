// SPDX-License-Identifier: MIT
/*
 * test_bpftrace.c - the bpftrace importer (sim/trace/bpftrace.c) on real
 * output of workloads/futex.bt under bpftrace 0.17 (tests/trace/bpftrace/:
 * a small futex program, the same cut before its last exit line, python's
 * thread pool) and hand-made lines: entry/exit pairing, waiter lines,
 * timeouts, errno returns, calls that never return, orphans, every error
 * message with its file:line and --skip-bad counting.
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

#include "trtest.h"
#include "trace/bpftrace.h"

static struct fx_bpftrace *run(const char *name, struct trt_recs *v, bool skip,
				int want_rc, char *err, size_t errlen)
{
	FILE *f = trt_open("bpftrace", name);
	struct fx_bpftrace *p = fx_bpftrace_new(name, 0, trt_collect, v);

	assert_non_null(p);
	trt_want(name, fx_bpftrace_run(p, f, skip, err, errlen), want_rc, err);
	fclose(f);
	return p;
}

static void test_ft(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_bpftrace *p = run("ft.txt", &v, false, 0, err, sizeof(err));
	const struct fx_bpftrace_stats *st = fx_bpftrace_stats(p);
	const struct fx_trace_rec *r;

	(void)state;
	assert_int_equal(st->lines, 36);
	assert_int_equal(st->entries, 13);
	assert_int_equal(st->waiters, 4);
	assert_int_equal(st->exits, 13);
	assert_int_equal(st->other, 2);		/* ERROR: RLIMIT..., Attaching */
	assert_int_equal(st->blank, 4);
	assert_int_equal(st->orphans, 0);
	assert_int_equal(st->never_finished, 0);
	assert_true(st->have_epoch);
	assert_true(st->epoch_ns == 10966165770365ull);
	assert_int_equal(v.n, 17);
	trt_check_order(&v);

	/* another process's WAIT_BITSET with an absolute timeout */
	r = &v.r[0];
	assert_int_equal(r->pid, 20445);
	assert_int_equal(r->op, 9 | 128);
	assert_true(r->val2 == 10966215765628ull);
	assert_true(r->val3 == 0xffffffffu);
	assert_true(r->ret == -ETIMEDOUT);
	/* X's T - E's T, not DUR (50093542: the script's second nsecs) */
	assert_int_equal(r->dur_ns, 10966215881854ull - 10966165770365ull);
	/* FUTEX_WAIT_PRIVATE val 1 = -EAGAIN, no timeout */
	r = &v.r[1];
	assert_int_equal(r->tid, 26722);
	assert_int_equal(r->cpu, 0);
	assert_true(r->t_ns == 10966171026553ull - 10966165770365ull);
	assert_true(r->uaddr == 0x55fe3a3df040ull);
	assert_int_equal(r->val, 1);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_true(r->ret == -EAGAIN);
	assert_int_equal(r->dur_ns, 10966171070518ull - 10966171026553ull);
	/* relative 1 ms timeout */
	assert_true(v.r[2].val2 == 1000000);
	assert_true(v.r[2].ret == -ETIMEDOUT);
	/* CMP_REQUEUE val2 5, WAKE_OP val3 */
	assert_true(v.r[3].val2 == 5);
	assert_true(v.r[3].uaddr2 == 0x55fe3a3df03cull);
	assert_true(v.r[4].val3 == 0x04000001u);
	/* futex_waitv + 2 entries */
	r = &v.r[6];
	assert_int_equal(r->kind, FX_TR_FUTEX_WAITV);
	assert_int_equal(r->val, 2);
	assert_int_equal(r->val3, 1);
	assert_true(r->val2 == 10966172803234ull);
	assert_true(r->ret == -ETIMEDOUT);
	assert_int_equal(v.r[7].kind, FX_TR_WAITV_ENTRY);
	assert_true(v.r[7].uaddr == 0x55fe3a3df040ull);
	assert_int_equal(v.r[7].op, 130);
	assert_true(v.r[7].t_ns == r->t_ns);
	assert_true(v.r[8].uaddr == 0x55fe3a3df03cull);
	/* futex_wake, futex_wait, futex_requeue + 2 */
	assert_int_equal(v.r[9].kind, FX_TR_FUTEX_WAKE);
	assert_true(v.r[9].val3 == 0xffffffffu);
	assert_int_equal(v.r[9].val, 1);
	assert_int_equal(v.r[10].kind, FX_TR_FUTEX_WAIT);
	assert_true(v.r[10].ret == -EAGAIN);
	assert_int_equal(v.r[11].kind, FX_TR_FUTEX_REQUEUE);
	assert_int_equal(v.r[11].op, 128);
	assert_true(v.r[11].ret == -EINVAL);
	assert_int_equal(v.r[12].kind, FX_TR_WAITV_ENTRY);
	assert_int_equal(v.r[13].kind, FX_TR_WAITV_ENTRY);
	assert_true(v.r[14].ret == -EPERM);
	/* the blocked thread, woken by the process's exit */
	assert_int_equal(v.r[15].tid, 26723);
	assert_true(v.r[15].ret == -512);
	fx_bpftrace_free(p);
	free(v.r);
}

/* the same output cut before the blocked thread's exit line */
static void test_cut(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_bpftrace *p = run("cut.txt", &v, false, 0, err, sizeof(err));
	const struct fx_bpftrace_stats *st = fx_bpftrace_stats(p);

	(void)state;
	assert_int_equal(st->never_finished, 2);	/* 20445's too */
	assert_int_equal(v.n, 16);
	assert_int_equal(v.r[15].tid, 26723);
	assert_true(v.r[15].ret == FX_TR_UNFINISHED);
	assert_int_equal(v.r[15].dur_ns, 0);
	fx_bpftrace_free(p);
	free(v.r);
}

static void test_py_pool(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_bpftrace *p = run("py-pool.txt", &v, false, 0, err,
				    sizeof(err));
	const struct fx_bpftrace_stats *st = fx_bpftrace_stats(p);

	(void)state;
	assert_int_equal(st->entries, 71);
	assert_int_equal(st->exits, 71);
	assert_int_equal(st->orphans, 0);
	assert_int_equal(st->bad, 0);
	assert_int_equal(v.n, 71);
	trt_check_order(&v);
	fx_bpftrace_free(p);
	free(v.r);
}

static void test_handmade(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_bpftrace *p = run("handmade.txt", &v, false, 0, err,
				    sizeof(err));
	const struct fx_bpftrace_stats *st = fx_bpftrace_stats(p);

	(void)state;
	assert_int_equal(st->lines, 10);
	assert_int_equal(st->other, 2);
	assert_int_equal(st->blank, 1);
	assert_int_equal(st->orphans, 2);
	assert_int_equal(st->never_finished, 1);
	assert_int_equal(v.n, 3);
	/* WAIT_BITSET|PRIVATE|CLOCK_REALTIME, absolute timeout */
	assert_int_equal(v.r[0].op, 9 | 128 | 256);
	assert_int_equal(v.r[0].cpu, 3);
	assert_true(v.r[0].val2 == 1700000000250000000ull);
	assert_true(v.r[0].ret == 0);
	assert_int_equal(v.r[0].dur_ns, 1000000);
	assert_true(v.r[1].ret == -EAGAIN);
	assert_true(v.r[1].t_ns == 100);
	assert_int_equal(v.r[2].kind, FX_TR_FUTEX_WAIT);
	assert_true(v.r[2].ret == FX_TR_UNFINISHED);
	fx_bpftrace_free(p);
	free(v.r);
}

static void expect_error(const char *line, const char *msg)
{
	struct trt_recs v = { 0 };
	struct fx_bpftrace *p = fx_bpftrace_new("x.txt", 0, trt_collect, &v);
	char err[512] = "";
	int rc;

	assert_non_null(p);
	rc = fx_bpftrace_feed(p, line, strlen(line), err, sizeof(err));
	if (rc != -EINVAL || !strstr(err, msg))
		fail_msg("'%s': rc %d, '%s' (want '%s')", line, rc, err, msg);
	assert_int_equal(fx_bpftrace_stats(p)->bad, 1);
	assert_int_equal(fx_bpftrace_stats(p)->entries, 0);
	fx_bpftrace_free(p);
	free(v.r);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("E 1 2 3", "x.txt:1: expected 'E T PID TID CPU ...'");
	expect_error("E x 2 3 0 futex", "x.txt:1: expected a time in ns, found 'x'");
	expect_error("E 1 2 3 zero futex", "x.txt:1: expected a CPU number, found 'zero'");
	expect_error("E 1 2 3 0 futex 10 1", "x.txt:1: expected 8 fields after futex, found 2");
	expect_error("E 1 2 3 0 futex_frob 10", "x.txt:1: expected futex, futex_waitv, futex_wait, futex_wake or futex_requeue, found 'futex_frob'");
	expect_error("E 1 2 3 0 futex zz 1 1 0 0 0 0 0", "x.txt:1: expected a hex number as field 1 of futex, found 'zz'");
	expect_error("E 1 2 3 0 futex_wake 10 ff one 0", "x.txt:1: expected a decimal number as field 3 of futex_wake, found 'one'");
	expect_error("V 1 2 3 0 0 0", "x.txt:1: expected 'V T PID TID CPU IDX VAL UADDR FLAGS'");
	expect_error("X 1 2 3 0 p ret 5", "x.txt:1: expected 'X T PID TID CPU PROBE RET DUR'");
}

static void test_skip_bad(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_bpftrace *p;
	const struct fx_bpftrace_stats *st;

	(void)state;
	p = run("bad.txt", &v, false, -EINVAL, err, sizeof(err));
	assert_string_equal(err, "bad.txt:4: expected 8 fields after futex, found 2");
	fx_bpftrace_free(p);
	free(v.r);
	memset(&v, 0, sizeof(v));
	p = run("bad.txt", &v, true, 0, err, sizeof(err));
	st = fx_bpftrace_stats(p);
	assert_int_equal(st->bad, 3);
	assert_int_equal(st->first_bad_line, 4);
	assert_non_null(strstr(st->first_bad, "bad.txt:4: "));
	assert_int_equal(v.n, 2);
	assert_true(v.r[0].ret == 1);
	assert_int_equal(v.r[1].kind, FX_TR_FUTEX_WAKE);
	assert_true(v.r[1].ret == 0);
	fx_bpftrace_free(p);
	free(v.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ft),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_py_pool),
		cmocka_unit_test(test_handmade),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_skip_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
