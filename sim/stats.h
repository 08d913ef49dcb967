/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the collision metrics of futexsim, defined once.
 *
 * Every tool that reports a collision, chain, occupancy or NUMA metric
 * (futexsim collide, the DES, the bench comparison) fills these structs
 * and derives the reported numbers with the functions below; docs/metrics.md
 * gives the same definitions in words and formulas.  All accumulators are
 * plain counters (and sums of logarithms), so two runs' stats merge by
 * addition: fx_*_merge().
 *
 *   op collision rate   collided / locked
 *                       locked:   operations that took at least one bucket
 *                                 lock (a wake of an empty bucket takes none)
 *                       collided: of those, the ones where a locked bucket's
 *                                 chain held, when the lock was taken, at
 *                                 least one waiter of a different key
 *   cross-process rate  xproc / locked: as collided, but the different-key
 *                       waiter also belongs to a different process
 *   chain walked        entries visited under bucket locks per operation
 *                       (fx_result.walked): mean, p99, max over all ops
 *   remote share        remote / accesses: bucket accesses from a CPU whose
 *                       node is not the bucket's home node
 *   occupancy           distinct live keys per non-empty bucket, against an
 *                       ideal random hash of the same tables (balls into
 *                       bins): expected non-empty buckets, keys per
 *                       non-empty bucket, chi-square of the bucket-load
 *                       histogram, max-load ratio
 */
#ifndef FX_STATS_H
#define FX_STATS_H

#include <stdbool.h>
#include <stdint.h>

/* ---- quantiles of non-negative integers (chain lengths) ---- */

#define FX_QH_EXACT	1024u		/* values below are counted exactly */
#define FX_QH_SUBBITS	7u		/* above: 2^7 sub-bins per power of 2 */
#define FX_QH_BINS	(FX_QH_EXACT + (64u - 10u) * (1u << FX_QH_SUBBITS))

/*
 * struct fx_qhist - a log-linear histogram: exact below FX_QH_EXACT, and
 * above it bins of relative width 2^-FX_QH_SUBBITS (< 0.8%).  count, sum
 * and max are exact.  Mergeable by adding the bins.
 */
struct fx_qhist {
	uint64_t count;			/* values added */
	uint64_t sum;			/* their sum (exact mean) */
	uint64_t max;			/* the largest */
	uint64_t bin[FX_QH_BINS];
};

void fx_qhist_init(struct fx_qhist *h);
void fx_qhist_add(struct fx_qhist *h, uint64_t v);
void fx_qhist_merge(struct fx_qhist *dst, const struct fx_qhist *src);
/* fx_qhist_bin_range - the values [*lo, *hi] that fall into bin @b */
void fx_qhist_bin_range(unsigned b, uint64_t *lo, uint64_t *hi);
/* fx_qhist_mean - sum / count, 0 when empty */
double fx_qhist_mean(const struct fx_qhist *h);
/**
 * fx_qhist_quantile - the @q-quantile (0 < q <= 1)
 * @h: the histogram
 * @q: e.g. 0.99
 *
 * The smallest value v such that at least ceil(q * count) values are <= v
 * (the "nearest rank" definition).  Exact when v < FX_QH_EXACT; above it
 * the upper edge of v's bin, capped at max: never below the true quantile
 * and at most 2^-FX_QH_SUBBITS above it, relatively.
 *
 * Return: the quantile, 0 for an empty histogram.
 */
uint64_t fx_qhist_quantile(const struct fx_qhist *h, double q);

/* ---- per-operation metrics ---- */

/* What one bucket-locked operation met: filled by the driver from the core
 * (fx_result) or from the fast path, with the same definitions. */
struct fx_op_fact {
	unsigned nbuckets;	/* buckets locked: 0, 1 or 2 */
	unsigned walked;	/* chain entries visited (fx_result.walked) */
	unsigned foreign;	/* of those, other keys' (fx_result.foreign) */
	bool collided;		/* a locked chain held another key's waiter */
	bool xproc;		/* ... of another key AND another process */
	unsigned remote;	/* locked buckets homed off the caller's node */
};

struct fx_opstats {
	uint64_t ops;		/* operations issued */
	uint64_t locked;	/* of those, bucket-locked (nbuckets > 0) */
	uint64_t collided;	/* locked ops with a collision */
	uint64_t xproc;		/* locked ops with a cross-process collision */
	uint64_t foreign;	/* foreign entries walked, summed */
	uint64_t accesses;	/* bucket accesses (sum of nbuckets) */
	uint64_t remote;	/* of those, from a CPU off the home node */
	struct fx_qhist walked;	/* entries walked, one value per op */
};

void fx_opstats_init(struct fx_opstats *s);
/* fx_opstats_add - account one operation (locked or not) */
void fx_opstats_add(struct fx_opstats *s, const struct fx_op_fact *f);
void fx_opstats_merge(struct fx_opstats *dst, const struct fx_opstats *src);

