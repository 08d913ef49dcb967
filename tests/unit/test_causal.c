// SPDX-License-Identifier: MIT
/*
 * test_causal.c - fx_causal_match() (sim/trace/causal.c) on hand-made
 * waits and wakes whose answer follows from the rules in causal.h: the
 * same futex, overlapping times, soonest return first, requeues moving
 * the earliest queued to the second futex, and ties broken by index.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "trace/causal.h"

#define X	0x1000
#define Y	0x2000
#define N	FX_CAUSAL_NONE

static struct fx_causal_wait wt(uint64_t in, uint64_t out, uint64_t addr)
{
	return (struct fx_causal_wait){ .t_in = in, .t_out = out, .space = 1,
					.uaddr = addr };
}

static struct fx_causal_wake wk(uint64_t in, uint64_t out, uint64_t addr,
				uint32_t count)
{
	return (struct fx_causal_wake){ .t_in = in, .t_out = out, .space = 1,
					.uaddr = addr,
					.kind = FX_CAUSAL_WAKE,
					.count = count };
}

/* one waiter, one wake; a wait that returned before the wake entered and
 * one that entered after it returned are released by nobody */
static void test_overlap(void **state)
{
	struct fx_causal_wait w[] = { wt(0, 100, X), wt(0, 40, X),
				      wt(70, 200, X) };
	struct fx_causal_wake k[] = { wk(50, 60, X, 3) };
	struct fx_causal c;

	(void)state;
	assert_int_equal(fx_causal_match(w, 3, k, 1, 0, &c), 0);
	assert_int_equal(c.waker[0], 0);
	assert_int_equal(c.waker[1], N);	/* returned at 40 < 50 */
	assert_int_equal(c.waker[2], N);	/* entered at 70 > 60 */
	assert_int_equal(c.n[0], 1);
	assert_int_equal(c.deps[c.first[0]], 0);
	fx_causal_free(&c);
}

/* two waiters: the first wake releases the one that returned sooner, the
 * second wake the other, which therefore queues after the first; a wake
 * of another address or space releases nobody */
static void test_soonest_first(void **state)
{
	struct fx_causal_wait w[] = { wt(0, 200, X), wt(10, 120, X) };
	struct fx_causal_wake k[] = { wk(150, 160, X, 1), wk(100, 110, X, 1),
				      wk(100, 110, Y, 1), wk(100, 110, X, 1) };
	struct fx_causal c;

	(void)state;
	k[3].space = 2;
	assert_int_equal(fx_causal_match(w, 2, k, 4, 0, &c), 0);
	assert_int_equal(c.waker[1], 1);	/* wake at 100 -> returned 120 */
	assert_int_equal(c.waker[0], 0);	/* wake at 150 -> the other */
	assert_int_equal(c.n[2], 0);
	assert_int_equal(c.n[3], 0);
	assert_int_equal(c.ndeps, 2);
	/* w0 was pending when w1 was released: it must queue after w1 */
	assert_int_equal(c.qn[0], 1);
	assert_int_equal(c.qlist[c.qfirst[0]], 1);
	assert_int_equal(c.qn[1], 0);
	assert_int_equal(c.nq, 1);
	fx_causal_free(&c);
}

/* a count larger than the waiters releases what there is; equal return
 * times go by index */
static void test_count_and_ties(void **state)
{
	struct fx_causal_wait w[] = { wt(0, 100, X), wt(0, 100, X),
				      wt(0, 100, X) };
	struct fx_causal_wake k[] = { wk(50, 60, X, 2), wk(55, 60, X, 5) };
	struct fx_causal c;

	(void)state;
	assert_int_equal(fx_causal_match(w, 3, k, 2, 0, &c), 0);
	assert_int_equal(c.waker[0], 0);
	assert_int_equal(c.waker[1], 0);
	assert_int_equal(c.waker[2], 1);
	assert_int_equal(c.n[1], 1);
	fx_causal_free(&c);
}

/*
 * CMP_REQUEUE(X -> Y, nr_wake 1) returning 3 at 100: of the three waiters
 * of X it wakes the one that returned soonest (w2 at 150) and moves the
 * two others to Y, earliest queued first; the wakes of Y at 300 and 400
 * then release them, soonest return first.
 */
