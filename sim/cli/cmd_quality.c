// SPDX-License-Identifier: MIT
/*
 * cmd_quality.c - "futexsim quality": the hash-quality battery of
 * sim/quality.c as a pass/fail table, one row per hasher, one column per
 * test, with the measured value; a legend names the thresholds.  It is a
 * report: failing hashers do not change the exit status (0); bad options
 * do (2).  stdout is deterministic; the run time goes to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "quality.h"

static const char quality_usage[] =
	"usage: futexsim quality [--hash H1,H2|all] [--samples N] [--seed S]\n"
	"                        [--csv FILE] [--jobs N] [-v]\n"
	"  SMHasher-style tests of the hashers on futex keys (global 4-word and\n"
	"  private 2-word forms); buckets are hash & (m - 1), m = 16..65536.\n"
	"  --hash LIST    comma-separated hashers, or 'all' (default)\n"
	"  --samples N    random keys per key form for avalanche; bitbias uses\n"
	"                 8N per family, seed N/4 per form (default 16384,\n"
	"                 1024..4194304); the structured key sets are fixed\n"
	"  --seed S       hasher seed (default 0: the kernel's functions as they\n"
	"                 are); the key samples never change with it\n"
	"  --csv FILE     also write every cell's worst case as CSV\n"
	"  --jobs N       threads (default: online CPUs); output is the same\n"
	"  -v             the worst cell of every key family / case\n"
	"  Tests, statistics and thresholds: docs/quality.md.\n";

#define Q_CELL 20

/* Format a test's headline value into @buf. */
static void q_fmt(char *buf, size_t len, enum fx_q_test t,
		  const struct fx_q_outcome *o)
{
	const char *v = o->verdict == FX_Q_PASS ? "PASS" : "FAIL";

	if (o->verdict == FX_Q_NA) {
		if (!strcmp(o->worst, "ignores the seed"))
			snprintf(buf, len, "n/a (no seed)");
		else if (o->worst[0])
			snprintf(buf, len, "n/a (in initval)");
		else
			snprintf(buf, len, "-");
		return;
	}
	if (t == FX_Q_AVALANCHE || t == FX_Q_BITBIAS)
		snprintf(buf, len, "%6.2f%% %s", 100 * o->value, v);
	else if (o->value >= 0.001)
		snprintf(buf, len, "p=%.3f %s", o->value, v);
	else if (o->value > 0)
		snprintf(buf, len, "p=%.1e %s", o->value, v);
	else
		snprintf(buf, len, "p<1e-300 %s", v);
}

static const char *q_verdict_name(enum fx_q_verdict v)
{
	return v == FX_Q_PASS ? "PASS" : v == FX_Q_FAIL ? "FAIL" : "n/a";
}

static void q_print_table(FILE *out, const struct fx_q_report *r, size_t n)
{
	char buf[64];

	fprintf(out, "%-15s", "hasher");
	for (int t = 0; t < FX_Q_NTESTS; t++)
		fprintf(out, " %-*s", t + 1 < FX_Q_NTESTS ? Q_CELL : 0,
			fx_q_test_name(t));
	fputc('\n', out);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%-15s", r[i].hasher->name);
		for (int t = 0; t < FX_Q_NTESTS; t++) {
			q_fmt(buf, sizeof(buf), t, &r[i].t[t]);
			fprintf(out, " %-*s", t + 1 < FX_Q_NTESTS ? Q_CELL : 0, buf);
		}
		fputc('\n', out);
	}
}

/* The limit of test @t for @bits-bit hashers, from the first such report. */
static const struct fx_q_outcome *q_any(const struct fx_q_report *r, size_t n,
					enum fx_q_test t, unsigned bits)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].t[t].verdict != FX_Q_NA &&
		    (!bits || r[i].hasher->out_bits == bits))
			return &r[i].t[t];
	return NULL;
}

