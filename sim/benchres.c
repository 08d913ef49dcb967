// SPDX-License-Identifier: MIT
/*
 * benchres.c - read and write the results of "make bench" (bench.csv and
 * skipped.txt; the format is in benchres.h and docs/bench-live.md), and
 * find perf bench futex's summary figure in its output.
 *
 * The reader is strict: every field is checked, and the first malformed
 * one fails the load with "FILE:LINE: field N (name) 'text': what was
 * expected", so calibration never runs on a half-understood file.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "benchres.h"

#define NFIELDS	11

static const char *const field_names[NFIELDS] = {
	"host", "kernel", "cpus", "nodes", "distances", "slots",
	"benchmark", "params", "metric", "value", "unit",
};

static const char *const units[] = { "ns", "ops/s", "ms", "ratio", "count" };

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

bool fx_benchres_unit_ok(const char *unit)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i]) == 0)
			return true;
	return false;
}

bool fx_benchres_field_ok(const char *s)
{
	return s && !strpbrk(s, ",\"\r\n");
}

/* a name: benchmark, metric or param key; [a-z0-9_], not empty */
static bool name_ok(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

/* the next "key=value" pair of @p: its key and value spans; NULL at end */
static const char *next_pair(const char *p, const char **k, size_t *klen,
			     const char **v, size_t *vlen)
{
	const char *end, *eq;

	if (!p || !*p)
		return NULL;
	end = strchr(p, ';');
	if (!end)
		end = p + strlen(p);
	eq = memchr(p, '=', (size_t)(end - p));
	*k = p;
	*klen = eq ? (size_t)(eq - p) : (size_t)(end - p);
	*v = eq ? eq + 1 : end;
	*vlen = eq ? (size_t)(end - eq - 1) : 0;
	return *end ? end + 1 : end;
}

/* 0, or -EINVAL with @why set: "" or well-formed k=v;k=v, unique keys */
static int params_check(const char *params, const char **why)
{
	const char *p = params, *k, *v;
	size_t klen, vlen;

	if (!*params)
		return 0;
	while ((p = next_pair(p, &k, &klen, &v, &vlen))) {
		const char *q = params, *k2, *v2;
		size_t k2len, v2len;

		if (k + klen == v || !name_ok(k, klen)) {
			*why = "expected key=value pairs joined by ';' (keys of a-z, 0-9, _)";
			return -EINVAL;
		}
		if (!vlen || memchr(v, '=', vlen)) {
			*why = "expected a non-empty value without '=' after each key";
			return -EINVAL;
		}
		while ((q = next_pair(q, &k2, &k2len, &v2, &v2len)) && k2 != k)
			if (k2len == klen && !memcmp(k2, k, klen)) {
				*why = "a key appears twice";
				return -EINVAL;
			}
		if (!*p && p[-1] == ';') {
			*why = "expected no ';' at the end";
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_long(const char *s, long *v)
{
	char *end;

	if (!*s)
		return -EINVAL;
	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int fx_benchres_distances(const char *s, unsigned *d, size_t max,
			  unsigned *n)
{
	unsigned rows = 0, cols = 0, row_cols = 0;
	size_t count = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || v == 0 || v > UINT32_MAX)
			return -EINVAL;
		if (count >= max)
			return -ERANGE;
		d[count++] = (unsigned)v;
		row_cols++;
		p = end;
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p != ';' && *p)
			return -EINVAL;
		if (rows == 0)
			cols = row_cols;
		else if (row_cols != cols)
			return -EINVAL;
		rows++;
		row_cols = 0;
		if (!*p)
			break;
		p++;
	}
	if (rows != cols)
		return -EINVAL;
	*n = rows;
	return 0;
}

/* split @line in place into exactly NFIELDS fields; -EINVAL otherwise */
static int split(char *line, char **f, unsigned *nf)
{
	unsigned n = 0;
	char *p = line;

	for (;;) {
		char *c = strchr(p, ',');

		if (n == NFIELDS) {
			*nf = n + 1;
			return -EINVAL;
		}
		f[n++] = p;
		if (!c)
			break;
		*c = '\0';
		p = c + 1;
	}
	*nf = n;
	return n == NFIELDS ? 0 : -EINVAL;
}

static int row_parse(char *line, struct fx_benchres_row *r,
		     const char *file, unsigned lineno, char *err,
		     size_t errlen)
{
	char *f[NFIELDS];
	unsigned nf, i, nn;
	long v;
	char *end;
	const char *why = NULL;
	unsigned dist[64 * 64];

	if (strpbrk(line, "\"")) {
		seterr(err, errlen, "%s:%u: a quote: fields are never quoted",
		       file, lineno);
		return -EINVAL;
	}
	if (split(line, f, &nf)) {
		seterr(err, errlen, "%s:%u: %s%u fields: expected %d (%s)",
		       file, lineno, nf > NFIELDS ? "more than " : "",
		       nf > NFIELDS ? NFIELDS : nf, NFIELDS,
		       FX_BENCHRES_HEADER);
		return -EINVAL;
	}
	for (i = 0; i < NFIELDS; i++)
		if (!*f[i] && i != 7) {
			why = "expected a non-empty field";
			goto bad;
		}
	r->host = f[0];
	r->kernel = f[1];
	i = 2;
	if (parse_long(f[2], &v) || v < 1 || v > INT32_MAX) {
		why = "expected a positive integer";
		goto bad;
	}
	r->cpus = (int)v;
	i = 3;
	if (parse_long(f[3], &v) || v < 1 || v > INT32_MAX) {
		why = "expected a positive integer";
		goto bad;
	}
	r->nodes = (int)v;
	i = 4;
	switch (fx_benchres_distances(f[4], dist, sizeof(dist) / sizeof(dist[0]),
				      &nn)) {
	case 0:
		if (nn == (unsigned)r->nodes)
			break;
		seterr(err, errlen, "%s:%u: field 5 (distances) '%s': a %ux%u "
		       "matrix, expected %dx%d (nodes)", file, lineno, f[4],
		       nn, nn, r->nodes, r->nodes);
		return -EINVAL;
	case -ERANGE:
		why = "more than 64 nodes";
		goto bad;
	default:
		why = "expected a square matrix of positive integers, values "
		      "joined by ' ', rows by ';' (\"10 21;21 10\")";
		goto bad;
	}
	r->distances = f[4];
	i = 5;
	if (parse_long(f[5], &v) || v < -1) {
		why = "expected an integer >= -1 (-1: no PR_FUTEX_HASH; 0: global hash)";
		goto bad;
	}
	r->slots = v;
	i = 6;
	if (!name_ok(f[6], strlen(f[6]))) {
		why = "expected a name of a-z, 0-9, _";
		goto bad;
	}
	r->benchmark = f[6];
	i = 7;
	if (params_check(f[7], &why))
		goto bad;
	r->params = f[7];
	i = 8;
	if (!name_ok(f[8], strlen(f[8]))) {
		why = "expected a name of a-z, 0-9, _";
		goto bad;
	}
	r->metric = f[8];
	i = 9;
	errno = 0;
	r->value = strtod(f[9], &end);
	if (errno || *end || end == f[9] || !isfinite(r->value)) {
		why = "expected a finite number";
		goto bad;
	}
	i = 10;
	if (!fx_benchres_unit_ok(f[10])) {
		why = "expected a unit: ns, ops/s, ms, ratio or count";
		goto bad;
	}
	r->unit = f[10];
	r->line = lineno;
	return 0;
bad:
	seterr(err, errlen, "%s:%u: field %u (%s) '%s': %s", file, lineno,
	       i + 1, field_names[i], f[i], why);
	return -EINVAL;
}

static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static int load_skipped(struct fx_benchres_set *set, const char *path,
			char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, f) >= 0) {
		char **n;

		chomp(line);
		if (!*line)
			continue;
		n = realloc(set->skipped, (set->nskipped + 1) * sizeof(*n));
		if (!n || !(n[set->nskipped] = strdup(line))) {
			if (n)
				set->skipped = n;
			ret = -ENOMEM;
			break;
		}
		set->skipped = n;
		set->nskipped++;
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		seterr(err, errlen, "%s: read error", path);
	}
	free(line);
	fclose(f);
	return ret;
}

