// SPDX-License-Identifier: MIT
/*
 * cells.c - the cells of a grid: index -> one value per key, its config
 * string and its command.
 *
 * Numbering: the sections in file order, each taking the next
 * ncells indexes; inside a section the product runs in FX_SWEEP_KEYS
 * order with the last key varying fastest (an odometer), so
 *
 *   index = first + sum_k digit_k * prod_{j > k} n_j
 *
 * and a cell's index depends on the grid text only.
 *
 * Commands run in the results directory DIR: a run cell in DIR, a
 * replay cell in DIR/traces (so that a bundled trace's CSV column reads
 * NAME.fxt, as in scripts/traces.sh); they write DIR/cells/NNNNN.part*
 * files, which fx_sweep_cell_exec() renames into place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

int fx_sweep_cell(const struct fx_sweep_grid *g, unsigned long index,
		  struct fx_sweep_cell *c)
{
	const struct fx_sweep_section *s = NULL;
	unsigned long rest;

	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < g->nsec; i++)
		if (index >= g->sec[i].first &&
		    index < g->sec[i].first + g->sec[i].ncells) {
			s = &g->sec[i];
			break;
		}
	if (!s)
		return -ERANGE;
	c->index = index;
	c->sec = s;
	rest = index - s->first;
	for (int k = FX_SWEEP_NKEYS - 1; k >= 0; k--) {
		const struct fx_sweep_values *v = &s->key[k];
		unsigned d;

		if (!v->n)
			continue;
		d = k == FX_SWEEP_K_MODE ? 0 : (unsigned)(rest % v->n);
		if (k != FX_SWEEP_K_MODE)
			rest /= v->n;
		c->v[k] = v->v[d];
		c->path[k] = v->path[d];
		if (k == FX_SWEEP_K_TRACE && !v->path[d]) {
			c->bundled = true;
			if (!c->cpus) {
				c->cpus = v->cpus[d];
				c->nodes = v->nodes[d];
			}
		}
		if (k == FX_SWEEP_K_TOPOLOGY && s->mode == FX_SWEEP_REPLAY) {
			c->cpus = v->cpus[d];
			c->nodes = v->nodes[d];
		}
	}
	if (s->mode == FX_SWEEP_REPLAY && (c->v[FX_SWEEP_K_CPUS] || c->v[FX_SWEEP_K_NODES])) {
		c->cpus = c->v[FX_SWEEP_K_CPUS] ? (unsigned)strtoul(c->v[FX_SWEEP_K_CPUS], NULL, 0) : 0;
		c->nodes = c->v[FX_SWEEP_K_NODES] ? (unsigned)strtoul(c->v[FX_SWEEP_K_NODES], NULL, 0) : 0;
	}
	return 0;
}

size_t fx_sweep_cell_config(const struct fx_sweep_cell *c, char *buf,
			    size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned k = 1; k < FX_SWEEP_NKEYS; k++) {
		if (!c->v[k] || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%s", off ? " " : "",
					fx_sweep_key_name(k), c->v[k]);
	}
	/* a bundled trace's recording host, when the grid does not say */
	if (c->bundled && c->cpus && !c->v[FX_SWEEP_K_TOPOLOGY] &&
	    !c->v[FX_SWEEP_K_CPUS] && !c->v[FX_SWEEP_K_NODES] && off < len)
		off += (size_t)snprintf(buf + off, len - off, " cpus=%u nodes=%u",
					c->cpus, c->nodes ? c->nodes : 1);
	for (char *p = buf; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return off < len ? off : len - 1;
}

/* ---- commands ---- */

struct argv_b {
	int n, cap;
	char **v;
	bool oom;
};

static void add(struct argv_b *a, const char *s)
{
	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		int cap = a->cap ? 2 * a->cap : 32;
		char **nv = realloc(a->v, (size_t)cap * sizeof(*nv));

		if (!nv) {
			a->oom = true;
			return;
		}
		a->v = nv;
		a->cap = cap;
	}
	if (!(a->v[a->n] = strdup(s))) {
		a->oom = true;
		return;
	}
	a->v[++a->n] = NULL;
}

static void add2(struct argv_b *a, const char *opt, const char *val)
{
	if (val) {
		add(a, opt);
		add(a, val);
	}
}

static char *out_name(const char *prefix, unsigned long index, const char *suffix)
{
	size_t len = strlen(prefix) + strlen(suffix) + 32;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s%05lu%s", prefix, index, suffix);
	return s;
}

int fx_sweep_cell_cmd(const struct fx_sweep_grid *g,
		      const struct fx_sweep_cell *c, const char *bin,
		      struct fx_sweep_cmd *cmd)
{
	struct argv_b a = { 0 };
	bool run = c->sec->mode == FX_SWEEP_RUN;
	const char *pre = run ? "cells/" : "../cells/";
	char num[32];

