// SPDX-License-Identifier: MIT
/*
 * test_strace.c - the strace importer (sim/trace/strace.c) on real strace
 * excerpts (tests/trace/strace/: a small futex program, python's thread
 * pool, xz -T4) and hand-made lines: record counts, fields of specific
 * lines, the pairing of <unfinished ...> with <... resumed>, every error
 * message with its file:line, and --skip-bad counting; the capture's
 * /proc/PID/maps snapshots (--maps) and their errors.
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

#include <unistd.h>

#include "trtest.h"
#include "cli/cli.h"
#include "trace/import.h"
#include "trace/strace.h"

/* run - import fixture @name into @v; returns the parser (stats) */
static struct fx_strace *run(const char *name, struct trt_recs *v, bool skip,
			     int want_rc, char *err, size_t errlen)
{
	FILE *f = trt_open("strace", name);
	struct fx_strace *p = fx_strace_new(name, 0, trt_collect, v);

	assert_non_null(p);
	trt_want(name, fx_strace_run(p, f, skip, err, errlen), want_rc, err);
	fclose(f);
	return p;
}

static size_t count_kind(const struct trt_recs *v, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n; i++)
		n += v->r[i].kind == kind;
	return n;
}

/* the futex program under strace -f -ttt -T -o FILE */
static void test_fx_o(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_strace *p = run("fx-o.txt", &v, false, 0, err, sizeof(err));
	const struct fx_strace_stats *st = fx_strace_stats(p);
	const struct fx_trace_rec *r;

	(void)state;
	assert_int_equal(st->lines, 45);
	assert_int_equal(st->resumes, 9);
	assert_int_equal(st->signals, 1);
	assert_int_equal(st->exits, 3);
	assert_int_equal(st->bad, 0);
	assert_int_equal(v.n, 25);
	assert_int_equal(st->records, 25);
	assert_int_equal(st->never_finished, 1);
	assert_true(st->have_epoch);
	assert_true(st->epoch_ns == 1795491509164433000ull);
	trt_check_order(&v);
	assert_int_equal(count_kind(&v, FX_TR_FUTEX), 12);
	assert_int_equal(count_kind(&v, FX_TR_FUTEX_WAITV), 1);
	assert_int_equal(count_kind(&v, FX_TR_WAITV_ENTRY), 2);
	assert_int_equal(count_kind(&v, FX_TR_THREAD_NEW), 2);
	assert_int_equal(count_kind(&v, FX_TR_THREAD_EXIT), 3);
	assert_int_equal(count_kind(&v, FX_TR_MAP), 1);	/* the MAP_SHARED one */

	/* set_tid_address(0x7f3e046d1a10) = 2755 <0.000030> */
	r = &v.r[0];
	assert_int_equal(r->kind, FX_TR_SET_TID_ADDR);
	assert_int_equal(r->t_ns, 0);
	assert_int_equal(r->dur_ns, 30000);
	assert_true(r->uaddr == 0x7f3e046d1a10ull);
	assert_int_equal(r->ret, 2755);
	assert_int_equal(r->cpu, FX_TR_NO_CPU);
	/* mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) */
	r = &v.r[2];
	assert_int_equal(r->kind, FX_TR_MAP);
	assert_true(r->uaddr == 0x7f3e048c0000ull);
	assert_int_equal(r->val2, 4096);
	assert_int_equal(r->op, 0x21);
	assert_int_equal(r->val3, 3);
	assert_int_equal(r->inode, 0);
	/* futex(.., FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN */
	r = &v.r[3];
	assert_int_equal(r->kind, FX_TR_FUTEX);
	assert_int_equal(r->op, 0x80);
	assert_int_equal(r->val, 1);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_int_equal(r->ret, -EAGAIN);
	assert_int_equal(r->t_ns, 165248000ull - 164433000ull);
	/* {tv_sec=0, tv_nsec=100000}) = -1 ETIMEDOUT */
	r = &v.r[4];
	assert_int_equal(r->val2, 100000);
	assert_int_equal(r->ret, -ETIMEDOUT);
	assert_int_equal(v.r[5].op, 0);			/* FUTEX_WAIT, shared */
	/* FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME ... MATCH_ANY */
	r = &v.r[6];
	assert_int_equal(r->op, 0x189);
	assert_int_equal(r->val3, 0xffffffffu);
	/* clone3(...) = 2756: the new thread in the caller's group */
	r = &v.r[7];
	assert_int_equal(r->kind, FX_TR_THREAD_NEW);
	assert_int_equal(r->tid, 2756);
	assert_int_equal(r->pid, 2755);
	assert_int_equal(r->val, 2755);
	assert_true(r->op & 0x10000);			/* CLONE_THREAD */
	assert_int_equal(r->ret, 2756);
	/* futex_waitv([{..}, {..}], 2, 0, NULL, CLOCK_REALTIME <unfinished
	 * ...> ... <... futex_waitv resumed>) = 1 <0.020598> */
	r = &v.r[9];
	assert_int_equal(r->kind, FX_TR_FUTEX_WAITV);
	assert_int_equal(r->tid, 2756);
	assert_int_equal(r->pid, 2755);
	assert_int_equal(r->val, 2);
	assert_int_equal(r->ret, 1);
	assert_int_equal(r->dur_ns, 20598000);
	assert_true(r->val2 == FX_TR_NO_TIMEOUT);
	assert_int_equal(v.r[10].kind, FX_TR_WAITV_ENTRY);
	assert_true(v.r[10].uaddr == 0x55910f24b070ull);
	assert_int_equal(v.r[10].op, 0x82);		/* FUTEX_32|PRIVATE */
	assert_true(v.r[11].uaddr == 0x55910f24b074ull);
	assert_int_equal(v.r[11].t_ns, r->t_ns);
	/* the SIGUSR1'd wait: = ? ERESTARTSYS */
	r = &v.r[14];
	assert_int_equal(r->tid, 2757);
	assert_int_equal(r->ret, -512);
	assert_int_equal(r->dur_ns, 40704000);
	/* FUTEX_WAKE_OP_PRIVATE, 1, 1, uaddr2, FUTEX_OP_SET<<28|0<<12|
	 * FUTEX_OP_CMP_GT<<24|0x1 */
	r = &v.r[17];
	assert_int_equal(r->op, 0x85);
	assert_int_equal(r->val2, 1);
	assert_true(r->uaddr2 == 0x55910f24b074ull);
	assert_int_equal(r->val3, 0x04000001);
	/* FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, uaddr2, 5 <unfinished ...> =
	 * -1 EAGAIN */
	r = &v.r[19];
	assert_int_equal(r->op, 0x84);
	assert_int_equal(r->val3, 5);
	assert_int_equal(r->ret, -EAGAIN);
	assert_int_equal(r->dur_ns, 39000);
	/* the wait cut short by exit_group: "<... futex resumed>) = ?" */
	r = &v.r[21];
	assert_int_equal(r->tid, 2757);
	assert_true(r->ret == FX_TR_UNFINISHED);
	/* +++ exited with 0 +++ per thread */
	r = &v.r[24];
	assert_int_equal(r->kind, FX_TR_THREAD_EXIT);
	assert_int_equal(r->tid, 2755);
	assert_int_equal(r->ret, 0);
	assert_int_equal(r->val3, 0);
	fx_strace_free(p);
	free(v.r);
}

