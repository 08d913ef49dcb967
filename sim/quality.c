// SPDX-License-Identifier: MIT
/*
 * quality.c - the hash-quality battery of quality.h, on futex keys.
 *
 * Keys are built as the kernel builds them (union fx_key of futex_int.h)
 * and handed to the hasher as the layouts hand them over:
 *
 *   global form   4 words: ptr lo, ptr hi, word lo, word hi; initval =
 *                 offset incl. FUT_OFF_* (jhash2's initval in futex_hash)
 *   private form  2 words: address lo, hi; initval = offset (the
 *                 process-private hash of 6.16+, private keys only)
 *
 * A bucket is hash & (m - 1), m a power of two, as in the layouts.  Bucket
 * counts are taken once at the largest size and folded in half for each
 * smaller size (the low bits of an index at m are its index at m / 2).
 *
 * Statistics.  Every test splits into cells (one table size of one key
 * family, one input/output bit pair, ...).  Under an ideal random hash a
 * cell's statistic has a known law: binomial for the bias and seed
 * counts, chi-square with m - 1 degrees for bucket counts (Pearson; for
 * equal cell probabilities its variance is 2(m - 1)(1 - 1/n), whatever the
 * load, so even 4 keys per bucket is fine), Poisson of the birthday mean
 * for full-width collisions.  A test fails when its worst cell's p-value
 * is below FX_Q_ALPHA / K, K its number of cells: an ideal hash then fails
 * a given test with probability about FX_Q_ALPHA.  Chi-square tests are
 * one-sided: a spread more even than random (an identity on consecutive
 * keys) is no harm to a futex table; only clustering is.  The two bias
 * tests also apply SMHasher's 1% limit, so at large --samples they are
 * held to SMHasher's standard and at small ones to their noise floor.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "futex_int.h"
#include "quality.h"

/* ---- key families ---- */

#define Q_KEY_SEED	0x6a09e667f3bcc908ull	/* key sampler; fixed */
#define Q_MM0		0xffff888100000000ull	/* first mm, as task.c */
#define Q_MM_STRIDE	0x400ull		/* next mm, as task.c */
#define Q_HEAP		0x0000555555560000ull	/* brk heap of a PIE */
#define Q_MMAP		0x00007f0000000000ull	/* mmap area */
#define Q_STACK_TOP	0x00007fff00000000ull	/* first thread stack */
#define Q_STACK_STEP	(8ull << 20)		/* glibc default stack */
#define Q_STACK_OFF	0x2c8ull		/* futex below the top */
#define Q_SAME_VA	0x0000555555558040ull	/* one global, many mms */
#define Q_SHM_BASE	0x00007f1234000000ull	/* MAP_SHARED anon */
#define Q_ISEQ		0x1a2bull		/* one shm inode */
#define Q_STRIDE_BASE	0x10000ull

#define Q_DIST_KEYS	FX_Q_DIST_KEYS
#define Q_DIST_MAXM	FX_Q_DIST_MAXM
#define Q_STRIDE_KEYS	FX_Q_STRIDE_KEYS
#define Q_STRIDE_MAXM	FX_Q_STRIDE_MAXM
#define Q_MINM		FX_Q_MINM
#define Q_SPARSE_BITS	3		/* at most this many bits set */

enum q_form { Q_GLOBAL, Q_PRIVATE };

struct q_key {
	uint32_t w[4];
	unsigned nw;
	uint32_t iv;
};

static const char *const q_form_name[] = { "global", "private" };

/* The words the layouts hash (nodetables.c, private.c). */
static void q_key_from(struct q_key *k, const union fx_key *key,
		       enum q_form form)
{
	if (form == Q_GLOBAL) {
		k->w[0] = (uint32_t)key->both.ptr;
		k->w[1] = (uint32_t)(key->both.ptr >> 32);
		k->w[2] = (uint32_t)key->both.word;
		k->w[3] = (uint32_t)(key->both.word >> 32);
		k->nw = 4;
	} else {
		k->w[0] = (uint32_t)key->private.address;
		k->w[1] = (uint32_t)(key->private.address >> 32);
		k->w[2] = k->w[3] = 0;
		k->nw = 2;
	}
	k->iv = key->both.offset;
}

/* A private (kind 0) or mm-shared (FX_FUT_OFF_MMSHARED) key of @uaddr. */
static void q_key_mm(struct q_key *k, enum q_form form, uint64_t mm,
		     uint64_t uaddr, uint32_t kind)
{
	union fx_key key;

	memset(&key, 0, sizeof(key));
	key.private.mm = mm;
	key.private.address = uaddr & FX_PAGE_MASK;
	key.both.offset = (uint32_t)(uaddr & ~FX_PAGE_MASK) | kind;
	q_key_from(k, &key, form);
}

