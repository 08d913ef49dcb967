// SPDX-License-Identifier: MIT
/*
 * merge.c - DIR/cells/ -> DIR/run.csv, run.csv.json, replay.csv,
 * replay-series.csv and cells.tsv, in cell-index order (docs/sweep.md).
 *
 * A CSV's header is the union of its cells' headers in order of first
 * appearance (run cells of different workloads add different w_*
 * columns); a cell lacking a column leaves its field empty.  With one
 * workload the merged run.csv is what one "futexsim run --out" would
 * write.  Fields are re-quoted with the rule they were written with, and
 * nothing depends on the host or the time, so a sweep split over
 * machines merges to the same bytes as one run whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lib/csv.h"
#include "sweep.h"

#define MAXCOLS 512

struct cols {
	unsigned n;
	char *name[MAXCOLS];
};

static int col_find(const struct cols *c, const char *name)
{
	for (unsigned i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return (int)i;
	return -1;
}

/* next line of @*p, NUL-terminated in place; NULL at the end */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

struct csvkind {
	enum fx_sweep_mode mode;
	const char *suffix;	/* of the cell files */
	const char *out;	/* merged file in DIR */
	bool prov;		/* always a '#' provenance line */
};

static int merge_csv(const struct fx_sweep_grid *g, const char *dir,
		     const enum fx_sweep_state *state, const struct csvkind *k,
		     char *err, size_t errlen)
{
	struct cols u = { 0 };
	char path[4096], out[4096], *buf = NULL;
	size_t len = 0;
	unsigned long files = 0;
	bool hash_lines = k->prov;
	FILE *f = NULL;
	int ret = 0;

	snprintf(out, sizeof(out), "%s/%s", dir, k->out);
	/* pass 1: the union of the headers */
	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;
		char *text, *p, *line, *fl[MAXCOLS];
		int n;

		fx_sweep_cell(g, i, &c);
		if (state[i] != FX_SWEEP_OK || c.sec->mode != k->mode)
			continue;
		fx_sweep_cell_path(path, sizeof(path), dir, i, k->suffix);
		text = fx_sweep_file_read(path, NULL);
		if (!text)
			continue;	/* a replay cell without a series */
		p = text;
		while ((line = next_line(&p)) && *line == '#')
			hash_lines = true;
		n = line ? fx_csv_split(line, fl, MAXCOLS) : -EINVAL;
		for (int j = 0; j < n; j++) {
			if (col_find(&u, fl[j]) >= 0)
				continue;
			if (u.n == MAXCOLS || !(u.name[u.n] = strdup(fl[j]))) {
				free(text);
				ret = -ENOMEM;
				snprintf(err, errlen, "%s: too many columns", out);
				goto out;
			}
			u.n++;
		}
		free(text);
		if (n < 0) {
			ret = -EINVAL;
			snprintf(err, errlen, "%s: no CSV header", path);
			goto out;
		}
		files++;
	}
	if (!files) {
		if (unlink(out) && errno != ENOENT) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", out, strerror(errno));
		}
		goto out;
	}
	/* pass 2: the rows, mapped onto the union */
	f = open_memstream(&buf, &len);
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	if (hash_lines)
		fprintf(f, "# futexsim %s sweep grid_sha256=%s: %s merged in cell-index order (cells.tsv)\n",
			FX_VERSION, g->sha256, k->out);
	for (unsigned j = 0; j < u.n; j++) {
		if (j)
			fputc(',', f);
		fx_csv_field(f, u.name[j]);
	}
	fputc('\n', f);
	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;
		char *text, *p, *line, *hf[MAXCOLS], *rf[MAXCOLS];
		int map[MAXCOLS], nh = -1;

		fx_sweep_cell(g, i, &c);
		if (state[i] != FX_SWEEP_OK || c.sec->mode != k->mode)
			continue;
		fx_sweep_cell_path(path, sizeof(path), dir, i, k->suffix);
		text = fx_sweep_file_read(path, NULL);
		if (!text)
			continue;
		p = text;
		while ((line = next_line(&p))) {
			const char *row[MAXCOLS];
			int nr;

			if (nh < 0 && *line == '#')
				continue;
			if (nh < 0) {
				nh = fx_csv_split(line, hf, MAXCOLS);
				for (int j = 0; j < nh; j++)
					map[j] = col_find(&u, hf[j]);
				continue;
			}
			nr = fx_csv_split(line, rf, MAXCOLS);
			if (nr != nh) {
				ret = -EINVAL;
				snprintf(err, errlen, "%s: a row of %d fields under a header of %d",
					 path, nr, nh);
				free(text);
				goto out;
			}
			for (unsigned j = 0; j < u.n; j++)
				row[j] = "";
			for (int j = 0; j < nr; j++)
				row[map[j]] = rf[j];
			for (unsigned j = 0; j < u.n; j++) {
				if (j)
					fputc(',', f);
				fx_csv_field(f, row[j]);
			}
			fputc('\n', f);
		}
		free(text);
	}
	if (fclose(f)) {
		f = NULL;
		ret = -ENOMEM;
		goto out;
	}
	f = NULL;
	if ((ret = fx_sweep_file_write(out, buf, len)))
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
out:
	if (f)
		fclose(f);
	free(buf);
	for (unsigned j = 0; j < u.n; j++)
		free(u.name[j]);
	return ret;
}

