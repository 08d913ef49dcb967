// SPDX-License-Identifier: MIT
/*
 * keygen.c - key sets that look like real programs (keygen.h,
 * docs/keygen.md).
 *
 * Address-space layout, as on x86-64 Linux with ASLR (aslr=1, the
 * default; each process draws its own bases):
 *
 *   mmap base   0x7f0000000000 - random 28-bit page count (up to 1 TiB
 *               lower); thread stacks go down from it, mmap'd arrays sit
 *               just below it.  aslr=0: 0x7ffff7800000.
 *   heap base   0x550000000000 + random 28-bit page count (the PIE brk
 *               area).  aslr=0: 0x555555559000.
 *   mm_struct   0xffff888100000000 + 0x400 * slot, slot = (p * 0x9e3779b1
 *               + r) mod 2^20: distinct slab-like addresses, spread by the
 *               seed (the core's own allocator steps by 0x400 too).
 *   i_seq       segment s has inode sequence number 1 + s.
 *
 * A private key is {mm, address & ~4095, address & 4095}; a shared
 * segment's key {i_seq, pgoff, (address & 4095) | FUT_OFF_INODE}.  These
 * are the keys get_futex_key() computes; cmd_collide checks them against
 * the core's for every entry of a run through the core.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keygen.h"

#define KG_MAXPARAMS 6

struct kg_param {
	const char *name;
	uint64_t def, min, max, mult;	/* mult: value % mult == 0 */
	const char *doc;
};

struct kg_state;
typedef int (*kg_gen_fn)(struct kg_state *st, const uint64_t *v);

struct kg_family {
	const char *name;
	const char *doc;
	kg_gen_fn gen;
	struct kg_param p[KG_MAXPARAMS];
};

struct kg_state {
	struct fx_keyset *ks;
	const struct fx_keygen_ctx *ctx;
	uint64_t rng;
	size_t kcap, mcap;
};

