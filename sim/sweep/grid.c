// SPDX-License-Identifier: MIT
/*
 * grid.c - the grid file of futexsim sweep (docs/sweep.md): parse and
 * validate it, whole, before any cell runs.
 *
 *   # comment                  (a line whose first non-blank is '#')
 *   version = 1                (required, before the first section)
 *   [name]                     (a section: one cartesian product)
 *   key = value, value, ...    (a value may be "double-quoted")
 *
 * Every value is checked with the tables the commands themselves use
 * (fx_hasher_find, fx_layout_find, fx_workload_find, fx_topo_load,
 * fx_cost_set/fx_cost_load, fx_replay_parse_args), so a grid that parses
 * only holds cells whose options the commands accept; what a command
 * checks only when it runs (a workload's own options, nodes > cpus)
 * fails that cell.  Errors name FILE:LINE and the field.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"
#include "cli/cli.h"
#include "cost.h"
#include "topo.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"
#include "trace/openloop.h"
#include "workload.h"

static const struct {
	const char *name;
	unsigned modes;
} keys[FX_SWEEP_NKEYS] = {
#define FX_SWEEP_KEY_ROW(id, n, m) [FX_SWEEP_K_##id] = { n, m },
	FX_SWEEP_KEYS(FX_SWEEP_KEY_ROW)
#undef FX_SWEEP_KEY_ROW
};

const char *fx_sweep_key_name(enum fx_sweep_key k)
{
	return k < FX_SWEEP_NKEYS ? keys[k].name : "?";
}

bool fx_sweep_replay_has(const char *opt)
{
	struct fx_replay_opts o;
	char err[256];
	/* a value the option accepts: a number, or a CSV file name */
	char *argv[] = { (char *)"replay", (char *)"x", (char *)opt,
			 (char *)(strcmp(opt, "--series") ? "1" : "probe.csv"), NULL };

	return !fx_replay_parse_args(4, argv, &o, err, sizeof(err));
}

struct parser {
	struct fx_sweep_grid *g;
	const struct fx_sweep_env *env;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->g->name, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* split "a, "b, c", d" into values; -EINVAL with a message */
static int split_values(struct parser *p, unsigned line, const char *key,
			char *s, struct fx_sweep_values *v)
{
	char *vals[FX_SWEEP_MAXVALUES];
	unsigned n = 0;

	for (;;) {
		char *val, *end;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '"') {
			val = ++s;
			end = strchr(s, '"');
			if (!end)
				return perr(p, line, "field '%s': unterminated quote; expected \"value\"", key);
			*end = '\0';
			s = end + 1;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s && *s != ',')
				return perr(p, line, "field '%s': text after a quoted value; expected ',' or the end of the line", key);
		} else {
			val = s;
			s += strcspn(s, ",");
			end = s;
			while (end > val && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			if (end == val)
				return perr(p, line, "field '%s': empty value; expected a comma-separated list", key);
		}
		if (n == FX_SWEEP_MAXVALUES)
			return perr(p, line, "field '%s': more than %d values", key, FX_SWEEP_MAXVALUES);
		vals[n++] = val;
		if (!*s) {
			*end = '\0';
			break;
		}
		/* *s == ',' */
		*s++ = '\0';
		*end = '\0';
		if (!*trim(s))
			return perr(p, line, "field '%s': empty value after ','; expected a comma-separated list", key);
	}
	v->v = calloc(n, sizeof(*v->v));
	v->path = calloc(n, sizeof(*v->path));
	v->cpus = calloc(n, sizeof(*v->cpus));
	v->nodes = calloc(n, sizeof(*v->nodes));
	if (!v->v || !v->path || !v->cpus || !v->nodes)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		if (!(v->v[i] = strdup(vals[i])))
			return -ENOMEM;
	v->n = n;
	v->line = line;
	return 0;
}

static bool is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 4 && !strcmp(s + n - 4, ".xml"));
}

