// SPDX-License-Identifier: MIT
/*
 * test_hashers.c - the hash-function plug-ins of sim/hashers/.
 *
 * Where a function has published test vectors they are checked through the
 * public hash_bytes (or hash_key) of its registry entry, with the source of
 * each table named beside it.  The kernel's word functions (jhash2,
 * hash_32, hash_64, hash_64_old) and our own foldings have no published
 * vectors in this form; they are checked against a second transcription
 * written here, independently of the plug-in, from the algorithm's
 * description, over many random keys, plus literal values computed with a
 * third, Python transcription (same descriptions) and cross-checked
 * against the plug-in before being pasted in.
 *
 * One generic test runs over every registry entry: deterministic, a value
 * no wider than out_bits, and sensitive to every key word, the initval and
 * the seed - except where the plug-in documents that it ignores one of
 * them, in which case the test checks that it really does ignore it.
 *
 * crc32c is also tested white-box: this file includes crc32c.c to reach
 * its static SSE4.2 and table paths.  The included copy's struct is renamed
 * so that it does not clash with the one linked from the library.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#define fx_hasher_crc32c fx_hasher_crc32c_whitebox
#include "../../sim/hashers/crc32c.c"
#undef fx_hasher_crc32c

#include "hashers/hasher.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define check_hasher(cond, h, what) do {				\
	if (!(cond))							\
		fail_msg("%s: %s (line %d)", (h)->name, (what), __LINE__); \
} while (0)

/* ---------------------------------------------------------------------- */
/* Test helpers, independent of the plug-ins                              */

/* xorshift64* (Vigna): a fixed-seed generator for reproducible keys. */
static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t rng32(void)
{
	return (uint32_t)(rng() >> 32);
}

static const struct fx_hasher *get(const char *name)
{
	const struct fx_hasher *h = fx_hasher_find(name);

	if (!h)
		fail_msg("hasher %s not registered", name);
	return h;
}

/* Reverse the low @n bits of @x, one bit at a time. */
static uint64_t rev_bits(uint64_t x, unsigned n)
{
	uint64_t r = 0;

	for (unsigned i = 0; i < n; i++)
		if (x >> i & 1)
			r |= 1ull << (n - 1 - i);
	return r;
}

/* The key bytes K: LE32 of every word, then LE32(initval). */
static size_t key_bytes(uint8_t *out, const uint32_t *w, unsigned n,
			uint32_t iv)
{
	size_t len = 0;

	for (unsigned i = 0; i <= n; i++) {
		uint32_t v = i < n ? w[i] : iv;

		for (unsigned b = 0; b < 4; b++)
			out[len++] = (uint8_t)(v >> (8 * b));
	}
	return len;
}

static void fill_random(uint32_t *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w[i] = rng32();
}

/* ---------------------------------------------------------------------- */
/* Registry                                                               */

static const char *const expected_order[] = {
	"jhash2", "hash_32", "hash_64", "hash_64_old", "siphash", "hsiphash",
	"xxh32", "xxh64", "xxh3", "murmur3", "murmur3_fmix64", "crc32c",
	"wyhash", "fnv1a", "modprime", "liteos", "lowbits", "ideal",
};

static void test_registry(void **state)
{
	size_t n = 0;

	(void)state;
	for (const struct fx_hasher *const *h = fx_hashers; *h; h++, n++) {
		assert_true(n < ARRAY_SIZE(expected_order));
		assert_string_equal((*h)->name, expected_order[n]);
		assert_non_null((*h)->summary);
		assert_true(strlen((*h)->summary) > 0);
		assert_true((*h)->out_bits == 32 || (*h)->out_bits == 64);
		assert_non_null((*h)->hash_key);
		assert_ptr_equal(fx_hasher_find((*h)->name), *h);
	}
	assert_int_equal(n, ARRAY_SIZE(expected_order));

	assert_ptr_equal(fx_hasher_find("jhash2"), &fx_hasher_jhash2);
	assert_ptr_equal(fx_hasher_find("ideal"), &fx_hasher_ideal);
	assert_null(fx_hasher_find("nope"));
	assert_null(fx_hasher_find(""));
	assert_null(fx_hasher_find("JHASH2"));
	assert_null(fx_hasher_find("hash_6"));
	assert_string_equal(fx_hasher_names(),
			    "jhash2, hash_32, hash_64, hash_64_old, siphash, "
			    "hsiphash, xxh32, xxh64, xxh3, murmur3, "
			    "murmur3_fmix64, crc32c, wyhash, fnv1a, modprime, "
			    "liteos, lowbits, ideal");
	/* a static string: the second call returns the same text */
	assert_string_equal(fx_hasher_names(), fx_hasher_names());
}

/* ---------------------------------------------------------------------- */
/* Generic properties of every registry entry                             */

/*
 * Documented exceptions (see each plug-in's top comment).  The generic test
 * checks that these inputs are ignored, and that all others are not.
 */
#define Q_ADDR_ONLY	1u	/* only the address word pair is hashed */
#define Q_ADDR_LO_ONLY	2u	/* only the address's low word is hashed */
#define Q_NO_KIND	4u	/* FUT_OFF_* bits (initval bits 0-1) ignored */
#define Q_NO_SEED	8u	/* the seed is ignored */

static const struct {
	const char *name;
	unsigned quirks;
} quirk_table[] = {
	{ "liteos", Q_ADDR_LO_ONLY | Q_NO_KIND },
	{ "lowbits", Q_ADDR_ONLY | Q_NO_KIND | Q_NO_SEED },
};

static unsigned quirks_of(const struct fx_hasher *h)
{
	for (size_t i = 0; i < ARRAY_SIZE(quirk_table); i++)
		if (strcmp(quirk_table[i].name, h->name) == 0)
			return quirk_table[i].quirks;
	return 0;
}

/* Does word @i of an @n-word key reach the hash, per the quirks? */
static int word_hashed(unsigned quirks, unsigned i, unsigned n)
{
	if (quirks & Q_ADDR_LO_ONLY)
		return (n & 1) ? i == n - 1 : i == n - 2;
	if (quirks & Q_ADDR_ONLY)
		return (n & 1) ? i == n - 1 : i >= n - 2;
	return 1;
}

