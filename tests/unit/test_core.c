// SPDX-License-Identifier: MIT
/*
 * test_core.c - keys, plist order, buckets and the kernel's hash tables.
 *
 * The jhash2 used to check the tables here is a second transcription,
 * written from the algorithm's description (docs/kernel-facts.md §2.1)
 * independently of sim/hashers/jhash2.c, so a slip in either shows up.
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

/* ---- an independent jhash2 ---- */
static uint32_t rl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static uint32_t ref_jhash2(const uint32_t *k, uint32_t n, uint32_t iv)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + (n << 2) + iv;
	for (; n > 3; n -= 3, k += 3) {
		a += k[0]; b += k[1]; c += k[2];
		a -= c; a ^= rl(c, 4);  c += b;
		b -= a; b ^= rl(a, 6);  a += c;
		c -= b; c ^= rl(b, 8);  b += a;
		a -= c; a ^= rl(c, 16); c += b;
		b -= a; b ^= rl(a, 19); a += c;
		c -= b; c ^= rl(b, 4);  b += a;
	}
	if (n == 0)
		return c;
	if (n == 3) c += k[2];
	if (n >= 2) b += k[1];
	a += k[0];
	c ^= b; c -= rl(b, 14);
	a ^= c; a -= rl(c, 11);
	b ^= a; b -= rl(a, 25);
	c ^= b; c -= rl(b, 16);
	a ^= c; a -= rl(c, 4);
	b ^= a; b -= rl(a, 14);
	c ^= b; c -= rl(b, 24);
	return c;
}

static struct fx_core *mkcore(const char *layout, unsigned cpus,
			      unsigned nodes)
{
	struct fx_core_config cfg = {
		.layout = layout ? fx_layout_find(layout) : NULL,
		.ncpus = cpus, .nnodes = nodes,
	};
	struct fx_core *c = fx_core_new(&cfg);

	assert_non_null(c);
	return c;
}

#define BASE 0x10000000ull

/* ---- keys ---- */

static void test_key_private(void **state)
{
	struct fx_core *c = mkcore(NULL, 2, 1);
	struct fx_task *t = fx_mm_new(c, 100);
	union fx_key k;

	/* A private key needs no mapping: only alignment and the range. */
	assert_int_equal(fx_get_futex_key(t, BASE + 0x124, FX_FLAGS_SIZE_32,
					  &k, FX_READ), 0);
	assert_int_equal(k.private.mm, t->mm->kptr);
	assert_int_equal(k.private.address, BASE);
	assert_int_equal(k.both.offset, 0x124);
	assert_int_equal(k.both.node, (uint32_t)FX_NO_NODE);
	assert_int_equal(fx_get_futex_key(t, BASE + 2, FX_FLAGS_SIZE_32, &k,
					  FX_READ), -EINVAL);
	assert_int_equal(fx_get_futex_key(t, FX_TASK_SIZE, FX_FLAGS_SIZE_32,
					  &k, FX_READ), -EFAULT);
	assert_int_equal(fx_get_futex_key(t, FX_TASK_SIZE - 4,
					  FX_FLAGS_SIZE_32, &k, FX_READ), 0);
	fx_core_free(c);
}

