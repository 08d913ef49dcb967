// SPDX-License-Identifier: MIT
/*
 * test_layouts.c - the bucket-layout plug-ins of sim/layouts/ that model
 * other systems (liteos, perfutex), the worked example of
 * docs/extending.md (modtable, defined below and registered only here),
 * and the describe() contract every layout must meet.
 *
 * The FNV-1a-32 used to check LiteOS's index is written here again from
 * its description (LOS_HashFNV32aBuf: basis 0x811c9dc5, prime 0x01000193,
 * one byte at a time), independently of sim/hashers/liteos.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "futex_int.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"

/* ---- BEGIN modtable.c (docs/extending.md shows this text verbatim) ---- */
/*
 * modtable.c - the worked example of docs/extending.md: one table of a
 * prime number P of buckets, bucket = hash % P.
 *
 * P is cfg.layout_opt when it is set (it must then be a prime), else 251.
 * The hasher sees the kernel's global key words (fx_key_words_global: ptr
 * lo/hi, word lo/hi; initval = the key offset).  The table lives on node
 * 0, a bucket is one cache line, there is no refcount, and the table is
 * never resized.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "layouts/layout.h"
#include "hashers/hasher.h"

#define MODTABLE_DEFAULT_P 251

struct modtable {
	struct fx_hb *tab;		/* tab[0..p) */
	unsigned p;			/* number of buckets, a prime */
};

static bool modtable_is_prime(unsigned long n)
{
	if (n < 2)
		return false;
	for (unsigned long d = 2; d * d <= n; d++)
		if (n % d == 0)
			return false;
	return true;
}

static int modtable_init(struct fx_core *core, void **state)
{
	int opt = core->cfg.layout_opt;
	unsigned long p = opt ? (unsigned long)opt : MODTABLE_DEFAULT_P;
	struct modtable *m;

	if (opt < 0 || !modtable_is_prime(p))
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->p = (unsigned)p;
	m->tab = fx_hb_array_new(m->p, 0, 0);	/* table 0, node 0 */
	if (!m->tab) {
		free(m);
		return -ENOMEM;
	}
	*state = m;
	return 0;
}

static void modtable_fini(struct fx_core *core, void *state)
{
	struct modtable *m = state;

	free(m->tab);
	free(m);
}

static struct fx_hb *modtable_bucket(struct fx_core *core, void *state,
				     const union fx_key *key, struct fx_mm *mm,
				     struct fx_hash_info *info)
{
	struct modtable *m = state;

	fx_key_words_global(key, info);
	info->hash = core->hasher->hash_key(info->words, info->nwords,
					    info->initval, core->cfg.seed);
	info->bucket = (unsigned)(info->hash % m->p);
	info->table = 0;
	info->table_size = m->p;
	info->node = 0;
	return &m->tab[info->bucket];
}

static void modtable_visit(struct fx_core *core, void *state,
			   struct fx_mm *mm, fx_hb_visit_fn fn, void *arg)
{
	struct modtable *m = state;

	if (mm)			/* no per-process buckets */
		return;
	for (unsigned i = 0; i < m->p; i++)
		fn(&m->tab[i], arg);
}

static void modtable_describe(struct fx_core *core, void *state, FILE *out,
			      bool verbose)
{
	struct modtable *m = state;

	fprintf(out, "modtable: one table of %u buckets, bucket = hash %% %u\n",
		m->p, m->p);
	if (!verbose)
		return;
	fprintf(out, "  tables:     1 x %u buckets (a prime; layout_opt sets it)\n",
		m->p);
	fprintf(out, "  home node:  node 0\n");
	fprintf(out, "  bucket:     1 cache line (lock, waiters, chain)\n");
	fprintf(out, "  refcount:   none\n");
	fprintf(out, "  resize:     never\n");
}

