// SPDX-License-Identifier: MIT
/*
 * test_keygen.c - the key generators of sim/keygen.c: determinism per
 * seed, the layout each family promises (strides, alignment, what the
 * keys of different processes share), key_id consistency, and clear
 * errors for bad specs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "keygen.h"

static const struct fx_keygen_ctx ctx4 = { .seed = 7, .ncpus = 4, .nnodes = 2 };

static void gen_ok(const char *spec, const struct fx_keygen_ctx *ctx,
		   struct fx_keyset *ks)
{
	char err[256] = "";
	int ret = fx_keygen(spec, ctx, ks, err, sizeof(err));

	if (ret)
		print_error("fx_keygen(%s): %s\n", spec, err);
	assert_int_equal(ret, 0);
}

static void gen_err(const char *spec, int want, const char *needle)
{
	struct fx_keyset ks;
	char err[512] = "";

	assert_int_equal(fx_keygen(spec, &ctx4, &ks, err, sizeof(err)), want);
	if (!strstr(err, needle))
		print_error("spec '%s': error '%s' lacks '%s'\n", spec, err, needle);
	assert_non_null(strstr(err, needle));
}

/* equal key_id <=> equal key, and the offset/address split is right */
static void check_ids(const struct fx_keyset *ks)
{
	for (size_t i = 0; i < ks->nkeys; i++) {
		const struct fx_keygen_key *a = &ks->keys[i];

		assert_true(a->key_id < ks->nkeyids);
		assert_int_equal(a->key.both.offset & ~3u & (FX_PAGE_SIZE - 1),
				 a->uaddr & (FX_PAGE_SIZE - 1));
		assert_int_equal(a->key.both.node, (uint32_t)FX_NO_NODE);
		assert_int_equal(a->node, (int)(a->cpu * 2 / 4));
		for (size_t j = i + 1; j < ks->nkeys && j < i + 600; j++) {
			const struct fx_keygen_key *b = &ks->keys[j];
			bool same = a->key.both.ptr == b->key.both.ptr &&
				    a->key.both.word == b->key.both.word &&
				    a->key.both.offset == b->key.both.offset;

			assert_int_equal(same, a->key_id == b->key_id);
		}
	}
}

static void test_determinism(void **state)
{
	static const char *const specs[] = {
		"stack:threads=16,procs=2", "heap:n=300,procs=2", "mmap:n=100",
		"page:n=50,procs=3", "shm:procs=5,n=10,segs=2",
		"samevaddr:procs=4,n=3",
	};
	struct fx_keygen_ctx other = ctx4;

	(void)state;
	other.seed = 8;
	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		struct fx_keyset a, b, c;

		gen_ok(specs[s], &ctx4, &a);
		gen_ok(specs[s], &ctx4, &b);
		gen_ok(specs[s], &other, &c);
		assert_int_equal(a.nkeys, b.nkeys);
		assert_memory_equal(a.keys, b.keys, a.nkeys * sizeof(*a.keys));
		assert_memory_equal(a.maps, b.maps, a.nmaps * sizeof(*a.maps));
		assert_string_equal(a.spec, b.spec);
		/* another seed moves the bases (samevaddr: only the mms) */
		assert_int_equal(a.nkeys, c.nkeys);
		assert_memory_not_equal(a.keys, c.keys, a.nkeys * sizeof(*a.keys));
		check_ids(&a);
		fx_keyset_free(&a);
		fx_keyset_free(&b);
		fx_keyset_free(&c);
	}
}

static void test_stack(void **state)
{
	struct fx_keyset ks;

	(void)state;
	gen_ok("stack:threads=8,procs=2,gap=8M,off=0x10", &ctx4, &ks);
	assert_string_equal(ks.spec, "stack:threads=8,procs=2,gap=8388608,off=16,aslr=1");
	assert_int_equal(ks.nkeys, 16);
	assert_int_equal(ks.nprocs, 2);
	for (size_t i = 0; i < 16; i++) {
		const struct fx_keygen_key *k = &ks.keys[i];

		assert_int_equal(k->proc, i / 8);
		assert_int_equal(k->uaddr & 0xfff, 0x10);
		assert_int_equal(k->key.private.mm, ks.mm_kptr[k->proc]);
		assert_int_equal(k->cpu, i % 4);
		if (i % 8)
			assert_int_equal(ks.keys[i - 1].uaddr - k->uaddr, 8u << 20);
	}
	assert_int_not_equal(ks.mm_kptr[0], ks.mm_kptr[1]);
	assert_int_not_equal(ks.keys[0].uaddr, ks.keys[8].uaddr);	/* ASLR */
	fx_keyset_free(&ks);
	gen_ok("stack:threads=4,procs=2,aslr=0", &ctx4, &ks);
	assert_int_equal(ks.keys[0].uaddr, ks.keys[4].uaddr);
	fx_keyset_free(&ks);
}

