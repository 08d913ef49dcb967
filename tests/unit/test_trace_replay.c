// SPDX-License-Identifier: MIT
/*
 * test_trace_replay.c - "futexsim trace stats" (sim/trace/tstats.c) and
 * the open-loop replay (sim/trace/openloop.c) on small hand-made record
 * sequences: counts, keys, waiters over time, blocked-time quantiles,
 * replay facts (collisions forced with a one-bucket table, cross-process
 * collisions, the fast path), no waiter left queued, and bad options.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "futex.h"
#include "stats.h"
#include "cli/cli.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "trace/openloop.h"
#include "trace/trace.h"
#include "trace/tstats.h"

#define P	FX_PRIVATE_FLAG
#define A	0x10000ull
#define B	0x10040ull
#define C	0x20000ull
#define D	0x30000ull

static struct fx_trace_rec fut(uint64_t t, uint64_t dur, uint32_t pid,
			       uint32_t tid, uint32_t op, uint64_t uaddr,
			       uint32_t val, int64_t ret)
{
	return (struct fx_trace_rec){
		.t_ns = t, .dur_ns = dur, .pid = pid, .tid = tid,
		.cpu = FX_TR_NO_CPU, .kind = FX_TR_FUTEX, .op = op,
		.uaddr = uaddr, .val = val, .ret = ret,
		.val2 = FX_TR_NO_TIMEOUT, .val3 = FX_BITSET_MATCH_ANY };
}

static struct fx_trace_rec map(uint64_t t, uint32_t pid, uint64_t start,
			       uint64_t len, uint64_t inode)
{
	return (struct fx_trace_rec){
		.t_ns = t, .pid = pid, .tid = pid, .cpu = FX_TR_NO_CPU,
		.kind = FX_TR_MAP, .op = FX_MAP_SHARED, .uaddr = start,
		.val2 = len, .inode = inode };
}

/* ---- stats ---- */

static void test_stats_counts(void **state)
{
	struct fx_trace_rec f2 = fut(1050, 400, 10, 15, FX2_SIZE_U32 | FX2_PRIVATE,
				     D, 0, -ETIMEDOUT);
	struct fx_trace_rec recs[] = {
		map(0, 20, 0x40000000, 8192, 77),
		map(0, 21, 0x50000000, 8192, 77),
		fut(100, 1000, 10, 10, FX_OP_WAIT | P, A, 0, 0),
		fut(200, 2000, 10, 11, FX_OP_WAIT | P, B, 0, 0),
		fut(300, 50, 10, 12, FX_OP_WAIT | P, A, 1, -EAGAIN),
		fut(1000, 10, 10, 12, FX_OP_WAKE | P, A, 1, 1),
		f2,
		fut(1500, 5, 10, 13, FX_OP_WAKE_BITSET | FX_CLOCK_REALTIME, C, 1, 0),
		fut(1600, 5, 20, 20, FX_OP_WAKE, 0x40000010, 1, 0),
		fut(1700, 5, 21, 21, FX_OP_WAKE, 0x50000010, 1, 0),
		fut(2100, 5, 10, 12, FX_OP_WAKE | P, B, 1, 1),
	};
	struct fx_tstats s;

	(void)state;
	recs[6].kind = FX_TR_FUTEX_WAIT;
	assert_int_equal(fx_tstats_init(&s), 0);
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		assert_int_equal(fx_tstats_add(&s, &recs[i]), 0);
	assert_int_equal(fx_tstats_finish(&s), 0);

	assert_int_equal(s.records, 11);
	assert_int_equal(s.calls, 9);
	assert_int_equal(s.maps, 2);
	assert_int_equal(s.by_cmd[FX_OP_WAIT], 3);
	assert_int_equal(s.by_cmd[FX_OP_WAKE], 4);
	assert_int_equal(s.by_cmd[FX_OP_WAKE_BITSET], 1);
	assert_int_equal(s.futex_private, 5);
	assert_int_equal(s.futex_shared, 3);
	assert_int_equal(s.futex_clockrt, 1);
	assert_int_equal(s.f2_wait, 1);
	assert_int_equal(s.f2_private, 1);
	/* private A, B, D; shared: one inode offset seen by two processes;
	 * C: shared without a MAP record */
	assert_int_equal(s.keys_private, 3);
	assert_int_equal(s.keys_shared, 1);
	assert_int_equal(s.keys_unresolved, 1);
	assert_int_equal(s.ret_errno[EAGAIN], 1);
	assert_int_equal(s.ret_errno[ETIMEDOUT], 1);
	assert_int_equal(s.ret_ok, 7);
	/* blocked: [100,1100) [200,2200) [1050,1450): 3 at once */
	assert_int_equal(s.waits, 4);
	assert_int_equal(s.waits_blocked, 3);
	assert_int_equal(s.max_waiters, 3);
	assert_int_equal(s.t0_ns, 0);
	assert_int_equal(s.t_end_ns, 2200);
	assert_true(fabs(s.mean_waiters - 3400.0 / 2200.0) < 1e-9);
	assert_int_equal(s.blocked_ns->count, 3);
	assert_int_equal(fx_qhist_quantile(s.blocked_ns, 0.5), 1000);
	assert_int_equal(fx_qhist_quantile(s.blocked_ns, 0.9), 2000);
	assert_int_equal(s.blocked_ns->max, 2000);
	/* the series integrates to the same area */
	{
		double area = 0;
		uint64_t mx = 0;

		for (unsigned j = 0; j < FX_TS_SERIES; j++) {
			area += s.series_mean[j] * 2200.0 / FX_TS_SERIES;
			mx = s.series_max[j] > mx ? s.series_max[j] : mx;
		}
		assert_true(fabs(area - 3400.0) < 1e-6);
		assert_int_equal(mx, 3);
	}
	assert_int_equal(s.nthr, 7);
	assert_int_equal(s.thr[0].tid, 12);	/* most calls first */
	assert_int_equal(s.thr[0].calls, 3);
	fx_tstats_free(&s);
}

