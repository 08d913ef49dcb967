// SPDX-License-Identifier: MIT
/*
 * test_quality.c - the hash-quality battery of sim/quality.c.
 *
 * The statistics are checked against values worked out by hand (closed
 * forms of the chi-square, Poisson and normal tails); each test of the
 * battery against hashers defined here whose verdict is known in advance:
 * a constant (fails everything it can), the address itself (fails bucket
 * distribution on page-aligned keys, and is "too even" - which passes - on
 * 4-byte strides), an ideal function written here independently of
 * sim/hashers/ideal.c (passes everything), a biased one whose bias is known
 * in closed form, and one that folds its seed into the initval (seed
 * "n/a").  Last, the battery is deterministic: the same report on one
 * thread or two, and pinned values for seed 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "quality.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define assert_near(a, b, eps) do {					\
	double a_ = (a), b_ = (b);					\
	if (!(fabs(a_ - b_) <= (eps)))					\
		fail_msg("%s = %.12g, expected %.12g +- %g (line %d)",	\
			 #a, a_, b_, (double)(eps), __LINE__);		\
} while (0)

/* ---- test-local hashers ---- */

/* A different mixer from ideal.c's: Pelle Evensen's rrmxmx. */
static uint64_t t_mix(uint64_t v)
{
	v ^= (v >> 49 | v << 15) ^ (v >> 24 | v << 40);
	v *= 0x9fb21c651e98df25ull;
	v ^= v >> 28;
	v *= 0x9fb21c651e98df25ull;
	return v ^ v >> 28;
}

static uint64_t t_random_key(const uint32_t *w, unsigned n, uint32_t iv,
			     uint64_t seed)
{
	uint64_t h = t_mix(seed + 0x243f6a8885a308d3ull);

	for (unsigned i = 0; i < n; i++)
		h = t_mix(h + w[i] + ((uint64_t)i << 32));
	return t_mix(h ^ ((uint64_t)iv << 17) ^ 0x13198a2e03707344ull);
}

static uint64_t t_const_key(const uint32_t *w, unsigned n, uint32_t iv,
			    uint64_t seed)
{
	return 0x5555;
}

/* The futex word's index: (last word pair + in-page offset) / 4. */
static uint64_t t_identity_key(const uint32_t *w, unsigned n, uint32_t iv,
			       uint64_t seed)
{
	return (((uint64_t)w[n - 2] | (uint64_t)w[n - 1] << 32) +
		(iv & ~3u)) >> 2;
}

/* Output bit 0 = AND of two random bits: P(1) = 1/4, P(flip) = 3/8. */
static uint64_t t_and_key(const uint32_t *w, unsigned n, uint32_t iv,
			  uint64_t seed)
{
	uint64_t h = t_random_key(w, n, iv, seed);

	return (h & ~1ull) | (h >> 40 & h >> 41 & 1);
}

/* The seed XORed into the initval, as jhash2 does. */
static uint64_t t_folded_key(const uint32_t *w, unsigned n, uint32_t iv,
			     uint64_t seed)
{
	return t_random_key(w, n, iv ^ (uint32_t)seed, 0);
}

static const struct fx_hasher t_random = {
	"t_random", "test: random function", 64, t_random_key, NULL, false
};
static const struct fx_hasher t_const = {
	"t_const", "test: constant", 64, t_const_key, NULL, false
};
static const struct fx_hasher t_identity = {
	"t_identity", "test: address", 64, t_identity_key, NULL, false
};
static const struct fx_hasher t_and = {
	"t_and", "test: bit 0 biased", 64, t_and_key, NULL, false
};
static const struct fx_hasher t_folded = {
	"t_folded", "test: seed in initval", 64, t_folded_key, NULL, false
};

static void run(const struct fx_hasher *h, unsigned samples, unsigned tests,
		struct fx_q_report *r)
{
	struct fx_q_params p = { .seed = 0, .samples = samples, .tests = tests };

	assert_int_equal(fx_quality_run(h, &p, r), 0);
}