static void check_generic(const struct fx_hasher *h)
{
	static const unsigned nword_choices[] = { 1, 2, 3, 4, 5, 8 };
	static const unsigned flip_bits[] = { 2, 13, 31 };
	unsigned quirks = quirks_of(h);
	int saw_high = 0;

	for (unsigned t = 0; t < 300; t++) {
		unsigned n = nword_choices[t % ARRAY_SIZE(nword_choices)];
		uint32_t w[8], iv = rng32();
		uint64_t seed = rng(), v;

		fill_random(w, n);
		v = h->hash_key(w, n, iv, seed);
		check_hasher(v == h->hash_key(w, n, iv, seed), h,
			     "not deterministic");
		if (h->out_bits == 32)
			check_hasher(v >> 32 == 0, h, "wider than out_bits 32");
		else if (v >> 32)
			saw_high = 1;

		for (unsigned i = 0; i < n; i++) {
			for (size_t b = 0; b < ARRAY_SIZE(flip_bits); b++) {
				uint64_t v2;

				w[i] ^= 1u << flip_bits[b];
				v2 = h->hash_key(w, n, iv, seed);
				w[i] ^= 1u << flip_bits[b];
				if (word_hashed(quirks, i, n))
					check_hasher(v2 != v, h,
						     "a key word does not change the value");
				else
					check_hasher(v2 == v, h,
						     "a documented-ignored word changes the value");
			}
		}

		/* in-page offset bits: every hasher must see them */
		check_hasher(h->hash_key(w, n, iv ^ 0x004, seed) != v, h,
			     "initval bit 2 ignored");
		check_hasher(h->hash_key(w, n, iv ^ 0x800, seed) != v, h,
			     "initval bit 11 ignored");
		/* kind bits */
		for (unsigned b = 0; b < 2; b++) {
			uint64_t v2 = h->hash_key(w, n, iv ^ (1u << b), seed);

			if (quirks & Q_NO_KIND)
				check_hasher(v2 == v, h, "kind bits not ignored");
			else
				check_hasher(v2 != v, h, "kind bit ignored");
		}
		/* seed 0 against seed 1 */
		if (quirks & Q_NO_SEED)
			check_hasher(h->hash_key(w, n, iv, 0) ==
				     h->hash_key(w, n, iv, 1), h,
				     "seed not ignored");
		else
			check_hasher(h->hash_key(w, n, iv, 0) !=
				     h->hash_key(w, n, iv, 1), h,
				     "seed 0 and seed 1 agree");
	}
	if (h->out_bits == 64)
		check_hasher(saw_high, h, "out_bits 64 but never above bit 31");
}

static void test_generic_all(void **state)
{
	(void)state;
	for (const struct fx_hasher *const *h = fx_hashers; *h; h++)
		check_generic(*h);
}

/*
 * Byte-string hashers document hash_key(w, n, iv, s) == hash_bytes(K, 4n+4,
 * s).  0..70 words covers the plug-ins' one-shot buffer (64 words) and
 * their chunked path beyond it.  liteos hashes only the address, so its
 * identity is checked in test_liteos instead.
 */
static void test_key_equals_bytes(void **state)
{
	(void)state;
	for (const struct fx_hasher *const *hp = fx_hashers; *hp; hp++) {
		const struct fx_hasher *h = *hp;

		/* every byte function but liteos (address only) folds key bytes */
		check_hasher(h->key_bytes == (h->hash_bytes &&
					      strcmp(h->name, "liteos") != 0), h,
			     "key_bytes does not say how the key is folded");
		if (!h->key_bytes)
			continue;
		for (unsigned n = 0; n <= 70; n++) {
			uint32_t w[70];
			uint8_t k[4 * 71];
			uint32_t iv = rng32();
			uint64_t seed = rng();
			size_t len;

			fill_random(w, n);
			len = key_bytes(k, w, n, iv);
			check_hasher(h->hash_key(w, n, iv, seed) ==
				     h->hash_bytes(k, len, seed), h,
				     "hash_key differs from hash_bytes of the key bytes");
		}
	}
}

/* ---------------------------------------------------------------------- */
/* jhash2                                                                 */

/*
 * A second transcription of jhash2, table-driven, written from the text of
 * futex-core.md section 2.1 (not from jhash2.c): mix is six steps
 * "x -= z; x ^= rol32(z, r); z += y", final seven steps
 * "x ^= y; x -= rol32(y, r)".
 */
enum { A, B, C };

static uint32_t ref_rol32(uint32_t v, unsigned r)
{
	return (v << r) | (v >> (32 - r));
}

static uint32_t ref_jhash2(const uint32_t *k, uint32_t length, uint32_t initval)
{
	static const unsigned mix[6][4] = {	/* x, z, y, r */
		{ A, C, B, 4 }, { B, A, C, 6 }, { C, B, A, 8 },
		{ A, C, B, 16 }, { B, A, C, 19 }, { C, B, A, 4 },
	};
	static const unsigned fin[7][3] = {	/* x, y, r */
		{ C, B, 14 }, { A, C, 11 }, { B, A, 25 }, { C, B, 16 },
		{ A, C, 4 }, { B, A, 14 }, { C, B, 24 },
	};
	uint32_t v[3];

	v[A] = v[B] = v[C] = 0xdeadbeefu + (length << 2) + initval;
	for (; length > 3; length -= 3, k += 3) {
		v[A] += k[0];
		v[B] += k[1];
		v[C] += k[2];
		for (unsigned s = 0; s < 6; s++) {
			v[mix[s][0]] -= v[mix[s][1]];
			v[mix[s][0]] ^= ref_rol32(v[mix[s][1]], mix[s][3]);
			v[mix[s][1]] += v[mix[s][2]];
		}
	}
	if (length == 0)
		return v[C];
	if (length == 3)
		v[C] += k[2];
	if (length >= 2)
		v[B] += k[1];
	v[A] += k[0];
	for (unsigned s = 0; s < 7; s++) {
		v[fin[s][0]] ^= v[fin[s][1]];
		v[fin[s][0]] -= ref_rol32(v[fin[s][1]], fin[s][2]);
	}
	return v[C];
}

/* Keys used for the literal values (computed with the Python transcription). */
static const uint32_t key4[] = { 0x88801000, 0xffff9a3c, 0x7f3ac000, 0x00007ffd };
static const uint32_t key2[] = { 0x7f3ac000, 0x00007ffd };
static const uint32_t key3[] = { 0x12345678, 0x9abcdef0, 0xb7f01000 };

struct literal {
	const uint32_t *w;
	unsigned n;
	uint32_t iv;
	uint64_t seed;
	uint64_t want;
};