static char *resolve(const char *base, const char *s)
{
	size_t len;
	char *r;

	if (s[0] == '/' || !base)
		return strdup(s);
	len = strlen(base) + strlen(s) + 2;
	r = malloc(len);
	if (r)
		snprintf(r, len, "%s/%s", base, s);
	return r;
}

static bool pow2_or_zero(uint64_t v)
{
	return !(v & (v - 1));
}

/* check value @i of key @k in section @s */
static int check_value(struct parser *p, struct fx_sweep_section *s,
		       enum fx_sweep_key k, unsigned i)
{
	struct fx_sweep_values *v;
	const char *val, *kn;
	bool run = s->mode == FX_SWEEP_RUN;
	char err[512];
	uint64_t n;

	if (k >= FX_SWEEP_NKEYS)
		return -EINVAL;
	v = &s->key[k];
	val = v->v[i];
	kn = keys[k].name;

	switch (k) {
	case FX_SWEEP_K_MODE:
		return 0;
	case FX_SWEEP_K_WORKLOAD:
		if (!fx_workload_find(val)) {
			char names[1024] = "";

			for (unsigned w = 0; fx_workloads[w]; w++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names),
					 "%s%s", w ? ", " : "", fx_workloads[w]->name);
			return perr(p, v->line, "field 'workload': '%s' is not a workload; expected one of: %s",
				    val, names);
		}
		return 0;
	case FX_SWEEP_K_ARGS:
		return 0;
	case FX_SWEEP_K_TRACE:
		if (is_path(val)) {
			if (!(v->path[i] = resolve(p->g->base, val)))
				return -ENOMEM;
			if (!p->env->nofiles && access(v->path[i], R_OK))
				return perr(p, v->line, "field 'trace': '%s': %s; expected a bundled trace name or a readable trace file",
					    v->path[i], strerror(errno));
			return 0;
		} else {
			char f[PATH_MAX];

			snprintf(f, sizeof(f), "%s/%s/%s.strace.xz", p->g->traces, val, val);
			if (!p->env->nofiles && access(f, R_OK))
				return perr(p, v->line, "field 'trace': '%s' is not a bundled trace (no %s); expected a name under %s or a path with a '/'",
					    val, f, p->g->traces);
			fx_sweep_trace_meta(p->g->traces, val, &v->cpus[i], &v->nodes[i]);
			return 0;
		}
	case FX_SWEEP_K_TOPOLOGY: {
		struct fx_topo *t = NULL;
		const char *spec = val;

		if (is_path(val)) {
			if (!(v->path[i] = resolve(p->g->base, val)))
				return -ENOMEM;
			spec = v->path[i];
			if (p->env->nofiles)
				return 0;
		}
		if (fx_topo_load(spec, &t, err, sizeof(err)))
			return perr(p, v->line, "field 'topology': '%s': %s", val, err);
		v->cpus[i] = t->ncpus;
		v->nodes[i] = t->nnodes;
		fx_topo_free(t);
		return 0;
	}
	case FX_SWEEP_K_CPUS:
	case FX_SWEEP_K_NODES:
		if (!fx_parse_u64(val, &n) || !n || n > (k == FX_SWEEP_K_CPUS ? 4096 : 1024))
			return perr(p, v->line, "field '%s': '%s'; expected a number from 1 to %u",
				    kn, val, k == FX_SWEEP_K_CPUS ? 4096 : 1024);
		return 0;
	case FX_SWEEP_K_HASH:
		if (!fx_hasher_find(val))
			return perr(p, v->line, "field 'hash': '%s' is not a hasher; expected one of: %s",
				    val, fx_hasher_names());
		return 0;
	case FX_SWEEP_K_LAYOUT:
		if (!fx_layout_find(val))
			return perr(p, v->line, "field 'layout': '%s' is not a layout; expected one of: %s",
				    val, fx_layout_names());
		return 0;
	case FX_SWEEP_K_SLOTS: {
		uint64_t max = run ? 1u << 30 : 1u << 24;

		if (!fx_parse_u64(val, &n) || !pow2_or_zero(n) || n > max)
			return perr(p, v->line, "field 'slots': '%s'; expected 0 (the layout's own size) or a power of two up to %llu",
				    val, (unsigned long long)max);
		return 0;
	}
	case FX_SWEEP_K_THREADS:
		if (!fx_parse_u64(val, &n) || !n || n > 1u << 20)
			return perr(p, v->line, "field 'threads': '%s'; expected a thread count from 1 to %u",
				    val, 1u << 20);
		return 0;
	case FX_SWEEP_K_COPIES: {
		struct fx_replay_opts o;
		char *argv[] = { (char *)"replay", (char *)"x", (char *)"--copies",
				 (char *)val, NULL };

		if (!fx_sweep_replay_has("--copies"))
			return perr(p, v->line, "field 'copies': this futexsim's trace replay has no --copies");
		if (fx_replay_parse_args(4, argv, &o, err, sizeof(err)))
			return perr(p, v->line, "field 'copies': '%s': %s", val, err);
		return 0;
	}
	case FX_SWEEP_K_COPY_MODE: {
		struct fx_replay_opts o;
		char *argv[] = { (char *)"replay", (char *)"x", (char *)"--copy-mode",
				 (char *)val, NULL };

		if (fx_replay_parse_args(4, argv, &o, err, sizeof(err)))
			return perr(p, v->line, "field 'copy-mode': '%s': %s", val, err);
		return 0;
	}
	case FX_SWEEP_K_SEED:
		if (!fx_parse_u64(val, &n))
			return perr(p, v->line, "field 'seed': '%s'; expected a number (decimal or 0x hex)", val);
		return 0;
	case FX_SWEEP_K_COST_FILE: {
		struct fx_cost c;

		if (!(v->path[i] = resolve(p->g->base, val)))
			return -ENOMEM;
		if (p->env->nofiles)
			return 0;
		fx_cost_defaults(&c);
		if (fx_cost_load(&c, v->path[i], err, sizeof(err)))
			return perr(p, v->line, "field 'cost-file': %s", err);
		return 0;
	}
	case FX_SWEEP_K_COST: {
		struct fx_cost c;
		char *copy = strdup(val), *save = NULL, *tok;
		int ret = 0;

		if (!copy)
			return -ENOMEM;
		fx_cost_defaults(&c);
		for (tok = strtok_r(copy, " \t", &save); tok && !ret;
		     tok = strtok_r(NULL, " \t", &save))
			if (fx_cost_set(&c, tok, err, sizeof(err)))
				ret = perr(p, v->line, "field 'cost': %s", err);
		free(copy);
		return ret;
	}
	case FX_SWEEP_NKEYS:
		break;
	}
	return -EINVAL;
}