/* the same program, strace -f -ttt to stderr: "[pid N]" prefixes, none for
 * the first thread, no durations, lines cut by "strace: Process N
 * attached" */
static void test_fx_stderr(void **state)
{
	struct trt_recs v = { 0 }, w = { 0 };
	char err[512];
	struct fx_strace *p = run("fx-stderr.txt", &v, false, 0, err, sizeof(err));
	struct fx_strace *q = run("fx-o.txt", &w, false, 0, err, sizeof(err));

	(void)state;
	assert_int_equal(v.n, w.n);
	trt_check_order(&v);
	/* the threads interleave differently from run to run */
	for (int k = FX_TR_FUTEX; k < FX_TR_KIND_MAX; k++)
		assert_int_equal(count_kind(&v, k), count_kind(&w, k));
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(v.r[i].kind, w.r[i].kind);
		assert_int_equal(v.r[i].op, w.r[i].op);
		assert_int_equal(v.r[i].val3, w.r[i].val3);
		if (i && i != 2)	/* the tid, the mapping differ */
			assert_int_equal(v.r[i].ret, w.r[i].ret);
	}
	/* the unprefixed thread's tid came from set_tid_address() = 2880 */
	assert_int_equal(v.r[0].tid, 2880);
	assert_int_equal(v.r[v.n - 1].kind, FX_TR_THREAD_EXIT);
	assert_int_equal(v.r[v.n - 1].tid, 2880);
	/* without -T: finished calls 0, resumed calls the time between */
	assert_int_equal(v.r[3].dur_ns, 0);
	assert_int_equal(v.r[3].ret, -EAGAIN);
	/* the clone3 cut by "strace: Process 2882 attached" */
	assert_int_equal(v.r[8].kind, FX_TR_THREAD_NEW);
	assert_int_equal(v.r[8].tid, 2882);
	assert_int_equal(v.r[8].pid, 2880);
	/* futex(.., NULL <cut> <unfinished ...> ... = ? ERESTARTSYS */
	assert_int_equal(v.r[10].tid, 2882);
	assert_int_equal(v.r[10].ret, -512);
	assert_int_equal(v.r[10].dur_ns, 920449000ull - 879868000ull);
	fx_strace_free(p);
	fx_strace_free(q);
	free(v.r);
	free(w.r);
}

