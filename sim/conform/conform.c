// SPDX-License-Identifier: MIT
/*
 * conform.c - "futexsim conform": run scenarios on the live kernel and on
 * the model and compare them, then a seeded random differential run.
 *
 *   futexsim conform [--dir DIR] [--random N] [--seed S] [--verbose]
 *                    [--list] [FILE.fxs...]
 *
 * Without files, every .fxs file in DIR (sorted; DIR defaults to tests/conform)
 * runs, followed by N random ops (default 10000).  With files, only those
 * run, plus random ops only if --random is given.  One line per scenario
 * (PASS / FAIL / SKIP: reason), a summary, and a last line
 * "N passed, N failed" counting scenarios and random blocks.  Exit status
 * 0 only when nothing failed.  A skipped scenario never counts as passed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform/conform.h"

#define DEFAULT_DIR	"tests/conform"
#define DEFAULT_RANDOM	10000L
#define DEFAULT_SEED	1ull

struct opts {
	const char *dir;
	long nrandom;
	bool random_set;
	uint64_t seed;
	bool verbose;
	bool list;
	int nfiles;
	char **files;
};

struct tally {
	int scenarios, passed, failed, skipped;
	long rops, blocks, divergences, bpassed, bfailed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: futexsim conform [--dir DIR] [--random N] [--seed S] [--verbose]\n"
		"                        [--list] [FILE.fxs...]\n"
		"  Runs conformance scenarios (docs/conform-format.md) on the live kernel\n"
		"  and on the model and compares every step; then N random ops (default\n"
		"  %ld without FILEs) in blocks, minimising any divergence found.\n"
		"  --dir DIR   scenario directory (default %s)\n"
		"  --random N  random differential ops (0: none)\n"
		"  --seed S    seed of the random run (default %llu)\n"
		"  --verbose   print both traces of every scenario\n"
		"  --list      list the scenarios and exit\n",
		DEFAULT_RANDOM, DEFAULT_DIR, (unsigned long long)DEFAULT_SEED);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->dir = DEFAULT_DIR;
	o->nrandom = DEFAULT_RANDOM;
	o->seed = DEFAULT_SEED;
	o->files = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->files)
		return -ENOMEM;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (!strcmp(a, "--dir") && i + 1 < argc) {
			o->dir = argv[++i];
		} else if (!strcmp(a, "--random") && i + 1 < argc) {
			errno = 0;
			o->nrandom = strtol(argv[++i], &end, 0);
			if (errno || *end || o->nrandom < 0) {
				fprintf(stderr, "futexsim conform: --random: expected a count, got '%s'\n",
					argv[i]);
				return -EINVAL;
			}
			o->random_set = true;
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			errno = 0;
			o->seed = strtoull(argv[++i], &end, 0);
			if (errno || *end) {
				fprintf(stderr, "futexsim conform: --seed: expected a number, got '%s'\n",
					argv[i]);
				return -EINVAL;
			}
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			o->verbose = true;
		} else if (!strcmp(a, "--list")) {
			o->list = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 1;
		} else if (a[0] == '-') {
			fprintf(stderr, "futexsim conform: unknown option '%s'\n", a);
			usage(stderr);
			return -EINVAL;
		} else {
			o->files[o->nfiles++] = argv[i];
		}
	}
	if (o->nfiles && !o->random_set)
		o->nrandom = 0;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted list of the .fxs files in DIR; NULL-terminated, or NULL on error. */
