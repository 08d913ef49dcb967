// SPDX-License-Identifier: MIT
/*
 * test_perftrace.c - the perf trace importer (sim/trace/perftrace.c) on
 * real `perf trace` 6.1 excerpts (tests/trace/perf/: a small futex
 * program, python's thread pool) and hand-made lines: omitted zero
 * arguments, calls in flight and their "[continued]" lines, "= ?",
 * errno returns, every error message with its file:line, --skip-bad
 * counting; and the reorder queue on its own.
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
#include "trace/perftrace.h"

static struct fx_perftrace *run(const char *name, struct trt_recs *v, bool skip,
				int want_rc, char *err, size_t errlen)
{
	FILE *f = trt_open("perf", name);
	struct fx_perftrace *p = fx_perftrace_new(name, 0, trt_collect, v);

	assert_non_null(p);
	trt_want(name, fx_perftrace_run(p, f, skip, err, errlen), want_rc, err);
	fclose(f);
	return p;
}

/* the futex program (/tmp/bt/ft.c in the report) under perf trace 6.1 */
static void test_ft(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("ft.txt", &v, false, 0, err, sizeof(err));
	const struct fx_perftrace_stats *st = fx_perftrace_stats(p);
	const struct fx_trace_rec *r;

	(void)state;
	assert_int_equal(st->lines, 8);
	assert_int_equal(st->calls, 8);
	assert_int_equal(st->bad, 0);
	assert_int_equal(v.n, 8);
	trt_check_order(&v);
	/* futex(uaddr: 0x55897a891040, op: WAIT|PRIVATE_FLAG, val: 1) = -1 EAGAIN */
	r = &v.r[0];
	assert_int_equal(r->kind, FX_TR_FUTEX);
	assert_int_equal(r->t_ns, 0);
	assert_int_equal(r->dur_ns, 36000);
	assert_int_equal(r->tid, 27112);
	assert_int_equal(r->pid, 27112);
	assert_int_equal(r->cpu, FX_TR_NO_CPU);
	assert_true(r->uaddr == 0x55897a891040ull);
	assert_int_equal(r->op, 128);
	assert_int_equal(r->val, 1);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_true(r->ret == -EAGAIN);
	/* utime: 0x7ffe6425cb50 (a pointer: value unknown), val omitted = 0 */
	r = &v.r[1];
	assert_int_equal(r->t_ns, 48000);
	assert_int_equal(r->val, 0);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_true(r->ret == -ETIMEDOUT);
	/* CMP_REQUEUE: perf 6.1 prints neither val2 nor val3 */
	r = &v.r[2];
	assert_int_equal(r->op, 4 | 128);
	assert_int_equal(r->val, 1);
	assert_true(r->uaddr2 == 0x55897a89103cull);
	assert_true(r->val2 == 0);
	/* WAKE_OP: utime: 0x1 is val2 */
	r = &v.r[3];
	assert_int_equal(r->op, 5 | 128);
	assert_true(r->val2 == 1);
	assert_true(r->val3 == 0x4000001du);	/* as perf 6.1 printed it */
	/* futex(uaddr: ..., op: WAKE) = 0: val omitted */
	r = &v.r[4];
	assert_int_equal(r->op, 1);
	assert_int_equal(r->val, 0);
	assert_true(r->ret == 0);
	/* futex_waitv(waiters: ..., nr_futexes: 2, timeout: ..., clockid: 1) */
	r = &v.r[5];
	assert_int_equal(r->kind, FX_TR_FUTEX_WAITV);
	assert_true(r->uaddr == 0x7ffe6425cb10ull);
	assert_int_equal(r->val, 2);
	assert_int_equal(r->op, 0);
	assert_int_equal(r->val3, 1);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_true(r->ret == -ETIMEDOUT);
	r = &v.r[6];
	assert_int_equal(r->op, 7 | 128);
	assert_true(r->ret == -EPERM);
	/* "= -1 (unknown) (INTERNAL ERROR: strerror_r(512, ...": ERESTARTSYS */
	r = &v.r[7];
	assert_int_equal(r->tid, 27113);
	assert_int_equal(r->pid, 27112);
	assert_int_equal(r->dur_ns, 15141000);
	assert_true(r->ret == -512);
	fx_perftrace_free(p);
	free(v.r);
}