static void check_literals(const char *name, const struct literal *l, size_t cnt)
{
	const struct fx_hasher *h = get(name);

	for (size_t i = 0; i < cnt; i++) {
		uint64_t got = h->hash_key(l[i].w, l[i].n, l[i].iv, l[i].seed);

		if (got != l[i].want)
			fail_msg("%s literal %zu: got 0x%llx want 0x%llx", name, i,
				 (unsigned long long)got,
				 (unsigned long long)l[i].want);
	}
}

static void test_jhash2(void **state)
{
	const struct fx_hasher *h = get("jhash2");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x8b2597d9 },
		{ key4, 4, 0x0a6, 0x5eed, 0x65dbff08 },
		{ key2, 2, 0x010, 0, 0x19943254 },
		{ key3, 3, 0x7fc, 1, 0x6265df54 },
		/* no words: c is returned unmixed, lookup3's "deadbeef" */
		{ NULL, 0, 0, 0, 0xdeadbeef },
	};

	(void)state;
	check_literals("jhash2", lit, ARRAY_SIZE(lit));
	for (unsigned t = 0; t < 5000; t++) {
		uint32_t w[13], iv = rng32();
		unsigned n = t % 14;
		uint64_t seed = t & 1 ? rng() : 0;

		fill_random(w, n);
		/* the plug-in XORs the seed's low 32 bits into initval */
		assert_int_equal(h->hash_key(w, n, iv, seed),
				 ref_jhash2(w, n, iv ^ (uint32_t)seed));
	}
}

/* ---------------------------------------------------------------------- */
/* hash_32, hash_64, hash_64_old                                          */

/* The kernel's functions as include/linux/hash.h writes them (64-bit). */
static uint32_t kernel_hash_32(uint32_t val, unsigned bits)
{
	return (uint32_t)(val * 0x61C88647u) >> (32 - bits);
}

static uint32_t kernel_hash_64(uint64_t val, unsigned bits)
{
	return (uint32_t)(val * 0x61C8864680B583EBull >> (64 - bits));
}

/* The pre-2016 hash_64 body: multiply by 0x9e37fffffffc0001 in shifts. */
static uint64_t old_hash_64_product(uint64_t val)
{
	uint64_t hash = val, n = val;

	n <<= 18;
	hash -= n;
	n <<= 33;
	hash -= n;
	n <<= 3;
	hash += n;
	n <<= 3;
	hash -= n;
	n <<= 4;
	hash += n;
	n <<= 2;
	hash += n;
	return hash;
}

/* 2-word key for address @a: the lane fold is a ^ initval ^ seed. */
static void addr_key(uint32_t w[2], uint64_t a)
{
	w[0] = (uint32_t)a;
	w[1] = (uint32_t)(a >> 32);
}

static void test_hash_32(void **state)
{
	const struct fx_hasher *h = get("hash_32");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0xc0b53081 },
		{ key4, 4, 0x0a6, 0x5eed, 0x62f0daf7 },
		{ key2, 2, 0x010, 0, 0xdd1297e3 },
		{ key3, 3, 0x7fc, 1, 0xceeeca65 },
		{ NULL, 0, 0, 0, 0 },
	};

	(void)state;
	check_literals("hash_32", lit, ARRAY_SIZE(lit));
	/* value & mask picks the kernel's hash_32(val, k), bit-reversed */
	for (unsigned t = 0; t < 5000; t++) {
		uint64_t a = rng(), seed = t & 1 ? rng() : 0, x;
		uint32_t w[2], iv = rng32(), val;
		unsigned k = 1 + t % 32;
		uint64_t v;

		addr_key(w, a);
		x = a ^ iv ^ seed;
		val = (uint32_t)x ^ (uint32_t)(x >> 32);
		v = h->hash_key(w, 2, iv, seed);
		assert_int_equal(v & ((1ull << k) - 1),
				 rev_bits(kernel_hash_32(val, k), k));
	}
}

static void test_hash_64(void **state)
{
	const struct fx_hasher *h = get("hash_64");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x314eaca148f96750ull },
		{ key4, 4, 0x0a6, 0x5eed, 0x9bffe85f06c3899aull },
		{ key2, 2, 0x010, 0, 0x0d7e61650376a764ull },
		{ key3, 3, 0x7fc, 1, 0xe82c1dd679155ae2ull },
		{ NULL, 0, 0, 0, 0 },
	};

	(void)state;
	check_literals("hash_64", lit, ARRAY_SIZE(lit));
	for (unsigned t = 0; t < 5000; t++) {
		uint64_t a = rng(), seed = t & 1 ? rng() : 0;
		uint32_t w[2], iv = rng32();
		unsigned k = 1 + t % 32;
		uint64_t v;

		addr_key(w, a);
		v = h->hash_key(w, 2, iv, seed);
		assert_int_equal(v & ((1ull << k) - 1),
				 rev_bits(kernel_hash_64(a ^ iv ^ seed, k), k));
		/* the whole value is the product, bit-reversed */
		assert_int_equal(rev_bits(v, 64),
				 (a ^ iv ^ seed) * 0x61C8864680B583EBull);
	}
	/* 4 words: the lanes are XORed (mm ^ address) before the multiply */
	{
		uint32_t w[4];
		uint64_t mm = rng(), a = rng();

		addr_key(w, mm);
		addr_key(w + 2, a);
		assert_int_equal(rev_bits(h->hash_key(w, 4, 0x40, 0), 64),
				 (mm ^ a ^ 0x40) * 0x61C8864680B583EBull);
	}
}

/* Distinct buckets used by @npages consecutive pages in a 2^k table. */
static unsigned pages_spread(const struct fx_hasher *h, unsigned k)
{
	static uint8_t used[1 << 12];
	unsigned distinct = 0;

	memset(used, 0, sizeof(used));
	for (uint64_t i = 0; i < (1u << k); i++) {
		uint32_t w[2];
		uint64_t b;

		addr_key(w, 0x7f3a00000000ull + i * 4096);
		b = h->hash_key(w, 2, 0, 0) & ((1u << k) - 1);
		if (!used[b]) {
			used[b] = 1;
			distinct++;
		}
	}
	return distinct;
}

