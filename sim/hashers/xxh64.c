// SPDX-License-Identifier: MIT
/*
 * xxh64.c - XXH64 (Yann Collet, xxHash, github.com/Cyan4973/xxHash), taken
 * from the system libxxhash: the reference implementation, not a port.
 *
 * Key folding: "in place" (fold.h, folding 4): XXH64 of the key words as
 * they lie (LE32 bytes, 4 * nwords of them; nothing is copied on a
 * little-endian host), seeded with seed ^ ((u64)initval << 32):
 * hash_key(w, n, iv, seed) == hash_bytes(LE32 words, 4n, fxh_seed_iv(seed,
 * iv)).  Hashing in place keeps it as fast as libxxhash's one-shot call.
 *
 * Seed: XXH64's own 64-bit seed, unchanged.
 */
/* libxxhash's header carries the implementation: inline it here only, so
 * the plug-in costs one indirect call, like a direct call into the
 * library (bench/hash_bench.cc checks the ratio). */
#define XXH_STATIC_LINKING_ONLY
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "hasher.h"
#include "fold.h"

static uint64_t xxh64_bytes(const void *data, size_t len, uint64_t seed)
{
	return XXH64(data, len, seed);
}

static uint64_t xxh64_key(const uint32_t *words, unsigned nwords,
			  uint32_t initval, uint64_t seed)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return XXH64(words, 4 * (size_t)nwords, fxh_seed_iv(seed, initval));
#else
	uint8_t buf[4 * FXH_BUF_WORDS];
	XXH64_state_t st;

	(void)XXH64_reset(&st, fxh_seed_iv(seed, initval));
	for (unsigned i = 0; i < nwords; i += FXH_BUF_WORDS) {
		unsigned cnt = nwords - i < FXH_BUF_WORDS ? nwords - i :
			       FXH_BUF_WORDS;

		(void)XXH64_update(&st, fxh_words_le(words + i, cnt, buf), 4 * (size_t)cnt);
	}
	return XXH64_digest(&st);
#endif
}

const struct fx_hasher fx_hasher_xxh64 = {
	.name = "xxh64",
	.summary = "XXH64 (libxxhash) of the key words in place",
	.out_bits = 64,
	.hash_key = xxh64_key,
	.hash_bytes = xxh64_bytes,
};