const struct fx_layout_ops fx_layout_modtable = {
	.name = "modtable",
	.summary = "one table of a prime number of buckets, hash % P",
	.init = modtable_init,
	.fini = modtable_fini,
	.bucket = modtable_bucket,
	.for_each_bucket = modtable_visit,
	.describe = modtable_describe,
};
/* ---- END modtable.c ---- */

#define BASE	0x10000000ull	/* private anonymous memory */
#define SHM	0x20000000ull	/* MAP_SHARED|MAP_ANON (inode keys) */
#define FILEMAP	0x30000000ull	/* a file mapping (inode keys) */

static struct fx_core *mkcore(const struct fx_layout_ops *layout,
			      const struct fx_hasher *hasher, int opt)
{
	struct fx_core_config cfg = {
		.layout = layout, .hasher = hasher, .ncpus = 4, .nnodes = 2,
		.layout_opt = opt,
	};
	struct fx_core *c = fx_core_new(&cfg);

	assert_non_null(c);
	return c;
}

static void map_rw(struct fx_task *t, uint64_t addr, uint64_t len, int flags,
		   struct fx_file *f)
{
	assert_int_equal(fx_mmap(fx_task_mm(t), addr, len,
				 FX_PROT_READ | FX_PROT_WRITE, flags, f, 0), 0);
}

/* LOS_HashFNV32aBuf over the 4 little-endian bytes of a 32-bit address */
static uint32_t ref_fnv1a32(uint32_t addr)
{
	uint32_t h = 0x811c9dc5u;

	for (int i = 0; i < 4; i++, addr >>= 8) {
		h ^= addr & 0xff;
		h *= 0x01000193u;
	}
	return h;
}

static const struct fx_hasher *liteos_hasher(void)
{
	const struct fx_hasher *h = fx_hasher_find("liteos");

	return h ? h : fx_hasher_find("jhash2");
}

/* ---- liteos ---- */

/* With any hasher: private keys in 0..63, shared keys in 64..79. */
static void test_liteos_split(void **state)
{
	const char *hashers[] = { "jhash2", "liteos", "xxh64", "lowbits" };

	for (unsigned h = 0; h < sizeof(hashers) / sizeof(hashers[0]); h++) {
		const struct fx_hasher *hs = fx_hasher_find(hashers[h]);
		struct fx_core *c;
		struct fx_task *t;
		struct fx_hash_info info;
		unsigned seen[80] = { 0 }, used = 0;

		if (!hs)
			continue;
		c = mkcore(&fx_layout_liteos, hs, 0);
		t = fx_mm_new(c, 1);
		map_rw(t, BASE, 64 * 4096, FX_MAP_PRIVATE | FX_MAP_ANON, NULL);
		map_rw(t, SHM, 64 * 4096, FX_MAP_SHARED | FX_MAP_ANON, NULL);
		for (uint64_t off = 0; off < 64 * 4096; off += 4096 + 4) {
			/* private: by virtual address, 0..63 */
			assert_int_equal(fx_futex_locate(t, BASE + off,
							 FX2_PRIVATE, &info), 0);
			assert_in_range(info.bucket, 0, 63);
			assert_int_equal(info.table_size, 80);
			assert_int_equal(info.node, 0);
			seen[info.bucket]++;
			/* shared anonymous (FUT_OFF_MMSHARED): 64..79 */
			assert_int_equal(fx_futex_locate(t, BASE + off, 0,
							 &info), 0);
			assert_in_range(info.bucket, 64, 79);
			seen[info.bucket]++;
			/* shmem (FUT_OFF_INODE): 64..79 */
			assert_int_equal(fx_futex_locate(t, SHM + off, 0,
							 &info), 0);
			assert_in_range(info.bucket, 64, 79);
			assert_int_equal(info.node, 0);
		}
		for (unsigned i = 0; i < 80; i++)
			used += seen[i] != 0;
		/* the keys spread over more than a handful of buckets */
		assert_true(used > 16);
		fx_core_free(c);
	}
}

