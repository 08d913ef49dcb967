// SPDX-License-Identifier: MIT
/*
 * xxh32.c - XXH32 (Yann Collet, xxHash, github.com/Cyan4973/xxHash), taken
 * from the system libxxhash: the reference implementation, not a port.
 *
 * Key folding: XXH32 of the key bytes K of fold.h (LE32 of every key word,
 * then LE32(initval)), so hash_key(w, n, iv, seed) == hash_bytes(K, 4n + 4,
 * seed).  Keys longer than FXH_BUF_WORDS words go through the streaming
 * API, which gives the same value as the one-shot call.
 *
 * Seed: XXH32 takes a 32-bit seed; the 64-bit seed is folded to
 * (u32)seed ^ (u32)(seed >> 32), so seeds below 2^32 are passed unchanged
 * (the published vectors use seeds 0 and 2654435761).
 */
/* libxxhash's header carries the implementation; inlining it here (and
 * only here) makes a call through the plug-in cost what a direct call into
 * the library costs (bench/hash_bench.cc checks the ratio). */
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
	uint8_t buf[4 * FXH_BUF_WORDS];
	size_t nk = (size_t)nwords + 1;
	XXH32_state_t st;

	if (nk <= FXH_BUF_WORDS)
		return XXH32(buf, fxh_key_bytes(buf, words, nwords, initval, 0, nk),
			     fxh_seed32(seed));

	(void)XXH32_reset(&st, fxh_seed32(seed));
	for (size_t i = 0; i < nk; i += FXH_BUF_WORDS) {
		size_t cnt = nk - i < FXH_BUF_WORDS ? nk - i : FXH_BUF_WORDS;

		(void)XXH32_update(&st, buf,
				   fxh_key_bytes(buf, words, nwords, initval, i, cnt));
	}
	return XXH32_digest(&st);
}

const struct fx_hasher fx_hasher_xxh32 = {
	.name = "xxh32",
	.summary = "XXH32 (libxxhash) of the key bytes, seed folded to 32 bits",
	.out_bits = 32,
	.hash_key = xxh32_key,
	.hash_bytes = xxh32_bytes,
	.key_bytes = true,
};