static void test_key_shared_kinds(void **state)
{
	struct fx_core *c = mkcore(NULL, 2, 1);
	struct fx_task *t = fx_mm_new(c, 100), *u = fx_mm_new(c, 200);
	struct fx_file *f = fx_file_new(c);
	union fx_key k1, k2;
	unsigned sh = FX_FLAGS_SIZE_32 | FX_FLAGS_SHARED;

	/* private anonymous, writable: mm-based shared key */
	assert_int_equal(fx_mmap(t->mm, BASE, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, sh, &k1, FX_READ), 0);
	assert_int_equal(k1.both.offset, 8 | FX_FUT_OFF_MMSHARED);
	assert_int_equal(k1.private.mm, t->mm->kptr);
	/* never equal to the private key of the same address */
	assert_int_equal(fx_get_futex_key(t, BASE + 8, FX_FLAGS_SIZE_32, &k2,
					  FX_READ), 0);
	assert_false(fx_key_match(&k1, &k2));
	/* read-only anonymous page: EFAULT even for a read-only op */
	assert_int_equal(fx_mprotect(t->mm, BASE, 4096, FX_PROT_READ), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, sh, &k1, FX_READ),
			 -EFAULT);
	assert_int_equal(fx_mprotect(t->mm, BASE, 4096, FX_PROT_NONE), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, sh, &k1, FX_READ),
			 -EFAULT);
	/* unmapped */
	assert_int_equal(fx_get_futex_key(t, BASE + 0x10000, sh, &k1, FX_READ),
			 -EFAULT);

	/* shmem shared by two processes at different addresses: same key */
	assert_int_equal(fx_mmap(t->mm, BASE + 0x100000, 8192,
				 FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_SHARED | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_mmap_share(u->mm, BASE + 0x300000, t->mm,
				       BASE + 0x100000, 8192,
				       FX_PROT_READ | FX_PROT_WRITE), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 0x101004, sh, &k1,
					  FX_READ), 0);
	assert_int_equal(fx_get_futex_key(u, BASE + 0x301004, sh, &k2,
					  FX_READ), 0);
	assert_true(fx_key_match(&k1, &k2));
	assert_int_equal(k1.both.offset, 4 | FX_FUT_OFF_INODE);
	assert_int_equal(k1.shared.pgoff, 1);
	assert_true(k1.shared.i_seq != 0);

	/* file, MAP_SHARED read-only: inode key for reads, EFAULT never */
	assert_int_equal(fx_mmap(t->mm, BASE + 0x200000, 4096, FX_PROT_READ,
				 FX_MAP_SHARED, f, 4096), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 0x200010, sh, &k1,
					  FX_READ), 0);
	assert_int_equal(k1.both.offset, 0x10 | FX_FUT_OFF_INODE);
	assert_int_equal(k1.shared.pgoff, 1);
	/* ... but a write op on it faults */
	assert_int_equal(fx_get_futex_key(t, BASE + 0x200010, sh, &k1,
					  FX_WRITE), -EFAULT);
	/* i_seq is handed out once per inode, in first-use order */
	assert_int_equal(fx_get_futex_key(u, BASE + 0x301004, sh, &k2,
					  FX_READ), 0);
	assert_true(k1.shared.i_seq != k2.shared.i_seq);

	/* MAP_PRIVATE writable file page: the write fault COWs it -> anon */
	assert_int_equal(fx_mmap(u->mm, BASE, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE, f, 0), 0);
	assert_int_equal(fx_get_futex_key(u, BASE, sh, &k1, FX_READ), 0);
	assert_int_equal(k1.both.offset, FX_FUT_OFF_MMSHARED);
	fx_core_free(c);
}

static void test_key_numa(void **state)
{
	struct fx_core *c = mkcore(NULL, 4, 2);
	struct fx_task *t = fx_mm_new(c, 100);
	unsigned fl = FX_FLAGS_SIZE_32 | FX_FLAGS_NUMA;
	union fx_key k;
	uint32_t w;

	assert_int_equal(fx_mmap(t->mm, BASE, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	/* 8-byte alignment for the {value, node} pair */
	assert_int_equal(fx_get_futex_key(t, BASE + 4, fl, &k, FX_READ), -EINVAL);
	/* unassigned node: the current CPU's node is written back */
	assert_int_equal(fx_uaccess_put32(t->mm, BASE + 12, (uint32_t)-1), 0);
	fx_task_set_cpu(t, 3);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, fl, &k, FX_READ), 0);
	assert_int_equal(k.both.node, 1);
	assert_int_equal(fx_uaccess_get32(t->mm, BASE + 12, &w), 0);
	assert_int_equal(w, 1);
	/* an impossible node */
	assert_int_equal(fx_uaccess_put32(t->mm, BASE + 12, 2), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, fl, &k, FX_READ), -EINVAL);
	/* MPOL: the VMA's preferred node, written back */
	assert_int_equal(fx_uaccess_put32(t->mm, BASE + 12, (uint32_t)-1), 0);
	assert_int_equal(fx_mbind(t->mm, BASE, 4096, FX_MPOL_PREFERRED, 0), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, fl | FX_FLAGS_MPOL, &k,
					  FX_READ), 0);
	assert_int_equal(k.both.node, 0);
	/* read-only page: the write-back faults */
	assert_int_equal(fx_uaccess_put32(t->mm, BASE + 12, (uint32_t)-1), 0);
	assert_int_equal(fx_mprotect(t->mm, BASE, 4096, FX_PROT_READ), 0);
	assert_int_equal(fx_get_futex_key(t, BASE + 8, fl, &k, FX_READ), -EFAULT);
	/* the node word beyond the mapping faults */
	assert_int_equal(fx_get_futex_key(t, BASE + 4096 - 8 + 4096, fl, &k,
					  FX_READ), -EFAULT);
	fx_core_free(c);
}

