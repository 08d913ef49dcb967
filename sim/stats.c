// SPDX-License-Identifier: MIT
/*
 * stats.c - the collision metrics (definitions in stats.h and
 * docs/metrics.md).
 *
 * Balls into bins: n keys hashed by an ideal random function into m
 * buckets give each bucket a Binomial(n, 1/m) load.  Hence the expected
 * number of non-empty buckets m (1 - (1 - 1/m)^n) and the expected load
 * histogram m * Bin(n, 1/m)(j) (Feller, "An Introduction to Probability
 * Theory", vol. 1, ch. IV and IX; Mitzenmacher and Upfal, "Probability and
 * Computing", ch. 5, which also treats the maximum load and the Poisson
 * approximation used for it here).  Every expectation is accumulated per
 * table, so stats of several tables (or runs) add up.
 */
#include <math.h>
#include <string.h>

#include "stats.h"

/* ---- quantile histogram ---- */

static unsigned qh_bin(uint64_t v)
{
	unsigned e;

	if (v < FX_QH_EXACT)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	return FX_QH_EXACT + (e - 10u) * (1u << FX_QH_SUBBITS) +
	       (unsigned)((v >> (e - FX_QH_SUBBITS)) &
			  ((1u << FX_QH_SUBBITS) - 1));
}

/* qh_upper - the largest value that falls into bin @b */
static uint64_t qh_upper(unsigned b)
{
	unsigned e, sub;

	if (b < FX_QH_EXACT)
		return b;
	b -= FX_QH_EXACT;
	e = 10u + (b >> FX_QH_SUBBITS);
	sub = b & ((1u << FX_QH_SUBBITS) - 1);
	if (e == 63 && sub == (1u << FX_QH_SUBBITS) - 1)
		return UINT64_MAX;
	return ((((uint64_t)1 << FX_QH_SUBBITS) + sub + 1) <<
		(e - FX_QH_SUBBITS)) - 1;
}

void fx_qhist_bin_range(unsigned b, uint64_t *lo, uint64_t *hi)
{
	*lo = b ? qh_upper(b - 1) + 1 : 0;
	*hi = qh_upper(b);
}

void fx_qhist_init(struct fx_qhist *h)
{
	memset(h, 0, sizeof(*h));
}

void fx_qhist_add(struct fx_qhist *h, uint64_t v)
{
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
	h->bin[qh_bin(v)]++;
}

void fx_qhist_merge(struct fx_qhist *dst, const struct fx_qhist *src)
{
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
	for (unsigned b = 0; b < FX_QH_BINS; b++)
		dst->bin[b] += src->bin[b];
}