static void test_stats_unfinished_and_order(void **state)
{
	struct fx_trace_rec r1 = fut(100, 0, 1, 1, FX_OP_WAIT | P, A, 0,
				     FX_TR_UNFINISHED);
	struct fx_trace_rec r2 = fut(500, 10, 1, 2, FX_OP_WAKE | P, B, 1, 0);
	struct fx_trace_rec r3 = fut(400, 10, 1, 2, FX_OP_WAKE | P, B, 1, 0);
	struct fx_tstats s;

	(void)state;
	assert_int_equal(fx_tstats_init(&s), 0);
	assert_int_equal(fx_tstats_add(&s, &r1), 0);
	assert_int_equal(fx_tstats_add(&s, &r2), 0);
	assert_int_equal(fx_tstats_add(&s, &r3), -EINVAL);
	assert_int_equal(fx_tstats_finish(&s), 0);
	assert_int_equal(s.ret_unfinished, 1);
	assert_int_equal(s.waits_blocked, 1);
	assert_int_equal(s.blocked_ns->count, 0);	/* no duration */
	assert_int_equal(s.max_waiters, 1);
	/* blocked from 100 to the end of the trace at 510 */
	assert_true(fabs(s.mean_waiters - 410.0 / 410.0) < 1e-9);
	fx_tstats_free(&s);
}

/* ---- replay ---- */

static struct fx_openloop *ol_new(const char *layout, unsigned slots)
{
	struct fx_openloop_config cfg = {
		.layout = fx_layout_find(layout), .slots = slots,
		.ncpus = 2, .nnodes = 1, .sample_every = 1 };
	struct fx_openloop *ol;
	char err[256];

	assert_non_null(cfg.layout);
	assert_int_equal(fx_openloop_new(&cfg, &ol, err, sizeof(err)), 0);
	return ol;
}

static void feed(struct fx_openloop *ol, const struct fx_trace_rec *r,
		 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ret = fx_openloop_add(ol, &r[i]);

		if (ret)
			fail_msg("record %zu: %s", i, fx_openloop_errmsg(ol));
	}
}

static void test_replay_one_bucket(void **state)
{
	/* two waiters on different keys of one process, one bucket */
	struct fx_trace_rec recs[] = {
		fut(100, 1000, 10, 11, FX_OP_WAIT | P, A, 0, 0),
		fut(200, 1000, 10, 12, FX_OP_WAIT | P, B, 0, 0),
		fut(500, 10, 10, 13, FX_OP_WAKE | P, A, 1, 1),
	};
	struct fx_openloop *ol = ol_new("global", 1);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 3);
	assert_int_equal(fx_openloop_queued(ol), 1);	/* B */
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(fx_openloop_queued(ol), 0);
	assert_int_equal(r->ops->ops, 3);
	assert_int_equal(r->ops->locked, 3);
	assert_int_equal(r->ops->collided, 2);	/* the 2nd wait, the wake */
	assert_int_equal(r->ops->xproc, 0);
	assert_int_equal(r->ops->walked.max, 1);	/* A is first */
	assert_int_equal(r->ops->foreign, 0);
	assert_int_equal(r->blocked, 2);
	assert_int_equal(r->forced, 1);		/* B: no traced wake */
	assert_int_equal(r->max_waiters, 2);
	assert_int_equal(r->keys, 2);
	assert_true(r->samples >= 1);
	assert_int_equal(r->load->maxload, 2);	/* A and B, one bucket */
	fx_openloop_free(ol);
}

/*
 * tests/trace/replay/xz-threads.fxt, the start of the bundled xz-mt
 * trace: process 32240 is forked, clones 32259 and 32260 (THREAD_NEW
 * records), waits on 0x...6088 and 32260 wakes it.  The threads are made
 * at their THREAD_NEW records, so the private hash of 32240 exists when
 * it waits and the wake finds it (one entry walked; the other blocked
 * wait, 32259's, has no traced wake: forced).  Made only at their first
 * calls, 32240 would wait in the global table and the wake would miss.
 */
