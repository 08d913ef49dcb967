// SPDX-License-Identifier: MIT
/*
 * test_stats.c - the metric definitions of sim/stats.c on small cases
 * checked by hand (the arithmetic is in the comments).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

/*
 * 3 keys in a table of 4 buckets, two of them in one bucket: loads
 * {2, 1, 0, 0}.  Ideal: E[non-empty] = 4 (1 - (3/4)^3) = 148/64 = 2.3125;
 * expected histogram 4 Bin(3, 1/4): 108/64, 108/64, 36/64, 4/64.
 */
static void test_three_keys_four_buckets(void **state)
{
	struct fx_loadstats *s = malloc(sizeof(*s));
	struct fx_loadmetrics m;
	double F0 = 27 / 64.0, F1 = 54 / 64.0, F2 = 63 / 64.0;

	(void)state;
	fx_loadstats_init(s);
	fx_loadstats_table(s, 4, 3);
	fx_loadstats_bucket(s, 2, true);	/* two keys, two processes */
	fx_loadstats_bucket(s, 1, false);
	fx_loadstats_access(s, true);
	fx_loadstats_access(s, false);
	fx_loadstats_access(s, false);
	fx_loadstats_access(s, false);
	fx_loadstats_metrics(s, &m);
	assert_int_equal(s->nonempty, 2);
	assert_int_equal(s->maxload, 2);
	near(s->exp_nonempty, 2.3125, 1e-12);
	near(s->exp_hist[0], 108 / 64.0, 1e-12);
	near(s->exp_hist[1], 108 / 64.0, 1e-12);
	near(s->exp_hist[2], 36 / 64.0, 1e-12);
	near(s->exp_hist[3], 4 / 64.0, 1e-12);
	near(m.keys_per_bucket, 1.5, 1e-12);
	near(m.exp_keys_per_bucket, 3 / 2.3125, 1e-12);
	/* 4 buckets expect < 5 in total: one pooled bin, no test */
	near(m.chi2, 0, 1e-12);
	assert_int_equal(m.chi2_df, 0);
	near(m.chi2_p, 1, 1e-12);
	/* E[max] ~= sum_k 1 - F(k)^4 (exact: 108/64 = 1.6875) */
	near(m.exp_maxload, (1 - pow(F0, 4)) + (1 - pow(F1, 4)) +
	     (1 - pow(F2, 4)), 1e-9);
	near(m.maxload_ratio, 2 / m.exp_maxload, 1e-12);
	assert_int_equal(s->xproc_buckets, 1);
	assert_int_equal(s->xproc_keys, 2);
	near(m.xproc_share, 0.5, 1e-12);
	near(m.remote_share, 0.25, 1e-12);
	free(s);
}

/*
 * n = m = 4: E[non-empty] = 4 (1 - (3/4)^4) = 700/256; expected histogram
 * 4 Bin(4, 1/4) = 324, 432, 216, 48, 4 (/256).  E[max] under independent
 * bins: F = 81, 189, 243, 255 (/256), sum 1 - F^4 = 1.8966; the exact
 * value (enumerating 4^4 placements: max 1, 2, 3, 4 in 24, 180, 48, 4
 * of them) is 544/256 = 2.125 - the documented bias on tiny tables.
 */
static void test_balls_bins_4_4(void **state)
{
	struct fx_loadstats *s = malloc(sizeof(*s));
	struct fx_loadmetrics m;
	const double e[] = { 324, 432, 216, 48, 4 };
	const double F[] = { 81, 189, 243, 255 };
	double emax = 0;

	(void)state;
	fx_loadstats_init(s);
	fx_loadstats_table(s, 4, 4);
	for (unsigned j = 1; j <= 4; j++)
		fx_loadstats_bucket(s, 1, false);
	fx_loadstats_metrics(s, &m);
	near(s->exp_nonempty, 700 / 256.0, 1e-12);
	for (unsigned j = 0; j < 5; j++)
		near(s->exp_hist[j], e[j] / 256.0, 1e-12);
	near(s->exp_hist[5], 0, 1e-12);
	for (unsigned k = 0; k < 4; k++)
		emax += 1 - pow(F[k] / 256.0, 4);
	near(m.exp_maxload, emax, 1e-9);
	near(m.exp_maxload, 1.8966, 1e-4);
	near(m.maxload_ratio, 1 / emax, 1e-9);
	near(fx_binom_pmf(4, 0.25, 2), 54 / 256.0, 1e-12);
	free(s);
}

