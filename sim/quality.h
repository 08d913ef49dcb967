/* SPDX-License-Identifier: MIT */
/*
 * quality.h - an SMHasher-style battery for the hasher plug-ins, restricted
 * to futex keys.
 *
 * Every test feeds a hasher the key words the kernel hashes (union fx_key
 * read as u32 words: the 4-word global form with initval = offset, and the
 * 2-word private-hash form) built from realistic key families, and reduces
 * the hash the way the layouts do (hash & (size - 1)).  docs/quality.md
 * describes each test, its statistic and its threshold.
 *
 * Six tests, one verdict each:
 *
 *   avalanche  flip each input bit (key words and initval); per output bit
 *              the flip probability p; worst |2p - 1| (SMHasher's bias)
 *   bitbias    per output bit the share of ones over random keys; worst
 *              |2p - 1|
 *   dist       chi-square of the bucket counts of realistic key families
 *              (page-aligned, 4/8/64-byte strides, 8 MiB stacks, one
 *              address in many mms, shm pgoff runs) at sizes 16..65536
 *   sparse     keys with at most 3 bits set: chi-square per table size and
 *              full-width collisions against the birthday expectation
 *   stride     chi-square of address runs at every power-of-two stride from
 *              4 bytes to 1 GiB plus a few odd strides
 *   seed       share of keys whose bucket moves when one seed bit flips,
 *              against 1 - 1/m; "n/a" for a hasher that ignores the seed
 *              or folds it into the initval
 *
 * Thresholds are family-wise: a test fails when its worst cell is beyond
 * what an ideal random function reaches with probability FX_Q_ALPHA over
 * all the cells of that test (Bonferroni), and, for the two bias tests,
 * beyond SMHasher's 1% as well.
 *
 * Everything is deterministic: key samples come from a fixed-seed
 * generator, the hasher seed is a parameter, and the result does not
 * depend on how many threads ran the battery.
 */
#ifndef FX_QUALITY_H
#define FX_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashers/hasher.h"

/* Family-wise false-fail probability of one test for an ideal hash. */
#define FX_Q_ALPHA		0.001
/* SMHasher's bias limit for avalanche and bit bias. */
#define FX_Q_BIAS_LIMIT		0.01
/* --samples N: random keys per key form for avalanche (N), per family for
 * bitbias (8N) and per form for seed (N/4). */
#define FX_Q_DEFAULT_SAMPLES	16384u
#define FX_Q_MIN_SAMPLES	1024u
#define FX_Q_MAX_SAMPLES	(1u << 22)
#define FX_Q_BITBIAS_KEYS(n)	(8u * (n))
#define FX_Q_SEED_KEYS(n)	((n) / 4u)
/* The structured key sets are fixed: keys per family, largest table. */
#define FX_Q_DIST_KEYS		(1u << 18)	/* 4 keys per bucket at 2^16 */
#define FX_Q_DIST_MAXM		(1u << 16)
#define FX_Q_STRIDE_KEYS	(1u << 15)	/* 4 keys per bucket at 2^13 */
#define FX_Q_STRIDE_MAXM	(1u << 13)
#define FX_Q_MINM		16u

enum fx_q_test {
	FX_Q_AVALANCHE,
	FX_Q_BITBIAS,
	FX_Q_DIST,
	FX_Q_SPARSE,
	FX_Q_STRIDE,
	FX_Q_SEED,
	FX_Q_NTESTS
};

enum fx_q_verdict { FX_Q_PASS, FX_Q_FAIL, FX_Q_NA };

struct fx_q_params {
	uint64_t seed;		/* the hasher seed (0 = the kernel's functions) */
	unsigned samples;	/* random keys per form (avalanche); see .md */
	unsigned tests;		/* bit mask of (1u << enum fx_q_test); 0 = all */
};

/* The outcome of one test for one hasher. */
struct fx_q_outcome {
	enum fx_q_verdict verdict;
	/*
	 * The headline: for avalanche and bitbias the worst bias |2p - 1|
	 * (0..1); for dist, sparse and stride the smallest p-value; for seed
	 * the smallest p-value, and beside it in @dev the worst deviation of
	 * the moved share from 1 - 1/m.
	 */
	double value;
	double limit;		/* PASS iff value < limit (bias) or >= (p) */
	double z;		/* normalised score of the worst cell */
	double dev;		/* seed: worst |moved - (1 - 1/m)| */
	unsigned cells;		/* cells of the test (the Bonferroni K) */
	char worst[64];		/* which cell: family, table size, bits */
};

/* One detail line (-v, CSV): the worst cell of one case of one test. */
struct fx_q_case {
	enum fx_q_test test;
	char name[40];		/* e.g. "global/page", "private/stride 4096" */
	unsigned size;		/* table size of the worst cell; 0 if none */
	double stat;		/* chi-square, collisions or moved share */
	double z;		/* normalised score */
	double p;		/* upper-tail (or two-sided) p-value */
};

struct fx_q_report {
	const struct fx_hasher *hasher;
	struct fx_q_params params;
	struct fx_q_outcome t[FX_Q_NTESTS];
	struct fx_q_case *cases;	/* malloc'd; fx_q_report_free() */
	size_t ncases;
};

/* fx_q_test_name - "avalanche", "bitbias", ... */
const char *fx_q_test_name(enum fx_q_test t);

/**
 * fx_quality_run - run the battery on one hasher
 * @h:   the hasher (any struct fx_hasher, registered or not)
 * @p:   parameters; samples must be within FX_Q_{MIN,MAX}_SAMPLES
 * @out: filled in; release with fx_q_report_free()
 *
 * Tests not selected by @p->tests are reported as FX_Q_NA.
 *
 * Return: 0, -EINVAL on bad parameters, -ENOMEM.
 */
int fx_quality_run(const struct fx_hasher *h, const struct fx_q_params *p,
		   struct fx_q_report *out);

/**
 * fx_quality_run_many - fx_quality_run() over @n hashers on up to @jobs
 * threads; @out[i] belongs to @hs[i] whatever the thread count.  Each
 * hasher runs on one thread at a time, but different hashers run at once,
 * so a hash_key must not share mutable state with another hasher's (the
 * plug-ins are pure functions).
 *
 * Return: 0, or the first error (every report is then freed).
 */
int fx_quality_run_many(const struct fx_hasher *const *hs, size_t n,
			const struct fx_q_params *p, unsigned jobs,
			struct fx_q_report *out);

void fx_q_report_free(struct fx_q_report *r);

/* ---- the statistics, exported for the unit test ---- */

/* Pearson's X^2 of @m bucket counts holding @n keys, uniform expectation. */
double fx_q_chi2(const uint32_t *counts, unsigned m, uint64_t n);
/* Upper tail P(X >= x) of the chi-square distribution with @dof degrees. */
double fx_q_chi2_sf(double x, double dof);
/* Upper tail P(N >= k) of a Poisson variable of mean @lambda. */
double fx_q_poisson_sf(uint64_t k, double lambda);
/* Two-sided tail P(|Z| >= z) of the standard normal. */
double fx_q_normal_sf2(double z);
/* The z with fx_q_normal_sf2(z) == @p (0 < p <= 1). */
double fx_q_normal_isf2(double p);
/* Expected n - distinct of @n uniform draws from 2^@bits values. */
double fx_q_birthday(uint64_t n, unsigned bits);

#endif /* FX_QUALITY_H */