/* python's thread pool: entries in flight and their [continued] lines */
static void test_py_pool(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("py-pool.txt", &v, false, 0, err,
				     sizeof(err));
	const struct fx_perftrace_stats *st = fx_perftrace_stats(p);
	const struct fx_trace_rec *r = NULL;

	(void)state;
	assert_int_equal(st->lines, 150);
	assert_int_equal(st->continued, 31);
	assert_int_equal(st->orphan_continued, 0);
	assert_int_equal(st->calls + st->continued, 150);
	assert_int_equal(v.n, 119);
	assert_int_equal(st->never_finished, 3);	/* cut off by the excerpt */
	trt_check_order(&v);
	/*
	 * 173.891 (         ): python3/22773 futex(uaddr: 0x559758eb81e0,
	 *   op: WAIT_BITSET|PRIVATE_FLAG|CLOCK_REALTIME, val3: MATCH_ANY) ...
	 * 173.891 ( 0.435 ms): python3/22773  ... [continued]: futex()) = 0
	 */
	for (size_t i = 0; i < v.n; i++)
		if (v.r[i].t_ns == 173891000ull)
			r = &v.r[i];
	assert_non_null(r);
	assert_true(r->uaddr == 0x559758eb81e0ull);
	assert_int_equal(r->op, 9 | 128 | 256);
	assert_int_equal(r->val, 0);
	assert_true(r->val3 == 0xffffffffu);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_true(r->ret == 0);
	assert_int_equal(r->dur_ns, 435000);
	fx_perftrace_free(p);
	free(v.r);
}

/*
 * wrapped.txt (perf 6.1, captured by workloads/capture.sh --tool perf):
 * perf printed two times just below zero as 18446744073709.418 ms, the
 * entry of calls begun before its first event: the WAIT line is put at
 * the start of the trace.  It starts a call of 30421 while its WAKE since
 * 0.907 is in flight, so that WAKE is written unfinished and the wrapped
 * [continued] line is an orphan.
 */
static void test_wrapped_time(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("wrapped.txt", &v, false, 0, err,
				     sizeof(err));
	const struct fx_perftrace_stats *st = fx_perftrace_stats(p);
	const struct fx_trace_rec *wait = NULL, *wake = NULL;

	(void)state;
	assert_int_equal(st->wrapped, 2);
	trt_check_order(&v);
	for (size_t i = 0; i < v.n; i++) {
		if (v.r[i].tid != 30421)
			continue;
		if (v.r[i].op == (0 | 128) && v.r[i].t_ns == 0)
			wait = &v.r[i];
		else if (v.r[i].op == (1 | 128) && v.r[i].t_ns == 907000)
			wake = &v.r[i];
	}
	assert_non_null(wait);
	assert_true(wait->ret == 0);
	assert_int_equal(wait->dur_ns, 197000);
	assert_non_null(wake);
	assert_true(wake->ret == FX_TR_UNFINISHED);
	assert_int_equal(st->orphan_continued, 2);
	assert_int_equal(st->late, 0);
	for (size_t i = 0; i < v.n; i++)
		assert_true(v.r[i].t_ns < 2000000);
	fx_perftrace_free(p);
	free(v.r);
}

/*
 * notime.txt (a real capture): perf printed "?" for the time of the
 * "[continued]" line that ends 24190's wait in flight since 0.048 ms.
 * The wait gets its return value; its duration is unknown (0).  The first
 * WAIT line's time is wrapped: a call begun before perf's first event.
 */
static void test_notime_continued(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("notime.txt", &v, false, 0, err,
				     sizeof(err));
	const struct fx_perftrace_stats *st = fx_perftrace_stats(p);
	const struct fx_trace_rec *r = NULL;

	(void)state;
	assert_int_equal(st->continued, 1);
	assert_int_equal(st->orphan_continued, 0);
	assert_int_equal(st->wrapped, 1);
	trt_check_order(&v);
	for (size_t i = 0; i < v.n; i++)
		if (v.r[i].tid == 24190 && v.r[i].t_ns == 48000)
			r = &v.r[i];
	assert_non_null(r);
	assert_true(r->ret == 0);
	assert_int_equal(r->dur_ns, 0);
	fx_perftrace_free(p);
	free(v.r);
}

