// SPDX-License-Identifier: MIT
/*
 * siphash.c - SipHash-2-4, 64-bit output (Aumasson and Bernstein,
 * "SipHash: a fast short-input PRF", 2012; reference code and test vectors
 * at github.com/veorq/SipHash; the kernel's lib/siphash.c siphash()).
 *
 * Key folding: SipHash-2-4 of the key bytes K = LE32 of every key word,
 * then LE32(initval) (fold.h, folding 1), so hash_key(w, n, iv, seed) ==
 * hash_bytes(K, 4n + 4, seed).
 *
 * Seed: the 128-bit SipHash key is k0 = seed, k1 = seed +
 * 0x0808080808080808 (siphash-core.h).  Seed 0x0706050403020100 is the
 * reference key 00 01 .. 0f, under which hash_bytes reproduces the 64
 * published vectors (message 00 01 .. len-1, len 0..63).
 */
#include "hasher.h"
#include "siphash-core.h"

static uint64_t siphash_key(const uint32_t *words, unsigned nwords,
			    uint32_t initval, uint64_t seed)
{
	return fxh_siphash_key(words, nwords, initval, seed, 2, 4);
}

static uint64_t siphash_bytes(const void *data, size_t len, uint64_t seed)
{
	return fxh_siphash_bytes(data, len, seed, 2, 4);
}

const struct fx_hasher fx_hasher_siphash = {
	.name = "siphash",
	.summary = "SipHash-2-4 (64-bit) of the key bytes, key (seed, seed + 0x0808..08)",
	.out_bits = 64,
	.hash_key = siphash_key,
	.hash_bytes = siphash_bytes,
	.key_bytes = true,
};
