// SPDX-License-Identifier: MIT
/*
 * xxh32.c - XXH32 (Yann Collet, xxHash, github.com/Cyan4973/xxHash), taken
 * from the system libxxhash: the reference implementation, not a port.
 *
 * Key folding: "in place" (fold.h, folding 4): XXH32 of the key words as
 * they lie (LE32 bytes, 4 * nwords of them; nothing is copied on a
 * little-endian host), with the initval XORed into the 32-bit seed:
 * hash_key(w, n, iv, seed) == hash_bytes(LE32 words, 4n, fxh_seed32(seed)
 * ^ iv).  Hashing in place is what keeps it as fast as libxxhash's own
 * one-shot call (bench/hash_bench.cc compares the two).
 *
 * Seed: XXH32 takes a 32-bit seed; the 64-bit seed is folded to
 * (u32)seed ^ (u32)(seed >> 32), so seeds below 2^32 are passed unchanged
 * (the published vectors use seeds 0 and 2654435761).
 */
/* libxxhash's header carries the implementation: inline it here only, so
 * the plug-in costs one indirect call, like a direct call into the
 * library (bench/hash_bench.cc checks the ratio). */
#define XXH_STATIC_LINKING_ONLY
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "hasher.h"
#include "fold.h"

static uint64_t xxh32_bytes(const void *data, size_t len, uint64_t seed)
{
	return XXH32(data, len, fxh_seed32(seed));
}

static uint64_t xxh32_key(const uint32_t *words, unsigned nwords,
			  uint32_t initval, uint64_t seed)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return XXH32(words, 4 * (size_t)nwords, fxh_seed32(seed) ^ initval);
#else
	uint8_t buf[4 * FXH_BUF_WORDS];
	XXH32_state_t st;

	(void)XXH32_reset(&st, fxh_seed32(seed) ^ initval);
	for (unsigned i = 0; i < nwords; i += FXH_BUF_WORDS) {
		unsigned cnt = nwords - i < FXH_BUF_WORDS ? nwords - i :
			       FXH_BUF_WORDS;

		(void)XXH32_update(&st, fxh_words_le(words + i, cnt, buf), 4 * (size_t)cnt);
	}
	return XXH32_digest(&st);
#endif
}

const struct fx_hasher fx_hasher_xxh32 = {
	.name = "xxh32",
	.summary = "XXH32 (libxxhash) of the key words in place, seed folded to 32 bits",
	.out_bits = 32,
	.hash_key = xxh32_key,
	.hash_bytes = xxh32_bytes,
};