static void test_strides(void **state)
{
	static const unsigned strides[] = { 4, 8, 64 };
	struct fx_keyset ks;
	char spec[64];

	(void)state;
	for (unsigned s = 0; s < 3; s++) {
		snprintf(spec, sizeof(spec), "mmap:n=2000,stride=%u", strides[s]);
		gen_ok(spec, &ctx4, &ks);
		assert_int_equal(ks.nkeys, 2000);
		for (size_t i = 0; i < ks.nkeys; i++) {
			assert_int_equal(ks.keys[i].uaddr % strides[s], 0);
			assert_int_equal(ks.keys[i].uaddr - ks.keys[0].uaddr,
					 i * strides[s]);
			assert_int_equal(ks.keys[i].key.private.address,
					 ks.keys[i].uaddr & FX_PAGE_MASK);
		}
		/* the region is mapped */
		assert_int_equal(ks.nmaps, 1);
		assert_true(ks.maps[0].start <= ks.keys[0].uaddr);
		assert_true(ks.maps[0].start + ks.maps[0].len >=
			    ks.keys[ks.nkeys - 1].uaddr + 4);
		fx_keyset_free(&ks);
	}
	gen_ok("heap:n=100,stride=8,procs=4", &ctx4, &ks);
	assert_int_equal(ks.nkeys, 400);
	assert_int_equal(ks.keys[0].uaddr % 16, 0);	/* chunk alignment */
	assert_int_equal(ks.keys[1].uaddr - ks.keys[0].uaddr, 8);
	assert_int_equal(ks.keys[100].proc, 1);
	fx_keyset_free(&ks);
	gen_ok("page:n=64,off=0x40", &ctx4, &ks);
	for (size_t i = 0; i < ks.nkeys; i++) {
		assert_int_equal(ks.keys[i].uaddr & 0xfff, 0x40);
		assert_int_equal(ks.keys[i].key.both.offset, 0x40);
	}
	fx_keyset_free(&ks);
}

static void test_shared(void **state)
{
	struct fx_keyset ks;

	(void)state;
	gen_ok("shm:procs=100,n=64", &ctx4, &ks);
	assert_int_equal(ks.nkeys, 6400);
	assert_int_equal(ks.nkeyids, 64);
	assert_int_equal(ks.nsegs, 1);
	for (size_t i = 0; i < ks.nkeys; i++) {
		const struct fx_keygen_key *k = &ks.keys[i];

		assert_true(k->key.both.offset & FX_FUT_OFF_INODE);
		assert_int_equal(k->key.shared.i_seq, 1);
		assert_int_equal(k->seg, 0);
		assert_int_equal(k->key_id, i % 64);
		/* the same key in every process, whatever its address */
		assert_memory_equal(&k->key, &ks.keys[i % 64].key, sizeof(k->key));
	}
	assert_int_not_equal(ks.keys[0].uaddr, ks.keys[64].uaddr);
	check_ids(&ks);
	fx_keyset_free(&ks);

	gen_ok("samevaddr:procs=64,n=16", &ctx4, &ks);
	assert_int_equal(ks.nkeys, 1024);
	assert_int_equal(ks.nkeyids, 1024);
	for (size_t i = 16; i < ks.nkeys; i++) {
		const struct fx_keygen_key *k = &ks.keys[i], *k0 = &ks.keys[i % 16];

		assert_int_equal(k->uaddr, k0->uaddr);
		assert_int_equal(k->key.private.address, k0->key.private.address);
		assert_int_equal(k->key.both.offset, k0->key.both.offset);
		assert_int_not_equal(k->key.private.mm, k0->key.private.mm);
	}
	check_ids(&ks);
	fx_keyset_free(&ks);
}

static void test_bad_specs(void **state)
{
	(void)state;
	gen_err("nope", -EINVAL, "valid families: stack, heap, mmap, page, shm, samevaddr");
	gen_err("", -EINVAL, "unknown family");
	gen_err("heap:x=1", -EINVAL, "no parameter 'x'; valid: n, stride, procs, aslr");
	gen_err("heap:n", -EINVAL, "is not param=value");
	gen_err("heap:stride=3", -EINVAL, "stride=3: expected 4..1048576, a multiple of 4");
	gen_err("heap:n=0", -EINVAL, "n=0: expected 1..");
	gen_err("heap:n=12x", -EINVAL, "n=12x");
	gen_err("heap:n=-1", -EINVAL, "n=-1");
	gen_err("stack:gap=5000", -EINVAL, "a multiple of 4096");
	gen_err("shm:procs=65536,n=65536", -E2BIG, "entries");
	/* the largest spans the limits allow still fit below TASK_SIZE */
	{
		struct fx_keyset ks;

		gen_ok("stack:threads=65536,gap=1G", &ctx4, &ks);
		assert_int_equal(ks.nkeys, 65536);
		fx_keyset_free(&ks);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_strides),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_bad_specs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
