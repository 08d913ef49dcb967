// SPDX-License-Identifier: MIT
/*
 * modprime.c - modulo-prime hashing, after the hash Thomas Gleixner first
 * used for his per-process futex hash: "[patch 2/7] lib/hashmod: Add modulo
 * based hash mechanism", part of "[patch 0/7] futex: Add support for
 * process private hashing" (LKML, 28 April 2016).  V2 of that series
 * (5 May 2016) dropped it for hash_long() once hash_64 had been fixed (see
 * hash_64_old.c); the per-process hash itself only reached mainline in
 * Linux 6.16, with jhash2.
 *
 * What is and is not verified: the patch title, its date and its purpose
 * (and that it was benchmarked against hash_64, per George Spelvin's reply)
 * are confirmed from the LKML thread; its body, in particular which prime
 * it reduced by and how the key was formed, could not be retrieved.  This
 * plug-in therefore implements the stated fallback: the key, read as one
 * number, modulo the largest prime below 2^32, P = 4294967291 = 2^32 - 5.
 * The bucket is then value & mask in the layout; a design that reduced
 * modulo a prime table size would need a layout that reduces with "%".
 *
 * Key folding: N = sum of words[i] * 2^(32 i) (the key words as one
 * little-endian multi-word number; for the 2-word private key that is the
 * page address), value = (N + initval + seed) mod P, each term reduced
 * mod P first.  Since 2^32 = 5 (mod P), this is roughly "address plus five
 * times its high word": as weak as it sounds once masked.  The seed only
 * rotates the ring of residues; it cannot repair the scheme.
 */
#include "hasher.h"

#define MODPRIME_P 4294967291ull	/* 2^32 - 5 */

static uint64_t modprime_key(const uint32_t *words, unsigned nwords,
			     uint32_t initval, uint64_t seed)
{
	uint64_t r = 0;

	/* Horner from the most significant word; r < P < 2^32 throughout. */
	for (unsigned i = nwords; i-- > 0; )
		r = (r << 32 | words[i]) % MODPRIME_P;
	r = (r + initval) % MODPRIME_P;
	return (r + seed % MODPRIME_P) % MODPRIME_P;
}

const struct fx_hasher fx_hasher_modprime = {
	.name = "modprime",
	.summary = "key as one number mod 2^32-5 (2016 futex private-hash proposal, approx.)",
	.out_bits = 32,
	.hash_key = modprime_key,
	.hash_bytes = NULL,
};