/* ---- plist: fixed-seed random stress, checked after every step ---- */

struct pn { struct plist_node n; int id; };

static void test_plist_order(void **state)
{
	struct plist_head h;
	struct pn nodes[241];
	uint32_t lcg = 12345;
	int on[241] = { 0 }, count = 0;

	plist_head_init(&h);
	for (int i = 0; i < 241; i++) {
		nodes[i].id = i;
		plist_node_init(&nodes[i].n, 0);
	}
	for (int step = 0; step < 5000; step++) {
		int i;

		lcg = lcg * 1103515245u + 12345u;
		i = (int)((lcg >> 8) % 241);
		if (!on[i]) {
			plist_node_init(&nodes[i].n, (int)((lcg >> 20) % 7) * 10);
			plist_add(&nodes[i].n, &h);
			on[i] = 1;
			count++;
		} else if ((lcg >> 4) & 1) {
			plist_del(&nodes[i].n, &h);
			on[i] = 0;
			count--;
		} else {
			plist_requeue(&nodes[i].n, &h);
		}
		assert_int_equal(plist_check(&h), 0);
		assert_int_equal((int)plist_count(&h), count);
	}
}

static void test_plist_fifo(void **state)
{
	struct plist_head h;
	struct pn a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 }, d = { .id = 4 };
	struct pn *it;
	int seen[4], n = 0;

	plist_head_init(&h);
	plist_node_init(&a.n, 100);
	plist_node_init(&b.n, 100);
	plist_node_init(&c.n, 10);
	plist_node_init(&d.n, 100);
	plist_add(&a.n, &h);
	plist_add(&b.n, &h);
	plist_add(&c.n, &h);
	plist_add(&d.n, &h);
	plist_requeue(&a.n, &h);	/* behind its equals */
	plist_for_each_entry(it, &h, n)
		seen[n++] = it->id;
	assert_int_equal(n, 4);
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 4);
	assert_int_equal(seen[3], 1);
}

/* ---- tables ---- */

static void check_global_bucket(struct fx_core *c, struct fx_task *t,
				uint64_t uaddr, unsigned size, unsigned nodes)
{
	struct fx_hash_info info;
	union fx_key k;
	uint32_t w[4], h;

	assert_int_equal(fx_get_futex_key(t, uaddr, FX_FLAGS_SIZE_32, &k,
					  FX_READ), 0);
	fx_hash(c, &k, NULL, &info);
	w[0] = (uint32_t)k.both.ptr;
	w[1] = (uint32_t)(k.both.ptr >> 32);
	w[2] = (uint32_t)k.both.word;
	w[3] = (uint32_t)(k.both.word >> 32);
	h = ref_jhash2(w, 4, k.both.offset);
	assert_int_equal(info.nwords, 4);
	assert_memory_equal(info.words, w, sizeof(w));
	assert_int_equal(info.hash, h);
	assert_int_equal(info.table_size, size);
	assert_int_equal(info.bucket, h & (size - 1));
	if (nodes)
		assert_int_equal(info.node, (int)((h >> fx_ilog2(size)) % nodes));
}