double fx_qhist_mean(const struct fx_qhist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

uint64_t fx_qhist_quantile(const struct fx_qhist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (q <= 0)
		q = 0;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (unsigned b = 0; b < FX_QH_BINS; b++) {
		seen += h->bin[b];
		if (seen >= rank) {
			uint64_t u = qh_upper(b);

			return u < h->max ? u : h->max;
		}
	}
	return h->max;
}

/* ---- per-operation metrics ---- */

void fx_opstats_init(struct fx_opstats *s)
{
	memset(s, 0, sizeof(*s));
}

void fx_opstats_add(struct fx_opstats *s, const struct fx_op_fact *f)
{
	s->ops++;
	fx_qhist_add(&s->walked, f->walked);
	s->foreign += f->foreign;
	if (!f->nbuckets)
		return;
	s->locked++;
	s->collided += f->collided;
	s->xproc += f->xproc;
	s->accesses += f->nbuckets;
	s->remote += f->remote;
}

void fx_opstats_merge(struct fx_opstats *dst, const struct fx_opstats *src)
{
	dst->ops += src->ops;
	dst->locked += src->locked;
	dst->collided += src->collided;
	dst->xproc += src->xproc;
	dst->foreign += src->foreign;
	dst->accesses += src->accesses;
	dst->remote += src->remote;
	fx_qhist_merge(&dst->walked, &src->walked);
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

void fx_opstats_metrics(const struct fx_opstats *s, struct fx_opmetrics *m)
{
	m->collision_rate = ratio(s->collided, s->locked);
	m->xproc_rate = ratio(s->xproc, s->locked);
	m->walked_mean = fx_qhist_mean(&s->walked);
	m->walked_p99 = fx_qhist_quantile(&s->walked, 0.99);
	m->walked_max = s->walked.max;
	m->foreign_mean = s->ops ? (double)s->foreign / (double)s->ops : 0.0;
	m->remote_share = ratio(s->remote, s->accesses);
}

/* ---- balls into bins ---- */

double fx_binom_pmf(uint64_t n, double p, uint64_t k)
{
	double dn = (double)n, dk = (double)k;

	if (k > n)
		return 0.0;
	if (p <= 0)
		return k == 0 ? 1.0 : 0.0;
	if (p >= 1)
		return k == n ? 1.0 : 0.0;
	return exp(lgamma(dn + 1) - lgamma(dk + 1) - lgamma(dn - dk + 1) +
		   dk * log(p) + (dn - dk) * log1p(-p));
}

void fx_loadstats_init(struct fx_loadstats *s)
{
	memset(s, 0, sizeof(*s));
}

void fx_loadstats_table(struct fx_loadstats *s, uint64_t m, uint64_t n)
{
	double p, lp, lratio, cdf = 0.0, dm;
	uint64_t k;

	if (!m)
		return;
	dm = (double)m;
	s->keys += n;
	s->buckets += m;
	p = 1.0 / dm;
	s->exp_nonempty += m == 1 ? (n ? 1.0 : 0.0) :
			   dm * -expm1((double)n * log1p(-p));
	/*
	 * Walk the pmf upwards in log space: ln pmf(k+1) = ln pmf(k) +
	 * ln((n-k)/(k+1)) + ln(p/(1-p)); the start (1-p)^n may underflow
	 * as a double but not as a logarithm.
	 */
	lp = m == 1 ? (n ? -INFINITY : 0.0) : (double)n * log1p(-p);
	lratio = m == 1 ? 0.0 : log(p) - log1p(-p);
	for (k = 0; k < FX_LOAD_KMAX; k++) {
		double pmf;

		if (m == 1)
			pmf = k == n ? 1.0 : 0.0;
		else
			pmf = k <= n ? exp(lp) : 0.0;
		cdf += pmf;
		if (cdf > 1.0 || k >= n)
			cdf = 1.0;
		if (k < FX_LOAD_HMAX)
			s->exp_hist[k] += dm * pmf;
		if (k == FX_LOAD_HMAX - 1)
			s->exp_hist[FX_LOAD_HMAX] += dm * (1.0 - cdf);
		s->log_cdf[k] += cdf > 0 ? dm * log(cdf) : -INFINITY;
		if (m != 1 && k < n)
			lp += log((double)(n - k) / (double)(k + 1)) + lratio;
	}
}

void fx_loadstats_bucket(struct fx_loadstats *s, uint64_t load,
			 bool multi_proc)
{
	if (!load)
		return;
	s->nonempty++;
	if (load > s->maxload)
		s->maxload = load;
	s->hist[load < FX_LOAD_HMAX ? load : FX_LOAD_HMAX]++;
	if (load >= 2 && multi_proc) {
		s->xproc_buckets++;
		s->xproc_keys += load;
	}
}

void fx_loadstats_access(struct fx_loadstats *s, bool remote)
{
	s->accesses++;
	s->remote += remote;
}

void fx_loadstats_merge(struct fx_loadstats *dst,
			const struct fx_loadstats *src)
{
	dst->keys += src->keys;
	dst->buckets += src->buckets;
	dst->nonempty += src->nonempty;
	if (src->maxload > dst->maxload)
		dst->maxload = src->maxload;
	dst->xproc_buckets += src->xproc_buckets;
	dst->xproc_keys += src->xproc_keys;
	dst->accesses += src->accesses;
	dst->remote += src->remote;
	dst->exp_nonempty += src->exp_nonempty;
	for (unsigned j = 0; j <= FX_LOAD_HMAX; j++) {
		dst->hist[j] += src->hist[j];
		dst->exp_hist[j] += src->exp_hist[j];
	}
	for (unsigned k = 0; k < FX_LOAD_KMAX; k++)
		dst->log_cdf[k] += src->log_cdf[k];
}

/*
 * Regularised upper incomplete gamma Q(a, x): the series for x < a + 1,
 * else Lentz's continued fraction (Press et al., "Numerical Recipes",
 * 3rd ed., section 6.2).
 */
static double gamma_q(double a, double x)
{
	double gln = lgamma(a);

	if (x <= 0)
		return 1.0;
	if (x < a + 1) {
		double ap = a, sum = 1.0 / a, del = sum;

		for (int i = 0; i < 1000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-15)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - gln);
	} else {
		double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;

		for (int i = 1; i < 1000; i++) {
			double an = -i * (i - a), del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < 1e-300)
				d = 1e-300;
			c = b + an / c;
			if (fabs(c) < 1e-300)
				c = 1e-300;
			d = 1 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-15)
				break;
		}
		return exp(-x + a * log(x) - gln) * h;
	}
}