/* a [continued] line whose duration perf printed wrapped: unknown (0) */
static void test_wrapped_duration(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("wrapdur.txt", &v, false, 0, err,
				     sizeof(err));

	(void)state;
	assert_int_equal(fx_perftrace_stats(p)->wrapped, 1);
	assert_int_equal(v.n, 1);
	assert_true(v.r[0].t_ns == 2000000);
	assert_true(v.r[0].ret == 1);
	assert_int_equal(v.r[0].dur_ns, 0);
	fx_perftrace_free(p);
	free(v.r);
}

static void test_late_lines(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("late.txt", &v, false, 0, err,
				     sizeof(err));
	static const uint64_t t[] = { 0, 3304000, 3393000, 3494000, 3549000 };

	(void)state;
	assert_int_equal(v.n, 5);
	trt_check_order(&v);
	for (size_t i = 0; i < v.n; i++)
		assert_true(v.r[i].t_ns == t[i]);
	assert_true(v.r[0].ret == 0 && v.r[0].dur_ns == 3376000);
	assert_true(v.r[4].ret == 1 && v.r[4].dur_ns == 14000);
	fx_perftrace_free(p);
	free(v.r);
}

static void test_handmade(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p = run("handmade.txt", &v, false, 0, err,
				     sizeof(err));
	const struct fx_perftrace_stats *st = fx_perftrace_stats(p);
	static const uint64_t t[] = { 0, 20000, 30000, 40000, 50000, 60000,
				      100000, 110000 };

	(void)state;
	assert_int_equal(st->lines, 13);
	assert_int_equal(st->blank, 1);
	assert_int_equal(st->other, 2);		/* the comment, write() */
	assert_int_equal(st->continued, 2);
	assert_int_equal(st->orphan_continued, 1);
	assert_int_equal(st->never_finished, 2);
	assert_int_equal(v.n, 8);
	for (size_t i = 0; i < v.n; i++) {
		assert_true(v.r[i].t_ns == t[i]);
		assert_int_equal(v.r[i].pid, 4242);
	}
	assert_int_equal(v.r[0].tid, 4242);		/* "Web Content/4242" */
	assert_int_equal(v.r[1].tid, 4243);		/* "kworker/u8:1/4243" */
	assert_int_equal(v.r[1].dur_ns, 60000);
	assert_true(v.r[1].ret == 0);
	assert_int_equal(v.r[2].op, 0x81);
	assert_true(v.r[3].ret == -EDEADLK);
	assert_true(v.r[3].val2 == FX_TR_NO_TIMEOUT);
	assert_int_equal(v.r[4].kind, FX_TR_FUTEX_WAKE);
	assert_true(v.r[4].val3 == 0xffffffffu);
	assert_int_equal(v.r[4].val, 1);
	assert_int_equal(v.r[4].op, 130);
	assert_true(v.r[5].ret == FX_TR_UNFINISHED);	/* "= ?" */
	assert_int_equal(v.r[5].val, 7);
	assert_true(v.r[6].ret == FX_TR_UNFINISHED);	/* "..." at the end */
	assert_int_equal(v.r[6].tid, 4245);
	assert_int_equal(v.r[7].kind, FX_TR_FUTEX_WAITV);
	assert_int_equal(v.r[7].op, 0);			/* flags omitted */
	fx_perftrace_free(p);
	free(v.r);
}

static void expect_error(const char *line, const char *msg)
{
	struct trt_recs v = { 0 };
	struct fx_perftrace *p = fx_perftrace_new("x.txt", 0, trt_collect, &v);
	char err[512] = "";
	int rc;

	assert_non_null(p);
	rc = fx_perftrace_feed(p, line, strlen(line), err, sizeof(err));
	if (rc != -EINVAL || !strstr(err, msg))
		fail_msg("'%s': rc %d, '%s' (want '%s')", line, rc, err, msg);
	assert_int_equal(fx_perftrace_stats(p)->bad, 1);
	fx_perftrace_free(p);
	free(v.r);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("  1.0 ( 0.1 ms): a/1 futex(uaddr: 0x1, op: FROB) = 0",
		     "x.txt:1: expected a futex op (WAIT|PRIVATE_FLAG, ...), found 'FROB'");
	expect_error("  1.0 ( 0.1 ms): a/1 futex(uaddr: 0x1, op: WAKE)",
		     "x.txt:1: expected '= RET' after the call");
	expect_error("  1.0 ( 0.1 ms): a/1 futex(uaddr: 0x1, op: WAKE) = -1 EFROB (x)",
		     "x.txt:1: unknown errno name 'EFROB'");
	expect_error("  1.0 ( 0.1 ms): a/1 futex(uaddr: 0x1, op: WAKE) = x",
		     "x.txt:1: expected a return value after '='");
	expect_error("  1.0 ( 0.1 ms): a/1 futex(uaddr: zz, op: WAKE) = 0",
		     "x.txt:1: expected a number for 'uaddr', found 'zz'");
	expect_error("  1.0 ( 0.1 ms): a/1 futex(uaddr 0x1) = 0",
		     "x.txt:1: expected 'NAME: VALUE' arguments");
	expect_error("  1.0 ( 0.1 xs): a/1 futex() = 0",
		     "x.txt:1: expected 'ms' after the duration");
	expect_error("  1.0 0.1 ms: a/1 futex() = 0",
		     "x.txt:1: expected '( DURATION ms):' after the time");
	expect_error("  1.0 ( 0.1 ms): futex() = 0",
		     "x.txt:1: expected 'COMM/TID NAME(...)' after the duration");
	expect_error("  1.0 ( 0.1 ms): a/1  ... [continued]: futex() = 0",
		     "x.txt:1: expected '... [continued]: NAME())'");
}