static void test_hash_64_old(void **state)
{
	const struct fx_hasher *h = get("hash_64_old");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x250b54ad6b601b22ull },
		{ key4, 4, 0x0a6, 0x5eed, 0xd271717deb6006cbull },
		{ key2, 2, 0x010, 0, 0x08035f7e48c151c7ull },
		{ key3, 3, 0x7fc, 1, 0xa1820df9fbe24851ull },
	};

	(void)state;
	check_literals("hash_64_old", lit, ARRAY_SIZE(lit));
	/* the old shift/add sequence is the multiply the plug-in does */
	for (unsigned t = 0; t < 5000; t++) {
		uint64_t a = rng();
		uint32_t w[2], iv = rng32();

		addr_key(w, a);
		assert_int_equal(rev_bits(h->hash_key(w, 2, iv, 0), 64),
				 old_hash_64_product(a ^ iv));
	}
	/*
	 * The documented weakness: 512 consecutive pages in a 512-bucket
	 * table.  A random function would use about 512 * (1 - 1/e) = 324
	 * buckets; the old constant uses a handful, the new one many.
	 */
	assert_true(pages_spread(h, 9) <= 4);
	assert_true(pages_spread(get("hash_64"), 9) >= 200);
	assert_true(pages_spread(get("ideal"), 9) >= 280);
}

/* ---------------------------------------------------------------------- */
/* SipHash-2-4, hsiphash                                                  */

#define SIP_REF_SEED 0x0706050403020100ull	/* key 00 01 .. 0f */

/*
 * SipHash-2-4, key 00..0f, message 00 01 .. len-1, len 0..63: the
 * reference vectors of github.com/veorq/SipHash vectors.h (vectors_sip64,
 * there as little-endian bytes), as the kernel's lib/siphash_kunit.c also
 * carries them.
 */
static const uint64_t sip_vectors[64] = {
	0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull,
	0x85676696d7fb7e2dull, 0xcf2794e0277187b7ull, 0x18765564cd99a68dull,
	0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull, 0x93f5f5799a932462ull,
	0x9e0082df0ba9e4b0ull, 0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
	0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull,
	0xa129ca6149be45e5ull, 0x3f2acc7f57c29bdbull, 0x699ae9f52cbe4794ull,
	0x4bc1b3f0968dd39cull, 0xbb6dc91da77961bdull, 0xbed65cf21aa2ee98ull,
	0xd0f2cbb02e3b67c7ull, 0x93536795e3a33e88ull, 0xa80c038ccd5ccec8ull,
	0xb8ad50c6f649af94ull, 0xbce192de8a85b8eaull, 0x17d835b85bbb15f3ull,
	0x2f2e6163076bcfadull, 0xde4daaaca71dc9a5ull, 0xa6a2506687956571ull,
	0xad87a3535c49ef28ull, 0x32d892fad841c342ull, 0x7127512f72f27cceull,
	0xa7f32346f95978e3ull, 0x12e0b01abb051238ull, 0x15e034d40fa197aeull,
	0x314dffbe0815a3b4ull, 0x027990f029623981ull, 0xcadcd4e59ef40c4dull,
	0x9abfd8766a33735cull, 0x0e3ea96b5304a7d0ull, 0xad0c42d6fc585992ull,
	0x187306c89bc215a9ull, 0xd4a60abcf3792b95ull, 0xf935451de4f21df2ull,
	0xa9538f0419755787ull, 0xdb9acddff56ca510ull, 0xd06c98cd5c0975ebull,
	0xe612a3cb9ecba951ull, 0xc766e62cfcadaf96ull, 0xee64435a9752fe72ull,
	0xa192d576b245165aull, 0x0a8787bf8ecb74b2ull, 0x81b3e73d20b49b6full,
	0x7fa8220ba3b2eceaull, 0x245731c13ca42499ull, 0xb78dbfaf3a8d83bdull,
	0xea1ad565322a1a0bull, 0x60e61c23a3795013ull, 0x6606d7e446282b93ull,
	0x6ca4ecb15c5f91e1ull, 0x9f626da15c9625f3ull, 0xe51b38608ef25f57ull,
	0x958a324ceb064572ull,
};

/*
 * The kernel's hsiphash on 64-bit kernels (SipHash-1-3, truncated to u32),
 * key {0x0706050403020100, 0x0f0e0d0c0b0a0908}, message 00 .. len-1:
 * test_vectors_hsiphash of lib/siphash_kunit.c, BITS_PER_LONG == 64 branch.
 */
static const uint32_t hsip_vectors[64] = {
	0x050fc4dc, 0x7d57ca93, 0x4dc7d44d, 0xe7ddf7fb, 0x88d38328, 0x49533b67,
	0xc59f22a7, 0x9bb11140, 0x8d299a8e, 0x6c063de4, 0x92ff097f, 0xf94dc352,
	0x57b4d9a2, 0x1229ffa7, 0xc0f95d34, 0x2a519956, 0x7d908b66, 0x63dbd80c,
	0xb473e63e, 0x8d297d1c, 0xa6cce040, 0x2b45f844, 0xa320872e, 0xdae6c123,
	0x67349c8c, 0x705b0979, 0xca9913a5, 0x4ade3b35, 0xef6cd00d, 0x4ab1e1f4,
	0x43c5e663, 0x8c21d1bc, 0x16a7b60d, 0x7a8ff9bf, 0x1f2a753e, 0xbf186b91,
	0xada26206, 0xa3c33057, 0xae3a36a1, 0x7b108392, 0x99e41531, 0x3f1ad944,
	0xc8138825, 0xc28949a6, 0xfaf8876b, 0x9f042196, 0x68b1d623, 0x8b5114fd,
	0xdf074c46, 0x12cc86b3, 0x0a52098f, 0x9d292f9a, 0xa2f41f12, 0x43a71ed0,
	0x73f0bce6, 0x70a7e980, 0x243c6d75, 0xfdb71513, 0xa67d8a08, 0xb7e8f148,
	0xf7a644ee, 0x0f1837f2, 0x4b6694e0, 0xb7bbb3a8,
};

/* The kernel self-tests' word forms: 03020100, 07060504, ... */
static const uint32_t seq_words[4] = {
	0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
};

static void test_siphash(void **state)
{
	const struct fx_hasher *h = get("siphash");
	uint8_t in[64], unaligned[65];

	(void)state;
	for (unsigned i = 0; i < 64; i++) {
		in[i] = (uint8_t)i;
		unaligned[i + 1] = (uint8_t)i;
	}
	for (unsigned len = 0; len < 64; len++) {
		assert_int_equal(h->hash_bytes(in, len, SIP_REF_SEED),
				 sip_vectors[len]);
		assert_int_equal(h->hash_bytes(unaligned + 1, len, SIP_REF_SEED),
				 sip_vectors[len]);
	}
	/* key path: words then initval are the message bytes */
	assert_int_equal(h->hash_key(NULL, 0, seq_words[0], SIP_REF_SEED),
			 sip_vectors[4]);
	assert_int_equal(h->hash_key(seq_words, 1, seq_words[1], SIP_REF_SEED),
			 sip_vectors[8]);
	assert_int_equal(h->hash_key(seq_words, 2, seq_words[2], SIP_REF_SEED),
			 sip_vectors[12]);
	assert_int_equal(h->hash_key(seq_words, 3, seq_words[3], SIP_REF_SEED),
			 sip_vectors[16]);
	/* another seed gives another key */
	assert_int_not_equal(h->hash_bytes(in, 16, SIP_REF_SEED + 1),
			     sip_vectors[16]);
}

