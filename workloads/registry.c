// SPDX-License-Identifier: MIT
/* registry.c - the workload list (workload-list.h) and lookup by name. */
#include <string.h>

#include "workload.h"

const struct fx_workload *const fx_workloads[] = {
#define FX_WORKLOAD(n) &fx_wl_##n,
#include "workload-list.h"
#undef FX_WORKLOAD
	NULL
};

const struct fx_workload *fx_workload_find(const char *name)
{
	for (unsigned i = 0; fx_workloads[i]; i++)
		if (!strcmp(fx_workloads[i]->name, name))
			return fx_workloads[i];
	return NULL;
}