static void replay_xz_threads(bool thread_new)
{
	static const char *const cand[] = {
		"tests/trace/replay/xz-threads.fxt",
		"../tests/trace/replay/xz-threads.fxt",
		"../../tests/trace/replay/xz-threads.fxt", NULL
	};
	struct fx_openloop *ol = ol_new("private", 0);
	const struct fx_openloop_result *r = fx_openloop_result(ol);
	struct fx_trace_reader *rd = NULL;
	struct fx_trace_meta meta;
	struct fx_trace_rec rec;
	char msg[256];
	int rc;

	for (unsigned i = 0; cand[i] && !rd; i++)
		if (fx_trace_open(cand[i], &rd, &meta, msg, sizeof(msg)))
			rd = NULL;
	assert_non_null(rd);
	while ((rc = fx_trace_next(rd, &rec, msg, sizeof(msg))) == 1)
		if (thread_new || rec.kind != FX_TR_THREAD_NEW)
			assert_int_equal(fx_openloop_add(ol, &rec), 0);
	assert_int_equal(rc, 0);
	fx_trace_close(rd);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->ops->ops, 5);
	assert_int_equal(r->ops->locked, 3);
	assert_int_equal(r->ops->walked.max, 1);
	assert_int_equal(r->blocked, 2);
	assert_int_equal(r->forced, 1);
	fx_openloop_free(ol);
}

/*
 * Without THREAD_NEW records (perf and bpftrace traces have none) the
 * threads are made at their first calls, after 32240 waits in the global
 * table; the first private hash then takes it along, and the outcome is
 * the same.
 */
static void test_replay_thread_new(void **state)
{
	(void)state;
	replay_xz_threads(true);
	replay_xz_threads(false);
}

/*
 * A woken wait without a duration (perf's untimed '[continued]' lines)
 * sleeps until its thread's next call: the wake at 200 finds it.
 */
static void test_replay_no_duration(void **state)
{
	struct fx_trace_rec recs[] = {
		fut(100, 0, 10, 11, FX_OP_WAIT | P, A, 0, 0),
		fut(200, 10, 10, 12, FX_OP_WAKE | P, A, 1, 1),
		fut(300, 10, 10, 11, FX_OP_WAKE | P, B, 1, 0),
	};
	struct fx_openloop *ol = ol_new("global", 1);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 3);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->blocked, 1);
	assert_int_equal(r->forced, 0);
	assert_int_equal(r->ops->walked.max, 1);
	fx_openloop_free(ol);
}

static void test_replay_cross_process(void **state)
{
	struct fx_trace_rec recs[] = {
		fut(100, 1000, 10, 10, FX_OP_WAIT | P, A, 0, 0),
		fut(200, 1000, 20, 20, FX_OP_WAIT | P, B, 0, 0),
		/* wake of B walks past A, a foreign waiter */
		fut(300, 10, 20, 21, FX_OP_WAKE | P, B, 1, 1),
		/* an EAGAIN wait (fast path) meets A of another process */
		fut(400, 10, 20, 21, FX_OP_WAIT | P, C, 5, -EAGAIN),
		/* a wake of nothing in a bucket with waiters: locked */
		fut(600, 10, 20, 21, FX_OP_WAKE | P, D, 1, 0),
	};
	struct fx_openloop *ol = ol_new("global", 1);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 5);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(fx_openloop_queued(ol), 0);
	assert_int_equal(r->ops->ops, 5);
	assert_int_equal(r->ops->locked, 5);
	assert_int_equal(r->ops->collided, 4);
	assert_int_equal(r->ops->xproc, 4);
	assert_int_equal(r->ops->foreign, 2);	/* wake B: A; wake D: A */
	assert_int_equal(r->fast, 1);
	assert_int_equal(r->forced, 1);		/* A */
	fx_openloop_free(ol);
}

static void test_replay_fast_paths(void **state)
{
	/* a large table: no collisions; empty wakes take no lock */
	struct fx_trace_rec recs[] = {
		fut(100, 10, 10, 10, FX_OP_WAKE | P, A, 1, 0),
		fut(200, 10, 10, 10, FX_OP_WAIT | P, A, 3, -EAGAIN),
		fut(300, 10, 10, 11, FX_OP_WAIT | P, A + 2, 0, -EINVAL),
		fut(400, 0, 10, 11, FX_OP_WAIT | P, A, 0, FX_TR_UNFINISHED),
		fut(500, 10, 10, 10, FX_OP_FD | P, B, 0, 3),
	};
	struct fx_openloop *ol = ol_new("private", 0);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 5);
	assert_int_equal(fx_openloop_queued(ol), 1);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(fx_openloop_queued(ol), 0);
	assert_int_equal(r->calls, 5);
	assert_int_equal(r->unmodeled, 1);	/* FUTEX_FD */
	assert_int_equal(r->ops->ops, 4);
	assert_int_equal(r->ops->locked, 2);	/* EAGAIN wait, blocked wait */
	assert_int_equal(r->ops->collided, 0);
	assert_int_equal(r->fast, 3);
	assert_int_equal(r->forced, 1);
	fx_openloop_free(ol);
}

