/* SPDX-License-Identifier: MIT */
/*
 * kmap.h - an open-addressing hash map from three 64-bit words to a
 * 32-bit value: trace ids, (process, address) keys, address chunks.
 *
 * Linear probing over a power-of-two table kept at most half full; keys
 * are compared in full, so the map never confuses two keys.  No removal:
 * the users only ever add.
 */
#ifndef FX_LIB_KMAP_H
#define FX_LIB_KMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define FX_KMAP_NONE	UINT32_MAX	/* "absent"; not a storable value */

struct fx_kmap {
	uint64_t (*k)[3];
	uint32_t *v;		/* value + 1; 0: empty slot */
	size_t mask, n;
};

#define FX_KMAP_INIT	{ NULL, NULL, 0, 0 }

static inline uint64_t fx_kmap_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* fx_kmap_hash - the slot hash: splitmix64's finaliser, word by word */
static inline size_t fx_kmap_hash(uint64_t a, uint64_t b, uint64_t c)
{
	return (size_t)fx_kmap_mix(a ^ fx_kmap_mix(b ^ fx_kmap_mix(c)));
}

/* fx_kmap_get - the value of (@a, @b, @c), or FX_KMAP_NONE (inline: the
 * trace tools look keys up once per record) */
static inline uint32_t fx_kmap_get(const struct fx_kmap *m, uint64_t a,
				   uint64_t b, uint64_t c)
{
	if (!m->v)
		return FX_KMAP_NONE;
	for (size_t i = fx_kmap_hash(a, b, c) & m->mask; m->v[i];
	     i = (i + 1) & m->mask)
		if (m->k[i][0] == a && m->k[i][1] == b && m->k[i][2] == c)
			return m->v[i] - 1;
	return FX_KMAP_NONE;
}

/**
 * fx_kmap_put - set the value of (@a, @b, @c) to @val (< FX_KMAP_NONE)
 * @m: the map
 *
 * Return: 0, or -ENOMEM (the map is unchanged).
 */
int fx_kmap_put(struct fx_kmap *m, uint64_t a, uint64_t b, uint64_t c,
		uint32_t val);

/**
 * fx_kmap_add - (@a, @b, @c)'s value if present, else insert @val
 * @m: the map
 * @found: its value if it was present
 *
 * Return: 1 present (*@found set), 0 inserted, -ENOMEM.
 */
static inline int fx_kmap_add(struct fx_kmap *m, uint64_t a, uint64_t b,
			      uint64_t c, uint32_t val, uint32_t *found)
{
	uint32_t v = fx_kmap_get(m, a, b, c);

	if (v != FX_KMAP_NONE) {
		if (found)
			*found = v;
		return 1;
	}
	return fx_kmap_put(m, a, b, c, val);
}

/* fx_kmap_count - keys in the map */
static inline size_t fx_kmap_count(const struct fx_kmap *m)
{
	return m->n;
}

void fx_kmap_free(struct fx_kmap *m);

#endif /* FX_LIB_KMAP_H */