static void q_print_legend(FILE *out, const struct fx_q_report *r, size_t n,
			   const struct fx_q_params *p)
{
	static const unsigned bits[] = { 32, 64 };
	const struct fx_q_outcome *o;

	fprintf(out, "\n# thresholds: each test has K cells; it FAILs when its worst cell is beyond\n"
		"# what an ideal random hash reaches with probability %g over all K cells.\n",
		FX_Q_ALPHA);
	fprintf(out, "#  avalanche  flip each key-word and initval bit of %u random keys per form;\n"
		"#             worst |2p-1| over (input bit, output bit); FAIL if >= max(1%%, noise):\n",
		p->samples);
	for (int b = 0; b < 2; b++)
		if ((o = q_any(r, n, FX_Q_AVALANCHE, bits[b])))
			fprintf(out, "#               %u-bit output: K=%u, limit %.2f%%\n",
				bits[b], o->cells, 100 * o->limit);
	fprintf(out, "#  bitbias    share of ones of each output bit over %u random keys of each of\n"
		"#             4 families; worst |2p-1|; FAIL if >= max(1%%, noise):\n",
		FX_Q_BITBIAS_KEYS(p->samples));
	for (int b = 0; b < 2; b++)
		if ((o = q_any(r, n, FX_Q_BITBIAS, bits[b])))
			fprintf(out, "#               %u-bit output: K=%u, limit %.2f%%\n",
				bits[b], o->cells, 100 * o->limit);
	if ((o = q_any(r, n, FX_Q_DIST, 0)))
		fprintf(out, "#  dist       chi-square of %u keys of each of 13 families at m=%u..%u, worst\n"
			"#             upper-tail p; K=%u, FAIL if p < %.1e\n", FX_Q_DIST_KEYS,
			FX_Q_MINM, FX_Q_DIST_MAXM, o->cells, o->limit);
	if ((o = q_any(r, n, FX_Q_SPARSE, 0)))
		fprintf(out, "#  sparse     keys with <= 3 bits set: chi-square at m=16..65536 and full-width\n"
			"#             collisions vs birthday (Poisson); K=%u, FAIL if p < %.1e\n",
			o->cells, o->limit);
	if ((o = q_any(r, n, FX_Q_STRIDE, 0)))
		fprintf(out, "#  stride     chi-square of %u addresses at strides 4 B..1 GiB and 5 odd ones,\n"
			"#             m=%u..%u; K=%u, FAIL if p < %.1e\n", FX_Q_STRIDE_KEYS,
			FX_Q_MINM, FX_Q_STRIDE_MAXM, o->cells, o->limit);
	fprintf(out, "#  seed       share of keys whose bucket moves when seed bit k flips, vs 1-1/m\n"
		"#             (exact binomial, two-sided), %u keys per form", FX_Q_SEED_KEYS(p->samples));
	if ((o = q_any(r, n, FX_Q_SEED, 0)))
		fprintf(out, "; K=%u, FAIL if p < %.1e", o->cells, o->limit);
	fprintf(out, "\n#             n/a (no seed): ignores the seed by design; n/a (in initval): the\n"
		"#             seed is XORed into the initval (a key bit: see avalanche)\n");
}

static void q_print_cases(FILE *out, const struct fx_q_report *r, size_t n)
{
	fprintf(out, "\n# worst cell per case (bias tests: stat = |2p-1|; chi-square: stat = X^2;\n"
		"# collisions: stat = count; seed: stat = moved share)\n");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < r[i].ncases; j++) {
			const struct fx_q_case *cs = &r[i].cases[j];

			fprintf(out, "%-15s %-9s %-32s m=%-6u stat=%-12.6g z=%-10.3g p=%.3g\n",
				r[i].hasher->name, fx_q_test_name(cs->test),
				cs->name, cs->size, cs->stat, cs->z, cs->p);
		}
		for (int t = 0; t < FX_Q_NTESTS; t++)
			if (r[i].t[t].verdict == FX_Q_FAIL)
				fprintf(out, "%-15s %-9s FAIL at %s\n",
					r[i].hasher->name, fx_q_test_name(t),
					r[i].t[t].worst);
	}
}

/* CSV: one summary row per (hasher, test), then one per case. */
static int q_write_csv(const char *path, const struct fx_q_report *r,
		       size_t n)
{
	size_t plen = strlen(path) + 8;
	char *tmp = malloc(plen);
	FILE *f;
	int bad;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, plen, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return -errno;
	}
	fprintf(f, "hasher,seed,samples,test,case,table_size,value,z,p,limit,cells,verdict\n");
	for (size_t i = 0; i < n; i++) {
		const struct fx_q_report *ri = &r[i];

		for (int t = 0; t < FX_Q_NTESTS; t++) {
			const struct fx_q_outcome *o = &ri->t[t];
			bool bias = t == FX_Q_AVALANCHE || t == FX_Q_BITBIAS;

			fprintf(f, "%s,%llu,%u,%s,all,,", ri->hasher->name,
				(unsigned long long)ri->params.seed,
				ri->params.samples, fx_q_test_name(t));
			if (o->verdict == FX_Q_NA)
				fprintf(f, ",,,,0,n/a\n");
			else
				fprintf(f, "%.9g,%.6g,%.6g,%.6g,%u,%s\n",
					t == FX_Q_SEED ? o->dev : o->value, o->z,
					bias ? fx_q_normal_sf2(o->z) : o->value,
					o->limit, o->cells,
					q_verdict_name(o->verdict));
		}
		for (size_t j = 0; j < ri->ncases; j++) {
			const struct fx_q_case *cs = &ri->cases[j];

			fprintf(f, "%s,%llu,%u,%s,%s,%u,%.9g,%.6g,%.6g,,,\n",
				ri->hasher->name,
				(unsigned long long)ri->params.seed,
				ri->params.samples, fx_q_test_name(cs->test),
				cs->name, cs->size, cs->stat, cs->z, cs->p);
		}
	}
	bad = ferror(f);
	errno = 0;
	if (fclose(f) || bad || rename(tmp, path)) {
		int err = errno ? -errno : -EIO;

		remove(tmp);
		free(tmp);
		return err;
	}
	free(tmp);
	return 0;
}

