// SPDX-License-Identifier: MIT
/*
 * xxh3.c - XXH3_64bits_withSeed (Yann Collet, xxHash >= 0.8.0, whose XXH3
 * output is frozen; github.com/Cyan4973/xxHash), taken from the system
 * libxxhash: the reference implementation, not a port.
 *
 * Key folding: XXH3-64 of the key bytes K of fold.h (LE32 of every key
 * word, then LE32(initval)), so hash_key(w, n, iv, seed) == hash_bytes(K,
 * 4n + 4, seed).  Keys longer than FXH_BUF_WORDS words go through the
 * streaming API, which gives the same value as the one-shot call.
 *
 * Seed: XXH3's own 64-bit seed, unchanged (seed 0 equals XXH3_64bits).
 */
/* libxxhash's header carries the implementation; inlining it here (and
 * only here) makes a call through the plug-in cost what a direct call into
 * the library costs (bench/hash_bench.cc checks the ratio). */
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
	uint8_t buf[4 * FXH_BUF_WORDS];
	size_t nk = (size_t)nwords + 1;
	XXH3_state_t st;

	if (nk <= FXH_BUF_WORDS)
		return XXH3_64bits_withSeed(buf, fxh_key_bytes(buf, words, nwords,
							       initval, 0, nk),
					    seed);

	XXH3_INITSTATE(&st);
	(void)XXH3_64bits_reset_withSeed(&st, seed);
	for (size_t i = 0; i < nk; i += FXH_BUF_WORDS) {
		size_t cnt = nk - i < FXH_BUF_WORDS ? nk - i : FXH_BUF_WORDS;

		(void)XXH3_64bits_update(&st, buf,
					 fxh_key_bytes(buf, words, nwords, initval, i, cnt));
	}
	return XXH3_64bits_digest(&st);
}

const struct fx_hasher fx_hasher_xxh3 = {
	.name = "xxh3",
	.summary = "XXH3_64bits_withSeed (libxxhash) of the key bytes",
	.out_bits = 64,
	.hash_key = xxh3_key,
	.hash_bytes = xxh3_bytes,
	.key_bytes = true,
};