static void test_hsiphash(void **state)
{
	const struct fx_hasher *h = get("hsiphash");
	uint8_t in[64];

	(void)state;
	for (unsigned i = 0; i < 64; i++)
		in[i] = (uint8_t)i;
	for (unsigned len = 0; len < 64; len++)
		assert_int_equal(h->hash_bytes(in, len, SIP_REF_SEED),
				 hsip_vectors[len]);
	/* as the kernel's hsiphash_1u32 .. hsiphash_4u32 self-tests */
	assert_int_equal(h->hash_key(NULL, 0, seq_words[0], SIP_REF_SEED),
			 hsip_vectors[4]);
	assert_int_equal(h->hash_key(seq_words, 1, seq_words[1], SIP_REF_SEED),
			 hsip_vectors[8]);
	assert_int_equal(h->hash_key(seq_words, 2, seq_words[2], SIP_REF_SEED),
			 hsip_vectors[12]);
	assert_int_equal(h->hash_key(seq_words, 3, seq_words[3], SIP_REF_SEED),
			 hsip_vectors[16]);
}

/* ---------------------------------------------------------------------- */
/* xxHash                                                                 */

#define XX_PRIME32 2654435761u
#define XX_PRIME64 11400714785074694797ull

/*
 * The sanity-check input of xxHash's cli/xsum_sanity_check.c
 * (XSUM_fillTestBuffer): byteGen = PRIME32; byte i = byteGen >> 56;
 * byteGen *= PRIME64.
 */
static uint8_t xx_buf[2400];

static void xx_fill(void)
{
	uint64_t gen = XX_PRIME32;

	for (size_t i = 0; i < sizeof(xx_buf); i++) {
		xx_buf[i] = (uint8_t)(gen >> 56);
		gen *= XX_PRIME64;
	}
}

struct xx_vec {
	size_t len;
	uint64_t seed;
	uint64_t want;
};

static void check_xx(const char *name, const struct xx_vec *v, size_t cnt)
{
	const struct fx_hasher *h = get(name);

	xx_fill();
	for (size_t i = 0; i < cnt; i++) {
		uint64_t got = h->hash_bytes(v[i].len ? xx_buf : NULL, v[i].len,
					     v[i].seed);

		if (got != v[i].want)
			fail_msg("%s len %zu: got 0x%llx want 0x%llx", name,
				 v[i].len, (unsigned long long)got,
				 (unsigned long long)v[i].want);
	}
}

/* XSUM_XXH32_testdata, cli/xsum_sanity_check.c */
static void test_xxh32(void **state)
{
	static const struct xx_vec v[] = {
		{ 0, 0, 0x02CC5D05 }, { 0, XX_PRIME32, 0x36B78AE7 },
		{ 1, 0, 0xCF65B03E }, { 1, XX_PRIME32, 0xB4545AA4 },
		{ 14, 0, 0x1208E7E2 }, { 14, XX_PRIME32, 0x6AF1D1FE },
		{ 222, 0, 0x5BD11DBD }, { 222, XX_PRIME32, 0x58803C5F },
		/* the documented seed fold: high half XORed into the low half */
		{ 14, (uint64_t)XX_PRIME32 << 32 | XX_PRIME32, 0x1208E7E2 },
		{ 14, (uint64_t)XX_PRIME32 << 32, 0x6AF1D1FE },
	};

	(void)state;
	check_xx("xxh32", v, ARRAY_SIZE(v));
}

/* XSUM_XXH64_testdata, cli/xsum_sanity_check.c */
static void test_xxh64(void **state)
{
	static const struct xx_vec v[] = {
		{ 0, 0, 0xEF46DB3751D8E999ull },
		{ 0, XX_PRIME32, 0xAC75FDA2929B17EFull },
		{ 1, 0, 0xE934A84ADB052768ull },
		{ 1, XX_PRIME32, 0x5014607643A9B4C3ull },
		{ 4, 0, 0x9136A0DCA57457EEull },
		{ 14, 0, 0x8282DCC4994E35C8ull },
		{ 14, XX_PRIME32, 0xC3BD6BF63DEB6DF0ull },
		{ 222, 0, 0xB641AE8CB691C174ull },
		{ 222, XX_PRIME32, 0x20CB8AB7AE10C14Aull },
	};

	(void)state;
	check_xx("xxh64", v, ARRAY_SIZE(v));
}

/* XSUM_XXH3_testdata (XXH3_64bits_withSeed), cli/xsum_sanity_check.c */
static void test_xxh3(void **state)
{
	static const struct xx_vec v[] = {
		{ 0, 0, 0x2D06800538D394C2ull },
		{ 0, XX_PRIME64, 0xA8A6B918B2F0364Aull },
		{ 1, 0, 0xC44BDFF4074EECDBull },
		{ 1, XX_PRIME64, 0x032BE332DD766EF8ull },
		{ 6, 0, 0x27B56A84CD2D7325ull },
		{ 6, XX_PRIME64, 0x84589C116AB59AB9ull },
		{ 12, 0, 0xA713DAF0DFBB77E7ull },
		{ 12, XX_PRIME64, 0xE7303E1B2336DE0Eull },
		{ 24, 0, 0xA3FE70BF9D3510EBull },
		{ 24, XX_PRIME64, 0x850E80FC35BDD690ull },
		{ 48, 0, 0x397DA259ECBA1F11ull },
		{ 48, XX_PRIME64, 0xADC2CBAA44ACC616ull },
		{ 80, 0, 0xBCDEFBBB2C47C90Aull },
		{ 80, XX_PRIME64, 0xC6DD0CB699532E73ull },
		{ 195, 0, 0xCD94217EE362EC3Aull },
		{ 195, XX_PRIME64, 0xBA68003D370CB3D9ull },
		{ 403, 0, 0xCDEB804D65C6DEA4ull },
		{ 403, XX_PRIME64, 0x6259F6ECFD6443FDull },
		{ 512, 0, 0x617E49599013CB6Bull },
		{ 512, XX_PRIME64, 0x3CE457DE14C27708ull },
		{ 2048, 0, 0xDD59E2C3A5F038E0ull },
		{ 2048, XX_PRIME64, 0x66F81670669ABABCull },
		{ 2240, 0, 0x6E73A90539CF2948ull },
		{ 2240, XX_PRIME64, 0x757BA8487D1B5247ull },
		{ 2367, 0, 0xCB37AEB9E5D361EDull },
		{ 2367, XX_PRIME64, 0xD2DB3415B942B42Aull },
	};

	(void)state;
	check_xx("xxh3", v, ARRAY_SIZE(v));
}

