// SPDX-License-Identifier: MIT
/*
 * hash_32.c - the kernel's multiplicative hash_32() from include/linux/hash.h
 * (Linux 4.7 and later): hash_32(val, bits) = (val * GOLDEN_RATIO_32) >>
 * (32 - bits), GOLDEN_RATIO_32 = 0x61C88647 (2^32 * (1 - phi), phi the
 * golden ratio; George Spelvin's 2016 rework of hash.h, replacing
 * GOLDEN_RATIO_PRIME_32 0x9e370001).
 *
 * Key folding: val = XOR of every key word, the initval, and the two halves
 * of the seed (the lane folding of fold.h, then its two halves XORed
 * together).  Seed 0 leaves val as the kernel would see such a word.
 *
 * Which bits: the kernel takes the HIGH bits of the product ("High bits are
 * more random, so use them"), because bit i of val * K depends only on bits
 * 0..i of val.  Layouts here take a bucket from the LOW bits (value & mask),
 * so the value returned is the 32-bit product bit-reversed:
 *
 *	value & ((1 << k) - 1) == bitrev_k(hash_32(val, k))	for every k
 *
 * Two keys therefore share a bucket in a 2^k table exactly when the
 * kernel's hash_32(val, k) puts them together; only the bucket labels are
 * permuted.  (Returning the bare product would select its low bits, which
 * ignore all but the low k bits of val: page-aligned keys would all land in
 * bucket 0.)
 */
#include "hasher.h"
#include "fold.h"

#define GOLDEN_RATIO_32 0x61C88647u

static uint64_t hash_32_key(const uint32_t *words, unsigned nwords,
			    uint32_t initval, uint64_t seed)
{
	uint64_t x = fxh_fold_lanes(words, nwords, initval, seed);
	uint32_t val = (uint32_t)x ^ (uint32_t)(x >> 32);

	return fxh_bitrev32(val * GOLDEN_RATIO_32);
}

const struct fx_hasher fx_hasher_hash_32 = {
	.name = "hash_32",
	.summary = "kernel hash_32 (x * 0x61C88647, high bits) of the XOR-folded key",
	.out_bits = 32,
	.hash_key = hash_32_key,
	.hash_bytes = NULL,
};
