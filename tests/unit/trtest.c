// SPDX-License-Identifier: MIT
/* trtest.c - helpers of the trace importers' unit tests (trtest.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "trtest.h"

int trt_collect(void *ctx, const struct fx_trace_rec *rec)
{
	struct trt_recs *v = ctx;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->r = realloc(v->r, v->cap * sizeof(*v->r));
		assert_non_null(v->r);
	}
	v->r[v->n++] = *rec;
	return 0;
}

const char *trt_fixture_dir(const char *sub)
{
	static const char *const up[] = { "", "../", "../../", NULL };
	static char path[256];

	for (int i = 0; up[i]; i++) {
		DIR *d;

		snprintf(path, sizeof(path), "%stests/trace/%s", up[i], sub);
		d = opendir(path);
		if (d) {
			closedir(d);
			return path;
		}
	}
	fail_msg("tests/trace/%s not found (run from the source tree)", sub);
	return NULL;
}

void trt_check_order(const struct trt_recs *v)
{
	for (size_t i = 1; i < v->n; i++)
		assert_true(v->r[i].t_ns >= v->r[i - 1].t_ns);
}

FILE *trt_open(const char *sub, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", trt_fixture_dir(sub), name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot open the fixture", path);
	return f;
}

void trt_want(const char *name, int rc, int want, const char *err)
{
	if (rc != want)
		fail_msg("%s: rc %d (want %d): %s", name, rc, want, err);
}