/* ---------------------------------------------------------------------- */
/* MurmurHash3                                                            */

static void test_murmur3(void **state)
{
	const struct fx_hasher *h = get("murmur3");
	/*
	 * MurmurHash3_x86_32 vectors published by Ian Boyd (Stack Overflow,
	 * "MurmurHash3 test vectors", from a port checked against SMHasher).
	 */
	static const struct {
		const char *data;
		size_t len;
		uint32_t seed, want;
	} v[] = {
		{ "", 0, 0, 0 },
		{ "", 0, 1, 0x514E28B7 },
		{ "", 0, 0xffffffff, 0x81F16F39 },
		{ "\xff\xff\xff\xff", 4, 0, 0x76293B50 },
		{ "\x21\x43\x65\x87", 4, 0, 0xF55B516B },
		{ "\x21\x43\x65\x87", 4, 0x5082EDEE, 0x2362F9DE },
		{ "\x21\x43\x65", 3, 0, 0x7E4A8634 },
		{ "\x21\x43", 2, 0, 0xA0F7B07A },
		{ "\x21", 1, 0, 0x72661CF4 },
		{ "\0\0\0\0", 4, 0, 0x2362F9DE },
		{ "\0\0\0", 3, 0, 0x85F0B427 },
		{ "\0\0", 2, 0, 0x30F4C306 },
		{ "\0", 1, 0, 0x514E28B7 },
		{ "aaaa", 4, 0x9747b28c, 0x5A97808A },
		{ "Hello, world!", 13, 0x9747b28c, 0x24884CBA },
		/* the brief's value; agrees with SMHasher's check below */
		{ "Hello, world!", 13, 1234, 0xFAF6CDB3 },
	};
	uint8_t key[256], hashes[256 * 4];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		assert_int_equal(h->hash_bytes(v[i].data, v[i].len, v[i].seed),
				 v[i].want);
	/*
	 * SMHasher's VerificationTest: hash key[0..i) (key[j] = j) with seed
	 * 256 - i for i = 0..255, hash the 256 little-endian results with
	 * seed 0; MurmurHash3_x86_32's published verification value is
	 * 0xB0F57EE3.
	 */
	for (unsigned i = 0; i < 256; i++) {
		uint32_t r;

		key[i] = (uint8_t)i;
		r = (uint32_t)h->hash_bytes(key, i, 256 - i);
		for (unsigned b = 0; b < 4; b++)
			hashes[4 * i + b] = (uint8_t)(r >> (8 * b));
	}
	assert_int_equal(h->hash_bytes(hashes, sizeof(hashes), 0), 0xB0F57EE3);
}

/*
 * The inverse of fmix64, derived here from the published constants alone:
 * x ^= x >> 33 undoes itself (33 + 33 >= 64), and an odd constant's inverse
 * mod 2^64 comes from Newton's iteration inv = inv * (2 - c * inv).
 */
static uint64_t inv64(uint64_t c)
{
	uint64_t inv = c;

	for (int i = 0; i < 6; i++)
		inv *= 2 - c * inv;
	return inv;
}

static uint64_t unfmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= inv64(0xc4ceb9fe1a85ec53ull);
	k ^= k >> 33;
	k *= inv64(0xff51afd7ed558ccdull);
	k ^= k >> 33;
	return k;
}

static void test_murmur3_fmix64(void **state)
{
	const struct fx_hasher *h = get("murmur3_fmix64");
	static const uint32_t one[] = { 1 }, dead[] = { 0xdeadbeef };
	static const struct literal lit[] = {
		{ NULL, 0, 0, 0, 0 },			/* fmix64(0) = 0 */
		{ one, 1, 0, 0, 0xb456bcfc34c2cb2cull },	/* fmix64(1) */
		{ dead, 1, 0, 0, 0xd24bd59f862a1dacull },	/* fmix64(0xdeadbeef) */
		{ key4, 4, 0x0a4, 0, 0xc8bebe7a79a41e4dull },
		{ key4, 4, 0x0a6, 0x5eed, 0x1ad3b149cb83c57dull },
		{ key2, 2, 0x010, 0, 0xaf5c4b8c37348d77ull },
		{ key3, 3, 0x7fc, 1, 0xabf5b800a2bb58f4ull },
	};

	(void)state;
	check_literals("murmur3_fmix64", lit, ARRAY_SIZE(lit));
	assert_int_equal(inv64(0xff51afd7ed558ccdull) * 0xff51afd7ed558ccdull, 1);
	for (unsigned t = 0; t < 5000; t++) {
		uint64_t a = rng(), seed = rng();
		uint32_t w[2], iv = rng32();

		addr_key(w, a);
		assert_int_equal(unfmix64(h->hash_key(w, 2, iv, seed)),
				 a ^ iv ^ seed);
	}
}

/* ---------------------------------------------------------------------- */
/* CRC32C                                                                 */

/* Bit-at-a-time CRC-32C register update, from the polynomial alone. */
static uint32_t crc32c_bitwise(uint32_t reg, const uint8_t *p, size_t len)
{
	while (len--) {
		reg ^= *p++;
		for (int b = 0; b < 8; b++)
			reg = (reg >> 1) ^ (0x82F63B78u & (0u - (reg & 1)));
	}
	return reg;
}

