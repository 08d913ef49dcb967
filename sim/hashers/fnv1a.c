// SPDX-License-Identifier: MIT
/*
 * fnv1a.c - FNV-1a, 64-bit (Fowler, Noll and Vo; parameters from the FNV
 * reference at www.isthe.com/chongo/tech/comp/fnv and the IETF draft
 * draft-eastlake-fnv): h = offset basis 0xcbf29ce484222325; for every byte,
 * h ^= byte; h *= 0x100000001b3 (mod 2^64).
 *
 * Key folding: FNV-1a-64 of the key bytes K of fold.h (LE32 of every key
 * word, then LE32(initval)), so hash_key(w, n, iv, seed) == hash_bytes(K,
 * 4n + 4, seed).
 *
 * Seed: XORed into the offset basis; seed 0 is plain FNV-1a-64.  Since the
 * last step is a multiply by an odd constant, the low k bits of the value
 * depend only on the low k bits of every byte: a layout taking the low
 * bits sees page-aligned keys poorly mixed.
 */
#include "hasher.h"
#include "fold.h"

#define FNV64_OFFSET 0xcbf29ce484222325ull
#define FNV64_PRIME 0x100000001b3ull

static uint64_t fnv1a_bytes(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = FNV64_OFFSET ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV64_PRIME;
	}
	return h;
}

static uint64_t fnv1a_key(const uint32_t *words, unsigned nwords,
			  uint32_t initval, uint64_t seed)
{
	uint64_t h = FNV64_OFFSET ^ seed;

	for (size_t i = 0; i <= nwords; i++) {
		uint32_t w = fxh_key_word(words, nwords, initval, i);

		for (unsigned b = 0; b < 4; b++, w >>= 8) {
			h ^= w & 0xff;
			h *= FNV64_PRIME;
		}
	}
	return h;
}

const struct fx_hasher fx_hasher_fnv1a = {
	.name = "fnv1a",
	.summary = "FNV-1a 64-bit of the key bytes, seed XORed into the offset basis",
	.out_bits = 64,
	.hash_key = fnv1a_key,
	.hash_bytes = fnv1a_bytes,
	.key_bytes = true,
};