static const struct fx_q_case *find_case(const struct fx_q_report *r,
					 enum fx_q_test t, const char *name)
{
	for (size_t i = 0; i < r->ncases; i++)
		if (r->cases[i].test == t && !strcmp(r->cases[i].name, name))
			return &r->cases[i];
	fail_msg("no case %s/%s", fx_q_test_name(t), name);
	return NULL;
}

/* ---- the statistics ---- */

static void test_chi2_by_hand(void **state)
{
	/* 8 keys in 4 buckets, E = 2: ((3-2)^2 + (1-2)^2 + 0 + 0) / 2 = 1 */
	static const uint32_t c4[4] = { 3, 1, 2, 2 };
	static const uint32_t even[4] = { 2, 2, 2, 2 };
	static const uint32_t all[4] = { 8, 0, 0, 0 };

	assert_near(fx_q_chi2(c4, 4, 8), 1.0, 1e-15);
	assert_near(fx_q_chi2(even, 4, 8), 0.0, 1e-15);
	/* (36 + 4 + 4 + 4) / 2 = 24 = n (m - 1): the maximum */
	assert_near(fx_q_chi2(all, 4, 8), 24.0, 1e-15);

	/* 3 degrees: sf(x) = erfc(sqrt(x/2)) + sqrt(2x/pi) e^(-x/2) */
	assert_near(fx_q_chi2_sf(1.0, 3), 0.80125195690120, 1e-12);
	assert_near(fx_q_chi2_sf(24.0, 3),
		    erfc(sqrt(12.0)) + sqrt(48 / M_PI) * exp(-12), 1e-15);
	/* 2 degrees: sf(x) = e^(-x/2), on both sides of a + 1 */
	assert_near(fx_q_chi2_sf(1.0, 2), exp(-0.5), 1e-14);
	assert_near(fx_q_chi2_sf(40.0, 2), exp(-20), 1e-20);
	assert_near(fx_q_chi2_sf(0.0, 15), 1.0, 0);
	/*
	 * Large degrees, both branches of the incomplete gamma; references
	 * from mpmath.gammainc(k/2, x/2, inf, regularized=True).
	 */
	assert_near(fx_q_chi2_sf(40, 15) / 4.53498135102235e-4, 1, 1e-9);
	assert_near(fx_q_chi2_sf(65535, 65535), 0.5, 0.003);
	assert_near(fx_q_chi2_sf(66000, 65535) / 0.0997078492401507, 1, 1e-8);
	assert_near(fx_q_chi2_sf(65535 + 5 * sqrt(2 * 65535.0), 65535) /
		    3.58818128140596e-7, 1, 1e-8);
	assert_near(fx_q_chi2_sf(8191 + 6 * sqrt(2 * 8191.0), 8191) /
		    2.81675589148186e-9, 1, 1e-8);
}

static void test_tails_by_hand(void **state)
{
	assert_near(fx_q_poisson_sf(0, 3.0), 1.0, 0);
	assert_near(fx_q_poisson_sf(1, 0.5), 1 - exp(-0.5), 1e-15);
	assert_near(fx_q_poisson_sf(1, 1e-8), 1e-8, 1e-15);
	/* P(N >= 3 | 2) = 1 - e^-2 (1 + 2 + 2) */
	assert_near(fx_q_poisson_sf(3, 2.0), 1 - 5 * exp(-2), 1e-14);
	/* far tail: P(N >= 100 | 50), mpmath 3.20006532458513e-10 */
	assert_near(fx_q_poisson_sf(100, 50.0) / 3.20006532458513e-10, 1, 1e-9);

	assert_near(fx_q_normal_sf2(0), 1.0, 1e-15);
	assert_near(fx_q_normal_sf2(1.959963984540054), 0.05, 1e-12);
	assert_near(fx_q_normal_isf2(0.05), 1.959963984540054, 1e-9);
	assert_near(fx_q_normal_isf2(1e-9), 6.109410204869, 1e-7);

	/* 2 draws of 2 values: distinct = 2 (1 - 1/4) = 1.5 */
	assert_near(fx_q_birthday(2, 1), 0.5, 1e-15);
	assert_near(fx_q_birthday(1, 32), 0.0, 0);
	/* small n / N: C(n, 2) / N */
	assert_near(fx_q_birthday(65536, 64) / (65536.0 * 65535 / 2 /
		    18446744073709551616.0), 1.0, 1e-9);
	/* the sparse global key set at 32 bits: 682801^2 / 2^33 ~ 54.27 */
	assert_near(fx_q_birthday(682801, 32), 54.27, 0.01);
}