static void test_skip_bad(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_perftrace *p;
	const struct fx_perftrace_stats *st;

	(void)state;
	p = run("bad.txt", &v, false, -EINVAL, err, sizeof(err));
	assert_string_equal(err, "bad.txt:2: expected a futex op (WAIT|PRIVATE_FLAG, ...), found 'FROB|PRIVATE_FLAG'");
	fx_perftrace_free(p);
	free(v.r);
	memset(&v, 0, sizeof(v));
	p = run("bad.txt", &v, true, 0, err, sizeof(err));
	st = fx_perftrace_stats(p);
	assert_int_equal(st->bad, 3);
	assert_int_equal(st->first_bad_line, 2);
	assert_non_null(strstr(st->first_bad, "bad.txt:2: "));
	assert_int_equal(v.n, 2);
	assert_true(v.r[1].uaddr == 0x1004);
	fx_perftrace_free(p);
	free(v.r);
}

/* the window: a call in flight too long leaves as unfinished */
static void test_window(void **state)
{
	struct trt_recs v = { 0 };
	struct fx_perftrace *p = fx_perftrace_new("w.txt", 4, trt_collect, &v);
	char err[512], line[256];
	const struct fx_perftrace_stats *st;

	(void)state;
	assert_non_null(p);
	snprintf(line, sizeof(line), "0.000 (         ): a/2 futex(uaddr: 0x10, op: WAIT, val: 1) ...");
	assert_int_equal(fx_perftrace_feed(p, line, strlen(line), err, sizeof(err)), 0);
	for (int i = 1; i <= 6; i++) {
		snprintf(line, sizeof(line), "%d.000 ( 0.001 ms): a/1 futex(uaddr: 0x20, op: WAKE, val: 1) = 0", i);
		assert_int_equal(fx_perftrace_feed(p, line, strlen(line), err, sizeof(err)), 0);
	}
	snprintf(line, sizeof(line), "0.000 ( 7.000 ms): a/2  ... [continued]: futex()) = 0");
	assert_int_equal(fx_perftrace_feed(p, line, strlen(line), err, sizeof(err)), 0);
	assert_int_equal(fx_perftrace_finish(p), 0);
	st = fx_perftrace_stats(p);
	assert_int_equal(st->evicted, 1);
	assert_int_equal(st->never_finished, 1);
	assert_int_equal(v.n, 7);
	assert_true(v.r[0].ret == FX_TR_UNFINISHED);
	trt_check_order(&v);
	fx_perftrace_free(p);
	free(v.r);
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_int_equal(fx_tr_errno("EAGAIN", 6), EAGAIN);
	assert_int_equal(fx_tr_errno("ETIMEDOUT", 9), ETIMEDOUT);
	assert_int_equal(fx_tr_errno("ERESTARTSYS", 11), 512);
	assert_int_equal(fx_tr_errno("ERESTART_RESTARTBLOCK", 21), 516);
	assert_int_equal(fx_tr_errno("EFROB", 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ft),
		cmocka_unit_test(test_py_pool),
		cmocka_unit_test(test_wrapped_time),
		cmocka_unit_test(test_wrapped_duration),
		cmocka_unit_test(test_late_lines),
		cmocka_unit_test(test_notime_continued),
		cmocka_unit_test(test_handmade),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
