// SPDX-License-Identifier: MIT
/*
 * hsiphash.c - the kernel's hsiphash() as a 64-bit kernel computes it.
 * lib/siphash.c: "on 64-bit, we make HalfSipHash1-3 actually be SipHash1-3,
 * for performance reasons" - the 64-bit SipHash state and key with one
 * compression round per block and three finalisation rounds, whose 64-bit
 * result (v0 ^ v1 ^ v2 ^ v3) is returned as u32, i.e. truncated to its low
 * 32 bits.  (A 32-bit kernel runs the real HalfSipHash-1-3 with a 64-bit
 * key; that variant is not modelled.)
 *
 * Key folding: the key bytes K of fold.h (LE32 of every key word, then
 * LE32(initval)), so hash_key(w, n, iv, seed) == hash_bytes(K, 4n + 4,
 * seed).  A key of 1..4 words plus initval is what the kernel's
 * hsiphash_2u32 .. hsiphash_4u32 hash for the same words.
 *
 * Seed: key k0 = seed, k1 = seed + 0x0808080808080808 (siphash-core.h), so
 * seed 0x0706050403020100 is the kernel self-test key {0x0706050403020100,
 * 0x0f0e0d0c0b0a0908}, under which hash_bytes reproduces the 64-bit-kernel
 * vectors of lib/siphash_kunit.c (formerly lib/test_siphash.c).
 */
#include "hasher.h"
#include "siphash-core.h"

static uint64_t hsiphash_key(const uint32_t *words, unsigned nwords,
			     uint32_t initval, uint64_t seed)
{
	return (uint32_t)fxh_siphash_key(words, nwords, initval, seed, 1, 3);
}

static uint64_t hsiphash_bytes(const void *data, size_t len, uint64_t seed)
{
	return (uint32_t)fxh_siphash_bytes(data, len, seed, 1, 3);
}

const struct fx_hasher fx_hasher_hsiphash = {
	.name = "hsiphash",
	.summary = "kernel hsiphash on 64-bit (SipHash-1-3 truncated to 32 bits) of the key bytes",
	.out_bits = 32,
	.hash_key = hsiphash_key,
	.hash_bytes = hsiphash_bytes,
	.key_bytes = true,
};
