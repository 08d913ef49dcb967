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

#include "futex.h"
#include "stats.h"
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
		fut(500, 10, 10, 10, FX_OP_LOCK_PI | P, B, 0, 0),
	};
	struct fx_openloop *ol = ol_new("private", 0);
	const struct fx_openloop_result *r = fx_openloop_result(ol);

	(void)state;
	feed(ol, recs, 5);
	assert_int_equal(fx_openloop_queued(ol), 1);
	assert_int_equal(fx_openloop_finish(ol), 0);
	assert_int_equal(fx_openloop_queued(ol), 0);
	assert_int_equal(r->calls, 5);
	assert_int_equal(r->unmodeled, 1);	/* LOCK_PI */
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_counts),
		cmocka_unit_test(test_stats_unfinished_and_order),
		cmocka_unit_test(test_replay_one_bucket),
		cmocka_unit_test(test_replay_cross_process),
		cmocka_unit_test(test_replay_fast_paths),
		cmocka_unit_test(test_replay_shared_map_and_requeue),
		cmocka_unit_test(test_replay_time_order),
		cmocka_unit_test(test_replay_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