/* a section is complete: mode, keys allowed, values, cell count */
static int end_section(struct parser *p, struct fx_sweep_section *s)
{
	struct fx_sweep_values *mode = &s->key[FX_SWEEP_K_MODE];
	unsigned long cells = 1;
	int ret;

	if (!mode->n)
		return perr(p, s->line, "section [%s]: field 'mode' is missing; expected 'mode = run' or 'mode = replay'",
			    s->name);
	if (mode->n != 1 || (strcmp(mode->v[0], "run") && strcmp(mode->v[0], "replay")))
		return perr(p, mode->line, "field 'mode': '%s'; expected run or replay (one value)",
			    mode->v[0]);
	s->mode = strcmp(mode->v[0], "run") ? FX_SWEEP_REPLAY : FX_SWEEP_RUN;
	for (unsigned k = 0; k < FX_SWEEP_NKEYS; k++)
		if (s->key[k].n && !(keys[k].modes & (1u << s->mode)))
			return perr(p, s->key[k].line, "field '%s': not a key of mode %s (%s only)",
				    keys[k].name, mode->v[0],
				    s->mode == FX_SWEEP_RUN ? "replay" : "run");
	if (s->mode == FX_SWEEP_RUN && !s->key[FX_SWEEP_K_WORKLOAD].n)
		return perr(p, s->line, "section [%s]: field 'workload' is missing; a run section needs one (futexsim run --list-workloads)",
			    s->name);
	if (s->mode == FX_SWEEP_REPLAY && !s->key[FX_SWEEP_K_TRACE].n)
		return perr(p, s->line, "section [%s]: field 'trace' is missing; a replay section needs bundled trace names or trace files",
			    s->name);
	if (s->key[FX_SWEEP_K_TOPOLOGY].n &&
	    (s->key[FX_SWEEP_K_CPUS].n || s->key[FX_SWEEP_K_NODES].n))
		return perr(p, s->key[FX_SWEEP_K_TOPOLOGY].line,
			    "field 'topology': set with 'cpus'/'nodes' in a replay section; expected one or the other");
	for (unsigned k = 0; k < FX_SWEEP_NKEYS; k++) {
		for (unsigned i = 0; i < s->key[k].n; i++)
			if ((ret = check_value(p, s, (enum fx_sweep_key)k, i)))
				return ret;
		if (k != FX_SWEEP_K_MODE && s->key[k].n)
			cells *= s->key[k].n;
		if (cells > FX_SWEEP_MAXCELLS)
			return perr(p, s->line, "section [%s]: more than %lu cells", s->name,
				    FX_SWEEP_MAXCELLS);
	}
	s->first = p->g->ncells;
	s->ncells = cells;
	p->g->ncells += cells;
	if (p->g->ncells > FX_SWEEP_MAXCELLS)
		return perr(p, s->line, "section [%s]: the grid has more than %lu cells",
			    s->name, FX_SWEEP_MAXCELLS);
	if (s->mode == FX_SWEEP_RUN)
		p->g->nrun += cells;
	else
		p->g->nreplay += cells;
	return 0;
}

