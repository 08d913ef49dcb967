// SPDX-License-Identifier: MIT
/*
 * cmd_validate.c - futexsim validate: simulate the scenarios "make bench"
 * measured and compare predicted with measured (sim/validate.c,
 * docs/calibration.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchres.h"
#include "calib.h"
#include "cli.h"
#include "validate.h"

#define CMD "validate"

static const char usage_text[] =
"usage: futexsim validate RESULTS_DIR [--profile FILE] [--out FILE.csv]\n"
"                         [--topology SPEC] [--seed N] [-q]\n"
"\n"
"Runs the simulator over the scenarios RESULTS_DIR/bench.csv measured\n"
"(\"make bench\") and prints predicted against measured, with the error\n"
"(predicted - measured) / measured and PASS/MISS against the targets:\n"
"throughput ratios (slot sweep, thread counts, shared/private keys,\n"
"lock_pi multi/single) within +-15%, wake-up latency p50 within +-25%;\n"
"p90/p99 are shown without a target.  A MISS is a finding about the\n"
"model, not an error: the exit status is 0 unless something failed.\n"
"\n"
"  --profile FILE   cost profile (default: calibrated on the fly from\n"
"                   RESULTS_DIR, as futexsim calibrate does)\n"
"  --out FILE.csv   also write the table as CSV (whole or not at all)\n"
"  --topology SPEC  simulated machine (default: \"host\" when the results\n"
"                   come from this machine, else a synthetic topology of\n"
"                   their cpus and nodes)\n"
"  --seed N         the simulations' seed (default 1)\n"
"  -q, --quiet      no progress lines on stderr\n"
"\n"
"docs/calibration.md describes every row and how to read the misses.\n";

/* the profile: --profile FILE over the built-in one, or calibrated */
static int profile(const char *file, const struct fx_benchres_set *set,
		   const char *dir, struct fx_cost *cost)
{
	struct fx_calib *cal;
	char err[512], date[40];

	if (file) {
		fx_cost_defaults(cost);
		if (fx_cost_load(cost, file, err, sizeof(err)))
			return fx_cli_error(CMD, "--profile: %s", err);
		return 0;
	}
	cal = malloc(sizeof(*cal));
	if (!cal)
		return fx_cli_error(CMD, "out of memory");
	fx_calib_date(dir, date, sizeof(date));
	if (fx_calib_derive(set, date, cal, err, sizeof(err))) {
		free(cal);
		return fx_cli_error(CMD, "calibration: %s", err);
	}
	*cost = cal->cost;
	free(cal);
	return 0;
}

enum { OPT_PROFILE = 0x200, OPT_OUT, OPT_TOPO, OPT_SEED };

int fx_cli_validate(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "topology", required_argument, NULL, OPT_TOPO },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct fx_cost cost;
	struct fx_benchres_set set = { 0 };
	struct fx_val_table t = { 0 };
	struct fx_val_opts o;
	const char *pfile = NULL, *out = NULL, *topo = NULL, *dir;
	char err[512], spec[128], *tmp = NULL;
	uint64_t seed = 1;
	bool quiet = false;
	FILE *f = NULL;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", lopts, NULL)) != -1) {
		switch (c) {
		case OPT_PROFILE:
			pfile = optarg;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_TOPO:
			topo = optarg;
			break;
		case OPT_SEED:
			if (!fx_parse_u64(optarg, &seed))
				return fx_cli_error(CMD, "--seed '%s': expected a number", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return fx_cli_error(CMD, "expected one RESULTS_DIR, got %d argument(s)",
				    argc - optind);
	}
	dir = argv[optind];
	if (fx_benchres_load(dir, &set, err, sizeof(err)) < 0)
		return fx_cli_error(CMD, "%s", err);
	if ((ret = profile(pfile, &set, dir, &cost)))
		goto out;
	if (fx_val_plan(&set, &t, err, sizeof(err))) {
		ret = fx_cli_error(CMD, "%s", err);
		goto out;
	}
	if (!t.n) {
		ret = fx_cli_error(CMD, "%s: no figure to compare (no slot_sweep, hash, lock_pi, wake or wake_latency rows)",
				   set.path);
		goto out;
	}
	fx_val_opts_default(&o, &cost);
	fx_val_topology(&set, spec, sizeof(spec));
	o.topo = topo ? topo : spec;
	o.seed = seed;
	o.progress = !quiet;
	if (!quiet)
		fprintf(stderr, "futexsim validate: %s: %zu comparison(s), topology \"%s\", profile %s\n",
			set.path, t.n, o.topo, cost.profile);
	if (out && (ret = fx_cli_tmpfile(CMD, out, &tmp, &f)))
		goto out;
	ret = fx_val_predict(&t, &o, err, sizeof(err));
	if (ret) {
		fx_cli_error(CMD, "%s", err);
		ret = ret == -EINVAL ? 2 : 1;
		goto out;
	}
	fx_val_print(&t, stdout);
	if (f) {
		fx_val_write_csv(&t, f);
		ret = fx_cli_tmpfile_close(CMD, out, tmp, f);
		f = NULL;
		if (ret) {
			tmp = NULL;
			goto out;
		}
		ret = fx_cli_tmpfile_commit(CMD, out, tmp);
		tmp = NULL;
		if (!ret)
			printf("futexsim validate: %s -> %s\n", set.path, out);
	}
out:
	if (f)
		fclose(f);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	fx_val_free(&t);
	fx_benchres_free(&set);
	return ret;
}