/* A big table: the expectation matches the closed forms. */
static void test_balls_bins_large(void **state)
{
	struct fx_loadstats *s = malloc(sizeof(*s));
	struct fx_loadmetrics m;
	double n = 100000, mm = 65536;

	(void)state;
	fx_loadstats_init(s);
	fx_loadstats_table(s, 65536, 100000);
	fx_loadstats_metrics(s, &m);
	near(s->exp_nonempty, mm * (1 - pow(1 - 1 / mm, n)), 1e-6);
	{
		double sum = 0;

		for (unsigned j = 0; j <= FX_LOAD_HMAX; j++)
			sum += s->exp_hist[j];
		near(sum, mm, 1e-6);
	}
	/* n/m = 1.5: the max load of 65536 Poisson(1.5) bins is 8 or 9 */
	assert_true(m.exp_maxload > 7.5 && m.exp_maxload < 9.5);
	/* loads beyond FX_LOAD_KMAX: no estimate rather than a wrong one */
	fx_loadstats_init(s);
	fx_loadstats_table(s, 2, 100000);
	fx_loadstats_metrics(s, &m);
	assert_true(isnan(m.exp_maxload));
	free(s);
}

/* Pooled chi-square: a perfect fit gives 0, a skewed one a tiny p. */
static void test_chi2(void **state)
{
	struct fx_loadstats *s = malloc(sizeof(*s));
	struct fx_loadmetrics m;

	(void)state;
	near(fx_chi2_sf(3.841459, 1), 0.05, 1e-5);
	near(fx_chi2_sf(18.307038, 10), 0.05, 1e-5);
	near(fx_chi2_sf(0, 3), 1, 1e-12);
	/* 1024 keys in one bucket of 1024 */
	fx_loadstats_init(s);
	fx_loadstats_table(s, 1024, 1024);
	fx_loadstats_bucket(s, 1024, false);
	fx_loadstats_metrics(s, &m);
	assert_true(m.chi2_df >= 3);
	assert_true(m.chi2_p < 1e-100);
	assert_true(m.maxload_ratio > 100);
	free(s);
}

static void test_loadstats_merge(void **state)
{
	struct fx_loadstats *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)),
			    *c = malloc(sizeof(*c));
	struct fx_loadmetrics ma, mc;

	(void)state;
	fx_loadstats_init(a);
	fx_loadstats_init(b);
	fx_loadstats_init(c);
	fx_loadstats_table(a, 64, 50);
	fx_loadstats_bucket(a, 3, true);
	fx_loadstats_table(b, 16, 20);
	fx_loadstats_bucket(b, 5, false);
	fx_loadstats_table(c, 64, 50);
	fx_loadstats_bucket(c, 3, true);
	fx_loadstats_table(c, 16, 20);
	fx_loadstats_bucket(c, 5, false);
	fx_loadstats_merge(a, b);
	fx_loadstats_metrics(a, &ma);
	fx_loadstats_metrics(c, &mc);
	assert_int_equal(a->keys, 70);
	assert_int_equal(a->buckets, 80);
	assert_int_equal(a->maxload, 5);
	near(ma.exp_maxload, mc.exp_maxload, 1e-9);
	near(ma.chi2, mc.chi2, 1e-9);
	free(a);
	free(b);
	free(c);
}