static void test_table_sizes_and_hash(void **state)
{
	struct fx_core *c;
	struct fx_task *t;

	/* 6.16+: per node, roundup_pow_of_two(max(4, 256*cpus/nodes)) */
	assert_int_equal(fx_kernel_hashsize(8, 1), 2048);
	assert_int_equal(fx_kernel_hashsize(64, 2), 8192);
	assert_int_equal(fx_kernel_hashsize(80, 8), 4096);
	assert_int_equal(fx_kernel_hashsize(1, 128), 4);
	c = mkcore("pernode", 64, 2);
	t = fx_mm_new(c, 1);
	for (uint64_t a = 0x7f0000000000ull; a < 0x7f0000000000ull + 64 * 4096;
	     a += 4096 + 4)
		check_global_bucket(c, t, a, 8192, 2);
	fx_core_free(c);
	/* before 6.16: one table of roundup_pow_of_two(256*cpus) */
	c = mkcore("global", 6, 2);
	t = fx_mm_new(c, 1);
	for (uint64_t a = 0x7f0000000000ull; a < 0x7f0000000000ull + 64 * 4096;
	     a += 4096 + 4)
		check_global_bucket(c, t, a, 2048, 0);
	fx_core_free(c);
}

/* A layout may hash a key-bytes hasher's input in place (fx_hash_words);
 * the value must equal hash_key over the copied words. */
static void test_hash_in_place_equals_words(void **state)
{
	static const char *const hashers[] = { "xxh3", "xxh32", "siphash",
					       "crc32c", "jhash2" };
	static const char *const layouts[] = { "global", "pernode", "private",
					       "perfutex" };

	for (unsigned h = 0; h < 5; h++) {
		for (unsigned l = 0; l < 4; l++) {
			struct fx_core_config cfg = {
				.hasher = fx_hasher_find(hashers[h]),
				.layout = fx_layout_find(layouts[l]),
				.ncpus = 4, .nnodes = 2, .seed = 0x1234567,
			};
			struct fx_core *c = fx_core_new(&cfg);
			struct fx_task *t = fx_mm_new(c, 1);
			struct fx_hash_info info;
			union fx_key k;

			assert_non_null(c);
			assert_non_null(fx_task_clone(t, 2, FX_CLONE_VM | FX_CLONE_THREAD, 0));
			for (uint64_t a = BASE; a < BASE + 64 * 4096; a += 4096 + 12) {
				assert_int_equal(fx_get_futex_key(t, a, FX_FLAGS_SIZE_32,
								  &k, FX_READ), 0);
				fx_hash(c, &k, t->mm, &info);
				assert_int_equal(info.hash,
						 cfg.hasher->hash_key(info.words, info.nwords,
								      info.initval, cfg.seed));
			}
			fx_core_free(c);
		}
	}
}