/* splitmix64 (Steele, Lea, Flood 2014; Vigna's reference constants) */
static uint64_t kg_next(struct kg_state *st)
{
	uint64_t z = (st->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned kg_ncpus(const struct kg_state *st)
{
	return st->ctx->ncpus ? st->ctx->ncpus : 1;
}

static int kg_node(const struct kg_state *st, unsigned cpu)
{
	unsigned nn = st->ctx->nnodes ? st->ctx->nnodes : 1;

	if (st->ctx->cpu_node)
		return st->ctx->cpu_node[cpu];
	return (int)((uint64_t)cpu * nn / kg_ncpus(st));
}

static int kg_map(struct kg_state *st, uint32_t proc, int seg,
		  uint64_t start, uint64_t len)
{
	struct fx_keyset *ks = st->ks;

	if (ks->nmaps == st->mcap) {
		size_t cap = st->mcap ? st->mcap * 2 : 64;
		struct fx_keygen_map *n = realloc(ks->maps, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ks->maps = n;
		st->mcap = cap;
	}
	len = (len + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	ks->maps[ks->nmaps++] = (struct fx_keygen_map){
		.proc = proc, .seg = seg, .start = start, .len = len };
	return 0;
}

/*
 * kg_key - add the entry of the futex at @uaddr used by @proc from @cpu;
 * @seg >= 0: the address lies in segment @seg mapped at @segbase.
 */
static int kg_key(struct kg_state *st, uint32_t proc, unsigned cpu,
		  uint64_t uaddr, int seg, uint64_t segbase, uint64_t key_id)
{
	struct fx_keyset *ks = st->ks;
	struct fx_keygen_key *k;

	/* below the first 64 KiB or beyond TASK_SIZE (or wrapped): the
	 * parameters do not fit in a user address space */
	if (uaddr < 0x10000 || uaddr >= FX_TASK_SIZE - 8)
		return -ERANGE;
	if (ks->nkeys == st->kcap) {
		size_t cap = st->kcap ? st->kcap * 2 : 1024;
		struct fx_keygen_key *n = realloc(ks->keys, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ks->keys = n;
		st->kcap = cap;
	}
	k = &ks->keys[ks->nkeys++];
	memset(k, 0, sizeof(*k));
	k->uaddr = uaddr;
	k->proc = proc;
	k->cpu = cpu;
	k->node = kg_node(st, cpu);
	k->seg = seg;
	k->key_id = (uint32_t)key_id;
	if (key_id >= ks->nkeyids)
		ks->nkeyids = key_id + 1;
	k->key.both.offset = (uint32_t)(uaddr & (FX_PAGE_SIZE - 1));
	k->key.both.node = (uint32_t)FX_NO_NODE;
	if (seg < 0) {
		k->key.private.mm = ks->mm_kptr[proc];
		k->key.private.address = uaddr & FX_PAGE_MASK;
	} else {
		k->key.both.offset |= FX_FUT_OFF_INODE;
		k->key.shared.i_seq = ks->seg_iseq[seg];
		k->key.shared.pgoff = (uaddr - segbase) / FX_PAGE_SIZE;
	}
	return 0;
}

static uint64_t kg_rand_pages(struct kg_state *st)
{
	return (kg_next(st) & ((1ull << 28) - 1)) << 12;
}

static uint64_t kg_mmap_base(struct kg_state *st, bool aslr)
{
	return aslr ? 0x7f0000000000ull - kg_rand_pages(st) :
		      0x7ffff7800000ull;
}

static uint64_t kg_heap_base(struct kg_state *st, bool aslr)
{
	return aslr ? 0x550000000000ull + kg_rand_pages(st) :
		      0x555555559000ull;
}

/* ---- the families ---- */

/* stack: threads, procs, gap, off, aslr */
static int kg_stack(struct kg_state *st, const uint64_t *v)
{
	uint64_t threads = v[0], procs = v[1], gap = v[2], off = v[3];
	int ret;

	for (uint32_t p = 0; p < procs; p++) {
		uint64_t top = kg_mmap_base(st, v[4]);

		for (uint64_t t = 0; t < threads; t++) {
			uint64_t page = top - t * gap - FX_PAGE_SIZE;
			unsigned cpu = (unsigned)((p * threads + t) %
						  kg_ncpus(st));

			ret = kg_map(st, p, -1, page, FX_PAGE_SIZE);
			if (!ret)
				ret = kg_key(st, p, cpu, page + off, -1, 0,
					     st->ks->nkeys);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* heap: n, stride, procs, aslr */
static int kg_heap(struct kg_state *st, const uint64_t *v)
{
	uint64_t n = v[0], stride = v[1], procs = v[2];
	int ret;

	for (uint32_t p = 0; p < procs; p++) {
		uint64_t base = kg_heap_base(st, v[3]);

		/* first chunk's user pointer: past the 16-byte header */
		ret = kg_map(st, p, -1, base, 16 + n * stride);
		for (uint64_t i = 0; !ret && i < n; i++)
			ret = kg_key(st, p, (unsigned)(kg_next(st) % kg_ncpus(st)),
				     base + 16 + i * stride, -1, 0,
				     st->ks->nkeys);
		if (ret)
			return ret;
	}
	return 0;
}

/* mmap: n, stride, procs, aslr */
static int kg_mmap(struct kg_state *st, const uint64_t *v)
{
	uint64_t n = v[0], stride = v[1], procs = v[2];
	int ret;

	for (uint32_t p = 0; p < procs; p++) {
		uint64_t len = (n * stride + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
		uint64_t base = kg_mmap_base(st, v[3]) - len;

		ret = kg_map(st, p, -1, base, len);
		for (uint64_t i = 0; !ret && i < n; i++)
			ret = kg_key(st, p, (unsigned)(kg_next(st) % kg_ncpus(st)),
				     base + i * stride, -1, 0,
				     st->ks->nkeys);
		if (ret)
			return ret;
	}
	return 0;
}

/* page: n, procs, off, aslr */
static int kg_page(struct kg_state *st, const uint64_t *v)
{
	uint64_t n = v[0], procs = v[1], off = v[2];
	int ret;

	for (uint32_t p = 0; p < procs; p++) {
		uint64_t len = n * FX_PAGE_SIZE;
		uint64_t base = kg_mmap_base(st, v[3]) - len;

		ret = kg_map(st, p, -1, base, len);
		for (uint64_t i = 0; !ret && i < n; i++)
			ret = kg_key(st, p, (unsigned)(kg_next(st) % kg_ncpus(st)),
				     base + i * FX_PAGE_SIZE + off, -1, 0,
				     st->ks->nkeys);
		if (ret)
			return ret;
	}
	return 0;
}

/* shm: procs, n, stride, segs, aslr */
static int kg_shm(struct kg_state *st, const uint64_t *v)
{
	uint64_t procs = v[0], n = v[1], stride = v[2], segs = v[3];
	uint64_t len = (n * stride + FX_PAGE_SIZE - 1) & FX_PAGE_MASK;
	int ret;

	for (uint32_t p = 0; p < procs; p++) {
		uint64_t base = kg_mmap_base(st, v[4]);
		unsigned cpu = (unsigned)(p % kg_ncpus(st));

		for (uint64_t s = 0; s < segs; s++) {
			uint64_t sb = base - (s + 1) * len;

			ret = kg_map(st, p, (int)s, sb, len);
			for (uint64_t i = 0; !ret && i < n; i++)
				ret = kg_key(st, p, cpu, sb + i * stride,
					     (int)s, sb, s * n + i);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* samevaddr: procs, n, stride */
static int kg_samevaddr(struct kg_state *st, const uint64_t *v)
{
	uint64_t procs = v[0], n = v[1], stride = v[2];
	const uint64_t base = 0x404000;	/* .bss of a non-PIE binary */
	int ret;

	for (uint32_t p = 0; p < procs; p++) {
		unsigned cpu = (unsigned)(p % kg_ncpus(st));

		ret = kg_map(st, p, -1, base, 0x40 + n * stride);
		for (uint64_t i = 0; !ret && i < n; i++)
			ret = kg_key(st, p, cpu, base + 0x40 + i * stride, -1,
				     0, st->ks->nkeys);
		if (ret)
			return ret;
	}
	return 0;
}

#define P_PROCS(d) { "procs", d, 1, FX_KEYGEN_MAX_PROCS, 1, "processes" }
#define P_ASLR { "aslr", 1, 0, 1, 1, "1: per-process random bases, 0: fixed" }
#define P_STRIDE(d) { "stride", d, 4, 1 << 20, 4, "bytes between futexes" }

static const struct kg_family kg_families[] = {
	{ "stack", "one futex per thread stack, stacks gap bytes apart (private keys)",
	  kg_stack, {
		{ "threads", 64, 1, 65536, 1, "threads per process" },
		P_PROCS(1),
		{ "gap", 8ull << 20, FX_PAGE_SIZE, 1ull << 30, FX_PAGE_SIZE,
		  "bytes between stack tops" },
		{ "off", 0x2d0, 0, FX_PAGE_SIZE - 4, 4,
		  "futex offset in the top page of the stack" },
		P_ASLR } },
	{ "heap", "n malloc'd objects stride bytes apart, 16-byte chunk header (private keys)",
	  kg_heap, {
		{ "n", 1024, 1, 1 << 24, 1, "objects per process" },
		P_STRIDE(48), P_PROCS(1), P_ASLR } },
	{ "mmap", "an mmap'd array of n futexes stride bytes apart (private keys)",
	  kg_mmap, {
		{ "n", 4096, 1, 1 << 24, 1, "futexes per process" },
		P_STRIDE(4), P_PROCS(1), P_ASLR } },
	{ "page", "n futexes one page apart, at offset off (private keys)",
	  kg_page, {
		{ "n", 1000, 1, 1 << 22, 1, "futexes (pages) per process" },
		P_PROCS(1),
		{ "off", 0, 0, FX_PAGE_SIZE - 4, 4, "offset in the page" },
		P_ASLR } },
	{ "shm", "segs shared segments of n futexes, every process uses every futex (inode keys)",
	  kg_shm, {
		P_PROCS(16),
		{ "n", 64, 1, 1 << 20, 1, "futexes per segment" },
		P_STRIDE(4),
		{ "segs", 1, 1, 4096, 1, "shared segments" },
		P_ASLR } },
	{ "samevaddr", "every process has n futexes at the same addresses (keys differ by mm only)",
	  kg_samevaddr, {
		P_PROCS(64),
		{ "n", 16, 1, 1 << 20, 1, "futexes per process" },
		P_STRIDE(4) } },
};

#define KG_NFAMILIES (sizeof(kg_families) / sizeof(kg_families[0]))

static const char *kg_family_names(void)
{
	static char buf[128];

	if (!buf[0])
		for (size_t f = 0; f < KG_NFAMILIES; f++) {
			if (f)
				strcat(buf, ", ");
			strcat(buf, kg_families[f].name);
		}
	return buf;
}

static void kg_param_list(const struct kg_family *fam, char *out, size_t len)
{
	size_t off = 0;

	out[0] = 0;
	for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++) {
		int n = snprintf(out + off, len - off, "%s%s", i ? ", " : "",
				 fam->p[i].name);

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

const char *fx_keygen_help(void)
{
	static char buf[4096];
	size_t off = 0;

	if (buf[0])
		return buf;
	for (size_t f = 0; f < KG_NFAMILIES; f++) {
		const struct kg_family *fam = &kg_families[f];

		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"  %-10s %s\n", fam->name, fam->doc);
		for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
				"    %-8s %s (default %llu, %llu..%llu%s)\n",
				fam->p[i].name, fam->p[i].doc,
				(unsigned long long)fam->p[i].def,
				(unsigned long long)fam->p[i].min,
				(unsigned long long)fam->p[i].max,
				fam->p[i].mult == 4 ? ", multiple of 4" :
				fam->p[i].mult == FX_PAGE_SIZE ?
				", multiple of 4096" : "");
	}
	return buf;
}

/* kg_value - a number with an optional K/M/G (binary) suffix */
static bool kg_value(const char *s, size_t len, uint64_t *out)
{
	char buf[32], *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!len || len >= sizeof(buf) || *s == '-' || *s == '+')
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return false;
	if (*end == 'K' || *end == 'k')
		mul = 1ull << 10, end++;
	else if (*end == 'M')
		mul = 1ull << 20, end++;
	else if (*end == 'G')
		mul = 1ull << 30, end++;
	if (*end || (v && mul > UINT64_MAX / v))
		return false;
	*out = v * mul;
	return true;
}

int fx_keygen(const char *spec, const struct fx_keygen_ctx *ctx,
	      struct fx_keyset *ks, char *err, size_t errlen)
{
	const struct kg_family *fam = NULL;
	uint64_t val[KG_MAXPARAMS] = { 0 }, entries = 1;
	const char *colon = strchr(spec, ':'), *p;
	size_t flen = colon ? (size_t)(colon - spec) : strlen(spec);
	struct kg_state st = { .ks = ks, .ctx = ctx };
	char names[128];
	size_t off;
	int ret;

	memset(ks, 0, sizeof(*ks));
	for (size_t f = 0; f < KG_NFAMILIES; f++)
		if (strlen(kg_families[f].name) == flen &&
		    !strncmp(kg_families[f].name, spec, flen))
			fam = &kg_families[f];
	if (!fam) {
		snprintf(err, errlen, "key spec '%s': unknown family '%.*s'; valid families: %s (FAMILY:param=value,...)",
			 spec, (int)flen, spec, kg_family_names());
		return -EINVAL;
	}
	kg_param_list(fam, names, sizeof(names));
	for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++)
		val[i] = fam->p[i].def;
	for (p = colon ? colon + 1 : NULL; p && *p;) {
		const char *eq = strchr(p, '='), *comma = strchr(p, ',');
		size_t nlen, vlen;
		int idx = -1;

		if (!comma)
			comma = p + strlen(p);
		if (!eq || eq > comma) {
			snprintf(err, errlen, "key spec '%s': '%.*s' is not param=value; %s takes: %s",
				 spec, (int)(comma - p), p, fam->name, names);
			return -EINVAL;
		}
		nlen = (size_t)(eq - p);
		vlen = (size_t)(comma - eq - 1);
		for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++)
			if (strlen(fam->p[i].name) == nlen &&
			    !strncmp(fam->p[i].name, p, nlen))
				idx = i;
		if (idx < 0) {
			snprintf(err, errlen, "key spec '%s': family %s has no parameter '%.*s'; valid: %s",
				 spec, fam->name, (int)nlen, p, names);
			return -EINVAL;
		}
		{
			const struct kg_param *kp = &fam->p[idx];
			uint64_t v;

			if (!kg_value(eq + 1, vlen, &v) || v < kp->min ||
			    v > kp->max || v % kp->mult) {
				snprintf(err, errlen, "key spec '%s': %s=%.*s: expected %llu..%llu%s",
					 spec, kp->name, (int)vlen, eq + 1,
					 (unsigned long long)kp->min,
					 (unsigned long long)kp->max,
					 kp->mult == 4 ? ", a multiple of 4" :
					 kp->mult > 1 ? ", a multiple of 4096" : "");
				return -EINVAL;
			}
			val[idx] = v;
		}
		p = *comma ? comma + 1 : comma;
	}

	/* entries = product of the count parameters, checked before
	 * anything is allocated */
	for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++) {
		const char *n = fam->p[i].name;

		if (!strcmp(n, "threads") || !strcmp(n, "procs") ||
		    !strcmp(n, "n") || !strcmp(n, "segs")) {
			entries *= val[i];
			if (entries > FX_KEYGEN_MAX_KEYS) {
				snprintf(err, errlen, "key spec '%s': more than %u entries",
					 spec, FX_KEYGEN_MAX_KEYS);
				return -E2BIG;
			}
		}
	}

	off = (size_t)snprintf(ks->spec, sizeof(ks->spec), "%s:", fam->name);
	for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++) {
		int n = snprintf(ks->spec + off, sizeof(ks->spec) - off, "%s%s=%llu",
				 i ? "," : "", fam->p[i].name,
				 (unsigned long long)val[i]);

		if (n > 0 && (size_t)n < sizeof(ks->spec) - off)
			off += (size_t)n;
	}
	ks->family = fam->name;

	/* one stream per run: the seed, then the family's name */
	st.rng = ctx->seed;
	for (const char *c = fam->name; *c; c++)
		st.rng = st.rng * 31 + (unsigned char)*c;

	ks->nprocs = 1;
	ks->nsegs = 0;
	for (int i = 0; i < KG_MAXPARAMS && fam->p[i].name; i++) {
		if (!strcmp(fam->p[i].name, "procs"))
			ks->nprocs = (unsigned)val[i];
		if (!strcmp(fam->p[i].name, "segs"))
			ks->nsegs = (unsigned)val[i];
	}
	ks->mm_kptr = calloc(ks->nprocs, sizeof(*ks->mm_kptr));
	ks->seg_iseq = calloc(ks->nsegs ? ks->nsegs : 1, sizeof(*ks->seg_iseq));
	if (!ks->mm_kptr || !ks->seg_iseq) {
		ret = -ENOMEM;
		goto fail;
	}
	{
		uint64_t r = kg_next(&st);

		for (unsigned i = 0; i < ks->nprocs; i++)
			ks->mm_kptr[i] = 0xffff888100000000ull + 0x400ull *
				(((uint64_t)i * 0x9e3779b1u + r) & 0xfffff);
		for (unsigned s = 0; s < ks->nsegs; s++)
			ks->seg_iseq[s] = 1 + s;
	}
	ret = fam->gen(&st, val);
	if (ret)
		goto fail;
	return 0;
fail:
	if (ret == -ERANGE)
		snprintf(err, errlen, "key spec '%s': the futexes do not fit in a user address space; reduce n, stride, gap or segs",
			 spec);
	else
		snprintf(err, errlen, "key spec '%s': %s", spec, strerror(-ret));
	if (ret == -ERANGE)
		ret = -EINVAL;
	fx_keyset_free(ks);
	return ret;
}

void fx_keyset_free(struct fx_keyset *ks)
{
	free(ks->keys);
	free(ks->maps);
	free(ks->mm_kptr);
	free(ks->seg_iseq);
	memset(ks, 0, sizeof(*ks));
}