static char **scan_dir(const char *dir, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int cap = 0;

	*n = 0;
	if (!d) {
		fprintf(stderr, "futexsim conform: %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *path;

		if (len < 5 || strcmp(e->d_name + len - 4, ".fxs"))
			continue;
		if (*n + 1 >= cap) {
			char **nv;

			cap = cap ? cap * 2 : 32;
			nv = realloc(v, sizeof(*v) * (size_t)cap);
			if (!nv)
				goto oom;
			v = nv;
		}
		path = malloc(strlen(dir) + len + 2);
		if (!path)
			goto oom;
		sprintf(path, "%s/%s", dir, e->d_name);
		v[(*n)++] = path;
		v[*n] = NULL;
	}
	closedir(d);
	if (!v)
		v = calloc(1, sizeof(*v));
	else
		qsort(v, (size_t)*n, sizeof(*v), cmp_str);
	return v;
oom:
	closedir(d);
	for (int i = 0; i < *n; i++)
		free(v[i]);
	free(v);
	fprintf(stderr, "futexsim conform: out of memory\n");
	return NULL;
}

/* run_scenario - 1 passed, 0 failed, 2 skipped */
static int run_scenario(const char *path, const struct opts *o)
{
	struct fxc_scenario sc;
	struct fxc_trace kt = { 0 }, mt = { 0 };
	char err[512];
	int ret, res = 0;

	ret = fxc_parse_file(path, &sc, err, sizeof(err));
	if (ret) {
		printf("FAIL %s: %s\n", path, err);
		fxc_scenario_free(&sc);
		return 0;
	}
	ret = fxc_run_kernel(&sc, &kt);
	if (ret < 0) {
		printf("FAIL %s: kernel runner error: %s\n", sc.name,
		       kt.error[0] ? kt.error : strerror(-ret));
		goto out;
	}
	ret = fxc_run_model(&sc, &mt);
	if (ret < 0) {
		printf("FAIL %s: model runner error: %s\n", sc.name,
		       mt.error[0] ? mt.error : strerror(-ret));
		goto out;
	}
	if (o->verbose) {
		if (!kt.skip[0])
			fxc_print_trace(stdout, &sc, &kt, "kernel");
		fxc_print_trace(stdout, &sc, &mt, "model");
	}
	if (kt.skip[0]) {
		/* still hold the model to the scenario's own expectations */
		if (fxc_check_expect(&sc, &mt, "model", NULL) >= 0) {
			printf("FAIL %s: model breaks an expectation (kernel skipped: %s)\n",
			       sc.name, kt.skip);
			fxc_check_expect(&sc, &mt, "model", stdout);
			goto out;
		}
		printf("SKIP %s: %s\n", sc.name, kt.skip);
		res = 2;
		goto out;
	}
	if (fxc_check_expect(&sc, &kt, "kernel", NULL) >= 0) {
		printf("FAIL %s: the kernel breaks the scenario's expectation\n", sc.name);
		fxc_check_expect(&sc, &kt, "kernel", stdout);
		goto out;
	}
	if (fxc_compare(&sc, &kt, &mt, NULL) >= 0) {
		printf("FAIL %s: model differs from the kernel\n", sc.name);
		fxc_compare(&sc, &kt, &mt, stdout);
		goto out;
	}
	if (fxc_check_expect(&sc, &mt, "model", NULL) >= 0) {
		printf("FAIL %s: the model breaks the scenario's expectation\n", sc.name);
		fxc_check_expect(&sc, &mt, "model", stdout);
		goto out;
	}
	printf("PASS %s\n", sc.name);
	res = 1;
out:
	fflush(stdout);
	fxc_trace_free(&kt);
	fxc_trace_free(&mt);
	fxc_scenario_free(&sc);
	return res;
}

/* probe_feature - does the kernel runner run a scenario requiring @feat? */
static bool probe_feature(const char *feat)
{
	struct fxc_scenario sc;
	struct fxc_trace tr = { 0 };
	char text[256], err[256];
	bool ok;

	snprintf(text, sizeof(text),
		 "scenario probe_%s\nrequires %s\nmap M anon-private 1 rw\n"
		 "futex F M+0\nthread T\nT wake F 1\n", feat, feat);
	if (fxc_parse_string("(probe)", text, &sc, err, sizeof(err)))
		return false;
	ok = fxc_run_kernel(&sc, &tr) == 0 && !tr.skip[0];
	fxc_trace_free(&tr);
	fxc_scenario_free(&sc);
	return ok;
}

static void run_random(const struct opts *o, struct tally *t)
{
	struct fxc_features feat = { 0 };
	struct fxc_rng rng;
	char err[512];

	feat.futex2 = probe_feature("futex2");
	feat.pi = probe_feature("pi");
	feat.rt = probe_feature("rt");
	fxc_rng_seed(&rng, o->seed);
	printf("random: seed %llu, %ld ops (futex2 %s, pi %s, rt %s)\n",
	       (unsigned long long)o->seed, o->nrandom, feat.futex2 ? "yes" : "no",
	       feat.pi ? "yes" : "no", feat.rt ? "yes" : "no");
	while (t->rops < o->nrandom) {
		struct fxc_scenario sc, min;
		struct fxc_trace kt = { 0 }, mt = { 0 };
		long left = o->nrandom - t->rops;
		int n = 50 + (int)fxc_rng_below(&rng, 51), ret, tries = 0;

		if (n > left)
			n = (int)left;
		ret = fxc_random_block(&rng, &feat, n, t->blocks, &sc, err, sizeof(err));
		t->blocks++;
		if (ret) {
			printf("FAIL random block %ld: model failed while generating: %s\n",
			       t->blocks - 1, err);
			t->bfailed++;
			fxc_scenario_free(&sc);
			t->rops += n;
			continue;
		}
		t->rops += sc.nsteps;
		ret = fxc_run_kernel(&sc, &kt);
		if (ret < 0 || kt.skip[0]) {
			printf("FAIL %s: kernel runner %s: %s\n", sc.name,
			       ret < 0 ? "error" : "skipped", ret < 0 ? kt.error : kt.skip);
			t->bfailed++;
			goto next;
		}
		ret = fxc_run_model(&sc, &mt);
		if (ret < 0) {
			printf("FAIL %s: model runner error: %s\n", sc.name, mt.error);
			t->bfailed++;
			goto next;
		}
		if (fxc_compare(&sc, &kt, &mt, NULL) < 0) {
			t->bpassed++;
			if (o->verbose)
				printf("PASS %s (%d steps)\n", sc.name, sc.nsteps);
			goto next;
		}
		t->divergences++;
		t->bfailed++;
		printf("FAIL %s: model differs from the kernel\n", sc.name);
		fxc_compare(&sc, &kt, &mt, stdout);
		if (!fxc_minimise(&sc, fxc_run_kernel, fxc_run_model, &min, &tries)) {
			struct fxc_trace a = { 0 }, b = { 0 };

			printf("  minimised from %d to %d steps in %d runs; replay with\n"
			       "  futexsim conform FILE.fxs after saving:\n"
			       "# ---- 8< ----\n", sc.nsteps, min.nsteps, tries);
			snprintf(min.name, sizeof(min.name), "random_s%llu_b%ld_min",
				 (unsigned long long)o->seed, t->blocks - 1);
			fxc_scenario_print(stdout, &min);
			printf("# ---- 8< ----\n");
			if (!fxc_run_kernel(&min, &a) && !fxc_run_model(&min, &b))
				fxc_compare(&min, &a, &b, stdout);
			fxc_trace_free(&a);
			fxc_trace_free(&b);
			fxc_scenario_free(&min);
		} else {
			printf("  (not minimised: the divergence did not reproduce)\n# ---- 8< ----\n");
			fxc_scenario_print(stdout, &sc);
			printf("# ---- 8< ----\n");
		}
next:
		fflush(stdout);
		fxc_trace_free(&kt);
		fxc_trace_free(&mt);
		fxc_scenario_free(&sc);
	}
}

int fx_conform_main(int argc, char **argv)
{
	struct opts o;
	struct tally t = { 0 };
	char **files = NULL;
	int nfiles = 0, ret;
	bool scanned = false;

	ret = parse_opts(argc, argv, &o);
	if (ret) {
		free(o.files);
		return ret > 0 ? 0 : 2;
	}
	if (o.nfiles) {
		files = o.files;
		nfiles = o.nfiles;
	} else {
		files = scan_dir(o.dir, &nfiles);
		if (!files) {
			free(o.files);
			printf("0 passed, 1 failed\n");
			return 1;
		}
		scanned = true;
	}
	if (o.list) {
		for (int i = 0; i < nfiles; i++) {
			struct fxc_scenario sc;
			char err[512];

			if (fxc_parse_file(files[i], &sc, err, sizeof(err)))
				printf("%-40s %s (parse error: %s)\n", "?", files[i], err);
			else
				printf("%-40s %s%s%s\n", sc.name, files[i],
				       sc.requires[0] ? "  requires " : "", sc.requires);
			fxc_scenario_free(&sc);
		}
		goto out;
	}
	for (int i = 0; i < nfiles; i++) {
		int r = run_scenario(files[i], &o);

		t.scenarios++;
		if (r == 1)
			t.passed++;
		else if (r == 2)
			t.skipped++;
		else
			t.failed++;
	}
	if (o.nrandom > 0)
		run_random(&o, &t);
	printf("conform: %d scenarios (%d passed, %d failed, %d skipped); "
	       "%ld random ops in %ld blocks, %ld divergences\n",
	       t.scenarios, t.passed, t.failed, t.skipped, t.rops, t.blocks,
	       t.divergences);
	printf("%ld passed, %ld failed\n", t.passed + t.bpassed, t.failed + t.bfailed);
out:
	if (scanned) {
		for (int i = 0; i < nfiles; i++)
			free(files[i]);
		free(files);
	}
	free(o.files);
	fflush(stdout);
	return (t.failed || t.bfailed) ? 1 : 0;
}
