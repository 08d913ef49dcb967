// SPDX-License-Identifier: MIT
/*
 * hash_64_old.c - the kernel's hash_64() before May 2016: the product with
 * GOLDEN_RATIO_PRIME_64 = 0x9e37fffffffc0001 = 2^63 + 2^61 - 2^57 + 2^54 -
 * 2^51 - 2^18 + 1, which include/linux/hash.h computed with six shifts and
 * adds ("Sigh, gcc can't optimise this alone like it does for 32 bits"),
 * then took the high bits.  The shift/add sequence equals the multiply mod
 * 2^64; the unit test checks that against a transcription of the old code.
 *
 * Weak on page-aligned pointers: the constant is bit-sparse, so input bits
 * 12..20 barely reach the high bits of the product.  That is why it was
 * replaced: Linus Torvalds' commit 689de1d6ca95 "Minimal fix-up of bad
 * hashing behavior of hash_64()" (2 May 2016, Cc stable) swapped in
 * 0x61C8864680B583EB.  It came out of the LKML discussion of Thomas
 * Gleixner's April 2016 futex private-hashing patches ("lib/hashmod: Add
 * modulo based hash mechanism"), where hash_long() gave bad distributions;
 * in George Spelvin's words, "page-aligned pointers (low 12 bits not used)
 * were a disaster" ("<linux/hash.h>: Fix hash_64()'s horrible collision
 * problem", 2 May 2016).  The full hash.h rework followed in Linux 4.7.
 *
 * Key folding and bit selection are those of hash_64.c: val = XOR of the
 * 64-bit key lanes, the initval and the seed; value = bitrev64(val * K), so
 * value & mask selects the same buckets as the old hash_64(val, k).
 */
#include "hasher.h"
#include "fold.h"

#define GOLDEN_RATIO_PRIME_64 0x9e37fffffffc0001ull

static uint64_t hash_64_old_key(const uint32_t *words, unsigned nwords,
				uint32_t initval, uint64_t seed)
{
	uint64_t val = fxh_fold_lanes(words, nwords, initval, seed);

	return fxh_bitrev64(val * GOLDEN_RATIO_PRIME_64);
}

const struct fx_hasher fx_hasher_hash_64_old = {
	.name = "hash_64_old",
	.summary = "pre-2016 kernel hash_64 (x * 0x9e37fffffffc0001), weak on page-aligned keys",
	.out_bits = 64,
	.hash_key = hash_64_old_key,
	.hash_bytes = NULL,
};
