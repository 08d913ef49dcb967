// SPDX-License-Identifier: MIT
/*
 * murmur3_fmix64.c - MurmurHash3's 64-bit finaliser fmix64 (Austin
 * Appleby, public domain; SMHasher src/MurmurHash3.cpp):
 *
 *	k ^= k >> 33; k *= 0xff51afd7ed558ccd;
 *	k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53;
 *	k ^= k >> 33;
 *
 * a bijection of 64-bit values with full avalanche, applied once: the
 * cheapest "good" word hash, against which the multiplicative kernel
 * functions can be compared.
 *
 * Key folding: the lane folding of fold.h, the same input hash_64 sees:
 * x = XOR of the 64-bit key lanes (words[2i] low, words[2i+1] high), the
 * initval and the seed; value = fmix64(x).  Being a bijection of x, it
 * collides exactly where the folding does (mm ^ address on the 4-word key)
 * and nowhere else.
 */
#include "hasher.h"
#include "fold.h"

static inline uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static uint64_t murmur3_fmix64_key(const uint32_t *words, unsigned nwords,
				   uint32_t initval, uint64_t seed)
{
	return fmix64(fxh_fold_lanes(words, nwords, initval, seed));
}

const struct fx_hasher fx_hasher_murmur3_fmix64 = {
	.name = "murmur3_fmix64",
	.summary = "MurmurHash3 fmix64 finaliser of the XOR-folded key",
	.out_bits = 64,
	.hash_key = murmur3_fmix64_key,
	.hash_bytes = NULL,
};