/* ---- each test on hashers with a known verdict ---- */

static void test_constant_fails(void **state)
{
	struct fx_q_report r;

	run(&t_const, FX_Q_MIN_SAMPLES, 0, &r);
	assert_int_equal(r.t[FX_Q_AVALANCHE].verdict, FX_Q_FAIL);
	assert_near(r.t[FX_Q_AVALANCHE].value, 1.0, 0);	/* 100% bias */
	assert_int_equal(r.t[FX_Q_BITBIAS].verdict, FX_Q_FAIL);
	assert_near(r.t[FX_Q_BITBIAS].value, 1.0, 0);
	for (int t = FX_Q_DIST; t <= FX_Q_STRIDE; t++) {
		assert_int_equal(r.t[t].verdict, FX_Q_FAIL);
		assert_true(r.t[t].value < r.t[t].limit);
	}
	/* every key in one bucket: X^2 = n (m - 1), largest at m = 65536 */
	assert_near(find_case(&r, FX_Q_DIST, "global/page")->stat,
		    (double)FX_Q_DIST_KEYS * (FX_Q_DIST_MAXM - 1), 0);
	assert_int_equal(r.t[FX_Q_SEED].verdict, FX_Q_NA);
	assert_string_equal(r.t[FX_Q_SEED].worst, "ignores the seed");
	fx_q_report_free(&r);
}

static void test_identity_page_aligned(void **state)
{
	struct fx_q_report r;
	const struct fx_q_case *cs;

	run(&t_identity, FX_Q_MIN_SAMPLES, 1u << FX_Q_DIST, &r);
	assert_int_equal(r.t[FX_Q_DIST].verdict, FX_Q_FAIL);
	/*
	 * page-aligned: the low 10 bits of the index are 0, so up to m = 1024
	 * every key is in bucket 0 (X^2 = n (m - 1)); at m > 1024 they fill
	 * m / 1024 buckets evenly, the same X^2 as at 1024, where z is worst.
	 */
	cs = find_case(&r, FX_Q_DIST, "private/page");
	assert_true(cs->p < r.t[FX_Q_DIST].limit);
	assert_int_equal(cs->size, 1024);
	assert_near(cs->stat, (double)FX_Q_DIST_KEYS * 1023, 0);
	cs = find_case(&r, FX_Q_DIST, "global/page");
	assert_true(cs->p < r.t[FX_Q_DIST].limit);
	/*
	 * 4-byte strides: the index is a counter, so every bucket gets
	 * exactly n / m keys: X^2 = 0, p = 1.  Too even is not a failure.
	 */
	cs = find_case(&r, FX_Q_DIST, "private/stride4");
	assert_near(cs->p, 1.0, 1e-12);
	/* the global form carries the same address in words 2 and 3 */
	cs = find_case(&r, FX_Q_DIST, "global/stride4");
	assert_near(cs->p, 1.0, 1e-12);
	/* the same address in many mms: identical keys, one bucket */
	cs = find_case(&r, FX_Q_DIST, "global/mm");
	assert_true(cs->p < r.t[FX_Q_DIST].limit);
	assert_int_equal(r.t[FX_Q_AVALANCHE].verdict, FX_Q_NA);	/* not run */
	fx_q_report_free(&r);
}

static void test_random_passes(void **state)
{
	struct fx_q_report r;

	run(&t_random, FX_Q_DEFAULT_SAMPLES, 0, &r);
	for (int t = 0; t < FX_Q_NTESTS; t++)
		if (r.t[t].verdict != FX_Q_PASS)
			fail_msg("%s: %s at %s (value %g, limit %g)",
				 fx_q_test_name(t),
				 r.t[t].verdict == FX_Q_FAIL ? "FAIL" : "n/a",
				 r.t[t].worst, r.t[t].value, r.t[t].limit);
	/* a random function's worst bias sits near its noise bound */
	assert_true(r.t[FX_Q_AVALANCHE].value > 0.5 * r.t[FX_Q_AVALANCHE].limit);
	/* no full-width collision among the sparse keys at 64 bits */
	assert_near(find_case(&r, FX_Q_SPARSE, "global/sparse collisions")->stat,
		    0, 0);
	fx_q_report_free(&r);
}

