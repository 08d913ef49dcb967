/* SPDX-License-Identifier: MIT */
/*
 * siphash-core.h - SipHash-c-d with 64-bit output, written from the
 * algorithm of Aumasson and Bernstein, "SipHash: a fast short-input PRF"
 * (INDOCRYPT 2012; reference code github.com/veorq/SipHash) and checked
 * against the kernel's lib/siphash.c.  Private to siphash.c (c=2, d=4) and
 * hsiphash.c (c=1, d=3); nothing here is exported.
 *
 * Two entry points: one over a byte string, one over the key bytes K of
 * fold.h read straight from the words (K's 8-byte blocks are word pairs,
 * exactly as the kernel's siphash_2u32 combines "(u64)second << 32 |
 * first"), so no buffer is needed for any key length.
 *
 * Seed to key: k0 = seed, k1 = seed + 0x0808080808080808.  The reference
 * key 00 01 .. 0f (k0 = 0x0706050403020100, k1 = 0x0f0e0d0c0b0a0908) is
 * thus seed 0x0706050403020100, so the published vectors can be checked
 * through the plug-in's public hash_bytes.
 */
#ifndef FX_HASHERS_SIPHASH_CORE_H
#define FX_HASHERS_SIPHASH_CORE_H

#include "fold.h"

#define FXH_SIP_K1_DELTA 0x0808080808080808ull

struct fxh_sip {
	uint64_t v0, v1, v2, v3;
};

static inline void fxh_sip_round(struct fxh_sip *s)
{
	s->v0 += s->v1; s->v1 = fxh_rotl64(s->v1, 13); s->v1 ^= s->v0;
	s->v0 = fxh_rotl64(s->v0, 32);
	s->v2 += s->v3; s->v3 = fxh_rotl64(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = fxh_rotl64(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = fxh_rotl64(s->v1, 17); s->v1 ^= s->v2;
	s->v2 = fxh_rotl64(s->v2, 32);
}

static inline void fxh_sip_init(struct fxh_sip *s, uint64_t seed)
{
	uint64_t k0 = seed, k1 = seed + FXH_SIP_K1_DELTA;

	s->v0 = 0x736f6d6570736575ull ^ k0;
	s->v1 = 0x646f72616e646f6dull ^ k1;
	s->v2 = 0x6c7967656e657261ull ^ k0;
	s->v3 = 0x7465646279746573ull ^ k1;
}

static inline void fxh_sip_block(struct fxh_sip *s, uint64_t m, unsigned c)
{
	s->v3 ^= m;
	for (unsigned r = 0; r < c; r++)
		fxh_sip_round(s);
	s->v0 ^= m;
}

/* @b: the last block: up to 7 tail bytes, length mod 256 in the top byte. */
static inline uint64_t fxh_sip_final(struct fxh_sip *s, uint64_t b,
				     unsigned c, unsigned d)
{
	fxh_sip_block(s, b, c);
	s->v2 ^= 0xff;
	for (unsigned r = 0; r < d; r++)
		fxh_sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static inline uint64_t fxh_siphash_bytes(const void *data, size_t len,
					 uint64_t seed, unsigned c, unsigned d)
{
	const uint8_t *p = data;
	uint64_t b = (uint64_t)len << 56;
	struct fxh_sip s;
	size_t i;

	fxh_sip_init(&s, seed);
	for (i = 0; i + 8 <= len; i += 8)
		fxh_sip_block(&s, fxh_le64(p + i), c);
	for (unsigned t = 0; i + t < len; t++)
		b |= (uint64_t)p[i + t] << (8 * t);
	return fxh_sip_final(&s, b, c, d);
}

static inline uint64_t fxh_siphash_key(const uint32_t *words, unsigned nwords,
				       uint32_t initval, uint64_t seed,
				       unsigned c, unsigned d)
{
	size_t nk = (size_t)nwords + 1;		/* words in K */
	uint64_t b = (uint64_t)(4 * nk) << 56;
	struct fxh_sip s;
	size_t i;

	fxh_sip_init(&s, seed);
	for (i = 0; i + 2 <= nk; i += 2)
		fxh_sip_block(&s,
			      (uint64_t)fxh_key_word(words, nwords, initval, i) |
			      (uint64_t)fxh_key_word(words, nwords, initval, i + 1) << 32,
			      c);
	if (i < nk)
		b |= fxh_key_word(words, nwords, initval, i);
	return fxh_sip_final(&s, b, c, d);
}

#endif /* FX_HASHERS_SIPHASH_CORE_H */