/* The derived per-op numbers; rates are NaN when their denominator is 0. */
struct fx_opmetrics {
	double collision_rate;	/* collided / locked */
	double xproc_rate;	/* xproc / locked */
	double walked_mean;	/* walked per op, all ops */
	uint64_t walked_p99;
	uint64_t walked_max;
	double foreign_mean;	/* foreign entries walked per op */
	double remote_share;	/* remote / accesses */
};
void fx_opstats_metrics(const struct fx_opstats *s, struct fx_opmetrics *m);

/* ---- occupancy of a key set against balls into bins ---- */

#define FX_LOAD_HMAX	64u	/* loads >= this share the last bin */
#define FX_LOAD_KMAX	4096u	/* max-load CDF kept for loads 0..KMAX-1 */

/*
 * struct fx_loadstats - the bucket loads of one key set (all keys live at
 * once) and, table by table, what an ideal random hash would give.
 *
 * A "table" is one bucket array of the layout (one per node, one per
 * process-private hash...).  The ideal hash is given the same number of
 * keys in each table as observed (n_t keys into m_t buckets), and every
 * expectation is summed over the tables.  Only tables that received at
 * least one key are accounted (fx_loadstats_table()).
 */
struct fx_loadstats {
	uint64_t keys;			/* n = sum n_t: distinct live keys */
	uint64_t buckets;		/* m = sum m_t */
	uint64_t nonempty;		/* observed non-empty buckets */
	uint64_t maxload;		/* observed max keys in one bucket */
	uint64_t xproc_buckets;		/* buckets with >= 2 keys and >= 2
					   processes among their users */
	uint64_t xproc_keys;		/* keys in those buckets */
	uint64_t accesses, remote;	/* one access per (key, user) */
	uint64_t hist[FX_LOAD_HMAX + 1];	/* buckets with load j */
	double exp_nonempty;		/* sum m_t (1 - (1 - 1/m_t)^n_t) */
	double exp_hist[FX_LOAD_HMAX + 1];	/* sum m_t Bin(n_t,1/m_t)(j) */
	double log_cdf[FX_LOAD_KMAX];	/* sum m_t ln P(Bin(n_t,1/m_t) <= k) */
};

void fx_loadstats_init(struct fx_loadstats *s);
/**
 * fx_loadstats_table - account the ideal expectation of one table
 * @s: stats
 * @m: buckets in the table (>= 1)
 * @n: distinct keys that landed in it
 */
void fx_loadstats_table(struct fx_loadstats *s, uint64_t m, uint64_t n);
/**
 * fx_loadstats_bucket - account one observed non-empty bucket
 * @s: stats
 * @load: distinct keys in it (>= 1)
 * @multi_proc: its keys' users include at least two processes
 *
 * Empty buckets are not added: they are buckets - nonempty.
 */
void fx_loadstats_bucket(struct fx_loadstats *s, uint64_t load,
			 bool multi_proc);
/* fx_loadstats_access - one (key, user) access; @remote: off-node */
void fx_loadstats_access(struct fx_loadstats *s, bool remote);
void fx_loadstats_merge(struct fx_loadstats *dst,
			const struct fx_loadstats *src);

struct fx_loadmetrics {
	double keys_per_bucket;		/* n / nonempty */
	double exp_keys_per_bucket;	/* n / exp_nonempty */
	double chi2;			/* over the pooled load histogram */
	unsigned chi2_df;		/* pooled bins - 1 */
	double chi2_p;			/* P(X^2_df >= chi2) */
	double exp_maxload;		/* E[max load], see fx_loadstats_metrics */
	double maxload_ratio;		/* maxload / exp_maxload */
	double xproc_share;		/* xproc_buckets / nonempty */
	double remote_share;		/* remote / accesses */
};

/**
 * fx_loadstats_metrics - derive the occupancy numbers
 * @s: stats
 * @m: out
 *
 * chi2: Pearson's statistic sum (O_j - E_j)^2 / E_j over the load
 * histogram j = 0, 1, 2, ... (empty buckets included), after pooling
 * adjacent bins from the top down until every pooled bin expects >= 5
 * buckets; df = bins - 1; p from the regularised upper incomplete gamma.
 * With fewer than 2 pooled bins chi2 = 0, df = 0, p = 1.
 *
 * exp_maxload: E[max] = sum_{k>=0} (1 - P(max <= k)) with
 * P(max <= k) ~= prod_t P(Bin(n_t, 1/m_t) <= k)^m_t: the bucket loads
 * taken as independent binomials (Poissonisation; it ignores that the
 * loads sum to n, which matters only for tiny tables: 1.897 instead of
 * the exact 2.125 for n = m = 4, see docs/metrics.md).
 */
void fx_loadstats_metrics(const struct fx_loadstats *s,
			  struct fx_loadmetrics *m);

/* ---- helpers, exported for tests ---- */

/* fx_binom_pmf - P(Bin(n, p) = k), computed in log space */
double fx_binom_pmf(uint64_t n, double p, uint64_t k);
/* fx_chi2_sf - P(X^2 with df degrees of freedom >= x) */
double fx_chi2_sf(double x, unsigned df);

#endif /* FX_STATS_H */