/* A shared file/shmem key: (i_seq, pgoff, offset | FUT_OFF_INODE). */
static void q_key_inode(struct q_key *k, uint64_t i_seq, uint64_t pgoff,
			uint32_t off)
{
	union fx_key key;

	memset(&key, 0, sizeof(key));
	key.shared.i_seq = i_seq;
	key.shared.pgoff = pgoff;
	key.both.offset = off | FX_FUT_OFF_INODE;
	q_key_from(k, &key, Q_GLOBAL);
}

/* splitmix64: the key sampler (not a hasher under test). */
static uint64_t q_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A 4-byte-aligned user address: brk heap (first GiB) or mmap area. */
static uint64_t q_rand_uaddr(uint64_t *s)
{
	uint64_t r = q_rng(s);

	if (r & 1)
		return Q_HEAP + ((r >> 1) & ((1ull << 30) - 1) & ~3ull);
	return Q_MMAP + ((r >> 1) & ((1ull << 40) - 1) & ~3ull);
}

/* An mm_struct pointer in the direct map, 0xffff8881xxxxxx00. */
static uint64_t q_rand_mm(uint64_t *s)
{
	return Q_MM0 | (q_rng(s) & 0xffffffull) << 8;
}

enum q_kind { Q_K_PRIVATE, Q_K_INODE, Q_K_MMSHARED };
static const char *const q_kind_name[] = { "private", "inode", "mmshared" };

/* A random realistic key of @kind (the private form takes private only). */
static void q_rand_key(struct q_key *k, enum q_form form, enum q_kind kind,
		       uint64_t *s)
{
	switch (kind) {
	case Q_K_PRIVATE:
		q_key_mm(k, form, q_rand_mm(s), q_rand_uaddr(s), 0);
		break;
	case Q_K_INODE:
		q_key_inode(k, 1 + (q_rng(s) & 0xffffff), q_rng(s) & 0xfffff,
			    (uint32_t)(q_rng(s) & 0xffc));
		break;
	case Q_K_MMSHARED:
		q_key_mm(k, form, q_rand_mm(s), q_rand_uaddr(s),
			 FX_FUT_OFF_MMSHARED);
		break;
	}
}

/* Flip input bit @j: the words' bits first, then the initval's. */
static void q_key_flip(struct q_key *k, unsigned j)
{
	if (j < 32 * k->nw)
		k->w[j / 32] ^= 1u << (j % 32);
	else
		k->iv ^= 1u << (j - 32 * k->nw);
}

/* The structured families of the dist test. */
enum q_gen { Q_G_PAGE, Q_G_STRIDE, Q_G_STACK, Q_G_MM, Q_G_SHM, Q_G_MMSHARED };

struct q_family {
	const char *name;
	enum q_form form;
	enum q_gen gen;
	uint64_t arg;
};

static const struct q_family q_families[] = {
	{ "global/page",	Q_GLOBAL,  Q_G_PAGE,	 0 },
	{ "global/stride4",	Q_GLOBAL,  Q_G_STRIDE,	 4 },
	{ "global/stride8",	Q_GLOBAL,  Q_G_STRIDE,	 8 },
	{ "global/stride64",	Q_GLOBAL,  Q_G_STRIDE,	 64 },
	{ "global/stack8M",	Q_GLOBAL,  Q_G_STACK,	 0 },
	{ "global/mm",		Q_GLOBAL,  Q_G_MM,	 0 },
	{ "global/shm",		Q_GLOBAL,  Q_G_SHM,	 0 },
	{ "global/mmshared",	Q_GLOBAL,  Q_G_MMSHARED, 0 },
	{ "private/page",	Q_PRIVATE, Q_G_PAGE,	 0 },
	{ "private/stride4",	Q_PRIVATE, Q_G_STRIDE,	 4 },
	{ "private/stride8",	Q_PRIVATE, Q_G_STRIDE,	 8 },
	{ "private/stride64",	Q_PRIVATE, Q_G_STRIDE,	 64 },
	{ "private/stack8M",	Q_PRIVATE, Q_G_STACK,	 0 },
};
#define Q_NFAMILIES (sizeof(q_families) / sizeof(q_families[0]))

static void q_family_key(struct q_key *k, const struct q_family *f,
			 uint64_t i)
{
	switch (f->gen) {
	case Q_G_PAGE:
		q_key_mm(k, f->form, Q_MM0, Q_HEAP + i * FX_PAGE_SIZE, 0);
		break;
	case Q_G_STRIDE:
		q_key_mm(k, f->form, Q_MM0, Q_HEAP + i * f->arg, 0);
		break;
	case Q_G_STACK:
		q_key_mm(k, f->form, Q_MM0,
			 Q_STACK_TOP - i * Q_STACK_STEP - Q_STACK_OFF, 0);
		break;
	case Q_G_MM:
		q_key_mm(k, f->form, Q_MM0 + i * Q_MM_STRIDE, Q_SAME_VA, 0);
		break;
	case Q_G_SHM:
		q_key_inode(k, Q_ISEQ, i, 0);
		break;
	case Q_G_MMSHARED:
		q_key_mm(k, f->form, Q_MM0, Q_SHM_BASE + i * FX_PAGE_SIZE,
			 FX_FUT_OFF_MMSHARED);
		break;
	}
}

