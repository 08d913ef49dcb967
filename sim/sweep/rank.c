// SPDX-License-Identifier: MIT
/*
 * rank.c - the end-of-sweep ranking, read back from the merged files:
 * per run workload (name and options) the hasher x layout with the
 * lowest mean p99 wake latency (cells with wakeups only) and the one
 * with the highest mean throughput; per replayed trace the hasher x
 * layout with the lowest mean collision rate.  Groups are listed in
 * cell order and ties go to the earlier hasher x layout, followed by how
 * many more tie, so the ranking is as deterministic as the files.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/csv.h"
#include "sweep.h"

#define MAXCOLS 512

struct cand {
	char *name;			/* "hasher/layout" */
	double sum[2];
	unsigned long n[2];
};

struct group {
	char *name;
	struct cand *c;
	unsigned nc;
};

struct groups {
	struct group *g;
	unsigned n;
};

static struct cand *find(struct groups *gs, const char *group, const char *cand)
{
	struct group *g = NULL;

	for (unsigned i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].name, group))
			g = &gs->g[i];
	if (!g) {
		struct group *ng = realloc(gs->g, (gs->n + 1) * sizeof(*ng));

		if (!ng)
			return NULL;
		gs->g = ng;
		g = &gs->g[gs->n];
		memset(g, 0, sizeof(*g));
		if (!(g->name = strdup(group)))
			return NULL;
		gs->n++;
	}
	for (unsigned i = 0; i < g->nc; i++)
		if (!strcmp(g->c[i].name, cand))
			return &g->c[i];
	{
		struct cand *nc = realloc(g->c, (g->nc + 1) * sizeof(*nc));

		if (!nc)
			return NULL;
		g->c = nc;
		memset(&g->c[g->nc], 0, sizeof(*nc));
		if (!(g->c[g->nc].name = strdup(cand)))
			return NULL;
		return &g->c[g->nc++];
	}
}

static void groups_free(struct groups *gs)
{
	for (unsigned i = 0; i < gs->n; i++) {
		for (unsigned j = 0; j < gs->g[i].nc; j++)
			free(gs->g[i].c[j].name);
		free(gs->g[i].c);
		free(gs->g[i].name);
	}
	free(gs->g);
}

static bool number(const char *s, double *v)
{
	char *end;

	if (!*s)
		return false;
	*v = strtod(s, &end);
	return !*end && !isnan(*v);
}

/*
 * read @path; group by columns @gcols (joined by ' '), candidate
 * hasher/layout, metrics @m[0..1] (NULL: none), metric 0 counted only
 * where column @need is > 0 (NULL: always)
 */
static int collect(const char *path, const char *const *gcols, unsigned ngc,
		   const char *const m[2], const char *need, struct groups *gs)
{
	char *text = fx_sweep_file_read(path, NULL), *p, *line, *hdr[MAXCOLS];
	int gi[4], mi[2] = { -1, -1 }, hi = -1, li = -1, ni = -1, nh = -1;

	if (!text)
		return errno == ENOENT ? 0 : -errno;
	for (p = text; (line = strsep(&p, "\n"));) {
		char *f[MAXCOLS], group[1024] = "", cand[256];
		int n;

		if (!*line || (*line == '#' && nh < 0))
			continue;
		if (nh < 0) {
			nh = fx_csv_split(line, hdr, MAXCOLS);
			for (int j = 0; j < nh; j++) {
				for (unsigned k = 0; k < ngc; k++)
					if (!strcmp(hdr[j], gcols[k]))
						gi[k] = j;
				for (unsigned k = 0; k < 2; k++)
					if (m[k] && !strcmp(hdr[j], m[k]))
						mi[k] = j;
				if (!strcmp(hdr[j], "hasher"))
					hi = j;
				if (!strcmp(hdr[j], "layout"))
					li = j;
				if (need && !strcmp(hdr[j], need))
					ni = j;
			}
			if (hi < 0 || li < 0 || mi[0] < 0) {
				free(text);
				return -EINVAL;
			}
			continue;
		}
		n = fx_csv_split(line, f, MAXCOLS);
		if (n != nh)
			continue;
		for (unsigned k = 0; k < ngc; k++)
			if (f[gi[k]][0])
				snprintf(group + strlen(group), sizeof(group) - strlen(group),
					 "%s%s", group[0] ? " " : "", f[gi[k]]);
		snprintf(cand, sizeof(cand), "%s/%s", f[hi], f[li]);
		{
			struct cand *c = find(gs, group, cand);
			double v, w;

			if (!c) {
				free(text);
				return -ENOMEM;
			}
			for (unsigned k = 0; k < 2; k++) {
				if (mi[k] < 0 || !number(f[mi[k]], &v))
					continue;
				if (k == 0 && ni >= 0 && (!number(f[ni], &w) || w <= 0))
					continue;
				c->sum[k] += v;
				c->n[k]++;
			}
		}
	}
	free(text);
	return 0;
}

