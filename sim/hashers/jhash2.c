// SPDX-License-Identifier: MIT
/*
 * jhash2.c - Bob Jenkins' lookup3 over u32 words, as the kernel's
 * include/linux/jhash.h defines jhash2() (see docs/kernel-facts.md, jhash2).
 *
 * Key hashing is the kernel's futex_hash(): jhash2(words, nwords, initval)
 * with initval = key offset.  The run's seed is XORed into initval, so
 * seed 0 is bit-exact with the kernel.  hash_bytes is lookup3's hashlittle
 * on whole u32 words only when len is a multiple of 4, so it is offered
 * only through hash_key; the byte entry point is NULL.
 */
#include "hasher.h"

static inline uint32_t rol32(uint32_t w, unsigned s)
{
	return (w << s) | (w >> ((32 - s) & 31));
}

#define JHASH_MIX(a, b, c) do {				\
	a -= c; a ^= rol32(c, 4);  c += b;		\
	b -= a; b ^= rol32(a, 6);  a += c;		\
	c -= b; c ^= rol32(b, 8);  b += a;		\
	a -= c; a ^= rol32(c, 16); c += b;		\
	b -= a; b ^= rol32(a, 19); a += c;		\
	c -= b; c ^= rol32(b, 4);  b += a;		\
} while (0)

#define JHASH_FINAL(a, b, c) do {			\
	c ^= b; c -= rol32(b, 14);			\
	a ^= c; a -= rol32(c, 11);			\
	b ^= a; b -= rol32(a, 25);			\
	c ^= b; c -= rol32(b, 16);			\
	a ^= c; a -= rol32(c, 4);			\
	b ^= a; b -= rol32(a, 14);			\
	c ^= b; c -= rol32(b, 24);			\
} while (0)

#define JHASH_INITVAL 0xdeadbeefu

static uint64_t jhash2_key(const uint32_t *k, unsigned length,
			   uint32_t initval, uint64_t seed)
{
	uint32_t a, b, c;

	a = b = c = JHASH_INITVAL + (length << 2) + (initval ^ (uint32_t)seed);
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		JHASH_MIX(a, b, c);
		length -= 3;
		k += 3;
	}
	switch (length) {
	case 3: c += k[2]; /* fall through */
	case 2: b += k[1]; /* fall through */
	case 1: a += k[0];
		JHASH_FINAL(a, b, c);
		break;
	case 0:
		break;
	}
	return c;
}

const struct fx_hasher fx_hasher_jhash2 = {
	.name = "jhash2",
	.summary = "kernel jhash2 (lookup3 over u32 words), initval = key offset",
	.out_bits = 32,
	.hash_key = jhash2_key,
	.hash_bytes = NULL,
};
