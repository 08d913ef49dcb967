// SPDX-License-Identifier: MIT
/*
 * wyhash.c - wyhash "final version 4" (Wang Yi, public domain / Unlicense;
 * github.com/wangyi-fudan/wyhash, wyhash.h, macro wyhash_final_version_4)
 * with its default secret _wyp = {0xa0761d6478bd642f, 0xe7037ed1a0b428db,
 * 0x8ebc6af09c88c6e3, 0x589965cc75374cc3} and the default build options
 * (WYHASH_CONDOM 1: the 128-bit product's halves replace the operands;
 * WYHASH_32BIT_MUM 0: a full 64x64->128 multiply).  Written from that
 * source; the 128-bit multiply uses unsigned __int128 where the compiler
 * has it and the reference's portable 32x32 schoolbook product elsewhere,
 * which give the same result.
 *
 * Key folding: wyhash of the key bytes K of fold.h (LE32 of every key word,
 * then LE32(initval)), so hash_key(w, n, iv, seed) == hash_bytes(K, 4n + 4,
 * seed).  K's length is a multiple of 4, so every read wyhash makes of it
 * starts on a word boundary: the key path reads the words in place, for any
 * number of words, without a buffer.
 *
 * Seed: wyhash's own 64-bit seed, unchanged.
 */
#include "hasher.h"
#include "fold.h"

static const uint64_t wyp[4] = {
	0xa0761d6478bd642full, 0xe7037ed1a0b428dbull,
	0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull,
};

/* *A, *B = low and high halves of the 128-bit product *A * *B. */
static inline void wymum(uint64_t *A, uint64_t *B)
{
#ifdef __SIZEOF_INT128__
	__extension__ typedef unsigned __int128 u128;
	u128 r = (u128)*A * *B;

	*A = (uint64_t)r;
	*B = (uint64_t)(r >> 64);
#else
	uint64_t ha = *A >> 32, hb = *B >> 32;
	uint64_t la = (uint32_t)*A, lb = (uint32_t)*B, hi, lo;
	uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
	uint64_t t = rl + (rm0 << 32), c = t < rl;

	lo = t + (rm1 << 32);
	c += lo < t;
	hi = rh + (rm0 >> 32) + (rm1 >> 32) + c;
	*A = lo;
	*B = hi;
#endif
}

static inline uint64_t wymix(uint64_t A, uint64_t B)
{
	wymum(&A, &B);
	return A ^ B;
}

/* The input: a byte string, or the key bytes K read from the words. */
struct wy_in {
	const uint8_t *bytes;		/* NULL: read K from the fields below */
	const uint32_t *words;
	unsigned nwords;
	uint32_t initval;
};

/* @off is a multiple of 4 whenever bytes is NULL. */
static inline uint64_t wy_r4(const struct wy_in *in, size_t off)
{
	if (in->bytes)
		return fxh_le32(in->bytes + off);
	return fxh_key_word(in->words, in->nwords, in->initval, off >> 2);
}

static inline uint64_t wy_r8(const struct wy_in *in, size_t off)
{
	if (in->bytes)
		return fxh_le64(in->bytes + off);
	return wy_r4(in, off) | wy_r4(in, off + 4) << 32;
}

/* Lengths 1..3 only, which K never has. */
static inline uint64_t wy_r3(const struct wy_in *in, size_t k)
{
	const uint8_t *p = in->bytes;

	return (uint64_t)p[0] << 16 | (uint64_t)p[k >> 1] << 8 | p[k - 1];
}

static uint64_t wyhash_core(const struct wy_in *in, size_t len, uint64_t seed)
{
	size_t pos = 0;
	uint64_t a, b;

	seed ^= wymix(seed ^ wyp[0], wyp[1]);
	if (len <= 16) {
		if (len >= 4) {
			size_t q = (len >> 3) << 2;

			a = wy_r4(in, 0) << 32 | wy_r4(in, q);
			b = wy_r4(in, len - 4) << 32 | wy_r4(in, len - 4 - q);
		} else if (len > 0) {
			a = wy_r3(in, len);
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		size_t i = len;

		if (i > 48) {
			uint64_t see1 = seed, see2 = seed;

			do {
				seed = wymix(wy_r8(in, pos) ^ wyp[1],
					     wy_r8(in, pos + 8) ^ seed);
				see1 = wymix(wy_r8(in, pos + 16) ^ wyp[2],
					     wy_r8(in, pos + 24) ^ see1);
				see2 = wymix(wy_r8(in, pos + 32) ^ wyp[3],
					     wy_r8(in, pos + 40) ^ see2);
				pos += 48;
				i -= 48;
			} while (i > 48);
			seed ^= see1 ^ see2;
		}
		while (i > 16) {
			seed = wymix(wy_r8(in, pos) ^ wyp[1],
				     wy_r8(in, pos + 8) ^ seed);
			i -= 16;
			pos += 16;
		}
		a = wy_r8(in, pos + i - 16);
		b = wy_r8(in, pos + i - 8);
	}
	a ^= wyp[1];
	b ^= seed;
	wymum(&a, &b);
	return wymix(a ^ wyp[0] ^ len, b ^ wyp[1]);
}

static uint64_t wyhash_bytes(const void *data, size_t len, uint64_t seed)
{
	const struct wy_in in = { .bytes = data };

	return wyhash_core(&in, len, seed);
}

static uint64_t wyhash_key(const uint32_t *words, unsigned nwords,
			   uint32_t initval, uint64_t seed)
{
	const struct wy_in in = {
		.bytes = NULL, .words = words, .nwords = nwords,
		.initval = initval,
	};

	return wyhash_core(&in, fxh_key_len(nwords), seed);
}

const struct fx_hasher fx_hasher_wyhash = {
	.name = "wyhash",
	.summary = "wyhash final v4 (default secret) of the key bytes",
	.out_bits = 64,
	.hash_key = wyhash_key,
	.hash_bytes = wyhash_bytes,
	.key_bytes = true,
};