static void test_replay_shared_map_and_requeue(void **state)
{
	struct fx_trace_rec recs[] = {
		map(0, 20, 0x40000000, 8192, 77),
		map(0, 21, 0x50000000, 8192, 77),
		fut(100, 1000, 20, 20, FX_OP_WAIT, 0x40000010, 0, 0),
		fut(200, 1000, 21, 21, FX_OP_WAIT, 0x50000010, 0, 0),
		/* one shared key: a wake from either process wakes both */
		fut(300, 10, 21, 22, FX_OP_WAKE, 0x50000010, 2, 2),
		fut(400, 1000, 21, 23, FX_OP_WAIT | P, A, 0, 0),
		fut(500, 10, 21, 22, FX_OP_CMP_REQUEUE | P, A, 0, 0),
	};
	struct fx_openloop *ol = ol_new("global", 16);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	recs[6].uaddr2 = B;
	recs[6].val2 = 1;	/* requeue one */
	recs[6].val3 = 7;	/* compared value */
	recs[6].ret = 1;
	feed(ol, recs, 7);
	assert_int_equal(r->keys, 3);		/* shared, A, B */
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(fx_openloop_queued(ol), 0);
	assert_int_equal(r->ops->ops, 5);
	assert_int_equal(r->forced, 1);		/* requeued to B, never woken */
	assert_int_equal(r->max_waiters, 2);
	fx_openloop_free(ol);
}

static void test_replay_time_order(void **state)
{
	struct fx_trace_rec r1 = fut(500, 10, 1, 1, FX_OP_WAKE | P, A, 1, 0);
	struct fx_trace_rec r2 = fut(400, 10, 1, 1, FX_OP_WAKE | P, A, 1, 0);
	struct fx_openloop *ol = ol_new("private", 0);

	(void)state;
	assert_int_equal(fx_openloop_add(ol, &r1), 0);
	assert_int_equal(fx_openloop_add(ol, &r2), -EINVAL);
	assert_non_null(strstr(fx_openloop_errmsg(ol), "before"));
	fx_openloop_free(ol);
}

/* ---- PI, waitv, futex2 requeue ---- */

static struct fx_openloop *ol_cfg(const char *layout, unsigned slots,
				  unsigned copies, int mode, uint64_t stride,
				  bool series, uint64_t span, uint64_t every)
{
	struct fx_openloop_config cfg = {
		.layout = fx_layout_find(layout), .slots = slots,
		.ncpus = 2, .nnodes = 1, .sample_every = every,
		.copies = copies, .copy_mode = mode, .stride = stride,
		.series = series, .series_span = span };
	struct fx_openloop *ol;
	char err[256];

	assert_non_null(cfg.layout);
	assert_int_equal(fx_openloop_new(&cfg, &ol, err, sizeof(err)), 0);
	return ol;
}

static void test_replay_pi(void **state)
{
	/*
	 * One bucket.  11 and 12 block on PI lock A, whose owner the trace
	 * does not name (a placeholder owns it in the core); 13 waits on C.
	 * 14's unlock hands A to 11 (issued by the placeholder), 11's
	 * unlock to 12; 12's unlock finds no waiter.  13 is forced at the end.
	 */
	struct fx_trace_rec recs[] = {
		fut(100, 1000, 10, 11, FX_OP_LOCK_PI | P, A, 0, 0),
		fut(200, 2000, 10, 12, FX_OP_LOCK_PI | P, A, 0, 0),
		fut(300, 5000, 10, 13, FX_OP_WAIT | P, C, 0, 0),
		fut(1000, 10, 10, 14, FX_OP_UNLOCK_PI | P, A, 0, 0),
		fut(1500, 10, 10, 11, FX_OP_UNLOCK_PI | P, A, 0, 0),
		fut(2300, 10, 10, 12, FX_OP_UNLOCK_PI | P, A, 0, 0),
		fut(2400, 10, 10, 12, FX_OP_TRYLOCK_PI | P, A, 0, 0),
	};
	struct fx_openloop *ol = ol_new("global", 1);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 3);
	assert_int_equal(fx_openloop_queued(ol), 3);
	assert_int_equal(r->max_waiters, 3);
	feed(ol, recs + 3, 1);
	assert_int_equal(fx_openloop_queued(ol), 2);	/* 11 got A */
	feed(ol, recs + 4, 3);
	assert_int_equal(fx_openloop_queued(ol), 1);	/* 13 */
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->calls, 7);
	assert_int_equal(r->unmodeled, 0);
	assert_int_equal(r->ops->ops, 7);
	assert_int_equal(r->ops->locked, 7);
	assert_int_equal(r->blocked, 3);
	assert_int_equal(r->forced, 1);			/* 13 only */
	/* chains: 12's lock finds [11:A] (same key); 13's wait [11:A 12:A];
	 * 14's unlock [11 12 13:C]; 11's [12 13]; 12's [13]; the trylock
	 * [13]: 5 collided */
	assert_int_equal(r->ops->collided, 5);
	assert_int_equal(r->ops->xproc, 0);
	/* futex_top_waiter() walks up to the first waiter of the key: 12's
	 * lock, the three unlocks and the trylock one entry each (the last
	 * two walk C's waiter, foreign); the waits and 11's lock none */
	assert_int_equal(r->ops->walked.sum, 5);
	assert_int_equal(r->ops->walked.max, 1);
	assert_int_equal(r->ops->foreign, 2);
	assert_int_equal(r->keys, 2);
	fx_openloop_free(ol);
}

