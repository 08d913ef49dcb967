// SPDX-License-Identifier: MIT
/*
 * cost.c - the cost model: built-in defaults (cost-list.h), profile files,
 * --cost overrides and the dump that writes a profile back.
 *
 * Values are read as decimal text and kept as integer picoseconds, never
 * as floating point: "4.25" is 4250 ps exactly, and a dump prints 4250 ps
 * as "4.25", so load(dump(c)) gives back the same struct.  At most three
 * decimals are accepted (one picosecond); a fourth is an error, not a
 * rounding, because the engine counts whole picoseconds and a silently
 * rounded input would be a silently different run.
 *
 * Every error names its input ("PATH:LINE:" for a file, "--cost 'x=y':"
 * for an override), the parameter and what was expected, and leaves the
 * profile untouched: a file is applied to a copy that replaces the
 * profile only when the whole file has been read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cost.h"
#include "topo.h"
#include "hashers/hasher.h"

/* largest value accepted: 10^12 ns (1000 s), 10^15 ps; times any distance
 * (<= 254) it still fits fx_ps many times over */
#define MAX_NS_INT	1000000000000ull
#define MAX_DIST	254u
#define DUMP_HINT	"(see futexsim run --cost-dump for the list)"

struct param {
	const char *name;
	double def;		/* ns, or the number for FX_UNITLESS */
	int unit;
	const char *source;
};