/*
 * With the liteos hasher and seed 0 the bucket is LiteOS's own index,
 * OsFutexKeyToIndex(): FNV-1a-32 of the 4 address bytes, then & 63
 * (private) or (& 15) + 64 (shared).  Worked by hand for 0x10000010 (bytes
 * 10 00 00 10, little-endian):
 *
 *   h = 0x811c9dc5
 *   ^ 0x10 = 0x811c9dd5, * 0x01000193 = 0x150c764f
 *   ^ 0x00 = 0x150c764f, * 0x01000193 = 0x719e3e5d
 *   ^ 0x00 = 0x719e3e5d, * 0x01000193 = 0x391c2c67
 *   ^ 0x10 = 0x391c2c77, * 0x01000193 = 0x5e59ff55
 *
 * 0x5e59ff55 & 63 = 0x15 = 21.  Likewise (same steps, checked with a
 * Python transcription): 0x10000014 -> 0xfda8d0b1, & 63 = 49;
 * 0x10001000 -> 0x6d2ad995, & 63 = 21 (the same bucket as 0x10000010:
 * LiteOS's 64 private buckets collide early); 0x10000ffc -> 0xab14778c,
 * & 63 = 12.
 */
static void test_liteos_index(void **state)
{
	static const struct { uint64_t uaddr; uint32_t fnv; unsigned idx; } v[] = {
		{ 0x10000010, 0x5e59ff55, 21 },
		{ 0x10000014, 0xfda8d0b1, 49 },
		{ 0x10001000, 0x6d2ad995, 21 },
		{ 0x10000ffc, 0xab14778c, 12 },
	};
	const struct fx_hasher *hs = liteos_hasher();
	bool real = strcmp(hs->name, "liteos") == 0;
	struct fx_core *c = mkcore(&fx_layout_liteos, hs, 0);
	struct fx_task *a = fx_mm_new(c, 1), *b = fx_mm_new(c, 2);
	struct fx_hash_info ia, ib;
	struct fx_file *f = fx_file_new(c);

	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(ref_fnv1a32((uint32_t)v[i].uaddr), v[i].fnv);
		assert_int_equal(fx_futex_locate(a, v[i].uaddr, FX2_PRIVATE,
						 &ia), 0);
		/* the words: the virtual page; initval: the offset */
		assert_int_equal(ia.nwords, 2);
		assert_int_equal(ia.words[0], (uint32_t)(v[i].uaddr & ~0xfffull));
		assert_int_equal(ia.words[1], 0);
		assert_int_equal(ia.initval, v[i].uaddr & 0xfff);
		if (real) {
			assert_int_equal(ia.hash, v[i].fnv);
			assert_int_equal(ia.bucket, v[i].idx);
		}
		/* the mm is not hashed: another process, same bucket */
		assert_int_equal(fx_futex_locate(b, v[i].uaddr, FX2_PRIVATE,
						 &ib), 0);
		assert_int_equal(ib.bucket, ia.bucket);
	}

	/* Shared: the same shmem page in two processes is one physical
	 * page, so one stand-in frame and one bucket. */
	map_rw(a, SHM, 4096, FX_MAP_SHARED | FX_MAP_ANON, NULL);
	assert_int_equal(fx_mmap_share(fx_task_mm(b), SHM + 0x100000,
				       fx_task_mm(a), SHM, 4096,
				       FX_PROT_READ | FX_PROT_WRITE), 0);
	map_rw(a, FILEMAP, 8 * 4096, FX_MAP_SHARED, f);
	for (uint64_t off = 0; off < 4096; off += 0x124) {
		assert_int_equal(fx_futex_locate(a, SHM + off, 0, &ia), 0);
		assert_int_equal(fx_futex_locate(b, SHM + 0x100000 + off, 0,
						 &ib), 0);
		assert_memory_equal(ia.words, ib.words, 2 * sizeof(uint32_t));
		assert_int_equal(ia.bucket, ib.bucket);
		/* a page-aligned frame of the 1 GiB at 0x40000000 */
		assert_int_equal(ia.nwords, 2);
		assert_int_equal(ia.words[1], 0);
		assert_int_equal(ia.words[0] & 0xfff, 0);
		assert_in_range(ia.words[0], 0x40000000u, 0x7ffff000u);
		assert_int_equal(ia.initval & ~3u, off);
		assert_int_equal(ia.initval & 3u, FX_FUT_OFF_INODE);
		if (real)
			assert_int_equal(ia.bucket,
					 64 + (ref_fnv1a32(ia.words[0] + (uint32_t)off) & 15));
	}
	/* file pages and anonymous (MMSHARED) pages get frames too */
	for (uint64_t p = 0; p < 8; p++) {
		assert_int_equal(fx_futex_locate(a, FILEMAP + p * 4096 + 8, 0,
						 &ia), 0);
		assert_int_equal(ia.initval & 3u, FX_FUT_OFF_INODE);
		assert_in_range(ia.words[0], 0x40000000u, 0x7ffff000u);
		if (real)
			assert_int_equal(ia.bucket,
					 64 + (ref_fnv1a32(ia.words[0] + 8) & 15));
	}
	map_rw(a, BASE, 4096, FX_MAP_PRIVATE | FX_MAP_ANON, NULL);
	assert_int_equal(fx_futex_locate(a, BASE + 0x40, 0, &ia), 0);
	assert_int_equal(ia.initval & 3u, FX_FUT_OFF_MMSHARED);
	assert_in_range(ia.words[0], 0x40000000u, 0x7ffff000u);
	if (real)
		assert_int_equal(ia.bucket,
				 64 + (ref_fnv1a32(ia.words[0] + 0x40) & 15));
	fx_core_free(c);
}