static void test_replay_pi_forced(void **state)
{
	/* 11 blocks on PI lock A and nothing unlocks it: forced by its
	 * timer at 1100; 12's later lock blocks again behind the same
	 * placeholder owner and is forced at the end of the trace */
	struct fx_trace_rec recs[] = {
		fut(100, 1000, 10, 11, FX_OP_LOCK_PI | P, A, 0, 0),
		fut(2000, 0, 10, 12, FX_OP_LOCK_PI2 | P, A, 0, FX_TR_UNFINISHED),
		fut(2100, 10, 10, 13, FX_OP_LOCK_PI | P, B, 0, -EDEADLK),
	};
	struct fx_openloop *ol = ol_new("private", 0);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 3);
	assert_int_equal(fx_openloop_queued(ol), 1);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->blocked, 2);
	assert_int_equal(r->forced, 2);
	assert_int_equal(r->fast, 1);			/* EDEADLK */
	assert_int_equal(r->unmodeled, 0);
	fx_openloop_free(ol);
}

static struct fx_trace_rec ent(uint64_t t, uint32_t pid, uint32_t tid,
			       uint64_t uaddr, uint32_t val)
{
	return (struct fx_trace_rec){
		.t_ns = t, .pid = pid, .tid = tid, .cpu = FX_TR_NO_CPU,
		.kind = FX_TR_WAITV_ENTRY, .op = FX2_SIZE_U32 | FX2_PRIVATE,
		.uaddr = uaddr, .val = val };
}

static void test_replay_waitv(void **state)
{
	/* one bucket: 23 waits on C; 21 waits on A and B with futex_waitv;
	 * 22 wakes B, which ends 21's wait; 23 is forced */
	struct fx_trace_rec wv = fut(200, 1000, 10, 21, 0, 0x40000, 2, 1);
	struct fx_trace_rec recs[] = {
		fut(100, 2000, 10, 23, FX_OP_WAIT | P, C, 0, 0),
		wv, ent(200, 10, 21, A, 0), ent(200, 10, 21, B, 0),
		fut(500, 10, 10, 22, FX_OP_WAKE | P, B, 1, 1),
	};
	struct fx_openloop *ol = ol_cfg("global", 1, 1, 0, 0, true, 0, 1);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	recs[1].kind = FX_TR_FUTEX_WAITV;
	recs[1].val3 = FX_CLOCK_MONOTONIC_ID;
	feed(ol, recs, 4);
	assert_int_equal(fx_openloop_queued(ol), 2);
	/* the sample after the waitv: C, A, B queued in the one bucket */
	assert_int_equal(r->nseries, 2);
	assert_int_equal(r->series[1].waiters, 2);
	assert_int_equal(r->series[1].nonempty, 1);
	assert_int_equal(r->series[1].buckets, 1);
	assert_int_equal(r->series[1].max_load, 3);
	assert_true(fabs(r->series[1].keys_per_bucket - 3.0) < 1e-9);
	assert_int_equal(r->series[1].calls, 2);
	assert_int_equal(r->series[1].t_ns, 100);
	feed(ol, recs + 4, 1);
	assert_int_equal(fx_openloop_queued(ol), 1);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->calls, 3);
	assert_int_equal(r->unmodeled, 0);
	assert_int_equal(r->blocked, 2);
	assert_int_equal(r->forced, 1);			/* 23 */
	/* the waitv finds C; the wake finds C and A */
	assert_int_equal(r->ops->collided, 2);
	/* the wake of B walks C and A (foreign) to reach 21's B entry */
	assert_int_equal(r->ops->walked.max, 3);
	assert_int_equal(r->ops->foreign, 2);
	assert_int_equal(r->keys, 3);
	fx_openloop_free(ol);
}

static void test_replay_futex2_requeue(void **state)
{
	/* 31, 32 wait on A; 33's futex_requeue wakes one and moves one to
	 * B; 34 wakes B.  Nothing is forced.  Like strace's, the record has
	 * no array address: the vector goes to a free spot of A's page. */
	struct fx_trace_rec recs[] = {
		fut(100, 1000, 10, 31, FX2_SIZE_U32 | FX2_PRIVATE, A, 5, 0),
		fut(200, 1000, 10, 32, FX2_SIZE_U32 | FX2_PRIVATE, A, 5, 0),
		fut(300, 10, 10, 33, 0, 0, 1, 2),	/* no array address */
		ent(300, 10, 33, A, 5), ent(300, 10, 33, B, 0),
		fut(400, 10, 10, 34, FX2_SIZE_U32 | FX2_PRIVATE, B, 1, 1),
	};
	struct fx_openloop *ol = ol_new("global", 1);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	recs[0].kind = recs[1].kind = FX_TR_FUTEX_WAIT;
	recs[2].kind = FX_TR_FUTEX_REQUEUE;
	recs[2].val2 = 1;
	recs[5].kind = FX_TR_FUTEX_WAKE;
	feed(ol, recs, 5);
	assert_int_equal(fx_openloop_queued(ol), 1);	/* 32, on B */
	feed(ol, recs + 5, 1);
	assert_int_equal(fx_openloop_queued(ol), 0);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->calls, 4);
	assert_int_equal(r->unmodeled, 0);
	assert_int_equal(r->blocked, 2);
	assert_int_equal(r->forced, 0);
	/* only the requeue meets another key: A's waiters seen from B */
	assert_int_equal(r->ops->collided, 1);
	assert_int_equal(r->keys, 2);
	fx_openloop_free(ol);
}