/* hand-made: futex2 calls, clone resumed after the child's first call,
 * PI ops, "= ? <unavailable>", killed threads */
static void test_handmade(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_strace *p = run("handmade.txt", &v, false, 0, err, sizeof(err));
	const struct fx_trace_rec *r;

	(void)state;
	assert_int_equal(v.n, 15);
	trt_check_order(&v);
	r = &v.r[1];				/* mmap MAP_SHARED of fd 3 */
	assert_int_equal(r->kind, FX_TR_MAP);
	assert_int_equal(r->val, 0);
	assert_int_equal(r->val3, 3);
	assert_int_equal(r->val2, 8192);
	assert_int_equal(r->inode, 0);
	assert_int_equal(r->uaddr2, 0x1000);
	assert_int_equal(r->op, 1);
	r = &v.r[2];				/* clone <unfinished ...> = 101 */
	assert_int_equal(r->kind, FX_TR_THREAD_NEW);
	assert_int_equal(r->t_ns, 20000);
	assert_int_equal(r->dur_ns, 12000);
	assert_int_equal(r->tid, 101);
	assert_int_equal(r->pid, 100);
	/* the child's call printed before clone returned: its group fixed */
	r = &v.r[3];
	assert_int_equal(r->kind, FX_TR_SET_ROBUST);
	assert_int_equal(r->tid, 101);
	assert_int_equal(r->pid, 100);
	assert_int_equal(r->val, 24);
	r = &v.r[4];				/* futex_wait(...) resumed, no -T */
	assert_int_equal(r->kind, FX_TR_FUTEX_WAIT);
	assert_int_equal(r->dur_ns, 20000);
	assert_int_equal(r->val2, 1000000500);
	assert_int_equal(r->val3, 0xffffffffu);
	assert_int_equal(r->op, 2);
	r = &v.r[5];
	assert_int_equal(r->kind, FX_TR_FUTEX_WAKE);
	assert_int_equal(r->val, 1);
	r = &v.r[6];		/* futex_requeue: the two waiters follow */
	assert_int_equal(r->kind, FX_TR_FUTEX_REQUEUE);
	assert_int_equal(r->uaddr, 0);		/* the array's address: unknown */
	assert_int_equal(r->val, 1);
	assert_int_equal(r->val2, 2147483647);
	assert_int_equal(r->op, 0);
	assert_int_equal(v.r[7].kind, FX_TR_WAITV_ENTRY);
	assert_true(v.r[7].uaddr == 0x7f0000100004ull);
	assert_int_equal(v.r[7].op, 0x82);
	assert_int_equal(v.r[8].kind, FX_TR_WAITV_ENTRY);
	assert_true(v.r[8].uaddr == 0x7f0000100008ull);
	assert_int_equal(v.r[9].val3, 0x04000001);	/* {FUTEX_OP_SET, ...} */
	assert_int_equal(v.r[10].op, 0x86);		/* LOCK_PI_PRIVATE */
	assert_true(v.r[10].val2 == FX_TR_NO_TIMEOUT);
	assert_int_equal(v.r[11].op, 0x87);
	r = &v.r[12];				/* = ? <unavailable> */
	assert_true(r->ret == FX_TR_UNFINISHED);
	assert_int_equal(r->dur_ns, 20000);
	assert_int_equal(v.r[13].kind, FX_TR_THREAD_EXIT);
	assert_int_equal(v.r[13].val3, 15);		/* SIGTERM */
	assert_true(v.r[13].ret == FX_TR_UNFINISHED);	/* no exit status */
	assert_int_equal(v.r[14].tid, 100);
	assert_int_equal(fx_strace_stats(p)->never_finished, 1);
	assert_int_equal(fx_strace_stats(p)->signals, 1);
	fx_strace_free(p);
	free(v.r);
}

