/* SPDX-License-Identifier: MIT */
/*
 * fold.h - private helpers shared by the hasher plug-ins: how a futex key
 * (u32 words + initval, see hasher.h) is turned into the input a given
 * hash function wants.  Everything here is static inline; nothing is
 * exported.  Only the plug-ins in sim/hashers/ include this file.
 *
 * Three foldings are used, and each plug-in's top comment names its own:
 *
 *  1. Key bytes (byte-string functions: SipHash, xxHash, MurmurHash3,
 *     CRC32C, wyhash, FNV-1a).  The key is the byte string
 *
 *         K = LE32(words[0]) || ... || LE32(words[nwords-1]) || LE32(initval)
 *
 *     of 4 * (nwords + 1) bytes.  Little-endian on every host, so a run
 *     gives the same buckets on any machine; on x86 it is simply the
 *     words as they lie in memory followed by the initval.  For such a
 *     hasher hash_key(w, n, iv, s) == hash_bytes(K, 4n + 4, s), and the
 *     unit test checks exactly that.
 *
 *  2. Lanes (single-word functions: hash_32, hash_64, fmix64).  The words
 *     are paired into 64-bit lanes (words[2i] low, words[2i+1] high; an odd
 *     last word is zero-extended) and the lanes, the initval and the seed
 *     are XORed together.  For the kernel's 2-word private-hash key this is
 *     exactly (page address | offset): the address is page aligned, so the
 *     offset lands in bits the address leaves zero.  For the 4-word global
 *     key it is mm ^ (address | offset), which can collide where the
 *     kernel's jhash2 would not; the kernel never used these functions on
 *     futex keys, so this is our folding, not the kernel's.
 *
 *  3. Address (LiteOS, lowbits): only the futex address is looked at.  The
 *     kernel puts the address in the last word pair (global key: ptr lo,
 *     ptr hi, address lo, address hi; private hash: address lo, hi); a key
 *     with an odd number of words is the 32-bit layout (ptr lo, ptr hi,
 *     address), whose address is the last word.  The in-page offset is
 *     initval with the two FUT_OFF_* kind bits cleared.
 */
#ifndef FX_HASHERS_FOLD_H
#define FX_HASHERS_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* Words in a contiguous key buffer before a plug-in falls back to chunks. */
#define FXH_BUF_WORDS 64

static inline uint32_t fxh_rotl32(uint32_t x, unsigned r)
{
	return (x << (r & 31)) | (x >> ((32 - r) & 31));
}

static inline uint64_t fxh_rotl64(uint64_t x, unsigned r)
{
	return (x << (r & 63)) | (x >> ((64 - r) & 63));
}

static inline uint32_t fxh_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t fxh_le64(const uint8_t *p)
{
	return (uint64_t)fxh_le32(p) | (uint64_t)fxh_le32(p + 4) << 32;
}

static inline void fxh_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Fold a 64-bit seed into a 32-bit one: seeds below 2^32 map to themselves. */
static inline uint32_t fxh_seed32(uint64_t seed)
{
	return (uint32_t)seed ^ (uint32_t)(seed >> 32);
}

/* Word @i of the virtual key words[0..n-1], initval (folding 1). */
static inline uint32_t fxh_key_word(const uint32_t *words, unsigned nwords,
				    uint32_t initval, size_t i)
{
	return i < nwords ? words[i] : initval;
}

/* Number of bytes in K (folding 1). */
static inline size_t fxh_key_len(unsigned nwords)
{
	return 4 * ((size_t)nwords + 1);
}

/*
 * Write key words [first, first + count) of K into @buf as little-endian
 * bytes; returns the number of bytes written (4 * count).
 */
static inline size_t fxh_key_bytes(uint8_t *buf, const uint32_t *words,
				   unsigned nwords, uint32_t initval,
				   size_t first, size_t count)
{
	for (size_t i = 0; i < count; i++)
		fxh_put_le32(buf + 4 * i,
			     fxh_key_word(words, nwords, initval, first + i));
	return 4 * count;
}

/* Folding 2: XOR of the 64-bit lanes, the initval and the seed. */
static inline uint64_t fxh_fold_lanes(const uint32_t *words, unsigned nwords,
				      uint32_t initval, uint64_t seed)
{
	uint64_t x = (uint64_t)initval ^ seed;
	unsigned i;

	for (i = 0; i + 1 < nwords; i += 2)
		x ^= (uint64_t)words[i] | (uint64_t)words[i + 1] << 32;
	if (i < nwords)
		x ^= words[i];
	return x;
}

/* Folding 3: the futex address from the key words (0 for an empty key). */
static inline uint64_t fxh_key_addr(const uint32_t *words, unsigned nwords)
{
	if (nwords == 0)
		return 0;
	if (nwords & 1)
		return words[nwords - 1];
	return (uint64_t)words[nwords - 2] | (uint64_t)words[nwords - 1] << 32;
}

/* Folding 3: the in-page offset, FUT_OFF_INODE/FUT_OFF_MMSHARED cleared. */
static inline uint32_t fxh_key_offset(uint32_t initval)
{
	return initval & ~3u;
}

static inline uint32_t fxh_bitrev32(uint32_t x)
{
	x = (x >> 1 & 0x55555555u) | (x & 0x55555555u) << 1;
	x = (x >> 2 & 0x33333333u) | (x & 0x33333333u) << 2;
	x = (x >> 4 & 0x0f0f0f0fu) | (x & 0x0f0f0f0fu) << 4;
	x = (x >> 8 & 0x00ff00ffu) | (x & 0x00ff00ffu) << 8;
	return x >> 16 | x << 16;
}

static inline uint64_t fxh_bitrev64(uint64_t x)
{
	return (uint64_t)fxh_bitrev32((uint32_t)x) << 32 |
	       fxh_bitrev32((uint32_t)(x >> 32));
}

#endif /* FX_HASHERS_FOLD_H */