/*
 * Ops: key A waits in an empty bucket (no collision), B waits in the same
 * bucket (A is there: collision, and A belongs to another process), B is
 * woken (chain A, B: walked 2, foreign 1, collision), a wake on an empty
 * bucket takes no lock: 4 ops, 3 locked, 2 of them collided, 1 across
 * processes; walked 0, 0, 2, 0.
 */
static void test_opstats(void **state)
{
	struct fx_opstats *s = malloc(sizeof(*s)), *t = malloc(sizeof(*t));
	struct fx_opmetrics m;
	const struct fx_op_fact f[] = {
		{ .nbuckets = 1 },
		{ .nbuckets = 1, .collided = true, .xproc = true, .remote = 1 },
		{ .nbuckets = 1, .walked = 2, .foreign = 1, .collided = true },
		{ .nbuckets = 0 },
	};

	(void)state;
	fx_opstats_init(s);
	fx_opstats_metrics(s, &m);
	assert_true(isnan(m.collision_rate));
	for (unsigned i = 0; i < 4; i++)
		fx_opstats_add(s, &f[i]);
	fx_opstats_metrics(s, &m);
	assert_int_equal(s->ops, 4);
	assert_int_equal(s->locked, 3);
	near(m.collision_rate, 2 / 3.0, 1e-12);
	near(m.xproc_rate, 1 / 3.0, 1e-12);
	near(m.walked_mean, 0.5, 1e-12);
	assert_int_equal(m.walked_p99, 2);
	assert_int_equal(m.walked_max, 2);
	near(m.foreign_mean, 0.25, 1e-12);
	near(m.remote_share, 1 / 3.0, 1e-12);
	/* merge = adding everything to one */
	fx_opstats_init(t);
	fx_opstats_add(t, &f[0]);
	fx_opstats_merge(t, s);
	assert_int_equal(t->ops, 5);
	assert_int_equal(t->locked, 4);
	assert_int_equal(t->collided, 2);
	free(s);
	free(t);
}

static void test_quantiles(void **state)
{
	struct fx_qhist *h = malloc(sizeof(*h)), *g = malloc(sizeof(*g));

	(void)state;
	fx_qhist_init(h);
	assert_int_equal(fx_qhist_quantile(h, 0.99), 0);
	for (uint64_t v = 1; v <= 100; v++)
		fx_qhist_add(h, v);
	assert_int_equal(fx_qhist_quantile(h, 0.99), 99);	/* rank 99 */
	assert_int_equal(fx_qhist_quantile(h, 0.5), 50);
	assert_int_equal(fx_qhist_quantile(h, 1.0), 100);
	assert_int_equal(fx_qhist_quantile(h, 0.001), 1);
	near(fx_qhist_mean(h), 50.5, 1e-12);
	/* above the exact range: never below, at most 2^-7 above */
	fx_qhist_init(g);
	for (uint64_t v = 0; v < 1000; v++)
		fx_qhist_add(g, 5000 + v);
	fx_qhist_add(g, 1000000);
	{
		uint64_t q = fx_qhist_quantile(g, 0.5);	/* true: 5499 */

		assert_true(q >= 5499 && q <= 5499 + 5499 / 128 + 1);
	}
	assert_int_equal(fx_qhist_quantile(g, 1.0), 1000000);
	assert_int_equal(g->max, 1000000);
	/* merge */
	fx_qhist_merge(h, g);
	assert_int_equal(h->count, 1101);
	assert_int_equal(h->max, 1000000);
	assert_int_equal(fx_qhist_quantile(h, 100 / 1101.0), 100);
	fx_qhist_add(h, UINT64_MAX);
	assert_int_equal(fx_qhist_quantile(h, 1.0), UINT64_MAX);
	free(h);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_keys_four_buckets),
		cmocka_unit_test(test_balls_bins_4_4),
		cmocka_unit_test(test_balls_bins_large),
		cmocka_unit_test(test_chi2),
		cmocka_unit_test(test_loadstats_merge),
		cmocka_unit_test(test_opstats),
		cmocka_unit_test(test_quantiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