double fx_chi2_sf(double x, unsigned df)
{
	if (!df)
		return 1.0;
	return gamma_q(df / 2.0, x / 2.0);
}

void fx_loadstats_metrics(const struct fx_loadstats *s,
			  struct fx_loadmetrics *m)
{
	double obs[FX_LOAD_HMAX + 1], exp_[FX_LOAD_HMAX + 1];
	double ao = 0, ae = 0, emax = 0;
	unsigned nb = 0;
	int j;

	memset(m, 0, sizeof(*m));
	m->keys_per_bucket = ratio(s->keys, s->nonempty);
	m->exp_keys_per_bucket = s->exp_nonempty > 0 ?
				 (double)s->keys / s->exp_nonempty : NAN;
	m->xproc_share = ratio(s->xproc_buckets, s->nonempty);
	m->remote_share = ratio(s->remote, s->accesses);

	/* Pool from the top so that every bin expects >= 5 buckets. */
	for (j = FX_LOAD_HMAX; j >= 0; j--) {
		double o = j ? (double)s->hist[j] :
			   (double)(s->buckets - s->nonempty);

		ao += o;
		ae += s->exp_hist[j];
		if (ae >= 5.0) {
			obs[nb] = ao;
			exp_[nb] = ae;
			nb++;
			ao = ae = 0;
		}
	}
	if ((ao > 0 || ae > 0) && nb) {
		obs[nb - 1] += ao;
		exp_[nb - 1] += ae;
	}
	if (nb >= 2) {
		for (unsigned b = 0; b < nb; b++)
			m->chi2 += (obs[b] - exp_[b]) * (obs[b] - exp_[b]) /
				   exp_[b];
		m->chi2_df = nb - 1;
		m->chi2_p = fx_chi2_sf(m->chi2, m->chi2_df);
	} else {
		m->chi2_p = 1.0;
	}

	if (!s->buckets || s->log_cdf[FX_LOAD_KMAX - 1] < -1e-9) {
		/* no tables, or loads beyond the CDF we keep */
		m->exp_maxload = NAN;
	} else {
		for (unsigned k = 0; k < FX_LOAD_KMAX; k++)
			emax += 1.0 - exp(s->log_cdf[k]);
		m->exp_maxload = emax;
	}
	m->maxload_ratio = m->exp_maxload > 0 ?
			   (double)s->maxload / m->exp_maxload : NAN;
}