static void test_bias_known(void **state)
{
	struct fx_q_report r;

	/*
	 * Bit 0 = AND of two random bits: P(1) = 1/4, bias |2p - 1| = 1/2;
	 * for two keys, P(bit 0 differs) = 2 (1/4)(3/4) = 3/8, bias 1/4.
	 */
	run(&t_and, 4096, 1u << FX_Q_AVALANCHE | 1u << FX_Q_BITBIAS, &r);
	assert_int_equal(r.t[FX_Q_BITBIAS].verdict, FX_Q_FAIL);
	assert_near(r.t[FX_Q_BITBIAS].value, 0.5, 0.02);
	assert_true(strstr(r.t[FX_Q_BITBIAS].worst, "out 0") != NULL);
	assert_int_equal(r.t[FX_Q_AVALANCHE].verdict, FX_Q_FAIL);
	assert_near(r.t[FX_Q_AVALANCHE].value, 0.25, 0.07);
	assert_true(strstr(r.t[FX_Q_AVALANCHE].worst, "->0") != NULL);
	/* the limit: max(1%, z(0.001 / K) / sqrt(N)), K = 64 (160 + 96) */
	assert_int_equal(r.t[FX_Q_AVALANCHE].cells, 64 * (160 + 96));
	assert_near(r.t[FX_Q_AVALANCHE].limit,
		    fx_q_normal_isf2(0.001 / (64 * 256)) / 64, 1e-12);
	assert_int_equal(r.t[FX_Q_BITBIAS].cells, 4 * 64);
	fx_q_report_free(&r);
}

static void test_seed_folded_is_na(void **state)
{
	struct fx_q_report r;

	run(&t_folded, FX_Q_MIN_SAMPLES, 1u << FX_Q_SEED, &r);
	assert_int_equal(r.t[FX_Q_SEED].verdict, FX_Q_NA);
	assert_string_equal(r.t[FX_Q_SEED].worst, "seed folded into initval");
	fx_q_report_free(&r);

	/* jhash2 XORs the seed into its initval; lowbits ignores it */
	run(fx_hasher_find("jhash2"), FX_Q_MIN_SAMPLES, 1u << FX_Q_SEED, &r);
	assert_string_equal(r.t[FX_Q_SEED].worst, "seed folded into initval");
	fx_q_report_free(&r);
	run(fx_hasher_find("lowbits"), FX_Q_MIN_SAMPLES, 1u << FX_Q_SEED, &r);
	assert_string_equal(r.t[FX_Q_SEED].worst, "ignores the seed");
	fx_q_report_free(&r);
}

static void test_bad_params(void **state)
{
	static const struct fx_hasher no_bits = {
		"t_nobits", "test", 0, t_random_key, NULL, false
	};
	struct fx_q_params p = { .samples = FX_Q_MIN_SAMPLES - 1 };
	struct fx_q_report r;
	char q[] = "quality", o_hash[] = "--hash", v_hash[] = "jhash2,nosuch";
	char o_samples[] = "--samples", v_samples[] = "10";
	char o_seed[] = "--seed", v_seed[] = "-1";
	char *bad_hash[] = { q, o_hash, v_hash, NULL };
	char *bad_samples[] = { q, o_samples, v_samples, NULL };
	char *bad_seed[] = { q, o_seed, v_seed, NULL };

	assert_int_equal(fx_quality_run(&t_random, &p, &r), -EINVAL);
	p.samples = FX_Q_MIN_SAMPLES;
	assert_int_equal(fx_quality_run(&no_bits, &p, &r), -EINVAL);
	assert_int_equal(fx_cli_quality(3, bad_hash), 2);
	assert_int_equal(fx_cli_quality(3, bad_samples), 2);
	assert_int_equal(fx_cli_quality(3, bad_seed), 2);
}