int fx_benchres_load(const char *path, struct fx_benchres_set *set,
		     char *err, size_t errlen)
{
	struct stat st;
	char *csv = NULL, *skp = NULL, *line = NULL, *slash;
	size_t cap = 0, alloc = 0;
	unsigned lineno = 0;
	FILE *f = NULL;
	int ret = 0;

	memset(set, 0, sizeof(*set));
	if (stat(path, &st)) {
		ret = -errno;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		if (asprintf(&csv, "%s/%s", path, FX_BENCHRES_CSV) < 0)
			csv = NULL;
		if (asprintf(&skp, "%s/%s", path, FX_BENCHRES_SKIPPED) < 0)
			skp = NULL;
	} else {
		csv = strdup(path);
		slash = strrchr(path, '/');
		if (asprintf(&skp, "%.*s%s", slash ? (int)(slash - path + 1) : 0,
			     path, FX_BENCHRES_SKIPPED) < 0)
			skp = NULL;
	}
	if (!csv || !skp) {
		ret = -ENOMEM;
		goto out;
	}
	set->path = csv;
	csv = NULL;
	f = fopen(set->path, "r");
	if (!f) {
		ret = -errno;
		seterr(err, errlen, "%s: %s", set->path, strerror(errno));
		goto out;
	}
	while (getline(&line, &cap, f) >= 0) {
		struct fx_benchres_row *r;

		lineno++;
		chomp(line);
		if (lineno == 1) {
			if (strcmp(line, FX_BENCHRES_HEADER)) {
				seterr(err, errlen, "%s:1: header '%s': expected '%s'",
				       set->path, line, FX_BENCHRES_HEADER);
				ret = -EINVAL;
				goto out;
			}
			continue;
		}
		if (set->nrows == alloc) {
			size_t na = alloc ? 2 * alloc : 64;
			struct fx_benchres_row *nr;
			char **nb;

			nr = realloc(set->rows, na * sizeof(*nr));
			if (nr)
				set->rows = nr;
			nb = realloc(set->bufs_, na * sizeof(*nb));
			if (nb)
				set->bufs_ = nb;
			if (!nr || !nb) {
				ret = -ENOMEM;
				goto out;
			}
			alloc = na;
		}
		r = &set->rows[set->nrows];
		set->bufs_[set->nrows] = strdup(line);
		if (!set->bufs_[set->nrows]) {
			ret = -ENOMEM;
			goto out;
		}
		ret = row_parse(set->bufs_[set->nrows], r, set->path, lineno,
				err, errlen);
		if (ret) {
			free(set->bufs_[set->nrows]);
			goto out;
		}
		set->nrows++;
	}
	if (ferror(f)) {
		ret = -EIO;
		seterr(err, errlen, "%s:%u: read error", set->path, lineno + 1);
		goto out;
	}
	if (lineno == 0) {
		seterr(err, errlen, "%s:1: empty file: expected the header '%s'",
		       set->path, FX_BENCHRES_HEADER);
		ret = -EINVAL;
		goto out;
	}
	ret = load_skipped(set, skp, err, errlen);
out:
	if (f)
		fclose(f);
	free(line);
	free(csv);
	free(skp);
	if (ret < 0)
		fx_benchres_free(set);
	return ret;
}