/* The stride test: every power of two from 4 B to 1 GiB, and odd ones. */
static const uint64_t q_odd_strides[] = { 12, 24, 40, 4160, 12288 };
#define Q_NPOW_STRIDES	29	/* 4 << 0 .. 4 << 28 */
#define Q_NSTRIDES	(Q_NPOW_STRIDES + \
			 sizeof(q_odd_strides) / sizeof(q_odd_strides[0]))

static uint64_t q_stride(unsigned i)
{
	return i < Q_NPOW_STRIDES ? 4ull << i : q_odd_strides[i - Q_NPOW_STRIDES];
}

/* ---- statistics ---- */

/* ln Gamma(x), x > 0: Lanczos (g = 7, 9 terms), ~1e-15 relative. */
static double q_lngamma(double x)
{
	static const double c[9] = {
		0.99999999999980993, 676.5203681218851, -1259.1392167224028,
		771.32342877765313, -176.61502916214059, 12.507343278686905,
		-0.13857109526572012, 9.9843695780195716e-6,
		1.5056327351493116e-7
	};
	double a, t;

	if (x < 0.5)	/* reflection */
		return log(M_PI / fabs(sin(M_PI * x))) - q_lngamma(1 - x);
	x -= 1;
	a = c[0];
	t = x + 7.5;
	for (int i = 1; i < 9; i++)
		a += c[i] / (x + i);
	return 0.5 * log(2 * M_PI) + (x + 0.5) * log(t) - t + log(a);
}

/* Regularised lower incomplete gamma P(a, x) by its series (x < a + 1). */
static double q_gamma_p_series(double a, double x)
{
	double ap = a, del = 1 / a, sum = del;

	for (int n = 0; n < 10000000; n++) {
		ap += 1;
		del *= x / ap;
		sum += del;
		if (fabs(del) < fabs(sum) * 1e-16)
			break;
	}
	return sum * exp(-x + a * log(x) - q_lngamma(a));
}

/* Regularised upper incomplete gamma Q(a, x) by Lentz's continued
 * fraction (x >= a + 1). */