static void test_replay_multi_missing_entries(void **state)
{
	struct fx_trace_rec wv = fut(200, 1000, 10, 21, 0, 0x40000, 2, 1);
	struct fx_trace_rec recs[] = {
		wv, ent(200, 10, 21, A, 0),
		fut(300, 10, 10, 22, FX_OP_WAKE | P, B, 1, 0),
	};
	struct fx_openloop *ol = ol_new("private", 0);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	recs[0].kind = FX_TR_FUTEX_WAITV;
	feed(ol, recs, 3);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->calls, 2);
	assert_int_equal(r->unmodeled, 1);
	fx_openloop_free(ol);
}

/* ---- copies ---- */

static const struct fx_trace_rec copy_recs[] = {
	{ .t_ns = 100, .dur_ns = 1000, .pid = 10, .tid = 11, .cpu = 0,
	  .kind = FX_TR_FUTEX, .op = FX_OP_WAIT | P, .uaddr = A,
	  .val2 = FX_TR_NO_TIMEOUT, .val3 = FX_BITSET_MATCH_ANY },
	{ .t_ns = 200, .dur_ns = 1000, .pid = 10, .tid = 12, .cpu = 1,
	  .kind = FX_TR_FUTEX, .op = FX_OP_WAIT | P, .uaddr = C,
	  .val2 = FX_TR_NO_TIMEOUT, .val3 = FX_BITSET_MATCH_ANY },
	{ .t_ns = 300, .dur_ns = 10, .pid = 10, .tid = 13, .cpu = 0,
	  .kind = FX_TR_FUTEX, .op = FX_OP_WAKE | P, .uaddr = A, .val = 1,
	  .ret = 1, .val3 = FX_BITSET_MATCH_ANY },
	{ .t_ns = 400, .dur_ns = 10, .pid = 10, .tid = 13, .cpu = 0,
	  .kind = FX_TR_FUTEX, .op = FX_OP_WAKE | P, .uaddr = C, .val = 1,
	  .ret = 1, .val3 = FX_BITSET_MATCH_ANY },
};

static void run_copies(unsigned copies, int mode, uint64_t stride,
		       struct fx_openloop_result *out)
{
	struct fx_openloop *ol = ol_cfg("global", 2, copies, mode, stride,
					false, 0, 1);

	feed(ol, copy_recs, 4);
	assert_int_equal(fx_openloop_finish(ol), 0);
	*out = *fx_openloop_result(ol);
	out->ops = malloc(sizeof(*out->ops));
	assert_non_null(out->ops);
	*out->ops = *fx_openloop_result(ol)->ops;
	out->load = NULL;
	out->series = NULL;
	fx_openloop_free(ol);
}

static void test_replay_copies(void **state)
{
	struct fx_openloop_result one, proc, thr;
	struct fx_openloop_scan sc;
	uint64_t stride;
	char err[256];

	(void)state;
	fx_openloop_scan_init(&sc);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(fx_openloop_scan_add(&sc, &copy_recs[i]), 0);
	assert_int_equal(sc.t_last - sc.t_first, 300);
	/* A and C lie in one 2 MiB chunk: the stride is one chunk */
	assert_int_equal(fx_openloop_stride(&sc, 3, &stride, err, sizeof(err)), 0);
	assert_int_equal(stride, 2u << 20);
	fx_openloop_scan_free(&sc);

	run_copies(1, FX_OL_COPY_PROCESS, 0, &one);
	run_copies(3, FX_OL_COPY_PROCESS, 0, &proc);
	run_copies(3, FX_OL_COPY_THREAD, stride, &thr);
	assert_int_equal(one.keys, 2);
	assert_int_equal(one.ops->ops, 4);
	assert_int_equal(one.blocked, 2);
	assert_int_equal(one.forced, 0);
	for (int m = 0; m < 2; m++) {
		const struct fx_openloop_result *r = m ? &thr : &proc;

		assert_int_equal(r->records, 4);
		assert_int_equal(r->calls, 3 * one.calls);
		assert_int_equal(r->keys, 3 * one.keys);
		assert_int_equal(r->ops->ops, 3 * one.ops->ops);
		assert_int_equal(r->blocked, 3 * one.blocked);
		assert_int_equal(r->forced, 0);
		/* copies' waiters meet in a 2-bucket table: more collisions */
		assert_true(r->ops->collided > 3 * one.ops->collided);
		assert_int_equal(r->max_waiters, 3 * one.max_waiters);
	}
	/* separate processes collide across processes, threads do not */
	assert_true(proc.ops->xproc > 0);
	assert_int_equal(thr.ops->xproc, 0);
	free(one.ops);
	free(proc.ops);
	free(thr.ops);
}

