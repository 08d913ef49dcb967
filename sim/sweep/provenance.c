// SPDX-License-Identifier: MIT
/*
 * provenance.c - DIR/provenance.txt: "key: value" lines saying what made
 * the results - futexsim's version (and git describe of the tree the
 * binary is in), the grid and its SHA-256, the cell counts, the seeds,
 * the hosts (from GNU parallel's joblogs, ':' being this host, and from
 * merged directories' provenance) and the UTC start and end.  Host names
 * and times live here and in DIR/joblog only.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "sweep.h"

static void utc(char *buf, size_t len, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_host(char ***hosts, unsigned *n, const char *h)
{
	char **nh;

	for (unsigned i = 0; i < *n; i++)
		if (!strcmp((*hosts)[i], h))
			return;
	nh = realloc(*hosts, (*n + 1) * sizeof(*nh));
	if (!nh)
		return;
	*hosts = nh;
	if ((nh[*n] = strdup(h)))
		(*n)++;
}

/* the hosts of DIR/joblog (':' is this host) and DIR/provenance.txt; the
 * earliest "started" of DIR/provenance.txt into @started */
static void read_dir_history(const char *dir, char ***hosts, unsigned *n,
			     char *started, size_t slen)
{
	char p[PATH_MAX + 32], *text, *line, *save;

	snprintf(p, sizeof(p), "%s/joblog", dir);
	if ((text = fx_sweep_file_read(p, NULL))) {
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *tab = strchr(line, '\t'), *end;

			if (!tab || !strncmp(line, "Seq", 3))
				continue;
			end = strchr(tab + 1, '\t');
			if (end)
				*end = '\0';
			if (!strcmp(tab + 1, ":")) {
				char hn[256] = "localhost";

				gethostname(hn, sizeof(hn) - 1);
				add_host(hosts, n, hn);
			} else {
				add_host(hosts, n, tab + 1);
			}
		}
		free(text);
	}
	snprintf(p, sizeof(p), "%s/provenance.txt", dir);
	if ((text = fx_sweep_file_read(p, NULL))) {
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "started: ", 9) &&
			    (!started[0] || strcmp(line + 9, started) < 0))
				snprintf(started, slen, "%s", line + 9);
			if (!strncmp(line, "hosts: ", 7)) {
				char *hs = NULL, *h;

				for (h = strtok_r(line + 7, " ", &hs); h;
				     h = strtok_r(NULL, " ", &hs))
					if (strcmp(h, "none"))
						add_host(hosts, n, h);
			}
		}
		free(text);
	}
}

static void git_describe(const char *bin, char *buf, size_t len)
{
	char cmd[PATH_MAX + 128], root[PATH_MAX], *slash;
	FILE *p;

	buf[0] = '\0';
	snprintf(root, sizeof(root), "%s", bin);
	slash = strrchr(root, '/');
	if (!slash)
		return;
	snprintf(slash, sizeof(root) - (size_t)(slash - root), "/..");
	snprintf(cmd, sizeof(cmd), "git -C '%s' describe --always --dirty 2>/dev/null", root);
	if (strchr(root, '\'') || !(p = popen(cmd, "r")))
		return;
	if (fgets(buf, (int)len, p))
		buf[strcspn(buf, "\n")] = '\0';
	else
		buf[0] = '\0';
	pclose(p);
}

int fx_sweep_provenance(const struct fx_sweep_grid *g, const char *dir,
			const struct fx_sweep_summary *sum, const char *bin,
			time_t started_at, char *const *srcs, unsigned nsrc,
			char *err, size_t errlen)
{
	char **hosts = NULL, started[64] = "", now[64], gd[128], p[PATH_MAX + 32];
	char *buf = NULL;
	size_t len = 0;
	unsigned nh = 0;
	bool seed_default[2] = { false, false };
	FILE *f;
	int ret;

	read_dir_history(dir, &hosts, &nh, started, sizeof(started));
	for (unsigned i = 0; i < nsrc; i++)
		read_dir_history(srcs[i], &hosts, &nh, started, sizeof(started));
	utc(now, sizeof(now), started_at);
	if (!started[0] || strcmp(now, started) < 0)
		snprintf(started, sizeof(started), "%s", now);
	utc(now, sizeof(now), time(NULL));
	git_describe(bin, gd, sizeof(gd));
	f = open_memstream(&buf, &len);
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	fprintf(f, "futexsim: %s%s%s%s\n", FX_VERSION, gd[0] ? " (" : "", gd,
		gd[0] ? ")" : "");
	fprintf(f, "grid: %s\ngrid_sha256: %s\n", g->name, g->sha256);
	fprintf(f, "cells: %lu\nok: %lu\nfailed: %lu\nmissing: %lu\n", sum->cells,
		sum->ok, sum->failed, sum->missing);
	fputs("seeds:", f);
	{
		char **seen = NULL;
		unsigned ns = 0;

		for (unsigned i = 0; i < g->nsec; i++) {
			const struct fx_sweep_values *v = &g->sec[i].key[FX_SWEEP_K_SEED];

			if (!v->n)
				seed_default[g->sec[i].mode] = true;
			for (unsigned j = 0; j < v->n; j++) {
				unsigned before = ns;

				add_host(&seen, &ns, v->v[j]);
				if (ns != before)
					fprintf(f, " %s", v->v[j]);
			}
		}
		for (unsigned j = 0; j < ns; j++)
			free(seen[j]);
		free(seen);
		if (seed_default[FX_SWEEP_RUN])
			fputs(" (run default 1)", f);
		if (seed_default[FX_SWEEP_REPLAY])
			fputs(" (replay hash seed default 0)", f);
	}
	fputs("\nhosts:", f);
	for (unsigned i = 0; i < nh; i++)
		fprintf(f, " %s", hosts[i]);
	if (!nh)
		fputs(" none", f);
	fprintf(f, "\nstarted: %s\nfinished: %s\n", started, now);
	fclose(f);
	for (unsigned i = 0; i < nh; i++)
		free(hosts[i]);
	free(hosts);
	snprintf(p, sizeof(p), "%s/provenance.txt", dir);
	ret = fx_sweep_file_write(p, buf, len);
	free(buf);
	if (ret)
		snprintf(err, errlen, "%s: %s", p, strerror(-ret));
	return ret;
}