void fx_benchres_free(struct fx_benchres_set *set)
{
	for (size_t i = 0; i < set->nrows; i++)
		free(set->bufs_[i]);
	for (size_t i = 0; i < set->nskipped; i++)
		free(set->skipped[i]);
	free(set->bufs_);
	free(set->rows);
	free(set->skipped);
	free(set->path);
	memset(set, 0, sizeof(*set));
}

/* does @params hold the pair k=v (spans)? */
static bool has_pair(const char *params, const char *k, size_t klen,
		     const char *v, size_t vlen)
{
	const char *p = params, *k2, *v2;
	size_t k2len, v2len;

	while ((p = next_pair(p, &k2, &k2len, &v2, &v2len)))
		if (k2len == klen && v2len == vlen && !memcmp(k, k2, klen) &&
		    !memcmp(v, v2, vlen))
			return true;
	return false;
}

static unsigned npairs(const char *params)
{
	const char *p = params, *k, *v;
	size_t klen, vlen;
	unsigned n = 0;

	while ((p = next_pair(p, &k, &klen, &v, &vlen)))
		n++;
	return n;
}

bool fx_benchres_params_match(const char *params, const char *filter)
{
	const char *p = filter, *k, *v;
	size_t klen, vlen;

	if (!filter)
		return true;
	while ((p = next_pair(p, &k, &klen, &v, &vlen)))
		if (!has_pair(params, k, klen, v, vlen))
			return false;
	return true;
}

int fx_benchres_get(const struct fx_benchres_set *set, const char *benchmark,
		    const char *params, const char *metric, double *v)
{
	unsigned n = npairs(params ? params : "");

	for (size_t i = 0; i < set->nrows; i++) {
		const struct fx_benchres_row *r = &set->rows[i];

		if (strcmp(r->benchmark, benchmark) || strcmp(r->metric, metric))
			continue;
		/* same pairs: each of @params in the row, and as many */
		if (npairs(r->params) != n ||
		    !fx_benchres_params_match(r->params, params))
			continue;
		*v = r->value;
		return 0;
	}
	return -ENOENT;
}

const struct fx_benchres_row *
fx_benchres_next(const struct fx_benchres_set *set,
		 const struct fx_benchres_row *prev, const char *benchmark,
		 const char *filter, const char *metric)
{
	size_t i = prev ? (size_t)(prev - set->rows) + 1 : 0;

	for (; i < set->nrows; i++) {
		const struct fx_benchres_row *r = &set->rows[i];

		if (benchmark && strcmp(r->benchmark, benchmark))
			continue;
		if (metric && strcmp(r->metric, metric))
			continue;
		if (!fx_benchres_params_match(r->params, filter))
			continue;
		return r;
	}
	return NULL;
}