static void test_replay_stride_fallback(void **state)
{
	/* chunks at both ends of the address space: a stride above the
	 * span does not fit, a small one that keeps copies apart does */
	struct fx_trace_rec a = fut(0, 0, 1, 1, FX_OP_WAKE | P, 0x10000, 1, 0);
	struct fx_trace_rec b = a;
	struct fx_openloop_scan sc;
	uint64_t stride;
	char err[256];

	(void)state;
	b.uaddr = 0x7f0000000000ull;
	fx_openloop_scan_init(&sc);
	assert_int_equal(fx_openloop_scan_add(&sc, &a), 0);
	assert_int_equal(fx_openloop_scan_add(&sc, &b), 0);
	assert_int_equal(fx_openloop_stride(&sc, 4, &stride, err, sizeof(err)), 0);
	assert_int_equal(stride % (2u << 20), 0);
	assert_true(stride < 0x7f0000000000ull);
	/* the difference of the two chunks is no multiple m * stride, m < 4 */
	for (uint64_t m = 1; m < 4; m++)
		assert_true(0x7f0000000000ull != m * stride);
	assert_true(0x7f0000000000ull + 3 * stride < 0x7ffffffff000ull);
	fx_openloop_scan_free(&sc);
}

/* ---- series ---- */

static void test_replay_series_marks(void **state)
{
	/* span 400 ns: a time mark every 2 ns; no call-count sample */
	struct fx_trace_rec recs[] = {
		fut(100, 1000, 10, 11, FX_OP_WAIT | P, A, 0, 0),
		fut(200, 1000, 10, 12, FX_OP_WAIT | P, B, 0, 0),
		fut(500, 10, 10, 13, FX_OP_WAKE | P, A, 1, 1),
	};
	struct fx_openloop *ol = ol_cfg("global", 1, 1, 0, 0, true, 400, 1000);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 3);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(r->nseries, FX_OL_TIME_MARKS + 1);
	assert_int_equal(r->samples, 1);	/* only the final one merges */
	/* mark 50 is t = 200, before 12's wait: A alone */
	assert_int_equal(r->series[49].t_ns, 100);
	assert_int_equal(r->series[49].waiters, 1);
	assert_int_equal(r->series[49].calls, 1);
	assert_int_equal(r->series[50].t_ns, 102);
	assert_int_equal(r->series[50].waiters, 2);
	assert_int_equal(r->series[50].max_load, 2);
	assert_int_equal(r->series[50].nonempty, 1);
	assert_true(fabs(r->series[50].keys_per_bucket - 2.0) < 1e-9);
	assert_true(fabs(r->series[50].exp_keys_per_bucket - 2.0) < 1e-9);
	/* the last mark is before the wake; the final sample after it */
	assert_int_equal(r->series[199].t_ns, 400);
	assert_int_equal(r->series[199].waiters, 2);
	assert_int_equal(r->series[200].t_ns, 400);
	assert_int_equal(r->series[200].waiters, 1);
	assert_int_equal(r->series[200].calls, 3);
	fx_openloop_free(ol);
}

/* ---- the command ---- */

static int run_replay(const char *a, const char *b, const char *c,
		      const char *d, const char *e, const char *f,
		      const char *g, const char *h)
{
	char *argv[9] = { (char *)"replay", (char *)a, (char *)b, (char *)c,
			  (char *)d, (char *)e, (char *)f, (char *)g,
			  (char *)h };
	int argc = 1;

	while (argc < 9 && argv[argc])
		argc++;
	return fx_trace_cmd_replay(argc, argv);
}