static double q_gamma_q_cf(double a, double x)
{
	const double tiny = DBL_MIN / DBL_EPSILON;
	double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;

	for (int i = 1; i < 10000000; i++) {
		double an = -i * (i - a), del;

		b += 2;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return exp(-x + a * log(x) - q_lngamma(a)) * h;
}

static double q_gamma_q(double a, double x)
{
	if (x <= 0)
		return 1;
	if (x < a + 1)
		return 1 - q_gamma_p_series(a, x);
	return q_gamma_q_cf(a, x);
}

static double q_gamma_p(double a, double x)
{
	if (x <= 0)
		return 0;
	if (x < a + 1)
		return q_gamma_p_series(a, x);
	return 1 - q_gamma_q_cf(a, x);
}

double fx_q_chi2(const uint32_t *counts, unsigned m, uint64_t n)
{
	double e = (double)n / m, x = 0;

	if (!n)
		return 0;
	for (unsigned i = 0; i < m; i++) {
		double d = counts[i] - e;

		x += d * d;
	}
	return x / e;
}

double fx_q_chi2_sf(double x, double dof)
{
	return q_gamma_q(dof / 2, x / 2);
}

double fx_q_poisson_sf(uint64_t k, double lambda)
{
	if (k == 0)
		return 1;
	if (lambda <= 0)
		return 0;
	return q_gamma_p((double)k, lambda);
}

double fx_q_normal_sf2(double z)
{
	return erfc(fabs(z) / M_SQRT2);
}

double fx_q_normal_isf2(double p)
{
	double lo = 0, hi = 40;

	if (p >= 1)
		return 0;
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (fx_q_normal_sf2(mid) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

double fx_q_birthday(uint64_t n, unsigned bits)
{
	double nn = (double)n, N = ldexp(1.0, (int)bits);

	if (n < 2)
		return 0;
	if (nn < 1e-6 * N)	/* C(n,2)/N - C(n,3)/N^2: no cancellation */
		return nn * (nn - 1) / 2 / N * (1 - (nn - 2) / (3 * N));
	return nn + N * expm1(nn * log1p(-1 / N));
}

/*
 * Two-sided exact binomial p-value of @k successes in @n trials of
 * probability @p: twice the tail on @k's side of the mean, summed from @k
 * outwards in units of pmf(k), so that no term underflows before the end.
 */
static double q_binom_sf2(uint64_t k, uint64_t n, double p)
{
	double lpk, sum = 1, t = 1, r;

	if (p <= 0)
		return k == 0 ? 1 : 0;
	lpk = q_lngamma((double)n + 1) - q_lngamma((double)k + 1) -
	      q_lngamma((double)(n - k) + 1) + k * log(p) +
	      (double)(n - k) * log1p(-p);
	if ((double)k < n * p) {
		for (uint64_t i = k; i > 0; i--) {	/* pmf(i-1)/pmf(i) */
			t *= (double)i / (double)(n - i + 1) * (1 - p) / p;
			sum += t;
			if (t < sum * 1e-17)
				break;
		}
	} else {
		for (uint64_t i = k; i < n; i++) {	/* pmf(i+1)/pmf(i) */
			t *= (double)(n - i) / (double)(i + 1) * p / (1 - p);
			sum += t;
			if (t < sum * 1e-17 && (double)i > n * p)
				break;
		}
	}
	r = 2 * exp(lpk + log(sum));
	return r > 1 ? 1 : r;
}

/* ---- the run ---- */

struct q_ctx {
	const struct fx_hasher *h;
	uint64_t seed;
	unsigned samples;
	uint64_t omask;			/* the out_bits significant bits */
	unsigned obits;
	uint32_t *counts;		/* Q_DIST_MAXM bucket counts */
	struct fx_q_report *r;
	size_t cap;
};

/* The worst cell seen so far: smallest p, then largest z. */
struct q_worst {
	double p, z, stat;
	unsigned size;
	char name[40];
};

static void q_worst_init(struct q_worst *w)
{
	w->p = 2;
	w->z = -INFINITY;
	w->stat = 0;
	w->size = 0;
	w->name[0] = '\0';
}

static void q_worst_note(struct q_worst *w, const char *name, unsigned size,
			 double stat, double z, double p)
{
	if (p < w->p || (p == w->p && z > w->z)) {
		w->p = p;
		w->z = z;
		w->stat = stat;
		w->size = size;
		snprintf(w->name, sizeof(w->name), "%s", name);
	}
}

static int q_case_add(struct q_ctx *c, enum fx_q_test t,
		      const struct q_worst *w)
{
	struct fx_q_report *r = c->r;
	struct fx_q_case *cs;

	if (r->ncases == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct fx_q_case *n = realloc(r->cases, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->cases = n;
		c->cap = cap;
	}
	cs = &r->cases[r->ncases++];
	memset(cs, 0, sizeof(*cs));
	cs->test = t;
	snprintf(cs->name, sizeof(cs->name), "%s", w->name);
	cs->size = w->size;
	cs->stat = w->stat;
	cs->z = w->z;
	cs->p = w->p;
	return 0;
}

static inline uint64_t q_hash(const struct q_ctx *c, const struct q_key *k,
			      uint64_t seed)
{
	return c->h->hash_key(k->w, k->nw, k->iv, seed) & c->omask;
}

/* Set a p-value test's outcome from its worst cell. */
static void q_verdict_p(struct fx_q_outcome *o, const struct q_worst *w,
			unsigned cells)
{
	o->cells = cells;
	o->value = w->p;
	o->z = w->z;
	o->limit = FX_Q_ALPHA / cells;
	o->verdict = w->p < o->limit ? FX_Q_FAIL : FX_Q_PASS;
	if (w->size)
		snprintf(o->worst, sizeof(o->worst), "%s m=%u", w->name,
			 w->size);
	else
		snprintf(o->worst, sizeof(o->worst), "%s", w->name);
}

/* Set a bias test's outcome: bias limit max(1%, the noise bound). */
static void q_verdict_bias(struct fx_q_outcome *o, double bias, unsigned n,
			   unsigned cells)
{
	double noise = fx_q_normal_isf2(FX_Q_ALPHA / cells) / sqrt(n);

	o->cells = cells;
	o->value = bias;
	o->z = bias * sqrt(n);
	o->limit = noise > FX_Q_BIAS_LIMIT ? noise : FX_Q_BIAS_LIMIT;
	o->verdict = bias < o->limit ? FX_Q_PASS : FX_Q_FAIL;
}

/*
 * Bit counters: acc[b] holds eight byte-wide counters, lane L counting
 * output bit 8L + b, so one value costs 8 additions instead of 64; they
 * are flushed to 32-bit counters before a byte can overflow.
 */
#define Q_LANES 0x0101010101010101ull

static inline void q_acc_add(uint64_t *acc, uint64_t v)
{
	for (unsigned b = 0; b < 8; b++)
		acc[b] += (v >> b) & Q_LANES;
}

static void q_acc_flush(uint64_t *acc, uint32_t *cnt)
{
	for (unsigned b = 0; b < 8; b++) {
		for (unsigned l = 0; l < 8; l++)
			cnt[8 * l + b] += (uint32_t)(acc[b] >> (8 * l)) & 0xff;
		acc[b] = 0;
	}
}

/* (a) avalanche */
static int q_avalanche(struct q_ctx *c)
{
	struct fx_q_outcome *o = &c->r->t[FX_Q_AVALANCHE];
	unsigned nin_max = 32 * 4 + 32, cells = 0, n = c->samples;
	uint64_t *acc = calloc((size_t)nin_max * 8, sizeof(*acc));
	uint32_t *cnt = calloc((size_t)nin_max * 64, sizeof(*cnt));
	double worst = -1;
	int err = -ENOMEM;

	if (!acc || !cnt)
		goto out;
	for (enum q_form f = Q_GLOBAL; f <= Q_PRIVATE; f++) {
		uint64_t s = Q_KEY_SEED ^ (0x100 + f);
		unsigned nin = (f == Q_GLOBAL ? 4 : 2) * 32 + 32;
		struct q_worst w;
		double fw = -1;

		memset(cnt, 0, (size_t)nin_max * 64 * sizeof(*cnt));
		for (unsigned i = 0; i < n; i++) {
			struct q_key k;
			uint64_t h0;

			q_rand_key(&k, f, f == Q_GLOBAL ? (enum q_kind)(i % 3) :
				   Q_K_PRIVATE, &s);
			h0 = q_hash(c, &k, c->seed);
			for (unsigned j = 0; j < nin; j++) {
				uint64_t h1;

				q_key_flip(&k, j);
				h1 = q_hash(c, &k, c->seed);
				q_key_flip(&k, j);
				q_acc_add(acc + 8 * j, h0 ^ h1);
			}
			if (i % 255 == 254 || i == n - 1)
				for (unsigned j = 0; j < nin; j++)
					q_acc_flush(acc + 8 * j, cnt + 64 * j);
		}
		q_worst_init(&w);
		for (unsigned j = 0; j < nin; j++) {
			for (unsigned ob = 0; ob < c->obits; ob++) {
				double b = fabs(2.0 * cnt[64 * j + ob] / n - 1);
				char name[40];

				if (b <= fw)
					continue;
				fw = b;
				if (j < 32 * (nin / 32 - 1))
					snprintf(name, sizeof(name), "%s w%u.%u->%u",
						 q_form_name[f], j / 32, j % 32, ob);
				else
					snprintf(name, sizeof(name), "%s iv.%u->%u",
						 q_form_name[f], j % 32, ob);
				q_worst_init(&w);
				q_worst_note(&w, name, 0, b, b * sqrt(n),
					     fx_q_normal_sf2(b * sqrt(n)));
			}
		}
		cells += nin * c->obits;
		if (fw > worst) {
			worst = fw;
			snprintf(o->worst, sizeof(o->worst), "%s", w.name);
		}
		err = q_case_add(c, FX_Q_AVALANCHE, &w);
		if (err)
			goto out;
	}
	q_verdict_bias(o, worst, n, cells);
	err = 0;
out:
	free(acc);
	free(cnt);
	return err;
}

/* (b) per-output-bit bias over random keys */
static int q_bitbias(struct q_ctx *c)
{
	static const struct { enum q_form f; enum q_kind k; } fam[] = {
		{ Q_GLOBAL, Q_K_PRIVATE }, { Q_GLOBAL, Q_K_INODE },
		{ Q_GLOBAL, Q_K_MMSHARED }, { Q_PRIVATE, Q_K_PRIVATE },
	};
	struct fx_q_outcome *o = &c->r->t[FX_Q_BITBIAS];
	unsigned n = FX_Q_BITBIAS_KEYS(c->samples), nf = sizeof(fam) / sizeof(fam[0]);
	double worst = -1;
	char wname[64] = "";

	for (unsigned fi = 0; fi < nf; fi++) {
		uint64_t s = Q_KEY_SEED ^ (0x200 + fi), acc[8] = { 0 };
		uint32_t cnt[64] = { 0 };
		struct q_worst w;
		char name[40];
		double fw = -1;
		int err;

		for (unsigned i = 0; i < n; i++) {
			struct q_key k;

			q_rand_key(&k, fam[fi].f, fam[fi].k, &s);
			q_acc_add(acc, q_hash(c, &k, c->seed));
			if (i % 255 == 254 || i == n - 1)
				q_acc_flush(acc, cnt);
		}
		q_worst_init(&w);
		for (unsigned ob = 0; ob < c->obits; ob++) {
			double b = fabs(2.0 * cnt[ob] / n - 1);

			if (b <= fw)
				continue;
			fw = b;
			snprintf(name, sizeof(name), "%s/%s out %u",
				 q_form_name[fam[fi].f], q_kind_name[fam[fi].k], ob);
			q_worst_init(&w);
			q_worst_note(&w, name, 0, b, b * sqrt(n),
				     fx_q_normal_sf2(b * sqrt(n)));
		}
		if (fw > worst) {
			worst = fw;
			snprintf(wname, sizeof(wname), "%s", w.name);
		}
		err = q_case_add(c, FX_Q_BITBIAS, &w);
		if (err)
			return err;
	}
	q_verdict_bias(o, worst, n, nf * c->obits);
	snprintf(o->worst, sizeof(o->worst), "%s", wname);
	return 0;
}

/*
 * Chi-square of c->counts (@n keys at @maxm buckets) at every table size
 * from @maxm down to Q_MINM, folding the counts in place.  Notes each
 * cell in @tw (the test) and returns the family's worst in @fw.
 */
static unsigned q_chi_sizes(struct q_ctx *c, const char *name, uint64_t n,
			    unsigned maxm, struct q_worst *tw,
			    struct q_worst *fw)
{
	unsigned cells = 0;

	q_worst_init(fw);
	for (unsigned m = maxm; m >= Q_MINM; m /= 2) {
		double x = fx_q_chi2(c->counts, m, n), dof = m - 1;
		double z = (x - dof) / sqrt(2 * dof);
		double p = fx_q_chi2_sf(x, dof);

		q_worst_note(fw, name, m, x, z, p);
		q_worst_note(tw, name, m, x, z, p);
		cells++;
		for (unsigned i = 0; i < m / 2; i++)
			c->counts[i] += c->counts[i + m / 2];
	}
	return cells;
}

/* (c) bucket distribution of the structured families */
static int q_dist(struct q_ctx *c)
{
	struct q_worst tw;
	unsigned cells = 0;

	q_worst_init(&tw);
	for (size_t fi = 0; fi < Q_NFAMILIES; fi++) {
		const struct q_family *f = &q_families[fi];
		struct q_worst fw;
		int err;

		memset(c->counts, 0, Q_DIST_MAXM * sizeof(*c->counts));
		for (uint64_t i = 0; i < Q_DIST_KEYS; i++) {
			struct q_key k;

			q_family_key(&k, f, i);
			c->counts[q_hash(c, &k, c->seed) & (Q_DIST_MAXM - 1)]++;
		}
		cells += q_chi_sizes(c, f->name, Q_DIST_KEYS, Q_DIST_MAXM,
				     &tw, &fw);
		err = q_case_add(c, FX_Q_DIST, &fw);
		if (err)
			return err;
	}
	q_verdict_p(&c->r->t[FX_Q_DIST], &tw, cells);
	return 0;
}

/* LSD radix sort of @n values of @bits bits, 16 bits a pass. */
static int q_radix_sort(uint64_t *v, size_t n, unsigned bits)
{
	uint64_t *tmp = malloc(n * sizeof(*tmp));
	size_t *cnt = malloc(65536 * sizeof(*cnt));
	int err = -ENOMEM;

	if (!tmp || !cnt)
		goto out;
	for (unsigned sh = 0; sh < bits; sh += 16) {
		size_t sum = 0;

		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(v[i] >> sh) & 0xffff]++;
		for (size_t d = 0; d < 65536; d++) {
			size_t t = cnt[d];

			cnt[d] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(v[i] >> sh) & 0xffff]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
	}
	err = 0;
out:
	free(tmp);
	free(cnt);
	return err;
}

/* (d) sparse keys: at most Q_SPARSE_BITS bits set in words + initval */
static int q_sparse(struct q_ctx *c)
{
	struct q_worst tw;
	unsigned cells = 0;
	int err = 0;

	q_worst_init(&tw);
	for (enum q_form f = Q_GLOBAL; f <= Q_PRIVATE; f++) {
		unsigned nw = f == Q_GLOBAL ? 4 : 2, nin = 32 * nw + 32;
		size_t n = 1 + nin + (size_t)nin * (nin - 1) / 2 +
			   (size_t)nin * (nin - 1) * (nin - 2) / 6, ni = 0;
		uint64_t *vals = malloc(n * sizeof(*vals)), coll = 0;
		struct q_worst fw;
		struct q_key z0 = { .nw = nw };
		char name[40];
		double lambda, zc;

		if (!vals)
			return -ENOMEM;
		memset(c->counts, 0, Q_DIST_MAXM * sizeof(*c->counts));
		/*
		 * Every subset of at most 3 of the nin input bits, as a < b < d
		 * drawn from 0..nin, where the value nin stands for "no bit":
		 * (a, b, d) = (nin, -, -) is the empty key, (a, nin, -) one bit,
		 * (a, b, nin) two bits.
		 */
		for (unsigned a = 0; a <= nin; a++) {
			for (unsigned b = a < nin ? a + 1 : nin; b <= nin; b++) {
				unsigned d = b < nin ? b + 1 : nin;

				for (; d <= nin; d++) {
					struct q_key k = z0;

					if (a < nin)
						q_key_flip(&k, a);
					if (b < nin)
						q_key_flip(&k, b);
					if (d < nin)
						q_key_flip(&k, d);
					vals[ni] = q_hash(c, &k, c->seed);
					c->counts[vals[ni] & (Q_DIST_MAXM - 1)]++;
					ni++;
				}
			}
		}
		snprintf(name, sizeof(name), "%s/sparse", q_form_name[f]);
		cells += q_chi_sizes(c, name, ni, Q_DIST_MAXM, &tw, &fw);
		err = q_case_add(c, FX_Q_SPARSE, &fw);
		if (!err)
			err = q_radix_sort(vals, ni, c->obits);
		if (err) {
			free(vals);
			return err;
		}
		for (size_t i = 1; i < ni; i++)
			coll += vals[i] == vals[i - 1];
		free(vals);
		if (ni != n)
			return -EINVAL;	/* enumeration bug; never */
		lambda = fx_q_birthday(ni, c->obits);
		zc = (coll - lambda) / sqrt(lambda > 0 ? lambda : DBL_MIN);
		snprintf(name, sizeof(name), "%s/sparse collisions",
			 q_form_name[f]);
		q_worst_init(&fw);
		q_worst_note(&fw, name, 0, (double)coll, zc,
			     fx_q_poisson_sf(coll, lambda));
		q_worst_note(&tw, name, 0, (double)coll, zc,
			     fx_q_poisson_sf(coll, lambda));
		cells++;
		err = q_case_add(c, FX_Q_SPARSE, &fw);
		if (err)
			return err;
	}
	q_verdict_p(&c->r->t[FX_Q_SPARSE], &tw, cells);
	return 0;
}

/* (e) address runs at many strides */
static int q_strides(struct q_ctx *c)
{
	struct q_worst tw;
	unsigned cells = 0;

	q_worst_init(&tw);
	for (enum q_form f = Q_GLOBAL; f <= Q_PRIVATE; f++) {
		for (unsigned si = 0; si < Q_NSTRIDES; si++) {
			uint64_t stride = q_stride(si);
			struct q_worst fw;
			char name[40];
			int err;

			memset(c->counts, 0, Q_STRIDE_MAXM * sizeof(*c->counts));
			for (uint64_t i = 0; i < Q_STRIDE_KEYS; i++) {
				struct q_key k;

				q_key_mm(&k, f, Q_MM0, Q_STRIDE_BASE + i * stride, 0);
				c->counts[q_hash(c, &k, c->seed) &
					  (Q_STRIDE_MAXM - 1)]++;
			}
			snprintf(name, sizeof(name), "%s/stride %llu",
				 q_form_name[f], (unsigned long long)stride);
			cells += q_chi_sizes(c, name, Q_STRIDE_KEYS,
					     Q_STRIDE_MAXM, &tw, &fw);
			err = q_case_add(c, FX_Q_STRIDE, &fw);
			if (err)
				return err;
		}
	}
	q_verdict_p(&c->r->t[FX_Q_STRIDE], &tw, cells);
	return 0;
}

/*
 * (f) seed sensitivity.  A hasher is "n/a" when no seed bit ever changes
 * its value (it ignores the seed), or when flipping seed bit k (k < 32)
 * always gives the value of flipping initval bit k (the seed is folded
 * into the initval, as jhash2 and the lane foldings do): for those a
 * seed is one more key bit, which avalanche already measures.
 */
#define Q_SEED_PROBE 256u

static int q_seed(struct q_ctx *c)
{
	struct fx_q_outcome *o = &c->r->t[FX_Q_SEED];
	unsigned n = FX_Q_SEED_KEYS(c->samples), cells = 0;
	struct q_key *keys = malloc(n * sizeof(*keys));
	uint64_t *h0 = malloc(n * sizeof(*h0));
	bool ignores = true, folded = true;
	struct q_worst tw;
	double maxdev = 0;
	int err = -ENOMEM;

	if (!keys || !h0)
		goto out;
	q_worst_init(&tw);
	for (enum q_form f = Q_GLOBAL; f <= Q_PRIVATE; f++) {
		uint64_t s = Q_KEY_SEED ^ (0x300 + f);

		for (unsigned i = 0; i < n; i++) {
			q_rand_key(&keys[i], f, f == Q_GLOBAL ?
				   (enum q_kind)(i % 3) : Q_K_PRIVATE, &s);
			h0[i] = q_hash(c, &keys[i], c->seed);
		}
		for (unsigned i = 0; i < n && i < Q_SEED_PROBE; i++) {
			for (unsigned k = 0; k < 64; k++) {
				uint64_t h1 = q_hash(c, &keys[i],
						     c->seed ^ (1ull << k));
				struct q_key k2 = keys[i];

				if (h1 != h0[i])
					ignores = false;
				if (k < 32) {
					k2.iv ^= 1u << k;
					if (h1 != q_hash(c, &k2, c->seed))
						folded = false;
				}
			}
		}
	}
	if (ignores || folded) {
		o->verdict = FX_Q_NA;
		o->cells = 0;
		snprintf(o->worst, sizeof(o->worst), "%s",
			 ignores ? "ignores the seed" : "seed folded into initval");
		err = 0;
		goto out;
	}
	for (enum q_form f = Q_GLOBAL; f <= Q_PRIVATE; f++) {
		uint64_t s = Q_KEY_SEED ^ (0x300 + f);
		struct q_worst fw;

		q_worst_init(&fw);
		for (unsigned i = 0; i < n; i++) {
			q_rand_key(&keys[i], f, f == Q_GLOBAL ?
				   (enum q_kind)(i % 3) : Q_K_PRIVATE, &s);
			h0[i] = q_hash(c, &keys[i], c->seed);
		}
		for (unsigned k = 0; k < 64; k++) {
			unsigned tz[17] = { 0 };	/* low bits unchanged */
			char name[40];

			for (unsigned i = 0; i < n; i++) {
				uint64_t x = (h0[i] ^ q_hash(c, &keys[i],
					      c->seed ^ (1ull << k))) & 0xffff;
				tz[x ? __builtin_ctzll(x) : 16]++;
			}
			snprintf(name, sizeof(name), "%s seed bit %u",
				 q_form_name[f], k);
			for (unsigned b = 16; b >= 4; b--) {
				uint64_t same = 0;
				double q = ldexp(1.0, -(int)b), dev, z;

				for (unsigned t = b; t <= 16; t++)
					same += tz[t];
				dev = fabs((double)same / n - q);
				z = ((double)same - n * q) / sqrt(n * q * (1 - q));
				if (dev > maxdev)
					maxdev = dev;
				q_worst_note(&fw, name, 1u << b, 1 - (double)same / n,
					     z, q_binom_sf2(same, n, q));
				q_worst_note(&tw, name, 1u << b, 1 - (double)same / n,
					     z, q_binom_sf2(same, n, q));
				cells++;
			}
		}
		err = q_case_add(c, FX_Q_SEED, &fw);
		if (err)
			goto out;
	}
	q_verdict_p(o, &tw, cells);
	o->dev = maxdev;
	err = 0;
out:
	free(keys);
	free(h0);
	return err;
}

static const char *const q_test_names[FX_Q_NTESTS] = {
	"avalanche", "bitbias", "dist", "sparse", "stride", "seed"
};

const char *fx_q_test_name(enum fx_q_test t)
{
	return (unsigned)t < FX_Q_NTESTS ? q_test_names[t] : "?";
}

void fx_q_report_free(struct fx_q_report *r)
{
	free(r->cases);
	r->cases = NULL;
	r->ncases = 0;
}

int fx_quality_run(const struct fx_hasher *h, const struct fx_q_params *p,
		   struct fx_q_report *out)
{
	static int (*const run[FX_Q_NTESTS])(struct q_ctx *) = {
		q_avalanche, q_bitbias, q_dist, q_sparse, q_strides, q_seed
	};
	unsigned tests = p->tests ? p->tests : (1u << FX_Q_NTESTS) - 1;
	struct q_ctx c;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!h || !h->hash_key || !h->out_bits || h->out_bits > 64 ||
	    p->samples < FX_Q_MIN_SAMPLES || p->samples > FX_Q_MAX_SAMPLES)
		return -EINVAL;
	out->hasher = h;
	out->params = *p;
	memset(&c, 0, sizeof(c));
	c.h = h;
	c.seed = p->seed;
	c.samples = p->samples;
	c.obits = h->out_bits;
	c.omask = h->out_bits == 64 ? ~0ull : (1ull << h->out_bits) - 1;
	c.r = out;
	c.counts = malloc(Q_DIST_MAXM * sizeof(*c.counts));
	if (!c.counts)
		return -ENOMEM;
	for (int t = 0; t < FX_Q_NTESTS && !err; t++) {
		if (tests & (1u << t))
			err = run[t](&c);
		else
			out->t[t].verdict = FX_Q_NA;
	}
	free(c.counts);
	if (err)
		fx_q_report_free(out);
	return err;
}

/* ---- many hashers on a few threads ---- */

struct q_pool {
	const struct fx_hasher *const *hs;
	size_t n, next;
	const struct fx_q_params *p;
	struct fx_q_report *out;
	int err;
	pthread_mutex_t lock;
};

static void *q_worker(void *arg)
{
	struct q_pool *pool = arg;

	for (;;) {
		size_t i;
		int err;

		pthread_mutex_lock(&pool->lock);
		i = pool->next++;
		pthread_mutex_unlock(&pool->lock);
		if (i >= pool->n)
			return NULL;
		err = fx_quality_run(pool->hs[i], pool->p, &pool->out[i]);
		if (err) {
			pthread_mutex_lock(&pool->lock);
			if (!pool->err)
				pool->err = err;
			pthread_mutex_unlock(&pool->lock);
		}
	}
}

int fx_quality_run_many(const struct fx_hasher *const *hs, size_t n,
			const struct fx_q_params *p, unsigned jobs,
			struct fx_q_report *out)
{
	struct q_pool pool = { .hs = hs, .n = n, .p = p, .out = out };
	pthread_t tid[64];
	unsigned started = 0;

	memset(out, 0, n * sizeof(*out));
	if (jobs < 1)
		jobs = 1;
	if (jobs > 64)
		jobs = 64;
	if (jobs > n)
		jobs = (unsigned)n;
	if (pthread_mutex_init(&pool.lock, NULL))
		return -ENOMEM;
	for (unsigned j = 1; j < jobs; j++) {
		if (pthread_create(&tid[started], NULL, q_worker, &pool))
			break;	/* fewer threads; the work still gets done */
		started++;
	}
	q_worker(&pool);
	for (unsigned j = 0; j < started; j++)
		pthread_join(tid[j], NULL);
	pthread_mutex_destroy(&pool.lock);
	if (pool.err)
		for (size_t i = 0; i < n; i++)
			fx_q_report_free(&out[i]);
	return pool.err;
}