	memset(cmd, 0, sizeof(*cmd));
	cmd->cwd = run ? "." : "traces";
	cmd->outs[0] = out_name(pre, c->index, ".part.csv");
	cmd->final[0] = out_name("cells/", c->index, ".csv");
	cmd->nout = 1;
	if (run) {
		cmd->outs[1] = out_name(pre, c->index, ".part.csv.json");
		cmd->final[1] = out_name("cells/", c->index, ".csv.json");
		cmd->nout = 2;
	} else if (g->series) {
		cmd->outs[1] = out_name(pre, c->index, ".part.series.csv");
		cmd->final[1] = out_name("cells/", c->index, ".series.csv");
		cmd->nout = 2;
	}
	for (unsigned i = 0; i < cmd->nout; i++)
		if (!cmd->outs[i] || !cmd->final[i])
			a.oom = true;
	add(&a, bin);
	if (run) {
		add(&a, "run");
		add2(&a, "--workload", c->v[FX_SWEEP_K_WORKLOAD]);
		add2(&a, "--hash", c->v[FX_SWEEP_K_HASH]);
		add2(&a, "--layout", c->v[FX_SWEEP_K_LAYOUT]);
		add2(&a, "--slots", c->v[FX_SWEEP_K_SLOTS]);
		add2(&a, "--topology", c->path[FX_SWEEP_K_TOPOLOGY] ?
		     c->path[FX_SWEEP_K_TOPOLOGY] : c->v[FX_SWEEP_K_TOPOLOGY]);
		add2(&a, "--threads", c->v[FX_SWEEP_K_THREADS]);
		add2(&a, "--seed", c->v[FX_SWEEP_K_SEED]);
		add2(&a, "--cost-file", c->path[FX_SWEEP_K_COST_FILE]);
		if (c->v[FX_SWEEP_K_COST]) {
			char *copy = strdup(c->v[FX_SWEEP_K_COST]), *save = NULL, *t;

			if (!copy)
				a.oom = true;
			for (t = copy ? strtok_r(copy, " \t", &save) : NULL; t;
			     t = strtok_r(NULL, " \t", &save))
				add2(&a, "--cost", t);
			free(copy);
		}
		add(&a, "--quiet");
		add2(&a, "--out", cmd->outs[0]);
		if (c->v[FX_SWEEP_K_ARGS]) {
			char *copy = strdup(c->v[FX_SWEEP_K_ARGS]), *save = NULL, *t;

			add(&a, "--");
			if (!copy)
				a.oom = true;
			for (t = copy ? strtok_r(copy, " \t", &save) : NULL; t;
			     t = strtok_r(NULL, " \t", &save))
				add(&a, t);
			free(copy);
		}
	} else {
		char tr[4096];

		add(&a, "trace");
		add(&a, "replay");
		if (c->bundled)
			snprintf(tr, sizeof(tr), "%s.fxt", c->v[FX_SWEEP_K_TRACE]);
		else
			snprintf(tr, sizeof(tr), "%s", c->path[FX_SWEEP_K_TRACE]);
		add(&a, tr);
		add2(&a, "--hash", c->v[FX_SWEEP_K_HASH]);
		add2(&a, "--layout", c->v[FX_SWEEP_K_LAYOUT]);
		add2(&a, "--slots", c->v[FX_SWEEP_K_SLOTS]);
		if (c->cpus) {
			snprintf(num, sizeof(num), "%u", c->cpus);
			add2(&a, "--cpus", num);
		}
		if (c->nodes) {
			snprintf(num, sizeof(num), "%u", c->nodes);
			add2(&a, "--nodes", num);
		}
		add2(&a, "--hash-seed", c->v[FX_SWEEP_K_SEED]);
		add2(&a, "--copies", c->v[FX_SWEEP_K_COPIES]);
		add2(&a, "--copy-mode", c->v[FX_SWEEP_K_COPY_MODE]);
		add2(&a, "--out", cmd->outs[0]);
		if (g->series)
			add2(&a, "--series", cmd->outs[1]);
	}
	cmd->argv = a.v;
	cmd->argc = a.n;
	if (a.oom || !a.v) {
		fx_sweep_cmd_free(cmd);
		return -ENOMEM;
	}
	return 0;
}

void fx_sweep_cmd_free(struct fx_sweep_cmd *cmd)
{
	for (int i = 0; cmd->argv && i < cmd->argc; i++)
		free(cmd->argv[i]);
	free(cmd->argv);
	for (unsigned i = 0; i < 3; i++) {
		free(cmd->outs[i]);
		free(cmd->final[i]);
	}
	memset(cmd, 0, sizeof(*cmd));
}

void fx_sweep_shell_quote(FILE *f, const char *s)
{
	if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,/:@%")]) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

void fx_sweep_cmd_print(FILE *f, const char *dir, const struct fx_sweep_cmd *cmd)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s%s", dir,
		 strcmp(cmd->cwd, ".") ? "/" : "",
		 strcmp(cmd->cwd, ".") ? cmd->cwd : "");
	fputs("cd ", f);
	fx_sweep_shell_quote(f, buf);
	fputs(" &&", f);
	for (int i = 0; i < cmd->argc; i++) {
		fputc(' ', f);
		fx_sweep_shell_quote(f, cmd->argv[i]);
	}
}