static const struct param params[FX_COST_NR] = {
#define FX_COST(id, name, def, unit, source) \
	[FX_COST_##id] = { name, def, unit, source },
#include "cost-list.h"
#undef FX_COST
};

/*
 * Built-in values in ps.  A constant expression, so a default written with
 * decimals in cost-list.h (2.58) becomes whole picoseconds (2580) at
 * compile time: +0.5 rounds the binary fraction to the nearest ps.
 */
static const fx_ps builtin[FX_COST_NR] = {
#define FX_COST(id, name, def, unit, source) \
	[FX_COST_##id] = (fx_ps)((def) * ((unit) == FX_NS ? 1000.0 : 1.0) + 0.5),
#include "cost-list.h"
#undef FX_COST
};

/*
 * Measured cost of hashing one futex key with each hasher, in ps:
 * docs/bench.md, the 16-byte key (the global hash's jhash2(key, 4,
 * offset)), medians of 25 repetitions, `make bench-hash` on the 2-CPU
 * KVM guest (AMD EPYC, Linux 6.18) this profile was measured on.  A
 * hasher missing here follows hash.default.
 */
static const struct {
	const char *name;
	fx_ps ps;
} hash_measured[] = {
	{ "jhash2", 5320 }, { "hash_32", 3353 }, { "hash_64", 4637 },
	{ "hash_64_old", 4584 }, { "siphash", 17489 }, { "hsiphash", 11316 },
	{ "xxh32", 6538 }, { "xxh64", 5157 }, { "xxh3", 3014 },
	{ "murmur3", 6230 }, { "murmur3_fmix64", 2702 }, { "crc32c", 3827 },
	{ "wyhash", 4222 }, { "fnv1a", 12722 }, { "modprime", 9284 },
	{ "liteos", 3210 }, { "lowbits", 1440 }, { "ideal", 11740 },
};

#define HASH_SOURCE	"measured: docs/bench.md, 16-byte key, " FX_COST_HOST

/* ---- names ---- */

/**
 * fx_cost_name - the profile name of a parameter
 * @id: parameter
 *
 * Return: "line.xfer" style name, or NULL when @id is out of range.
 */
const char *fx_cost_name(enum fx_cost_id id)
{
	if ((unsigned)id >= FX_COST_NR)
		return NULL;
	return params[id].name;
}

static int param_find(const char *name, size_t len)
{
	for (int i = 0; i < FX_COST_NR; i++)
		if (strlen(params[i].name) == len &&
		    memcmp(params[i].name, name, len) == 0)
			return i;
	return -1;
}

static int hash_slot(const struct fx_cost *c, const char *name, size_t len)
{
	for (unsigned i = 0; i < c->nhash; i++)
		if (strlen(c->hash_name[i]) == len &&
		    memcmp(c->hash_name[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* ---- defaults ---- */

/**
 * fx_cost_defaults - fill @c with the built-in profile
 * @c: profile
 *
 * Every parameter of cost-list.h in ps (distances as given), one hash
 * entry per registered hasher (its docs/bench.md figure, or
 * FX_COST_HASH_DEFAULT: follow hash.default), no distance matrix, origin
 * "builtin".  The whole struct is zeroed first, so two default profiles
 * compare equal with memcmp().
 */
void fx_cost_defaults(struct fx_cost *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->v, builtin, sizeof(c->v));
	for (const struct fx_hasher *const *h = fx_hashers; *h; h++) {
		size_t len = strlen((*h)->name);
		fx_ps ps = FX_COST_HASH_DEFAULT;

		if (c->nhash == FX_COST_MAX_HASHERS ||
		    len >= sizeof(c->hash_name[0]))
			continue;	/* falls back to hash.default */
		for (size_t i = 0; i < sizeof(hash_measured) /
				       sizeof(hash_measured[0]); i++)
			if (strcmp(hash_measured[i].name, (*h)->name) == 0)
				ps = hash_measured[i].ps;
		memcpy(c->hash_name[c->nhash], (*h)->name, len);
		c->hash_ps[c->nhash++] = ps;
	}
	snprintf(c->profile, sizeof(c->profile), "builtin");
}

/**
 * fx_cost_hash - the cost of hashing one key with a hasher
 * @c:    profile
 * @name: hasher registry name
 *
 * Return: hash.NAME in ps, or hash.default when the hasher has no entry
 * or its entry follows hash.default.
 */
fx_ps fx_cost_hash(const struct fx_cost *c, const char *name)
{
	int i = name ? hash_slot(c, name, strlen(name)) : -1;

	if (i < 0 || c->hash_ps[i] == FX_COST_HASH_DEFAULT)
		return c->v[FX_COST_hash_default];
	return c->hash_ps[i];
}

/* ---- parsing ---- */

struct ctx {
	const char *where;	/* "PATH:LINE" or "--cost 'x=y'" */
	char *err;
	size_t errlen;
};

static int fail(const struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!x->err || !x->errlen)
		return -EINVAL;
	n = snprintf(x->err, x->errlen, "%s: ", x->where);
	if (n < 0 || (size_t)n >= x->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	       ch == '\f' || ch == '\v';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* trim [*s, *e) of blanks */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

/*
 * parse_ns - "123", "4.25", "0.001" -> picoseconds, exactly.
 * Return: 0, or -EINVAL with @x's message naming @pname.
 */
static int parse_ns(const struct ctx *x, const char *pname, const char *s,
		    const char *e, fx_ps *out)
{
	const char *p = s;
	uint64_t ip = 0, frac = 0;
	int nfrac = 0;

	if (s == e)
		return fail(x, "%s: missing value (expected a number of ns, e.g. 4.25)",
			    pname);
	if (*p == '-')
		return fail(x, "%s: negative value '%.*s' (costs are >= 0 ns)",
			    pname, (int)(e - s), s);
	if (*p == '+')
		p++;
	if (p == e || !is_digit(*p))
		goto nan;
	for (; p < e && is_digit(*p); p++) {
		ip = ip * 10 + (uint64_t)(*p - '0');
		if (ip > MAX_NS_INT)
			return fail(x, "%s: value '%.*s' is too large (at most %llu ns)",
				    pname, (int)(e - s), s,
				    (unsigned long long)MAX_NS_INT);
	}
	if (p < e && *p == '.') {
		p++;
		if (p == e || !is_digit(*p))
			goto nan;
		for (; p < e && is_digit(*p); p++) {
			if (++nfrac > 3)
				return fail(x, "%s: '%.*s' has more than 3 decimals (the model counts whole picoseconds: write at most 0.001 ns)",
					    pname, (int)(e - s), s);
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
	}
	if (p != e)
		goto nan;
	while (nfrac++ < 3)
		frac *= 10;
	if (ip == MAX_NS_INT && frac)
		return fail(x, "%s: value '%.*s' is too large (at most %llu ns)",
			    pname, (int)(e - s), s,
			    (unsigned long long)MAX_NS_INT);
	*out = ip * FX_PS_PER_NS + frac;
	return 0;
nan:
	return fail(x, "%s: expected a non-negative number of ns (e.g. 4.25), got '%.*s'",
		    pname, (int)(e - s), s);
}

/* parse_dist - an integer distance, 10..MAX_DIST */
static int parse_dist(const struct ctx *x, const char *pname, const char *s,
		      const char *e, unsigned *out)
{
	const char *p = s;
	unsigned long v = 0;

	if (s == e)
		return fail(x, "%s: missing value (expected an integer distance, 10 = local)",
			    pname);
	if (*p == '-')
		return fail(x, "%s: negative value '%.*s' (distances are 10..%u, 10 = local)",
			    pname, (int)(e - s), s, MAX_DIST);
	for (; p < e && is_digit(*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 1000)
			break;
	}
	if (p == s || p != e)
		return fail(x, "%s: expected an integer distance (10..%u, ACPI SLIT style: 10 = local), got '%.*s'",
			    pname, MAX_DIST, (int)(e - s), s);
	if (v < 10 || v > MAX_DIST)
		return fail(x, "%s: distance %lu out of range (10..%u; 10 = local, as in the ACPI SLIT)",
			    pname, v, MAX_DIST);
	*out = (unsigned)v;
	return 0;
}

/*
 * parse_matrix - "10 21, 21 10" (rows separated by ',' or ';'): square,
 * at most FX_COST_MAX_NODES nodes, diagonal 10, every entry 10..MAX_DIST.
 */
static int parse_matrix(const struct ctx *x, struct fx_cost *c, const char *s,
			const char *e)
{
	static const char pname[] = "distance.matrix";
	unsigned n = 0, row = 0, col = 0;
	unsigned d[FX_COST_MAX_NODES * FX_COST_MAX_NODES];
	const char *p = s;

	if (s == e)
		return fail(x, "%s: missing value (expected rows of distances, e.g. '10 21, 21 10')",
			    pname);
	for (;;) {
		const char *t;
		unsigned v;
		int ret;

		while (p < e && is_space(*p))
			p++;
		if (p == e || *p == ',' || *p == ';') {
			/* end of a row */
			if (col == 0)
				return fail(x, "%s: row %u is empty (expected rows of distances separated by ',' or ';', e.g. '10 21, 21 10')",
					    pname, row + 1);
			if (row == 0)
				n = col;
			else if (col != n)
				return fail(x, "%s: row %u has %u entries, row 1 has %u (the matrix must be square)",
					    pname, row + 1, col, n);
			row++;
			col = 0;
			if (p == e)
				break;
			p++;
			if (row >= n || row >= FX_COST_MAX_NODES) {
				while (p < e && is_space(*p))
					p++;
				if (p == e)	/* a trailing separator */
					break;
				return fail(x, "%s: more than %u rows (row 1 has %u entries; the matrix must be square)",
					    pname, row, n);
			}
			continue;
		}
		t = p;
		while (p < e && !is_space(*p) && *p != ',' && *p != ';')
			p++;
		if (col >= FX_COST_MAX_NODES)
			return fail(x, "%s: row %u has more than %u entries (at most %u nodes)",
				    pname, row + 1, FX_COST_MAX_NODES,
				    FX_COST_MAX_NODES);
		ret = parse_dist(x, pname, t, p, &v);
		if (ret)
			return ret;
		if (row == col && v != 10)
			return fail(x, "%s: entry [%u][%u] is %u; a node's distance to itself must be 10",
				    pname, row, col, v);
		d[row * FX_COST_MAX_NODES + col] = v;
		col++;
	}
	if (row != n)
		return fail(x, "%s: %u rows of %u entries (the matrix must be square)",
			    pname, row, n);
	c->dist_n = n;
	memset(c->dist, 0, sizeof(c->dist));
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < n; j++)
			c->dist[i * n + j] = d[i * FX_COST_MAX_NODES + j];
	return 0;
}

/* the line each name was set on in this file, 0 = not yet: duplicates */
struct seen {
	unsigned param[FX_COST_NR];
	unsigned hash[FX_COST_MAX_HASHERS];	/* by hash slot */
	unsigned matrix;
};

/*
 * apply - set one "name = value" (both already split and trimmed) in @c
 * @seen: the duplicate check of a file, or NULL for --cost
 * @line: the line number recorded in @seen
 */
static int apply(const struct ctx *x, struct fx_cost *c, const char *n,
		 const char *ne, const char *v, const char *ve,
		 struct seen *seen, unsigned line)
{
	char pname[64];
	int id;

	if (n == ne)
		return fail(x, "expected 'name = value', the name is missing");
	for (const char *p = n; p < ne; p++)
		if (is_space(*p))
			return fail(x, "expected 'name = value', got the name '%.*s' with a blank in it",
				    (int)(ne - n), n);
	snprintf(pname, sizeof(pname), "%.*s", (int)(ne - n), n);

	if (strcmp(pname, "distance.matrix") == 0) {
		if (seen && seen->matrix)
			return fail(x, "duplicate parameter 'distance.matrix' (first set on line %u)",
				    seen->matrix);
		if (seen)
			seen->matrix = line;
		return parse_matrix(x, c, v, ve);
	}

	id = param_find(n, (size_t)(ne - n));
	if (id >= 0) {
		int ret;

		if (seen && seen->param[id])
			return fail(x, "duplicate parameter '%s' (first set on line %u)",
				    pname, seen->param[id]);
		if (params[id].unit == FX_NS) {
			fx_ps ps;

			ret = parse_ns(x, pname, v, ve, &ps);
			if (!ret)
				c->v[id] = ps;
		} else {
			unsigned d;

			ret = parse_dist(x, pname, v, ve, &d);
			if (!ret)
				c->v[id] = d;
		}
		if (!ret && seen)
			seen->param[id] = line;
		return ret;
	}

	if ((size_t)(ne - n) > 5 && memcmp(n, "hash.", 5) == 0) {
		const char *hn = n + 5;
		size_t hl = (size_t)(ne - hn);
		int slot = hash_slot(c, hn, hl);
		fx_ps ps;
		int ret;

		if (slot < 0) {
			const struct fx_hasher *h;
			char hname[32];

			snprintf(hname, sizeof(hname), "%.*s", (int)hl, hn);
			h = hl < sizeof(hname) ? fx_hasher_find(hname) : NULL;
			if (!h)
				return fail(x, "unknown hasher '%.*s' in '%s' (hashers: %s)",
					    (int)hl, hn, pname,
					    fx_hasher_names());
			if (hl >= sizeof(c->hash_name[0]) ||
			    c->nhash == FX_COST_MAX_HASHERS)
				return fail(x, "'%s': no room for the cost of another hasher (at most %u, names under %zu characters)",
					    pname, FX_COST_MAX_HASHERS,
					    sizeof(c->hash_name[0]));
		}
		if (slot >= 0 && seen && seen->hash[slot])
			return fail(x, "duplicate parameter '%s' (first set on line %u)",
				    pname, seen->hash[slot]);
		if (ve - v == 7 && memcmp(v, "default", 7) == 0)
			ps = FX_COST_HASH_DEFAULT;	/* follow hash.default */
		else if ((ret = parse_ns(x, pname, v, ve, &ps)))
			return ret;
		if (slot < 0) {		/* registered, but had no slot */
			slot = (int)c->nhash++;
			memcpy(c->hash_name[slot], hn, hl);
		}
		c->hash_ps[slot] = ps;
		if (seen)
			seen->hash[slot] = line;
		return 0;
	}

	return fail(x, "unknown parameter '%s' " DUMP_HINT, pname);
}

/* split "name = value" (comment already removed) and apply it */
static int assign(const struct ctx *x, struct fx_cost *c, const char *s,
		  const char *e, struct seen *seen, unsigned line)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	const char *n = s, *ne, *v, *ve = e;

	if (!eq)
		return fail(x, "expected 'name = value', got '%.*s'",
			    (int)(e - s), s);
	ne = eq;
	v = eq + 1;
	trim(&n, &ne);
	trim(&v, &ve);
	return apply(x, c, n, ne, v, ve, seen, line);
}

/* fx_cost_load - see cost.h; the file is applied to a copy of @c */
int fx_cost_load(struct fx_cost *c, const char *path, char *err,
		 size_t errlen)
{
	struct fx_cost *tmp;
	struct seen *seen;
	char where[512];
	struct ctx x = { where, err, errlen };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open cost profile: %s",
				 path, strerror(errno));
		return ret;
	}
	tmp = malloc(sizeof(*tmp));
	seen = calloc(1, sizeof(*seen));
	if (!tmp || !seen) {
		ret = -ENOMEM;
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	memcpy(tmp, c, sizeof(*tmp));
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *s = line, *e = line + len;
		const char *hash;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", path, lineno);
		if (memchr(line, '\0', (size_t)len)) {
			ret = fail(&x, "unexpected NUL byte (not a text file?)");
			goto out;
		}
		hash = memchr(s, '#', (size_t)(e - s));
		if (hash)
			e = hash;
		trim(&s, &e);
		if (s == e)
			continue;
		ret = assign(&x, tmp, s, e, seen, lineno);
		if (ret)
			goto out;
	}
	if (ferror(f)) {
		ret = -EIO;
		if (err && errlen)
			snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	snprintf(tmp->profile, sizeof(tmp->profile), "%s", path);
	memcpy(c, tmp, sizeof(*c));
out:
	free(line);
	free(seen);
	free(tmp);
	fclose(f);
	return ret;
}

/* fx_cost_set - see cost.h; same rules as a file line, no duplicates */
int fx_cost_set(struct fx_cost *c, const char *assignment, char *err,
		size_t errlen)
{
	char where[320];
	struct ctx x = { where, err, errlen };
	struct fx_cost *tmp;
	const char *s = assignment, *e;
	int ret;

	snprintf(where, sizeof(where), "--cost '%.256s'",
		 assignment ? assignment : "");
	if (!assignment)
		return fail(&x, "expected name=value");
	e = s + strlen(s);
	trim(&s, &e);
	if (s == e)
		return fail(&x, "expected name=value, e.g. --cost line.xfer=45.5");
	if (memchr(s, '#', (size_t)(e - s)))
		return fail(&x, "expected name=value, got a '#' (no comments in --cost)");
	tmp = malloc(sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, c, sizeof(*tmp));
	ret = assign(&x, tmp, s, e, NULL, 0);
	if (!ret)
		memcpy(c, tmp, sizeof(*c));
	free(tmp);
	return ret;
}

/* ---- dump ---- */

static void print_value(FILE *out, fx_ps v, int unit)
{
	if (unit != FX_NS) {
		fprintf(out, "%llu", (unsigned long long)v);
		return;
	}
	fprintf(out, "%llu", (unsigned long long)(v / FX_PS_PER_NS));
	if (v % FX_PS_PER_NS) {
		char frac[4];
		int k = 3;

		snprintf(frac, sizeof(frac), "%03llu",
			 (unsigned long long)(v % FX_PS_PER_NS));
		while (k > 0 && frac[k - 1] == '0')
			frac[--k] = '\0';
		fprintf(out, ".%s", frac);
	}
}

static void print_changed(FILE *out, fx_ps def, int unit, const char *source)
{
	fputs("  # changed from the built-in ", out);
	print_value(out, def, unit);
	fprintf(out, " (%s)\n", source);
}

/**
 * fx_cost_dump - write @c as a loadable profile
 * @c:   profile
 * @out: stream
 *
 * A header naming the origin, then every parameter in cost-list.h order
 * (the hashers right after hash.default, the matrix last), each value
 * printed exactly in ns and followed by its source, or by the built-in
 * value when it differs from it.  fx_cost_load() of the output gives back
 * every value of @c.
 */
void fx_cost_dump(const struct fx_cost *c, FILE *out)
{
	struct fx_cost *def = malloc(sizeof(*def));

	if (def)
		fx_cost_defaults(def);
	fprintf(out,
		"# futexsim cost profile: %s\n"
		"# Values in ns (at most 3 decimals: whole picoseconds); distances\n"
		"# are ACPI SLIT style (10 = local).  docs/cost-model.md explains\n"
		"# each parameter and cites the sources in full.  Load with\n"
		"# --cost-file FILE; override one value with --cost name=value.\n",
		c->profile[0] ? c->profile : "builtin");
	for (int id = 0; id < FX_COST_NR; id++) {
		fprintf(out, "%s = ", params[id].name);
		print_value(out, c->v[id], params[id].unit);
		if (def && def->v[id] != c->v[id])
			print_changed(out, def->v[id], params[id].unit,
				      params[id].source);
		else
			fprintf(out, "  # %s\n", params[id].source);
		if (id != FX_COST_hash_default)
			continue;
		for (unsigned i = 0; i < c->nhash; i++) {
			int j = def ? hash_slot(def, c->hash_name[i],
						 strlen(c->hash_name[i])) : -1;
			fx_ps dv = j >= 0 ? def->hash_ps[j] : FX_COST_HASH_DEFAULT;

			fprintf(out, "hash.%s = ", c->hash_name[i]);
			if (c->hash_ps[i] == FX_COST_HASH_DEFAULT) {
				fprintf(out, "default  # follows hash.default (no figure of its own)\n");
				continue;
			}
			print_value(out, c->hash_ps[i], FX_NS);
			if (dv == c->hash_ps[i])
				fprintf(out, "  # %s\n", HASH_SOURCE);
			else if (dv == FX_COST_HASH_DEFAULT)
				fprintf(out, "  # changed (built-in: follows hash.default)\n");
			else
				print_changed(out, dv, FX_NS, HASH_SOURCE);
		}
	}
	if (c->dist_n) {
		fputs("distance.matrix = ", out);
		for (unsigned i = 0; i < c->dist_n; i++) {
			for (unsigned j = 0; j < c->dist_n; j++)
				fprintf(out, "%s%u", j ? " " : "",
					c->dist[i * c->dist_n + j]);
			fputs(i + 1 < c->dist_n ? ", " : "", out);
		}
		fputs("  # node distances, row = from, column = to\n", out);
	} else {
		fputs("# distance.matrix is not set: hwloc's matrix, else one built from\n"
		      "# distance.local/package/remote (e.g. distance.matrix = 10 21, 21 10)\n",
		      out);
	}
	free(def);
}

int fx_cost_apply_distances(const struct fx_cost *c, struct fx_topo *t,
			    char *err, size_t errlen)
{
	if (t->dist_from_hwloc)
		return 0;
	if (c->dist_n) {
		if (c->dist_n != t->nnodes) {
			snprintf(err, errlen, "topology \"%s\" has %u node(s) but the cost profile's distance.matrix is %ux%u",
				 t->spec, t->nnodes, c->dist_n, c->dist_n);
			return -EINVAL;
		}
		memcpy(t->dist, c->dist, sizeof(unsigned) * c->dist_n * c->dist_n);
		return 0;
	}
	fx_topo_set_distances(t, (unsigned)c->v[FX_COST_dist_local],
			      (unsigned)c->v[FX_COST_dist_package],
			      (unsigned)c->v[FX_COST_dist_remote]);
	return 0;
}
