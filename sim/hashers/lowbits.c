// SPDX-License-Identifier: MIT
/*
 * lowbits.c - no hash at all: the futex address itself, the deliberately
 * bad baseline.  A table indexed by value & mask then takes address bits
 * 2 .. k+1 as the bucket, as a naive "address modulo table size" design
 * would.
 *
 * Key folding: value = (address + offset) >> 2, with the address from the
 * key words as fold.h describes (folding 3: the last word pair, or the last
 * word of an odd-length key) and offset = initval without its two
 * FUT_OFF_* kind bits.  The shift drops the two low address bits, which
 * are always zero for a 4-byte-aligned futex; without it three quarters of
 * any table would stay empty, which would make this baseline merely
 * broken rather than naive.
 *
 * Ignored, on purpose: all key words but the address (mm, i_seq), the kind
 * bits, and the seed - a seed can only relabel buckets, never separate two
 * keys that share one, so it is not applied.
 */
#include "hasher.h"
#include "fold.h"

static uint64_t lowbits_key(const uint32_t *words, unsigned nwords,
			    uint32_t initval, uint64_t seed)
{
	(void)seed;
	return (fxh_key_addr(words, nwords) + fxh_key_offset(initval)) >> 2;
}

const struct fx_hasher fx_hasher_lowbits = {
	.name = "lowbits",
	.summary = "identity: (futex address + offset) >> 2, the bad baseline; ignores the seed",
	.out_bits = 64,
	.hash_key = lowbits_key,
	.hash_bytes = NULL,
};