/* ---- perfutex ---- */

static uint64_t const_hash(const uint32_t *words, unsigned nwords,
			   uint32_t initval, uint64_t seed)
{
	return 42;	/* every key collides */
}

static const struct fx_hasher const_hasher = {
	.name = "const",
	.summary = "test: every key hashes to 42",
	.out_bits = 64,
	.hash_key = const_hash,
};

static void count_hb(struct fx_hb *hb, void *arg)
{
	(*(unsigned *)arg)++;
}

static void test_perfutex_own_queue(void **state)
{
	const struct fx_hasher *hashers[] = { fx_hasher_find("jhash2"),
					      &const_hasher };

	for (unsigned h = 0; h < 2; h++) {
		struct fx_core *c = mkcore(&fx_layout_perfutex, hashers[h], 0);
		struct fx_task *t = fx_mm_new(c, 1), *u = fx_mm_new(c, 2);
		struct fx_hb *hb[600];
		struct fx_hash_info info;
		union fx_key k;
		unsigned n = 0, visited = 0;

		map_rw(t, BASE, 64 * 4096, FX_MAP_PRIVATE | FX_MAP_ANON, NULL);
		/* 200 private + 200 shared-anon keys of t, 200 private of u at
		 * the same addresses: 600 distinct futexes */
		for (uint64_t i = 0; i < 200; i++) {
			uint64_t ua = BASE + i * 1284;

			assert_int_equal(fx_get_futex_key(t, ua, FX_FLAGS_SIZE_32,
							  &k, FX_READ), 0);
			hb[n++] = fx_hash(c, &k, t->mm, &info);
			if (h == 1)
				assert_int_equal(info.hash, 42);
			assert_int_equal(fx_get_futex_key(t, ua, FX_FLAGS_SIZE_32 |
							  FX_FLAGS_SHARED, &k,
							  FX_READ), 0);
			hb[n++] = fx_hash(c, &k, t->mm, &info);
			assert_int_equal(fx_get_futex_key(u, ua, FX_FLAGS_SIZE_32,
							  &k, FX_READ), 0);
			hb[n++] = fx_hash(c, &k, u->mm, &info);
		}
		assert_int_equal(info.table_size, 600);
		for (unsigned i = 0; i < n; i++) {
			assert_non_null(hb[i]);
			assert_int_equal(hb[i]->index, i);
			assert_int_equal(hb[i]->node, 0);
			for (unsigned j = 0; j < i; j++)
				assert_ptr_not_equal(hb[i], hb[j]);
		}
		/* the same key, asked again, gets the same queue (the map
		 * grew from 64 slots meanwhile; queues did not move) */
		for (uint64_t i = 0; i < 200; i++) {
			uint64_t ua = BASE + i * 1284;

			assert_int_equal(fx_get_futex_key(u, ua, FX_FLAGS_SIZE_32,
							  &k, FX_READ), 0);
			assert_ptr_equal(fx_hash(c, &k, u->mm, &info),
					 hb[3 * i + 2]);
			assert_int_equal(info.bucket, 3 * i + 2);
		}
		c->layout_ops->for_each_bucket(c, c->layout, NULL, count_hb,
					       &visited);
		assert_int_equal(visited, 600);
		visited = 0;
		c->layout_ops->for_each_bucket(c, c->layout, t->mm, count_hb,
					       &visited);
		assert_int_equal(visited, 0);
		fx_core_free(c);
	}
}