/* real excerpts of python's ThreadPoolExecutor and xz -T4 */
static void test_real_excerpts(void **state)
{
	static const struct {
		const char *name;
		size_t lines, records, resumes, signals, exits;
	} t[] = {
		{ "py-procs.txt", 241, 58, 10, 8, 8 },
		{ "py-threads.txt", 250, 129, 100, 0, 0 },
		{ "xz-T4.txt", 155, 107, 7, 0, 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct trt_recs v = { 0 };
		char err[512];
		struct fx_strace *p = run(t[i].name, &v, false, 0, err,
					  sizeof(err));
		const struct fx_strace_stats *st = fx_strace_stats(p);

		assert_int_equal(st->lines, t[i].lines);
		assert_int_equal(v.n, t[i].records);
		assert_int_equal(st->resumes, t[i].resumes);
		assert_int_equal(st->signals, t[i].signals);
		assert_int_equal(st->exits, t[i].exits);
		assert_int_equal(st->bad, 0);
		trt_check_order(&v);
		fx_strace_free(p);
		free(v.r);
	}
}

/* py-procs.txt: a fork (no CLONE_THREAD) starts its own thread group */
static void test_fork_group(void **state)
{
	struct trt_recs v = { 0 };
	char err[512];
	struct fx_strace *p = run("py-procs.txt", &v, false, 0, err, sizeof(err));
	size_t forks = 0;

	(void)state;
	for (size_t i = 0; i < v.n; i++) {
		if (v.r[i].kind != FX_TR_THREAD_NEW)
			continue;
		forks++;
		assert_int_equal(v.r[i].pid, v.r[i].tid);
		assert_false(v.r[i].op & 0x10000);
		assert_int_equal(v.r[i].op & 0xff, 17);	/* SIGCHLD */
	}
	assert_true(forks >= 5);
	fx_strace_free(p);
	free(v.r);
}

static struct fx_strace *new_parser(struct trt_recs *v)
{
	struct fx_strace *p = fx_strace_new("t.txt", 0, trt_collect, v);

	assert_non_null(p);
	return p;
}

static void feed_ok(struct fx_strace *p, const char *line)
{
	char err[512] = "";
	int rc = fx_strace_feed(p, line, strlen(line), err, sizeof(err));

	if (rc)
		fail_msg("'%s': %d %s", line, rc, err);
}

static void feed_bad(struct fx_strace *p, const char *line, const char *msg)
{
	char err[512] = "";

	assert_int_equal(fx_strace_feed(p, line, strlen(line), err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, msg);
}

/* every error message, each with its file:line */
static void test_errors(void **state)
{
	struct trt_recs v = { 0 };
	struct fx_strace *p = new_parser(&v);
	static const struct {
		const char *line, *msg;
	} t[] = {
		{ "1 1.000001 futex(0x10, FUTEX_WAKE_PRIVATE, 1)",
		  "expected '= RET' after futex(...)" },
		{ "1 1.000001 futex(0x10, FUTEX_WAKE_PRIVATE, 1) = zz",
		  "expected '= RET' after futex(...), found '= zz'" },
		{ "1 1.000001 futex(0x10, FUTEX_FROB_PRIVATE, 1) = 0",
		  "expected a futex op (FUTEX_WAIT_PRIVATE, ...) in futex(...), found 'FUTEX_FROB_PRIVATE'" },
		{ "garbage",
		  "expected a pid or a -ttt timestamp (SECONDS.MICROS) at the start of the line" },
		{ "1 garbage",
		  "expected a -ttt timestamp (SECONDS.MICROS) after the pid" },
		{ "1 12:00:01.5 futex(0x10, FUTEX_WAKE, 1) = 0",
		  "expected a -ttt timestamp (SECONDS.MICROS), found a clock time (capture with strace -ttt, not -t/-tt)" },
		{ "1 1 futex(0x10, FUTEX_WAKE, 1) = 0",
		  "expected a -ttt timestamp (SECONDS.MICROS)" },
		{ "1 1.5futex(0x10, FUTEX_WAKE, 1) = 0",
		  "expected a space after the timestamp" },
		{ "[pid 12 1.5 futex(0x10, FUTEX_WAKE, 1) = 0",
		  "expected '[pid N]'" },
		{ "1 1.000001 futex(0x10, FUTEX_WAIT_PRIVATE, 0, {tv_sec=1}) = 0",
		  "expected a timeout ({tv_sec=S, tv_nsec=N} or NULL) in futex(...), found '{tv_sec=1}'" },
		{ "1 1.000001 futex(0x10, FUTEX_WAKE_PRIVATE, 1) = -1 EFROB (x)",
		  "expected an errno name after '= -1', found 'EFROB'" },
		{ "1 1.000001 futex(0x10, FUTEX_WAKE_PRIVATE, 1 = 0",
		  "expected ')' closing futex(...)" },
		{ "1 1.000001 futex(0x10) = 0",
		  "expected 2 arguments to futex(...), found 1" },
		{ "1 1.000001 futex(zz, FUTEX_WAKE, 1) = 0",
		  "expected an address in futex(...), found 'zz'" },
		{ "1 1.000001 futex(0x10, FUTEX_WAKE, 1) = 0 <0.0x1>",
		  "expected a duration <SECONDS.MICROS>" },
		{ "1 1.000001 futex(0x10, FUTEX_CMP_REQUEUE, 1, 1) = 0",
		  "expected 5 arguments to futex(...), found 4" },
		{ "1 1.000001 futex(0x10, FUTEX_WAKE_OP, 1, 1, 0x14, {FUTEX_OP_SET, 0}) = 0",
		  "expected a wake op {OP, OPARG, CMP, CMPARG} in futex(...), found '{FUTEX_OP_SET, 0}'" },
		{ "1 1.000001 futex_waitv({val=0}, 1, 0, NULL, CLOCK_MONOTONIC) = 0",
		  "expected an array [{val=V, uaddr=A, flags=F}, ...] in futex_waitv(...), found '{val=0}'" },
		{ "1 1.000001 futex_waitv([{val=0, uaddr=0x10}], 1, 0, NULL, CLOCK_MONOTONIC) = 0",
		  "expected a waitv entry {val=V, uaddr=A, flags=F} in futex_waitv(...), found '{val=0, uaddr=0x10}'" },
		{ "1 1.000001 futex_requeue([{val=0, uaddr=0x10, flags=FUTEX2_SIZE_U32}], 0, 1, 1) = 0",
		  "expected two waiters [{val=V, uaddr=A, flags=F}, {...}] in futex_requeue(...), found '[{val=0, uaddr=0x10, flags=FUTEX2_SIZE_U32}]'" },
		{ "1 1.000001 futex_requeue([{val=0, uaddr=0x10, flags=FUTEX2_SIZE_U32}, {val=0}], 0, 1, 1) = 0",
		  "expected a waiter {val=V, uaddr=A, flags=F} in futex_requeue(...), found '{val=0}'" },
		{ "1 1.000001 1+1",
		  "expected a system call NAME(...), '<... NAME resumed>', '--- SIGNAL' or '+++ exited'" },
		{ "1 1.000001 +++ exited with x +++",
		  "expected '+++ exited with N +++'" },
		{ "1 1.000001 +++ killed by SIGFROB +++",
		  "expected '+++ killed by SIGNAL +++'" },
		{ "1 1.000001 +++ stopped +++",
		  "expected '+++ exited with N +++' or '+++ killed by SIGNAL +++'" },
		{ "1 1.000001 <... futex resumed",
		  "expected '<... NAME resumed>'" },
		{ "1 1.000001 <... futex resumed> = 0",
		  "expected ') = RET' after '<... futex resumed>'" },
		{ "1 1.000001 set_robust_list(0x10) = 0",
		  "expected 2 arguments to set_robust_list(...), found 1" },
		{ "1 1.000001 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3) = 0x1000",
		  "expected 6 arguments to mmap(...), found 5" },
	};
	char msg[512];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(msg, sizeof(msg), "t.txt:%zu: %s", i + 1, t[i].msg);
		feed_bad(p, t[i].line, msg);
	}
	/* a resumed line of another call than the one in flight */
	feed_ok(p, "7 2.0 futex(0x10, FUTEX_WAIT, 0, NULL <unfinished ...>");
	snprintf(msg, sizeof(msg), "t.txt:%zu: %s", sizeof(t) / sizeof(t[0]) + 2,
		 "expected '<... futex resumed>' for the call in flight, found '<... clone resumed>'");
	feed_bad(p, "7 2.1 <... clone resumed>) = 8", msg);
	assert_int_equal(fx_strace_stats(p)->bad, sizeof(t) / sizeof(t[0]) + 1);
	assert_string_equal(fx_strace_stats(p)->first_bad,
			    "t.txt:1: expected '= RET' after futex(...)");
	assert_int_equal(v.n, 0);
	fx_strace_free(p);
	free(v.r);
}

/* --skip-bad: counted, the first kept, the rest imported */
static void test_skip_bad(void **state)
{
	struct trt_recs v = { 0 }, w = { 0 };
	char err[512] = "";
	struct fx_strace *p = run("bad.txt", &v, true, 0, err, sizeof(err));
	struct fx_strace *q;
	const struct fx_strace_stats *st = fx_strace_stats(p);

	(void)state;
	assert_int_equal(st->bad, 6);
	assert_int_equal(st->first_bad_line, 2);
	assert_string_equal(st->first_bad,
			    "bad.txt:2: expected '= RET' after futex(...)");
	assert_int_equal(v.n, 2);
	assert_int_equal(v.r[1].ret, 1);
	assert_int_equal(v.r[1].t_ns, 60000);
	/* without it, the first one is the error */
	q = run("bad.txt", &w, false, -EINVAL, err, sizeof(err));
	assert_string_equal(err, "bad.txt:2: expected '= RET' after futex(...)");
	assert_int_equal(fx_strace_stats(q)->bad, 1);
	fx_strace_free(p);
	fx_strace_free(q);
	free(v.r);
	free(w.r);
}

/* a malformed line between <unfinished ...> and <... resumed> changes
 * nothing: the pair still meets; records leave in entry order */
static void test_pairing(void **state)
{
	struct trt_recs v = { 0 };
	struct fx_strace *p = new_parser(&v);
	char err[256];

	(void)state;
	feed_ok(p, "[pid 10] 5.000000 futex(0x10, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>");
	feed_ok(p, "[pid 11] 5.000100 futex(0x10, FUTEX_WAKE_PRIVATE, 1 <unfinished ...>");
	assert_int_equal(v.n, 0);
	{
		const char *bad = "[pid 10] 5.0002 <... futex resumed) = 0";

		assert_int_equal(fx_strace_feed(p, bad, strlen(bad), err,
						sizeof(err)), -EINVAL);
	}
	feed_ok(p, "[pid 11] 5.000300 <... futex resumed>) = 1 <0.000150>");
	assert_int_equal(v.n, 0);	/* 10's wait is still ahead of it */
	feed_ok(p, "");
	feed_ok(p, "[pid 10] 5.000400 <... futex resumed>) = 0 <0.000400>");
	assert_int_equal(v.n, 2);
	assert_int_equal(v.r[0].tid, 10);
	assert_int_equal(v.r[0].t_ns, 0);
	assert_int_equal(v.r[0].dur_ns, 400000);
	assert_int_equal(v.r[0].ret, 0);
	assert_int_equal(v.r[1].tid, 11);
	assert_int_equal(v.r[1].t_ns, 100000);
	assert_int_equal(v.r[1].ret, 1);
	/* a resumed line whose start is not in the trace: counted */
	feed_ok(p, "[pid 12] 5.000500 <... futex resumed>) = 0");
	assert_int_equal(fx_strace_stats(p)->orphan_resumes, 1);
	/* unprefixed lines: the main thread (--pid) */
	fx_strace_set_main_tid(p, 9);
	feed_ok(p, "5.000600 futex(0x10, FUTEX_WAKE_PRIVATE, 1) = 0\r\n");
	assert_int_equal(v.r[2].tid, 9);
	assert_int_equal(v.r[2].pid, 9);
	/* still in flight at the end: unfinished */
	feed_ok(p, "[pid 10] 5.000700 futex(0x10, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>");
	feed_ok(p, "[pid 9] 5.000800 futex(0x10, FUTEX_WAKE_PRIVATE, 1) = 0");
	assert_int_equal(v.n, 3);
	assert_int_equal(fx_strace_finish(p), 0);
	assert_int_equal(v.n, 5);
	assert_true(v.r[3].ret == FX_TR_UNFINISHED);
	assert_int_equal(v.r[3].tid, 10);
	assert_int_equal(v.r[4].tid, 9);
	assert_int_equal(fx_strace_stats(p)->never_finished, 1);
	fx_strace_free(p);
	free(v.r);
}

/* memory stays bounded: a call in flight past the window leaves unfinished */
static void test_window(void **state)
{
	struct trt_recs v = { 0 };
	struct fx_strace *p = fx_strace_new("w.txt", 256, trt_collect, &v);
	char line[128];

	(void)state;
	assert_non_null(p);
	feed_ok(p, "1 1.000000 futex(0x10, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>");
	for (int i = 0; i < 300; i++) {
		snprintf(line, sizeof(line),
			 "2 1.%06d futex(0x14, FUTEX_WAKE_PRIVATE, 1) = 0", i + 1);
		feed_ok(p, line);
	}
	feed_ok(p, "1 2.000000 <... futex resumed>) = 0 <1.000000>");
	assert_int_equal(fx_strace_finish(p), 0);
	assert_int_equal(v.n, 301);
	assert_int_equal(v.r[0].tid, 1);
	assert_true(v.r[0].ret == FX_TR_UNFINISHED);
	trt_check_order(&v);
	assert_int_equal(fx_strace_stats(p)->evicted, 1);
	assert_int_equal(fx_strace_stats(p)->never_finished, 1);
	fx_strace_free(p);
	free(v.r);
}

/* ---- /proc/PID/maps snapshots (--maps) ---- */

static const char maps_text[] =
	"# futexsim capture maps v1: start 100.000000000 tracer 1\n"
	"# '# snapshot TS pid P ...' then /proc/P/maps, '# end P'\n"
	"# snapshot 100.5 pid 10 ppid 1 comm a b tasks 10 11\n"
	"7f0000000000-7f0000100000 rw-s 00000000 00:01 30758  /dev/zero (deleted)\n"
	"7f0000200000-7f0000201000 rw-p 00000000 00:00 0 \n"
	"7f0000300000-7f0000302000 r--s 00002000 fe:01 77  /usr/lib/x\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n"
	"# end 10\n"
	"# snapshot 100.6 pid 20 ppid 10 comm b tasks 20\n"
	"7f5000000000-7f5000100000 rw-s 00000000 00:01 30758  /dev/zero (deleted)\n"
	"# end 20\n"
	"# seen 101.5 pid 10 tasks 10 11\n"
	"# snapshot 102.5 pid 20 ppid 10 comm b tasks 20\n"
	"7f5000000000-7f5000100000 rw-s 00000000 00:01 30758  /dev/zero (deleted)\n"
	"7f6000000000-7f6000001000 rw-s 00000000 00:1b 26  /dev/shm/x\n"
	"# end 20\n";

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/fx-test-maps-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_maps_load(void **state)
{
	char *path = write_tmp(maps_text), err[256];
	struct fx_tr_maps *m;
	const struct fx_trace_rec *r;
	struct fx_trace_rec mm = { .pid = 20, .tid = 20, .kind = FX_TR_MAP,
				   .op = 1, .uaddr = 0x7f6000000000ull,
				   .val2 = 4096 };
	size_t n;

	(void)state;
	assert_int_equal(fx_tr_maps_load(path, &m, err, sizeof(err)), 0);
	unlink(path);
	r = fx_tr_maps_records(m, &n);
	/* shared only: pid 10's two, pid 20's two (the repeated one once) */
	assert_int_equal(n, 4);
	/* pid 10's first snapshot is in the first poll: the capture start */
	assert_int_equal(r[0].t_ns, 100000000000ull);
	assert_int_equal(r[0].pid, 10);
	assert_int_equal(r[0].kind, FX_TR_MAP);
	assert_int_equal(r[0].op, 1);			/* MAP_SHARED */
	assert_int_equal(r[0].uaddr, 0x7f0000000000ull);
	assert_int_equal(r[0].val2, 0x100000);
	assert_int_equal(r[0].val3, 3);			/* rw */
	assert_int_equal(r[0].inode, ((uint64_t)1 << 32) ^ 30758);
	assert_int_equal(r[1].uaddr, 0x7f0000300000ull);
	assert_int_equal(r[1].uaddr2, 0x2000);
	assert_int_equal(r[1].val3, 1);
	assert_int_equal(r[1].inode, ((uint64_t)((0xfe << 20) | 1) << 32) ^ 77);
	assert_int_equal(r[2].pid, 20);
	assert_int_equal(r[2].t_ns, 100000000000ull);
	/* /dev/zero's segment: one identity in both processes */
	assert_int_equal(r[2].inode, r[0].inode);
	/* new in pid 20's second snapshot: placed at its previous one */
	assert_int_equal(r[3].t_ns, 100600000000ull);
	assert_int_equal(r[3].uaddr, 0x7f6000000000ull);
	assert_int_equal(r[3].inode, ((uint64_t)0x1b << 32) ^ 26);
	/* a traced mmap gets the identity of the next snapshot showing it */
	assert_true(fx_tr_maps_fill(m, &mm, 101000000000ull));
	assert_int_equal(mm.inode, r[3].inode);
	mm.uaddr = 0x7f7000000000ull;
	mm.inode = 0;
	assert_false(fx_tr_maps_fill(m, &mm, 101000000000ull));
	fx_tr_maps_free(m);
}

static void maps_bad(const char *text, const char *want)
{
	char *path = write_tmp(text), err[256], where[128];
	struct fx_tr_maps *m;

	assert_int_equal(fx_tr_maps_load(path, &m, err, sizeof(err)), -EINVAL);
	snprintf(where, sizeof(where), "%s:%s", path, want);
	if (strncmp(err, where, strlen(where)))
		fail_msg("got '%s', want '%s...'", err, where);
	unlink(path);
}

static void test_maps_errors(void **state)
{
	struct fx_tr_maps *m;
	char err[256];

	(void)state;
	maps_bad("7f00-7f01 rw-s 0 00:01 1\n",
		 "1: a maps line outside '# snapshot ... # end'");
	maps_bad("# snapshot 1.0 pid 5 tasks 5\nbogus line\n",
		 "2: expected a maps line");
	maps_bad("# snapshot 1.0 pid 5 tasks 5\n# snapshot 1.1 pid 6 tasks 6\n",
		 "2: a new snapshot before '# end'");
	maps_bad("# snapshot x pid 5\n", "1: expected 'TS pid PID'");
	maps_bad("# snapshot 1.0 pid 5 tasks 5\n# end 6\n", "2: expected '# end PID'");
	maps_bad("# end 5\n", "1: '# end' without");
	maps_bad("# snapshot 1.0 pid 5 tasks 5\n", "2: the file ends inside a snapshot");
	assert_int_equal(fx_tr_maps_load("/nonexistent/x.maps", &m, err,
					 sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.maps"));
}

static int run_import(const char *in, const char *maps, const char *out)
{
	char *argv[8] = { (char *)"import", (char *)"--from", (char *)"strace",
			  (char *)in, (char *)"--maps", (char *)maps,
			  (char *)"-o", (char *)out };

	return fx_trace_cmd_import(8, argv);
}

static void test_maps_import_cmd(void **state)
{
	/* pid 10 maps a shared segment and forks pid 20, which inherits it
	 * at another address: the maps make their two futexes one file */
	static const char strace_text[] =
		"10  100.200000 mmap(NULL, 1048576, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000 <0.000010>\n"
		"10  100.300000 futex(0x7f0000000010, FUTEX_WAKE, 1) = 0 <0.000005>\n"
		"20  100.700000 futex(0x7f5000000010, FUTEX_WAKE, 1) = 0 <0.000005>\n";
	char in[64], out[80], maps[64];
	struct fx_trace_reader *rd;
	struct fx_trace_meta meta;
	struct fx_trace_rec r[8];
	char err[256];
	int n = 0, rc;
	FILE *f;

	(void)state;
	snprintf(maps, sizeof(maps), "%s", write_tmp(maps_text));
	snprintf(in, sizeof(in), "%s", write_tmp(strace_text));
	snprintf(out, sizeof(out), "%s.fxt", in);
	assert_int_equal(run_import(in, maps, out), 0);
	assert_int_equal(fx_trace_open(out, &rd, &meta, err, sizeof(err)), 0);
	while (n < 8 && (rc = fx_trace_next(rd, &r[n], err, sizeof(err))) == 1)
		n++;
	fx_trace_close(rd);
	/* 4 snapshot records (t 0: before the trace's epoch at 100.2; pid
	 * 20's second at 100.6 - 100.2), the traced mmap given /dev/zero's
	 * identity, the two wakes */
	assert_int_equal(n, 7);
	assert_int_equal(r[0].kind, FX_TR_MAP);
	assert_int_equal(r[0].t_ns, 0);
	assert_int_equal(r[3].kind, FX_TR_MAP);
	assert_int_equal(r[3].t_ns, 0);			/* the mmap */
	assert_int_equal(r[3].inode, ((uint64_t)1 << 32) ^ 30758);
	assert_int_equal(r[4].kind, FX_TR_FUTEX);
	assert_int_equal(r[5].t_ns, 400000000ull);	/* 100.6 */
	assert_int_equal(r[5].kind, FX_TR_MAP);
	assert_int_equal(r[6].kind, FX_TR_FUTEX);
	unlink(out);
	/* a bad maps file: an error naming it, no output */
	f = fopen(maps, "a");
	assert_non_null(f);
	fputs("junk\n", f);
	fclose(f);
	assert_int_not_equal(run_import(in, maps, out), 0);
	assert_int_equal(access(out, F_OK), -1);
	unlink(maps);
	unlink(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fx_o),
		cmocka_unit_test(test_fx_stderr),
		cmocka_unit_test(test_handmade),
		cmocka_unit_test(test_real_excerpts),
		cmocka_unit_test(test_fork_group),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_pairing),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_maps_load),
		cmocka_unit_test(test_maps_errors),
		cmocka_unit_test(test_maps_import_cmd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