/* Parse "a,b,c" or "all" into @sel (registry order kept as given). */
static int q_parse_hashers(const char *arg, const struct fx_hasher **sel,
			   size_t cap, size_t *n)
{
	char *s = strdup(arg), *save = NULL;

	if (!s)
		return fx_cli_error("quality", "out of memory");
	*n = 0;
	for (char *tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			for (const struct fx_hasher *const *h = fx_hashers; *h; h++) {
				bool dup = false;

				for (size_t i = 0; i < *n; i++)
					dup |= sel[i] == *h;
				if (!dup && *n < cap)
					sel[(*n)++] = *h;
			}
			continue;
		}
		const struct fx_hasher *h = fx_hasher_find(tok);
		bool dup = false;

		if (!h) {
			fx_cli_error("quality", "unknown hasher '%s'; expected 'all' or a comma-separated list of: %s",
				     tok, fx_hasher_names());
			free(s);
			return 2;
		}
		for (size_t i = 0; i < *n; i++)
			dup |= sel[i] == h;
		if (!dup && *n < cap)
			sel[(*n)++] = h;
	}
	free(s);
	if (!*n)
		return fx_cli_error("quality", "--hash '%s': no hasher named; expected 'all' or some of: %s",
				    arg, fx_hasher_names());
	return 0;
}

int fx_cli_quality(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hash", required_argument, NULL, 'H' },
		{ "samples", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "csv", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum { Q_MAXH = 256 };
	const struct fx_hasher *sel[Q_MAXH];
	struct fx_q_params p = { .samples = FX_Q_DEFAULT_SAMPLES };
	const char *hash_arg = "all", *csv = NULL;
	struct fx_q_report *reports;
	struct timespec t0, t1;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	bool verbose = false;
	uint64_t v;
	size_t n;
	int c, err;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			hash_arg = optarg;
			break;
		case 'n':
			if (!fx_parse_u64(optarg, &v) || v < FX_Q_MIN_SAMPLES ||
			    v > FX_Q_MAX_SAMPLES)
				return fx_cli_error("quality", "--samples '%s': expected %u..%u",
						    optarg, FX_Q_MIN_SAMPLES, FX_Q_MAX_SAMPLES);
			p.samples = (unsigned)v;
			break;
		case 's':
			if (!fx_parse_u64(optarg, &p.seed))
				return fx_cli_error("quality", "--seed '%s': expected a number (decimal or 0x hex)",
						    optarg);
			break;
		case 'c':
			if (!*optarg)
				return fx_cli_error("quality", "--csv: expected a file name");
			csv = optarg;
			break;
		case 'j':
			if (!fx_parse_u64(optarg, &v) || !v || v > 64)
				return fx_cli_error("quality", "--jobs '%s': expected 1..64", optarg);
			jobs = (unsigned)v;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			fputs(quality_usage, stdout);
			return 0;
		default:
			fputs(quality_usage, stderr);
			return 2;
		}
	}
	if (optind < argc)
		return fx_cli_error("quality", "unexpected argument '%s' (see --help)", argv[optind]);
	err = q_parse_hashers(hash_arg, sel, Q_MAXH, &n);
	if (err)
		return err;
	reports = calloc(n, sizeof(*reports));
	if (!reports)
		return fx_cli_error("quality", "out of memory");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = fx_quality_run_many(sel, n, &p, jobs, reports);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		free(reports);
		return fx_cli_error("quality", "the battery failed: %s", strerror(-err));
	}
	if (csv) {	/* first: a bad path prints no table and exits 2 */
		err = q_write_csv(csv, reports, n);
		if (err) {
			for (size_t i = 0; i < n; i++)
				fx_q_report_free(&reports[i]);
			free(reports);
			return fx_cli_error("quality", "--csv '%s': %s", csv, strerror(-err));
		}
	}
	printf("# futexsim quality: %zu hasher%s, seed %llu, samples %u\n", n,
	       n == 1 ? "" : "s", (unsigned long long)p.seed, p.samples);
	q_print_table(stdout, reports, n);
	q_print_legend(stdout, reports, n, &p);
	if (verbose)
		q_print_cases(stdout, reports, n);
	fprintf(stderr, "futexsim quality: %zu hasher%s in %.2f s on %u thread%s\n",
		n, n == 1 ? "" : "s",
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		jobs < n ? jobs : (unsigned)n, (jobs < n ? jobs : n) == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		fx_q_report_free(&reports[i]);
	free(reports);
	return 0;
}
