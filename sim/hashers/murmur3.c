// SPDX-License-Identifier: MIT
/*
 * murmur3.c - MurmurHash3_x86_32 (Austin Appleby, public domain; SMHasher,
 * github.com/aappleby/smhasher src/MurmurHash3.cpp), written from that
 * reference: 4-byte little-endian blocks mixed with c1 = 0xcc9e2d51,
 * c2 = 0x1b873593, rotations 15 and 13, h = h * 5 + 0xe6546b64, a tail of
 * 1..3 bytes, the length XORed in, then the fmix32 finaliser.
 *
 * Key folding: MurmurHash3_x86_32 of the key bytes K of fold.h (LE32 of
 * every key word, then LE32(initval)), so hash_key(w, n, iv, seed) ==
 * hash_bytes(K, 4n + 4, seed).  K is a whole number of blocks, so the key
 * path reads the words directly and never has a tail.
 *
 * Seed: the function's 32-bit seed is (u32)seed ^ (u32)(seed >> 32); seeds
 * below 2^32 (all the published vectors) pass unchanged.
 */
#include "hasher.h"
#include "fold.h"

#define MM3_C1 0xcc9e2d51u
#define MM3_C2 0x1b873593u

static inline uint32_t mm3_block(uint32_t h, uint32_t k)
{
	k *= MM3_C1;
	k = fxh_rotl32(k, 15);
	k *= MM3_C2;
	h ^= k;
	h = fxh_rotl32(h, 13);
	return h * 5 + 0xe6546b64u;
}

static inline uint32_t mm3_fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint64_t murmur3_bytes(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint32_t h = fxh_seed32(seed), k = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		h = mm3_block(h, fxh_le32(p + i));
	switch (len & 3) {
	case 3: k ^= (uint32_t)p[i + 2] << 16; /* fall through */
	case 2: k ^= (uint32_t)p[i + 1] << 8;  /* fall through */
	case 1: k ^= p[i];
		k *= MM3_C1;
		k = fxh_rotl32(k, 15);
		k *= MM3_C2;
		h ^= k;
		break;
	case 0:
		break;
	}
	/* the reference takes the length as an int: only its low 32 bits */
	return mm3_fmix32(h ^ (uint32_t)len);
}

static uint64_t murmur3_key(const uint32_t *words, unsigned nwords,
			    uint32_t initval, uint64_t seed)
{
	uint32_t h = fxh_seed32(seed);

	for (unsigned i = 0; i < nwords; i++)
		h = mm3_block(h, words[i]);
	h = mm3_block(h, initval);
	return mm3_fmix32(h ^ (uint32_t)fxh_key_len(nwords));
}

const struct fx_hasher fx_hasher_murmur3 = {
	.name = "murmur3",
	.summary = "MurmurHash3_x86_32 of the key bytes, seed folded to 32 bits",
	.out_bits = 32,
	.hash_key = murmur3_key,
	.hash_bytes = murmur3_bytes,
	.key_bytes = true,
};
