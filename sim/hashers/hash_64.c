// SPDX-License-Identifier: MIT
/*
 * hash_64.c - the kernel's multiplicative hash_64() from include/linux/hash.h
 * on a 64-bit kernel: hash_64(val, bits) = (val * GOLDEN_RATIO_64) >>
 * (64 - bits), GOLDEN_RATIO_64 = 0x61C8864680B583EB.  The constant came in
 * with Linus Torvalds' commit 689de1d6ca95 "Minimal fix-up of bad hashing
 * behavior of hash_64()" (May 2016, constant picked by George Spelvin) and
 * stayed through Spelvin's hash.h rework in Linux 4.7.  (A 32-bit kernel
 * computes hash_64 differently, from two 32-bit multiplies; that variant
 * is not modelled.)
 *
 * Key folding: val = the lane folding of fold.h, i.e. the key words paired
 * into 64-bit lanes, XORed together with the initval and the seed.  For the
 * 2-word private-hash key that is (page address | offset); seed 0 leaves
 * val as the kernel would see it.
 *
 * Which bits: the kernel takes the HIGH bits of the product.  Layouts here
 * take a bucket from the LOW bits, so the value is the 64-bit product
 * bit-reversed:
 *
 *	value & ((1 << k) - 1) == bitrev_k(hash_64(val, k))	for every k
 *
 * so two keys share a bucket in a 2^k table exactly when the kernel's
 * hash_64(val, k) puts them together; the bucket labels are permuted.  This
 * was preferred to "product >> 32", whose low k bits are those of
 * hash_64(val, 32), not of hash_64(val, k), and so give another partition.
 */
#include "hasher.h"
#include "fold.h"

#define GOLDEN_RATIO_64 0x61C8864680B583EBull

static uint64_t hash_64_key(const uint32_t *words, unsigned nwords,
			    uint32_t initval, uint64_t seed)
{
	uint64_t val = fxh_fold_lanes(words, nwords, initval, seed);

	return fxh_bitrev64(val * GOLDEN_RATIO_64);
}

const struct fx_hasher fx_hasher_hash_64 = {
	.name = "hash_64",
	.summary = "kernel hash_64 (x * 0x61C8864680B583EB, high bits) of the XOR-folded key",
	.out_bits = 64,
	.hash_key = hash_64_key,
	.hash_bytes = NULL,
};