static int sys_futex(struct fx_task *t, uint64_t uaddr, unsigned op,
		     uint64_t val, struct fx_result *res)
{
	uint64_t a[6] = { uaddr, op | FX_PRIVATE_FLAG, val, 0, 0, 0 };

	return fx_syscall(t, FX_SYS_FUTEX, a, res);
}

/*
 * Waiters on 8 futexes whose hashes all collide.  Under perfutex every
 * wake walks only its own futex's waiters (foreign == 0); under the global
 * table the same hasher puts them all in one chain (foreign > 0), which
 * shows the test can see the difference.
 */
static unsigned wait_wake_foreign(const struct fx_layout_ops *layout)
{
	enum { NF = 8, PER = 3 };
	struct fx_core *c = mkcore(layout, &const_hasher, 0);
	struct fx_task *t[NF * PER + 1];
	struct fx_result res;
	unsigned foreign = 0;

	t[0] = fx_mm_new(c, 1);
	map_rw(t[0], BASE, 4096, FX_MAP_PRIVATE | FX_MAP_ANON, NULL);
	for (int i = 1; i <= NF * PER; i++) {
		t[i] = fx_task_clone(t[0], 1 + i, FX_CLONE_VM | FX_CLONE_THREAD, 0);
		assert_non_null(t[i]);
	}
	for (int i = 1; i <= NF * PER; i++) {
		assert_int_equal(sys_futex(t[i], BASE + 4 * ((i - 1) % NF),
					   FX_OP_WAIT, 0, &res), FX_SLEEPING);
		assert_int_equal(fx_core_check(c), 0);
	}
	for (int f = 0; f < NF; f++) {
		assert_int_equal(sys_futex(t[0], BASE + 4 * f, FX_OP_WAKE,
					   PER, &res), FX_DONE);
		assert_int_equal(res.ret, PER);
		assert_true(res.walked >= PER);
		foreign += res.foreign;
		assert_int_equal(fx_core_check(c), 0);
	}
	for (int i = 1; i <= NF * PER; i++) {
		assert_int_equal(fx_task_resume(t[i], &res), FX_DONE);
		assert_int_equal(res.ret, 0);
	}
	assert_int_equal(fx_core_check(c), 0);
	fx_core_free(c);
	return foreign;
}

static void test_perfutex_no_foreign(void **state)
{
	assert_int_equal(wait_wake_foreign(&fx_layout_perfutex), 0);
	assert_true(wait_wake_foreign(&fx_layout_global) > 0);
}