/* ---- determinism and pinned values ---- */

static void assert_reports_equal(const struct fx_q_report *a,
				 const struct fx_q_report *b)
{
	assert_ptr_equal(a->hasher, b->hasher);
	assert_memory_equal(a->t, b->t, sizeof(a->t));
	assert_int_equal(a->ncases, b->ncases);
	assert_memory_equal(a->cases, b->cases, a->ncases * sizeof(*a->cases));
}

static void test_deterministic(void **state)
{
	const struct fx_hasher *hs[] = {
		fx_hasher_find("jhash2"), fx_hasher_find("lowbits"),
		fx_hasher_find("hash_64_old"), fx_hasher_find("ideal"),
	};
	struct fx_q_params p = { .seed = 0, .samples = FX_Q_DEFAULT_SAMPLES };
	struct fx_q_report one[ARRAY_SIZE(hs)], two[ARRAY_SIZE(hs)];
	const struct fx_q_report *j, *l, *o, *id;

	assert_int_equal(fx_quality_run_many(hs, ARRAY_SIZE(hs), &p, 1, one), 0);
	assert_int_equal(fx_quality_run_many(hs, ARRAY_SIZE(hs), &p, 2, two), 0);
	for (size_t i = 0; i < ARRAY_SIZE(hs); i++)
		assert_reports_equal(&one[i], &two[i]);
	j = &one[0];
	l = &one[1];
	o = &one[2];
	id = &one[3];

	/* jhash2: spreads futex keys, but no strict avalanche */
	assert_int_equal(j->t[FX_Q_DIST].verdict, FX_Q_PASS);
	assert_int_equal(j->t[FX_Q_STRIDE].verdict, FX_Q_PASS);
	assert_int_equal(j->t[FX_Q_AVALANCHE].verdict, FX_Q_FAIL);
	/* flipping address bit 31 flips output bit 6 for 46.2% of keys */
	assert_string_equal(j->t[FX_Q_AVALANCHE].worst, "private w0.31->6");
	assert_near(j->t[FX_Q_AVALANCHE].value * FX_Q_DEFAULT_SAMPLES, 1240, 0);
	/*
	 * 826 full-width collisions among the 682801 global sparse keys
	 * (54.3 expected); counted again by a separate enumeration when this
	 * value was pinned.  Most (493) involve a bit 31: the initval is
	 * added to all three lookup3 lanes, so initval bit 31 equals bit 31 of
	 * two words at once.
	 */
	assert_near(find_case(j, FX_Q_SPARSE, "global/sparse collisions")->stat,
		    826, 0);
	assert_int_equal(j->t[FX_Q_SPARSE].verdict, FX_Q_FAIL);
	assert_int_equal(j->t[FX_Q_SEED].verdict, FX_Q_NA);

	/* lowbits and hash_64_old: page-aligned keys pile up */
	assert_int_equal(l->t[FX_Q_DIST].verdict, FX_Q_FAIL);
	assert_true(find_case(l, FX_Q_DIST, "global/page")->p < l->t[FX_Q_DIST].limit);
	assert_int_equal(l->t[FX_Q_SEED].verdict, FX_Q_NA);
	assert_int_equal(o->t[FX_Q_DIST].verdict, FX_Q_FAIL);
	assert_true(find_case(o, FX_Q_DIST, "private/page")->p < o->t[FX_Q_DIST].limit);

	/* ideal passes everything */
	for (int t = 0; t < FX_Q_NTESTS; t++)
		assert_int_equal(id->t[t].verdict, FX_Q_PASS);

	for (size_t i = 0; i < ARRAY_SIZE(hs); i++) {
		fx_q_report_free(&one[i]);
		fx_q_report_free(&two[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chi2_by_hand),
		cmocka_unit_test(test_tails_by_hand),
		cmocka_unit_test(test_constant_fails),
		cmocka_unit_test(test_identity_page_aligned),
		cmocka_unit_test(test_random_passes),
		cmocka_unit_test(test_bias_known),
		cmocka_unit_test(test_seed_folded_is_na),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
