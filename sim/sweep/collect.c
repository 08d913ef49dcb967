// SPDX-License-Identifier: MIT
/*
 * collect.c - futexsim sweep --merge DIR1 DIR2 ... -o DIR: bring the
 * cell results of sweeps split with --part (or run on other machines)
 * into one directory.  Every source must hold a byte copy of the same
 * grid; per cell the first ok result wins, else the first failure.
 * Files are copied whole (temporary file, rename), the CSV last.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"

static int copy(const char *from, const char *to)
{
	size_t len;
	char *text = fx_sweep_file_read(from, &len);
	int ret;

	if (!text)
		return errno == ENOENT ? 0 : -errno;
	ret = fx_sweep_file_write(to, text, len);
	free(text);
	return ret;
}

static int copy_cell(const char *src, const char *dir, unsigned long i,
		     enum fx_sweep_state st)
{
	static const char *const ok_files[] = { ".csv.json", ".series.csv", ".csv" };
	char a[4096], b[4096];
	int ret;

	if (st == FX_SWEEP_FAILED) {
		fx_sweep_cell_path(a, sizeof(a), src, i, ".err");
		fx_sweep_cell_path(b, sizeof(b), dir, i, ".err");
		return copy(a, b);
	}
	for (unsigned k = 0; k < 3; k++) {
		fx_sweep_cell_path(a, sizeof(a), src, i, ok_files[k]);
		fx_sweep_cell_path(b, sizeof(b), dir, i, ok_files[k]);
		if ((ret = copy(a, b)))
			return ret;
	}
	fx_sweep_cell_path(b, sizeof(b), dir, i, ".err");
	unlink(b);
	return 0;
}

int fx_sweep_collect(const struct fx_sweep_grid *g, const char *dir,
		     char *const *src, unsigned n, char *err, size_t errlen)
{
	char rd[PATH_MAX], p[4096];
	char (*rs)[PATH_MAX] = calloc(n ? n : 1, sizeof(*rs));
	int ret = 0;

	if (!rs)
		return -ENOMEM;
	snprintf(p, sizeof(p), "%s/cells", dir);
	if ((ret = fx_sweep_mkdirs(p))) {
		snprintf(err, errlen, "%s: %s", p, strerror(-ret));
		goto out;
	}
	if (!realpath(dir, rd)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	for (unsigned s = 0; s < n; s++) {
		size_t len;
		char *text;

		snprintf(p, sizeof(p), "%s/grid", src[s]);
		text = fx_sweep_file_read(p, &len);
		if (!text) {
			ret = -EINVAL;
			snprintf(err, errlen, "%s: %s; expected a futexsim sweep results directory",
				 p, strerror(errno));
			goto out;
		}
		if (len != g->len || memcmp(text, g->text, len)) {
			free(text);
			ret = -EINVAL;
			snprintf(err, errlen, "%s differs from %s: the sweeps ran different grids",
				 p, g->name);
			goto out;
		}
		free(text);
		if (!realpath(src[s], rs[s])) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", src[s], strerror(errno));
			goto out;
		}
	}
	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;
		int pick = -1;
		enum fx_sweep_state pst = FX_SWEEP_MISSING;

		fx_sweep_cell(g, i, &c);
		if (fx_sweep_cell_state(dir, i, c.sec->mode) == FX_SWEEP_OK)
			continue;
		for (unsigned s = 0; s < n; s++) {
			enum fx_sweep_state st = fx_sweep_cell_state(src[s], i, c.sec->mode);

			if (st == FX_SWEEP_OK) {
				pick = (int)s;
				pst = st;
				break;
			}
			if (st == FX_SWEEP_FAILED && pick < 0) {
				pick = (int)s;
				pst = st;
			}
		}
		if (pick < 0 || !strcmp(rs[pick], rd))
			continue;
		if ((ret = copy_cell(src[pick], dir, i, pst))) {
			snprintf(err, errlen, "cell %lu from %s: %s", i, src[pick],
				 strerror(-ret));
			goto out;
		}
	}
out:
	free(rs);
	return ret;
}