int fx_benchres_param(const char *params, const char *key, char *buf,
		      size_t len)
{
	const char *p = params, *k, *v;
	size_t klen, vlen, keylen = strlen(key);

	while ((p = next_pair(p, &k, &klen, &v, &vlen))) {
		if (klen != keylen || memcmp(k, key, klen))
			continue;
		if (vlen + 1 > len)
			return -ENAMETOOLONG;
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		return 0;
	}
	return -ENOENT;
}

int fx_benchres_param_long(const char *params, const char *key, long *v)
{
	char buf[32];
	int ret = fx_benchres_param(params, key, buf, sizeof(buf));

	if (ret == -ENAMETOOLONG)
		return -EINVAL;
	if (ret)
		return ret;
	return parse_long(buf, v);
}

int fx_benchres_write_header(FILE *out)
{
	if (fprintf(out, "%s\n", FX_BENCHRES_HEADER) < 0)
		return -EIO;
	return 0;
}

int fx_benchres_write_row(FILE *out, const struct fx_benchres_row *r)
{
	const char *why;
	unsigned nn;
	unsigned dist[64 * 64];

	if (!fx_benchres_field_ok(r->host) || !*r->host ||
	    !fx_benchres_field_ok(r->kernel) || !*r->kernel ||
	    !fx_benchres_field_ok(r->distances) ||
	    fx_benchres_distances(r->distances, dist,
				  sizeof(dist) / sizeof(dist[0]), &nn) ||
	    nn != (unsigned)r->nodes || r->cpus < 1 || r->slots < -1 ||
	    !name_ok(r->benchmark, strlen(r->benchmark)) ||
	    !fx_benchres_field_ok(r->params) || params_check(r->params, &why) ||
	    !name_ok(r->metric, strlen(r->metric)) ||
	    !isfinite(r->value) || !fx_benchres_unit_ok(r->unit))
		return -EINVAL;
	if (fprintf(out, "%s,%s,%d,%d,%s,%ld,%s,%s,%s,%.6g,%s\n", r->host,
		    r->kernel, r->cpus, r->nodes, r->distances, r->slots,
		    r->benchmark, r->params, r->metric, r->value, r->unit) < 0)
		return -EIO;
	return 0;
}

/* ---- perf bench futex output ---- */

/* the number after the last " in " of @line, followed by " ms" */
static int parse_in_ms(const char *line, double *v)
{
	const char *p = NULL, *q = line;
	char *end;

	while ((q = strstr(q, " in "))) {
		p = q;
		q += 4;
	}
	if (!p)
		return -EINVAL;
	errno = 0;
	*v = strtod(p + 4, &end);
	if (errno || end == p + 4 || strncmp(end, " ms", 3) || !isfinite(*v) ||
	    *v < 0)
		return -EINVAL;
	return 0;
}

static int parse_averaged(const char *line, double *v)
{
	const char *p = line + strlen("Averaged ");
	char *end;

	errno = 0;
	*v = strtod(p, &end);
	if (errno || end == p || strncmp(end, " operations/sec", 15) ||
	    !isfinite(*v) || *v < 0)
		return -EINVAL;
	return 0;
}

int fx_benchres_perf_parse(const char *scenario, const char *text,
			   double *v)
{
	const char *prefix;
	int (*parse)(const char *, double *);
	const char *p = text, *found = NULL;
	size_t plen;
	char line[512];

	if (!strcmp(scenario, "hash") || !strcmp(scenario, "lock_pi")) {
		prefix = "Averaged ";
		parse = parse_averaged;
	} else if (!strcmp(scenario, "wake")) {
		prefix = "Wokeup ";
		parse = parse_in_ms;
	} else if (!strcmp(scenario, "wake_parallel")) {
		prefix = "Avg per-thread latency ";
		parse = parse_in_ms;
	} else if (!strcmp(scenario, "requeue")) {
		prefix = "Requeued ";
		parse = parse_in_ms;
	} else {
		return -EINVAL;
	}
	plen = strlen(prefix);
	/* the last line that starts with the prefix (not "[Run n]: ...") */
	while (p && *p) {
		if (!strncmp(p, prefix, plen))
			found = p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!found)
		return -ENOENT;
	plen = strcspn(found, "\n");
	if (plen >= sizeof(line))
		return -EINVAL;
	memcpy(line, found, plen);
	line[plen] = '\0';
	return parse(line, v);
}
