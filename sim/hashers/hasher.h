/* SPDX-License-Identifier: MIT */
/*
 * hasher.h - the hash-function plug-in interface.
 *
 * A hasher turns the words of a futex key into a 64-bit value.  It never
 * picks a bucket: the layout reduces the value to a table and a bucket, as
 * the kernel's futex_hash() does with "& futex_hashmask".
 *
 * The key arrives the way the kernel hands it to jhash2(): an array of
 * native-endian u32 words (4 on 64-bit for the global table: ptr lo, ptr
 * hi, word lo, word hi; 2 for the private hash: address lo, hi) and an
 * initval that carries the key's offset, FUT_OFF_* bits included.  Every
 * hasher must let both the words and the initval change its result, and
 * must document how it folds them in.
 *
 * The 64-bit seed is the run's seed.  With seed 0 a kernel function
 * (jhash2, hash_32, hash_64) gives exactly the kernel's value.
 *
 * Adding a hasher: write sim/hashers/NAME.c defining one
 * "const struct fx_hasher fx_hasher_NAME", and add one FX_HASHER(NAME) line
 * to sim/hashers/hash-list.h.  Nothing else.
 */
#ifndef FX_HASHER_H
#define FX_HASHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * fx_hash_key_fn - hash a futex key
 * @words:   key words, native-endian, as the kernel passes them to jhash2
 * @nwords:  number of words (2, 3 or 4 in practice; any value is allowed)
 * @initval: the key's offset within the page, including the FUT_OFF_* bits
 * @seed:    the run's seed; 0 reproduces the kernel for kernel functions
 *
 * Return: a 64-bit hash; hashers with a 32-bit output zero-extend it.
 */
typedef uint64_t (*fx_hash_key_fn)(const uint32_t *words, unsigned nwords,
				   uint32_t initval, uint64_t seed);

/**
 * fx_hash_bytes_fn - hash a byte string (published test vectors use this)
 * @data: bytes
 * @len:  length in bytes
 * @seed: the function's own seed/key, widened to 64 bits as documented by
 *        the hasher
 *
 * Return: the function's value, zero-extended to 64 bits.
 */
typedef uint64_t (*fx_hash_bytes_fn)(const void *data, size_t len,
				     uint64_t seed);

struct fx_hasher {
	const char *name;		/* registry name, e.g. "jhash2" */
	const char *summary;		/* one line for "futexsim list" */
	unsigned out_bits;		/* significant output bits: 32 or 64 */
	fx_hash_key_fn hash_key;	/* required */
	fx_hash_bytes_fn hash_bytes;	/* NULL when the function is word-only */
	bool key_bytes;			/* see below */
};

/*
 * key_bytes: the hasher folds a key as the byte string
 *	K = LE32(words[0]) || ... || LE32(words[nwords - 1]) || LE32(initval)
 * so that hash_key(w, n, iv, s) == hash_bytes(K, 4n + 4, s).  The kernel's
 * union futex_key already lies in memory as K (ptr, word, then offset; or
 * address, then offset for the private hash), so a layout may hash the
 * key's bytes in place with hash_bytes() instead of copying its words:
 * fx_hash_words() in sim/layouts/nodetables.c does that.
 */

/* The registry: a NULL-terminated array built from hash-list.h. */
extern const struct fx_hasher *const fx_hashers[];

/**
 * fx_hasher_find - look a hasher up by name
 * @name: registry name
 *
 * Return: the hasher, or NULL if no hasher has that name.
 */
const struct fx_hasher *fx_hasher_find(const char *name);

/**
 * fx_hasher_names - the registry names joined by ", " (for error messages)
 *
 * Return: a static string.
 */
const char *fx_hasher_names(void);

#define FX_HASHER(n) extern const struct fx_hasher fx_hasher_##n;
#include "hash-list.h"
#undef FX_HASHER

#endif /* FX_HASHER_H */
