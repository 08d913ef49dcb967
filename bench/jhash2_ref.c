// SPDX-License-Identifier: MIT
/*
 * jhash2_ref.c - the speed reference for the jhash2 hasher: a plain C port
 * of jhash2() from the kernel's include/linux/jhash.h (Bob Jenkins'
 * lookup3 "hashword", 2006, public domain), written from the algorithm.
 *
 * It is deliberately the kernel's shape and nothing more: no seed, no
 * registry, no function pointer, so bench/hash_bench.cc can tell what the
 * plug-in interface costs on top of the bare function.  It lives in its own
 * translation unit, compiled with the simulator's C flags, so the compiler
 * cannot inline it into the benchmark loop any more than it can inline the
 * plug-in.
 */
#include "jhash2_ref.h"

#define REF_JHASH_INITVAL 0xdeadbeefu

static inline uint32_t ref_rol32(uint32_t word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> ((-shift) & 31));
}

/* __jhash_mix: mix three 32-bit values reversibly. */
#define ref_jhash_mix(a, b, c)						\
	do {								\
		a -= c; a ^= ref_rol32(c, 4);  c += b;			\
		b -= a; b ^= ref_rol32(a, 6);  a += c;			\
		c -= b; c ^= ref_rol32(b, 8);  b += a;			\
		a -= c; a ^= ref_rol32(c, 16); c += b;			\
		b -= a; b ^= ref_rol32(a, 19); a += c;			\
		c -= b; c ^= ref_rol32(b, 4);  b += a;			\
	} while (0)

/* __jhash_final: final mixing of three 32-bit values into c. */
#define ref_jhash_final(a, b, c)					\
	do {								\
		c ^= b; c -= ref_rol32(b, 14);				\
		a ^= c; a -= ref_rol32(c, 11);				\
		b ^= a; b -= ref_rol32(a, 25);				\
		c ^= b; c -= ref_rol32(b, 16);				\
		a ^= c; a -= ref_rol32(c, 4);				\
		b ^= a; b -= ref_rol32(a, 14);				\
		c ^= b; c -= ref_rol32(b, 24);				\
	} while (0)

uint32_t bench_jhash2_ref(const uint32_t *k, uint32_t length, uint32_t initval)
{
	uint32_t a, b, c;

	/* Set up the internal state */
	a = b = c = REF_JHASH_INITVAL + (length << 2) + initval;

	/* Handle most of the key: three words at a time */
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		ref_jhash_mix(a, b, c);
		length -= 3;
		k += 3;
	}

	/* Handle the last 3 words; all the case statements fall through */
	switch (length) {
	case 3:
		c += k[2];
		/* fall through */
	case 2:
		b += k[1];
		/* fall through */
	case 1:
		a += k[0];
		ref_jhash_final(a, b, c);
		break;
	case 0:	/* Nothing left to add */
		break;
	}

	return c;
}