static void test_replay_cmd_series(void **state)
{
	struct fx_trace_meta meta = { .slots = -1 };
	struct fx_trace_writer *w;
	char err[256], line[512], tr[64], ser[80], out[80];
	unsigned rows = 0, maxsample = 0;
	int fd;
	FILE *f;

	(void)state;
	snprintf(tr, sizeof(tr), "/tmp/fx-test-replay-XXXXXX");
	fd = mkstemp(tr);
	assert_true(fd >= 0);
	close(fd);
	snprintf(ser, sizeof(ser), "%s.series.csv", tr);
	snprintf(out, sizeof(out), "%s.csv", tr);
	assert_int_equal(fx_trace_create(tr, true, &meta, &w, err, sizeof(err)), 0);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(fx_trace_write(w, &copy_recs[i]), 0);
	assert_int_equal(fx_trace_commit(w, err, sizeof(err)), 0);

	assert_int_equal(run_replay(tr, "--copies", "2", "--copy-mode", "thread",
				    "--series", ser, NULL), 0);
	f = fopen(ser, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "trace,hasher,layout,slots,copies,sample,t_ns,calls,waiters,nonempty,buckets,max_load,keys_per_bucket,exp_keys_per_bucket\n");
	while (fgets(line, sizeof(line), f)) {
		unsigned copies, sample;
		char *p = strchr(line, ',');

		for (int k = 0; k < 3 && p; k++)
			p = strchr(p + 1, ',');
		assert_non_null(p);
		assert_int_equal(sscanf(p + 1, "%u,%u", &copies, &sample), 2);
		assert_int_equal(copies, 2);
		assert_int_equal(sample, rows);
		maxsample = sample;
		rows++;
	}
	fclose(f);
	/* 200 time marks over the 300 ns span, the final sample */
	assert_int_equal(rows, FX_OL_TIME_MARKS + 1);
	assert_int_equal(maxsample, FX_OL_TIME_MARKS);
	unlink(ser);

	/* a bad option: nothing written */
	assert_int_not_equal(run_replay(tr, "--copies", "0", "--series", ser,
					"--out", out, NULL), 0);
	assert_int_equal(access(ser, F_OK), -1);
	assert_int_equal(access(out, F_OK), -1);
	unlink(tr);
}

/* ---- options ---- */

static int parse(struct fx_replay_opts *o, char *err, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	argv[argc++] = (char *)"replay";
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return fx_replay_parse_args(argc, argv, o, err, 256);
}

static void test_replay_options(void **state)
{
	struct fx_replay_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, err, "t.fxt", "--hash", "jhash2,hash_64",
			       "--layout", "global,private", "--slots",
			       "0,1,64", "--cpus", "8", "--nodes", "2",
			       "--out", "x.csv", NULL), 0);
	assert_string_equal(o.trace, "t.fxt");
	assert_int_equal(o.nhash, 2);
	assert_int_equal(o.nlayout, 2);
	assert_int_equal(o.nslots, 3);
	assert_int_equal(o.slots[2], 64);
	assert_int_equal(o.ncpus, 8);
	assert_int_equal(o.nnodes, 2);

	assert_int_equal(parse(&o, err, "t.fxt", "--hash", "nosuch", NULL), -EINVAL);
	assert_non_null(strstr(err, "nosuch"));
	assert_int_equal(parse(&o, err, "t.fxt", "--layout", "nosuch", NULL), -EINVAL);
	assert_non_null(strstr(err, "layout"));
	assert_int_equal(parse(&o, err, "t.fxt", "--slots", "48", NULL), -EINVAL);
	assert_non_null(strstr(err, "power of two"));
	assert_int_equal(parse(&o, err, "t.fxt", "--slots", ",", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, "t.fxt", "--cpus", "0", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, "t.fxt", "--cpus", "2", "--nodes", "4",
			       NULL), -EINVAL);
	assert_non_null(strstr(err, "exceeds"));
	assert_int_equal(parse(&o, err, "t.fxt", "--out", "x.json", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, NULL), -EINVAL);
	assert_non_null(strstr(err, "FILE"));
	assert_int_equal(parse(&o, err, "a", "b", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, "a", "--bogus", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, "t.fxt", "--copies", "4", "--copy-mode",
			       "thread", "--series", "s.csv", NULL), 0);
	assert_int_equal(o.copies, 4);
	assert_int_equal(o.copy_mode, FX_OL_COPY_THREAD);
	assert_string_equal(o.series, "s.csv");
	assert_int_equal(parse(&o, err, "t.fxt", "--copies", "0", NULL), -EINVAL);
	assert_non_null(strstr(err, "--copies"));
	assert_int_equal(parse(&o, err, "t.fxt", "--copies", "129", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, "t.fxt", "--copy-mode", "fork", NULL), -EINVAL);
	assert_non_null(strstr(err, "process or thread"));
	assert_int_equal(parse(&o, err, "t.fxt", "--series", "s.txt", NULL), -EINVAL);
	assert_int_equal(parse(&o, err, "t.fxt", "--series", "s.csv", "--out",
			       "s.csv", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_counts),
		cmocka_unit_test(test_stats_unfinished_and_order),
		cmocka_unit_test(test_replay_one_bucket),
		cmocka_unit_test(test_replay_thread_new),
		cmocka_unit_test(test_replay_no_duration),
		cmocka_unit_test(test_replay_cross_process),
		cmocka_unit_test(test_replay_fast_paths),
		cmocka_unit_test(test_replay_shared_map_and_requeue),
		cmocka_unit_test(test_replay_time_order),
		cmocka_unit_test(test_replay_pi),
		cmocka_unit_test(test_replay_pi_forced),
		cmocka_unit_test(test_replay_waitv),
		cmocka_unit_test(test_replay_futex2_requeue),
		cmocka_unit_test(test_replay_multi_missing_entries),
		cmocka_unit_test(test_replay_copies),
		cmocka_unit_test(test_replay_stride_fallback),
		cmocka_unit_test(test_replay_series_marks),
		cmocka_unit_test(test_replay_cmd_series),
		cmocka_unit_test(test_replay_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