static void test_crc32c(void **state)
{
	const struct fx_hasher *h = get("crc32c");
	uint8_t buf[32];
	uint32_t part;

	(void)state;
	/* the CRC-32/ISCSI check value */
	assert_int_equal(h->hash_bytes("123456789", 9, 0), 0xE3069283);
	assert_int_equal(h->hash_bytes("", 0, 0), 0);
	/* RFC 3720 section B.4 */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(h->hash_bytes(buf, 32, 0), 0x8A9136AA);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(h->hash_bytes(buf, 32, 0), 0x62A8AB43);
	for (unsigned i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(h->hash_bytes(buf, 32, 0), 0x46DD794E);
	for (unsigned i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(h->hash_bytes(buf, 32, 0), 0x113FDB5C);
	/* the seed is a previous CRC: CRCs of pieces chain */
	part = (uint32_t)h->hash_bytes("1234", 4, 0);
	assert_int_equal(h->hash_bytes("56789", 5, part), 0xE3069283);

	/* the table paths on their own, whatever this CPU has */
	assert_int_equal(~crc32c_sw_update(~0u, (const uint8_t *)"123456789", 9),
			 0xE3069283);
	for (unsigned t = 0; t < 2000; t++) {
		uint32_t w[8], iv = rng32(), reg = rng32();
		uint8_t k[36];
		unsigned n = t % 9;
		size_t len;

		fill_random(w, n);
		len = key_bytes(k, w, n, iv);
		assert_int_equal(crc32c_sw_update(reg, k, len),
				 crc32c_bitwise(reg, k, len));
		assert_int_equal(crc32c_sw_update_key(reg, w, n, iv),
				 crc32c_bitwise(reg, k, len));
	}
	/* the included copy is the linked one */
	for (unsigned t = 0; t < 100; t++) {
		uint32_t w[4], iv = rng32();
		uint64_t seed = rng();

		fill_random(w, 4);
		assert_int_equal(fx_hasher_crc32c_whitebox.hash_key(w, 4, iv, seed),
				 h->hash_key(w, 4, iv, seed));
	}
}

/* The SSE4.2 instruction path and the table path agree. */
static void test_crc32c_hw_vs_table(void **state)
{
	(void)state;
#if FX_CRC32C_HW
	if (!crc32c_have_hw())
		skip();
	{
		static uint8_t buf[320];

		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rng();
		for (unsigned off = 0; off < 8; off++)
			for (size_t len = 0; len + off <= 300; len++) {
				uint32_t reg = rng32();

				assert_int_equal(crc32c_hw_update(reg, buf + off, len),
						 crc32c_sw_update(reg, buf + off, len));
			}
		for (unsigned t = 0; t < 2000; t++) {
			uint32_t w[16], iv = rng32(), reg = rng32();
			unsigned n = t % 17;

			fill_random(w, n);
			assert_int_equal(crc32c_hw_update_key(reg, w, n, iv),
					 crc32c_sw_update_key(reg, w, n, iv));
		}
	}
#else
	skip();
#endif
}

/* ---------------------------------------------------------------------- */
/* wyhash, FNV-1a                                                         */

static void test_wyhash(void **state)
{
	const struct fx_hasher *h = get("wyhash");
	/*
	 * wyhash final version 4 with the default secret: the output of the
	 * wyhash repository's test_vector.cpp (message i hashed with seed i),
	 * as Zig's std.hash.Wyhash and LLVM libc's wyhash tests pin it.
	 */
	static const struct {
		const char *msg;
		uint64_t want;
	} v[] = {
		{ "", 0x0409638ee2bde459ull },
		{ "a", 0xa8412d091b5fe0a9ull },
		{ "abc", 0x32dd92e4b2915153ull },
		{ "message digest", 0x8619124089a3a16bull },
		{ "abcdefghijklmnopqrstuvwxyz", 0x7a43afb61d7f5f40ull },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  0xff42329b90e50d58ull },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  0xc39cab13b115aad3ull },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		assert_int_equal(h->hash_bytes(v[i].msg, strlen(v[i].msg), i),
				 v[i].want);
}

static void test_fnv1a(void **state)
{
	const struct fx_hasher *h = get("fnv1a");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x8f47a082993c525aull },
		{ key4, 4, 0x0a6, 0x5eed, 0x1014f9a79e455711ull },
		{ key2, 2, 0x010, 0, 0x7e8adffc51e706f2ull },
		{ key3, 3, 0x7fc, 1, 0x027c82bb4d1c0e50ull },
	};

	(void)state;
	/* FNV-1a-64 reference values (isthe.com FNV test suite) */
	assert_int_equal(h->hash_bytes("", 0, 0), 0xcbf29ce484222325ull);
	assert_int_equal(h->hash_bytes("a", 1, 0), 0xaf63dc4c8601ec8cull);
	assert_int_equal(h->hash_bytes("foobar", 6, 0), 0x85944171f73967e8ull);
	/* the seed is XORed into the offset basis */
	assert_int_equal(h->hash_bytes("", 0, 0xcbf29ce484222325ull), 0);
	check_literals("fnv1a", lit, ARRAY_SIZE(lit));
}

/* ---------------------------------------------------------------------- */
/* modprime, liteos, lowbits, ideal                                       */

#define MOD_P 4294967291ull	/* 2^32 - 5 */

static void test_modprime(void **state)
{
	const struct fx_hasher *h = get("modprime");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0xf57952ae },
		{ key4, 4, 0x0a6, 0x5eed, 0xf579b19d },
		{ key2, 2, 0x010, 0, 0x7f3d4001 },
		{ key3, 3, 0x7fc, 1, 0x0e56498e },
		{ NULL, 0, 0, 0, 0 },
	};

	(void)state;
	check_literals("modprime", lit, ARRAY_SIZE(lit));
#ifdef __SIZEOF_INT128__
	/* up to 3 words the whole sum fits 128 bits: compute it directly */
	__extension__ typedef unsigned __int128 u128;

	for (unsigned t = 0; t < 5000; t++) {
		uint32_t w[3], iv = rng32();
		unsigned n = t % 4;
		uint64_t seed = rng();
		u128 sum = (u128)iv + seed;

		fill_random(w, n);
		for (unsigned i = 0; i < n; i++)
			sum += (u128)w[i] << (32 * i);
		assert_int_equal(h->hash_key(w, n, iv, seed),
				 (uint64_t)(sum % MOD_P));
	}
#endif
}

/*
 * LiteOS-A's OsFutexKeyToIndex, transcribed here: FNV-1a-32 over the four
 * bytes of the 32-bit key, basis 0x811c9dc5, prime 0x01000193; & 63 for a
 * private futex, (& 15) + 64 for a shared one.
 */
static uint32_t liteos_ref_fnv(uint32_t key)
{
	uint32_t hval = 0x811c9dc5u;

	for (unsigned i = 0; i < 4; i++) {
		hval ^= (key >> (8 * i)) & 0xff;
		hval *= 0x01000193u;
	}
	return hval;
}