/* The kernel layouts' named knobs: placement, refcount, bucket lines. */
static void test_layout_knobs(void **state)
{
	struct fx_core_config cfg = { .layout = fx_layout_find("global"),
				      .ncpus = 4, .nnodes = 2 };
	struct fx_core *c;
	struct fx_task *t;
	struct fx_hash_info info;
	char buf[2048];
	FILE *f;

	/* interleaved pages: bucket i on node (i / 64) % nodes */
	c = fx_core_new(&cfg);
	t = fx_mm_new(c, 1);
	for (uint64_t a = BASE; a < BASE + 256 * 4096; a += 4096) {
		assert_int_equal(fx_futex_locate(t, a, FX2_PRIVATE, &info), 0);
		assert_int_equal(info.node, (int)((info.bucket / 64) % 2));
	}
	fx_core_free(c);
	/* hashdist=0: everything on node 0 */
	cfg.placement = FX_PLACE_NODE0;
	cfg.bucket_lines = 2;
	c = fx_core_new(&cfg);
	t = fx_mm_new(c, 1);
	for (uint64_t a = BASE; a < BASE + 256 * 4096; a += 4096) {
		assert_int_equal(fx_futex_locate(t, a, FX2_PRIVATE, &info), 0);
		assert_int_equal(info.node, 0);
	}
	f = fmemopen(buf, sizeof(buf), "w");
	c->layout_ops->describe(c, c->layout, f, true);
	fclose(f);
	assert_non_null(strstr(buf, "node 0 (hashdist=0)"));
	assert_non_null(strstr(buf, "2 cache lines"));
	fx_core_free(c);
	/* the private hash's refcount scheme is stated */
	cfg = (struct fx_core_config){ .refcount = FX_REF_ATOMIC, .ncpus = 2 };
	c = fx_core_new(&cfg);
	f = fmemopen(buf, sizeof(buf), "w");
	c->layout_ops->describe(c, c->layout, f, true);
	fclose(f);
	assert_non_null(strstr(buf, "one atomic line per process"));
	assert_non_null(strstr(buf, "1 cache line"));
	fx_core_free(c);
	/* impossible knobs */
	cfg = (struct fx_core_config){ .bucket_lines = 3 };
	assert_null(fx_core_new(&cfg));
	cfg = (struct fx_core_config){ .placement = 2 };
	assert_null(fx_core_new(&cfg));
	cfg = (struct fx_core_config){ .refcount = -1 };
	assert_null(fx_core_new(&cfg));
}

