// SPDX-License-Identifier: MIT
/*
 * xxh3.c - XXH3_64bits_withSeed (Yann Collet, xxHash >= 0.8.0, whose XXH3
 * output is frozen; github.com/Cyan4973/xxHash), taken from the system
 * libxxhash: the reference implementation, not a port.
 *
 * Key folding: "in place" (fold.h, folding 4): XXH3-64 of the key words
 * as they lie (LE32 bytes, 4 * nwords of them; nothing is copied on a
 * little-endian host), seeded with seed ^ ((u64)initval << 32):
 * hash_key(w, n, iv, seed) == hash_bytes(LE32 words, 4n, fxh_seed_iv(seed,
 * iv)).  Hashing in place keeps it as fast as libxxhash's one-shot call.
 *
 * Seed: XXH3's own 64-bit seed, unchanged (seed 0 equals XXH3_64bits).
 */
/* libxxhash's header carries the implementation: inline it here only, so
 * the plug-in costs one indirect call, like a direct call into the
 * library (bench/hash_bench.cc checks the ratio). */
#define XXH_STATIC_LINKING_ONLY
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "hasher.h"
#include "fold.h"

static uint64_t xxh3_bytes(const void *data, size_t len, uint64_t seed)
{
	return XXH3_64bits_withSeed(data, len, seed);
}

static uint64_t xxh3_key(const uint32_t *words, unsigned nwords,
			 uint32_t initval, uint64_t seed)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return XXH3_64bits_withSeed(words, 4 * (size_t)nwords, fxh_seed_iv(seed, initval));
#else
	uint8_t buf[4 * FXH_BUF_WORDS];
	XXH3_state_t st;

	XXH3_INITSTATE(&st);
	(void)XXH3_64bits_reset_withSeed(&st, fxh_seed_iv(seed, initval));
	for (unsigned i = 0; i < nwords; i += FXH_BUF_WORDS) {
		unsigned cnt = nwords - i < FXH_BUF_WORDS ? nwords - i :
			       FXH_BUF_WORDS;

		(void)XXH3_64bits_update(&st, fxh_words_le(words + i, cnt, buf), 4 * (size_t)cnt);
	}
	return XXH3_64bits_digest(&st);
#endif
}

const struct fx_hasher fx_hasher_xxh3 = {
	.name = "xxh3",
	.summary = "XXH3_64bits_withSeed (libxxhash) of the key words in place",
	.out_bits = 64,
	.hash_key = xxh3_key,
	.hash_bytes = xxh3_bytes,
};
