/* SPDX-License-Identifier: MIT */
/*
 * trace.c - the trace both conformance runners fill.
 */
#include <stdlib.h>
#include <string.h>

#include "conform/scenario.h"

/**
 * fxc_trace_free - release what a runner allocated in @tr and reset it.
 * @tr: a trace filled by fxc_run_kernel() or fxc_run_model(), or zeroed
 */
void fxc_trace_free(struct fxc_trace *tr)
{
	if (!tr)
		return;
	free(tr->steps);
	memset(tr, 0, sizeof(*tr));
}