/* the best candidate of @g by metric @k: lowest (or highest) mean */
static const struct cand *best(const struct group *g, unsigned k, bool high)
{
	const struct cand *b = NULL;

	for (unsigned i = 0; i < g->nc; i++) {
		const struct cand *c = &g->c[i];

		if (!c->n[k])
			continue;
		if (!b || (high ? c->sum[k] / c->n[k] > b->sum[k] / b->n[k]
				: c->sum[k] / c->n[k] < b->sum[k] / b->n[k]))
			b = c;
	}
	return b;
}

/* how many other candidates of @g have @b's mean of metric @k */
static unsigned ties(const struct group *g, unsigned k, const struct cand *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g->nc; i++)
		n += &g->c[i] != b && g->c[i].n[k] &&
		     g->c[i].sum[k] / g->c[i].n[k] == b->sum[k] / b->n[k];
	return n;
}

/* " (N more tie)" after a best candidate, or nothing */
static void print_ties(FILE *out, const struct group *g, unsigned k,
		       const struct cand *b)
{
	unsigned n = ties(g, k, b);

	if (n)
		fprintf(out, " (%u more tie)", n);
}

int fx_sweep_rank(const char *dir, const struct fx_sweep_summary *sum,
		  FILE *out)
{
	static const char *const rg[] = { "workload", "wopts" };
	static const char *const rm[2] = { "wake_p99_ns", "throughput_ops_s" };
	static const char *const pg[] = { "trace" };
	static const char *const pm[2] = { "collision_rate", NULL };
	struct groups run = { 0 }, rep = { 0 };
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/run.csv", dir);
	ret = collect(path, rg, 2, rm, "wakeups", &run);
	snprintf(path, sizeof(path), "%s/replay.csv", dir);
	if (!ret)
		ret = collect(path, pg, 1, pm, NULL, &rep);
	if (ret)
		goto out;
	fprintf(out, "ranking (mean over the cells of each hasher/layout):\n");
	for (unsigned i = 0; i < run.n; i++) {
		const struct cand *lat = best(&run.g[i], 0, false);
		const struct cand *thr = best(&run.g[i], 1, true);

		fprintf(out, "  run %s:", run.g[i].name);
		if (lat) {
			fprintf(out, " best p99 wake latency %s (%.0f ns)",
				lat->name, lat->sum[0] / lat->n[0]);
			print_ties(out, &run.g[i], 0, lat);
			fputc(';', out);
		} else {
			fprintf(out, " no wakeups;");
		}
		if (thr) {
			fprintf(out, " best throughput %s (%.6g ops/s)", thr->name,
				thr->sum[1] / thr->n[1]);
			print_ties(out, &run.g[i], 1, thr);
		}
		fputc('\n', out);
	}
	for (unsigned i = 0; i < rep.n; i++) {
		const struct cand *c = best(&rep.g[i], 0, false);

		fprintf(out, "  replay %s:", rep.g[i].name);
		if (c) {
			fprintf(out, " lowest collision rate %s (%.6g)", c->name,
				c->sum[0] / c->n[0]);
			print_ties(out, &rep.g[i], 0, c);
			fputc('\n', out);
		} else
			fprintf(out, " no collision rate (no locked ops)\n");
	}
	if (!run.n && !rep.n)
		fprintf(out, "  no completed cell\n");
	fprintf(out, "cells: %lu, ok %lu, failed %lu, missing %lu\n", sum->cells,
		sum->ok, sum->failed, sum->missing);
out:
	groups_free(&run);
	groups_free(&rep);
	return ret;
}