static int parse_line(struct parser *p, char *line, unsigned lineno,
		      bool *version)
{
	struct fx_sweep_grid *g = p->g;
	struct fx_sweep_section *s = g->nsec ? &g->sec[g->nsec - 1] : NULL;
	char *eq, *key, *val;
	int ret;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	if (*line == '[') {
		char *end = strchr(line, ']'), *name;
		struct fx_sweep_section *ns;

		if (!end || end[1])
			return perr(p, lineno, "expected '[section-name]'");
		*end = '\0';
		name = trim(line + 1);
		if (!*name || name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")])
			return perr(p, lineno, "section name '%s': expected letters, digits, '.', '_' or '-'",
				    name);
		if (!*version)
			return perr(p, lineno, "expected 'version = %d' before the first section",
				    FX_SWEEP_VERSION);
		for (unsigned i = 0; i < g->nsec; i++)
			if (!strcmp(g->sec[i].name, name))
				return perr(p, lineno, "section [%s] again (first at line %u); expected unique names",
					    name, g->sec[i].line);
		if (s && (ret = end_section(p, s)))
			return ret;
		ns = realloc(g->sec, (g->nsec + 1) * sizeof(*g->sec));
		if (!ns)
			return -ENOMEM;
		g->sec = ns;
		s = &g->sec[g->nsec++];
		memset(s, 0, sizeof(*s));
		s->line = lineno;
		if (!(s->name = strdup(name)))
			return -ENOMEM;
		return 0;
	}
	eq = strchr(line, '=');
	if (!eq)
		return perr(p, lineno, "expected '[section]', 'key = value, ...' or a '#' comment");
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!s) {
		uint64_t v;

		if (strcmp(key, "version"))
			return perr(p, lineno, "field '%s': outside a section; expected 'version = %d' then '[section]' lines",
				    key, FX_SWEEP_VERSION);
		if (*version)
			return perr(p, lineno, "field 'version': set twice");
		if (!fx_parse_u64(val, &v) || v != FX_SWEEP_VERSION)
			return perr(p, lineno, "field 'version': '%s'; expected %d", val,
				    FX_SWEEP_VERSION);
		*version = true;
		return 0;
	}
	for (unsigned k = 0; k < FX_SWEEP_NKEYS; k++) {
		if (strcmp(key, keys[k].name))
			continue;
		if (s->key[k].n)
			return perr(p, lineno, "field '%s': set twice in section [%s] (first at line %u)",
				    key, s->name, s->key[k].line);
		if (!*val)
			return perr(p, lineno, "field '%s': no value; expected a comma-separated list", key);
		return split_values(p, lineno, key, val, &s->key[k]);
	}
	{
		char names[512] = "";

		for (unsigned k = 0; k < FX_SWEEP_NKEYS; k++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 "%s%s", k ? ", " : "", keys[k].name);
		return perr(p, lineno, "field '%s': unknown key; expected one of: %s", key, names);
	}
}