/* ---- the worked example ---- */

static void test_modtable_example(void **state)
{
	static const int primes[] = { 0, 97, 2 };
	struct fx_core_config bad = { .layout = &fx_layout_modtable,
				      .layout_opt = 100 };

	for (unsigned i = 0; i < 3; i++) {
		unsigned p = primes[i] ? (unsigned)primes[i] : 251;
		struct fx_core *c = mkcore(&fx_layout_modtable, NULL, primes[i]);
		struct fx_task *t = fx_mm_new(c, 1);
		struct fx_hash_info info;
		unsigned visited = 0;

		for (uint64_t off = 0; off < 64 * 4096; off += 4096 + 4) {
			assert_int_equal(fx_futex_locate(t, BASE + off,
							 FX2_PRIVATE, &info), 0);
			assert_int_equal(info.nwords, 4);
			assert_int_equal(info.table_size, p);
			assert_int_equal(info.bucket, info.hash % p);
		}
		c->layout_ops->for_each_bucket(c, c->layout, NULL, count_hb,
					       &visited);
		assert_int_equal(visited, p);
		fx_core_free(c);
	}
	/* 100 is not a prime: the core refuses the configuration */
	errno = 0;
	assert_null(fx_core_new(&bad));
	assert_int_equal(errno, EINVAL);
	bad.layout_opt = -7;
	assert_null(fx_core_new(&bad));
	/* the futex core runs on it; a constant hash shares one chain */
	assert_true(wait_wake_foreign(&fx_layout_modtable) > 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int ch;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* The guide's modtable.c is this file's, character for character. */
static void test_modtable_matches_guide(void **state)
{
	char *src = slurp(__FILE__), *doc = slurp("docs/extending.md"), *b, *e;

	if (!src || !doc) {	/* not run from the top of the source tree */
		free(src);
		free(doc);
		skip();
		return;
	}
	b = strstr(src, "/* ---- BEGIN modtable.c");
	assert_non_null(b);
	b = strchr(b, '\n');
	assert_non_null(b);
	b++;
	e = strstr(b, "/* ---- END modtable.c");
	assert_non_null(e);
	*e = '\0';
	if (!strstr(doc, b))
		fail_msg("docs/extending.md does not contain the modtable.c of %s verbatim",
			 __FILE__);
	free(src);
	free(doc);
}

/* ---- describe() ---- */

static void check_describe(const struct fx_layout_ops *l)
{
	static const char *const words[] = {
		"tables", "home node", "cache line", "refcount", "resize",
	};
	struct fx_core *c = mkcore(l, NULL, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	l->describe(c, c->layout, m, true);
	fclose(m);
	assert_non_null(buf);
	assert_true(strncmp(buf, l->name, strlen(l->name)) == 0);
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strstr(buf, words[i]))
			fail_msg("layout %s: describe -v does not mention '%s':\n%s",
				 l->name, words[i], buf);
	free(buf);
	fx_core_free(c);
}

static void test_describe_every_layout(void **state)
{
	unsigned n = 0;

	for (const struct fx_layout_ops *const *l = fx_layouts; *l; l++, n++)
		check_describe(*l);
	check_describe(&fx_layout_modtable);
	assert_ptr_equal(fx_layout_find("liteos"), &fx_layout_liteos);
	assert_ptr_equal(fx_layout_find("perfutex"), &fx_layout_perfutex);
	assert_null(fx_layout_find("modtable"));	/* registered only here */
	assert_true(n >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_liteos_split),
		cmocka_unit_test(test_liteos_index),
		cmocka_unit_test(test_perfutex_own_queue),
		cmocka_unit_test(test_perfutex_no_foreign),
		cmocka_unit_test(test_modtable_example),
		cmocka_unit_test(test_modtable_matches_guide),
		cmocka_unit_test(test_describe_every_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
