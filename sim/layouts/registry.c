// SPDX-License-Identifier: MIT
/* registry.c - the layout table built from layout-list.h, name lookup. */
#include <string.h>

#include "layout.h"

#define FX_LAYOUT(n) &fx_layout_##n,
const struct fx_layout_ops *const fx_layouts[] = {
#include "layout-list.h"
	NULL
};
#undef FX_LAYOUT

const struct fx_layout_ops *fx_layout_find(const char *name)
{
	for (const struct fx_layout_ops *const *l = fx_layouts; *l; l++)
		if (strcmp((*l)->name, name) == 0)
			return *l;
	return NULL;
}

const char *fx_layout_names(void)
{
	static char buf[512];

	if (!buf[0]) {
		size_t off = 0;

		for (const struct fx_layout_ops *const *l = fx_layouts; *l; l++) {
			int n = snprintf(buf + off, sizeof(buf) - off, "%s%s",
					 off ? ", " : "", (*l)->name);

			if (n < 0 || (size_t)n >= sizeof(buf) - off)
				break;
			off += (size_t)n;
		}
	}
	return buf;
}
