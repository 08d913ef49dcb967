/* SPDX-License-Identifier: MIT */
/*
 * trtest.h - helpers shared by the trace importers' unit tests: collect
 * the records an importer emits, find a fixture directory, check order.
 */
#ifndef TRTEST_H
#define TRTEST_H

#include <stddef.h>
#include <stdio.h>

#include "trace/trace.h"

struct trt_recs {
	struct fx_trace_rec *r;
	size_t n, cap;
};

/* trt_collect - an importer's emit callback appending to a trt_recs */
int trt_collect(void *ctx, const struct fx_trace_rec *rec);
/* trt_fixture_dir - "tests/trace/@sub" from the source tree or a build dir */
const char *trt_fixture_dir(const char *sub);
/* trt_open - fixture @name of tests/trace/@sub, open for reading (or fail) */
FILE *trt_open(const char *sub, const char *name);
/* trt_want - fail unless an importer's run returned @want (@err: why) */
void trt_want(const char *name, int rc, int want, const char *err);
/* trt_check_order - the records come out in entry-time order */
void trt_check_order(const struct trt_recs *v);

#endif /* TRTEST_H */
