// SPDX-License-Identifier: MIT
/*
 * ideal.c - a stand-in for a random function: the balls-into-bins
 * baseline.  Occupancy and collision metrics are judged against what an
 * ideal random hash of the same table would give; this hasher is that
 * hash, made concrete and seeded, so a run can be replayed.
 *
 * Construction: a keyed sponge over the splitmix64 finaliser (Steele, Lea
 * and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014,
 * with David Stafford's "Mix13" constants, as in Vigna's splitmix64.c):
 *
 *	mix(z) = z ^= z >> 30, z *= 0xbf58476d1ce4e5b9,
 *		 z ^= z >> 27, z *= 0x94d049bb133111eb, z ^= z >> 31
 *	h = mix(seed ^ 0x9e3779b97f4a7c15)		the keyed start
 *	h = mix(h + nwords)				the length
 *	h = mix(h ^ words[i])	for every word		absorb, in order
 *	h = mix(h ^ initval ^ 0x5851f42d00000000)	the initval, last
 *
 * Every step is a bijection of h for a given word, so two keys that differ
 * in one word never merge at that step, and mix has full avalanche.  It is
 * not a cryptographic PRF and is not meant to be one; it only has to look
 * random to a hash table (the unit test checks avalanche and bucket
 * spread).
 */
#include "hasher.h"

static inline uint64_t ideal_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t ideal_key(const uint32_t *words, unsigned nwords,
			  uint32_t initval, uint64_t seed)
{
	uint64_t h = ideal_mix(seed ^ 0x9e3779b97f4a7c15ull);

	h = ideal_mix(h + nwords);
	for (unsigned i = 0; i < nwords; i++)
		h = ideal_mix(h ^ words[i]);
	return ideal_mix(h ^ initval ^ 0x5851f42d00000000ull);
}

const struct fx_hasher fx_hasher_ideal = {
	.name = "ideal",
	.summary = "seeded random oracle (splitmix64 sponge): the balls-into-bins baseline",
	.out_bits = 64,
	.hash_key = ideal_key,
	.hash_bytes = NULL,
};
