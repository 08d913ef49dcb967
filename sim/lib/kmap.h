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

#define FX_KMAP_NONE	UINT32_MAX	/* "absent"; not a storable value */

struct fx_kmap {
	uint64_t (*k)[3];
	uint32_t *v;		/* value + 1; 0: empty slot */
	size_t mask, n;
};

#define FX_KMAP_INIT	{ NULL, NULL, 0, 0 }

/* fx_kmap_get - the value of (@a, @b, @c), or FX_KMAP_NONE */
uint32_t fx_kmap_get(const struct fx_kmap *m, uint64_t a, uint64_t b,
		     uint64_t c);

/**
 * fx_kmap_put - set the value of (@a, @b, @c) to @val (< FX_KMAP_NONE)
 * @m: the map
 *
 * Return: 0, or -ENOMEM (the map is unchanged).
 */
int fx_kmap_put(struct fx_kmap *m, uint64_t a, uint64_t b, uint64_t c,
		uint32_t val);

/* fx_kmap_count - keys in the map */
static inline size_t fx_kmap_count(const struct fx_kmap *m)
{
	return m->n;
}

void fx_kmap_free(struct fx_kmap *m);

#endif /* FX_LIB_KMAP_H */