int fx_sweep_grid_parse_text(const char *name, const char *base,
			     const char *text, size_t len,
			     const struct fx_sweep_env *env,
			     struct fx_sweep_grid **out, char *err,
			     size_t errlen)
{
	static const struct fx_sweep_env defenv = { 0 };
	struct fx_sweep_grid *g = calloc(1, sizeof(*g));
	struct parser p = { .g = g, .env = env ? env : &defenv, .err = err,
			    .errlen = errlen };
	bool version = false;
	unsigned lineno = 0;
	char *copy = NULL, *line, *next;
	int ret = -ENOMEM;

	*out = NULL;
	snprintf(err, errlen, "out of memory");
	if (!g)
		return -ENOMEM;
	g->name = strdup(name);
	g->base = base ? strdup(base) : NULL;
	g->text = malloc(len + 1);
	g->traces = strdup(p.env->traces ? p.env->traces : "workloads/traces");
	copy = malloc(len + 1);
	if (!g->name || (base && !g->base) || !g->text || !g->traces || !copy)
		goto fail;
	memcpy(g->text, text, len);
	g->text[len] = '\0';
	g->len = len;
	fx_sweep_sha256(text, len, g->sha256);
	g->series = fx_sweep_replay_has("--series");
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (memchr(text, '\0', len)) {
		ret = perr(&p, 1, "a NUL byte; expected a text file");
		goto fail;
	}
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;
		lineno++;
		if ((ret = parse_line(&p, line, lineno, &version)))
			goto fail;
	}
	if (!g->nsec) {
		ret = perr(&p, lineno ? lineno : 1, "no section; expected 'version = %d' and at least one '[section]'",
			   FX_SWEEP_VERSION);
		goto fail;
	}
	if ((ret = end_section(&p, &g->sec[g->nsec - 1])))
		goto fail;
	free(copy);
	err[0] = '\0';
	*out = g;
	return 0;
fail:
	free(copy);
	fx_sweep_grid_free(g);
	return ret;
}

int fx_sweep_grid_parse(const char *path, const struct fx_sweep_env *env,
			struct fx_sweep_grid **out, char *err, size_t errlen)
{
	char base[PATH_MAX], *slash, *text;
	size_t len;
	int ret;

	*out = NULL;
	text = fx_sweep_file_read(path, &len);
	if (!text) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!realpath(path, base)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		return ret;
	}
	slash = strrchr(base, '/');
	if (slash == base)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	ret = fx_sweep_grid_parse_text(path, base, text, len, env, out, err, errlen);
	free(text);
	return ret;
}

void fx_sweep_grid_free(struct fx_sweep_grid *g)
{
	if (!g)
		return;
	for (unsigned s = 0; s < g->nsec; s++) {
		for (unsigned k = 0; k < FX_SWEEP_NKEYS; k++) {
			struct fx_sweep_values *v = &g->sec[s].key[k];

			for (unsigned i = 0; i < v->n; i++) {
				free(v->v[i]);
				free(v->path[i]);
			}
			free(v->v);
			free(v->path);
			free(v->cpus);
			free(v->nodes);
		}
		free(g->sec[s].name);
	}
	free(g->sec);
	free(g->name);
	free(g->base);
	free(g->text);
	free(g->traces);
	free(g);
}
