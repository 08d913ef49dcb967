// SPDX-License-Identifier: MIT
/*
 * kmap.c - the three-word hash map of kmap.h: insertion and growth (the
 * lookup is inline in kmap.h).  The hash is splitmix64's finaliser
 * applied word by word, good enough for addresses, which vary mostly in
 * their middle bits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kmap.h"

static int kmap_grow(struct fx_kmap *m)
{
	size_t cap = m->mask ? 2 * (m->mask + 1) : 256;
	uint64_t (*k)[3] = malloc(cap * sizeof(*k));
	uint32_t *v = calloc(cap, sizeof(*v));

	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; m->mask && i <= m->mask; i++) {
		size_t j;

		if (!m->v[i])
			continue;
		j = fx_kmap_hash(m->k[i][0], m->k[i][1], m->k[i][2]) & (cap - 1);
		while (v[j])
			j = (j + 1) & (cap - 1);
		v[j] = m->v[i];
		memcpy(k[j], m->k[i], sizeof(k[j]));
	}
	free(m->k);
	free(m->v);
	m->k = k;
	m->v = v;
	m->mask = cap - 1;
	return 0;
}

int fx_kmap_put(struct fx_kmap *m, uint64_t a, uint64_t b, uint64_t c,
		uint32_t val)
{
	size_t i;

	if (val == FX_KMAP_NONE)
		return -EINVAL;
	if (2 * (m->n + 1) > m->mask + 1 && kmap_grow(m))
		return -ENOMEM;
	for (i = fx_kmap_hash(a, b, c) & m->mask; m->v[i]; i = (i + 1) & m->mask)
		if (m->k[i][0] == a && m->k[i][1] == b && m->k[i][2] == c) {
			m->v[i] = val + 1;
			return 0;
		}
	m->k[i][0] = a;
	m->k[i][1] = b;
	m->k[i][2] = c;
	m->v[i] = val + 1;
	m->n++;
	return 0;
}

void fx_kmap_free(struct fx_kmap *m)
{
	free(m->k);
	free(m->v);
	m->k = NULL;
	m->v = NULL;
	m->mask = m->n = 0;
}