static void test_private_hash_sizing(void **state)
{
	struct fx_core *c = mkcore("private", 64, 1);
	struct fx_task *t = fx_mm_new(c, 1), *th[80];
	struct fx_hash_info info;
	union fx_key k;
	uint32_t w[2];

	/* single-threaded: no private hash, keys go to the global table */
	assert_int_equal(fx_private_hash_slots(t), 0);
	assert_int_equal(fx_futex_locate(t, BASE + 0x10, FX2_PRIVATE, &info), 0);
	assert_int_equal(info.table, 0);
	/* the first thread: 16 slots */
	th[0] = fx_task_clone(t, 2, FX_CLONE_VM | FX_CLONE_THREAD, 0);
	assert_non_null(th[0]);
	assert_int_equal(fx_private_hash_slots(t), 16);
	/* vfork-like CLONE_VM without CLONE_THREAD does not size (6.16/6.17) */
	for (int i = 1; i < 80; i++) {
		th[i] = fx_task_clone(t, 2 + i, FX_CLONE_VM | FX_CLONE_THREAD, 0);
		assert_non_null(th[i]);
	}
	/* threads counted before each clone, capped by CPUs: 4*64 = 256 */
	assert_int_equal(fx_private_hash_slots(t), 256);
	/* the private bucket: jhash2(address words, 2, offset) & mask */
	assert_int_equal(fx_get_futex_key(t, BASE + 0x10, FX_FLAGS_SIZE_32, &k,
					  FX_READ), 0);
	fx_hash(c, &k, t->mm, &info);
	w[0] = (uint32_t)BASE;
	w[1] = 0;
	assert_int_equal(info.table, -1);
	assert_int_equal(info.nwords, 2);
	assert_int_equal(info.hash, ref_jhash2(w, 2, 0x10));
	assert_int_equal(info.bucket, ref_jhash2(w, 2, 0x10) & 255);
	/* shared keys never use it */
	assert_int_equal(fx_mmap(t->mm, BASE, 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	assert_int_equal(fx_futex_locate(t, BASE + 0x10, 0, &info), 0);
	assert_true(info.table >= 0);
	fx_core_free(c);
}

static void test_clone_rule_variants(void **state)
{
	struct fx_core_config cfg = { .ncpus = 2, .nnodes = 1,
				      .private_hash_clone_vm = true };
	struct fx_core *c = fx_core_new(&cfg);
	struct fx_task *t = fx_mm_new(c, 1);

	/* after the fix: CLONE_VM && !CLONE_VFORK is enough */
	assert_non_null(fx_task_clone(t, 2, FX_CLONE_VM | FX_CLONE_VFORK, 0));
	assert_int_equal(fx_private_hash_slots(t), 0);
	assert_non_null(fx_task_clone(t, 3, FX_CLONE_VM, 0));
	assert_int_equal(fx_private_hash_slots(t), 16);
	fx_core_free(c);
	c = mkcore(NULL, 2, 1);
	t = fx_mm_new(c, 1);
	assert_non_null(fx_task_clone(t, 3, FX_CLONE_VM, 0));
	assert_int_equal(fx_private_hash_slots(t), 0);
	/* fork: a new mm without a private hash */
	assert_non_null(fx_task_clone(t, 4, 0, 0));
	assert_int_equal(fx_private_hash_slots(fx_task_find(c, 4)), 0);
	fx_core_free(c);
}

static void test_rehash_keeps_order(void **state)
{
	struct fx_core *c = mkcore("private", 2, 1);
	struct fx_task *t = fx_mm_new(c, 1);
	struct fx_q q[6];
	union fx_key k;
	struct fx_hb *hb;
	struct fx_q *it;
	int n = 0;

	assert_non_null(fx_task_clone(t, 2, FX_CLONE_VM | FX_CLONE_THREAD, 0));
	assert_int_equal(fx_get_futex_key(t, BASE, FX_FLAGS_SIZE_32, &k, FX_READ), 0);
	for (int i = 0; i < 6; i++) {
		fx_q_init(&q[i], t);
		q[i].key = k;
		fx_queue(&q[i], fx_hash(c, &k, t->mm, NULL));
	}
	/* resize to 2 slots, then to the global tables */
	assert_int_equal(c->layout_ops->prctl(c, c->layout, t->mm,
					      FX_PR_FUTEX_HASH_SET_SLOTS, 2, 0), 0);
	hb = fx_hash(c, &k, t->mm, NULL);
	assert_int_equal(hb->waiters, 6);
	plist_for_each_entry(it, &hb->chain, list) {
		assert_ptr_equal(it, &q[n]);
		assert_ptr_equal(it->lock_ptr, hb);
		n++;
	}
	assert_int_equal(n, 6);
	assert_int_equal(c->layout_ops->prctl(c, c->layout, t->mm,
					      FX_PR_FUTEX_HASH_SET_SLOTS, 0, 0), 0);
	hb = fx_hash(c, &k, t->mm, NULL);
	assert_true(hb->table >= 0);
	assert_int_equal(hb->waiters, 6);
	assert_ptr_equal(q[0].lock_ptr, hb);
	for (int i = 0; i < 6; i++)
		fx_unqueue(&q[i]);
	assert_int_equal(hb->waiters, 0);
	fx_core_free(c);
}

/*
 * A first private hash takes this process's private-key waiters out of
 * the global tables (a replay may make a thread while another waits; the
 * kernel cannot), in their order, and leaves other processes' waiters
 * and their order alone.
 */
static void test_first_private_hash(void **state)
{
	struct fx_core *c = mkcore("private", 2, 1);
	struct fx_task *t = fx_mm_new(c, 1), *u = fx_mm_new(c, 10);
	struct fx_q q[3], o;
	union fx_key k, ko;
	struct fx_hb *g, *gp, *hb;

	assert_int_equal(fx_get_futex_key(t, BASE, FX_FLAGS_SIZE_32, &k, FX_READ), 0);
	assert_int_equal(fx_get_futex_key(u, BASE, FX_FLAGS_SIZE_32, &ko, FX_READ), 0);
	g = fx_hash(c, &k, t->mm, NULL);
	assert_true(g->table >= 0);		/* one thread: global tables */
	for (int i = 0; i < 3; i++) {
		fx_q_init(&q[i], t);
		q[i].key = k;
		fx_queue(&q[i], g);
	}
	fx_q_init(&o, u);
	o.key = ko;
	gp = fx_hash(c, &ko, u->mm, NULL);
	fx_queue(&o, gp);
	assert_non_null(fx_task_clone(t, 2, FX_CLONE_VM | FX_CLONE_THREAD, 0));
	assert_int_equal(fx_private_hash_slots(t), 16);
	hb = fx_hash(c, &k, t->mm, NULL);
	assert_int_equal(hb->table, -1);
	assert_int_equal(hb->waiters, 3);
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(q[i].lock_ptr, hb);
	{
		struct fx_q *it;
		int n = 0;

		plist_for_each_entry(it, &hb->chain, list)
			assert_ptr_equal(it, &q[n++]);	/* in their order */
		assert_int_equal(n, 3);
	}
	assert_ptr_equal(o.lock_ptr, gp);	/* the other process's stays */
	assert_int_equal(gp->waiters, 1);
	for (int i = 0; i < 3; i++)
		fx_unqueue(&q[i]);
	fx_unqueue(&o);
	fx_core_free(c);
}

static void test_memory(void **state)
{
	struct fx_core *c = mkcore(NULL, 2, 1);
	struct fx_task *t = fx_mm_new(c, 1), *child;
	uint32_t v = 0, old;
	char buf[8200];

	assert_int_equal(fx_mmap(t->mm, BASE, 3 * 4096, FX_PROT_READ | FX_PROT_WRITE,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), 0);
	/* overlapping and misaligned mappings are refused */
	assert_int_equal(fx_mmap(t->mm, BASE + 4096, 4096, FX_PROT_READ,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), -EINVAL);
	assert_int_equal(fx_mmap(t->mm, BASE + 1, 4096, FX_PROT_READ,
				 FX_MAP_PRIVATE | FX_MAP_ANON, NULL, 0), -EINVAL);
	/* zero-filled, writes span pages */
	assert_int_equal(fx_uaccess_get32(t->mm, BASE + 4096, &v), 0);
	assert_int_equal(v, 0);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(fx_uaccess_write(t->mm, BASE + 100, buf, sizeof(buf)), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(fx_uaccess_read(t->mm, BASE + 100, buf, sizeof(buf)), 0);
	assert_int_equal((unsigned char)buf[8199], 0x5a);
	assert_int_equal(fx_uaccess_cmpxchg32(t->mm, BASE, 0, 7, &old), 0);
	assert_int_equal(fx_uaccess_cmpxchg32(t->mm, BASE, 0, 9, &old), 0);
	assert_int_equal(old, 7);
	/* fork copies private memory */
	child = fx_task_clone(t, 2, 0, 0);
	assert_non_null(child);
	assert_int_equal(fx_uaccess_put32(child->mm, BASE, 1), 0);
	assert_int_equal(fx_uaccess_get32(t->mm, BASE, &v), 0);
	assert_int_equal(v, 7);
	/* munmap of the middle page splits the mapping */
	assert_int_equal(fx_munmap(t->mm, BASE + 4096, 4096), 0);
	assert_int_equal(fx_uaccess_get32(t->mm, BASE + 4096, &v), -EFAULT);
	assert_int_equal(fx_uaccess_get32(t->mm, BASE + 8192, &v), 0);
	assert_int_equal(fx_mprotect(t->mm, BASE + 4096, 4096, FX_PROT_READ), -ENOMEM);
	fx_core_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_private),
		cmocka_unit_test(test_key_shared_kinds),
		cmocka_unit_test(test_key_numa),
		cmocka_unit_test(test_plist_order),
		cmocka_unit_test(test_plist_fifo),
		cmocka_unit_test(test_table_sizes_and_hash),
		cmocka_unit_test(test_hash_in_place_equals_words),
		cmocka_unit_test(test_layout_knobs),
		cmocka_unit_test(test_private_hash_sizing),
		cmocka_unit_test(test_clone_rule_variants),
		cmocka_unit_test(test_rehash_keeps_order),
		cmocka_unit_test(test_first_private_hash),
		cmocka_unit_test(test_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