static void test_requeue(void **state)
{
	struct fx_causal_wait w[] = { wt(0, 500, X), wt(5, 350, X),
				      wt(8, 150, X) };
	struct fx_causal_wake k[] = {
		{ .t_in = 100, .t_out = 110, .space = 1, .uaddr = X,
		  .uaddr2 = Y, .kind = FX_CAUSAL_REQUEUE, .nr_wake = 1,
		  .count = 3 },
		wk(300, 310, Y, 1), wk(400, 410, Y, 1),
	};
	struct fx_causal c;

	(void)state;
	assert_int_equal(fx_causal_match(w, 3, k, 3, 0, &c), 0);
	assert_int_equal(c.waker[2], 0);
	assert_int_equal(c.waker[1], 1);
	assert_int_equal(c.waker[0], 2);
	assert_int_equal(c.requeued, 2);
	fx_causal_free(&c);
}

/* WAKE_OP releases waiters of both its futexes */
static void test_wake_op(void **state)
{
	struct fx_causal_wait w[] = { wt(0, 100, X), wt(0, 90, Y),
				      wt(0, 95, Y) };
	struct fx_causal_wake k[] = {
		{ .t_in = 50, .t_out = 60, .space = 1, .uaddr = X,
		  .uaddr2 = Y, .kind = FX_CAUSAL_WAKE2, .count = 2 },
	};
	struct fx_causal c;

	(void)state;
	assert_int_equal(fx_causal_match(w, 3, k, 1, 0, &c), 0);
	assert_int_equal(c.waker[1], 0);	/* 90 */
	assert_int_equal(c.waker[2], 0);	/* 95 */
	assert_int_equal(c.waker[0], N);	/* 100: count used up */
	fx_causal_free(&c);
}

/*
 * Calls come after the other actors' last wakes of their futex that
 * returned before they entered: actor 1's wait entering at 100 after
 * actor 2's wake returning at 90 (its earlier one returning at 50 is
 * implied) and actor 3's returning at 60; not after its own wake, nor a
 * wake returning at 100 (a tie), nor one of another futex or space.  A
 * wait at 10 comes after none; actor 3's wake entering at 55 after actor
 * 2's first (returned at 50); actor 2's second wake, entering at 85,
 * after actor 3's (60).
 */
static void test_prior(void **state)
{
	const struct fx_causal_ev ev[] = {
		{ 100, 200, 1, X, 1, 0 },	/* 0: the wait */
		{ 40, 50, 1, X, 2, 1 },		/* 1 */
		{ 85, 90, 1, X, 2, 1 },		/* 2: actor 2's last */
		{ 55, 60, 1, X, 3, 1 },		/* 3: actor 3's last */
		{ 70, 80, 1, X, 1, 1 },		/* 4: the waiter's own */
		{ 95, 100, 1, X, 4, 1 },	/* 5: a tie */
		{ 60, 70, 1, Y, 5, 1 },		/* 6: another futex */
		{ 60, 70, 2, X, 5, 1 },		/* 7: another space */
		{ 10, 300, 1, X, 6, 0 },	/* 8: an early wait */
	};
	struct fx_causal_prior p;

	(void)state;
	assert_int_equal(fx_causal_prior(ev, 9, 0, &p), 0);
	assert_int_equal(p.n[0], 2);
	/* in the order the actors first woke the futex: 2 (at 50), 3 */
	assert_int_equal(p.list[p.first[0]], 2);
	assert_int_equal(p.list[p.first[0] + 1], 3);
	assert_int_equal(p.n[8], 0);
	assert_int_equal(p.n[1], 0);
	assert_int_equal(p.n[3], 1);
	assert_int_equal(p.list[p.first[3]], 1);
	assert_int_equal(p.n[2], 2);			/* 3 (60), 1's own 80 */
	assert_int_equal(p.list[p.first[2]], 3);
	assert_int_equal(p.list[p.first[2] + 1], 4);
	assert_int_equal(p.n[6], 0);
	assert_int_equal(p.n[7], 0);
	fx_causal_prior_free(&p);
}

static void test_empty(void **state)
{
	struct fx_causal c;

	(void)state;
	assert_int_equal(fx_causal_match(NULL, 0, NULL, 0, 0, &c), 0);
	assert_int_equal(c.ndeps, 0);
	fx_causal_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_soonest_first),
		cmocka_unit_test(test_count_and_ties),
		cmocka_unit_test(test_requeue),
		cmocka_unit_test(test_wake_op),
		cmocka_unit_test(test_prior),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
