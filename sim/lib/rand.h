/* SPDX-License-Identifier: MIT */
/*
 * rand.h - xoshiro256** (Blackman and Vigna, 2018) seeded through
 * splitmix64: the simulation's generator (fx_des_rand()) and the random
 * differential runs' (fxc_rng_next()).  The state is four 64-bit words;
 * a seed fills them with four splitmix64 outputs.
 */
#ifndef FX_RAND_H
#define FX_RAND_H

#include <stdint.h>

/* fx_splitmix64 - the next output of splitmix64 with state @x */
static inline uint64_t fx_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t fx_rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* fx_xoshiro_seed - the state @s of xoshiro256** for @seed */
static inline void fx_xoshiro_seed(uint64_t s[4], uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		s[i] = fx_splitmix64(&seed);
}

/* fx_xoshiro_next - the next output of xoshiro256** with state @s */
static inline uint64_t fx_xoshiro_next(uint64_t s[4])
{
	uint64_t r = fx_rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = fx_rotl64(s[3], 45);
	return r;
}

#endif /* FX_RAND_H */
