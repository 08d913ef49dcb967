// SPDX-License-Identifier: MIT
/* registry.c - the hasher table built from hash-list.h, and name lookup. */
#include <string.h>

#include "hasher.h"

#define FX_HASHER(n) &fx_hasher_##n,
const struct fx_hasher *const fx_hashers[] = {
#include "hash-list.h"
	NULL
};
#undef FX_HASHER

const struct fx_hasher *fx_hasher_find(const char *name)
{
	for (const struct fx_hasher *const *h = fx_hashers; *h; h++)
		if (strcmp((*h)->name, name) == 0)
			return *h;
	return NULL;
}

const char *fx_hasher_names(void)
{
	static char buf[1024];

	if (!buf[0]) {
		size_t off = 0;

		for (const struct fx_hasher *const *h = fx_hashers; *h; h++) {
			size_t n = strlen((*h)->name);

			if (off + n + 3 >= sizeof(buf))
				break;
			if (off) {
				memcpy(buf + off, ", ", 2);
				off += 2;
			}
			memcpy(buf + off, (*h)->name, n);
			off += n;
		}
		buf[off] = '\0';
	}
	return buf;
}