/* run.csv.json: the first cell's head up to "configs", every config */
static int merge_json(const struct fx_sweep_grid *g, const char *dir,
		      const enum fx_sweep_state *state, char *err,
		      size_t errlen)
{
	static const char cfgs[] = "\"configs\":[\n";
	char path[4096], out[4096], *buf = NULL, *head = NULL, *prof = NULL;
	size_t len = 0;
	unsigned long n = 0;
	bool mixed = false;
	FILE *f = open_memstream(&buf, &len);
	int ret = 0;

	if (!f)
		return -ENOMEM;
	snprintf(out, sizeof(out), "%s/run.csv.json", dir);
	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;
		char *text, *cp, *pp;
		size_t tl;

		fx_sweep_cell(g, i, &c);
		if (state[i] != FX_SWEEP_OK || c.sec->mode != FX_SWEEP_RUN)
			continue;
		fx_sweep_cell_path(path, sizeof(path), dir, i, ".csv.json");
		text = fx_sweep_file_read(path, &tl);
		if (!text || !(cp = strstr(text, cfgs)) || tl < 4 ||
		    strcmp(text + tl - 4, "\n]}\n") ||
		    !(pp = strstr(text, "\"profile\":")) || pp > cp) {
			free(text);
			ret = -EINVAL;
			snprintf(err, errlen, "%s: not a futexsim run JSON sidecar", path);
			goto out;
		}
		text[tl - 4] = '\0';
		/* the profile value: between "profile": and ,"configs" */
		cp[-1] = '\0';
		if (!head) {
			pp[0] = '\0';
			head = strdup(text);
			prof = strdup(pp + 10);
			if (!head || !prof) {
				free(text);
				ret = -ENOMEM;
				goto out;
			}
		} else if (strcmp(prof, pp + 10)) {
			mixed = true;
		}
		fputs(n ? ",\n" : "\n", f);
		fputs(cp + sizeof(cfgs) - 1, f);
		n++;
		free(text);
	}
	if (fclose(f)) {
		f = NULL;
		ret = -ENOMEM;
		goto out;
	}
	f = NULL;
	if (!n) {
		if (unlink(out) && errno != ENOENT)
			ret = -errno;
		goto out;
	}
	{
		char *all = NULL;
		size_t alen = 0;
		FILE *a = open_memstream(&all, &alen);

		if (!a) {
			ret = -ENOMEM;
			goto out;
		}
		fprintf(a, "%s\"profile\":%s,%s", head, mixed ? "\"mixed\"" : prof,
			cfgs);
		fwrite(buf + 1, 1, len - 1, a);	/* without the first "\n" */
		fputs("\n]}\n", a);
		fclose(a);
		ret = fx_sweep_file_write(out, all, alen);
		if (ret)
			snprintf(err, errlen, "%s: %s", out, strerror(-ret));
		free(all);
	}
out:
	if (f)
		fclose(f);
	free(buf);
	free(head);
	free(prof);
	return ret;
}

static int write_cells_tsv(const struct fx_sweep_grid *g, const char *dir,
			   const enum fx_sweep_state *state, char *err,
			   size_t errlen)
{
	char out[4096], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		return -ENOMEM;
	fputs("index\tsection\tmode\tstatus\tconfig\terror\n", f);
	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;
		char cfg[4096], e[1024] = "";

		fx_sweep_cell(g, i, &c);
		fx_sweep_cell_config(&c, cfg, sizeof(cfg));
		if (state[i] == FX_SWEEP_FAILED)
			fx_sweep_cell_error(dir, i, e, sizeof(e));
		fprintf(f, "%lu\t%s\t%s\t%s\t%s\t%s\n", i, c.sec->name,
			c.sec->mode == FX_SWEEP_RUN ? "run" : "replay",
			fx_sweep_state_name(state[i]), cfg, e);
	}
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	snprintf(out, sizeof(out), "%s/cells.tsv", dir);
	ret = fx_sweep_file_write(out, buf, len);
	if (ret)
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
	free(buf);
	return ret;
}

int fx_sweep_merge(const struct fx_sweep_grid *g, const char *dir,
		   struct fx_sweep_summary *sum, char *err, size_t errlen)
{
	static const struct csvkind kinds[] = {
		{ FX_SWEEP_RUN, ".csv", "run.csv", false },
		{ FX_SWEEP_REPLAY, ".csv", "replay.csv", true },
		{ FX_SWEEP_REPLAY, ".series.csv", "replay-series.csv", false },
	};
	int ret;

	memset(sum, 0, sizeof(*sum));
	sum->cells = g->ncells;
	sum->state = calloc(g->ncells ? g->ncells : 1, sizeof(*sum->state));
	if (!sum->state) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;

		fx_sweep_cell(g, i, &c);
		sum->state[i] = fx_sweep_cell_state(dir, i, c.sec->mode);
		if (sum->state[i] == FX_SWEEP_OK)
			sum->ok++;
		else if (sum->state[i] == FX_SWEEP_FAILED)
			sum->failed++;
		else
			sum->missing++;
	}
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((ret = merge_csv(g, dir, sum->state, &kinds[i], err, errlen)))
			return ret;
	if ((ret = merge_json(g, dir, sum->state, err, errlen)))
		return ret;
	return write_cells_tsv(g, dir, sum->state, err, errlen);
}