static void test_liteos(void **state)
{
	const struct fx_hasher *h = get("liteos");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x6a087702 },
		{ key4, 4, 0x0a6, 0x5eed, 0xb38f1ae7 },
		{ key2, 2, 0x010, 0, 0x391f0aee },
		{ key3, 3, 0x7fc, 1, 0x54a48ef0 },
	};

	(void)state;
	/* FNV-1a-32 reference values (isthe.com FNV test suite) */
	assert_int_equal(h->hash_bytes("", 0, 0), 0x811c9dc5);
	assert_int_equal(h->hash_bytes("a", 1, 0), 0xe40c292c);
	assert_int_equal(h->hash_bytes("foobar", 6, 0), 0xbf9cf968);
	check_literals("liteos", lit, ARRAY_SIZE(lit));

	for (unsigned t = 0; t < 5000; t++) {
		uint32_t w[4], iv = rng32(), uaddr;
		uint64_t seed = t & 1 ? rng() : 0;
		uint8_t le[4];
		unsigned n = 2 + t % 3;		/* 2, 3 or 4 words */
		uint32_t addr_lo;
		uint64_t v;

		fill_random(w, n);
		addr_lo = (n & 1) ? w[n - 1] : w[n - 2];
		uaddr = addr_lo + (iv & ~3u);
		v = h->hash_key(w, n, iv, seed);
		for (unsigned b = 0; b < 4; b++)
			le[b] = (uint8_t)(uaddr >> (8 * b));
		assert_int_equal(v, h->hash_bytes(le, 4, seed));
		/* seed 0: LiteOS's value, hence its indices v & 63, (v & 15) + 64 */
		if (seed == 0)
			assert_int_equal(v, liteos_ref_fnv(uaddr));
	}
}

static void test_lowbits(void **state)
{
	const struct fx_hasher *h = get("lowbits");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x1fff5fceb029ull },
		{ key2, 2, 0x010, 0, 0x1fff5fceb004ull },
		{ key3, 3, 0x7fc, 1, 0x2dfc05ff },
	};

	(void)state;
	check_literals("lowbits", lit, ARRAY_SIZE(lit));
	for (unsigned t = 0; t < 5000; t++) {
		uint64_t a = rng() >> 16;	/* a 48-bit user address */
		uint32_t w[4], iv = rng32() & 0xfff;

		addr_key(w, rng());
		addr_key(w + 2, a);
		assert_int_equal(h->hash_key(w, 4, iv, rng()),
				 (a + (iv & ~3u)) >> 2);
	}
	/* the baseline's badness, pinned: a page per futex, one bucket */
	assert_int_equal(pages_spread(h, 10), 1);
}

/* Chi-square of 2^14 consecutive page-aligned futexes in 256 buckets. */
static double page_chi2(const struct fx_hasher *h, uint64_t seed)
{
	unsigned count[256] = { 0 };
	const unsigned nkeys = 1u << 14;
	double chi2 = 0, expect = nkeys / 256.0;

	for (uint64_t i = 0; i < nkeys; i++) {
		uint32_t w[2];

		addr_key(w, 0x7f3a00000000ull + i * 4096);
		count[h->hash_key(w, 2, 0, seed) & 255]++;
	}
	for (unsigned b = 0; b < 256; b++)
		chi2 += (count[b] - expect) * (count[b] - expect) / expect;
	return chi2;
}

static void test_ideal(void **state)
{
	const struct fx_hasher *h = get("ideal");
	static const struct literal lit[] = {
		{ key4, 4, 0x0a4, 0, 0x4ae8ea913aeaac88ull },
		{ key4, 4, 0x0a6, 0x5eed, 0x9c3414528521fa7eull },
		{ key2, 2, 0x010, 0, 0x09bb7d7a577cb098ull },
		{ key3, 3, 0x7fc, 1, 0x06b0e881add9dfd0ull },
		{ NULL, 0, 0, 0, 0x58156cda7c4966ebull },
	};
	unsigned flips[64] = { 0 };
	const unsigned trials = 4000;

	(void)state;
	check_literals("ideal", lit, ARRAY_SIZE(lit));
	/*
	 * Avalanche: flip one random input bit (a word, the initval or the
	 * seed); every output bit must flip in 40..60% of trials.  With 4000
	 * trials the standard deviation is 0.8%, so the band is 12 sigma.
	 */
	for (unsigned t = 0; t < trials; t++) {
		uint32_t w[4], iv = rng32();
		uint64_t seed = rng(), v, v2;
		unsigned which = (unsigned)(rng() % (4 * 32 + 32 + 64));

		fill_random(w, 4);
		v = h->hash_key(w, 4, iv, seed);
		if (which < 128)
			w[which / 32] ^= 1u << (which % 32);
		else if (which < 160)
			iv ^= 1u << (which - 128);
		else
			seed ^= 1ull << (which - 160);
		v2 = h->hash_key(w, 4, iv, seed);
		for (unsigned b = 0; b < 64; b++)
			flips[b] += (unsigned)((v ^ v2) >> b & 1);
	}
	for (unsigned b = 0; b < 64; b++) {
		if (flips[b] < trials * 4 / 10 || flips[b] > trials * 6 / 10)
			fail_msg("ideal: output bit %u flipped %u/%u times", b,
				 flips[b], trials);
	}
	/*
	 * Balls into bins: 255 degrees of freedom, mean 255, sd 22.6; accept
	 * below 400 (6.4 sd).  The same statistic rejects lowbits outright.
	 */
	for (uint64_t seed = 0; seed < 4; seed++)
		assert_true(page_chi2(h, seed) < 400);
	assert_true(page_chi2(get("lowbits"), 0) > 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_generic_all),
		cmocka_unit_test(test_key_equals_bytes),
		cmocka_unit_test(test_jhash2),
		cmocka_unit_test(test_hash_32),
		cmocka_unit_test(test_hash_64),
		cmocka_unit_test(test_hash_64_old),
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_hsiphash),
		cmocka_unit_test(test_xxh32),
		cmocka_unit_test(test_xxh64),
		cmocka_unit_test(test_xxh3),
		cmocka_unit_test(test_murmur3),
		cmocka_unit_test(test_murmur3_fmix64),
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_crc32c_hw_vs_table),
		cmocka_unit_test(test_wyhash),
		cmocka_unit_test(test_fnv1a),
		cmocka_unit_test(test_modprime),
		cmocka_unit_test(test_liteos),
		cmocka_unit_test(test_lowbits),
		cmocka_unit_test(test_ideal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
